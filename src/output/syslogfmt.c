/*
 * output/syslogfmt.c - syslog (RFC 5424, RFC 3164) and CEF messages,
 * RFC 6587 octet counting.
 */
#include <config.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/eve.h"
#include "output/syslogfmt.h"
#include "util/util.h"

void
fmtbuf_reset(struct fmtbuf *b)
{
	b->len = 0;
}

void
fmtbuf_free(struct fmtbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void
fmtbuf_room(struct fmtbuf *b, size_t n)
{
	size_t cap;

	if (b->len + n + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 1024;
	while (cap < b->len + n + 1)
		cap *= 2;
	b->p = xreallocarray(b->p, cap, 1);
	b->cap = cap;
}

void
fmtbuf_add(struct fmtbuf *b, const void *p, size_t n)
{
	fmtbuf_room(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
fmtbuf_str(struct fmtbuf *b, const char *s)
{
	fmtbuf_add(b, s, strlen(s));
}

void
fmtbuf_printf(struct fmtbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fmtbuf_room(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

size_t
utf8_seq(const unsigned char *p, size_t len)
{
	uint32_t cp;
	size_t n, i;

	if (len == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates, past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/*
 * Copy s as UTF-8, each bad byte replaced, each byte in 'esc' preceded
 * by a backslash, CR and LF written as \r and \n when 'nl' (CEF
 * extension), else as a space.
 */
static void
escape_utf8(struct fmtbuf *b, const char *s, size_t len, const char *esc,
    int nl)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] == '\r' || p[i] == '\n') {
			if (nl)
				fmtbuf_add(b, p[i] == '\r' ? "\\r" : "\\n", 2);
			else
				fmtbuf_add(b, " ", 1);
			i++;
			continue;
		}
		if (p[i] < 0x80 && p[i] != '\0' && strchr(esc, p[i]) != NULL) {
			fmtbuf_add(b, "\\", 1);
			fmtbuf_add(b, &p[i], 1);
			i++;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			/* Other controls would break a collector's parser. */
			fmtbuf_add(b, " ", 1);
			i++;
			continue;
		}
		if ((n = utf8_seq(p + i, len - i)) == 0) {
			fmtbuf_add(b, REPLACEMENT, 3);
			i++;
			continue;
		}
		fmtbuf_add(b, p + i, n);
		i += n;
	}
}

void
sd_escape(struct fmtbuf *b, const char *s, size_t len)
{
	/* RFC 5424 6.3.3: '"', '\' and ']' are escaped in a value. */
	escape_utf8(b, s, len, "\"\\]", 0);
}

void
cef_escape_header(struct fmtbuf *b, const char *s, size_t len)
{
	escape_utf8(b, s, len, "\\|", 0);
}

void
cef_escape_ext(struct fmtbuf *b, const char *s, size_t len)
{
	escape_utf8(b, s, len, "\\=", 1);
}

void
ascii_field(struct fmtbuf *b, const char *s, size_t max)
{
	size_t i;
	char c;

	if (s == NULL || *s == '\0') {
		fmtbuf_add(b, "-", 1);
		return;
	}
	for (i = 0; s[i] != '\0' && i < max; i++) {
		c = s[i];
		if (c < 33 || c > 126)
			c = '_';
		fmtbuf_add(b, &c, 1);
	}
}

unsigned
syslog_severity(const struct record *r)
{
	if (r->flags & RECORD_F_ALERT) {
		switch (r->severity) {
		case 1:
			return 2;	/* crit */
		case 2:
			return 3;	/* err */
		case 3:
			return 4;	/* warning */
		default:
			return 5;	/* notice */
		}
	}
	switch (r->type) {
	case RECORD_ANOMALY:
		return 4;
	case RECORD_DEVICE:
		return 5;
	default:
		return 6;		/* info */
	}
}

unsigned
cef_severity(const struct record *r)
{
	if (r->flags & RECORD_F_ALERT)
		switch (r->severity) {
		case 1:
			return 10;
		case 2:
			return 8;
		case 3:
			return 5;
		default:
			return 3;
		}
	return r->type == RECORD_ANOMALY ? 3 : 1;
}

static void
ts_5424(struct fmtbuf *b, uint64_t ts_us)
{
	time_t t = (time_t)(ts_us / 1000000);
	struct tm tm;
	char s[40];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	fmtbuf_printf(b, "%s.%06uZ", s, (unsigned)(ts_us % 1000000));
}

void
syslog_rfc5424(struct fmtbuf *b, const struct syslog_ctx *c,
    const struct record *r, uint64_t seq, const char *msg, size_t len)
{
	const char *sensor = c->sensor != NULL ? c->sensor : c->host;

	fmtbuf_printf(b, "<%u>1 ", c->facility * 8 + syslog_severity(r));
	ts_5424(b, r->ts_us);
	fmtbuf_add(b, " ", 1);
	ascii_field(b, c->host, 255);
	fmtbuf_printf(b, " wardwatch %u ", c->pid);
	ascii_field(b, r->event_type, 32);
	fmtbuf_str(b, " [" SYSLOG_SD_ID);
	if (sensor != NULL) {
		fmtbuf_str(b, " sensor=\"");
		sd_escape(b, sensor, strlen(sensor));
		fmtbuf_add(b, "\"", 1);
	}
	fmtbuf_printf(b, " seq=\"%" PRIu64 "\"] ", seq);
	fmtbuf_add(b, msg, len);
}

void
syslog_rfc3164(struct fmtbuf *b, const struct syslog_ctx *c,
    const struct record *r, const char *msg, size_t len)
{
	time_t t = (time_t)(r->ts_us / 1000000);
	struct tm tm;
	char s[32];

	gmtime_r(&t, &tm);
	/* "Mmm dd hh:mm:ss", the day padded with a space. */
	strftime(s, sizeof(s), "%b %e %H:%M:%S", &tm);
	fmtbuf_printf(b, "<%u>%s ", c->facility * 8 + syslog_severity(r), s);
	ascii_field(b, c->host != NULL ? c->host : "localhost", 255);
	fmtbuf_printf(b, " wardwatch[%u]: ", c->pid);
	fmtbuf_add(b, msg, len);
}

/*
 * The string value of "key" in an EVE line (the first one), undecoded
 * but for \" and \\; NULL when absent.  The line is ours: keys are
 * never split by escapes.
 */
static const char *
json_str(const char *line, size_t len, const char *key, char *out,
    size_t outsz)
{
	char pat[48];
	const char *p, *end = line + len;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	if ((p = memmem(line, len, pat, strlen(pat))) == NULL)
		return NULL;
	for (p += strlen(pat); p < end && *p != '"' && n + 1 < outsz; p++) {
		if (*p == '\\' && p + 1 < end) {
			p++;
			switch (*p) {
			case 'n':
				out[n++] = '\n';
				continue;
			case 'r':
				out[n++] = '\r';
				continue;
			case 't':
				out[n++] = '\t';
				continue;
			default:
				break;
			}
		}
		out[n++] = *p;
	}
	out[n] = '\0';
	return out;
}

static void
cef_kv(struct fmtbuf *b, const char *key, const char *v)
{
	fmtbuf_printf(b, " %s=", key);
	cef_escape_ext(b, v, strlen(v));
}

void
cef_format(struct fmtbuf *b, const struct syslog_ctx *c,
    const struct record *r, uint64_t seq, const char *line, size_t len)
{
	const char *sig = (const char *)(r + 1) + r->len;
	char a[UTIL_ADDRBUF], pbuf[8], v[512];
	bool alert = (r->flags & RECORD_F_ALERT) != 0;

	fmtbuf_str(b, "CEF:0|Wardwatch|wardwatch|");
	cef_escape_header(b, PACKAGE_VERSION, strlen(PACKAGE_VERSION));
	fmtbuf_add(b, "|", 1);
	if (alert)
		fmtbuf_printf(b, "%" PRIu32, r->sid);
	else
		cef_escape_header(b, r->event_type, strlen(r->event_type));
	fmtbuf_add(b, "|", 1);
	if (alert && r->sig_len > 0)
		cef_escape_header(b, sig, r->sig_len);
	else
		cef_escape_header(b, r->event_type, strlen(r->event_type));
	fmtbuf_printf(b, "|%u|", cef_severity(r));
	fmtbuf_printf(b, "rt=%" PRIu64, r->ts_us / 1000);
	if (r->flags & (RECORD_F_TUPLE | RECORD_F_SRC_ONLY)) {
		util_format_ip(r->ipver, r->src, a);
		cef_kv(b, "src", a);
	}
	if (r->flags & RECORD_F_TUPLE) {
		util_format_ip(r->ipver, r->dst, a);
		cef_kv(b, "dst", a);
		if (r->proto == 6 || r->proto == 17 || r->proto == 132) {
			fmtbuf_printf(b, " spt=%u dpt=%u", r->sport, r->dport);
		}
		cef_kv(b, "proto", eve_proto_name(r->proto, pbuf));
	}
	if (json_str(line, len, "src_mac", v, sizeof(v)) != NULL)
		cef_kv(b, "smac", v);
	if (json_str(line, len, "dest_mac", v, sizeof(v)) != NULL)
		cef_kv(b, "dmac", v);
	if (alert) {
		if (json_str(line, len, "category", v, sizeof(v)) != NULL)
			cef_kv(b, "cat", v);
		if (json_str(line, len, "action", v, sizeof(v)) != NULL)
			cef_kv(b, "act", v);
		fmtbuf_printf(b, " cs2Label=gid cs2=%" PRIu32
		    " cs3Label=rev cs3=%" PRIu32, r->gid, r->rev);
	}
	cef_kv(b, "cs1Label", "event_type");
	cef_kv(b, "cs1", r->event_type);
	if (json_str(line, len, "community_id", v, sizeof(v)) != NULL) {
		cef_kv(b, "cs4Label", "community_id");
		cef_kv(b, "cs4", v);
	}
	if (r->flow_id != 0)
		fmtbuf_printf(b, " cn2Label=flow_id cn2=%" PRIu64, r->flow_id);
	fmtbuf_printf(b, " cn1Label=seq cn1=%" PRIu64, seq);
	if (c->host != NULL)
		cef_kv(b, "dvchost", c->host);
}

void
octet_frame(struct fmtbuf *b, const char *msg, size_t len)
{
	fmtbuf_printf(b, "%zu ", len);
	fmtbuf_add(b, msg, len);
}

long
octet_unframe(const char *buf, size_t len, const char **msg, size_t *mlen)
{
	size_t i, n = 0;

	for (i = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		if (i == 0 && buf[i] == '0')
			return -1;	/* MSG-LEN = NONZERO-DIGIT *DIGIT */
		if (i >= 9)
			return -1;
		n = n * 10 + (size_t)(buf[i] - '0');
	}
	if (i == len)
		return 0;
	if (i == 0 || buf[i] != ' ')
		return -1;
	if (len - i - 1 < n)
		return 0;
	*msg = buf + i + 1;
	*mlen = n;
	return (long)(i + 1 + n);
}
