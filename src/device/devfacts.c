/*
 * devfacts.c - turn flows and application facts into device events.
 *
 * Runs in the workers.  Each fact says something about one end of a
 * flow (the sender of an HL7 message, the acceptor of a DICOM
 * association, the client a DHCP request names by its hardware
 * address); this file knows which, and which evidence key it is
 * (profiles/README.md).  It copies short strings only, cut to
 * DEV_VALUE_MAX and with control characters replaced; facts never
 * carry patient data, and nothing here adds any.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/evidence.h"
#include "app/dhcp.h"
#include "app/dicom.h"
#include "app/dns.h"
#include "app/hl7.h"
#include "app/http.h"
#include "app/lldp.h"
#include "app/mqtt.h"
#include "app/ssdp.h"
#include "app/ssh.h"
#include "app/tls.h"
#include "decode/packet.h"
#include "device/brain.h"
#include "device/devfacts.h"
#include "flow/flow.h"
#include "util/util.h"

#define DEVFACTS_MAX_SOP	8	/* SOP classes per association */
#define DEVFACTS_MAX_QUERIES	4	/* DNS names per message */

#define SIDE_CLIENT	0
#define SIDE_SERVER	1

static uint64_t
devfacts_fkey(const struct flow *f)
{
	uint64_t h = 14695981039346656037ull;
	const uint8_t *parts[2] = { f->cli_ip, f->srv_ip };
	size_t i, j;

	for (j = 0; j < 2; j++)
		for (i = 0; i < 16; i++)
			h = (h ^ parts[j][i]) * 1099511628211ull;
	h = (h ^ f->cli_port) * 1099511628211ull;
	h = (h ^ f->srv_port) * 1099511628211ull;
	h = (h ^ f->proto) * 1099511628211ull;
	for (i = 0; i < f->vlan_cnt; i++)
		h = (h ^ f->vlan[i]) * 1099511628211ull;
	return h ^ f->ts_first;
}

static void
devfacts_end(const struct flow *f, int side, struct brain_end *e)
{
	const uint8_t *ip = side == SIDE_CLIENT ? f->cli_ip : f->srv_ip;

	if (f->has_mac) {
		memcpy(e->mac, side == SIDE_CLIENT ? f->cli_mac : f->srv_mac,
		    6);
		e->has_mac = true;
	}
	if (f->ipver == 4) {
		dev_ip_from4(&e->ip, ip);
		e->has_ip = true;
	} else if (f->ipver == 6) {
		dev_ip_from6(&e->ip, ip);
		e->has_ip = true;
	}
}

static struct brain_ev *
devfacts_new(struct brain_queue *q, struct flow *f, const struct packet *p,
    enum brain_ev_kind kind, int side)
{
	struct brain_ev *ev;

	if ((ev = brain_queue_add(q)) == NULL)
		return NULL;
	ev->kind = (uint8_t)kind;
	ev->ts_us = p != NULL ? p->ts_us : f->ts_last;
	ev->pcap_cnt = p != NULL ? p->pcap_cnt : 0;
	ev->fkey = devfacts_fkey(f);
	ev->seq = f->dev_seq++;
	ev->proto = f->proto;
	ev->vlan = f->vlan_cnt > 0 ? f->vlan[f->vlan_cnt - 1] : 0;
	ev->sport = f->cli_port;
	ev->dport = f->srv_port;
	devfacts_end(f, side, &ev->end[0]);
	devfacts_end(f, !side, &ev->end[1]);
	return ev;
}

/* Printable, trimmed, cut: evidence values are names, not data. */
static void
devfacts_copy(char *dst, const char *src, size_t srclen)
{
	size_t i, n = 0;

	while (srclen > 0 && (*src == ' ' || *src == '\t')) {
		src++;
		srclen--;
	}
	for (i = 0; i < srclen && src[i] != '\0' && n < DEV_VALUE_MAX - 1;
	    i++) {
		unsigned char c = (unsigned char)src[i];

		dst[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\t'))
		n--;
	dst[n] = '\0';
}

static void
devfacts_evn(struct brain_queue *q, struct flow *f, const struct packet *p,
    int side, enum evidence_key key, const char *value, size_t len)
{
	struct brain_ev *ev;
	char v[DEV_VALUE_MAX];

	devfacts_copy(v, value, len);
	if (v[0] == '\0')
		return;
	if ((ev = devfacts_new(q, f, p, BRAIN_EV_EVIDENCE, side)) == NULL)
		return;
	ev->key = (uint8_t)key;
	strlcpy(ev->value, v, sizeof(ev->value));
}

static void
devfacts_ev(struct brain_queue *q, struct flow *f, const struct packet *p,
    int side, enum evidence_key key, const char *value)
{
	devfacts_evn(q, f, p, side, key, value, strlen(value));
}

static void
devfacts_hl7(struct brain_queue *q, struct flow *f, const struct packet *p,
    int dir, const struct hl7_facts *h)
{
	static const enum evidence_key eui64[] = {
		[HL7_DEV_MSH3] = EVIDENCE_HL7_MSH3_EUI64,
		[HL7_DEV_PRT] = EVIDENCE_HL7_PRT_EUI64,
		[HL7_DEV_OBX18] = EVIDENCE_HL7_OBX18_EUI64,
		[HL7_DEV_EQU1] = EVIDENCE_HL7_EQU1_EUI64,
	};
	int tx = dir == APP_DIR_TOSERVER ? SIDE_CLIENT : SIDE_SERVER;
	bool ack = strcmp(h->message_type, "ACK") == 0;
	char buf[64], ip[UTIL_ADDRBUF];
	const struct hl7_device *d;
	unsigned i;

	devfacts_ev(q, f, p, tx, EVIDENCE_HL7_SENDING_APP, h->sending_app.namespace_id);
	if (strcasecmp(h->sending_app.universal_id_type, "EUI-64") != 0)
		devfacts_ev(q, f, p, tx, EVIDENCE_HL7_SENDING_APP,
		    h->sending_app.universal_id);
	devfacts_ev(q, f, p, tx, EVIDENCE_HL7_SENDING_FACILITY,
	    h->sending_fac.namespace_id);
	devfacts_ev(q, f, p, !tx, EVIDENCE_HL7_RECEIVING_APP,
	    h->receiving_app.namespace_id);
	if (h->message_type[0] != '\0') {
		if (h->trigger_event[0] != '\0')
			snprintf(buf, sizeof(buf), "%s^%s", h->message_type,
			    h->trigger_event);
		else
			strlcpy(buf, h->message_type, sizeof(buf));
		devfacts_ev(q, f, p, tx, EVIDENCE_HL7_MESSAGE_TYPE, buf);
	}
	devfacts_ev(q, f, p, tx, EVIDENCE_HL7_VERSION, h->version);
	devfacts_ev(q, f, p, tx, EVIDENCE_HL7_PROFILE, h->profile);
	devfacts_ev(q, f, p, tx, EVIDENCE_HL7_PROFILE, h->profile_oid);
	if (!ack) {
		devfacts_ev(q, f, p, tx, EVIDENCE_BEHAVIOUR, "hl7_sender");
		devfacts_ev(q, f, p, !tx, EVIDENCE_BEHAVIOUR, "hl7_receiver");
		if (f->ipver == 4 || f->ipver == 6) {
			util_format_ip(f->ipver, tx == SIDE_CLIENT ?
			    f->cli_ip : f->srv_ip, ip);
			devfacts_ev(q, f, p, !tx, EVIDENCE_HL7_FROM, ip);
		}
	}
	for (i = 0; i < h->n_devices; i++) {
		d = &h->devices[i];
		if (d->eui64) {
			/* hl7.c gives no other source. */
			if (d->source < sizeof(eui64) / sizeof(eui64[0]))
				devfacts_ev(q, f, p, tx, eui64[d->source],
				    d->hd.universal_id[0] ?
				    d->hd.universal_id : d->id);
		} else if (d->source == HL7_DEV_PRT && d->field == 20)
			devfacts_ev(q, f, p, tx, EVIDENCE_HL7_SERIAL, d->id);
		else
			devfacts_ev(q, f, p, tx, EVIDENCE_HL7_EQUIPMENT, d->id);
		devfacts_ev(q, f, p, tx, EVIDENCE_HL7_EQUIPMENT, d->hd.namespace_id);
	}
	for (i = 0; i < h->n_obs; i++) {
		devfacts_ev(q, f, p, tx, EVIDENCE_HL7_OBSERVATION, h->obs[i].code);
		devfacts_ev(q, f, p, tx, EVIDENCE_HL7_OBSERVATION, h->obs[i].name);
	}
}

static void
devfacts_dicom_user(struct brain_queue *q, struct flow *f,
    const struct packet *p, int side, const struct dicom_user_info *u)
{
	if (!u->seen)
		return;
	devfacts_ev(q, f, p, side, EVIDENCE_DICOM_IMPL_CLASS_UID, u->impl_class_uid);
	devfacts_ev(q, f, p, side, EVIDENCE_DICOM_IMPL_VERSION, u->impl_version);
}

/*
 * Accepting an association makes a host a DICOM service provider
 * (a PACS, an archive, a workstation) unless all it offered is
 * Verification or Storage Commitment, which modalities accept too.
 */
static bool
devfacts_scp(const struct dicom_assoc *a)
{
	size_t i;

	for (i = 0; i < a->n_pctx; i++)
		if (strcmp(a->pctx[i].abstract_syntax, "1.2.840.10008.1.1") &&
		    strcmp(a->pctx[i].abstract_syntax,
		    "1.2.840.10008.1.20.1"))
			return true;
	return false;
}

static void
devfacts_dicom(struct brain_queue *q, struct flow *f, const struct packet *p,
    int dir, const struct dicom_fact *df)
{
	const struct dicom_assoc *a;
	const struct dicom_equipment *e;
	int tx = dir == APP_DIR_TOSERVER ? SIDE_CLIENT : SIDE_SERVER;
	size_t i;

	switch (df->type) {
	case DICOM_FACT_ASSOC:
		/* The requestor is the TCP client (PS3.8 9.1.1). */
		a = df->u.assoc;
		if (a->have_rq) {
			devfacts_ev(q, f, p, SIDE_CLIENT, EVIDENCE_DICOM_CALLING_AE,
			    a->calling_ae);
			devfacts_ev(q, f, p, SIDE_SERVER, EVIDENCE_DICOM_CALLED_AE,
			    a->called_ae);
			devfacts_dicom_user(q, f, p, SIDE_CLIENT, &a->rq);
			for (i = 0; i < a->n_pctx && i < DEVFACTS_MAX_SOP; i++)
				devfacts_ev(q, f, p, SIDE_CLIENT,
				    EVIDENCE_DICOM_SOP_CLASS,
				    a->pctx[i].abstract_syntax);
		}
		if (a->have_ac)
			devfacts_dicom_user(q, f, p, SIDE_SERVER, &a->ac);
		if (a->result == DICOM_ASSOC_ACCEPTED && devfacts_scp(a)) {
			devfacts_ev(q, f, p, SIDE_SERVER, EVIDENCE_BEHAVIOUR,
			    "dicom_scp");
			devfacts_ev(q, f, p, SIDE_CLIENT, EVIDENCE_BEHAVIOUR,
			    "dicom_scu");
		}
		break;
	case DICOM_FACT_COMMAND:
		if (!(df->u.command->flags & DICOM_CMD_HAS_EQUIPMENT))
			break;
		e = &df->u.command->equipment;
		devfacts_ev(q, f, p, tx, EVIDENCE_DICOM_MODALITY, e->modality);
		devfacts_ev(q, f, p, tx, EVIDENCE_DICOM_MANUFACTURER, e->manufacturer);
		devfacts_ev(q, f, p, tx, EVIDENCE_DICOM_MODEL, e->model);
		devfacts_ev(q, f, p, tx, EVIDENCE_DICOM_SOFTWARE,
		    e->software_versions);
		devfacts_ev(q, f, p, tx, EVIDENCE_DICOM_SERIAL, e->serial_number);
		devfacts_ev(q, f, p, tx, EVIDENCE_HOSTNAME_DICOM, e->station_name);
		devfacts_ev(q, f, p, tx, EVIDENCE_DICOM_SOP_CLASS, e->sop_class_uid);
		break;
	default:
		break;
	}
}

/*
 * Evidence from a DHCP request: about the hardware address it carries,
 * which is not the packet's source when a relay forwarded it.
 */
static void
devfacts_dhcp_ev(struct brain_queue *q, struct flow *f,
    const struct packet *p, const struct dhcp_facts *d, bool relayed,
    enum evidence_key key, const uint8_t *val, size_t len)
{
	struct brain_ev *ev;
	size_t before = q->n;

	devfacts_evn(q, f, p, SIDE_CLIENT, key, (const char *)val, len);
	if (q->n == before)
		return;
	ev = &q->ev[q->n - 1];
	memset(&ev->end[0], 0, sizeof(ev->end[0]));
	memcpy(ev->end[0].mac, d->chaddr, 6);
	ev->end[0].has_mac = true;
	if (relayed)
		ev->vlan = BRAIN_VLAN_RELAYED;
}

static void
devfacts_dhcp(struct brain_queue *q, struct flow *f, const struct packet *p,
    int dir, const struct dhcp_facts *d)
{
	static const uint8_t zero[4];
	struct brain_ev *ev;
	char buf[DEV_VALUE_MAX];
	size_t i, n;
	bool relayed = memcmp(d->giaddr, zero, 4) != 0;

	if (d->op == 2) {
		devfacts_ev(q, f, p, dir == APP_DIR_TOSERVER ? SIDE_CLIENT :
		    SIDE_SERVER, EVIDENCE_BEHAVIOUR, "dhcp_server");
		/* Option 3: the gateways' own addresses. */
		for (i = 0; i < d->n_routers && i < DHCP_MAX_ADDRS; i++) {
			if ((ev = devfacts_new(q, f, p, BRAIN_EV_ROUTER_IP,
			    0)) == NULL)
				break;
			memset(ev->end, 0, sizeof(ev->end));
			dev_ip_from4(&ev->end[0].ip, d->routers[i]);
			ev->end[0].has_ip = true;
		}
		if (d->msg_type != 5 || !d->has_mac ||
		    memcmp(d->yiaddr, zero, 4) == 0)
			return;
		/* DHCPACK: the client's address. */
		if ((ev = devfacts_new(q, f, p, BRAIN_EV_LEASE, 0)) == NULL)
			return;
		memset(ev->end, 0, sizeof(ev->end));
		memcpy(ev->end[0].mac, d->chaddr, 6);
		ev->end[0].has_mac = true;
		dev_ip_from4(&ev->end[0].ip, d->yiaddr);
		ev->end[0].has_ip = true;
		if (relayed)
			ev->vlan = BRAIN_VLAN_RELAYED;
		return;
	}
	if (d->op != 1 || !d->has_mac)
		return;
	if (d->has_hostname)
		devfacts_dhcp_ev(q, f, p, d, relayed, EVIDENCE_HOSTNAME_DHCP,
		    d->hostname, d->hostname_len);
	if (d->has_fqdn)
		devfacts_dhcp_ev(q, f, p, d, relayed, EVIDENCE_HOSTNAME_FQDN,
		    d->fqdn, d->fqdn_len);
	if (d->has_vendor_class)
		devfacts_dhcp_ev(q, f, p, d, relayed, EVIDENCE_DHCP_VENDOR_CLASS,
		    d->vendor_class, d->vendor_class_len);
	if (d->has_params) {
		for (i = n = 0; i < d->n_params && n + 5 < sizeof(buf); i++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u",
			    i ? "," : "", d->params[i]);
		devfacts_dhcp_ev(q, f, p, d, relayed, EVIDENCE_DHCP_PARAMS,
		    (const uint8_t *)buf, n);
	}
}

bool
devfacts_service(const char *name, char *out, size_t len)
{
	const char *t = strstr(name, "._tcp.");
	const char *u = strstr(name, "._udp.");
	const char *e = t != NULL ? t : u;
	const char *s;

	/* "._tcp.local" has no service label to look back into. */
	if (e == NULL || e == name)
		return false;
	e += 5;		/* "._tcp" */
	/* The service is the two labels before the protocol's end. */
	for (s = e - 6; s > name && s[-1] != '.'; s--)
		;
	if (s[0] != '_' || strncmp(s, "_services", 9) == 0)
		return false;
	if ((size_t)(e - s) >= len)
		return false;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return true;
}

static void
devfacts_first_label(char *out, size_t len, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t n = dot != NULL ? (size_t)(dot - name) : strlen(name);

	if (n >= len)
		n = len - 1;
	memcpy(out, name, n);
	out[n] = '\0';
}

static void
devfacts_dns(struct brain_queue *q, struct flow *f, const struct packet *p,
    int dir, const struct dns_facts *d, bool mdns)
{
	int tx = dir == APP_DIR_TOSERVER ? SIDE_CLIENT : SIDE_SERVER;
	char buf[DEV_VALUE_MAX];
	const struct dns_rr *rr;
	size_t i;
	bool response = (d->flags & 0x8000) != 0;

	if (!mdns) {
		if (response)
			devfacts_ev(q, f, p, tx, EVIDENCE_BEHAVIOUR, "dns_server");
		else
			for (i = 0; i < d->n_queries &&
			    i < DEVFACTS_MAX_QUERIES; i++)
				devfacts_ev(q, f, p, tx, EVIDENCE_DNS_QUERY,
				    d->queries[i].name.text);
		return;
	}
	if (!response)
		return;
	/* mDNS answers: what the sender is and offers. */
	for (i = 0; i < d->n_rrs; i++) {
		rr = &d->rrs[i];
		if (rr->type == DNS_TYPE_PTR && rr->has_rdata &&
		    devfacts_service(rr->name.text, buf, sizeof(buf))) {
			devfacts_ev(q, f, p, tx, EVIDENCE_MDNS_SERVICE, buf);
			devfacts_first_label(buf, sizeof(buf),
			    (const char *)rr->rdata);
			if (strchr((const char *)rr->rdata, '.') != NULL)
				devfacts_ev(q, f, p, tx, EVIDENCE_MDNS_NAME, buf);
		} else if ((rr->type == DNS_TYPE_A ||
		    rr->type == DNS_TYPE_AAAA) && strstr(rr->name.text,
		    ".local") != NULL) {
			devfacts_first_label(buf, sizeof(buf), rr->name.text);
			devfacts_ev(q, f, p, tx, EVIDENCE_HOSTNAME_MDNS, buf);
		}
	}
}

void
devfacts_app(struct brain_queue *q, struct flow *f, const struct packet *p,
    enum app_proto proto, int dir, const void *fact)
{
	int tx = dir == APP_DIR_TOSERVER ? SIDE_CLIENT : SIDE_SERVER;
	const struct http_facts *h;
	const struct tls_fact *t;
	const struct ssh_fact *s;
	const struct mqtt_facts *m;
	const struct ssdp_facts *sd;

	switch (proto) {
	case APP_HL7:
		devfacts_hl7(q, f, p, dir, fact);
		break;
	case APP_DICOM:
		devfacts_dicom(q, f, p, dir, fact);
		break;
	case APP_DHCP:
		devfacts_dhcp(q, f, p, dir, fact);
		break;
	case APP_DNS:
		devfacts_dns(q, f, p, dir, fact, false);
		break;
	case APP_MDNS:
		devfacts_dns(q, f, p, dir, fact, true);
		break;
	case APP_HTTP:
		h = fact;
		if (h->has_request)
			devfacts_ev(q, f, p, SIDE_CLIENT, EVIDENCE_HTTP_USER_AGENT,
			    h->user_agent);
		if (h->has_response)
			devfacts_ev(q, f, p, SIDE_SERVER, EVIDENCE_HTTP_SERVER,
			    h->server);
		break;
	case APP_TLS:
		t = fact;
		if (t->s == NULL || !t->s->client.seen)
			break;
		devfacts_ev(q, f, p, SIDE_CLIENT, EVIDENCE_TLS_SNI, t->s->client.sni);
		devfacts_ev(q, f, p, SIDE_CLIENT, EVIDENCE_TLS_JA3,
		    t->s->client.ja3_hash);
		devfacts_ev(q, f, p, SIDE_CLIENT, EVIDENCE_TLS_JA4, t->s->client.ja4);
		break;
	case APP_SSH:
		s = fact;
		if (s->client != NULL && s->client->banner)
			devfacts_ev(q, f, p, SIDE_CLIENT, EVIDENCE_SSH_SOFTWARE,
			    s->client->software_version);
		if (s->client != NULL && s->client->kexinit)
			devfacts_ev(q, f, p, SIDE_CLIENT, EVIDENCE_SSH_HASSH,
			    s->client->hassh);
		if (s->server != NULL && s->server->banner)
			devfacts_ev(q, f, p, SIDE_SERVER, EVIDENCE_SSH_SOFTWARE,
			    s->server->software_version);
		break;
	case APP_MQTT:
		m = fact;
		if (m->has_connect)
			devfacts_ev(q, f, p, SIDE_CLIENT, EVIDENCE_MQTT_CLIENT_ID,
			    m->client_id);
		break;
	case APP_SSDP:
		sd = fact;
		if (sd->kind != SSDP_MSEARCH && sd->server.present)
			devfacts_ev(q, f, p, tx, EVIDENCE_SSDP_SERVER, sd->server.s);
		break;
	default:
		break;
	}
}

_Static_assert(APP_MAX <= UINT8_MAX + 1, "brain_ev.app is a uint8_t");
_Static_assert(EVIDENCE_MAX <= UINT8_MAX + 1, "brain_ev.key is a uint8_t");

void
devfacts_flow_end(struct brain_queue *q, struct flow *f)
{
	struct brain_ev *ev;

	if (f->ipver != 4 && f->ipver != 6)
		return;
	if ((ev = devfacts_new(q, f, NULL, BRAIN_EV_FLOW, SIDE_CLIENT)) ==
	    NULL)
		return;
	ev->app = (uint8_t)f->app_proto;
	ev->pkts[0] = f->pkts[0];
	ev->pkts[1] = f->pkts[1];
	ev->bytes[0] = f->bytes[0];
	ev->bytes[1] = f->bytes[1];
	ev->answered = f->pkts[1] > 0;
}

/*
 * LLDP and CDP: a device announcing itself to its switch (or the
 * switch itself).  Layer 2, so the capture thread calls this; the
 * subject is the frame's source MAC, with the first management
 * address when there is one.
 */

static void
devfacts_l2ev(struct brain_queue *q, const struct packet *p,
    const struct lldp_facts *l, uint32_t seq, enum evidence_key key,
    const char *value)
{
	struct brain_ev *ev;
	char v[DEV_VALUE_MAX];

	devfacts_copy(v, value, strlen(value));
	if (v[0] == '\0' || (ev = brain_queue_add(q)) == NULL)
		return;
	ev->kind = BRAIN_EV_EVIDENCE;
	ev->ts_us = p->ts_us;
	ev->pcap_cnt = p->pcap_cnt;
	ev->fkey = 0;
	ev->seq = seq;
	ev->vlan = p->vlan_cnt > 0 ? p->vlan[p->vlan_cnt - 1] : 0;
	memcpy(ev->end[0].mac, p->src_mac, 6);
	ev->end[0].has_mac = true;
	if (l->n_mgmt > 0 && l->mgmt[0].ipver == 4) {
		dev_ip_from4(&ev->end[0].ip, l->mgmt[0].a);
		ev->end[0].has_ip = true;
	} else if (l->n_mgmt > 0 && l->mgmt[0].ipver == 6) {
		dev_ip_from6(&ev->end[0].ip, l->mgmt[0].a);
		ev->end[0].has_ip = true;
	}
	ev->key = (uint8_t)key;
	strlcpy(ev->value, v, sizeof(ev->value));
}

void
devfacts_lldp(struct brain_queue *q, const struct packet *p,
    const struct lldp_facts *l)
{
	const char *cap;
	uint32_t seq = 0;
	unsigned i;

	if (!(p->flags & PKT_HAS_ETH))
		return;
	devfacts_l2ev(q, p, l, seq++, EVIDENCE_HOSTNAME_LLDP, l->system_name);
	devfacts_l2ev(q, p, l, seq++, EVIDENCE_LLDP_DESCRIPTION, l->system_desc);
	devfacts_l2ev(q, p, l, seq++, EVIDENCE_LLDP_PLATFORM, l->platform);
	for (i = 0; i < 16; i++)
		if ((l->caps_enabled & (1u << i)) &&
		    (cap = lldp_cap_name(l->proto, i)) != NULL)
			devfacts_l2ev(q, p, l, seq++, EVIDENCE_LLDP_CAPABILITY, cap);
	devfacts_l2ev(q, p, l, seq++, EVIDENCE_LLDP_MANUFACTURER, l->manufacturer);
	devfacts_l2ev(q, p, l, seq++, EVIDENCE_LLDP_MODEL, l->model);
	/* The software revision names what runs; firmware if it is all. */
	devfacts_l2ev(q, p, l, seq++, EVIDENCE_LLDP_SOFTWARE,
	    l->sw_rev[0] != '\0' ? l->sw_rev : l->fw_rev);
	devfacts_l2ev(q, p, l, seq++, EVIDENCE_LLDP_SERIAL, l->serial);
}
