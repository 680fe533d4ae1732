/*
 * health.c - capture health of a live interface (health.h).
 */
#include <config.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "decode/packet.h"
#include "engine/config.h"
#include "engine/health.h"
#include "output/jsonw.h"
#include "output/record.h"
#include "util/log.h"
#include "util/util.h"

#define HEALTH_DUP_SLOTS	16384	/* recent frames (a power of 2) */
#define HEALTH_DIR_SLOTS	4096	/* TCP flows per interval */
#define HEALTH_DUP_PAYLOAD	64	/* payload bytes in the frame key */
#define HEALTH_DUP_MIN		10	/* copies in an interval to alert */

struct dup_slot {
	uint64_t	 h;
	uint64_t	 ts;
};

struct dir_slot {
	uint64_t	 tag;		/* the flow hash; 0: empty */
	uint8_t		 dirs;		/* bit per direction seen */
};

enum { AL_DROPS, AL_SILENT, AL_ONE_WAY, AL_DUPS, AL_MAX };

struct health {
	char		 iface[64];
	char		 scope[256];	/* one-way: the interfaces judged */
	bool		 oneway;	/* this one judges it */
	uint32_t	 interval_s, drop_pct, silence_s, oneway_pct;
	uint32_t	 min_flows, dup_pct, window_us;
	struct sipkey	 key;
	struct dup_slot	*dup;
	struct dir_slot	*dir;

	uint64_t	 next_us;	/* end of the current interval */
	uint64_t	 last_pkt_us;
	uint64_t	 pkts_iv, dups_iv;
	uint64_t	 recv_prev, drop_prev;
	bool		 sys_ok;
	uint64_t	 sys_drop0, sys_miss0, sys_drop_prev, sys_miss_prev;
	bool		 on[AL_MAX];
	struct health_counts c;
	bool		 shared;	/* fan-out: lock taken */
	pthread_mutex_t	 lock;
};

static void
h_lock(struct health *h)
{
	if (h->shared)
		pthread_mutex_lock(&h->lock);
}

static void
h_unlock(struct health *h)
{
	if (h->shared)
		pthread_mutex_unlock(&h->lock);
}

/* One counter of /sys/class/net/IFACE/statistics; false if absent. */
static bool
sys_stat(const char *iface, const char *name, uint64_t *v)
{
	char path[256];
	unsigned long long x;
	FILE *fp;
	bool ok;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s",
	    iface, name);
	if ((fp = fopen(path, "r")) == NULL)
		return false;
	ok = fscanf(fp, "%llu", &x) == 1;
	fclose(fp);
	if (ok)
		*v = x;
	return ok;
}

static void
sys_read(struct health *h, uint64_t *drop, uint64_t *miss)
{
	*drop = *miss = 0;
	if (!sys_stat(h->iface, "rx_dropped", drop))
		h->sys_ok = false;
	(void)sys_stat(h->iface, "rx_missed_errors", miss);
}

struct health *
health_new(const struct config *cfg, const char *iface)
{
	struct health *h;

	if (cfg->health_interval == 0 && cfg->dedup_window == 0)
		return NULL;
	h = xcalloc(1, sizeof(*h));
	strlcpy(h->iface, iface, sizeof(h->iface));
	h->interval_s = cfg->health_interval;
	h->drop_pct = cfg->health_drop_pct;
	h->silence_s = cfg->health_silence;
	h->oneway_pct = cfg->health_oneway_pct;
	h->min_flows = cfg->health_min_flows;
	h->dup_pct = cfg->health_dup_pct;
	h->window_us = cfg->dedup_window;
	sipkey_init(&h->key, false);
	if (h->window_us > 0)
		h->dup = xcalloc(HEALTH_DUP_SLOTS, sizeof(*h->dup));
	h->dir = xcalloc(HEALTH_DIR_SLOTS, sizeof(*h->dir));
	h->oneway = true;
	strlcpy(h->scope, iface, sizeof(h->scope));
	h->sys_ok = true;
	sys_read(h, &h->sys_drop0, &h->sys_miss0);
	h->sys_drop_prev = h->sys_drop0;
	h->sys_miss_prev = h->sys_miss0;
	return h;
}

void
health_oneway_scope(struct health *h, bool judge, const char *ifaces)
{
	if (h == NULL)
		return;
	h->oneway = judge;
	strlcpy(h->scope, ifaces, sizeof(h->scope));
}

void
health_share(struct health *h)
{
	if (h == NULL || h->shared)
		return;
	pthread_mutex_init(&h->lock, NULL);
	h->shared = true;
}

void
health_free(struct health *h)
{
	if (h == NULL)
		return;
	if (h->shared)
		pthread_mutex_destroy(&h->lock);
	free(h->dup);
	free(h->dir);
	free(h);
}

bool
health_duplicate(struct health *h, const struct packet *p)
{
	struct {
		uint8_t		 src[16], dst[16];
		uint32_t	 l3_len, seq, ack;
		uint16_t	 sport, dport, ip_id;
		uint8_t		 ipver, proto, flags, paylen;
		uint8_t		 pay[HEALTH_DUP_PAYLOAD];
	} k;
	struct dup_slot *s;
	uint64_t hv;
	size_t n;

	if (h == NULL || h->dup == NULL || !(p->ipver == 4 || p->ipver == 6))
		return false;
	memset(&k, 0, sizeof(k));
	memcpy(k.src, p->src, sizeof(k.src));
	memcpy(k.dst, p->dst, sizeof(k.dst));
	k.l3_len = p->l3_len;
	k.sport = p->sport;
	k.dport = p->dport;
	k.ip_id = p->ip_id;
	k.ipver = p->ipver;
	k.proto = p->proto;
	if (p->proto == 6) {
		k.seq = p->tcp_seq;
		k.ack = p->tcp_ack;
		k.flags = p->tcp_flags;
	}
	n = p->payload_len < HEALTH_DUP_PAYLOAD ? p->payload_len :
	    HEALTH_DUP_PAYLOAD;
	if (n > 0 && p->payload_off + n <= p->caplen)
		memcpy(k.pay, p->data + p->payload_off, n);
	k.paylen = (uint8_t)n;
	hv = siphash13(&h->key, &k, sizeof(k)) | 1;	/* never 0 */
	h_lock(h);
	s = &h->dup[hv & (HEALTH_DUP_SLOTS - 1)];
	if (s->h == hv && (p->ts_us >= s->ts ? p->ts_us - s->ts :
	    s->ts - p->ts_us) <= h->window_us) {
		h->c.duplicates++;
		h->dups_iv++;
		h_unlock(h);
		return true;
	}
	s->h = hv;
	s->ts = p->ts_us;
	h_unlock(h);
	return false;
}

void
health_alive(struct health *h, uint64_t ts_us)
{
	if (h == NULL)
		return;
	h_lock(h);
	if (ts_us > h->last_pkt_us)
		h->last_pkt_us = ts_us;
	h->pkts_iv++;
	h_unlock(h);
}

void
health_packet(struct health *h, const struct packet *p)
{
	struct dir_slot *s;
	int c, dir;

	if (h == NULL || p->proto != 6 || p->flow_hash == 0)
		return;
	/* Direction: from the lower address (then port) or towards it. */
	c = memcmp(p->src, p->dst, sizeof(p->src));
	dir = c < 0 || (c == 0 && p->sport < p->dport) ? 0 : 1;
	h_lock(h);
	s = &h->dir[p->flow_hash % HEALTH_DIR_SLOTS];
	if (s->tag != p->flow_hash) {
		s->tag = p->flow_hash;
		s->dirs = 0;
	}
	s->dirs |= (uint8_t)(1u << dir);
	h_unlock(h);
}

static void
alert(struct health *h, struct record_writer *rw, uint64_t ts, unsigned sid,
    const char *sig, uint8_t severity, const char *k1, uint64_t v1,
    const char *k2, uint64_t v2)
{
	const char *iface = sid == HEALTH_SID_ONE_WAY ? h->scope : h->iface;
	struct jsonw *jw;

	log_warnx("%s: %s (%s %" PRIu64 ", %s %" PRIu64 ")", iface, sig,
	    k1, v1, k2, v2);
	if ((jw = record_begin(rw, RECORD_ALERT, "alert", ts)) == NULL)
		return;
	record_alert_open(rw, HEALTH_GID, sid, 1, severity, sig,
	    "Sensor Capture Health");
	jsonw_obj_close(jw);
	jsonw_key(jw, "capture");
	jsonw_obj_open(jw);
	jsonw_kv_str(jw, "iface", iface);
	jsonw_kv_uint(jw, "interval", h->interval_s);
	jsonw_kv_uint(jw, k1, v1);
	jsonw_kv_uint(jw, k2, v2);
	jsonw_obj_close(jw);
	if (record_commit(rw) == 0)
		h->c.alerts++;
}

void
health_stall_alert(struct record_writer *rw, uint64_t now_us,
    const char *ifaces, const char *what, uint32_t seconds, uint64_t pending)
{
	static const char sig[] = "WARDWATCH sensor stalled: restarting";
	struct jsonw *jw;

	if ((jw = record_begin(rw, RECORD_ALERT, "alert", now_us)) == NULL)
		return;
	record_alert_open(rw, HEALTH_GID, HEALTH_SID_STALL, 1, 1, sig,
	    "Sensor Capture Health");
	jsonw_obj_close(jw);
	jsonw_key(jw, "capture");
	jsonw_obj_open(jw);
	jsonw_kv_str(jw, "iface", ifaces);
	jsonw_kv_str(jw, "stalled", what);
	jsonw_kv_uint(jw, "stall_seconds", seconds);
	jsonw_kv_uint(jw, "batches_waiting", pending);
	jsonw_obj_close(jw);
	(void)record_commit(rw);
}

/* A condition's state this interval: alert when it starts, log when it
 * ends (so a flapping port does not flood the SIEM). */
static bool
changed(struct health *h, int which, bool now)
{
	bool was = h->on[which];

	h->on[which] = now;
	if (was && !now)
		log_warnx("%s: capture health: condition %d over", h->iface,
		    which + 1);
	return now && !was;
}

static void	health_tick1(struct health *, uint64_t,
		    const struct capture *, struct record_writer *);

void
health_tick(struct health *h, uint64_t now_us, const struct capture *cap,
    struct record_writer *rw)
{
	if (h == NULL)
		return;
	h_lock(h);
	health_tick1(h, now_us, cap, rw);
	h_unlock(h);
}

static void
health_tick1(struct health *h, uint64_t now_us, const struct capture *cap,
    struct record_writer *rw)
{
	uint64_t kdrop, recv, sdrop = 0, smiss = 0, drops, base;
	uint64_t flows = 0, oneway = 0;
	size_t i;

	if (h == NULL || h->interval_s == 0)
		return;
	if (h->next_us == 0) {
		/* Silence counts from the start: a SPAN session that never
		 * delivered is the first thing to report. */
		if (h->last_pkt_us == 0)
			h->last_pkt_us = now_us;
		h->next_us = now_us + (uint64_t)h->interval_s * 1000000ULL;
		h->recv_prev = cap->recv;
		h->drop_prev = cap->drop + cap->ifdrop;
		return;
	}
	if (now_us < h->next_us)
		return;
	h->next_us = now_us + (uint64_t)h->interval_s * 1000000ULL;

	/* Drops: the kernel's (the ring was full), the interface's. */
	kdrop = cap->drop + cap->ifdrop - h->drop_prev;
	recv = cap->recv - h->recv_prev;
	h->drop_prev = cap->drop + cap->ifdrop;
	h->recv_prev = cap->recv;
	if (h->sys_ok) {
		sys_read(h, &sdrop, &smiss);
		h->c.iface_rx_dropped = sdrop - h->sys_drop0;
		h->c.iface_rx_missed = smiss - h->sys_miss0;
		drops = kdrop + (sdrop - h->sys_drop_prev) +
		    (smiss - h->sys_miss_prev);
		h->sys_drop_prev = sdrop;
		h->sys_miss_prev = smiss;
	} else
		drops = kdrop;
	base = recv + kdrop;
	if (changed(h, AL_DROPS, drops > 0 &&
	    drops * 100 >= (uint64_t)h->drop_pct * (base ? base : 1)))
		alert(h, rw, now_us, HEALTH_SID_DROPS,
		    "WARDWATCH capture drops above threshold", 2,
		    "dropped", drops, "received", recv);

	/* Silence: nothing for capture.health.silence seconds. */
	if (h->silence_s > 0 && changed(h, AL_SILENT,
	    now_us > h->last_pkt_us &&
	    now_us - h->last_pkt_us >= (uint64_t)h->silence_s * 1000000ULL))
		alert(h, rw, now_us, HEALTH_SID_SILENT,
		    "WARDWATCH traffic stopped on capture interface", 1,
		    "silent_seconds", (now_us - h->last_pkt_us) / 1000000,
		    "silence_threshold", h->silence_s);

	/* One way: most TCP flows of the interval seen in one direction. */
	for (i = 0; i < HEALTH_DIR_SLOTS; i++) {
		if (h->dir[i].tag == 0)
			continue;
		flows++;
		if (h->dir[i].dirs != 3)
			oneway++;
	}
	log_debug("%s: health: %" PRIu64 " TCP flows, %" PRIu64 " one way, %" PRIu64 " packets, %" PRIu64 " copies", h->iface, flows, oneway, h->pkts_iv, h->dups_iv);
	memset(h->dir, 0, HEALTH_DIR_SLOTS * sizeof(*h->dir));
	if (h->oneway && changed(h, AL_ONE_WAY, flows >= h->min_flows &&
	    flows > 0 &&
	    oneway * 100 >= (uint64_t)h->oneway_pct * flows))
		alert(h, rw, now_us, HEALTH_SID_ONE_WAY,
		    "WARDWATCH one-way traffic on capture interface "
		    "(asymmetric SPAN)", 2, "tcp_flows", flows,
		    "one_way_flows", oneway);

	/* Duplicates: the same frames twice (two mirrored VLANs). */
	if (changed(h, AL_DUPS, h->dups_iv >= HEALTH_DUP_MIN &&
	    h->dups_iv * 100 >= (uint64_t)h->dup_pct *
	    (h->pkts_iv + h->dups_iv)))
		alert(h, rw, now_us, HEALTH_SID_DUPLICATES,
		    "WARDWATCH duplicate frames on capture interface", 3,
		    "duplicates", h->dups_iv, "packets", h->pkts_iv);
	h->dups_iv = 0;
	h->pkts_iv = 0;
}

void
health_counts(const struct health *h, struct health_counts *c)
{
	if (h == NULL) {
		memset(c, 0, sizeof(*c));
		return;
	}
	h_lock((struct health *)h);
	*c = h->c;
	h_unlock((struct health *)h);
}
