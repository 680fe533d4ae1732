## tests/unit/decode.mk - unit tests of the byte reader, the decoder
## and IP defragmentation.

UNIT_TESTS += tests/unit/test-bytes tests/unit/test-decode \
	tests/unit/test-defrag

tests_unit_test_bytes_SOURCES = tests/unit/test-bytes.c
tests_unit_test_bytes_LDADD = $(WW_UNIT_LIBS)

tests_unit_test_decode_SOURCES = tests/unit/test-decode.c
tests_unit_test_decode_LDADD = $(WW_UNIT_LIBS)

tests_unit_test_defrag_SOURCES = tests/unit/test-defrag.c
tests_unit_test_defrag_LDADD = $(WW_UNIT_LIBS)
