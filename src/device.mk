## src/device.mk - device identity: fusion and the device brain.

libwardwatch_a_SOURCES += src/device.c src/device.h \
	src/brain.c src/brain.h src/devfacts.c src/devfacts.h

UNIT_TESTS += tests/unit/test-device
tests_unit_test_device_SOURCES = tests/unit/test-device.c
tests_unit_test_device_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-brain
tests_unit_test_brain_SOURCES = tests/unit/test-brain.c
tests_unit_test_brain_LDADD = $(WW_UNIT_LIBS)
EXTRA_DIST += tests/unit/brain
