# Regenerates docs/configuration.md into OUT and fails when it differs from DOC.
execute_process(COMMAND ${TRIBUTARY} config-doc --output ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "tributary config-doc failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DOC} ${OUT} RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "docs/configuration.md is stale: run `tributary config-doc --output docs/configuration.md`")
endif()
