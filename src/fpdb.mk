## src/fpdb.mk - (filled in by its area)
