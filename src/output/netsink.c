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
 * nothing: RELP's own delivery is in relp.c).
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

#include "output/netconn.h"
#include "output/netsink.h"
#include "output/relp.h"
#include "output/sink.h"
#include "output/spool.h"
#include "output/syslogfmt.h"
#include "util/log.h"
#include "util/util.h"

#define NS_BATCH	256		/* records per send */
#define NS_BATCH_BYTES	(256u << 10)
#define NS_UDP_MAX	65507		/* IPv4 UDP payload */
#define NS_REDIS_RELOADS 3		/* NOSCRIPT in a row, then reconnect */

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
	uint64_t	 epoch;		/* of the seq of this run's records */
	struct netconn	 nc;		/* connected: the output thread too */

	/* The delivery thread's. */
	int		 fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
#ifdef HAVE_HIREDIS
	redisContext	*rc;
	char		*rdkey;		/* the last seq stored, without the
					 * epoch; NULL: plain */
	char		 rsha[48];	/* of the script, loaded on rc */
	uint64_t	 rrepeats;	/* records Redis had: not again */
	unsigned	 rnoscript;	/* NOSCRIPT, no record stored since */
#endif
	struct relp	*relp;		/* RELP: its own delivery */
	struct fmtbuf	 sb;
	size_t		 ends[NS_BATCH];
};

uint64_t
netconn_ms(void)
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

void
netconn_err(struct netconn *nc, const char *fmt, const char *what)
{
	log_ratelimit(&nc->last_err, 60, "output %s: %s: %s%s", nc->name,
	    fmt, what, nc->spool != NULL ? " (records go to the spool)" :
	    "");
}

static void
ns_err(struct netsink *ns, const char *fmt, const char *what)
{
	netconn_err(&ns->nc, fmt, what);
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

	if (ns->fd == -1 || !atomic_load(&ns->nc.connected))
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
	atomic_store(&ns->nc.connected, false);
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

#ifdef HAVE_HIREDIS
/*
 * Exactly once, as the consumer sees it.  Redis answers every command,
 * but a command it carried out whose answer a restart or a broken
 * connection cut off is sent again.  So records go through this
 * script, which stores each (RPUSH, PUBLISH or XADD) only when its seq
 * is above the last one stored for this sensor, and stores the new
 * last seq with it.  KEYS[2] is per sensor and per seq epoch (output.c:
 * a new state counts from 1 again under a new epoch), and shares
 * KEYS[1]'s hash slot on a cluster (redis_dedupe_key).  The seqs are
 * compared as decimal strings, exactly, beyond 2^53.
 *
 * A whole batch is one call, so that an error (NOSCRIPT, BUSY) means
 * none of it ran: with one call per record in a pipeline, a record
 * refused while later ones were stored was then refused again as one
 * Redis had (their seqs above its own), and lost.
 *
 * KEYS[1] list, channel or stream; KEYS[2] the last seq stored.
 * ARGV: mode (l, c, s), stream MAXLEN (0: none), then seq and record
 * for each record, in order.  Returns how many it stored; the others
 * it had.
 */
static const char redis_script[] =
    "local last = redis.call('GET', KEYS[2])\n"
    "local mode, maxlen, n = ARGV[1], ARGV[2], 0\n"
    "for i = 3, #ARGV - 1, 2 do\n"
    "  local s = ARGV[i]\n"
    "  if not last or #s > #last or (#s == #last and s > last) then\n"
    "    if mode == 'l' then\n"
    "      redis.call('RPUSH', KEYS[1], ARGV[i + 1])\n"
    "    elseif mode == 'c' then\n"
    "      redis.call('PUBLISH', KEYS[1], ARGV[i + 1])\n"
    "    elseif maxlen ~= '0' then\n"
    "      redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*',\n"
    "          'seq', s, 'event', ARGV[i + 1])\n"
    "    else\n"
    "      redis.call('XADD', KEYS[1], '*', 'seq', s, 'event',\n"
    "          ARGV[i + 1])\n"
    "    end\n"
    "    redis.call('SET', KEYS[2], s)\n"
    "    last = s\n"
    "    n = n + 1\n"
    "  end\n"
    "end\n"
    "return n\n";

/*
 * wardwatch:seq:{TAG}:SENSOR:OUTPUT: (the record's epoch follows),
 * where TAG is what Redis Cluster hashes of the output's key (its {hash
 * tag}, else all of it), so the two keys of the script live in one
 * slot.  OUTPUT: two outputs of a sensor to one key (other types) each
 * count their own seqs.
 */
static char *
redis_dedupe_key(const char *key, const char *sensor, const char *name)
{
	const char *o, *c;
	char *k;
	int n;

	if ((o = strchr(key, '{')) != NULL &&
	    (c = strchr(o + 1, '}')) != NULL && c > o + 1)
		n = asprintf(&k, "wardwatch:seq:{%.*s}:%s:%s:",
		    (int)(c - o - 1), o + 1, sensor, name);
	else
		n = asprintf(&k, "wardwatch:seq:{%s}:%s:%s:", key, sensor,
		    name);
	if (n == -1)
		fatal("asprintf");
	return k;
}

/* Load the script on a new connection (its SHA1 for EVALSHA). */
static int
redis_load(struct netsink *ns)
{
	redisReply *rep;

	rep = redisCommand(ns->rc, "SCRIPT LOAD %s", redis_script);
	if (rep != NULL && rep->type == REDIS_REPLY_STRING &&
	    rep->len < sizeof(ns->rsha)) {
		memcpy(ns->rsha, rep->str, rep->len);
		ns->rsha[rep->len] = '\0';
		freeReplyObject(rep);
		return 0;
	}
	if (rep == NULL)
		ns_err(ns, "SCRIPT LOAD", ns->rc->errstr);
	else if (rep->type == REDIS_REPLY_ERROR && strncmp(rep->str,
	    "NOPERM", 6) == 0)
		log_ratelimit(&ns->nc.last_err, 60, "output %s: the Redis user "
		    "may not run the deduplication script (%s): give it "
		    "+script|load +evalsha, or set redis.dedupe: no to store "
		    "records plainly, at least once%s", ns->name, rep->str,
		    ns->nc.spool != NULL ? " (records go to the spool)" : "");
	else
		log_ratelimit(&ns->nc.last_err, 60, "output %s: Redis cannot "
		    "load the deduplication script (%s): redis.dedupe: no "
		    "stores records plainly, at least once%s", ns->name,
		    rep->type == REDIS_REPLY_ERROR ? rep->str :
		    "unexpected answer", ns->nc.spool != NULL ?
		    " (records go to the spool)" : "");
	if (rep != NULL)
		freeReplyObject(rep);
	return -1;
}
#endif

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
		if (ns->rdkey != NULL && redis_load(ns) == -1) {
			ns_disconnect(ns);
			return -1;
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
	if (ns->nc.ever)
		atomic_fetch_add(&ns->s.c.reconnects, 1);
	if (ns->nc.ever || ns->nc.last_err != 0)
		log_info("output %s: connected", ns->name);
	ns->nc.ever = true;
	ns->nc.last_err = 0;
	atomic_store(&ns->nc.connected, true);
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
	/* NOSCRIPT: the script cache was flushed (SCRIPT FLUSH, a
	 * failover); the connection is made again, which loads it.
	 * NOPERM, NOAUTH: an ACL being set up, the same.  OOM: Redis at
	 * its maxmemory (noeviction) until a consumer takes records. */
	static const char *const v[] = { "LOADING", "BUSY", "TRYAGAIN",
	    "MASTERDOWN", "CLUSTERDOWN", "READONLY", "NOSCRIPT", "NOPERM",
	    "NOAUTH", "OOM", NULL };
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		if (e != NULL && strncmp(e, v[i], strlen(v[i])) == 0)
			return true;
	return false;
}
#endif

#ifdef HAVE_HIREDIS
/* n records Redis refused for good (WRONGTYPE and the like). */
static void
redis_refused(struct netsink *ns, const char *why, size_t n,
    uint64_t *dropped)
{
	log_ratelimit(&ns->nc.last_err, 60, "output %s: %s", ns->name, why);
	*dropped += n;
}

/*
 * The records with a seq, through the script: the leading run of v
 * whose seqs are of one epoch, in one call (redis_script).  An old
 * spool's records have no epoch (0): they count under epoch 0, never
 * under the seq file's, whose seqs may have started again since.
 */
static size_t
redis_send_once(struct netsink *ns, struct msg **v, size_t n,
    uint64_t *dropped, bool *fail)
{
	const char *argv[7 + 2 * NS_BATCH];
	size_t argl[7 + 2 * NS_BATCH];
	char dkey[256], seqs[NS_BATCH][24], maxlen[24];
	uint32_t mode = ns->spec.redis_mode;
	redisReply *rep;
	size_t i, k, a;
	uint64_t epoch = v[0]->epoch;

	for (k = 0; k < n && v[k]->seq != 0 && v[k]->epoch == epoch; k++)
		;
	snprintf(dkey, sizeof(dkey), "%s%016llx", ns->rdkey,
	    (unsigned long long)epoch);
	snprintf(maxlen, sizeof(maxlen), "%llu",
	    (unsigned long long)ns->spec.redis_maxlen);
	a = 0;
	argv[a] = "EVALSHA"; argl[a++] = 7;
	argv[a] = ns->rsha; argl[a++] = strlen(ns->rsha);
	argv[a] = "2"; argl[a++] = 1;
	argv[a] = ns->spec.redis_key; argl[a++] = strlen(ns->spec.redis_key);
	argv[a] = dkey; argl[a++] = strlen(dkey);
	argv[a] = mode == OUTR_LIST ? "l" : mode == OUTR_CHANNEL ? "c" : "s";
	argl[a++] = 1;
	argv[a] = maxlen; argl[a++] = strlen(maxlen);
	for (i = 0; i < k; i++) {
		snprintf(seqs[i], sizeof(seqs[i]), "%llu",
		    (unsigned long long)v[i]->seq);
		argv[a] = seqs[i]; argl[a++] = strlen(seqs[i]);
		argv[a] = v[i]->data; argl[a++] = v[i]->len;
	}
	rep = redisCommandArgv(ns->rc, (int)a, argv, argl);
	if (rep == NULL) {
		ns_err(ns, "send", ns->rc->errstr);
		*fail = true;
		return 0;
	}
	if (rep->type == REDIS_REPLY_ERROR &&
	    strncmp(rep->str, "NOSCRIPT", 8) == 0 &&
	    ns->rnoscript++ < NS_REDIS_RELOADS) {
		/* The script cache was flushed: load it again and send
		 * the batch again (none of it ran).  NOSCRIPT again and
		 * again: a reconnection, after the back-off. */
		freeReplyObject(rep);
		if (redis_load(ns) == -1)
			*fail = true;
		return 0;
	}
	if (rep->type == REDIS_REPLY_ERROR && redis_transient(rep->str)) {
		/* Loading its data after a restart, busy: none of it ran;
		 * the batch again, later. */
		ns_err(ns, "not ready", rep->str);
		freeReplyObject(rep);
		*fail = true;
		return 0;
	}
	if (rep->type == REDIS_REPLY_ERROR)
		/* WRONGTYPE and the like: never accepted (those the
		 * script stored before the error have their seq). */
		redis_refused(ns, rep->str, k, dropped);
	else if (rep->type == REDIS_REPLY_INTEGER && rep->integer >= 0 &&
	    (uint64_t)rep->integer <= k)
		ns->rrepeats += k - (size_t)rep->integer;
	freeReplyObject(rep);
	ns->rnoscript = 0;
	return k;
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

		if (ns->rdkey != NULL && v[0]->seq != 0)
			return redis_send_once(ns, v, n, dropped, fail);
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
			if (rep->type == REDIS_REPLY_ERROR)
				/* WRONGTYPE and the like: never accepted. */
				redis_refused(ns, rep->str, 1, dropped);
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

struct msg *
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

	d = spool_append(ns->nc.spool, m->seq, m->epoch, m->data, m->len);
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


/* Replay the spool while the connection holds. */
static void
ns_replay(struct netsink *ns)
{
	struct msg *v[NS_BATCH];
	uint64_t pos, after[NS_BATCH], seq, epoch, dropped;
	const char *buf;
	size_t len, n, i, done;
	bool fail;

	while (atomic_load(&ns->nc.connected) &&
	    spool_count(ns->nc.spool) > 0) {
		for (pos = 0, n = 0; n < NS_BATCH && spool_read(ns->nc.spool,
		    &pos, &seq, &epoch, &buf, &len) == 0; n++) {
			v[n] = msg_new(seq, buf, len);
			v[n]->epoch = epoch;
			after[n] = pos;
		}
		if (n == 0) {
			/* Records gone bad on disk: counted, forgotten. */
			atomic_fetch_add(&ns->s.c.dropped,
			    spool_forget(ns->nc.spool));
			break;
		}
		done = send_batch(ns, v, n, &dropped, &fail);
		if (done > 0)
			spool_consume_to(ns->nc.spool, after[done - 1], done);
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

	while (list != NULL && atomic_load(&ns->nc.connected)) {
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
	if (!atomic_load(&ns->nc.connected) &&
	    (netconn_ms() >= ns->nc.next_try || stop)) {
		if (ns_connect(ns) == 0)
			ns->nc.delay = NS_RETRY_MIN_MS;
		else {
			ns->nc.next_try = netconn_ms() + ns->nc.delay;
			ns->nc.delay = ns->nc.delay * 2 > NS_RETRY_MAX_MS ?
			    NS_RETRY_MAX_MS : ns->nc.delay * 2;
		}
	}
	if (ns->nc.spool != NULL && atomic_load(&ns->nc.connected))
		ns_replay(ns);
	if (atomic_load(&ns->nc.connected))
		list = ns_send_list(ns, list);
	return list;
}

/* Spool records already in flight (RELP), not to be sent again yet. */
static uint64_t
ns_spool_busy(const struct netsink *ns)
{
	return ns->relp != NULL ? relp_spool_busy(ns->relp) : 0;
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
			conn = atomic_load(&ns->nc.connected);
			now = netconn_ms();
			if (ns->stop)
				break;
			if (conn && (ns->qn > 0 || (ns->nc.spool != NULL &&
			    spool_count(ns->nc.spool) > ns_spool_busy(ns))))
				break;
			if (!conn && ns->nc.spool != NULL && ns->qn > 0)
				break;
			if (!conn && now >= ns->nc.next_try)
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

		if (ns->relp != NULL)
			list = relp_round(ns->relp, list, stop);
		else
			list = ns_round(ns, list, stop);
		if (list != NULL && ns->nc.spool != NULL) {
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
	m->epoch = ns->epoch;
	pthread_mutex_lock(&ns->lock);
	while (ns->qn >= sp->queue) {
		if (!ns->block || ns->stop ||
		    (!atomic_load(&ns->nc.connected) && ns->nc.spool == NULL)) {
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
	if (ns->nc.spool != NULL && spool_count(ns->nc.spool) > 0)
		log_info("output %s: %" PRIu64 " records left in the spool "
		    "for the next run", ns->name, spool_count(ns->nc.spool));
#ifdef HAVE_HIREDIS
	if (ns->rrepeats > 0)
		log_info("output %s: %" PRIu64 " records sent again that Redis "
		    "already had (their answer was cut off) were not stored "
		    "twice", ns->name, ns->rrepeats);
#endif
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
	relp_free(ns->relp);
	spool_close(ns->nc.spool);
	ns_disconnect(ns);
#ifdef HAVE_HIREDIS
	free(ns->rdkey);
#endif
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
	ns->epoch = env->epoch;
	ns->nc.name = ns->name;
	ns->nc.spec = &ns->spec;
	ns->nc.c = &ns->s.c;
	ns->nc.delay = NS_RETRY_MIN_MS;
	pthread_mutex_init(&ns->lock, NULL);
	pthread_cond_init(&ns->cv, NULL);
	pthread_cond_init(&ns->cv_space, NULL);
	if (sp->kind == OUTK_SYSLOG && sp->transport == OUTT_TLS &&
	    tls_setup(ns, err, errlen) == -1)
		goto fail;
	if (sp->kind == OUTK_SYSLOG && sp->transport == OUTT_RELP &&
	    (ns->relp = relp_new(&ns->nc, err, errlen)) == NULL)
		goto fail;
#ifndef HAVE_HIREDIS
	if (sp->kind == OUTK_REDIS) {
		snprintf(err, errlen, "%s: built without hiredis", ns->name);
		goto fail;
	}
#else
	/* Without seq (no state) there is nothing to deduplicate on. */
	if (sp->kind == OUTK_REDIS && sp->redis_dedupe && env->epoch != 0)
		ns->rdkey = redis_dedupe_key(sp->redis_key, env->host != NULL ?
		    env->host : "-", ns->name);
#endif
	if (sp->spool_max > 0) {
		if (env->statedir == NULL) {
			snprintf(err, errlen, "%s: spool: no state directory",
			    ns->name);
			goto fail;
		}
		netsink_spool_path(&ns->spec, env->statedir, path,
		    sizeof(path));
		if ((ns->nc.spool = spool_open(path, sp->spool_max,
		    sp->spool_drop == 1)) == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (spool_recovered(ns->nc.spool) > 0)
			log_info("output %s: %" PRIu64 " records in the spool "
			    "from an earlier run are sent first", ns->name,
			    spool_recovered(ns->nc.spool));
	}
	/* The thread starts with the output stage (ns_start). */
	return &ns->s;
 fail:
	ns_free(&ns->s);
	return NULL;
}
