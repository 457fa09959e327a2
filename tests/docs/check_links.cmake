# check_links.cmake: fails when a relative link in a Markdown file does not resolve, or when any
# file names the private design documents that users do not have.
#
# Contract: run as `cmake -DSOURCE_DIR=DIR [-DEXCLUDE=a/,b/] -P check_links.cmake`.
# - Every *.md file under SOURCE_DIR is read, except under .git, build*/ and out/ (build trees
#   and run outputs) and under the comma-separated relative path prefixes in EXCLUDE (the twin's
#   fixture, which is broken on purpose).
# - A link is an inline link or image `[text](target)` / `![alt](target)`, a reference
#   definition `[name]: target`, or an HTML `href="target"` / `src="target"`, outside fenced
#   code blocks and inline code spans. Targets with a scheme (`https:`, `mailto:`) are not
#   followed: the repository may link out only to upstream projects' public pages, which a
#   test without network cannot check.
# - A relative target must name an existing file or folder, resolved against the linking
#   file's folder (or against SOURCE_DIR when it starts with `/`, as GitHub does). A `#anchor`
#   into a Markdown file (or into the same file) must be the slug of one of its headings, made
#   as GitHub makes it: lower-cased, punctuation dropped, each space a hyphen, a repeated
#   heading suffixed -1, -2, ...; explicit `<a name="x">` / `id="x"` anchors count too.
# - Every text file under SOURCE_DIR (same exclusions) is searched for a link to or a mention
#   of the private design folder (the patterns are below, spelled so this file does not match
#   itself), because nothing in the repository may point where users cannot follow.
# - Each problem is printed as FILE:LINE: message, relative to SOURCE_DIR; the script then
#   exits non-zero.
# Leaves out: setext headings (underlined with === or ---; we write ATX `#` headings only),
# links split over two lines, and anchors into non-Markdown files (`file.cc#L10` checks the
# file only). Non-ASCII heading text is simplified: Latin letters are kept, characters of the
# punctuation, arrow and math blocks are dropped.
cmake_policy(SET CMP0007 NEW)  # keep empty list elements: they are empty lines, and count
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=DIR [-DEXCLUDE=prefix/,prefix/] -P check_links.cmake")
endif()
get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)
set(excluded "")
if(EXCLUDE)
  string(REPLACE "," ";" excluded "${EXCLUDE}")
endif()

# Brackets and semicolons are list syntax in CMake; inside the loop they stand for themselves
# as control characters, so a line is one list element whatever it contains.
string(ASCII 1 LB)
string(ASCII 2 RB)
string(ASCII 3 SC)
string(ASCII 226 UTF8_E2)  # lead byte of U+2000..U+2FFF: punctuation, arrows, math
string(ASCII 194 UTF8_C2)  # lead byte of U+0080..U+00BF: Latin-1 symbols
string(ASCII 195 UTF8_C3)
string(ASCII 151 UTF8_97)  # U+00D7 multiplication sign is C3 97
string(ASCII 183 UTF8_B7)  # U+00F7 division sign is C3 B7
string(ASCII 128 BYTE_80)  # every byte from here up belongs to a multi-byte character
string(ASCII 255 BYTE_FF)

set(problems 0)
function(problem rel line text)
  message(NOTICE "${rel}:${line}: ${text}")
  math(EXPR count "${problems} + 1")
  set(problems ${count} PARENT_SCOPE)
endfunction()

# The repository's files, without build trees, run outputs and excluded prefixes.
function(repo_files out_var)
  file(GLOB top RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*" "${SOURCE_DIR}/.*")
  set(result "")
  foreach(entry ${top})
    if(entry MATCHES "^(\\.git|\\.|\\.\\.|build[^/]*|out)$")
      continue()
    endif()
    if(IS_DIRECTORY "${SOURCE_DIR}/${entry}")
      file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/${entry}/*")
    else()
      set(files "${entry}")
    endif()
    foreach(f ${files})
      set(skip FALSE)
      if(f MATCHES "(^|/)\\.git/")
        set(skip TRUE)
      endif()
      foreach(prefix ${excluded})
        string(FIND "${f}" "${prefix}" at)
        if(at EQUAL 0)
          set(skip TRUE)
        endif()
      endforeach()
      if(NOT skip)
        list(APPEND result "${f}")
      endif()
    endforeach()
  endforeach()
  list(SORT result)
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()

# GitHub's heading slug of one heading text (already with LB/RB/SC placeholders).
function(heading_slug text out_var)
  string(REPLACE "${LB}" "[" text "${text}")
  string(REPLACE "${RB}" "]" text "${text}")
  string(REPLACE "${SC}" ";" text "${text}")
  # A link in a heading renders as its text.
  string(REGEX REPLACE "\\[([^]]*)\\]\\([^)]*\\)" "\\1" text "${text}")
  string(REGEX REPLACE "<[^>]*>" "" text "${text}")
  string(STRIP "${text}" text)
  string(TOLOWER "${text}" text)
  string(REGEX REPLACE "${UTF8_E2}.." "" text "${text}")
  string(REGEX REPLACE "${UTF8_C2}." "" text "${text}")
  string(REPLACE "${UTF8_C3}${UTF8_97}" "" text "${text}")
  string(REPLACE "${UTF8_C3}${UTF8_B7}" "" text "${text}")
  # Keep letters, digits, spaces, hyphens, underscores and multi-byte letters.
  string(REGEX REPLACE "[^a-z0-9 _${BYTE_80}-${BYTE_FF}-]" "" text "${text}")
  string(REPLACE " " "-" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# Reads one Markdown file into a list of lines with placeholders (see above).
function(read_lines path out_var)
  file(READ "${path}" content)
  string(REPLACE "\r" "" content "${content}")
  string(REPLACE ";" "${SC}" content "${content}")
  string(REPLACE "[" "${LB}" content "${content}")
  string(REPLACE "]" "${RB}" content "${content}")
  string(REPLACE "\\" "/" content "${content}")  # a backslash never matters in a link target
  string(REPLACE "\n" ";" content "${content}")
  set(${out_var} "${content}" PARENT_SCOPE)
endfunction()

# Tracks fenced code blocks (``` or ~~~) line by line in the caller's `in_fence`; sets
# `fence_line` when LINE itself opens or closes a fence. Nothing inside a fence is a link. A
# function, not a macro: a macro would expand `${...}` written in the Markdown line.
function(in_code_fence line)
  set(fence_line FALSE PARENT_SCOPE)
  if(line MATCHES "^ ? ? ?(```|~~~)")
    set(fence_line TRUE PARENT_SCOPE)
    if(in_fence)
      set(in_fence FALSE PARENT_SCOPE)
    else()
      set(in_fence TRUE PARENT_SCOPE)
    endif()
  endif()
endfunction()

# The anchors a Markdown file offers, cached per file in a global property.
function(anchors_of path out_var)
  get_property(cached GLOBAL PROPERTY "anchors:${path}" SET)
  if(cached)
    get_property(result GLOBAL PROPERTY "anchors:${path}")
    set(${out_var} "${result}" PARENT_SCOPE)
    return()
  endif()
  read_lines("${path}" lines)
  set(result "")
  set(in_fence FALSE)
  foreach(line IN LISTS lines)
    in_code_fence("${line}")
    if(in_fence OR fence_line)
      continue()
    endif()
    if(line MATCHES "^ ? ? ?#+[ \t]+(.*)$")
      set(text "${CMAKE_MATCH_1}")
      string(REGEX REPLACE "[ \t]+#+[ \t]*$" "" text "${text}")
      heading_slug("${text}" slug)
      set(candidate "${slug}")
      set(n 0)
      list(FIND result "${candidate}" seen)
      while(NOT seen EQUAL -1)
        math(EXPR n "${n} + 1")
        set(candidate "${slug}-${n}")
        list(FIND result "${candidate}" seen)
      endwhile()
      list(APPEND result "${candidate}")
    endif()
    string(REGEX MATCHALL "<a [^>]*(name|id)=\"[^\"]+\"" explicit "${line}")
    foreach(e ${explicit})
      string(REGEX REPLACE ".*(name|id)=\"([^\"]+)\"" "\\2" e "${e}")
      list(APPEND result "${e}")
    endforeach()
  endforeach()
  set_property(GLOBAL PROPERTY "anchors:${path}" "${result}")
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()

repo_files(all_files)
set(markdown_files "")
foreach(f ${all_files})
  if(f MATCHES "\\.md$")
    list(APPEND markdown_files "${f}")
  endif()
endforeach()

set(links_checked 0)
foreach(rel ${markdown_files})
  set(path "${SOURCE_DIR}/${rel}")
  get_filename_component(dir "${path}" DIRECTORY)
  read_lines("${path}" lines)
  set(line_no 0)
  set(in_fence FALSE)
  foreach(line IN LISTS lines)
    math(EXPR line_no "${line_no} + 1")
    in_code_fence("${line}")
    if(in_fence OR fence_line)
      continue()
    endif()
    string(REGEX REPLACE "`[^`]*`" "" line "${line}")
    set(targets "")
    string(REGEX MATCHALL "${LB}[^${LB}${RB}]*${RB}\\([^)]*\\)" inline "${line}")
    foreach(m ${inline})
      string(REGEX REPLACE "^.*${RB}\\(([^)]*)\\)$" "\\1" t "${m}")
      list(APPEND targets "${t}")
    endforeach()
    if(line MATCHES "^ ? ? ?${LB}[^${RB}]+${RB}:[ \t]+([^ \t]+)")
      list(APPEND targets "${CMAKE_MATCH_1}")
    endif()
    string(REGEX MATCHALL "(href|src)=\"[^\"]*\"" html "${line}")
    foreach(m ${html})
      string(REGEX REPLACE "^(href|src)=\"([^\"]*)\"$" "\\2" t "${m}")
      list(APPEND targets "${t}")
    endforeach()

    foreach(t ${targets})
      # `<target>` and a trailing "title" are link syntax, not part of the target.
      string(STRIP "${t}" t)
      string(REGEX REPLACE "^<([^>]*)>.*$" "\\1" t "${t}")
      string(REGEX REPLACE "[ \t]+\"[^\"]*\"$" "" t "${t}")
      string(REPLACE "%20" " " t "${t}")
      if(t STREQUAL "" OR t MATCHES "^[a-zA-Z][a-zA-Z0-9+.-]*:")
        continue()
      endif()
      math(EXPR links_checked "${links_checked} + 1")
      set(file_part "${t}")
      set(anchor "")
      string(FIND "${t}" "#" hash)
      if(NOT hash EQUAL -1)
        string(SUBSTRING "${t}" 0 ${hash} file_part)
        math(EXPR after "${hash} + 1")
        string(SUBSTRING "${t}" ${after} -1 anchor)
      endif()
      string(REGEX REPLACE "\\?.*$" "" file_part "${file_part}")
      if(file_part STREQUAL "")
        set(target_path "${path}")
      elseif(file_part MATCHES "^/")
        set(target_path "${SOURCE_DIR}${file_part}")
      else()
        set(target_path "${dir}/${file_part}")
      endif()
      get_filename_component(target_path "${target_path}" ABSOLUTE)
      if(NOT EXISTS "${target_path}")
        problem("${rel}" ${line_no} "broken link '${t}': ${file_part} does not exist")
        continue()
      endif()
      string(FIND "${target_path}/" "${SOURCE_DIR}/" inside)
      if(NOT inside EQUAL 0)
        problem("${rel}" ${line_no} "link '${t}' leaves the repository's tree")
        continue()
      endif()
      if(NOT anchor STREQUAL "" AND target_path MATCHES "\\.md$" AND NOT IS_DIRECTORY "${target_path}")
        anchors_of("${target_path}" anchors)
        string(TOLOWER "${anchor}" anchor_lower)
        list(FIND anchors "${anchor_lower}" found)
        if(found EQUAL -1)
          problem("${rel}" ${line_no} "broken link '${t}': no heading with anchor #${anchor} in ${file_part}")
        endif()
      endif()
    endforeach()
  endforeach()
endforeach()

# Mentions of the private design folder, in any text file. The two patterns are a relative
# link up into it and its spec subfolder's name; bracket classes keep this file from matching.
set(private_pattern "[.][.]/shared/|shared[/]spec")
set(files_scanned 0)
foreach(rel ${all_files})
  if(rel MATCHES "\\.(png|jpg|jpeg|gif|ico|pdf|gz|zip)$")
    continue()
  endif()
  math(EXPR files_scanned "${files_scanned} + 1")
  file(STRINGS "${SOURCE_DIR}/${rel}" hits REGEX "${private_pattern}")
  if(hits)
    # file(STRINGS) gives no line numbers; find them in the text.
    read_lines("${SOURCE_DIR}/${rel}" content)
    set(line_no 0)
    foreach(line IN LISTS content)
      math(EXPR line_no "${line_no} + 1")
      if(line MATCHES "${private_pattern}")
        problem("${rel}" ${line_no} "names the private design documents, which users do not have: explain it in docs/ and cite the upstream source instead")
      endif()
    endforeach()
  endif()
endforeach()

list(LENGTH markdown_files md_count)
if(md_count EQUAL 0)
  message(FATAL_ERROR "no Markdown files found under ${SOURCE_DIR}")
endif()
if(problems GREATER 0)
  message(FATAL_ERROR "${problems} problem(s) in ${md_count} Markdown files and ${files_scanned} files scanned")
endif()
message(STATUS "links ok: ${links_checked} relative links in ${md_count} Markdown files; ${files_scanned} files free of private-document references")
