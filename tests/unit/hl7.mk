## tests/unit/hl7.mk
