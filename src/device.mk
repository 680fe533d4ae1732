## src/device.mk - (filled in by its area)
