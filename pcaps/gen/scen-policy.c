/*
 * scen-policy.c - the ward capture, then what the zero-trust profiles
 * forbid (tests/policy.sh): an infusion pump logs in to a patient
 * monitor over telnet and opens HTTPS to an internet address (one in
 * MaxMind's test databases), and a CT scanner sweeps its VLAN on the
 * DICOM port.  Not committed: the test generates it.
 */
#include <stdint.h>
#include <string.h>

#include "gen.h"

/* ward.truth's devices. */
static const uint8_t mac_pump[6] = { 0x00, 0x12, 0x21, 0x39, 0x00, 0x31 };
static const uint8_t mac_mon[6] = { 0x00, 0x09, 0xfb, 0x4a, 0x07, 0x21 };
static const uint8_t mac_r20[6] = { 0x00, 0x1b, 0x54, 0x14, 0x20, 0x01 };
static const uint8_t mac_ct[6] = { 0x88, 0x4b, 0x39, 0x1c, 0x70, 0x11 };
static const uint8_t mac_r30[6] = { 0x00, 0x1b, 0x54, 0x14, 0x30, 0x01 };

#define PUMP_IP		IP4(10, 20, 0, 31)
#define MON_IP		IP4(10, 20, 0, 21)
#define CT_IP		IP4(10, 30, 0, 11)
#define INET_IP		IP4(81, 2, 69, 142)	/* GB in the test database */
#define SWEEP_N		12

static void
policy_link(struct pkt_link *l, uint16_t vlan)
{
	memset(l, 0, sizeof(*l));
	l->type = PKT_LINK_ETH;
	l->nvlan = 1;
	l->tpid[0] = ETYPE_VLAN;
	l->vlan[0] = vlan;
}

int
scen_policy(struct gen *g)
{
	static const char banner[] = "\xff\xfd\x18login: ";
	static const char user[] = "root\r\n";
	static const char prompt[] = "Password: ";
	static const char pass[] = "service\r\n";
	static const char hello[] = "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00";
	struct pkt_link l20, l30;
	struct conv c;
	int i, rc;

	if ((rc = scen_ward(g)) != 0)
		return rc;
	gen_wait(g, 60 * GEN_NS);
	policy_link(&l20, 20);
	policy_link(&l30, 30);

	/* The pump logs in to the monitor over telnet. */
	conv_init(&c, g, &l20);
	memcpy(c.mac[0], mac_pump, 6);
	memcpy(c.mac[1], mac_mon, 6);
	conv_v4(&c, PUMP_IP, 49200, MON_IP, 23);
	conv_open(&c);
	conv_data(&c, 1, (const uint8_t *)banner, sizeof(banner) - 1);
	conv_data(&c, 0, (const uint8_t *)user, sizeof(user) - 1);
	conv_data(&c, 1, (const uint8_t *)prompt, sizeof(prompt) - 1);
	conv_data(&c, 0, (const uint8_t *)pass, sizeof(pass) - 1);
	conv_close(&c, 0);
	gen_wait(g, 5 * GEN_NS);

	/* The pump opens HTTPS to the internet, through its router. */
	conv_init(&c, g, &l20);
	memcpy(c.mac[0], mac_pump, 6);
	memcpy(c.mac[1], mac_r20, 6);
	conv_v4(&c, PUMP_IP, 49201, INET_IP, 443);
	conv_open(&c);
	conv_data(&c, 0, (const uint8_t *)hello, sizeof(hello) - 1);
	conv_close(&c, 0);
	gen_wait(g, 5 * GEN_NS);

	/* The CT sweeps VLAN 30 on the DICOM port: nobody answers. */
	for (i = 0; i < SWEEP_N; i++) {
		conv_init(&c, g, &l30);
		memcpy(c.mac[0], mac_ct, 6);
		memcpy(c.mac[1], mac_r30, 6);
		conv_v4(&c, CT_IP, (uint16_t)(50000 + i), IP4(10, 30, 1,
		    100 + i), 104);
		conv_seg(&c, 0, TCP_SYN, NULL, 0);
		gen_wait(g, 20 * GEN_MS);
	}
	return 0;
}
