/*
 * output/chain.c - the keyed hash chain (chain.h) and wardwatch verify.
 *
 * Verify reads each file's lines and the chain links between them:
 * link i holds when line i's "prev" equals the value after line i-1.
 * At the first broken link it looks one line further to say what
 * happened: a changed line breaks the link after it (or, when its own
 * "prev" was edited, both); a removed record breaks one link and leaves
 * a gap in "seq"; an inserted line breaks the links on both sides while
 * the line after it still fits the one before it; two swapped lines
 * each carry the other's link.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "output/chain.h"
#include "util/util.h"

int
chain_load_key(struct chain *c, const char *path, char *err, size_t errlen)
{
	FILE *f;
	size_t n;

	memset(c, 0, sizeof(*c));
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(c->key, 1, sizeof(c->key), f);
	if (ferror(f) || !feof(f)) {
		snprintf(err, errlen, "%s: %s", path, ferror(f) ?
		    "read error" : "key longer than 4096 bytes");
		fclose(f);
		return -1;
	}
	fclose(f);
	while (n > 0 && (c->key[n - 1] == '\n' || c->key[n - 1] == '\r'))
		n--;
	if (n < CHAIN_KEY_MIN) {
		snprintf(err, errlen, "%s: key shorter than %d bytes", path,
		    CHAIN_KEY_MIN);
		return -1;
	}
	c->keylen = n;
	return 0;
}

void
chain_hmac(const struct chain *c, const char *line, size_t len,
    unsigned char out[32])
{
	unsigned int olen = 32;

	HMAC(EVP_sha256(), c->key, (int)c->keylen,
	    (const unsigned char *)line, len, out, &olen);
}

void
chain_hex(const unsigned char v[32], char out[CHAIN_HEX + 1])
{
	static const char hx[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hx[v[i] >> 4];
		out[2 * i + 1] = hx[v[i] & 15];
	}
	out[CHAIN_HEX] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
chain_unhex(const char *s, unsigned char out[32])
{
	int i, h, l;

	for (i = 0; i < 32; i++) {
		if ((h = hexval(s[2 * i])) < 0 || (l = hexval(s[2 * i +
		    1])) < 0)
			return -1;
		out[i] = (unsigned char)(h << 4 | l);
	}
	return 0;
}

bool
chain_line_seq(const char *line, size_t len, const char *key, uint64_t *out)
{
	const char *p, *q;
	size_t klen = strlen(key);
	char num[24];
	char *end;
	size_t i;

	*out = 0;
	if (klen == 0)
		p = line;
	else {
		if ((p = memmem(line, len, key, klen)) == NULL)
			return false;
		/* The last one is ours (a body cannot follow it). */
		while ((q = memmem(p + 1, len - (size_t)(p + 1 - line), key,
		    klen)) != NULL)
			p = q;
		p += klen;
	}
	for (i = 0; i < sizeof(num) - 1 && p + i < line + len &&
	    p[i] >= '0' && p[i] <= '9'; i++)
		num[i] = p[i];
	num[i] = '\0';
	if (i == 0)
		return false;
	*out = strtoull(num, &end, 10);
	return true;
}

struct vline {
	const char	*file;
	size_t		 lineno;
	char		*text;
	size_t		 len;
	bool		 has_prev;
	unsigned char	 prev[32];
	unsigned char	 mac[32];	/* value after it */
	bool		 has_seq;
	uint64_t	 seq;
	bool		 has_prev_seq;
	uint64_t	 prev_seq;	/* the seq of the record before */
	bool		 torn;		/* no newline at the end */
};

#define PREV_TAIL	(sizeof(",\"prev\":\"\"}") - 1 + CHAIN_HEX)

static void
parse_line(const struct chain *c, struct vline *v)
{
	chain_hmac(c, v->text, v->len, v->mac);
	if (v->len >= PREV_TAIL && memcmp(v->text + v->len - PREV_TAIL,
	    ",\"prev\":\"", 9) == 0 && v->text[v->len - 2] == '"' &&
	    v->text[v->len - 1] == '}' && chain_unhex(v->text + v->len -
	    PREV_TAIL + 9, v->prev) == 0)
		v->has_prev = true;
	v->has_seq = chain_line_seq(v->text, v->len, ",\"seq\":", &v->seq);
	v->has_prev_seq = v->has_prev && chain_line_seq(v->text, v->len,
	    ",\"prev_seq\":", &v->prev_seq);
}

static int
read_lines(const struct chain *c, char *const *files, int nfiles,
    struct vline **out, size_t *nout, FILE *msg)
{
	struct vline *v = NULL;
	size_t n = 0, cap = 0, lineno, i;
	char *buf = NULL;
	size_t bcap = 0;
	ssize_t r;
	FILE *f;
	int k;

	for (k = 0; k < nfiles; k++) {
		if ((f = fopen(files[k], "r")) == NULL) {
			fprintf(msg, "%s: %s\n", files[k], strerror(errno));
			for (i = 0; i < n; i++)
				free(v[i].text);
			free(v);
			free(buf);
			return -1;
		}
		lineno = 0;
		while ((r = getline(&buf, &bcap, f)) > 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			memset(&v[n], 0, sizeof(v[n]));
			v[n].file = files[k];
			v[n].lineno = ++lineno;
			if (buf[r - 1] == '\n')
				r--;
			else
				v[n].torn = true;
			v[n].text = xcalloc(1, (size_t)r + 1);
			memcpy(v[n].text, buf, (size_t)r);
			v[n].len = (size_t)r;
			parse_line(c, &v[n]);
			n++;
		}
		fclose(f);
	}
	free(buf);
	*out = v;
	*nout = n;
	return 0;
}

static bool
links(const struct vline *a, const struct vline *b)
{
	return b->has_prev && memcmp(a->mac, b->prev, 32) == 0;
}

static void
where(FILE *out, const struct vline *v)
{
	fprintf(out, "%s:%zu: ", v->file, v->lineno);
	if (v->has_seq)
		fprintf(out, "seq %" PRIu64 ": ", v->seq);
}

int
chain_verify(const struct chain *c, char *const *files, int nfiles,
    FILE *out)
{
	static const unsigned char zero[32];
	struct vline *v;
	size_t n, i;
	int rv = 0;

	if (read_lines(c, files, nfiles, &v, &n, out) == -1)
		return 1;
	for (i = 0; i < n; i++) {
		if (v[i].torn) {
			where(out, &v[i]);
			fprintf(out, "truncated record (the file was cut "
			    "here)\n");
			rv = 2;
			break;
		}
		if (!v[i].has_prev) {
			where(out, &v[i]);
			fprintf(out, "record changed or inserted (no chain "
			    "value)\n");
			rv = 2;
			break;
		}
		if (i == 0) {
			if (memcmp(v[0].prev, zero, 32) != 0)
				fprintf(out, "%s:1: note: the chain starts from "
				    "an earlier file (not given)\n", v[0].file);
			continue;
		}
		if (links(&v[i - 1], &v[i]))
			continue;
		rv = 2;
		/* Link i-1 -> i is broken: which line is to blame? */
		if (i + 1 < n && links(&v[i - 1], &v[i + 1]) &&
		    links(&v[i + 1], &v[i])) {
			where(out, &v[i]);
			fprintf(out, "records reordered (this line and the "
			    "next are swapped)\n");
		} else if (i + 1 < n && links(&v[i - 1], &v[i + 1])) {
			where(out, &v[i]);
			fprintf(out, "record inserted\n");
		} else if (i + 1 < n && !links(&v[i], &v[i + 1])) {
			where(out, &v[i]);
			fprintf(out, "record changed\n");
		} else if (v[i].has_prev_seq && v[i - 1].has_seq &&
		    v[i].prev_seq > v[i - 1].seq && (i < 2 ||
		    !v[i - 1].has_prev_seq || !v[i - 2].has_seq ||
		    v[i - 1].prev_seq == v[i - 2].seq)) {
			/* Line i names another record before it, later than
			 * line i-1, whose own link fits: records of the
			 * chain are missing between them.  How many the
			 * file had there (of its types) is not known. */
			where(out, &v[i]);
			if (v[i].prev_seq == v[i - 1].seq + 1)
				fprintf(out, "1 record(s) removed before this "
				    "one (seq %" PRIu64 " to %" PRIu64 ")\n",
				    v[i].prev_seq, v[i].prev_seq);
			else
				fprintf(out, "record(s) removed before this "
				    "one (among seq %" PRIu64 " to %" PRIu64
				    ", the last seq %" PRIu64 ")\n",
				    v[i - 1].seq + 1, v[i].prev_seq,
				    v[i].prev_seq);
		} else if (!v[i].has_prev_seq && v[i].has_seq &&
		    v[i - 1].has_seq && v[i].seq > v[i - 1].seq + 1 &&
		    (i < 2 || !v[i - 2].has_seq ||
		    v[i - 1].seq == v[i - 2].seq + 1)) {
			/* A file written before prev_seq: seqs were
			 * consecutive.  Line i-1's own number fits: a gap
			 * after it. */
			where(out, &v[i]);
			fprintf(out, "%" PRIu64 " record(s) removed before "
			    "this one (seq %" PRIu64 " to %" PRIu64 ")\n",
			    v[i].seq - v[i - 1].seq - 1, v[i - 1].seq + 1,
			    v[i].seq - 1);
		} else {
			where(out, &v[i - 1]);
			fprintf(out, "record changed\n");
		}
		break;
	}
	if (rv == 0)
		fprintf(out, "%zu records in %d file%s: chain intact\n", n,
		    nfiles, nfiles == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		free(v[i].text);
	free(v);
	return rv;
}
