## src/local.mk - the sensor's sources.  Everything but main() goes into
## libwardwatch.a so the unit tests link the same code.

libwardwatch_a_SOURCES += \
	src/app.h src/app-layer.c src/app-layer.h \
	src/proto-dhcp.c src/proto-dhcp.h \
	src/bytes.h \
	src/capture.c src/capture.h \
	src/cfgyaml.c src/cfgyaml.h \
	src/communityid.c src/communityid.h \
	src/config.c src/config.h \
	src/decode.c src/decode.h src/decode-int.h \
	src/decode-ip.c \
	src/decode-l4.c \
	src/decode-tunnel.c \
	src/defrag.c src/defrag.h \
	src/eve.c src/eve.h \
	src/events.c src/events.def src/events.h \
	src/flow.c src/flow.h \
	src/jsonw.c src/jsonw.h \
	src/log.c src/log.h \
	src/monitor.c src/monitor.h \
	src/output-eve.c src/output-eve.h \
	src/packet.h \
	src/stream.c src/stream.h src/stream-int.h \
	src/util.c src/util.h \
	src/worker.c src/worker.h
