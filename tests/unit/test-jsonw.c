/*
 * test-jsonw.c - the JSON writer: escaping, UTF-8 repair, structure,
 * the cap, number formatting, and a random round trip checked by a
 * strict RFC 8259 validator that lives in this file.
 */
#include <config.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/jsonw.h"

/*
 * A strict JSON checker (RFC 8259): one value, no trailing bytes,
 * strings with no raw control characters and valid UTF-8 only.
 */
struct jv {
	const uint8_t	*p;
	size_t		 n, i;
	int		 depth;
};

static int jv_value(struct jv *);

static void
jv_ws(struct jv *v)
{
	while (v->i < v->n && (v->p[v->i] == ' ' || v->p[v->i] == '\t' ||
	    v->p[v->i] == '\n' || v->p[v->i] == '\r'))
		v->i++;
}

static int
jv_lit(struct jv *v, const char *s)
{
	size_t l = strlen(s);

	if (v->n - v->i < l || memcmp(v->p + v->i, s, l) != 0)
		return -1;
	v->i += l;
	return 0;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length of a valid UTF-8 sequence at p, else 0 (RFC 3629 section 4). */
static size_t
u8seq(const uint8_t *p, size_t left)
{
	uint32_t cp;
	size_t n, k;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (left < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * Validate a string; if out is not NULL, also undo the writer's
 * escaping into out (\u0080-\u00ff stand for raw invalid bytes, which
 * the writer only ever produces for those).
 */
static int
jv_string(struct jv *v, uint8_t *out, size_t *outlen)
{
	size_t o = 0, k;

	if (v->i >= v->n || v->p[v->i] != '"')
		return -1;
	v->i++;
	while (v->i < v->n) {
		uint8_t c = v->p[v->i];

		if (c == '"') {
			v->i++;
			if (outlen != NULL)
				*outlen = o;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			uint8_t e;

			if (v->n - v->i < 2)
				return -1;
			e = v->p[v->i + 1];
			v->i += 2;
			switch (e) {
			case '"': case '\\': case '/':
				c = e;
				break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned u = 0;

				if (v->n - v->i < 4)
					return -1;
				for (k = 0; k < 4; k++) {
					int h = hexval(v->p[v->i + k]);

					if (h < 0)
						return -1;
					u = u << 4 | (unsigned)h;
				}
				v->i += 4;
				/* The writer only emits \u00XX. */
				if (u > 0xff)
					return -1;
				c = (uint8_t)u;
				break;
			}
			default:
				return -1;
			}
			if (out != NULL)
				out[o++] = c;
			continue;
		}
		if ((k = u8seq(v->p + v->i, v->n - v->i)) == 0)
			return -1;
		if (out != NULL)
			memcpy(out + o, v->p + v->i, k);
		o += k;
		v->i += k;
	}
	return -1;
}

static int
jv_number(struct jv *v)
{
	size_t s = v->i;

	if (v->i < v->n && v->p[v->i] == '-')
		v->i++;
	if (v->i >= v->n)
		return -1;
	if (v->p[v->i] == '0')
		v->i++;
	else if (v->p[v->i] >= '1' && v->p[v->i] <= '9')
		while (v->i < v->n && v->p[v->i] >= '0' && v->p[v->i] <= '9')
			v->i++;
	else
		return -1;
	if (v->i < v->n && v->p[v->i] == '.') {
		v->i++;
		if (v->i >= v->n || v->p[v->i] < '0' || v->p[v->i] > '9')
			return -1;
		while (v->i < v->n && v->p[v->i] >= '0' && v->p[v->i] <= '9')
			v->i++;
	}
	if (v->i < v->n && (v->p[v->i] == 'e' || v->p[v->i] == 'E')) {
		v->i++;
		if (v->i < v->n && (v->p[v->i] == '+' || v->p[v->i] == '-'))
			v->i++;
		if (v->i >= v->n || v->p[v->i] < '0' || v->p[v->i] > '9')
			return -1;
		while (v->i < v->n && v->p[v->i] >= '0' && v->p[v->i] <= '9')
			v->i++;
	}
	return v->i > s ? 0 : -1;
}

static int
jv_container(struct jv *v, uint8_t close, int obj)
{
	if (++v->depth > 64)
		return -1;
	v->i++;
	jv_ws(v);
	if (v->i < v->n && v->p[v->i] == close) {
		v->i++;
		v->depth--;
		return 0;
	}
	for (;;) {
		jv_ws(v);
		if (obj) {
			if (jv_string(v, NULL, NULL) == -1)
				return -1;
			jv_ws(v);
			if (v->i >= v->n || v->p[v->i] != ':')
				return -1;
			v->i++;
		}
		if (jv_value(v) == -1)
			return -1;
		jv_ws(v);
		if (v->i >= v->n)
			return -1;
		if (v->p[v->i] == ',') {
			v->i++;
			continue;
		}
		if (v->p[v->i] != close)
			return -1;
		v->i++;
		v->depth--;
		return 0;
	}
}

static int
jv_value(struct jv *v)
{
	jv_ws(v);
	if (v->i >= v->n)
		return -1;
	switch (v->p[v->i]) {
	case '{':
		return jv_container(v, '}', 1);
	case '[':
		return jv_container(v, ']', 0);
	case '"':
		return jv_string(v, NULL, NULL);
	case 't':
		return jv_lit(v, "true");
	case 'f':
		return jv_lit(v, "false");
	case 'n':
		return jv_lit(v, "null");
	default:
		return jv_number(v);
	}
}

static int
json_valid(const char *s, size_t n)
{
	struct jv v = { (const uint8_t *)s, n, 0, 0 };

	if (jv_value(&v) == -1)
		return 0;
	jv_ws(&v);
	return v.i == v.n;
}

/* Write one string value and return the text. */
static const char *
str_json(struct jsonw *w, const void *s, size_t n)
{
	jsonw_reset(w);
	jsonw_strn(w, s, n);
	assert_true(jsonw_ok(w));
	return jsonw_text(w, NULL);
}

static void
test_jsonw_escape_table(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
	} t[] = {
		{ "", 0, "\"\"" },
		{ "plain text", 10, "\"plain text\"" },
		{ "q\"uote", 6, "\"q\\\"uote\"" },
		{ "back\\slash", 10, "\"back\\\\slash\"" },
		{ "a/b", 3, "\"a/b\"" },	/* '/' needs no escape */
		{ "\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"" },
		{ "nul\0x", 5, "\"nul\\u0000x\"" },
		{ "\x01\x1f", 2, "\"\\u0001\\u001f\"" },
		{ "del\x7f", 4, "\"del\x7f\"" },	/* DEL is legal JSON */
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
		{ "\xe2\x82\xac", 3, "\"\xe2\x82\xac\"" },
		{ "\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"" },
		{ "\xff", 1, "\"\\u00ff\"" },
		{ "a\xc3", 2, "\"a\\u00c3\"" },
	};
	struct jsonw w;
	size_t i;

	(void)state;
	jsonw_init(&w, 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(str_json(&w, t[i].in, t[i].len), t[i].out);
	/* jsonw_str() stops at the NUL; a NULL string is JSON null. */
	jsonw_reset(&w);
	jsonw_str(&w, "ab\0cd");
	assert_string_equal(jsonw_text(&w, NULL), "\"ab\"");
	jsonw_reset(&w);
	jsonw_str(&w, NULL);
	assert_string_equal(jsonw_text(&w, NULL), "null");
	jsonw_free(&w);
}

/*
 * jsonw_str() and jsonw_key() measure and check a NUL-terminated string
 * in one pass and copy a plain one whole: every byte class must still
 * take the escaping path, at any place in the string, and the one copy
 * must stop at the cap like the rest.
 */
static void
test_jsonw_cstring_paths(void **state)
{
	static const char *const in[] = {
		"", "plain", "q\"uote", "back\\slash", "\b\f\n\r\t",
		"\x01x", "x\x1f", "del\x7f", "caf\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xff", "a\xc3", "\xc3", "tail\"",
		"\"head", "mid\\dle and more plain bytes after it",
	};
	struct jsonw w, ref;
	char want[128];
	const char *s;
	size_t i, len, c;

	(void)state;
	jsonw_init(&w, 0);
	jsonw_init(&ref, 0);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		/* The value: as jsonw_strn() writes it. */
		strcpy(want, str_json(&ref, in[i], strlen(in[i])));
		jsonw_reset(&w);
		jsonw_str(&w, in[i]);
		assert_true(jsonw_ok(&w));
		assert_string_equal(jsonw_text(&w, NULL), want);
		/* The key: the same string, then a colon. */
		jsonw_reset(&w);
		jsonw_obj_open(&w);
		jsonw_key(&w, in[i]);
		jsonw_uint(&w, 1);
		jsonw_key(&w, in[i]);
		jsonw_null(&w);
		jsonw_obj_close(&w);
		assert_true(jsonw_ok(&w));
		s = jsonw_text(&w, &len);
		assert_true(json_valid(s, len));
		assert_int_equal(len, 2 * strlen(want) + 10);
		assert_memory_equal(s + 1, want, strlen(want));
		assert_memory_equal(s + 1 + strlen(want), ":1,", 3);
	}
	jsonw_free(&ref);
	jsonw_free(&w);

	/* At the cap: {"key":1} is 9 bytes; the key's one copy needs 7. */
	for (c = 1; c < 12; c++) {
		jsonw_init(&w, c);
		jsonw_obj_open(&w);
		jsonw_key(&w, "key");
		jsonw_uint(&w, 1);
		jsonw_obj_close(&w);
		s = jsonw_text(&w, &len);
		assert_true(len <= c);
		assert_int_equal(strlen(s), len);
		if (c >= 9) {
			assert_true(jsonw_ok(&w));
			assert_string_equal(s, "{\"key\":1}");
		} else {
			assert_false(jsonw_ok(&w));
			/* Nothing of a key that did not fit. */
			assert_true(len == 1 || len == 7 || len == 8);
		}
		jsonw_free(&w);
		/* A value string the same way: "abc" is 5 bytes. */
		jsonw_init(&w, c);
		jsonw_str(&w, "abc");
		s = jsonw_text(&w, &len);
		if (c >= 5)
			assert_string_equal(s, "\"abc\"");
		else {
			assert_false(jsonw_ok(&w));
			assert_int_equal(len, 0);
		}
		jsonw_free(&w);
	}
}

/*
 * Every byte value, alone among plain bytes at every offset of strings
 * of 1 to 24 bytes and of 60 to 70 (around the longest string
 * jsonw_str() and jsonw_key() copy as they check it), is escaped alike
 * through jsonw_strn(), jsonw_str() and jsonw_key() (the one-pass scan
 * of the latter two stops at each).
 */
static void
test_jsonw_word_scan(void **state)
{
	struct jsonw w;
	char in[80], want[128], key[136], esc[8];
	size_t len, pos, c;

	(void)state;
	jsonw_init(&w, 0);
	for (c = 1; c < 256; c++) {
		switch (c) {
		case '\b': strcpy(esc, "\\b"); break;
		case '\f': strcpy(esc, "\\f"); break;
		case '\n': strcpy(esc, "\\n"); break;
		case '\r': strcpy(esc, "\\r"); break;
		case '\t': strcpy(esc, "\\t"); break;
		case '"': strcpy(esc, "\\\""); break;
		case '\\': strcpy(esc, "\\\\"); break;
		default:
			/* Alone, a byte from 0x80 up is not UTF-8. */
			if (c < 0x20 || c >= 0x80)
				snprintf(esc, sizeof(esc), "\\u%04zx", c);
			else
				snprintf(esc, sizeof(esc), "%c", (int)c);
		}
		for (len = 1; len <= 70; len++) {
			if (len == 25)
				len = 60;
			for (pos = 0; pos < len; pos++) {
				memset(in, 'a', len);
				in[len] = '\0';
				in[pos] = (char)c;
				snprintf(want, sizeof(want), "\"%.*s%s%.*s\"",
				    (int)pos, in, esc, (int)(len - pos - 1),
				    in + pos + 1);
				assert_string_equal(str_json(&w, in, len),
				    want);
				jsonw_reset(&w);
				jsonw_str(&w, in);
				assert_string_equal(jsonw_text(&w, NULL), want);
				snprintf(key, sizeof(key), "{%s:1}", want);
				jsonw_reset(&w);
				jsonw_obj_open(&w);
				jsonw_key(&w, in);
				jsonw_uint(&w, 1);
				jsonw_obj_close(&w);
				assert_string_equal(jsonw_text(&w, NULL), key);
			}
		}
	}
	jsonw_free(&w);
}

/* A literal key (JSONW_KEY) and a plain value (jsonw_str_plain) write
 * what jsonw_key() and jsonw_str() write, commas and nesting included,
 * and stop at the cap like any write. */
static void
test_jsonw_literal_key(void **state)
{
	struct jsonw a, b;
	const char *s;
	size_t c, len;

	(void)state;
	jsonw_init(&a, 0);
	jsonw_init(&b, 0);
	jsonw_obj_open(&a);
	JSONW_KV_STR(&a, "event_type", "hl7");
	JSONW_KV_UINT(&a, "seq", 7);
	JSONW_KEY(&a, "ether");
	jsonw_obj_open(&a);
	JSONW_KV_BOOL(&a, "x", true);
	JSONW_KV_STR(&a, "src_mac", "00:11:22:33:44:55");
	jsonw_obj_close(&a);
	JSONW_KEY(&a, "");
	jsonw_null(&a);
	JSONW_KV_PLAIN(&a, "ts", "2026-11-02T08:00:00.000003+0000");
	JSONW_KEY(&a, "arr");
	jsonw_arr_open(&a);
	jsonw_str_plain(&a, "");
	jsonw_str_plain(&a, "1:lAV4Hku27dsqgsol12P3TDPFj1M=");
	jsonw_arr_close(&a);
	jsonw_obj_close(&a);
	jsonw_obj_open(&b);
	jsonw_kv_str(&b, "event_type", "hl7");
	jsonw_kv_uint(&b, "seq", 7);
	jsonw_key(&b, "ether");
	jsonw_obj_open(&b);
	jsonw_kv_bool(&b, "x", true);
	jsonw_kv_str(&b, "src_mac", "00:11:22:33:44:55");
	jsonw_obj_close(&b);
	jsonw_key(&b, "");
	jsonw_null(&b);
	jsonw_kv_str(&b, "ts", "2026-11-02T08:00:00.000003+0000");
	jsonw_key(&b, "arr");
	jsonw_arr_open(&b);
	jsonw_str(&b, "");
	jsonw_str(&b, "1:lAV4Hku27dsqgsol12P3TDPFj1M=");
	jsonw_arr_close(&b);
	jsonw_obj_close(&b);
	assert_true(jsonw_ok(&a));
	assert_string_equal(jsonw_text(&a, NULL), jsonw_text(&b, NULL));
	assert_string_equal(jsonw_text(&a, NULL), "{\"event_type\":\"hl7\","
	    "\"seq\":7,\"ether\":{\"x\":true,\"src_mac\":"
	    "\"00:11:22:33:44:55\"},\"\":null,"
	    "\"ts\":\"2026-11-02T08:00:00.000003+0000\","
	    "\"arr\":[\"\",\"1:lAV4Hku27dsqgsol12P3TDPFj1M=\"]}");
	jsonw_free(&a);
	jsonw_free(&b);

	/* {"key":1} is 9 bytes; the key's copy needs 6 after the brace. */
	for (c = 1; c < 12; c++) {
		jsonw_init(&a, c);
		jsonw_obj_open(&a);
		JSONW_KV_UINT(&a, "key", 1);
		jsonw_obj_close(&a);
		s = jsonw_text(&a, &len);
		assert_true(len <= c);
		if (c >= 9)
			assert_string_equal(s, "{\"key\":1}");
		else {
			assert_false(jsonw_ok(&a));
			assert_true(len == 1 || len == 7 || len == 8);
		}
		jsonw_free(&a);
		/* A plain value the same way: "abc" is 5 bytes. */
		jsonw_init(&a, c);
		jsonw_str_plain(&a, "abc");
		s = jsonw_text(&a, &len);
		if (c >= 5)
			assert_string_equal(s, "\"abc\"");
		else {
			assert_false(jsonw_ok(&a));
			assert_int_equal(len, 0);
		}
		jsonw_free(&a);
	}
}

/*
 * A run's string (jsonw_run_str_in()) of an array of every size up to
 * 65, with every byte value at every place and the NUL at every place
 * after it (or none: the array's end cuts it), writes what jsonw_str()
 * writes of the same string, and reads no byte past the array (each is
 * a heap block of its own size: ASan sees any).
 */
static void
test_jsonw_run_str_in(void **state)
{
	static const size_t sizes[] = { 1, 3, 4, 7, 8, 9, 15, 16, 17, 24,
	    63, 64, 65 };
	struct jsonw w, ref;
	struct jsonw_run r;
	char *arr, cstr[80];
	size_t k, size, len, pos, c;

	(void)state;
	jsonw_init(&w, 0);
	jsonw_init(&ref, 0);
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size = sizes[k];
		arr = malloc(size);
		assert_non_null(arr);
		for (c = 1; c < 256; c++)
			for (len = 1; len <= size; len++)
				for (pos = 0; pos < len; pos++) {
					memset(arr, 'a', size);
					arr[pos] = (char)c;
					if (len < size)
						arr[len] = '\0';
					memcpy(cstr, arr, len);
					cstr[len] = '\0';
					jsonw_reset(&ref);
					jsonw_arr_open(&ref);
					jsonw_uint(&ref, 1);
					jsonw_str(&ref, cstr);
					jsonw_arr_close(&ref);
					jsonw_reset(&w);
					jsonw_arr_open(&w);
					jsonw_uint(&w, 1);
					jsonw_run_begin(&w, &r, 6 * size + 10);
					jsonw_run_str_in(&r, arr, size);
					jsonw_run_end(&w, &r);
					jsonw_arr_close(&w);
					assert_true(jsonw_ok(&w));
					assert_string_equal(jsonw_text(&w,
					    NULL), jsonw_text(&ref, NULL));
				}
		/* Empty. */
		arr[0] = '\0';
		jsonw_reset(&w);
		jsonw_run_begin(&w, &r, 6 * size + 10);
		jsonw_run_str_in(&r, arr, size);
		jsonw_run_end(&w, &r);
		assert_string_equal(jsonw_text(&w, NULL), "\"\"");
		free(arr);
	}
	jsonw_free(&ref);
	jsonw_free(&w);
}

/*
 * jsonw_put_text() of n bytes, every byte value at every place of
 * strings up to 17 long, and a NUL at every place after it, writes
 * what jsonw_str() writes of the string up to the NUL, quoted, and no
 * byte past 6 * n + 2.
 */
static void
test_jsonw_put_text(void **state)
{
	struct jsonw ref;
	char s[18], out[6 * sizeof(s) + 2 + 8], *e, want[6 * sizeof(s) + 8];
	size_t n, pos, nul, c, wlen;

	(void)state;
	jsonw_init(&ref, 0);
	for (n = 0; n < sizeof(s); n++)
		for (c = 0; c < 256; c++)
			for (pos = 0; pos < (n > 0 ? n : 1); pos++)
				for (nul = pos + 1; nul <= n + 1; nul++) {
					memset(s, 'a', sizeof(s));
					if (n > 0)
						s[pos] = (char)c;
					if (nul < n)
						s[nul] = '\0';
					memcpy(want, s, n);
					want[n] = '\0';
					jsonw_reset(&ref);
					jsonw_str(&ref, want);
					memset(out, 'Z', sizeof(out));
					e = jsonw_put_text(out, s, n);
					wlen = strlen(jsonw_text(&ref, NULL));
					assert_int_equal((size_t)(e - out), wlen);
					assert_memory_equal(out,
					    jsonw_text(&ref, NULL), wlen);
					assert_true(wlen <= 6 * n + 2);
					assert_int_equal(out[6 * n + 2], 'Z');
				}
	jsonw_free(&ref);
}

/* The members of one object, through a run or through the calls. */
static void
run_members(struct jsonw *w, bool run)
{
	static const char id[4] = "MSH", esc[8] = "|^~\\&";
	static const char u8[16] = "caf\xc3\xa9 \xff", empty[16] = "";
	struct jsonw_run r;

	if (!run) {
		jsonw_kv_str(w, "id", id);
		jsonw_kv_str(w, "delimiters", esc);
		jsonw_key(w, "hd");
		jsonw_obj_open(w);
		jsonw_kv_str(w, "u8", u8);
		jsonw_kv_str(w, "empty", empty);
		jsonw_obj_close(w);
		jsonw_key(w, "list");
		jsonw_arr_open(w);
		jsonw_obj_open(w);
		jsonw_kv_uint(w, "n", 0);
		jsonw_kv_uint(w, "m", 99);
		jsonw_obj_close(w);
		jsonw_obj_open(w);
		jsonw_kv_uint(w, "n", 100);
		jsonw_kv_uint(w, "m", UINT64_MAX);
		jsonw_kv_str(w, "s", "EUI-64");
		jsonw_obj_close(w);
		jsonw_uint(w, 10);
		jsonw_str(w, id);
		jsonw_arr_close(w);
		jsonw_kv_bool(w, "t", true);
		return;
	}
	jsonw_run_begin(w, &r, 500);
	JSONW_RUN_KV_STR(&r, "id", id);
	JSONW_RUN_KV_STR(&r, "delimiters", esc);
	JSONW_RUN_KEY(&r, "hd");
	jsonw_run_open(&r, '{');
	JSONW_RUN_KV_STR(&r, "u8", u8);
	JSONW_RUN_KV_STR(&r, "empty", empty);
	jsonw_run_close(&r, '}');
	JSONW_RUN_KEY(&r, "list");
	jsonw_run_open(&r, '[');
	jsonw_run_open(&r, '{');
	JSONW_RUN_KV_UINT(&r, "n", 0);
	JSONW_RUN_KV_UINT(&r, "m", 99);
	jsonw_run_close(&r, '}');
	jsonw_run_open(&r, '{');
	JSONW_RUN_KV_UINT(&r, "n", 100);
	JSONW_RUN_KV_UINT(&r, "m", UINT64_MAX);
	JSONW_RUN_KV_PLAIN(&r, "s", "EUI-64");
	jsonw_run_close(&r, '}');
	jsonw_run_uint(&r, 10);
	jsonw_run_str_in(&r, id, sizeof(id));
	jsonw_run_close(&r, ']');
	JSONW_RUN_KEY(&r, "t");
	jsonw_run_lit(&r, "true", 4, true);
	jsonw_run_end(w, &r);
}

/*
 * A run writes what the calls write, commas included, after a member
 * or first in its object, and the same at every cap: in the buffer
 * when it has room, else in scratch memory appended whole, so the
 * record passes the cap exactly where the calls' would.  An empty run
 * changes nothing.
 */
static void
test_jsonw_run(void **state)
{
	struct jsonw a, b;
	struct jsonw_run r;
	const char *s;
	size_t cap, len, first;

	(void)state;
	for (first = 0; first < 2; first++)
		for (cap = 1; cap < 700; cap++) {
			jsonw_init(&a, cap);
			jsonw_init(&b, cap);
			jsonw_obj_open(&a);
			jsonw_obj_open(&b);
			if (first == 0) {
				jsonw_kv_uint(&a, "before", 1);
				jsonw_kv_uint(&b, "before", 1);
			}
			run_members(&a, false);
			run_members(&b, true);
			jsonw_kv_uint(&a, "after", 2);
			jsonw_kv_uint(&b, "after", 2);
			jsonw_obj_close(&a);
			jsonw_obj_close(&b);
			assert_int_equal(jsonw_ok(&a), jsonw_ok(&b));
			if (jsonw_ok(&a)) {
				s = jsonw_text(&a, &len);
				assert_true(json_valid(s, len));
				assert_string_equal(s, jsonw_text(&b, NULL));
			}
			assert_true(b.len <= cap);
			jsonw_free(&a);
			jsonw_free(&b);
		}
	jsonw_init(&a, 0);
	jsonw_obj_open(&a);
	jsonw_run_begin(&a, &r, 10);
	jsonw_run_end(&a, &r);
	JSONW_KV_UINT(&a, "x", 1);
	jsonw_run_begin(&a, &r, 10);
	jsonw_run_end(&a, &r);
	JSONW_KV_UINT(&a, "y", 2);
	jsonw_obj_close(&a);
	assert_string_equal(jsonw_text(&a, NULL), "{\"x\":1,\"y\":2}");
	jsonw_free(&a);
}

/*
 * Every way jsonw writes a number (jsonw_uint(), jsonw_int() either
 * sign, jsonw_run_uint() and the right-aligned jsonw_fmt_u64()) goes
 * through util/fmt.h's writer: each against snprintf() at 0, 9, 10,
 * 99, 100, every power of ten and its neighbours, UINT32_MAX and
 * UINT64_MAX.
 */
static void
test_jsonw_numbers_as_snprintf(void **state)
{
	uint64_t v[80], p;
	size_t n = 0, i, k, len;
	char want[128], d[20];
	struct jsonw w;
	struct jsonw_run r;
	int j;

	(void)state;
	v[n++] = 0;
	v[n++] = UINT32_MAX;
	v[n++] = (uint64_t)UINT32_MAX + 1;
	v[n++] = UINT64_MAX;
	for (p = 1, j = 0; j < 20; j++, p *= 10) {
		v[n++] = p - 1;
		v[n++] = p;
		v[n++] = p + 1;
	}
	for (i = 0; i < n; i++) {
		k = jsonw_fmt_u64(v[i], d);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v[i]);
		assert_int_equal(k, strlen(want));
		assert_memory_equal(d + 20 - k, want, k);

		jsonw_init(&w, 0);
		jsonw_arr_open(&w);
		jsonw_uint(&w, v[i]);
		jsonw_int(&w, (int64_t)(v[i] >> 1));
		jsonw_int(&w, -(int64_t)(v[i] >> 1));
		jsonw_run_begin(&w, &r, 64);
		jsonw_run_uint(&r, v[i]);
		jsonw_run_end(&w, &r);
		jsonw_arr_close(&w);
		snprintf(want, sizeof(want), "[%llu,%lld,%lld,%llu]",
		    (unsigned long long)v[i], (long long)(v[i] >> 1),
		    -(long long)(v[i] >> 1), (unsigned long long)v[i]);
		assert_string_equal(jsonw_text(&w, &len), want);
		jsonw_free(&w);
	}
}

static void
test_jsonw_all_control_chars(void **state)
{
	struct jsonw w;
	char want[16];
	unsigned c;

	(void)state;
	jsonw_init(&w, 0);
	for (c = 0; c < 0x20; c++) {
		char in = (char)c;
		const char *s;

		switch (c) {
		case '\b': s = "\"\\b\""; break;
		case '\f': s = "\"\\f\""; break;
		case '\n': s = "\"\\n\""; break;
		case '\r': s = "\"\\r\""; break;
		case '\t': s = "\"\\t\""; break;
		default:
			snprintf(want, sizeof(want), "\"\\u%04x\"", c);
			s = want;
			break;
		}
		assert_string_equal(str_json(&w, &in, 1), s);
	}
	/* Every printable ASCII byte but " and \ passes unchanged. */
	for (c = 0x20; c < 0x80; c++) {
		char in = (char)c;

		if (c == '"' || c == '\\')
			continue;
		snprintf(want, sizeof(want), "\"%c\"", (char)c);
		assert_string_equal(str_json(&w, &in, 1), want);
	}
	jsonw_free(&w);
}

static void
test_jsonw_invalid_utf8(void **state)
{
	static const struct {
		const char	*what;
		const char	*in;
		const char	*out;
	} t[] = {
		{ "lone continuation", "\x80", "\\u0080" },
		{ "lone continuation bf", "\xbf", "\\u00bf" },
		{ "overlong 2-byte c0", "\xc0\x80", "\\u00c0\\u0080" },
		{ "overlong 2-byte c1", "\xc1\xbf", "\\u00c1\\u00bf" },
		{ "overlong 3-byte", "\xe0\x80\xaf", "\\u00e0\\u0080\\u00af" },
		{ "overlong 3-byte max", "\xe0\x9f\xbf",
		    "\\u00e0\\u009f\\u00bf" },
		{ "overlong 4-byte", "\xf0\x80\x80\xaf",
		    "\\u00f0\\u0080\\u0080\\u00af" },
		{ "overlong 4-byte max", "\xf0\x8f\xbf\xbf",
		    "\\u00f0\\u008f\\u00bf\\u00bf" },
		{ "high surrogate", "\xed\xa0\x80", "\\u00ed\\u00a0\\u0080" },
		{ "low surrogate", "\xed\xbf\xbf", "\\u00ed\\u00bf\\u00bf" },
		{ "above U+10FFFF", "\xf4\x90\x80\x80",
		    "\\u00f4\\u0090\\u0080\\u0080" },
		{ "f5 lead", "\xf5\x80\x80\x80",
		    "\\u00f5\\u0080\\u0080\\u0080" },
		{ "fe", "\xfe", "\\u00fe" },
		{ "truncated 2 at end", "a\xc3", "a\\u00c3" },
		{ "truncated 3 at end", "\xe2\x82", "\\u00e2\\u0082" },
		{ "truncated 3 before ASCII", "\xe2\x82" "A",
		    "\\u00e2\\u0082A" },
		{ "truncated 4", "\xf0\x9f\x98", "\\u00f0\\u009f\\u0098" },
		{ "lead then lead", "\xc3\xc3\xa9", "\\u00c3\xc3\xa9" },
		{ "valid U+D7FF", "\xed\x9f\xbf", "\xed\x9f\xbf" },
		{ "valid U+E000", "\xee\x80\x80", "\xee\x80\x80" },
		{ "valid U+FFFF", "\xef\xbf\xbf", "\xef\xbf\xbf" },
		{ "valid U+10000", "\xf0\x90\x80\x80", "\xf0\x90\x80\x80" },
		{ "valid U+10FFFF", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },
		{ "valid U+0080", "\xc2\x80", "\xc2\x80" },
		{ "valid U+0800", "\xe0\xa0\x80", "\xe0\xa0\x80" },
	};
	struct jsonw w;
	char want[64];
	size_t i, n;
	const char *got;

	(void)state;
	jsonw_init(&w, 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(want, sizeof(want), "\"%s\"", t[i].out);
		got = str_json(&w, t[i].in, strlen(t[i].in));
		if (strcmp(got, want) != 0)
			fail_msg("%s: got %s, want %s", t[i].what, got, want);
		n = strlen(got);
		assert_true(json_valid(got, n));
	}
	jsonw_free(&w);
}

static void
test_jsonw_nesting_and_commas(void **state)
{
	struct jsonw w;
	size_t len;
	const char *s;

	(void)state;
	jsonw_init(&w, 0);
	jsonw_obj_open(&w);
	jsonw_kv_str(&w, "event_type", "flow");
	jsonw_kv_uint(&w, "src_port", 1234);
	jsonw_kv_int(&w, "delta", -5);
	jsonw_kv_bool(&w, "alerted", false);
	jsonw_key(&w, "vlan");
	jsonw_arr_open(&w);
	jsonw_uint(&w, 10);
	jsonw_uint(&w, 20);
	jsonw_arr_close(&w);
	jsonw_key(&w, "empty_arr");
	jsonw_arr_open(&w);
	jsonw_arr_close(&w);
	jsonw_key(&w, "empty_obj");
	jsonw_obj_open(&w);
	jsonw_obj_close(&w);
	jsonw_key(&w, "flow");
	jsonw_obj_open(&w);
	jsonw_kv_uint(&w, "pkts", 3);
	jsonw_key(&w, "nested");
	jsonw_arr_open(&w);
	jsonw_obj_open(&w);
	jsonw_obj_close(&w);
	jsonw_arr_open(&w);
	jsonw_null(&w);
	jsonw_arr_close(&w);
	jsonw_raw(&w, "{\"x\":1}", 7);
	jsonw_arr_close(&w);
	jsonw_obj_close(&w);
	jsonw_key(&w, "k\"ey");
	jsonw_null(&w);
	jsonw_obj_close(&w);
	assert_true(jsonw_ok(&w));
	s = jsonw_text(&w, &len);
	assert_string_equal(s,
	    "{\"event_type\":\"flow\",\"src_port\":1234,\"delta\":-5,"
	    "\"alerted\":false,\"vlan\":[10,20],\"empty_arr\":[],"
	    "\"empty_obj\":{},\"flow\":{\"pkts\":3,"
	    "\"nested\":[{},[null],{\"x\":1}]},\"k\\\"ey\":null}");
	assert_int_equal(len, strlen(s));
	assert_true(json_valid(s, len));

	/* Top-level values in sequence (JSON Lines callers reset between). */
	jsonw_reset(&w);
	assert_string_equal(jsonw_text(&w, NULL), "");
	jsonw_arr_open(&w);
	jsonw_arr_close(&w);
	assert_string_equal(jsonw_text(&w, NULL), "[]");
	jsonw_free(&w);
}

static void
test_jsonw_depth_limit(void **state)
{
	struct jsonw w;
	int i;

	(void)state;
	jsonw_init(&w, 0);
	for (i = 0; i < JSONW_MAX_DEPTH; i++)
		jsonw_arr_open(&w);
	assert_false(w.overflow);
	for (i = 0; i < JSONW_MAX_DEPTH; i++)
		jsonw_arr_close(&w);
	assert_true(jsonw_ok(&w));

	jsonw_reset(&w);
	for (i = 0; i < JSONW_MAX_DEPTH + 1; i++)
		jsonw_arr_open(&w);
	assert_true(w.overflow);
	assert_false(jsonw_ok(&w));

	/* Unclosed or over-closed is never ok. */
	jsonw_reset(&w);
	jsonw_obj_open(&w);
	assert_false(jsonw_ok(&w));
	jsonw_obj_close(&w);
	assert_true(jsonw_ok(&w));
	jsonw_obj_close(&w);
	assert_false(jsonw_ok(&w));
	jsonw_free(&w);
}

static void
test_jsonw_cap_overflow(void **state)
{
	struct jsonw w;
	size_t len, i;
	const char *s;
	char big[100];

	(void)state;
	/* Exactly at the cap is fine. */
	jsonw_init(&w, 7);
	jsonw_str(&w, "abcde");			/* "abcde" = 7 bytes */
	assert_true(jsonw_ok(&w));
	assert_string_equal(jsonw_text(&w, &len), "\"abcde\"");
	assert_int_equal(len, 7);
	/* One more byte is not; later writes are ignored. */
	jsonw_uint(&w, 1);
	assert_true(w.overflow);
	assert_false(jsonw_ok(&w));
	jsonw_str(&w, "x");
	jsonw_obj_open(&w);
	assert_true(w.len <= w.cap);
	assert_string_equal(jsonw_text(&w, NULL), "\"abcde\"");
	/* Reset clears the condition and keeps the buffer. */
	jsonw_reset(&w);
	assert_true(jsonw_ok(&w));
	jsonw_uint(&w, 42);
	assert_string_equal(jsonw_text(&w, NULL), "42");
	jsonw_free(&w);

	/* An escape that does not fit. */
	jsonw_init(&w, 10);
	jsonw_strn(&w, "abc\x01", 4);		/* needs 11 */
	assert_true(w.overflow);
	assert_true(w.len <= 10);
	jsonw_free(&w);

	/* Long writes stop at the cap whatever their size. */
	memset(big, 'a', sizeof(big));
	for (i = 1; i < 300; i++) {
		jsonw_init(&w, i);
		jsonw_arr_open(&w);
		jsonw_strn(&w, big, sizeof(big));
		jsonw_strn(&w, "\xff\xfe\n", 3);
		jsonw_arr_close(&w);
		s = jsonw_text(&w, &len);
		assert_true(len <= i);
		assert_int_equal(strlen(s), len);
		if (jsonw_ok(&w))
			assert_true(json_valid(s, len));
		jsonw_free(&w);
	}

	/* Growing to 4 MiB in small writes works and stays exact. */
	jsonw_init(&w, 8u << 20);
	jsonw_arr_open(&w);
	for (i = 0; i < 400000; i++)
		jsonw_uint(&w, 1234567890);
	jsonw_arr_close(&w);
	assert_true(jsonw_ok(&w));
	s = jsonw_text(&w, &len);
	assert_int_equal(len, 2 + 400000 * 10 + 399999);
	assert_true(json_valid(s, len));
	jsonw_free(&w);
}

static void
test_jsonw_integers(void **state)
{
	static const struct {
		uint64_t	 v;
		const char	*s;
	} u[] = {
		{ 0, "0" }, { 9, "9" }, { 10, "10" }, { 99, "99" },
		{ 100, "100" }, { 101, "101" }, { 65535, "65535" },
		{ 4294967295u, "4294967295" },
		{ 10000000000000000000u, "10000000000000000000" },
		{ UINT64_MAX, "18446744073709551615" },
	};
	static const struct {
		int64_t		 v;
		const char	*s;
	} in[] = {
		{ 0, "0" }, { -1, "-1" }, { -10, "-10" }, { 7, "7" },
		{ INT64_MAX, "9223372036854775807" },
		{ INT64_MIN, "-9223372036854775808" },
		{ INT64_MIN + 1, "-9223372036854775807" },
	};
	struct jsonw w;
	char want[32];
	size_t i;
	uint64_t x = 0x9e3779b97f4a7c15u;

	(void)state;
	jsonw_init(&w, 0);
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		jsonw_reset(&w);
		jsonw_uint(&w, u[i].v);
		assert_string_equal(jsonw_text(&w, NULL), u[i].s);
	}
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		jsonw_reset(&w);
		jsonw_int(&w, in[i].v);
		assert_string_equal(jsonw_text(&w, NULL), in[i].s);
	}
	/* Random values of every magnitude against printf. */
	for (i = 0; i < 20000; i++) {
		uint64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (i % 64);
		jsonw_reset(&w);
		jsonw_uint(&w, v);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
		assert_string_equal(jsonw_text(&w, NULL), want);
		jsonw_reset(&w);
		jsonw_int(&w, (int64_t)x);
		snprintf(want, sizeof(want), "%lld", (long long)(int64_t)x);
		assert_string_equal(jsonw_text(&w, NULL), want);
	}
	jsonw_free(&w);
}

static void
test_jsonw_doubles(void **state)
{
	static const struct {
		double		 v;
		const char	*s;
	} t[] = {
		{ 0.0, "0" }, { 0.5, "0.5" }, { 0.1, "0.1" },
		{ -2.25, "-2.25" },
		{ 1e300, "1e+300" }, { 123456.0, "123456" },
	};
	struct jsonw w;
	size_t i, len;
	const char *s;

	(void)state;
	jsonw_init(&w, 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		jsonw_reset(&w);
		jsonw_double(&w, t[i].v);
		assert_string_equal(jsonw_text(&w, NULL), t[i].s);
	}
	jsonw_reset(&w);
	jsonw_arr_open(&w);
	jsonw_double(&w, NAN);
	jsonw_double(&w, INFINITY);
	jsonw_double(&w, -INFINITY);
	jsonw_double(&w, 1.0 / 3.0);
	jsonw_arr_close(&w);
	s = jsonw_text(&w, &len);
	assert_true(json_valid(s, len));
	assert_string_equal(s, "[null,null,null,0.33333333333333331]");
	assert_true(strtod(s + 16, NULL) == 1.0 / 3.0);
	jsonw_free(&w);
}

/*
 * Random byte strings, biased towards UTF-8 lead and continuation
 * bytes, always give valid JSON that decodes back to the same bytes.
 */
static void
test_jsonw_random_round_trip(void **state)
{
	static const uint8_t pool[] = {
		0x00, 0x09, 0x0a, 0x1f, 0x22, 0x5c, 0x41, 0x7f, 0x80, 0xbf,
		0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
		0xff, 0xa0, 0x9f, 0x8f, 0x90,
	};
	struct jsonw w;
	uint8_t in[96], back[96];
	uint64_t x = 88172645463325252u;
	size_t i, k, n, len, blen;
	const char *s;

	(void)state;
	jsonw_init(&w, 0);
	for (i = 0; i < 50000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = x % sizeof(in);
		for (k = 0; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			in[k] = (x & 0x100) ? pool[(x >> 9) % sizeof(pool)] :
			    (uint8_t)(x >> 24);
		}
		jsonw_reset(&w);
		jsonw_obj_open(&w);
		jsonw_key(&w, "k");
		jsonw_strn(&w, (const char *)in, n);
		jsonw_obj_close(&w);
		assert_true(jsonw_ok(&w));
		s = jsonw_text(&w, &len);
		if (!json_valid(s, len))
			fail_msg("invalid JSON for input %zu", i);

		jsonw_reset(&w);
		jsonw_strn(&w, (const char *)in, n);
		s = jsonw_text(&w, &len);
		{
			struct jv v = { (const uint8_t *)s, len, 0, 0 };

			assert_int_equal(jv_string(&v, back, &blen), 0);
			assert_int_equal(v.i, len);
		}
		assert_int_equal(blen, n);
		assert_memory_equal(back, in, n);
	}
	jsonw_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonw_escape_table),
		cmocka_unit_test(test_jsonw_cstring_paths),
		cmocka_unit_test(test_jsonw_word_scan),
		cmocka_unit_test(test_jsonw_literal_key),
		cmocka_unit_test(test_jsonw_run_str_in),
		cmocka_unit_test(test_jsonw_put_text),
		cmocka_unit_test(test_jsonw_run),
		cmocka_unit_test(test_jsonw_numbers_as_snprintf),
		cmocka_unit_test(test_jsonw_all_control_chars),
		cmocka_unit_test(test_jsonw_invalid_utf8),
		cmocka_unit_test(test_jsonw_nesting_and_commas),
		cmocka_unit_test(test_jsonw_depth_limit),
		cmocka_unit_test(test_jsonw_cap_overflow),
		cmocka_unit_test(test_jsonw_integers),
		cmocka_unit_test(test_jsonw_doubles),
		cmocka_unit_test(test_jsonw_random_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
