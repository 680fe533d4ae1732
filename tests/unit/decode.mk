## tests/unit/decode.mk
