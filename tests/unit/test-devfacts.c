/*
 * test-devfacts.c - application facts as device evidence.
 *
 * First each parser's facts op alone, through a sink that records what
 * it is told: every protocol's fact yields the expected (end, key,
 * value) evidence in the expected order, and DHCP its leases and
 * routers.  Then the sink devfacts.c gives parsers, through
 * devfacts_app() and devfacts_lldp(): events name the right host, carry
 * the evidence id, and values are trimmed, cut and cleaned of control
 * characters.  Last, mDNS service types, including names that start
 * with the protocol label (they once made the code read the byte before
 * the name).
 */
#include <config.h>

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/dhcp.h"
#include "app/dicom.h"
#include "app/dns.h"
#include "app/evidence.h"
#include "app/hl7.h"
#include "app/http.h"
#include "app/layer.h"
#include "app/lldp.h"
#include "app/login.h"
#include "app/mqtt.h"
#include "app/smb.h"
#include "app/ssdp.h"
#include "app/ssh.h"
#include "app/tls.h"
#include "decode/packet.h"
#include "device/brain.h"
#include "device/devfacts.h"
#include "flow/flow.h"
#include "util/util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define C	APP_END_CLIENT
#define S	APP_END_SERVER

/* ------------------------------------------------------------------ */
/* A sink that records. */

enum rec_kind { REC_EV, REC_MAC, REC_LEASE, REC_ROUTER, REC_SUBNET };

struct rec {
	enum rec_kind	 kind;
	int		 end;		/* REC_EV */
	int		 key;		/* REC_EV, REC_MAC */
	char		 value[128];	/* REC_EV, REC_MAC */
	uint8_t		 mac[6];	/* REC_MAC, REC_LEASE */
	bool		 relayed;	/* REC_MAC, REC_LEASE, ROUTER, SUBNET */
	uint8_t		 ip[4];		/* REC_LEASE, ROUTER, SUBNET */
	uint8_t		 mask[4];	/* REC_SUBNET */
};

struct recorder {
	struct rec	 r[64];
	size_t		 n;
	unsigned	 routers_room;	/* router() says no after these */
};

static struct rec *
rec_add(const struct app_sink *s, enum rec_kind kind)
{
	struct recorder *rc = s->arg;

	assert_true(rc->n < NELEM(rc->r));
	memset(&rc->r[rc->n], 0, sizeof(rc->r[0]));
	rc->r[rc->n].kind = kind;
	return &rc->r[rc->n++];
}

/* Empty values are dropped by the real sink: not recorded here. */
static void
rec_evidence(const struct app_sink *s, int end, enum evidence_key key,
    const char *value, size_t len)
{
	struct rec *r;

	if (len == 0 || value[0] == '\0')
		return;
	r = rec_add(s, REC_EV);
	r->end = end;
	r->key = (int)key;
	assert_true(len < sizeof(r->value));
	memcpy(r->value, value, len);
}

static void
rec_evidence_mac(const struct app_sink *s, const uint8_t mac[6],
    bool relayed, enum evidence_key key, const char *value, size_t len)
{
	struct rec *r = rec_add(s, REC_MAC);

	memcpy(r->mac, mac, 6);
	r->relayed = relayed;
	r->key = (int)key;
	assert_true(len < sizeof(r->value));
	memcpy(r->value, value, len);
}

static void
rec_lease(const struct app_sink *s, const uint8_t mac[6],
    const uint8_t ip[4], bool relayed)
{
	struct rec *r = rec_add(s, REC_LEASE);

	memcpy(r->mac, mac, 6);
	memcpy(r->ip, ip, 4);
	r->relayed = relayed;
}

static bool
rec_router(const struct app_sink *s, const uint8_t ip[4], bool relayed)
{
	struct recorder *rc = s->arg;
	struct rec *r;

	if (rc->routers_room == 0)
		return false;
	rc->routers_room--;
	r = rec_add(s, REC_ROUTER);
	memcpy(r->ip, ip, 4);
	r->relayed = relayed;
	return true;
}

static void
rec_subnet(const struct app_sink *s, const uint8_t mac[6],
    const uint8_t addr[4], const uint8_t mask[4], bool relayed)
{
	struct rec *r = rec_add(s, REC_SUBNET);

	memcpy(r->mac, mac, 6);
	memcpy(r->ip, addr, 4);
	memcpy(r->mask, mask, 4);
	r->relayed = relayed;
}

static bool
rec_address(const struct app_sink *s, int end, char *buf)
{
	(void)s;
	strcpy(buf, end == C ? "10.0.0.1" : "10.0.0.2");
	return true;
}

/* What a parser's facts op says about one fact. */
static struct recorder *
facts_of(enum app_proto proto, int dir, const void *fact)
{
	static struct recorder rc;
	const struct app_parser *ap = app_parser_get(proto);
	const struct app_sink sink = {
		.evidence = rec_evidence,
		.evidence_mac = rec_evidence_mac,
		.lease = rec_lease,
		.router = rec_router,
		.subnet = rec_subnet,
		.address = rec_address,
		.arg = &rc,
	};

	memset(&rc, 0, sizeof(rc));
	rc.routers_room = 100;
	assert_non_null(ap);
	assert_non_null(ap->facts);
	ap->facts(fact, dir, &sink);
	return &rc;
}

struct want {
	int		 end;
	enum evidence_key key;
	const char	*value;
};

/* The recorded evidence is exactly want[], in order. */
static void
expect_evidence(const struct recorder *rc, const struct want *want,
    size_t n)
{
	size_t i;

	for (i = 0; i < rc->n && i < n; i++) {
		const struct rec *r = &rc->r[i];

		if (r->kind != REC_EV || r->end != want[i].end ||
		    r->key != (int)want[i].key ||
		    strcmp(r->value, want[i].value) != 0)
			fail_msg("%zu: got %s %s=\"%s\", want %s %s=\"%s\"", i,
			    r->end == C ? "client" : "server",
			    evidence_key_name((unsigned)r->key), r->value,
			    want[i].end == C ? "client" : "server",
			    evidence_key_name(want[i].key), want[i].value);
	}
	assert_int_equal(rc->n, n);
}

/* ------------------------------------------------------------------ */
/* Each parser's facts. */

static void
test_devfacts_hl7(void **state)
{
	static const struct want want[] = {
		{ C, EVIDENCE_HL7_SENDING_APP, "PUMPGW" },
		{ C, EVIDENCE_HL7_SENDING_FACILITY, "ICU" },
		{ S, EVIDENCE_HL7_RECEIVING_APP, "EMR" },
		{ C, EVIDENCE_HL7_MESSAGE_TYPE, "ORU^R01" },
		{ C, EVIDENCE_HL7_VERSION, "2.6" },
		{ C, EVIDENCE_HL7_PROFILE, "IHE PCD-01" },
		{ C, EVIDENCE_BEHAVIOUR, "hl7_sender" },
		{ S, EVIDENCE_BEHAVIOUR, "hl7_receiver" },
		{ S, EVIDENCE_HL7_FROM, "10.0.0.1" },
		{ C, EVIDENCE_HL7_MSH3_EUI64, "0012340000000001" },
		{ C, EVIDENCE_HL7_SERIAL, "SN-77" },
		{ C, EVIDENCE_HL7_EQUIPMENT, "B40_GE" },
		{ C, EVIDENCE_HL7_EQUIPMENT, "GE" },
		{ C, EVIDENCE_HL7_OBSERVATION, "150456" },
		{ C, EVIDENCE_HL7_OBSERVATION, "MDC_PULS_OXIM_SAT_O2" },
	};
	static const struct want ack[] = {
		{ S, EVIDENCE_HL7_SENDING_APP, "EMR" },
		{ S, EVIDENCE_HL7_SENDING_APP, "1.2.3.4" },
		{ C, EVIDENCE_HL7_RECEIVING_APP, "PUMPGW" },
		{ S, EVIDENCE_HL7_MESSAGE_TYPE, "ACK" },
	};
	struct hl7_facts *h;

	(void)state;
	assert_non_null(h = calloc(1, sizeof(*h)));
	/* MSH|^~\&|PUMPGW^0012340000000001^EUI-64|ICU|EMR|...|ORU^R01|
	 * ...|2.6|...|IHE PCD-01, with PRT-20, OBX-18 and OBX-3. */
	strcpy(h->sending_app.namespace_id, "PUMPGW");
	strcpy(h->sending_app.universal_id, "0012340000000001");
	strcpy(h->sending_app.universal_id_type, "EUI-64");
	strcpy(h->sending_fac.namespace_id, "ICU");
	strcpy(h->receiving_app.namespace_id, "EMR");
	strcpy(h->message_type, "ORU");
	strcpy(h->trigger_event, "R01");
	strcpy(h->version, "2.6");
	strcpy(h->profile, "IHE PCD-01");
	h->n_devices = 3;
	h->devices[0].source = HL7_DEV_MSH3;
	h->devices[0].eui64 = true;
	strcpy(h->devices[0].hd.universal_id, "0012340000000001");
	h->devices[1].source = HL7_DEV_PRT;
	h->devices[1].field = 20;
	strcpy(h->devices[1].id, "SN-77");
	h->devices[2].source = HL7_DEV_OBX18;
	strcpy(h->devices[2].id, "B40_GE");
	strcpy(h->devices[2].hd.namespace_id, "GE");
	h->n_obs = 1;
	strcpy(h->obs[0].code, "150456");
	strcpy(h->obs[0].name, "MDC_PULS_OXIM_SAT_O2");
	expect_evidence(facts_of(APP_HL7, APP_DIR_TOSERVER, h), want,
	    NELEM(want));

	/* The answer: no roles, and a universal id that is no EUI-64. */
	memset(h, 0, sizeof(*h));
	strcpy(h->sending_app.namespace_id, "EMR");
	strcpy(h->sending_app.universal_id, "1.2.3.4");
	strcpy(h->sending_app.universal_id_type, "ISO");
	strcpy(h->receiving_app.namespace_id, "PUMPGW");
	strcpy(h->message_type, "ACK");
	expect_evidence(facts_of(APP_HL7, APP_DIR_TOCLIENT, h), ack,
	    NELEM(ack));
	free(h);
}

static void
test_devfacts_dicom(void **state)
{
	static const struct want assoc[] = {
		{ C, EVIDENCE_DICOM_CALLING_AE, "CT01" },
		{ S, EVIDENCE_DICOM_CALLED_AE, "PACS" },
		{ C, EVIDENCE_DICOM_IMPL_CLASS_UID, "1.2.276.0.1" },
		{ C, EVIDENCE_DICOM_IMPL_VERSION, "CT_V1" },
		{ C, EVIDENCE_DICOM_SOP_CLASS, "1.2.840.10008.5.1.4.1.1.2" },
		{ C, EVIDENCE_DICOM_SOP_CLASS, "1.2.840.10008.1.1" },
		{ S, EVIDENCE_DICOM_IMPL_CLASS_UID, "1.2.40.0.13" },
		{ S, EVIDENCE_DICOM_IMPL_VERSION, "PACS_V9" },
		{ S, EVIDENCE_BEHAVIOUR, "dicom_scp" },
		{ C, EVIDENCE_BEHAVIOUR, "dicom_scu" },
	};
	static const struct want echo[] = {
		{ C, EVIDENCE_DICOM_CALLING_AE, "CT01" },
		{ S, EVIDENCE_DICOM_CALLED_AE, "PACS" },
		{ C, EVIDENCE_DICOM_SOP_CLASS, "1.2.840.10008.1.1" },
	};
	static const struct want store[] = {
		{ S, EVIDENCE_DICOM_MODALITY, "CT" },
		{ S, EVIDENCE_DICOM_MANUFACTURER, "ACME Medical" },
		{ S, EVIDENCE_DICOM_MODEL, "Scan 64" },
		{ S, EVIDENCE_DICOM_SOFTWARE, "VA10" },
		{ S, EVIDENCE_DICOM_SERIAL, "4711" },
		{ S, EVIDENCE_HOSTNAME_DICOM, "CTSTATION" },
		{ S, EVIDENCE_DICOM_SOP_CLASS, "1.2.840.10008.5.1.4.1.1.2" },
	};
	struct dicom_pctx pctx[2];
	struct dicom_assoc a;
	struct dicom_command cmd;
	struct dicom_fact df;

	(void)state;
	memset(pctx, 0, sizeof(pctx));
	memset(&a, 0, sizeof(a));
	strcpy(pctx[0].abstract_syntax, "1.2.840.10008.5.1.4.1.1.2");
	strcpy(pctx[1].abstract_syntax, "1.2.840.10008.1.1");
	a.result = DICOM_ASSOC_ACCEPTED;
	a.have_rq = a.have_ac = true;
	strcpy(a.calling_ae, "CT01");
	strcpy(a.called_ae, "PACS");
	a.pctx = pctx;
	a.n_pctx = 2;
	a.rq.seen = a.ac.seen = true;
	strcpy(a.rq.impl_class_uid, "1.2.276.0.1");
	strcpy(a.rq.impl_version, "CT_V1");
	strcpy(a.ac.impl_class_uid, "1.2.40.0.13");
	strcpy(a.ac.impl_version, "PACS_V9");
	df.type = DICOM_FACT_ASSOC;
	df.u.assoc = &a;
	expect_evidence(facts_of(APP_DICOM, APP_DIR_TOCLIENT, &df), assoc,
	    NELEM(assoc));

	/* Verification alone makes no service provider. */
	a.pctx = &pctx[1];
	a.n_pctx = 1;
	a.have_ac = false;
	a.rq.seen = false;
	expect_evidence(facts_of(APP_DICOM, APP_DIR_TOCLIENT, &df), echo,
	    NELEM(echo));

	/* A C-STORE data set the server sends (a PACS forwarding). */
	memset(&cmd, 0, sizeof(cmd));
	df.type = DICOM_FACT_COMMAND;
	df.u.command = &cmd;
	strcpy(cmd.equipment.modality, "CT");
	strcpy(cmd.equipment.manufacturer, "ACME Medical");
	strcpy(cmd.equipment.model, "Scan 64");
	strcpy(cmd.equipment.software_versions, "VA10");
	strcpy(cmd.equipment.serial_number, "4711");
	strcpy(cmd.equipment.station_name, "CTSTATION");
	strcpy(cmd.equipment.sop_class_uid, "1.2.840.10008.5.1.4.1.1.2");
	expect_evidence(facts_of(APP_DICOM, APP_DIR_TOCLIENT, &df), NULL, 0);
	cmd.flags = DICOM_CMD_HAS_EQUIPMENT;
	expect_evidence(facts_of(APP_DICOM, APP_DIR_TOCLIENT, &df), store,
	    NELEM(store));
}

static void
test_devfacts_dhcp(void **state)
{
	static const uint8_t mac[6] = { 0x00, 0x0a, 0x95, 0x01, 0x02, 0x03 };
	static const struct {
		enum evidence_key key;
		const char	*value;
	} req[] = {
		{ EVIDENCE_HOSTNAME_DHCP, "PUMP-1" },
		{ EVIDENCE_HOSTNAME_FQDN, "pump-1.icu" },
		{ EVIDENCE_DHCP_VENDOR_CLASS, "Baxter SIGMA" },
		{ EVIDENCE_DHCP_PARAMS, "1,3,6,15" },
	};
	const struct recorder *rc;
	struct dhcp_facts *d;
	size_t i;

	(void)state;
	assert_non_null(d = calloc(1, sizeof(*d)));
	/* DHCPREQUEST, relayed (giaddr set), options 12, 81, 60, 55. */
	d->op = 1;
	d->msg_type = 3;
	d->has_mac = true;
	memcpy(d->chaddr, mac, 6);
	memcpy(d->giaddr, "\x0a\x14\x00\x01", 4);
	d->has_hostname = true;
	d->hostname_len = 6;
	memcpy(d->hostname, "PUMP-1", 6);
	d->has_fqdn = true;
	d->fqdn_len = 10;
	memcpy(d->fqdn, "pump-1.icu", 10);
	d->has_vendor_class = true;
	d->vendor_class_len = 12;
	memcpy(d->vendor_class, "Baxter SIGMA", 12);
	d->has_params = true;
	d->n_params = 4;
	memcpy(d->params, "\x01\x03\x06\x0f", 4);
	rc = facts_of(APP_DHCP, APP_DIR_TOSERVER, d);
	assert_int_equal(rc->n, NELEM(req));
	for (i = 0; i < NELEM(req); i++) {
		assert_int_equal(rc->r[i].kind, REC_MAC);
		assert_memory_equal(rc->r[i].mac, mac, 6);
		assert_true(rc->r[i].relayed);
		assert_int_equal(rc->r[i].key, req[i].key);
		assert_string_equal(rc->r[i].value, req[i].value);
	}
	/* Without a hardware address it says nothing. */
	d->has_mac = false;
	expect_evidence(facts_of(APP_DHCP, APP_DIR_TOSERVER, d), NULL, 0);

	/* DHCPACK from the server: its role, two gateways, the lease. */
	memset(d, 0, sizeof(*d));
	d->op = 2;
	d->msg_type = 5;
	d->has_mac = true;
	memcpy(d->chaddr, mac, 6);
	memcpy(d->yiaddr, "\x0a\x14\x00\x32", 4);
	d->n_routers = 2;
	memcpy(d->routers[0], "\x0a\x14\x00\x01", 4);
	memcpy(d->routers[1], "\x0a\x14\x00\x02", 4);
	rc = facts_of(APP_DHCP, APP_DIR_TOCLIENT, d);
	assert_int_equal(rc->n, 4);
	assert_int_equal(rc->r[0].kind, REC_EV);
	assert_int_equal(rc->r[0].end, S);
	assert_int_equal(rc->r[0].key, EVIDENCE_BEHAVIOUR);
	assert_string_equal(rc->r[0].value, "dhcp_server");
	assert_int_equal(rc->r[1].kind, REC_ROUTER);
	assert_memory_equal(rc->r[1].ip, "\x0a\x14\x00\x01", 4);
	assert_int_equal(rc->r[2].kind, REC_ROUTER);
	assert_memory_equal(rc->r[2].ip, "\x0a\x14\x00\x02", 4);
	assert_int_equal(rc->r[3].kind, REC_LEASE);
	assert_memory_equal(rc->r[3].mac, mac, 6);
	assert_memory_equal(rc->r[3].ip, "\x0a\x14\x00\x32", 4);
	assert_false(rc->r[3].relayed);
	/* An OFFER names gateways, not a lease. */
	d->msg_type = 2;
	rc = facts_of(APP_DHCP, APP_DIR_TOCLIENT, d);
	assert_int_equal(rc->n, 3);
	assert_int_equal(rc->r[2].kind, REC_ROUTER);
	/* With option 1 it names the client's subnet; relayed, the
	 * gateways and the subnet are another segment's. */
	d->has_subnet_mask = true;
	memcpy(d->subnet_mask, "\xff\xff\xff\x00", 4);
	memcpy(d->giaddr, "\x0a\x14\x00\x01", 4);
	rc = facts_of(APP_DHCP, APP_DIR_TOCLIENT, d);
	assert_int_equal(rc->n, 4);
	assert_int_equal(rc->r[1].kind, REC_ROUTER);
	assert_true(rc->r[1].relayed);
	assert_int_equal(rc->r[3].kind, REC_SUBNET);
	assert_memory_equal(rc->r[3].mac, mac, 6);
	assert_memory_equal(rc->r[3].ip, "\x0a\x14\x00\x32", 4);
	assert_memory_equal(rc->r[3].mask, "\xff\xff\xff\x00", 4);
	assert_true(rc->r[3].relayed);
	assert_string_equal(rc->r[0].value, "dhcp_server");
	/* No address offered (a NAK): the relay's address places it. */
	memset(d->yiaddr, 0, 4);
	rc = facts_of(APP_DHCP, APP_DIR_TOCLIENT, d);
	assert_int_equal(rc->r[3].kind, REC_SUBNET);
	assert_memory_equal(rc->r[3].ip, "\x0a\x14\x00\x01", 4);
	/* Sent from giaddr, on the client's segment: the relay passing
	 * the answer on, not a DHCP server. */
	memcpy(d->giaddr, "\x0a\x00\x00\x02", 4);
	rc = facts_of(APP_DHCP, APP_DIR_TOCLIENT, d);
	assert_int_equal(rc->r[0].key, EVIDENCE_BEHAVIOUR);
	assert_string_equal(rc->r[0].value, "dhcp_relay");
	free(d);
}

static void
test_devfacts_dns(void **state)
{
	static const struct want query[] = {
		{ C, EVIDENCE_DNS_QUERY, "a.example" },
		{ C, EVIDENCE_DNS_QUERY, "b.example" },
		{ C, EVIDENCE_DNS_QUERY, "c.example" },
		{ C, EVIDENCE_DNS_QUERY, "d.example" },
	};
	static const struct want response[] = {
		{ S, EVIDENCE_BEHAVIOUR, "dns_server" },
	};
	static const struct want mdns[] = {
		{ S, EVIDENCE_MDNS_SERVICE, "_ipp._tcp" },
		{ S, EVIDENCE_MDNS_NAME, "Printer 3" },
		{ S, EVIDENCE_HOSTNAME_MDNS, "printer3" },
	};
	/* The TXT strings a printer (Bonjour Printing) and a HomeKit or
	 * Cast device (md=) announce; other keys say nothing. */
	static const char *const txt[] = {
		"txtvers=1", "ty=HP LaserJet Pro M404dn", "USB_MFG=HP",
		"usb_MDL=HP LaserJet Pro M404-M405", "md=Chromecast", "ty=",
		"noequals", "pdl=application/pdf", "model=x",
	};
	static const struct want mdns_txt[] = {
		{ S, EVIDENCE_MDNS_MODEL, "HP LaserJet Pro M404dn" },
		{ S, EVIDENCE_MDNS_MANUFACTURER, "HP" },
		{ S, EVIDENCE_MDNS_MODEL, "HP LaserJet Pro M404-M405" },
		{ S, EVIDENCE_MDNS_MODEL, "Chromecast" },
	};
	struct dns_rr *rr;
	static const char *const names[] = {
		"a.example", "b.example", "c.example", "d.example", "e.example",
	};
	struct dns_facts *d;
	size_t i;

	(void)state;
	assert_non_null(d = calloc(1, sizeof(*d)));
	/* Five questions: the first four are evidence. */
	d->n_queries = NELEM(names);
	for (i = 0; i < NELEM(names); i++)
		strcpy(d->queries[i].name.text, names[i]);
	expect_evidence(facts_of(APP_DNS, APP_DIR_TOSERVER, d), query,
	    NELEM(query));
	/* mDNS questions say nothing. */
	expect_evidence(facts_of(APP_MDNS, APP_DIR_TOSERVER, d), NULL, 0);
	d->flags = DNS_FLAG_QR;
	expect_evidence(facts_of(APP_DNS, APP_DIR_TOCLIENT, d), response,
	    NELEM(response));

	/* An mDNS announcement: PTR, SRV (ignored), A under .local. */
	memset(d, 0, sizeof(*d));
	d->flags = DNS_FLAG_QR | DNS_FLAG_AA;
	d->n_rrs = 3;
	strcpy(d->rrs[0].name.text, "_ipp._tcp.local");
	d->rrs[0].type = DNS_TYPE_PTR;
	d->rrs[0].has_rdata = true;
	strcpy((char *)d->rrs[0].rdata, "Printer 3._ipp._tcp.local");
	strcpy(d->rrs[1].name.text, "Printer 3._ipp._tcp.local");
	d->rrs[1].type = 33;
	strcpy(d->rrs[2].name.text, "printer3.local");
	d->rrs[2].type = DNS_TYPE_A;
	expect_evidence(facts_of(APP_MDNS, APP_DIR_TOCLIENT, d), mdns,
	    NELEM(mdns));

	/* A TXT record (RFC 6763 6): length-prefixed "key=value" strings;
	 * the last one claims more bytes than the rdata has. */
	memset(d, 0, sizeof(*d));
	d->flags = DNS_FLAG_QR | DNS_FLAG_AA;
	d->n_rrs = 1;
	rr = &d->rrs[0];
	strcpy(rr->name.text, "HP LaserJet._ipp._tcp.local");
	rr->type = DNS_TYPE_TXT;
	rr->has_rdata = true;
	for (i = 0; i < NELEM(txt); i++) {
		rr->rdata[rr->rdata_len++] = (uint8_t)strlen(txt[i]);
		memcpy(rr->rdata + rr->rdata_len, txt[i], strlen(txt[i]));
		rr->rdata_len += strlen(txt[i]);
	}
	rr->rdata[rr->rdata_len++] = 40;
	memcpy(rr->rdata + rr->rdata_len, "md=Cut", 6);
	rr->rdata_len += 6;
	expect_evidence(facts_of(APP_MDNS, APP_DIR_TOCLIENT, d), mdns_txt,
	    NELEM(mdns_txt));
	free(d);
}

static void
test_devfacts_others(void **state)
{
	static const struct want http[] = {
		{ C, EVIDENCE_HTTP_USER_AGENT, "InfusionLink/2.1" },
		{ S, EVIDENCE_HTTP_SERVER, "nginx" },
	};
	static const struct want basic[] = {
		{ C, EVIDENCE_HTTP_USER_AGENT, "InfusionLink/2.1" },
		{ C, EVIDENCE_HTTP_BASIC_AUTH, "client" },
		{ S, EVIDENCE_HTTP_BASIC_AUTH, "server" },
		{ S, EVIDENCE_HTTP_SERVER, "nginx" },
	};
	static const struct want tls_server[] = {
		{ S, EVIDENCE_TLS_SERVER_VERSION, "TLSv1" },
		{ S, EVIDENCE_TLS_WEAK_CIPHER, "RC4 0x0005" },
		{ S, EVIDENCE_TLS_CERT_NOT_AFTER, "2019-01-01T00:00:00" },
		{ S, EVIDENCE_TLS_CERT_SELF_SIGNED, "CN=pump-17" },
	};
	static const struct want tls[] = {
		{ C, EVIDENCE_TLS_SNI, "pumps.example" },
		{ C, EVIDENCE_TLS_JA3, "e7d705a3286e19ea42f587b344ee6865" },
		{ C, EVIDENCE_TLS_JA4, "t13d1516h2_8daaf6152771_b186095e22b6" },
	};
	static const struct want ssh[] = {
		{ C, EVIDENCE_SSH_SOFTWARE, "OpenSSH_9.2p1" },
		{ C, EVIDENCE_SSH_HASSH, "ec7378c1a92f5a8dde7e8b7a1ddf33d1" },
		{ S, EVIDENCE_SSH_SOFTWARE, "dropbear_2022.83" },
	};
	static const struct want mqtt[] = {
		{ C, EVIDENCE_MQTT_CLIENT_ID, "monitor-17" },
	};
	static const struct want ssdp[] = {
		{ S, EVIDENCE_SSDP_SERVER, "Linux/5.10 UPnP/1.0 Cam/1" },
	};
	struct http_facts *h;
	struct tls_session *ts;
	struct tls_fact tf;
	struct ssh_side cs, ss;
	struct ssh_fact sf;
	struct mqtt_facts *m;
	struct ssdp_facts *sd;

	(void)state;
	assert_non_null(h = calloc(1, sizeof(*h)));
	h->has_request = h->has_response = true;
	strcpy(h->user_agent, "InfusionLink/2.1");
	strcpy(h->server, "nginx");
	expect_evidence(facts_of(APP_HTTP, APP_DIR_TOCLIENT, h), http,
	    NELEM(http));
	/* Basic credentials: both ends told, never the credentials (the
	 * fact has none); any other scheme tells nothing. */
	h->authorization = true;
	expect_evidence(facts_of(APP_HTTP, APP_DIR_TOCLIENT, h), http,
	    NELEM(http));
	h->basic_auth = true;
	expect_evidence(facts_of(APP_HTTP, APP_DIR_TOCLIENT, h), basic,
	    NELEM(basic));
	free(h);

	assert_non_null(ts = calloc(1, sizeof(*ts)));
	tf.type = TLS_FACT_SESSION;
	tf.s = ts;
	strcpy(ts->client.sni, "pumps.example");
	strcpy(ts->client.ja3_hash, "e7d705a3286e19ea42f587b344ee6865");
	strcpy(ts->client.ja4, "t13d1516h2_8daaf6152771_b186095e22b6");
	expect_evidence(facts_of(APP_TLS, APP_DIR_TOCLIENT, &tf), NULL, 0);
	ts->client.seen = true;
	expect_evidence(facts_of(APP_TLS, APP_DIR_TOCLIENT, &tf), tls,
	    NELEM(tls));
	/* The server's side: TLS 1.2 with a strong suite and a CA's
	 * certificate tells its expiry only; TLS 1.0, RC4 and a
	 * certificate it issued itself tell all. */
	ts->client.seen = false;
	ts->server.seen = ts->cert.seen = true;
	ts->server.version = 0x0303;
	ts->server.cipher = 0xc02f;
	strcpy(ts->cert.subject, "CN=pump-17");
	strcpy(ts->cert.issuer, "CN=Hospital CA");
	strcpy(ts->cert.notafter, "2019-01-01T00:00:00");
	expect_evidence(facts_of(APP_TLS, APP_DIR_TOCLIENT, &tf),
	    &tls_server[2], 1);
	ts->server.version = 0x0301;
	ts->server.cipher = 0x0005;
	strcpy(ts->cert.issuer, "CN=pump-17");
	expect_evidence(facts_of(APP_TLS, APP_DIR_TOCLIENT, &tf), tls_server,
	    NELEM(tls_server));
	free(ts);

	memset(&cs, 0, sizeof(cs));
	memset(&ss, 0, sizeof(ss));
	cs.banner = cs.kexinit = ss.banner = true;
	strcpy(cs.software_version, "OpenSSH_9.2p1");
	strcpy(cs.hassh, "ec7378c1a92f5a8dde7e8b7a1ddf33d1");
	strcpy(ss.software_version, "dropbear_2022.83");
	strcpy(ss.hassh, "not-the-client's");
	sf.client = &cs;
	sf.server = &ss;
	expect_evidence(facts_of(APP_SSH, APP_DIR_TOCLIENT, &sf), ssh,
	    NELEM(ssh));

	assert_non_null(m = calloc(1, sizeof(*m)));
	strcpy(m->client_id, "monitor-17");
	expect_evidence(facts_of(APP_MQTT, APP_DIR_TOSERVER, m), NULL, 0);
	m->has_connect = true;
	expect_evidence(facts_of(APP_MQTT, APP_DIR_TOSERVER, m), mqtt,
	    NELEM(mqtt));
	free(m);

	assert_non_null(sd = calloc(1, sizeof(*sd)));
	sd->kind = SSDP_RESPONSE;
	sd->server.present = true;
	strcpy(sd->server.s, "Linux/5.10 UPnP/1.0 Cam/1");
	expect_evidence(facts_of(APP_SSDP, APP_DIR_TOCLIENT, sd), ssdp,
	    NELEM(ssdp));
	sd->kind = SSDP_MSEARCH;
	expect_evidence(facts_of(APP_SSDP, APP_DIR_TOSERVER, sd), NULL, 0);
	free(sd);
}

/* ------------------------------------------------------------------ */
/* The sink devfacts.c gives parsers. */

static const uint8_t cli_mac[6] = { 0x00, 0x0a, 0x95, 0x00, 0x00, 0x01 };
static const uint8_t srv_mac[6] = { 0x00, 0x0a, 0x95, 0x00, 0x00, 0x02 };

static void
flow_init(struct flow *f)
{
	memset(f, 0, sizeof(*f));
	f->ipver = 4;
	f->proto = IPPROTO_TCP;
	memcpy(f->cli_ip, "\x0a\x00\x00\x01", 4);
	memcpy(f->srv_ip, "\x0a\x00\x00\x02", 4);
	f->cli_port = 40000;
	f->srv_port = 2575;
	memcpy(f->cli_mac, cli_mac, 6);
	memcpy(f->srv_mac, srv_mac, 6);
	f->has_mac = true;
	f->vlan_cnt = 1;
	f->vlan[0] = 20;
	f->ts_first = 1000000;
	f->ts_last = 2000000;
}

/*
 * A test's start: an empty brain queue; the packet p (NULL: none)
 * zeroed and at ts_us; the flow f (NULL: none) as flow_init() makes it.
 */
static void
fixture(struct brain_queue *q, struct packet *p, uint64_t ts_us,
    struct flow *f)
{
	memset(q, 0, sizeof(*q));
	if (p != NULL) {
		memset(p, 0, sizeof(*p));
		p->ts_us = ts_us;
	}
	if (f != NULL)
		flow_init(f);
}

/* HL7 facts of message type type, nothing else set (free() them). */
static struct hl7_facts *
hl7_new(const char *type)
{
	struct hl7_facts *h;

	assert_non_null(h = calloc(1, sizeof(*h)));
	strlcpy(h->message_type, type, sizeof(h->message_type));
	return h;
}

/* What the evidence it sent left on a flow (freed at its end). */
static void
flow_done(struct flow *f)
{
	free(f->dev_sent);
	f->dev_sent = NULL;
}

static void
expect_event(const struct brain_ev *ev, const uint8_t *mac,
    enum evidence_key key, const char *value)
{
	assert_int_equal(ev->kind, BRAIN_EV_EVIDENCE);
	assert_true(ev->end[0].has_mac);
	assert_memory_equal(ev->end[0].mac, mac, 6);
	assert_int_equal(ev->key, key);
	assert_string_equal(ev->value, value);
}

/*
 * Values are trimmed of blanks, cut to DEV_VALUE_MAX - 1 bytes and
 * cleaned of control characters; empty ones make no event.  Each event
 * names its subject first and the other end second, and is numbered
 * within the flow.
 */
static void
test_devfacts_sink_values(void **state)
{
	struct brain_queue q;
	struct http_facts *h;
	struct packet p;
	struct flow f;
	char want[DEV_VALUE_MAX];

	(void)state;
	fixture(&q, &p, 1500000, &f);
	p.pcap_cnt = 7;
	assert_non_null(h = calloc(1, sizeof(*h)));
	h->has_request = h->has_response = true;
	/* A user agent of 100 bytes: blanks, a tab, an escape, DEL. */
	memset(h->user_agent, 'x', 100);
	memcpy(h->user_agent, "  \tUA\x1b/1\x7f", 9);
	strcpy(h->server, " \t ");
	devfacts_app(&q, &f, &p, APP_HTTP, APP_DIR_TOCLIENT, h);
	assert_int_equal(q.n, 1);
	memset(want, 'x', sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	memcpy(want, "UA?/1?", 6);
	expect_event(&q.ev[0], cli_mac, EVIDENCE_HTTP_USER_AGENT, want);
	assert_memory_equal(q.ev[0].end[1].mac, srv_mac, 6);
	assert_int_equal(q.ev[0].ts_us, 1500000);
	assert_int_equal(q.ev[0].pcap_cnt, 7);
	assert_int_equal(q.ev[0].vlan, 20);
	assert_int_equal(q.ev[0].seq, 0);
	assert_int_equal(f.dev_seq, 1);

	/* A trailing blank goes; the server's name is kept. */
	strcpy(h->user_agent, "Pump ");
	strcpy(h->server, "nginx");
	devfacts_app(&q, &f, NULL, APP_HTTP, APP_DIR_TOCLIENT, h);
	assert_int_equal(q.n, 3);
	expect_event(&q.ev[1], cli_mac, EVIDENCE_HTTP_USER_AGENT, "Pump");
	expect_event(&q.ev[2], srv_mac, EVIDENCE_HTTP_SERVER, "nginx");
	assert_memory_equal(q.ev[2].end[1].mac, cli_mac, 6);
	assert_int_equal(q.ev[2].ts_us, f.ts_last);	/* no packet */
	assert_int_equal(q.ev[2].pcap_cnt, 0);
	assert_int_equal(q.ev[2].seq, 2);
	free(h);
	flow_done(&f);
	brain_queue_free(&q);
}

/* devfacts_app() without the activity events (every message has one):
 * for tests of the evidence alone. */
static void
devfacts_app_evidence(struct brain_queue *q, struct flow *f,
    const struct packet *p, enum app_proto proto, int dir, const void *fact)
{
	size_t i, n;

	devfacts_app(q, f, p, proto, dir, fact);
	for (i = n = 0; i < q->n; i++)
		if (q->ev[i].kind != BRAIN_EV_ACTIVITY)
			q->ev[n++] = q->ev[i];
	q->n = n;
}

/* The sink's addresses, hardware addresses, leases and routers. */
static void
test_devfacts_sink_hosts(void **state)
{
	static const uint8_t pump[6] = { 0x00, 0x0a, 0x95, 0x01, 0x02, 0x03 };
	struct brain_queue q;
	struct hl7_facts *h;
	struct dhcp_facts *d;
	struct flow f;
	size_t i;

	(void)state;
	fixture(&q, NULL, 0, &f);
	h = hl7_new("ADT");
	devfacts_app_evidence(&q, &f, NULL, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, 4);
	expect_event(&q.ev[0], cli_mac, EVIDENCE_HL7_MESSAGE_TYPE, "ADT");
	expect_event(&q.ev[1], cli_mac, EVIDENCE_BEHAVIOUR, "hl7_sender");
	expect_event(&q.ev[2], srv_mac, EVIDENCE_BEHAVIOUR, "hl7_receiver");
	expect_event(&q.ev[3], srv_mac, EVIDENCE_HL7_FROM, "10.0.0.1");
	/* Not an IP flow: nobody to name as the sender. */
	q.n = 0;
	flow_done(&f);
	f.ipver = 0;
	devfacts_app_evidence(&q, &f, NULL, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, 3);
	free(h);

	/* A relayed request is about the client's hardware address. */
	q.n = 0;
	flow_done(&f);
	flow_init(&f);
	f.proto = IPPROTO_UDP;
	assert_non_null(d = calloc(1, sizeof(*d)));
	d->op = 1;
	d->has_mac = true;
	memcpy(d->chaddr, pump, 6);
	memcpy(d->giaddr, "\x0a\x14\x00\x01", 4);
	d->has_hostname = true;
	d->hostname_len = 6;
	memcpy(d->hostname, "PUMP\x00\x01", 6);	/* raw option bytes */
	devfacts_app_evidence(&q, &f, NULL, APP_DHCP, APP_DIR_TOSERVER, d);
	assert_int_equal(q.n, 1);
	expect_event(&q.ev[0], pump, EVIDENCE_HOSTNAME_DHCP, "PUMP");
	assert_false(q.ev[0].end[0].has_ip);
	assert_int_equal(q.ev[0].vlan, BRAIN_VLAN_RELAYED);

	/* The ACK: the server's role, gateways, the client's lease. */
	q.n = 0;
	memset(d, 0, sizeof(*d));
	d->op = 2;
	d->msg_type = 5;
	d->has_mac = true;
	memcpy(d->chaddr, pump, 6);
	memcpy(d->yiaddr, "\x0a\x14\x00\x32", 4);
	d->n_routers = 2;
	memcpy(d->routers[0], "\x0a\x14\x00\x01", 4);
	memcpy(d->routers[1], "\x0a\x14\x00\x02", 4);
	devfacts_app_evidence(&q, &f, NULL, APP_DHCP, APP_DIR_TOCLIENT, d);
	assert_int_equal(q.n, 4);
	expect_event(&q.ev[0], srv_mac, EVIDENCE_BEHAVIOUR, "dhcp_server");
	for (i = 1; i < 3; i++) {
		assert_int_equal(q.ev[i].kind, BRAIN_EV_ROUTER_IP);
		assert_true(q.ev[i].end[0].has_ip);
		assert_false(q.ev[i].end[0].has_mac);
		assert_memory_equal(q.ev[i].end[0].ip.a + 12, d->routers[i - 1],
		    4);
	}
	assert_int_equal(q.ev[3].kind, BRAIN_EV_LEASE);
	assert_memory_equal(q.ev[3].end[0].mac, pump, 6);
	assert_memory_equal(q.ev[3].end[0].ip.a + 12, d->yiaddr, 4);
	assert_int_equal(q.ev[3].vlan, 20);
	free(d);
	brain_queue_free(&q);
}

/*
 * A flow's end: its FLOW event, then what nDPI saw wrong with it: an
 * SNMP v1 or v2c message about both ends, each risk about the ends
 * dpirisk.def names (the client for a numeric HTTP host, both for
 * cleartext credentials, the server for a non-standard port); nothing
 * more for SNMPv3 or no risk.
 */
static void
test_devfacts_flow_weak(void **state)
{
	struct brain_queue q;
	struct app_flow_weak w;
	struct flow f;

	(void)state;
	fixture(&q, NULL, 0, &f);
	memset(&w, 0, sizeof(w));
	w.snmp = 3;
	devfacts_flow_end(&q, &f, &w);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.ev[0].kind, BRAIN_EV_FLOW);
	q.n = 0;
	devfacts_flow_end(&q, &f, NULL);
	assert_int_equal(q.n, 1);

	q.n = 0;
	w.snmp = 2;
	w.risks = UINT64_C(1) << 8 | UINT64_C(1) << 31 | UINT64_C(1) << 5;
	devfacts_flow_end(&q, &f, &w);
	assert_int_equal(q.n, 1 + 2 + 1 + 1 + 2);
	assert_int_equal(q.ev[0].kind, BRAIN_EV_FLOW);
	expect_event(&q.ev[1], cli_mac, EVIDENCE_SNMP_VERSION, "v2c");
	expect_event(&q.ev[2], srv_mac, EVIDENCE_SNMP_VERSION, "v2c");
	expect_event(&q.ev[3], srv_mac, EVIDENCE_NDPI_RISK,
	    "non-standard-port");
	expect_event(&q.ev[4], cli_mac, EVIDENCE_NDPI_RISK,
	    "http-numeric-host");
	expect_event(&q.ev[5], cli_mac, EVIDENCE_NDPI_RISK,
	    "cleartext-credentials");
	expect_event(&q.ev[6], srv_mac, EVIDENCE_NDPI_RISK,
	    "cleartext-credentials");
	brain_queue_free(&q);
}

/*
 * A TCP session's repeats: the same value of a key again within a
 * minute, or a new one once the device got all it keeps of the key
 * (DEV_MAX_PER_KEY) from this flow, makes no event; a minute on, the
 * values are said again.  UDP flows are never thinned.
 */
static void
test_devfacts_repeats(void **state)
{
	struct brain_queue q;
	struct hl7_facts *h;
	struct packet p;
	struct flow f;
	size_t n1, i;

	(void)state;
	fixture(&q, &p, 10 * 1000000ull, &f);
	h = hl7_new("ORU");
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	n1 = q.n;
	assert_true(n1 >= 3);
	p.ts_us += 30 * 1000000ull;
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, n1);		/* all repeats */
	/* Repeats are told by what would be sent, not the wire bytes:
	 * blanks around it, other control bytes, bytes past the cut. */
	strcpy(h->message_type, " \tORU  ");
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, n1);
	strcpy(h->message_type, "   ");
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, n1);		/* empty: nothing */
	strcpy(h->message_type, "A\001B C");
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, n1 + 1);
	expect_event(&q.ev[n1], cli_mac, EVIDENCE_HL7_MESSAGE_TYPE, "A?B C");
	strcpy(h->message_type, "A\037B C ");
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, n1 + 1);
	flow_done(&f);
	q.n = 0;
	p.ts_us = 10 * 1000000ull;
	strcpy(h->message_type, "ORU");
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, n1);
	p.ts_us += 30 * 1000000ull;
	strcpy(h->message_type, "ADT");
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, n1 + 1);		/* only the new type */
	expect_event(&q.ev[n1], cli_mac, EVIDENCE_HL7_MESSAGE_TYPE, "ADT");
	/* More values of one key than a device keeps: the rest are not
	 * sent (ORU and ADT are 2 of them). */
	for (i = 0; i < DEV_MAX_PER_KEY + 3; i++) {
		snprintf(h->message_type, sizeof(h->message_type), "T%zu", i);
		devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	}
	assert_int_equal(q.n, n1 + DEV_MAX_PER_KEY - 1);
	/* A minute after the first: everything once more. */
	p.ts_us += 31 * 1000000ull;
	strcpy(h->message_type, "ORU");
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, n1 + DEV_MAX_PER_KEY - 1 + n1);
	flow_done(&f);

	/* UDP: every message speaks. */
	q.n = 0;
	flow_init(&f);
	f.proto = IPPROTO_UDP;
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_int_equal(q.n, 2 * n1);
	assert_null(f.dev_sent);
	free(h);
	brain_queue_free(&q);
}

/*
 * A flow's key, kept with its evidence once made: every event of its
 * later facts carries the key a fresh flow of the same tuple and start
 * gets, and the flow's end takes it away with the evidence (a new flow
 * in the same place gets its own).
 */
static void
test_devfacts_flow_key(void **state)
{
	struct brain_queue q;
	struct hl7_facts *h;
	struct packet p;
	struct flow f, g;
	uint64_t key;
	size_t i;

	(void)state;
	fixture(&q, &p, 10 * 1000000ull, &f);
	h = hl7_new("ORU");
	strcpy(h->sending_app.namespace_id, "GW");
	devfacts_app(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_non_null(f.dev_sent);
	assert_true(q.n >= 2);
	key = q.ev[0].fkey;
	for (i = 0; i < 3; i++) {
		p.ts_us += 1000000;
		devfacts_app(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	}
	/* A fresh flow of the same tuple and start: the same key. */
	flow_init(&g);
	devfacts_app(&q, &g, &p, APP_HL7, APP_DIR_TOSERVER, h);
	for (i = 0; i < q.n; i++)
		assert_true(q.ev[i].fkey == key);
	flow_done(&g);
	/* The end frees what the flow kept; a later start, another key. */
	q.n = 0;
	devfacts_flow_end(&q, &f, NULL);
	assert_null(f.dev_sent);
	f.ts_first += 1;
	devfacts_app(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
	assert_true(q.n >= 3);
	for (i = 1; i < q.n; i++)
		assert_true(q.ev[i].fkey != key);
	assert_true(q.ev[0].fkey == key);	/* the end of the old one */
	flow_done(&f);
	free(h);
	brain_queue_free(&q);
}

/*
 * Repeats are told by a hash of the value as it would be sent: made in
 * place from a value that needs no cleaning, a word at a time, and from
 * the cleaned copy otherwise.  Each pair of values below is sent as
 * the one name of a key, on a flow that has sent nothing yet: the
 * second is a repeat when both clean to the same bytes, whichever way
 * each was hashed, and new otherwise.
 */
static void
test_devfacts_repeat_hash(void **state)
{
	static const struct {
		const char	*a, *b;
		bool		 same;
	} pairs[] = {
		{ "MINDRAY_EGW", "MINDRAY_EGW", true },
		{ "MINDRAY_EGW", "MINDRAY_EGX", false },
		{ "MINDRAY_EGW", "MINDRAY_EG", false },
		{ "MINDRAY_EGW", " MINDRAY_EGW  ", true },
		{ "MINDRAY_EGW", "\tMINDRAY_EGW", true },
		{ "MINDRAY_EGW", "MINDRAY_EGW\t", false },
		{ "MINDRAY_EGW?", "MINDRAY_EGW\t", true },
		/* A control byte in the first word, the second, the tail. */
		{ "MIND?AY_EGW", "MIND\001AY_EGW", true },
		{ "MINDRAY_E?W", "MINDRAY_E\177W", true },
		{ "0123456789abcdef?", "0123456789abcdef\033", true },
		{ "0123456789abcdef", "0123456789abcdef ", true },
		{ "01234567", "01234567 ", true },
		{ "01234567", "0123456", false },
		{ "a", "b", false },
		{ "A B", "A B ", true },
		{ "A?B", "A B", false },
		/* A control byte in a short value's only word, and as the
		 * last byte of a long one's tail. */
		{ "A?B", "A\001B", true },
		{ "MINDRAY_EG?", "MINDRAY_EG\177", true },
		{ "MINDRAY_EGW", "MINDRAY_EGW\001", false },
		/* Tails of every length, read with the word that ends the
		 * value: a byte of the tail counts, one before it only
		 * once, a control byte there as anywhere. */
		{ "01234567a", "01234567b", false },
		{ "01234567abc", "01234567abd", false },
		{ "0123456789abcde", "0123456789abcdf", false },
		{ "0123456789abcde", "012345X789abcde", false },
		{ "0123456789abcde", "0123456X89abcde", false },
		{ "0123456789abc?", "0123456789abc\001", true },
		{ "0123456789?bcd", "0123456789\177bcd", true },
		{ "abc", "abd", false },
		{ "abcdefg", "abcdefh", false },
		{ "abcdefg", "bbcdefg", false },
		{ "abcdef?", "abcdef\033", true },
		/* Bytes past ASCII: hashed on the slow path, as they are. */
		{ "M\xc3\xbcller-GW", "M\xc3\xbcller-GW", true },
		{ "M\xc3\xbcller-GW", " M\xc3\xbcller-GW  ", true },
		{ "M\xc3\xbcller-GW", "M\xc3\xbcller-GX", false },
		{ "M\xc3\xbcller-GW", "M\xc3\xbdller-GW", false },
		{ "\xff\xfe", "\xff\xfe", true },
		{ "\xff?", "\xff\001", true },
		{ "ab\x80", "ab\x81", false },
		/* Cut at DEV_VALUE_MAX - 1: what lies past it does not count,
		 * nor do the spaces the cut leaves at the end. */
		{ "0123456789012345678901234567890123456789012345678901234567890"
		  "12xyz",
		  "0123456789012345678901234567890123456789012345678901234567890"
		  "12abc", true },
		{ "0123456789012345678901234567890123456789012345678901234567890"
		  "1 xyz",
		  "0123456789012345678901234567890123456789012345678901234567890"
		  "1", true },
		{ "0123456789012345678901234567890123456789012345678901234567890"
		  "12",
		  "0123456789012345678901234567890123456789012345678901234567890"
		  "13", false },
	};
	struct brain_queue q;
	struct hl7_facts *h;
	struct packet p;
	struct flow f;
	size_t i, n0, n1;

	(void)state;
	fixture(&q, &p, 10 * 1000000ull, &f);
	h = hl7_new("ORU");
	for (i = 0; i < NELEM(pairs); i++) {
		flow_done(&f);
		q.n = 0;
		devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
		n0 = q.n;
		strlcpy(h->sending_app.namespace_id, pairs[i].a,
		    sizeof(h->sending_app.namespace_id));
		devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
		n1 = q.n;
		assert_int_equal(n1, n0 + 1);
		strlcpy(h->sending_app.namespace_id, pairs[i].b,
		    sizeof(h->sending_app.namespace_id));
		devfacts_app_evidence(&q, &f, &p, APP_HL7, APP_DIR_TOSERVER, h);
		if (q.n != n1 + (pairs[i].same ? 0 : 1))
			fail_msg("pair %zu (\"%s\", \"%s\"): %zu new events",
			    i, pairs[i].a, pairs[i].b, q.n - n1);
		h->sending_app.namespace_id[0] = '\0';
	}
	flow_done(&f);
	free(h);
	brain_queue_free(&q);
}

/* ------------------------------------------------------------------ */
/* The sink spoken to directly: a facts op that says a script. */

struct said {
	int		 end;
	enum evidence_key key;
	const char	*value;
};

struct script {
	const struct said *s;
	size_t		 n;
};

static void
script_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct script *sc = fact;
	size_t i;

	(void)dir;
	for (i = 0; i < sc->n; i++)
		sink->evidence(sink, sc->s[i].end, sc->s[i].key,
		    sc->s[i].value, strlen(sc->s[i].value));
}

/* Say n items of s on flow f at time ts_s; returns the events made. */
static size_t
say(struct brain_queue *q, struct flow *f, uint64_t ts_s,
    const struct said *s, size_t n)
{
	const struct script sc = { s, n };
	struct packet p;
	size_t n0 = q->n;

	memset(&p, 0, sizeof(p));
	p.ts_us = ts_s * 1000000u;
	devfacts_facts(q, f, &p, APP_HL7, APP_DIR_TOSERVER, &sc,
	    script_facts);
	return q->n - n0;
}

/*
 * The hash a repeat is told by, written out a byte at a time: the
 * length, then each 8 bytes and the last 1 to 7 as little-endian
 * numbers, each mixed in, then finished.  The word loads of
 * devfacts_hash_words() (two overlapping ones for a short value) must
 * give this number for every length, or the same value would be sent
 * again, or a new one dropped, against what runs before them kept.
 */
static uint32_t
ref_value_hash(const char *s, size_t len)
{
	const uint64_t mix = 0xff51afd7ed558ccdull;
	uint64_t h = mix ^ len, w;
	size_t i, j;

	for (i = 0; i < len; i += 8) {
		for (w = 0, j = 0; j < 8 && i + j < len; j++)
			w |= (uint64_t)(unsigned char)s[i + j] << 8 * j;
		h = (h ^ w) * mix;
		h ^= h >> 32;
	}
	h *= mix;
	return (uint32_t)(h ^ h >> 29);
}

static void
test_devfacts_value_hash_ref(void **state)
{
	char v[48];
	size_t len, i;

	(void)state;
	for (len = 1; len < sizeof(v); len++) {
		for (i = 0; i < len; i++)
			v[i] = (char)('!' + (len * 7 + i * 13) % 94);
		assert_int_equal(devfacts_value_hash(v, len),
		    ref_value_hash(v, len));
	}
}

/*
 * A repeat is the same value under the same key about the same end: the
 * same value under another key, or about the other end, is news; a
 * value sent under one key does not hide it under another later.
 * Values that need cleaning (blanks, control bytes) count as what they
 * clean to, on the slow path as on the fast one.
 */
static void
test_devfacts_repeat_keys(void **state)
{
	static const struct said first[] = {
		{ C, EVIDENCE_HL7_SENDING_APP, "GW" },
		{ C, EVIDENCE_HL7_SENDING_FACILITY, "GW" },
		{ S, EVIDENCE_HL7_SENDING_APP, "GW" },
		{ C, EVIDENCE_HL7_SENDING_APP, "GW" },
		{ C, EVIDENCE_HL7_SENDING_APP, " GW " },
		{ S, EVIDENCE_HL7_RECEIVING_APP, "GW" },
		{ S, EVIDENCE_HL7_RECEIVING_APP, "G\001W" },
		{ S, EVIDENCE_HL7_RECEIVING_APP, "G?W" },
	};
	static const struct said later[] = {
		{ C, EVIDENCE_HL7_RECEIVING_APP, "GW" },
		{ C, EVIDENCE_HL7_SENDING_APP, "\tGW" },
		{ C, EVIDENCE_HL7_SENDING_FACILITY, "GW2" },
	};
	struct brain_queue q;
	struct flow f;

	(void)state;
	fixture(&q, NULL, 0, &f);
	assert_int_equal(say(&q, &f, 10, first, NELEM(first)), 5);
	expect_event(&q.ev[0], cli_mac, EVIDENCE_HL7_SENDING_APP, "GW");
	expect_event(&q.ev[1], cli_mac, EVIDENCE_HL7_SENDING_FACILITY, "GW");
	expect_event(&q.ev[2], srv_mac, EVIDENCE_HL7_SENDING_APP, "GW");
	expect_event(&q.ev[3], srv_mac, EVIDENCE_HL7_RECEIVING_APP, "GW");
	expect_event(&q.ev[4], srv_mac, EVIDENCE_HL7_RECEIVING_APP, "G?W");
	/* All of it again: nothing. */
	assert_int_equal(say(&q, &f, 11, first, NELEM(first)), 0);
	assert_int_equal(say(&q, &f, 12, later, NELEM(later)), 2);
	expect_event(&q.ev[5], cli_mac, EVIDENCE_HL7_RECEIVING_APP, "GW");
	expect_event(&q.ev[6], cli_mac, EVIDENCE_HL7_SENDING_FACILITY, "GW2");
	/* A minute after each key was first said: all once more. */
	assert_int_equal(say(&q, &f, 72, first, NELEM(first)), 5);
	flow_done(&f);
	brain_queue_free(&q);
}

/* A run of evidence the parser numbered ids (app_sink.again). */
struct qscript {
	uint64_t	 ids;
	const struct said *s;
	size_t		 n;
	bool		 again;		/* what the sink answered */
};

static void
qscript_facts(const void *fact, int dir, const struct app_sink *sink)
{
	struct qscript *sc = (struct qscript *)(uintptr_t)fact;
	size_t i;

	sc->again = sc->ids != 0 && sink->again(sink, dir, sc->ids);
	if (sc->again)
		return;
	for (i = 0; i < sc->n; i++)
		sink->evidence(sink, sc->s[i].end, sc->s[i].key,
		    sc->s[i].value, strlen(sc->s[i].value));
}

/* Two flows told the same runs: f numbered (ids), r not (every value
 * looked up); qf and qr their events. */
struct qpair {
	struct brain_queue qf, qr;
	struct flow	 f, r;
};

/* The run s[n] from dir at ts_s, numbered ids on f: the same events on
 * both flows; whether f's sink answered again. */
static bool
qsay(struct qpair *qp, uint64_t ts_s, int dir, uint64_t ids,
    const struct said *s, size_t n)
{
	struct qscript sf = { ids, s, n, false }, sr = { 0, s, n, false };
	size_t f0 = qp->qf.n, r0 = qp->qr.n, i;
	struct packet p;

	memset(&p, 0, sizeof(p));
	p.ts_us = ts_s * 1000000u;
	devfacts_facts(&qp->qf, &qp->f, &p, APP_HL7, dir, &sf, qscript_facts);
	devfacts_facts(&qp->qr, &qp->r, &p, APP_HL7, dir, &sr, qscript_facts);
	assert_false(sr.again);
	assert_int_equal(qp->qf.n - f0, qp->qr.n - r0);
	for (i = 0; i < qp->qf.n - f0; i++) {
		assert_int_equal(qp->qf.ev[f0 + i].key, qp->qr.ev[r0 + i].key);
		assert_string_equal(qp->qf.ev[f0 + i].value,
		    qp->qr.ev[r0 + i].value);
		assert_memory_equal(qp->qf.ev[f0 + i].end,
		    qp->qr.ev[r0 + i].end, sizeof(qp->qf.ev[0].end));
	}
	return sf.again;
}

static void
qpair_init(struct qpair *qp)
{
	memset(qp, 0, sizeof(*qp));
	flow_init(&qp->f);
	flow_init(&qp->r);
}

static void
qpair_free(struct qpair *qp)
{
	flow_done(&qp->f);
	flow_done(&qp->r);
	brain_queue_free(&qp->qf);
	brain_queue_free(&qp->qr);
}

/*
 * A run of evidence numbered as the flow's last from the same
 * direction is not said when every value of it would be dropped: with
 * no slot begun anew since (the other direction, its packets a second
 * behind, can begin one) and before the minute of any of its slots is
 * up.  What is sent is what a flow that looks every value up sends,
 * every time: a minute on across skipped runs, after a one-value
 * change, from both directions, on two flows, past the slots a flow
 * keeps.
 */
static void
test_devfacts_again(void **state)
{
	static const struct said a[] = {
		{ C, EVIDENCE_HL7_SENDING_APP, "GW" },
		{ C, EVIDENCE_HL7_VERSION, "2.6" },
		{ S, EVIDENCE_HL7_RECEIVING_APP, "HIS" },
		{ C, EVIDENCE_HL7_OBSERVATION, "150456" },
		{ C, EVIDENCE_HL7_OBSERVATION, "" },
	};
	static const struct said a2[] = {	/* one byte changed */
		{ C, EVIDENCE_HL7_SENDING_APP, "GX" },
		{ C, EVIDENCE_HL7_VERSION, "2.6" },
		{ S, EVIDENCE_HL7_RECEIVING_APP, "HIS" },
		{ C, EVIDENCE_HL7_OBSERVATION, "150456" },
	};
	static const struct said b[] = {	/* the answers */
		{ S, EVIDENCE_HL7_SENDING_APP, "HIS" },
		{ C, EVIDENCE_HL7_RECEIVING_APP, "GW" },
	};
	static const struct said late[] = {	/* a second behind */
		{ C, EVIDENCE_HL7_VERSION, "2.5" },
	};
	static struct said all[2 * EVIDENCE_MAX];
	struct qpair qp, q2;
	size_t n = 0, f0;
	unsigned k;

	(void)state;
	qpair_init(&qp);
	f0 = qp.qf.n;
	assert_false(qsay(&qp, 10, APP_DIR_TOSERVER, 1, a, NELEM(a)));
	assert_int_equal(qp.qf.n - f0, 4);
	assert_true(qsay(&qp, 11, APP_DIR_TOSERVER, 1, a, NELEM(a)));
	assert_true(qsay(&qp, 40, APP_DIR_TOSERVER, 1, a, NELEM(a)));
	assert_true(qsay(&qp, 69, APP_DIR_TOSERVER, 1, a, NELEM(a)));
	/* A minute after the first, across the skipped ones: all again. */
	f0 = qp.qf.n;
	assert_false(qsay(&qp, 70, APP_DIR_TOSERVER, 1, a, NELEM(a)));
	assert_int_equal(qp.qf.n - f0, 4);
	assert_true(qsay(&qp, 71, APP_DIR_TOSERVER, 1, a, NELEM(a)));
	/* One value changed: a new number, the new value. */
	f0 = qp.qf.n;
	assert_false(qsay(&qp, 71, APP_DIR_TOSERVER, 2, a2, NELEM(a2)));
	assert_int_equal(qp.qf.n - f0, 1);
	assert_true(qsay(&qp, 72, APP_DIR_TOSERVER, 2, a2, NELEM(a2)));
	/* The other direction keeps its own run, and leaves this one. */
	assert_false(qsay(&qp, 72, APP_DIR_TOCLIENT, 3, b, NELEM(b)));
	assert_true(qsay(&qp, 73, APP_DIR_TOCLIENT, 3, b, NELEM(b)));
	assert_true(qsay(&qp, 73, APP_DIR_TOSERVER, 2, a2, NELEM(a2)));
	/* ... unless its packets, behind in time, begin a slot anew: the
	 * version said at 70 is forgotten, and said again. */
	f0 = qp.qf.n;
	assert_false(qsay(&qp, 69, APP_DIR_TOCLIENT, 4, late, NELEM(late)));
	assert_int_equal(qp.qf.n - f0, 1);
	f0 = qp.qf.n;
	assert_false(qsay(&qp, 74, APP_DIR_TOSERVER, 2, a2, NELEM(a2)));
	assert_int_equal(qp.qf.n - f0, 1);
	expect_event(&qp.qf.ev[f0], cli_mac, EVIDENCE_HL7_VERSION, "2.6");
	assert_true(qsay(&qp, 75, APP_DIR_TOSERVER, 2, a2, NELEM(a2)));
	/* Time back before the run: looked up. */
	assert_false(qsay(&qp, 73, APP_DIR_TOSERVER, 2, a2, NELEM(a2)));

	/* Two flows: the number is the flow's own. */
	qpair_init(&q2);
	q2.f.cli_port = q2.r.cli_port = 40001;
	assert_false(qsay(&q2, 75, APP_DIR_TOSERVER, 2, a2, NELEM(a2)));
	assert_int_equal(q2.qf.n, 4);
	assert_true(qsay(&q2, 76, APP_DIR_TOSERVER, 2, a2, NELEM(a2)));
	assert_true(qsay(&qp, 76, APP_DIR_TOSERVER, 2, a2, NELEM(a2)));
	qpair_free(&q2);

	/* More (key, end) pairs than a flow keeps: never skipped. */
	for (k = 0; k < EVIDENCE_MAX; k++) {
		all[n].end = C;
		all[n].key = (enum evidence_key)k;
		all[n++].value = "value";
		all[n].end = S;
		all[n].key = (enum evidence_key)k;
		all[n++].value = "value";
	}
	assert_false(qsay(&qp, 80, APP_DIR_TOSERVER, 5, all, n));
	assert_false(qsay(&qp, 81, APP_DIR_TOSERVER, 5, all, n));
	qpair_free(&qp);
}

/*
 * HL7 facts the parser numbered, through the real sink: the same
 * events as unnumbered ones, activity every message, evidence the
 * first time and a minute on.
 */
static void
test_devfacts_again_hl7(void **state)
{
	static const uint64_t ts[] = { 10, 11, 40, 70, 71 };
	struct hl7_facts *h;
	struct qpair qp;
	struct packet p;
	size_t i, k, f0, r0, ev;

	(void)state;
	qpair_init(&qp);
	memset(&p, 0, sizeof(p));
	assert_non_null(h = calloc(1, sizeof(*h)));
	strcpy(h->message_type, "ORU");
	strcpy(h->trigger_event, "R01");
	strcpy(h->type_name, "ORU^R01");
	strcpy(h->sending_app.namespace_id, "MX800");
	strcpy(h->receiving_app.namespace_id, "GATEWAY");
	strcpy(h->version, "2.6");
	h->n_obs = 1;
	strcpy(h->obs[0].code, "150456");
	for (i = 0; i < NELEM(ts); i++) {
		p.ts_us = ts[i] * 1000000u;
		f0 = qp.qf.n;
		r0 = qp.qr.n;
		h->ids = 7;
		devfacts_app(&qp.qf, &qp.f, &p, APP_HL7, APP_DIR_TOSERVER, h);
		h->ids = 0;
		devfacts_app(&qp.qr, &qp.r, &p, APP_HL7, APP_DIR_TOSERVER, h);
		assert_int_equal(qp.qf.n - f0, qp.qr.n - r0);
		for (k = ev = 0; k < qp.qf.n - f0; k++) {
			assert_int_equal(qp.qf.ev[f0 + k].kind,
			    qp.qr.ev[r0 + k].kind);
			assert_int_equal(qp.qf.ev[f0 + k].key,
			    qp.qr.ev[r0 + k].key);
			assert_string_equal(qp.qf.ev[f0 + k].value,
			    qp.qr.ev[r0 + k].value);
			ev += qp.qf.ev[f0 + k].kind == BRAIN_EV_EVIDENCE;
		}
		/* 8 values (the applications, type, version, code,
		 * sender, receiver, from) and an activity; repeats: the
		 * activity alone. */
		assert_int_equal(qp.qf.n - f0 - ev, 1);
		assert_int_equal(ev, ts[i] == 10 || ts[i] == 70 ? 8 : 0);
	}
	free(h);
	qpair_free(&qp);
}

/*
 * A flow remembers the values of 48 (key, end) pairs at most
 * (DEVFACTS_MAX_SLOTS): the pairs first said are thinned, and the
 * values of any pair past them are all sent, every time, as on a flow
 * that remembers nothing.  Every key about both ends, twice: the second
 * time only the pairs past the first 48 speak.
 */
static void
test_devfacts_repeat_many_keys(void **state)
{
	static struct said all[2 * EVIDENCE_MAX];
	struct brain_queue q;
	struct flow f;
	size_t i, n = 0;
	unsigned k;

	(void)state;
	_Static_assert(2 * EVIDENCE_MAX > 48, "more pairs than remembered");
	for (k = 0; k < EVIDENCE_MAX; k++) {
		all[n].end = C;
		all[n].key = (enum evidence_key)k;
		all[n++].value = k % 2 ? "value" : " value";
		all[n].end = S;
		all[n].key = (enum evidence_key)k;
		all[n++].value = "value";
	}
	fixture(&q, NULL, 0, &f);
	assert_int_equal(say(&q, &f, 10, all, n), n);
	assert_int_equal(say(&q, &f, 11, all, n), n - 48);
	for (i = 0; i < n - 48; i++) {
		assert_int_equal(q.ev[n + i].key, all[48 + i].key);
		assert_string_equal(q.ev[n + i].value, "value");
	}
	/* A new value of a remembered pair is still news. */
	all[0].value = "other";
	assert_int_equal(say(&q, &f, 12, all, 1), 1);
	assert_int_equal(say(&q, &f, 12, all, 1), 0);
	flow_done(&f);
	brain_queue_free(&q);
}

/*
 * What flows hold in evidence sent lately counts against flow.memcap
 * (issue 11: every byte traffic can make the sensor hold): the queue's
 * sent_mem is the sum of its flows' lists, as the allocator sizes them,
 * grows with the pairs a flow remembers, and is given back at each
 * flow's end.
 */
static void
test_devfacts_sent_mem(void **state)
{
	static struct said all[2 * EVIDENCE_MAX];
	struct brain_queue q;
	struct flow f1, f2;
	uint64_t m1, m2;
	size_t n = 0;
	unsigned k;

	(void)state;
	for (k = 0; k < EVIDENCE_MAX; k++) {
		all[n].end = C;
		all[n].key = (enum evidence_key)k;
		all[n++].value = "value";
		all[n].end = S;
		all[n].key = (enum evidence_key)k;
		all[n++].value = "value";
	}
	memset(&q, 0, sizeof(q));
	flow_init(&f1);
	flow_init(&f2);
	f2.cli_port = 40001;
	assert_int_equal(devfacts_flow_memuse(&f1), 0);
	(void)say(&q, &f2, 10, all, 1);
	m2 = devfacts_flow_memuse(&f2);
	assert_true(m2 > 0);
	assert_int_equal(q.sent_mem, m2);
	(void)say(&q, &f1, 10, all, n);
	m1 = devfacts_flow_memuse(&f1);
	/* 48 pairs remembered: more than the first list of 8. */
	assert_true(m1 > m2);
	assert_true(m1 >= 48 * (2 + 1 + 4 + 4 * (uint64_t)DEV_MAX_PER_KEY));
	assert_int_equal(q.sent_mem, m1 + m2);
	/* Said again: nothing new held. */
	(void)say(&q, &f1, 11, all, n);
	assert_int_equal(q.sent_mem, m1 + m2);
	devfacts_flow_end(&q, &f1, NULL);
	assert_null(f1.dev_sent);
	assert_int_equal(q.sent_mem, m2);
	devfacts_flow_end(&q, &f2, NULL);
	assert_int_equal(q.sent_mem, 0);
	brain_queue_free(&q);
}

/* An activity's value of len bytes (NULs and all), as a parser says
 * one. */
struct act_said {
	const char	*value;
	size_t		 len;
};

static void
act_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct act_said *sd = fact;

	(void)dir;
	sink->activity(sink, C, ACT_HL7_MESSAGE, sd->value, sd->len);
}

/*
 * An activity's value is copied up to a NUL or DEV_VALUE_MAX - 1 bytes,
 * tabs kept and other control bytes and DEL made '?'; bytes past ASCII
 * stay.  Every length to past the cut, with each kind of byte at every
 * place, against the rule written out byte by byte.
 */
static void
test_devfacts_activity_values(void **state)
{
	static const char odd[] = { '\t', '\001', '\177', '\0', '\303', '?' };
	char v[96], want[DEV_VALUE_MAX];
	struct brain_queue q;
	struct packet p;
	struct act_said sd;
	struct flow f;
	size_t len, pos, k, i;

	(void)state;
	fixture(&q, &p, 0, &f);
	for (len = 0; len <= 80; len++)
		for (pos = 0; pos <= len; pos++)
			for (k = 0; k < sizeof(odd); k++) {
				for (i = 0; i < len; i++)
					v[i] = (char)('A' + (i * 7 + k) % 26);
				if (pos < len)
					v[pos] = odd[k];
				v[len] = 'Z';	/* past the length: not read */
				for (i = 0; i < len && v[i] != '\0' &&
				    i < DEV_VALUE_MAX - 1; i++) {
					unsigned char c = (unsigned char)v[i];

					want[i] = c == '\t' ? '\t' :
					    c < 0x20 || c == 0x7f ? '?' :
					    (char)c;
				}
				want[i] = '\0';
				sd.value = v;
				sd.len = len;
				q.n = 0;
				devfacts_facts(&q, &f, &p, APP_HL7,
				    APP_DIR_TOSERVER, &sd, act_facts);
				assert_int_equal(q.n, 1);
				assert_int_equal(q.ev[0].kind,
				    BRAIN_EV_ACTIVITY);
				if (strcmp(q.ev[0].value, want) != 0)
					fail_msg("len %zu, byte %zu at %zu: "
					    "\"%s\", want \"%s\"", len, k, pos,
					    q.ev[0].value, want);
			}
	flow_done(&f);
	brain_queue_free(&q);
}

struct hashed {
	uint32_t	 h;
	uint32_t	 i;
};

static int
hashed_cmp(const void *a, const void *b)
{
	const struct hashed *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Two values whose hashes are the same (found by a birthday search over
 * 400,000 names: the chance that none collide is below 1e-8) are one
 * value to a flow's thinning under one key and end: the one said second
 * in a minute is not sent.  Under another key, about the other end, or
 * on a UDP flow, both are.  What a collision costs is one value of one
 * flow for a minute at a time, at odds of about 2^-32 a pair.
 */
static void
test_devfacts_repeat_collision(void **state)
{
	enum { NTRY = 400000 };
	struct hashed *t;
	char a[16], b[16], dirty[24];
	struct said s[2];
	struct brain_queue q;
	struct flow f;
	size_t i;

	(void)state;
	assert_non_null(t = calloc(NTRY, sizeof(*t)));
	for (i = 0; i < NTRY; i++) {
		snprintf(a, sizeof(a), "EQ-%07zu", i);
		t[i].h = devfacts_value_hash(a, strlen(a));
		t[i].i = (uint32_t)i;
	}
	qsort(t, NTRY, sizeof(*t), hashed_cmp);
	for (i = 1; i < NTRY && t[i].h != t[i - 1].h; i++)
		;
	assert_true(i < NTRY);
	snprintf(a, sizeof(a), "EQ-%07u", t[i - 1].i);
	snprintf(b, sizeof(b), "EQ-%07u", t[i].i);
	free(t);
	assert_string_not_equal(a, b);
	/* The first said as it cleans to a (the slow path), the second
	 * as it is (the fast one). */
	snprintf(dirty, sizeof(dirty), " %s  ", a);
	assert_true(devfacts_value_hash(dirty, strlen(dirty)) ==
	    devfacts_value_hash(b, strlen(b)));
	s[0] = (struct said){ C, EVIDENCE_HL7_EQUIPMENT, dirty };
	s[1] = (struct said){ C, EVIDENCE_HL7_EQUIPMENT, b };
	fixture(&q, NULL, 0, &f);
	assert_int_equal(say(&q, &f, 10, s, 2), 1);
	expect_event(&q.ev[0], cli_mac, EVIDENCE_HL7_EQUIPMENT, a);
	s[1].key = EVIDENCE_HL7_SERIAL;
	assert_int_equal(say(&q, &f, 10, &s[1], 1), 1);
	s[1].key = EVIDENCE_HL7_EQUIPMENT;
	s[1].end = S;
	assert_int_equal(say(&q, &f, 10, &s[1], 1), 1);
	/* A minute on, the one said first wins. */
	s[1].end = C;
	assert_int_equal(say(&q, &f, 70, &s[1], 1), 1);
	expect_event(&q.ev[q.n - 1], cli_mac, EVIDENCE_HL7_EQUIPMENT, b);
	assert_int_equal(say(&q, &f, 70, s, 1), 0);
	flow_done(&f);
	/* UDP: nothing thinned. */
	q.n = 0;
	flow_init(&f);
	f.proto = IPPROTO_UDP;
	assert_int_equal(say(&q, &f, 10, s, 2), 2);
	brain_queue_free(&q);
}

/*
 * LLDP: about the frame's source and first management address,
 * numbered by place in the frame (an empty description still counts).
 */
static void
test_devfacts_lldp(void **state)
{
	static const uint8_t sw[6] = { 0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc };
	static const struct {
		uint32_t	 seq;
		enum evidence_key key;
		const char	*value;
	} want[] = {
		{ 0, EVIDENCE_HOSTNAME_LLDP, "monitor-7" },
		{ 2, EVIDENCE_LLDP_PLATFORM, "MX800" },
		{ 3, EVIDENCE_LLDP_CAPABILITY, "bridge" },
		{ 4, EVIDENCE_LLDP_CAPABILITY, "telephone" },
		{ 5, EVIDENCE_LLDP_MANUFACTURER, "Philips" },
		{ 7, EVIDENCE_LLDP_SOFTWARE, "FW 1.2" },
		{ 8, EVIDENCE_LLDP_SERIAL, "DE123" },
	};
	struct brain_queue q;
	struct lldp_facts *l;
	struct packet p;
	size_t i;

	(void)state;
	memset(&q, 0, sizeof(q));
	memset(&p, 0, sizeof(p));
	assert_non_null(l = calloc(1, sizeof(*l)));
	p.flags = PKT_HAS_ETH;
	p.ts_us = 3000000;
	p.pcap_cnt = 9;
	memcpy(p.src_mac, sw, 6);
	l->proto = LLDP_PROTO_LLDP;
	strcpy(l->system_name, "monitor-7");
	strcpy(l->platform, "MX800");
	l->caps_enabled = 1u << 2 | 1u << 5;
	strcpy(l->manufacturer, "Philips");
	strcpy(l->fw_rev, "FW 1.2");
	strcpy(l->serial, "DE123");
	l->n_mgmt = 1;
	l->mgmt[0].ipver = 4;
	memcpy(l->mgmt[0].a, "\x0a\x00\x00\x07", 4);
	devfacts_lldp(&q, &p, l);
	assert_int_equal(q.n, NELEM(want));
	for (i = 0; i < NELEM(want); i++) {
		expect_event(&q.ev[i], sw, want[i].key, want[i].value);
		assert_int_equal(q.ev[i].seq, want[i].seq);
		assert_int_equal(q.ev[i].fkey, 0);
		assert_true(q.ev[i].end[0].has_ip);
		assert_memory_equal(q.ev[i].end[0].ip.a + 12,
		    "\x0a\x00\x00\x07", 4);
	}
	/* Without an Ethernet header there is no subject. */
	q.n = 0;
	p.flags = 0;
	devfacts_lldp(&q, &p, l);
	assert_int_equal(q.n, 0);
	free(l);
	brain_queue_free(&q);
}

/* ------------------------------------------------------------------ */
/* mDNS service types. */

/* A copy of s in a buffer of exactly its size, so ASan sees any read
 * before or after it. */
static char *
exact(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p;

	assert_non_null(p = malloc(len));
	memcpy(p, s, len);
	return p;
}

static void
test_devfacts_service_types(void **state)
{
	static const struct {
		const char	*name;
		const char	*service;	/* NULL: none */
	} cases[] = {
		{ "_ipp._tcp.local", "_ipp._tcp" },
		{ "Printer 3._ipp._tcp.local", "_ipp._tcp" },
		{ "_sub._printer._tcp.local", "_printer._tcp" },
		{ "_hl7._udp.local", "_hl7._udp" },
		{ "_services._tcp.local", NULL },
		{ "printer._tcp.local", NULL },
		{ "pump.local", NULL },
		{ "", NULL },
	};
	char out[64], *name;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		name = exact(cases[i].name);
		if (cases[i].service == NULL) {
			if (dns_service_type(name, out, sizeof(out)))
				fail_msg("%s: service %s", cases[i].name, out);
		} else {
			if (!dns_service_type(name, out, sizeof(out)))
				fail_msg("%s: no service", cases[i].name);
			assert_string_equal(out, cases[i].service);
		}
		free(name);
	}
	/* It does not fit: refused, not cut. */
	name = exact("_ipp._tcp.local");
	assert_false(dns_service_type(name, out, 9));
	assert_true(dns_service_type(name, out, 10));
	free(name);
}

/*
 * A name that starts with "._tcp." has no label before the protocol.
 * In an exact-size buffer ASan catches a read before it; the second
 * check catches it without ASan, since the byte before that name is an
 * underscore that a read before the name would take for a service.
 */
static void
test_devfacts_service_at_start(void **state)
{
	static const char text[] = "_._tcp.local";
	char out[64], *name, *buf;

	(void)state;
	name = exact("._tcp.local");
	assert_false(dns_service_type(name, out, sizeof(out)));
	free(name);
	name = exact("._udp.local");
	assert_false(dns_service_type(name, out, sizeof(out)));
	free(name);
	buf = exact(text);
	assert_false(dns_service_type(buf + 1, out, sizeof(out)));
	free(buf);
}

/*
 * An alert on an ICMP flow names the matched packet's type and code,
 * not the flow's (its first packet's): an echo reply alerts as type 0
 * code 0 on the echo request's flow, oriented server to client.
 */
static void
test_devfacts_alert_icmp(void **state)
{
	struct brain_queue q;
	struct packet p;
	struct flow f;

	(void)state;
	fixture(&q, &p, 0, &f);
	f.proto = IPPROTO_ICMP;
	f.ipver = 4;
	f.cli_port = 8;		/* echo request, code 0 */
	f.srv_port = 0;
	memcpy(f.cli_ip, "\x0a\x00\x00\x01", 4);
	memcpy(f.srv_ip, "\x0a\x00\x00\x02", 4);
	p.proto = IPPROTO_ICMP;
	p.icmp_type = 0;	/* echo reply */
	p.icmp_code = 0;
	devfacts_alert(&q, &f, &p, FLOW_DIR_TOCLIENT, 3, APP_UNKNOWN, NULL,
	    0);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.ev[0].kind, BRAIN_EV_ALERT);
	assert_memory_equal(q.ev[0].src, "\x0a\x00\x00\x02", 4);
	assert_int_equal(q.ev[0].sport, 0);
	assert_int_equal(q.ev[0].dport, 0);
	/* A TCP flow's alert keeps the flow's ports, reversed. */
	f.proto = IPPROTO_TCP;
	f.cli_port = 40000;
	f.srv_port = 80;
	p.proto = IPPROTO_TCP;
	devfacts_alert(&q, &f, &p, FLOW_DIR_TOCLIENT, 3, APP_UNKNOWN, NULL,
	    0);
	assert_int_equal(q.n, 2);
	assert_int_equal(q.ev[1].sport, 80);
	assert_int_equal(q.ev[1].dport, 40000);
	brain_queue_free(&q);
}

/* The activity events of a queue, in order. */
static size_t
activities(const struct brain_queue *q, const struct brain_ev **out,
    size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < q->n && n < max; i++)
		if (q->ev[i].kind == BRAIN_EV_ACTIVITY)
			out[n++] = &q->ev[i];
	return n;
}

/* Acts go to the brain every time, the actor first with its own port;
 * file names leave only as a keyed hash. */
static void
test_devfacts_activity(void **state)
{
	const struct brain_ev *a[8];
	struct brain_queue q;
	struct hl7_facts *h;
	struct dicom_command cmd;
	struct dicom_fact df;
	struct login_facts lf;
	struct smb_facts *sf;
	struct flow f;
	size_t i;

	(void)state;
	fixture(&q, NULL, 0, &f);
	h = hl7_new("ORU");
	strcpy(h->trigger_event, "R01");
	devfacts_app(&q, &f, NULL, APP_HL7, APP_DIR_TOSERVER, h);
	devfacts_app(&q, &f, NULL, APP_HL7, APP_DIR_TOSERVER, h);
	strcpy(h->message_type, "ACK");
	h->trigger_event[0] = '\0';
	devfacts_app(&q, &f, NULL, APP_HL7, APP_DIR_TOCLIENT, h);
	assert_int_equal(activities(&q, a, 8), 3);
	for (i = 0; i < 2; i++) {	/* not thinned like evidence */
		assert_int_equal(a[i]->key, ACT_HL7_MESSAGE);
		assert_string_equal(a[i]->value, "ORU^R01");
		assert_memory_equal(a[i]->end[0].mac, cli_mac, 6);
		assert_memory_equal(a[i]->end[1].mac, srv_mac, 6);
		assert_int_equal(a[i]->sport, 40000);
		assert_int_equal(a[i]->dport, 2575);
		assert_int_equal(a[i]->app, APP_HL7);
	}
	assert_string_equal(a[2]->value, "ACK");
	assert_memory_equal(a[2]->end[0].mac, srv_mac, 6);
	assert_int_equal(a[2]->sport, 2575);
	assert_int_equal(a[2]->dport, 40000);
	free(h);
	brain_queue_free(&q);

	/* DICOM: requests only, C-MOVE with its destination. */
	memset(&q, 0, sizeof(q));
	memset(&cmd, 0, sizeof(cmd));
	memset(&df, 0, sizeof(df));
	df.type = DICOM_FACT_COMMAND;
	df.u.command = &cmd;
	cmd.command_field = 0x0021;
	strcpy(cmd.move_destination, "EXFIL_AE");
	devfacts_app(&q, &f, NULL, APP_DICOM, APP_DIR_TOSERVER, &df);
	cmd.command_field = 0x8021;		/* the answer: no act */
	devfacts_app(&q, &f, NULL, APP_DICOM, APP_DIR_TOCLIENT, &df);
	cmd.command_field = 0x0020;
	devfacts_app(&q, &f, NULL, APP_DICOM, APP_DIR_TOSERVER, &df);
	assert_int_equal(activities(&q, a, 8), 2);
	assert_int_equal(a[0]->key, ACT_DICOM_COMMAND);
	assert_string_equal(a[0]->value, "C-MOVE\tEXFIL_AE");
	assert_string_equal(a[1]->value, "C-FIND");
	brain_queue_free(&q);

	/* A login: the protocol and outcome, never the user. */
	memset(&q, 0, sizeof(q));
	memset(&lf, 0, sizeof(lf));
	lf.protocol = APP_TELNET;
	strcpy(lf.user, "biomed");
	lf.outcome = LOGIN_SUCCESS;
	devfacts_app(&q, &f, NULL, APP_TELNET, APP_DIR_TOCLIENT, &lf);
	assert_int_equal(activities(&q, a, 8), 1);
	assert_int_equal(a[0]->key, ACT_LOGIN);
	assert_string_equal(a[0]->value, "telnet\tok");
	assert_memory_equal(a[0]->end[0].mac, cli_mac, 6);
	brain_queue_free(&q);

	/* SMB: a write and a rename, names hashed; a refused write and
	 * a read are no act. */
	memset(&q, 0, sizeof(q));
	assert_non_null(sf = calloc(1, sizeof(*sf)));
	sf->version = 2;
	sf->has_request = true;
	sf->command = 9;			/* WRITE */
	strcpy(sf->share, "\\\\fs\\scans");
	strcpy(sf->filename, "DOE_JOHN_CT.dcm");
	devfacts_app(&q, &f, NULL, APP_SMB, APP_DIR_TOSERVER, sf);
	devfacts_app(&q, &f, NULL, APP_SMB, APP_DIR_TOSERVER, sf);
	sf->rename = true;
	devfacts_app(&q, &f, NULL, APP_SMB, APP_DIR_TOSERVER, sf);
	sf->rename = false;
	sf->has_response = true;
	sf->status = 0xc0000022;		/* ACCESS_DENIED */
	devfacts_app(&q, &f, NULL, APP_SMB, APP_DIR_TOCLIENT, sf);
	sf->status = 0;
	sf->command = 8;			/* READ */
	devfacts_app(&q, &f, NULL, APP_SMB, APP_DIR_TOCLIENT, sf);
	assert_int_equal(activities(&q, a, 8), 3);
	assert_int_equal(a[0]->key, ACT_SMB_WRITE);
	assert_int_equal(a[2]->key, ACT_SMB_RENAME);
	assert_int_equal(strlen(a[0]->value), 16);
	assert_null(strstr(a[0]->value, "DOE"));
	assert_string_equal(a[0]->value, a[1]->value);	/* same file */
	assert_string_equal(a[0]->value, a[2]->value);
	free(sf);
	brain_queue_free(&q);
	flow_done(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devfacts_hl7),
		cmocka_unit_test(test_devfacts_activity),
		cmocka_unit_test(test_devfacts_activity_values),
		cmocka_unit_test(test_devfacts_alert_icmp),
		cmocka_unit_test(test_devfacts_dicom),
		cmocka_unit_test(test_devfacts_dhcp),
		cmocka_unit_test(test_devfacts_dns),
		cmocka_unit_test(test_devfacts_others),
		cmocka_unit_test(test_devfacts_sink_values),
		cmocka_unit_test(test_devfacts_sink_hosts),
		cmocka_unit_test(test_devfacts_repeats),
		cmocka_unit_test(test_devfacts_repeat_hash),
		cmocka_unit_test(test_devfacts_value_hash_ref),
		cmocka_unit_test(test_devfacts_repeat_keys),
		cmocka_unit_test(test_devfacts_again),
		cmocka_unit_test(test_devfacts_again_hl7),
		cmocka_unit_test(test_devfacts_repeat_many_keys),
		cmocka_unit_test(test_devfacts_sent_mem),
		cmocka_unit_test(test_devfacts_repeat_collision),
		cmocka_unit_test(test_devfacts_flow_key),
		cmocka_unit_test(test_devfacts_flow_weak),
		cmocka_unit_test(test_devfacts_lldp),
		cmocka_unit_test(test_devfacts_service_types),
		cmocka_unit_test(test_devfacts_service_at_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
