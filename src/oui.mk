## src/oui.mk - (filled in by its area)
