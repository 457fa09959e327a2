# run_fuzz.cmake: the ctests of fuzz/ (see tests/fuzz/CMakeLists.txt).
#   -DMODE=build   configure and build fuzz/ with clang in FUZZ_DIR; exit 77 (skipped) with the
#                  reason when clang++ or its libFuzzer runtime is missing.
#   -DMODE=run     run TARGET over the corpus folders CORPUS (;-separated) for SECONDS seconds,
#                  in a scratch copy so the corpora in the source tree are not written to.
#   -DMODE=replay  run TARGET once on every file of CORPUS (libFuzzer's -runs=0): the UBSan and
#                  ASan run of the scenario library and of the regression inputs.
# Variables: SOURCE_DIR (the repository), FUZZ_DIR (the fuzz build tree), CLANG (clang++).
cmake_minimum_required(VERSION 3.22)

if(MODE STREQUAL "build")
  if(NOT CLANG)
    message("SKIPPED: clang++ not found; the fuzz targets need clang's libFuzzer (apt-get install clang libclang-rt-14-dev)")
    cmake_language(EXIT 77)
  endif()
  file(MAKE_DIRECTORY ${FUZZ_DIR}/probe)
  file(WRITE ${FUZZ_DIR}/probe/probe.cc "extern \"C\" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n")
  execute_process(COMMAND ${CLANG} -fsanitize=fuzzer,address,undefined ${FUZZ_DIR}/probe/probe.cc -o ${FUZZ_DIR}/probe/probe
                  RESULT_VARIABLE probe_rc OUTPUT_QUIET ERROR_VARIABLE probe_err)
  if(NOT probe_rc EQUAL 0)
    message("SKIPPED: ${CLANG} cannot link a libFuzzer target (install libclang-rt-14-dev): ${probe_err}")
    cmake_language(EXIT 77)
  endif()
  set(launcher "")
  find_program(CCACHE ccache)
  if(CCACHE)
    set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE})
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/fuzz -B ${FUZZ_DIR} -DCMAKE_CXX_COMPILER=${CLANG}
                          -DCMAKE_BUILD_TYPE=Fuzz ${launcher}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configuring fuzz/ failed")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${FUZZ_DIR} -j2 RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "building fuzz/ failed")
  endif()
  return()
endif()

if(NOT EXISTS ${FUZZ_DIR}/${TARGET})
  message("SKIPPED: ${FUZZ_DIR}/${TARGET} was not built (see the ctest fuzz:build)")
  cmake_language(EXIT 77)
endif()

# The inputs: every file of the corpus folders (scenarios/ recursively).
set(inputs "")
foreach(dir ${CORPUS})
  file(GLOB_RECURSE found LIST_DIRECTORIES false ${dir}/*)
  list(APPEND inputs ${found})
endforeach()
list(FILTER inputs EXCLUDE REGEX "/(README[^/]*|CMakeLists.txt)$")
list(LENGTH inputs count)
if(count EQUAL 0)
  message(FATAL_ERROR "no inputs in ${CORPUS}")
endif()

if(MODE STREQUAL "replay")
  execute_process(COMMAND ${FUZZ_DIR}/${TARGET} -runs=0 ${inputs} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${TARGET} failed on one of ${count} inputs (see above; it prints the file)")
  endif()
  message("${TARGET}: ${count} inputs replayed, no finding")
  return()
endif()

# MODE run: a scratch corpus seeded with the inputs, so new coverage stays out of the source tree.
set(scratch ${FUZZ_DIR}/corpus-${TARGET})
file(REMOVE_RECURSE ${scratch})
file(MAKE_DIRECTORY ${scratch})
set(i 0)
foreach(input ${inputs})
  math(EXPR i "${i} + 1")
  get_filename_component(name ${input} NAME)
  configure_file(${input} ${scratch}/${i}-${name} COPYONLY)
endforeach()
execute_process(COMMAND ${FUZZ_DIR}/${TARGET} ${scratch} -max_total_time=${SECONDS} -timeout=30 -rss_limit_mb=2048
                        -seed=1 -artifact_prefix=${FUZZ_DIR}/${TARGET}-
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} found a failing input, saved as ${FUZZ_DIR}/${TARGET}-crash-* (replay it with ${FUZZ_DIR}/${TARGET} FILE)")
endif()
