/*
 * sink-mock.h - an output stage whose one sink keeps every line in
 * memory, for unit tests of record producers.  The stage's thread is
 * not started: out_sync() writes what is queued on the test's own
 * thread, so a test reads exactly what was committed and flushed.
 */
#ifndef WW_SINK_MOCK_H
#define WW_SINK_MOCK_H

#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "output/sink.h"

struct out {
	struct sink	 s;
	struct output	*stage;
	char		*buf;		/* every line, each ending in \n */
	size_t		 len;
	size_t		 lines;
};

static uint64_t
out_sink_write(struct sink *s, const struct record *r, const char *line,
    size_t len)
{
	struct out *o = (struct out *)s;

	(void)r;
	o->buf = realloc(o->buf, o->len + len + 2);
	memcpy(o->buf + o->len, line, len);
	o->len += len;
	o->buf[o->len++] = '\n';
	o->buf[o->len] = '\0';
	o->lines++;
	return 0;
}

static uint64_t
out_sink_nop(struct sink *s)
{
	(void)s;
	return 0;
}

static void
out_sink_free(struct sink *s)
{
	(void)s;
}

static const struct sink_ops out_sink_ops = {
	.write = out_sink_write,
	.flush = out_sink_nop,
	.reopen = out_sink_nop,
	.close = out_sink_nop,
	.free = out_sink_free,
};

/* An output stage writing into o (every record type). */
static inline struct output *
out_open(struct out *o)
{
	struct output_config oc;

	memset(&oc, 0, sizeof(oc));
	memset(o, 0, sizeof(*o));
	o->s.ops = &out_sink_ops;
	o->s.name = "memory";
	o->s.types.bits = ~(uint64_t)0;
	o->stage = output_new(&oc);
	output_add_sink(o->stage, &o->s);
	return o->stage;
}

/* Write what producers have handed over. */
static inline void
out_sync(const struct out *o)
{
	output_drain(o->stage);
}

static inline void
out_close(struct out *o)
{
	output_close(o->stage);
	output_free(o->stage);
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

#endif /* WW_SINK_MOCK_H */
