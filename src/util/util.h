/*
 * util.h - string helpers glibc lacks, bounded number parsing, the
 * keyed hash, allocation with overflow checks, and time formatting.
 */
#ifndef WW_UTIL_H
#define WW_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef HAVE_STRLCPY
size_t	strlcpy(char *, const char *, size_t);
#endif
/* s with control characters as \xHH and '\\' doubled (for a terminal). */
size_t	util_escape_ctl(const char *s, char *out, size_t outlen);
/* The same into one of four rotating thread-local buffers, so up to
 * four may appear in one printf; long names are cut. */
const char *util_safe_str(const char *s);
#ifndef HAVE_STRLCAT
size_t	strlcat(char *, const char *, size_t);
#endif

void	*xcalloc(size_t, size_t);			/* fatal on failure */
void	*xreallocarray(void *, size_t, size_t);	/* fatal on failure */
/* Name the calling thread (top -H, /proc/PID/task/TID/comm). */
void	 util_thread_name(const char *);
char	*xstrdup(const char *);

/*
 * What a malloc of n bytes takes from the heap, as glibc sizes a chunk
 * (malloc/malloc.c, request2size): n plus one size word, rounded up to
 * 16 bytes, 32 at least; 0 for 0 (nothing allocated).  Memory caps count
 * this, not n: small blocks cost up to twice what was asked for.
 */
static inline size_t
mem_cost(size_t n)
{
	if (n == 0)
		return 0;
	n = (n + sizeof(size_t) + 15) & ~(size_t)15;
	return n < 32 ? 32 : n;
}

/*
 * Parse a decimal unsigned integer in [min, max].  The whole string
 * must be a number.  Returns 0 or -1 with *errstr set ("too large",
 * "too small", "invalid").
 */
int	parse_uint(const char *, uint64_t min, uint64_t max, uint64_t *,
	    const char **errstr);
/* "64mb", "1gb", "512kb", "4096": bytes, with the same contract. */
int	parse_size(const char *, uint64_t min, uint64_t max, uint64_t *,
	    const char **errstr);

/* SipHash-2-4 with a 128-bit key. */
struct sipkey {
	uint64_t k0, k1;
};
uint64_t	siphash24(const struct sipkey *, const void *, size_t);
/* SipHash-1-3: the faster variant for per-packet hash tables (as Rust's
 * HashMap uses); still keyed, so tuples cannot be chosen to collide. */
uint64_t	siphash13(const struct sipkey *, const void *, size_t);

/*
 * siphash13() of n 64-bit words: the value siphash13() gives for their
 * 8n bytes in little-endian order, without the byte loads and the tail.
 * Inline, so a constant n unrolls: every packet's flow key is hashed
 * as two (IPv4, at most one VLAN), three or six words.
 */
#define SIPHASH_ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPHASH_ROUND do {						\
	v0 += v1; v1 = SIPHASH_ROTL(v1, 13); v1 ^= v0;			\
	v0 = SIPHASH_ROTL(v0, 32);					\
	v2 += v3; v3 = SIPHASH_ROTL(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = SIPHASH_ROTL(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = SIPHASH_ROTL(v1, 17); v1 ^= v2;			\
	v2 = SIPHASH_ROTL(v2, 32);					\
} while (0)

static inline uint64_t
siphash13_words(const struct sipkey *key, const uint64_t *w, size_t n)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ key->k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ key->k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ key->k0;
	uint64_t v3 = 0x7465646279746573ULL ^ key->k1;
	uint64_t b = (uint64_t)(n * 8) << 56;
	size_t i;

	for (i = 0; i < n; i++) {
		v3 ^= w[i];
		SIPHASH_ROUND;
		v0 ^= w[i];
	}
	/* The block of the length: 8n bytes leave no tail. */
	v3 ^= b;
	SIPHASH_ROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPHASH_ROUND;
	SIPHASH_ROUND;
	SIPHASH_ROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}
/* The value of a hex digit, any case, or -1. */
static inline int
util_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A random key from getrandom(2); a fixed one when deterministic. */
void		sipkey_init(struct sipkey *, bool deterministic);

/*
 * Format a time given in microseconds since the epoch as Suricata does:
 * "2024-01-31T13:45:01.123456+0000" (UTC unless localtime is set).
 * buf must hold UTIL_TSBUF bytes.  Only digits and "-:T.+" are ever
 * written (callers copy it into JSON without escaping).
 */
#define UTIL_TSBUF	40
void	util_format_ts(uint64_t ts_us, bool localtime, char *buf);
/*
 * The same through the last second formatted: a thread that writes
 * many times a second (the output thread: every record's head) formats
 * the microseconds only.  Zero the cache before its first use.
 * Returns the length of the text (without its NUL).
 */
struct util_tscache {
	uint64_t	 sec;
	bool		 valid;
	bool		 localtime;
	uint8_t		 dot;		/* where the microseconds start, - 1 */
	uint8_t		 len;		/* strlen(buf) */
	char		 buf[UTIL_TSBUF];
};
size_t	util_format_ts_cached(struct util_tscache *, uint64_t ts_us,
	    bool localtime, char *buf);

/* Format an IPv4 (4 bytes) or IPv6 (16 bytes) address. */
#define UTIL_ADDRBUF	48
void	util_format_ip(int ipver, const uint8_t *addr, char *buf);
/* A MAC as "00:1b:21:aa:bb:cc" and a NUL: 18 bytes. */
void	util_format_mac(const uint8_t mac[6], char *buf);

/*
 * The 17 characters of a MAC at o, no NUL; returns the end.  Unrolled:
 * an eve app record writes two (output/eve.c put_mac()).
 */
static inline char *
util_put_mac(char *o, const uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdef";

	o[0] = hex[mac[0] >> 4];
	o[1] = hex[mac[0] & 0xf];
	o[2] = ':';
	o[3] = hex[mac[1] >> 4];
	o[4] = hex[mac[1] & 0xf];
	o[5] = ':';
	o[6] = hex[mac[2] >> 4];
	o[7] = hex[mac[2] & 0xf];
	o[8] = ':';
	o[9] = hex[mac[3] >> 4];
	o[10] = hex[mac[3] & 0xf];
	o[11] = ':';
	o[12] = hex[mac[4] >> 4];
	o[13] = hex[mac[4] & 0xf];
	o[14] = ':';
	o[15] = hex[mac[5] >> 4];
	o[16] = hex[mac[5] & 0xf];
	return o + 17;
}

/*
 * Read a whole file into a malloc'ed buffer, at most max + 1 bytes, so
 * that an oversized or endless file (a FIFO, /dev/zero) is refused by
 * the caller's size check without being read to its end.  Returns 0,
 * or an errno value (nothing to free).
 */
int	util_read_file(const char *path, size_t max, char **, size_t *);

/*
 * Open a file the sensor writes (output, state, spool) so that nobody
 * else can turn it: a symbolic link is not followed (ELOOP) and only a
 * regular file or a character device (only root makes those) is
 * accepted (EFTYPE_WW for a FIFO, socket, block device or directory,
 * found without blocking on a FIFO's open).  Created with the given
 * mode and the process umask.  Returns the descriptor (close-on-exec,
 * blocking) or -1 with errno set; util_open_strerror() words it.
 */
#define EFTYPE_WW	(-2)		/* errno-like: not a regular file */
int	util_open_regular(const char *path, int flags, mode_t mode);
const char *util_open_strerror(int err);

#endif /* WW_UTIL_H */
