/*
 * state.c - the device inventory in SQLite.
 *
 * Schema version 1 (PRAGMA user_version): one row per device in
 * "devices", its earlier addresses in "device_ips", each competing
 * attribute value in "device_values" with the claims behind it in
 * "device_claims", raw evidence in "device_evidence", and a small
 * key/value table "meta".  Positions ("pos") keep the in-memory order
 * (answer first, strongest claim first, newest earlier address first)
 * so a load gives back exactly the record that was saved.  MACs and
 * addresses are stored as text so that sqlite3(1) shows them readably;
 * unsigned 64-bit counters go through SQLite's signed INTEGER and come
 * back bit for bit.
 *
 * Schema version 2 adds the baselines (policy/baseline.h): one row per
 * device in "baselines" (learning or enforcing, hours, fan-out, hourly
 * volume samples as text) and its learned items in "baseline_items"
 * (peers, services, HL7 types, DICOM AE pairs and commands, external
 * destinations).  A version 1 file is upgraded when opened for
 * writing; read-only, it simply has no baselines.
 *
 * Schema version 3 adds "device_alerts": per device and signature, how
 * many alerts named the device as source and as destination (or as
 * the device judged), first and last, for the offline assessment
 * (wardwatch report).  Saving adds to the stored counts, so they
 * accumulate across runs.  Older files are upgraded when opened for
 * writing; read-only, they have no alerts.
 *
 * Schema version 4 adds the communication map (device/peers.h): per
 * device and (peer, direction, transport, server port, application)
 * in "device_peers", flows, packets, bytes, first and last seen, with
 * the peer's zone and VLAN; and per device in "device_comm" its zone
 * and how many peers its table had no room for.  Only entries changed
 * since the last save are written, with their totals (the sensor
 * loads them at start, so counts accumulate across runs).  Both go
 * with their device (ON DELETE CASCADE): an evicted or merged device
 * leaves no rows.  Older files are upgraded when opened for writing;
 * read-only, they have no peers.
 *
 * Schema version 5 keeps a device's evidence as one row of
 * "device_evidence", a line a piece in order: key TAB value TAB
 * first_us, with backslash, tab and newline in the key and value
 * written \\, \t and \n (state_ev_put()).  A row a piece (version 4)
 * was a third of a first save of a hospital's inventory (37,000 rows
 * for 3,300 devices: the cost of a row is SQLite's, whatever it holds);
 * a device's evidence is only ever read and written whole.  Older
 * files are upgraded when opened for writing (state_upgrade_rows());
 * read-only, their rows are read as they are.
 *
 * Schema version 6 does the same for the communication map: a
 * device's peer entries are one row of "device_peers", a line an
 * entry, its twelve fields separated by tabs (state_pe_put()): peer,
 * direction, transport, server port, application, the peer's zone
 * and VLAN, flows, packets, bytes, first and last seen, the three
 * texts escaped as evidence is.  A row an entry was the most of a
 * save's end (180,000 rows for 10,000 devices); a device with an
 * entry changed has its whole row written again.  A line that does
 * not parse is skipped and counted as a dropped entry.  Older files
 * are upgraded when opened for writing (state_upgrade_rows());
 * read-only, their rows are read as they are.
 *
 * Schema version 7 does the same for baseline items: a device's are
 * one row of "baseline_items", a line an item (state_bi_put()): kind,
 * key, count, first and last seen, AS number, country, hours, a kind's
 * lines in the order a load gives (first_us, key), so that a load
 * takes each as it comes and a cap keeps what it kept when an item was
 * a row (183,000 rows for 10,000 devices, the most of a save's end
 * once the map was a row a device).  A line that does not parse is
 * skipped and counted with its kind's dropped items.  Older files are
 * upgraded when opened for writing; read-only, their rows are read as
 * they are.
 *
 * Schema version 8 does the same for a device's values and their
 * claims: one row of "device_values", a line a value
 * (state_va_put()): attribute, value, confidence, first and last seen,
 * then source, rule and confidence of each claim, the texts escaped as
 * evidence is, an attribute's values in order (the answer first).  A
 * value a row and a claim a row were the most of a save's end once the
 * baseline items were a row a device (6,656 rows for 3,313 devices).
 * A line of an attribute this build does not know, or past the values
 * it keeps, is skipped as such a row was; a line that does not parse
 * is skipped and the row written again at the device's next save.
 * Older files are upgraded when opened for writing
 * (state_upgrade_rows(), which makes versions 5 to 8 alike); read-only,
 * their rows are read as they are.  A new file is made at the current version directly
 * (state_schema): a climb from version 1 left pages free.
 *
 * A save writes what changed since the last save or the load: a
 * device's row, the parts of its child rows whose sums differ
 * (state_parts_sum()), a baseline's item row if an item is new or
 * changed, a peer table's row if an entry is dirty and its comm row if
 * that differs.  The run's last save (state_last_save()) keeps no sums
 * of devices it writes whole, nor of any baseline's items it saves:
 * nothing compares them again (a save after it would write those
 * rows again, the same).
 * A device save runs without foreign key checks
 * (state_save_devices_bl()).
 *
 * Every statement is prepared once, at open or (the save's statements
 * of many rows) at first use, and takes its data as bound parameters;
 * no SQL is ever built from data.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "device/device.h"
#include "device/peers.h"
#include "policy/baseline.h"
#include "state/state.h"
#include "util/fmt.h"
#include "util/util.h"

/* A new database: the sensor's user and group only. */
#define STATE_FILE_MODE		0640
/* Tries for a free "<path>.damaged-<time>[-N]" name. */
#define STATE_ASIDE_TRIES	100

/*
 * A new file, made at the current version directly: the tables an
 * upgrade of an older file ends with (the upgrades below), without
 * the pages a climb from version 2 leaves free.
 */
static const char state_schema[] =
"CREATE TABLE meta (\n"
"  key       TEXT PRIMARY KEY NOT NULL,\n"
"  value     TEXT NOT NULL\n"
") WITHOUT ROWID;\n"
"CREATE TABLE devices (\n"
"  id        INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"  mac       TEXT,              -- NULL: routed, known by IP only\n"
"  vlan      INTEGER NOT NULL CHECK (vlan BETWEEN 0 AND 65535),\n"
"  flags     INTEGER NOT NULL DEFAULT 0,\n"
"  ip        TEXT,              -- current address; NULL: none\n"
"  first_us  INTEGER NOT NULL,  -- microseconds since 1970\n"
"  last_us   INTEGER NOT NULL,\n"
"  flows     INTEGER NOT NULL DEFAULT 0,\n"
"  packets   INTEGER NOT NULL DEFAULT 0,\n"
"  bytes     INTEGER NOT NULL DEFAULT 0,\n"
"  evidence_dropped INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE TABLE device_ips (\n"
"  device_id INTEGER NOT NULL\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  pos       INTEGER NOT NULL,  -- 0: the latest earlier one\n"
"  ip        TEXT NOT NULL,\n"
"  PRIMARY KEY (device_id, pos)\n"
") WITHOUT ROWID;\n"
"CREATE TABLE device_values (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  attrs     TEXT NOT NULL      -- attribute TAB value TAB .., a line each\n"
");\n"
"CREATE TABLE device_evidence (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  evidence  TEXT NOT NULL      -- key TAB value TAB first_us, a line each\n"
");\n"
"CREATE TABLE baselines (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  mode      TEXT NOT NULL,     -- learning | enforcing\n"
"  learn_start_us INTEGER NOT NULL,\n"
"  learn_until_us INTEGER NOT NULL,  -- -1: to the end of a --learn run\n"
"  hours_active INTEGER NOT NULL,    -- bit h: hour h (UTC)\n"
"  hours_covered INTEGER NOT NULL,\n"
"  fan_peers INTEGER NOT NULL,\n"
"  fan_ports INTEGER NOT NULL,\n"
"  volume    TEXT NOT NULL,     -- hour:n pkts,KiB,flows ...;...\n"
"  dropped   TEXT NOT NULL DEFAULT ''  -- kind:n ... not kept (caps)\n"
");\n"
"CREATE TABLE baseline_items (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  items     TEXT NOT NULL      -- kind TAB key TAB .., a line each\n"
");\n"
"CREATE TABLE device_alerts (\n"
"  device_id INTEGER NOT NULL\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  gid       INTEGER NOT NULL,\n"
"  sid       INTEGER NOT NULL,\n"
"  severity  INTEGER NOT NULL,\n"
"  signature TEXT NOT NULL,\n"
"  as_src    INTEGER NOT NULL DEFAULT 0,  -- or the device judged\n"
"  as_dst    INTEGER NOT NULL DEFAULT 0,\n"
"  first_us  INTEGER NOT NULL,\n"
"  last_us   INTEGER NOT NULL,\n"
"  PRIMARY KEY (device_id, gid, sid)\n"
") WITHOUT ROWID;\n"
"CREATE TABLE device_peers (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  peers     TEXT NOT NULL      -- peer TAB direction TAB .., a line each\n"
");\n"
"CREATE TABLE device_comm (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  zone      TEXT NOT NULL DEFAULT '',\n"
"  peers_dropped INTEGER NOT NULL DEFAULT 0\n"
");\n"
"PRAGMA user_version = 8;\n";

/* Version 2: baselines; also the upgrade of a version 1 file. */
static const char state_schema_v2[] =
"CREATE TABLE baselines (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  mode      TEXT NOT NULL,     -- learning | enforcing\n"
"  learn_start_us INTEGER NOT NULL,\n"
"  learn_until_us INTEGER NOT NULL,  -- -1: to the end of a --learn run\n"
"  hours_active INTEGER NOT NULL,    -- bit h: hour h (UTC)\n"
"  hours_covered INTEGER NOT NULL,\n"
"  fan_peers INTEGER NOT NULL,\n"
"  fan_ports INTEGER NOT NULL,\n"
"  volume    TEXT NOT NULL,     -- hour:n pkts,KiB,flows ...;...\n"
"  dropped   TEXT NOT NULL DEFAULT ''  -- kind:n ... not kept (caps)\n"
");\n"
"CREATE TABLE baseline_items (\n"
"  device_id INTEGER NOT NULL\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  kind      TEXT NOT NULL,     -- peer, service, hl7-sent, ...\n"
"  key       TEXT NOT NULL,\n"
"  count     INTEGER NOT NULL,\n"
"  first_us  INTEGER NOT NULL,\n"
"  last_us   INTEGER NOT NULL,\n"
"  hours     INTEGER NOT NULL DEFAULT 0,  -- bit h: used in hour h\n"
"  asn       INTEGER NOT NULL DEFAULT 0,\n"
"  country   TEXT NOT NULL DEFAULT '',\n"
"  PRIMARY KEY (device_id, kind, key)\n"
") WITHOUT ROWID;\n"
"PRAGMA user_version = 2;\n";

/* Version 3: alert counts per device and signature. */
static const char state_schema_v3[] =
"CREATE TABLE IF NOT EXISTS device_alerts (\n"
"  device_id INTEGER NOT NULL\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  gid       INTEGER NOT NULL,\n"
"  sid       INTEGER NOT NULL,\n"
"  severity  INTEGER NOT NULL,\n"
"  signature TEXT NOT NULL,\n"
"  as_src    INTEGER NOT NULL DEFAULT 0,  -- or the device judged\n"
"  as_dst    INTEGER NOT NULL DEFAULT 0,\n"
"  first_us  INTEGER NOT NULL,\n"
"  last_us   INTEGER NOT NULL,\n"
"  PRIMARY KEY (device_id, gid, sid)\n"
") WITHOUT ROWID;\n"
"PRAGMA user_version = 3;\n";

/* Version 4: the communication map, and each device's zone. */
static const char state_schema_v4[] =
"CREATE TABLE IF NOT EXISTS device_peers (\n"
"  device_id INTEGER NOT NULL\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  peer      TEXT NOT NULL,     -- mac:.., ip:.., zone:..\n"
"  direction TEXT NOT NULL,     -- initiated | accepted\n"
"  proto     INTEGER NOT NULL,  -- IP protocol\n"
"  port      INTEGER NOT NULL,  -- server port; 0: ephemeral, none\n"
"  app       TEXT NOT NULL DEFAULT '',\n"
"  peer_zone TEXT NOT NULL DEFAULT '',\n"
"  peer_vlan INTEGER NOT NULL DEFAULT -1,\n"
"  flows     INTEGER NOT NULL DEFAULT 0,\n"
"  packets   INTEGER NOT NULL DEFAULT 0,\n"
"  bytes     INTEGER NOT NULL DEFAULT 0,\n"
"  first_us  INTEGER NOT NULL,\n"
"  last_us   INTEGER NOT NULL,\n"
"  PRIMARY KEY (device_id, peer, direction, proto, port, app)\n"
") WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS device_comm (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  zone      TEXT NOT NULL DEFAULT '',\n"
"  peers_dropped INTEGER NOT NULL DEFAULT 0\n"
");\n"
"PRAGMA user_version = 4;\n";

/* Version 5: a device's evidence in one row; state_upgrade_rows() moves
 * the rows of before into it between these two. */
static const char state_schema_v5_head[] =
"ALTER TABLE device_evidence RENAME TO device_evidence_v4;\n"
"CREATE TABLE device_evidence (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  evidence  TEXT NOT NULL      -- key TAB value TAB first_us, a line each\n"
");\n";
static const char state_schema_v5_tail[] =
"DROP TABLE device_evidence_v4;\n"
"PRAGMA user_version = 5;\n";

/* Version 6: a device's peer entries in one row; state_upgrade_rows()
 * moves the rows of before into it between these two. */
static const char state_schema_v6_head[] =
"ALTER TABLE device_peers RENAME TO device_peers_v5;\n"
"CREATE TABLE device_peers (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  peers     TEXT NOT NULL      -- peer TAB direction TAB .., a line each\n"
");\n";
static const char state_schema_v6_tail[] =
"DROP TABLE device_peers_v5;\n"
"PRAGMA user_version = 6;\n";

/* Version 7: a device's baseline items in one row; state_upgrade_rows()
 * moves the rows of before into it between these two. */
static const char state_schema_v7_head[] =
"ALTER TABLE baseline_items RENAME TO baseline_items_v6;\n"
"CREATE TABLE baseline_items (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  items     TEXT NOT NULL      -- kind TAB key TAB .., a line each\n"
");\n";
static const char state_schema_v7_tail[] =
"DROP TABLE baseline_items_v6;\n"
"PRAGMA user_version = 7;\n";

/* Version 8: a device's values and their claims in one row;
 * state_upgrade_rows() moves the rows of before into it between these
 * two. */
static const char state_schema_v8_head[] =
"ALTER TABLE device_values RENAME TO device_values_v7;\n"
"CREATE TABLE device_values (\n"
"  device_id INTEGER PRIMARY KEY\n"
"            REFERENCES devices (id) ON DELETE CASCADE,\n"
"  attrs     TEXT NOT NULL      -- attribute TAB value TAB .., a line each\n"
");\n";
static const char state_schema_v8_tail[] =
"DROP TABLE device_claims;\n"
"DROP TABLE device_values_v7;\n"
"PRAGMA user_version = 8;\n";
_Static_assert(STATE_SCHEMA_VERSION == 8,
    "state_schema and the upgrade steps make version 8");
/* STATE_UP_V8's select names the attributes and the values kept. */
_Static_assert(DEV_A_MAX == 6 && DEV_MAX_VALUES == 4,
    "the version 8 upgrade's attributes and values kept");

enum state_stmt {
	ST_DEV_UPSERT,
	ST_DEV_UPDATE,
	ST_DEL_VALUES,
	ST_DEL_EVIDENCE,
	ST_DEL_IPS,
	ST_INS_IP,
	ST_SEL_DEVICES,
	ST_SEL_VALUES,		/* version 8 */
	ST_SEL_VALUES_V7,	/* older, read-only */
	ST_SEL_EVIDENCE,	/* version 5 */
	ST_SEL_EVIDENCE_V4,	/* older, read-only */
	ST_SEL_IPS,
	ST_META_SET,
	ST_META_GET,
	ST_META_DEL,
	ST_META_DEL_PREFIX,
	ST_COUNT,
	ST_DEL_DEVICE,
	ST_DEV_LAST_ID,
	/* Version 2 (a read-only version 1 file has none). */
	ST_BL_FIRST,
	ST_BL_DEL_ITEMS = ST_BL_FIRST,
	ST_BL_SEL,
	ST_BL_SEL_ITEMS,	/* version 2-6, read-only */
	ST_BL_DEL,
	ST_BL_DEL_ALL,
	/* Version 3. */
	ST_AL_FIRST,
	ST_AL_ADD = ST_AL_FIRST,
	ST_AL_SEL,
	/* Version 4. */
	ST_PE_FIRST,
	ST_PE_SEL = ST_PE_FIRST,	/* version 6 */
	ST_PE_SEL_V5,		/* older, read-only */
	ST_PE_SEL_COMM,
	ST_PE_DEL,
	ST_PE_DEL_COMM,
	ST_MAX
};

/*
 * Preparing these at open also checks the schema: a missing table or
 * column fails here, and the file is treated as damaged.
 */
static const char *const state_sql[ST_MAX] = {
	[ST_DEV_UPSERT] =
	    "INSERT INTO devices (id, mac, vlan, flags, ip, first_us, "
	    "last_us, flows, packets, bytes, evidence_dropped) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
	    "ON CONFLICT (id) DO UPDATE SET mac = excluded.mac, "
	    "vlan = excluded.vlan, flags = excluded.flags, "
	    "ip = excluded.ip, first_us = excluded.first_us, "
	    "last_us = excluded.last_us, flows = excluded.flows, "
	    "packets = excluded.packets, bytes = excluded.bytes, "
	    "evidence_dropped = excluded.evidence_dropped",
	[ST_DEV_UPDATE] =
	    "UPDATE devices SET mac = ?2, vlan = ?3, flags = ?4, ip = ?5, "
	    "first_us = ?6, last_us = ?7, flows = ?8, packets = ?9, "
	    "bytes = ?10, evidence_dropped = ?11 WHERE id = ?1",
	[ST_DEL_VALUES] = "DELETE FROM device_values WHERE device_id = ?1",
	[ST_DEL_EVIDENCE] =
	    "DELETE FROM device_evidence WHERE device_id = ?1",
	[ST_DEL_IPS] = "DELETE FROM device_ips WHERE device_id = ?1",
	[ST_INS_IP] =
	    "INSERT INTO device_ips (device_id, pos, ip) VALUES (?1, ?2, ?3)",
	[ST_SEL_DEVICES] =
	    "SELECT id, mac, vlan, flags, ip, first_us, last_us, flows, "
	    "packets, bytes, evidence_dropped FROM devices ORDER BY id",
	/* Whole tables in device order, read beside ST_SEL_DEVICES
	 * (state_load_devices()). */
	[ST_SEL_VALUES] =
	    "SELECT device_id, attrs FROM device_values ORDER BY device_id",
	[ST_SEL_VALUES_V7] =
	    "SELECT v.device_id, v.id, v.attribute, v.value, v.confidence, "
	    "v.first_us, v.last_us, c.source, c.rule, c.confidence "
	    "FROM device_values v "
	    "LEFT JOIN device_claims c ON c.value_id = v.id "
	    "ORDER BY v.device_id, v.attribute, v.pos, c.pos",
	[ST_SEL_EVIDENCE] =
	    "SELECT device_id, evidence FROM device_evidence "
	    "ORDER BY device_id",
	[ST_SEL_EVIDENCE_V4] =
	    "SELECT key, value, first_us FROM device_evidence "
	    "WHERE device_id = ?1 ORDER BY pos",
	[ST_SEL_IPS] =
	    "SELECT device_id, ip FROM device_ips ORDER BY device_id, pos",
	[ST_DEL_DEVICE] =
	    "DELETE FROM devices WHERE id = ?1",
	[ST_META_SET] =
	    "INSERT INTO meta (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_DEL] = "DELETE FROM meta WHERE key = ?1",
	[ST_META_DEL_PREFIX] =
	    "DELETE FROM meta WHERE substr(key, 1, length(?1)) = ?1",
	[ST_COUNT] = "SELECT count(*) FROM devices",
	/* The largest id AUTOINCREMENT gave, or that is there. */
	[ST_DEV_LAST_ID] =
	    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence "
	    "WHERE name = 'devices'), 0), coalesce((SELECT max(id) "
	    "FROM devices), 0))",
	[ST_BL_DEL_ITEMS] =
	    "DELETE FROM baseline_items WHERE device_id = ?1",
	[ST_BL_SEL] =
	    "SELECT device_id, mode, learn_start_us, learn_until_us, "
	    "hours_active, hours_covered, fan_peers, fan_ports, volume, "
	    "dropped FROM baselines ORDER BY device_id",
	[ST_BL_SEL_ITEMS] =
	    "SELECT kind, key, count, first_us, last_us, asn, country, hours "
	    "FROM baseline_items WHERE device_id = ?1 "
	    "ORDER BY kind, first_us, key",
	[ST_BL_DEL] = "DELETE FROM baselines WHERE device_id = ?1",
	[ST_BL_DEL_ALL] = "DELETE FROM baselines",
	[ST_AL_ADD] =
	    "INSERT INTO device_alerts (device_id, gid, sid, severity, "
	    "signature, as_src, as_dst, first_us, last_us) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
	    "ON CONFLICT (device_id, gid, sid) DO UPDATE SET "
	    "severity = excluded.severity, signature = excluded.signature, "
	    "as_src = as_src + excluded.as_src, "
	    "as_dst = as_dst + excluded.as_dst, "
	    "first_us = min(first_us, excluded.first_us), "
	    "last_us = max(last_us, excluded.last_us)",
	[ST_AL_SEL] =
	    "SELECT device_id, gid, sid, severity, signature, as_src, "
	    "as_dst, first_us, last_us FROM device_alerts "
	    "ORDER BY device_id, gid, sid",
	[ST_PE_SEL] =
	    "SELECT device_id, peers FROM device_peers ORDER BY device_id",
	[ST_PE_SEL_V5] =
	    "SELECT device_id, peer, direction, proto, port, app, peer_zone, "
	    "peer_vlan, flows, packets, bytes, first_us, last_us "
	    "FROM device_peers ORDER BY device_id, peer, direction, proto, "
	    "port, app",
	[ST_PE_SEL_COMM] =
	    "SELECT device_id, zone, peers_dropped FROM device_comm "
	    "ORDER BY device_id",
	[ST_PE_DEL] = "DELETE FROM device_peers WHERE device_id = ?1",
	[ST_PE_DEL_COMM] = "DELETE FROM device_comm WHERE device_id = ?1",
};

/*
 * A save writes its rows (values, evidence, baseline items, peers,
 * the policy's keys) with one statement of up to
 * STATE_ROWS_MAX rows rather than one per row: the first save of
 * 5,000 devices has 130,000 such rows, and a statement costs as much
 * again as the row it inserts; 64 rows to a statement cost a tenth
 * less a row than 16 (1, 2, 4 .. 64 rows, each prepared once, when
 * first used: state_chunk()).
 * Rows that may be there already (an item whose count went up) are
 * written whole with REPLACE: every column is given, so it is the
 * update, and it costs a quarter less a row than an UPDATE each.
 * Rows that are new are inserted OR ROLLBACK: a statement of many rows
 * that may fail half-way (ABORT, the default) keeps a journal of its
 * own to undo just itself, a twentieth of the statement's cost, and a
 * failed save rolls all of its transaction back anyway.
 */
#define STATE_ROWS_MAX		64
enum state_rows_table {
	SR_EVIDENCE,
	SR_BL_ITEMS,		/* REPLACE */
	SR_PEERS,		/* REPLACE */
	SR_COMM,		/* REPLACE */
	SR_META,		/* REPLACE */
	SR_VALUES,		/* REPLACE */
	SR_BASELINES,		/* REPLACE */
	SR_DEVICES,		/* new ones */
	STATE_ROWS_TABLES
};
static const struct {
	const char	*head;
	int		 ncols;
} state_rows_sql[STATE_ROWS_TABLES] = {
	[SR_EVIDENCE] = { "INSERT OR ROLLBACK INTO device_evidence "
	    "(device_id, evidence) VALUES ", 2 },
	[SR_BL_ITEMS] = { "REPLACE INTO baseline_items (device_id, items) "
	    "VALUES ", 2 },
	[SR_PEERS] = { "REPLACE INTO device_peers (device_id, peers) "
	    "VALUES ", 2 },
	[SR_COMM] = { "REPLACE INTO device_comm (device_id, zone, "
	    "peers_dropped) VALUES ", 3 },
	[SR_META] = { "REPLACE INTO meta (key, value) VALUES ", 2 },
	[SR_VALUES] = { "REPLACE INTO device_values (device_id, attrs) "
	    "VALUES ", 2 },
	[SR_BASELINES] = { "REPLACE INTO baselines (device_id, mode, "
	    "learn_start_us, learn_until_us, hours_active, hours_covered, "
	    "fan_peers, fan_ports, volume, dropped) VALUES ", 10 },
	[SR_DEVICES] = { "INSERT OR ROLLBACK INTO devices (id, mac, vlan, "
	    "flags, ip, first_us, last_us, flows, packets, bytes, "
	    "evidence_dropped) VALUES ", 11 },
};

/*
 * Rows of a save waiting to fill a statement of STATE_ROWS_MAX, across
 * devices (a device has a values row, an evidence row and a baseline
 * item row at most: one statement each device was most of a
 * statement's rows left empty).  They point into the devices and
 * baselines saved, which outlive the save; state_pend_flush() writes
 * them before the commit.
 */
/* A growing text (state_ev_put()). */
struct state_txt {
	char	*p;
	size_t	 len, cap;
};
/* A text row waiting: its text is len bytes at off in its table's
 * buffer (below), which a save keeps until it ends (state_txt_free()):
 * a text allocated, grown and freed a row was a twentieth of a first
 * save. */
struct state_ev_row {
	const uint64_t			*id;
	size_t				 off, len;
};
/* A device row's texts, bound where they are (state_bind_device_at()). */
struct state_dev_txt {
	char				 mac[INET6_ADDRSTRLEN + 1];
	char				 ip[INET6_ADDRSTRLEN + 1];
};
/* A new device's row, under the id the save gave it (state_next_id()). */
struct state_dev_row {
	const struct device		*d;
	uint64_t			 id;
};
struct state_bl_row {
	const uint64_t			*id;
	const struct bl_dev		*bl;
	char				*vol;	/* bl_vol_format() */
	char				 dropped[256];
};

/*
 * The most a device's parts put in the buffer at once: every text at
 * its array's size, every number 8 bytes.  The buffer is made that
 * large once (state_open_mode()), and the parts are put in it without
 * a check a field: growing it as they came was a third of the sums'
 * time.
 */
#define STATE_SUM_VALUE		(DEV_VALUE_MAX + 4 * 8 + DEV_MAX_CLAIMS * \
	(DEV_SOURCE_MAX + DEV_RULE_MAX + 8))
#define STATE_SUM_MAX		(DEV_A_MAX * (8 + DEV_MAX_VALUES * \
	STATE_SUM_VALUE) + DEV_MAX_EVIDENCE * (DEV_KEY_MAX + DEV_VALUE_MAX + \
	8) + 8 + DEV_MAX_IPS * 16)

struct state {
	sqlite3		*db;
	sqlite3_stmt	*st[ST_MAX];
	char		*path;
	bool		 readonly;
	int		 lockfd;	/* read-write: flock(2) held, or -1 */
	bool		 empty;		/* read-only, and no schema yet */
	bool		 immutable;	/* read-only, without -shm (below) */
	int		 version;	/* of the file (read-only: may be 1) */
	/* baseline_items holds a row a device (version 7, or an older
	 * number given a newer file by hand). */
	bool		 bl_rows;
	/* device_values too (version 8, or as bl_rows). */
	bool		 val_rows;
	struct stat	 ro_sb;		/* if immutable: the file at open */
	char		 errmsg[STATE_ERRMSG_MAX];
	/* A device's children as bytes, to tell whether they changed
	 * since its last save (state_parts_sum()). */
	struct sipkey	 sumkey;
	uint8_t		*sumbuf;	/* STATE_SUM_MAX bytes */
	/* A kind's items in the order a save writes them. */
	const struct bl_item	**itord;
	size_t			 itordcap;
	/* Inserts of k rows at once (state_rows()), prepared when first
	 * used: [table][k - 1]. */
	sqlite3_stmt	*rows[STATE_ROWS_TABLES][STATE_ROWS_MAX];
	/* A save's rows not written yet (above), and their texts. */
	struct state_ev_row	pev[STATE_ROWS_MAX];
	struct state_txt	tev;
	/* Values rows (version 8), state_va_text(). */
	struct state_ev_row	pva[STATE_ROWS_MAX];
	struct state_txt	tva;
	/* Baselines' item rows (version 7). */
	struct state_ev_row	pit[STATE_ROWS_MAX];
	struct state_txt	tit;
	struct state_bl_row	pbl[STATE_ROWS_MAX];
	struct state_dev_row	pdev[STATE_ROWS_MAX];
	struct state_dev_txt	pdevtxt[STATE_ROWS_MAX];	/* bound */
	size_t			npev, npva, npit, npbl, npdev;
	/* The id a save gives its next new device. */
	uint64_t		next_id;
	/* The run's last saves (state_last_save()): no sums kept. */
	bool			last;
};

/* What opening found. */
enum state_check {
	STATE_CHECK_OK,
	STATE_CHECK_DAMAGED,	/* reason says why; move it aside */
	STATE_CHECK_ERROR	/* errmsg is set */
};

static void state_seterr(struct state *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
state_seterr(struct state *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(s->errmsg, sizeof(s->errmsg), "%s: ", s->path);
	if (n < 0 || (size_t)n >= sizeof(s->errmsg))
		return;
	va_start(ap, fmt);
	vsnprintf(s->errmsg + n, sizeof(s->errmsg) - (size_t)n, fmt, ap);
	va_end(ap);
}

static void
state_report(const struct state *s, FILE *err)
{
	if (err != NULL && s->errmsg[0] != '\0')
		fprintf(err, "%s\n", s->errmsg);
}

/* The file's fault (damaged) rather than the environment's. */
static bool
state_rc_damaged(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

static void
state_finalize(struct state *s)
{
	int i, k;

	for (i = 0; i < ST_MAX; i++) {
		sqlite3_finalize(s->st[i]);
		s->st[i] = NULL;
	}
	for (i = 0; i < STATE_ROWS_TABLES; i++)
		for (k = 0; k < STATE_ROWS_MAX; k++) {
			sqlite3_finalize(s->rows[i][k]);
			s->rows[i][k] = NULL;
		}
}

/* The insert of k rows (1..STATE_ROWS_MAX) into t; NULL: errmsg set. */
static sqlite3_stmt *
state_rows(struct state *s, enum state_rows_table t, size_t k)
{
	sqlite3_stmt **st = &s->rows[t][k - 1];
	char sql[4096];
	size_t len, r;
	int c;

	if (*st != NULL)
		return *st;
	len = strlcpy(sql, state_rows_sql[t].head, sizeof(sql));
	for (r = 0; r < k && len < sizeof(sql); r++) {
		len += strlcpy(sql + len, r == 0 ? "(" : ",(",
		    sizeof(sql) - len);
		for (c = 0; c < state_rows_sql[t].ncols && len < sizeof(sql);
		    c++)
			len += strlcpy(sql + len, c == 0 ? "?" : ",?",
			    sizeof(sql) - len);
		if (len < sizeof(sql))
			len += strlcpy(sql + len, ")", sizeof(sql) - len);
	}
	if (len >= sizeof(sql)) {
		state_seterr(s, "cannot save: statement too long");
		return NULL;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL) != SQLITE_OK) {
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		*st = NULL;
	}
	return *st;
}

static void
state_disconnect(struct state *s, bool keep_wal)
{
	state_finalize(s);
	if (s->db == NULL)
		return;
	/* A damaged file keeps its -wal as it was: it goes aside too. */
	if (keep_wal)
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
		    NULL);
	sqlite3_close(s->db);
	s->db = NULL;
	/* After SQLite's close: closing a descriptor of the file drops
	 * the process's POSIX locks on it, SQLite's too. */
	if (s->lockfd != -1) {
		close(s->lockfd);
		s->lockfd = -1;
	}
}

/* Fixed SQL only (no data): pragmas and transaction control. */
static int
state_exec(struct state *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		state_seterr(s, "%s", msg != NULL ? msg :
		    sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * A one-row pragma, as text into buf.  Returns the SQLite result code;
 * on an error the reason is in buf.
 */
static int
state_pragma(struct state *s, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc;

	buf[0] = '\0';
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		strlcpy(buf, sqlite3_errmsg(s->db), len);
		return rc;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if ((t = sqlite3_column_text(st, 0)) != NULL)
			strlcpy(buf, (const char *)t, len);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	else
		strlcpy(buf, sqlite3_errmsg(s->db), len);
	sqlite3_finalize(st);
	return rc;
}

/* Now in UTC: "2024-01-31T13:45:01Z", or compact "20240131T134501Z". */
static void
state_utc_now(char *buf, size_t len, bool compact)
{
	time_t now = time(NULL);
	struct tm tm;
	size_t n;

	if (gmtime_r(&now, &tm) == NULL)
		n = 0;
	else if (compact)
		n = strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
	else
		n = strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (n == 0)
		strlcpy(buf, "unknown", len);
}

/* v with backslash, tab and newline escaped, at o (room for twice
 * its length); returns its end. */
static char *
state_ev_esc(char *o, const char *v)
{
	size_t n;

	for (;;) {
		n = strcspn(v, "\\\t\n");
		memcpy(o, v, n);
		o += n;
		v += n;
		if (*v == '\0')
			return o;
		*o++ = '\\';
		*o++ = *v == '\t' ? 't' : *v == '\n' ? 'n' : '\\';
		v++;
	}
}

/* Room t needs for need bytes more. */
static void
state_txt_room(struct state_txt *t, size_t need)
{
	if (t->len + need > t->cap) {
		while (t->len + need > t->cap)
			t->cap = t->cap ? t->cap * 2 : 1024;
		t->p = xreallocarray(t->p, t->cap, 1);
	}
}

/*
 * A number's digits, the last one's kept: a device's times repeat (its
 * evidence of one packet, a value or an item seen once), and the
 * sixteen digits of a time cost more to make than to copy.
 */
struct state_num {
	uint64_t	 v;
	size_t		 n;		/* 0: none yet */
	char		 s[FMT_UINT_MAX];
};

/* v's digits at o, which has room for FMT_UINT_MAX; past them. */
static inline char *
state_put_num(char *o, uint64_t v, struct state_num *c)
{
	if (v != c->v || c->n == 0) {
		c->v = v;
		c->n = fmt_uint(c->s, v);
	}
	memcpy(o, c->s, FMT_UINT_MAX);
	return o + c->n;
}

/* One of our own words (an attribute's or a kind's name: no
 * backslash, tab or newline to escape) at o; past it. */
static inline char *
state_put_word(char *o, const char *w, size_t n)
{
	memcpy(o, w, n);
	return o + n;
}

/* A piece of evidence as a line of its device's row, at t's end. */
static void
state_ev_put(struct state_txt *t, const char *key, const char *value,
    uint64_t first_us)
{
	size_t need;
	char *o;

	need = 2 * (strlen(key) + strlen(value)) + 2 + FMT_UINT_MAX + 2;
	if (t->len + need > t->cap) {
		while (t->len + need > t->cap)
			t->cap = t->cap ? t->cap * 2 : 1024;
		t->p = xreallocarray(t->p, t->cap, 1);
	}
	o = state_ev_esc(t->p + t->len, key);
	*o++ = '\t';
	o = state_ev_esc(o, value);
	*o++ = '\t';
	o += fmt_uint(o, first_us);
	*o++ = '\n';
	*o = '\0';
	t->len = (size_t)(o - t->p);
}

/* The most a line of evidence takes: its key and value escaped, a
 * number, two tabs and the newline. */
#define STATE_EV_LINE_MAX	(2 * (DEV_KEY_MAX + DEV_VALUE_MAX) + \
	FMT_UINT_MAX + 3)

/* d's evidence as its row holds it (lines as state_ev_put() makes
 * them), at t's end; false: it has none. */
static bool
state_ev_text(struct state_txt *t, const struct device *d)
{
	const struct dev_evidence *e;
	struct state_num ts = { 0, 0, { 0 } };
	size_t i, n;
	char *o;

	n = d->n_evidence < DEV_MAX_EVIDENCE ? d->n_evidence :
	    DEV_MAX_EVIDENCE;
	if (n == 0)
		return false;
	state_txt_room(t, n * STATE_EV_LINE_MAX);
	o = t->p + t->len;
	for (i = 0; i < n; i++) {
		e = &d->evidence[i];
		o = state_ev_esc(o, e->key);
		*o++ = '\t';
		o = state_ev_esc(o, e->value);
		*o++ = '\t';
		o = state_put_num(o, e->first_us, &ts);
		*o++ = '\n';
	}
	t->len = (size_t)(o - t->p);
	return true;
}

/*
 * One field of an evidence line, from p up to a tab, a newline, a NUL
 * or end (p..end is NUL-terminated, as SQLite gives a text), unescaped
 * into buf (cut to len); returns where it stopped.
 */
static const char *
state_ev_field(const char *p, const char *end, char *buf, size_t len)
{
	size_t k = 0, n, c;

	while (p < end) {
		n = strcspn(p, "\t\n\\");
		if (n > (size_t)(end - p))
			n = (size_t)(end - p);
		c = n < len - 1 - k ? n : len - 1 - k;
		memcpy(buf + k, p, c);
		k += c;
		p += n;
		/* A backslash escapes no tab, newline or NUL (a save
		 * never writes one before them): it is dropped. */
		if (p >= end || *p != '\\' || ++p >= end || *p == '\t' ||
		    *p == '\n' || *p == '\0')
			break;
		if (k + 1 < len)
			buf[k++] = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p;
		p++;
	}
	buf[k] = '\0';
	return p;
}

/*
 * Room a peer line may take: its three texts escaped (twice their
 * length), the direction, nine numbers, a sign, tabs, newline, NUL.
 */
#define STATE_PE_LINE_MAX	(2 * (PEERS_KEY_MAX + PEERS_APP_MAX + \
	PEERS_ZONE_MAX) + 16 + 9 * FMT_UINT_MAX + 16)
/* Lines of a device's peer row that are read (and that an upgrade
 * writes): what any build keeps (devices.max-peers), not what a
 * hostile file asks; the rest are counted dropped. */
#define STATE_V6_MAX_LINES	PEERS_MAX_MAX

/* A peer entry as a line of its device's row, at t's end: peer,
 * direction, proto, port, app, zone, vlan, flows, packets, bytes,
 * first_us, last_us, separated by tabs; the times' digits kept in ts
 * (a flow's first and last are often the same, and a row's lines'
 * too). */
static void
state_pe_put(struct state_txt *t, const struct peer_ent *e,
    struct state_num *ts)
{
	const char *dir;
	size_t n;
	char *o;

	if (t->len + STATE_PE_LINE_MAX > t->cap) {
		while (t->len + STATE_PE_LINE_MAX > t->cap)
			t->cap = t->cap ? t->cap * 2 : 1024;
		t->p = xreallocarray(t->p, t->cap, 1);
	}
	o = state_ev_esc(t->p + t->len, e->peer);
	*o++ = '\t';
	dir = peers_dir_name(e->dir);
	n = strlen(dir);
	memcpy(o, dir, n);
	o += n;
	*o++ = '\t';
	o += fmt_uint(o, e->proto);
	*o++ = '\t';
	o += fmt_uint(o, e->port);
	*o++ = '\t';
	o = state_ev_esc(o, e->app);
	*o++ = '\t';
	o = state_ev_esc(o, e->zone);
	*o++ = '\t';
	if (e->vlan < 0) {
		*o++ = '-';
		o += fmt_uint(o, (uint64_t)-(int64_t)e->vlan);
	} else
		o += fmt_uint(o, (uint64_t)e->vlan);
	*o++ = '\t';
	o += fmt_uint(o, e->flows);
	*o++ = '\t';
	o += fmt_uint(o, e->packets);
	*o++ = '\t';
	o += fmt_uint(o, e->bytes);
	*o++ = '\t';
	o = state_put_num(o, e->first_us, ts);
	*o++ = '\t';
	o = state_put_num(o, e->last_us, ts);
	*o++ = '\n';
	*o = '\0';
	t->len = (size_t)(o - t->p);
}

/*
 * A text field of a peer line, from p to a tab or end (the line's
 * end), unescaped into buf of len bytes with its NUL.  Returns where
 * the next field starts (past the tab, or end after the last field),
 * or NULL: too long for buf, a NUL, an escape a save never writes
 * (buf then empty).
 */
static const char *
state_pe_text(const char *p, const char *end, char *buf, size_t len)
{
	size_t k = 0;
	char c;

	while (p < end && *p != '\t') {
		c = *p++;
		if (c == '\\') {
			if (p >= end)
				goto bad;
			c = *p == 't' ? '\t' : *p == 'n' ? '\n' :
			    *p == '\\' ? '\\' : '\0';
			p++;
		}
		if (c == '\0' || k + 1 >= len)
			goto bad;
		buf[k++] = c;
	}
	buf[k] = '\0';
	return p < end ? p + 1 : p;
 bad:
	buf[0] = '\0';
	return NULL;
}

/* A decimal field of a peer line, at most max, as state_pe_text(). */
static const char *
state_pe_num(const char *p, const char *end, uint64_t max, uint64_t *v)
{
	const char *start = p;
	uint64_t x = 0, d;

	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		d = (uint64_t)(*p - '0');
		if (x > (max - d) / 10)
			return NULL;
		x = x * 10 + d;
	}
	if (p == start || (p < end && *p != '\t'))
		return NULL;
	*v = x;
	return p < end ? p + 1 : p;
}

/* The line p..end (no newline) as e; false if it does not parse
 * (a save only writes lines that do). */
static bool
state_pe_line(const char *p, const char *end, struct peer_ent *e)
{
	uint64_t v, *const num[5] = { &e->flows, &e->packets, &e->bytes,
	    &e->first_us, &e->last_us };
	char dir[16];
	bool neg;
	int i;

	memset(e, 0, sizeof(*e));
	if ((p = state_pe_text(p, end, e->peer, sizeof(e->peer))) == NULL ||
	    e->peer[0] == '\0' || p >= end ||
	    (p = state_pe_text(p, end, dir, sizeof(dir))) == NULL ||
	    p >= end)
		return false;
	if (strcmp(dir, "initiated") == 0)
		e->dir = PEERS_INITIATED;
	else if (strcmp(dir, "accepted") == 0)
		e->dir = PEERS_ACCEPTED;
	else
		return false;
	if ((p = state_pe_num(p, end, UINT8_MAX, &v)) == NULL || p >= end)
		return false;
	e->proto = (uint8_t)v;
	if ((p = state_pe_num(p, end, UINT16_MAX, &v)) == NULL || p >= end)
		return false;
	e->port = (uint16_t)v;
	if ((p = state_pe_text(p, end, e->app, sizeof(e->app))) == NULL ||
	    p >= end ||
	    (p = state_pe_text(p, end, e->zone, sizeof(e->zone))) == NULL ||
	    p >= end)
		return false;
	if ((neg = *p == '-'))
		p++;
	if ((p = state_pe_num(p, end, neg ? (uint64_t)INT32_MAX + 1 :
	    INT32_MAX, &v)) == NULL || p >= end)
		return false;
	e->vlan = neg ? (int32_t)(-(int64_t)v) : (int32_t)v;
	for (i = 0; i < 5; i++) {
		if ((p = state_pe_num(p, end, UINT64_MAX, num[i])) == NULL ||
		    (i < 4 && p >= end))
			return false;
	}
	/* The last number ends the line: a tab after it is one more
	 * field than a save writes. */
	return p[-1] != '\t';
}

/*
 * A device's peer row (version 6), p..end, into t, at most max
 * entries (peers_add()): a line that does not parse, or past
 * STATE_V6_MAX_LINES, is counted in dropped with those that did not
 * fit.  Nothing of the row is copied but one entry at a time.
 */
static void
state_load_pe_text(struct peer_tab *t, uint32_t max, const char *p,
    const char *end)
{
	struct peer_ent e;
	const char *nl;
	size_t lines = 0;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (lines++ >= STATE_V6_MAX_LINES || !state_pe_line(p, nl, &e))
			t->dropped++;
		else
			(void)peers_add(t, max, &e);
		p = nl < end ? nl + 1 : end;
	}
}


/*
 * Lines of a device's values row that are read (and that an upgrade
 * writes): four times what a device keeps, as evidence (a later build
 * may keep more); the rest are left out.
 */
#define STATE_V8_MAX_LINES	(4 * DEV_A_MAX * DEV_MAX_VALUES)

/* A value as a line of its device's row, at t's end: attribute, value,
 * confidence, first_us, last_us, separated by tabs, the texts escaped
 * as evidence is; its claims follow on the line (state_va_claim()). */
static void
state_va_put(struct state_txt *t, const char *attr, const char *value,
    uint64_t conf, uint64_t first_us, uint64_t last_us)
{
	char *o;

	state_txt_room(t, 2 * (strlen(attr) + strlen(value)) +
	    3 * FMT_UINT_MAX + 8);
	o = state_ev_esc(t->p + t->len, attr);
	*o++ = '\t';
	o = state_ev_esc(o, value);
	*o++ = '\t';
	o += fmt_uint(o, conf);
	*o++ = '\t';
	o += fmt_uint(o, first_us);
	*o++ = '\t';
	o += fmt_uint(o, last_us);
	*o++ = '\n';
	*o = '\0';
	t->len = (size_t)(o - t->p);
}

/* A claim of the value of t's last line (state_va_put()), at its end:
 * tab, source, tab, rule, tab, confidence. */
static void
state_va_claim(struct state_txt *t, const char *source, const char *rule,
    uint64_t conf)
{
	char *o;

	state_txt_room(t, 2 * (strlen(source) + strlen(rule)) +
	    FMT_UINT_MAX + 8);
	o = t->p + t->len - 1;		/* over its newline */
	*o++ = '\t';
	o = state_ev_esc(o, source);
	*o++ = '\t';
	o = state_ev_esc(o, rule);
	*o++ = '\t';
	o += fmt_uint(o, conf);
	*o++ = '\n';
	*o = '\0';
	t->len = (size_t)(o - t->p);
}

/* The most a value's line takes (state_va_put(), state_va_claim()),
 * its attribute's name aside: the value escaped, three numbers, and
 * each claim's two texts escaped and number, the tabs and newline. */
#define STATE_VA_LINE_MAX	(2 * DEV_VALUE_MAX + 3 * FMT_UINT_MAX + 5 + \
	DEV_MAX_CLAIMS * (2 * (DEV_SOURCE_MAX + DEV_RULE_MAX) + \
	FMT_UINT_MAX + 3))

/* d's values and claims as its row holds them (version 8), an
 * attribute's in order, the answer first, lines as state_va_put() and
 * state_va_claim() make them, at t's end; false: it has none. */
static bool
state_va_text(struct state_txt *t, const struct device *d)
{
	const struct dev_value *v;
	const struct dev_claim *c;
	struct state_num ts = { 0, 0, { 0 } };
	const char *name;
	size_t i, j, n, nv, nc, start = t->len;
	char *o;
	int a;

	for (a = 0; a < DEV_A_MAX; a++) {
		if ((nv = d->attr[a].n) == 0)
			continue;
		if (nv > DEV_MAX_VALUES)
			nv = DEV_MAX_VALUES;
		name = dev_attr_name((enum dev_attr)a);
		n = strlen(name);
		state_txt_room(t, nv * (n + STATE_VA_LINE_MAX));
		o = t->p + t->len;
		for (i = 0; i < nv; i++) {
			v = &d->attr[a].v[i];
			o = state_put_word(o, name, n);
			*o++ = '\t';
			o = state_ev_esc(o, v->value);
			*o++ = '\t';
			o += fmt_uint(o, v->confidence);
			*o++ = '\t';
			o = state_put_num(o, v->first_us, &ts);
			*o++ = '\t';
			o = state_put_num(o, v->last_us, &ts);
			nc = v->n_claims < DEV_MAX_CLAIMS ? v->n_claims :
			    DEV_MAX_CLAIMS;
			for (j = 0; j < nc; j++) {
				c = &v->claims[j];
				*o++ = '\t';
				o = state_ev_esc(o, c->source);
				*o++ = '\t';
				o = state_ev_esc(o, c->rule);
				*o++ = '\t';
				o += fmt_uint(o, c->confidence);
			}
			*o++ = '\n';
		}
		t->len = (size_t)(o - t->p);
	}
	return t->len > start;
}

/*
 * A line of a values row (version 8), p..end without its newline:
 * its attribute into attr (cut to len; "" if that field did not
 * parse) and the value into v, with the claims a device keeps (the
 * rest are read past).  False if it does not parse: a number past its
 * bound or missing, a text too long, an unknown escape, a NUL, a claim
 * short of a field.
 */
static bool
state_va_line(const char *p, const char *end, char *attr, size_t len,
    struct dev_value *v)
{
	struct dev_claim c;
	uint64_t n;

	memset(v, 0, sizeof(*v));
	attr[0] = '\0';
	if ((p = state_pe_text(p, end, attr, len)) == NULL || p >= end ||
	    (p = state_pe_text(p, end, v->value, sizeof(v->value))) == NULL ||
	    p >= end ||
	    (p = state_pe_num(p, end, 100, &n)) == NULL || p >= end)
		return false;
	v->confidence = (uint8_t)n;
	if ((p = state_pe_num(p, end, UINT64_MAX, &v->first_us)) == NULL ||
	    p >= end ||
	    (p = state_pe_num(p, end, UINT64_MAX, &v->last_us)) == NULL)
		return false;
	while (p < end) {
		/* A number before the end is followed by a tab: one more
		 * claim. */
		if ((p = state_pe_text(p, end, c.source,
		    sizeof(c.source))) == NULL || p >= end ||
		    (p = state_pe_text(p, end, c.rule, sizeof(c.rule))) ==
		    NULL || p >= end ||
		    (p = state_pe_num(p, end, 100, &n)) == NULL)
			return false;
		c.confidence = (uint8_t)n;
		if (v->n_claims < DEV_MAX_CLAIMS)
			v->claims[v->n_claims++] = c;
	}
	/* The last number ends the line: a tab after it is one more
	 * field than a save writes. */
	return p[-1] != '\t';
}

/*
 * A device's values row (version 8), p..end, into d, a line a value in
 * the order a load of rows gave (state_va_text()).  A line of an
 * attribute this build does not know, or past the values it keeps of
 * one, is skipped, as a row was; so is one that does not parse, or
 * past STATE_V8_MAX_LINES: then false (the row is written again at
 * the device's next save, without it).
 */
static bool
state_load_va_text(struct device *d, const char *p, const char *end)
{
	struct dev_value v, *dv;
	const char *nl;
	char attr[32];
	size_t lines = 0;
	bool ok = true;
	int a;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (lines++ >= STATE_V8_MAX_LINES ||
		    !state_va_line(p, nl, attr, sizeof(attr), &v))
			ok = false;
		else if ((a = dev_attr_lookup(attr)) >= 0 &&
		    (dv = dev_value_push(d, (enum dev_attr)a)) != NULL)
			*dv = v;
		p = nl < end ? nl + 1 : end;
	}
	return ok;
}

/* Lines of a device's baseline item row that are read (and that an
 * upgrade writes): what any build keeps, 4096 a kind (the largest
 * baseline.max-*); the rest make the first save write the row again. */
#define STATE_V7_MAX_LINES	(BL_KIND_MAX * 4096)

/* A baseline item as a line of its device's row, at t's end: kind,
 * key, count, first_us, last_us, asn, country, hours, separated by
 * tabs, the texts escaped as evidence is. */
static void
state_bi_put(struct state_txt *t, const char *kind, const char *key,
    uint64_t count, uint64_t first_us, uint64_t last_us, uint64_t asn,
    const char *cc, uint64_t hours)
{
	size_t need;
	char *o;

	need = 2 * (strlen(kind) + strlen(key) + strlen(cc)) +
	    5 * FMT_UINT_MAX + 10;
	if (t->len + need > t->cap) {
		while (t->len + need > t->cap)
			t->cap = t->cap ? t->cap * 2 : 1024;
		t->p = xreallocarray(t->p, t->cap, 1);
	}
	o = state_ev_esc(t->p + t->len, kind);
	*o++ = '\t';
	o = state_ev_esc(o, key);
	*o++ = '\t';
	o += fmt_uint(o, count);
	*o++ = '\t';
	o += fmt_uint(o, first_us);
	*o++ = '\t';
	o += fmt_uint(o, last_us);
	*o++ = '\t';
	o += fmt_uint(o, asn);
	*o++ = '\t';
	o = state_ev_esc(o, cc);
	*o++ = '\t';
	o += fmt_uint(o, hours);
	*o++ = '\n';
	*o = '\0';
	t->len = (size_t)(o - t->p);
}

struct state_bli_row;
static bool	state_bli_row_get(sqlite3_stmt *, int, struct state_bli_row *);

/* A baseline item's row, as read. */
struct state_bli_row {
	char		 kind[32];
	char		 key[BL_KEY_MAX * 2];
	char		 cc[3];
	sqlite3_int64	 count, first_us, last_us, asn, hours;
};

static uint64_t	state_col_u64(sqlite3_stmt *, int);
static void	state_col_text(sqlite3_stmt *, int, char *, size_t);
static uint8_t	state_col_conf(sqlite3_stmt *, int);

/* Lines an upgrade keeps of a device's evidence: what later builds may
 * keep, not what a hostile file asks (one text of any size). */
#define STATE_V5_MAX_LINES	(4 * DEV_MAX_EVIDENCE)

/*
 * The upgrades that make a device's rows of a table one row: the
 * select gives device_id, a line's id (rows with the same one in a row
 * make one line; NULL: each row a line) and, from column 2 on, what
 * put() turns into a line at t's end (part 0) or adds to the line
 * (part 1 on, the line's row of that number).
 */
struct state_upgrade_step {
	const char	*what;		/* "evidence row", as said */
	int		 version;	/* that it makes */
	const char	*head, *tail;
	/* The table as this version has it already (a newer file given
	 * an older version by hand, as the version 4 tables are met
	 * with IF NOT EXISTS): nothing to move.  NULL: not checked. */
	const char	*has_sql;
	const char	*orphans_sql;	/* rows of no device, counted */
	const char	*sel_sql;	/* of devices there, in order */
	const char	*ins_sql;
	size_t		 max_lines;	/* of a device's row */
	void		(*put)(struct state_txt *, sqlite3_stmt *,
			    size_t part);
};

/* As a load of version 4 read it. */
static void
state_upgrade_put_v5(struct state_txt *t, sqlite3_stmt *sel, size_t part)
{
	const unsigned char *k, *v;

	(void)part;
	k = sqlite3_column_text(sel, 2);
	v = sqlite3_column_text(sel, 3);
	state_ev_put(t, k != NULL ? (const char *)k : "",
	    v != NULL ? (const char *)v : "", state_col_u64(sel, 4));
}

/* As a load of version 5 read it. */
static void
state_upgrade_put_v6(struct state_txt *t, sqlite3_stmt *sel, size_t part)
{
	const unsigned char *dir;
	struct peer_ent e;
	struct state_num ts = { 0, 0, { 0 } };

	(void)part;
	memset(&e, 0, sizeof(e));
	state_col_text(sel, 2, e.peer, sizeof(e.peer));
	dir = sqlite3_column_text(sel, 3);
	e.dir = dir != NULL && strcmp((const char *)dir, "accepted") == 0 ?
	    PEERS_ACCEPTED : PEERS_INITIATED;
	e.proto = (uint8_t)sqlite3_column_int(sel, 4);
	e.port = (uint16_t)sqlite3_column_int(sel, 5);
	state_col_text(sel, 6, e.app, sizeof(e.app));
	state_col_text(sel, 7, e.zone, sizeof(e.zone));
	e.vlan = sqlite3_column_int(sel, 8);
	e.flows = state_col_u64(sel, 9);
	e.packets = state_col_u64(sel, 10);
	e.bytes = state_col_u64(sel, 11);
	e.first_us = state_col_u64(sel, 12);
	e.last_us = state_col_u64(sel, 13);
	state_pe_put(t, &e, &ts);
}

/* The values a load of version 6 made of it (state_bli_row_put()). */
static void
state_upgrade_put_v7(struct state_txt *t, sqlite3_stmt *sel, size_t part)
{
	struct state_bli_row r;
	sqlite3_int64 v;

	(void)part;
	(void)state_bli_row_get(sel, 2, &r);
	v = r.count;
	state_bi_put(t, r.kind, r.key,
	    (uint64_t)(v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : v),
	    (uint64_t)r.first_us, (uint64_t)r.last_us,
	    (uint64_t)(r.asn < 0 || r.asn > UINT32_MAX ? 0 : r.asn),
	    r.cc, (uint64_t)r.hours & 0xffffff);
}

/* Claims of a value an upgrade keeps on its line: as many again as a
 * load keeps, and no more, whatever a file holds. */
#define STATE_V8_MAX_CLAIMS	(4 * DEV_MAX_CLAIMS)

/*
 * A value (part 0) and each of its claims, as a load of version 7 read
 * them: texts cut where it cut them, confidences within 0..100.
 */
static void
state_upgrade_put_v8(struct state_txt *t, sqlite3_stmt *sel, size_t part)
{
	char attr[32], value[DEV_VALUE_MAX];
	struct dev_claim c;

	if (part == 0) {
		state_col_text(sel, 2, attr, sizeof(attr));
		state_col_text(sel, 3, value, sizeof(value));
		state_va_put(t, attr, value, state_col_conf(sel, 4),
		    state_col_u64(sel, 5), state_col_u64(sel, 6));
	}
	if (sqlite3_column_type(sel, 7) == SQLITE_NULL ||
	    part >= STATE_V8_MAX_CLAIMS)
		return;
	state_col_text(sel, 7, c.source, sizeof(c.source));
	state_col_text(sel, 8, c.rule, sizeof(c.rule));
	state_va_claim(t, c.source, c.rule, state_col_conf(sel, 9));
}

enum {
	STATE_UP_V5,
	STATE_UP_V6,
	STATE_UP_V7,
	STATE_UP_V8,
	STATE_UP_STEPS
};
static const struct state_upgrade_step state_upgrade_steps[STATE_UP_STEPS] = {
	/*
	 * Version 5: each device's evidence rows of before, in order.
	 * Rows past what this build keeps of a device's are kept (the
	 * load stops there), up to STATE_V5_MAX_LINES; those of a device
	 * no longer there (deleted with foreign keys off, by hand) are
	 * not: the new table's foreign key refuses them.
	 */
	[STATE_UP_V5] = { "evidence row", 5,
	    state_schema_v5_head, state_schema_v5_tail, NULL,
	    "SELECT count(*) FROM device_evidence_v4 WHERE device_id "
	    "NOT IN (SELECT id FROM devices)",
	    "SELECT device_id, NULL, key, value, first_us FROM "
	    "device_evidence_v4 WHERE device_id IN (SELECT id FROM devices) "
	    "ORDER BY device_id, pos",
	    "INSERT INTO device_evidence (device_id, evidence) "
	    "VALUES (?1, ?2)",
	    STATE_V5_MAX_LINES, state_upgrade_put_v5 },
	/* Version 6: peer rows, in key order (the order a load of them
	 * gave), up to STATE_V6_MAX_LINES. */
	[STATE_UP_V6] = { "peer row", 6,
	    state_schema_v6_head, state_schema_v6_tail,
	    "SELECT count(*) FROM pragma_table_info('device_peers') "
	    "WHERE name = 'peers'",
	    "SELECT count(*) FROM device_peers_v5 WHERE device_id "
	    "NOT IN (SELECT id FROM devices)",
	    "SELECT device_id, NULL, peer, direction, proto, port, app, "
	    "peer_zone, peer_vlan, flows, packets, bytes, first_us, last_us "
	    "FROM device_peers_v5 WHERE device_id IN (SELECT id FROM devices) "
	    "ORDER BY device_id, peer, direction, proto, port, app",
	    "INSERT INTO device_peers (device_id, peers) VALUES (?1, ?2)",
	    STATE_V6_MAX_LINES, state_upgrade_put_v6 },
	/* Version 7: baseline item rows, in the order a load of them gave
	 * (kind, first_us, key), up to STATE_V7_MAX_LINES. */
	[STATE_UP_V7] = { "baseline item row", 7,
	    state_schema_v7_head, state_schema_v7_tail,
	    "SELECT count(*) FROM pragma_table_info('baseline_items') "
	    "WHERE name = 'items'",
	    "SELECT count(*) FROM baseline_items_v6 WHERE device_id "
	    "NOT IN (SELECT id FROM devices)",
	    "SELECT device_id, NULL, kind, key, count, first_us, last_us, "
	    "asn, country, hours FROM baseline_items_v6 WHERE device_id IN "
	    "(SELECT id FROM devices) ORDER BY device_id, kind, first_us, key",
	    "INSERT INTO baseline_items (device_id, items) VALUES (?1, ?2)",
	    STATE_V7_MAX_LINES, state_upgrade_put_v7 },
	/* Version 8: value rows, each a line with its claims, in the order
	 * a load of them gave (attribute, pos; a claim's pos), up to
	 * STATE_V8_MAX_LINES: first the values a load keeps (an attribute
	 * this build knows, its first DEV_MAX_VALUES), so that rows of an
	 * unknown attribute or past those kept (a file edited by hand) are
	 * what the cap leaves out. */
	[STATE_UP_V8] = { "value row", 8,
	    state_schema_v8_head, state_schema_v8_tail,
	    "SELECT count(*) FROM pragma_table_info('device_values') "
	    "WHERE name = 'attrs'",
	    "SELECT count(*) FROM device_values_v7 WHERE device_id "
	    "NOT IN (SELECT id FROM devices)",
	    "SELECT v.device_id, v.id, v.attribute, v.value, v.confidence, "
	    "v.first_us, v.last_us, c.source, c.rule, c.confidence "
	    "FROM (SELECT *, row_number() OVER (PARTITION BY device_id, "
	    "attribute ORDER BY pos) AS rn FROM device_values_v7) v "
	    "LEFT JOIN device_claims c ON c.value_id = v.id "
	    "WHERE v.device_id IN (SELECT id FROM devices) "
	    "ORDER BY v.device_id, v.attribute NOT IN ('class', 'vendor', "
	    "'model', 'software', 'serial', 'hostname'), v.rn > 4, "
	    "v.attribute, v.pos, c.pos",
	    "INSERT INTO device_values (device_id, attrs) VALUES (?1, ?2)",
	    STATE_V8_MAX_LINES, state_upgrade_put_v8 },
};

/* What an upgrade left out of a file, said once it is committed. */
struct state_upgrade_left {
	size_t	orphans[STATE_UP_STEPS];	/* rows of a device not there */
	size_t	over[STATE_UP_STEPS];	/* past max_lines of a device */
};

/* The one number sql gives; -1 with errmsg set on an error. */
static int64_t
state_count(struct state *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return n;
}

/*
 * Upgrade step u: each device's rows of before, in the select's order,
 * become its one row, a line at a time, up to u->max_lines (the rest
 * counted in over); those of a device no longer there are counted in
 * orphans and dropped.  A transaction is open.
 */
static int
state_upgrade_rows(struct state *s, int step, struct state_upgrade_left *left)
{
	const struct state_upgrade_step *u = &state_upgrade_steps[step];
	sqlite3_stmt *sel = NULL, *ins = NULL;
	struct state_txt t = { NULL, 0, 0 };
	sqlite3_int64 id = 0, line = 0;
	size_t nl = 0, part = 0;
	bool skip = false, joinable = false;
	int64_t n;
	char sql[48];
	int rc;

	if (u->has_sql != NULL) {
		if ((n = state_count(s, u->has_sql)) == -1)
			return -1;
		if (n > 0) {
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
			    u->version);
			return state_exec(s, sql);
		}
	}
	if (state_exec(s, u->head) == -1 ||
	    (n = state_count(s, u->orphans_sql)) == -1)
		return -1;
	left->orphans[step] = (size_t)n;
	if (sqlite3_prepare_v2(s->db, u->sel_sql, -1, &sel, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, u->ins_sql, -1, &ins, NULL) != SQLITE_OK)
		goto out_sqlerr;
	for (;;) {
		rc = sqlite3_step(sel);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			goto out_sqlerr;
		/* The device before, whole. */
		if (t.len > 0 && (rc == SQLITE_DONE ||
		    sqlite3_column_int64(sel, 0) != id)) {
			sqlite3_bind_int64(ins, 1, id);
			sqlite3_bind_text(ins, 2, t.p, (int)t.len,
			    SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE)
				goto out_sqlerr;
			sqlite3_reset(ins);
			t.len = 0;
		}
		if (rc == SQLITE_DONE)
			break;
		if (sqlite3_column_int64(sel, 0) != id) {
			id = sqlite3_column_int64(sel, 0);
			nl = 0;
			joinable = false;
		}
		/* More of the line before? */
		if (joinable && sqlite3_column_type(sel, 1) != SQLITE_NULL &&
		    sqlite3_column_int64(sel, 1) == line)
			part++;
		else {
			joinable = sqlite3_column_type(sel, 1) != SQLITE_NULL;
			line = sqlite3_column_int64(sel, 1);
			part = 0;
			if ((skip = nl++ >= u->max_lines))
				left->over[step]++;
		}
		if (!skip)
			u->put(&t, sel, part);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	free(t.p);
	return state_exec(s, u->tail);

 out_sqlerr:
	state_seterr(s, "%s", sqlite3_errmsg(s->db));
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	free(t.p);
	return -1;
}

/* Whether table has a column of that name. */
static bool
state_has_column(struct state *s, const char *table, const char *col)
{
	return sqlite3_table_column_metadata(s->db, "main", table, col,
	    NULL, NULL, NULL, NULL, NULL) == SQLITE_OK;
}

static int
state_create_schema(struct state *s)
{
	sqlite3_stmt *st = NULL;
	char now[32];

	state_utc_now(now, sizeof(now), false);
	if (state_exec(s, "BEGIN IMMEDIATE") == -1)
		return -1;
	if (state_exec(s, state_schema) == -1)
		goto out_rollback;
	if (sqlite3_prepare_v2(s->db, state_sql[ST_META_SET], -1, &st,
	    NULL) != SQLITE_OK)
		goto out_sqlerr;
	sqlite3_bind_text(st, 1, "created", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out_sqlerr;
	sqlite3_finalize(st);
	st = NULL;
	if (state_exec(s, "COMMIT") == -1)
		goto out_rollback;
	return 0;

 out_sqlerr:
	state_seterr(s, "cannot create the schema: %s",
	    sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
 out_rollback:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* A version 1 file gets the baselines' tables, 1 and 2 the alerts',
 * 1 to 3 the communication map's, then each of state_upgrade_steps[]
 * of a later version than the file's.  What it leaves out is said on
 * err. */
static int
state_upgrade(struct state *s, int version, FILE *err)
{
	const struct state_upgrade_step *u;
	struct state_upgrade_left left = { { 0 }, { 0 } };
	char why[STATE_ERRMSG_MAX];
	size_t n;
	int i;

	if (state_exec(s, "BEGIN IMMEDIATE") == -1)
		goto out_fail;
	if ((version < 2 && state_exec(s, state_schema_v2) == -1) ||
	    (version < 3 && state_exec(s, state_schema_v3) == -1) ||
	    (version < 4 && state_exec(s, state_schema_v4) == -1))
		goto out_rollback;
	for (i = 0; i < STATE_UP_STEPS; i++)
		if (version < state_upgrade_steps[i].version &&
		    state_upgrade_rows(s, i, &left) == -1)
			goto out_rollback;
	if (state_exec(s, "COMMIT") == -1)
		goto out_rollback;
	for (i = 0; err != NULL && i < STATE_UP_STEPS; i++) {
		u = &state_upgrade_steps[i];
		if ((n = left.orphans[i]) > 0)
			fprintf(err, "%s: schema upgraded; %zu %s%s of "
			    "devices no longer there dropped\n", s->path, n,
			    u->what, n == 1 ? "" : "s");
		if ((n = left.over[i]) > 0)
			fprintf(err, "%s: schema upgraded; %zu %s%s past %zu "
			    "of a device left out\n", s->path, n, u->what,
			    n == 1 ? "" : "s", u->max_lines);
	}
	return 0;

 out_rollback:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
 out_fail:
	/* "PATH: why", whichever step failed: say what it was doing. */
	n = strlen(s->path) + 2;
	strlcpy(why, strlen(s->errmsg) >= n ? s->errmsg + n : "",
	    sizeof(why));
	state_seterr(s, "cannot upgrade the schema: %s", why);
	return -1;
}

/*
 * The first problem quick_check reports, on one line: it may start
 * with a "*** in database main ***" line and list many more.
 */
static void
state_check_reason(const char *msg, char *reason, size_t rlen)
{
	static const char hdr[] = "*** in database main ***\n";
	const char *nl;
	int n;

	if (strncmp(msg, hdr, sizeof(hdr) - 1) == 0)
		msg += sizeof(hdr) - 1;
	if ((nl = strchr(msg, '\n')) != NULL)
		n = (int)(nl - msg);
	else
		n = (int)strlen(msg);
	snprintf(reason, rlen, "integrity check: %.*s%s", n > 160 ? 160 : n,
	    msg, nl != NULL ? "; more follow" : "");
}

/*
 * The "file:" URI that opens path immutable: bytes other than
 * unreserved ones and '/' are percent-encoded, so '?', '#' and '%' in
 * a name stay part of it.  An absolute path gets an empty authority
 * ("file:///x"), so "//x" is not read as a host.  Returns NULL if out
 * of memory.
 */
static char *
state_uri_immutable(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char query[] = "?immutable=1";
	const char *scheme = path[0] == '/' ? "file://" : "file:";
	const unsigned char *p;
	char *uri, *o;

	/* Three bytes for each, for the scheme and for the query. */
	if ((uri = calloc(3, strlen(path) + sizeof("file://") +
	    sizeof(query))) == NULL)
		return NULL;
	o = uri;
	memcpy(o, scheme, strlen(scheme));
	o += strlen(scheme);
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p) != NULL)
			*o++ = (char)*p;
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0x0f];
		}
	}
	memcpy(o, query, sizeof(query));
	return uri;
}

/*
 * The file as it is now into sb, and whether its -wal has frames: 0 if
 * the -wal is absent or empty, 1 if not, -1 with errmsg set on an
 * error.
 */
static int
state_ro_stat(struct state *s, struct stat *sb)
{
	char wal[4096 + 8];
	struct stat wsb;

	if (stat(s->path, sb) == -1) {
		state_seterr(s, "%s", strerror(errno));
		return -1;
	}
	snprintf(wal, sizeof(wal), "%s-wal", s->path);
	if (stat(wal, &wsb) == -1) {
		if (errno == ENOENT)
			return 0;
		state_seterr(s, "%s: %s", wal, strerror(errno));
		return -1;
	}
	return wsb.st_size > 0;
}

/*
 * Reading a WAL database goes through its -shm index, which SQLite
 * creates beside the file when no connection has one.  A user who may
 * read the file but not write its directory (an auditor's account, a
 * copy on read-only media) therefore fails on the first read with
 * SQLITE_READONLY_DIRECTORY or SQLITE_CANTOPEN.  Only then, and only
 * if there is no -wal with frames in it, is the file opened again as
 * "immutable": SQLite reads it as a plain file, with no -shm, no locks
 * and no look at a -wal.  For a one-shot read that is safe: with an
 * empty or missing -wal every committed transaction is in the file
 * itself (a -wal with frames is refused, as reading the file alone
 * would show an older inventory), and a sensor that opens the file
 * meanwhile writes to its -wal and changes the file only at a
 * checkpoint, after its -wal has frames.  state_load_devices() checks
 * the file and the -wal again when it has read everything, so such a
 * change gives an error rather than a torn answer.  Nothing is ever
 * written: the first connection was read-only too.
 */
static int
state_open_ro_fallback(struct state *s)
{
	char buf[256], *uri;
	int rc;

	rc = state_pragma(s, "SELECT count(*) FROM sqlite_master", buf,
	    sizeof(buf)) & 0xff;
	if (rc != SQLITE_READONLY && rc != SQLITE_CANTOPEN)
		return 0;	/* not the -shm: quick_check reports it */
	if ((rc = state_ro_stat(s, &s->ro_sb)) == -1)
		return -1;
	if (rc == 1) {
		state_seterr(s, "cannot read without write access to its "
		    "directory: %s-wal holds changes not yet in the file (a "
		    "sensor is running or did not stop cleanly); run as the "
		    "sensor's user", s->path);
		return -1;
	}
	sqlite3_close(s->db);
	s->db = NULL;
	if ((uri = state_uri_immutable(s->path)) == NULL) {
		state_seterr(s, "%s", strerror(errno));
		return -1;
	}
	rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		state_seterr(s, "%s", s->db != NULL ? sqlite3_errmsg(s->db) :
		    sqlite3_errstr(rc));
		return -1;
	}
	s->immutable = true;
	return 0;
}

/* After an immutable read: 0 if the file and its -wal are as before. */
static int
state_ro_unchanged(struct state *s)
{
	struct stat sb;
	int r;

	if ((r = state_ro_stat(s, &sb)) == -1)
		return -1;
	if (r == 1 || sb.st_dev != s->ro_sb.st_dev ||
	    sb.st_ino != s->ro_sb.st_ino || sb.st_size != s->ro_sb.st_size ||
	    sb.st_mtim.tv_sec != s->ro_sb.st_mtim.tv_sec ||
	    sb.st_mtim.tv_nsec != s->ro_sb.st_mtim.tv_nsec) {
		state_seterr(s, "changed while it was read (a sensor wrote "
		    "it); run the command again");
		return -1;
	}
	return 0;
}

/*
 * Open the file and check it.  On STATE_CHECK_DAMAGED the reason is in
 * reason and the connection is still open (the caller closes it so
 * that its -wal stays as it was).
 */
static enum state_check
state_connect(struct state *s, char *reason, size_t rlen, FILE *err)
{
	char buf[256];
	sqlite3_stmt *st;
	int flags, rc, version, i, fd;
	bool fresh = false;

	reason[0] = '\0';
	/*
	 * Create a new file ourselves: the error is the real one (SQLite
	 * retries read-only and reports that attempt's ENOENT), and the
	 * inventory is not for everyone to read (-wal, -shm follow).  A
	 * symbolic link or a FIFO planted in its place (or in its
	 * journals') is refused, and the descriptor kept holds the lock
	 * that makes one sensor per file.
	 */
	if (!s->readonly) {
		static const char *const ext[] = { "-wal", "-shm",
		    "-journal" };
		char jpath[4200];
		struct stat sb;

		for (i = 0; i < (int)(sizeof(ext) / sizeof(ext[0])); i++) {
			snprintf(jpath, sizeof(jpath), "%s%s", s->path,
			    ext[i]);
			if (lstat(jpath, &sb) == 0 && !S_ISREG(sb.st_mode)) {
				state_seterr(s, "its %s: %s", ext[i],
				    util_open_strerror(S_ISLNK(sb.st_mode) ?
				    ELOOP : EFTYPE_WW));
				return STATE_CHECK_ERROR;
			}
		}
		fd = util_open_regular(s->path, O_RDWR | O_CREAT,
		    STATE_FILE_MODE);
		if (fd == -1) {
			state_seterr(s, "%s", util_open_strerror(errno));
			return STATE_CHECK_ERROR;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno == EWOULDBLOCK)
				state_seterr(s, "in use by another wardwatch "
				    "process (one sensor per state file: give "
				    "each its own --state)");
			else
				state_seterr(s, "lock: %s", strerror(errno));
			close(fd);
			return STATE_CHECK_ERROR;
		}
		s->lockfd = fd;
	}
	/*
	 * No mutex of the connection's own: a state is used by one thread
	 * at a time (the brain's, under its lock, or the capture thread's
	 * once the brain's has stopped), and SQLite's took and gave back
	 * a mutex in every bind, step and reset, a twelfth of a save.
	 */
	flags = (s->readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
#ifdef SQLITE_OPEN_NOFOLLOW
	flags |= SQLITE_OPEN_NOFOLLOW;
#endif
	rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (s->db != NULL && sqlite3_system_errno(s->db) != 0)
			state_seterr(s, "%s",
			    strerror(sqlite3_system_errno(s->db)));
		else
			state_seterr(s, "%s", s->db != NULL ?
			    sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		return STATE_CHECK_ERROR;
	}
	if (s->readonly && state_open_ro_fallback(s) == -1)
		return STATE_CHECK_ERROR;
	sqlite3_busy_timeout(s->db, STATE_BUSY_MS);
	if (!s->readonly && sqlite3_db_readonly(s->db, "main") == 1) {
		state_seterr(s, "cannot write (read-only file)");
		return STATE_CHECK_ERROR;
	}

	/* The whole file, cheaply: structure, not index contents. */
	rc = state_pragma(s, "PRAGMA quick_check", buf, sizeof(buf));
	if (state_rc_damaged(rc)) {
		strlcpy(reason, buf, rlen);
		return STATE_CHECK_DAMAGED;
	}
	if (rc != SQLITE_OK) {
		state_seterr(s, "%s", buf);
		return STATE_CHECK_ERROR;
	}
	if (strcmp(buf, "ok") != 0) {
		state_check_reason(buf, reason, rlen);
		return STATE_CHECK_DAMAGED;
	}

	rc = state_pragma(s, "PRAGMA user_version", buf, sizeof(buf));
	if (rc != SQLITE_OK) {
		if (state_rc_damaged(rc)) {
			strlcpy(reason, buf, rlen);
			return STATE_CHECK_DAMAGED;
		}
		state_seterr(s, "%s", buf);
		return STATE_CHECK_ERROR;
	}
	version = (int)strtol(buf, NULL, 10);
	if (version > STATE_SCHEMA_VERSION) {
		state_seterr(s, "schema version %d is newer than this build "
		    "understands (%d); use a newer wardwatch or another "
		    "state file", version, STATE_SCHEMA_VERSION);
		return STATE_CHECK_ERROR;
	}
	if (version < 0) {
		snprintf(reason, rlen, "unknown schema version %d", version);
		return STATE_CHECK_DAMAGED;
	}
	if (version == 0) {
		rc = state_pragma(s, "SELECT count(*) FROM sqlite_master", buf,
		    sizeof(buf));
		if (rc != SQLITE_OK) {
			if (state_rc_damaged(rc)) {
				strlcpy(reason, buf, rlen);
				return STATE_CHECK_DAMAGED;
			}
			state_seterr(s, "%s", buf);
			return STATE_CHECK_ERROR;
		}
		/*
		 * Tables but no version: some other program's database
		 * (a mistyped --state).  Not ours to move aside.
		 */
		if (strcmp(buf, "0") != 0) {
			state_seterr(s, "not a wardwatch state database "
			    "(it has tables but no schema version)");
			return STATE_CHECK_ERROR;
		}
		fresh = true;
	}

	if (s->readonly) {
		if (state_exec(s, "PRAGMA query_only = ON") == -1)
			return STATE_CHECK_ERROR;
		if (fresh) {
			s->empty = true;
			return STATE_CHECK_OK;
		}
	} else {
		rc = state_pragma(s, "PRAGMA journal_mode = WAL", buf,
		    sizeof(buf));
		if (rc != SQLITE_OK || strcmp(buf, "wal") != 0) {
			state_seterr(s, "cannot use a WAL journal (%s)", buf);
			return STATE_CHECK_ERROR;
		}
		if (state_exec(s, "PRAGMA synchronous = NORMAL") == -1 ||
		    state_exec(s, "PRAGMA foreign_keys = ON") == -1)
			return STATE_CHECK_ERROR;
		if (fresh && state_create_schema(s) == -1)
			return STATE_CHECK_ERROR;
		if (!fresh && version < STATE_SCHEMA_VERSION &&
		    state_upgrade(s, version, err) == -1)
			return STATE_CHECK_ERROR;
		version = STATE_SCHEMA_VERSION;
	}
	s->version = fresh ? STATE_SCHEMA_VERSION : version;
	s->bl_rows = s->version >= 7 || (s->version >= 2 &&
	    state_has_column(s, "baseline_items", "items"));
	s->val_rows = s->version >= 8 ||
	    state_has_column(s, "device_values", "attrs");

	for (i = 0; i < ST_MAX; i++) {
		if (i >= ST_BL_FIRST && s->version < 2)
			continue;
		if (i >= ST_AL_FIRST && s->version < 3)
			continue;
		if (i >= ST_PE_FIRST && s->version < 4)
			continue;
		if ((i == ST_SEL_EVIDENCE && s->version < 5) ||
		    (i == ST_SEL_EVIDENCE_V4 && s->version >= 5) ||
		    (i == ST_PE_SEL && s->version < 6) ||
		    (i == ST_PE_SEL_V5 && s->version >= 6) ||
		    (i == ST_SEL_VALUES && !s->val_rows) ||
		    (i == ST_SEL_VALUES_V7 && s->val_rows) ||
		    (i == ST_BL_SEL_ITEMS && s->bl_rows))
			continue;
		rc = sqlite3_prepare_v3(s->db, state_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc == SQLITE_OK) {
			s->st[i] = st;
			continue;
		}
		if (state_rc_damaged(rc) || (rc & 0xff) == SQLITE_ERROR) {
			/* No such table or column: the schema is broken. */
			snprintf(reason, rlen, "schema: %s",
			    sqlite3_errmsg(s->db));
			return STATE_CHECK_DAMAGED;
		}
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		return STATE_CHECK_ERROR;
	}
	return STATE_CHECK_OK;
}

/* rename(2) if from exists; ENOENT is not an error. */
static int
state_rename_if(const char *from, const char *to)
{
	if (rename(from, to) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

/* Move the closed, damaged file (and its -wal, -shm) aside. */
static int
state_move_aside(struct state *s, const char *reason, FILE *err)
{
	char stamp[32], aside[4096], from[4096 + 8], to[4096 + 8];
	struct stat sb;
	int i, n;

	state_utc_now(stamp, sizeof(stamp), true);
	for (i = 0; i < STATE_ASIDE_TRIES; i++) {
		if (i == 0)
			n = snprintf(aside, sizeof(aside), "%s.damaged-%s",
			    s->path, stamp);
		else
			n = snprintf(aside, sizeof(aside), "%s.damaged-%s-%d",
			    s->path, stamp, i);
		if (n < 0 || (size_t)n + 4 >= sizeof(aside)) {
			state_seterr(s, "damaged (%s); name too long to move "
			    "it aside", reason);
			return -1;
		}
		if (lstat(aside, &sb) == -1 && errno == ENOENT)
			break;
	}
	if (i == STATE_ASIDE_TRIES) {
		state_seterr(s, "damaged (%s); no free name to move it aside",
		    reason);
		return -1;
	}
	if (rename(s->path, aside) == -1) {
		state_seterr(s, "damaged (%s); cannot move it aside to %s: %s",
		    reason, aside, strerror(errno));
		return -1;
	}
	snprintf(from, sizeof(from), "%s-wal", s->path);
	snprintf(to, sizeof(to), "%s-wal", aside);
	if (state_rename_if(from, to) == -1) {
		state_seterr(s, "damaged (%s); cannot move %s aside: %s",
		    reason, from, strerror(errno));
		return -1;
	}
	snprintf(from, sizeof(from), "%s-shm", s->path);
	snprintf(to, sizeof(to), "%s-shm", aside);
	if (state_rename_if(from, to) == -1) {
		state_seterr(s, "damaged (%s); cannot move %s aside: %s",
		    reason, from, strerror(errno));
		return -1;
	}
	if (err != NULL)
		fprintf(err, "%s: damaged (%s); moved aside to %s\n", s->path,
		    reason, aside);
	return 0;
}

static struct state *
state_open_mode(const char *path, FILE *err, bool readonly)
{
	struct state *s;
	char reason[256];
	enum state_check r;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		if (err != NULL)
			fprintf(err, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((s->path = strdup(path)) == NULL) {
		if (err != NULL)
			fprintf(err, "%s: %s\n", path, strerror(errno));
		free(s);
		return NULL;
	}
	s->readonly = readonly;
	s->lockfd = -1;
	sipkey_init(&s->sumkey, false);
	if ((s->sumbuf = malloc(STATE_SUM_MAX)) == NULL) {
		if (err != NULL)
			fprintf(err, "%s: %s\n", path, strerror(errno));
		free(s->path);
		free(s);
		return NULL;
	}
	r = state_connect(s, reason, sizeof(reason), err);
	if (r == STATE_CHECK_DAMAGED) {
		state_disconnect(s, true);
		if (readonly) {
			state_seterr(s, "damaged (%s)", reason);
			goto out_close;
		}
		if (state_move_aside(s, reason, err) == -1)
			goto out_close;
		r = state_connect(s, reason, sizeof(reason), err);
		if (r == STATE_CHECK_DAMAGED)
			state_seterr(s, "new database damaged (%s)", reason);
	}
	if (r != STATE_CHECK_OK)
		goto out_close;
	return s;

 out_close:
	state_report(s, err);
	state_disconnect(s, false);
	free(s->sumbuf);
	free(s->path);
	free(s);
	return NULL;
}

struct state *
state_open(const char *path, FILE *err)
{
	return state_open_mode(path, err, false);
}

struct state *
state_open_readonly(const char *path, FILE *err)
{
	return state_open_mode(path, err, true);
}

void
state_close(struct state *s)
{
	if (s == NULL)
		return;
	state_disconnect(s, false);
	free(s->sumbuf);
	free(s->itord);
	free(s->path);
	free(s);
}

const char *
state_path(const struct state *s)
{
	return s->path;
}

const char *
state_errmsg(const struct state *s)
{
	return s->errmsg;
}

/* Step a statement that returns no rows; reset it either way. */
static int
state_step_done(struct state *s, sqlite3_stmt *st)
{
	int rc;

	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Step an insert of rows (state_rows()) and reset it.  Its parameters
 * are not cleared: each use binds every one of them again before it
 * steps, and clearing a statement of many rows cost as much as
 * binding it.
 */
static int
state_step_rows(struct state *s, sqlite3_stmt *st)
{
	int rc;

	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
state_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* Text that outlives the step: the save binds tens of thousands of
 * strings, and copying each was a tenth of its time.  state_step_done()
 * unbinds it; state_step_rows() leaves it bound, and every parameter of
 * a row statement is bound again before its next step.  Its length is
 * given: SQLite counts one a byte at a time. */
static void
state_bind_static(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v, v != NULL ? (int)strlen(v) : 0,
	    SQLITE_STATIC);		/* NULL: SQL NULL */
}

/* uint64_t through SQLite's signed INTEGER, bit for bit. */
static void
state_bind_u64(sqlite3_stmt *st, int i, uint64_t v)
{
	sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

static uint64_t
state_col_u64(sqlite3_stmt *st, int i)
{
	return (uint64_t)sqlite3_column_int64(st, i);
}

static void
state_col_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	strlcpy(buf, t != NULL ? (const char *)t : "", len);
}

static uint8_t
state_col_conf(sqlite3_stmt *st, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(st, i);

	return (uint8_t)(v < 0 ? 0 : v > 100 ? 100 : v);
}

/* "aa:bb:cc:dd:ee:ff"; anything else gives the zero MAC. */
static void
state_mac_parse(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	memset(mac, 0, 6);
	if (strlen(s) != 17)
		return;
	for (i = 0; i < 6; i++) {
		hi = util_hexval((unsigned char)s[i * 3]);
		lo = util_hexval((unsigned char)s[i * 3 + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':')) {
			memset(mac, 0, 6);
			return;
		}
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
}

static bool
state_mac_zero(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, 6) == 0;
}

/* The device row's values: ?1 id (NULL: a new row) to ?11, its texts
 * in t, which outlives the step (state_bind_static()). */
static void
state_bind_device_at(sqlite3_stmt *st, int p, const struct device *d,
    struct state_dev_txt *t)
{
	if (d->id != 0)
		state_bind_u64(st, p, d->id);
	else
		sqlite3_bind_null(st, p);
	if ((d->flags & DEV_F_ROUTED) && state_mac_zero(d->mac))
		sqlite3_bind_null(st, p + 1);
	else
		state_bind_static(st, p + 1, dev_mac_format(d->mac, t->mac,
		    sizeof(t->mac)));
	sqlite3_bind_int(st, p + 2, d->vlan);
	sqlite3_bind_int(st, p + 3, d->flags);
	if (d->has_ip)
		state_bind_static(st, p + 4, dev_ip_format(&d->ip, t->ip,
		    sizeof(t->ip)));
	else
		sqlite3_bind_null(st, p + 4);
	state_bind_u64(st, p + 5, d->first_us);
	state_bind_u64(st, p + 6, d->last_us);
	state_bind_u64(st, p + 7, d->flows);
	state_bind_u64(st, p + 8, d->packets);
	state_bind_u64(st, p + 9, d->bytes);
	sqlite3_bind_int64(st, p + 10, d->evidence_dropped);
}

static void
state_bind_device(sqlite3_stmt *st, const struct device *d,
    struct state_dev_txt *t)
{
	state_bind_device_at(st, 1, d, t);
}

/*
 * What a device's child rows would hold, hashed by part: a save
 * rewrites a part only when its sum differs from that of the last
 * committed save (or of the load).  Most saves of a busy inventory
 * only move counters and times, and rewriting every child row of every
 * device each interval was most of the brain's time (issue 11); so was,
 * at the end of a run on a loaded inventory, rewriting all of a device's
 * rows because one value was seen again.  The parts:
 *  - SP_VALUES: which values, in which order, with which claims,
 *    confidence and times (its one row, version 8);
 *  - SP_VALNUM: none since version 8 (a value's numbers were
 *    updated in place when it was a row), always 1;
 *  - SP_EVIDENCE: the evidence (its one row);
 *  - SP_IPS: the earlier addresses.
 */
enum state_part {
	SP_VALUES,
	SP_VALNUM,
	SP_EVIDENCE,
	SP_IPS
};
_Static_assert(SP_IPS + 1 == DEV_SAVED_PARTS, "a sum per part");

/* A text of an array of max bytes, with its NUL, at o; past it. */
static inline uint8_t *
state_sum_str(uint8_t *o, const char *v, size_t max)
{
	size_t n = strnlen(v, max - 1);

	memcpy(o, v, n);
	o[n] = '\0';
	return o + n + 1;
}

static inline uint8_t *
state_sum_u64(uint8_t *o, uint64_t v)
{
	memcpy(o, &v, sizeof(v));
	return o + sizeof(v);
}

/* Never 0: that is "not saved yet".  SipHash-1-3 under the state's
 * own random key: sums live in memory only (a load sums what it
 * read), and -2-4 was most of the time of telling what changed.  The
 * bytes from the buffer's start to end. */
static uint64_t
state_sum_of(struct state *s, const uint8_t *end)
{
	return siphash13(&s->sumkey, s->sumbuf,
	    (size_t)(end - s->sumbuf)) | 1;
}

/* The sums of d's parts into sum[]. */
static void
state_parts_sum(struct state *s, const struct device *d,
    uint64_t sum[DEV_SAVED_PARTS])
{
	const struct dev_attrset *as;
	const struct dev_value *v;
	const struct dev_claim *c;
	uint8_t *o;
	size_t i, j, n;
	int a;

	o = s->sumbuf;
	for (a = 0; a < DEV_A_MAX; a++) {
		as = &d->attr[a];
		o = state_sum_u64(o, as->n);
		for (i = 0; i < as->n && i < DEV_MAX_VALUES; i++) {
			v = &as->v[i];
			o = state_sum_str(o, v->value, sizeof(v->value));
			o = state_sum_u64(o, v->confidence);
			o = state_sum_u64(o, v->first_us);
			o = state_sum_u64(o, v->last_us);
			o = state_sum_u64(o, v->n_claims);
			for (j = 0; j < v->n_claims && j < DEV_MAX_CLAIMS;
			    j++) {
				c = &v->claims[j];
				o = state_sum_str(o, c->source,
				    sizeof(c->source));
				o = state_sum_str(o, c->rule, sizeof(c->rule));
				o = state_sum_u64(o, c->confidence);
			}
		}
	}
	sum[SP_VALUES] = state_sum_of(s, o);
	sum[SP_VALNUM] = 1;

	o = s->sumbuf;
	n = d->n_evidence < DEV_MAX_EVIDENCE ? d->n_evidence :
	    DEV_MAX_EVIDENCE;
	for (i = 0; i < n; i++) {
		o = state_sum_str(o, d->evidence[i].key,
		    sizeof(d->evidence[i].key));
		o = state_sum_str(o, d->evidence[i].value,
		    sizeof(d->evidence[i].value));
		o = state_sum_u64(o, d->evidence[i].first_us);
	}
	sum[SP_EVIDENCE] = state_sum_of(s, o);

	o = s->sumbuf;
	o = state_sum_u64(o, d->n_ips);
	for (i = 0; i < d->n_ips && i < DEV_MAX_IPS; i++) {
		memcpy(o, d->ips[i].a, sizeof(d->ips[i].a));
		o += sizeof(d->ips[i].a);
	}
	sum[SP_IPS] = state_sum_of(s, o);
}

/* Delete device id's rows of table st (ST_DEL_*), unless it is new. */
static int
state_del_children(struct state *s, enum state_stmt which, uint64_t id,
    bool fresh)
{
	sqlite3_stmt *st = s->st[which];

	if (fresh)
		return 0;
	state_bind_u64(st, 1, id);
	return state_step_done(s, st);
}

/*
 * Statements of 1, 2, 4 .. STATE_ROWS_MAX rows only: a save's last
 * rows of a table go out as the powers of two their number is made of
 * (45: 32, 8, 4 and 1), so at most seven statements a table are ever
 * prepared and kept, not one of each size up to STATE_ROWS_MAX (a
 * long-running sensor would have kept megabytes of them).
 */
static size_t
state_chunk(size_t n)
{
	size_t k = STATE_ROWS_MAX;

	while (k > n)
		k /= 2;
	return k;
}

/*
 * The *np rows waiting in v (each sz bytes), written by put() a
 * statement at a time (it writes the first n of them).  On an error
 * they are left waiting, for state_pend_drop().
 */
static int
state_pend_write(struct state *s, void *v, size_t sz, size_t *np,
    int (*put)(struct state *, size_t))
{
	size_t k;

	while (*np > 0) {
		k = state_chunk(*np);
		if (put(s, k) == -1)
			return -1;
		*np -= k;
		memmove(v, (char *)v + k * sz, *np * sz);
	}
	return 0;
}

/*
 * The new devices waiting, as one statement, under the ids the save
 * gave them: those AUTOINCREMENT would have given (state_next_id()),
 * known before the rows go in, so that their children's rows need not
 * wait for them (they did, and the devices went a few to a statement:
 * a tenth of a first save).
 */
static int
state_dev_write(struct state *s, size_t n)
{
	const struct state_dev_row *r = s->pdev;
	sqlite3_stmt *st;
	size_t i;

	if ((st = state_rows(s, SR_DEVICES, n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		state_bind_device_at(st, 1 + 11 * (int)i, r[i].d,
		    &s->pdevtxt[i]);
		state_bind_u64(st, 1 + 11 * (int)i, r[i].id);
	}
	return state_step_rows(s, st);
}

static int
state_dev_flush(struct state *s)
{
	return state_pend_write(s, s->pdev, sizeof(*s->pdev), &s->npdev,
	    state_dev_write);
}

/*
 * The first n text rows waiting in r (a device's values, evidence or
 * baseline items, one row each), their texts in buf, as one statement
 * into t.
 */
static int
state_txt_write(struct state *s, enum state_rows_table t,
    const struct state_ev_row *r, const struct state_txt *buf, size_t n)
{
	sqlite3_stmt *st;
	size_t i;
	int p, rc;

	if ((st = state_rows(s, t, n)) == NULL)
		return -1;
	for (i = 0, p = 1; i < n; i++, p += 2) {
		state_bind_u64(st, p, *r[i].id);
		sqlite3_bind_text(st, p + 1, buf->p + r[i].off,
		    (int)r[i].len, SQLITE_STATIC);
	}
	rc = state_step_rows(s, st);
	/* Its texts are written over: nothing of them stays bound. */
	sqlite3_clear_bindings(st);
	return rc;
}

/* A table's text rows waiting, written; their buffer then starts
 * again. */
static int
state_txt_flush(struct state *s, struct state_ev_row *r, size_t *np,
    struct state_txt *buf, int (*put)(struct state *, size_t))
{
	if (state_pend_write(s, r, sizeof(*r), np, put) == -1)
		return -1;
	buf->len = 0;
	return 0;
}

/* The values rows waiting (version 8), written whole (REPLACE). */
static int
state_va_write(struct state *s, size_t n)
{
	return state_txt_write(s, SR_VALUES, s->pva, &s->tva, n);
}

static int
state_va_flush(struct state *s)
{
	return state_txt_flush(s, s->pva, &s->npva, &s->tva, state_va_write);
}

static int
state_ev_write(struct state *s, size_t n)
{
	return state_txt_write(s, SR_EVIDENCE, s->pev, &s->tev, n);
}

static int
state_ev_flush(struct state *s)
{
	return state_txt_flush(s, s->pev, &s->npev, &s->tev, state_ev_write);
}

/* The baselines' item rows waiting (version 7), written whole (new or
 * changed). */
static int
state_it_write(struct state *s, size_t n)
{
	return state_txt_write(s, SR_BL_ITEMS, s->pit, &s->tit, n);
}

static int
state_it_flush(struct state *s)
{
	return state_txt_flush(s, s->pit, &s->npit, &s->tit, state_it_write);
}

/* The baseline rows waiting, each written whole (new or changed). */
static int
state_bl_write(struct state *s, size_t n)
{
	const struct state_bl_row *r = s->pbl;
	sqlite3_stmt *st;
	size_t i;
	int p, rc;

	if ((st = state_rows(s, SR_BASELINES, n)) == NULL)
		return -1;
	for (i = 0, p = 1; i < n; i++, p += 10) {
		state_bind_u64(st, p, *r[i].id);
		state_bind_static(st, p + 1, bl_mode_name(r[i].bl->mode));
		state_bind_u64(st, p + 2, r[i].bl->learn_start_us);
		state_bind_u64(st, p + 3, r[i].bl->learn_until_us);
		sqlite3_bind_int64(st, p + 4, r[i].bl->hours_active);
		sqlite3_bind_int64(st, p + 5, r[i].bl->hours_covered);
		sqlite3_bind_int64(st, p + 6, r[i].bl->fan_peers);
		sqlite3_bind_int64(st, p + 7, r[i].bl->fan_ports);
		state_bind_static(st, p + 8, r[i].vol);
		state_bind_static(st, p + 9, r[i].dropped);
	}
	rc = state_step_rows(s, st);
	/* Its texts are freed: nothing of them stays bound. */
	sqlite3_clear_bindings(st);
	if (rc == 0)
		for (i = 0; i < n; i++)
			free(s->pbl[i].vol);
	return rc;
}

static int
state_bl_flush(struct state *s)
{
	return state_pend_write(s, s->pbl, sizeof(*s->pbl), &s->npbl,
	    state_bl_write);
}

/* Every row waiting, written. */
static int
state_pend_flush(struct state *s)
{
	if (state_dev_flush(s) == -1 || state_va_flush(s) == -1 ||
	    state_ev_flush(s) == -1 || state_it_flush(s) == -1 ||
	    state_bl_flush(s) == -1)
		return -1;
	return 0;
}

/* The rows' texts, freed at the end of a save: a sensor's saves are
 * minutes apart. */
static void
state_txt_free(struct state *s)
{
	struct state_txt *t[3] = { &s->tev, &s->tva, &s->tit };
	size_t i;

	for (i = 0; i < 3; i++) {
		free(t[i]->p);
		memset(t[i], 0, sizeof(*t[i]));
	}
}

/* Every row waiting, dropped (a save rolled back). */
static void
state_pend_drop(struct state *s)
{
	size_t i;

	for (i = 0; i < s->npbl; i++)
		free(s->pbl[i].vol);
	s->npev = s->npva = s->npbl = s->npdev = 0;
	s->npit = 0;
	s->tev.len = s->tva.len = s->tit.len = 0;
}

/*
 * The values row of d (version 8), to be written whole; a device with
 * none has no row (deleted unless it is new).
 */
static int
state_save_values(struct state *s, const struct device *d,
    const uint64_t *id, bool fresh)
{
	struct state_ev_row *r;
	size_t off = s->tva.len;

	if (!state_va_text(&s->tva, d))
		return state_del_children(s, ST_DEL_VALUES, *id, fresh);
	r = &s->pva[s->npva++];
	r->id = id;
	r->off = off;
	r->len = s->tva.len - off;
	if (s->npva == STATE_ROWS_MAX && state_va_flush(s) == -1)
		return -1;
	return 0;
}

/* The evidence row of d, to be inserted (none if it has none). */
static int
state_save_evidence(struct state *s, const struct device *d,
    const uint64_t *id)
{
	struct state_ev_row *r;
	size_t off = s->tev.len;

	if (!state_ev_text(&s->tev, d))
		return 0;
	r = &s->pev[s->npev++];
	r->id = id;
	r->off = off;
	r->len = s->tev.len - off;
	if (s->npev == STATE_ROWS_MAX && state_ev_flush(s) == -1)
		return -1;
	return 0;
}

static int
state_save_one(struct state *s, const struct device *d, uint64_t *id,
    uint64_t sum[DEV_SAVED_PARTS], bool *fresh, bool *all)
{
	sqlite3_stmt *st;
	struct state_dev_txt txt;
	char buf[INET6_ADDRSTRLEN + 1];
	size_t i;

	/* A new device's parts are all written: after the run's last
	 * save nothing compares its sums (0: a save after all the same
	 * writes every part again). */
	if (d->id != 0 || !s->last)
		state_parts_sum(s, d, sum);
	else
		memset(sum, 0, DEV_SAVED_PARTS * sizeof(*sum));
	*fresh = false;
	*all = true;
	/* A stored device: its row, then the parts that changed.  A row
	 * that is gone (deleted behind our back) is inserted again under
	 * its id, with all its children. */
	if (d->id != 0) {
		st = s->st[ST_DEV_UPDATE];
		state_bind_device(st, d, &txt);
		if (state_step_done(s, st) == -1)
			return -1;
		*id = d->id;
		*all = sqlite3_changes(s->db) != 1;
	}
	if (*all && d->id == 0) {
		/* A new row under the next id, written with others
		 * (state_dev_flush()), and it has no children: no id is
		 * ever given twice (state_next_id()). */
		*id = s->next_id++;
		*fresh = true;
		s->pdev[s->npdev].d = d;
		s->pdev[s->npdev++].id = *id;
		if (s->npdev == STATE_ROWS_MAX && state_dev_flush(s) == -1)
			return -1;
	} else if (*all) {
		/* Under its own id. */
		st = s->st[ST_DEV_UPSERT];
		state_bind_device(st, d, &txt);
		if (state_step_done(s, st) == -1)
			return -1;
		*id = d->id;
	}

	if ((*all || sum[SP_VALUES] != d->saved_sum[SP_VALUES]) &&
	    state_save_values(s, d, id, *fresh) == -1)
		return -1;

	if ((*all || sum[SP_EVIDENCE] != d->saved_sum[SP_EVIDENCE]) &&
	    (state_del_children(s, ST_DEL_EVIDENCE, *id, *fresh) == -1 ||
	    state_save_evidence(s, d, id) == -1))
		return -1;

	if (!*all && sum[SP_IPS] == d->saved_sum[SP_IPS])
		return 0;
	if (state_del_children(s, ST_DEL_IPS, *id, *fresh) == -1)
		return -1;
	for (i = 0; i < d->n_ips && i < DEV_MAX_IPS; i++) {
		st = s->st[ST_INS_IP];
		state_bind_u64(st, 1, *id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		state_bind_text(st, 3, dev_ip_format(&d->ips[i], buf,
		    sizeof(buf)));
		if (state_step_done(s, st) == -1)
			return -1;
	}
	return 0;
}

int
state_forget_devices(struct state *s, const uint64_t *ids, size_t n,
    FILE *err)
{
	sqlite3_stmt *st = s->st[ST_DEL_DEVICE];
	size_t i;

	s->errmsg[0] = '\0';
	if (s->readonly || s->empty) {
		state_seterr(s, "cannot save: opened read-only");
		state_report(s, err);
		return -1;
	}
	/* The cascade takes a device's rows along: never without it. */
	if (state_exec(s, "PRAGMA foreign_keys = ON") == -1 ||
	    state_exec(s, "BEGIN IMMEDIATE") == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		state_bind_u64(st, 1, ids[i]);
		if (state_step_done(s, st) == -1)
			goto rollback;
	}
	if (state_exec(s, "COMMIT") == -1)
		goto rollback;
	return 0;

 rollback:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
 fail:
	if (err != NULL)
		fprintf(err, "%s (%zu evicted device%s not deleted)\n",
		    s->errmsg, n, n == 1 ? "" : "s");
	return -1;
}

int
state_save_devices(struct state *s, struct device *const *devs, size_t n,
    FILE *err)
{
	return state_save_devices_bl(s, devs, NULL, n, err);
}

/* Store cnt kind:n pairs, "peer:3 external:1", of what did not fit. */
static void
state_bl_dropped(const struct bl_dev *bl, char *buf, size_t len)
{
	size_t used = 0;
	int k, w;

	buf[0] = '\0';
	for (k = 0; k < BL_KIND_MAX; k++) {
		if (bl->set[k].dropped == 0)
			continue;
		w = snprintf(buf + used, len - used, "%s%s:%llu",
		    used ? " " : "", bl_kind_name((enum bl_kind)k),
		    (unsigned long long)bl->set[k].dropped);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

/* What an item's row holds besides its key: six words, hashed as
 * they are (no buffer).  The country as the text it is: the bytes
 * after its NUL are whatever a load's parse left there. */
static uint64_t
state_item_sum(struct state *s, const struct bl_item *it)
{
	uint64_t w[6];
	size_t i, n;

	w[0] = it->count;
	w[1] = it->first_us;
	w[2] = it->last_us;
	w[3] = it->asn;
	w[4] = it->hours;
	w[5] = 0;
	n = strnlen(it->cc, sizeof(it->cc));
	for (i = 0; i < n; i++)
		w[5] |= (uint64_t)(uint8_t)it->cc[i] << (8 * i);
	return siphash13_words(&s->sumkey, w, 6) | 1;
}


/* A kind's items in the order a load gives them: first_us, key. */
static int
state_item_cmp(const void *a, const void *b)
{
	const struct bl_item *x = *(const struct bl_item *const *)a;
	const struct bl_item *y = *(const struct bl_item *const *)b;

	if (x->first_us != y->first_us)
		return x->first_us < y->first_us ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Bytes of item rows a save holds before it writes them. */
#define STATE_IT_PEND_MAX	(1024 * 1024)
/* The most an item's line takes, its kind's name aside: the key and
 * country escaped, five numbers, the tabs and newline. */
#define STATE_BI_LINE_MAX	(2 * (BL_KEY_MAX + 3) + 5 * FMT_UINT_MAX + 8)

/*
 * The baseline row, and its items' row (version 7): written whole, a
 * kind at a time in the order a load gives (state_item_cmp()), when an
 * item is new or changed, or when the row stored is not known to be
 * that of bl's items (rewrite); none written when nothing changed.
 * Items only ever join a baseline (a set cut shorter is written
 * again).  A row an item was most of a save's end (issue 11).
 */
static int
state_save_baseline(struct state *s, const uint64_t *id,
    const struct bl_dev *bl, bool fresh, bool rewrite)
{
	const struct bl_item *it;
	const struct bl_set *set;
	struct state_ev_row *r;
	struct state_bl_row *b;
	struct state_num ts = { 0, 0, { 0 } };
	sqlite3_stmt *st;
	const char *kind;
	size_t total = 0, off, n;
	uint32_t i;
	char *o;
	bool changed;
	int k;

	if (s->version < 2)
		return 0;
	/* Its row, written with others (state_bl_flush()). */
	b = &s->pbl[s->npbl++];
	b->id = id;
	b->bl = bl;
	b->vol = bl_vol_format(bl);
	state_bl_dropped(bl, b->dropped, sizeof(b->dropped));
	if (s->npbl == STATE_ROWS_MAX && state_bl_flush(s) == -1)
		return -1;
	rewrite = rewrite || fresh || !bl->items_stored;
	for (k = 0; k < BL_KIND_MAX && !rewrite; k++)
		rewrite = bl->set[k].n < bl->set[k].stored;	/* cut */
	changed = rewrite;
	for (k = 0; k < BL_KIND_MAX; k++) {
		total += bl->set[k].n;
		for (i = 0; i < bl->set[k].n && !changed; i++) {
			it = &bl->set[k].v[i];
			changed = it->saved == 0 ||
			    state_item_sum(s, it) != it->saved;
		}
	}
	if (!changed)
		return 0;
	/* None: no row (a device row new in this save has none yet). */
	if (total == 0) {
		if (fresh)
			return 0;
		st = s->st[ST_BL_DEL_ITEMS];
		state_bind_u64(st, 1, *id);
		return state_step_done(s, st);
	}
	off = s->tit.len;
	for (k = 0; k < BL_KIND_MAX; k++) {
		set = &bl->set[k];
		if (set->n == 0)
			continue;
		if (set->n > s->itordcap) {
			s->itordcap = set->n;
			s->itord = xreallocarray(s->itord, s->itordcap,
			    sizeof(*s->itord));
		}
		for (i = 0; i < set->n; i++)
			s->itord[i] = &set->v[i];
		for (i = 1; i < set->n && state_item_cmp(&s->itord[i - 1],
		    &s->itord[i]) <= 0; i++)
			;
		if (i < set->n)
			qsort(s->itord, set->n, sizeof(*s->itord),
			    state_item_cmp);
		/* Lines as state_bi_put() makes them. */
		kind = bl_kind_name((enum bl_kind)k);
		n = strlen(kind);
		state_txt_room(&s->tit, set->n * (n + STATE_BI_LINE_MAX));
		o = s->tit.p + s->tit.len;
		for (i = 0; i < set->n; i++) {
			it = s->itord[i];
			o = state_put_word(o, kind, n);
			*o++ = '\t';
			o = state_ev_esc(o, it->key);
			*o++ = '\t';
			o += fmt_uint(o, it->count);
			*o++ = '\t';
			o = state_put_num(o, it->first_us, &ts);
			*o++ = '\t';
			o = state_put_num(o, it->last_us, &ts);
			*o++ = '\t';
			o += fmt_uint(o, it->asn);
			*o++ = '\t';
			o = state_ev_esc(o, it->cc);
			*o++ = '\t';
			o += fmt_uint(o, it->hours);
			*o++ = '\n';
		}
		s->tit.len = (size_t)(o - s->tit.p);
	}
	r = &s->pit[s->npit++];
	r->id = id;
	r->off = off;
	r->len = s->tit.len - off;
	if ((s->npit == STATE_ROWS_MAX || s->tit.len >= STATE_IT_PEND_MAX) &&
	    state_it_flush(s) == -1)
		return -1;
	return 0;
}

/* After a committed save of bl: its items' rows are as they are.
 * After the run's last save, no item keeps a sum (0: a save after all
 * the same writes the row again). */
static void
state_baseline_stored(struct state *s, struct bl_dev *bl)
{
	uint32_t i;
	int k;

	for (k = 0; k < BL_KIND_MAX; k++) {
		for (i = 0; i < bl->set[k].n; i++)
			bl->set[k].v[i].saved = s->last ? 0 :
			    state_item_sum(s, &bl->set[k].v[i]);
		bl->set[k].stored = bl->set[k].n;
	}
	bl->items_stored = true;
}

void
state_last_save(struct state *s)
{
	s->last = true;
}

/*
 * The id of the save's first new device into s->next_id: the one
 * AUTOINCREMENT would give (the largest it ever gave, or that is
 * there, + 1), and above those of the devices saved (a row deleted
 * behind our back is written again under its id).  A transaction is
 * open.
 */
static int
state_next_id(struct state *s, struct device *const *devs, size_t n)
{
	sqlite3_stmt *st = s->st[ST_DEV_LAST_ID];
	uint64_t last = 0;
	size_t i;
	int rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		last = state_col_u64(st, 0);
	else
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	for (i = 0; i < n; i++)
		if (devs[i]->id > last)
			last = devs[i]->id;
	s->next_id = last + 1;
	return 0;
}

/* Foreign keys on again after a save (state_forget_devices() makes
 * sure of it before it relies on them). */
static void
state_fk_on(struct state *s)
{
	sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

int
state_save_devices_bl(struct state *s, struct device *const *devs,
    struct bl_dev *const *bls, size_t n, FILE *err)
{
	uint64_t *ids, (*sums)[DEV_SAVED_PARTS];
	size_t i;
	bool fresh, all;

	s->errmsg[0] = '\0';
	if (s->readonly || s->empty) {
		state_seterr(s, "cannot save: opened read-only");
		state_report(s, err);
		return -1;
	}
	if ((ids = calloc(n == 0 ? 1 + DEV_SAVED_PARTS :
	    (1 + DEV_SAVED_PARTS) * n, sizeof(*ids))) == NULL) {
		state_seterr(s, "cannot save: %s", strerror(errno));
		state_report(s, err);
		return -1;
	}
	sums = (uint64_t (*)[DEV_SAVED_PARTS])(ids + n);
	/*
	 * Without foreign key checks: every child row goes in with its
	 * device's row (a new one's may go first), in the same
	 * transaction, so none can name a device that is not there when
	 * it commits; the check of each (a lookup of the
	 * device) was a ninth of a first save of a hospital's inventory
	 * (issue 11).  Nothing here relies on a cascade (a device's rows
	 * are deleted one table at a time); the pragma holds outside a
	 * transaction only, and is on again for everything else.
	 */
	if (state_exec(s, "PRAGMA foreign_keys = OFF") == -1)
		goto out_fail;
	if (state_exec(s, "BEGIN IMMEDIATE") == -1)
		goto out_fail;
	if (state_next_id(s, devs, n) == -1)
		goto out_rollback;
	for (i = 0; i < n; i++) {
		if (state_save_one(s, devs[i], &ids[i], sums[i],
		    &fresh, &all) == -1)
			goto out_rollback;
		if (bls != NULL && bls[i] != NULL &&
		    state_save_baseline(s, &ids[i], bls[i], fresh, all) == -1)
			goto out_rollback;
	}
	if (state_pend_flush(s) == -1 || state_exec(s, "COMMIT") == -1)
		goto out_rollback;
	state_fk_on(s);
	/* Only now do new devices learn their rows: a rollback above
	 * leaves every record as the caller gave it. */
	for (i = 0; i < n; i++) {
		devs[i]->id = ids[i];
		memcpy(devs[i]->saved_sum, sums[i],
		    sizeof(devs[i]->saved_sum));
		if (bls != NULL && bls[i] != NULL && s->version >= 2)
			state_baseline_stored(s, bls[i]);
	}
	state_txt_free(s);
	free(ids);
	return 0;

 out_rollback:
	state_pend_drop(s);
	for (i = 0; i < ST_MAX; i++) {
		if (s->st[i] == NULL)	/* not of this file's version */
			continue;
		sqlite3_reset(s->st[i]);
		sqlite3_clear_bindings(s->st[i]);
	}
	for (i = 0; i < STATE_ROWS_TABLES * STATE_ROWS_MAX; i++) {
		sqlite3_stmt *st = s->rows[i / STATE_ROWS_MAX]
		    [i % STATE_ROWS_MAX];

		if (st != NULL) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
		}
	}
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
 out_fail:
	state_fk_on(s);
	if (err != NULL)
		fprintf(err, "%s (%zu device%s not saved)\n", s->errmsg, n,
		    n == 1 ? "" : "s");
	state_txt_free(s);
	free(ids);
	return -1;
}

/*
 * A table read beside the devices, in device order: one pass, where a
 * query a device sought its rows.
 */
struct state_cur {
	sqlite3_stmt	*st;
	int		 rc;	/* its last step */
};

/*
 * At id's next row?  Rows of devices before id are passed, and rows of
 * no device (a device_id not an integer, which no device's query
 * matched).
 */
static bool
state_cur_at(struct state_cur *c, uint64_t id)
{
	sqlite3_int64 v;

	while (c->rc == SQLITE_ROW) {
		if (sqlite3_column_type(c->st, 0) == SQLITE_INTEGER) {
			v = sqlite3_column_int64(c->st, 0);
			if (v == (sqlite3_int64)id)
				return true;
			if (v > (sqlite3_int64)id)
				return false;
		}
		c->rc = sqlite3_step(c->st);
	}
	return false;
}

static int
state_cur_done(struct state *s, const struct state_cur *c)
{
	if (c->rc == SQLITE_ROW || c->rc == SQLITE_DONE)
		return 0;
	state_seterr(s, "%s", sqlite3_errmsg(s->db));
	return -1;
}

/*
 * d's values: its row (version 8), or its rows of values and claims
 * (older, read-only).  *redo if a line was left out (the next save
 * writes the row again).
 */
static int
state_load_values(struct state *s, struct state_cur *cur, struct device *d,
    bool *redo)
{
	sqlite3_stmt *st = cur->st;
	struct dev_value *v = NULL;
	struct dev_claim *c;
	const char *t;
	char name[32];
	sqlite3_int64 vid, last = 0;
	int a;

	*redo = false;
	if (s->val_rows) {
		for (; state_cur_at(cur, d->id); cur->rc = sqlite3_step(st))
			if ((t = (const char *)sqlite3_column_text(st, 1)) !=
			    NULL && !state_load_va_text(d, t, t +
			    sqlite3_column_bytes(st, 1)))
				*redo = true;
		return state_cur_done(s, cur);
	}
	for (; state_cur_at(cur, d->id); cur->rc = sqlite3_step(st)) {
		vid = sqlite3_column_int64(st, 1);
		if (v == NULL || vid != last) {
			last = vid;
			v = NULL;
			/* An attribute this build does not know, or more
			 * values than it keeps: skipped. */
			state_col_text(st, 2, name, sizeof(name));
			if ((a = dev_attr_lookup(name)) < 0)
				continue;
			if ((v = dev_value_push(d, (enum dev_attr)a)) == NULL)
				continue;
			state_col_text(st, 3, v->value, sizeof(v->value));
			v->confidence = state_col_conf(st, 4);
			v->first_us = state_col_u64(st, 5);
			v->last_us = state_col_u64(st, 6);
		}
		if (v == NULL || sqlite3_column_type(st, 7) == SQLITE_NULL ||
		    v->n_claims >= DEV_MAX_CLAIMS)
			continue;
		c = &v->claims[v->n_claims++];
		state_col_text(st, 7, c->source, sizeof(c->source));
		state_col_text(st, 8, c->rule, sizeof(c->rule));
		c->confidence = state_col_conf(st, 9);
	}
	return state_cur_done(s, cur);
}

/* A device's evidence row (version 5), each line a piece. */
static void
state_load_ev_text(struct device *d, const char *p, const char *end)
{
	struct dev_evidence *e, past;
	uint64_t v;

	while (p < end) {
		/* More than this build keeps: read past it. */
		if ((e = dev_evidence_push(d)) == NULL)
			e = &past;
		p = state_ev_field(p, end, e->key, sizeof(e->key));
		/* No key (an empty line): no evidence a save writes. */
		if (e->key[0] == '\0') {
			if (e != &past)
				d->n_evidence--;
			while (p < end && *p++ != '\n')
				;
			continue;
		}
		if (p < end && *p == '\t')
			p++;
		p = state_ev_field(p, end, e->value, sizeof(e->value));
		if (p < end && *p == '\t')
			p++;
		for (v = 0; p < end && *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (uint64_t)(*p - '0');
		e->first_us = v;
		/* Whatever else is on the line (a later build's). */
		while (p < end && *p++ != '\n')
			;
	}
}

static int
state_load_evidence(struct state *s, struct state_cur *cur, struct device *d)
{
	sqlite3_stmt *st;
	struct dev_evidence *e;
	const char *t;
	int rc;

	if (s->version >= 5) {
		st = cur->st;
		for (; state_cur_at(cur, d->id); cur->rc = sqlite3_step(st))
			if ((t = (const char *)sqlite3_column_text(st, 1)) !=
			    NULL)
				state_load_ev_text(d, t, t +
				    sqlite3_column_bytes(st, 1));
		return state_cur_done(s, cur);
	}
	/* An older file, read-only: a row a piece. */
	st = s->st[ST_SEL_EVIDENCE_V4];
	state_bind_u64(st, 1, d->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((e = dev_evidence_push(d)) == NULL)
			continue;	/* more than this build keeps */
		state_col_text(st, 0, e->key, sizeof(e->key));
		state_col_text(st, 1, e->value, sizeof(e->value));
		e->first_us = state_col_u64(st, 2);
	}
	if (rc != SQLITE_DONE)
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
state_load_ips(struct state *s, struct state_cur *cur, struct device *d)
{
	sqlite3_stmt *st = cur->st;
	char buf[INET6_ADDRSTRLEN + 1];

	for (; state_cur_at(cur, d->id); cur->rc = sqlite3_step(st)) {
		if (d->n_ips >= DEV_MAX_IPS)
			continue;
		state_col_text(st, 1, buf, sizeof(buf));
		if (dev_ip_parse(buf, &d->ips[d->n_ips]) == 0)
			d->n_ips++;
	}
	return state_cur_done(s, cur);
}

static void
state_load_row(sqlite3_stmt *st, struct device *d)
{
	char buf[INET6_ADDRSTRLEN + 1];
	sqlite3_int64 v;

	dev_free(d);		/* the previous row's arrays */
	d->id = state_col_u64(st, 0);
	if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
		state_col_text(st, 1, buf, sizeof(buf));
		state_mac_parse(buf, d->mac);
	}
	v = sqlite3_column_int64(st, 2);
	d->vlan = (uint16_t)(v < 0 || v > UINT16_MAX ? 0 : v);
	d->flags = (uint8_t)sqlite3_column_int(st, 3);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
		state_col_text(st, 4, buf, sizeof(buf));
		d->has_ip = dev_ip_parse(buf, &d->ip) == 0;
		if (!d->has_ip)
			memset(&d->ip, 0, sizeof(d->ip));
	}
	d->first_us = state_col_u64(st, 5);
	d->last_us = state_col_u64(st, 6);
	d->flows = state_col_u64(st, 7);
	d->packets = state_col_u64(st, 8);
	d->bytes = state_col_u64(st, 9);
	d->evidence_dropped = (uint32_t)sqlite3_column_int64(st, 10);
}

int
state_load_devices(struct state *s,
    int (*cb)(void *arg, const struct device *), void *arg)
{
	struct state_cur vals, ev, ips;
	sqlite3_stmt *st;
	struct device *d;
	int rc, ret = 0;
	bool redo;

	s->errmsg[0] = '\0';
	if (s->empty)
		return 0;
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		state_seterr(s, "%s", strerror(errno));
		return -1;
	}
	/* One read transaction: a consistent snapshot even while a
	 * running sensor writes. */
	if (state_exec(s, "BEGIN") == -1) {
		free(d);
		return -1;
	}
	vals.st = s->st[s->val_rows ? ST_SEL_VALUES : ST_SEL_VALUES_V7];
	ev.st = s->st[ST_SEL_EVIDENCE];
	ips.st = s->st[ST_SEL_IPS];
	vals.rc = sqlite3_step(vals.st);
	ev.rc = ev.st != NULL ? sqlite3_step(ev.st) : SQLITE_DONE;
	ips.rc = sqlite3_step(ips.st);
	st = s->st[ST_SEL_DEVICES];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		state_load_row(st, d);
		if (state_load_values(s, &vals, d, &redo) == -1 ||
		    state_load_evidence(s, &ev, d) == -1 ||
		    state_load_ips(s, &ips, d) == -1) {
			ret = -1;
			break;
		}
		d->known = true;
		/* As stored: a save writes what changes after this. */
		if (!s->readonly) {
			state_parts_sum(s, d, d->saved_sum);
			if (redo)
				d->saved_sum[SP_VALUES] = 0;
		}
		if ((ret = cb(arg, d)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_reset(st);
	sqlite3_reset(vals.st);
	if (ev.st != NULL)
		sqlite3_reset(ev.st);
	sqlite3_reset(ips.st);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (ret == 0 && s->immutable && state_ro_unchanged(s) == -1)
		ret = -1;
	dev_free(d);
	free(d);
	return ret;
}

int
state_begin(struct state *s)
{
	s->errmsg[0] = '\0';
	if (s->readonly || s->empty) {
		state_seterr(s, "cannot write: opened read-only");
		return -1;
	}
	return state_exec(s, "BEGIN IMMEDIATE");
}

void
state_rollback(struct state *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int
state_commit(struct state *s)
{
	if (state_exec(s, "COMMIT") == 0)
		return 0;
	state_rollback(s);
	return -1;
}

int
state_meta_set(struct state *s, const char *key, const char *value)
{
	sqlite3_stmt *st;

	s->errmsg[0] = '\0';
	if (s->readonly || s->empty) {
		state_seterr(s, "cannot write: opened read-only");
		return -1;
	}
	st = s->st[ST_META_SET];
	state_bind_text(st, 1, key);
	state_bind_text(st, 2, value);
	return state_step_done(s, st);
}

int
state_meta_set_many(struct state *s, const char *const *keys,
    const char *const *values, size_t n)
{
	sqlite3_stmt *st;
	size_t i, j, k;
	int p;

	s->errmsg[0] = '\0';
	if (s->readonly || s->empty) {
		state_seterr(s, "cannot write: opened read-only");
		return -1;
	}
	for (i = 0; i < n; i += k) {
		k = state_chunk(n - i);
		if ((st = state_rows(s, SR_META, k)) == NULL)
			return -1;
		for (j = 0, p = 1; j < k; j++, p += 2) {
			state_bind_static(st, p, keys[i + j]);
			state_bind_static(st, p + 1, values[i + j]);
		}
		if (state_step_rows(s, st) == -1)
			return -1;
	}
	return 0;
}

static int
state_meta_del(struct state *s, int which, const char *key)
{
	sqlite3_stmt *st;

	s->errmsg[0] = '\0';
	if (s->readonly || s->empty) {
		state_seterr(s, "cannot write: opened read-only");
		return -1;
	}
	st = s->st[which];
	state_bind_text(st, 1, key);
	return state_step_done(s, st);
}

int
state_meta_delete(struct state *s, const char *key)
{
	return state_meta_del(s, ST_META_DEL, key);
}

int
state_meta_delete_prefix(struct state *s, const char *prefix)
{
	if (prefix[0] == '\0') {
		state_seterr(s, "meta: no prefix");
		return -1;
	}
	return state_meta_del(s, ST_META_DEL_PREFIX, prefix);
}

int
state_meta_get(struct state *s, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc, ret;

	s->errmsg[0] = '\0';
	if (len > 0)
		buf[0] = '\0';
	if (s->empty)
		return 1;
	st = s->st[ST_META_GET];
	state_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		if (strlcpy(buf, t != NULL ? (const char *)t : "", len) >=
		    len) {
			state_seterr(s, "meta %s: value longer than %zu bytes",
			    key, len == 0 ? 0 : len - 1);
			if (len > 0)
				buf[0] = '\0';
			ret = -1;
		} else
			ret = 0;
	} else if (rc == SQLITE_DONE)
		ret = 1;
	else {
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/*
 * One query for every key under a prefix (a key range on the primary
 * key, so only those rows are read): the brain reads what every device
 * learned at start, and a query per key was most of that.
 */
int
state_meta_each(struct state *s, const char *prefix,
    int (*cb)(void *, const char *, const char *, size_t), void *arg)
{
	sqlite3_stmt *st = NULL;
	char hi[256];
	size_t n = strlen(prefix);
	int rc, ret = 0;

	s->errmsg[0] = '\0';
	if (s->empty)
		return 0;
	if (n == 0 || n >= sizeof(hi) || (unsigned char)prefix[n - 1] ==
	    0xff) {
		state_seterr(s, "meta: bad prefix");
		return -1;
	}
	/* The keys from prefix up to, not including, its successor. */
	memcpy(hi, prefix, n + 1);
	hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
	if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM meta "
	    "WHERE key >= ?1 AND key < ?2 ORDER BY key", -1, &st, NULL) !=
	    SQLITE_OK) {
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(st, 0);
		const unsigned char *v = sqlite3_column_text(st, 1);

		if (k == NULL || v == NULL)
			continue;
		if ((ret = cb(arg, (const char *)k, (const char *)v,
		    (size_t)sqlite3_column_bytes(st, 1))) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_finalize(st);
	return ret;
}

int
state_set_max_size(struct state *s, uint64_t bytes)
{
	char sql[64], buf[32];
	uint64_t page, pages;

	s->errmsg[0] = '\0';
	if (state_pragma(s, "PRAGMA page_size", buf, sizeof(buf)) !=
	    SQLITE_OK || (page = strtoull(buf, NULL, 10)) == 0) {
		state_seterr(s, "page_size: %s", buf);
		return -1;
	}
	/* 0: no cap (SQLite clamps to its own maximum). */
	pages = bytes == 0 ? UINT32_MAX - 1 : bytes / page;
	if (pages == 0)
		pages = 1;
	if (pages > UINT32_MAX - 1)
		pages = UINT32_MAX - 1;
	/* A pragma takes no bound parameter; this is our own number. */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %llu",
	    (unsigned long long)pages);
	if (state_pragma(s, sql, buf, sizeof(buf)) != SQLITE_OK) {
		state_seterr(s, "max_page_count: %s", buf);
		return -1;
	}
	return 0;
}

int64_t
state_count_devices(struct state *s)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	s->errmsg[0] = '\0';
	if (s->empty)
		return 0;
	st = s->st[ST_COUNT];
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	return n;
}

/* "peer:3 external:1" back into the tables' counters. */
static void
state_bl_parse_dropped(struct bl_dev *bl, const char *t)
{
	char kind[32];
	unsigned long long n;
	int k, used;

	while (sscanf(t, " %31[a-z0-9-]:%llu%n", kind, &n, &used) == 2) {
		if ((k = bl_kind_lookup(kind)) >= 0)
			bl->set[k].dropped += n;
		t += used;
	}
}

/*
 * Row st's columns from c on into r.  False if the row's order by the
 * copy could differ from SQLite's (ORDER BY kind, first_us, key): a
 * column not of its type, cut or holding a NUL.
 */
static bool
state_bli_row_get(sqlite3_stmt *st, int c, struct state_bli_row *r)
{
	bool exact;

	exact = sqlite3_column_type(st, c) == SQLITE_TEXT &&
	    sqlite3_column_type(st, c + 1) == SQLITE_TEXT &&
	    sqlite3_column_type(st, c + 3) == SQLITE_INTEGER;
	state_col_text(st, c, r->kind, sizeof(r->kind));
	state_col_text(st, c + 1, r->key, sizeof(r->key));
	if (exact)
		exact = (size_t)sqlite3_column_bytes(st, c) ==
		    strlen(r->kind) &&
		    (size_t)sqlite3_column_bytes(st, c + 1) == strlen(r->key);
	r->count = sqlite3_column_int64(st, c + 2);
	r->first_us = sqlite3_column_int64(st, c + 3);
	r->last_us = sqlite3_column_int64(st, c + 4);
	r->asn = sqlite3_column_int64(st, c + 5);
	state_col_text(st, c + 6, r->cc, sizeof(r->cc));
	r->hours = sqlite3_column_int64(st, c + 7);
	return exact;
}

/* SQLite's ORDER BY kind, first_us, key (BINARY: byte order). */
static int
state_bli_row_cmp(const void *a, const void *b)
{
	const struct state_bli_row *x = a, *y = b;
	int c;

	if ((c = strcmp(x->kind, y->kind)) != 0)
		return c;
	if (x->first_us != y->first_us)
		return x->first_us < y->first_us ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* A row into bl; *cut if its key was cut. */
static void
state_bli_row_put(const struct bl_config *cfg, struct bl_dev *bl,
    const struct state_bli_row *r, bool *cut)
{
	struct bl_item *it;
	sqlite3_int64 v;
	int k;

	/* A kind this build does not know, or past a cap: counted by
	 * bl_add(), or skipped. */
	if ((k = bl_kind_lookup(r->kind)) < 0 || r->key[0] == '\0')
		return;
	/* Kept cut: the row's key is not the item's, and an update by
	 * the item's would find no row. */
	if (strlen(r->key) >= BL_KEY_MAX)
		*cut = true;
	if ((it = bl_add(bl, cfg, (enum bl_kind)k, r->key)) == NULL)
		return;
	v = r->count;
	it->count = (uint32_t)(v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : v);
	it->first_us = (uint64_t)r->first_us;
	it->last_us = (uint64_t)r->last_us;
	v = r->asn;
	it->asn = (uint32_t)(v < 0 || v > UINT32_MAX ? 0 : v);
	memcpy(it->cc, r->cc, sizeof(it->cc));
	it->hours = (uint32_t)r->hours & 0xffffff;
}

/*
 * The items of every baseline in one pass, in the table's order
 * (device_id, kind, key): no seek a device, and no sort in SQLite (a
 * temporary b-tree a device).  A device's rows are put in the order
 * its own query gave (kind, first_us, key) here; a row whose order the
 * copy cannot tell sends the device back to that query.
 */
static const char state_bl_items_sql[] =
    "SELECT device_id, kind, key, count, first_us, last_us, asn, country, "
    "hours FROM baseline_items ORDER BY device_id, kind, key";

/* Version 7: a row a device. */
static const char state_bl_rows_sql[] =
    "SELECT device_id, items FROM baseline_items ORDER BY device_id";

struct state_bl_items {
	sqlite3_stmt		*st;	/* the whole table's cursor */
	int			 rc;	/* its last step */
	struct state_bli_row	*v;	/* a device's rows */
	size_t			 n, cap;
	/* The copy's order is SQLite's: a UTF-8 file, kind and key
	 * compared BINARY. */
	bool			 copy_ok;
};
/* A device's rows copied at most (its caps keep 192 by default); one
 * with more is read by its own query, which SQLite sorts on disk. */
#define STATE_BLI_COPY_MAX	4096

/*
 * Whether strcmp() orders table's column as SQLite does: the file is
 * UTF-8 (a UTF-16 file compares UTF-16 bytes) and the column's
 * collation BINARY (a hand-made schema could say NOCASE).
 */
static bool
state_binary_utf8(struct state *s, const char *table, const char *col)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	const char *coll = NULL;
	bool ok = false;

	if (sqlite3_prepare_v2(s->db, "PRAGMA encoding", -1, &st,
	    NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (t = sqlite3_column_text(st, 0)) != NULL)
		ok = strcmp((const char *)t, "UTF-8") == 0;
	sqlite3_finalize(st);
	if (ok && (sqlite3_table_column_metadata(s->db, "main", table, col,
	    NULL, &coll, NULL, NULL, NULL) != SQLITE_OK || coll == NULL ||
	    strcmp(coll, "BINARY") != 0))
		ok = false;
	return ok;
}

/* id's rows, as its own query gives them, into bl. */
static int
state_load_bl_items_q(struct state *s, const struct bl_config *cfg,
    sqlite3_int64 id, struct bl_dev *bl, uint64_t *rows, bool *cut)
{
	sqlite3_stmt *st = s->st[ST_BL_SEL_ITEMS];
	struct state_bli_row r;
	int rc;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(*rows)++;
		(void)state_bli_row_get(st, 0, &r);
		state_bli_row_put(cfg, bl, &r, cut);
	}
	if (rc != SQLITE_DONE)
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * A line of a baseline item row (version 7), p..end without its
 * newline, into r; false if it does not parse (a number past its
 * bound or missing, an unknown escape, a text too long, a NUL, a field
 * too many or too few).  r->kind is set as far as it parsed.
 */
static bool
state_bi_line(const char *p, const char *end, struct state_bli_row *r)
{
	uint64_t v[5];
	static const uint64_t max[5] = { UINT32_MAX, UINT64_MAX, UINT64_MAX,
	    UINT32_MAX, UINT32_MAX };
	int i;

	r->kind[0] = '\0';
	if ((p = state_pe_text(p, end, r->kind, sizeof(r->kind))) == NULL ||
	    p >= end ||
	    (p = state_pe_text(p, end, r->key, sizeof(r->key))) == NULL ||
	    p >= end)
		return false;
	for (i = 0; i < 3; i++)
		if ((p = state_pe_num(p, end, max[i], &v[i])) == NULL ||
		    p >= end)
			return false;
	if ((p = state_pe_num(p, end, max[3], &v[3])) == NULL || p >= end ||
	    (p = state_pe_text(p, end, r->cc, sizeof(r->cc))) == NULL ||
	    p >= end ||
	    (p = state_pe_num(p, end, max[4], &v[4])) == NULL)
		return false;
	r->count = (sqlite3_int64)v[0];
	r->first_us = (sqlite3_int64)v[1];	/* back to uint64_t */
	r->last_us = (sqlite3_int64)v[2];
	r->asn = (sqlite3_int64)v[3];
	r->hours = (sqlite3_int64)v[4];
	/* The last number ends the line: a tab after it is one more
	 * field than a save writes. */
	return p[-1] != '\t';
}

/* A kind's items in the order a load gives them (state_item_cmp()). */
static int
state_bl_item_cmp(const void *a, const void *b)
{
	const struct bl_item *x = a, *y = b;

	if (x->first_us != y->first_us)
		return x->first_us < y->first_us ? -1 : 1;
	return strcmp(x->key, y->key);
}

/*
 * Kind k of a device's item row p..end read again, its lines in the
 * order a load gives (state_bli_row_cmp()), so that its cap keeps
 * what it kept when each item was a row: the row's lines were out of
 * order (a file edited by hand) and some did not fit.  dropped: the
 * kind's count before the row.  A copy of the kind's lines, at most
 * STATE_V7_MAX_LINES.
 */
static void
state_load_bl_kind(const struct bl_config *cfg, struct bl_dev *bl, int k,
    uint64_t dropped, const char *p, const char *end)
{
	struct state_bli_row *v = NULL;
	const char *nl;
	size_t n = 0, cap = 0, lines = 0, i;
	bool cut = false;

	bl->set[k].n = 0;
	bl->set[k].dropped = dropped;
	for (; p < end && lines++ < STATE_V7_MAX_LINES;
	    p = nl < end ? nl + 1 : end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (!state_bi_line(p, nl, &v[n])) {
			if (bl_kind_lookup(v[n].kind) == k)
				bl->set[k].dropped++;
		} else if (bl_kind_lookup(v[n].kind) == k)
			n++;
	}
	qsort(v, n, sizeof(*v), state_bli_row_cmp);
	for (i = 0; i < n; i++)
		state_bli_row_put(cfg, bl, &v[i], &cut);
	free(v);
}

/*
 * A device's item row (version 7), p..end, into bl: read where it is,
 * a line at a time, each item as it comes (a save writes a kind's in
 * the order a load gives them).  Every line is counted in *rows; one
 * that does not parse is skipped, counted with the items of its kind
 * that did not fit if its kind is known; none past STATE_V7_MAX_LINES
 * is read.  A kind whose lines were out of order (a file edited by
 * hand) is sorted after, or read again if its cap left some out
 * (state_load_bl_kind()), and *cut set: the first save writes it
 * again.
 */
static void
state_load_bl_row(const struct bl_config *cfg, struct bl_dev *bl,
    const char *p, const char *end, uint64_t *rows, bool *cut)
{
	const char *start = p;
	struct state_bli_row r;
	const struct bl_item *last;
	bool unsorted[BL_KIND_MAX] = { false }, over, bad;
	uint64_t dropped[BL_KIND_MAX], dr;
	const char *nl;
	uint32_t n;
	int k;

	for (k = 0; k < BL_KIND_MAX; k++)
		dropped[k] = bl->set[k].dropped;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		/* Past the lines a row can hold (a file edited by hand):
		 * counted with its kind's, as a line that does not parse
		 * (the kind is "" when its field did not parse). */
		over = (*rows)++ >= STATE_V7_MAX_LINES;
		if (over)
			*cut = true;
		bad = !state_bi_line(p, nl, &r) || over;
		/* A kind this build does not know: left out, uncounted. */
		if ((k = bl_kind_lookup(r.kind)) >= 0 && bad)
			bl->set[k].dropped++;
		else if (k >= 0) {
			if (bl->set[k].n > 0 && !unsorted[k]) {
				last = &bl->set[k].v[bl->set[k].n - 1];
				unsorted[k] = (uint64_t)r.first_us <
				    last->first_us ||
				    ((uint64_t)r.first_us == last->first_us &&
				    strcmp(r.key, last->key) < 0);
			}
			n = bl->set[k].n;
			dr = bl->set[k].dropped;
			state_bli_row_put(cfg, bl, &r, cut);
			/* A key twice (edited by hand): the later line's
			 * values, and the kind sorted again. */
			if (bl->set[k].n == n && bl->set[k].dropped == dr &&
			    r.key[0] != '\0')
				unsorted[k] = true;
		}
		p = nl < end ? nl + 1 : end;
	}
	for (k = 0; k < BL_KIND_MAX; k++) {
		if (!unsorted[k])
			continue;
		*cut = true;
		if (bl->set[k].dropped > dropped[k])
			state_load_bl_kind(cfg, bl, k, dropped[k], start, end);
		else
			qsort(bl->set[k].v, bl->set[k].n,
			    sizeof(*bl->set[k].v), state_bl_item_cmp);
	}
}

/* id's rows of the items cursor into bl. */
static int
state_load_bl_items(struct state *s, const struct bl_config *cfg,
    struct state_bl_items *c, sqlite3_int64 id, struct bl_dev *bl)
{
	sqlite3_stmt *st = c->st;
	const char *t;
	uint64_t rows = 0, items = 0;
	size_t i;
	bool cut = false, exact = c->copy_ok;
	int k;

	for (k = 0; k < BL_KIND_MAX; k++)
		items -= bl->set[k].n;
	/* Past the rows of devices before id, or of no device (a
	 * device_id not an integer, which no device's query matched). */
	while (c->rc == SQLITE_ROW &&
	    (sqlite3_column_type(st, 0) != SQLITE_INTEGER ||
	    sqlite3_column_int64(st, 0) < id))
		c->rc = sqlite3_step(st);
	for (c->n = 0; c->rc == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
	    sqlite3_column_int64(st, 0) == id; c->rc = sqlite3_step(st)) {
		if (s->bl_rows) {	/* version 7: its one row */
			t = (const char *)sqlite3_column_text(st, 1);
			if (t != NULL)
				state_load_bl_row(cfg, bl, t, t +
				    sqlite3_column_bytes(st, 1), &rows, &cut);
			continue;
		}
		if (!exact)
			continue;	/* its own query reads them */
		if (c->n == STATE_BLI_COPY_MAX) {
			exact = false;
			continue;
		}
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 64;
			c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
		}
		if (!state_bli_row_get(st, 1, &c->v[c->n++]))
			exact = false;
	}
	if (c->rc != SQLITE_ROW && c->rc != SQLITE_DONE) {
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		return -1;
	}
	if (s->bl_rows)
		;	/* read above */
	else if (!exact) {
		if (state_load_bl_items_q(s, cfg, id, bl, &rows, &cut) == -1)
			return -1;
	} else {
		if (c->n > 1)
			qsort(c->v, c->n, sizeof(*c->v), state_bli_row_cmp);
		for (i = 0; i < c->n; i++)
			state_bli_row_put(cfg, bl, &c->v[i], &cut);
		rows = c->n;
	}
	/* Every row an item, as stored: a save writes what changes after
	 * this.  A row skipped, cut or capped: the first save rewrites
	 * them all, as before. */
	for (k = 0; k < BL_KIND_MAX; k++)
		items += bl->set[k].n;
	if (rows == items && !cut && !s->readonly)
		state_baseline_stored(s, bl);
	return 0;
}

int
state_load_baselines(struct state *s, const struct bl_config *cfg,
    int (*cb)(void *arg, uint64_t id, struct bl_dev *), void *arg)
{
	struct state_bl_items items;
	sqlite3_stmt *st;
	struct bl_dev *bl;
	char buf[64];
	const unsigned char *t;
	sqlite3_int64 id;
	int rc, ret = 0, mode;

	s->errmsg[0] = '\0';
	if (s->empty || s->version < 2)
		return 0;
	if (state_exec(s, "BEGIN") == -1)
		return -1;
	memset(&items, 0, sizeof(items));
	items.copy_ok = !s->bl_rows &&
	    state_binary_utf8(s, "baseline_items", "kind") &&
	    state_binary_utf8(s, "baseline_items", "key");
	items.rc = sqlite3_prepare_v2(s->db, s->bl_rows ?
	    state_bl_rows_sql : state_bl_items_sql, -1, &items.st, NULL);
	if (items.rc == SQLITE_OK)
		items.rc = sqlite3_step(items.st);
	if (items.rc != SQLITE_ROW && items.rc != SQLITE_DONE) {
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		sqlite3_finalize(items.st);
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
		return -1;
	}
	st = s->st[ST_BL_SEL];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		bl = bl_dev_new(cfg, state_col_u64(st, 2));
		state_col_text(st, 1, buf, sizeof(buf));
		mode = bl_mode_lookup(buf);
		bl->mode = mode == BL_ENFORCING ? BL_ENFORCING : BL_LEARNING;
		bl->learn_start_us = state_col_u64(st, 2);
		bl->learn_until_us = state_col_u64(st, 3);
		bl->hours_active = (uint32_t)sqlite3_column_int64(st, 4) &
		    0xffffff;
		bl->hours_covered = (uint32_t)sqlite3_column_int64(st, 5) &
		    0xffffff;
		bl->fan_peers = (uint32_t)sqlite3_column_int64(st, 6);
		bl->fan_ports = (uint32_t)sqlite3_column_int64(st, 7);
		/* Bad samples are dropped, not the baseline. */
		t = sqlite3_column_text(st, 8);
		(void)bl_vol_parse(bl, t != NULL ? (const char *)t : "");
		t = sqlite3_column_text(st, 9);
		state_bl_parse_dropped(bl, t != NULL ? (const char *)t : "");
		if (state_load_bl_items(s, cfg, &items, id, bl) == -1) {
			bl_dev_free(bl);
			ret = -1;
			break;
		}
		bl->changed = false;
		if ((ret = cb(arg, (uint64_t)id, bl)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_reset(st);
	sqlite3_finalize(items.st);
	free(items.v);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (ret == 0 && s->immutable && state_ro_unchanged(s) == -1)
		ret = -1;
	return ret;
}

int
state_reset_baselines(struct state *s, const uint64_t *ids, size_t n,
    FILE *err)
{
	sqlite3_stmt *st;
	size_t i;

	s->errmsg[0] = '\0';
	if (s->readonly || s->empty) {
		state_seterr(s, "cannot write: opened read-only");
		state_report(s, err);
		return -1;
	}
	if (state_exec(s, "BEGIN IMMEDIATE") == -1)
		goto fail;
	if (ids == NULL) {
		if (state_step_done(s, s->st[ST_BL_DEL_ALL]) == -1)
			goto rollback;
	}
	for (i = 0; ids != NULL && i < n; i++) {
		st = s->st[ST_BL_DEL_ITEMS];
		state_bind_u64(st, 1, ids[i]);
		if (state_step_done(s, st) == -1)
			goto rollback;
		st = s->st[ST_BL_DEL];
		state_bind_u64(st, 1, ids[i]);
		if (state_step_done(s, st) == -1)
			goto rollback;
	}
	/* Items without their baseline row are no one's. */
	if (ids == NULL && state_exec(s, "DELETE FROM baseline_items") == -1)
		goto rollback;
	if (state_exec(s, "COMMIT") == -1)
		goto rollback;
	return 0;

 rollback:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
 fail:
	state_report(s, err);
	return -1;
}

int
state_add_alerts(struct state *s, const struct state_alert *a, size_t n,
    FILE *err)
{
	sqlite3_stmt *st = s->st[ST_AL_ADD];
	size_t i;

	s->errmsg[0] = '\0';
	if (s->readonly || s->empty || st == NULL) {
		state_seterr(s, "cannot write: opened read-only");
		state_report(s, err);
		return -1;
	}
	if (n == 0)
		return 0;
	if (state_exec(s, "BEGIN IMMEDIATE") == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		state_bind_u64(st, 1, a[i].device_id);
		sqlite3_bind_int64(st, 2, a[i].gid);
		sqlite3_bind_int64(st, 3, a[i].sid);
		sqlite3_bind_int(st, 4, a[i].severity);
		sqlite3_bind_text(st, 5, a[i].signature, -1, SQLITE_STATIC);
		state_bind_u64(st, 6, a[i].as_src);
		state_bind_u64(st, 7, a[i].as_dst);
		state_bind_u64(st, 8, a[i].first_us);
		state_bind_u64(st, 9, a[i].last_us);
		if (state_step_done(s, st) == -1)
			goto rollback;
	}
	if (state_exec(s, "COMMIT") == -1)
		goto rollback;
	return 0;

 rollback:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
 fail:
	state_report(s, err);
	return -1;
}

int
state_load_alerts(struct state *s,
    int (*cb)(void *arg, const struct state_alert *), void *arg)
{
	struct state_alert a;
	sqlite3_stmt *st;
	int rc, ret = 0;

	s->errmsg[0] = '\0';
	if (s->empty || s->version < 3)
		return 0;
	if (state_exec(s, "BEGIN") == -1)
		return -1;
	st = s->st[ST_AL_SEL];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		a.device_id = state_col_u64(st, 0);
		a.gid = (uint32_t)sqlite3_column_int64(st, 1);
		a.sid = (uint32_t)sqlite3_column_int64(st, 2);
		a.severity = (uint8_t)sqlite3_column_int(st, 3);
		state_col_text(st, 4, a.signature, sizeof(a.signature));
		a.as_src = state_col_u64(st, 5);
		a.as_dst = state_col_u64(st, 6);
		a.first_us = state_col_u64(st, 7);
		a.last_us = state_col_u64(st, 8);
		if ((ret = cb(arg, &a)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_reset(st);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (ret == 0 && s->immutable && state_ro_unchanged(s) == -1)
		ret = -1;
	return ret;
}

/* ---- the communication map (version 4) ---- */

/* The comm rows of c[0..n-1] (each a device's zone and how many peers
 * its table had no room for), a statement of STATE_ROWS_MAX or fewer
 * (state_chunk()) at a time. */
static int
state_comm_rows(struct state *s, const struct state_peers *const *c,
    size_t n)
{
	sqlite3_stmt *st;
	size_t i, k;
	int p;

	if (n == 0)
		return 0;
	if ((st = state_rows(s, SR_COMM, (k = state_chunk(n)))) == NULL)
		return -1;
	for (i = 0, p = 1; i < k; i++, p += 3) {
		state_bind_u64(st, p, c[i]->device_id);
		state_bind_static(st, p + 1, c[i]->zone != NULL ?
		    c[i]->zone : "");
		state_bind_u64(st, p + 2, c[i]->tab != NULL ?
		    c[i]->tab->dropped : 0);
	}
	if (state_step_rows(s, st) == -1)
		return -1;
	return state_comm_rows(s, c + k, n - k);	/* the rest */
}

/* The peer rows txt[0..n-1] of devices ids[] (version 6), as
 * state_comm_rows(). */
static int
state_peer_rows(struct state *s, const uint64_t *ids,
    const struct state_txt *txt, size_t n)
{
	sqlite3_stmt *st;
	size_t i, k;
	int p;

	if (n == 0)
		return 0;
	if ((st = state_rows(s, SR_PEERS, (k = state_chunk(n)))) == NULL)
		return -1;
	for (i = 0, p = 1; i < k; i++, p += 2) {
		state_bind_u64(st, p, ids[i]);
		/* Every line dropped at load: an empty row, not NULL. */
		sqlite3_bind_text(st, p + 1, txt[i].p != NULL ? txt[i].p : "",
		    (int)txt[i].len, SQLITE_STATIC);
	}
	if (state_step_rows(s, st) == -1)
		return -1;
	return state_peer_rows(s, ids + k, txt + k, n - k); /* the rest */
}

/* Bytes of peer rows a save holds before it writes them: a statement
 * of STATE_ROWS_MAX devices of PEERS_MAX_MAX entries each would be
 * 100 MB. */
#define STATE_PE_PEND_MAX	(1024 * 1024)

/*
 * Comm rows and the peer rows of devices with an entry changed,
 * STATE_ROWS_MAX rows to a statement: each row is written whole
 * (REPLACE), as new or as the update of the one stored.
 */
int
state_save_peers(struct state *s, const struct state_peers *p, size_t n,
    FILE *err)
{
	const struct state_peers *cm[STATE_ROWS_MAX];
	struct state_txt pt[STATE_ROWS_MAX];
	uint64_t peid[STATE_ROWS_MAX];
	const struct peer_tab *t;
	struct state_num ts = { 0, 0, { 0 } };
	size_t i, ncm = 0, npe = 0, pend = 0;
	uint32_t k;
	int ret = -1;

	s->errmsg[0] = '\0';
	if (s->readonly || s->empty || s->version < 6) {
		state_seterr(s, "cannot write: opened read-only");
		state_report(s, err);
		return -1;
	}
	if (n == 0)
		return 0;
	memset(pt, 0, sizeof(pt));
	/* Without foreign key checks, as a device save: every device
	 * given is a saved one (its row is there), and the check of each
	 * row (a lookup of its device) was a sixth of the save. */
	if (state_exec(s, "PRAGMA foreign_keys = OFF") == -1 ||
	    state_exec(s, "BEGIN IMMEDIATE") == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		t = p[i].tab;
		/* The comm row as stored: its peers alone (issue 11). */
		if (!(t != NULL && t->comm_stored &&
		    p[i].zone_stored != NULL && t->dropped_stored ==
		    t->dropped && strcmp(p[i].zone_stored,
		    p[i].zone != NULL ? p[i].zone : "") == 0)) {
			cm[ncm++] = &p[i];
			if (ncm == STATE_ROWS_MAX) {
				if (state_comm_rows(s, cm, ncm) == -1)
					goto rollback;
				ncm = 0;
			}
		}
		for (k = 0; t != NULL && k < t->n && !t->v[k].dirty; k++)
			;
		if (t == NULL || (k == t->n && !t->rewrite))
			continue;
		/* An entry changed, or the row held lines not kept: the
		 * device's row, whole. */
		pt[npe].len = 0;
		for (k = 0; k < t->n; k++)
			state_pe_put(&pt[npe], &t->v[k], &ts);
		pend += pt[npe].len;
		peid[npe++] = p[i].device_id;
		if (npe == STATE_ROWS_MAX || pend >= STATE_PE_PEND_MAX) {
			if (state_peer_rows(s, peid, pt, npe) == -1)
				goto rollback;
			npe = 0;
			pend = 0;
		}
	}
	if (state_comm_rows(s, cm, ncm) == -1 ||
	    state_peer_rows(s, peid, pt, npe) == -1 ||
	    state_exec(s, "COMMIT") == -1)
		goto rollback;
	state_fk_on(s);
	ret = 0;
	goto out;

 rollback:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
 fail:
	state_fk_on(s);
	state_report(s, err);
 out:
	for (i = 0; i < STATE_ROWS_MAX; i++)
		free(pt[i].p);
	return ret;
}

/* The comm row of id, if any: st steps in device id order. */
static bool
state_comm_of(sqlite3_stmt *st, int *rc, uint64_t id, char *zone,
    size_t zlen, uint64_t *dropped)
{
	zone[0] = '\0';
	*dropped = 0;
	while (*rc == SQLITE_ROW && state_col_u64(st, 0) < id)
		*rc = sqlite3_step(st);
	if (*rc == SQLITE_ROW && state_col_u64(st, 0) == id) {
		state_col_text(st, 1, zone, zlen);
		*dropped = state_col_u64(st, 2);
		return true;
	}
	return false;
}

int
state_load_peers(struct state *s, uint32_t max,
    int (*cb)(void *arg, uint64_t id, const char *zone,
    struct peer_tab *), void *arg)
{
	sqlite3_stmt *st, *sc;
	struct peer_tab t;
	struct peer_ent e;
	char buf[16], zone[PEERS_ZONE_MAX];
	uint64_t id, cur = 0, dropped;
	int rc, rcc, ret = 0;
	const char *txt;
	uint32_t k;
	bool comm, v6;

	s->errmsg[0] = '\0';
	if (s->empty || s->version < 4)
		return 0;
	if (state_exec(s, "BEGIN") == -1)
		return -1;
	v6 = s->version >= 6;
	st = s->st[v6 ? ST_PE_SEL : ST_PE_SEL_V5];
	sc = s->st[ST_PE_SEL_COMM];
	memset(&t, 0, sizeof(t));
	rcc = sqlite3_step(sc);
	/* Devices with a zone and no peers are called too, with their
	 * table empty: walk both in device id order. */
	rc = sqlite3_step(st);
	for (;;) {
		uint64_t pid = rc == SQLITE_ROW ? state_col_u64(st, 0) :
		    UINT64_MAX;
		uint64_t cid = rcc == SQLITE_ROW ? state_col_u64(sc, 0) :
		    UINT64_MAX;

		if (pid == UINT64_MAX && cid == UINT64_MAX)
			break;
		cur = pid < cid ? pid : cid;
		comm = state_comm_of(sc, &rcc, cur, zone, sizeof(zone),
		    &dropped);
		memset(&t, 0, sizeof(t));
		if (v6 && rc == SQLITE_ROW && state_col_u64(st, 0) == cur) {
			txt = (const char *)sqlite3_column_text(st, 1);
			if (txt != NULL)
				state_load_pe_text(&t, max, txt, txt +
				    sqlite3_column_bytes(st, 1));
			rc = sqlite3_step(st);
		}
		for (; !v6 && rc == SQLITE_ROW && (id = state_col_u64(st, 0)) ==
		    cur; rc = sqlite3_step(st)) {
			memset(&e, 0, sizeof(e));
			state_col_text(st, 1, e.peer, sizeof(e.peer));
			state_col_text(st, 2, buf, sizeof(buf));
			e.dir = strcmp(buf, "accepted") == 0 ?
			    PEERS_ACCEPTED : PEERS_INITIATED;
			e.proto = (uint8_t)sqlite3_column_int(st, 3);
			e.port = (uint16_t)sqlite3_column_int(st, 4);
			state_col_text(st, 5, e.app, sizeof(e.app));
			state_col_text(st, 6, e.zone, sizeof(e.zone));
			e.vlan = sqlite3_column_int(st, 7);
			e.flows = state_col_u64(st, 8);
			e.packets = state_col_u64(st, 9);
			e.bytes = state_col_u64(st, 10);
			e.first_us = state_col_u64(st, 11);
			e.last_us = state_col_u64(st, 12);
			/* Rows past a lowered cap are dropped, counted. */
			(void)peers_add(&t, max, &e);
		}
		/* Lines not kept (t.dropped so far): the row is written
		 * again without them, once (they are in dropped now). */
		t.rewrite = t.dropped > 0;
		t.dropped += dropped;
		t.comm_stored = comm;
		t.dropped_stored = dropped;
		for (k = 0; k < t.n; k++)
			t.v[k].dirty = false;
		t.dirty = t.rewrite;
		if (rcc == SQLITE_ROW && state_col_u64(sc, 0) == cur)
			rcc = sqlite3_step(sc);
		ret = cb(arg, cur, zone, &t);
		peers_clear(&t);
		if (ret != 0)
			break;
	}
	if (ret == 0 && ((rc != SQLITE_DONE && rc != SQLITE_ROW) ||
	    (rcc != SQLITE_DONE && rcc != SQLITE_ROW))) {
		state_seterr(s, "%s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_reset(st);
	sqlite3_reset(sc);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (ret == 0 && s->immutable && state_ro_unchanged(s) == -1)
		ret = -1;
	return ret;
}

int
state_reset_peers(struct state *s, const uint64_t *ids, size_t n,
    FILE *err)
{
	sqlite3_stmt *st;
	size_t i;

	s->errmsg[0] = '\0';
	if (s->readonly || s->empty || s->st[ST_PE_DEL] == NULL) {
		state_seterr(s, "cannot write: opened read-only");
		state_report(s, err);
		return -1;
	}
	if (state_exec(s, "BEGIN IMMEDIATE") == -1)
		goto fail;
	if (ids == NULL && (state_exec(s, "DELETE FROM device_peers") == -1 ||
	    state_exec(s, "UPDATE device_comm SET peers_dropped = 0") == -1))
		goto rollback;
	for (i = 0; ids != NULL && i < n; i++) {
		st = s->st[ST_PE_DEL];
		state_bind_u64(st, 1, ids[i]);
		if (state_step_done(s, st) == -1)
			goto rollback;
		st = s->st[ST_PE_DEL_COMM];
		state_bind_u64(st, 1, ids[i]);
		if (state_step_done(s, st) == -1)
			goto rollback;
	}
	if (state_exec(s, "COMMIT") == -1)
		goto rollback;
	return 0;

 rollback:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
 fail:
	state_report(s, err);
	return -1;
}
