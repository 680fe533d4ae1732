## tests/unit/dpi.mk - the nDPI adapter and its unit test.

libwardwatch_a_SOURCES += src/dpi.c src/dpi.h

UNIT_TESTS += tests/unit/test-dpi

tests_unit_test_dpi_SOURCES = tests/unit/test-dpi.c
tests_unit_test_dpi_LDADD = $(WW_UNIT_LIBS)
