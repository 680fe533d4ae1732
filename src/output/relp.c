/*
 * output/relp.c - syslog over RELP (librelp) for a network output
 * (relp.h).
 *
 * The output's delivery thread (netsink.c) calls it; it reaches the
 * output (connection state, counters, spool) only through struct
 * netconn, and keeps the records handed to librelp until they are
 * acknowledged.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LIBRELP
#include <stdarg.h>
#include <librelp.h>
#endif

#include "output/netconn.h"
#include "output/relp.h"
#include "output/spool.h"
#include "util/log.h"
#include "util/util.h"

#ifdef HAVE_LIBRELP
struct relp {
	struct netconn	*nc;
	uint32_t	 window;	/* relp.window */
	relpEngine_t	*re;
	relpClt_t	*rclt;
	struct msg	*ih, *it;	/* handed to librelp, not acknowledged */
	uint64_t	 in;		/* records in ih */
	uint64_t	 ispool;	/* of them read from the spool */
	uint64_t	 rpos;		/* spool position after those */
	int		 unacked;	/* librelp's count (relp_dbg) */
	bool		 hooked;	/* relp_dbg has seen a count */
	uint64_t	 rtxnr;		/* the session's last number used */
	uint64_t	 dels;		/* acknowledgements librelp took */
	bool		 rerr;		/* librelp reported an error */
	bool		 rauth;		/* about a certificate */
	char		 rwhy[256];
	uint64_t	 sdels;		/* dels when the session opened */
	uint64_t	 sopen;		/* ms, when it opened */
	uint64_t	 stuck_seq;	/* first in flight at the last break */
	unsigned	 stuck;		/* breaks in a row on it, no ack */
};

/*
 * RELP (librelp).  Every record is acknowledged by the collector, in
 * order.  librelp keeps what it sent and was not yet acknowledged, but
 * does not say which records those are; it prints its count of them to
 * its debug hook, and that is where it is read (relp_dbg).  A record
 * handed to librelp waits in ih until it is acknowledged: only then is
 * it counted sent and, when it came from the spool, taken out of the
 * spool.  When the session breaks, librelp's own copies are thrown
 * away with the client and the records not acknowledged go round again
 * (those from the spool stay in it; the rest go back in front of the
 * queue, or to the spool), so nothing is lost while the collector is
 * away, and at the end of a run what was not acknowledged is left in
 * the spool for the next start.  A record the collector stored but
 * whose acknowledgement a crash cut off is sent again (a duplicate with
 * the same seq, wardwatch.yaml(5)).
 *
 * Without the debug count (another librelp), the window bounds what may
 * be outstanding (librelp never has more than relp.window records
 * unacknowledged after a send), and a close that the collector
 * answered means every record was acknowledged.
 */
#define NS_RELP_WINDOW	128
#define NS_RELP_POISON	5	/* sessions closed on one record */
#define NS_RELP_END	1000	/* sessions at the end of a run */

/* librelp's debug line for an answer (as in librelp 1.11). */
#define RELP_DBG_RSP	"in rsp command handler, txnr %d, code %d"

/* librelp's client calls are made on the delivery thread only. */
static _Thread_local struct relp *relp_cur;

static void __attribute__((format(printf, 1, 2)))
relp_dbg(char *fmt, ...)
{
	struct relp *rp = relp_cur;
	struct msg *m;
	va_list ap;
	int n, code;

	/*
	 * An error answer (not 200): the record of that number in the
	 * session was not delivered.  librelp takes it off its list as for
	 * an acknowledgement, so it is counted as dropped, never as sent,
	 * when popped.  By number, not by position: after an error answer
	 * librelp drops the rest of what it had read, and the answers it
	 * reads after (closing the session) leave gaps in the list.
	 */
	if (rp != NULL && strncmp(fmt, RELP_DBG_RSP, sizeof(RELP_DBG_RSP) -
	    1) == 0) {
		va_start(ap, fmt);
		n = va_arg(ap, int);
		code = va_arg(ap, int);
		va_end(ap);
		for (m = rp->ih; code != 200 && m != NULL; m = m->next)
			if (m->txnr == (uint64_t)n) {
				m->refused = true;
				break;
			}
		return;
	}
	if (rp == NULL || (strncmp(fmt, "ADD sess %p unacked %d", 22) != 0 &&
	    strncmp(fmt, "DEL sess %p unacked %d", 22) != 0))
		return;
	va_start(ap, fmt);
	(void)va_arg(ap, void *);
	n = va_arg(ap, int);
	va_end(ap);
	rp->unacked = n;
	rp->hooked = true;
	if (fmt[0] == 'D')
		rp->dels++;
}

static void
relp_onerr(void *usr, char *obj, char *msg, relpRetVal code)
{
	struct relp *rp = usr != NULL ? usr : relp_cur;

	(void)obj;
	if (rp == NULL)
		return;
	rp->rerr = true;
	if (rp->rauth)
		return;		/* the certificate's message says more */
	snprintf(rp->rwhy, sizeof(rp->rwhy), "%s (librelp %d)", msg,
	    (int)code);
}

static void
relp_onautherr(void *usr, char *info, char *msg, relpRetVal code)
{
	struct relp *rp = usr != NULL ? usr : relp_cur;

	if (rp == NULL)
		return;
	rp->rerr = rp->rauth = true;
	snprintf(rp->rwhy, sizeof(rp->rwhy), "certificate not accepted: %s: "
	    "%s (librelp %d)", msg, info != NULL ? info : "", (int)code);
}

static void
relp_ongenerr(char *obj, char *msg, relpRetVal code)
{
	relp_onerr(NULL, obj, msg, code);
}

/* The first n records of ih were acknowledged. */
static void
relp_pop(struct relp *rp, uint64_t n)
{
	struct msg *m;
	uint64_t sp = 0, after = 0;

	while (n-- > 0 && (m = rp->ih) != NULL) {
		rp->ih = m->next;
		if (rp->ih == NULL)
			rp->it = NULL;
		rp->in--;
		if (m->refused) {
			log_ratelimit(&rp->nc->last_err, 60, "output %s: the "
			    "collector refused the record of seq %" PRIu64
			    ": dropped", rp->nc->name, m->seq);
			atomic_fetch_add(&rp->nc->c->dropped, 1);
		} else
			atomic_fetch_add(&rp->nc->c->sent, 1);
		if (m->spooled) {
			sp++;
			after = m->after;
			rp->ispool--;
			if (!m->refused)
				atomic_fetch_add(&rp->nc->c->replayed, 1);
		}
		free(m);
	}
	if (sp > 0)
		spool_consume_to(rp->nc->spool, after, sp);
	if (rp->ispool == 0)
		rp->rpos = 0;
}

/* Forget what librelp says was acknowledged. */
static void
relp_acked(struct relp *rp)
{
	uint64_t out = rp->in;

	if (rp->hooked && rp->unacked >= 0 && (uint64_t)rp->unacked < out)
		out = (uint64_t)rp->unacked;
	if (out > rp->window)
		out = rp->window;
	relp_pop(rp, rp->in - out);
}

static int
relp_connect(struct relp *rp)
{
	const struct output_spec *sp = rp->nc->spec;
	char port[16];
	relpRetVal r;

	relp_cur = rp;
	rp->rerr = rp->rauth = false;
	rp->rwhy[0] = '\0';
	rp->rtxnr = 1;		/* the open command's */
	snprintf(port, sizeof(port), "%u", sp->port);
	if (relpEngineCltConstruct(rp->re, &rp->rclt) != RELP_RET_OK) {
		netconn_err(rp->nc, "connect", "librelp: cannot make a client");
		return -1;
	}
	relpCltSetUsrPtr(rp->rclt, rp);
	relpCltSetTimeout(rp->rclt, NS_TIMEOUT_MS / 1000);
	relpCltSetConnTimeout(rp->rclt, NS_TIMEOUT_MS / 1000);
	relpCltSetWindowSize(rp->rclt, (int)sp->relp_window);
	if (sp->relp_tls) {
		relpCltEnableTLS(rp->rclt);
		if (sp->ca_file != NULL)
			relpCltSetCACert(rp->rclt, sp->ca_file);
		if (sp->cert_file != NULL) {
			relpCltSetOwnCert(rp->rclt, sp->cert_file);
			relpCltSetPrivKey(rp->rclt, sp->key_file != NULL ?
			    sp->key_file : sp->cert_file);
		}
		relpCltSetAuthMode(rp->rclt, "name");
		relpCltAddPermittedPeer(rp->rclt, sp->tls_name != NULL ?
		    sp->tls_name : sp->server);
	}
	r = relpCltConnect(rp->rclt, 0, (unsigned char *)port,
	    (unsigned char *)sp->server);
	if (r != RELP_RET_OK) {
		relpEngineCltDestruct(rp->re, &rp->rclt);
		rp->rclt = NULL;
		netconn_err(rp->nc, "connect", rp->rwhy[0] != '\0' ? rp->rwhy :
		    "librelp cannot open a session");
		return -1;
	}
	rp->sdels = rp->dels;
	rp->sopen = netconn_ms();
	return 0;
}

/*
 * A collector that closes the session on one record (too large for
 * it: imrelp's oversizeMode="abort") would get it again forever and
 * nothing after it: after NS_RELP_POISON sessions in a row that ended
 * with it first in flight and nothing acknowledged, it is dropped and
 * counted.  A session that ended on a timeout (a collector that hangs)
 * does not count: only one the collector closed at once.
 */
static void
relp_poison(struct relp *rp)
{
	struct msg *m = rp->ih;

	if (m == NULL || !rp->hooked || rp->dels != rp->sdels ||
	    netconn_ms() - rp->sopen >= NS_TIMEOUT_MS) {
		rp->stuck = 0;
		return;
	}
	if (rp->stuck == 0 || m->seq != rp->stuck_seq) {
		rp->stuck_seq = m->seq;
		rp->stuck = 1;
		return;
	}
	if (++rp->stuck < NS_RELP_POISON)
		return;
	log_warnx("output %s: the collector closed the session %u times on "
	    "the record of seq %" PRIu64 " (%zu bytes) without acknowledging "
	    "it: dropped (larger than it takes?)", rp->nc->name, rp->stuck,
	    m->seq, m->len);
	rp->ih = m->next;
	if (rp->ih == NULL)
		rp->it = NULL;
	rp->in--;
	if (m->spooled) {
		spool_consume_to(rp->nc->spool, m->after, 1);
		if (--rp->ispool == 0)
			rp->rpos = 0;
	}
	atomic_fetch_add(&rp->nc->c->dropped, 1);
	free(m);
	rp->stuck = 0;
}

/* The session is gone: librelp's copies with it. */
static void
relp_drop(struct relp *rp)
{
	relp_cur = rp;
	relp_acked(rp);
	relp_poison(rp);
	if (rp->rclt != NULL)
		relpEngineCltDestruct(rp->re, &rp->rclt);
	rp->rclt = NULL;
	atomic_store(&rp->nc->connected, false);
}

static int
relp_send(struct relp *rp, struct msg *m)
{
	relpRetVal r;

	relp_cur = rp;
	rp->rwhy[0] = '\0';
	r = relpCltSendSyslog(rp->rclt, (unsigned char *)m->data, m->len);
	if (r != RELP_RET_OK) {
		/* A refused record is named before the session's error,
		 * which would hold its message back (one a minute). */
		relp_acked(rp);
		netconn_err(rp->nc, "send", rp->rwhy[0] != '\0' ? rp->rwhy :
		    "librelp session broken");
		relp_drop(rp);
		return -1;
	}
	m->next = NULL;
	/* librelp's numbers go from 999999999 back to 1. */
	rp->rtxnr = rp->rtxnr >= 999999999 ? 1 : rp->rtxnr + 1;
	m->txnr = rp->rtxnr;
	if (rp->it != NULL)
		rp->it->next = m;
	else
		rp->ih = m;
	rp->it = m;
	rp->in++;
	if (m->spooled) {
		rp->ispool++;
		rp->rpos = m->after;
	}
	relp_acked(rp);
	return 0;
}

/* Send what the spool holds after the records already in flight. */
static void
relp_replay(struct relp *rp)
{
	struct msg *m;
	uint64_t pos, seq, epoch;
	const char *buf;
	size_t len;

	relpCltHintBurstBegin(rp->rclt);
	while (atomic_load(&rp->nc->connected)) {
		pos = rp->rpos;
		if (spool_read(rp->nc->spool, &pos, &seq, &epoch, &buf,
		    &len) == -1) {
			if (rp->ispool == 0 && spool_count(rp->nc->spool) > 0)
				/* Records gone bad on disk: counted. */
				atomic_fetch_add(&rp->nc->c->dropped,
				    spool_forget(rp->nc->spool));
			break;
		}
		m = msg_new(seq, buf, len);
		m->epoch = epoch;
		m->spooled = true;
		m->after = pos;
		if (relp_send(rp, m) == -1) {
			free(m);
			return;
		}
	}
	if (rp->rclt != NULL)
		relpCltHintBurstEnd(rp->rclt);
}

/* Send a list from the queue; returns what is left of it, unsent. */
static struct msg *
relp_send_list(struct relp *rp, struct msg *list)
{
	struct msg *m;

	if (list == NULL || !atomic_load(&rp->nc->connected))
		return list;
	relpCltHintBurstBegin(rp->rclt);
	while ((m = list) != NULL) {
		list = m->next;
		if (relp_send(rp, m) == -1) {
			m->next = list;
			return m;
		}
	}
	relpCltHintBurstEnd(rp->rclt);
	return NULL;
}

/*
 * The end of a run: close the session, which librelp does only after
 * the collector answered the records before it; what it did not answer
 * is taken as not delivered.
 */
static void
relp_finish(struct relp *rp)
{
	uint64_t dels;

	relp_cur = rp;
	relp_acked(rp);
	dels = rp->dels;
	rp->rerr = false;
	relpEngineCltDestruct(rp->re, &rp->rclt);
	rp->rclt = NULL;
	if (rp->hooked)
		relp_pop(rp, rp->dels - dels < rp->in ? rp->dels - dels :
		    rp->in);
	else if (!rp->rerr)
		relp_pop(rp, rp->in);
	relp_poison(rp);
	if (rp->in > 0)
		netconn_err(rp->nc, "close", "records not acknowledged");
	atomic_store(&rp->nc->connected, false);
}

/*
 * Not connected: the records not acknowledged go round again.  Those
 * from the spool are still in it; the others go in front of list.
 */
static struct msg *
relp_unwind(struct relp *rp, struct msg *list)
{
	struct msg *m, *keep = NULL, **tail = &keep;

	while ((m = rp->ih) != NULL) {
		rp->ih = m->next;
		if (m->spooled) {
			free(m);
			continue;
		}
		m->next = NULL;
		m->refused = false;	/* judged again when sent again */
		*tail = m;
		tail = &m->next;
	}
	rp->it = NULL;
	rp->in = rp->ispool = rp->rpos = 0;
	*tail = list;
	return keep;
}

/*
 * One round of the delivery thread for RELP; returns what is unsent.
 * At the end of a run, while the collector is there, what a broken
 * session left is sent again (and a record it refuses is dropped in the
 * end, relp_poison).
 */
struct msg *
relp_round(struct relp *rp, struct msg *list, bool stop)
{
	bool reached;
	int tries = 0;

	for (;;) {
		if (!atomic_load(&rp->nc->connected) && (netconn_ms() >=
		    rp->nc->next_try || stop)) {
			if (relp_connect(rp) == 0) {
				rp->nc->delay = NS_RETRY_MIN_MS;
				if (rp->nc->ever)
					atomic_fetch_add(&rp->nc->c->reconnects,
					    1);
				if (rp->nc->ever || rp->nc->last_err != 0)
					log_info("output %s: connected",
					    rp->nc->name);
				rp->nc->ever = true;
				rp->nc->last_err = 0;
				atomic_store(&rp->nc->connected, true);
			} else {
				rp->nc->next_try = netconn_ms() +
				    rp->nc->delay;
				rp->nc->delay = rp->nc->delay * 2 >
				    NS_RETRY_MAX_MS ? NS_RETRY_MAX_MS :
				    rp->nc->delay * 2;
			}
		}
		reached = atomic_load(&rp->nc->connected);
		if (rp->nc->spool != NULL && atomic_load(&rp->nc->connected))
			relp_replay(rp);
		if (atomic_load(&rp->nc->connected))
			list = relp_send_list(rp, list);
		if (stop && atomic_load(&rp->nc->connected))
			relp_finish(rp);
		if (!atomic_load(&rp->nc->connected))
			list = relp_unwind(rp, list);
		if (!stop || !reached || ++tries > NS_RELP_END ||
		    (list == NULL && rp->ih == NULL && (rp->nc->spool == NULL ||
		    spool_count(rp->nc->spool) == 0)))
			break;
	}
	return list;
}

/* The RELP engine of an output. */
struct relp *
relp_new(struct netconn *nc, char *err, size_t errlen)
{
	const struct output_spec *sp = nc->spec;
	struct relp *rp;
	const char *files[3] = { sp->ca_file, sp->cert_file, sp->key_file };
	const char *keys[3] = { "ca-file", "cert-file", "key-file" };
	int i;

	rp = xcalloc(1, sizeof(*rp));
	rp->nc = nc;
	rp->unacked = -1;
	rp->window = sp->relp_window != 0 ? sp->relp_window : NS_RELP_WINDOW;
	for (i = 0; i < 3; i++)
		if (sp->relp_tls && files[i] != NULL &&
		    access(files[i], R_OK) == -1) {
			snprintf(err, errlen, "%s: %s: %s", files[i], keys[i],
			    strerror(errno));
			goto fail;
		}
	if (relpEngineConstruct(&rp->re) != RELP_RET_OK) {
		snprintf(err, errlen, "%s: librelp: cannot set up",
		    nc->name);
		goto fail;
	}
	relpEngineSetDbgprint(rp->re, relp_dbg);
	relpEngineSetOnErr(rp->re, relp_onerr);
	relpEngineSetOnGenericErr(rp->re, relp_ongenerr);
	relpEngineSetOnAuthErr(rp->re, relp_onautherr);
	relpEngineSetDnsLookupMode(rp->re, 0);
	relpEngineSetEnableCmd(rp->re, (unsigned char *)"syslog",
	    eRelpCmdState_Required);
	if (sp->relp_tls && relpEngineSetTLSLibByName(rp->re, "openssl") !=
	    RELP_RET_OK) {
		snprintf(err, errlen, "%s: librelp was built without TLS",
		    rp->nc->name);
		goto fail;
	}
	return rp;
 fail:
	relp_free(rp);
	return NULL;
}

uint64_t
relp_spool_busy(const struct relp *rp)
{
	return rp->ispool;
}

void
relp_free(struct relp *rp)
{
	struct msg *m;

	if (rp == NULL)
		return;
	if (rp->rclt != NULL)
		relpEngineCltDestruct(rp->re, &rp->rclt);
	if (rp->re != NULL)
		relpEngineDestruct(&rp->re);
	while ((m = rp->ih) != NULL) {
		rp->ih = m->next;
		free(m);
	}
	free(rp);
}
#else /* !HAVE_LIBRELP */
struct relp *
relp_new(struct netconn *nc, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: transport: relp: built without librelp "
	    "(Debian: librelp-dev)", nc->name);
	return NULL;
}

struct msg *
relp_round(struct relp *rp, struct msg *list, bool stop)
{
	(void)rp;
	(void)stop;
	return list;
}

uint64_t
relp_spool_busy(const struct relp *rp)
{
	(void)rp;
	return 0;
}

void
relp_free(struct relp *rp)
{
	(void)rp;
}
#endif /* HAVE_LIBRELP */
