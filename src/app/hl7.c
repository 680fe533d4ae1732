/*
 * app/hl7.c - HL7 v2 tokenizer and the HL7-over-MLLP stream parser.
 *
 * Turns each MLLP-framed message into struct hl7_facts: the MSH routing
 * fields, device identifiers, the kinds of observation, the
 * acknowledgment and segment counts, for fingerprint, baseline and
 * policy.  Only MSH, PRT, OBX-3, OBX-18, EQU-1 and MSA are read; PID,
 * NK1, PV1, NTE, OBX-5 and every other field may carry PHI and are
 * never copied (their segments are only counted), except that with
 * privacy.pseudonyms on PID-3 is read to be replaced by its keyed
 * pseudonym (util/pseudo.h).
 *
 * Message layout (HL7 v2.5.1 chapter 2, 2.5 and 2.6), one segment a line,
 * each ended by CR:
 *
 *	MSH|^~\&|SNDAPP|SNDFAC|RCVAPP|RCVFAC|time||ORU^R01^ORU_R01|id|P|2.6
 *	PID|1||12345^^^HOSP^MR||DOE^JANE
 *	OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||98|...|eui^^eui^EUI-64
 *
 * MSH-1 is the byte after "MSH" (the field separator) and MSH-2 the
 * encoding characters up to the next field separator: component,
 * repetition, escape, subcomponent and, from v2.7, truncation.  Both
 * are taken from each message, never assumed; they must be distinct
 * printable characters.  Segments end with CR; LF and CR LF are
 * accepted with an anomaly.  Fields are counted from 1 after the
 * segment id, except in MSH where the field separator itself is MSH-1.
 *
 * Batches (2.10.3): one MLLP block may hold [FHS] {[BHS] {MSH...} [BTS]}
 * [FTS], or simply several messages.  The block is cut at each MSH and
 * batch segment; each message is parsed and reported on its own, with
 * its place in the batch and the batch control id (BHS-11).  BTS-1 (the
 * message count) that disagrees with the messages seen is an anomaly.
 *
 * Linear time: the message is walked once.  Segment ends are found by
 * one search for CR and LF at once, 16 bytes at a time; a segment
 * read is indexed once, up to the last field wanted (hl7_tokens()),
 * and each value is found and copied in one pass by a cursor over its
 * field (hl7_cur_copy()), which stops at the last component wanted;
 * at most HL7_MAX_DEVICES repetitions of a field are looked at.  Both
 * go 16 bytes at a time with SSE2, else 8 (util/word.h).  A message of
 * nothing but delimiters costs a few operations per byte.  An MSH the
 * same as the last message's of its direction but for MSH-7, MSH-8
 * (not read) and MSH-10 is compared, not read again: its fields are
 * taken from what the flow kept of that message (hl7_msh_again()), up
 * to HL7_MSH_KEEP_MAX bytes of MSH.
 */
#include <config.h>

#include <assert.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/hl7.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/events.h"
#include "util/fmt.h"
#include "util/pseudo.h"
#include "util/util.h"
#include "util/word.h"

/* 16 bytes at a time where the target has SSE2 (every x86-64), else 8
 * (util/word.h), else one. */
#if defined(__SSE2__)
#include <emmintrin.h>
#define HL7_SSE2	1
#else
#define HL7_SSE2	0
#endif

#define HL7_NONE	SIZE_MAX

struct hl7_delims {
	uint8_t		 fs;	/* field separator, MSH-1 */
	uint8_t		 comp;
	uint8_t		 rep;
	uint8_t		 esc;
	uint8_t		 sub;
	uint8_t		 trunc;	/* v2.7+, if has_trunc */
	bool		 has_trunc;
#if HL7_SSE2
	/* The separators and the escape in every byte. */
	__m128i		 vfs, vcomp, vrep, vesc;
#endif
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
#define HL7_WORDS	1	/* 8 bytes at a time (util/word.h) */
#else
#define HL7_WORDS	0
#endif

/*
 * Tokens 0..HL7_TOKENS-1 of a segment at most are indexed: the id and
 * up to PRT-22, the last field read of any segment.
 */
#define HL7_TOKENS	23
#define HL7_TOKENS_SLACK	15	/* hl7_tokens() */
#define HL7_MSH_KEEP_MAX	1024	/* an MSH kept a direction, bytes */

/*
 * Index the first max tokens of the segment seg[0..n), split at fs:
 * end[t] is the offset of the separator after token t, or n after the
 * last one; token t starts at end[t - 1] + 1 (token 0, the id, at 0).
 * Token t is field t, or MSH-(t+1) in MSH.  Returns how many tokens
 * were indexed, at most max; the rest of the segment is not looked at.
 * end has room for max + HL7_TOKENS_SLACK entries: the separators of a
 * block of 16 bytes are stored before they are counted, and the
 * entries past max are left as they fall.
 * One pass, 8 bytes at a time where the buffer has them (bytes up to
 * lim may be read: the separators of a word are taken at once, and
 * the bytes of a last, short word past the segment are not).
 */
static unsigned
hl7_tokens(const uint8_t *seg, size_t n, const uint8_t *lim, uint8_t fs,
    size_t *end, unsigned max)
{
	size_t i = 0;
	unsigned t = 0;
#if HL7_SSE2
	const __m128i vfs = _mm_set1_epi8((char)fs);
	unsigned v;
#endif
#if HL7_WORDS
	uint64_t w, m;
#endif

#if HL7_SSE2
	for (;; i += 16) {
		if (n - i < 16) {
			if (n == i || (size_t)(lim - seg) - i < 16)
				break;
			v = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			    _mm_loadu_si128((const void *)(seg + i)), vfs)) &
			    ((1u << (n - i)) - 1);
		} else
			v = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			    _mm_loadu_si128((const void *)(seg + i)), vfs));
		/* A block's separators all stored, then counted. */
		for (; v != 0; v &= v - 1)
			end[t++] = i + (unsigned)__builtin_ctz(v);
		if (t >= max)
			return max;
		if (n - i <= 16) {
			i = n;
			break;
		}
	}
#endif
#if HL7_WORDS
	for (; i < n; i += 8) {
		if (n - i < 8) {
			/* The last, short word, when the buffer has one:
			 * its bytes past the segment are not looked at. */
			if (n == i || (size_t)(lim - seg) - i < 8)
				break;
			memcpy(&w, seg + i, 8);
			m = word_eq_exact(w, fs) &
			    ~(WORD_HIGHS << (8 * (n - i)));
		} else {
			memcpy(&w, seg + i, 8);
			m = word_eq_exact(w, fs);
		}
		for (; m != 0; m &= m - 1) {
			end[t] = i + (unsigned)__builtin_ctzll(m) / 8;
			if (++t == max)
				return t;
		}
		if (n - i <= 8) {
			i = n;
			break;
		}
	}
#endif
	for (; i < n; i++)
		if (seg[i] == fs) {
			end[t] = i;
			if (++t == max)
				return t;
		}
	end[t++] = n;
	return t;
}

/*
 * A cursor over a field that copies values out of it, one after the
 * other: the components of its first repetition (HL7_CUR_COMPS), its
 * first repetition whole (HL7_CUR_REP) or the whole field
 * (HL7_CUR_RAW).  A value ends at s1 (the next value follows) or s2
 * (the cursor is done: the values after it are empty).
 */
enum hl7_cur_mode {
	HL7_CUR_COMPS,
	HL7_CUR_REP,
	HL7_CUR_RAW,
};

enum hl7_cur_state {
	HL7_CUR_ON,		/* p is the next value's first byte */
	HL7_CUR_AT_REP,		/* stopped at a repetition separator */
	HL7_CUR_AT_END,		/* at the field's end */
};

struct hl7_cur {
	const uint8_t	*p;	/* the next byte */
	const uint8_t	*end;	/* the field's end */
	const uint8_t	*lim;	/* bytes before it may be read */
	const struct hl7_delims *d;
	uint8_t		 s1;
	uint8_t		 s2;
	uint8_t		 state;	/* enum hl7_cur_state */
#if HL7_SSE2
	const __m128i	*v1, *v2;	/* s1 and s2 in every byte */
#endif
};

static inline void
hl7_cur_init(struct hl7_cur *c, const struct hl7_delims *d,
    const uint8_t *p, const uint8_t *end, const uint8_t *lim,
    enum hl7_cur_mode mode)
{
	c->p = p;
	c->end = end;
	c->lim = lim;
	c->d = d;
	switch (mode) {
	case HL7_CUR_COMPS:
		c->s1 = d->comp;
		c->s2 = d->rep;
#if HL7_SSE2
		c->v1 = &d->vcomp;
		c->v2 = &d->vrep;
#endif
		break;
	case HL7_CUR_REP:
		c->s1 = c->s2 = d->rep;
#if HL7_SSE2
		c->v1 = c->v2 = &d->vrep;
#endif
		break;
	default:
		/* No field holds its own separator. */
		c->s1 = c->s2 = d->fs;
#if HL7_SSE2
		c->v1 = c->v2 = &d->vfs;
#endif
		break;
	}
	c->state = HL7_CUR_ON;
}

/* A cursor on token t of a segment indexed by hl7_tokens(). */
static inline void
hl7_cur_tok(struct hl7_cur *c, const struct hl7_delims *d,
    const uint8_t *seg, const size_t *end, unsigned t, const uint8_t *lim,
    enum hl7_cur_mode mode)
{
	hl7_cur_init(c, d, seg + (t == 0 ? 0 : end[t - 1] + 1), seg + end[t],
	    lim, mode);
}

/* The first s1 or s2 in p[0..end), or end. */
static const uint8_t *
hl7_cur_stop(const struct hl7_cur *c, const uint8_t *p)
{
#if HL7_SSE2
	__m128i x;
	unsigned v;
#endif
#if HL7_WORDS
	uint64_t w, m;
#endif

#if HL7_SSE2
	for (; c->end - p > 0 && c->lim - p >= 16; p += 16) {
		x = _mm_loadu_si128((const void *)p);
		v = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(x, *c->v1), _mm_cmpeq_epi8(x, *c->v2)));
		if (c->end - p < 16)
			v |= ~0u << (c->end - p);
		if (v != 0)
			return p + __builtin_ctz(v);
	}
#endif
#if HL7_WORDS
	for (; c->end - p > 0 && c->lim - p >= 8; p += 8) {
		memcpy(&w, p, 8);
		m = word_eq(w, c->s1) | word_eq(w, c->s2);
		if (c->end - p < 8)
			m |= WORD_HIGHS << (8 * (c->end - p));
		if (m != 0) {
			p += (unsigned)__builtin_ctzll(m) / 8;
			return p < c->end ? p : c->end;
		}
	}
#endif
	for (; p < c->end; p++)
		if (*p == c->s1 || *p == c->s2)
			break;
	return p;
}

/* The end of a value at p (hl7_cur_copy()): dst[o] is its NUL. */
static inline size_t
hl7_cur_end(struct hl7_cur *c, const uint8_t *p, char *dst, size_t o)
{
	dst[o] = '\0';
	if (p == c->end)
		c->state = HL7_CUR_AT_END;
	else {
		if (*p == c->s2)
			c->state = HL7_CUR_AT_REP;
		c->p = p + 1;
	}
	return o;
}

/*
 * hl7_cur_copy() from p, with o bytes of dst written: 8 bytes at a
 * time, then one at a time from an escape or a control byte, near the
 * end of the buffer or of dst.
 */
static size_t
hl7_cur_copy_rest(struct hl7_cur *c, const uint8_t *p, char *dst,
    size_t size, size_t o)
{
	const struct hl7_delims *d = c->d;
	const uint8_t *end = c->end;
	size_t cap = size - 1;
	uint8_t ch, e;

#if HL7_WORDS
	while (cap - o >= 8 && c->lim - p >= 8) {
		uint64_t w, m;
		unsigned k;

		memcpy(&w, p, 8);
		m = word_eq(w, c->s1) | word_eq(w, c->s2) |
		    word_eq(w, d->esc) | word_ctl(w);
		if (end - p < 8)
			m |= WORD_HIGHS << (8 * (end - p));
		if (m == 0) {
			memcpy(dst + o, &w, 8);
			o += 8;
			p += 8;
			continue;
		}
		/* The bytes before the first flagged one, zeros after. */
		k = (unsigned)__builtin_ctzll(m) / 8;
		w &= ((uint64_t)1 << (8 * k)) - 1;
		memcpy(dst + o, &w, 8);
		o += k;
		p += k;
		if (p == end || *p == c->s1 || *p == c->s2)
			return hl7_cur_end(c, p, dst, o);
		break;		/* an escape or a control byte */
	}
#endif
	for (; p < end; p++) {
		ch = *p;
		if (ch == c->s1 || ch == c->s2)
			break;
		if (o == cap) {
			p = hl7_cur_stop(c, p);
			break;
		}
		if (ch == d->esc && end - p >= 3 && p[2] == d->esc &&
		    p[1] != c->s1 && p[1] != c->s2) {
			e = p[1];
			switch (e) {
			case 'F': ch = d->fs; break;
			case 'S': ch = d->comp; break;
			case 'T': ch = d->sub; break;
			case 'R': ch = d->rep; break;
			case 'E': ch = d->esc; break;
			case 'P':
				if (d->has_trunc)
					ch = d->trunc;
				break;
			default:
				break;
			}
			if (ch != d->esc || e == 'E')
				p += 2;
		}
		dst[o++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	return hl7_cur_end(c, p, dst, o);
}

/*
 * Copy the next value into dst[0..size), decoding the escapes that
 * stand for delimiters (\F\ \S\ \T\ \R\ \E\ and, v2.7, \P\; chapter
 * 2.7).  Other escapes (\X..\, \H\, \.br\ ...) and a lone escape
 * character are kept as they are.  The output is cut to size - 1 bytes
 * and NUL-terminated, control bytes become '?', and no byte after the
 * value is copied: a word holding its end is stored with zeros past
 * it.  Returns the output's length.
 *
 * Most values hold no escape or control byte and are shorter than 16
 * bytes: they go 16 bytes at a time, a byte in a byte out, each block
 * looked at once for the end, an escape and a control byte.  The rest
 * is hl7_cur_copy_rest()'s, out of line.
 */
static inline size_t
hl7_cur_copy(struct hl7_cur *c, char *dst, size_t size)
{
	const uint8_t *p = c->p;
	size_t o = 0;
#if HL7_SSE2
	static const uint8_t ones[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	__m128i x, y;
	unsigned v, k;
#endif

	if (c->state != HL7_CUR_ON) {
		dst[0] = '\0';
		return 0;
	}
#if HL7_SSE2
	/* While dst has room for 16 bytes (so the first 16 of a 16-byte
	 * array): a value that ends in them is stored with zeros past
	 * it. */
	while (size - o >= 16 && c->lim - p >= 16) {
		x = _mm_loadu_si128((const void *)p);
		y = _mm_or_si128(_mm_cmpeq_epi8(x, *c->v1),
		    _mm_cmpeq_epi8(x, *c->v2));
		y = _mm_or_si128(y, _mm_cmpeq_epi8(x, c->d->vesc));
		y = _mm_or_si128(y, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));
		y = _mm_or_si128(y, _mm_cmpeq_epi8(_mm_min_epu8(x,
		    _mm_set1_epi8(0x1f)), x));
		v = (unsigned)_mm_movemask_epi8(y);
		if (c->end - p < 16)
			v |= ~0u << (c->end - p);
		if (v == 0) {
			if (size - 1 - o < 16)
				break;
			_mm_storeu_si128((void *)(dst + o), x);
			o += 16;
			p += 16;
			continue;
		}
		k = (unsigned)__builtin_ctz(v);
		if (k > size - 1 - o)
			break;
		_mm_storeu_si128((void *)(dst + o), _mm_and_si128(x,
		    _mm_loadu_si128((const void *)(ones + 16 - k))));
		o += k;
		p += k;
		if (p == c->end || *p == c->s1 || *p == c->s2)
			return hl7_cur_end(c, p, dst, o);
		break;		/* an escape or a control byte */
	}
#endif
	return hl7_cur_copy_rest(c, p, dst, size, o);
}

/* Pass over the next value, as hl7_cur_copy() would. */
static void
hl7_cur_skip(struct hl7_cur *c)
{
	const uint8_t *p;

	if (c->state != HL7_CUR_ON)
		return;
	p = hl7_cur_stop(c, c->p);
	if (p == c->end)
		c->state = HL7_CUR_AT_END;
	else if (*p == c->s2) {
		c->state = HL7_CUR_AT_REP;
		c->p = p + 1;
	} else
		c->p = p + 1;
}

/* To the next repetition of a COMPS cursor's field; false at the end. */
static bool
hl7_cur_next_rep(struct hl7_cur *c)
{
	const uint8_t *p;

	switch (c->state) {
	case HL7_CUR_AT_REP:
		break;
	case HL7_CUR_AT_END:
		return false;
	default:
		/* Past the components not read. */
		for (p = c->p; p < c->end && *p != c->s2; p++)
			;
		if (p == c->end) {
			c->state = HL7_CUR_AT_END;
			return false;
		}
		c->p = p + 1;
		break;
	}
	c->state = HL7_CUR_ON;
	return true;
}

/* Whether a universal id type is "EUI-64", in any case (s holds at
 * least 8 bytes): one word compared. */
static inline bool
hl7_is_eui64(const char *s)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w, x = 0;

	memcpy(&w, s, 8);
	memcpy(&x, "eui-64", 7);
	/* Letters in bytes 0-2 folded to lower case: 'E' and 'e' alone
	 * become 'e', and so on; byte 7 is past the NUL. */
	return ((w | 0x202020) & 0x00ffffffffffffffull) == x;
#else
	return (s[0] | 0x20) == 'e' && (s[1] | 0x20) == 'u' &&
	    (s[2] | 0x20) == 'i' && memcmp(s + 3, "-64", 4) == 0;
#endif
}

static bool
hl7_streq_ci(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 32) : *a;
		char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 32) : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

/* An HD, or the last three components of an EI, from a cursor. */
static void
hl7_cur_hd(struct hl7_cur *c, struct hl7_hd *hd)
{
	hl7_cur_copy(c, hd->namespace_id, sizeof(hd->namespace_id));
	hl7_cur_copy(c, hd->universal_id, sizeof(hd->universal_id));
	hl7_cur_copy(c, hd->universal_id_type, sizeof(hd->universal_id_type));
}

/*
 * A device is made in the table's next entry (a spare one when the
 * table is full), cleared first, which only hl7_add_device() makes
 * one.
 */
static struct hl7_device *
hl7_dev_new(struct hl7_facts *f, struct hl7_device *spare,
    enum hl7_dev_source src, unsigned fieldno)
{
	struct hl7_device *dev = f->n_devices < HL7_MAX_DEVICES ?
	    &f->devices[f->n_devices] : spare;

	memset(dev, 0, sizeof(*dev));
	dev->source = (uint8_t)src;
	dev->field = (uint8_t)fieldno;
	return dev;
}

/*
 * Keep the device hl7_dev_new() gave, unless it names nothing or is
 * in the table already: compared whole, as each array holds its
 * string and zeros after it (hl7_cur_copy() stores no byte past a
 * value, and struct hl7_device has no padding).
 */
static void
hl7_add_device(struct hl7_facts *f, const struct hl7_device *dev)
{
	unsigned i;

	_Static_assert(sizeof(struct hl7_device) == 3 + HL7_STR +
	    sizeof(struct hl7_hd), "struct hl7_device has no padding");
	if (dev->id[0] == '\0' && dev->hd.universal_id[0] == '\0')
		return;
	for (i = 0; i < f->n_devices; i++)
		if (memcmp(&f->devices[i], dev, sizeof(*dev)) == 0)
			return;
	if (f->n_devices == HL7_MAX_DEVICES) {
		f->devices_dropped++;
		return;
	}
	assert(dev == &f->devices[f->n_devices]);
	f->n_devices++;
}

/*
 * An EI field (entity id, then an HD): each repetition, at most
 * HL7_MAX_DEVICES, or the first only.
 */
static void
hl7_field_ei(struct hl7_cur *c, bool reps, enum hl7_dev_source src,
    unsigned fieldno, struct hl7_facts *f)
{
	struct hl7_device spare, *dev;
	unsigned n = 0;

	do {
		dev = hl7_dev_new(f, &spare, src, fieldno);
		hl7_cur_copy(c, dev->id, sizeof(dev->id));
		hl7_cur_hd(c, &dev->hd);
		dev->eui64 = hl7_is_eui64(dev->hd.universal_id_type);
		hl7_add_device(f, dev);
	} while (reps && ++n < HL7_MAX_DEVICES && hl7_cur_next_rep(c));
}

/* PRT-16..22 and the like: the whole field as sent, escapes decoded. */
static void
hl7_field_raw(struct hl7_cur *c, enum hl7_dev_source src, unsigned fieldno,
    struct hl7_facts *f)
{
	struct hl7_device spare, *dev;

	dev = hl7_dev_new(f, &spare, src, fieldno);
	hl7_cur_copy(c, dev->id, sizeof(dev->id));
	hl7_add_device(f, dev);
}

/* OBX-3 (CWE): keep the code and the coding system, not the text. */
static void
hl7_field_obs(struct hl7_cur *c, struct hl7_facts *f)
{
	struct hl7_cur text;
	struct hl7_obs spare, *o;
	unsigned i;

	/* Made in the table's next entry, which only the count makes
	 * one; each array holds its string and zeros after it, so two
	 * are compared whole. */
	o = f->n_obs < HL7_MAX_OBS ? &f->obs[f->n_obs] : &spare;
	memset(o, 0, sizeof(*o));
	hl7_cur_copy(c, o->code, sizeof(o->code));
	text = *c;
	hl7_cur_skip(c);
	hl7_cur_copy(c, o->system, sizeof(o->system));
	if (o->code[0] == '\0')
		return;
	/* The text of an ISO/IEEE 11073 code is its reference id
	 * ("MDC_ECG_HEART_RATE"): nomenclature, never a patient's. */
	if (memcmp(o->system, "MDC", 4) == 0)
		hl7_cur_copy(&text, o->name, sizeof(o->name));
	for (i = 0; i < f->n_obs; i++)
		if (memcmp(f->obs[i].code, o->code, sizeof(o->code)) == 0 &&
		    memcmp(f->obs[i].system, o->system,
		    sizeof(o->system)) == 0)
			return;
	if (f->n_obs == HL7_MAX_OBS) {
		f->obs_dropped++;
		return;
	}
	f->n_obs++;
}

enum hl7_seg {
	HL7_SEG_OTHER,
	HL7_SEG_MSH,
	HL7_SEG_PRT,
	HL7_SEG_OBX,
	HL7_SEG_EQU,
	HL7_SEG_MSA,
	HL7_SEG_PID,		/* only for a pseudonym */
};

/*
 * The fields hl7_facts() makes device evidence of, in the facts: MSH-9
 * (before MSH-10), MSH-12 to MSH-21 (from the version on, before MSA),
 * and the device and observation tables up to their counts.  Each
 * array holds its string and zeros after it (hl7_msg_start() clears
 * the MSH fields, hl7_dev_new() and hl7_field_obs() an entry), so they
 * are compared whole; fields evidence is not made of (MSH-6, MSH-9.3)
 * ride along, and can only make a message look new.
 */
#define HL7_IDS_TYPE	offsetof(struct hl7_facts, message_type)
#define HL7_IDS_TYPE_N	(offsetof(struct hl7_facts, control_id) - HL7_IDS_TYPE)
#define HL7_IDS_MSH	offsetof(struct hl7_facts, version)
#define HL7_IDS_MSH_N	(offsetof(struct hl7_facts, has_ack) - HL7_IDS_MSH)

/*
 * A message parsed one segment at a time, as its segments are found:
 * by hl7_parse_message() and by hl7_block(), which cuts a block into
 * messages in the same one walk over its segments.
 */
struct hl7_msg {
	struct hl7_facts *f;
	struct hl7_delims d;
	const uint8_t	*lim;		/* the buffer's end: may be read */
	size_t		 max_segments;
	size_t		 type_len;	/* of f->message_type */
	size_t		 trigger_len;	/* of f->trigger_event */
	bool		 nonstd;	/* a segment ended with LF or CR LF */
	bool		 stopped;	/* at max_segments */
	uint8_t		 seg_last;	/* f->segs entry counted last */
	/* The flow's state and the direction (hl7_block()), for the
	 * MSH kept there (hl7_msh_again()); NULL: none. */
	struct hl7_state *st;
	int		 dir;
	/* The message's MSH but MSH-7, MSH-8 and MSH-10 (hl7_msh_key()),
	 * in three parts of key_n bytes in all (0: no MSH read, one of
	 * fewer than 10 fields or a long one), and whether it was the one
	 * kept. */
	const uint8_t	*key[3];
	size_t		 key_len[3];
	size_t		 key_n;
	bool		 key_hit;
	/* The fields hl7_msh() writes and hl7_msh_again() copies are set
	 * (hl7_msg_start() leaves them to one of those, or to
	 * hl7_msh_clear()). */
	bool		 msh_set;
};

/*
 * The evidence fields of MSH (HL7_IDS_TYPE and HL7_IDS_MSH), cleared
 * for hl7_msh(), or when no MSH was read: most messages take them from
 * the MSH kept (hl7_msh_again()), which lays them over whole, so
 * hl7_msg_start() leaves them alone.
 */
static void
hl7_msh_clear(struct hl7_msg *m)
{
	memset((char *)m->f + HL7_IDS_TYPE, 0, HL7_IDS_TYPE_N);
	memset((char *)m->f + HL7_IDS_MSH, 0, HL7_IDS_MSH_N);
	m->msh_set = true;
}

/* The bytes of a segment id: [A-Z0-9]. */
static const bool hl7_idchar[256] = {
	['0'] = true, ['1'] = true, ['2'] = true, ['3'] = true,
	['4'] = true, ['5'] = true, ['6'] = true, ['7'] = true,
	['8'] = true, ['9'] = true, ['A'] = true, ['B'] = true,
	['C'] = true, ['D'] = true, ['E'] = true, ['F'] = true,
	['G'] = true, ['H'] = true, ['I'] = true, ['J'] = true,
	['K'] = true, ['L'] = true, ['M'] = true, ['N'] = true,
	['O'] = true, ['P'] = true, ['Q'] = true, ['R'] = true,
	['S'] = true, ['T'] = true, ['U'] = true, ['V'] = true,
	['W'] = true, ['X'] = true, ['Y'] = true, ['Z'] = true
};

/*
 * Count a segment, seg[0..n), by its id: three of [A-Z0-9] before the
 * field separator or the segment's end, else "other".  The separator
 * may be a letter or a digit (MSH-1 is any printable byte but the
 * encoding characters): an id holding it is "other" too, as when the
 * id was the first token split at the separator, or the fields of
 * "PRT" under separator 'T' would be read one place off.  Segments of
 * a type often come in a row (OBX): the entry counted last is looked
 * at first.
 */
static enum hl7_seg
hl7_count(struct hl7_msg *m, const uint8_t *seg, size_t n)
{
	struct hl7_facts *f = m->f;
	uint8_t fs = m->d.fs;
	char s[4];
	unsigned i;

	if (n < 3 || (n > 3 && seg[3] != fs) || !hl7_idchar[seg[0]] ||
	    !hl7_idchar[seg[1]] || !hl7_idchar[seg[2]] ||
	    (hl7_idchar[fs] && (seg[0] == fs || seg[1] == fs ||
	    seg[2] == fs))) {
		f->segs_other++;
		return HL7_SEG_OTHER;
	}
	memcpy(s, seg, 3);
	s[3] = '\0';
	if ((i = m->seg_last) >= f->n_segtypes ||
	    memcmp(f->segs[i].id, s, 4) != 0)
		for (i = 0; i < f->n_segtypes; i++)
			if (memcmp(f->segs[i].id, s, 4) == 0)
				break;
	if (i < f->n_segtypes) {
		f->segs[i].n++;
		m->seg_last = (uint8_t)i;
	} else if (f->n_segtypes < HL7_MAX_SEGTYPES) {
		memcpy(f->segs[f->n_segtypes].id, s, 4);
		f->segs[f->n_segtypes].n = 1;
		m->seg_last = f->n_segtypes++;
	} else
		f->segs_other++;
	/* The ids read, by their first letter. */
	switch (s[0]) {
	case 'M':
		if (memcmp(s, "MSH", 4) == 0)
			return HL7_SEG_MSH;
		if (memcmp(s, "MSA", 4) == 0)
			return HL7_SEG_MSA;
		break;
	case 'P':
		if (memcmp(s, "PRT", 4) == 0)
			return HL7_SEG_PRT;
		if (memcmp(s, "PID", 4) == 0)
			return HL7_SEG_PID;
		break;
	case 'O':
		if (memcmp(s, "OBX", 4) == 0)
			return HL7_SEG_OBX;
		break;
	case 'E':
		if (memcmp(s, "EQU", 4) == 0)
			return HL7_SEG_EQU;
		break;
	default:
		break;
	}
	return HL7_SEG_OTHER;
}

/*
 * MSH, indexed up to MSH-21: token t is MSH-(t+1) (MSH-1 and MSH-2 are
 * the delimiters).  The rest of the fields are passed over unread.
 */
static void
hl7_msh(struct hl7_msg *m, const uint8_t *seg, const size_t *end,
    unsigned nt)
{
	struct hl7_facts *f = m->f;
	struct hl7_cur c;

#define HL7_MSH_TOK(t, mode)	do {					\
	if ((t) >= nt)							\
		return;							\
	hl7_cur_tok(&c, &m->d, seg, end, (t), m->lim, (mode));		\
} while (0)
	HL7_MSH_TOK(2, HL7_CUR_COMPS);
	hl7_cur_hd(&c, &f->sending_app);
	HL7_MSH_TOK(3, HL7_CUR_COMPS);
	hl7_cur_hd(&c, &f->sending_fac);
	HL7_MSH_TOK(4, HL7_CUR_COMPS);
	hl7_cur_hd(&c, &f->receiving_app);
	HL7_MSH_TOK(5, HL7_CUR_COMPS);
	hl7_cur_hd(&c, &f->receiving_fac);
	HL7_MSH_TOK(8, HL7_CUR_COMPS);
	m->type_len = hl7_cur_copy(&c, f->message_type,
	    sizeof(f->message_type));
	m->trigger_len = hl7_cur_copy(&c, f->trigger_event,
	    sizeof(f->trigger_event));
	hl7_cur_copy(&c, f->message_structure, sizeof(f->message_structure));
	HL7_MSH_TOK(9, HL7_CUR_REP);
	hl7_cur_copy(&c, f->control_id, sizeof(f->control_id));
	HL7_MSH_TOK(10, HL7_CUR_COMPS);
	hl7_cur_copy(&c, f->processing_id, sizeof(f->processing_id));
	HL7_MSH_TOK(11, HL7_CUR_COMPS);
	hl7_cur_copy(&c, f->version, sizeof(f->version));
	HL7_MSH_TOK(20, HL7_CUR_COMPS);
	hl7_cur_copy(&c, f->profile, sizeof(f->profile));
	hl7_cur_skip(&c);
	hl7_cur_copy(&c, f->profile_oid, sizeof(f->profile_oid));
#undef HL7_MSH_TOK
}

/*
 * The MSH of a message as the fields hl7_msh() reads depend on it:
 * the segment up to MSH-21 (token 20) without MSH-7 (the time) and
 * MSH-10 (the control id), each of which changes every message, nor
 * MSH-8 (security), which is not read and is not to be held, their
 * separators kept, so that the bytes alone say where each field is.
 * Its tokens 0 to 5 and a separator, then from the separator after
 * MSH-8 to the one after MSH-9, then from the separator after MSH-10
 * to the last token indexed.  None when MSH has fewer than 10 fields,
 * or is longer than HL7_MSH_KEEP_MAX: a flow keeps it to its end, and
 * an MSH is a few hundred bytes but for what a sender may fill it with
 * (up to mllp.max-message); such an MSH is read whole every time.
 */
static void
hl7_msh_key(struct hl7_msg *m, const uint8_t *seg, const size_t *end,
    unsigned nt)
{
	m->key_n = 0;
	if (nt < 10 || end[nt - 1] > HL7_MSH_KEEP_MAX)
		return;
	m->key[0] = seg;
	m->key_len[0] = end[5] + 1;
	m->key[1] = seg + end[7];
	m->key_len[1] = end[8] + 1 - end[7];
	m->key[2] = seg + end[9];
	m->key_len[2] = end[nt - 1] - end[9];
	m->key_n = m->key_len[0] + m->key_len[1] + m->key_len[2];
}

/*
 * Most messages of a direction carry the MSH of the one before but for
 * its time and control id.  When the message's MSH is the one kept in
 * the flow's state (hl7_msh_keep()), its fields are those the kept
 * message's were: taken from the evidence fields kept with it
 * (hl7_ids_number(), which hold every field hl7_msh() writes but
 * MSH-10 and MSH-11) and MSH-11 kept after the MSH; only MSH-10 is
 * read.  Returns false, with nothing written, when they are not the
 * same.
 */
static bool
hl7_msh_again(struct hl7_msg *m, const uint8_t *seg, const size_t *end,
    unsigned nt)
{
	const struct hl7_state *st = m->st;
	struct hl7_facts *f = m->f;
	struct hl7_cur c;
	const char *kept;
	int d = m->dir != 0;

	hl7_msh_key(m, seg, end, nt);
	if (m->key_n == 0 || st == NULL || st->ids[d] == 0 ||
	    st->ids_buf[d] == NULL || st->msh_buf[d] == NULL ||
	    st->msh_len[d] != m->key_n)
		return false;
	kept = st->msh_buf[d];
	if (memcmp(kept, m->key[0], m->key_len[0]) != 0 ||
	    memcmp(kept + m->key_len[0], m->key[1], m->key_len[1]) != 0 ||
	    memcmp(kept + m->key_len[0] + m->key_len[1], m->key[2],
	    m->key_len[2]) != 0)
		return false;
	memcpy((char *)f + HL7_IDS_TYPE, st->ids_buf[d], HL7_IDS_TYPE_N);
	memcpy((char *)f + HL7_IDS_MSH, st->ids_buf[d] + HL7_IDS_TYPE_N,
	    HL7_IDS_MSH_N);
	memcpy(f->processing_id, kept + m->key_n, sizeof(f->processing_id));
	m->msh_set = true;
	/* The copies' lengths (hl7_cur_copy() writes no NUL). */
	m->type_len = strlen(f->message_type);
	m->trigger_len = strlen(f->trigger_event);
	hl7_cur_tok(&c, &m->d, seg, end, 9, m->lim, HL7_CUR_REP);
	hl7_cur_copy(&c, f->control_id, sizeof(f->control_id));
	m->key_hit = true;
	return true;
}

/*
 * PID-3, the patient identifier list: the ID of its first repetition
 * (CX.1) becomes a keyed pseudonym at once and the copy is wiped.
 */
static void
hl7_pseudonym(struct hl7_cur *c, struct hl7_facts *f)
{
	char id[HL7_STR];
	size_t n;

	n = hl7_cur_copy(c, id, sizeof(id));
	(void)pseudo_make("patient", id, n, f->ps_patient);
	explicit_bzero(id, sizeof(id));
}

/*
 * Parse the fields we keep of one segment, seg[0..n).  A segment read
 * is indexed once up to the last field wanted; every other segment is
 * only counted: it may hold PHI.
 */
static void
hl7_segment(struct hl7_msg *m, const uint8_t *seg, size_t n)
{
	struct hl7_facts *f = m->f;
	const struct hl7_delims *d = &m->d;
	size_t end[HL7_TOKENS + HL7_TOKENS_SLACK];
	struct hl7_cur c;
	unsigned nt, t;

	switch (hl7_count(m, seg, n)) {
	case HL7_SEG_MSH:
		if (f->n_segments != 0)
			return;		/* a batch or a second message */
		nt = hl7_tokens(seg, n, m->lim, d->fs, end, 21);
		if (!hl7_msh_again(m, seg, end, nt)) {
			hl7_msh_clear(m);
			hl7_msh(m, seg, end, nt);
		}
		break;
	case HL7_SEG_PRT:
		/* PRT-10 (EI), PRT-16..22 whole. */
		nt = hl7_tokens(seg, n, m->lim, d->fs, end, 23);
		if (nt <= 10)
			break;
		hl7_cur_tok(&c, d, seg, end, 10, m->lim, HL7_CUR_COMPS);
		hl7_field_ei(&c, true, HL7_DEV_PRT, 10, f);
		for (t = 16; t < nt; t++) {
			hl7_cur_tok(&c, d, seg, end, t, m->lim, HL7_CUR_RAW);
			hl7_field_raw(&c, HL7_DEV_PRT, t, f);
		}
		break;
	case HL7_SEG_OBX:
		/* OBX-3 and OBX-18 (EI). */
		nt = hl7_tokens(seg, n, m->lim, d->fs, end, 19);
		if (nt <= 3)
			break;
		hl7_cur_tok(&c, d, seg, end, 3, m->lim, HL7_CUR_COMPS);
		hl7_field_obs(&c, f);
		if (nt <= 18)
			break;
		hl7_cur_tok(&c, d, seg, end, 18, m->lim, HL7_CUR_COMPS);
		hl7_field_ei(&c, true, HL7_DEV_OBX18, 18, f);
		break;
	case HL7_SEG_EQU:
		/* EQU-1, its first repetition (EI). */
		nt = hl7_tokens(seg, n, m->lim, d->fs, end, 2);
		if (nt <= 1)
			break;
		hl7_cur_tok(&c, d, seg, end, 1, m->lim, HL7_CUR_COMPS);
		hl7_field_ei(&c, false, HL7_DEV_EQU1, 1, f);
		break;
	case HL7_SEG_MSA:
		/* MSA-1.1, the code, and MSA-2's first repetition. */
		f->has_ack = true;
		nt = hl7_tokens(seg, n, m->lim, d->fs, end, 3);
		if (nt <= 1)
			break;
		hl7_cur_tok(&c, d, seg, end, 1, m->lim, HL7_CUR_COMPS);
		hl7_cur_copy(&c, f->ack_code, sizeof(f->ack_code));
		if (nt <= 2)
			break;
		hl7_cur_tok(&c, d, seg, end, 2, m->lim, HL7_CUR_REP);
		hl7_cur_copy(&c, f->ack_control_id, sizeof(f->ack_control_id));
		break;
	case HL7_SEG_PID:
		/* PID-3.1 only as its pseudonym, and only when wanted. */
		if (!pseudo_on() || f->ps_patient[0] != '\0')
			return;
		nt = hl7_tokens(seg, n, m->lim, d->fs, end, 4);
		if (nt <= 3)
			break;
		hl7_cur_tok(&c, d, seg, end, 3, m->lim, HL7_CUR_COMPS);
		hl7_pseudonym(&c, f);
		break;
	default:
		break;
	}
}


static bool
hl7_printable(uint8_t c)
{
	return c > 0x20 && c < 0x7f;
}

/* The delimiters from b[0..n]: MSH-1, then MSH-2 (n bytes). */
static inline void
hl7_delims_set(struct hl7_delims *d, const uint8_t *b, size_t n)
{
	d->fs = b[0];
	d->comp = b[1];
	d->rep = b[2];
	d->esc = b[3];
	d->sub = b[4];
	d->has_trunc = n == 5;
	d->trunc = n == 5 ? b[5] : 0;
#if HL7_SSE2
	d->vfs = _mm_set1_epi8((char)d->fs);
	d->vcomp = _mm_set1_epi8((char)d->comp);
	d->vrep = _mm_set1_epi8((char)d->rep);
	d->vesc = _mm_set1_epi8((char)d->esc);
#endif
}

/*
 * MSH-1 and MSH-2: "MSH" fs comp rep esc sub [trunc] fs-or-end.  Four
 * or five encoding characters, all six distinct and printable.
 */
static bool
hl7_delims(struct breader msh, struct hl7_delims *d, char *out,
    size_t outsize)
{
	uint8_t b[6];
	size_t n, i, j;
	ptrdiff_t end;

	br_skip(&msh, 3);
	b[0] = br_u8(&msh);
	if (!br_ok(&msh))
		return false;
	end = br_find(&msh, b[0]);
	n = end < 0 ? br_left(&msh) : (size_t)end;
	if (n < 4 || n > 5)
		return false;
	br_copy(&msh, b + 1, n);
	for (i = 0; i <= n; i++) {
		if (!hl7_printable(b[i]))
			return false;
		for (j = 0; j < i; j++)
			if (b[i] == b[j])
				return false;
	}
	hl7_delims_set(d, b, n);
	for (i = 0; i <= n && i + 1 < outsize; i++)
		out[i] = (char)b[i];
	out[i] = '\0';
	return true;
}



/*
 * Start a message at its first segment, seg[0..seglen) ("MSH" and the
 * delimiters), more: the message has bytes after "MSH".  Returns false
 * (the anomaly counted, no facts) when it cannot be read.
 */
static bool
hl7_msg_start(struct hl7_msg *m, struct hl7_facts *f, size_t max_segments,
    const uint8_t *seg, size_t seglen, bool more, const uint8_t *lim,
    struct app_ctx *ctx)
{
	struct breader br;

	/* 5 KiB, most of it the device, observation and segment tables:
	 * only their counts are cleared, nothing reads past them; the MSH
	 * fields are left to the MSH (m->msh_set). */
	_Static_assert(HL7_IDS_TYPE + HL7_IDS_TYPE_N <= HL7_IDS_MSH &&
	    HL7_IDS_MSH + HL7_IDS_MSH_N <=
	    offsetof(struct hl7_facts, devices), "MSH fields in order");
	memset(f, 0, HL7_IDS_TYPE);
	memset((char *)f + HL7_IDS_TYPE + HL7_IDS_TYPE_N, 0, HL7_IDS_MSH -
	    (HL7_IDS_TYPE + HL7_IDS_TYPE_N));
	memset((char *)f + HL7_IDS_MSH + HL7_IDS_MSH_N, 0,
	    offsetof(struct hl7_facts, devices) - (HL7_IDS_MSH +
	    HL7_IDS_MSH_N));
	memset(&f->n_obs, 0, offsetof(struct hl7_facts, obs) -
	    offsetof(struct hl7_facts, n_obs));
	memset(&f->n_segments, 0, offsetof(struct hl7_facts, segs) -
	    offsetof(struct hl7_facts, n_segments));
	memset(&f->truncated, 0, sizeof(*f) -
	    offsetof(struct hl7_facts, truncated));
	m->f = f;
	m->lim = lim;
	m->max_segments = max_segments;
	m->type_len = 0;
	m->trigger_len = 0;
	m->nonstd = false;
	m->stopped = false;
	m->seg_last = 0;
	m->key_n = 0;
	m->key_hit = false;
	m->msh_set = false;
	if (seglen < 3 || memcmp(seg, "MSH", 3) != 0 || !more) {
		hl7_msh_clear(m);
		app_anomaly(ctx, EV_HL7_MSH_MISSING);
		return false;
	}
	/* The delimiters, read in the first segment only; most messages
	 * use the ones the standard suggests (2.5.4). */
	if (seglen >= 8 && memcmp(seg + 3, "|^~\\&", 5) == 0 &&
	    (seglen == 8 || seg[8] == '|')) {
		hl7_delims_set(&m->d, (const uint8_t *)"|^~\\&", 4);
		memcpy(f->delimiters, "|^~\\&", 6);
		return true;
	}
	br_init(&br, seg, seglen);
	if (!hl7_delims(br, &m->d, f->delimiters, sizeof(f->delimiters))) {
		hl7_msh_clear(m);
		app_anomaly(ctx, EV_HL7_BAD_DELIMITERS);
		return false;
	}
	return true;
}

/*
 * The next segment of the message, seg[0..seglen), ended by term (CR
 * or LF; -1: by the message's end); lf_next: an LF follows a CR, and
 * with it makes the CR LF the segment ends with.
 */
static void
hl7_msg_segment(struct hl7_msg *m, struct app_ctx *ctx, const uint8_t *seg,
    size_t seglen, int term, bool lf_next)
{
	if (m->stopped)
		return;
	if (term == '\n' || (term == '\r' && lf_next))
		m->nonstd = true;
	if (seglen == 0)
		return;
	if (m->f->n_segments == m->max_segments) {
		app_anomaly(ctx, EV_HL7_TOO_MANY_SEGMENTS);
		m->f->truncated = true;
		m->stopped = true;
		return;
	}
	hl7_segment(m, seg, seglen);
	m->f->n_segments++;
}

/*
 * "type^trigger", or the type alone without a trigger, cut to size as
 * snprintf would: made once a message, by the parser, into the facts
 * (the rules and the device facts read it), where snprintf cost more
 * than the rest of either.
 */
static void
hl7_type_name(char *out, size_t size, const char *type,
    const char *trigger)
{
	size_t o = strlcpy(out, type, size);

	if (trigger[0] == '\0' || o + 1 >= size)
		return;
	out[o] = '^';
	strlcpy(out + o + 1, trigger, size - o - 1);
}

/* The message ends; len: its bytes, terminators included. */
static enum hl7_status
hl7_msg_end(struct hl7_msg *m, struct app_ctx *ctx, size_t len)
{
	struct hl7_facts *f = m->f;

	if (!m->msh_set)
		hl7_msh_clear(m);	/* MSH not read (the segment cap) */
	f->length = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	if (m->nonstd)
		app_anomaly(ctx, EV_HL7_NONSTANDARD_TERMINATOR);
	/*
	 * hl7_type_name(), from the lengths the copies gave: a type and a
	 * trigger are at most HL7_SHORT - 1 bytes each, so their arrays
	 * are copied whole (each ends in a NUL) and nothing is cut.
	 */
	_Static_assert(sizeof(f->type_name) >= 2 * sizeof(f->message_type) &&
	    sizeof(f->message_type) == sizeof(f->trigger_event),
	    "type_name holds type^trigger");
	memcpy(f->type_name, f->message_type, sizeof(f->message_type));
	if (m->trigger_len > 0) {
		f->type_name[m->type_len] = '^';
		memcpy(f->type_name + m->type_len + 1, f->trigger_event,
		    sizeof(f->trigger_event));
	}

	/* IHE PCD DEC: the device's EUI-64 as the sending application. */
	if (hl7_is_eui64(f->sending_app.universal_id_type)) {
		struct hl7_device spare, *dev;

		dev = hl7_dev_new(f, &spare, HL7_DEV_MSH3, 3);
		dev->eui64 = true;
		memcpy(dev->id, f->sending_app.universal_id, sizeof(dev->id));
		dev->hd = f->sending_app;
		hl7_add_device(f, dev);
	}
	return f->truncated ? HL7_TRUNCATED : HL7_OK;
}

/*
 * The end of the segment at the reader's position: the first CR or LF
 * (absolute offset), or HL7_NONE.  Both are looked for at once, 16
 * bytes at a time where the target has SSE2; the last, short block is
 * the view's last 16 bytes, its bytes before the position not looked
 * at, so that no byte outside the view is read.
 */
static inline size_t
hl7_seg_end(const struct breader *br)
{
	const uint8_t *s = br_cur(br);
	size_t n = br_left(br), i = 0;
#if HL7_SSE2
	const __m128i vcr = _mm_set1_epi8('\r'), vlf = _mm_set1_epi8('\n');
	__m128i x;
	unsigned v;
#endif

	if (br->bad || n == 0)
		return HL7_NONE;
#if HL7_SSE2
	for (; n - i >= 16; i += 16) {
		x = _mm_loadu_si128((const void *)(s + i));
		v = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(x, vcr), _mm_cmpeq_epi8(x, vlf)));
		if (v != 0)
			return br_off(br) + i + (unsigned)__builtin_ctz(v);
	}
	if (i < n && br->len >= 16) {
		/* The view's last 16 bytes: the first 16 - (n - i) are
		 * before s + i, looked at already or before the position. */
		x = _mm_loadu_si128((const void *)(s + n - 16));
		v = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(x, vcr), _mm_cmpeq_epi8(x, vlf))) >>
		    (16 - (n - i));
		return v != 0 ? br_off(br) + i + (unsigned)__builtin_ctz(v) :
		    HL7_NONE;
	}
#endif
	for (; i < n; i++)
		if (s[i] == '\r' || s[i] == '\n')
			return br_off(br) + i;
	return HL7_NONE;
}

enum hl7_status
hl7_parse_message(const uint8_t *p, size_t len, size_t max_segments,
    struct hl7_facts *f, struct app_ctx *ctx)
{
	struct hl7_msg m;
	struct breader msg;
	size_t off, end, seglen;

	m.st = NULL;
	m.dir = 0;
	br_init(&msg, p, len);
	end = hl7_seg_end(&msg);
	seglen = end == HL7_NONE ? len : end;
	if (!hl7_msg_start(&m, f, max_segments, p, seglen, len > 3, p + len,
	    ctx)) {
		f->length = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
		return HL7_REJECT;
	}
	while (br_left(&msg) > 0 && !m.stopped) {
		off = br_off(&msg);
		end = hl7_seg_end(&msg);
		seglen = end == HL7_NONE ? br_left(&msg) : end - off;
		hl7_msg_segment(&m, ctx, p + off, seglen,
		    end != HL7_NONE ? p[end] : -1,
		    end != HL7_NONE && end + 1 < len && p[end + 1] == '\n');
		br_skip(&msg, seglen + (end != HL7_NONE ? 1 : 0));
	}
	return hl7_msg_end(&m, ctx, len);
}

/*
 * Parts of a record (hl7_eve()) that a direction's next message most
 * often writes again byte for byte, kept as written (each without the
 * comma before it):
 *
 *	A  message_type to message_structure	MSH-9
 *	B  version to profile_universal_id	MSH-1, MSH-2, MSH-3 to 6,
 *						MSH-12, MSH-21
 *	C  devices to observations_dropped	the tables
 *	D  segments				the segment counts
 *
 * A to C are made of the evidence fields (hl7_ids_number(): the same
 * number, the same bytes) but for MSH-1, MSH-2 and the two dropped
 * counts, kept here to be compared; D of the segment table, kept here.
 * HL7_EVEC_MAX bytes of parts at most (more are written every time),
 * after a header of about 240 bytes (D's table the most of it).
 */
#define HL7_EVEC_PARTS	4
#define HL7_EVEC_MAX	2048

struct hl7_evec {
	uint64_t	 ids;		/* of A to C; 0: none kept */
	char		 delimiters[8];
	uint32_t	 devices_dropped;
	uint32_t	 obs_dropped;
	uint8_t		 n_segtypes;	/* D's, and its table */
	struct hl7_segcount segs[HL7_MAX_SEGTYPES];
	uint16_t	 len[HL7_EVEC_PARTS];
	uint16_t	 size;		/* of buf */
	char		 buf[];		/* the parts, one after the other */
};

static size_t
hl7_evec_size(const struct hl7_evec *ec)
{
	return ec != NULL ? sizeof(*ec) + ec->size : 0;
}

static void
hl7_evec_free(struct hl7_evec *ec)
{
	if (ec == NULL)
		return;
	explicit_bzero(ec, hl7_evec_size(ec));
	free(ec);
}

/* The parser ops. */

static const uint16_t hl7_ports[] = { 2575, 0 };

/* A block starts with a message (MSH) or a batch (FHS, BHS). */
static enum app_probe
hl7_probe(const uint8_t *p, size_t len, int dir)
{
	static const uint8_t starts[][4] = {
		{ MLLP_SB, 'M', 'S', 'H' },
		{ MLLP_SB, 'F', 'H', 'S' },
		{ MLLP_SB, 'B', 'H', 'S' },
	};
	size_t n = len < sizeof(starts[0]) ? len : sizeof(starts[0]), i;

	(void)dir;
	if (len == 0)
		return APP_PROBE_MAYBE;
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (memcmp(p, starts[i], n) == 0)
			return n < sizeof(starts[0]) ? APP_PROBE_MAYBE :
			    APP_PROBE_YES;
	return APP_PROBE_NO;
}

static void *
hl7_state_new(void)
{
	struct hl7_state *st;

	st = xcalloc(1, sizeof(*st));
	hl7_state_set_limits(st, MLLP_MAX_MSG, HL7_MAX_SEGMENTS);
	return st;
}

void
hl7_state_set_limits(void *state, size_t max_msg, size_t max_segments)
{
	struct hl7_state *st = state;

	mllp_init(&st->mllp[0], max_msg);
	mllp_init(&st->mllp[1], max_msg);
	st->max_segments = max_segments;
}

static void
hl7_state_free(void *state)
{
	struct hl7_state *st = state;
	int d;

	for (d = 0; d < 2; d++) {
		if (st->ids_buf[d] != NULL) {
			explicit_bzero(st->ids_buf[d], st->ids_len[d]);
			free(st->ids_buf[d]);
		}
		hl7_evec_free(st->evec[d]);
		if (st->msh_buf[d] != NULL) {
			explicit_bzero(st->msh_buf[d], st->msh_len[d] +
			    HL7_SHORT);
			free(st->msh_buf[d]);
		}
	}
	free(state);
}

/* A segment's id is one of FHS, BHS, BTS, FTS. */
static bool
hl7_is_batch_seg(const uint8_t *p, size_t n)
{
	if (n < 3 || (p[0] != 'B' && p[0] != 'F'))
		return false;
	return (p[1] == 'H' || p[1] == 'T') && p[2] == 'S';
}

/* Where a batch stands while its block is walked. */
struct hl7_batch {
	bool		 in_batch;	/* FHS or BHS seen, or 2+ MSH */
	uint32_t	 index;		/* messages so far in this batch */
	uint32_t	 found;		/* MSH segments in the block */
	char		 control_id[HL7_STR];	/* BHS-11 */
};


static void
hl7_buf(struct app_buf *b, size_t *n, enum app_buf_id id, const char *v)
{
	if (v[0] == '\0')
		return;
	b[*n].id = id;
	b[*n].data = (const uint8_t *)v;
	b[*n].len = strlen(v);
	(*n)++;
}

/* An HD (MSH-3, MSH-5) as the rules see it: its namespace id, else its
 * universal id. */
static const char *
hl7_hd_name(const struct hl7_hd *hd)
{
	return hd->namespace_id[0] != '\0' ? hd->namespace_id :
	    hd->universal_id;
}

/*
 * A message's detection buffers, from MSH only (never a patient
 * segment): hl7.message_type as "ADT^A01", the sending and receiving
 * applications and the processing id.
 */
static void
hl7_inspect(struct app_ctx *ctx, int dir, const struct hl7_facts *f)
{
	struct app_buf b[4];
	size_t n = 0;

	hl7_buf(b, &n, APP_BUF_HL7_MESSAGE_TYPE, f->type_name);
	hl7_buf(b, &n, APP_BUF_HL7_SENDING_APP, hl7_hd_name(&f->sending_app));
	hl7_buf(b, &n, APP_BUF_HL7_RECEIVING_APP,
	    hl7_hd_name(&f->receiving_app));
	hl7_buf(b, &n, APP_BUF_HL7_PROCESSING_ID, f->processing_id);
	app_inspect(ctx, APP_HL7, dir, b, n, f);
}


static size_t
hl7_ids_size(const struct hl7_facts *f)
{
	return HL7_IDS_TYPE_N + HL7_IDS_MSH_N + 2 +
	    f->n_devices * sizeof(f->devices[0]) +
	    f->n_obs * sizeof(f->obs[0]);
}

/* The fields as laid end to end in ids (hl7_ids_size(f) bytes), or
 * laid so there; msh: the MSH fields (up to MSH-21) were taken from
 * ids (hl7_msh_again()), and are not compared again. */
static bool
hl7_ids_same(const struct hl7_facts *f, const char *ids, bool msh)
{
	const char *b = (const char *)f;
	size_t o = HL7_IDS_TYPE_N + HL7_IDS_MSH_N;

	return (msh || (memcmp(ids, b + HL7_IDS_TYPE, HL7_IDS_TYPE_N) == 0 &&
	    memcmp(ids + HL7_IDS_TYPE_N, b + HL7_IDS_MSH, HL7_IDS_MSH_N) ==
	    0)) && (uint8_t)ids[o] == f->n_devices &&
	    (uint8_t)ids[o + 1] == f->n_obs &&
	    memcmp(ids + o + 2, f->devices, f->n_devices *
	    sizeof(f->devices[0])) == 0 &&
	    memcmp(ids + o + 2 + f->n_devices * sizeof(f->devices[0]), f->obs,
	    f->n_obs * sizeof(f->obs[0])) == 0;
}

static void
hl7_ids_lay(const struct hl7_facts *f, char *ids)
{
	const char *b = (const char *)f;
	size_t o = HL7_IDS_TYPE_N + HL7_IDS_MSH_N;

	memcpy(ids, b + HL7_IDS_TYPE, HL7_IDS_TYPE_N);
	memcpy(ids + HL7_IDS_TYPE_N, b + HL7_IDS_MSH, HL7_IDS_MSH_N);
	ids[o] = (char)f->n_devices;
	ids[o + 1] = (char)f->n_obs;
	memcpy(ids + o + 2, f->devices, f->n_devices * sizeof(f->devices[0]));
	memcpy(ids + o + 2 + f->n_devices * sizeof(f->devices[0]), f->obs,
	    f->n_obs * sizeof(f->obs[0]));
}

/*
 * Numbers the message's evidence fields (facts->ids): as the last
 * message's in the same direction when they are the same bytes, else a
 * number no message of any flow had, so that the sink can tell, with
 * one comparison, a message that would only repeat the evidence of
 * the one before.  msh: its MSH fields are the last message's
 * (hl7_msh_again()).
 */
static void
hl7_ids_number(struct hl7_state *st, int dir, struct hl7_facts *facts,
    bool msh)
{
	static _Atomic uint64_t next;
	size_t n = hl7_ids_size(facts);
	int d = dir != 0;

	if (st->ids[d] == 0 || n != st->ids_len[d] ||
	    !hl7_ids_same(facts, st->ids_buf[d], msh)) {
		/* A buffer of the same size is laid over whole. */
		if (st->ids_buf[d] == NULL || n != st->ids_len[d]) {
			if (st->ids_buf[d] != NULL)
				explicit_bzero(st->ids_buf[d],
				    st->ids_len[d]);
			free(st->ids_buf[d]);
			st->ids_buf[d] = xcalloc(1, n);
		}
		hl7_ids_lay(facts, st->ids_buf[d]);
		st->ids_len[d] = n;
		st->ids[d] = atomic_fetch_add_explicit(&next, 1,
		    memory_order_relaxed) + 1;
	}
	facts->ids = st->ids[d];
}

/*
 * The message's MSH (hl7_msh_key()) and MSH-11, kept with the fields
 * hl7_ids_number() laid out of the same message (hl7_msh_again());
 * with no MSH read, none.
 */
static void
hl7_msh_keep(struct hl7_state *st, int dir, const struct hl7_msg *m)
{
	int d = dir != 0;
	char *b;

	if (m->key_hit)
		return;		/* the one kept */
	if (st->msh_buf[d] != NULL && st->msh_len[d] != m->key_n) {
		explicit_bzero(st->msh_buf[d], st->msh_len[d] + HL7_SHORT);
		free(st->msh_buf[d]);
		st->msh_buf[d] = NULL;
		st->msh_len[d] = 0;
	}
	if (m->key_n == 0)
		return;
	if (st->msh_buf[d] == NULL) {
		st->msh_buf[d] = xcalloc(1, m->key_n + HL7_SHORT);
		st->msh_len[d] = m->key_n;
	}
	b = st->msh_buf[d];
	memcpy(b, m->key[0], m->key_len[0]);
	memcpy(b + m->key_len[0], m->key[1], m->key_len[1]);
	memcpy(b + m->key_len[0] + m->key_len[1], m->key[2], m->key_len[2]);
	_Static_assert(sizeof(m->f->processing_id) == HL7_SHORT,
	    "MSH-11 kept after the MSH");
	memcpy(b + m->key_n, m->f->processing_id, HL7_SHORT);
}

/*
 * A message of the block ends (len bytes): its facts, if it could be
 * read (parsing), go to the record and the rules.
 */
static void
hl7_emit_message(struct hl7_state *st, struct app_ctx *ctx, int dir,
    struct hl7_batch *b, struct hl7_msg *m, bool parsing, size_t len)
{
	struct hl7_facts *facts = m->f;

	b->index++;
	if (!parsing)
		return;
	(void)hl7_msg_end(m, ctx, len);
	if (b->in_batch) {
		facts->in_batch = true;
		facts->batch_index = b->index;
		memcpy(facts->batch_control_id, b->control_id,
		    sizeof(facts->batch_control_id));
	}
	st->messages++;
	/* Numbered for the facts' sink (the device inventory), which
	 * skips the evidence of repeats by number; with no sink, nothing
	 * is kept. */
	if (app_facts_wanted(ctx)) {
		hl7_ids_number(st, dir, facts, m->key_hit);
		hl7_msh_keep(st, dir, m);
		facts->evec = &st->evec[dir != 0];
	} else {
		facts->ids = 0;
		facts->evec = NULL;
	}
	app_emit(ctx, APP_HL7, dir, facts);
	if (app_inspect_wanted(ctx, APP_HL7))
		hl7_inspect(ctx, dir, facts);
}

/*
 * BHS and FHS carry their own delimiters, laid out as in MSH: field n
 * of them is token n - 1.  BHS-11 is the batch control id; BTS-1 the
 * number of messages the batch says it holds.
 */
static void
hl7_batch_seg(struct app_ctx *ctx, struct hl7_batch *b,
    const struct hl7_delims *last, const uint8_t *p, size_t n,
    const uint8_t *lim)
{
	struct hl7_delims d;
	struct hl7_cur c;
	struct breader seg;
	size_t end[11 + HL7_TOKENS_SLACK];
	char enc[8], count[HL7_SHORT];

	if (p[1] == 'H') {			/* FHS, BHS */
		b->in_batch = true;
		if (p[0] != 'B')
			return;
		b->index = 0;
		b->control_id[0] = '\0';
		br_init(&seg, p, n);
		if (!hl7_delims(seg, &d, enc, sizeof(enc))) {
			app_anomaly(ctx, EV_HL7_BAD_DELIMITERS);
			return;
		}
		if (hl7_tokens(p, n, lim, d.fs, end, 11) < 11)
			return;
		hl7_cur_tok(&c, &d, p, end, 10, lim, HL7_CUR_REP);
		hl7_cur_copy(&c, b->control_id, sizeof(b->control_id));
		return;
	}
	if (p[0] != 'B' || last == NULL)	/* FTS; BTS before any MSH */
		return;
	if (hl7_tokens(p, n, lim, last->fs, end, 2) < 2)
		return;
	hl7_cur_tok(&c, last, p, end, 1, lim, HL7_CUR_RAW);
	hl7_cur_copy(&c, count, sizeof(count));
	if (count[0] != '\0' && strtoul(count, NULL, 10) != b->index)
		app_anomaly(ctx, EV_HL7_BATCH_COUNT);
}

/*
 * One MLLP block: a message, or a batch of them.  Segments are walked
 * once (hl7_seg_end() for each CR or LF); a message runs from an
 * MSH to the segment before the next MSH or batch segment, and each of
 * its segments is parsed as the walk finds it.
 */
static void
hl7_block(struct hl7_state *st, struct app_ctx *ctx, int dir,
    const uint8_t *p, size_t len)
{
	struct hl7_facts facts;		/* 5 KiB: not kept per flow */
	struct hl7_batch b;
	struct hl7_delims d, *last = NULL;
	struct hl7_msg m;
	struct breader blk;
	size_t off, end, seglen, start = HL7_NONE;
	bool stray = false;	/* a segment outside any message */
	bool parsing = false;	/* in a message that can be read */

	memset(&b, 0, sizeof(b));
	m.st = st;
	m.dir = dir;
	br_init(&blk, p, len);
	while (br_left(&blk) > 0) {
		off = br_off(&blk);
		end = hl7_seg_end(&blk);
		seglen = end == HL7_NONE ? br_left(&blk) : end - off;
		if (seglen >= 3 && memcmp(p + off, "MSH", 3) == 0) {
			if (start != HL7_NONE) {
				b.in_batch = true;
				hl7_emit_message(st, ctx, dir, &b, &m, parsing,
				    off - start);
			}
			start = off;
			b.found++;
			parsing = hl7_msg_start(&m, &facts, st->max_segments,
			    p + off, seglen, seglen > 3 || end != HL7_NONE,
			    p + len, ctx);
			if (parsing) {
				d = m.d;
				last = &d;
			}
		} else if (hl7_is_batch_seg(p + off, seglen)) {
			if (start != HL7_NONE)
				hl7_emit_message(st, ctx, dir, &b, &m, parsing,
				    off - start);
			start = HL7_NONE;
			parsing = false;
			hl7_batch_seg(ctx, &b, last, p + off, seglen, p + len);
		} else if (start == HL7_NONE && seglen > 0)
			stray = true;
		if (parsing)
			hl7_msg_segment(&m, ctx, p + off, seglen,
			    end != HL7_NONE ? p[end] : -1,
			    end != HL7_NONE && end + 1 < len &&
			    p[end + 1] == '\n');
		br_skip(&blk, seglen + (end != HL7_NONE ? 1 : 0));
	}
	if (start != HL7_NONE)
		hl7_emit_message(st, ctx, dir, &b, &m, parsing, len - start);
	if (b.found == 0 || stray)
		app_anomaly(ctx, EV_HL7_MSH_MISSING);
}

static struct app_result
hl7_parse(void *state, struct app_ctx *ctx, int dir, const uint8_t *buf,
    size_t len)
{
	struct hl7_state *st = state;
	struct mllp_state *ms = &st->mllp[dir != APP_DIR_TOSERVER];
	struct mllp_result r;
	size_t off = 0;

	if (len == 0)
		return app_ok(0);
	for (;;) {
		r = mllp_next(ms, ctx, buf + off, len - off);
		off += r.consumed;
		if (r.status == MLLP_MORE)
			return off == len ? app_ok(off) :
			    app_incomplete(off, r.needed);
		hl7_block(st, ctx, dir, r.msg, r.msg_len);
		/* After a frame the framer hunts for the next start
		 * block: with no byte left, there is none to find. */
		if (off == len)
			return app_ok(off);
	}
}

static void
hl7_gap(void *state, struct app_ctx *ctx, int dir)
{
	struct hl7_state *st = state;

	mllp_gap(&st->mllp[dir != APP_DIR_TOSERVER], ctx);
}

/* EVE */

/*
 * The record is written as one run (output/jsonw.h): no check of room
 * or state per member.  Its output pointer and comma are kept in local
 * variables between jsonw_run_begin() and jsonw_run_end(), so that the
 * compiler keeps them in registers (a byte stored through the run's
 * own pointer may alias it, and would make every write reload it);
 * each value goes 16 or 8 bytes at a time from its array.
 * hl7_msg_start() and the tables' entries leave none of the arrays'
 * bytes unset.
 */

/* A literal of n bytes. */
JSONW_INLINE char *
hl7_put(char *o, const char *q, size_t n)
{
	memcpy(o, q, n);
	return o + n;
}

#define HL7_PUT(o, q)	((o) = hl7_put((o), (q), sizeof(q) - 1))

/*
 * A NUL-terminated string in an array of size bytes (cut there if it
 * has no NUL), quoted as jsonw_run_str_in() writes it: the bytes up to
 * the first that needs work (a control byte, the NUL among them, '"',
 * '\\', non-ASCII) are stored as they are checked, 16 at a time where
 * the target has SSE2; jsonw_run_str_rest() escapes from there.
 */
JSONW_INLINE char *
hl7_str(char *o, const char *s, size_t size)
{
	size_t i = 0;
#if HL7_SSE2
	__m128i x;
	unsigned v;
#endif
#if HL7_WORDS
	uint64_t w, m;
#endif

	*o++ = '"';
#if HL7_SSE2
	for (; i + 16 <= size; i += 16) {
		x = _mm_loadu_si128((const void *)(s + i));
		_mm_storeu_si128((void *)(o + i), x);
		/* Signed: below 0x20, or 0x80 and up. */
		v = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)), _mm_or_si128(
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')))));
		if (v != 0) {
			i += (unsigned)__builtin_ctz(v);
			goto found;
		}
	}
#endif
#if HL7_WORDS
	for (; i + 8 <= size; i += 8) {
		memcpy(&w, s + i, 8);
		memcpy(o + i, &w, 8);
		if ((m = jsonw_word_special(w)) != 0) {
			i += (unsigned)__builtin_ctzll(m) / 8;
			goto found;
		}
	}
#endif
	for (; i < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
			goto found;
		o[i] = (char)c;
	}
	/* No NUL in the array: all of it, as jsonw_run_str_in(). */
	o[size] = '"';
	return o + size + 1;
 found:
	if (s[i] == '\0') {
		o[i] = '"';
		return o + i + 1;
	}
	return jsonw_run_str_rest(o, s, i, size);
}

/* A number, as jsonw_run_uint() writes it. */
JSONW_INLINE char *
hl7_uint(char *o, uint64_t v)
{
	if (v >= 100)
		return o + fmt_uint(o, v);
	if (v >= 10)
		*o++ = (char)('0' + v / 10);
	*o++ = (char)('0' + v % 10);
	return o;
}

/* The comma a member takes after another. */
#define HL7_COMMA(o, comma)	do {					\
	if (comma)							\
		*(o)++ = ',';						\
} while (0)

/* A member when its value, one of the facts' arrays, is not empty; k
 * is a literal key. */
#define HL7_KV(o, k, v, comma)	do {					\
	if ((v)[0] != '\0') {						\
		HL7_COMMA(o, comma);					\
		HL7_PUT(o, "\"" k "\":");				\
		(o) = hl7_str((o), (v), sizeof(v));			\
		(comma) = true;						\
	}								\
} while (0)

/* A member with a number. */
#define HL7_KV_UINT(o, k, v, comma)	do {				\
	HL7_COMMA(o, comma);						\
	HL7_PUT(o, "\"" k "\":");					\
	(o) = hl7_uint((o), (v));					\
	(comma) = true;							\
} while (0)

/*
 * The most a record's object takes: every array escaped at worst (6
 * bytes a byte), keys, punctuation and numbers.
 */
#define HL7_EVE_FIXED	(6 * (offsetof(struct hl7_facts, n_devices) + \
	sizeof(((struct hl7_facts *)0)->batch_control_id)) + 2048)
#define HL7_EVE_DEVICE	(6 * sizeof(struct hl7_device) + 256)
#define HL7_EVE_OBS	(6 * sizeof(struct hl7_obs) + 64)
#define HL7_EVE_SEG	(6 * sizeof(struct hl7_segcount) + 64)

/*
 * An HD object under a key (the literal q, with its quotes and colon
 * and no comma), when it has anything.
 */
JSONW_INLINE char *
hl7_eve_hd(char *o, bool *comma, const char *q, size_t n,
    const struct hl7_hd *hd)
{
	bool c = false;

	if (hd->namespace_id[0] == '\0' && hd->universal_id[0] == '\0' &&
	    hd->universal_id_type[0] == '\0')
		return o;
	HL7_COMMA(o, *comma);
	o = hl7_put(o, q, n);
	*o++ = '{';
	HL7_KV(o, "namespace_id", hd->namespace_id, c);
	HL7_KV(o, "universal_id", hd->universal_id, c);
	HL7_KV(o, "universal_id_type", hd->universal_id_type, c);
	*o++ = '}';
	*comma = true;
	return o;
}

#define HL7_KV_HD(o, k, hd, comma)					\
	((o) = hl7_eve_hd((o), &(comma), "\"" k "\":", sizeof(k) + 2, (hd)))

/* One device object, the first of its array or after one. */
static char *
hl7_eve_device(char *o, const struct hl7_device *dev)
{
	bool c = true;

	switch (dev->source) {
	case HL7_DEV_MSH3:
		HL7_PUT(o, "{\"source\":\"msh3\"");
		break;
	case HL7_DEV_PRT:
		HL7_PUT(o, "{\"source\":\"prt\",\"field\":");
		o = hl7_uint(o, dev->field);
		break;
	case HL7_DEV_OBX18:
		HL7_PUT(o, "{\"source\":\"obx18\"");
		break;
	case HL7_DEV_EQU1:
		HL7_PUT(o, "{\"source\":\"equ1\"");
		break;
	default:
		HL7_PUT(o, "{\"source\":\"unknown\"");
		break;
	}
	HL7_KV(o, "id", dev->id, c);
	HL7_KV(o, "namespace", dev->hd.namespace_id, c);
	HL7_KV(o, "universal_id", dev->hd.universal_id, c);
	/* An EUI-64 is flagged one way: its type, spelt as HL7 table 0301
	 * does whatever the sender's case. */
	if (dev->eui64)
		HL7_PUT(o, ",\"type\":\"EUI-64\"}");
	else {
		HL7_KV(o, "type", dev->hd.universal_id_type, c);
		*o++ = '}';
	}
	return o;
}

/*
 * A segment count: {"id":"MSH","count":1}.  An id the parser made is
 * three of [A-Z0-9], which need no escaping; any other is escaped.
 */
JSONW_INLINE char *
hl7_eve_seg(char *o, const struct hl7_segcount *sc)
{
	const uint8_t *id = (const uint8_t *)sc->id;

	if (hl7_idchar[id[0]] && hl7_idchar[id[1]] && hl7_idchar[id[2]] &&
	    id[3] == '\0') {
		HL7_PUT(o, "{\"id\":\"");
		memcpy(o, id, 3);
		o += 3;
		HL7_PUT(o, "\",\"count\":");
	} else {
		HL7_PUT(o, "{\"id\":");
		o = hl7_str(o, sc->id, sizeof(sc->id));
		HL7_PUT(o, ",\"count\":");
	}
	o = hl7_uint(o, sc->n);
	*o++ = '}';
	return o;
}

/*
 * The parts of a record (struct hl7_evec): each is written at p, one
 * byte past o when a comma may go before it, with c saying whether it
 * has a member yet; at its end the comma goes in front when it has
 * one, and at[i], len[i] say where it is.
 */
#define HL7_PART_BEGIN(o, comma, p, c)	do {				\
	(p) = (o) + ((comma) ? 1 : 0);					\
	(c) = false;							\
} while (0)

#define HL7_PART_END(o, comma, p, c, at, len)	do {			\
	if (c) {							\
		if (comma)						\
			*(o)++ = ',';					\
		(at) = (o);						\
		(len) = (size_t)((p) - (o));				\
		(o) = (p);						\
		(comma) = true;						\
	} else {							\
		(at) = (o);						\
		(len) = 0;						\
	}								\
} while (0)

/* Part i as kept, at o. */
JSONW_INLINE char *
hl7_eve_kept(char *o, bool *comma, const struct hl7_evec *ec, unsigned i,
    char **at, size_t *len)
{
	size_t off = 0, n = ec->len[i];
	unsigned j;

	for (j = 0; j < i; j++)
		off += ec->len[j];
	if (n == 0) {
		at[i] = o;
		len[i] = 0;
		return o;
	}
	if (*comma)
		*o++ = ',';
	memcpy(o, ec->buf + off, n);
	at[i] = o;
	len[i] = n;
	*comma = true;
	return o + n;
}

/*
 * Keep the parts the record has (at[i], len[i]) for the next message of
 * the direction; none when they are longer than HL7_EVEC_MAX.  The
 * buffer only grows, to that.
 */
static void
hl7_evec_keep(const struct hl7_facts *f, unsigned ns, char *const *at,
    const size_t *len)
{
	struct hl7_evec *ec = *f->evec;
	size_t n = 0, o = 0, size;
	unsigned i;

	for (i = 0; i < HL7_EVEC_PARTS; i++)
		n += len[i];
	if (n > HL7_EVEC_MAX) {
		hl7_evec_free(ec);
		*f->evec = NULL;
		return;
	}
	if (ec == NULL || ec->size < n) {
		size = (n + 63) & ~(size_t)63;
		hl7_evec_free(ec);
		ec = xcalloc(1, sizeof(*ec) + size);
		ec->size = (uint16_t)size;
		*f->evec = ec;
	}
	ec->ids = f->ids;
	memcpy(ec->delimiters, f->delimiters, sizeof(ec->delimiters));
	ec->devices_dropped = f->devices_dropped;
	ec->obs_dropped = f->obs_dropped;
	ec->n_segtypes = (uint8_t)ns;
	memcpy(ec->segs, f->segs, ns * sizeof(f->segs[0]));
	for (i = 0; i < HL7_EVEC_PARTS; i++) {
		ec->len[i] = (uint16_t)len[i];
		memcpy(ec->buf + o, at[i], len[i]);
		o += len[i];
	}
}

static void
hl7_eve(struct jsonw *w, const void *fact)
{
	const struct hl7_facts *f = fact;
	unsigned nd = f->n_devices < HL7_MAX_DEVICES ? f->n_devices :
	    HL7_MAX_DEVICES;
	unsigned no = f->n_obs < HL7_MAX_OBS ? f->n_obs : HL7_MAX_OBS;
	unsigned ns = f->n_segtypes < HL7_MAX_SEGTYPES ? f->n_segtypes :
	    HL7_MAX_SEGTYPES;
	const struct hl7_evec *ec = f->evec != NULL ? *f->evec : NULL;
	struct jsonw_run run;
	char *at[HL7_EVEC_PARTS], *o, *p;
	size_t len[HL7_EVEC_PARTS];
	unsigned i;
	bool comma, c, kept, kept_segs;

	_Static_assert(sizeof(f->delimiters) == sizeof(ec->delimiters),
	    "delimiters kept whole");
	/* A to C are the last record's when the evidence fields have its
	 * number and the rest of what they are made of is the same. */
	kept = ec != NULL && f->ids != 0 && ec->ids == f->ids &&
	    memcmp(ec->delimiters, f->delimiters, sizeof(f->delimiters)) ==
	    0 && ec->devices_dropped == f->devices_dropped &&
	    ec->obs_dropped == f->obs_dropped;
	kept_segs = ec != NULL && ec->n_segtypes == ns &&
	    memcmp(ec->segs, f->segs, ns * sizeof(f->segs[0])) == 0;
	jsonw_run_begin(w, &run, HL7_EVE_FIXED + nd * HL7_EVE_DEVICE +
	    no * HL7_EVE_OBS + ns * HL7_EVE_SEG);
	o = run.o;
	comma = run.comma;
	if (kept)
		o = hl7_eve_kept(o, &comma, ec, 0, at, len);
	else {
		HL7_PART_BEGIN(o, comma, p, c);
		HL7_KV(p, "message_type", f->message_type, c);
		HL7_KV(p, "trigger_event", f->trigger_event, c);
		HL7_KV(p, "message_structure", f->message_structure, c);
		HL7_PART_END(o, comma, p, c, at[0], len[0]);
	}
	HL7_KV(o, "control_id", f->control_id, comma);
	HL7_KV(o, "processing_id", f->processing_id, comma);
	if (kept)
		o = hl7_eve_kept(o, &comma, ec, 1, at, len);
	else {
		HL7_PART_BEGIN(o, comma, p, c);
		HL7_KV(p, "version", f->version, c);
		/* Most messages have the delimiters the standard
		 * suggests: the array compared whole (the parser leaves
		 * zeros after the NUL; anything else is written the long
		 * way, the same). */
		_Static_assert(sizeof(f->delimiters) == 8,
		    "delimiters in a word");
		if (memcmp(f->delimiters, "|^~\\&\0\0", 8) == 0) {
			HL7_COMMA(p, c);
			HL7_PUT(p, "\"delimiters\":\"|^~\\\\&\"");
			c = true;
		} else
			HL7_KV(p, "delimiters", f->delimiters, c);
		HL7_KV_HD(p, "sending_application", &f->sending_app, c);
		HL7_KV_HD(p, "sending_facility", &f->sending_fac, c);
		HL7_KV_HD(p, "receiving_application", &f->receiving_app,
		    c);
		HL7_KV_HD(p, "receiving_facility", &f->receiving_fac, c);
		HL7_KV(p, "profile", f->profile, c);
		HL7_KV(p, "profile_universal_id", f->profile_oid, c);
		HL7_PART_END(o, comma, p, c, at[1], len[1]);
	}
	if (f->in_batch) {
		HL7_COMMA(o, comma);
		HL7_PUT(o, "\"batch\":{\"index\":");
		o = hl7_uint(o, f->batch_index);
		c = true;
		HL7_KV(o, "control_id", f->batch_control_id, c);
		*o++ = '}';
		comma = true;
	}
	if (f->has_ack) {
		HL7_COMMA(o, comma);
		HL7_PUT(o, "\"ack\":{");
		c = false;
		HL7_KV(o, "code", f->ack_code, c);
		HL7_KV(o, "control_id", f->ack_control_id, c);
		*o++ = '}';
		comma = true;
	}
	if (kept)
		o = hl7_eve_kept(o, &comma, ec, 2, at, len);
	else {
		bool m;

		HL7_PART_BEGIN(o, comma, p, c);
		if (nd > 0) {
			HL7_PUT(p, "\"devices\":[");
			for (i = 0; i < nd; i++) {
				if (i > 0)
					*p++ = ',';
				p = hl7_eve_device(p, &f->devices[i]);
			}
			*p++ = ']';
			c = true;
		}
		if (f->devices_dropped > 0)
			HL7_KV_UINT(p, "devices_dropped", f->devices_dropped,
			    c);
		if (no > 0) {
			HL7_COMMA(p, c);
			HL7_PUT(p, "\"observations\":[");
			for (i = 0; i < no; i++) {
				if (i > 0)
					*p++ = ',';
				*p++ = '{';
				m = false;
				HL7_KV(p, "code", f->obs[i].code, m);
				HL7_KV(p, "system", f->obs[i].system, m);
				*p++ = '}';
			}
			*p++ = ']';
			c = true;
		}
		if (f->obs_dropped > 0)
			HL7_KV_UINT(p, "observations_dropped", f->obs_dropped,
			    c);
		HL7_PART_END(o, comma, p, c, at[2], len[2]);
	}
	/*
	 * Segment ids are values, not keys, so that a site's Z-segments
	 * add no fields to a SIEM's index: [{"id":"MSH","count":1},...] in
	 * the order first seen.  Segments past the table or with an id
	 * that is not three of [A-Z0-9] are only counted.
	 */
	if (kept_segs)
		o = hl7_eve_kept(o, &comma, ec, 3, at, len);
	else {
		HL7_PART_BEGIN(o, comma, p, c);
		if (ns > 0) {
			HL7_PUT(p, "\"segments\":[");
			for (i = 0; i < ns; i++) {
				if (i > 0)
					*p++ = ',';
				p = hl7_eve_seg(p, &f->segs[i]);
			}
			*p++ = ']';
			c = true;
		}
		HL7_PART_END(o, comma, p, c, at[3], len[3]);
	}
	if (f->evec != NULL && f->ids != 0 && (!kept || !kept_segs))
		hl7_evec_keep(f, ns, at, len);
	if (f->segs_other > 0)
		HL7_KV_UINT(o, "segments_other", f->segs_other, comma);
	HL7_KV_UINT(o, "segment_count", f->n_segments, comma);
	HL7_KV_UINT(o, "length", f->length, comma);
	if (f->truncated)
		HL7_PUT(o, ",\"truncated\":true");
	run.o = o;
	run.comma = true;
	jsonw_run_end(w, &run);
}

/* Most messages leave some of the fields evidence is made of empty
 * (universal ids, profiles): the sink would drop them. */
static inline void
hl7_evidence(const struct app_sink *sink, int end, enum evidence_key key,
    const char *value)
{
	if (value[0] != '\0')
		app_evidence(sink, end, key, value);
}

/*
 * Device evidence of a message: the sender's applications, facility,
 * versions, equipment and observation codes (never values); the
 * receiver's application; who sends HL7 to whom.  An EUI-64 names a
 * device by its maker's OUI; PRT-20 is the device's serial number.
 */
static void
hl7_facts(const void *fact, int dir, const struct app_sink *sink)
{
	static const enum evidence_key eui64[] = {
		[HL7_DEV_MSH3] = EVIDENCE_HL7_MSH3_EUI64,
		[HL7_DEV_PRT] = EVIDENCE_HL7_PRT_EUI64,
		[HL7_DEV_OBX18] = EVIDENCE_HL7_OBX18_EUI64,
		[HL7_DEV_EQU1] = EVIDENCE_HL7_EQU1_EUI64,
	};
	const struct hl7_facts *h = fact;
	const struct hl7_device *d;
	int tx = APP_END_SENDER(dir);
	bool again;
	char buf[64], ip[UTIL_ADDRBUF];
	unsigned i;

	/* Fields the same as the message's before (h->ids): its activity
	 * only, when the sink would drop all their evidence as said
	 * lately. */
	again = h->ids != 0 && sink->again != NULL &&
	    sink->again(sink, dir, h->ids);
	if (!again) {
		hl7_evidence(sink, tx, EVIDENCE_HL7_SENDING_APP,
		    h->sending_app.namespace_id);
		if (!hl7_streq_ci(h->sending_app.universal_id_type, "EUI-64"))
			hl7_evidence(sink, tx, EVIDENCE_HL7_SENDING_APP,
			    h->sending_app.universal_id);
		hl7_evidence(sink, tx, EVIDENCE_HL7_SENDING_FACILITY,
		    h->sending_fac.namespace_id);
		hl7_evidence(sink, !tx, EVIDENCE_HL7_RECEIVING_APP,
		    h->receiving_app.namespace_id);
	}
	if (h->message_type[0] != '\0') {
		/* As the parser made it; facts made otherwise (tests)
		 * may not have it. */
		if (h->type_name[0] != '\0')
			memcpy(buf, h->type_name, sizeof(h->type_name));
		else
			hl7_type_name(buf, sizeof(buf), h->message_type,
			    h->trigger_event);
		if (!again)
			hl7_evidence(sink, tx, EVIDENCE_HL7_MESSAGE_TYPE, buf);
		if (h->ps_patient[0] != '\0') {
			strlcat(buf, "\t", sizeof(buf));
			strlcat(buf, h->ps_patient, sizeof(buf));
		}
		app_activity(sink, tx, ACT_HL7_MESSAGE, buf);
	}
	if (again)
		return;
	hl7_evidence(sink, tx, EVIDENCE_HL7_VERSION, h->version);
	hl7_evidence(sink, tx, EVIDENCE_HL7_PROFILE, h->profile);
	hl7_evidence(sink, tx, EVIDENCE_HL7_PROFILE, h->profile_oid);
	if (strcmp(h->message_type, "ACK") != 0) {
		hl7_evidence(sink, tx, EVIDENCE_BEHAVIOUR, "hl7_sender");
		hl7_evidence(sink, !tx, EVIDENCE_BEHAVIOUR, "hl7_receiver");
		if (sink->address(sink, tx, ip))
			hl7_evidence(sink, !tx, EVIDENCE_HL7_FROM, ip);
	}
	for (i = 0; i < h->n_devices; i++) {
		d = &h->devices[i];
		if (d->eui64) {
			if (d->source < sizeof(eui64) / sizeof(eui64[0]))
				hl7_evidence(sink, tx, eui64[d->source],
				    d->hd.universal_id[0] != '\0' ?
				    d->hd.universal_id : d->id);
		} else if (d->source == HL7_DEV_PRT && d->field == 20)
			hl7_evidence(sink, tx, EVIDENCE_HL7_SERIAL, d->id);
		else
			hl7_evidence(sink, tx, EVIDENCE_HL7_EQUIPMENT, d->id);
		hl7_evidence(sink, tx, EVIDENCE_HL7_EQUIPMENT,
		    d->hd.namespace_id);
	}
	for (i = 0; i < h->n_obs; i++) {
		hl7_evidence(sink, tx, EVIDENCE_HL7_OBSERVATION,
		    h->obs[i].code);
		hl7_evidence(sink, tx, EVIDENCE_HL7_OBSERVATION,
		    h->obs[i].name);
	}
}

/* The fields of each direction's last message (hl7_ids_number()) and
 * its MSH (hl7_msh_keep()): none with no facts' sink. */
static size_t
hl7_memuse(const void *state)
{
	const struct hl7_state *st = state;

	return mem_cost(st->ids_buf[0] != NULL ? st->ids_len[0] : 0) +
	    mem_cost(st->ids_buf[1] != NULL ? st->ids_len[1] : 0) +
	    mem_cost(st->msh_buf[0] != NULL ? st->msh_len[0] + HL7_SHORT :
	    0) + mem_cost(st->msh_buf[1] != NULL ? st->msh_len[1] +
	    HL7_SHORT : 0) + mem_cost(hl7_evec_size(st->evec[0])) +
	    mem_cost(hl7_evec_size(st->evec[1]));
}

const struct app_parser hl7_parser = {
	.proto = APP_HL7,
	.ipproto = IPPROTO_TCP,
	.ports = hl7_ports,
	.anom_first = EV_MLLP_MISSING_START_BLOCK,
	.anom_last = EV_HL7_BATCH_COUNT,
	.probe = hl7_probe,
	.state_new = hl7_state_new,
	.state_size = sizeof(struct hl7_state),
	.state_free = hl7_state_free,
	.parse = hl7_parse,
	.gap = hl7_gap,
	.eve = hl7_eve,
	.facts = hl7_facts,
	.memuse = hl7_memuse,
};
