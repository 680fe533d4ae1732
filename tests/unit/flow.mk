## tests/unit/flow.mk - flow table and TCP reassembly unit tests.

UNIT_TESTS += tests/unit/test-flow tests/unit/test-stream
tests_unit_test_flow_SOURCES = tests/unit/test-flow.c
tests_unit_test_flow_LDADD = $(WW_UNIT_LIBS)
tests_unit_test_stream_SOURCES = tests/unit/test-stream.c
tests_unit_test_stream_LDADD = $(WW_UNIT_LIBS)
