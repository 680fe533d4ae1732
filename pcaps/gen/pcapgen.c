/*
 * pcapgen.c - the project's capture generator: writes the regression
 * captures committed under pcaps/ and the benchmark capture.
 *
 *	pcapgen --list
 *	pcapgen SCENARIO OUTFILE [--size-mb N] [--flows N] [--devices N]
 *	pcapgen --all DIR
 *
 * Every scenario starts from the same clock and seed, so a capture
 * depends on nothing but this source: tests/gen-determinism.sh checks
 * that regenerating gives the committed bytes.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define PCAPGEN_MAX_SIZE_MB	65536
#define PCAPGEN_MAX_FLOWS	10000000
#define PCAPGEN_MAX_DEVICES	1000000
#define PCAPGEN_PATH_MAX	4096

static const struct scenario scenarios[] = {
	{ "tcp-basic", "tcp-basic.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_tcp_basic,
	    "IPv4 TCP: handshake, request, 4-segment response, FIN close" },
	{ "tcp-basic-pcapng", "tcp-basic.pcapng", PCAPW_PCAPNG,
	    PCAPW_LINKTYPE_ETHERNET, scen_tcp_basic,
	    "tcp-basic in pcapng (SHB, IDB, EPBs)" },
	{ "tcp-nanosec", "tcp-nanosec.pcap", PCAPW_PCAP_NS,
	    PCAPW_LINKTYPE_ETHERNET, scen_tcp_basic,
	    "tcp-basic with nanosecond timestamps (magic 0xa1b23c4d)" },
	{ "tcp-midstream", "tcp-midstream.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_tcp_midstream,
	    "TCP picked up mid-stream: data both ways, then FIN" },
	{ "tcp-out-of-order", "tcp-out-of-order.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_tcp_out_of_order,
	    "TCP reordered, retransmitted and overlapping segments" },
	{ "tcp-gap", "tcp-gap.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_tcp_gap,
	    "TCP with one data segment lost for good" },
	{ "tcp-rst", "tcp-rst.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_tcp_rst,
	    "TCP refused (SYN, RST/ACK) and established then reset" },
	{ "flow-end-own-time", "flow-end-own-time.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_tcp_flow_end_time,
	    "TCP flows ended by another flow's packet (reuse, timeout)" },
	{ "udp-basic", "udp-basic.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_udp_basic,
	    "DNS query/response pairs and one-way syslog" },
	{ "icmp-echo", "icmp-echo.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_icmp_echo,
	    "ICMP and ICMPv6 echo, ICMP port unreachable" },
	{ "ipv6-tcp", "ipv6-tcp.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_ipv6_tcp,
	    "TCP over IPv6, client packets with HBH and DestOpts" },
	{ "vlan-qinq", "vlan-qinq.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_vlan_qinq,
	    "one UDP 5-tuple on 802.1Q VLAN 20 and QinQ 100/20" },
	{ "frag-ipv4", "frag-ipv4.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_frag_ipv4,
	    "IPv4 fragments: in order, reversed, interleaved" },
	{ "frag-ipv6", "frag-ipv6.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_frag_ipv6,
	    "IPv6 fragments: in order, reversed, interleaved" },
	{ "tunnels", "tunnels.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_tunnels,
	    "TCP in GRE, GRE-TEB, ERSPAN II and III, VXLAN, IP-in-IP" },
	{ "linktype-sll", "linktype-sll.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_SLL, scen_link_sll,
	    "Linux cooked capture v1" },
	{ "linktype-sll2", "linktype-sll2.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_SLL2, scen_link_sll2,
	    "Linux cooked capture v2" },
	{ "linktype-null", "linktype-null.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_NULL, scen_link_null,
	    "BSD loopback, host byte order, AF 2/24/28/30" },
	{ "linktype-loop", "linktype-loop.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_LOOP, scen_link_loop,
	    "OpenBSD loopback, network byte order" },
	{ "linktype-raw", "linktype-raw.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_RAW, scen_link_raw,
	    "raw IPv4 and IPv6" },
	{ "malformed", "malformed.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_malformed,
	    "one hostile packet per decoder anomaly" },
	{ "medical-mix", "medical-mix.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_medical_mix,
	    "VLAN 20 ward: DHCP, HL7/MLLP, DICOM C-ECHO, DNS, NTP" },
	{ "services", "services.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_services,
	    "SSH, HTTP, MQTT 3.1.1/5, SSDP, FTP, telnet, DNS/TCP, LLDP, CDP" },
	{ "dicom-assoc-rq-4gb", "dicom-assoc-rq-4gb.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_dicom_assoc_4gb,
	    "an A-ASSOCIATE-RQ whose length claims 4 GB" },
	{ "dns-pointer-loop", "dns-pointer-loop.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_dns_pointer_loop,
	    "DNS queries whose name's compression pointers loop" },
	{ "evasion-hl7-insertion", "evasion-hl7-insertion.pcap",
	    PCAPW_PCAP_US, PCAPW_LINKTYPE_ETHERNET,
	    scen_evasion_hl7_insertion,
	    "forged HL7 with a bad TCP / IPv4 checksum, then the real one" },
	{ "evasion-overlap", "evasion-overlap.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_evasion_overlap,
	    "forged HL7 overlapping delivered and queued TCP data" },
	{ "checksum-offload", "checksum-offload.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_checksum_offload,
	    "the HL7 engine's own capture: its TCP/UDP checksums offloaded" },
	{ "smb-win7", "smb-win7.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_smb_win7,
	    "CT console on Windows 7 writes a study over SMB1 (NTLMSSP)" },
	{ "ward", "ward.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_ward,
	    "25 labelled devices on VLANs 20/30/40 (+ ward.truth)" },
	{ "baseline-day1", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_baseline_day1,
	    "a ward's ordinary day, for learning baselines, not committed" },
	{ "baseline-day1-am", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_baseline_day1_am,
	    "baseline-day1 to noon, not committed" },
	{ "baseline-day1-pm", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_baseline_day1_pm,
	    "baseline-day1 from noon, not committed" },
	{ "baseline-day2", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_baseline_day2,
	    "the next day with one incident of each behaviour, not "
	    "committed" },
	{ "baseline-phi", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_baseline_phi,
	    "admissions, queries and a mass retrieval naming canary "
	    "patients (tests/privacy-pseudonyms.sh), not committed" },
	{ "baseline-quiet", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_baseline_quiet,
	    "a later day of benign change only, not committed" },
	{ "ward-day1", "ward-day1.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_ward_day1,
	    "a ward's learning day: 49 devices, 6 VLANs, 24 h (scen-days.c)" },
	{ "ward-day2", "ward-day2.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_ward_day2,
	    "the next day: benign changes and 12 incidents "
	    "(+ ward-days.truth)" },
	{ "ward-day2-quiet", "ward-day2-quiet.pcap", PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_ward_day2_quiet,
	    "the next day with its benign changes only" },
	{ "policy", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_policy,
	    "the ward, then a pump's telnet login and internet HTTPS and a "
	    "CT's sweep (tests/policy.sh), not committed" },
	{ "bench", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_bench,
	    "large mixed capture (--size-mb, --flows), not committed" },
	{ "hospital", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_hospital,
	    "hospital scale: HL7, DICOM, DHCP, DNS, TLS, HTTP from "
	    "--devices devices on 20 VLANs (--size-mb, --flows), "
	    "not committed" },
	{ "hospital-baseline", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_hospital_baseline,
	    "--devices devices (10000) with many UDP peers each over a "
	    "day, not committed" },
	{ "hospital-baseline-day2", NULL, PCAPW_PCAP_US,
	    PCAPW_LINKTYPE_ETHERNET, scen_hospital_baseline_day2,
	    "the next day, a quarter of the peers changed, not committed" },
};

#define NSCENARIOS	(sizeof(scenarios) / sizeof(scenarios[0]))

/*
 * Scenarios that also write their ground truth beside the capture:
 * OUTFILE with ".pcap" replaced by the extension (or appended to it),
 * or, with a name, that file in OUTFILE's directory.
 */
static const struct {
	const char	*scenario;
	const char	*ext;
	const char	*name;
	int		(*write)(FILE *);
} truths[] = {
	{ "ward", ".truth", NULL, scen_ward_truth },
	{ "ward-day2", NULL, "ward-days.truth", scen_ward_days_truth },
};

static void
usage(void)
{
	fprintf(stderr, "usage: pcapgen --list\n"
	    "       pcapgen scenario outfile [--size-mb n] [--flows n] "
	    "[--devices n]\n"
	    "       pcapgen --all dir\n");
	exit(1);
}

static int
parse_num(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static const struct scenario *
find(const char *name)
{
	const struct scenario *sc;
	size_t i;

	for (i = 0; i < NSCENARIOS; i++)
		if (strcmp(scenarios[i].name, name) == 0 ||
		    (scenarios[i].file != NULL &&
		    strcmp(scenarios[i].file, name) == 0))
			return &scenarios[i];
	if ((sc = scen_iomt_find(name)) != NULL)
		return sc;
	return scen_findings_find(name);
}

static int
write_truth(const struct scenario *sc, const char *path)
{
	char tpath[PCAPGEN_PATH_MAX];
	FILE *fp;
	size_t i, n;
	int rc;

	for (i = 0; i < sizeof(truths) / sizeof(truths[0]); i++)
		if (strcmp(truths[i].scenario, sc->name) == 0)
			break;
	if (i == sizeof(truths) / sizeof(truths[0]))
		return 0;
	n = strlen(path);
	if (truths[i].name != NULL) {
		while (n > 0 && path[n - 1] != '/')
			n--;
		rc = snprintf(tpath, sizeof(tpath), "%.*s%s", (int)n, path,
		    truths[i].name);
	} else {
		if (n >= 5 && strcmp(path + n - 5, ".pcap") == 0)
			n -= 5;
		rc = snprintf(tpath, sizeof(tpath), "%.*s%s", (int)n, path,
		    truths[i].ext);
	}
	if (rc < 0 || (size_t)rc >= sizeof(tpath)) {
		fprintf(stderr, "pcapgen: %s: path too long\n", path);
		return -1;
	}
	if ((fp = fopen(tpath, "w")) == NULL) {
		fprintf(stderr, "pcapgen: %s: %s\n", tpath, strerror(errno));
		return -1;
	}
	rc = truths[i].write(fp);
	if (fclose(fp) != 0 || rc == -1) {
		fprintf(stderr, "pcapgen: %s: %s\n", tpath, strerror(errno));
		return -1;
	}
	return 0;
}

static int
run(struct gen *g, const struct scenario *sc, const char *path)
{
	g->now = GEN_BASE_TIME * GEN_NS;
	g->rng = GEN_SEED;
	if (pcapw_open(&g->w, path, sc->fmt, sc->linktype) == -1) {
		fprintf(stderr, "pcapgen: %s: %s\n", path, strerror(errno));
		(void)pcapw_close(&g->w);
		return -1;
	}
	if (sc->run(g) == -1) {
		fprintf(stderr, "pcapgen: %s: scenario failed\n", sc->name);
		(void)pcapw_close(&g->w);
		return -1;
	}
	if (pcapw_close(&g->w) == -1) {
		fprintf(stderr, "pcapgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return write_truth(sc, path);
}

static int
run_all(struct gen *g, const char *dir)
{
	char path[PCAPGEN_PATH_MAX];
	size_t i;
	int n;

	for (i = 0; i < NSCENARIOS; i++) {
		if (scenarios[i].file == NULL)
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", dir,
		    scenarios[i].file);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			fprintf(stderr, "pcapgen: %s: path too long\n", dir);
			return -1;
		}
		if (run(g, &scenarios[i], path) == -1)
			return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct gen *g;
	const struct scenario *sc;
	const char *args[2];
	size_t i, nargs = 0;
	int a, rc;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < NSCENARIOS; i++)
			printf("%-18s %-22s %s\n", scenarios[i].name,
			    scenarios[i].file != NULL ? scenarios[i].file :
			    "-", scenarios[i].descr);
		for (i = 0; (sc = scen_iomt_get(i)) != NULL; i++)
			printf("%-18s %-22s %s\n", sc->name, "-", sc->descr);
		for (i = 0; (sc = scen_findings_get(i)) != NULL; i++)
			printf("%-18s %-22s %s\n", sc->name, "-", sc->descr);
		return 0;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		perror("pcapgen");
		return 2;
	}
	if (argc == 3 && strcmp(argv[1], "--all") == 0) {
		rc = run_all(g, argv[2]);
		free(g);
		return rc == -1 ? 2 : 0;
	}
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--size-mb") == 0 && a + 1 < argc) {
			if (parse_num(argv[++a], PCAPGEN_MAX_SIZE_MB,
			    &g->size_mb) == -1)
				usage();
		} else if (strcmp(argv[a], "--flows") == 0 && a + 1 < argc) {
			if (parse_num(argv[++a], PCAPGEN_MAX_FLOWS,
			    &g->flows) == -1)
				usage();
		} else if (strcmp(argv[a], "--devices") == 0 &&
		    a + 1 < argc) {
			if (parse_num(argv[++a], PCAPGEN_MAX_DEVICES,
			    &g->devices) == -1)
				usage();
		} else if (argv[a][0] == '-' && argv[a][1] != '\0') {
			usage();
		} else if (nargs < 2) {
			args[nargs++] = argv[a];
		} else {
			usage();
		}
	}
	if (nargs != 2)
		usage();
	if ((sc = find(args[0])) == NULL) {
		fprintf(stderr, "pcapgen: unknown scenario \"%s\" "
		    "(see --list)\n", args[0]);
		free(g);
		return 1;
	}
	rc = run(g, sc, args[1]);
	free(g);
	return rc == -1 ? 2 : 0;
}
