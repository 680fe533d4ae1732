## src/lldp.mk - LLDP and CDP facts for the device inventory.

libwardwatch_a_SOURCES += src/proto-lldp.c src/proto-lldp.h
