/*
 * test-brain.c - the device brain: devices by MAC and by address,
 * DHCP address changes, routers, fingerprints and provenance, the
 * order of events across workers, persistence, alerts.
 *
 * Fixtures: tests/unit/brain/fp (fingerprints), tests/unit/brain/oui
 * (a small IEEE registry).
 */
#include <config.h>

#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/evidence.h"
#include "app/layer.h"
#include "device/brain.h"
#include "device/brain-int.h"
#include "device/peers.h"
#include "policy/baseline.h"
#include "policy/zone.h"
#include "output/eve.h"
#include "sink-mock.h"
#include "state/state.h"
#include "util/events.h"
#include "util/log.h"
#include "util/util.h"

struct fix {
	struct brain_config cfg;
	struct counters ctr;
	struct out out;
	struct brain *b;
	char dir[64];
	char db[128];
};

static uint32_t fix_max_devices;	/* 0: the default */

static struct fix *
fix_new(const char *db, unsigned nworkers)
{
	struct fix *x = calloc(1, sizeof(*x));

	brain_config_defaults(&x->cfg);
	if (fix_max_devices != 0)
		x->cfg.max_devices = fix_max_devices;
	free(x->cfg.fingerprints);
	free(x->cfg.oui_dir);
	x->cfg.fingerprints = strdup(WW_SRCDIR "/tests/unit/brain/fp");
	x->cfg.builtin_fingerprints = false;	/* the fixture's alone */
	x->cfg.oui_dir = strdup(WW_SRCDIR "/tests/unit/brain/oui");
	if (db != NULL)
		strlcpy(x->db, db, sizeof(x->db));
	x->b = brain_new(&x->cfg, nworkers, db, out_open(&x->out), &x->ctr,
	    stderr);
	assert_non_null(x->b);
	return x;
}

static void
fix_free(struct fix *x)
{
	brain_free(x->b);
	brain_config_free(&x->cfg);
	out_close(&x->out);
	free(x);
}

static const uint8_t MAC_PUMP[6] = { 0x00, 0x40, 0xc1, 0x00, 0x00, 0x01 };
static const uint8_t MAC_MON[6] = { 0x00, 0x09, 0x5c, 0x00, 0x00, 0x02 };
static const uint8_t MAC_ENG[6] = { 0x00, 0x11, 0x22, 0x00, 0x00, 0x03 };
static const uint8_t MAC_RTR[6] = { 0x00, 0x11, 0x22, 0x00, 0x00, 0xfe };
static const uint8_t MAC_CT[6] = { 0x00, 0x11, 0x22, 0x00, 0x00, 0x04 };
static const uint8_t MAC_PACS[6] = { 0x00, 0x11, 0x22, 0x00, 0x00, 0x05 };
static const uint8_t MAC_RTR20[6] = { 0x00, 0x11, 0x22, 0x00, 0x20, 0x01 };
static const uint8_t MAC_RTR30[6] = { 0x00, 0x11, 0x22, 0x00, 0x30, 0x01 };
static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_MDNS[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const uint8_t MAC_NULL[6] = { 0, 0, 0, 0, 0, 0 };
static const uint8_t MAC_RANDOM[6] = { 0x02, 0x00, 0x00, 0x0a, 0x0b, 0x0c };
static const uint8_t MAC_VMWARE[6] = { 0x00, 0x50, 0x56, 0x9a, 0x40, 0x05 };
static const uint8_t MAC_VMWARE2[6] = { 0x00, 0x50, 0x56, 0x9a, 0x40, 0x06 };
static const uint8_t MAC_VBOX[6] = { 0x08, 0x00, 0x27, 0x12, 0x34, 0x56 };
static const uint8_t MAC_HYPERV[6] = { 0x00, 0x15, 0x5d, 0x01, 0x02, 0x03 };
static const uint8_t MAC_QEMU[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void
end_set(struct brain_end *e, const uint8_t *mac, const char *ip)
{
	memset(e, 0, sizeof(*e));
	if (mac != NULL) {
		memcpy(e->mac, mac, 6);
		e->has_mac = true;
	}
	if (ip != NULL) {
		assert_int_equal(dev_ip_parse(ip, &e->ip), 0);
		e->has_ip = true;
	}
}

static uint32_t seqno;

static void
evidence(struct brain_queue *q, uint64_t ts, uint16_t vlan,
    const uint8_t *mac, const char *ip, const char *key, const char *value)
{
	struct brain_ev *ev = brain_queue_add(q);
	int k = evidence_key_lookup(key);

	assert_non_null(ev);
	assert_true(k >= 0);
	ev->kind = BRAIN_EV_EVIDENCE;
	ev->ts_us = ts;
	ev->pcap_cnt = ts;
	ev->fkey = 1;
	ev->seq = seqno++;
	ev->vlan = vlan;
	end_set(&ev->end[0], mac, ip);
	ev->key = (uint8_t)k;
	strlcpy(ev->value, value, sizeof(ev->value));
}

static void
flow(struct brain_queue *q, uint64_t ts, uint16_t vlan, const uint8_t *cmac,
    const char *cip, const uint8_t *smac, const char *sip, uint16_t dport)
{
	struct brain_ev *ev = brain_queue_add(q);

	assert_non_null(ev);
	ev->kind = BRAIN_EV_FLOW;
	ev->ts_us = ts;
	ev->fkey = 2 + ts;
	ev->seq = seqno++;
	ev->vlan = vlan;
	ev->proto = 6;
	ev->dport = dport;
	ev->answered = true;
	ev->pkts[0] = ev->pkts[1] = 3;
	ev->bytes[0] = ev->bytes[1] = 300;
	end_set(&ev->end[0], cmac, cip);
	end_set(&ev->end[1], smac, sip);
}

static void
lease(struct brain_queue *q, uint64_t ts, uint16_t vlan, const uint8_t *mac,
    const char *ip)
{
	struct brain_ev *ev = brain_queue_add(q);

	assert_non_null(ev);
	ev->kind = BRAIN_EV_LEASE;
	ev->ts_us = ts;
	ev->pcap_cnt = ts;
	ev->seq = seqno++;
	ev->vlan = vlan;
	end_set(&ev->end[0], mac, ip);
}

/* DHCP option 3: ip is a router's; vlan BRAIN_VLAN_RELAYED if relayed. */
static void
gateway(struct brain_queue *q, uint64_t ts, uint16_t vlan, const char *ip)
{
	struct brain_ev *ev = brain_queue_add(q);

	assert_non_null(ev);
	ev->kind = BRAIN_EV_ROUTER_IP;
	ev->ts_us = ts;
	ev->pcap_cnt = ts;
	ev->seq = seqno++;
	ev->vlan = vlan;
	end_set(&ev->end[0], NULL, ip);
}

/* DHCP option 1: the client mac's subnet holds ip, prefix plen. */
static void
subnet(struct brain_queue *q, uint64_t ts, uint16_t vlan, const uint8_t *mac,
    const char *ip, uint8_t plen)
{
	struct brain_ev *ev = brain_queue_add(q);

	assert_non_null(ev);
	ev->kind = BRAIN_EV_SUBNET;
	ev->ts_us = ts;
	ev->pcap_cnt = ts;
	ev->seq = seqno++;
	ev->vlan = vlan;
	ev->plen = plen;
	end_set(&ev->end[0], mac, ip);
}

/* Make mac on vlan a router: it sends for four addresses of 10.99/16. */
static void
make_router(struct brain_queue *q, uint64_t ts, uint16_t vlan,
    const uint8_t *mac, const uint8_t *peer, const char *peer_ip)
{
	char ip[32];
	int i;

	for (i = 1; i <= 4; i++) {
		snprintf(ip, sizeof(ip), "10.99.0.%d", i);
		flow(q, ts + (uint64_t)i, vlan, mac, ip, peer, peer_ip, 443);
	}
}

/*
 * A device record's "peers" (brain-peers.c) names other devices by
 * MAC: cut it from a line, so that a search for a device's MAC finds
 * that device's record, not a record that lists it as a peer.
 */
static void
cut_peers(char *line)
{
	char *s = strstr(line, ",\"peers\":["), *e;

	if (s == NULL || (e = strchr(s, ']')) == NULL)
		return;
	memmove(s, e + 1, strlen(e + 1) + 1);
}

/* The same, peers and all (the communication map's tests). */
static const char *
find_raw(const struct out *o, const char *a, const char *b)
{
	static char line[65536];
	const char *p, *nl;
	size_t n;

	out_sync(o);
	for (p = o->buf; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 :
	    NULL) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (strstr(line, a) && (b == NULL || strstr(line, b)))
			return line;
	}
	return NULL;
}

/* The record line with all the needles, or NULL. */
static const char *
find_line(const struct out *o, const char *a, const char *b, const char *c)
{
	static char line[65536];
	const char *p, *nl;
	size_t n;

	out_sync(o);
	p = o->buf;
	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		cut_peers(line);
		if ((a == NULL || strstr(line, a)) &&
		    (b == NULL || strstr(line, b)) &&
		    (c == NULL || strstr(line, c)))
			return line;
		p = nl != NULL ? nl + 1 : NULL;
	}
	return NULL;
}

/* TEST_BRAIN_DUMP=1: the records of a test on stderr, to debug it. */
static void
dump(const struct out *o)
{
	out_sync(o);
	if (getenv("TEST_BRAIN_DUMP") != NULL && o->buf != NULL)
		fputs(o->buf, stderr);
}

static size_t
count_lines(const struct out *o, const char *needle)
{
	const char *p;

	out_sync(o);
	p = o->buf;
	size_t n = 0;

	while (p != NULL && (p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

#define SEC	1000000ull

/* A pump takes DHCP: new record with the fingerprint's class and its
 * provenance, then a second lease moves it: ip_change. */
static void
test_dhcp_identity_and_ip_change(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	const char *l;

	(void)state;
	evidence(&q, 1 * SEC, 20, MAC_PUMP, NULL, "dhcp.vendor_class",
	    "Baxter SIGMA Spectrum");
	evidence(&q, 1 * SEC, 20, MAC_PUMP, NULL, "hostname.dhcp", "PUMP-0042");
	lease(&q, 1 * SEC + 10, 20, MAC_PUMP, "10.20.0.50");
	brain_sync(x->b, 0, 2 * SEC, &q);
	l = find_line(&x->out, "\"event\":\"new\"", "00:40:c1:00:00:01", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"class\":\"infusion-pump\""));
	assert_non_null(strstr(l, "\"vendor\":\"Baxter\""));
	assert_non_null(strstr(l, "\"ip\":\"10.20.0.50\""));
	assert_non_null(strstr(l, "\"hostname\":\"PUMP-0042\""));
	assert_non_null(strstr(l, "\"vlan\":[20]"));
	/* Provenance: the fingerprint's first key and its name. */
	assert_non_null(strstr(l, "{\"source\":\"dhcp.vendor_class\","
	    "\"rule\":\"pump-by-vendor-class\",\"confidence\":80}"));
	/* The OUI agrees on the vendor: combined 1-(.2*.6) = 88. */
	assert_non_null(strstr(l, "\"vendor\":{\"value\":\"Baxter\","
	    "\"confidence\":88"));

	lease(&q, 5 * SEC, 20, MAC_PUMP, "10.20.0.77");
	brain_sync(x->b, 0, 6 * SEC, &q);
	l = find_line(&x->out, "\"event\":\"ip_change\"", NULL, NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"changes\":[\"ip\"]"));
	assert_non_null(strstr(l, "\"previous_ip\":\"10.20.0.50\""));
	assert_non_null(strstr(l, "\"ip\":\"10.20.0.77\""));
	assert_non_null(strstr(l, "\"previous_ips\":[\"10.20.0.50\"]"));
	assert_int_equal(brain_device_count(x->b), 1);
	/* A flow from before the lease ends later: the lease stands. */
	flow(&q, 6 * SEC + 5, 20, MAC_PUMP, "10.20.0.50", MAC_ENG,
	    "10.20.0.2", 443);
	/* A relayed request speaks for a MAC on another VLAN; for a MAC
	 * the inventory does not know, nothing is made up. */
	evidence(&q, 6 * SEC + 6, BRAIN_VLAN_RELAYED, MAC_PUMP, NULL,
	    "dhcp.params", "1,3,6");
	evidence(&q, 6 * SEC + 6, BRAIN_VLAN_RELAYED, MAC_CT, NULL,
	    "dhcp.params", "1,3,6");
	brain_sync(x->b, 0, 7 * SEC, &q);
	brain_finish(x->b, 7 * SEC);
	assert_int_equal(count_lines(&x->out, "\"event\":\"snapshot\""), 3);
	l = find_line(&x->out, "\"snapshot\"", "00:40:c1:00:00:01", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"ip\":\"10.20.0.77\""));
	assert_non_null(strstr(l, "\"dhcp.params\":[\"1,3,6\"]"));
	assert_null(find_line(&x->out, "65535", NULL, NULL));
	/* The MAC the inventory did not know: a device whose VLAN is
	 * unknown ... */
	l = find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:04", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"vlan_unknown\":true"));
	assert_null(strstr(l, "\"vlan\":"));
	brain_queue_free(&q);
	fix_free(x);

	/* ... until its own frames show where it is. */
	x = fix_new(NULL, 1);
	evidence(&q, 1 * SEC, BRAIN_VLAN_RELAYED, MAC_CT, NULL,
	    "hostname.dhcp", "CT-1");
	lease(&q, 1 * SEC + 1, BRAIN_VLAN_RELAYED, MAC_CT, "10.30.0.5");
	evidence(&q, 2 * SEC, 30, MAC_CT, "10.30.0.5", "dicom.modality", "CT");
	brain_sync(x->b, 0, 3 * SEC, &q);
	brain_finish(x->b, 3 * SEC);
	assert_int_equal(brain_device_count(x->b), 1);
	l = find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:04", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"vlan\":30"));
	assert_non_null(strstr(l, "\"hostname\":\"CT-1\""));
	assert_non_null(strstr(l, "\"ip\":\"10.30.0.5\""));
	assert_null(strstr(l, "vlan_unknown"));
	brain_queue_free(&q);
	fix_free(x);
}

/* A MAC that sends for many addresses is a router; the hosts behind it
 * become devices by address, and what it had borrowed is dropped. */
static void
test_router(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	const char *l;
	char ip[32];
	int i;

	(void)state;
	for (i = 1; i <= 5; i++) {
		snprintf(ip, sizeof(ip), "10.40.0.%d", i);
		flow(&q, (uint64_t)i * SEC, 20, MAC_RTR, ip, MAC_MON,
		    "10.20.0.9", 2575);
		evidence(&q, (uint64_t)i * SEC + 1, 20, MAC_RTR, ip,
		    "hostname.dhcp", ip);
	}
	brain_sync(x->b, 0, 10 * SEC, &q);
	/* Its own address, once DHCP named it a gateway, is its own and
	 * not a host behind it. */
	{
		struct brain_ev *ev = brain_queue_add(&q);

		ev->kind = BRAIN_EV_ROUTER_IP;
		ev->ts_us = 10 * SEC;
		ev->vlan = 20;		/* the DHCP reply's */
		end_set(&ev->end[0], NULL, "10.40.0.254");
	}
	flow(&q, 10 * SEC + 1, 20, MAC_RTR, "10.40.0.254", MAC_MON,
	    "10.20.0.9", 2575);
	brain_sync(x->b, 0, 11 * SEC, &q);
	brain_finish(x->b, 11 * SEC);
	l = find_line(&x->out, "\"event\":\"snapshot\"", "\"router\":true",
	    NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"class\":\"network-infrastructure\""));
	assert_non_null(strstr(l, "\"ip\":\"10.40.0.254\""));
	assert_null(find_line(&x->out, "\"routed\":true",
	    "\"ip\":\"10.40.0.254\"", NULL));
	assert_null(strstr(l, "\"hostname\""));
	/* The two hosts after detection are known by address. */
	assert_non_null(find_line(&x->out, "\"event\":\"snapshot\"",
	    "\"routed\":true", "\"ip\":\"10.40.0.5\""));
	assert_non_null(find_line(&x->out, "\"event\":\"snapshot\"",
	    "\"routed\":true", "\"hostname\":\"10.40.0.4\""));
	/* The monitor answered on 2575. */
	l = find_line(&x->out, "\"event\":\"snapshot\"", "00:09:5c:00:00:02",
	    NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"services\":[\"tcp/2575\"]"));
	assert_non_null(strstr(l, "\"flows\":6"));
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * Broadcast, network and multicast addresses are never devices: an
 * address sent to ff:ff:ff:ff:ff:ff (NetBIOS datagrams to
 * 192.168.116.255 in a WannaCry capture made "(routed)
 * 192.168.116.255"), or the broadcast or network address of a subnet a
 * DHCP server described, also when a router forwards to it.
 */
static void
test_broadcast_is_no_device(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };

	(void)state;
	flow(&q, 1 * SEC, 0, MAC_PUMP, "192.168.116.172", MAC_BCAST,
	    "192.168.116.255", 138);
	flow(&q, 1 * SEC + 1, 0, MAC_PUMP, "192.168.116.172", MAC_MDNS,
	    "224.0.0.251", 5353);
	/* A DHCP server says 10.30.0.0/24 is a client's subnet. */
	subnet(&q, 1 * SEC + 2, 30, MAC_CT, "10.30.0.5", 24);
	make_router(&q, 2 * SEC, 0, MAC_RTR, MAC_ENG, "10.40.0.2");
	brain_sync(x->b, 0, 3 * SEC, &q);
	/* Through the router: the learnt broadcast, the subnet's
	 * broadcast and network addresses, and one real host. */
	flow(&q, 4 * SEC, 0, MAC_ENG, "10.40.0.2", MAC_RTR,
	    "192.168.116.255", 138);
	flow(&q, 4 * SEC + 1, 0, MAC_ENG, "10.40.0.2", MAC_RTR,
	    "10.30.0.255", 138);
	flow(&q, 4 * SEC + 2, 0, MAC_ENG, "10.40.0.2", MAC_RTR,
	    "10.30.0.0", 9);
	flow(&q, 4 * SEC + 3, 0, MAC_ENG, "10.40.0.2", MAC_RTR,
	    "10.30.0.7", 104);
	brain_sync(x->b, 0, 5 * SEC, &q);
	brain_finish(x->b, 6 * SEC);
	assert_null(find_line(&x->out, "192.168.116.255", NULL, NULL));
	assert_null(find_line(&x->out, "224.0.0.251", NULL, NULL));
	assert_null(find_line(&x->out, "\"ip\":\"10.30.0.255\"", NULL, NULL));
	assert_null(find_line(&x->out, "\"ip\":\"10.30.0.0\"", NULL, NULL));
	assert_non_null(find_line(&x->out, "\"snapshot\"", "\"routed\":true",
	    "\"ip\":\"10.30.0.7\""));
	assert_int_equal(ctr_get(&x->ctr, CTR_DEV_GROUP_ADDRESS), 5);
	brain_queue_free(&q);
	fix_free(x);

	/* A lease says an address sent to the broadcast MAC was a host's
	 * after all (a DHCP server answering yiaddr at ff:ff:ff:ff:ff:ff). */
	x = fix_new(NULL, 1);
	flow(&q, 1 * SEC, 0, MAC_ENG, "10.40.0.2", MAC_BCAST, "10.40.0.77",
	    68);
	lease(&q, 1 * SEC + 1, 0, MAC_PUMP, "10.40.0.77");
	brain_sync(x->b, 0, 2 * SEC, &q);
	brain_finish(x->b, 3 * SEC);
	assert_non_null(find_line(&x->out, "\"snapshot\"", "00:40:c1:00:00:01",
	    "\"ip\":\"10.40.0.77\""));
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * Network and broadcast addresses of subnets of several sizes, and
 * hosts beside them: most addresses are told from the subnets' by
 * their lowest bits alone (brain_net_index()), the rest by the walk.
 * A /31 has no such addresses.
 */
static void
test_broadcast_subnet_sizes(void **state)
{
	static const struct {
		const char	*ip;
		bool		 group;
	} to[] = {
		{ "10.60.0.4", true }, { "10.60.0.7", true },
		{ "10.60.0.5", false }, { "10.60.0.6", false },
		{ "10.50.15.255", true }, { "10.50.0.0", true },
		{ "10.50.1.3", false }, { "10.50.1.4", false },
		{ "10.50.0.255", false }, { "10.70.0.0", false },
		{ "10.70.0.1", false },
	};
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	char want[64];
	size_t i, ngroup = 0;

	(void)state;
	subnet(&q, 1 * SEC, 30, MAC_CT, "10.50.0.5", 20);
	subnet(&q, 1 * SEC + 1, 30, MAC_CT, "10.60.0.5", 30);
	subnet(&q, 1 * SEC + 2, 30, MAC_CT, "10.70.0.1", 31);
	make_router(&q, 2 * SEC, 0, MAC_RTR, MAC_ENG, "10.40.0.2");
	brain_sync(x->b, 0, 3 * SEC, &q);
	for (i = 0; i < sizeof(to) / sizeof(to[0]); i++)
		flow(&q, 4 * SEC + i, 0, MAC_ENG, "10.40.0.2", MAC_RTR,
		    to[i].ip, 104);
	brain_sync(x->b, 0, 5 * SEC, &q);
	brain_finish(x->b, 6 * SEC);
	for (i = 0; i < sizeof(to) / sizeof(to[0]); i++) {
		snprintf(want, sizeof(want), "\"ip\":\"%s\"", to[i].ip);
		if (to[i].group) {
			assert_null(find_line(&x->out, want, NULL, NULL));
			ngroup++;
		} else
			assert_non_null(find_line(&x->out, "\"snapshot\"",
			    "\"routed\":true", want));
	}
	assert_int_equal(ctr_get(&x->ctr, CTR_DEV_GROUP_ADDRESS), ngroup);
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * The null MAC has no vendor (the registry's 00-00-00 is Xerox: a
 * switch sending LLDP from 00:00:00:00:00:00 was a "Xerox printer"); a
 * locally administered MAC is marked random and gets no vendor.
 */
static void
test_null_and_random_mac(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	const char *l;

	(void)state;
	evidence(&q, 1 * SEC, 0, MAC_NULL, NULL, "hostname.lldp", "leaf0b");
	evidence(&q, 1 * SEC + 3, 0, MAC_RANDOM, "10.20.0.80", "hostname.dhcp",
	    "PHONE");
	brain_sync(x->b, 0, 2 * SEC, &q);
	brain_finish(x->b, 3 * SEC);
	assert_null(find_line(&x->out, "Xerox", NULL, NULL));
	assert_null(find_line(&x->out, "XEROX", NULL, NULL));
	assert_null(find_line(&x->out, "printer", NULL, NULL));
	l = find_line(&x->out, "\"snapshot\"", "00:00:00:00:00:00", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"hostname\":\"leaf0b\""));
	assert_null(strstr(l, "\"random_mac\""));
	l = find_line(&x->out, "\"snapshot\"", "02:00:00:0a:0b:0c", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"random_mac\":true"));
	assert_null(strstr(l, "\"vendor\""));
	assert_null(strstr(l, "oui.vendor"));
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * A hypervisor's prefix makes no maker: VMware was the vendor of
 * every interface engine and PACS on a virtual machine.  It is a fact
 * of the device (virtual_machine), and the product's own evidence
 * names the vendor; with none, there is no vendor.
 */
static void
test_hypervisor_is_no_vendor(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	const char *l;

	(void)state;
	evidence(&q, 1 * SEC, 40, MAC_VMWARE, "10.40.0.5", "hl7.sending_app",
	    "RHAPSODY");
	evidence(&q, 1 * SEC, 40, MAC_VMWARE2, "10.40.0.6",
	    "dicom.impl_class_uid", "1.2.752.24.10.4");
	evidence(&q, 1 * SEC, 40, MAC_VBOX, "10.40.0.7", "hostname.dhcp",
	    "WS-7");
	evidence(&q, 1 * SEC, 40, MAC_HYPERV, "10.40.0.8", "hostname.dhcp",
	    "WS-8");
	evidence(&q, 1 * SEC, 40, MAC_QEMU, "10.40.0.9", "hostname.dhcp",
	    "WS-9");
	brain_sync(x->b, 0, 2 * SEC, &q);
	brain_finish(x->b, 3 * SEC);
	l = find_line(&x->out, "\"snapshot\"", "00:50:56:9a:40:05", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"virtual_machine\":\"VMware\""));
	assert_non_null(strstr(l, "\"vendor\":\"Rhapsody\""));
	assert_non_null(strstr(l, "\"class\":\"interface-engine\""));
	assert_null(strstr(l, "\"value\":\"VMware\""));
	/* The registry's answer stays a fact of its own. */
	assert_non_null(strstr(l, "\"oui.vendor\":[\"VMware, Inc.\"]"));
	l = find_line(&x->out, "\"snapshot\"", "00:50:56:9a:40:06", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"vendor\":\"Sectra\""));
	assert_null(strstr(l, "\"value\":\"VMware\""));
	l = find_line(&x->out, "\"snapshot\"", "08:00:27:12:34:56", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"virtual_machine\":\"VirtualBox\""));
	assert_null(strstr(l, "\"vendor\""));
	l = find_line(&x->out, "\"snapshot\"", "00:15:5d:01:02:03", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"virtual_machine\":\"Hyper-V\""));
	assert_null(strstr(l, "\"vendor\""));
	l = find_line(&x->out, "\"snapshot\"", "52:54:00:12:34:56", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"virtual_machine\":\"QEMU/KVM\""));
	assert_non_null(strstr(l, "\"random_mac\":true"));
	assert_null(strstr(l, "\"vendor\""));
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * A ward behind one router with an interface per VLAN (pcaps/ward.pcap):
 * DHCP is relayed from VLAN 20 to the server on VLAN 40, so the VLAN 40
 * interface is the destination of replies to giaddr 10.20.0.1, the VLAN
 * 20 interface's address.  That address is not the VLAN 40 router's
 * (it took it: the truth is 10.40.0.1), nor a host of its own: the VLAN
 * 20 router's.  DNS lookups the routed hosts make are not the router's.
 */
static void
test_router_relay_gateway(void **state)
{
	struct fix *x;
	struct brain_queue q = { 0 };
	struct brain_config cfg;
	const char *l;
	char ip[32];
	int i;

	(void)state;
	x = calloc(1, sizeof(*x));
	brain_config_defaults(&cfg);
	free(cfg.fingerprints);
	free(cfg.oui_dir);
	cfg.fingerprints = strdup(WW_SRCDIR "/tests/unit/brain/fp");
	cfg.builtin_fingerprints = false;
	cfg.oui_dir = strdup(WW_SRCDIR "/tests/unit/brain/oui");
	cfg.medical_vlans[0] = 20;
	cfg.medical_vlans[1] = 40;
	cfg.n_medical_vlans = 2;
	x->cfg = cfg;
	x->b = brain_new(&x->cfg, 1, NULL, out_open(&x->out), &x->ctr,
	    stderr);
	assert_non_null(x->b);

	/* VLAN 30 hosts look up names at the DNS server on VLAN 40: on
	 * VLAN 40 their queries come from the router's MAC. */
	for (i = 1; i <= 5; i++) {
		snprintf(ip, sizeof(ip), "10.30.0.%d", 10 + i);
		evidence(&q, (uint64_t)i * SEC, 40, MAC_RTR, ip, "dns.query",
		    "pacs.hospital.example");
		flow(&q, (uint64_t)i * SEC + 1, 40, MAC_RTR, ip, MAC_ENG,
		    "10.40.0.10", 53);
	}
	brain_sync(x->b, 0, 6 * SEC, &q);
	/* The monitor on VLAN 20 asks for an address; the relay's copy
	 * and the server's answer cross VLAN 40. */
	evidence(&q, 7 * SEC, 20, MAC_MON, NULL, "dhcp.params", "1,3,6");
	gateway(&q, 7 * SEC + 10, BRAIN_VLAN_RELAYED, "10.20.0.1");
	subnet(&q, 7 * SEC + 10, BRAIN_VLAN_RELAYED, MAC_MON, "10.20.0.21",
	    24);
	lease(&q, 7 * SEC + 10, BRAIN_VLAN_RELAYED, MAC_MON, "10.20.0.21");
	flow(&q, 7 * SEC + 20, 40, MAC_ENG, "10.40.0.10", MAC_RTR,
	    "10.20.0.1", 67);
	brain_sync(x->b, 0, 8 * SEC, &q);
	/* The VLAN 20 interface routes too and passes the answer on from
	 * its own address. */
	make_router(&q, 9 * SEC, 20, MAC_RTR20, MAC_MON, "10.20.0.21");
	flow(&q, 9 * SEC + 10, 20, MAC_RTR20, "10.20.0.1", MAC_BCAST,
	    "255.255.255.255", 68);
	/* A VLAN 40 client's lease names 10.40.0.1; the relay sends from
	 * it. */
	gateway(&q, 9 * SEC + 20, 40, "10.40.0.1");
	flow(&q, 9 * SEC + 30, 40, MAC_RTR, "10.40.0.1", MAC_ENG,
	    "10.40.0.10", 67);
	brain_sync(x->b, 0, 10 * SEC, &q);
	/* More answers to giaddr: the VLAN 20 router's, one device. */
	flow(&q, 11 * SEC, 40, MAC_ENG, "10.40.0.10", MAC_RTR, "10.20.0.1",
	    67);
	brain_sync(x->b, 0, 12 * SEC, &q);
	brain_finish(x->b, 13 * SEC);
	dump(&x->out);

	l = find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:fe", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"router\":true"));
	assert_non_null(strstr(l, "\"ip\":\"10.40.0.1\""));
	assert_null(strstr(l, "dns.query"));
	l = find_line(&x->out, "\"snapshot\"", "00:11:22:00:20:01", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"ip\":\"10.20.0.1\""));
	/* Three flows before it routed, its own, and an answer to it. */
	assert_non_null(strstr(l, "\"flows\":5"));
	/* No host of the gateway's address, and no alert for one. */
	assert_null(find_line(&x->out, "\"routed\":true",
	    "\"ip\":\"10.20.0.1\"", NULL));
	assert_null(find_line(&x->out, "\"event_type\":\"alert\"",
	    "\"src_ip\":\"10.20.0.1\"", "(routed)"));
	/* The lookups are the routed hosts'. */
	assert_non_null(find_line(&x->out, "\"snapshot\"",
	    "\"ip\":\"10.30.0.15\"", "\"dns.query\""));
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * A server known by MAC on its VLAN, seen from another VLAN behind a
 * router, is that device: also when the router's MAC first held its
 * address (the routed copy on the sender's VLAN comes first, before
 * the MAC was known to route), and when it was first seen routed in
 * the same second as on its own VLAN.
 */
static void
test_server_seen_from_other_vlan(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	const char *l;

	(void)state;
	/* VLAN 30 copy first: to the router's MAC, not yet a router. */
	flow(&q, 1 * SEC, 30, MAC_CT, "10.30.0.11", MAC_RTR30, "10.40.0.10",
	    53);
	flow(&q, 1 * SEC + 40, 40, MAC_RTR, "10.30.0.11", MAC_ENG,
	    "10.40.0.10", 53);
	brain_sync(x->b, 0, 2 * SEC, &q);
	make_router(&q, 3 * SEC, 30, MAC_RTR30, MAC_CT, "10.30.0.11");
	flow(&q, 4 * SEC, 30, MAC_CT, "10.30.0.11", MAC_RTR30, "10.40.0.10",
	    53);
	/* The PACS: routed copy, then its own VLAN's, in one second. */
	flow(&q, 5 * SEC, 30, MAC_CT, "10.30.0.11", MAC_RTR30, "10.40.0.20",
	    104);
	evidence(&q, 5 * SEC + 1, 30, MAC_RTR30, "10.40.0.20", "behaviour",
	    "dicom_scp");
	flow(&q, 5 * SEC + 40, 40, MAC_RTR, "10.30.0.11", MAC_PACS,
	    "10.40.0.20", 104);
	brain_sync(x->b, 0, 6 * SEC, &q);
	brain_finish(x->b, 7 * SEC);
	dump(&x->out);
	assert_null(find_line(&x->out, "\"routed\":true",
	    "\"ip\":\"10.40.0.", NULL));
	l = find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:03", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"ip\":\"10.40.0.10\""));
	/* Its own VLAN's copy, and the routed one once the router was
	 * known (the first went to the router's MAC). */
	assert_non_null(strstr(l, "\"flows\":2"));
	l = find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:05", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"ip\":\"10.40.0.20\""));
	assert_non_null(strstr(l, "\"class\":\"pacs\""));
	assert_non_null(strstr(l, "\"flows\":2"));
	assert_int_equal(ctr_get(&x->ctr, CTR_DEV_MERGED), 1);
	brain_queue_free(&q);
	fix_free(x);
}

/* The same events split between two workers in any way, handed over
 * in any order, give the same records as one worker. */
static void
feed_ward(struct brain_queue *qa, struct brain_queue *qb, int split)
{
	struct brain_queue *q[2] = { qa, qb };
	char ip[32];
	int i;

	seqno = 0;
	for (i = 0; i < 6; i++) {
		snprintf(ip, sizeof(ip), "10.20.0.%d", 10 + i);
		evidence(q[(i + split) % 2], 1 * SEC + (uint64_t)(i % 2), 20,
		    MAC_MON, "10.20.0.9", "hl7.observation",
		    i % 2 ? "MDC_ECG_HEART_RATE" : "150456");
		evidence(q[(i + split + 1) % 2], 1 * SEC + (uint64_t)(i % 3),
		    20, MAC_MON, "10.20.0.9", "hostname.dhcp",
		    i % 2 ? "MON-A" : "MON-B");
	}
}

/*
 * The brain on its own thread, fed by two worker threads that hand
 * over several ticks each: the same records as the brain applied on
 * one thread, and the workers never apply anything themselves.
 */
struct feeder {
	struct brain	*b;
	unsigned	 id;
	struct brain_queue q;
};

static void *
feeder_main(void *arg)
{
	struct feeder *f = arg;
	uint64_t t;

	for (t = 2; t <= 5; t++)
		brain_sync(f->b, f->id, t * SEC, &f->q);
	brain_sync(f->b, f->id, UINT64_MAX, &f->q);
	return NULL;
}

static void
test_brain_thread_same_records(void **state)
{
	struct fix *one, *two;
	struct feeder fa, fb;
	pthread_t ta, tb;
	struct brain_queue qa = { 0 };

	(void)state;
	one = fix_new(NULL, 1);
	feed_ward(&qa, &qa, 0);
	brain_sync(one->b, 0, 2 * SEC, &qa);
	brain_sync(one->b, 0, UINT64_MAX, &qa);
	brain_finish(one->b, 6 * SEC);

	two = fix_new(NULL, 2);
	assert_int_equal(brain_start(two->b, true), 0);
	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	fa.b = fb.b = two->b;
	fb.id = 1;
	feed_ward(&fa.q, &fb.q, 1);
	assert_int_equal(pthread_create(&tb, NULL, feeder_main, &fb), 0);
	assert_int_equal(pthread_create(&ta, NULL, feeder_main, &fa), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	/* Everything was handed over; the worker keeps its array for its
	 * next tick (the handover took a copy of the events' size). */
	assert_int_equal(fa.q.n, 0);
	assert_non_null(fa.q.ev);
	brain_quiesce(two->b);
	brain_finish(two->b, 6 * SEC);
	out_sync(&one->out);
	out_sync(&two->out);
	assert_non_null(one->out.buf);
	assert_string_equal(one->out.buf, two->out.buf);
	brain_queue_free(&qa);
	brain_queue_free(&fa.q);
	brain_queue_free(&fb.q);
	fix_free(one);
	fix_free(two);
}

/*
 * A worker's queue at least half full is handed over as it is (the
 * worker starts a new one, so it does not keep a burst's room beside
 * the handover); a sparse one is copied and the worker keeps its array.
 * Either way the brain applies the same events: the same records as a
 * brain fed on one thread.
 */
static void
feed_many(struct brain_queue *q, unsigned n, unsigned from)
{
	char ip[32], host[32];
	unsigned i;

	for (i = from; i < from + n; i++) {
		snprintf(ip, sizeof(ip), "10.30.%u.%u", i / 200, 10 + i % 200);
		snprintf(host, sizeof(host), "HOST-%u", i);
		evidence(q, 1 * SEC + i, 30, NULL, ip, "hostname.dhcp", host);
	}
}

static void
test_brain_handover_whole(void **state)
{
	struct fix *one, *two;
	struct brain_queue qa = { 0 }, qb = { 0 };

	(void)state;
	one = fix_new(NULL, 1);
	feed_many(&qa, 600, 0);
	brain_sync(one->b, 0, 2 * SEC, &qa);
	feed_many(&qa, 10, 600);
	brain_sync(one->b, 0, 3 * SEC, &qa);
	brain_sync(one->b, 0, UINT64_MAX, &qa);
	brain_finish(one->b, 6 * SEC);

	two = fix_new(NULL, 1);
	assert_int_equal(brain_start(two->b, true), 0);
	feed_many(&qb, 600, 0);
	assert_int_equal(qb.cap, 1024);
	brain_sync(two->b, 0, 2 * SEC, &qb);
	assert_int_equal(qb.n, 0);
	assert_null(qb.ev);		/* went over whole */
	assert_int_equal(qb.cap, 0);
	feed_many(&qb, 10, 600);
	brain_sync(two->b, 0, 3 * SEC, &qb);
	assert_int_equal(qb.n, 0);
	assert_non_null(qb.ev);		/* copied: kept */
	assert_int_equal(qb.cap, 256);
	brain_sync(two->b, 0, UINT64_MAX, &qb);
	brain_quiesce(two->b);
	brain_finish(two->b, 6 * SEC);
	out_sync(&one->out);
	out_sync(&two->out);
	assert_non_null(one->out.buf);
	assert_string_equal(one->out.buf, two->out.buf);
	brain_queue_free(&qa);
	brain_queue_free(&qb);
	fix_free(one);
	fix_free(two);
}

/*
 * A device found by MAC is remembered (brain_find_mac()'s slots): once
 * it is evicted and freed, its MAC must make a new device, not find
 * the old one.  A table of 16: X, then 15 others, then a newcomer with
 * an address takes X's place; X comes back with an address and takes
 * another's.
 */
static struct brain_dev *
find_dev(struct brain *b, const uint8_t *mac)
{
	size_t i;

	for (i = 0; i < b->ndevs; i++)
		if (memcmp(b->devs[i]->d.mac, mac, 6) == 0 &&
		    !b->devs[i]->evicted && !b->devs[i]->merged)
			return b->devs[i];
	return NULL;
}

/* Every remembered device and address is one the tables still hold. */
static void
memo_sane(struct brain *b)
{
	struct brain_ipent *e;
	size_t k, i;

	for (k = 0; k < BRAIN_MEMO; k++) {
		if (b->memo_dev[k] != NULL) {
			for (i = 0; i < b->ndevs; i++)
				if (b->devs[i] == b->memo_dev[k])
					break;
			assert_true(i < b->ndevs);
			assert_false(b->devs[i]->evicted);
		}
		if (b->memo_ip[k] != NULL) {
			for (e = b->ip_lru; e != NULL; e = e->lru_next)
				if (e == b->memo_ip[k])
					break;
			assert_non_null(e);
		}
	}
}

static void
test_brain_memo_evicted(void **state)
{
	static const uint8_t X[6] = { 0x00, 0x11, 0x22, 0x00, 0x09, 0x00 };
	static const uint8_t N1[6] = { 0x00, 0x11, 0x22, 0x00, 0x09, 0x01 };
	struct brain_queue q = { 0 };
	struct brain_dev *n;
	struct dev_ip want;
	uint8_t mac[6];
	struct fix *x;
	int i;

	(void)state;
	fix_max_devices = 16;
	x = fix_new(NULL, 1);
	fix_max_devices = 0;
	/* Twice: the second finds it in the table and remembers it. */
	evidence(&q, 1 * SEC, 20, X, NULL, "hostname.dhcp", "X");
	evidence(&q, 1 * SEC, 20, X, NULL, "hostname.dhcp", "X2");
	brain_sync(x->b, 0, 1 * SEC, &q);
	memo_sane(x->b);
	assert_non_null(n = find_dev(x->b, X));
	for (i = 0; i < BRAIN_MEMO && x->b->memo_dev[i] != n; i++)
		;
	assert_true(i < BRAIN_MEMO);		/* remembered */
	memcpy(mac, X, 6);
	for (i = 0; i < 15; i++) {
		mac[4] = 0x0a;
		mac[5] = (uint8_t)i;
		evidence(&q, 2 * SEC, 20, mac, NULL, "hostname.dhcp", "other");
	}
	brain_sync(x->b, 0, 2 * SEC, &q);
	memo_sane(x->b);
	assert_int_equal(brain_device_count(x->b), 16);
	evidence(&q, 3 * SEC, 20, N1, "10.20.0.50", "hostname.dhcp", "N1");
	brain_sync(x->b, 0, 3 * SEC, &q);
	memo_sane(x->b);
	assert_int_equal(ctr_get(&x->ctr, CTR_DEV_EVICTED), 1);
	assert_null(find_dev(x->b, X));
	evidence(&q, 4 * SEC, 20, X, "10.20.0.60", "hostname.dhcp", "X3");
	brain_sync(x->b, 0, 4 * SEC, &q);
	memo_sane(x->b);
	assert_int_equal(ctr_get(&x->ctr, CTR_DEV_EVICTED), 2);
	assert_non_null(n = find_dev(x->b, X));
	assert_int_equal(dev_ip_parse("10.20.0.60", &want), 0);
	assert_true(n->d.has_ip);
	assert_memory_equal(&n->d.ip, &want, sizeof(want));
	brain_finish(x->b, 5 * SEC);
	brain_queue_free(&q);
	fix_free(x);
}

/* No address entry names a device that left, and every device's
 * counts of the entries naming it are right. */
static void
ipent_sane(struct brain *b)
{
	struct brain_ipent *e;
	uint32_t dev, want;
	size_t i;

	for (e = b->ip_lru; e != NULL; e = e->lru_next) {
		for (i = 0; e->dev != NULL && i < b->ndevs &&
		    b->devs[i] != e->dev; i++)
			;
		assert_true(e->dev == NULL || (i < b->ndevs &&
		    !e->dev->evicted));
		for (i = 0; e->want != NULL && i < b->ndevs &&
		    b->devs[i] != e->want; i++)
			;
		assert_true(e->want == NULL || (i < b->ndevs &&
		    !e->want->evicted));
	}
	for (i = 0; i < b->ndevs; i++) {
		dev = want = 0;
		for (e = b->ip_lru; e != NULL; e = e->lru_next) {
			dev += e->dev == b->devs[i];
			want += e->want == b->devs[i];
		}
		assert_int_equal(b->devs[i]->ip_dev_refs, dev);
		assert_int_equal(b->devs[i]->ip_want_refs, want);
	}
}

/*
 * A device evicted while it wanted addresses others held (IPv4 ones it
 * used, an IPv6 one before its last): the entries forget it, whichever
 * way they are found (brain_ip_unref()).
 */
static void
test_brain_evict_wants(void **state)
{
	static const uint8_t W[6] = { 0x00, 0x11, 0x22, 0x00, 0x0b, 0x00 };
	static const uint8_t H[6] = { 0x00, 0x11, 0x22, 0x00, 0x0b, 0x01 };
	static const uint8_t H6[6] = { 0x00, 0x11, 0x22, 0x00, 0x0b, 0x02 };
	static const uint8_t H7[6] = { 0x00, 0x11, 0x22, 0x00, 0x0b, 0x03 };
	static const uint8_t N1[6] = { 0x00, 0x11, 0x22, 0x00, 0x0b, 0x04 };
	struct brain_queue q = { 0 };
	struct brain_dev *w;
	uint8_t mac[6];
	struct fix *x;
	int i;

	(void)state;
	fix_max_devices = 16;
	x = fix_new(NULL, 1);
	fix_max_devices = 0;
	evidence(&q, 1 * SEC, 20, H, "10.20.0.70", "hostname.dhcp", "H");
	evidence(&q, 1 * SEC, 20, H6, "fd00::70", "hostname.dhcp", "H6");
	evidence(&q, 1 * SEC, 20, H7, "fd00::71", "hostname.dhcp", "H7");
	brain_sync(x->b, 0, 1 * SEC, &q);
	evidence(&q, 2 * SEC, 20, W, "10.20.0.70", "hostname.dhcp", "W");
	evidence(&q, 2 * SEC, 20, W, "fd00::70", "hostname.dhcp", "W");
	evidence(&q, 2 * SEC, 20, W, "fd00::71", "hostname.dhcp", "W");
	brain_sync(x->b, 0, 2 * SEC, &q);
	assert_non_null(w = find_dev(x->b, W));
	assert_false(w->d.has_ip);
	assert_int_equal(w->ip_want_refs, 3);
	ipent_sane(x->b);
	memcpy(mac, W, 6);
	for (i = 0; i < 12; i++) {
		mac[4] = 0x0c;
		mac[5] = (uint8_t)i;
		evidence(&q, 3 * SEC, 20, mac, NULL, "hostname.dhcp", "other");
	}
	brain_sync(x->b, 0, 3 * SEC, &q);
	assert_int_equal(brain_device_count(x->b), 16);
	/* W, seen least lately of those without an address, goes. */
	evidence(&q, 4 * SEC, 20, N1, "10.20.0.80", "hostname.dhcp", "N1");
	brain_sync(x->b, 0, 4 * SEC, &q);
	assert_int_equal(ctr_get(&x->ctr, CTR_DEV_EVICTED), 1);
	assert_null(find_dev(x->b, W));	/* (w is freed) */
	ipent_sane(x->b);
	brain_finish(x->b, 5 * SEC);
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * The order events are applied in (brain_ev_cmp()), and the order they
 * came in for ties.  brain_order_events() merges the runs the workers'
 * parts make; it must agree with a stable sort for any input: runs of
 * any length, ties across runs, no order at all.
 */
static int
ev_order_ref(const void *x, const void *y)
{
	const struct brain_ev *a = *(struct brain_ev *const *)x;
	const struct brain_ev *b = *(struct brain_ev *const *)y;
	int c;

	if ((c = brain_ev_cmp(a, b)) != 0)
		return c;
	return a < b ? -1 : a > b;	/* ties: as they came */
}

static void
test_brain_order_events(void **state)
{
	enum { N = 3000 };
	struct brain_ev *ev = calloc(N, sizeof(*ev));
	struct brain_ev **got = calloc(2 * N, sizeof(*got));
	struct brain_ev **want = calloc(N, sizeof(*want));
	unsigned seed = 7, round;
	size_t i, n, runlen;

	(void)state;
	assert_non_null(ev);
	for (round = 0; round < 200; round++) {
		n = round < 4 ? round : 1 + (size_t)rand_r(&seed) % N;
		/* Runs of 1 (no order) to n (in order) events. */
		runlen = 1 + (size_t)rand_r(&seed) % (round % 5 == 0 ? (size_t)2 : n);
		for (i = 0; i < n; i++) {
			uint64_t t = i % runlen;

			if (round % 3 == 0)
				t = (uint64_t)rand_r(&seed) % 4;
			/* Few values: many ties, broken at each level. */
			ev[i].ts_us = t / 2;
			ev[i].pcap_cnt = (uint64_t)rand_r(&seed) % 2;
			ev[i].fkey = t % 2 == 0 ? 5 : (uint64_t)rand_r(&seed) % 3;
			ev[i].seq = (uint32_t)rand_r(&seed) % 2u;
			if (round % 3 != 0) {
				/* In order within a run. */
				ev[i].pcap_cnt = 0;
				ev[i].fkey = 0;
				ev[i].seq = 0;
				ev[i].ts_us = t;
			}
			got[i] = want[i] = &ev[i];
		}
		qsort(want, n, sizeof(*want), ev_order_ref);
		brain_order_events(got, got + N, n);
		for (i = 0; i < n; i++)
			if (got[i] != want[i])
				fail_msg("round %u: n %zu, runs of %zu: event %zu "
				    "is #%td, want #%td", round, n, runlen, i,
				    got[i] - ev, want[i] - ev);
	}
	free(ev);
	free(got);
	free(want);
}

/*
 * Reading a file, a worker far ahead of a slow brain waits past 65536
 * events waiting (BRAIN_OFFLINE_QUEUE_MAX), though devices.queue-max
 * is four times that: 48 parts of 4096 events handed over at once,
 * the brain sleeping 3 microseconds an event.  Nothing is lost.
 */
static void
test_brain_offline_wait(void **state)
{
	struct brain_queue q = { 0 };
	struct brain_ev *ev;
	struct fix *x;
	char *buf = NULL;
	size_t len = 0, i, k;
	unsigned long most = 0, big = 0;
	FILE *mem;
	const char *p;

	(void)state;
	x = fix_new(NULL, 1);
	assert_int_equal(x->cfg.queue_max, BRAIN_DEFAULT_QUEUE_MAX);
	setenv("WARDWATCH_TEST_BRAIN_DELAY", "3", 1);
	assert_int_equal(brain_start(x->b, true), 0);
	unsetenv("WARDWATCH_TEST_BRAIN_DELAY");
	for (i = 0; i < 48; i++) {
		for (k = 0; k < 4096; k++) {
			assert_non_null(ev = brain_queue_add(&q));
			ev->kind = BRAIN_EV_FLOW;
			ev->ts_us = 1 * SEC + i;
			ev->seq = (uint32_t)k;
		}
		brain_sync_part(x->b, 0, 1 * SEC + i, &q);
	}
	brain_sync(x->b, 0, UINT64_MAX, &q);
	brain_quiesce(x->b);
	assert_non_null(mem = open_memstream(&buf, &len));
	brain_print_summary(x->b, mem, true);
	fclose(mem);
	assert_non_null(p = strstr(buf, "at most "));
	most = strtoul(p + 8, NULL, 10);
	assert_non_null(p = strstr(buf, "the largest handover "));
	big = strtoul(p + 21, NULL, 10);
	assert_int_equal(big, 4096);
	/* It did run ahead up to the bound, and not past it. */
	assert_true(most >= BRAIN_OFFLINE_QUEUE_MAX - 4096);
	assert_true(most <= BRAIN_OFFLINE_QUEUE_MAX + 2 * big);
	assert_int_equal(ctr_get(&x->ctr, CTR_DEV_EVENTS_DROPPED), 0);
	free(buf);
	brain_finish(x->b, 2 * SEC);
	brain_queue_free(&q);
	fix_free(x);
}

static void
test_worker_split_invariance(void **state)
{
	struct fix *one, *two;
	struct brain_queue qa = { 0 }, qb = { 0 };

	(void)state;
	one = fix_new(NULL, 1);
	feed_ward(&qa, &qa, 0);
	brain_sync(one->b, 0, 2 * SEC, &qa);
	brain_finish(one->b, 3 * SEC);

	two = fix_new(NULL, 2);
	feed_ward(&qa, &qb, 1);
	/* Worker 1 first: nothing may be applied before worker 0 is in. */
	brain_sync(two->b, 1, 2 * SEC, &qb);
	out_sync(&two->out);
	assert_int_equal(two->out.lines, 0);
	brain_sync(two->b, 0, 2 * SEC, &qa);
	brain_finish(two->b, 3 * SEC);
	out_sync(&one->out);
	out_sync(&two->out);
	assert_string_equal(one->out.buf, two->out.buf);
	assert_non_null(find_line(&one->out, "\"event\":\"snapshot\"",
	    "\"class\":\"patient-monitor\"", "\"hostname\":\"MON-"));
	brain_queue_free(&qa);
	brain_queue_free(&qb);
	fix_free(one);
	fix_free(two);
}

/* Behaviour: an acceptor of DICOM is an SCP; data sets it then sends
 * (forwarding) do not describe it.  An EUI-64 names the vendor. */
static void
test_dicom_roles_and_eui64(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	const char *l;

	(void)state;
	evidence(&q, 1 * SEC, 30, MAC_CT, "10.30.0.5", "dicom.modality", "CT");
	evidence(&q, 1 * SEC, 30, MAC_CT, "10.30.0.5", "dicom.manufacturer",
	    "GE MEDICAL SYSTEMS");
	evidence(&q, 1 * SEC, 30, MAC_PACS, "10.30.0.9", "behaviour",
	    "dicom_scp");
	evidence(&q, 2 * SEC, 30, MAC_PACS, "10.30.0.9", "dicom.modality",
	    "CT");
	evidence(&q, 2 * SEC, 30, MAC_MON, "10.20.0.9", "hl7.obx18.eui64",
	    "080019FFFE0B4020");
	brain_sync(x->b, 0, 3 * SEC, &q);
	brain_finish(x->b, 4 * SEC);
	l = find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:04", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"class\":\"imaging-modality\""));
	assert_non_null(strstr(l, "\"vendor\":\"GE HealthCare\""));
	l = find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:05", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"class\":\"pacs\""));
	assert_non_null(strstr(l, "\"source\":\"behaviour.dicom_scp\""));
	assert_null(strstr(l, "imaging-modality"));
	assert_int_equal(ctr_get(&x->ctr, CTR_DEV_FORWARDED_STORE), 1);
	l = find_line(&x->out, "\"snapshot\"", "00:09:5c:00:00:02", NULL);
	assert_non_null(l);
	/* The EUI-64's GE beats the network module's Philips OUI. */
	assert_non_null(strstr(l, "\"vendor\":\"GE HealthCare\""));
	assert_non_null(strstr(l, "\"source\":\"hl7.obx18.eui64\""));
	assert_non_null(strstr(l, "\"alternatives\":{\"vendor\":[{\"value\":"
	    "\"Philips\""));
	brain_queue_free(&q);
	fix_free(x);
}

/* Three senders make an HL7 receiver an interface engine. */
static void
test_hl7_hub(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };

	(void)state;
	evidence(&q, 1 * SEC, 40, MAC_ENG, "10.40.0.2", "hl7.from",
	    "10.20.0.1");
	evidence(&q, 1 * SEC, 40, MAC_ENG, "10.40.0.2", "hl7.from",
	    "10.20.0.2");
	brain_sync(x->b, 0, 2 * SEC, &q);
	evidence(&q, 3 * SEC, 40, MAC_ENG, "10.40.0.2", "hl7.from",
	    "10.20.0.3");
	brain_sync(x->b, 0, 4 * SEC, &q);
	brain_finish(x->b, 5 * SEC);
	assert_non_null(find_line(&x->out, "\"event\":\"changed\"",
	    "\"changes\":[\"class\"]", "\"class\":\"interface-engine\""));
	assert_non_null(find_line(&x->out, "\"snapshot\"",
	    "\"roles\":[\"hl7_hub\"]", NULL));
	brain_queue_free(&q);
	fix_free(x);
}

/* The inventory survives the run; the second run does not find the
 * same devices new, and alerts for one it had not seen. */
static void
test_persistence_and_alerts(void **state)
{
	struct fix *x;
	struct brain_queue q = { 0 };
	char tmpl[] = "/tmp/ww-brain-XXXXXX", db[128];
	const char *l;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(db, sizeof(db), "%s/state.db", tmpl);

	x = fix_new(db, 1);
	evidence(&q, 1 * SEC, 20, MAC_PUMP, "10.20.0.50", "dhcp.vendor_class",
	    "Baxter");
	brain_sync(x->b, 0, 2 * SEC, &q);
	brain_finish(x->b, 3 * SEC);
	/* A first run with no medical VLANs configured learns. */
	assert_int_equal(count_lines(&x->out, "\"event_type\":\"alert\""), 0);
	fix_free(x);

	x = fix_new(db, 1);
	assert_int_equal(brain_device_count(x->b), 1);
	evidence(&q, 10 * SEC, 20, MAC_PUMP, "10.20.0.50", "hostname.dhcp",
	    "PUMP-1");
	evidence(&q, 10 * SEC, 20, MAC_MON, "10.20.0.9", "hostname.dhcp",
	    "MON-1");
	brain_sync(x->b, 0, 11 * SEC, &q);
	brain_finish(x->b, 12 * SEC);
	/* One new device: the monitor (the alert names it by reference,
	 * without a device record's "event"). */
	assert_int_equal(count_lines(&x->out, "\"event\":\"new\""), 1);
	l = find_line(&x->out, "\"event_type\":\"alert\"", NULL, NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"gid\":9100"));
	assert_non_null(strstr(l, "\"signature_id\":1"));
	assert_non_null(strstr(l, "00:09:5c:00:00:02"));
	assert_non_null(strstr(l, "\"category\":\"New Device Detected\""));
	/* The pump is known: changed, not new; its class came back. */
	l = find_line(&x->out, "\"event\":\"changed\"", "00:40:c1", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"changes\":[\"hostname\"]"));
	assert_non_null(strstr(l, "\"class\":\"infusion-pump\""));
	fix_free(x);

	snprintf(db, sizeof(db), "rm -rf %s", tmpl);
	assert_int_equal(system(db), 0);
	brain_queue_free(&q);
}

/* A brain whose medical VLAN is 20. */
static struct fix *
fix_new_medical(void)
{
	struct fix *x;
	struct brain_config cfg;

	x = calloc(1, sizeof(*x));
	brain_config_defaults(&cfg);
	free(cfg.fingerprints);
	free(cfg.oui_dir);
	cfg.fingerprints = strdup(WW_SRCDIR "/tests/unit/brain/fp");
	cfg.builtin_fingerprints = false;
	cfg.oui_dir = strdup(WW_SRCDIR "/tests/unit/brain/oui");
	cfg.medical_vlans[0] = 20;
	cfg.n_medical_vlans = 1;
	x->cfg = cfg;
	x->b = brain_new(&x->cfg, 1, NULL, out_open(&x->out), &x->ctr,
	    stderr);
	assert_non_null(x->b);
	return x;
}

static void
test_medical_vlan_alert(void **state)
{
	struct fix *x = fix_new_medical();
	struct brain_queue q = { 0 };

	(void)state;
	evidence(&q, 1 * SEC, 20, MAC_PUMP, "10.20.0.50", "hostname.dhcp",
	    "P1");
	evidence(&q, 1 * SEC, 40, MAC_ENG, "10.40.0.2", "hostname.dhcp", "E");
	brain_sync(x->b, 0, 2 * SEC, &q);
	assert_int_equal(count_lines(&x->out, "\"event_type\":\"alert\""), 1);
	assert_non_null(find_line(&x->out, "\"event_type\":\"alert\"",
	    "\"vlan\":[20]", "00:40:c1:00:00:01"));
	assert_int_equal(ctr_get(&x->ctr, CTR_DEV_ALERTS), 1);
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * What a SIEM reads in an alert: one signature text for every new
 * device; the MAC, vendor and class as Suricata metadata (lists of
 * strings); the device by reference (mac, class, vendor, model), not
 * its evidence; ether.src_mac, the device's own MAC; src_ip only when
 * the device has an address, never null.  Device records carry the
 * MAC as ether.src_mac too.
 */
static void
test_alert_records(void **state)
{
	struct fix *x = fix_new_medical();
	struct brain_queue q = { 0 };
	const char *l;
	char ip[32];
	int i;

	(void)state;
	/* A pump with an address: Baxter by its vendor class, a model from
	 * LLDP-MED. */
	evidence(&q, 1 * SEC, 20, MAC_PUMP, "10.20.0.50",
	    "dhcp.vendor_class", "Baxter");
	evidence(&q, 1 * SEC, 20, MAC_PUMP, "10.20.0.50", "lldp.model",
	    "Sigma Spectrum");
	/* A monitor with no address yet. */
	evidence(&q, 1 * SEC, 20, MAC_MON, NULL, "hostname.dhcp", "MON-1");
	brain_sync(x->b, 0, 2 * SEC, &q);
	assert_int_equal(count_lines(&x->out, "\"event_type\":\"alert\""), 2);
	assert_null(find_line(&x->out, "\"src_ip\":null", NULL, NULL));
	l = find_line(&x->out, "\"event_type\":\"alert\"", "00:40:c1", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"event_type\":\"alert\",\"vlan\":[20],"
	    "\"src_ip\":\"10.20.0.50\","
	    "\"ether\":{\"src_mac\":\"00:40:c1:00:00:01\"},"
	    "\"alert\":{\"action\":\"allowed\",\"gid\":9100,"
	    "\"signature_id\":1,\"rev\":1,"
	    "\"signature\":\"WARDWATCH new device on a medical VLAN\","
	    "\"category\":\"New Device Detected\",\"severity\":2,"
	    "\"metadata\":{\"mac\":[\"00:40:c1:00:00:01\"],"
	    "\"vendor\":[\"Baxter\"],\"class\":[\"infusion-pump\"]}},"
	    "\"device\":{\"mac\":\"00:40:c1:00:00:01\","
	    "\"class\":\"infusion-pump\",\"vendor\":\"Baxter\","
	    "\"model\":\"Sigma Spectrum\"}}"));
	/* No address: no src_ip at all; the same signature text. */
	l = find_line(&x->out, "\"event_type\":\"alert\"", "00:09:5c", NULL);
	assert_non_null(l);
	assert_null(strstr(l, "src_ip"));
	assert_non_null(strstr(l,
	    "\"ether\":{\"src_mac\":\"00:09:5c:00:00:02\"}"));
	assert_non_null(strstr(l,
	    "\"signature\":\"WARDWATCH new device on a medical VLAN\""));
	assert_non_null(strstr(l,
	    "\"metadata\":{\"mac\":[\"00:09:5c:00:00:02\"],"
	    "\"vendor\":[\"Philips\"],\"class\":[\"unknown\"]}"));
	assert_non_null(strstr(l, "\"device\":{\"mac\":\"00:09:5c:00:00:02\","
	    "\"class\":\"unknown\",\"vendor\":\"Philips\"}}"));
	/* The device records carry the MAC in ether too. */
	l = find_line(&x->out, "\"event_type\":\"device\"", "00:09:5c", NULL);
	assert_non_null(l);
	assert_null(strstr(l, "src_ip"));
	assert_non_null(strstr(l, "\"vlan\":[20],"
	    "\"ether\":{\"src_mac\":\"00:09:5c:00:00:02\"},\"device\":{"));

	/* Hosts behind a router are known by address only: their alerts
	 * have src_ip and no MAC anywhere. */
	for (i = 1; i <= 5; i++) {
		snprintf(ip, sizeof(ip), "10.40.0.%d", i);
		flow(&q, (uint64_t)(2 + i) * SEC, 20, MAC_RTR, ip, MAC_MON,
		    "10.20.0.9", 2575);
	}
	brain_sync(x->b, 0, 10 * SEC, &q);
	l = find_line(&x->out, "\"event_type\":\"alert\"",
	    "\"src_ip\":\"10.40.0.5\"", NULL);
	assert_non_null(l);
	assert_null(strstr(l, "ether"));
	assert_null(strstr(l, "mac"));
	assert_non_null(strstr(l, "\"metadata\":{\"class\":[\"unknown\"]}},"
	    "\"device\":{\"class\":\"unknown\"}}"));
	l = find_line(&x->out, "\"event_type\":\"device\"",
	    "\"src_ip\":\"10.40.0.5\"", "\"routed\":true");
	assert_non_null(l);
	assert_null(strstr(l, "ether"));
	assert_null(find_line(&x->out, "\"src_ip\":null", NULL, NULL));
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * devices.fingerprints adds a site's files to the built-in set (it
 * used to replace it); a local fingerprint named as a built-in one
 * replaces that one; devices.builtin-fingerprints: false leaves the
 * local files alone, and without them is an error.
 */
static struct fix *
fix_fp(const char *dir, bool builtin, FILE *err)
{
	struct fix *x = calloc(1, sizeof(*x));

	brain_config_defaults(&x->cfg);
	free(x->cfg.fingerprints);
	free(x->cfg.oui_dir);
	x->cfg.fingerprints = strdup(dir);
	x->cfg.oui_dir = strdup(WW_SRCDIR "/tests/unit/brain/oui");
	x->cfg.builtin_fingerprints = builtin;
	x->b = brain_new(&x->cfg, 1, NULL, out_open(&x->out), &x->ctr, err);
	return x;
}

static void
feed_sysmex(struct fix *x)
{
	struct brain_queue q = { 0 };

	/* A Sysmex analyzer (built-in rules) with a Baxter vendor class
	 * (the fixture's rule). */
	evidence(&q, 1 * SEC, 40, MAC_CT, "10.40.0.62", "hl7.sending_app",
	    "SYSMEX");
	evidence(&q, 1 * SEC, 40, MAC_ENG, "10.40.0.63", "dhcp.vendor_class",
	    "Baxter SIGMA Spectrum");
	brain_sync(x->b, 0, 2 * SEC, &q);
	brain_finish(x->b, 3 * SEC);
	brain_queue_free(&q);
}

static void
test_fingerprints_local_and_builtin(void **state)
{
	char tmpl[] = "/tmp/ww-fp-XXXXXX", path[128], *msgs;
	struct fix *x;
	size_t mlen;
	FILE *f;

	(void)state;
	/* The fixture's files and the built-in set together. */
	x = fix_fp(WW_SRCDIR "/tests/unit/brain/fp", true, stderr);
	assert_non_null(x->b);
	feed_sysmex(x);
	assert_non_null(find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:04",
	    "\"rule\":\"sysmex-sending-app\""));
	assert_non_null(find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:03",
	    "\"rule\":\"pump-by-vendor-class\""));
	fix_free(x);

	/* The fixture's files alone. */
	x = fix_fp(WW_SRCDIR "/tests/unit/brain/fp", false, stderr);
	assert_non_null(x->b);
	feed_sysmex(x);
	assert_null(find_line(&x->out, "sysmex-sending-app", NULL, NULL));
	assert_non_null(find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:03",
	    "\"rule\":\"pump-by-vendor-class\""));
	fix_free(x);

	/* A local file replaces the built-in fingerprint of its name. */
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/site.yaml", tmpl);
	assert_non_null(f = fopen(path, "w"));
	fputs("fingerprints:\n  - name: sysmex-sending-app\n"
	    "    class: lab-analyzer\n    vendor: Site Sysmex\n"
	    "    confidence: 99\n    match: {hl7.sending_app: SYSMEX}\n", f);
	fclose(f);
	assert_non_null(f = open_memstream(&msgs, &mlen));
	x = fix_fp(tmpl, true, f);
	fclose(f);
	assert_string_equal(msgs, "");
	free(msgs);
	assert_non_null(x->b);
	feed_sysmex(x);
	assert_non_null(find_line(&x->out, "\"snapshot\"", "00:11:22:00:00:04",
	    "\"vendor\":\"Site Sysmex\""));
	fix_free(x);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(tmpl), 0);

	/* Neither: an error, for the run and for -T. */
	assert_non_null(f = open_memstream(&msgs, &mlen));
	x = fix_fp(BRAIN_FP_BUILTIN, false, f);
	assert_null(x->b);
	assert_int_equal(brain_check(&x->cfg, NULL, f), -1);
	fclose(f);
	assert_non_null(strstr(msgs, "devices.builtin-fingerprints is false "
	    "and devices.fingerprints names no directory"));
	free(msgs);
	fix_free(x);
}

/* Fingerprint errors stop the brain; a missing registry does not. */
static void
test_config_errors(void **state)
{
	struct brain_config cfg;
	struct counters ctr;
	struct out o;
	char *msgs;
	size_t mlen;
	FILE *f;
	struct brain *b;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	brain_config_defaults(&cfg);
	free(cfg.fingerprints);
	free(cfg.oui_dir);
	cfg.fingerprints = strdup(WW_SRCDIR "/tests/unit/brain/nonexistent");
	cfg.oui_dir = strdup(WW_SRCDIR "/tests/unit/brain/nonexistent");
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_null(brain_new(&cfg, 1, NULL, out_open(&o), &ctr, f));
	assert_int_equal(brain_check(&cfg, NULL, f), -1);
	fclose(f);
	assert_non_null(strstr(msgs, "nonexistent"));
	free(msgs);
	free(cfg.fingerprints);
	cfg.fingerprints = strdup(WW_SRCDIR "/tests/unit/brain/fp");
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_non_null(b = brain_new(&cfg, 1, NULL, o.stage, &ctr, f));
	fclose(f);
	free(msgs);
	brain_free(b);
	out_close(&o);
	brain_config_free(&cfg);
}

/*
 * One MAC sending from ever new IPv6 addresses (privacy addresses, or
 * an attacker) cannot grow the address table: it stays at
 * BRAIN_ADDR_PER_DEVICE per device slot, the oldest addresses go, and
 * the device keeps its current address.
 */
static void
test_address_table_bounded(void **state)
{
	struct brain_queue q = { 0 };
	struct fix *x;
	char ip[64];
	size_t cap;
	uint32_t i;

	(void)state;
	x = fix_new(NULL, 1);
	cap = (size_t)BRAIN_DEFAULT_MAX_DEVICES * BRAIN_ADDR_PER_DEVICE;
	flow(&q, 1 * SEC, 20, MAC_PUMP, "10.20.0.50", MAC_ENG, "10.20.0.2",
	    443);
	for (i = 0; i < 3 * cap; i++) {
		snprintf(ip, sizeof(ip), "fd00::%x:%x", i >> 16, i & 0xffff);
		flow(&q, 2 * SEC + i, 20, MAC_PUMP, ip, MAC_ENG, "fd00::2",
		    443);
		if (q.n > 100000)
			brain_sync(x->b, 0, 2 * SEC + i, &q);
	}
	brain_sync(x->b, 0, 9 * SEC, &q);
	assert_true(brain_address_count(x->b) <= cap);
	assert_true(ctr_get(&x->ctr, CTR_DEV_ADDR_EVICTED) >= 2 * cap);
	brain_finish(x->b, 9 * SEC);
	assert_int_equal(brain_device_count(x->b), 2);
	/* Its IPv4 address is still its own. */
	assert_non_null(find_line(&x->out, "\"snapshot\"",
	    "00:40:c1:00:00:01", "\"ip\":\"10.20.0.50\""));
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * A host first seen by address behind a router, and reported, then by
 * its MAC on a watched VLAN: one device.  The routed one's last record
 * says it was merged and into which device; the snapshot has one.
 */
static void
test_routed_then_mac(void **state)
{
	struct brain_queue q = { 0 };
	struct fix *x;
	const char *l;

	(void)state;
	x = fix_new(NULL, 1);
	/* The PACS's traffic reaches VLAN 20 through the router first. */
	make_router(&q, 1 * SEC, 20, MAC_RTR20, MAC_MON, "10.20.0.21");
	flow(&q, 2 * SEC, 20, MAC_MON, "10.20.0.21", MAC_RTR20, "10.30.0.40",
	    104);
	brain_sync(x->b, 0, 3 * SEC, &q);
	dump(&x->out);
	assert_non_null(find_line(&x->out, "\"event\":\"new\"",
	    "\"routed\":true", "10.30.0.40"));
	/* Then the PACS itself, on VLAN 30. */
	flow(&q, 4 * SEC, 30, MAC_CT, "10.30.0.11", MAC_PACS, "10.30.0.40",
	    104);
	brain_sync(x->b, 0, 5 * SEC, &q);
	brain_finish(x->b, 6 * SEC);
	dump(&x->out);
	l = find_line(&x->out, "\"event\":\"merged\"", "10.30.0.40", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"merged_into\":{\"mac\":"
	    "\"00:11:22:00:00:05\",\"vlan\":30}"));
	assert_null(find_line(&x->out, "\"snapshot\"", "\"routed\":true",
	    "10.30.0.40"));
	assert_non_null(find_line(&x->out, "\"snapshot\"",
	    "00:11:22:00:00:05", "\"ip\":\"10.30.0.40\""));
	/* Its peers: the routed one's (the monitor's flow) merged in. */
	l = find_raw(&x->out, "\"snapshot\"", "\"mac\":\"00:11:22:00:00:05\"");
	assert_non_null(l);
	assert_non_null(strstr(l, "{\"peer\":\"mac:00:09:5c:00:00:02\","));
	assert_non_null(strstr(l, "{\"peer\":\"mac:00:11:22:00:00:04\","));
	assert_null(strstr(l, "\"direction\":\"initiated\""));
	brain_queue_free(&q);
	fix_free(x);
}

/* A device wheeled to another VLAN is not new there: a record for it
 * on its new VLAN, no new-device alert. */
static void
test_moved_not_new(void **state)
{
	struct fix *x;
	struct brain_queue q = { 0 };

	(void)state;
	x = fix_new(NULL, 1);
	x->b->cfg.medical_vlans[0] = 10;
	x->b->cfg.medical_vlans[1] = 20;
	x->b->cfg.n_medical_vlans = 2;
	flow(&q, 1 * SEC, 20, MAC_CT, "10.20.0.52", MAC_PACS, "10.20.0.40",
	    104);
	brain_sync(x->b, 0, 2 * SEC, &q);
	assert_int_equal(count_lines(&x->out, "\"signature_id\":1,"), 2);
	flow(&q, 3 * SEC, 10, MAC_CT, "10.10.0.150", MAC_MON, "10.10.0.20",
	    104);
	brain_sync(x->b, 0, 4 * SEC, &q);
	dump(&x->out);
	/* the monitor is new; the cart is not */
	assert_int_equal(count_lines(&x->out, "\"signature_id\":1,"), 3);
	assert_non_null(find_line(&x->out, "\"event\":\"new\"",
	    "\"vlan\":10", "00:11:22:00:00:04"));
	assert_null(find_line(&x->out, "\"event_type\":\"alert\"",
	    "\"vlan\":[10]", "00:11:22:00:00:04"));
	brain_queue_free(&q);
	fix_free(x);
}

/* A router speaking for itself from another interface's address keeps
 * its TTL whole: that address is the router's, not a host behind it;
 * one hop less and it is a host. */
static void
test_router_own_address(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	struct brain_ev *ev;
	struct brain_end e;
	int i;

	(void)state;
	make_router(&q, 1 * SEC, 10, MAC_RTR, MAC_MON, "10.10.0.20");
	brain_sync(x->b, 0, 2 * SEC, &q);
	for (i = 0; i < 2; i++) {
		flow(&q, (3 + (uint64_t)i) * SEC, 10, MAC_RTR,
		    i == 0 ? "10.30.0.1" : "10.30.0.77", MAC_MON, "10.10.0.20",
		    7);
		ev = &q.ev[q.n - 1];
		ev->proto = 1;
		ev->end[0].ttl = i == 0 ? 255 : 63;
	}
	brain_sync(x->b, 0, 6 * SEC, &q);
	dump(&x->out);
	end_set(&e, NULL, "10.30.0.1");
	assert_null(brain_alert_dev(x->b, &e, 10));
	assert_null(find_line(&x->out, "\"event\":\"new\"", "10.30.0.1",
	    NULL));
	end_set(&e, NULL, "10.30.0.77");
	assert_non_null(brain_alert_dev(x->b, &e, 10));
	brain_queue_free(&q);
	fix_free(x);
}

static void
explain_obj(struct jsonw *jw, const void *arg)
{
	jsonw_kv_str(jw, "seen", arg);
}

/*
 * A device's zone is kept with the zones' generation: a reload that
 * moves its VLAN to another zone (at another index) places it anew.
 */
static void
test_zone_reload(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	struct brain_judge *j;
	struct brain_end ce;
	struct brain_dev *pump;
	struct zones *z1, *z2;
	int med;

	(void)state;
	z1 = zones_new();
	assert_true(zones_add_vlan(z1, zones_add(z1, "medical"), 20) == 0);
	x->b->zones = z1;
	flow(&q, 1 * SEC, 20, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51",
	    23);
	brain_sync(x->b, 0, 2 * SEC, &q);
	end_set(&ce, MAC_PUMP, "10.20.0.50");
	assert_non_null(pump = brain_alert_dev(x->b, &ce, 20));
	assert_string_equal(zones_name(x->b->zones,
	    brain_dev_zone(x->b, pump)), "medical");
	assert_string_equal(zones_name(x->b->zones,
	    brain_dev_zone(x->b, pump)), "medical");	/* kept */
	/* An address's zone, twice: the second from brain_end_zone()'s
	 * memo. */
	assert_string_equal(zones_name(x->b->zones,
	    brain_end_zone(x->b, &ce, 20)), "medical");
	assert_string_equal(zones_name(x->b->zones,
	    brain_end_zone(x->b, &ce, 20)), "medical");
	/* The reload: "medical" now elsewhere, VLAN 20 in "imaging". */
	z2 = zones_new();
	med = zones_add(z2, "medical");
	assert_true(zones_add_vlan(z2, med, 30) == 0);
	assert_true(zones_add_vlan(z2, med, 1044) == 0);
	assert_true(zones_add_vlan(z2, zones_add(z2, "imaging"), 20) == 0);
	x->cfg.zones = z2;
	assert_non_null(j = brain_judge_load(&x->cfg, NULL, stderr));
	brain_reload_judge(x->b, j);
	assert_string_equal(zones_name(x->b->zones,
	    brain_dev_zone(x->b, pump)), "imaging");
	/* The memo's answer is of the old zones: asked again. */
	assert_string_equal(zones_name(x->b->zones,
	    brain_end_zone(x->b, &ce, 20)), "imaging");
	/* The same address on VLAN 1044, in the memo's slot of VLAN 20's:
	 * its own zone. */
	assert_string_equal(zones_name(x->b->zones,
	    brain_end_zone(x->b, &ce, 1044)), "medical");
	assert_string_equal(zones_name(x->b->zones,
	    brain_end_zone(x->b, &ce, 20)), "imaging");
	x->b->zones = x->b->own_zones;
	zones_free(z1);
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * The services a flow uses and offers, as baseline keys: transport,
 * port (or ephemeral), application and role; each from the brain's
 * memo once made, never another service's.
 */
static void
test_service_keys(void **state)
{
	static const struct {
		uint8_t		 proto;
		uint16_t	 dport;
		uint8_t		 app;
		const char	*svc;	/* without the role */
	} f[] = {
		{ 6, 104, APP_DICOM, NULL },
		{ 6, 104, APP_UNKNOWN, "tcp/104 -" },
		{ 6, 60000, APP_UNKNOWN, "tcp/ephemeral -" },
		{ 6, 65535, APP_UNKNOWN, "tcp/ephemeral -" },
		{ 17, 104, APP_UNKNOWN, "udp/104 -" },
		{ 6, 0, APP_UNKNOWN, "tcp/0 -" },
		{ 1, 104, APP_UNKNOWN, "icmp" },
		{ 58, 0, APP_UNKNOWN, "icmp6" },
		{ 47, 104, APP_DICOM, "ip/47" },
		/* The memo's slot of "tcp/104 -" client: told apart. */
		{ 6, 360, APP_UNKNOWN, "tcp/360 -" },
		{ 17, 175, APP_UNKNOWN, "udp/175 -" },
	};
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	struct brain_end ce, se;
	struct brain_dev *pump, *mon;
	const struct bl_item *it;
	char key[64];
	size_t i, k, n;

	(void)state;
	/* Twice over: the second round from the memo. */
	for (k = 0, n = 0; k < 2; k++)
		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++, n++) {
			flow(&q, (1 + n) * SEC, 20, MAC_PUMP, "10.20.0.50",
			    MAC_MON, "10.20.0.51", f[i].dport);
			q.ev[q.n - 1].proto = f[i].proto;
			q.ev[q.n - 1].app = f[i].app;
		}
	brain_sync(x->b, 0, (2 + n) * SEC, &q);
	end_set(&ce, MAC_PUMP, "10.20.0.50");
	end_set(&se, MAC_MON, "10.20.0.51");
	assert_non_null(pump = brain_alert_dev(x->b, &ce, 20));
	assert_non_null(mon = brain_alert_dev(x->b, &se, 20));
	assert_non_null(pump->bl);
	assert_non_null(mon->bl);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (f[i].svc != NULL)
			snprintf(key, sizeof(key), "%s client", f[i].svc);
		else
			snprintf(key, sizeof(key), "tcp/%u %s client",
			    f[i].dport, app_proto_name(f[i].app));
		assert_non_null(it = bl_find(pump->bl, BL_SERVICE, key));
		/* Twice a round; an ephemeral port's key is two flows'. */
		assert_int_equal(it->count, f[i].dport >= 49152 ? 4 : 2);
		if (f[i].proto != 6 && f[i].proto != 17)
			continue;	/* a port that answers is a service */
		memcpy(key + strlen(key) - 6, "server", 6);
		assert_non_null(bl_find(mon->bl, BL_SERVICE, key));
	}
	/* Uses: 10 keys (the two ephemeral ports are one). */
	assert_int_equal(pump->bl->set[BL_SERVICE].n, 10);
	brain_queue_free(&q);
	fix_free(x);
}

/* Judgments: one alert per (device, sid, reason, peer) per window, the
 * next one with the count of those held back; another reason or peer
 * is another alert; zones of both devices in the record. */
static void
test_explain_window(void **state)
{
	struct fix *x = fix_new(NULL, 1);
	struct brain_queue q = { 0 };
	struct brain_explain e;
	struct brain_end ce, se;
	struct brain_dev *pump, *mon;
	struct zones *z;
	const char *l;
	int i;

	(void)state;
	/* A zone of its own for VLAN 20. */
	z = zones_new();
	assert_true(zones_add_vlan(z, zones_add(z, "medical"), 20) == 0);
	x->b->zones = z;
	flow(&q, 1 * SEC, 20, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51",
	    23);
	brain_sync(x->b, 0, 2 * SEC, &q);
	end_set(&ce, MAC_PUMP, "10.20.0.50");
	end_set(&se, MAC_MON, "10.20.0.51");
	pump = brain_alert_dev(x->b, &ce, 20);
	mon = brain_alert_dev(x->b, &se, 20);
	assert_non_null(pump);
	assert_non_null(mon);
	assert_string_equal(zones_name(x->b->zones,
	    brain_dev_zone(x->b, pump)), "medical");
	memset(&e, 0, sizeof(e));
	e.gid = 9200;
	e.sid = 3;
	e.rev = 1;
	e.severity = 1;
	e.signature = "WARDWATCH test judgment";
	e.category = "Policy Violation";
	e.dev = pump;
	e.peer = mon;
	e.dev_is_src = true;
	e.reason = "telnet";
	e.obj_key = "policy";
	e.obj = explain_obj;
	e.arg = "tcp/23";
	for (i = 0; i < 5; i++) {
		e.ts_us = (uint64_t)(3 + i) * SEC;
		assert_true(brain_explain(x->b, &e) == (i == 0));
	}
	e.reason = "ftp";			/* another reason */
	assert_true(brain_explain(x->b, &e));
	e.reason = "telnet";
	e.peer = NULL;				/* another peer */
	assert_true(brain_explain(x->b, &e));
	e.peer = mon;
	e.ts_us = 3 * SEC + 3600 * SEC;		/* the window passed */
	assert_true(brain_explain(x->b, &e));
	record_flush(&x->b->rw);
	dump(&x->out);
	assert_int_equal(count_lines(&x->out, "\"signature_id\":3"), 4);
	l = find_line(&x->out, "\"count\":5", "\"seen\":\"tcp/23\"", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"gid\":9200"));
	assert_non_null(strstr(l, "\"src_ip\":\"10.20.0.50\""));
	assert_non_null(strstr(l, "\"zone\":\"medical\""));
	x->b->zones = x->b->own_zones;
	zones_free(z);
	brain_queue_free(&q);
	fix_free(x);
}

/* ---- a device record's one-run writers at their worst ---- */

/*
 * A strict JSON checker (RFC 8259: no trailing bytes, no control bytes
 * or bad UTF-8 in strings, numbers by the grammar) that keeps every
 * string and number with its path (".device.peers[].zone"), strings
 * unescaped.  \u0080..\u00ff are read back as the byte: how jsonw
 * escapes a byte that is not UTF-8.
 */
#define JV_MAX		512
#define JV_VAL		8192

struct jv {
	char	 path[96];
	char	 val[JV_VAL];
	size_t	 len;
	bool	 num;
};

static struct jv jvs[JV_MAX];
static size_t njv;

struct jp {
	const uint8_t	*p, *end;
	char		 path[96];
	int		 depth;
};

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
jp_hex4(struct jp *j, unsigned *v)
{
	int i;

	*v = 0;
	if (j->end - j->p < 4)
		return -1;
	for (i = 0; i < 4; i++, j->p++) {
		*v <<= 4;
		if (*j->p >= '0' && *j->p <= '9')
			*v |= (unsigned)(*j->p - '0');
		else if (*j->p >= 'a' && *j->p <= 'f')
			*v |= (unsigned)(*j->p - 'a' + 10);
		else if (*j->p >= 'A' && *j->p <= 'F')
			*v |= (unsigned)(*j->p - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629), 0 if none. */
static size_t
jp_utf8(const uint8_t *p, size_t left)
{
	unsigned lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		lo = p[0] == 0xe0 ? 0xa0 : 0x80;
		hi = p[0] == 0xed ? 0x9f : 0xbf;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		lo = p[0] == 0xf0 ? 0x90 : 0x80;
		hi = p[0] == 0xf4 ? 0x8f : 0xbf;
	} else
		return 0;
	if (left < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static void
jp_put(char *o, size_t *len, unsigned c)
{
	if (*len + 4 > JV_VAL)
		return;			/* caught: the length differs */
	if (c < 0x80)
		o[(*len)++] = (char)c;
	else if (c < 0x800) {
		o[(*len)++] = (char)(0xc0 | c >> 6);
		o[(*len)++] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		o[(*len)++] = (char)(0xe0 | c >> 12);
		o[(*len)++] = (char)(0x80 | (c >> 6 & 0x3f));
		o[(*len)++] = (char)(0x80 | (c & 0x3f));
	} else {
		o[(*len)++] = (char)(0xf0 | c >> 18);
		o[(*len)++] = (char)(0x80 | (c >> 12 & 0x3f));
		o[(*len)++] = (char)(0x80 | (c >> 6 & 0x3f));
		o[(*len)++] = (char)(0x80 | (c & 0x3f));
	}
}

/* A string at p (its quote): unescaped into o (JV_VAL bytes), *len. */
static int
jp_string(struct jp *j, char *o, size_t *len)
{
	unsigned c, c2;
	size_t u;

	*len = 0;
	if (j->p >= j->end || *j->p++ != '"')
		return -1;
	for (;;) {
		if (j->p >= j->end || *j->p < 0x20)
			return -1;
		c = *j->p;
		if (c == '"') {
			j->p++;
			return 0;
		}
		if (c >= 0x80) {
			if ((u = jp_utf8(j->p, (size_t)(j->end - j->p))) == 0)
				return -1;
			while (u-- > 0) {
				if (*len < JV_VAL)
					o[(*len)++] = (char)*j->p;
				j->p++;
			}
			continue;
		}
		j->p++;
		if (c != '\\') {
			jp_put(o, len, c);
			continue;
		}
		if (j->p >= j->end)
			return -1;
		switch (*j->p++) {
		case '"': c = '"'; break;
		case '\\': c = '\\'; break;
		case '/': c = '/'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (jp_hex4(j, &c) == -1)
				return -1;
			if (c >= 0x80 && c <= 0xff) {	/* a byte */
				if (*len < JV_VAL)
					o[(*len)++] = (char)c;
				continue;
			}
			if (c >= 0xdc00 && c <= 0xdfff)
				return -1;
			if (c >= 0xd800 && c <= 0xdbff) {
				if (j->end - j->p < 6 || j->p[0] != '\\' ||
				    j->p[1] != 'u')
					return -1;
				j->p += 2;
				if (jp_hex4(j, &c2) == -1 || c2 < 0xdc00 ||
				    c2 > 0xdfff)
					return -1;
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (c2 - 0xdc00);
			}
			break;
		default:
			return -1;
		}
		jp_put(o, len, c);
	}
}

static int
jp_number(struct jp *j)
{
	const uint8_t *s = j->p;
	struct jv *v;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end)
		return -1;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return -1;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -1;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -1;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (njv < JV_MAX) {
		v = &jvs[njv++];
		snprintf(v->path, sizeof(v->path), "%s", j->path);
		v->len = (size_t)(j->p - s);
		assert_true(v->len < sizeof(v->val));
		memcpy(v->val, s, v->len);
		v->val[v->len] = '\0';
		v->num = true;
	}
	return 0;
}

static int
jp_lit(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

static int
jp_value(struct jp *j)
{
	static char key[JV_VAL];
	size_t plen = strlen(j->path), klen;
	struct jv *v;
	int rc = 0;

	if (++j->depth > 64)
		return -1;
	jp_ws(j);
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '{':
		j->p++;
		jp_ws(j);
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			break;
		}
		for (;;) {
			jp_ws(j);
			if (jp_string(j, key, &klen) == -1 ||
			    klen >= sizeof(j->path) - plen - 2)
				return -1;
			jp_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return -1;
			j->path[plen] = '.';
			memcpy(j->path + plen + 1, key, klen);
			j->path[plen + 1 + klen] = '\0';
			rc = jp_value(j);
			j->path[plen] = '\0';
			if (rc == -1)
				return -1;
			jp_ws(j);
			if (j->p >= j->end)
				return -1;
			if (*j->p == '}') {
				j->p++;
				break;
			}
			if (*j->p++ != ',')
				return -1;
		}
		break;
	case '[':
		j->p++;
		jp_ws(j);
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			break;
		}
		if (plen + 3 > sizeof(j->path))
			return -1;
		for (;;) {
			strcpy(j->path + plen, "[]");
			rc = jp_value(j);
			j->path[plen] = '\0';
			if (rc == -1)
				return -1;
			jp_ws(j);
			if (j->p >= j->end)
				return -1;
			if (*j->p == ']') {
				j->p++;
				break;
			}
			if (*j->p++ != ',')
				return -1;
		}
		break;
	case '"':
		v = njv < JV_MAX ? &jvs[njv++] : NULL;
		if (jp_string(j, v != NULL ? v->val : key, v != NULL ?
		    &v->len : &klen) == -1)
			return -1;
		if (v != NULL) {
			snprintf(v->path, sizeof(v->path), "%s", j->path);
			v->num = false;
		}
		break;
	case 't':
		rc = jp_lit(j, "true");
		break;
	case 'f':
		rc = jp_lit(j, "false");
		break;
	case 'n':
		rc = jp_lit(j, "null");
		break;
	default:
		rc = jp_number(j);
		break;
	}
	j->depth--;
	return rc;
}

/* 0 if line[0..n) is one JSON value (the values in jvs), else -1. */
static int
json_check(const char *line, size_t n)
{
	struct jp j;

	memset(&j, 0, sizeof(j));
	j.p = (const uint8_t *)line;
	j.end = j.p + n;
	njv = 0;
	if (jp_value(&j) == -1)
		return -1;
	jp_ws(&j);
	return j.p == j.end ? 0 : -1;
}

static int
json_str(const char *s)
{
	return json_check(s, strlen(s));
}

/* The i-th value (from 0) at path, or NULL. */
static const struct jv *
jv_at(const char *path, size_t i)
{
	size_t k;

	for (k = 0; k < njv; k++)
		if (strcmp(jvs[k].path, path) == 0 && i-- == 0)
			return &jvs[k];
	return NULL;
}

static size_t
jv_count(const char *path)
{
	size_t k, n = 0;

	for (k = 0; k < njv; k++)
		n += strcmp(jvs[k].path, path) == 0;
	return n;
}

static void
assert_jv_str(const char *path, size_t i, const char *s, size_t n)
{
	const struct jv *v = jv_at(path, i);

	if (v == NULL || v->num || v->len != n || memcmp(v->val, s, n) != 0)
		fail_msg("%s #%zu: not the value written (%zu bytes)", path, i,
		    v != NULL ? v->len : 0);
}

static void
assert_jv_uint(const char *path, size_t i, uint64_t x)
{
	const struct jv *v = jv_at(path, i);
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, x);
	assert_non_null(v);
	assert_true(v->num);
	assert_string_equal(v->val, buf);
}

/* Every line of the output is valid JSON; returns how many. */
static size_t
check_all_lines(const struct out *o)
{
	const char *p, *nl;
	size_t n = 0;

	out_sync(o);
	for (p = o->buf; p != NULL && *p != '\0'; p = nl + 1) {
		assert_non_null(nl = strchr(p, '\n'));
		if (json_check(p, (size_t)(nl - p)) == -1)
			fail_msg("not valid JSON: %.*s", (int)(nl - p), p);
		n++;
	}
	return n;
}

/* The whole snapshot line of mac (peers and all), checked: its values
 * in jvs. */
static void
snapshot_of(const struct out *o, const char *mac)
{
	char needle[64];
	const char *p, *nl;

	snprintf(needle, sizeof(needle), "\"mac\":\"%s\"", mac);
	out_sync(o);
	for (p = o->buf; p != NULL && *p != '\0'; p = nl + 1) {
		assert_non_null(nl = strchr(p, '\n'));
		if (memmem(p, (size_t)(nl - p), "\"event\":\"snapshot\"", 18) ==
		    NULL || memmem(p, (size_t)(nl - p), needle,
		    strlen(needle)) == NULL)
			continue;
		assert_int_equal(json_check(p, (size_t)(nl - p)), 0);
		return;
	}
	fail_msg("no snapshot of %s", mac);
}

/* A flow of app, carrying bytes. */
static void
flow_app(struct brain_queue *q, uint64_t ts, uint16_t vlan,
    const uint8_t *cmac, const char *cip, const uint8_t *smac,
    const char *sip, uint16_t dport, uint8_t app, uint64_t bytes)
{
	struct brain_ev *ev;

	flow(q, ts, vlan, cmac, cip, smac, sip, dport);
	ev = &q->ev[q->n - 1];
	ev->app = app;
	ev->bytes[0] = bytes;
	ev->bytes[1] = 0;
}

/* Risk reasons (lines) with what escaping expands: quotes, backslashes,
 * every control byte but the newline that ends a line, bytes that are
 * not UTF-8 (overlong, surrogates, cut), valid UTF-8 (copied), an
 * empty line and a long one. */
static const char *const rec_reasons[] = {
	"a \"quoted\" \\path\\ / and \t\r\b\f",
	"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0b\x0c\x0d\x0e\x0f\x10\x11"
	    "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f",
	"\xff\xfe\x80\xc3(\xe2\x82 \xed\xa0\x80\xc0\xaf\xf8\x88\x80\x80\x80"
	    "\xf4\x90\x80\x80\xe0\x80\xaf",
	"\xc3\xa9 \xe2\x80\xae \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
	"",
	NULL,				/* rec_long */
};
#define REC_NREASONS	(sizeof(rec_reasons) / sizeof(rec_reasons[0]))
static char rec_long[3000];

static char *
rec_reasons_text(void)
{
	size_t i, n = 0;
	char *s;

	memset(rec_long, '\x01', sizeof(rec_long) - 1);
	rec_long[sizeof(rec_long) - 1] = '\0';
	for (i = 0; i < REC_NREASONS; i++)
		n += strlen(rec_reasons[i] != NULL ? rec_reasons[i] :
		    rec_long) + 1;
	s = xcalloc(1, n + 1);
	for (i = 0; i < REC_NREASONS; i++) {
		strcat(s, rec_reasons[i] != NULL ? rec_reasons[i] : rec_long);
		strcat(s, "\n");
	}
	return s;
}

/* report_risks_of() as the engine sets it: every device a score and
 * the reasons above; the engineering host's score unknown (-1). */
static int
rec_risks(struct state *st, const struct device *const *devs,
    const struct bl_dev *const *bls, size_t n, struct brain_risk **out,
    size_t *nout, FILE *err)
{
	struct brain_risk *r;
	size_t i;

	(void)st;
	(void)bls;
	(void)err;
	r = xcalloc(n ? n : 1, sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].id = devs[i]->id;
		r[i].risk = memcmp(devs[i]->mac, MAC_ENG, 6) == 0 ? -1 : 100;
		r[i].nreasons = REC_NREASONS;
		r[i].reasons = rec_reasons_text();
	}
	*out = r;
	*nout = n;
	return 0;
}

static void
assert_reasons(const char *path)
{
	size_t i;

	assert_int_equal(jv_count(path), REC_NREASONS);
	for (i = 0; i < REC_NREASONS; i++) {
		const char *s = rec_reasons[i] != NULL ? rec_reasons[i] :
		    rec_long;

		assert_jv_str(path, i, s, strlen(s));
	}
}

/* Bytes escaping expands most (to \u00XX): control bytes, and bytes
 * that are not UTF-8. */
static const uint8_t rec_worst[] = { 0x01, 0x1f, 0x80, 0xff, 0x1e, 0xc0,
    0xfe, 0x02 };

static void
rec_fill(char *s, size_t size, size_t seed, bool worst)
{
	static const char mixed[] = "\"\\\t\n\r\b\f\x01\xc3\xa9\"\\/\x7f";
	size_t i;

	for (i = 0; i + 1 < size; i++)
		s[i] = worst ? (char)rec_worst[(i + seed) %
		    sizeof(rec_worst)] : mixed[(i + seed) % (sizeof(mixed) -
		    1)];
	s[size - 1] = '\0';
	/* Unique per entry: its first bytes. */
	s[0] = (char)(0x01 + seed);
}

/* Entries of the longest texts (what a state row may hold: peer, zone,
 * app to their last byte before the NUL) and numbers at their
 * longest; worst: bytes that each escape to six, and the longest of
 * our words. */
static void
rec_tab(struct peer_tab *t, size_t n, bool worst)
{
	struct peer_ent e;
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		rec_fill(e.peer, sizeof(e.peer), i, worst);
		rec_fill(e.zone, sizeof(e.zone), i + 3, worst);
		rec_fill(e.app, sizeof(e.app), i + 5, worst);
		e.vlan = -1;
		if (worst) {		/* "initiated", "udp/ephemeral" */
			e.dir = PEERS_INITIATED;
			e.proto = i % 2 == 0 ? 17 : 6;
			e.port = 0;
		} else {
			e.dir = (uint8_t)(i & 1);
			e.proto = i % 3 == 0 ? 6 : i % 3 == 1 ? 17 : 132;
			e.port = (uint16_t)(49151 - i);
		}
		e.flows = UINT64_MAX - i;
		e.packets = UINT64_MAX - i;
		e.bytes = UINT64_MAX - i;	/* the order: i */
		e.first_us = e.last_us = 20 * SEC;
		assert_int_equal(peers_add(t, PEERS_MAX_MAX, &e), 1);
	}
	t->dropped = UINT64_MAX - 1;
}

/* The "peers" of the snapshot checked last are t's top 8, as they
 * were: every text unescaped equals the entry's. */
static void
assert_peers(const struct peer_tab *t)
{
	size_t i;

	assert_int_equal(jv_count(".device.peers[].peer"), PEERS_RECORD_TOP);
	for (i = 0; i < PEERS_RECORD_TOP; i++) {
		const struct peer_ent *e = &t->v[i];

		assert_jv_str(".device.peers[].peer", i, e->peer,
		    strlen(e->peer));
		assert_jv_str(".device.peers[].zone", i, e->zone,
		    strlen(e->zone));
		assert_jv_str(".device.peers[].app_proto", i, e->app,
		    strlen(e->app));
		assert_jv_uint(".device.peers[].bytes", i, e->bytes);
		assert_jv_uint(".device.peers[].flows", i, e->flows);
		assert_jv_uint(".device.peers[].packets", i, e->packets);
	}
	assert_jv_uint(".device.peers_total.kept", 0, t->n);
	assert_jv_uint(".device.peers_total.dropped", 0, t->dropped);
}

/*
 * A device record's "peers" and "risk", each written in one run
 * (brain_peers_record(), brain_risk_json()) sized before the run from
 * the worst case: driven at their worst through the brain, every
 * record line is valid JSON and every value reads back as it was.
 *
 * Run 1 (flows): the pump talks to ten devices of a zone whose name is
 * at its longest, over the longest application protocol name.  Then
 * the state gets, as the stored peers of two devices, entries whose
 * texts are at their longest: bytes that each escape to six for the
 * monitor, quotes, backslashes, control bytes and UTF-8 for the
 * engineering host.  Run 2 loads them, and its snapshot has each
 * device's risk (a score of 100, one run; the host's unknown, the
 * writer's calls) with reasons of what escaping expands.
 */
static void
test_record_worst_case(void **state)
{
	char tmpl[] = "/tmp/ww-brain-XXXXXX", db[128], zname[ZONE_NAME_MAX];
	char ip[32], path[160];
	struct brain_queue q = { 0 };
	struct state_peers sp[2];
	struct peer_tab tw, tm;
	struct brain_dev *n;
	struct state *st;
	struct zones *z;
	struct fix *x;
	const char *app = NULL, *s;
	uint64_t id_mon, id_eng;
	uint8_t app_id = 0, peer[6] = { 0x00, 0x11, 0x22, 0x00, 0x10, 0 };
	unsigned i;

	(void)state;
	/* The checker takes JSON, and refuses what is not. */
	assert_int_equal(json_str("{\"a\":[1,-0.5e+3,\"\\u00e9\\ud83d"
	    "\\ude00\",true,null,{}]}"), 0);
	assert_int_equal(json_str("{\"a\":\"\x01\"}"), -1);
	assert_int_equal(json_str("{\"a\":\"\xff\"}"), -1);
	assert_int_equal(json_str("{\"a\":\"\xed\xa0\x80\"}"), -1);
	assert_int_equal(json_str("{\"a\":\"\\ud800\"}"), -1);
	assert_int_equal(json_str("{\"a\":\"\\x\"}"), -1);
	assert_int_equal(json_str("{\"a\":[1,]}"), -1);
	assert_int_equal(json_str("{\"a\":01}"), -1);
	assert_int_equal(json_str("{\"a\":1}}"), -1);
	assert_int_equal(json_str("{\"a\":1"), -1);
	assert_int_equal(json_str("[\"\\\"\",\"b\"]"), 0);
	assert_jv_str("[]", 0, "\"", 1);
	assert_non_null(mkdtemp(tmpl));
	snprintf(db, sizeof(db), "%s/state.db", tmpl);
	/* The longest zone name a configuration takes. */
	memset(zname, 'w', sizeof(zname) - 1);
	zname[sizeof(zname) - 1] = '\0';
	memcpy(zname, "Ward_7-icu.", 11);
	assert_int_equal(strlen(zname), PEERS_ZONE_MAX - 1);
	z = zones_new();
	assert_true(zones_add_vlan(z, zones_add(z, zname), 20) == 0);
	for (i = 1; i < 256 && (s = app_proto_name(i)) != NULL; i++)
		if (app == NULL || strlen(s) > strlen(app)) {
			app = s;
			app_id = (uint8_t)i;
		}
	assert_non_null(app);

	x = fix_new(db, 1);
	x->b->zones = z;
	for (i = 0; i < 10; i++) {
		peer[5] = (uint8_t)(i + 1);
		snprintf(ip, sizeof(ip), "10.20.1.%u", i + 1);
		flow_app(&q, 1 * SEC + i, 20, MAC_PUMP, "10.20.0.50", peer,
		    ip, (uint16_t)(49151 - i), app_id, 1000000 - i);
	}
	flow(&q, 2 * SEC, 20, MAC_MON, "10.20.0.9", MAC_ENG, "10.20.0.3",
	    2575);
	brain_sync(x->b, 0, 3 * SEC, &q);
	brain_finish(x->b, 4 * SEC);
	check_all_lines(&x->out);
	snapshot_of(&x->out, "00:40:c1:00:00:01");
	assert_int_equal(jv_count(".device.peers[].peer"), PEERS_RECORD_TOP);
	for (i = 0; i < PEERS_RECORD_TOP; i++) {
		snprintf(path, sizeof(path), "mac:00:11:22:00:10:%02x", i + 1);
		assert_jv_str(".device.peers[].peer", i, path, strlen(path));
		assert_jv_str(".device.peers[].zone", i, zname, strlen(zname));
		assert_jv_str(".device.peers[].app_proto", i, app,
		    strlen(app));
	}
	assert_jv_uint(".device.peers_total.kept", 0, 10);
	assert_non_null(n = find_dev(x->b, MAC_MON));
	id_mon = n->d.id;
	assert_non_null(n = find_dev(x->b, MAC_ENG));
	id_eng = n->d.id;
	assert_true(id_mon != 0 && id_eng != 0);
	x->b->zones = x->b->own_zones;
	fix_free(x);

	/* The stored peers of the monitor and the host, at their worst. */
	rec_tab(&tw, 10, true);
	rec_tab(&tm, 9, false);
	memset(sp, 0, sizeof(sp));
	sp[0].device_id = id_mon;
	sp[0].zone = zname;
	sp[0].tab = &tw;
	sp[1].device_id = id_eng;
	sp[1].zone = zname;
	sp[1].tab = &tm;
	assert_non_null(st = state_open(db, stderr));
	assert_int_equal(state_save_peers(st, sp, 2, stderr), 0);
	state_close(st);

	x = fix_new(db, 1);
	x->b->zones = z;
	x->b->cfg.risks = rec_risks;
	brain_finish(x->b, 10 * SEC);
	dump(&x->out);
	assert_true(check_all_lines(&x->out) >= 3);
	snapshot_of(&x->out, "00:09:5c:00:00:02");
	assert_peers(&tw);
	assert_jv_uint(".device.risk.score", 0, 100);
	assert_reasons(".device.risk.reasons[]");
	snapshot_of(&x->out, "00:11:22:00:00:03");
	assert_peers(&tm);
	assert_int_equal(jv_count(".device.risk.score"), 1);
	assert_string_equal(jv_at(".device.risk.score", 0)->val, "-1");
	assert_reasons(".device.risk.reasons[]");
	snapshot_of(&x->out, "00:40:c1:00:00:01");
	assert_jv_uint(".device.risk.score", 0, 100);
	assert_reasons(".device.risk.reasons[]");
	x->b->zones = x->b->own_zones;
	zones_free(z);
	peers_clear(&tw);
	peers_clear(&tm);
	brain_queue_free(&q);
	fix_free(x);
	snprintf(path, sizeof(path), "rm -rf %s", tmpl);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dhcp_identity_and_ip_change),
		cmocka_unit_test(test_router),
		cmocka_unit_test(test_broadcast_is_no_device),
		cmocka_unit_test(test_broadcast_subnet_sizes),
		cmocka_unit_test(test_null_and_random_mac),
		cmocka_unit_test(test_hypervisor_is_no_vendor),
		cmocka_unit_test(test_router_relay_gateway),
		cmocka_unit_test(test_server_seen_from_other_vlan),
		cmocka_unit_test(test_worker_split_invariance),
		cmocka_unit_test(test_brain_thread_same_records),
		cmocka_unit_test(test_brain_handover_whole),
		cmocka_unit_test(test_brain_order_events),
		cmocka_unit_test(test_brain_memo_evicted),
		cmocka_unit_test(test_brain_evict_wants),
		cmocka_unit_test(test_brain_offline_wait),
		cmocka_unit_test(test_dicom_roles_and_eui64),
		cmocka_unit_test(test_hl7_hub),
		cmocka_unit_test(test_persistence_and_alerts),
		cmocka_unit_test(test_medical_vlan_alert),
		cmocka_unit_test(test_alert_records),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_fingerprints_local_and_builtin),
		cmocka_unit_test(test_address_table_bounded),
		cmocka_unit_test(test_routed_then_mac),
		cmocka_unit_test(test_explain_window),
		cmocka_unit_test(test_zone_reload),
		cmocka_unit_test(test_service_keys),
		cmocka_unit_test(test_moved_not_new),
		cmocka_unit_test(test_router_own_address),
		cmocka_unit_test(test_record_worst_case),
	};

	log_init(0, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
