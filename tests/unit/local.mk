## tests/unit/local.mk - the unit tests (cmocka), one program per area:
##   UNIT_TESTS += tests/unit/test-foo
##   tests_unit_test_foo_SOURCES = tests/unit/test-foo.c
##   tests_unit_test_foo_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS =
WW_UNIT_LIBS = $(WW_LIBS) $(CMOCKA_LIBS)
EXTRA_DIST += tests/unit/app-mock.h tests/unit/sink-mock.h \
	tests/unit/state-files.h tests/unit/conf tests/unit/brain \
	tests/unit/oui

UNIT_TESTS += tests/unit/test-bytes
tests_unit_test_bytes_SOURCES = tests/unit/test-bytes.c
tests_unit_test_bytes_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-decode
tests_unit_test_decode_SOURCES = tests/unit/test-decode.c
tests_unit_test_decode_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-defrag
tests_unit_test_defrag_SOURCES = tests/unit/test-defrag.c
tests_unit_test_defrag_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-flow
tests_unit_test_flow_SOURCES = tests/unit/test-flow.c
tests_unit_test_flow_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-stream
tests_unit_test_stream_SOURCES = tests/unit/test-stream.c
tests_unit_test_stream_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-jsonw
tests_unit_test_jsonw_SOURCES = tests/unit/test-jsonw.c
tests_unit_test_jsonw_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-communityid
tests_unit_test_communityid_SOURCES = tests/unit/test-communityid.c
tests_unit_test_communityid_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-sha1
tests_unit_test_sha1_SOURCES = tests/unit/test-sha1.c
tests_unit_test_sha1_LDADD = $(WW_UNIT_LIBS)
UNIT_TESTS += tests/unit/test-digest
tests_unit_test_digest_SOURCES = tests/unit/test-digest.c
tests_unit_test_digest_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-pseudo
tests_unit_test_pseudo_SOURCES = tests/unit/test-pseudo.c
tests_unit_test_pseudo_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-fmt
tests_unit_test_fmt_SOURCES = tests/unit/test-fmt.c
tests_unit_test_fmt_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-util
tests_unit_test_util_SOURCES = tests/unit/test-util.c
tests_unit_test_util_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-capture
tests_unit_test_capture_SOURCES = tests/unit/test-capture.c
tests_unit_test_capture_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-config
tests_unit_test_config_SOURCES = tests/unit/test-config.c
tests_unit_test_config_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-app
tests_unit_test_app_SOURCES = tests/unit/test-app.c
tests_unit_test_app_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-dhcp
tests_unit_test_dhcp_SOURCES = tests/unit/test-dhcp.c
tests_unit_test_dhcp_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-dicom
tests_unit_test_dicom_SOURCES = tests/unit/test-dicom.c
tests_unit_test_dicom_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-dpi
tests_unit_test_dpi_SOURCES = tests/unit/test-dpi.c
tests_unit_test_dpi_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-dpi-lines
tests_unit_test_dpi_lines_SOURCES = tests/unit/test-dpi-lines.c
tests_unit_test_dpi_lines_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-app-alloc
tests_unit_test_app_alloc_SOURCES = tests/unit/test-app-alloc.c
tests_unit_test_app_alloc_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=calloc \
	-Wl,--wrap=fatal
tests_unit_test_app_alloc_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-mllp
tests_unit_test_mllp_SOURCES = tests/unit/test-mllp.c
tests_unit_test_mllp_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-hl7
tests_unit_test_hl7_SOURCES = tests/unit/test-hl7.c
tests_unit_test_hl7_LDADD = $(WW_UNIT_LIBS)
## The same tests on the parser built without SSE2 (as for a target
## that has none): its 8-byte and byte paths, whole.  Its object takes
## precedence over libwardwatch.a's.
UNIT_TESTS += tests/unit/test-hl7-words
tests_unit_test_hl7_words_SOURCES = tests/unit/test-hl7.c src/app/hl7.c
tests_unit_test_hl7_words_CPPFLAGS = $(AM_CPPFLAGS) -U__SSE2__
tests_unit_test_hl7_words_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-http
tests_unit_test_http_SOURCES = tests/unit/test-http.c
# free() and realloc() are wrapped to see that a parser's buffers are
# wiped.
tests_unit_test_http_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=free \
	-Wl,--wrap=realloc
tests_unit_test_http_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-mqtt
tests_unit_test_mqtt_SOURCES = tests/unit/test-mqtt.c
tests_unit_test_mqtt_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-login
tests_unit_test_login_SOURCES = tests/unit/test-login.c
tests_unit_test_login_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-tls
tests_unit_test_tls_SOURCES = tests/unit/test-tls.c
tests_unit_test_tls_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-ssh
tests_unit_test_ssh_SOURCES = tests/unit/test-ssh.c
tests_unit_test_ssh_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-dns
tests_unit_test_dns_SOURCES = tests/unit/test-dns.c
tests_unit_test_dns_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-ssdp
tests_unit_test_ssdp_SOURCES = tests/unit/test-ssdp.c
tests_unit_test_ssdp_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-lldp
tests_unit_test_lldp_SOURCES = tests/unit/test-lldp.c
tests_unit_test_lldp_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-device
tests_unit_test_device_SOURCES = tests/unit/test-device.c
tests_unit_test_device_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-devfacts
tests_unit_test_devfacts_SOURCES = tests/unit/test-devfacts.c
tests_unit_test_devfacts_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-brain
tests_unit_test_brain_SOURCES = tests/unit/test-brain.c
tests_unit_test_brain_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-zone
tests_unit_test_zone_SOURCES = tests/unit/test-zone.c
tests_unit_test_zone_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-oui
tests_unit_test_oui_SOURCES = tests/unit/test-oui.c
tests_unit_test_oui_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-claims
tests_unit_test_claims_SOURCES = tests/unit/test-claims.c
tests_unit_test_claims_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-fpdb
tests_unit_test_fpdb_SOURCES = tests/unit/test-fpdb.c
tests_unit_test_fpdb_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-state
tests_unit_test_state_SOURCES = tests/unit/test-state.c
tests_unit_test_state_LDADD = $(WW_UNIT_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
endif

# A sample inventory for tests/inventory.sh (needs no cmocka).
check_PROGRAMS += tests/unit/mkstate
tests_unit_mkstate_SOURCES = tests/unit/mkstate.c
tests_unit_mkstate_LDADD = $(WW_LIBS)

TESTS += tests/inventory.sh tests/tls-ja3.sh
EXTRA_DIST += tests/inventory.sh tests/tls-ja3.sh

# The output stage against failing targets; write(2) and ftruncate(2)
# are wrapped so the test can make them misbehave, pthread_cond_wait so
# it can see a producer wait for room.
UNIT_TESTS += tests/unit/test-output
tests_unit_test_output_SOURCES = tests/unit/test-output.c
tests_unit_test_output_LDADD = $(WW_UNIT_LIBS)
tests_unit_test_output_LDFLAGS = $(AM_LDFLAGS) \
	-Wl,--wrap=write -Wl,--wrap=ftruncate -Wl,--wrap=pthread_cond_wait

# Thread start failures; pthread_create is wrapped to fail on demand.
UNIT_TESTS += tests/unit/test-monitor
tests_unit_test_monitor_SOURCES = tests/unit/test-monitor.c
tests_unit_test_monitor_LDADD = $(WW_UNIT_LIBS)
tests_unit_test_monitor_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=pthread_create

UNIT_TESTS += tests/unit/test-detect-parse
tests_unit_test_detect_parse_SOURCES = tests/unit/test-detect-parse.c \
	tests/unit/detect-helpers.h
tests_unit_test_detect_parse_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-detect-match
tests_unit_test_detect_match_SOURCES = tests/unit/test-detect-match.c \
	tests/unit/detect-helpers.h
tests_unit_test_detect_match_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-detect-cache
tests_unit_test_detect_cache_SOURCES = tests/unit/test-detect-cache.c \
	tests/unit/detect-helpers.h
tests_unit_test_detect_cache_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-detect-group
tests_unit_test_detect_group_SOURCES = tests/unit/test-detect-group.c \
	tests/unit/detect-helpers.h
tests_unit_test_detect_group_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-smb
tests_unit_test_smb_SOURCES = tests/unit/test-smb.c
tests_unit_test_smb_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-baseline
tests_unit_test_baseline_SOURCES = tests/unit/test-baseline.c
tests_unit_test_baseline_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-policy
tests_unit_test_policy_SOURCES = tests/unit/test-policy.c
tests_unit_test_policy_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-eve
tests_unit_test_eve_SOURCES = tests/unit/test-eve.c tests/unit/sink-mock.h
tests_unit_test_eve_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-brain-policy
tests_unit_test_brain_policy_SOURCES = tests/unit/test-brain-policy.c \
	tests/unit/sink-mock.h
tests_unit_test_brain_policy_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-geo
tests_unit_test_geo_SOURCES = tests/unit/test-geo.c
tests_unit_test_geo_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-syslogfmt
tests_unit_test_syslogfmt_SOURCES = tests/unit/test-syslogfmt.c
tests_unit_test_syslogfmt_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-spool
tests_unit_test_spool_SOURCES = tests/unit/test-spool.c
tests_unit_test_spool_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-findings
tests_unit_test_findings_SOURCES = tests/unit/test-findings.c
tests_unit_test_findings_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-findings-parse
tests_unit_test_findings_parse_SOURCES = tests/unit/test-findings-parse.c
tests_unit_test_findings_parse_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-peers
tests_unit_test_peers_SOURCES = tests/unit/test-peers.c
tests_unit_test_peers_LDADD = $(WW_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-state-bl
tests_unit_test_state_bl_SOURCES = tests/unit/test-state-bl.c
tests_unit_test_state_bl_LDADD = $(WW_UNIT_LIBS)
