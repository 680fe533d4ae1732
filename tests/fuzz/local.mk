## tests/fuzz/local.mk
