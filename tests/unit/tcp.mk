## tests/unit/tcp.mk - the TLS and SSH parsers, their unit tests and the
## JA3 check against nDPI's ground truth.

libwardwatch_a_SOURCES += src/proto-tls.c src/proto-tls.h src/proto-ssh.c \
	src/proto-ssh.h

UNIT_TESTS += tests/unit/test-tls tests/unit/test-ssh
tests_unit_test_tls_SOURCES = tests/unit/test-tls.c
tests_unit_test_tls_LDADD = $(WW_UNIT_LIBS)
tests_unit_test_ssh_SOURCES = tests/unit/test-ssh.c
tests_unit_test_ssh_LDADD = $(WW_UNIT_LIBS)

TESTS += tests/tls-ja3.sh
EXTRA_DIST += tests/tls-ja3.sh
