## pcaps/gen/local.mk - the capture generator and the captures it made.
##
## The regression captures under pcaps/ are committed; `make pcaps`
## rewrites them all from the generator, and tests/gen-determinism.sh
## checks that doing so changes no byte.  The generator stands alone:
## it does not link libwardwatch.a or libpcap.

noinst_PROGRAMS += pcaps/gen/pcapgen
pcaps_gen_pcapgen_SOURCES = pcaps/gen/pcapgen.c pcaps/gen/gen.c \
	pcaps/gen/gen.h pcaps/gen/conv.c pcaps/gen/pcapw.c \
	pcaps/gen/pcapw.h pcaps/gen/pkt.c pcaps/gen/pkt.h \
	pcaps/gen/scen-basic.c pcaps/gen/scen-ip.c pcaps/gen/scen-tunnel.c \
	pcaps/gen/scen-malformed.c pcaps/gen/scen-medical.c \
	pcaps/gen/scen-dicom.c pcaps/gen/scen-bench.c pcaps/gen/scen-ward.c \
	pcaps/gen/scen-services.c pcaps/gen/scen-hospital.c \
	pcaps/gen/scen-iomt.c pcaps/gen/scen-iomt.def \
	pcaps/gen/scen-evasion.c pcaps/gen/scen-smb.c pcaps/gen/scen-days.c \
	pcaps/gen/scen-baseline.c \
	pcaps/gen/scen-policy.c \
	pcaps/gen/scen-findings.c pcaps/gen/scen-findings.def
pcaps_gen_pcapgen_LDADD = -lm

PCAPGEN_CAPTURES = pcaps/tcp-basic.pcap pcaps/tcp-basic.pcapng \
	pcaps/tcp-nanosec.pcap pcaps/tcp-midstream.pcap \
	pcaps/tcp-out-of-order.pcap pcaps/tcp-gap.pcap pcaps/tcp-rst.pcap \
	pcaps/flow-end-own-time.pcap \
	pcaps/udp-basic.pcap pcaps/icmp-echo.pcap pcaps/ipv6-tcp.pcap \
	pcaps/vlan-qinq.pcap pcaps/frag-ipv4.pcap pcaps/frag-ipv6.pcap \
	pcaps/tunnels.pcap pcaps/linktype-sll.pcap pcaps/linktype-sll2.pcap \
	pcaps/linktype-null.pcap pcaps/linktype-loop.pcap \
	pcaps/linktype-raw.pcap pcaps/malformed.pcap pcaps/medical-mix.pcap \
	pcaps/ward.pcap pcaps/services.pcap pcaps/dicom-assoc-rq-4gb.pcap \
	pcaps/dns-pointer-loop.pcap pcaps/evasion-hl7-insertion.pcap \
	pcaps/evasion-overlap.pcap pcaps/checksum-offload.pcap \
	pcaps/smb-win7.pcap pcaps/ward-day1.pcap pcaps/ward-day2.pcap \
	pcaps/ward-day2-quiet.pcap

# Regenerate every committed capture; review the result with git diff.
pcaps: pcaps/gen/pcapgen$(EXEEXT)
	./pcaps/gen/pcapgen$(EXEEXT) --all $(srcdir)/pcaps
.PHONY: pcaps

TESTS += tests/gen-determinism.sh
EXTRA_DIST += $(PCAPGEN_CAPTURES) pcaps/README.md tests/gen-determinism.sh
