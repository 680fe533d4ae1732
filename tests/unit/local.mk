## tests/unit/local.mk - shared unit-test settings.  Each area lists its
## tests in its own fragment (decode.mk, flow.mk, misc.mk):
##   UNIT_TESTS += tests/unit/test-foo
##   tests_unit_test_foo_SOURCES = tests/unit/test-foo.c
##   tests_unit_test_foo_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS =
WW_UNIT_LIBS = $(WW_LIBS) $(CMOCKA_LIBS)
EXTRA_DIST += tests/unit/app-mock.h

if HAVE_CMOCKA
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
endif
