/*
 * test-findings.c - the assessment's findings, risk scores and the
 * state's alert counts (report/findings.h, state_add_alerts()).
 *
 * Each finding kind on devices that have it and on devices that do
 * not; the risk score monotonic in each of its inputs and ordered by
 * clinical impact; alert counts added across saves and a version 2
 * state file upgraded.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <unistd.h>

#include "device/device.h"
#include "policy/baseline.h"
#include "report/findings.h"
#include "state/state.h"

#define TS	1700000000000000ull

static void
test_risk_monotonic(void **unused)
{
	static const char *const classes[] = {
		"ventilator", "infusion-pump", "patient-monitor",
		"imaging-modality", "clinical-workstation", "printer",
	};
	struct fnd_risk_in in, up;
	unsigned *field[3 + FND_SEV_MAX];
	int base, prev, s, i, k;
	size_t c;

	(void)unused;
	for (c = 0; c < sizeof(classes) / sizeof(*classes); c++) {
		memset(&in, 0, sizeof(in));
		in.class = classes[c];
		/* Every input alone, from 0 to well past its cap. */
		for (k = 0; k < 3 + FND_SEV_MAX; k++) {
			up = in;
			field[0] = &up.services;
			field[1] = &up.cross_peers;
			field[2] = &up.external;
			for (s = 0; s < FND_SEV_MAX; s++)
				field[3 + s] = &up.sev[s];
			prev = findings_risk(&up);
			for (i = 1; i < 30; i++) {
				*field[k] = (unsigned)i;
				base = findings_risk(&up);
				assert_true(base >= prev);
				assert_true(base >= 0 && base <= 100);
				prev = base;
			}
			/* And it mattered. */
			assert_true(prev > findings_risk(&in));
		}
	}
	/* Clinical impact orders equal devices. */
	memset(&in, 0, sizeof(in));
	in.services = 2;
	in.sev[FND_HIGH] = 1;
	for (c = 1, prev = 101; c < sizeof(classes) / sizeof(*classes); c++) {
		in.class = classes[c];
		base = findings_risk(&in);
		assert_true(base < prev);
		prev = base;
	}
	in.class = "ventilator";
	assert_int_equal(findings_risk(&in), findings_risk(&(struct
	    fnd_risk_in){ .class = "infusion-pump", .services = 2,
	    .sev = { [FND_HIGH] = 1 } }));
	/* Everything at once is 100 for a pump, 30 for a printer's
	 * weight. */
	memset(&in, 0, sizeof(in));
	in.class = "infusion-pump";
	in.services = 10;
	in.cross_peers = 10;
	in.external = 3;
	in.sev[FND_CRITICAL] = 5;
	assert_int_equal(findings_risk(&in), 100);
	in.class = "printer";
	assert_int_equal(findings_risk(&in), 30);
	in.class = "no-such-class";
	assert_int_equal(findings_impact(in.class), 50);
}

/* A device with a class (NULL: none), on vlan, with a MAC ending n. */
static struct device *
mkdev(const char *class, uint16_t vlan, uint8_t n)
{
	struct device *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	dev_init(d);
	d->id = n;
	d->vlan = vlan;
	d->mac[0] = 0x02;
	d->mac[5] = n;
	d->has_ip = true;
	dev_ip_from4(&d->ip, (const uint8_t[4]){ 10, (uint8_t)vlan, 0, n });
	d->first_us = TS;
	d->last_us = TS + 1000000;
	if (class != NULL)
		dev_claim(d, DEV_A_CLASS, class, 90, "test", "", TS);
	return d;
}

static struct bl_dev *
mkbl(const char *const *services, const char *const *peers,
    const char *external)
{
	struct bl_config cfg;
	struct bl_dev *bl;
	struct bl_item *it;

	bl_config_defaults(&cfg);
	bl = bl_dev_new(&cfg, TS);
	for (; services != NULL && *services != NULL; services++) {
		it = bl_add(bl, &cfg, BL_SERVICE, *services);
		assert_non_null(it);
		it->count = 3;
	}
	for (; peers != NULL && *peers != NULL; peers++)
		assert_non_null(bl_add(bl, &cfg, BL_PEER, *peers));
	if (external != NULL)
		assert_non_null(bl_add(bl, &cfg, BL_EXTERNAL, external));
	return bl;
}

static const struct finding *
find(const struct fnd_list *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return &l->v[i];
	return NULL;
}

/* The finding id names exactly these devices (by index). */
static void
expect(const struct fnd_list *l, const char *id, const size_t *devs,
    size_t n)
{
	const struct finding *f = find(l, id);
	size_t i;

	if (n == 0) {
		if (f != NULL)
			fail_msg("%s: unexpected finding", id);
		return;
	}
	if (f == NULL)
		fail_msg("%s: no finding", id);
	assert_int_equal(f->nhits, n);
	for (i = 0; i < n; i++)
		assert_int_equal(f->hits[i].dev, devs[i]);
	assert_non_null(f->remediation);
	assert_true(f->remediation[0] != '\0');
}

static void
test_findings_each_kind(void **unused)
{
	static const char *const pump_svc[] = {
		"tcp/23 telnet server", "tcp/21 ftp server",
		"tcp/80 http server", "udp/161 snmp server",
		"tcp/2575 hl7 client", NULL
	};
	static const char *const ws_svc[] = { "tcp/2575 hl7 client", NULL };
	static const char *const ws_peers[] = { "mac:02:00:00:00:00:01",
	    NULL };
	struct state_alert al[2], alx[5];
	struct device *d[4];
	struct bl_dev *bl[4];
	struct fnd_dev fd[4];
	struct fnd_list l;
	size_t i;

	(void)unused;
	d[0] = mkdev("infusion-pump", 20, 1);
	dev_add_evidence(d[0], "smb.native_os", "Windows 5.1", TS);
	dev_add_evidence(d[0], "tls.ja4", "t11d1305h2_8daaf6152771_e5627efa2ab1",
	    TS);
	bl[0] = mkbl(pump_svc, NULL, "ip:203.0.113.5");
	d[1] = mkdev(NULL, 20, 2);		/* unknown, medical VLAN */
	bl[1] = NULL;
	d[2] = mkdev("clinical-workstation", 40, 3);
	bl[2] = mkbl(ws_svc, ws_peers, NULL);
	d[3] = mkdev(NULL, 50, 4);		/* unknown, other VLAN */
	bl[3] = NULL;

	memset(al, 0, sizeof(al));
	al[0].gid = 1;
	al[0].sid = 9200101;
	al[0].severity = 1;
	strcpy(al[0].signature, "WARDWATCH IOMT cleartext FTP login to a "
	    "medical device");
	al[0].as_dst = 4;
	al[0].first_us = TS;
	al[0].last_us = TS + 9000000;
	al[1] = al[0];
	al[1].as_dst = 0;
	al[1].as_src = 4;

	memset(fd, 0, sizeof(fd));
	for (i = 0; i < 4; i++) {
		fd[i].d = d[i];
		fd[i].bl = bl[i];
	}
	/* Four more rules on the pump: more findings and reasons than
	 * a device keeps. */
	for (i = 0; i < 5; i++) {
		alx[i] = al[0];
		alx[i].sid = 9200101 + (uint32_t)i;
	}
	fd[0].alerts = alx;
	fd[0].nalerts = 5;
	fd[2].alerts = &al[1];
	fd[2].nalerts = 1;
	findings_compute(fd, 4, &l);

	expect(&l, "WW-F001", (const size_t[]){ 0, 2 }, 2);
	expect(&l, "WW-F002", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-F003", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-F004", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-F005", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-F006", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-F007", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-F008", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-F009", (const size_t[]){ 1 }, 1);
	expect(&l, "WW-F010", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-F011", (const size_t[]){ 2 }, 1);
	expect(&l, "WW-A1-9200101", (const size_t[]){ 0, 2 }, 2);
	assert_non_null(strstr(find(&l, "WW-F006")->hits[0].evidence,
	    "TLS 1.1"));
	assert_non_null(strstr(find(&l, "WW-A1-9200101")->hits[0].evidence,
	    "0 as source, 4 as destination"));
	/* Ordered by severity. */
	for (i = 1; i < l.n; i++)
		assert_true(l.v[i - 1].sev <= l.v[i].sev);
	/* The pump is the riskiest, with its reasons. */
	assert_true(fd[0].risk > fd[1].risk && fd[0].risk > fd[2].risk);
	assert_true(fd[0].nfindings > FND_REASONS_MAX);
	assert_int_equal(fd[0].nreasons, FND_REASONS_MAX);
	assert_non_null(strstr(fd[0].reasons[0], "infusion-pump"));
	for (i = 1; i < FND_REASONS_MAX; i++)
		assert_non_null(strstr(fd[0].reasons[i], " WW-"));
	/* Each device's reasons are its own. */
	assert_int_equal(fd[1].nreasons, 2);
	assert_non_null(strstr(fd[1].reasons[1], "WW-F009"));
	assert_non_null(strstr(fd[1].reasons[0], "clinical impact"));
	assert_int_equal(fd[0].services_offered, 4);
	assert_int_equal(fd[0].peers_in, 1);
	/* The reasons' text, as it always was (one and many alike). */
	assert_string_equal(fd[0].reasons[0], "clinical impact 100% "
	    "(infusion-pump); 4 services offered, reached from 1 device on "
	    "other VLANs, 1 public destination");
	assert_string_equal(fd[0].reasons[1], "high WW-F001: Cleartext "
	    "login (telnet, FTP) seen");
	assert_string_equal(fd[1].reasons[0], "clinical impact 50% "
	    "(unknown); 0 services offered, reached from 0 devices on other "
	    "VLANs, 0 public destinations");
	assert_string_equal(fd[1].reasons[1], "medium WW-F009: "
	    "Unidentified device on a medical VLAN");
	findings_free(&l);

	/* The same ward without any of it: no finding at all. */
	for (i = 0; i < 4; i++) {
		if (bl[i] != NULL)
			bl_dev_free(bl[i]);
		dev_free(d[i]);
		free(d[i]);
	}
	d[0] = mkdev("infusion-pump", 20, 1);
	bl[0] = mkbl(ws_svc, NULL, NULL);
	d[1] = mkdev("patient-monitor", 20, 2);
	bl[1] = NULL;
	d[2] = mkdev("clinical-workstation", 20, 3);
	bl[2] = mkbl(ws_svc, ws_peers, NULL);	/* same VLAN */
	d[3] = mkdev(NULL, 50, 4);		/* not a medical VLAN */
	bl[3] = NULL;
	memset(fd, 0, sizeof(fd));
	for (i = 0; i < 4; i++) {
		fd[i].d = d[i];
		fd[i].bl = bl[i];
	}
	findings_compute(fd, 4, &l);
	if (l.n != 0)
		fail_msg("unexpected finding %s", l.v[0].id);
	assert_int_equal(fd[0].nreasons, 1);
	findings_free(&l);
	for (i = 0; i < 4; i++) {
		if (bl[i] != NULL)
			bl_dev_free(bl[i]);
		dev_free(d[i]);
		free(d[i]);
	}
}

/*
 * The weaknesses parsers and nDPI leave as evidence: HTTP Basic
 * (WW-F012), SNMP v1/v2c (WW-F013), a self-signed or expired
 * certificate (WW-F014: expired when older than its first sighting),
 * a weak cipher (WW-F015), a server's old TLS (WW-F006), nDPI's risks
 * (WW-R<nn>, one finding per risk, unknown names ignored; a device's
 * cleartext-credentials risk goes when WW-F012 names it, its unsafe
 * protocol when WW-F013 does), end-of-life software by the versions
 * devices tell (WW-F016).  Near
 * misses (a certificate expiring after it was seen, an SNMPv3-only
 * device has no evidence at all) make none.
 */
static void
test_findings_weaknesses(void **unused)
{
	struct device *d[4];
	struct fnd_dev fd[4];
	struct fnd_list l;
	const struct finding *f;
	size_t i;

	(void)unused;
	d[0] = mkdev("patient-monitor", 20, 1);
	dev_add_evidence(d[0], "http.basic_auth", "server", TS);
	dev_add_evidence(d[0], "snmp.version", "v2c", TS);
	dev_add_evidence(d[0], "tls.cert_self_signed", "CN=mon-1", TS);
	dev_add_evidence(d[0], "tls.cert_not_after", "2019-01-01T00:00:00",
	    TS);
	dev_add_evidence(d[0], "tls.weak_cipher", "RC4 0x0005", TS);
	dev_add_evidence(d[0], "tls.server_version", "TLSv1", TS);
	dev_add_evidence(d[0], "ndpi.risk", "unsafe-protocol", TS);
	dev_add_evidence(d[0], "ndpi.risk", "tls-cert-too-long", TS);
	dev_add_evidence(d[0], "ndpi.risk", "no-such-risk", TS);
	dev_add_evidence(d[0], "ndpi.risk", "cleartext-credentials", TS);
	dev_add_evidence(d[0], "ssh.software", "OpenSSH_5.3", TS);
	d[1] = mkdev("clinical-workstation", 40, 2);
	dev_add_evidence(d[1], "http.basic_auth", "client", TS);
	dev_add_evidence(d[1], "snmp.version", "v1", TS);
	dev_add_evidence(d[1], "ndpi.risk", "unsafe-protocol", TS);
	dev_add_evidence(d[1], "os.windows_version", "Windows 7 or Server "
	    "2008 R2 (6.1 build 7601)", TS);
	/* Expires after it was seen: valid then. */
	d[2] = mkdev("printer", 40, 3);
	dev_add_evidence(d[2], "tls.cert_not_after", "2030-01-01T00:00:00",
	    TS);
	dev_add_evidence(d[2], "tls.cert_not_after", "garbage", TS);
	dev_add_evidence(d[2], "ndpi.risk", "unsafe-protocol", TS);
	dev_add_evidence(d[2], "ssh.software", "OpenSSH_9.2p1", TS);
	dev_add_evidence(d[2], "ssh.software", "dropbear_2022.83", TS);
	d[3] = mkdev("infusion-pump", 20, 4);
	dev_add_evidence(d[3], "ndpi.risk", "cleartext-credentials", TS);
	dev_add_evidence(d[3], "os.windows_version", "Windows 10 or Server "
	    "2016/2019 (10.0 build 19045)", TS);
	memset(fd, 0, sizeof(fd));
	for (i = 0; i < 4; i++)
		fd[i].d = d[i];
	findings_compute(fd, 4, &l);
	expect(&l, "WW-F012", (const size_t[]){ 0, 1 }, 2);
	expect(&l, "WW-F013", (const size_t[]){ 0, 1 }, 2);
	expect(&l, "WW-F014", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-F015", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-F006", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-R17", (const size_t[]){ 2 }, 1);
	expect(&l, "WW-R27", (const size_t[]){ 0 }, 1);
	expect(&l, "WW-R31", (const size_t[]){ 3 }, 1);
	expect(&l, "WW-F016", (const size_t[]){ 0, 1 }, 2);
	assert_non_null(strstr(find(&l, "WW-F016")->hits[1].evidence,
	    "os.windows_version \"Windows 7 or Server 2008 R2"));
	f = find(&l, "WW-F014");
	assert_non_null(strstr(f->hits[0].evidence, "self-signed "
	    "certificate \"CN=mon-1\""));
	assert_non_null(strstr(f->hits[0].evidence, "expired 2019-01-01, "
	    "presented 2023-11-14"));
	assert_non_null(strstr(find(&l, "WW-F013")->hits[1].evidence,
	    "SNMPv1"));
	assert_non_null(strstr(find(&l, "WW-F015")->hits[0].evidence,
	    "RC4 0x0005"));
	assert_non_null(strstr(find(&l, "WW-F012")->hits[0].evidence,
	    "as a server"));
	f = find(&l, "WW-R17");
	assert_int_equal(f->kind, FND_NDPI);
	assert_int_equal(f->sev, FND_MEDIUM);
	assert_non_null(strstr(f->title, "Unsafe protocol"));
	assert_non_null(f->remediation);
	/* 9 ids and no more: the unknown risk made none. */
	assert_int_equal(l.n, 9);
	/* The weaknesses weigh in the monitor's risk. */
	assert_true(fd[0].risk > fd[3].risk);
	assert_int_equal(fd[2].nfindings, 1);
	assert_int_equal(fd[3].nfindings, 1);
	findings_free(&l);
	for (i = 0; i < 4; i++) {
		dev_free(d[i]);
		free(d[i]);
	}
}

struct al_sum {
	uint64_t	 src, dst, first, last;
	size_t		 n;
};

static int
al_cb(void *arg, const struct state_alert *a)
{
	struct al_sum *s = arg;

	s->n++;
	s->src += a->as_src;
	s->dst += a->as_dst;
	s->first = a->first_us;
	s->last = a->last_us;
	return 0;
}

static void
test_state_alerts(void **unused)
{
	char path[] = "/tmp/test-findings-XXXXXX";
	char db[64], wal[80], shm[80];
	struct state_alert a;
	struct device *d, *v[1];
	struct state *st;
	struct al_sum s;
	sqlite3 *raw;
	int fd;

	(void)unused;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(db, sizeof(db), "%s.db", path);
	snprintf(wal, sizeof(wal), "%s-wal", db);
	snprintf(shm, sizeof(shm), "%s-shm", db);

	assert_non_null(st = state_open(db, stderr));
	d = mkdev("infusion-pump", 20, 1);
	d->id = 0;
	v[0] = d;
	assert_int_equal(state_save_devices(st, v, 1, stderr), 0);
	memset(&a, 0, sizeof(a));
	a.device_id = d->id;
	a.gid = 1;
	a.sid = 9200101;
	a.severity = 1;
	strcpy(a.signature, "cleartext FTP login");
	a.as_src = 2;
	a.first_us = TS + 5;
	a.last_us = TS + 9;
	assert_int_equal(state_add_alerts(st, &a, 1, stderr), 0);
	/* A second save adds: counts sum, first and last widen. */
	a.as_src = 1;
	a.as_dst = 3;
	a.first_us = TS + 1;
	a.last_us = TS + 7;
	assert_int_equal(state_add_alerts(st, &a, 1, stderr), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(state_load_alerts(st, al_cb, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.src, 3);
	assert_int_equal(s.dst, 3);
	assert_int_equal(s.first, TS + 1);
	assert_int_equal(s.last, TS + 9);
	state_close(st);

	/* A version 2 file (no alert table) is upgraded on open. */
	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "DROP TABLE device_alerts; "
	    "DROP TABLE device_evidence; CREATE TABLE device_evidence "
	    "(device_id INTEGER NOT NULL REFERENCES devices (id) "
	    "ON DELETE CASCADE, pos INTEGER NOT NULL, key TEXT NOT NULL, "
	    "value TEXT NOT NULL, first_us INTEGER NOT NULL, "
	    "PRIMARY KEY (device_id, pos)) WITHOUT ROWID; "
	    "PRAGMA user_version = 2;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_non_null(st = state_open_readonly(db, stderr));
	memset(&s, 0, sizeof(s));
	assert_int_equal(state_load_alerts(st, al_cb, &s), 0);
	assert_int_equal(s.n, 0);		/* read-only: none, no error */
	state_close(st);
	assert_non_null(st = state_open(db, stderr));
	assert_int_equal(state_count_devices(st), 1);
	assert_int_equal(state_add_alerts(st, &a, 1, stderr), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(state_load_alerts(st, al_cb, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.dst, 3);
	state_close(st);

	dev_free(d);
	free(d);
	unlink(db);
	unlink(wal);
	unlink(shm);
}

/*
 * Peers matched to devices by MAC (the MAC table): the first device
 * by id of a MAC two devices share, a MAC written with one digit or
 * capitals, never a routed device (its MAC is its router's), and
 * nothing for an unknown MAC or a broken key.  Many devices, so that
 * MACs share slots.
 */
static void
test_findings_peer_macs(void **unused)
{
	static const char *const peers[] = {
		"mac:02:00:00:00:00:01",	/* d[0], not d[1] */
		"mac:2:0:0:0:0:5",		/* d[4] */
		"mac:02:00:00:00:00:0A",	/* d[9] */
		"mac:02:00:00:00:00:03",	/* routed: none */
		"mac:02:00:00:00:00:ff",	/* nobody */
		"mac:02:00:00:00:00",		/* broken */
		"mac:02-00-00-00-00-06",	/* broken */
		"ip:10.20.0.7",			/* not a MAC */
		NULL
	};
	enum { N = 200 };
	struct device *d[N];
	struct fnd_dev fd[N];
	struct bl_dev *bl;
	struct fnd_list l;
	size_t i;

	(void)unused;
	memset(fd, 0, sizeof(fd));
	for (i = 0; i < N; i++) {
		d[i] = mkdev("infusion-pump", (uint16_t)(10 + i % 7),
		    (uint8_t)(i + 1));
		/* MACs from the second byte up too: table slots. */
		d[i]->mac[4] = (uint8_t)(i >= 100 ? 1 : 0);
		fd[i].d = d[i];
	}
	d[1]->mac[5] = 1;			/* d[0]'s MAC, on VLAN 11 */
	d[2]->flags |= DEV_F_ROUTED;		/* MAC ...03 */
	d[199]->vlan = 99;
	bl = mkbl(NULL, peers, NULL);
	fd[199].bl = bl;
	findings_compute(fd, N, &l);
	assert_int_equal(fd[199].peers_out, 3);
	/* Reached from another VLAN: the three matched, no other. */
	for (i = 0; i < N; i++)
		assert_int_equal(fd[i].peers_in, i == 0 || i == 4 || i == 9 ?
		    1 : 0);
	expect(&l, "WW-F008", (const size_t[]){ 0, 4, 9 }, 3);
	findings_free(&l);
	bl_dev_free(bl);
	for (i = 0; i < N; i++) {
		dev_free(d[i]);
		free(d[i]);
	}
}

/*
 * MACs chosen to share one slot of an unkeyed multiply-shift hash (the
 * table's first form, for 200 devices): every peer still finds its
 * device, and an unknown MAC of the same slot finds none.  (The table
 * is now keyed, so the same MACs no longer collide there.)
 */
static void
test_findings_peer_macs_collide(void **unused)
{
	enum { N = 200, NP = 20 };
	char keys[NP + 1][32];
	const char *peers[NP + 2];
	struct device *d[N];
	struct fnd_dev fd[N + 1];
	struct bl_dev *bl;
	struct fnd_list l;
	uint64_t m, cand = 0x020000000000ull;
	size_t i, k = 0;

	(void)unused;
	memset(fd, 0, sizeof(fd));
	while (k < N + 1) {
		m = cand++;
		if ((((m * 0x9e3779b97f4a7c15ull) >> 32) & 511) != 7)
			continue;
		if (k < N) {
			d[k] = mkdev("infusion-pump", 10, 1);
			for (i = 0; i < 6; i++)
				d[k]->mac[i] = (uint8_t)(m >> (40 - 8 * i));
			fd[k].d = d[k];
		}
		if (k % 10 == 0 || k == N)
			snprintf(keys[k / 10], sizeof(keys[0]),
			    "mac:%02x:%02x:%02x:%02x:%02x:%02x",
			    (unsigned)(m >> 40) & 0xff,
			    (unsigned)(m >> 32) & 0xff,
			    (unsigned)(m >> 24) & 0xff,
			    (unsigned)(m >> 16) & 0xff,
			    (unsigned)(m >> 8) & 0xff, (unsigned)m & 0xff);
		k++;
	}
	for (i = 0; i <= NP; i++)
		peers[i] = keys[i];	/* the last: nobody's MAC */
	peers[NP + 1] = NULL;
	d[N - 1]->vlan = 99;
	bl = mkbl(NULL, peers, NULL);
	fd[N - 1].bl = bl;
	findings_compute(fd, N, &l);
	assert_int_equal(fd[N - 1].peers_out, NP);
	for (i = 0; i < N; i++)
		assert_int_equal(fd[i].peers_in,
		    i % 10 == 0 ? 1 : 0);
	findings_free(&l);
	bl_dev_free(bl);
	for (i = 0; i < N; i++) {
		dev_free(d[i]);
		free(d[i]);
	}
}

/*
 * The evidence lines of services offered and public destinations, as
 * snprintf() wrote them: one flow or many, a country or none, and a
 * device's many telnet services joined with "; " up to the line's
 * size, where the last is cut.
 */
static void
test_findings_evidence_lines(void **unused)
{
	char svc[20][BL_KEY_MAX], want[FND_EVIDENCE_MAX], one[FND_EVIDENCE_MAX];
	const char *svcs[21];
	const struct finding *f;
	struct device *d[2];
	struct bl_dev *bl[2];
	struct fnd_dev fd[2];
	struct bl_item *it;
	struct bl_config cfg;
	struct fnd_list l;
	size_t i, n, k;

	(void)unused;
	for (i = 0; i < 20; i++) {
		snprintf(svc[i], sizeof(svc[i]), "tcp/%zu telnet server",
		    2300 + i);
		svcs[i] = svc[i];
	}
	svcs[20] = NULL;
	d[0] = mkdev("infusion-pump", 20, 1);
	bl[0] = mkbl(svcs, NULL, "ip:203.0.113.5");
	bl[0]->set[BL_SERVICE].v[0].count = 1;
	d[1] = mkdev("infusion-pump", 20, 2);
	bl[1] = mkbl((const char *const[]){ "tcp/80 http server", NULL },
	    NULL, "ip:198.51.100.7");
	bl_config_defaults(&cfg);
	it = bl_add(bl[1], &cfg, BL_EXTERNAL, "ip:198.51.100.8");
	assert_non_null(it);
	memcpy(bl[1]->set[BL_EXTERNAL].v[0].cc, "NL", 3);
	memset(fd, 0, sizeof(fd));
	for (i = 0; i < 2; i++) {
		fd[i].d = d[i];
		fd[i].bl = bl[i];
	}
	findings_compute(fd, 2, &l);

	/* The old way: snprintf() each, joined while there is room (as
	 * vsnprintf() at the line's end would, cut to what is left). */
	want[0] = '\0';
	for (i = 0; i < 20; i++) {
		it = &bl[0]->set[BL_SERVICE].v[i];
		snprintf(one, sizeof(one), "offers %s (%u flow%s)", it->key,
		    it->count, it->count == 1 ? "" : "s");
		n = strlen(want);
		if (i == 0)
			snprintf(want, sizeof(want), "%s", one);
		else if (n + 3 < sizeof(want)) {
			/* snprintf(want + n + 2, room, "%s", one) */
			k = strlen(one);
			if (k > sizeof(want) - n - 3)
				k = sizeof(want) - n - 3;
			memcpy(want + n, "; ", 2);
			memcpy(want + n + 2, one, k);
			want[n + 2 + k] = '\0';
		}
	}
	assert_non_null(f = find(&l, "WW-F003"));
	assert_int_equal(f->nhits, 1);
	assert_int_equal(strlen(f->hits[0].evidence), FND_EVIDENCE_MAX - 1);
	assert_string_equal(f->hits[0].evidence, want);
	assert_non_null(strstr(want, "(1 flow); offers tcp/2301 telnet "
	    "server (3 flows)"));
	assert_non_null(f = find(&l, "WW-F005"));
	assert_string_equal(f->hits[0].evidence, "offers tcp/80 http server "
	    "(3 flows)");
	assert_non_null(f = find(&l, "WW-F007"));
	assert_int_equal(f->nhits, 2);
	assert_string_equal(f->hits[0].evidence, "1 public destination, "
	    "first ip:203.0.113.5");
	assert_string_equal(f->hits[1].evidence, "2 public destinations, "
	    "first ip:198.51.100.7 in NL");
	findings_free(&l);
	for (i = 0; i < 2; i++) {
		bl_dev_free(bl[i]);
		dev_free(d[i]);
		free(d[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_risk_monotonic),
		cmocka_unit_test(test_findings_each_kind),
		cmocka_unit_test(test_findings_weaknesses),
		cmocka_unit_test(test_findings_peer_macs),
		cmocka_unit_test(test_findings_peer_macs_collide),
		cmocka_unit_test(test_findings_evidence_lines),
		cmocka_unit_test(test_state_alerts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
