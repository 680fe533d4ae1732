## src/state.mk - the device inventory on disk (SQLite) and the
## "wardwatch inventory" command.

libwardwatch_a_SOURCES += src/state.c src/state.h \
	src/inventory.c src/inventory.h

UNIT_TESTS += tests/unit/test-state
tests_unit_test_state_SOURCES = tests/unit/test-state.c
tests_unit_test_state_LDADD = $(WW_UNIT_LIBS)

# A sample inventory for tests/inventory.sh (needs no cmocka).
check_PROGRAMS += tests/unit/mkstate
tests_unit_mkstate_SOURCES = tests/unit/mkstate.c
tests_unit_mkstate_LDADD = $(WW_LIBS)

TESTS += tests/inventory.sh
EXTRA_DIST += tests/inventory.sh
