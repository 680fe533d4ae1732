/*
 * test-detect-parse.c - the rule engine's loader (src/detect/): every
 * supported keyword parses, every error names file:line:col, the load
 * summary, variables, classification and threshold files, duplicate
 * sids, multi-line rules, the database cache, and the ET Open sample
 * of the shared corpus (skipped when absent).
 */
#include <config.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <glob.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect-helpers.h"

#define ET_SAMPLE	WW_SRCDIR "/../shared/corpus/rules/et-open-sample"
#define ET_SAMPLE_ABS	"/work/shared/corpus/rules/et-open-sample"

/* One rule per keyword or form; each must load. */
static const char *const good[] = {
	"alert tcp any any -> any any (msg:\"a \\\"q\\\" \\; b\"; sid:1; "
	    "rev:3; gid:1; classtype:trojan-activity; priority:2; metadata:"
	    "former_category MALWARE, created_at 2020_01_01; reference:url,"
	    "example.com; target:dest_ip;)",
	"alert tcp any any -> any any (content:\"a|00 0d|b\"; nocase; "
	    "depth:10; offset:1; content:!\"x\"; distance:0; within:5; "
	    "sid:1;)",
	"alert tcp any any -> any any (content:\"abc\"; startswith; "
	    "content:\"z\"; endswith; sid:1;)",
	"alert tcp any any -> any any (content:\"abcdef\"; fast_pattern; "
	    "content:\"gh\"; fast_pattern:only; sid:1;)",
	"alert tcp any any -> any any (content:\"abcdef\"; "
	    "fast_pattern:1,3; rawbytes; sid:1;)",
	"alert tcp any any -> any any (content:\"a\"; isdataat:!2,relative; "
	    "isdataat:5; sid:1;)",
	"alert tcp any any -> any any (pcre:\"/a(b|c)\\;d/ismxAEGRBO\"; "
	    "sid:1;)",
	"alert http any any -> any any (pcre:\"/x/UHPCIMVSYQDWZ\"; sid:1;)",
	"alert tcp any any -> any any (content:\"a\"; byte_test:2,>,1,0,"
	    "relative,little; byte_test:4,!=,0x10,2,big,bitmask 0xff00; "
	    "byte_test:3,<=,999,0,string,dec; byte_test:2,&,1,0,string,hex; "
	    "byte_test:0,>,4000,0,string,dec; byte_test:1,^,1,0,dce; sid:1;)",
	"alert tcp any any -> any any (content:\"a\"; byte_jump:4,0,relative,"
	    "multiplier 2,align,post_offset -2,little; byte_jump:2,1,"
	    "from_beginning; byte_jump:1,0,from_end; byte_jump:2,0,string,oct;"
	    " sid:1;)",
	"alert tcp any any -> any any (content:\"a\"; byte_extract:2,0,len,"
	    "relative,multiplier 4; content:\"b\"; distance:len; within:len; "
	    "byte_test:1,=,len,len; byte_jump:1,len; isdataat:len; sid:1;)",
	"alert http any any -> any any (http.uri; bsize:<10; bsize:>2; "
	    "bsize:3<>9; bsize:5; bsize:>=1; bsize:<=20; urilen:5; "
	    "urilen:>1,raw; urilen:1<>9,norm; sid:1;)",
	"alert tcp any any -> any any (dsize:>10; dsize:!3; sid:1;)",
	"alert tcp any any -> any any (flow:established,to_server,"
	    "only_stream; flow:no_frag; sid:1;)",
	"alert tcp any any -> any any (flow:not_established,from_client,"
	    "no_stream,only_frag; sid:1;)",
	"alert udp any any -> any any (flow:stateless,to_client; sid:1;)",
	"alert tcp any any -> any any (flow:from_server; sid:1;)",
	"alert tcp any any -> any any (flowbits:set,a; flowbits:unset,b; "
	    "flowbits:toggle,c; flowbits:isset,a|b; flowbits:isnotset,c&d; "
	    "flowbits:noalert; flowbits:set,x&y; sid:1;)",
	"alert tcp any any -> any any (threshold:type limit, track by_src, "
	    "count 1, seconds 60; sid:1;)",
	"alert tcp any any -> any any (threshold: type both,track by_dst,"
	    "count 5,seconds 10; detection_filter:track by_rule, count 3, "
	    "seconds 5; sid:1;)",
	"alert tcp any any -> any any (threshold:type threshold, track "
	    "by_both, count 2, seconds 1; detection_filter:track by_flow, "
	    "count 1, seconds 1; sid:1;)",
	"alert icmp any any -> any any (itype:8; icode:>0; icmp_id:1; "
	    "icmp_seq:2; sid:1;)",
	"alert ip any any -> any any (ttl:<5; ip_proto:!tcp; ip_proto:17; "
	    "id:31337; fragbits:M+; sid:1;)",
	"alert tcp any any -> any any (flags:SA; flags:+S,12; flags:*FR; "
	    "flags:!U; flags:0; tcp.flags:S; window:!1024; ack:0; seq:1; "
	    "tcp.mss:<536; sid:1;)",
	"alert tcp any any -> any any (stream_size:server,>,100; "
	    "stream_size:client,<,5; stream_size:both,=,1; "
	    "stream_size:either,!=,3; sid:1;)",
	"alert tcp any any -> any any (noalert; tag:session,5,packets; "
	    "sid:1;)",
	"alert tcp any any -> any any (content:\"Authorization: Basic \"; "
	    "base64_decode:bytes 20,offset 0,relative; base64_data; "
	    "content:\"admin\"; sid:1;)",
	"alert dns any any -> any any (dns.query; dotprefix; content:\".a\"; "
	    "to_lowercase; sid:1;)",
	"alert http any any -> any any (http.header; to_uppercase; "
	    "strip_whitespace; compress_whitespace; url_decode; "
	    "content:\"A\"; sid:1;)",
	"alert dns any any -> any any (app-layer-event:dns.malformed; "
	    "sid:1;)",
	"alert ip any any -> any any (decode-event:ipv4.trunc_pkt; sid:1;)",
	"alert tcp any any -> any any (stream-event:reassembly_overlap_"
	    "different_data; sid:1;)",
	"alert http any any -> any any (content:\"a\"; http_uri; "
	    "content:\"b\"; http_raw_uri; content:\"c\"; http_method; "
	    "content:\"d\"; http_header; content:\"e\"; http_raw_header; "
	    "content:\"f\"; http_cookie; content:\"g\"; http_user_agent; "
	    "content:\"h\"; http_host; content:\"i\"; http_raw_host; "
	    "content:\"j\"; http_client_body; sid:1;)",
	"alert http any any -> any any (content:\"2\"; http_stat_code; "
	    "content:\"O\"; http_stat_msg; content:\"x\"; http_server_body; "
	    "sid:1;)",
	"alert http any any -> any any (file_data; content:\"a\"; "
	    "file.data; content:\"b\"; pkt_data; content:\"c\"; sid:1;)",
	"alert dns any any -> any any (dns_query; content:\"a\"; sid:1;)",
	"alert tls any any -> any any (tls_sni; content:\"a\"; "
	    "tls.version; content:\"1.2\"; sid:1;)",
	"alert tls any any -> any any (tls.cert_subject; content:\"a\"; "
	    "tls.cert_issuer; content:\"b\"; tls.cert_serial; content:\"c\"; "
	    "tls_cert_fingerprint; content:\"d\"; tls.certs; content:\"e\"; "
	    "sid:1;)",
	"alert tls any any -> any any (ja3.hash; content:\"a\"; ja3_hash; "
	    "content:\"b\"; ja3.string; content:\"c\"; sid:1;)",
	"alert tls any any -> any any (ja3s.hash; content:\"a\"; "
	    "ja3s_hash; content:\"b\"; sid:1;)",
	"alert ssh any any -> any any (ssh.proto; content:\"2.0\"; "
	    "ssh_software; content:\"Open\"; sid:1;)",
	"alert hl7 any any -> any any (hl7.message_type; content:"
	    "\"ADT^A01\"; hl7.processing_id; content:\"T\"; sid:1;)",
	"alert dicom any any -> any any (dicom.called_ae; content:\"PACS\"; "
	    "dicom.calling_ae; content:\"X\"; sid:1;)",
	"alert mqtt any any -> any any (mqtt.topic; content:\"#\"; sid:1;)",
	"alert ftp any any -> any any (ftp.command; content:\"USER\"; "
	    "sid:1;)",
	"alert dhcp any any -> any any (dhcp.vendor_class; content:\"X\"; "
	    "sid:1;)",
	"alert tcp any any -> any any (login.user; content:\"admin\"; "
	    "sid:1;)",
	"alert tcp any any -> any any (ipv4.hdr; content:\"|45|\"; tcp.hdr; "
	    "content:\"|00 50|\"; sid:1;)",
	"alert ip any any -> any any (ipv6.hdr; content:\"|60|\"; "
	    "udp.hdr; content:\"|00 35|\"; icmpv4.hdr; content:\"|08|\"; "
	    "icmpv6.hdr; content:\"|80|\"; sid:1;)",
	"alert ip any any -> any any (device.src_class:infusion-pump; "
	    "device.dest_class:pacs, patient-monitor; sid:1;)",
	"pass tcp any any -> any any (sid:1;)",
	"drop tcp any any -> any any (sid:1;)",
	"reject tcp any any -> any any (sid:1;)",
	"alert tcp-pkt any any -> any any (content:\"a\"; sid:1;)",
	"alert tcp-stream any any -> any any (content:\"a\"; sid:1;)",
	"alert pkthdr any any -> any any (ttl:1; sid:1;)",
	"alert icmpv6 any any -> any any (itype:128; sid:1;)",
	"alert udp [10.0.0.0/8,!10.1.0.0/16,[192.168.0.1,192.168.0.2]] "
	    "[1:1024,!80] -> ![2001:db8::/32,::1] :100 (sid:1;)",
	"alert udp 10.0.0.1-10.0.0.9 1024: <> $HOME_NET $HTTP_PORTS (sid:1;)",
	"alert tcp $EXTERNAL_NET $SHELLCODE_PORTS -> $HTTP_SERVERS "
	    "[$FILE_DATA_PORTS,$ORACLE_PORTS,$SSH_PORTS,$FTP_PORTS,"
	    "$DNP3_PORTS,$MODBUS_PORTS,$GENEVE_PORTS,$VXLAN_PORTS,"
	    "$TEREDO_PORTS] (sid:1;)",
	"alert tcp $SMTP_SERVERS any -> $SQL_SERVERS any (sid:1;)",
	/* keywords with a value on a text buffer */
	"alert mqtt any any -> any any (mqtt.type:CONNECT; sid:1;)",
	"alert mqtt any any -> any any (mqtt.type:publish; sid:1;)",
	"alert mqtt any any -> any any (mqtt.type:!CONNECT; sid:1;)",
	"alert mqtt any any -> any any (mqtt.type:2; sid:1;)",
	"alert mqtt any any -> any any (mqtt.type:>7; sid:1;)",
	"alert mqtt any any -> any any (mqtt.flags:dup,!retain; sid:1;)",
	"alert mqtt any any -> any any (mqtt.qos:2; sid:1;)",
	"alert mqtt any any -> any any (mqtt.protocol_version:>=4; sid:1;)",
	"alert mqtt any any -> any any (mqtt.protocol_version:3-5; sid:1;)",
	"alert mqtt any any -> any any (mqtt.connect.flags:!username,"
	    "!password; sid:1;)",
	"alert mqtt any any -> any any (mqtt.type:SUBSCRIBE; mqtt.topic; "
	    "content:\"#\"; endswith; sid:1;)",
	"alert smb any any -> any any (smb.version:1; sid:1;)",
	"alert smb any any -> any any (smb.version:2; smb.share; "
	    "content:\"IPC$\"; sid:1;)",
	"alert mqtt any any -> any any (mqtt.type; content:\"CONN\"; sid:1;)",
};

static void
test_every_keyword(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct detect_engine *e = th_load(good[i]);

		if (e == NULL || detect_rules_loaded(e) != 1)
			fail_msg("rule %zu: %s", i, th_msgs);
		detect_free(e);
	}
}

static const struct {
	const char	*rule;
	const char	*msg;
} bad_rules[] = {
	{ "alert tcp any any -> any any (content:\"a\"; depth:x; sid:7;)",
	    "test.rules:1:44: sid 7: invalid value for depth: 'x'\n" },
	{ "alert tcp any any -> any any (xbits:set,a,track ip_src; sid:7;)",
	    "test.rules:1: sid 7: unsupported keyword 'xbits'\n" },
	{ "alert rdp any any -> any any (sid:7;)",
	    "test.rules:1: sid 7: unsupported protocol 'rdp'\n" },
	{ "alert tcp any any -> any any (msg:\"x\")",
	    "test.rules:1:31: missing ';' after option\n" },
	{ "alert tcp any any -> any any (msg:\"x\";",
	    "test.rules:1:39: missing ')' at the end of the rule\n" },
	{ "alert tcp any any -> any any (msg:\"x\"; sid:1;) x",
	    "test.rules:1:48: text after the closing ')'\n" },
	{ "alert tcp any any -> any (sid:1;)",
	    "test.rules:1:26: incomplete rule header\n" },
	{ "alert tcp any any => any any (sid:1;)",
	    "test.rules:1:19: sid 1: invalid direction '=>'\n" },
	{ "alrt tcp any any -> any any (sid:1;)",
	    "test.rules:1:1: sid 1: invalid action 'alrt'\n" },
	{ "alert tcp 10.0.0.300 any -> any any (sid:1;)",
	    "test.rules:1:11: sid 1: invalid source address: invalid address "
	    "'10.0.0.300'\n" },
	{ "alert tcp any 70000 -> any any (sid:1;)",
	    "test.rules:1:15: sid 1: invalid source port: invalid port "
	    "'70000'\n" },
	{ "alert tcp any any -> $NOPE any (sid:1;)",
	    "test.rules:1:22: sid 1: invalid destination address: undefined "
	    "variable '$NOPE'\n" },
	{ "alert tcp any any -> any [1,2 (sid:1;)",
	    "test.rules:1:39: expected '(' after the header\n" },
	{ "alert tcp any any -> any any (msg:\"x\";)",
	    "test.rules:1: rule without sid\n" },
	{ "alert tcp any any -> any any (content:\"a|4|\"; sid:1;)",
	    "test.rules:1:31: sid 1: invalid hex in content\n" },
	{ "alert tcp any any -> any any (content:\"a|41\"; sid:1;)",
	    "test.rules:1:31: sid 1: unterminated hex in content\n" },
	{ "alert tcp any any -> any any (content:abc; sid:1;)",
	    "test.rules:1:31: sid 1: content must be quoted\n" },
	{ "alert tcp any any -> any any (content:\"a\\x\"; sid:1;)",
	    "test.rules:1:31: sid 1: invalid escape in content\n" },
	{ "alert tcp any any -> any any (nocase; sid:1;)",
	    "test.rules:1:31: sid 1: keyword needs a preceding content "
	    "(nocase)\n" },
	{ "alert tcp any any -> any any (content:\"abc\"; depth:2; sid:1;)",
	    "test.rules:1:46: sid 1: depth smaller than content\n" },
	{ "alert tcp any any -> any any (content:\"a\"; depth:2; distance:1; "
	    "sid:1;)", "test.rules:1:53: sid 1: relative and absolute "
	    "modifiers on one content\n" },
	{ "alert tcp any any -> any any (pcre:\"/a(/\"; sid:1;)",
	    "test.rules:1:31: sid 1: invalid pcre: missing closing "
	    "parenthesis at offset 2\n" },
	{ "alert tcp any any -> any any (pcre:\"/a/L\"; sid:1;)",
	    "test.rules:1:31: sid 1: unknown pcre flag 'L'\n" },
	{ "alert tcp any any -> any any (http.uri; pcre:\"/a/H\"; sid:1;)",
	    "test.rules:1:41: sid 1: pcre buffer flag with another sticky "
	    "buffer 'H'\n" },
	{ "alert tcp any any -> any any (byte_test:5,>,1,0; sid:1;)",
	    "test.rules:1:31: sid 1: invalid number of bytes\n" },
	{ "alert tcp any any -> any any (byte_test:2,~,1,0; sid:1;)",
	    "test.rules:1:31: sid 1: invalid byte_test operator '~'\n" },
	{ "alert tcp any any -> any any (byte_jump:2,0,sideways; sid:1;)",
	    "test.rules:1:31: sid 1: invalid byte option 'sideways'\n" },
	{ "alert tcp any any -> any any (byte_test:2,=,nope,0; sid:1;)",
	    "test.rules:1:31: sid 1: invalid byte_test value 'nope'\n" },
	{ "alert tcp any any -> any any (flow:sideways; sid:1;)",
	    "test.rules:1:31: sid 1: invalid flow option 'sideways'\n" },
	{ "alert tcp any any -> any any (flow:to_server,to_client; sid:1;)",
	    "test.rules:1:31: sid 1: flow both to_server and to_client\n" },
	{ "alert tcp any any -> any any (flowbits:frob,a; sid:1;)",
	    "test.rules:1:31: sid 1: invalid flowbits command 'frob'\n" },
	{ "alert tcp any any -> any any (flowbits:isset,a|b&c; sid:1;)",
	    "test.rules:1:31: sid 1: flowbits mixes '&' and '|'\n" },
	{ "alert tcp any any -> any any (threshold:type limit, count 1; "
	    "sid:1;)", "test.rules:1:31: sid 1: incomplete threshold\n" },
	{ "alert tcp any any -> any any (threshold:type often, track by_src,"
	    " count 1, seconds 1; sid:1;)",
	    "test.rules:1:31: sid 1: invalid threshold type 'often'\n" },
	{ "alert tcp any any -> any any (dsize:abc; sid:1;)",
	    "test.rules:1:31: sid 1: invalid number 'abc'\n" },
	{ "alert tcp any any -> any any (flags:SX; sid:1;)",
	    "test.rules:1:31: sid 1: invalid flags 'SX'\n" },
	{ "alert tcp any any -> any any (classtype:nope; sid:1;)",
	    "test.rules:1:31: sid 1: unknown classtype 'nope'\n" },
	{ "alert tcp any any -> any any (priority:0; sid:1;)",
	    "test.rules:1:31: sid 1: invalid number for priority: '0'\n" },
	{ "alert tcp any any -> any any (device.dest_class:toaster; sid:1;)",
	    "test.rules:1:31: sid 1: unknown device class 'toaster' "
	    "(classes: unknown, infusion-pump, patient-monitor, ventilator, "
	    "dialysis, imaging-modality, imaging-workstation, ultrasound, lab-analyzer, "
	    "medical-gateway, interface-engine, pacs, nurse-call, "
	    "clinical-workstation, server, printer, network-infrastructure, "
	    "iot)\n" },
	{ "alert tcp any any -> any any (app-layer-event:http.nope; sid:1;)",
	    "test.rules:1: sid 1: unsupported app-layer-event 'http.nope'\n" },
	{ "alert tcp any any -> any any (dotprefix; sid:1;)",
	    "test.rules:1:31: sid 1: transform needs a sticky buffer "
	    "(dotprefix)\n" },
	{ "alert tcp any any -> any any (bsize:5; sid:1;)",
	    "test.rules:1:31: sid 1: bsize needs a sticky buffer\n" },
	{ "alert tcp any any -> any any (http.uri: x; sid:1;)",
	    "test.rules:1:31: sid 1: sticky buffer takes no value "
	    "(http.uri)\n" },
	{ "alert mqtt any any -> any any (mqtt.type:CONNECTED; sid:1;)",
	    "test.rules:1:32: sid 1: invalid value for mqtt.type: 'CONNECTED' "
	    "(one of UNASSIGNED, CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, "
	    "PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, "
	    "PINGREQ, PINGRESP, DISCONNECT, AUTH, or a number)\n" },
	{ "alert mqtt any any -> any any (mqtt.type:16; sid:1;)",
	    "test.rules:1:32: sid 1: invalid value for mqtt.type: '16' (0 to "
	    "15)\n" },
	{ "alert mqtt any any -> any any (mqtt.qos:x; sid:1;)",
	    "test.rules:1:32: sid 1: invalid value for mqtt.qos: 'x' (0 to "
	    "3)\n" },
	{ "alert mqtt any any -> any any (mqtt.connect.flags:!user; sid:1;)",
	    "test.rules:1:32: sid 1: invalid value for mqtt.connect.flags: "
	    "'user' (flags: username, password, will, will_retain, "
	    "clean_session, each may have '!')\n" },
	{ "alert mqtt any any -> any any (mqtt.flags:dup,!dup; sid:1;)",
	    "test.rules:1:32: sid 1: invalid value for mqtt.flags: 'dup' both "
	    "set and not set\n" },
	{ "alert smb any any -> any any (smb.version:one; sid:1;)",
	    "test.rules:1:31: sid 1: invalid value for smb.version: 'one' (0 "
	    "to 3)\n" },
	{ "alert dns any any -> any any (smb.version:1; sid:1;)",
	    "test.rules:1: sid 1: buffers of another protocol than the "
	    "rule's\n" },
	{ "alert tcp any any -> any any (http.method; content:\"G\"; "
	    "http.stat_code; content:\"2\"; sid:1;)",
	    "test.rules:1: sid 1: buffers of both directions in one rule\n" },
	{ "alert dns any any -> any any (http.uri; content:\"a\"; sid:1;)",
	    "test.rules:1: sid 1: buffers of another protocol than the "
	    "rule's\n" },
	{ "alert tcp any any -> any any (byte_extract:1,0,v; "
	    "byte_extract:1,0,v; sid:1;)",
	    "test.rules:1:51: sid 1: byte_extract variable defined twice "
	    "'v'\n" },
	{ "alert tcp !any any -> any any (sid:1;)",
	    "test.rules:1:11: sid 1: invalid source address: '!any' matches "
	    "nothing\n" },
};

static void
test_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_rules) / sizeof(bad_rules[0]); i++) {
		struct detect_engine *e = th_load(bad_rules[i].rule);

		assert_non_null(e);
		if (detect_rules_loaded(e) != 0 || detect_rules_skipped(e) != 1 ||
		    strcmp(th_msgs, bad_rules[i].msg) != 0)
			fail_msg("rule %zu: got '%s', want '%s'", i, th_msgs,
			    bad_rules[i].msg);
		detect_free(e);
	}
}

static void
test_summary(void **state)
{
	struct detect_engine *e = th_load(
	    "# comment\n"
	    "\n"
	    "alert tcp any any -> any any (msg:\"one\"; content:\"a\"; sid:1;)\n"
	    "  # indented comment\n"
	    "alert tcp any any -> any any (msg:\"two\"; \\\n"
	    "    content:\"b\"; \\\n"
	    "    sid:2;)\n"
	    "alert tcp any any -> any any (xbits:set,a; sid:3;)\n"
	    "alert tcp any any -> any any (msg:\"dup\"; sid:1;)\n"
	    "alert tcp any any -> any any (xbits:set,b; sid:4;)\n"
	    "alert smtp any any -> any any (sid:5;)\n");
	char *out = NULL;
	size_t len = 0, n;
	FILE *f;
	const char *reason;

	(void)state;
	assert_non_null(e);
	assert_int_equal(detect_rules_loaded(e), 2);
	assert_int_equal(detect_rules_skipped(e), 4);
	assert_string_equal(detect_rule(e, 1)->msg, "two");
	assert_int_equal(detect_rule(e, 1)->line, 5);
	assert_string_equal(detect_rule(e, 1)->file, "test.rules");
	assert_non_null(strstr(th_msgs, "test.rules:9: sid 1: duplicate sid "
	    "(first at test.rules:3)\n"));
	f = open_memstream(&out, &len);
	detect_print_summary(e, f);
	(void)fclose(f);
	assert_string_equal(out, "rules: 2 loaded, 4 skipped\n"
	    "  2 unsupported keyword 'xbits'\n"
	    "  1 duplicate sid\n"
	    "  1 unsupported protocol 'smtp'\n");
	assert_true(detect_skip_reason(e, 0, &reason, &n));
	assert_string_equal(reason, "unsupported keyword 'xbits'");
	assert_int_equal(n, 2);
	assert_false(detect_skip_reason(e, 3, &reason, &n));
	free(out);
	detect_free(e);
}

static void
test_rule_info(void **state)
{
	struct detect_engine *e = th_load(
	    "drop tcp any any -> any any (msg:\"m\"; classtype:trojan-activity;"
	    " metadata:affected_product Any, attack_target Client_Endpoint, "
	    "affected_product Other; rev:4; gid:3; sid:9;)\n"
	    "alert tcp any any -> any any (msg:\"p\"; classtype:misc-activity;"
	    " priority:1; flowbits:noalert; sid:10;)\n"
	    "alert tcp any any -> any any (sid:11;)\n");
	const struct detect_rule_info *ri;
	uint32_t i;

	(void)state;
	assert_non_null(e);
	for (i = 0; i < 3; i++) {
		ri = detect_rule(e, i);
		if (ri->sid == 9) {
			assert_int_equal(ri->action, DETECT_DROP);
			assert_int_equal(ri->gid, 3);
			assert_int_equal(ri->rev, 4);
			assert_int_equal(ri->severity, 1);
			assert_string_equal(ri->classtype, "trojan-activity");
			assert_string_equal(ri->category,
			    "A Network Trojan was detected");
			assert_int_equal(ri->n_meta, 3);
			assert_string_equal(ri->meta_keys[1], "attack_target");
			assert_string_equal(ri->meta_values[1],
			    "Client_Endpoint");
		} else if (ri->sid == 10) {
			assert_int_equal(ri->severity, 1);
			assert_true(ri->noalert);
		} else {
			assert_int_equal(ri->sid, 11);
			assert_int_equal(ri->severity, 3);
			assert_null(ri->classtype);
			assert_string_equal(ri->category, "");
		}
	}
	assert_null(detect_rule(e, 3));
	detect_free(e);
}

static char *
write_tmp(const char *text)
{
	char *path = strdup("/tmp/test-detect-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)fputs(text, f);
	(void)fclose(f);
	return path;
}

static void
test_config_files(void **state)
{
	struct detect_config c;
	struct detect_engine *e;
	struct detect_var bad = { (char *)"HOME_NET", (char *)"[10.0.0.0/33]" };
	char *cls = write_tmp("# x\nconfig classification: custom,Custom "
	    "Thing,2\n");
	char *ref = write_tmp("config reference: url http://\n");
	char *badcls = write_tmp("config classification: broken\n");
	char *rules = write_tmp("alert tcp any any -> any any (classtype:"
	    "custom; sid:1;)\nalert tcp any any -> any any (classtype:"
	    "trojan-activity; sid:2;)\n");
	char *files[1] = { rules };
	FILE *f;

	(void)state;
	detect_config_defaults(&c);
	c.classification_file = cls;
	c.reference_file = ref;
	c.rule_files = files;
	c.n_rule_files = 1;
	free(th_msgs);
	th_msgs = NULL;
	f = open_memstream(&th_msgs, &th_msglen);
	e = detect_load(&c, f, NULL);
	(void)fclose(f);
	assert_non_null(e);
	assert_int_equal(detect_rules_loaded(e), 1);
	assert_string_equal(detect_rule(e, 0)->category, "Custom Thing");
	assert_int_equal(detect_rule(e, 0)->severity, 2);
	detect_free(e);

	c.classification_file = badcls;
	e = th_load_cfg(&c, "");
	assert_null(e);
	assert_non_null(strstr(th_msgs, ":2:1: expected "
	    "name,description,priority") != NULL ? th_msgs :
	    strstr(th_msgs, ":1:1: expected name,description,priority"));

	c.classification_file = (char *)"/nonexistent/classification.config";
	e = th_load_cfg(&c, "");
	assert_null(e);
	assert_non_null(strstr(th_msgs, "/nonexistent/classification.config: "
	    "No such file or directory"));

	/* a missing rule file is an error */
	c.classification_file = NULL;
	c.rule_files[0] = (char *)"/nonexistent.rules";
	free(th_msgs);
	th_msgs = NULL;
	f = open_memstream(&th_msgs, &th_msglen);
	e = detect_load(&c, f, NULL);
	(void)fclose(f);
	assert_null(e);
	c.rule_files[0] = rules;

	/* a bad variable is an error */
	detect_config_defaults(&c);
	c.addr_vars = &bad;
	c.n_addr_vars = 1;
	e = th_load_cfg(&c, "");
	assert_null(e);
	assert_string_equal(th_msgs, "vars.address-groups.HOME_NET: invalid "
	    "netmask in '10.0.0.0/33'\n");

	(void)unlink(cls);
	(void)unlink(ref);
	(void)unlink(badcls);
	(void)unlink(rules);
	free(cls);
	free(ref);
	free(badcls);
	free(rules);
}

static void
test_threshold_file(void **state)
{
	struct detect_config c;
	struct detect_engine *e;
	char *th = write_tmp("threshold gen_id 1, sig_id 0, type limit, "
	    "track by_src, count 1, seconds 60\n"
	    "event_filter gen_id 1, sig_id 2, type both, track by_dst, "
	    "count 2, seconds 10\n"
	    "suppress gen_id 1, sig_id 2, track by_either, ip "
	    "[10.0.0.0/8,$HOME_NET]\n");
	char *bad = write_tmp("suppress gen_id 1, sig_id 2, track by_src\n"
	    "frobnicate gen_id 1\n");

	(void)state;
	detect_config_defaults(&c);
	c.threshold_file = th;
	e = th_load_cfg(&c, "alert tcp any any -> any any (sid:1;)\n"
	    "alert tcp any any -> any any (sid:2;)\n");
	assert_non_null(e);
	assert_int_equal(e->rules[0].th.type, TH_LIMIT);
	assert_int_equal(e->rules[1].th.type, TH_BOTH);
	assert_int_equal(e->nsupp, 1);
	detect_free(e);
	c.threshold_file = bad;
	e = th_load_cfg(&c, "");
	assert_null(e);
	assert_non_null(strstr(th_msgs, ":1:1: invalid suppress line\n"));
	assert_non_null(strstr(th_msgs, ":2:1: unknown keyword "
	    "'frobnicate'\n"));
	(void)unlink(th);
	(void)unlink(bad);
	free(th);
	free(bad);
}

static void
rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		(void)unlink(p);
	}
	(void)closedir(d);
	(void)rmdir(dir);
}

static void
test_cache(void **state)
{
	char dir[] = "/tmp/test-detect-cacheXXXXXX";
	struct detect_config c;
	struct detect_engine *e;
	const char *text = "alert udp any any -> any any (content:\"evil\"; "
	    "sid:1;)\nalert tcp any any -> any any (http.uri; "
	    "content:\"/x\"; sid:2;)\n";

	(void)state;
	assert_non_null(mkdtemp(dir));
	detect_config_defaults(&c);
	c.cache_dir = dir;
	e = th_load_cfg(&c, text);
	assert_non_null(e);
	assert_false(detect_from_cache(e));
	assert_true(detect_compile_seconds(e) >= 0);
	detect_free(e);
	e = th_load_cfg(&c, text);
	assert_non_null(e);
	assert_true(detect_from_cache(e));
	/* and the cached databases match */
	{
		struct detect_thread *t = detect_thread_new(e, th_alert, NULL);
		struct packet p;

		th_nalerts = 0;
		th_packet(&p, IPPROTO_UDP, 1, 2, 3, 4, "an evil one", 11);
		detect_packet(t, NULL, &p, NULL, 0);
		assert_true(th_alerted(1));
		detect_thread_free(t);
	}
	detect_free(e);
	/* another rule set does not use it */
	e = th_load_cfg(&c, "alert udp any any -> any any (content:\"x\"; "
	    "sid:1;)\n");
	assert_non_null(e);
	assert_false(detect_from_cache(e));
	detect_free(e);
	/* nor the same rules with other values of their variables: the
	 * port groups differ, and a database of other groups must never
	 * be read (its pattern ids would name other rules) */
	{
		const char *vt = "alert tcp any any -> any $P1 (content:"
		    "\"AAAA\"; sid:1;)\nalert tcp any any -> any $P2 ("
		    "content:\"BBBB\"; sid:2;)\n";
		struct detect_var pv[2] = {
			{ (char *)"P1", (char *)"80" },
			{ (char *)"P2", (char *)"443" },
		};

		c.port_vars = pv;
		c.n_port_vars = 2;
		e = th_load_cfg(&c, vt);
		assert_non_null(e);
		assert_false(detect_from_cache(e));
		detect_free(e);
		pv[0].value = (char *)"443";
		pv[1].value = (char *)"80";
		e = th_load_cfg(&c, vt);
		assert_non_null(e);
		assert_false(detect_from_cache(e));
		detect_free(e);
		c.port_vars = NULL;
		c.n_port_vars = 0;
	}
	rm_dir(dir);
}

/*
 * The ET Open sample: nearly everything loads, and nothing is skipped
 * for a keyword that issue 10 lists as supported.
 */
static void
test_et_open_sample(void **state)
{
	static const char *const must_support[] = {
		"'content'", "'flow'", "'nocase'", "'fast_pattern'",
		"'http.uri'", "'distance'", "'endswith'", "'pcre'",
		"'http.method'", "'dns.query'", "'depth'", "'http.host'",
		"'bsize'", "'flowbits'", "'threshold'", "'within'",
		"'startswith'", "'tls.sni'", "'file.data'", "'file_data'",
		"'dotprefix'", "'http.stat_code'", "'target'", "'isdataat'",
		"'byte_test'", "'byte_jump'", "'urilen'", "'dsize'",
		"'itype'", "'icode'", "'stream_size'", "'flags'",
		"'base64_decode'", "'base64_data'", "'noalert'", "'tag'",
		"'byte_extract'", "'detection_filter'", "'ip_proto'",
		"'app-layer-event'", "'http_uri'", "'http_header'",
		"'tls.version'", "'ja3.hash'", "'ja3_hash'",
	};
	struct detect_config c;
	struct detect_engine *e;
	glob_t g;
	size_t i, j, n;
	const char *reason;
	FILE *err;
	char *msgs = NULL;
	size_t msglen = 0;

	(void)state;
	if (glob(ET_SAMPLE_ABS "/*.rules", 0, NULL, &g) != 0 &&
	    glob(ET_SAMPLE "/*.rules", 0, NULL, &g) != 0) {
		(void)printf("# SKIP: no ET Open sample in the corpus\n");
		return;
	}
	detect_config_defaults(&c);
	c.rule_files = g.gl_pathv;
	c.n_rule_files = g.gl_pathc;
	err = open_memstream(&msgs, &msglen);
	e = detect_load(&c, err, NULL);
	(void)fclose(err);
	assert_non_null(e);
	(void)printf("# ET sample: %zu loaded, %zu skipped, %.2f s\n",
	    detect_rules_loaded(e), detect_rules_skipped(e),
	    detect_compile_seconds(e));
	for (i = 0; detect_skip_reason(e, i, &reason, &n); i++) {
		(void)printf("#   %zu %s\n", n, reason);
		for (j = 0; j < sizeof(must_support) / sizeof(must_support[0]);
		    j++)
			if (strstr(reason, must_support[j]) != NULL)
				fail_msg("skipped for %s", reason);
	}
	assert_true(detect_rules_loaded(e) * 100 >= 95 *
	    (detect_rules_loaded(e) + detect_rules_skipped(e)));
	detect_free(e);
	free(msgs);
	globfree(&g);
}

/* Duplicates among thousands of rules (the index grows as they load):
 * the first of each sid stays, gids apart. */
static void
test_duplicate_sids_many(void **state)
{
	size_t cap = 5000 * 80, n = 0, i;
	char *text = malloc(cap);
	struct detect_engine *e;

	(void)state;
	assert_non_null(text);
	for (i = 1; i <= 4000; i++)
		n += (size_t)snprintf(text + n, cap - n, "alert tcp any any -> "
		    "any any (msg:\"r%zu\"; sid:%zu;)\n", i, i);
	n += (size_t)snprintf(text + n, cap - n,
	    "alert tcp any any -> any any (msg:\"d1\"; sid:1;)\n"
	    "alert tcp any any -> any any (msg:\"d2\"; sid:2048;)\n"
	    "alert tcp any any -> any any (msg:\"d3\"; sid:4000;)\n"
	    "alert tcp any any -> any any (msg:\"g2\"; gid:2; sid:4000;)\n");
	assert_non_null(e = th_load(text));
	assert_int_equal(detect_rules_loaded(e), 4001);
	assert_int_equal(detect_rules_skipped(e), 3);
	assert_non_null(strstr(th_msgs, "test.rules:4002: sid 2048: "
	    "duplicate sid (first at test.rules:2048)\n"));
	for (i = 0; i < detect_rules_loaded(e); i++)
		assert_null(strstr(detect_rule(e, (uint32_t)i)->msg, "d"));
	detect_free(e);
	free(text);
}

/* Reference: the range test as bytes, memcmp() order. */
static bool
ref_in(const uint8_t *a, const uint8_t *lo, const uint8_t *hi, size_t len)
{
	return memcmp(a, lo, len) >= 0 && memcmp(a, hi, len) <= 0;
}

/*
 * Address ranges, IPv4 and IPv6, at and around each bound: the byte
 * before and after every position of lo and hi (the IPv6 halves
 * compare as two numbers: a difference in the low half alone must
 * count), with negated ranges inside the list.
 */
static void
test_addr_ranges(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp any any -> any any (sid:1;)\n");
	static const char *const lists[] = {
		"[10.0.0.0/8,!10.1.0.0/16]",
		"[2001:db8::/32,!2001:db8:0:1::/64]",
		"[2001:db8::5-2001:db8::1:0:0:7]",
		"192.168.1.10-192.168.1.20",
	};
	static const char *const bounds[][2] = {
		{ "10.0.0.0", "10.255.255.255" },
		{ "10.1.0.0", "10.1.255.255" },
		{ "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff" },
		{ "2001:db8:0:1::", "2001:db8:0:1:ffff:ffff:ffff:ffff" },
		{ "2001:db8::5", "2001:db8::1:0:0:7" },
		{ "192.168.1.10", "192.168.1.20" },
	};
	struct anode *n[4];
	char why[256];
	size_t i, b, k, pos;
	int d;

	(void)state;
	assert_non_null(e);
	for (i = 0; i < 4; i++) {
		n[i] = detect_parse_addr(e, lists[i], why, sizeof(why));
		assert_non_null(n[i]);
	}
	for (b = 0; b < 6; b++) {
		for (k = 0; k < 2; k++) {
			uint8_t a[16], lo[16], hi[16];
			int fam = strchr(bounds[b][k], ':') != NULL ? 6 : 4;
			size_t len = fam == 6 ? 16 : 4;

			assert_int_equal(inet_pton(fam == 6 ? AF_INET6 : AF_INET,
			    bounds[b][k], a), 1);
			for (pos = 0; pos < len; pos++) {
				for (d = -1; d <= 1; d++) {
					uint8_t x[16];

					memcpy(x, a, len);
					x[pos] = (uint8_t)(x[pos] + d);
					/* list 0 or 1: 10/8 less 10.1/16 */
					if (fam == 4) {
						inet_pton(AF_INET, "10.0.0.0", lo);
						inet_pton(AF_INET, "10.255.255.255",
						    hi);
						{
							uint8_t l2[4], h2[4];

							inet_pton(AF_INET,
							    "10.1.0.0", l2);
							inet_pton(AF_INET,
							    "10.1.255.255", h2);
							assert_int_equal(
							    detect_addr_match(
							    n[0], 4, x),
							    ref_in(x, lo, hi, 4) &&
							    !ref_in(x, l2, h2, 4));
						}
						inet_pton(AF_INET, "192.168.1.10",
						    lo);
						inet_pton(AF_INET, "192.168.1.20",
						    hi);
						assert_int_equal(detect_addr_match(
						    n[3], 4, x), ref_in(x, lo, hi, 4));
						/* no IPv6 range holds it */
						assert_false(detect_addr_match(n[2],
						    4, x));
					} else {
						uint8_t l2[16], h2[16];

						inet_pton(AF_INET6, "2001:db8::",
						    lo);
						inet_pton(AF_INET6, "2001:db8:ffff:"
						    "ffff:ffff:ffff:ffff:ffff", hi);
						inet_pton(AF_INET6, "2001:db8:0:1::",
						    l2);
						inet_pton(AF_INET6, "2001:db8:0:1:"
						    "ffff:ffff:ffff:ffff", h2);
						assert_int_equal(detect_addr_match(
						    n[1], 6, x), ref_in(x, lo, hi,
						    16) && !ref_in(x, l2, h2, 16));
						inet_pton(AF_INET6, "2001:db8::5",
						    lo);
						inet_pton(AF_INET6,
						    "2001:db8::1:0:0:7", hi);
						assert_int_equal(detect_addr_match(
						    n[2], 6, x), ref_in(x, lo, hi,
						    16));
						assert_false(detect_addr_match(n[3],
						    6, x));
					}
				}
			}
		}
	}
	for (i = 0; i < 4; i++)
		detect_anode_free(n[i]);
	detect_free(e);
}

/* Bounds of every range in the tree under n, and one past each. */
static size_t
probe_bounds(const struct anode *n, int fam, uint8_t (*out)[16], size_t max,
    size_t k)
{
	size_t i, len = fam == 6 ? 16 : 4;
	int d, b;

	if (n->kind == AN_RANGE && n->fam == fam) {
		for (b = 0; b < 2; b++)
			for (d = -1; d <= 1 && k < max; d++) {
				uint8_t *x = out[k++];
				int pos = (int)len - 1, c = d;

				memcpy(x, b == 0 ? n->lo : n->hi, 16);
				/* x + d, carrying */
				while (c != 0 && pos >= 0) {
					int v = x[pos] + c;

					x[pos] = (uint8_t)v;
					c = v < 0 ? -1 : v > 255 ? 1 : 0;
					pos--;
				}
			}
	}
	for (i = 0; i < n->nkids; i++)
		k = probe_bounds(&n->kids[i], fam, out, max, k);
	return k;
}

/*
 * The compiled sets answer as the trees do: addresses at and around
 * every bound of the expression and at pseudo-random points, both
 * families; ports for every port.
 */
static void
test_addr_sets(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp any any -> any any (sid:1;)\n");
	static const char *const addrs[] = {
		"[10.0.0.0/8,!10.1.0.0/16]",
		"![10.0.0.0/8,192.168.0.0/16,172.16.0.0/12]",
		"[2001:db8::/32,!2001:db8:0:1::/64]",
		"![2001:db8::5-2001:db8::1:0:0:7,10.0.0.1]",
		"[!10.0.0.0/8,!fe80::/10]",
		"[any,!1.2.3.4]",
		"[[1.0.0.0/8,!1.2.0.0/16],![1.2.3.0/24,!1.2.3.4]]",
		"[0.0.0.0,255.255.255.255,::,ffff:ffff:ffff:ffff:ffff:ffff:"
		    "ffff:ffff]",
		"![::/1,0.0.0.0/1]",
		"!192.168.1.10-192.168.1.20",
		"[1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.5,!1.1.1.2]",
		"[::ffff:0:0/96,!::ffff:10.0.0.0/104,10.0.0.0/8]",
	};
	static const char *const ports[] = {
		"[80,443,8000:8100,!8080]",
		"!80",
		"[!21,!22]",
		"[1:1024,![100:200,!150]]",
		"[0,65535]",
		"![0:1023,5000:]",
		"[any,!53]",
	};
	uint8_t pr[512][16];
	struct anode *n;
	char why[256];
	uint64_t x = 88172645463325252ull;
	size_t i, j, k;
	int fam, p;

	(void)state;
	assert_non_null(e);
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		n = detect_parse_addr(e, addrs[i], why, sizeof(why));
		assert_non_null(n);
		assert_non_null(n->set);
		for (fam = 4; fam <= 6; fam += 2) {
			k = probe_bounds(n, fam, pr, 256, 0);
			/* and pseudo-random points (xorshift) */
			while (k < 512) {
				for (j = 0; j < 16; j++) {
					x ^= x << 13;
					x ^= x >> 7;
					x ^= x << 17;
					pr[k][j] = (uint8_t)x;
				}
				/* half of them near the usual prefixes */
				if (k % 2 == 0)
					pr[k][0] = (uint8_t[]){ 0, 1, 10, 172,
					    192, 0x20, 0xfe, 0xff }[x % 8];
				k++;
			}
			for (j = 0; j < k; j++)
				assert_int_equal(detect_addr_match(n, fam,
				    pr[j]), detect_addr_match_tree(n, fam,
				    pr[j]));
		}
		detect_anode_free(n);
	}
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		n = detect_parse_ports(e, ports[i], why, sizeof(why));
		assert_non_null(n);
		for (p = 0; p <= 65535; p++)
			assert_int_equal(detect_port_match(n, (uint16_t)p),
			    detect_port_match_tree(n, (uint16_t)p));
		detect_anode_free(n);
	}
	detect_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicate_sids_many),
		cmocka_unit_test(test_every_keyword),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_rule_info),
		cmocka_unit_test(test_config_files),
		cmocka_unit_test(test_threshold_file),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_et_open_sample),
		cmocka_unit_test(test_addr_ranges),
		cmocka_unit_test(test_addr_sets),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(th_msgs);
	return rc;
}
