/*
 * brain-net.c - what DHCP and broadcasts taught the brain about the
 * network, kept in the state so that a continued run starts with it:
 * the gateway addresses (option 3) and their VLANs, the client subnets
 * (option 1) and their VLANs, and the addresses that frames to the
 * Ethernet broadcast went to.  Without them a continued run that sees
 * no DHCP exchange takes a known subnet's broadcast address, reached
 * through a router, for a new device and alerts on it.
 *
 * Three metadata keys, written when a table changed:
 *	net.gateways	"10.40.0.1@40 10.20.0.1@-" (VLAN, or "-": not known)
 *	net.subnets	"10.40.0.0/24@40 10.50.0.0/23@-"
 *	net.broadcasts	"10.20.0.255 192.168.1.255"
 * A value that does not parse is said once and the entry skipped: the
 * brain learns it again from traffic.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/brain-int.h"
#include "util/log.h"

#define NET_VALUE_MAX	16384	/* the largest of the three, with room */

static const char *const net_keys[] = {
	"net.gateways", "net.subnets", "net.broadcasts",
};

/* Append "tok " to buf; false when it would not fit. */
static bool
net_put(char *buf, size_t len, size_t *off, const char *tok)
{
	size_t n = strlen(tok);

	if (*off + n + 2 > len)
		return false;
	if (*off > 0)
		buf[(*off)++] = ' ';
	memcpy(buf + *off, tok, n + 1);
	*off += n;
	return true;
}

static void
net_vlan_fmt(char *buf, size_t len, bool known, uint16_t vlan)
{
	if (known)
		snprintf(buf, len, "@%u", (unsigned)vlan);
	else
		strlcpy(buf, "@-", len);
}

static void
net_ip4_fmt(uint32_t a, char *buf, size_t len)
{
	struct in_addr in;

	in.s_addr = htonl(a);
	if (inet_ntop(AF_INET, &in, buf, (socklen_t)len) == NULL)
		strlcpy(buf, "?", len);
}

/* One value per table into v[0..2] (each NET_VALUE_MAX). */
static void
net_format(const struct brain *b, char v[3][NET_VALUE_MAX])
{
	char ip[64], tok[96], vl[16];
	size_t i, off;

	off = 0;
	v[0][0] = '\0';
	for (i = 0; i < b->ngw; i++) {
		dev_ip_format(&b->gw[i].ip, ip, sizeof(ip));
		net_vlan_fmt(vl, sizeof(vl), b->gw[i].vlan_known,
		    b->gw[i].vlan);
		snprintf(tok, sizeof(tok), "%s%s", ip, vl);
		if (!net_put(v[0], NET_VALUE_MAX, &off, tok))
			break;
	}
	off = 0;
	v[1][0] = '\0';
	for (i = 0; i < b->nsubnet; i++) {
		net_ip4_fmt(b->subnet[i].net, ip, sizeof(ip));
		net_vlan_fmt(vl, sizeof(vl), b->subnet[i].vlan_known,
		    b->subnet[i].vlan);
		snprintf(tok, sizeof(tok), "%s/%u%s", ip,
		    (unsigned)b->subnet[i].plen, vl);
		if (!net_put(v[1], NET_VALUE_MAX, &off, tok))
			break;
	}
	off = 0;
	v[2][0] = '\0';
	for (i = 0; i < b->nbcast; i++) {
		net_ip4_fmt(b->bcast[i], ip, sizeof(ip));
		if (!net_put(v[2], NET_VALUE_MAX, &off, ip))
			break;
	}
}

void
brain_net_save(struct brain *b)
{
	char (*v)[NET_VALUE_MAX];
	size_t i;
	bool ok = true;

	if (b->state == NULL || !b->net_changed)
		return;
	v = xreallocarray(NULL, 3, sizeof(*v));
	net_format(b, v);
	for (i = 0; i < 3; i++)
		if (state_meta_set(b->state, net_keys[i], v[i]) != 0)
			ok = false;	/* tried again at the next save */
	free(v);
	if (ok)
		b->net_changed = false;
}

/* "@40" or "@-" at s; false if neither. */
static bool
net_vlan_parse(const char *s, bool *known, uint16_t *vlan)
{
	char *end;
	unsigned long v;

	if (s[0] != '@')
		return false;
	if (strcmp(s + 1, "-") == 0) {
		*known = false;
		*vlan = 0;
		return true;
	}
	if (s[1] < '0' || s[1] > '9')
		return false;
	errno = 0;
	v = strtoul(s + 1, &end, 10);
	if (errno != 0 || *end != '\0' || v > 4095)
		return false;
	*known = true;
	*vlan = (uint16_t)v;
	return true;
}

static bool
net_ip4_parse(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return false;
	*a = ntohl(in.s_addr);
	return true;
}

/* One entry of table k; false if it does not parse. */
static bool
net_load_one(struct brain *b, int k, char *tok)
{
	char *at, *sl, *end;
	unsigned long plen;
	uint32_t a, m;
	size_t i;

	switch (k) {
	case 0: {
		struct brain_gw g;

		if ((at = strrchr(tok, '@')) == NULL ||
		    !net_vlan_parse(at, &g.vlan_known, &g.vlan))
			return false;
		*at = '\0';
		memset(&g.ip, 0, sizeof(g.ip));
		if (dev_ip_parse(tok, &g.ip) != 0)
			return false;
		for (i = 0; i < b->ngw; i++)
			if (memcmp(&b->gw[i].ip, &g.ip, sizeof(g.ip)) == 0)
				return true;
		if (b->ngw < BRAIN_MAX_GATEWAYS)
			b->gw[b->ngw++] = g;
		return true;
	}
	case 1: {
		struct brain_subnet sn;

		if ((at = strrchr(tok, '@')) == NULL ||
		    !net_vlan_parse(at, &sn.vlan_known, &sn.vlan))
			return false;
		*at = '\0';
		if ((sl = strchr(tok, '/')) == NULL)
			return false;
		*sl++ = '\0';
		errno = 0;
		plen = strtoul(sl, &end, 10);
		if (errno != 0 || *end != '\0' || plen < 1 || plen > 32 ||
		    *sl < '0' || *sl > '9' || !net_ip4_parse(tok, &a))
			return false;
		m = plen == 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
		if ((a & m) != a)
			return false;
		sn.net = a;
		sn.plen = (uint8_t)plen;
		for (i = 0; i < b->nsubnet; i++)
			if (b->subnet[i].net == a && b->subnet[i].plen == plen)
				return true;
		if (b->nsubnet < BRAIN_MAX_SUBNETS)
			b->subnet[b->nsubnet++] = sn;
		return true;
	}
	default:
		if (!net_ip4_parse(tok, &a))
			return false;
		for (i = 0; i < b->nbcast; i++)
			if (b->bcast[i] == a)
				return true;
		if (b->nbcast < BRAIN_MAX_BROADCASTS)
			b->bcast[b->nbcast++] = a;
		return true;
	}
}

void
brain_net_load(struct brain *b)
{
	char *buf, *tok, *save;
	int k, r;
	bool bad;

	if (b->state == NULL)
		return;
	buf = xcalloc(1, NET_VALUE_MAX);
	for (k = 0; k < 3; k++) {
		if ((r = state_meta_get(b->state, net_keys[k], buf,
		    NET_VALUE_MAX)) != 0) {
			if (r < 0)
				log_warnx("state: %s: %s; learnt again from "
				    "traffic", net_keys[k],
				    state_errmsg(b->state));
			continue;
		}
		bad = false;
		for (tok = strtok_r(buf, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save))
			if (!net_load_one(b, k, tok))
				bad = true;
		if (bad)
			log_warnx("state: %s: entries that do not parse "
			    "were skipped", net_keys[k]);
	}
	free(buf);
	b->net_changed = false;
	brain_net_index(b);
}
