/*
 * health.h - is the SPAN port itself working?  A mirror port fails
 * silently: it drops under load, stops when someone reconfigures the
 * switch, shows one direction only when the session mirrors one port
 * of a pair, or sends every frame twice when two mirrored VLANs carry
 * it.  The capture thread checks each of these every
 * capture.health.interval seconds and writes an "alert" record (gid
 * HEALTH_GID) when one starts, and again after it has ended.
 *
 * Duplicate frames are dropped before they reach a worker: the same
 * IP packet (addresses, ports, IP id, TCP sequence and flags, length,
 * the first payload bytes; not the TTL, MACs or VLAN tags, which
 * differ between two mirrored VLANs) seen again within
 * capture.dedup-window microseconds.
 */
#ifndef WW_HEALTH_H
#define WW_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#define HEALTH_GID		9101
#define HEALTH_SID_DROPS	1
#define HEALTH_SID_SILENT	2
#define HEALTH_SID_ONE_WAY	3
#define HEALTH_SID_DUPLICATES	4
#define HEALTH_SID_STALL	5

struct capture;
struct config;
struct packet;
struct record_writer;

/* What the stats record adds for a live capture. */
struct health_counts {
	uint64_t	 iface_rx_dropped;	/* /sys/class/net, since start */
	uint64_t	 iface_rx_missed;
	uint64_t	 duplicates;		/* frames dropped as copies */
	uint64_t	 alerts;
};

struct health;

struct health	*health_new(const struct config *, const char *iface);
/*
 * Several interfaces may carry the two directions of one port: one-way
 * traffic is judged over all of them, by one health (judge true, the
 * interfaces' names for its alert) that every packet's direction is
 * given to; the others do not judge it.
 */
void		 health_oneway_scope(struct health *, bool judge,
		    const char *ifaces);
void		 health_free(struct health *);
/*
 * Fan-out: several workers' threads give it their frames (a frame and
 * its copies hash to one socket, but the table is one per interface,
 * so copies are found whichever socket has them); from now on every
 * call takes its lock.
 */
void		 health_share(struct health *);
/* A copy of a frame seen within the window: count it, drop it. */
bool		 health_duplicate(struct health *, const struct packet *);
/* Every frame captured: the time of the last one. */
void		 health_alive(struct health *, uint64_t ts_us);
/* Every decoded IP packet: its direction (one-way traffic). */
void		 health_packet(struct health *, const struct packet *);
/* Often (the capture loop): at each interval's end, check and alert. */
void		 health_tick(struct health *, uint64_t now_us,
		    const struct capture *, struct record_writer *);
void		 health_counts(const struct health *, struct health_counts *);
/*
 * The sensor's watchdog: a worker (or the capture loop) made no
 * progress for 'seconds'; the alert goes out before the sensor exits
 * for a restart.  Any thread, with a writer of its own.
 */
void		 health_stall_alert(struct record_writer *, uint64_t now_us,
		    const char *ifaces, const char *what, uint32_t seconds,
		    uint64_t pending);

#endif /* WW_HEALTH_H */
