## tests/fuzz/local.mk

## fuzz-config: the YAML configuration loader.  config.c, cfgyaml.c and
## util.c are compiled again with the fuzzer's coverage instrumentation;
## their objects take precedence over libwardwatch.a's copies.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-config
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c src/engine/config.c \
	src/util/cfgyaml.c src/util/util.c
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDADD = $(WW_LIBS)
endif

## fuzz-decode: the decoder and the defragmenter, one or more packets of
## a datalink chosen by the first input byte (see fuzz-decode.c for the
## format and how to run it).  The decoder's sources are compiled again
## with coverage instrumentation; their objects take precedence over
## libwardwatch.a's copies.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-decode
tests_fuzz_fuzz_decode_SOURCES = tests/fuzz/fuzz-decode.c src/decode/decode.c \
	src/decode/ip.c src/decode/l4.c src/decode/tunnel.c src/decode/defrag.c
tests_fuzz_fuzz_decode_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_decode_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_decode_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-decode.c tests/fuzz/corpus/decode

## fuzz-stream: the flow table, TCP tracking and stream reassembly, fed
## synthetic segments (see fuzz-stream.c for the input format).
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-stream
tests_fuzz_fuzz_stream_SOURCES = tests/fuzz/fuzz-stream.c src/flow/flow.c \
	src/flow/stream.c
tests_fuzz_fuzz_stream_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_stream_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_stream_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-stream.c tests/fuzz/fuzz-config.c

## fuzz-pcap: the offline reader of capture.c against libpcap on the
## same capture file (differential; see fuzz-pcap.c).
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-pcap
tests_fuzz_fuzz_pcap_SOURCES = tests/fuzz/fuzz-pcap.c src/capture/capture.c
tests_fuzz_fuzz_pcap_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_pcap_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_pcap_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-pcap.c tests/fuzz/corpus/pcap

## fuzz-dicom: the DICOM upper-layer parser, fed a two-way stream (see
## fuzz-dicom.c for the input format and how to run it).  app/dicom.c
## is compiled again with coverage instrumentation; its object takes
## precedence over libwardwatch.a's copy.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-dicom
tests_fuzz_fuzz_dicom_SOURCES = tests/fuzz/fuzz-dicom.c src/app/dicom.c
tests_fuzz_fuzz_dicom_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_dicom_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_dicom_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-dicom.c tests/fuzz/corpus/dicom tests/fuzz/fuzz-app.h

## fuzz-hl7: MLLP framing and the HL7 v2 parser, fed a stream cut into
## chunks (see fuzz-hl7.c for the input format and how to run it).
## app/mllp.c and app/hl7.c are compiled again with coverage
## instrumentation; their objects take precedence over libwardwatch.a's.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-hl7
tests_fuzz_fuzz_hl7_SOURCES = tests/fuzz/fuzz-hl7.c src/app/mllp.c \
	src/app/hl7.c
tests_fuzz_fuzz_hl7_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_hl7_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_hl7_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-hl7.c tests/fuzz/corpus/hl7

## fuzz-dns: the DNS/mDNS, SSDP and DHCP parsers, one datagram per input
## (see fuzz-dns.c for how to run it).  The parsers' sources are
## compiled again with coverage instrumentation; their objects take
## precedence over libwardwatch.a's copies.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-dns
tests_fuzz_fuzz_dns_SOURCES = tests/fuzz/fuzz-dns.c src/app/dns.c \
	src/app/ssdp.c src/app/dhcp.c
tests_fuzz_fuzz_dns_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_dns_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_dns_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-dns.c tests/fuzz/corpus/dns

## fuzz-tls: the TLS record and handshake parser, fed a two-way stream
## (see fuzz-tls.c for the input format and how to run it).
## app/tls.c is compiled again with coverage instrumentation; its
## object takes precedence over libwardwatch.a's copy.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-tls
tests_fuzz_fuzz_tls_SOURCES = tests/fuzz/fuzz-tls.c src/app/tls.c
tests_fuzz_fuzz_tls_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_tls_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_tls_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-tls.c tests/fuzz/corpus/tls

## fuzz-ssh: the SSH banner and KEXINIT parser, fed a two-way stream
## (see fuzz-ssh.c for the input format and how to run it).
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-ssh
tests_fuzz_fuzz_ssh_SOURCES = tests/fuzz/fuzz-ssh.c src/app/ssh.c
tests_fuzz_fuzz_ssh_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_ssh_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_ssh_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-ssh.c tests/fuzz/corpus/ssh

## fuzz-http: the HTTP/1.x, MQTT, FTP and telnet parsers, fed a two-way
## stream (see fuzz-http.c for the input format and how to run it).
## Their sources are compiled again with coverage instrumentation; their
## objects take precedence over libwardwatch.a's copies.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-http
tests_fuzz_fuzz_http_SOURCES = tests/fuzz/fuzz-http.c src/app/http.c \
	src/app/mqtt.c src/app/login.c
tests_fuzz_fuzz_http_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_http_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_http_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-http.c tests/fuzz/corpus/http

## fuzz-smb: the SMB parser, fed a two-way stream (see fuzz-smb.c for
## the input format and how to run it).  app/smb.c is compiled again
## with coverage instrumentation; its object takes precedence over
## libwardwatch.a's copy.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-smb
tests_fuzz_fuzz_smb_SOURCES = tests/fuzz/fuzz-smb.c src/app/smb.c
tests_fuzz_fuzz_smb_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_smb_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_smb_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-smb.c tests/fuzz/corpus/smb

## fuzz-lldp: the LLDP and CDP parsers, one PDU per input behind a
## selector octet (see fuzz-lldp.c for the input format and how to run
## it).  app/lldp.c is compiled again with coverage instrumentation;
## its object takes precedence over libwardwatch.a's copy.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-lldp
tests_fuzz_fuzz_lldp_SOURCES = tests/fuzz/fuzz-lldp.c src/app/lldp.c
tests_fuzz_fuzz_lldp_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_lldp_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_lldp_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-lldp.c tests/fuzz/corpus/lldp

## fuzz-rules: the rule loader (rule text, then one packet through what
## loaded); fuzz-detect: the matcher on a fixed rule set (see each file
## for the input format).  src/detect/ is compiled again with coverage.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-rules tests/fuzz/fuzz-detect
tests_fuzz_fuzz_rules_SOURCES = tests/fuzz/fuzz-rules.c \
	src/detect/detect-parse.c src/detect/detect-load.c \
	src/detect/detect-match.c src/detect/detect-filter.c
tests_fuzz_fuzz_rules_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_rules_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_rules_LDADD = $(WW_LIBS)
tests_fuzz_fuzz_detect_SOURCES = tests/fuzz/fuzz-detect.c \
	src/detect/detect-parse.c src/detect/detect-load.c \
	src/detect/detect-match.c src/detect/detect-filter.c
tests_fuzz_fuzz_detect_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_detect_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_detect_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-rules.c tests/fuzz/fuzz-detect.c \
	tests/fuzz/corpus/rules tests/fuzz/corpus/detect

## fuzz-policy: the zero-trust profile loader, and its writer read back
## (see fuzz-policy.c).  policy.c is compiled again with coverage
## instrumentation; its object takes precedence over libwardwatch.a's.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-policy
tests_fuzz_fuzz_policy_SOURCES = tests/fuzz/fuzz-policy.c \
	src/policy/policy.c src/util/cfgyaml.c
tests_fuzz_fuzz_policy_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_policy_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_policy_LDADD = $(WW_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz-policy.c
