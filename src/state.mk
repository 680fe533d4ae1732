## src/state.mk - the device inventory on disk (SQLite) and the
## "wardwatch inventory" command.

libwardwatch_a_SOURCES += src/state.c src/state.h

UNIT_TESTS += tests/unit/test-state
tests_unit_test_state_SOURCES = tests/unit/test-state.c
tests_unit_test_state_LDADD = $(WW_UNIT_LIBS)
