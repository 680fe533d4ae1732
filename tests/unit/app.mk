## tests/unit/app.mk - application-layer framework and small parsers.
UNIT_TESTS += tests/unit/test-dhcp
tests_unit_test_dhcp_SOURCES = tests/unit/test-dhcp.c
tests_unit_test_dhcp_LDADD = $(WW_UNIT_LIBS)
