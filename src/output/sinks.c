/*
 * output/sinks.c - one sink per entry of the `outputs:` list.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "output/file.h"
#include "output/netsink.h"
#include "output/output.h"
#include "output/sink.h"
#include "output/sinks.h"
#include "util/log.h"

int
sinks_open(struct output *out, const struct output_spec *v, size_t n,
    const struct sinks_env *env)
{
	struct netsink_env ne;
	struct sink *s;
	char err[512];
	size_t i;
	int rv = 0;

	memset(&ne, 0, sizeof(ne));
	ne.host = env->host;
	ne.statedir = env->statedir;
	ne.block = env->block;
	ne.epoch = output_seq_epoch(out);
	/* A network output's name is its spool's file: one output's. */
	for (i = 0; i < n; i++) {
		char name[256], other[256];
		size_t j;

		if (v[i].kind == OUTK_REGULAR || v[i].kind == OUTK_STDOUT)
			continue;
		outspec_name(&v[i], name, sizeof(name));
		for (j = 0; j < i; j++) {
			outspec_name(&v[j], other, sizeof(other));
			if (strcmp(name, other) == 0) {
				log_warnx("outputs: two outputs are called %s: "
				    "give one a name", name);
				return -1;
			}
		}
	}
	for (i = 0; i < n; i++) {
		const struct output_spec *sp = &v[i];

		if (sp->kind == OUTK_REGULAR || sp->kind == OUTK_STDOUT) {
			s = output_file_open(env->logdir, sp->filename,
			    env->test_mode, &sp->types);
			if (s == NULL) {
				log_warn("%s/%s", env->logdir, sp->filename);
				rv = -1;
				continue;
			}
			if (sp->rotate)
				output_file_rotate(s, sp->max_size);
			if (sp->chain_key != NULL && output_file_chain(s,
			    sp->chain_key, env->statedir, err,
			    sizeof(err)) == -1) {
				log_warnx("hash-chain: %s", err);
				s->ops->free(s);
				rv = -1;
				continue;
			}
		} else if ((s = netsink_new(sp, &ne, err, sizeof(err))) ==
		    NULL) {
			log_warnx("%s", err);
			rv = -1;
			continue;
		}
		output_add_sink(out, s);
	}
	return rv;
}
