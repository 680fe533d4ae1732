## src/state.mk - (filled in by its area)
