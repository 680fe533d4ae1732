/*
 * detect/detect-match.c - running the rules: Hyperscan prefilter over
 * each buffer, then full verification of every candidate in rule order
 * (contents with their positions and Suricata's backtracking, pcre,
 * byte ops, sizes, header conditions, flowbits).
 *
 * Nothing here allocates per packet: a thread's candidate list, stamps,
 * scratch and work buffers are sized at detect_thread_new(); a flow's
 * state (flowbits, stream tails) is allocated once, when first needed.
 */
#include <config.h>

#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/detect-int.h"
#include "flow/flow.h"
#include "decode/packet.h"
#include "util/util.h"

/*
 * A stream is scanned once: each chunk's new bytes, and before them
 * only as much of the kept tail as the longest pattern needs to end in
 * them.  Rules whose pattern was found in bytes still in the tail are
 * carried to the next chunk as candidates (their verification needs
 * the whole window), until the bytes of the chunk that found them have
 * left the tail.  More than DETECT_CARRY_MAX of them, or a new
 * protocol (new groups), and the next chunk scans the whole window as
 * before.
 */
#define DETECT_CARRY_MAX	16
#define DETECT_TAIL_START	64	/* a direction's tail at first */
struct detect_carry {
	uint32_t	 rule;
	uint64_t	 until;		/* stream offset: the chunk's end */
};

/*
 * A flow direction's header results: which of the rules without a fast
 * pattern in its packet groups (the IP group's, then the transport's)
 * pass the header (protocol, addresses, ports, flow direction), which
 * every packet of it would otherwise match again.  Made for one engine
 * (gen) and one tuple; a packet with another (a swap of client and
 * server, a same-host flow) makes it again.  Per-packet conditions
 * (flags, ttl, dsize, established, app protocol, flowbits) are still
 * checked each time.
 */
struct detect_hcache {
	uint64_t	 gen;
	const struct dgroup *g[2];
	uint32_t	 n0;		/* g[0]'s plain rules: bits 0..n0-1 */
	uint32_t	 nwords;
	uint8_t		 src[16], dst[16];
	uint16_t	 sp, dp;
	uint8_t		 ipver, proto;
	uint8_t		 quiet;		/* HC_QUIET_*: nothing to do when */
	uint64_t	 pass[];
};
/* No rule passes the header, and the groups' databases are of the
 * payload alone (none at all): a packet without payload (any packet)
 * makes no candidate. */
#define HC_QUIET_EMPTY	1
#define HC_QUIET_ALWAYS	2

/*
 * A flow's header results for transaction rules, per direction: a
 * transaction is matched by the flow's tuple, the same for all of them,
 * so each rule's protocol, addresses and ports are checked on its
 * first candidacy and remembered, two bits per rule of the
 * transaction's protocol (then the protocol-less ones', after n0).
 * Made for one engine (gen), protocol and tuple, from the second
 * transaction of a direction on: a flow with one never pays for it.
 */
struct detect_txcache {
	uint64_t	 gen;
	uint32_t	 n0;		/* slots of proto's rules */
	uint32_t	 nwords;	/* per direction */
	uint8_t		 cli[16], srv[16];
	uint16_t	 cli_port, srv_port;
	uint8_t		 ipver, proto;
	uint16_t	 app;
	uint64_t	 bits[];	/* [dir][word]: known, pass */
};

struct detect_flow {
	struct detect_thread *owner;
	struct detect_hcache *hc[2];	/* per direction, on demand */
	struct detect_txcache *txh;	/* on demand */
	uint64_t	*bits;		/* flowbits */
	uint64_t	 ntx[2];	/* transactions seen per direction */
	uint8_t		*tail[2];	/* last stream bytes per direction */
	uint32_t	 tail_len[2];
	uint32_t	 tail_cap[2];	/* what the groups seen needed */
	uint64_t	 stream_off[2];	/* stream offset of tail[d][0] */
	struct detect_carry *carry[2];	/* DETECT_CARRY_MAX, on demand */
	uint8_t		 ncarry[2];
	bool		 rescan[2];	/* scan the whole window next */
	uint8_t		 sproto[2];	/* app_proto the tail was scanned for */
	size_t		 size;
	/*
	 * Then, in the same block (flow_state), the parts most flows take:
	 * the flowbits, a one-word header cache and a first tail per
	 * direction (df_hc_in, df_tail_in).  One allocation instead of up
	 * to seven; size still counts each part as if allocated alone.
	 */
};

struct detect_thread {
	const struct detect_engine *e;
	detect_alert_fn	*fn;
	void		*arg;
	hs_scratch_t	*scratch;
	pcre2_match_data *md;
	pcre2_match_context *mc;	/* Suricata's backtracking limits */
	uint64_t	 pcre_limits;	/* matches cut short by them */
	uint32_t	*cand;
	size_t		 ncand;
	uint32_t	*stamp;
	uint32_t	 cur_stamp;
	uint32_t	*hdr_ok;	/* = cur_stamp: header known to pass */
	const struct pdb *cur_db;
	uint8_t		*sbuf;		/* stream window: tail + chunk */
	uint8_t		*xbuf;		/* scan-time transformed buffer */
	uint8_t		*vbuf;		/* verify-time transformed buffer */
	uint8_t		*b64;
	uint64_t	 memuse;
	bool		 passed;	/* a pass rule matched: stop */
	bool		 lit_scan;	/* small databases: no Hyperscan */
	bool		 no_bounds;	/* tests: streams scanned whole */
};

/* What one round of matching looks at. */
struct mctx {
	struct flow	*f;
	const struct packet *p;
	int		 dir;
	enum app_proto	 proto;		/* tx */
	const struct app_buf *bufs;
	size_t		 nbufs;
	const void	*fact;
	uint64_t	 tx_id;
	const enum ww_counter *events;
	size_t		 nevents;
	/* stream */
	const uint8_t	*sdata;
	size_t		 slen;
	uint64_t	 sbase;		/* stream offset of sdata[0] */
	size_t		 snew;		/* first byte not seen before */
	bool		 stream;
	struct detect_txcache *txh;	/* tx: header results, or NULL */
};

struct ictx {
	struct detect_thread *t;
	uint64_t	 vars[DETECT_MAX_BYTEVARS];
	int		 steps;
	uint64_t	 base;		/* absolute positions count from here */
	size_t		 end;		/* furthest matched byte */
	uint8_t		 b64len_valid;
	size_t		 b64len;
};

/* ---- buffers ---- */

static const uint8_t *
hdr_buf(const struct packet *p, unsigned dl, size_t *len)
{
	uint32_t a, b;

	switch (dl) {
	case DL_IPV4_HDR:
	case DL_IPV6_HDR:
		if (p->ipver != (dl == DL_IPV4_HDR ? 4 : 6))
			return NULL;
		a = p->l3_off;
		b = p->l4_off;
		if (dl == DL_IPV6_HDR && b > a + 40)
			b = a + 40;
		break;
	case DL_TCP_HDR:
	case DL_UDP_HDR:
	case DL_ICMPV4_HDR:
	case DL_ICMPV6_HDR:
		if ((dl == DL_TCP_HDR && p->proto != IPPROTO_TCP) ||
		    (dl == DL_UDP_HDR && p->proto != IPPROTO_UDP) ||
		    (dl == DL_ICMPV4_HDR && p->proto != IPPROTO_ICMP) ||
		    (dl == DL_ICMPV6_HDR && p->proto != IPPROTO_ICMPV6))
			return NULL;
		a = p->l4_off;
		b = p->payload_off;
		break;
	default:
		return NULL;
	}
	if (b < a || b > p->caplen)
		return NULL;
	*len = b - a;
	return p->data + a;
}

static bool
is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

/* Apply the transforms of key to d into out (DETECT_TRANSFORM_MAX). */
static const uint8_t *
transform(uint32_t key, const uint8_t *d, size_t len, uint8_t *out,
    size_t *olen)
{
	int i;
	size_t n = len;

	if ((key >> 8) == 0) {
		*olen = len;
		return d;
	}
	/* Room for every transform to add its byte (dotprefix). */
	if (len > DETECT_TRANSFORM_MAX - DETECT_MAX_TRANSFORMS)
		len = DETECT_TRANSFORM_MAX - DETECT_MAX_TRANSFORMS;
	memmove(out, d, len);
	n = len;
	for (i = 0; i < DETECT_MAX_TRANSFORMS; i++) {
		size_t r, w = 0;

		switch (DL_KEY_XFORM(key, i)) {
		case DT_NONE:
			*olen = n;
			return out;
		case DT_DOTPREFIX:
			memmove(out + 1, out, n);
			out[0] = '.';
			n++;
			break;
		case DT_TO_LOWERCASE:
			for (r = 0; r < n; r++)
				out[r] = (uint8_t)tolower(out[r]);
			break;
		case DT_TO_UPPERCASE:
			for (r = 0; r < n; r++)
				out[r] = (uint8_t)toupper(out[r]);
			break;
		case DT_STRIP_WHITESPACE:
			for (r = 0; r < n; r++)
				if (!is_ws(out[r]))
					out[w++] = out[r];
			n = w;
			break;
		case DT_COMPRESS_WHITESPACE:
			for (r = 0; r < n; r++) {
				if (is_ws(out[r]) && w > 0 && is_ws(out[w - 1]))
					continue;
				out[w++] = out[r];
			}
			n = w;
			break;
		case DT_URL_DECODE:
			for (r = 0; r < n; r++) {
				if (out[r] == '%' && r + 2 < n &&
				    util_hexval(out[r + 1]) >= 0 &&
				    util_hexval(out[r + 2]) >= 0) {
					out[w++] = (uint8_t)(util_hexval(out[r + 1]) << 4 |
					    util_hexval(out[r + 2]));
					r += 2;
				} else if (out[r] == '+')
					out[w++] = ' ';
				else
					out[w++] = out[r];
			}
			n = w;
			break;
		}
	}
	*olen = n;
	return out;
}

int
detect_b64_decode(const uint8_t *in, size_t len, uint8_t *out, size_t max)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = in[i];
		int v;

		if (c >= 'A' && c <= 'Z') v = c - 'A';
		else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
		else if (c >= '0' && c <= '9') v = c - '0' + 52;
		else if (c == '+' || c == '-') v = 62;
		else if (c == '/' || c == '_') v = 63;
		else if (c == '=' || is_ws(c))
			continue;
		else
			break;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == max)
				break;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)n;
}

/* ---- payload inspection ---- */

static bool
next_relative(const struct dlist *l, uint16_t i)
{
	const struct dm *m;

	if (i >= l->n)
		return false;
	m = &l->m[i];
	return (m->flags & (DMF_DISTANCE | DMF_WITHIN | DMF_RELATIVE)) != 0;
}

static const uint8_t *
find(const uint8_t *h, size_t hlen, const uint8_t *n, size_t nlen,
    bool nocase)
{
	size_t i, j;

	if (nlen == 0 || hlen < nlen)
		return NULL;
	if (!nocase)
		return memmem(h, hlen, n, nlen);
	for (i = 0; i + nlen <= hlen; i++) {
		if (tolower(h[i]) != tolower(n[0]))
			continue;
		for (j = 1; j < nlen; j++)
			if (tolower(h[i + j]) != tolower(n[j]))
				break;
		if (j == nlen)
			return h + i;
	}
	return NULL;
}

static bool
same(const uint8_t *a, const uint8_t *b, size_t n, bool nocase)
{
	size_t i;

	if (!nocase)
		return memcmp(a, b, n) == 0;
	for (i = 0; i < n; i++)
		if (tolower(a[i]) != tolower(b[i]))
			return false;
	return true;
}

static int64_t
mval(const struct ictx *ic, const struct dm *m, uint8_t flag, int32_t v)
{
	return (m->vars & flag) ? (int64_t)ic->vars[v] : (int64_t)v;
}

/* Read nbytes at off: binary (endianness) or text (base). */
static bool
read_num(const struct dm *m, const uint8_t *buf, size_t len, int64_t off,
    uint64_t *out, size_t *used)
{
	uint64_t v = 0;
	unsigned i, nb = m->nbytes;

	if (off < 0 || (uint64_t)off + nb > len)
		return false;
	buf += off;
	if (nb == 0)		/* string: up to the end of the buffer */
		nb = len - (size_t)off > 20 ? 20 : (unsigned)(len - (size_t)off);
	if (m->bflags & DBF_STRING) {
		int base = (m->bflags & DBF_HEX) ? 16 : (m->bflags & DBF_OCT) ?
		    8 : 10;
		unsigned nd = 0;

		for (i = 0; i < nb; i++) {
			int d = util_hexval(buf[i]);

			if (d < 0 || d >= base)
				break;
			v = v * (uint64_t)base + (uint64_t)d;
			nd++;
		}
		if (nd == 0)
			return false;
	} else if (m->bflags & DBF_LITTLE) {
		for (i = m->nbytes; i > 0; i--)
			v = v << 8 | buf[i - 1];
	} else {
		for (i = 0; i < m->nbytes; i++)
			v = v << 8 | buf[i];
	}
	if (m->bitmask != 0) {
		uint64_t mask = m->bitmask;

		v &= mask;
		while ((mask & 1) == 0) {
			mask >>= 1;
			v >>= 1;
		}
	}
	*out = v;
	*used = nb;
	return true;
}

static bool inspect(struct ictx *, const struct dlist *, uint16_t,
		    const uint8_t *, size_t, size_t);

/* Is name (NUL-terminated) the len bytes at p, case aside? */
static bool
name_is(const char *name, const uint8_t *p, size_t len)
{
	return strlen(name) == len && strncasecmp(name, (const char *)p,
	    len) == 0;
}

/* A DM_VALUE (detect-int.h): the buffer is the value as text. */
static bool
value_match(const struct dm *m, const uint8_t *buf, size_t len)
{
	const struct detect_vkw *k = &detect_vkws[m->vk];
	uint64_t v = 0, bits = 0;
	size_t i, s;
	uint8_t j;

	switch (k->kind) {
	case VK_UINT:
		if (len == 0 || len > 19)
			return false;
		for (i = 0; i < len; i++) {
			if (buf[i] < '0' || buf[i] > '9')
				return false;
			v = v * 10 + (uint64_t)(buf[i] - '0');
		}
		return detect_uop(&m->u, v);
	case VK_ENUM:
		for (j = 0; j < k->nnames; j++)
			if (name_is(k->names[j], buf, len))
				return detect_uop(&m->u, j);
		return false;
	default:
		for (s = 0, i = 0; i <= len; i++) {
			if (i < len && buf[i] != ',')
				continue;
			for (j = 0; j < k->nnames; j++)
				if (name_is(k->names[j], buf + s, i - s))
					bits |= 1ull << j;
			s = i + 1;
		}
		return (bits & m->u.a) == m->u.a && (bits & m->u.b) == 0;
	}
}

static bool
inspect_content(struct ictx *ic, const struct dlist *l, uint16_t i,
    const uint8_t *buf, size_t len, size_t prev)
{
	const struct dm *m = &l->m[i];
	bool nocase = (m->flags & DMF_NOCASE) != 0;
	int64_t start, end;
	const uint8_t *hit;

	if (m->flags & (DMF_DISTANCE | DMF_WITHIN)) {
		int64_t dist = (m->flags & DMF_DISTANCE) ?
		    mval(ic, m, DMV_DISTANCE, m->distance) : 0;

		start = (int64_t)prev + dist;
		if (start < 0)
			start = 0;
		end = (int64_t)len;
		if (m->flags & DMF_WITHIN) {
			int64_t w = (int64_t)prev + dist +
			    mval(ic, m, DMV_WITHIN, m->within);

			if (w < end)
				end = w;
		}
	} else {
		start = (m->flags & DMF_OFFSET) ?
		    mval(ic, m, DMV_OFFSET, m->offset) - (int64_t)ic->base : 0;
		end = (int64_t)len;
		if (m->flags & DMF_DEPTH) {
			int64_t d = ((m->flags & DMF_OFFSET) ?
			    mval(ic, m, DMV_OFFSET, m->offset) : 0) +
			    mval(ic, m, DMV_DEPTH, m->depth) - (int64_t)ic->base;

			if (d < end)
				end = d;
		}
		if (start < 0) {
			/* the window began before this buffer */
			if ((m->flags & (DMF_OFFSET | DMF_DEPTH)) && ic->base)
				return (m->flags & DMF_NEGATED) ?
				    inspect(ic, l, i + 1, buf, len, prev) : false;
			start = 0;
		}
	}
	for (;;) {
		if (end - start < (int64_t)m->plen)
			hit = NULL;
		else if (m->flags & DMF_ENDSWITH) {
			hit = NULL;
			if ((int64_t)len - (int64_t)m->plen >= start &&
			    (int64_t)len <= end && same(buf + len - m->plen,
			    m->pat, m->plen, nocase))
				hit = buf + len - m->plen;
		} else
			hit = find(buf + start, (size_t)(end - start), m->pat,
			    m->plen, nocase);
		if (hit == NULL)
			return (m->flags & DMF_NEGATED) ?
			    inspect(ic, l, i + 1, buf, len, prev) : false;
		if (m->flags & DMF_NEGATED)
			return false;
		if ((size_t)(hit - buf) + m->plen > ic->end)
			ic->end = (size_t)(hit - buf) + m->plen;
		if (inspect(ic, l, i + 1, buf, len, (size_t)(hit - buf) +
		    m->plen))
			return true;
		if (!next_relative(l, i + 1) || (m->flags & DMF_ENDSWITH) ||
		    ic->steps > DETECT_RECURSION_LIMIT)
			return false;
		start = (hit - buf) + 1;
	}
}

static bool
inspect_pcre(struct ictx *ic, const struct dlist *l, uint16_t i,
    const uint8_t *buf, size_t len, size_t prev)
{
	const struct dm *m = &l->m[i];
	size_t start = (m->flags & DMF_RELATIVE) ? prev : 0, off = 0;
	PCRE2_SIZE *ov;
	int rc;

	if (start > len)
		return (m->flags & DMF_NEGATED) ? inspect(ic, l, i + 1, buf,
		    len, prev) : false;
	for (;;) {
		rc = pcre2_match(m->re, buf + start, len - start, off, 0,
		    ic->t->md, ic->t->mc);
		if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT)
			ic->t->pcre_limits++;	/* no match, as in Suricata */
		if (rc < 0)
			return (m->flags & DMF_NEGATED) ? inspect(ic, l, i + 1,
			    buf, len, prev) : false;
		if (m->flags & DMF_NEGATED)
			return false;
		ov = pcre2_get_ovector_pointer(ic->t->md);
		if (start + ov[1] > ic->end)
			ic->end = start + ov[1];
		{
			size_t mstart = ov[0], mend = ov[1];

			if (inspect(ic, l, i + 1, buf, len, start + mend))
				return true;
			if (!next_relative(l, i + 1) ||
			    ic->steps > DETECT_RECURSION_LIMIT ||
			    mstart + 1 > len - start)
				return false;
			off = mstart + 1;
		}
	}
}

static bool
inspect(struct ictx *ic, const struct dlist *l, uint16_t i,
    const uint8_t *buf, size_t len, size_t prev)
{
	const struct dm *m;
	int64_t off;
	uint64_t v;
	size_t used;
	bool ok;

	if (i >= l->n)
		return true;
	if (++ic->steps > DETECT_RECURSION_LIMIT)
		return false;
	m = &l->m[i];
	switch (m->type) {
	case DM_CONTENT:
		return inspect_content(ic, l, i, buf, len, prev);
	case DM_PCRE:
		return inspect_pcre(ic, l, i, buf, len, prev);
	case DM_ISDATAAT:
		off = mval(ic, m, DMV_BOFFSET, m->boffset);
		if (m->flags & DMF_RELATIVE)
			ok = (uint64_t)prev + (uint64_t)off <= len;
		else
			ok = (uint64_t)off < len + ic->base &&
			    (uint64_t)off >= ic->base;
		if (m->flags & DMF_NEGATED)
			ok = !ok;
		return ok && inspect(ic, l, i + 1, buf, len, prev);
	case DM_BSIZE:
		return detect_uop(&m->u, len) &&
		    inspect(ic, l, i + 1, buf, len, prev);
	case DM_VALUE:
		return value_match(m, buf, len) &&
		    inspect(ic, l, i + 1, buf, len, prev);
	case DM_DATASET:
		return detect_dataset_match(ic->t->e, m->ds, m->op, buf, len) &&
		    inspect(ic, l, i + 1, buf, len, prev);
	case DM_BYTE_TEST: {
		uint64_t want = (m->vars & DMV_VALUE) ? ic->vars[m->value] :
		    m->value;

		off = mval(ic, m, DMV_BOFFSET, m->boffset) +
		    ((m->flags & DMF_RELATIVE) ? (int64_t)prev : 0);
		if (!read_num(m, buf, len, off, &v, &used))
			return false;
		switch (m->op) {
		case BT_LT: ok = v < want; break;
		case BT_GT: ok = v > want; break;
		case BT_EQ: ok = v == want; break;
		case BT_LE: ok = v <= want; break;
		case BT_GE: ok = v >= want; break;
		case BT_AND: ok = (v & want) != 0; break;
		default: ok = (v ^ want) != 0; break;
		}
		if (m->bflags & DBF_NOT)
			ok = !ok;
		return ok && inspect(ic, l, i + 1, buf, len, prev);
	}
	case DM_BYTE_EXTRACT:
		off = m->boffset + ((m->flags & DMF_RELATIVE) ? (int64_t)prev :
		    0);
		if (!read_num(m, buf, len, off, &v, &used))
			return false;
		if (m->multiplier)
			v *= m->multiplier;
		if ((m->bflags & DBF_ALIGN) && (v % 4))
			v += 4 - v % 4;
		ic->vars[m->var] = v;
		return inspect(ic, l, i + 1, buf, len, (size_t)off + used);
	case DM_BYTE_JUMP: {
		int64_t pos;

		off = mval(ic, m, DMV_BOFFSET, m->boffset) +
		    ((m->flags & DMF_RELATIVE) ? (int64_t)prev : 0);
		if (m->nbytes == 0) {
			v = 0;
			used = 0;
			if (off < 0 || (uint64_t)off > len)
				return false;
		} else if (!read_num(m, buf, len, off, &v, &used))
			return false;
		if (m->multiplier)
			v *= m->multiplier;
		if ((m->bflags & DBF_ALIGN) && (v % 4))
			v += 4 - v % 4;
		if (v > len)
			return false;
		if (m->bflags & DBF_BEGIN)
			pos = (int64_t)v;
		else if (m->bflags & DBF_END)
			pos = (int64_t)len + (int64_t)v;
		else
			pos = off + (int64_t)used + (int64_t)v;
		pos += m->post_offset;
		if (pos < 0 || (uint64_t)pos > len)
			return false;
		return inspect(ic, l, i + 1, buf, len, (size_t)pos);
	}
	case DM_B64_DECODE: {
		size_t from = (size_t)m->b64_offset + ((m->flags &
		    DMF_RELATIVE) ? prev : 0), n;
		int got;

		if (from > len)
			return false;
		n = len - from;
		if (m->b64_bytes && m->b64_bytes < n)
			n = m->b64_bytes;
		got = detect_b64_decode(buf + from, n, ic->t->b64,
		    DETECT_B64_MAX);
		ic->b64len = got > 0 ? (size_t)got : 0;
		ic->b64len_valid = 1;
		return inspect(ic, l, i + 1, buf, len, prev);
	}
	case DM_B64_DATA: {
		struct ictx sub;

		if (!ic->b64len_valid || ic->b64len == 0)
			return false;
		sub = *ic;
		sub.base = 0;
		if (!inspect(&sub, l, i + 1, ic->t->b64, ic->b64len, 0))
			return false;
		ic->steps = sub.steps;
		return true;
	}
	}
	return false;
}

/* ---- header conditions ---- */

static bool
flow_established(const struct flow *f)
{
	if (f->proto == IPPROTO_TCP)
		return f->tcp_state == TCP_ESTABLISHED ||
		    f->tcp_state == TCP_FIN_WAIT ||
		    f->tcp_state == TCP_CLOSING ||
		    (f->state == FLOW_STATE_ESTABLISHED &&
		    f->tcp_state != TCP_CLOSED);
	return f->state == FLOW_STATE_ESTABLISHED;
}

static bool
hc_match(const struct hcond *h, const struct packet *p, const struct flow *f,
    int dir)
{
	uint64_t v;
	const uint8_t *l4;

	if (h->type == HC_STREAM_SIZE) {
		uint64_t s, c;

		if (f == NULL || f->proto != IPPROTO_TCP)
			return false;
		c = f->tcp.dir[FLOW_DIR_TOSERVER].delivered;
		s = f->tcp.dir[FLOW_DIR_TOCLIENT].delivered;
		switch (h->mod) {
		case 0: return detect_uop(&h->u, s);
		case 1: return detect_uop(&h->u, c);
		case 2: return detect_uop(&h->u, s) && detect_uop(&h->u, c);
		default: return detect_uop(&h->u, s) || detect_uop(&h->u, c);
		}
	}
	(void)dir;
	if (p == NULL)
		return false;
	l4 = p->data + p->l4_off;
	switch (h->type) {
	case HC_TTL: v = p->ttl; break;
	case HC_IP_PROTO: v = p->proto; break;
	case HC_IP_ID:
		if (p->ipver != 4)
			return false;
		v = p->ip_id;
		break;
	case HC_DSIZE: v = p->payload_len; break;
	case HC_ITYPE:
	case HC_ICODE:
		if (p->proto != IPPROTO_ICMP && p->proto != IPPROTO_ICMPV6)
			return false;
		v = h->type == HC_ITYPE ? p->icmp_type : p->icmp_code;
		break;
	case HC_ICMP_ID:
	case HC_ICMP_SEQ: {
		bool echo;

		if (p->proto == IPPROTO_ICMP)
			echo = p->icmp_type == 0 || p->icmp_type == 8 ||
			    p->icmp_type == 13 || p->icmp_type == 14 ||
			    p->icmp_type == 15 || p->icmp_type == 16 ||
			    p->icmp_type == 17 || p->icmp_type == 18;
		else if (p->proto == IPPROTO_ICMPV6)
			echo = p->icmp_type == 128 || p->icmp_type == 129;
		else
			return false;
		if (!echo || p->l4_off + 8 > p->caplen)
			return false;
		v = h->type == HC_ICMP_ID ? (uint64_t)(l4[4] << 8 | l4[5]) :
		    (uint64_t)(l4[6] << 8 | l4[7]);
		break;
	}
	case HC_WINDOW:
	case HC_ACK:
	case HC_SEQ:
	case HC_TCP_MSS:
		if (p->proto != IPPROTO_TCP)
			return false;
		if (h->type == HC_WINDOW) v = p->tcp_win;
		else if (h->type == HC_ACK) v = p->tcp_ack;
		else if (h->type == HC_SEQ) v = p->tcp_seq;
		else {
			if (p->tcp_mss == 0)
				return false;
			v = p->tcp_mss;
		}
		break;
	case HC_FLAGS: {
		uint8_t fl, want = (uint8_t)h->u.a;

		if (p->proto != IPPROTO_TCP)
			return false;
		fl = p->tcp_flags & (uint8_t)~h->mask;
		switch (h->mod) {
		case '+': return (fl & want) == want;
		case '*': return want == 0 ? fl == 0 : (fl & want) != 0;
		case '!': return (fl & want) == 0;
		default: return fl == want;
		}
	}
	case HC_MAX: {		/* fragbits */
		uint8_t fb, want = (uint8_t)h->u.a;

		if (p->ipver != 4 || p->l3_off + 8 > p->caplen)
			return false;
		fb = p->data[p->l3_off + 6] & 0xe0;
		switch (h->mod) {
		case '+': return (fb & want) == want;
		case '*': return (fb & want) != 0;
		case '!': return (fb & want) == 0;
		default: return fb == want;
		}
	}
	default:
		return false;
	}
	return detect_uop(&h->u, v);
}

static bool
fb_isset(const struct detect_flow *df, uint32_t id)
{
	return df != NULL && df->bits != NULL &&
	    (df->bits[id / 64] >> (id % 64)) & 1;
}

/* The layout of a flow's block: the struct, flowbits, two one-word
 * header caches, two first tails (8-byte aligned, as malloc gives). */
#define DF_ALIGN8(n)	(((n) + 7) & ~(size_t)7)
#define DF_BITS_OFF	DF_ALIGN8(sizeof(struct detect_flow))
#define DF_HC_OFF(w)	(DF_BITS_OFF + (w) * sizeof(uint64_t))
#define DF_HC1		DF_ALIGN8(sizeof(struct detect_hcache) + \
			    sizeof(uint64_t))

/* A direction's header cache and first tail in df's block. */
static inline struct detect_hcache *
df_hc_in(const struct detect_flow *df, int dir)
{
	size_t words = (df->owner->e->nfb + 63) / 64;

	return (struct detect_hcache *)(void *)((uint8_t *)(uintptr_t)df +
	    DF_HC_OFF(words) + (size_t)dir * DF_HC1);
}

static inline uint8_t *
df_tail_in(const struct detect_flow *df, int dir)
{
	return (uint8_t *)df_hc_in(df, 0) + 2 * DF_HC1 +
	    (size_t)dir * DETECT_TAIL_START;
}

static struct detect_flow *
flow_state(struct detect_thread *t, struct flow *f)
{
	struct detect_flow *df;
	size_t words;

	if (f == NULL)
		return NULL;
	if (f->detect != NULL)
		return f->detect;
	words = (t->e->nfb + 63) / 64;
	df = xcalloc(1, DF_HC_OFF(words) + 2 * DF_HC1 +
	    2 * DETECT_TAIL_START);
	df->owner = t;
	/* What malloc takes for the block, as the flow table counts
	 * flows: the inline header caches and first tails are in it,
	 * used or not; only what grows onto the heap adds. */
	df->size = mem_cost(DF_HC_OFF(words) + 2 * DF_HC1 +
	    2 * DETECT_TAIL_START);
	if (words > 0)
		df->bits = (uint64_t *)((uint8_t *)df + DF_BITS_OFF);
	t->memuse += df->size;
	f->detect = df;
	return df;
}

/* What header_match() compares a rule's header with. */
struct htuple {
	const uint8_t	*src, *dst;
	uint16_t	 sp, dp;	/* 0 for a protocol without ports */
	int		 ipver;
	uint8_t		 proto;
};

/* c's tuple in the direction of its bytes; false: it has none. */
static bool
header_tuple(const struct mctx *c, struct htuple *h)
{
	/*
	 * Streams and transactions are matched by the flow and the
	 * direction of their bytes: the packet at hand may be the other
	 * direction's (stream bytes are delivered when acknowledged; a
	 * response completes a transaction).
	 */
	if (c->p != NULL && pkt_is_ip(c->p) && (c->f == NULL ||
	    (!c->stream && c->proto == APP_UNKNOWN))) {
		h->ipver = c->p->ipver;
		h->proto = c->p->proto;
		h->src = c->p->src;
		h->dst = c->p->dst;
		h->sp = c->p->sport;
		h->dp = c->p->dport;
	} else if (c->f != NULL) {
		h->ipver = c->f->ipver;
		h->proto = c->f->proto;
		h->src = c->dir == FLOW_DIR_TOSERVER ? c->f->cli_ip :
		    c->f->srv_ip;
		h->dst = c->dir == FLOW_DIR_TOSERVER ? c->f->srv_ip :
		    c->f->cli_ip;
		h->sp = c->dir == FLOW_DIR_TOSERVER ? c->f->cli_port :
		    c->f->srv_port;
		h->dp = c->dir == FLOW_DIR_TOSERVER ? c->f->srv_port :
		    c->f->cli_port;
	} else
		return false;
	if (h->proto != IPPROTO_TCP && h->proto != IPPROTO_UDP &&
	    h->proto != IPPROTO_SCTP)
		h->sp = h->dp = 0;
	return true;
}

/* detect_port_match() and detect_addr_match(), without a call for
 * 'any' (most rules' source port, many rules' addresses) */
static inline bool
port_ok(const struct anode *n, uint16_t p)
{
	return n == NULL || n->kind == AN_ANY || detect_port_match(n, p);
}

static inline bool
addr_ok(const struct anode *n, int ipver, const uint8_t *a)
{
	return n == NULL || n->kind == AN_ANY ||
	    detect_addr_match(n, ipver, a);
}

/* The header: protocol, addresses and ports in the rule's direction. */
static bool
header_match_tuple(const struct drule *r, const struct htuple *h)
{
	bool noports = h->sp == 0 && h->dp == 0;

	if (r->ipproto == 255) {
		if (h->proto != IPPROTO_ICMP && h->proto != IPPROTO_ICMPV6)
			return false;
	} else if (r->ipproto != 0 && r->ipproto != h->proto)
		return false;
	/* ports first: cheaper, and they tell most rules apart */
	if ((noports ? (r->sp == NULL || r->sp->kind == AN_ANY) &&
	    (r->dp == NULL || r->dp->kind == AN_ANY) :
	    port_ok(r->dp, h->dp) && port_ok(r->sp, h->sp)) &&
	    addr_ok(r->dst, h->ipver, h->dst) &&
	    addr_ok(r->src, h->ipver, h->src))
		return true;
	if (!r->bidir)
		return false;
	return addr_ok(r->src, h->ipver, h->dst) &&
	    addr_ok(r->dst, h->ipver, h->src) &&
	    (noports ? (r->sp == NULL || r->sp->kind == AN_ANY) &&
	    (r->dp == NULL || r->dp->kind == AN_ANY) :
	    port_ok(r->sp, h->dp) && port_ok(r->dp, h->sp));
}

static bool
header_match(const struct drule *r, const struct mctx *c)
{
	struct htuple h;

	return header_tuple(c, &h) && header_match_tuple(r, &h);
}

/* header_match() of a transaction rule, from h when it is known. */
static bool
txcache_header(struct detect_txcache *h, const struct drule *r,
    const struct mctx *c)
{
	uint32_t i = r->tx_slot + (r->app == h->app ? 0 : h->n0);
	uint64_t bit = 1ull << (i % 64), *w;
	bool pass;

	if (i / 64 >= h->nwords)
		return header_match(r, c);	/* not of h's groups */
	w = &h->bits[2 * ((size_t)c->dir * h->nwords + i / 64)];
	if (w[0] & bit)
		return (w[1] & bit) != 0;
	pass = header_match(r, c);
	w[0] |= bit;
	if (pass)
		w[1] |= bit;
	return pass;
}

static bool
conds_match(struct detect_thread *t, uint32_t ix, const struct mctx *c)
{
	const struct drule *r = &t->e->rules[ix];
	uint16_t i, j;
	const struct detect_flow *df;

	if (r->app != APP_UNKNOWN) {
		if (r->kind == RK_TX) {
			if (c->proto != r->app)
				return false;
		} else if (c->f == NULL || c->f->app_proto != r->app)
			return false;
	}
	if (t->hdr_ok[ix] != t->cur_stamp && !((c->txh != NULL &&
	    r->kind == RK_TX) ? txcache_header(c->txh, r, c) :
	    header_match(r, c)))
		return false;
	if (r->flow & (DFL_ESTABLISHED | DFL_NOT_ESTABLISHED | DFL_TOSERVER |
	    DFL_TOCLIENT)) {
		if (c->f == NULL)
			return false;
		if ((r->flow & DFL_TOSERVER) && c->dir != FLOW_DIR_TOSERVER)
			return false;
		if ((r->flow & DFL_TOCLIENT) && c->dir != FLOW_DIR_TOCLIENT)
			return false;
		if ((r->flow & DFL_ESTABLISHED) && !flow_established(c->f))
			return false;
		if ((r->flow & DFL_NOT_ESTABLISHED) && flow_established(c->f))
			return false;
	}
	if (r->flow & (DFL_ONLY_FRAG | DFL_NO_FRAG)) {
		bool frag = c->p != NULL && (c->p->flags & PKT_REASSEMBLED);

		if ((r->flow & DFL_ONLY_FRAG) && !frag)
			return false;
		if ((r->flow & DFL_NO_FRAG) && frag)
			return false;
	}
	for (i = 0; i < r->nhc; i++)
		if (!hc_match(&r->hc[i], c->p, c->f, c->dir))
			return false;
	if (r->nevents > 0) {
		bool hit = false;

		for (i = 0; i < r->nevents && !hit; i++)
			for (j = 0; j < c->nevents; j++)
				if (c->events[j] == r->events[i]) {
					hit = true;
					break;
				}
		if (!hit)
			return false;
	}
	df = c->f != NULL ? c->f->detect : NULL;
	for (i = 0; i < r->nfb; i++) {
		const struct fbop *op = &r->fb[i];
		bool all = true, any = false;

		if (op->cmd != FB_ISSET && op->cmd != FB_ISNOTSET)
			continue;
		for (j = 0; j < op->n; j++) {
			bool s = fb_isset(df, op->ids[j]);

			if (op->cmd == FB_ISNOTSET)
				s = !s;
			all &= s;
			any |= s;
		}
		if (op->any ? !any : !all)
			return false;
	}
	return true;
}

/*
 * Positions in the stream count from its start (depth:4 is its first 4
 * bytes).  Suricata also inspects each packet's payload when the stream
 * does not match, unless the rule is for the stream only
 * (flow:only_stream, tcp-stream): ET's SMB rules anchor each message
 * with offset and depth.  That second look only matters for a list
 * with absolute positions, in a round with bytes before the new ones.
 */
static bool
stream_fallback(const struct drule *r, const struct dlist *l,
    const struct mctx *c)
{
	uint16_t i;

	if (r->stream_only || (r->flow & DFL_ONLY_STREAM) || c->snew == 0 ||
	    c->snew >= c->slen)
		return false;
	for (i = 0; i < l->n; i++)
		if (l->m[i].flags & (DMF_OFFSET | DMF_DEPTH | DMF_STARTSWITH))
			return true;
	return false;
}

/* The bytes a list looks at in this round; false when absent. */
static bool
list_match(struct detect_thread *t, const struct drule *r,
    const struct dlist *l, const struct mctx *c, size_t *end)
{
	unsigned dl = DL_KEY_BUF(l->key);
	struct ictx ic;
	const uint8_t *d;
	size_t len, i;

	if (dl < DL_PAYLOAD) {
		/* a sticky buffer: any of its instances may match */
		for (i = 0; i < c->nbufs; i++) {
			if (c->bufs[i].id != dl)
				continue;
			d = transform(l->key, c->bufs[i].data, c->bufs[i].len,
			    t->vbuf, &len);
			memset(&ic, 0, sizeof(ic));
			ic.t = t;
			if (inspect(&ic, l, 0, d, len, 0))
				return true;
		}
		return false;
	}
	memset(&ic, 0, sizeof(ic));
	ic.t = t;
	if (dl == DL_PAYLOAD) {
		if (c->stream) {
			ic.base = c->sbase;
			if (inspect(&ic, l, 0, c->sdata, c->slen, 0) &&
			    ic.end > c->snew) {
				*end = ic.end;
				return true;
			}
			/* The first match was wholly in bytes seen before
			 * (and reported then): a later one in the new
			 * bytes, positions still from the stream's start. */
			if (c->snew > 0 && c->snew < c->slen) {
				memset(&ic, 0, sizeof(ic));
				ic.t = t;
				ic.base = c->sbase + c->snew;
				if (inspect(&ic, l, 0, c->sdata + c->snew,
				    c->slen - c->snew, 0)) {
					*end = c->snew + ic.end;
					return true;
				}
			}
			if (!stream_fallback(r, l, c))
				return false;
			/* As Suricata tries a packet's payload when the
			 * stream did not match: the bytes this delivery
			 * added, positions counted from their start. */
			memset(&ic, 0, sizeof(ic));
			ic.t = t;
			if (!inspect(&ic, l, 0, c->sdata + c->snew,
			    c->slen - c->snew, 0))
				return false;
			*end = c->snew + ic.end;
			return true;
		}
		if (c->p == NULL || !pkt_is_ip(c->p))
			return false;
		d = pkt_payload(c->p);
		len = c->p->payload_len;
		return inspect(&ic, l, 0, d, len, 0);
	}
	/* a header buffer */
	if (c->p == NULL || (d = hdr_buf(c->p, dl, &len)) == NULL)
		return false;
	d = transform(l->key, d, len, t->vbuf, &len);
	return inspect(&ic, l, 0, d, len, 0);
}

static void
apply_flowbits(struct detect_thread *t, const struct drule *r,
    struct mctx *c)
{
	struct detect_flow *df;
	uint16_t i, j;

	if (!r->fb_sets || c->f == NULL)
		return;
	df = flow_state(t, c->f);
	if (df->bits == NULL)
		return;
	for (i = 0; i < r->nfb; i++) {
		const struct fbop *op = &r->fb[i];

		for (j = 0; j < op->n; j++) {
			uint32_t id = op->ids[j];
			uint64_t bit = 1ull << (id % 64);

			if (op->cmd == FB_SET)
				df->bits[id / 64] |= bit;
			else if (op->cmd == FB_UNSET)
				df->bits[id / 64] &= ~bit;
			else if (op->cmd == FB_TOGGLE)
				df->bits[id / 64] ^= bit;
		}
	}
}

static void
evaluate(struct detect_thread *t, struct mctx *c, uint32_t ix)
{
	const struct drule *r = &t->e->rules[ix];
	struct detect_match dm;
	uint16_t i;
	size_t end = 0;

	if (!conds_match(t, ix, c))
		return;
	for (i = 0; i < r->nlists; i++) {
		size_t e = 0;

		if (r->lists[i].n == 0)
			continue;
		if (!list_match(t, r, &r->lists[i], c, &e))
			return;
		if (e > end)
			end = e;
	}
	/* stream: a match wholly in bytes seen before was reported then */
	if (c->stream && end <= c->snew)
		return;
	apply_flowbits(t, r, c);
	if (r->info.action == DETECT_PASS) {
		t->passed = true;
		return;
	}
	if (r->info.noalert)
		return;
	memset(&dm, 0, sizeof(dm));
	dm.rule = ix;
	dm.dir = c->dir;
	dm.flow = c->f;
	dm.pkt = c->p;
	dm.proto = c->proto;
	dm.fact = c->fact;
	dm.tx_id = c->tx_id;
	t->fn(t->arg, &dm);
}

/* ---- prefilter ---- */

/* Pattern id of d was found: its rules are candidates. */
static void
add_pattern(struct detect_thread *t, const struct pdb *d, unsigned id)
{
	uint32_t k, first, n;

	if (id >= d->npat)
		return;	/* not a pattern of ours: never trusted */
	first = d->pat_rules[id];
	n = d->pat_nrules[id];
	for (k = 0; k < n; k++) {
		uint32_t r = d->rule_ix[first + k];

		if (t->stamp[r] != t->cur_stamp) {
			t->stamp[r] = t->cur_stamp;
			t->cand[t->ncand++] = r;
		}
	}
}

static int
on_hs_match(unsigned id, unsigned long long from, unsigned long long to,
    unsigned flags, void *arg)
{
	struct detect_thread *t = arg;

	(void)from;
	(void)to;
	(void)flags;
	add_pattern(t, t->cur_db, id);
	return 0;
}

/* As Hyperscan's HS_FLAG_CASELESS: ASCII letters only. */
static inline uint8_t
lit_fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Does n occur in h, as a Hyperscan literal would match it? */
static bool
lit_find(const uint8_t *h, size_t hlen, const uint8_t *n, size_t nlen,
    bool nocase)
{
	size_t i, j;
	uint8_t c0;

	if (nlen == 0 || nlen > hlen)
		return false;
	hlen -= nlen - 1;	/* where a match can start */
	if (!nocase) {
		for (i = 0; i < hlen; i++) {
			if (h[i] != n[0])
				continue;
			for (j = 1; j < nlen && h[i + j] == n[j]; j++)
				;
			if (j == nlen)
				return true;
		}
		return false;
	}
	c0 = lit_fold(n[0]);
	for (i = 0; i < hlen; i++) {
		if (lit_fold(h[i]) != c0)
			continue;
		for (j = 1; j < nlen && lit_fold(h[i + j]) == lit_fold(n[j]);
		    j++)
			;
		if (j == nlen)
			return true;
	}
	return false;
}

/* Hyperscan's work for a database of a few patterns, on a short
 * buffer. */
static void
scan_lit(struct detect_thread *t, const struct pdb *d, const uint8_t *buf,
    size_t len)
{
	unsigned p;

	for (p = 0; p < d->npat; p++)
		if (lit_find(buf, len, d->lit_pat[p], d->lit_len[p],
		    d->lit_nocase[p]))
			add_pattern(t, d, p);
}

static void
round_begin(struct detect_thread *t)
{
	t->ncand = 0;
	t->passed = false;
	if (++t->cur_stamp == 0) {
		memset(t->stamp, 0, t->e->nrules * sizeof(*t->stamp));
		memset(t->hdr_ok, 0, t->e->nrules * sizeof(*t->hdr_ok));
		t->cur_stamp = 1;
	}
}

static void
scan(struct detect_thread *t, const struct pdb *d, const uint8_t *buf,
    size_t len)
{
	if (len == 0 || d->db == NULL)
		return;
	t->cur_db = d;
	(void)hs_scan(d->db, (const char *)buf, (unsigned)len, 0, t->scratch,
	    on_hs_match, t);
}

static void
add_plain(struct detect_thread *t, const struct dgroup *g)
{
	size_t i;

	for (i = 0; i < g->nplain; i++) {
		uint32_t r = g->plain[i];

		if (t->stamp[r] != t->cur_stamp) {
			t->stamp[r] = t->cur_stamp;
			t->cand[t->ncand++] = r;
		}
	}
}

/* In place, without allocating (qsort may malloc): insertion sort for
 * the usual handful of candidates, heapsort beyond. */
static void
sort_u32(uint32_t *a, size_t n)
{
	size_t i, j, start, end, root, child;
	uint32_t x;

	if (n <= 32) {
		for (i = 1; i < n; i++) {
			x = a[i];
			for (j = i; j > 0 && a[j - 1] > x; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		return;
	}
	for (start = n / 2; start-- > 0;) {
		for (root = start; (child = 2 * root + 1) < n; root = child) {
			if (child + 1 < n && a[child] < a[child + 1])
				child++;
			if (a[root] >= a[child])
				break;
			x = a[root];
			a[root] = a[child];
			a[child] = x;
		}
	}
	for (end = n - 1; end > 0; end--) {
		x = a[0];
		a[0] = a[end];
		a[end] = x;
		for (root = 0; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end && a[child] < a[child + 1])
				child++;
			if (a[root] >= a[child])
				break;
			x = a[root];
			a[root] = a[child];
			a[child] = x;
		}
	}
}

static void
run_candidates(struct detect_thread *t, struct mctx *c)
{
	size_t i;

	sort_u32(t->cand, t->ncand);
	for (i = 0; i < t->ncand && !t->passed; i++)
		evaluate(t, c, t->cand[i]);
}

/* ---- the API ---- */

struct detect_thread *
detect_thread_new(const struct detect_engine *e, detect_alert_fn *fn,
    void *arg)
{
	struct detect_thread *t = xcalloc(1, sizeof(*t));
	size_t i;
	uint32_t maxcap = 0;

	t->e = e;
	t->fn = fn;
	t->arg = arg;
	t->lit_scan = true;
	for (i = 0; i < e->ndb_total; i++)
		if (e->all_dbs[i] != NULL && hs_alloc_scratch(e->all_dbs[i],
		    &t->scratch) != HS_SUCCESS) {
			(void)fprintf(stderr, "detect: hs_alloc_scratch failed\n");
			abort();
		}
	for (i = 0; i < e->nrules; i++) {
		uint16_t j, k;

		for (j = 0; j < e->rules[i].nlists; j++)
			for (k = 0; k < e->rules[i].lists[j].n; k++) {
				uint32_t cap = 0;

				if (e->rules[i].lists[j].m[k].re != NULL)
					(void)pcre2_pattern_info(
					    e->rules[i].lists[j].m[k].re,
					    PCRE2_INFO_CAPTURECOUNT, &cap);
				if (cap > maxcap)
					maxcap = cap;
			}
	}
	t->md = pcre2_match_data_create(maxcap + 1, NULL);
	/* A hostile payload must not make a pattern backtrack for long:
	 * Suricata's pcre.match-limit and match-limit-recursion. */
	if ((t->mc = pcre2_match_context_create(NULL)) != NULL) {
		(void)pcre2_set_match_limit(t->mc, DETECT_PCRE_MATCH_LIMIT);
		(void)pcre2_set_depth_limit(t->mc, DETECT_PCRE_DEPTH_LIMIT);
	}
	t->cand = xcalloc(e->nrules + 1, sizeof(*t->cand));
	t->stamp = xcalloc(e->nrules + 1, sizeof(*t->stamp));
	t->hdr_ok = xcalloc(e->nrules + 1, sizeof(*t->hdr_ok));
	t->sbuf = xcalloc(DETECT_STREAM_CHUNK + DETECT_STREAM_TAIL_MAX, 1);
	t->xbuf = xcalloc(DETECT_TRANSFORM_MAX + 1, 1);
	t->vbuf = xcalloc(DETECT_TRANSFORM_MAX + 1, 1);
	t->b64 = xcalloc(DETECT_B64_MAX, 1);
	return t;
}

uint64_t
detect_thread_pcre_limits(const struct detect_thread *t)
{
	return t->pcre_limits;
}

void
detect_thread_lit_scan(struct detect_thread *t, bool on)
{
	t->lit_scan = on;
}

void
detect_thread_stream_bounds(struct detect_thread *t, bool on)
{
	t->no_bounds = !on;
}

const uint32_t *
detect_thread_candidates(const struct detect_thread *t, size_t *n)
{
	*n = t->ncand;
	return t->cand;
}

void
detect_thread_free(struct detect_thread *t)
{
	if (t == NULL)
		return;
	if (t->scratch != NULL)
		hs_free_scratch(t->scratch);
	pcre2_match_data_free(t->md);
	pcre2_match_context_free(t->mc);
	free(t->cand);
	free(t->stamp);
	free(t->hdr_ok);
	free(t->sbuf);
	free(t->xbuf);
	free(t->vbuf);
	free(t->b64);
	free(t);
}

/* a == b for an address of ipver's length, without a libc call per
 * packet */
static inline bool
addr_same(const uint8_t *a, const uint8_t *b, int ipver)
{
	uint64_t x[2], y[2];
	uint32_t u, v;

	if (ipver == 6) {
		memcpy(x, a, 16);
		memcpy(y, b, 16);
		return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
	}
	memcpy(&u, a, 4);
	memcpy(&v, b, 4);
	return u == v;
}

static int
pkt_dir(const struct flow *f, const struct packet *p)
{
	bool ports = f != NULL && (f->proto == IPPROTO_TCP ||
	    f->proto == IPPROTO_UDP);

	if (f == NULL)
		return FLOW_DIR_TOSERVER;
	if (addr_same(p->src, f->cli_ip, p->ipver) &&
	    (!ports || p->sport == f->cli_port))
		return FLOW_DIR_TOSERVER;
	return FLOW_DIR_TOCLIENT;
}

static int
pkt_group(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return GT_TCP;
	case IPPROTO_UDP: return GT_UDP;
	case IPPROTO_ICMP: case IPPROTO_ICMPV6: return GT_ICMP;
	default: return GT_IP;
	}
}

static void
scan_group_pkt(struct detect_thread *t, const struct dgroup *g,
    const struct packet *p, bool plain)
{
	size_t i, len;
	const uint8_t *d;

	if (g == NULL)
		return;
	for (i = 0; i < g->ndbs; i++) {
		unsigned dl = DL_KEY_BUF(g->dbs[i].key);

		if (dl == DL_PAYLOAD) {
			d = pkt_payload(p);
			len = p->payload_len;
		} else if ((d = hdr_buf(p, dl, &len)) == NULL)
			continue;
		d = transform(g->dbs[i].key, d, len, t->xbuf, &len);
		scan(t, &g->dbs[i], d, len);
	}
	if (plain)
		add_plain(t, g);
}

/* Does the cache entry h hold p's tuple (as header_match() sees it)? */
static inline bool
hcache_same(const struct detect_hcache *h, const struct packet *p)
{
	return h->ipver == p->ipver && h->proto == p->proto &&
	    h->sp == p->sport && h->dp == p->dport &&
	    addr_same(h->src, p->src, p->ipver) &&
	    addr_same(h->dst, p->dst, p->ipver);
}

/* The header result of the i-th plain rule of h's groups. */
static uint32_t
hcache_rule(const struct detect_hcache *h, uint32_t i)
{
	return i < h->n0 ? h->g[0]->plain[i] : h->g[1]->plain[i - h->n0];
}

static uint8_t
hcache_quiet(const struct detect_hcache *h)
{
	uint32_t w;
	size_t k, i, ndbs = 0;

	for (w = 0; w < h->nwords; w++)
		if (h->pass[w] != 0)
			return 0;
	for (k = 0; k < 2; k++) {
		if (h->g[k] == NULL)
			continue;
		for (i = 0; i < h->g[k]->ndbs; i++)
			if (h->g[k]->dbs[i].key != DL_PAYLOAD)
				return 0;
		ndbs += h->g[k]->ndbs;
	}
	return ndbs == 0 ? HC_QUIET_ALWAYS : HC_QUIET_EMPTY;
}

/*
 * The header results of c's flow direction, made now if the flow has
 * none for this engine and tuple; NULL when its groups have no rule
 * without a fast pattern (nothing to save).
 */
static struct detect_hcache *
hcache_get(struct detect_thread *t, struct mctx *c,
    const struct dgroup *g0, const struct dgroup *g1)
{
	struct detect_flow *df;
	struct detect_hcache *h;
	struct htuple tu;
	uint32_t n0, n, i, words;
	size_t cost;

	if ((df = c->f->detect) != NULL && (h = df->hc[c->dir]) != NULL &&
	    h->gen == t->e->gen && hcache_same(h, c->p))
		return h;
	n0 = g0 != NULL ? (uint32_t)g0->nplain : 0;
	n = n0 + (g1 != NULL ? (uint32_t)g1->nplain : 0);
	if (n == 0)
		return NULL;
	df = flow_state(t, c->f);
	words = (n + 63) / 64;
	h = df->hc[c->dir];
	if (h == NULL || h->nwords != words) {
		/* The inline one is in the block's cost already. */
		cost = h != NULL && h != df_hc_in(df, c->dir) ?
		    mem_cost(sizeof(*h) + h->nwords * 8) : 0;
		/* every field is set again below */
		if (h != df_hc_in(df, c->dir))
			free(h);
		h = words == 1 ? df_hc_in(df, c->dir) :
		    xcalloc(1, sizeof(*h) + words * sizeof(uint64_t));
		df->hc[c->dir] = h;
		if (words != 1) {
			df->size += mem_cost(sizeof(*h) + words * 8);
			t->memuse += mem_cost(sizeof(*h) + words * 8);
		}
		df->size -= cost;
		t->memuse -= cost;
		h->nwords = words;
	}
	h->gen = t->e->gen;
	h->g[0] = g0;
	h->g[1] = g1;
	h->n0 = n0;
	memset(h->src, 0, sizeof(h->src));
	memset(h->dst, 0, sizeof(h->dst));
	memcpy(h->src, c->p->src, pkt_addrlen(c->p));
	memcpy(h->dst, c->p->dst, pkt_addrlen(c->p));
	h->sp = c->p->sport;
	h->dp = c->p->dport;
	h->ipver = c->p->ipver;
	h->proto = c->p->proto;
	memset(h->pass, 0, words * sizeof(uint64_t));
	/* the tuple once: every rule's header is compared with it */
	if (!header_tuple(c, &tu))
		n = 0;
	for (i = 0; i < n; i++) {
		const struct drule *r = &t->e->rules[hcache_rule(h, i)];

		if ((r->flow & DFL_TOSERVER) && c->dir != FLOW_DIR_TOSERVER)
			continue;
		if ((r->flow & DFL_TOCLIENT) && c->dir != FLOW_DIR_TOCLIENT)
			continue;
		if (header_match_tuple(r, &tu))
			h->pass[i / 64] |= 1ull << (i % 64);
	}
	h->quiet = hcache_quiet(h);
	return h;
}

/* add_plain() of h's groups, without the rules whose header fails. */
static void
add_cached(struct detect_thread *t, const struct detect_hcache *h)
{
	uint32_t w;

	for (w = 0; w < h->nwords; w++) {
		uint64_t bits = h->pass[w];

		while (bits != 0) {
			uint32_t r = hcache_rule(h, w * 64 +
			    (uint32_t)__builtin_ctzll(bits));

			bits &= bits - 1;
			t->hdr_ok[r] = t->cur_stamp;
			if (t->stamp[r] != t->cur_stamp) {
				t->stamp[r] = t->cur_stamp;
				t->cand[t->ncand++] = r;
			}
		}
	}
}

/*
 * The round of a packet that may have candidates: h is the flow
 * direction's header results when they hold for p.  Apart from
 * detect_packet() so that the packets of quiet flows (most) take only
 * its few instructions, not this one's frame.
 */
static __attribute__((noinline)) void
packet_round(struct detect_thread *t, struct flow *f, const struct packet *p,
    const enum ww_counter *events, size_t nevents, int dir,
    const struct detect_hcache *h)
{
	struct mctx c;
	const struct dgroup *g0, *g1 = NULL;
	int g;

	memset(&c, 0, sizeof(c));
	c.f = f;
	c.p = p;
	c.dir = dir;
	c.events = events;
	c.nevents = nevents;
	if (h != NULL) {
		g0 = h->g[0];
		g1 = h->g[1];
	} else {
		g0 = detect_sel(&t->e->pkt[GT_IP][c.dir], 0);
		g = pkt_group(p->proto);
		/* TCP and UDP groups are split by the server's port:
		 * toserver the packet's destination port, toclient its
		 * source port */
		if (g != GT_IP)
			g1 = detect_sel(&t->e->pkt[g][c.dir],
			    c.dir == FLOW_DIR_TOSERVER ? p->dport : p->sport);
		if (f != NULL)
			h = hcache_get(t, &c, g0, g1);
	}
	round_begin(t);
	scan_group_pkt(t, g0, p, h == NULL);
	scan_group_pkt(t, g1, p, h == NULL);
	if (h != NULL)
		add_cached(t, h);
	if (t->ncand > 0) {
		if (f != NULL)
			(void)flow_state(t, f);
		run_candidates(t, &c);
	}
}

void
detect_packet(struct detect_thread *t, struct flow *f,
    const struct packet *p, const enum ww_counter *events, size_t nevents)
{
	const struct detect_flow *df;
	const struct detect_hcache *h = NULL;
	int dir;

	if (t->e->nrules == 0 || !pkt_is_ip(p))
		return;
	dir = pkt_dir(f, p);
	/* the flow's groups and header results, when it has them */
	df = f != NULL ? f->detect : NULL;
	if (df != NULL && (h = df->hc[dir]) != NULL &&
	    (h->gen != t->e->gen || !hcache_same(h, p)))
		h = NULL;
	if (h != NULL && (h->quiet == HC_QUIET_ALWAYS ||
	    (h->quiet == HC_QUIET_EMPTY && p->payload_len == 0))) {
		/* no scan, no candidate: an empty round (passed and the
		 * stamps are for rounds with candidates) */
		t->ncand = 0;
		return;
	}
	packet_round(t, f, p, events, nevents, dir, h);
}

/* The server port a flow's groups are chosen by (0 without ports, as
 * header_match() sees it). */
static uint16_t
flow_port(const struct flow *f)
{
	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP &&
	    f->proto != IPPROTO_SCTP)
		return 0;
	return f->srv_port;
}

static void
stream_groups(const struct detect_thread *t, const struct flow *f, int dir,
    const struct dgroup *g[2])
{
	uint16_t port = flow_port(f);

	g[0] = detect_sel(&t->e->stream[APP_UNKNOWN][dir], port);
	g[1] = f->app_proto < APP_MAX && f->app_proto != APP_UNKNOWN ?
	    detect_sel(&t->e->stream[f->app_proto][dir], port) : NULL;
}

/*
 * The candidates of this chunk so far are those its scan found
 * (cand[0..nfound)): carried ones whose chunk is still in the window
 * join them, and the next chunk carries both, as long as what found
 * them stays in the tail (until > next).  Too many: the next chunk
 * scans its whole window instead.
 */
static void
carry_update(struct detect_thread *t, struct detect_flow *df, int dir,
    size_t nfound, uint64_t end, uint64_t next, bool keeps)
{
	struct detect_carry *cy = df->carry[dir], tmp[DETECT_CARRY_MAX];
	size_t i, n = 0, old = df->ncarry[dir];
	bool over = false;

	/* last chunk's carried rules are candidates again */
	for (i = 0; i < old; i++) {
		uint32_t r = cy[i].rule;

		if (t->stamp[r] != t->cur_stamp) {
			t->stamp[r] = t->cur_stamp;
			t->cand[t->ncand++] = r;
			if (cy[i].until > next && keeps)
				tmp[n++] = cy[i];
		}
	}
	if (!keeps) {
		df->ncarry[dir] = 0;
		df->rescan[dir] = false;
		return;
	}
	for (i = 0; i < nfound; i++) {
		if (n == DETECT_CARRY_MAX) {
			over = true;
			break;
		}
		tmp[n].rule = t->cand[i];
		tmp[n++].until = end;
	}
	df->rescan[dir] = over;
	if (over || n == 0) {
		df->ncarry[dir] = 0;
		return;
	}
	if (cy == NULL) {
		cy = df->carry[dir] = xcalloc(DETECT_CARRY_MAX, sizeof(*cy));
		df->size += mem_cost(DETECT_CARRY_MAX * sizeof(*cy));
		t->memuse += mem_cost(DETECT_CARRY_MAX * sizeof(*cy));
	}
	memcpy(cy, tmp, n * sizeof(*cy));
	df->ncarry[dir] = (uint8_t)n;
}

/* A part of the window: Hyperscan, or for a few patterns in a few
 * bytes, the same search without its cost per scan (scan_lit). */
static void
scan_part(struct detect_thread *t, const struct pdb *d, const uint8_t *buf,
    size_t len)
{
	if (d->lit && len <= DETECT_LIT_SCAN && len > 0 && d->db != NULL &&
	    t->lit_scan)
		scan_lit(t, d, buf, len);
	else
		scan(t, d, buf, len);
}

/*
 * A stream window: the tail kept, then the new bytes.  They are copied
 * into one buffer (t->sbuf, c->sdata) only when a part that holds
 * bytes of both is looked at, or a candidate is: most chunks of most
 * flows are scanned in place.
 */
struct swin {
	struct detect_thread *t;
	struct mctx	*c;		/* c->sdata: NULL until joined */
	const uint8_t	*tail, *data;
	size_t		 tl, len;
};

static const uint8_t *
win_join(struct swin *w)
{
	if (w->c->sdata != NULL)
		return w->c->sdata;
	if (w->tl == 0)
		w->c->sdata = w->data;
	else {
		memcpy(w->t->sbuf, w->tail, w->tl);
		memcpy(w->t->sbuf + w->tl, w->data, w->len);
		w->c->sdata = w->t->sbuf;
	}
	return w->c->sdata;
}

/* The window's bytes a .. b, contiguous. */
static const uint8_t *
win_part(struct swin *w, size_t a, size_t b)
{
	if (w->c->sdata != NULL)
		return w->c->sdata + a;
	if (a >= w->tl)
		return w->data + (a - w->tl);
	if (b <= w->tl)
		return w->tail + a;
	return win_join(w) + a;
}

/*
 * The window from 'from' on, or of it only where a match of d's rules
 * can hold their fast pattern (d->bound): the first stream bytes, and
 * the first bytes this delivery added (the packet payload look of
 * list_match()).  A pattern found elsewhere could only make candidates
 * that fail.
 */
static void
scan_stream(struct detect_thread *t, const struct pdb *d, struct swin *w,
    size_t from)
{
	const struct mctx *c = w->c;
	size_t a1 = from, b1 = from, a2, b2;

	if (d->bound == 0 || t->no_bounds) {
		scan(t, d, win_part(w, from, c->slen), c->slen - from);
		return;
	}
	if (d->bound > c->sbase)
		b1 = d->bound - c->sbase < c->slen ?
		    (size_t)(d->bound - c->sbase) : c->slen;
	if (b1 < a1)
		b1 = a1;
	/* the payload look is only for bytes after those seen before */
	a2 = c->snew > from ? c->snew : from;
	b2 = d->bound < c->slen - a2 ? a2 + (size_t)d->bound : c->slen;
	if (c->snew == 0 || b2 < a2)
		b2 = a2;
	if (b1 > a1 && b2 > a2 && a2 <= b1) {
		/* one part: they meet */
		b1 = b2 > b1 ? b2 : b1;
		scan_part(t, d, win_part(w, a1, b1), b1 - a1);
		return;
	}
	if (b1 > a1)
		scan_part(t, d, win_part(w, a1, b1), b1 - a1);
	if (b2 > a2)
		scan_part(t, d, win_part(w, a2, b2), b2 - a2);
}

static void
stream_chunk(struct detect_thread *t, struct flow *f, struct detect_flow *df,
    int dir, const uint8_t *data, size_t len, const struct dgroup *g[2])
{
	struct mctx c;
	struct swin w;
	size_t tl = df->tail_len[dir], keep, i, k, from, nfound;
	uint64_t base = df->stream_off[dir], next;
	uint32_t maxlen;
	bool full;

	memset(&c, 0, sizeof(c));
	c.f = f;
	c.dir = dir;
	c.stream = true;
	w.t = t;
	w.c = &c;
	w.tail = df->tail[dir];
	w.tl = tl;
	w.data = data;
	w.len = len;
	/* nothing kept before these bytes: they are the window */
	if (tl == 0)
		c.sdata = data;
	c.slen = tl + len;
	c.sbase = base;
	c.snew = tl;
	/* keep what the longest rule of these groups needs */
	keep = 0;
	maxlen = 0;
	for (k = 0; k < 2; k++) {
		if (g[k] == NULL)
			continue;
		if (g[k]->span > keep)
			keep = g[k]->span;
		for (i = 0; i < g[k]->ndbs; i++)
			if (g[k]->dbs[i].maxlen > maxlen)
				maxlen = g[k]->dbs[i].maxlen;
	}
	if (keep > t->e->stream_tail)
		keep = t->e->stream_tail;
	if (keep > c.slen)
		keep = c.slen;
	next = base + c.slen - keep;
	/* a pattern that ends in the new bytes starts no earlier */
	full = df->rescan[dir] || df->sproto[dir] != (uint8_t)f->app_proto;
	from = full || maxlen == 0 || tl < maxlen ? 0 : tl - (maxlen - 1);
	round_begin(t);
	for (k = 0; k < 2; k++)
		if (g[k] != NULL)
			for (i = 0; i < g[k]->ndbs; i++)
				scan_stream(t, &g[k]->dbs[i], &w, from);
	nfound = t->ncand;
	carry_update(t, df, dir, nfound, base + c.slen, next, keep > 0);
	for (k = 0; k < 2; k++)
		if (g[k] != NULL)
			add_plain(t, g[k]);
	df->sproto[dir] = (uint8_t)f->app_proto;
	if (t->ncand > 0) {
		(void)win_join(&w);
		run_candidates(t, &c);
	}
	/* the next tail: of the new bytes alone, or of the whole window
	 * (joined before the old tail may be freed below) */
	if (keep > len)
		(void)win_join(&w);
	if (keep > df->tail_cap[dir]) {
		/* The groups of most flows' ports need far less than the
		 * longest rule of all (2 KiB a direction): grow on demand. */
		size_t cap = (keep + 63) & ~(size_t)63, cost = 0;

		if (cap > t->e->stream_tail)
			cap = t->e->stream_tail;
		/* what it held is written again below; it held stream
		 * bytes (the inline one is wiped with the block) */
		if (df->tail[dir] != df_tail_in(df, dir)) {
			cost = mem_cost(df->tail_cap[dir]);
			explicit_bzero(df->tail[dir], df->tail_cap[dir]);
			free(df->tail[dir]);
		}
		df->tail[dir] = xcalloc(cap, 1);
		df->size += mem_cost(cap) - cost;
		t->memuse += mem_cost(cap) - cost;
		df->tail_cap[dir] = (uint32_t)cap;
	}
	memcpy(df->tail[dir], keep <= len ? data + len - keep :
	    c.sdata + c.slen - keep, keep);
	df->stream_off[dir] = next;
	df->tail_len[dir] = (uint32_t)keep;
}

void
detect_stream(struct detect_thread *t, struct flow *f, int dir,
    const uint8_t *data, size_t len)
{
	struct detect_flow *df;
	const struct dgroup *g[2];

	if (!t->e->has_stream || f == NULL || len == 0 || (dir != 0 &&
	    dir != 1))
		return;
	/* no stream rule can apply to this protocol and port (yet: the
	 * protocol may be known later); positions stay right */
	stream_groups(t, f, dir, g);
	if (g[0] == NULL && g[1] == NULL) {
		if ((df = f->detect) != NULL && df->tail[dir] != NULL) {
			df->stream_off[dir] += df->tail_len[dir] + len;
			df->tail_len[dir] = 0;
			df->ncarry[dir] = 0;
			df->rescan[dir] = false;
		}
		return;
	}
	df = flow_state(t, f);
	if (df->tail[dir] == NULL) {
		df->tail[dir] = df_tail_in(df, dir);	/* in the block's cost */
		df->tail_cap[dir] = DETECT_TAIL_START;
		/* bytes delivered (or lost) before any rule looked */
		df->stream_off[dir] = f->tcp.dir[dir].delivered +
		    f->tcp.dir[dir].gap_bytes;
	}
	while (len > 0) {
		size_t n = len > DETECT_STREAM_CHUNK ? DETECT_STREAM_CHUNK : len;

		stream_chunk(t, f, df, dir, data, n, g);
		data += n;
		len -= n;
	}
}

/*
 * Bytes of a direction were lost: what was kept of the stream no
 * longer joins what follows (no content; distance may span the hole),
 * and positions go on counting past it.
 */
void
detect_stream_gap(struct detect_thread *t, struct flow *f, int dir,
    uint64_t len)
{
	struct detect_flow *df;

	(void)t;
	if (f == NULL || (dir != 0 && dir != 1) || (df = f->detect) == NULL ||
	    df->tail[dir] == NULL)
		return;
	df->stream_off[dir] += df->tail_len[dir] + len;
	df->tail_len[dir] = 0;
	df->ncarry[dir] = 0;
	df->rescan[dir] = false;
}

static void
scan_group_tx(struct detect_thread *t, const struct dgroup *g,
    const struct app_buf *bufs, size_t nbufs)
{
	size_t i, j, len;
	const uint8_t *d;

	if (g == NULL)
		return;
	for (i = 0; i < g->ndbs; i++) {
		unsigned dl = DL_KEY_BUF(g->dbs[i].key);

		for (j = 0; j < nbufs; j++) {
			if (bufs[j].id != dl)
				continue;
			d = transform(g->dbs[i].key, bufs[j].data, bufs[j].len,
			    t->xbuf, &len);
			if (g->dbs[i].lit && len <= DETECT_LIT_SCAN &&
			    len > 0 && g->dbs[i].db != NULL && t->lit_scan)
				scan_lit(t, &g->dbs[i], d, len);
			else
				scan(t, &g->dbs[i], d, len);
		}
	}
	add_plain(t, g);
}

/*
 * The transaction header results of c's flow, made (empty) if it has
 * none for this engine, protocol and tuple.  Only where header_match()
 * goes by the flow: a protocol, a flow.
 */
static struct detect_txcache *
txcache_get(struct detect_thread *t, struct detect_flow *df,
    const struct mctx *c)
{
	const struct flow *f = c->f;
	struct detect_txcache *h = df->txh;
	uint32_t n0, words;
	size_t alen = f->ipver == 6 ? 16 : 4, cost, sz;

	if (h != NULL && h->gen == t->e->gen && h->app == c->proto &&
	    h->ipver == f->ipver && h->proto == f->proto &&
	    h->cli_port == f->cli_port && h->srv_port == f->srv_port &&
	    memcmp(h->cli, f->cli_ip, alen) == 0 &&
	    memcmp(h->srv, f->srv_ip, alen) == 0)
		return h;
	n0 = t->e->ntx[c->proto];
	words = (n0 + t->e->ntx[APP_UNKNOWN] + 63) / 64;
	/* Two bits a rule and direction: with a feed's thousands of HTTP
	 * rules that is kilobytes a flow, against the memcap, for checks
	 * that mostly pass on "any": only small sets are remembered. */
	if (words == 0 || words > DETECT_TXCACHE_WORDS)
		return NULL;
	sz = sizeof(*h) + 2 * (size_t)words * 16;
	if (h == NULL || h->nwords != words) {
		cost = h != NULL ?
		    mem_cost(sizeof(*h) + 2 * (size_t)h->nwords * 16) : 0;
		h = xreallocarray(h, 1, sz);
		df->txh = h;
		df->size += mem_cost(sz) - cost;
		t->memuse += mem_cost(sz) - cost;
		h->nwords = words;
	}
	h->gen = t->e->gen;
	h->app = (uint16_t)c->proto;
	h->n0 = n0;
	memset(h->cli, 0, sizeof(h->cli));
	memset(h->srv, 0, sizeof(h->srv));
	memcpy(h->cli, f->cli_ip, alen);
	memcpy(h->srv, f->srv_ip, alen);
	h->cli_port = f->cli_port;
	h->srv_port = f->srv_port;
	h->ipver = f->ipver;
	h->proto = f->proto;
	memset(h->bits, 0, 2 * (size_t)words * 16);
	return h;
}

void
detect_tx(struct detect_thread *t, struct flow *f, const struct packet *p,
    enum app_proto proto, int dir, const struct app_buf *bufs, size_t nbufs,
    const void *fact, const enum ww_counter *app_events, size_t nevents)
{
	struct mctx c;
	struct detect_flow *df;
	uint16_t port;

	if (t->e->nrules == 0 || (unsigned)proto >= APP_MAX || (dir != 0 &&
	    dir != 1))
		return;
	memset(&c, 0, sizeof(c));
	c.f = f;
	c.p = p != NULL && pkt_is_ip(p) ? p : NULL;
	c.dir = dir;
	c.proto = proto;
	c.bufs = bufs;
	c.nbufs = nbufs;
	c.fact = fact;
	c.events = app_events;
	c.nevents = nevents;
	df = flow_state(t, f);
	if (df != NULL)
		c.tx_id = df->ntx[dir]++;
	if (f == NULL && c.p == NULL)
		return;
	if (f != NULL)
		port = flow_port(f);
	else
		port = dir == FLOW_DIR_TOSERVER ? c.p->dport : c.p->sport;
	round_begin(t);
	scan_group_tx(t, detect_sel(&t->e->tx[proto][dir], port), bufs, nbufs);
	if (proto != APP_UNKNOWN)
		scan_group_tx(t, detect_sel(&t->e->tx[APP_UNKNOWN][dir], port),
		    bufs, nbufs);
	if (t->ncand == 0)
		return;
	if (df != NULL && proto != APP_UNKNOWN && c.tx_id > 0)
		c.txh = txcache_get(t, df, &c);
	run_candidates(t, &c);
}

void
detect_flow_free(struct flow *f)
{
	struct detect_flow *df;
	int d;

	if (f == NULL || (df = f->detect) == NULL)
		return;
	/* Its thread is alive: the block's layout is its engine's. */
	if (df->owner->memuse >= df->size)
		df->owner->memuse -= df->size;
	if (df->hc[0] != df_hc_in(df, 0))
		free(df->hc[0]);
	if (df->hc[1] != df_hc_in(df, 1))
		free(df->hc[1]);
	free(df->txh);
	for (d = 0; d < 2; d++)
		if (df->tail[d] != NULL && df->tail[d] != df_tail_in(df, d)) {
			/* it held stream bytes */
			explicit_bzero(df->tail[d], df->tail_cap[d]);
			free(df->tail[d]);
		}
	free(df->carry[0]);
	free(df->carry[1]);
	/* the first tails held stream bytes */
	explicit_bzero(df_tail_in(df, 0), 2 * DETECT_TAIL_START);
	free(df);
	f->detect = NULL;
}

uint64_t
detect_thread_memuse(const struct detect_thread *t)
{
	return t->memuse;
}

uint64_t
detect_flow_memuse(const struct flow *f)
{
	const struct detect_flow *df;

	if (f == NULL || (df = f->detect) == NULL)
		return 0;
	return df->size;
}
