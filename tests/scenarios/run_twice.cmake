# Runs one scenario twice with `leasesim run --format json` and compares exit codes and
# traceHash. Invoked by ctest with -DLEASESIM=<binary> -DSCENARIO=<relative path>.
foreach(round 1 2)
  execute_process(COMMAND ${LEASESIM} run ${SCENARIO} --format json
                  RESULT_VARIABLE code_${round} OUTPUT_VARIABLE out_${round} ERROR_VARIABLE err_${round})
  string(REGEX MATCH "\"traceHash\": \"[0-9a-f]+\"" hash_${round} "${out_${round}}")
endforeach()
if(NOT code_1 EQUAL 0)
  message(FATAL_ERROR "leasesim run ${SCENARIO} exited ${code_1}\n${err_1}\nreproduce: leasesim run ${SCENARIO}")
endif()
if(NOT code_2 EQUAL 0)
  message(FATAL_ERROR "second run of ${SCENARIO} exited ${code_2}\n${err_2}")
endif()
if(hash_1 STREQUAL "" OR NOT hash_1 STREQUAL hash_2)
  message(FATAL_ERROR "two runs of ${SCENARIO} gave different trace hashes: '${hash_1}' vs '${hash_2}'\nreproduce: leasesim run ${SCENARIO} --format json (twice)")
endif()
message(STATUS "${SCENARIO}: ${hash_1}")
