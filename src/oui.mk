## src/oui.mk - MAC and EUI-64 vendor lookup in the IEEE registry.

libwardwatch_a_SOURCES += src/oui.c src/oui.h
