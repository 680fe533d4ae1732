/*
 * util.c - string helpers, bounded parsing, SipHash, time formatting.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fmt.h"
#include "util/log.h"
#include "util/util.h"

#ifndef HAVE_STRLCPY
size_t
strlcpy(char *dst, const char *src, size_t dsize)
{
	size_t slen = strlen(src);

	if (dsize != 0) {
		size_t n = slen < dsize - 1 ? slen : dsize - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return slen;
}
#endif

#ifndef HAVE_STRLCAT
size_t
strlcat(char *dst, const char *src, size_t dsize)
{
	size_t dlen = strnlen(dst, dsize);

	if (dlen == dsize)
		return dlen + strlen(src);
	return dlen + strlcpy(dst + dlen, src, dsize - dlen);
}
#endif

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		fatal("calloc %zu x %zu", n, size);
	return p;
}

void *
xreallocarray(void *ptr, size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		fatal("reallocarray %zu x %zu", n, size);
	}
	if ((p = realloc(ptr, n * size == 0 ? 1 : n * size)) == NULL)
		fatal("reallocarray %zu x %zu", n, size);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		fatal("strdup");
	return p;
}

int
parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out,
    const char **errstr)
{
	uint64_t v = 0;
	const char *p;

	*errstr = NULL;
	if (s == NULL || *s == '\0') {
		*errstr = "invalid";
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		unsigned d;

		if (*p < '0' || *p > '9') {
			*errstr = "invalid";
			return -1;
		}
		d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10) {
			*errstr = "too large";
			return -1;
		}
		v = v * 10 + d;
	}
	if (v < min) {
		*errstr = "too small";
		return -1;
	}
	if (v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

int
parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out,
    const char **errstr)
{
	static const struct {
		const char	*suffix;
		unsigned	 shift;
	} units[] = {
		{ "kb", 10 }, { "kib", 10 }, { "k", 10 },
		{ "mb", 20 }, { "mib", 20 }, { "m", 20 },
		{ "gb", 30 }, { "gib", 30 }, { "g", 30 },
		{ "b", 0 },
	};
	char num[32];
	size_t i, n;
	unsigned shift = 0;
	uint64_t v;

	*errstr = NULL;
	if (s == NULL) {
		*errstr = "invalid";
		return -1;
	}
	for (n = 0; s[n] >= '0' && s[n] <= '9'; n++)
		;
	if (n == 0 || n >= sizeof(num)) {
		*errstr = n == 0 ? "invalid" : "too large";
		return -1;
	}
	if (s[n] != '\0') {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcasecmp(s + n, units[i].suffix) == 0)
				break;
		if (i == sizeof(units) / sizeof(units[0])) {
			*errstr = "invalid unit (use kb, mb or gb)";
			return -1;
		}
		shift = units[i].shift;
	}
	memcpy(num, s, n);
	num[n] = '\0';
	if (parse_uint(num, 0, UINT64_MAX >> shift, &v, errstr) == -1)
		return -1;
	v <<= shift;
	if (v < min) {
		*errstr = "too small";
		return -1;
	}
	if (v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

/* SipHash-2-4 (Aumasson and Bernstein), written from the paper; its
 * round, SIPHASH_ROUND, is util.h's (siphash13_words() uses it too). */

/*
 * Little-endian 64-bit words: one load on a little-endian host.  gcc
 * neither merged the eight byte loads and shifts this was written as
 * nor inlined them: a third of the flow table's hash, which every
 * packet pays.
 */
static inline uint64_t
le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
#else
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
#endif
}

/* The last n (< 8) bytes as a word, the rest zero. */
static inline uint64_t
le64_tail(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	unsigned o = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n & 4) {
		uint32_t x;

		memcpy(&x, p, 4);
		v = x;
		o = 4;
	}
	if (n & 2) {
		uint16_t x;

		memcpy(&x, p + o, 2);
		v |= (uint64_t)x << (8 * o);
		o += 2;
	}
	if (n & 1)
		v |= (uint64_t)p[o] << (8 * o);
#else
	for (; o < n; o++)
		v |= (uint64_t)p[o] << (8 * o);
#endif
	return v;
}

/* SipHash with c compression and d finalisation rounds. */
static inline uint64_t
siphash_cd(const struct sipkey *key, const void *src, size_t len, int c,
    int d)
{
	const uint8_t *p = src;
	uint64_t v0 = 0x736f6d6570736575ULL ^ key->k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ key->k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ key->k0;
	uint64_t v3 = 0x7465646279746573ULL ^ key->k1;
	uint64_t b = (uint64_t)len << 56, m;
	size_t i, left = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		int r;

		m = le64(p + i);
		v3 ^= m;
		for (r = 0; r < c; r++)
			SIPHASH_ROUND;
		v0 ^= m;
	}
	b |= le64_tail(p + i, left);
	v3 ^= b;
	for (i = 0; i < (size_t)c; i++)
		SIPHASH_ROUND;
	v0 ^= b;
	v2 ^= 0xff;
	for (i = 0; i < (size_t)d; i++)
		SIPHASH_ROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
siphash24(const struct sipkey *key, const void *src, size_t len)
{
	return siphash_cd(key, src, len, 2, 4);
}

uint64_t
siphash13(const struct sipkey *key, const void *src, size_t len)
{
	return siphash_cd(key, src, len, 1, 3);
}

void
sipkey_init(struct sipkey *key, bool deterministic)
{
	uint8_t r[16];
	size_t got = 0;

	if (deterministic) {
		key->k0 = 0x0706050403020100ULL;
		key->k1 = 0x0f0e0d0c0b0a0908ULL;
		return;
	}
	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fatal("getrandom");
		}
		got += (size_t)n;
	}
	key->k0 = le64(r);
	key->k1 = le64(r + 8);
}

/*
 * Civil date from days since 1970-01-01 (proleptic Gregorian), after
 * Howard Hinnant's days_from_civil inverse; exact for every uint64
 * second count we can be given (years up to ~584942).
 */
static void
civil_from_days(uint64_t z, uint64_t *y, unsigned *m, unsigned *d)
{
	uint64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	if (*m <= 2)
		(*y)++;
}

/* Six digits of v (below 1,000,000) at p, two at a time. */
static inline void
put_usec(char *p, unsigned v)
{
	fmt_d2(p, v / 10000);
	fmt_d2(p + 2, v / 100 % 100);
	fmt_d2(p + 4, v % 100);
}

void
util_format_ts(uint64_t ts_us, bool localtime, char *buf)
{
	uint64_t sec = ts_us / 1000000, days, year;
	unsigned usec = (unsigned)(ts_us % 1000000), mon, day, sod;
	char *p = buf;

	if (localtime) {
		time_t t = (time_t)sec;
		struct tm tm;
		char date[32] = "", zone[8] = "";

		if (localtime_r(&t, &tm) == NULL) {
			strlcpy(buf, "1970-01-01T00:00:00.000000+0000",
			    UTIL_TSBUF);
			return;
		}
		/* Only digits and "-:T+" either way (callers copy the text
		 * without escaping): a failed strftime() leaves "". */
		if (strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S",
		    &tm) == 0)
			date[0] = '\0';
		if (strftime(zone, sizeof(zone), "%z", &tm) == 0)
			zone[0] = '\0';
		snprintf(buf, UTIL_TSBUF, "%.24s.%06u%.5s", date, usec, zone);
		return;
	}
	/* UTC without gmtime/strftime/snprintf: this runs per record. */
	days = sec / 86400;
	sod = (unsigned)(sec % 86400);
	civil_from_days(days, &year, &mon, &day);
	if (year > 9999)
		year = 9999;	/* keep the 4-digit ISO 8601 form */
	p = fmt_d2(p, (unsigned)year / 100);
	p = fmt_d2(p, (unsigned)year % 100);
	*p++ = '-';
	p = fmt_d2(p, mon);
	*p++ = '-';
	p = fmt_d2(p, day);
	*p++ = 'T';
	p = fmt_d2(p, sod / 3600);
	*p++ = ':';
	p = fmt_d2(p, sod / 60 % 60);
	*p++ = ':';
	p = fmt_d2(p, sod % 60);
	*p++ = '.';
	put_usec(p, usec);
	memcpy(p + 6, "+0000", 6);
}

size_t
util_format_ts_cached(struct util_tscache *c, uint64_t ts_us, bool localtime,
    char *buf)
{
	uint64_t sec = ts_us / 1000000;
	const char *dot;

	if (!c->valid || c->sec != sec || c->localtime != localtime) {
		util_format_ts(ts_us, localtime, c->buf);
		/* Every form has ".uuuuuu" after the seconds. */
		dot = strchr(c->buf, '.');
		c->valid = dot != NULL && dot - c->buf < UTIL_TSBUF - 7;
		c->dot = c->valid ? (uint8_t)(dot - c->buf) : 0;
		c->len = (uint8_t)strlen(c->buf);
		c->sec = sec;
		c->localtime = localtime;
		memcpy(buf, c->buf, UTIL_TSBUF);
		return c->len;
	}
	memcpy(buf, c->buf, UTIL_TSBUF);
	put_usec(buf + c->dot + 1, (unsigned)(ts_us % 1000000));
	return c->len;
}

/*
 * An IPv6 address as glibc's (ISC's) inet_ntop(AF_INET6) writes it:
 * the first longest run of two or more zero groups as "::", lower-case
 * hex without leading zeros, and the last 32 bits in dots when groups
 * 0-5 are zero and group 6 is not (::10.1.2.3), or groups 0-4 are zero
 * and group 5 is ffff (::ffff:10.1.2.3); into buf (INET6_ADDRSTRLEN
 * bytes).  inet_ntop() writes each group with sprintf(): thousands of
 * instructions an address, and a flow record, a baseline's peer or a
 * device record of an IPv6 host is written per flow.
 */
static void
format_ip6(const uint8_t a[16], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8], v;
	int i, base = -1, blen = 0, cur = -1, clen = 0, sh;
	char *p = buf;

	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (w[i] == 0) {
			if (cur == -1)
				cur = i, clen = 0;
			clen++;
			continue;
		}
		if (cur != -1 && (base == -1 || clen > blen))
			base = cur, blen = clen;
		cur = -1;
	}
	if (cur != -1 && (base == -1 || clen > blen))
		base = cur, blen = clen;
	if (base != -1 && blen < 2)
		base = -1;
	for (i = 0; i < 8; i++) {
		if (base != -1 && i >= base && i < base + blen) {
			if (i == base)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		if (i == 6 && base == 0 && (blen == 6 ||
		    (blen == 5 && w[5] == 0xffff))) {
			util_format_ip(4, a + 12, p);
			return;
		}
		v = w[i];
		for (sh = 12; sh > 0 && (v >> sh) == 0; sh -= 4)
			;
		for (; sh >= 0; sh -= 4)
			*p++ = hex[(v >> sh) & 0xf];
	}
	if (base != -1 && base + blen == 8)
		*p++ = ':';
	*p = '\0';
}

void
util_format_ip(int ipver, const uint8_t *addr, char *buf)
{
	char *p = buf;
	int i;

	if (ipver == 6) {
		format_ip6(addr, buf);
		return;
	}
	/* inet_ntop(AF_INET) goes through sprintf; this runs per record. */
	for (i = 0; i < 4; i++) {
		unsigned v = addr[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
}

void
util_format_mac(const uint8_t mac[6], char *buf)
{
	*util_put_mac(buf, mac) = '\0';
}

int
util_read_file(const char *path, size_t max, char **bufp, size_t *lenp)
{
	char *buf, *nbuf;
	size_t len = 0, size = 64u << 10;
	ssize_t n;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno;
	if ((buf = malloc(size)) == NULL) {
		close(fd);
		return ENOMEM;
	}
	for (;;) {
		if (len == size) {
			if (size > max)
				break;		/* too large: enough read */
			size = size * 2 > max ? max + 1 : size * 2;
			if ((nbuf = realloc(buf, size)) == NULL) {
				e = ENOMEM;
				goto fail;
			}
			buf = nbuf;
		}
		if ((n = read(fd, buf + len, size - len)) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
 fail:
	free(buf);
	close(fd);
	return e;
}

/*
 * Control characters (C0, DEL, and the C1 range's lead bytes as they
 * arrive in UTF-8 or Latin-1) are written as \xHH, and a backslash as
 * \\, so an untrusted name cannot move the cursor, recolour the
 * terminal or forge a line.
 */
size_t
util_escape_ctl(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (outlen == 0)
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		bool ctl = c < 0x20 || c == 0x7f ||
		    (c == 0xc2 && ((unsigned char)s[1] & 0xe0) == 0x80);

		if (ctl || c == '\\') {
			if (outlen - n < 5)
				break;
			out[n++] = '\\';
			if (c == '\\') {
				out[n++] = '\\';
				continue;
			}
			out[n++] = 'x';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
			continue;
		}
		if (outlen - n < 2)
			break;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n;
}

const char *
util_safe_str(const char *s)
{
	static _Thread_local char bufs[4][1024];
	static _Thread_local unsigned next;
	char *b = bufs[next++ % 4];

	if (s == NULL)
		return "(null)";
	util_escape_ctl(s, b, sizeof(bufs[0]));
	return b;
}

int
util_open_regular(const char *path, int flags, mode_t mode)
{
	struct stat st;
	int fd, fl, saved;

	/* O_NONBLOCK: a FIFO's open would wait for a reader forever. */
	fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
	if (fd == -1) {
		/* A FIFO opened write-only without a reader: ENXIO. */
		if (errno == ENXIO)
			errno = EFTYPE_WW;
		return -1;
	}
	if (fstat(fd, &st) == -1)
		goto fail;
	/* A character device (/dev/null, /dev/full) can only be made by
	 * root: nobody else can plant one. */
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		errno = EFTYPE_WW;
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		goto fail;
	return fd;

 fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

const char *
util_open_strerror(int err)
{
	if (err == ELOOP)
		return "a symbolic link: refused (the sensor never follows "
		    "one for a file it writes)";
	if (err == EFTYPE_WW)
		return "not a regular file: refused";
	return strerror(err);
}

void
util_thread_name(const char *name)
{
	char buf[16];

	/* At most 15 characters; a thread names itself (prctl), which
	 * the sandbox allows, where naming another writes to /proc. */
	strlcpy(buf, name, sizeof(buf));
	(void)pthread_setname_np(pthread_self(), buf);
}
