## tests/unit/flow.mk
