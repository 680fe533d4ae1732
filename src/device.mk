## src/device.mk - device identity: fusion and the device brain.

libwardwatch_a_SOURCES += src/device.c src/device.h

UNIT_TESTS += tests/unit/test-device
tests_unit_test_device_SOURCES = tests/unit/test-device.c
tests_unit_test_device_LDADD = $(WW_UNIT_LIBS)
