/*
 * output/netsink.c - socket, syslog and Redis outputs (netsink.h).
 *
 * The output thread only formats and queues (netsink_write); the
 * delivery thread owns the connection and the spool.  Records are
 * taken from the queue in batches; a batch that fails part-way is
 * split where it failed: the records before it count as sent, the rest
 * go back (to the spool, or the front of the queue).  A stream
 * connection is checked for a peer that has gone before each batch, so
 * a collector that was stopped is noticed before records are written
 * into a dead socket rather than after; a collector killed while a
 * batch is in flight can still lose what the kernel took (plain syslog
 * over TCP has no acknowledgements; Redis and RELP have, and lose
 * nothing: RELP's own delivery is below, relp_round).
 */
#include <config.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#ifdef HAVE_HIREDIS
#include <hiredis/hiredis.h>
#endif
#ifdef HAVE_LIBRELP
#include <stdarg.h>
#include <librelp.h>
#endif

#include "output/netsink.h"
#include "output/sink.h"
#include "output/spool.h"
#include "output/syslogfmt.h"
#include "util/log.h"
#include "util/util.h"

#define NS_BATCH	256		/* records per send */
#define NS_BATCH_BYTES	(256u << 10)
#define NS_TIMEOUT_MS	5000		/* connect, send */
#define NS_RETRY_MIN_MS	200
#define NS_RETRY_MAX_MS	5000
#define NS_UDP_MAX	65507		/* IPv4 UDP payload */

struct msg {
	struct msg	*next;
	uint64_t	 seq;
	uint64_t	 after;		/* RELP: spool position after it */
	bool		 spooled;	/* RELP: read from the spool */
	bool		 refused;	/* RELP: answered with an error */
	uint64_t	 txnr;		/* RELP: its number in the session */
	size_t		 len;
	char		 data[];
};

struct netsink {
	struct sink	 s;
	char		 name[256];
	struct output_spec spec;	/* strings borrowed from the config */
	struct syslog_ctx sc;
	char		*host;
	struct fmtbuf	 fb;		/* the output thread's message */

	pthread_t	 thread;
	bool		 started;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv, cv_space;
	struct msg	*qh, *qt;
	uint32_t	 qn;
	bool		 stop;
	bool		 block;
	_Atomic bool	 connected;

	/* The delivery thread's. */
	struct spool	*spool;
	int		 fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
#ifdef HAVE_HIREDIS
	redisContext	*rc;
#endif
#ifdef HAVE_LIBRELP
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
#endif
	bool		 ever;		/* connected once */
	uint64_t	 next_try;	/* ms, monotonic */
	uint64_t	 delay;
	time_t		 last_err;
	struct fmtbuf	 sb;
	size_t		 ends[NS_BATCH];
};

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *const kind_names[] = {
	"regular", "stdout", "unix_stream", "unix_dgram", "syslog", "redis"
};
static const char *const tr_names[] = { "local", "udp", "tcp", "tls",
    "relp" };

static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' ||
		    *s == '_'))
			*s = '_';
}

void
outspec_name(const struct output_spec *sp, char *buf, size_t len)
{
	unsigned port = sp->port;

	if (port == 0 && sp->kind == OUTK_SYSLOG)
		port = sp->transport == OUTT_TLS ? 6514 :
		    sp->transport == OUTT_RELP ? 2514 : 514;
	else if (port == 0 && sp->kind == OUTK_REDIS)
		port = 6379;
	if (sp->name != NULL)
		snprintf(buf, len, "%s", sp->name);
	else if (sp->kind == OUTK_SYSLOG && sp->server != NULL)
		snprintf(buf, len, "syslog-%s-%s-%u", tr_names[sp->transport],
		    sp->server, port);
	else if (sp->kind == OUTK_SYSLOG)
		snprintf(buf, len, "syslog-local");
	else if (sp->kind == OUTK_REDIS)
		snprintf(buf, len, "redis-%s-%u-%s", sp->server != NULL ?
		    sp->server : "127.0.0.1", port, sp->redis_key);
	else
		snprintf(buf, len, "%s-%s", kind_names[sp->kind],
		    sp->filename != NULL ? sp->filename : "-");
	sanitize(buf);
}

void
netsink_spool_path(const struct output_spec *sp, const char *statedir,
    char *buf, size_t len)
{
	char name[200];

	outspec_name(sp, name, sizeof(name));
	snprintf(buf, len, "%s/%s.spool", statedir, name);
}

static void
ns_err(struct netsink *ns, const char *fmt, const char *what)
{
	log_ratelimit(&ns->last_err, 60, "output %s: %s: %s%s", ns->name,
	    fmt, what, ns->spool != NULL ? " (records go to the spool)" :
	    "");
}

/*
 * The end of a run: end the stream cleanly (TLS close_notify, then a
 * FIN) and read what the collector still sends until it closes too.
 * Closing a socket with unread bytes (a TLS 1.3 session ticket) makes
 * the kernel send a reset, and a collector may then throw away the
 * last records it had not read yet.
 */
static void
ns_close_gently(struct netsink *ns)
{
	struct pollfd pfd;
	char buf[4096];
	int n = 0;

	if (ns->fd == -1 || !atomic_load(&ns->connected))
		return;
	if (ns->ssl != NULL)
		SSL_shutdown(ns->ssl);
	shutdown(ns->fd, SHUT_WR);
	pfd.fd = ns->fd;
	pfd.events = POLLIN;
	while (n++ < 50 && poll(&pfd, 1, 100) == 1 &&
	    recv(ns->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		continue;
}

static void
ns_disconnect(struct netsink *ns)
{
	if (ns->ssl != NULL) {
		SSL_free(ns->ssl);
		ns->ssl = NULL;
	}
	if (ns->fd != -1) {
		close(ns->fd);
		ns->fd = -1;
	}
#ifdef HAVE_HIREDIS
	if (ns->rc != NULL) {
		redisFree(ns->rc);
		ns->rc = NULL;
	}
#endif
	atomic_store(&ns->connected, false);
}

static int
connect_timeout(int fd, const struct sockaddr *sa, socklen_t salen)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int fl, err = 0;
	socklen_t elen = sizeof(err);

	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(fd, sa, salen) == -1) {
		if (errno != EINPROGRESS)
			return -1;
		if (poll(&pfd, 1, NS_TIMEOUT_MS) != 1) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
			return -1;
		if (err != 0) {
			errno = err;
			return -1;
		}
	}
	fcntl(fd, F_SETFL, fl);
	return 0;
}

static void
set_timeouts(int fd)
{
	struct timeval tv = { NS_TIMEOUT_MS / 1000, 0 };

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int
connect_unix(struct netsink *ns, const char *path, int type)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((ns->fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(ns->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		return -1;
	set_timeouts(ns->fd);
	return 0;
}

static int
connect_inet(struct netsink *ns, int type)
{
	struct addrinfo hints, *res, *ai;
	char port[16];
	int rc, saved = ECONNREFUSED;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = type;
	snprintf(port, sizeof(port), "%u", ns->spec.port);
	if ((rc = getaddrinfo(ns->spec.server, port, &hints, &res)) != 0) {
		ns_err(ns, "cannot resolve", gai_strerror(rc));
		errno = EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((ns->fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_CLOEXEC, 0)) == -1)
			continue;
		if (connect_timeout(ns->fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		close(ns->fd);
		ns->fd = -1;
	}
	freeaddrinfo(res);
	if (ns->fd == -1) {
		errno = saved;
		return -1;
	}
	set_timeouts(ns->fd);
	return 0;
}

static int
tls_start(struct netsink *ns)
{
	const char *name = ns->spec.tls_name != NULL ? ns->spec.tls_name :
	    ns->spec.server;
	unsigned char a[16];
	char why[256];
	long vr;

	if ((ns->ssl = SSL_new(ns->ctx)) == NULL ||
	    SSL_set_fd(ns->ssl, ns->fd) != 1)
		goto fail;
	if (inet_pton(AF_INET, name, a) == 1 ||
	    inet_pton(AF_INET6, name, a) == 1) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ns->ssl),
		    name) != 1)
			goto fail;
	} else {
		SSL_set_tlsext_host_name(ns->ssl, name);
		if (SSL_set1_host(ns->ssl, name) != 1)
			goto fail;
	}
	ERR_clear_error();
	if (SSL_connect(ns->ssl) == 1)
		return 0;
 fail:
	vr = ns->ssl != NULL ? SSL_get_verify_result(ns->ssl) : X509_V_OK;
	if (vr != X509_V_OK)
		snprintf(why, sizeof(why), "certificate of %s not accepted: %s",
		    name, X509_verify_cert_error_string(vr));
	else
		snprintf(why, sizeof(why), "%s", ERR_peek_last_error() ?
		    ERR_reason_error_string(ERR_peek_last_error()) :
		    "connection closed");
	ERR_clear_error();
	/* Never plaintext instead: the connection is dropped. */
	ns_err(ns, "TLS handshake failed", why);
	return -1;
}

static int
ns_connect(struct netsink *ns)
{
	const struct output_spec *sp = &ns->spec;
	int rc = -1;

	switch (sp->kind) {
	case OUTK_UNIX_STREAM:
		rc = connect_unix(ns, sp->filename, SOCK_STREAM);
		break;
	case OUTK_UNIX_DGRAM:
		rc = connect_unix(ns, sp->filename, SOCK_DGRAM);
		break;
	case OUTK_SYSLOG:
		if (sp->transport == OUTT_LOCAL)
			rc = connect_unix(ns, sp->filename != NULL ?
			    sp->filename : "/dev/log", SOCK_DGRAM);
		else if (sp->transport == OUTT_UDP)
			rc = connect_inet(ns, SOCK_DGRAM);
		else {
			rc = connect_inet(ns, SOCK_STREAM);
			if (rc == 0 && sp->transport == OUTT_TLS &&
			    tls_start(ns) == -1) {
				ns_disconnect(ns);
				return -1;
			}
		}
		break;
	case OUTK_REDIS:
#ifdef HAVE_HIREDIS
	{
		struct timeval tv = { NS_TIMEOUT_MS / 1000, 0 };

		ns->rc = redisConnectWithTimeout(sp->server != NULL ?
		    sp->server : "127.0.0.1", (int)sp->port, tv);
		if (ns->rc == NULL || ns->rc->err) {
			ns_err(ns, "connect", ns->rc != NULL ? ns->rc->errstr :
			    "out of memory");
			ns_disconnect(ns);
			return -1;
		}
		redisSetTimeout(ns->rc, tv);
		/* A Redis still loading its data answers LOADING to what
		 * it cannot do yet, and may do the next command of a
		 * pipeline: no records until it answers a PING. */
		{
			redisReply *rep = redisCommand(ns->rc, "PING");

			if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
				ns_err(ns, "not ready", rep != NULL ?
				    rep->str : ns->rc->errstr);
				if (rep != NULL)
					freeReplyObject(rep);
				ns_disconnect(ns);
				return -1;
			}
			freeReplyObject(rep);
		}
		rc = 0;
		break;
	}
#else
		errno = ENOTSUP;
		break;
#endif
	default:
		errno = EINVAL;
		break;
	}
	if (rc == -1) {
		if (sp->transport != OUTT_TLS || ns->fd == -1)
			ns_err(ns, "connect", strerror(errno));
		ns_disconnect(ns);
		return -1;
	}
	if (ns->ever)
		atomic_fetch_add(&ns->s.c.reconnects, 1);
	if (ns->ever || ns->last_err != 0)
		log_info("output %s: connected", ns->name);
	ns->ever = true;
	ns->last_err = 0;
	atomic_store(&ns->connected, true);
	return 0;
}

/* A stream whose peer has gone (closed, reset) is seen before use. */
static bool
peer_gone(struct netsink *ns)
{
	struct pollfd pfd;
	char c;
	ssize_t n;

	if (ns->fd == -1)
		return false;
	pfd.fd = ns->fd;
	pfd.events = POLLIN | POLLRDHUP;
	if (poll(&pfd, 1, 0) != 1)
		return false;
	if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))
		return true;
	if (ns->ssl == NULL && (pfd.revents & POLLIN)) {
		n = recv(ns->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
		return n == 0 || (n == -1 && errno != EAGAIN);
	}
	return false;
}

static bool
is_stream(const struct netsink *ns)
{
	return ns->spec.kind == OUTK_UNIX_STREAM ||
	    (ns->spec.kind == OUTK_SYSLOG && (ns->spec.transport == OUTT_TCP ||
	    ns->spec.transport == OUTT_TLS));
}

/* Write sb; returns the bytes written before an error. */
static size_t
write_all(struct netsink *ns, const char *p, size_t len, int *err)
{
	size_t off = 0;
	ssize_t n;
	int e;

	*err = 0;
	while (off < len) {
		if (ns->ssl != NULL) {
			e = SSL_write(ns->ssl, p + off, (int)(len - off));
			if (e <= 0) {
				*err = EPIPE;
				return off;
			}
			off += (size_t)e;
			continue;
		}
		n = send(ns->fd, p + off, len - off, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			*err = errno;
			return off;
		}
		off += (size_t)n;
	}
	return 0 * off + len;
}

#ifdef HAVE_HIREDIS
/* Error replies that mean "not now" rather than "never". */
static bool
redis_transient(const char *e)
{
	static const char *const v[] = { "LOADING", "BUSY", "TRYAGAIN",
	    "MASTERDOWN", "CLUSTERDOWN", "READONLY", NULL };
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		if (e != NULL && strncmp(e, v[i], strlen(v[i])) == 0)
			return true;
	return false;
}
#endif

/*
 * Send up to n messages; returns how many were delivered (the rest are
 * to be sent again), and *dropped those that can never be sent (a
 * datagram too large, a Redis error reply).  *fail: the connection is
 * gone.
 */
static size_t
send_batch(struct netsink *ns, struct msg **v, size_t n, uint64_t *dropped,
    bool *fail)
{
	size_t i, done = 0, w;
	int err;

	*fail = false;
	*dropped = 0;
	if (is_stream(ns)) {
		if (peer_gone(ns)) {
			*fail = true;
			return 0;
		}
		fmtbuf_reset(&ns->sb);
		for (i = 0; i < n; i++) {
			if (ns->spec.kind == OUTK_UNIX_STREAM) {
				fmtbuf_add(&ns->sb, v[i]->data, v[i]->len);
				fmtbuf_add(&ns->sb, "\n", 1);
			} else
				octet_frame(&ns->sb, v[i]->data, v[i]->len);
			ns->ends[i] = ns->sb.len;
		}
		w = write_all(ns, ns->sb.p, ns->sb.len, &err);
		if (err == 0)
			return n;
		for (i = 0; i < n && ns->ends[i] <= w; i++)
			done++;
		ns_err(ns, "send", strerror(err));
		*fail = true;
		return done;
	}
	if (ns->spec.kind == OUTK_REDIS) {
#ifdef HAVE_HIREDIS
		redisReply *rep;
		const char *key = ns->spec.redis_key;

		for (i = 0; i < n; i++) {
			if (ns->spec.redis_mode == OUTR_LIST)
				redisAppendCommand(ns->rc, "RPUSH %s %b", key,
				    v[i]->data, v[i]->len);
			else if (ns->spec.redis_mode == OUTR_CHANNEL)
				redisAppendCommand(ns->rc, "PUBLISH %s %b",
				    key, v[i]->data, v[i]->len);
			else if (ns->spec.redis_maxlen > 0)
				redisAppendCommand(ns->rc, "XADD %s MAXLEN ~ "
				    "%llu * seq %llu event %b", key,
				    (unsigned long long)ns->spec.redis_maxlen,
				    (unsigned long long)v[i]->seq,
				    v[i]->data, v[i]->len);
			else
				redisAppendCommand(ns->rc, "XADD %s * seq %llu "
				    "event %b", key,
				    (unsigned long long)v[i]->seq,
				    v[i]->data, v[i]->len);
		}
		for (i = 0; i < n; i++) {
			if (redisGetReply(ns->rc, (void **)&rep) != REDIS_OK ||
			    rep == NULL) {
				ns_err(ns, "send", ns->rc->errstr);
				*fail = true;
				return done;
			}
			if (rep->type == REDIS_REPLY_ERROR &&
			    redis_transient(rep->str)) {
				/* Loading its data after a restart: this and
				 * the rest again, later. */
				ns_err(ns, "not ready", rep->str);
				freeReplyObject(rep);
				*fail = true;
				return done;
			}
			if (rep->type == REDIS_REPLY_ERROR) {
				/* WRONGTYPE and the like: never accepted. */
				log_ratelimit(&ns->last_err, 60, "output %s: "
				    "%s", ns->name, rep->str);
				(*dropped)++;
			}
			freeReplyObject(rep);
			done++;
		}
		return done;
#endif
	}
	for (i = 0; i < n; i++) {
		ssize_t r;

		while ((r = send(ns->fd, v[i]->data, v[i]->len,
		    MSG_NOSIGNAL)) == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EMSGSIZE) {
			(*dropped)++;
			done++;
			continue;
		}
		if (r == -1) {
			ns_err(ns, "send", strerror(errno));
			*fail = true;
			return done;
		}
		done++;
	}
	return done;
}

static struct msg *
msg_new(uint64_t seq, const char *p, size_t len)
{
	struct msg *m;

	m = xcalloc(1, sizeof(*m) + len + 1);
	m->seq = seq;
	m->len = len;
	memcpy(m->data, p, len);
	return m;
}

static void
ns_spool_put(struct netsink *ns, struct msg *m)
{
	uint64_t d;

	d = spool_append(ns->spool, m->seq, m->data, m->len);
	if (d == UINT64_MAX) {
		ns_err(ns, "spool", strerror(errno));
		atomic_fetch_add(&ns->s.c.dropped, 1);
	} else if (d > 0) {
		/* drop newest refuses this one; oldest makes room */
		atomic_fetch_add(&ns->s.c.dropped, d);
		if (ns->spec.spool_drop == 0)
			atomic_fetch_add(&ns->s.c.spooled, 1);
	} else
		atomic_fetch_add(&ns->s.c.spooled, 1);
}

#ifdef HAVE_LIBRELP
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
static _Thread_local struct netsink *relp_cur;

static void __attribute__((format(printf, 1, 2)))
relp_dbg(char *fmt, ...)
{
	struct netsink *ns = relp_cur;
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
	if (ns != NULL && strncmp(fmt, RELP_DBG_RSP, sizeof(RELP_DBG_RSP) -
	    1) == 0) {
		va_start(ap, fmt);
		n = va_arg(ap, int);
		code = va_arg(ap, int);
		va_end(ap);
		for (m = ns->ih; code != 200 && m != NULL; m = m->next)
			if (m->txnr == (uint64_t)n) {
				m->refused = true;
				break;
			}
		return;
	}
	if (ns == NULL || (strncmp(fmt, "ADD sess %p unacked %d", 22) != 0 &&
	    strncmp(fmt, "DEL sess %p unacked %d", 22) != 0))
		return;
	va_start(ap, fmt);
	(void)va_arg(ap, void *);
	n = va_arg(ap, int);
	va_end(ap);
	ns->unacked = n;
	ns->hooked = true;
	if (fmt[0] == 'D')
		ns->dels++;
}

static void
relp_onerr(void *usr, char *obj, char *msg, relpRetVal code)
{
	struct netsink *ns = usr != NULL ? usr : relp_cur;

	(void)obj;
	if (ns == NULL)
		return;
	ns->rerr = true;
	if (ns->rauth)
		return;		/* the certificate's message says more */
	snprintf(ns->rwhy, sizeof(ns->rwhy), "%s (librelp %d)", msg,
	    (int)code);
}

static void
relp_onautherr(void *usr, char *info, char *msg, relpRetVal code)
{
	struct netsink *ns = usr != NULL ? usr : relp_cur;

	if (ns == NULL)
		return;
	ns->rerr = ns->rauth = true;
	snprintf(ns->rwhy, sizeof(ns->rwhy), "certificate not accepted: %s: "
	    "%s (librelp %d)", msg, info != NULL ? info : "", (int)code);
}

static void
relp_ongenerr(char *obj, char *msg, relpRetVal code)
{
	relp_onerr(NULL, obj, msg, code);
}

/* The first n records of ih were acknowledged. */
static void
relp_pop(struct netsink *ns, uint64_t n)
{
	struct msg *m;
	uint64_t sp = 0, after = 0;

	while (n-- > 0 && (m = ns->ih) != NULL) {
		ns->ih = m->next;
		if (ns->ih == NULL)
			ns->it = NULL;
		ns->in--;
		if (m->refused) {
			log_ratelimit(&ns->last_err, 60, "output %s: the "
			    "collector refused the record of seq %" PRIu64
			    ": dropped", ns->name, m->seq);
			atomic_fetch_add(&ns->s.c.dropped, 1);
		} else
			atomic_fetch_add(&ns->s.c.sent, 1);
		if (m->spooled) {
			sp++;
			after = m->after;
			ns->ispool--;
			if (!m->refused)
				atomic_fetch_add(&ns->s.c.replayed, 1);
		}
		free(m);
	}
	if (sp > 0)
		spool_consume_to(ns->spool, after, sp);
	if (ns->ispool == 0)
		ns->rpos = 0;
}

/* Forget what librelp says was acknowledged. */
static void
relp_acked(struct netsink *ns)
{
	uint64_t out = ns->in;

	if (ns->hooked && ns->unacked >= 0 && (uint64_t)ns->unacked < out)
		out = (uint64_t)ns->unacked;
	if (out > ns->spec.relp_window)
		out = ns->spec.relp_window;
	relp_pop(ns, ns->in - out);
}

static int
relp_connect(struct netsink *ns)
{
	const struct output_spec *sp = &ns->spec;
	char port[16];
	relpRetVal r;

	relp_cur = ns;
	ns->rerr = ns->rauth = false;
	ns->rwhy[0] = '\0';
	ns->rtxnr = 1;		/* the open command's */
	snprintf(port, sizeof(port), "%u", sp->port);
	if (relpEngineCltConstruct(ns->re, &ns->rclt) != RELP_RET_OK) {
		ns_err(ns, "connect", "librelp: cannot make a client");
		return -1;
	}
	relpCltSetUsrPtr(ns->rclt, ns);
	relpCltSetTimeout(ns->rclt, NS_TIMEOUT_MS / 1000);
	relpCltSetConnTimeout(ns->rclt, NS_TIMEOUT_MS / 1000);
	relpCltSetWindowSize(ns->rclt, (int)sp->relp_window);
	if (sp->relp_tls) {
		relpCltEnableTLS(ns->rclt);
		if (sp->ca_file != NULL)
			relpCltSetCACert(ns->rclt, sp->ca_file);
		if (sp->cert_file != NULL) {
			relpCltSetOwnCert(ns->rclt, sp->cert_file);
			relpCltSetPrivKey(ns->rclt, sp->key_file != NULL ?
			    sp->key_file : sp->cert_file);
		}
		relpCltSetAuthMode(ns->rclt, "name");
		relpCltAddPermittedPeer(ns->rclt, sp->tls_name != NULL ?
		    sp->tls_name : sp->server);
	}
	r = relpCltConnect(ns->rclt, 0, (unsigned char *)port,
	    (unsigned char *)sp->server);
	if (r != RELP_RET_OK) {
		relpEngineCltDestruct(ns->re, &ns->rclt);
		ns->rclt = NULL;
		ns_err(ns, "connect", ns->rwhy[0] != '\0' ? ns->rwhy :
		    "librelp cannot open a session");
		return -1;
	}
	ns->sdels = ns->dels;
	ns->sopen = mono_ms();
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
relp_poison(struct netsink *ns)
{
	struct msg *m = ns->ih;

	if (m == NULL || !ns->hooked || ns->dels != ns->sdels ||
	    mono_ms() - ns->sopen >= NS_TIMEOUT_MS) {
		ns->stuck = 0;
		return;
	}
	if (ns->stuck == 0 || m->seq != ns->stuck_seq) {
		ns->stuck_seq = m->seq;
		ns->stuck = 1;
		return;
	}
	if (++ns->stuck < NS_RELP_POISON)
		return;
	log_warnx("output %s: the collector closed the session %u times on "
	    "the record of seq %" PRIu64 " (%zu bytes) without acknowledging "
	    "it: dropped (larger than it takes?)", ns->name, ns->stuck,
	    m->seq, m->len);
	ns->ih = m->next;
	if (ns->ih == NULL)
		ns->it = NULL;
	ns->in--;
	if (m->spooled) {
		spool_consume_to(ns->spool, m->after, 1);
		if (--ns->ispool == 0)
			ns->rpos = 0;
	}
	atomic_fetch_add(&ns->s.c.dropped, 1);
	free(m);
	ns->stuck = 0;
}

/* The session is gone: librelp's copies with it. */
static void
relp_drop(struct netsink *ns)
{
	relp_cur = ns;
	relp_acked(ns);
	relp_poison(ns);
	if (ns->rclt != NULL)
		relpEngineCltDestruct(ns->re, &ns->rclt);
	ns->rclt = NULL;
	atomic_store(&ns->connected, false);
}

static int
relp_send(struct netsink *ns, struct msg *m)
{
	relpRetVal r;

	relp_cur = ns;
	ns->rwhy[0] = '\0';
	r = relpCltSendSyslog(ns->rclt, (unsigned char *)m->data, m->len);
	if (r != RELP_RET_OK) {
		/* A refused record is named before the session's error,
		 * which would hold its message back (one a minute). */
		relp_acked(ns);
		ns_err(ns, "send", ns->rwhy[0] != '\0' ? ns->rwhy :
		    "librelp session broken");
		relp_drop(ns);
		return -1;
	}
	m->next = NULL;
	m->txnr = ++ns->rtxnr;
	if (ns->it != NULL)
		ns->it->next = m;
	else
		ns->ih = m;
	ns->it = m;
	ns->in++;
	if (m->spooled) {
		ns->ispool++;
		ns->rpos = m->after;
	}
	relp_acked(ns);
	return 0;
}

/* Send what the spool holds after the records already in flight. */
static void
relp_replay(struct netsink *ns)
{
	struct msg *m;
	uint64_t pos, seq;
	const char *buf;
	size_t len;

	relpCltHintBurstBegin(ns->rclt);
	while (atomic_load(&ns->connected)) {
		pos = ns->rpos;
		if (spool_read(ns->spool, &pos, &seq, &buf, &len) == -1) {
			if (ns->ispool == 0 && spool_count(ns->spool) > 0)
				/* Records gone bad on disk: counted. */
				atomic_fetch_add(&ns->s.c.dropped,
				    spool_forget(ns->spool));
			break;
		}
		m = msg_new(seq, buf, len);
		m->spooled = true;
		m->after = pos;
		if (relp_send(ns, m) == -1) {
			free(m);
			return;
		}
	}
	if (ns->rclt != NULL)
		relpCltHintBurstEnd(ns->rclt);
}

/* Send a list from the queue; returns what is left of it, unsent. */
static struct msg *
relp_send_list(struct netsink *ns, struct msg *list)
{
	struct msg *m;

	if (list == NULL || !atomic_load(&ns->connected))
		return list;
	relpCltHintBurstBegin(ns->rclt);
	while ((m = list) != NULL) {
		list = m->next;
		if (relp_send(ns, m) == -1) {
			m->next = list;
			return m;
		}
	}
	relpCltHintBurstEnd(ns->rclt);
	return NULL;
}

/*
 * The end of a run: close the session, which librelp does only after
 * the collector answered the records before it; what it did not answer
 * is taken as not delivered.
 */
static void
relp_finish(struct netsink *ns)
{
	uint64_t dels;

	relp_cur = ns;
	relp_acked(ns);
	dels = ns->dels;
	ns->rerr = false;
	relpEngineCltDestruct(ns->re, &ns->rclt);
	ns->rclt = NULL;
	if (ns->hooked)
		relp_pop(ns, ns->dels - dels < ns->in ? ns->dels - dels :
		    ns->in);
	else if (!ns->rerr)
		relp_pop(ns, ns->in);
	relp_poison(ns);
	if (ns->in > 0)
		ns_err(ns, "close", "records not acknowledged");
	atomic_store(&ns->connected, false);
}

/*
 * Not connected: the records not acknowledged go round again.  Those
 * from the spool are still in it; the others go in front of list.
 */
static struct msg *
relp_unwind(struct netsink *ns, struct msg *list)
{
	struct msg *m, *keep = NULL, **tail = &keep;

	while ((m = ns->ih) != NULL) {
		ns->ih = m->next;
		if (m->spooled) {
			free(m);
			continue;
		}
		m->next = NULL;
		m->refused = false;	/* judged again when sent again */
		*tail = m;
		tail = &m->next;
	}
	ns->it = NULL;
	ns->in = ns->ispool = ns->rpos = 0;
	*tail = list;
	return keep;
}

/*
 * One round of the delivery thread for RELP; returns what is unsent.
 * At the end of a run, while the collector is there, what a broken
 * session left is sent again (and a record it refuses is dropped in the
 * end, relp_poison).
 */
static struct msg *
relp_round(struct netsink *ns, struct msg *list, bool stop)
{
	bool reached;
	int tries = 0;

	for (;;) {
		if (!atomic_load(&ns->connected) && (mono_ms() >=
		    ns->next_try || stop)) {
			if (relp_connect(ns) == 0) {
				ns->delay = NS_RETRY_MIN_MS;
				if (ns->ever)
					atomic_fetch_add(&ns->s.c.reconnects,
					    1);
				if (ns->ever || ns->last_err != 0)
					log_info("output %s: connected",
					    ns->name);
				ns->ever = true;
				ns->last_err = 0;
				atomic_store(&ns->connected, true);
			} else {
				ns->next_try = mono_ms() + ns->delay;
				ns->delay = ns->delay * 2 > NS_RETRY_MAX_MS ?
				    NS_RETRY_MAX_MS : ns->delay * 2;
			}
		}
		reached = atomic_load(&ns->connected);
		if (ns->spool != NULL && atomic_load(&ns->connected))
			relp_replay(ns);
		if (atomic_load(&ns->connected))
			list = relp_send_list(ns, list);
		if (stop && atomic_load(&ns->connected))
			relp_finish(ns);
		if (!atomic_load(&ns->connected))
			list = relp_unwind(ns, list);
		if (!stop || !reached || ++tries > NS_RELP_END ||
		    (list == NULL && ns->ih == NULL && (ns->spool == NULL ||
		    spool_count(ns->spool) == 0)))
			break;
	}
	return list;
}
#endif /* HAVE_LIBRELP */

/* Replay the spool while the connection holds. */
static void
ns_replay(struct netsink *ns)
{
	struct msg *v[NS_BATCH];
	uint64_t pos, after[NS_BATCH], seq, dropped;
	const char *buf;
	size_t len, n, i, done;
	bool fail;

	while (atomic_load(&ns->connected) && spool_count(ns->spool) > 0) {
		for (pos = 0, n = 0; n < NS_BATCH && spool_read(ns->spool,
		    &pos, &seq, &buf, &len) == 0; n++) {
			v[n] = msg_new(seq, buf, len);
			after[n] = pos;
		}
		if (n == 0) {
			/* Records gone bad on disk: counted, forgotten. */
			atomic_fetch_add(&ns->s.c.dropped,
			    spool_forget(ns->spool));
			break;
		}
		done = send_batch(ns, v, n, &dropped, &fail);
		if (done > 0)
			spool_consume_to(ns->spool, after[done - 1], done);
		atomic_fetch_add(&ns->s.c.sent, done - dropped);
		atomic_fetch_add(&ns->s.c.replayed, done - dropped);
		atomic_fetch_add(&ns->s.c.dropped, dropped);
		if (fail)
			ns_disconnect(ns);
		for (i = 0; i < n; i++)
			free(v[i]);
	}
}

/* Send a list from the queue; returns what is left of it, unsent. */
static struct msg *
ns_send_list(struct netsink *ns, struct msg *list)
{
	struct msg *v[NS_BATCH], *m;
	size_t n, i, done, bytes;
	uint64_t dropped;
	bool fail;

	while (list != NULL && atomic_load(&ns->connected)) {
		for (n = 0, bytes = 0, m = list; m != NULL && n < NS_BATCH &&
		    bytes < NS_BATCH_BYTES; m = m->next) {
			v[n++] = m;
			bytes += m->len;
		}
		done = send_batch(ns, v, n, &dropped, &fail);
		atomic_fetch_add(&ns->s.c.sent, done - dropped);
		atomic_fetch_add(&ns->s.c.dropped, dropped);
		for (i = 0; i < done; i++) {
			m = list;
			list = list->next;
			free(m);
		}
		if (fail)
			ns_disconnect(ns);
	}
	return list;
}

/* One round of the delivery thread; returns what is unsent. */
static struct msg *
ns_round(struct netsink *ns, struct msg *list, bool stop)
{
	if (!atomic_load(&ns->connected) && (mono_ms() >= ns->next_try ||
	    stop)) {
		if (ns_connect(ns) == 0)
			ns->delay = NS_RETRY_MIN_MS;
		else {
			ns->next_try = mono_ms() + ns->delay;
			ns->delay = ns->delay * 2 > NS_RETRY_MAX_MS ?
			    NS_RETRY_MAX_MS : ns->delay * 2;
		}
	}
	if (ns->spool != NULL && atomic_load(&ns->connected))
		ns_replay(ns);
	if (atomic_load(&ns->connected))
		list = ns_send_list(ns, list);
	return list;
}

/* Spool records already in flight (RELP), not to be sent again yet. */
static uint64_t
ns_spool_busy(const struct netsink *ns)
{
#ifdef HAVE_LIBRELP
	return ns->ispool;
#else
	(void)ns;
	return 0;
#endif
}

static void *
ns_main(void *arg)
{
	struct netsink *ns = arg;
	struct msg *list, *m, *tail;
	struct timespec ts;
	uint64_t now;
	bool stop, conn;

	for (;;) {
		pthread_mutex_lock(&ns->lock);
		for (;;) {
			conn = atomic_load(&ns->connected);
			now = mono_ms();
			if (ns->stop)
				break;
			if (conn && (ns->qn > 0 || (ns->spool != NULL &&
			    spool_count(ns->spool) > ns_spool_busy(ns))))
				break;
			if (!conn && ns->spool != NULL && ns->qn > 0)
				break;
			if (!conn && now >= ns->next_try)
				break;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 100 * 1000000L;	/* recheck often */
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&ns->cv, &ns->lock, &ts);
		}
		stop = ns->stop;
		list = ns->qh;
		ns->qh = ns->qt = NULL;
		ns->qn = 0;
		pthread_cond_broadcast(&ns->cv_space);
		pthread_mutex_unlock(&ns->lock);

#ifdef HAVE_LIBRELP
		if (ns->re != NULL)
			list = relp_round(ns, list, stop);
		else
#endif
			list = ns_round(ns, list, stop);
		if (list != NULL && ns->spool != NULL) {
			/* Away: the queue goes to the spool, in order. */
			while ((m = list) != NULL) {
				list = m->next;
				ns_spool_put(ns, m);
				free(m);
			}
		} else if (list != NULL && stop) {
			/* The end, the collector away, no spool: lost. */
			while ((m = list) != NULL) {
				list = m->next;
				atomic_fetch_add(&ns->s.c.dropped, 1);
				free(m);
			}
		} else if (list != NULL) {
			/* Back to the front of the queue, to wait. */
			for (tail = list; tail->next != NULL; tail = tail->next)
				;
			pthread_mutex_lock(&ns->lock);
			tail->next = ns->qh;
			ns->qh = list;
			if (ns->qt == NULL)
				ns->qt = tail;
			for (m = list; m != NULL && m != tail->next; m = m->next)
				ns->qn++;
			pthread_mutex_unlock(&ns->lock);
		}
		/* Closing: nothing more is queued after the stop. */
		if (stop)
			break;
	}
	ns_close_gently(ns);
	ns_disconnect(ns);
	return NULL;
}

static uint64_t
ns_write(struct sink *s, const struct record *r, const char *line,
    size_t len)
{
	struct netsink *ns = (struct netsink *)s;
	const struct output_spec *sp = &ns->spec;
	struct fmtbuf *b = &ns->fb;
	struct timespec ts;
	struct msg *m;

	fmtbuf_reset(b);
	if (sp->kind != OUTK_SYSLOG)
		fmtbuf_add(b, line, len);
	else if (sp->format == OUTF_RFC3164)
		syslog_rfc3164(b, &ns->sc, r, line, len);
	else if (sp->format == OUTF_CEF) {
		struct fmtbuf cef = { NULL, 0, 0 };

		cef_format(&cef, &ns->sc, r, s->seq, line, len);
		syslog_rfc5424(b, &ns->sc, r, s->seq, cef.p, cef.len);
		fmtbuf_free(&cef);
	} else
		syslog_rfc5424(b, &ns->sc, r, s->seq, line, len);
	if (sp->max_dgram > 0 && b->len > sp->max_dgram) {
		/* A datagram cannot carry it (wardwatch.yaml(5)). */
		atomic_fetch_add(&s->c.dropped, 1);
		return 0;
	}
	m = msg_new(s->seq, b->p, b->len);
	pthread_mutex_lock(&ns->lock);
	while (ns->qn >= sp->queue) {
		if (!ns->block || ns->stop || (!atomic_load(&ns->connected) &&
		    ns->spool == NULL)) {
			pthread_mutex_unlock(&ns->lock);
			free(m);
			atomic_fetch_add(&s->c.dropped, 1);
			return 0;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&ns->cv_space, &ns->lock, &ts);
	}
	if (ns->qt != NULL)
		ns->qt->next = m;
	else
		ns->qh = m;
	ns->qt = m;
	ns->qn++;
	atomic_fetch_add(&s->c.queued, 1);
	pthread_cond_signal(&ns->cv);
	pthread_mutex_unlock(&ns->lock);
	return 0;
}

static uint64_t
ns_nop(struct sink *s)
{
	(void)s;
	return 0;
}

/* The delivery thread, made when the output stage starts (sink.h). */
static int
ns_start(struct sink *s, char *err, size_t errlen)
{
	struct netsink *ns = (struct netsink *)s;
	int rc;

	if (ns->started)
		return 0;
	if ((rc = pthread_create(&ns->thread, NULL, ns_main, ns)) != 0) {
		snprintf(err, errlen, "thread: %s", strerror(rc));
		return -1;
	}
	ns->started = true;
	return 0;
}

static uint64_t
ns_close(struct sink *s)
{
	struct netsink *ns = (struct netsink *)s;

	if (!ns->started)
		return 0;
	pthread_mutex_lock(&ns->lock);
	ns->stop = true;
	pthread_cond_signal(&ns->cv);
	pthread_mutex_unlock(&ns->lock);
	pthread_join(ns->thread, NULL);
	ns->started = false;
	if (ns->spool != NULL && spool_count(ns->spool) > 0)
		log_info("output %s: %" PRIu64 " records left in the spool "
		    "for the next run", ns->name, spool_count(ns->spool));
	return 0;
}

static void
ns_free(struct sink *s)
{
	struct netsink *ns = (struct netsink *)s;
	struct msg *m;

	ns_close(s);
	while ((m = ns->qh) != NULL) {
		ns->qh = m->next;
		free(m);
	}
#ifdef HAVE_LIBRELP
	if (ns->rclt != NULL)
		relpEngineCltDestruct(ns->re, &ns->rclt);
	if (ns->re != NULL)
		relpEngineDestruct(&ns->re);
	while ((m = ns->ih) != NULL) {
		ns->ih = m->next;
		free(m);
	}
#endif
	spool_close(ns->spool);
	ns_disconnect(ns);
	if (ns->ctx != NULL)
		SSL_CTX_free(ns->ctx);
	fmtbuf_free(&ns->fb);
	fmtbuf_free(&ns->sb);
	free(ns->host);
	pthread_mutex_destroy(&ns->lock);
	pthread_cond_destroy(&ns->cv);
	pthread_cond_destroy(&ns->cv_space);
	free(ns);
}

static const struct sink_ops ns_ops = {
	.write = ns_write,
	.flush = ns_nop,
	.reopen = ns_nop,
	.close = ns_close,
	.free = ns_free,
	.start = ns_start,
};

static int
tls_setup(struct netsink *ns, char *err, size_t errlen)
{
	const struct output_spec *sp = &ns->spec;
	unsigned long e;

	if ((ns->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto fail;
	SSL_CTX_set_min_proto_version(ns->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ns->ctx, SSL_VERIFY_PEER, NULL);
	if (sp->ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(ns->ctx, sp->ca_file,
		    NULL) != 1) {
			snprintf(err, errlen, "%s: ca-file: cannot load "
			    "certificates", sp->ca_file);
			return -1;
		}
	} else if (SSL_CTX_set_default_verify_paths(ns->ctx) != 1)
		goto fail;
	if (sp->cert_file != NULL) {
		if (SSL_CTX_use_certificate_chain_file(ns->ctx,
		    sp->cert_file) != 1) {
			snprintf(err, errlen, "%s: cert-file: cannot load a "
			    "certificate", sp->cert_file);
			return -1;
		}
		if (SSL_CTX_use_PrivateKey_file(ns->ctx, sp->key_file != NULL ?
		    sp->key_file : sp->cert_file, SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(ns->ctx) != 1) {
			snprintf(err, errlen, "%s: key-file: no private key "
			    "matching the certificate", sp->key_file != NULL ?
			    sp->key_file : sp->cert_file);
			return -1;
		}
	}
	return 0;
 fail:
	e = ERR_get_error();
	snprintf(err, errlen, "TLS: %s", e ? ERR_reason_error_string(e) :
	    "cannot set up");
	return -1;
}

/* The RELP engine of an output; a clear error without librelp. */
static int
relp_setup(struct netsink *ns, char *err, size_t errlen)
{
#ifdef HAVE_LIBRELP
	const struct output_spec *sp = &ns->spec;
	const char *files[3] = { sp->ca_file, sp->cert_file, sp->key_file };
	const char *keys[3] = { "ca-file", "cert-file", "key-file" };
	int i;

	if (ns->spec.relp_window == 0)
		ns->spec.relp_window = NS_RELP_WINDOW;
	for (i = 0; i < 3; i++)
		if (sp->relp_tls && files[i] != NULL &&
		    access(files[i], R_OK) == -1) {
			snprintf(err, errlen, "%s: %s: %s", files[i], keys[i],
			    strerror(errno));
			return -1;
		}
	if (relpEngineConstruct(&ns->re) != RELP_RET_OK) {
		snprintf(err, errlen, "%s: librelp: cannot set up", ns->name);
		return -1;
	}
	relpEngineSetDbgprint(ns->re, relp_dbg);
	relpEngineSetOnErr(ns->re, relp_onerr);
	relpEngineSetOnGenericErr(ns->re, relp_ongenerr);
	relpEngineSetOnAuthErr(ns->re, relp_onautherr);
	relpEngineSetDnsLookupMode(ns->re, 0);
	relpEngineSetEnableCmd(ns->re, (unsigned char *)"syslog",
	    eRelpCmdState_Required);
	if (sp->relp_tls && relpEngineSetTLSLibByName(ns->re, "openssl") !=
	    RELP_RET_OK) {
		snprintf(err, errlen, "%s: librelp was built without TLS",
		    ns->name);
		return -1;
	}
	ns->unacked = -1;
	return 0;
#else
	snprintf(err, errlen, "%s: transport: relp: built without librelp "
	    "(Debian: librelp-dev)", ns->name);
	return -1;
#endif
}

struct sink *
netsink_new(const struct output_spec *sp, const struct netsink_env *env,
    char *err, size_t errlen)
{
	struct netsink *ns;
	char path[PATH_MAX];

	ns = xcalloc(1, sizeof(*ns));
	ns->s.ops = &ns_ops;
	ns->s.name = ns->name;
	ns->s.kind = kind_names[sp->kind];
	ns->s.types = sp->types;
	ns->s.async = true;
	ns->spec = *sp;
	if (ns->spec.queue == 0)
		ns->spec.queue = OUTSPEC_DEFAULT_QUEUE;
	if (sp->kind == OUTK_SYSLOG && sp->transport == OUTT_UDP &&
	    (ns->spec.max_dgram == 0 || ns->spec.max_dgram > NS_UDP_MAX))
		ns->spec.max_dgram = NS_UDP_MAX;
	if (sp->kind == OUTK_SYSLOG && ns->spec.port == 0)
		ns->spec.port = sp->transport == OUTT_TLS ? 6514 :
		    sp->transport == OUTT_RELP ? 2514 : 514;
	if (sp->kind == OUTK_REDIS && ns->spec.port == 0)
		ns->spec.port = 6379;
	outspec_name(&ns->spec, ns->name, sizeof(ns->name));
	ns->fd = -1;
	ns->host = env->host != NULL ? xstrdup(env->host) : NULL;
	ns->sc.host = ns->host;
	ns->sc.facility = sp->facility;
	ns->sc.pid = (unsigned)getpid();
	ns->block = env->block;
	ns->delay = NS_RETRY_MIN_MS;
	pthread_mutex_init(&ns->lock, NULL);
	pthread_cond_init(&ns->cv, NULL);
	pthread_cond_init(&ns->cv_space, NULL);
	if (sp->kind == OUTK_SYSLOG && sp->transport == OUTT_TLS &&
	    tls_setup(ns, err, errlen) == -1)
		goto fail;
	if (sp->kind == OUTK_SYSLOG && sp->transport == OUTT_RELP &&
	    relp_setup(ns, err, errlen) == -1)
		goto fail;
#ifndef HAVE_HIREDIS
	if (sp->kind == OUTK_REDIS) {
		snprintf(err, errlen, "%s: built without hiredis", ns->name);
		goto fail;
	}
#endif
	if (sp->spool_max > 0) {
		if (env->statedir == NULL) {
			snprintf(err, errlen, "%s: spool: no state directory",
			    ns->name);
			goto fail;
		}
		netsink_spool_path(&ns->spec, env->statedir, path,
		    sizeof(path));
		if ((ns->spool = spool_open(path, sp->spool_max,
		    sp->spool_drop == 1)) == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (spool_recovered(ns->spool) > 0)
			log_info("output %s: %" PRIu64 " records in the spool "
			    "from an earlier run are sent first", ns->name,
			    spool_recovered(ns->spool));
	}
	/* The thread starts with the output stage (ns_start). */
	return &ns->s;
 fail:
	ns_free(&ns->s);
	return NULL;
}
