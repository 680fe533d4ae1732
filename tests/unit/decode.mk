## tests/unit/decode.mk - unit tests of the byte reader and the decoder.

UNIT_TESTS += tests/unit/test-bytes tests/unit/test-decode

tests_unit_test_bytes_SOURCES = tests/unit/test-bytes.c
tests_unit_test_bytes_LDADD = $(WW_UNIT_LIBS)

tests_unit_test_decode_SOURCES = tests/unit/test-decode.c
tests_unit_test_decode_LDADD = $(WW_UNIT_LIBS)
