## tests/unit/hl7.mk - the MLLP framer and the HL7 v2 parser: their
## sources go into libwardwatch.a, their unit tests run under make check.

libwardwatch_a_SOURCES += src/proto-mllp.c src/proto-mllp.h \
	src/proto-hl7.c src/proto-hl7.h

UNIT_TESTS += tests/unit/test-mllp tests/unit/test-hl7
tests_unit_test_mllp_SOURCES = tests/unit/test-mllp.c
tests_unit_test_mllp_LDADD = $(WW_UNIT_LIBS)

tests_unit_test_hl7_SOURCES = tests/unit/test-hl7.c
tests_unit_test_hl7_LDADD = $(WW_UNIT_LIBS)
