/*
 * gen.h - the generator context shared by the scenarios: output file,
 * clock, deterministic random numbers and the TCP conversation helper.
 *
 * Nothing here reads the host: the clock starts at a fixed instant and
 * the generator is a fixed-seed splitmix64, so every run writes the
 * same bytes.
 */
#ifndef GEN_H
#define GEN_H

#include <stddef.h>
#include <stdint.h>

#include "pcapw.h"
#include "pkt.h"

/* 2026-11-02 08:00:00 UTC. */
#define GEN_BASE_TIME	1793606400ull
#define GEN_SEED	0x5741524457415443ull	/* "WARDWATC" */
#define GEN_NS		1000000000ull
#define GEN_US		1000ull
#define GEN_MS		1000000ull

struct gen {
	struct pcapw	 w;
	struct pkt	 pkt;		/* scratch packet */
	uint64_t	 now;		/* ns since the epoch */
	uint64_t	 rng;		/* splitmix64 state */
	uint64_t	 size_mb;	/* --size-mb, 0 = default */
	uint64_t	 flows;		/* --flows, 0 = default */
	uint64_t	 devices;	/* --devices, 0 = default */
};

struct scenario {
	const char	*name;
	const char	*file;		/* canonical name, NULL: not committed */
	enum pcapw_format fmt;
	uint32_t	 linktype;
	int		(*run)(struct gen *);
	const char	*descr;
};

void	 gen_emit(struct gen *, const struct pkt *);
void	 gen_emit_cap(struct gen *, const struct pkt *, size_t caplen);
void	 gen_wait(struct gen *, uint64_t ns);
uint64_t gen_rand(struct gen *);
uint64_t gen_range(struct gen *, uint64_t lo, uint64_t hi);

/*
 * One TCP conversation.  Direction 0 is client to server, 1 is server
 * to client.  seq[d] is the next sequence number direction d sends;
 * it acknowledges seq[!d].
 */
struct conv {
	struct gen	*g;
	const struct pkt_link *link;
	int		 v6;
	uint8_t		 mac[2][6];
	uint32_t	 ip4[2];
	uint8_t		 ip6[2][16];
	uint16_t	 port[2];
	uint32_t	 seq[2];
	uint16_t	 ipid[2];
	uint16_t	 win[2];
	size_t		 mss;
	uint64_t	 gap_ns;	/* between segments of one burst */
	uint64_t	 rtt_ns;	/* before the other side answers */
	int		 cli_exthdr;	/* IPv6 HBH + DestOpts on client pkts */
	/* Outer headers before the IP layer; replaces the link if set. */
	void		(*encap)(struct conv *, struct pkt *, int dir);
	void		*encap_arg;
	/* Called after pkt_finish(): a sender whose card fills in checksums. */
	void		(*fixup)(struct conv *, struct pkt *, int dir);
};

void	conv_init(struct conv *, struct gen *, const struct pkt_link *);
void	conv_v4(struct conv *, uint32_t cli, uint16_t cport, uint32_t srv,
	    uint16_t sport);
void	conv_v6(struct conv *, const uint8_t *cli, uint16_t cport,
	    const uint8_t *srv, uint16_t sport);
void	conv_build(struct conv *, struct pkt *, int dir, uint8_t flags,
	    uint32_t seq, uint32_t ack, const uint8_t *, size_t);
void	conv_seg(struct conv *, int dir, uint8_t flags, const uint8_t *,
	    size_t);
void	conv_open(struct conv *);
void	conv_data(struct conv *, int dir, const uint8_t *, size_t);
void	conv_close(struct conv *, int dir);
void	conv_rst(struct conv *, int dir);

/* Scenario entry points, by file. */
int	scen_tcp_basic(struct gen *);
int	scen_tcp_midstream(struct gen *);
int	scen_tcp_out_of_order(struct gen *);
int	scen_tcp_gap(struct gen *);
int	scen_tcp_rst(struct gen *);
int	scen_tcp_flow_end_time(struct gen *);
int	scen_udp_basic(struct gen *);
int	scen_icmp_echo(struct gen *);
int	scen_ipv6_tcp(struct gen *);
int	scen_vlan_qinq(struct gen *);
int	scen_frag_ipv4(struct gen *);
int	scen_frag_ipv6(struct gen *);
int	scen_tunnels(struct gen *);
int	scen_link_sll(struct gen *);
int	scen_link_sll2(struct gen *);
int	scen_link_null(struct gen *);
int	scen_link_loop(struct gen *);
int	scen_link_raw(struct gen *);
int	scen_malformed(struct gen *);
int	scen_medical_mix(struct gen *);
int	scen_services(struct gen *);
int	scen_ward(struct gen *);
int	scen_ward_truth(FILE *);	/* beside ward.pcap */
int	scen_policy(struct gen *);	/* ward + policy violations */
int	scen_bench(struct gen *);
int	scen_hospital(struct gen *);
int	scen_evasion_hl7_insertion(struct gen *);
int	scen_evasion_overlap(struct gen *);
int	scen_checksum_offload(struct gen *);
int	scen_smb_win7(struct gen *);
/* Baselines (scen-baseline.c): a learning day, halves of it, a day of
 * incidents and a quiet day. */
int	scen_baseline_day1(struct gen *);
int	scen_baseline_day1_am(struct gen *);
int	scen_baseline_day1_pm(struct gen *);
int	scen_baseline_day2(struct gen *);
int	scen_baseline_quiet(struct gen *);
int	scen_baseline_phi(struct gen *);	/* canary patients */
/* Two days of a ward (scen-days.c) and the baseline memory benchmark. */
int	scen_ward_day1(struct gen *);
int	scen_ward_day2(struct gen *);
int	scen_ward_day2_quiet(struct gen *);
int	scen_ward_days_truth(FILE *);	/* ward-days.truth */
int	scen_hospital_baseline(struct gen *);
int	scen_hospital_baseline_day2(struct gen *);
/* The rule captures of scen-iomt.c (iomt-NAME-pos, iomt-NAME-neg). */
const struct scenario *scen_iomt_find(const char *);
const struct scenario *scen_iomt_get(size_t);
/* The finding captures of scen-findings.c (findings-NAME-pos, -neg). */
const struct scenario *scen_findings_find(const char *);
const struct scenario *scen_findings_get(size_t);

/* An addressable endpoint for the UDP and ICMP scenarios. */
struct host {
	uint8_t		 mac[6];
	uint32_t	 ip4;
	uint8_t		 ip6[16];
};

/* Shared by the scenario files. */
void	scen_conv(struct conv *, struct gen *, const struct pkt_link *,
	    const struct host *cli, uint16_t cport, const struct host *srv,
	    uint16_t sport);
void	scen_small_conv(struct conv *, const char *req, size_t resp_len);
void	scen_fill(uint8_t *, size_t, uint32_t seed);
void	scen_l3(struct gen *, struct pkt *, const struct pkt_link *,
	    const struct host *src, const struct host *dst, int v6,
	    uint8_t proto);
void	scen_udp(struct gen *, const struct pkt_link *,
	    const struct host *src, uint16_t sport, const struct host *dst,
	    uint16_t dport, int v6, const uint8_t *, size_t);
size_t	scen_dns(uint8_t *, size_t, uint16_t id, const char *name,
	    const uint8_t *answer4);
int	scen_dicom_echo(struct gen *, const struct pkt_link *,
	    const struct host *scu, const struct host *scp);
int	scen_dicom_assoc_4gb(struct gen *);
void	scen_smb1_session(struct conv *, const char *user, const char *host,
	    const char *share);
void	scen_smb1_file(struct conv *, uint16_t mid, const char *name,
	    const uint8_t *, size_t, const char *rename_to);
int	scen_dns_pointer_loop(struct gen *);
int	scen_smb_write_files(struct gen *, const struct pkt_link *,
	    const struct host *cli, uint16_t cport, const struct host *srv,
	    const char *share, unsigned n, uint64_t gap_ns);

#endif /* GEN_H */
