/*
 * app/layer.c - parser selection, stream buffering and EVE records for
 * application-layer facts.
 *
 * Detection is by content: each enabled parser probes the first bytes
 * of each direction (parsers whose hint ports match go first, but no
 * port is required, so HL7 on 6661 or DICOM on 11112 are found too).
 * The first YES wins.  When every parser says NO for both directions,
 * or nothing decided within detect_bytes, the flow is left alone.
 *
 * Buffering: bytes are parsed straight from the packet when nothing is
 * pending; only the unconsumed tail of a direction is copied, and never
 * more than max_buffer bytes: past that the direction is given up with
 * an anomaly (a parser that wants more than the cap is broken or under
 * attack; the parsers themselves cap their messages far below it).
 */
#include <config.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "app/dpi.h"
#include "app/layer.h"
#include "decode/packet.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "output/jsonw.h"
#include "output/record.h"
#include "util/log.h"
#include "util/util.h"

#define APP_MAX_FLOW_ANOM	8	/* distinct anomalies remembered */

static int	packet_dir(const struct flow *, const struct packet *);

/* The parsers of app/protocols.def; each one's own file defines it. */
#define APP_PROTO(id, name, def, parser, probe)				\
	extern const struct app_parser parser;
#define APP_PARSER(id, parser, probe)					\
	extern const struct app_parser parser;
#include "app/protocols.def"
#undef APP_PROTO
#undef APP_PARSER

/*
 * Each protocol's name and main parser, by enum app_proto; and the name
 * as the key of its records' object, quoted (app_emit(), JSONW_KEY()).
 */
static const struct {
	const char		*name;
	const struct app_parser	*parser;
	const char		*key;
	size_t			 keylen;
} app_protos[APP_MAX] = {
	[APP_UNKNOWN] = { NULL, NULL, NULL, 0 },
#define APP_PROTO(id, name, def, parser, probe)				\
	[APP_##id] = { name, &parser, "\"" name "\":", sizeof(name) + 2 },
#define APP_PARSER(id, parser, probe)
#include "app/protocols.def"
#undef APP_PROTO
#undef APP_PARSER
};

/* Every parser, in table order, with its place in the probing order. */
struct app_reg {
	const struct app_parser	*parser;
	unsigned		 probe;
};

static const struct app_reg app_registry[] = {
#define APP_PROTO(id, name, def, parser, probe)	{ &parser, probe },
#define APP_PARSER(id, parser, probe)		{ &parser, probe },
#include "app/protocols.def"
#undef APP_PROTO
#undef APP_PARSER
};
#define APP_NPARSERS	(sizeof(app_registry) / sizeof(app_registry[0]))

struct app_dir {
	uint8_t		*buf;
	size_t		 len;
	size_t		 size;
	bool		 done;		/* error, cap or eof: ignore bytes */
	bool		 said_no;	/* every parser said NO */
	bool		 ftp_no;	/* ftp_probe said NO */
	bool		 spoke;		/* bytes came this way */
};

struct app_flow {
	struct dpi_flow	*dpi;		/* nDPI's state, until it is done */
	const struct app_parser *parser;	/* NULL while detecting */
	void		*state;
	bool		 detect_failed;
	bool		 ftp_excluded;	/* dpi_exclude(DPI_EXCL_FTP) done */
	size_t		 extra;		/* parser's memuse() last counted */
	size_t		 dpi_mem;	/* dpi_flow_memuse() last counted */
	size_t		 mem;		/* all this flow holds here */
	struct app_dir	 dir[2];
	uint8_t		 n_anom;
	uint16_t	 anom[APP_MAX_FLOW_ANOM];
};

struct app_ctx {
	struct app_engine *eng;
	struct flow	*flow;
	struct app_flow	*af;
};

struct app_engine {
	struct app_engine_config cfg;
	struct counters	*ctr;
	const struct eve_opts *eve;
	struct record_writer *rw;	/* the worker's */
	const struct packet *pkt;	/* being processed, or NULL */
	void		(*fact)(void *, struct flow *, const struct packet *,
			    enum app_proto, int, const void *);
	void		*fact_arg;
	app_inspect_fn	*inspect;
	void		*inspect_arg;
	bool		 wants[APP_MAX];
	uint64_t	 mem;		/* the sum of every af->mem */
	/* The enabled parsers, in probing order. */
	const struct app_parser *parsers[APP_NPARSERS];
	size_t		 nparsers;
	struct dpi_engine *dpi;		/* NULL: nDPI off or failed */
};

const char *
app_proto_name(unsigned p)
{
	return p < APP_MAX ? app_protos[p].name : NULL;
}

const struct app_parser *
app_parser_get(enum app_proto p)
{
	return (unsigned)p < APP_MAX ? app_protos[p].parser : NULL;
}

const struct app_parser *
app_parser_at(size_t i)
{
	return i < APP_NPARSERS ? app_registry[i].parser : NULL;
}

void
app_engine_config_defaults(struct app_engine_config *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->max_buffer = APP_DEFAULT_MAX_BUFFER;
	c->detect_bytes = APP_DEFAULT_DETECT_BYTES;
	c->ndpi = true;
	for (i = 0; i < APP_MAX; i++)
		c->enabled[i] = true;
}

/* nDPI with the configured protocols (a comma-joined list). */
static struct dpi_engine *
engine_dpi(const struct app_engine_config *cfg)
{
	struct dpi_config dc;
	struct dpi_engine *d;
	const char **names = NULL;
	char err[256], *list = NULL, *s, *save;
	size_t n = 0;

	dpi_config_defaults(&dc);
	if (cfg->ndpi_max_packets != 0)
		dc.max_packets = cfg->ndpi_max_packets;
	if (cfg->ndpi_protocols != NULL && cfg->ndpi_protocols[0] != '\0') {
		list = xstrdup(cfg->ndpi_protocols);
		names = xcalloc(strlen(list) / 2 + 1, sizeof(*names));
		for (s = strtok_r(list, ",", &save); s != NULL;
		    s = strtok_r(NULL, ",", &save))
			names[n++] = s;
		dc.protocols = names;
		dc.n_protocols = n;
	}
	if ((d = dpi_engine_new(&dc, err, sizeof(err))) == NULL)
		log_warnx("nDPI disabled: %s", err);
	free(names);
	free(list);
	return d;
}

/*
 * The enabled parsers in probing order: by the probe column of
 * app/protocols.def, table order where two are equal (an insertion
 * sort, which keeps it).
 */
static void
app_engine_order(struct app_engine *e, const struct app_engine_config *cfg)
{
	const struct app_reg *sorted[APP_NPARSERS], *r;
	size_t i, j;

	e->nparsers = 0;
	for (i = 0; i < APP_NPARSERS; i++) {
		r = &app_registry[i];
		if ((unsigned)r->parser->proto >= APP_MAX ||
		    !cfg->enabled[r->parser->proto])
			continue;
		for (j = e->nparsers; j > 0 && sorted[j - 1]->probe > r->probe;
		    j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = r;
		e->nparsers++;
	}
	for (i = 0; i < e->nparsers; i++)
		e->parsers[i] = sorted[i]->parser;
}

struct app_engine *
app_engine_new(const struct app_engine_config *cfg, struct counters *ctr,
    const struct eve_opts *eve, struct record_writer *rw)
{
	struct app_engine *e;

	e = xcalloc(1, sizeof(*e));
	e->cfg = *cfg;
	e->ctr = ctr;
	e->eve = eve;
	e->rw = rw;
	app_engine_order(e, cfg);
	if (cfg->ndpi)
		e->dpi = engine_dpi(cfg);
	return e;
}

void
app_engine_free(struct app_engine *e)
{
	if (e == NULL)
		return;
	if (e->dpi != NULL)
		dpi_engine_free(e->dpi);
	free(e);
}

void
app_engine_set_packet(struct app_engine *e, const struct packet *p)
{
	e->pkt = p;
}

uint64_t
app_engine_memuse(const struct app_engine *e)
{
	return e->mem;
}

uint64_t
app_flow_memuse(const struct flow *f)
{
	const struct app_flow *af = f->app_state;

	return af != NULL ? af->mem : 0;
}

/*
 * af->mem is what the application layer holds for a flow, each block
 * at what malloc takes for it (mem_cost): this struct, nDPI's flow state
 * until nDPI is done, the parser's state and private heap (memuse op)
 * and the bytes buffered per direction.  e->mem is their sum: the flow
 * table counts it against flow.memcap (flow_ops.ext_memuse) and the
 * flow's own share when it picks a flow to evict (flow_ops.flow_memuse).
 */
static void
mem_add(struct app_engine *e, struct app_flow *af, size_t n)
{
	e->mem += n;
	af->mem += n;
}

static void
mem_sub(struct app_engine *e, struct app_flow *af, size_t n)
{
	e->mem -= n;
	af->mem -= n;
}

static struct app_flow *
app_flow_get(struct app_engine *e, struct flow *f)
{
	struct app_flow *af;

	if (f->app_state == NULL) {
		f->app_state = af = xcalloc(1, sizeof(struct app_flow));
		mem_add(e, af, mem_cost(sizeof(struct app_flow)));
	}
	return f->app_state;
}

_Static_assert(APP_MAX <= UINT16_MAX + 1, "flow.app_proto is a uint16_t");

static void
app_set_parser(struct app_engine *e, struct flow *f, struct app_flow *af,
    const struct app_parser *ap)
{
	af->parser = ap;
	/* A parser without state (each datagram whole) holds nothing. */
	if ((af->state = app_state_new(ap)) != NULL)
		mem_add(e, af, mem_cost(ap->state_size));
	f->app_proto = (uint16_t)ap->proto;
	ctr_inc(e->ctr, CTR_APP_DETECTED);
}

static void
dir_clear(struct app_engine *e, struct app_flow *af, struct app_dir *d)
{
	mem_sub(e, af, mem_cost(d->size));
	free(d->buf);
	d->buf = NULL;
	d->len = d->size = 0;
}

void
app_flow_end(struct app_engine *e, struct flow *f)
{
	struct app_flow *af = f->app_state;

	if (af == NULL)
		return;
	dpi_flow_free(af->dpi);
	if (af->parser != NULL && af->state != NULL)
		app_state_free(af->parser, af->state);
	free(af->dir[0].buf);
	free(af->dir[1].buf);
	e->mem -= af->mem;
	free(af);
	f->app_state = NULL;
}

/* Keep bytes of a direction; false when the cap would be exceeded. */
static bool
dir_append(struct app_engine *e, struct app_flow *af, struct app_dir *d,
    const uint8_t *p, size_t n, size_t cap)
{
	if (n > cap || d->len > cap - n)
		return false;
	if (d->len + n > d->size) {
		size_t nsize = d->size ? d->size : 1024;

		while (nsize < d->len + n)
			nsize *= 2;
		if (nsize > cap)
			nsize = cap;
		d->buf = xreallocarray(d->buf, 1, nsize);
		mem_add(e, af, mem_cost(nsize) - mem_cost(d->size));
		d->size = nsize;
	}
	memcpy(d->buf + d->len, p, n);
	d->len += n;
	return true;
}

void
app_anomaly(struct app_ctx *ctx, enum ww_counter ev)
{
	struct app_engine *e = ctx->eng;
	struct app_flow *af = ctx->af;
	uint8_t i;

	ctr_inc(e->ctr, ev);
	for (i = 0; i < af->n_anom; i++)
		if (af->anom[i] == ev)
			return;
	if (af->n_anom < APP_MAX_FLOW_ANOM)
		af->anom[af->n_anom++] = (uint16_t)ev;
	eve_anomaly_flow(e->rw, ctx->flow, NULL, ev, e->eve);
}

/* Records written, per protocol (stats: app.<name>.records; 0: none). */
static const enum ww_counter app_record_ctr[APP_MAX] = {
#define APP_PROTO(id, name, def, parser, probe)	[APP_##id] = CTR_APP_##id,
#define APP_PARSER(id, parser, probe)
#include "app/protocols.def"
#undef APP_PROTO
#undef APP_PARSER
};

void
app_emit(struct app_ctx *ctx, enum app_proto proto, int dir,
    const void *fact)
{
	struct app_engine *e = ctx->eng;
	const struct app_parser *ap = app_parser_get(proto);
	struct jsonw *jw;

	if (ap == NULL || ap->eve == NULL)
		return;
	if (e->fact != NULL)
		e->fact(e->fact_arg, ctx->flow, e->pkt, proto, dir, fact);
	if ((jw = eve_app_begin(e->rw, RECORD_APP + (unsigned)proto,
	    ctx->flow, app_proto_name(proto), dir, e->pkt, e->eve)) == NULL)
		return;		/* outputs.eve.types: facts only */
	if (app_record_ctr[proto] != 0)
		ctr_inc(e->ctr, app_record_ctr[proto]);
	jsonw_key_quoted(jw, app_protos[proto].key, app_protos[proto].keylen);
	jsonw_obj_open(jw);
	ap->eve(jw, fact);
	jsonw_obj_close(jw);
	if (ap->eve_extra != NULL &&
	    (ap->has_extra == NULL || ap->has_extra(fact))) {
		JSONW_KEY(jw, "wardwatch");
		jsonw_obj_open(jw);
		ap->eve_extra(jw, fact);
		jsonw_obj_close(jw);
	}
	record_commit(e->rw);
}

void
app_engine_set_inspect_sink(struct app_engine *e, app_inspect_fn *fn,
    const bool wants[APP_MAX], void *arg)
{
	int i;

	e->inspect = fn;
	e->inspect_arg = arg;
	for (i = 0; i < APP_MAX; i++)
		e->wants[i] = fn != NULL && wants != NULL && wants[i];
}

bool
app_inspect_wanted(struct app_ctx *ctx, enum app_proto proto)
{
	return (unsigned)proto < APP_MAX && ctx->eng->wants[proto];
}

void
app_inspect(struct app_ctx *ctx, enum app_proto proto, int dir,
    const struct app_buf *bufs, size_t nbufs, const void *fact)
{
	struct app_engine *e = ctx->eng;
	enum ww_counter ev[APP_MAX_FLOW_ANOM];
	uint8_t i;

	if (!app_inspect_wanted(ctx, proto) || nbufs == 0)
		return;
	for (i = 0; i < ctx->af->n_anom; i++)
		ev[i] = (enum ww_counter)ctx->af->anom[i];
	e->inspect(e->inspect_arg, ctx->flow, e->pkt, proto, dir, bufs,
	    nbufs, fact, ev, ctx->af->n_anom);
}

/* Count what the parser holds beyond its state (detection scratch). */
static void
app_extra_mem(struct app_engine *e, struct app_flow *af)
{
	size_t now;

	if (af->parser == NULL || af->parser->memuse == NULL ||
	    af->state == NULL)
		return;
	now = af->parser->memuse(af->state);
	mem_add(e, af, now);
	mem_sub(e, af, af->extra);
	af->extra = now;
}

void
app_engine_set_fact_sink(struct app_engine *e, void (*fact)(void *,
    struct flow *, const struct packet *, enum app_proto, int, const void *),
    void *arg)
{
	e->fact = fact;
	e->fact_arg = arg;
}

bool
app_facts_wanted(const struct app_ctx *ctx)
{
	return ctx->eng->fact != NULL;
}

/* Run the parser over bytes; keep what it did not consume. */
static void
app_parse(struct app_engine *e, struct flow *f, struct app_flow *af,
    int dir, const uint8_t *p, size_t n)
{
	struct app_dir *d = &af->dir[dir];
	struct app_ctx ctx = { e, f, af };
	const uint8_t *data = p;
	size_t have = n;
	struct app_result r;

	if (d->done)
		return;
	if (d->len > 0) {
		if (!dir_append(e, af, d, p, n, e->cfg.max_buffer)) {
			app_anomaly(&ctx, EV_APP_BUFFER_FULL);
			d->done = true;
			dir_clear(e, af, d);
			return;
		}
		data = d->buf;
		have = d->len;
	}
	while (have > 0) {
		r = af->parser->parse(af->state, &ctx, dir, data, have);
		if (r.consumed > have)
			r.consumed = have;	/* a parser bug; stay safe */
		data += r.consumed;
		have -= r.consumed;
		if (r.status == PARSE_ERROR) {
			ctr_inc(e->ctr, CTR_APP_PARSE_ERRORS);
			d->done = true;
			dir_clear(e, af, d);
			app_extra_mem(e, af);
			return;
		}
		if (r.status == PARSE_INCOMPLETE || r.consumed == 0)
			break;
	}
	/* Keep the tail (it may already be the buffer's own bytes). */
	if (d->len > 0) {
		memmove(d->buf, data, have);
		d->len = have;
		if (have == 0)
			dir_clear(e, af, d);
	} else if (have > 0 &&
	    !dir_append(e, af, d, data, have, e->cfg.max_buffer)) {
		app_anomaly(&ctx, EV_APP_BUFFER_FULL);
		d->done = true;
		dir_clear(e, af, d);
	}
	app_extra_mem(e, af);
}

static bool
port_hint(const struct app_parser *ap, uint16_t port_a, uint16_t port_b)
{
	const uint16_t *pp;

	if (ap->ports == NULL)
		return false;
	for (pp = ap->ports; *pp != 0; pp++)
		if (*pp == port_a || *pp == port_b)
			return true;
	return false;
}

size_t
app_engine_probe_order(const struct app_engine *e, uint8_t ipproto,
    uint16_t port_a, uint16_t port_b, const struct app_parser **out,
    size_t max)
{
	const struct app_parser *ap, *rest[APP_NPARSERS];
	size_t i, n = 0, nrest = 0;

	/* Parsers with a matching hint port first, then the rest: one
	 * look at each parser's ports. */
	for (i = 0; i < e->nparsers; i++) {
		ap = e->parsers[i];
		if (ap->ipproto != ipproto)
			continue;
		if (port_hint(ap, port_a, port_b)) {
			if (n < max)
				out[n++] = ap;
		} else
			rest[nrest++] = ap;
	}
	for (i = 0; i < nrest && n < max; i++)
		out[n++] = rest[i];
	return n;
}

/*
 * Probe the bytes buffered for a direction.  Returns the parser that
 * said YES, or NULL (all NO sets said_no).
 */
/* Whether a server's first bytes may be an FTP reply: a code of
 * 100 to 599, then a space or a dash (RFC 959 4.2), or a start of
 * one. */
static bool
app_ftp_reply(const uint8_t *p, size_t n)
{
	return (n < 1 || (p[0] >= '1' && p[0] <= '5')) &&
	    (n < 2 || (p[1] >= '0' && p[1] <= '9')) &&
	    (n < 3 || (p[2] >= '0' && p[2] <= '9')) &&
	    (n < 4 || p[3] == ' ' || p[3] == '-');
}

static const struct app_parser *
app_probe(struct app_engine *e, struct flow *f, struct app_dir *d, int dir,
    uint8_t ipproto)
{
	const struct app_parser *order[APP_NPARSERS];
	bool maybe = false;
	size_t i, n;

	n = app_engine_probe_order(e, ipproto, f->srv_port, f->cli_port,
	    order, APP_NPARSERS);
	for (i = 0; i < n; i++)
		switch (order[i]->probe(d->buf, d->len, dir)) {
		case APP_PROBE_YES:
			return order[i];
		case APP_PROBE_MAYBE:
			maybe = true;
			break;
		case APP_PROBE_NO:
			/* Final: the first bytes do not change.  A server's
			 * reply of another code than 220 (120, 421) may
			 * still be FTP's, and nDPI's to label. */
			if (order[i]->proto == APP_FTP &&
			    (dir == APP_DIR_TOSERVER ||
			    !app_ftp_reply(d->buf, d->len)))
				d->ftp_no = true;
			break;
		}
	if (!maybe)
		d->said_no = true;
	return NULL;
}

static void
app_start(struct app_engine *e, struct flow *f, struct app_flow *af,
    const struct app_parser *ap)
{
	int i;

	app_set_parser(e, f, af, ap);
	/* Parse what was buffered while detecting, client side first. */
	for (i = 0; i < 2; i++) {
		struct app_dir *d = &af->dir[i];
		uint8_t *buf = d->buf;
		size_t len = d->len;

		if (len == 0)
			continue;
		d->buf = NULL;
		d->len = 0;
		mem_sub(e, af, mem_cost(d->size));
		d->size = 0;
		app_parse(e, f, af, i, buf, len);
		free(buf);
	}
}

static void
app_detect_fail(struct app_engine *e, struct app_flow *af)
{
	af->detect_failed = true;
	dir_clear(e, af, &af->dir[0]);
	dir_clear(e, af, &af->dir[1]);
}

void
app_stream_data(struct app_engine *e, struct flow *f, int dir,
    const uint8_t *p, size_t n)
{
	struct app_flow *af;
	struct app_dir *d;
	const struct app_parser *ap;
	size_t take;

	if (e->nparsers == 0 || n == 0)
		return;
	af = app_flow_get(e, f);
	if (af->parser != NULL) {
		app_parse(e, f, af, dir, p, n);
		return;
	}
	if (af->detect_failed)
		return;
	d = &af->dir[dir];
	d->spoke = true;
	if (d->said_no)
		return;
	take = n < e->cfg.detect_bytes - d->len ? n :
	    e->cfg.detect_bytes - d->len;
	(void)dir_append(e, af, d, p, take, e->cfg.detect_bytes);
	if ((ap = app_probe(e, f, d, dir, IPPROTO_TCP)) != NULL) {
		app_start(e, f, af, ap);
		/* Bytes beyond what was buffered for probing. */
		if (take < n)
			app_parse(e, f, af, dir, p + take, n - take);
		return;
	}
	if ((af->dir[0].said_no && af->dir[1].said_no) ||
	    d->len >= e->cfg.detect_bytes)
		app_detect_fail(e, af);
	else if (d->said_no)
		dir_clear(e, af, d);
}

void
app_stream_gap(struct app_engine *e, struct flow *f, int dir)
{
	struct app_flow *af = f->app_state;

	if (af == NULL)
		return;
	if (af->parser == NULL) {
		/* Detection needs the first bytes; a gap spoils them. */
		app_detect_fail(e, af);
		return;
	}
	dir_clear(e, af, &af->dir[dir]);
	if (af->parser->gap != NULL && !af->dir[dir].done) {
		struct app_ctx ctx = { e, f, af };

		af->parser->gap(af->state, &ctx, dir);
		app_extra_mem(e, af);
	}
}

void
app_stream_eof(struct app_engine *e, struct flow *f, int dir)
{
	struct app_flow *af = f->app_state;

	if (af == NULL)
		return;
	/*
	 * Nothing more will come: let the parser report what it holds (an
	 * association without an answer, a request without a response).
	 */
	if (af->parser != NULL && af->parser->gap != NULL &&
	    !af->dir[dir].done) {
		struct app_ctx ctx = { e, f, af };

		af->parser->gap(af->state, &ctx, dir);
		app_extra_mem(e, af);
	}
	af->dir[dir].done = true;
	dir_clear(e, af, &af->dir[dir]);
	/*
	 * Both directions have ended: the parser will not be called
	 * again, so its state (2 KiB for TLS, 16 KiB for SMB) need not
	 * wait in the table with the closed flow for its timeout.
	 */
	if (af->dir[dir ^ 1].done && af->state != NULL) {
		mem_sub(e, af, mem_cost(af->parser->state_size) + af->extra);
		app_state_free(af->parser, af->state);
		af->state = NULL;
		af->extra = 0;
	}
}

void
app_udp_packet(struct app_engine *e, struct flow *f, const struct packet *p)
{
	struct app_flow *af;
	const struct app_parser *ap = NULL, *order[APP_NPARSERS];
	struct app_ctx ctx;
	size_t i, n;
	int dir;

	if (e->nparsers == 0 || p->payload_len == 0)
		return;
	dir = packet_dir(f, p);
	af = app_flow_get(e, f);
	if (af->detect_failed)
		return;
	if (af->parser == NULL) {
		n = app_engine_probe_order(e, IPPROTO_UDP, f->srv_port,
		    f->cli_port, order, APP_NPARSERS);
		for (i = 0; i < n && ap == NULL; i++)
			if (order[i]->probe(pkt_payload(p), p->payload_len,
			    dir) == APP_PROBE_YES)
				ap = order[i];
		if (ap == NULL) {
			/* Each datagram is whole: one look is enough. */
			af->detect_failed = true;
			return;
		}
		app_set_parser(e, f, af, ap);
	}
	ctx.eng = e;
	ctx.flow = f;
	ctx.af = af;
	if (af->parser->parse(af->state, &ctx, dir, pkt_payload(p),
	    p->payload_len).status == PARSE_ERROR)
		ctr_inc(e->ctr, CTR_APP_PARSE_ERRORS);
	app_extra_mem(e, af);
}

static int
packet_dir(const struct flow *f, const struct packet *p)
{
	return (p->sport == f->cli_port &&
	    memcmp(p->src, f->cli_ip, pkt_addrlen(p)) == 0) ?
	    FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT;
}

void
app_packet(struct app_engine *e, struct flow *f, const struct packet *p)
{
	struct app_flow *af;

	/* In the flow, not its app state: most packets of a flow come
	 * after nDPI is done, and need not touch the state at all. */
	if (e->dpi == NULL || f->app_dpi_done)
		return;
	af = app_flow_get(e, f);
	if (af->dpi == NULL) {
		if ((af->dpi = dpi_flow_new(e->dpi)) == NULL) {
			f->app_dpi_done = true;
			return;
		}
	}
	/*
	 * HL7 and DICOM are ours alone (nDPI 4.2 has no dissector for
	 * either): once a parser of ours has the flow, nDPI would only run
	 * every dissector on the next packets of a long session, up to
	 * max-packets, and find nothing.  Its answer so far stays.
	 */
	if (f->app_proto == APP_HL7 || f->app_proto == APP_DICOM) {
		dpi_stop(e->dpi, af->dpi);
		f->app_dpi_done = true;
		goto out;
	}
	/*
	 * FTP's first bytes are the server's greeting (a reply), then the
	 * client's USER: when ftp_probe has seen the server start with no
	 * reply and the client without USER, or the client speak first
	 * without USER, nDPI's FTP dissector, which needs a PASS or AUTH
	 * and its answer, need not try its command list on every packet.
	 * Not on a flow picked up mid-stream, whose first bytes are any
	 * of a session's (a PASS, an AUTH and its answer).
	 */
	if (af->dir[0].ftp_no && (af->dir[1].ftp_no || !af->dir[1].spoke) &&
	    !(f->flags & FLOW_F_MIDSTREAM) && !af->ftp_excluded) {
		dpi_exclude(af->dpi, DPI_EXCL_FTP);
		af->ftp_excluded = true;
	}
	/* l3_len is already trimmed to what was captured.  Once done,
	 * nDPI's own state is gone; the answer stays. */
	if (dpi_packet(e->dpi, af->dpi, p->data + p->l3_off,
	    p->l3_len, p->ts_us, packet_dir(f, p)) == DPI_DONE)
		f->app_dpi_done = true;
	/*
	 * Both sides have sent FIN (or one RST): no new bytes will come,
	 * yet a closed flow stays in the table until its timeout.  Free
	 * nDPI's state (its TLS reassembly holds up to 32 KiB) now.
	 */
	else if (f->state == FLOW_STATE_CLOSED) {
		dpi_release(e->dpi, af->dpi);
		f->app_dpi_done = true;
	}
 out:
	mem_add(e, af, dpi_flow_memuse(af->dpi));
	mem_sub(e, af, af->dpi_mem);
	af->dpi_mem = dpi_flow_memuse(af->dpi);
}

const char *
app_flow_proto(const struct flow *f)
{
	const struct app_flow *af = f->app_state;

	/* Our own content detection wins over nDPI's label. */
	if (app_proto_name(f->app_proto) != NULL)
		return app_proto_name(f->app_proto);
	if (af != NULL && af->dpi != NULL)
		return dpi_app_proto(af->dpi);
	return NULL;
}

void
app_flow_weak(const struct flow *f, struct app_flow_weak *w)
{
	const struct app_flow *af = f->app_state;

	memset(w, 0, sizeof(*w));
	if (af == NULL || af->dpi == NULL)
		return;
	w->risks = dpi_risk_ids(af->dpi);
	w->snmp = dpi_snmp_version(af->dpi);
}

/*
 * A NUL-terminated string of n bytes as a value of run r, escaped as
 * jsonw_str() escapes it (6 * n + 2 bytes at most).
 */
static void
run_cstr(struct jsonw_run *r, const char *s, size_t n)
{
	char *o = r->o;

	if (r->comma)
		*o++ = ',';
	r->comma = true;
	r->o = jsonw_put_text(o, s, n);
}

/*
 * The flow record's "ndpi" object, one run: a flow ends once, and the
 * member-by-member writes cost more than the names they wrote.
 */
void
app_flow_eve(struct jsonw *jw, const struct flow *f)
{
	const struct app_flow *af = f->app_state;
	const char *risks[64], *name, *cat;
	size_t rlen[64], i, n, nlen = 0, clen = 0, len;
	struct jsonw_run r;

	if (af == NULL || af->dpi == NULL)
		return;
	n = dpi_risks(af->dpi, risks, sizeof(risks) / sizeof(risks[0]));
	if ((name = dpi_ndpi_name(af->dpi)) == NULL && n == 0)
		return;
	cat = dpi_category(af->dpi);
	/* "ndpi":{"protocol":,"category":,"flow_risk":[]} and commas. */
	len = 64;
	if (name != NULL)
		len += 6 * (nlen = strlen(name));
	if (cat != NULL)
		len += 6 * (clen = strlen(cat));
	/* A risk: a comma and its quoted text, each byte escaped at
	 * worst; or a comma and null. */
	for (i = 0; i < n; i++)
		len += risks[i] != NULL ?
		    6 * (rlen[i] = strlen(risks[i])) + 3 : (rlen[i] = 0) + 5;
	jsonw_run_begin(jw, &r, len);
	JSONW_RUN_KEY(&r, "ndpi");
	jsonw_run_open(&r, '{');
	if (name != NULL) {
		JSONW_RUN_KEY(&r, "protocol");
		run_cstr(&r, name, nlen);
	}
	if (cat != NULL) {
		JSONW_RUN_KEY(&r, "category");
		run_cstr(&r, cat, clen);
	}
	if (n > 0) {
		JSONW_RUN_KEY(&r, "flow_risk");
		jsonw_run_open(&r, '[');
		for (i = 0; i < n; i++) {
			if (risks[i] != NULL)
				run_cstr(&r, risks[i], rlen[i]);
			else
				jsonw_run_lit(&r, "null", 4, true);
		}
		jsonw_run_close(&r, ']');
	}
	jsonw_run_close(&r, '}');
	jsonw_run_end(jw, &r);
}
