## tests/unit/misc.mk
