## tests/unit/misc.mk - JSON writer, Community ID, utilities, the
## offline capture reader, config.

UNIT_TESTS += tests/unit/test-jsonw
tests_unit_test_jsonw_SOURCES = tests/unit/test-jsonw.c
tests_unit_test_jsonw_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-communityid
tests_unit_test_communityid_SOURCES = tests/unit/test-communityid.c
tests_unit_test_communityid_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-util
tests_unit_test_util_SOURCES = tests/unit/test-util.c
tests_unit_test_util_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-capture
tests_unit_test_capture_SOURCES = tests/unit/test-capture.c
tests_unit_test_capture_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-config
tests_unit_test_config_SOURCES = tests/unit/test-config.c
tests_unit_test_config_LDADD = $(WW_UNIT_LIBS)

EXTRA_DIST += tests/unit/conf
