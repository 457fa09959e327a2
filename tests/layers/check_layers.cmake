# check_layers.cmake: fails when a source file includes a header from a layer above its own.
#
# Contract: run as `cmake -DSOURCE_DIR=... -DLAYERS=core,model,... -P check_layers.cmake`.
# LAYERS is the bottom-up order kept in the top-level CMakeLists.txt (LEASESIM_LAYERS), joined
# with commas so it survives the command line. Every .h and .cc under SOURCE_DIR/<layer>/ and
# SOURCE_DIR/tests/<layer>/ is read; an `#include "X/..."` where X is a layer listed after the
# file's own layer is reported as FILE:LINE with both layers, and the script exits non-zero.
# Includes of anything that is not a layer (system headers, "tests/...") are not judged.
# It leaves out conditional compilation: an include inside `#if 0` still counts, on purpose.
if(NOT SOURCE_DIR OR NOT LAYERS)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=DIR -DLAYERS=a,b,c -P check_layers.cmake")
endif()
string(REPLACE "," ";" layers "${LAYERS}")

set(problems 0)
set(files_read 0)
set(own_index 0)
foreach(own ${layers})
  foreach(root "${SOURCE_DIR}/${own}" "${SOURCE_DIR}/tests/${own}")
    file(GLOB_RECURSE files "${root}/*.h" "${root}/*.cc")
    foreach(f ${files})
      math(EXPR files_read "${files_read} + 1")
      file(STRINGS "${f}" lines)
      set(line_no 0)
      foreach(line IN LISTS lines)
        math(EXPR line_no "${line_no} + 1")
        if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([a-z_]+)/")
          set(target "${CMAKE_MATCH_1}")
          list(FIND layers "${target}" target_index)
          if(target_index GREATER own_index)
            file(RELATIVE_PATH rel "${SOURCE_DIR}" "${f}")
            message(SEND_ERROR "${rel}:${line_no}: layer '${own}' includes from layer '${target}', which is above it (order: ${LAYERS})")
            math(EXPR problems "${problems} + 1")
          endif()
        endif()
      endforeach()
    endforeach()
  endforeach()
  math(EXPR own_index "${own_index} + 1")
endforeach()

if(files_read EQUAL 0)
  message(FATAL_ERROR "no source files found under ${SOURCE_DIR} for layers ${LAYERS}")
endif()
if(problems GREATER 0)
  message(FATAL_ERROR "${problems} upward include(s); a layer may include only its own and lower layers")
endif()
message(STATUS "layers ok: ${files_read} files, order ${LAYERS}")
