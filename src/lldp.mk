## src/lldp.mk - LLDP and CDP facts for the device inventory, and their
## unit test.

libwardwatch_a_SOURCES += src/proto-lldp.c src/proto-lldp.h

UNIT_TESTS += tests/unit/test-lldp
tests_unit_test_lldp_SOURCES = tests/unit/test-lldp.c
tests_unit_test_lldp_LDADD = $(WW_UNIT_LIBS)
