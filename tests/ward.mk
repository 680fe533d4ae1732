## tests/ward.mk - (filled in by its area)
