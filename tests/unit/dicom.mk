## tests/unit/dicom.mk - the DICOM upper-layer parser (PS3.8) and its
## unit tests.

libwardwatch_a_SOURCES += src/proto-dicom.c src/proto-dicom.h

UNIT_TESTS += tests/unit/test-dicom
tests_unit_test_dicom_SOURCES = tests/unit/test-dicom.c
tests_unit_test_dicom_LDADD = $(WW_UNIT_LIBS)
