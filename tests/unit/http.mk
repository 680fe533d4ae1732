## tests/unit/http.mk - the HTTP/1.x, MQTT, FTP and telnet parsers:
## their sources go into libwardwatch.a, their unit tests run under
## make check.

libwardwatch_a_SOURCES += src/proto-http.c src/proto-http.h

UNIT_TESTS += tests/unit/test-http
tests_unit_test_http_SOURCES = tests/unit/test-http.c
tests_unit_test_http_LDADD = $(WW_UNIT_LIBS)

libwardwatch_a_SOURCES += src/proto-mqtt.c src/proto-mqtt.h

UNIT_TESTS += tests/unit/test-mqtt
tests_unit_test_mqtt_SOURCES = tests/unit/test-mqtt.c
tests_unit_test_mqtt_LDADD = $(WW_UNIT_LIBS)

libwardwatch_a_SOURCES += src/proto-login.c src/proto-login.h

UNIT_TESTS += tests/unit/test-login
tests_unit_test_login_SOURCES = tests/unit/test-login.c
tests_unit_test_login_LDADD = $(WW_UNIT_LIBS)
