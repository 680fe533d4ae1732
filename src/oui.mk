## src/oui.mk - MAC and EUI-64 vendor lookup in the IEEE registry.

libwardwatch_a_SOURCES += src/oui.c src/oui.h
UNIT_TESTS += tests/unit/test-oui
tests_unit_test_oui_SOURCES = tests/unit/test-oui.c
tests_unit_test_oui_LDADD = $(WW_UNIT_LIBS)
EXTRA_DIST += tests/unit/oui
