## tests/unit/udp.mk - the UDP application parsers (DNS, mDNS, SSDP) and
## their unit tests.

libwardwatch_a_SOURCES += src/proto-dns.c src/proto-dns.h \
	src/proto-ssdp.c src/proto-ssdp.h

UNIT_TESTS += tests/unit/test-dns tests/unit/test-ssdp

tests_unit_test_dns_SOURCES = tests/unit/test-dns.c
tests_unit_test_dns_LDADD = $(WW_UNIT_LIBS)
tests_unit_test_ssdp_SOURCES = tests/unit/test-ssdp.c
tests_unit_test_ssdp_LDADD = $(WW_UNIT_LIBS)
