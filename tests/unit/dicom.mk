## tests/unit/dicom.mk
