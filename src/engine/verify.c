/*
 * engine/verify.c - wardwatch verify [--key-file KEY | -c CONFIG]
 * FILE...: the files are one chain, oldest first (eve.json.1
 * eve.json.2 eve.json after rotations).
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/config.h"
#include "engine/verify.h"
#include "output/chain.h"
#include "util/util.h"

static void
verify_usage(FILE *fp)
{
	fprintf(fp, "usage: wardwatch verify --key-file key file ...\n"
	    "       wardwatch verify -c config file ...\n");
}

int
verify_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key-file", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keyfile = NULL, *cfgpath = NULL;
	struct config cfg;
	struct chain *c;
	char err[512];
	size_t i;
	int ch, rv;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			keyfile = optarg;
			break;
		case 'c':
			cfgpath = optarg;
			break;
		case 'h':
			verify_usage(stdout);
			return 0;
		default:
			verify_usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || (keyfile == NULL) == (cfgpath == NULL)) {
		verify_usage(stderr);
		return 1;
	}
	c = xcalloc(1, sizeof(*c));
	if (cfgpath != NULL) {
		config_defaults(&cfg);
		if (config_load(&cfg, cfgpath, stderr) != 0) {
			config_free(&cfg);
			free(c);
			return 1;
		}
		for (i = 0; i < cfg.noutputs; i++)
			if (cfg.outputs[i].chain_key != NULL)
				break;
		if (i == cfg.noutputs) {
			fprintf(stderr, "wardwatch verify: %s: no output has a "
			    "hash-chain key-file\n", util_safe_str(cfgpath));
			config_free(&cfg);
			free(c);
			return 1;
		}
		rv = chain_load_key(c, cfg.outputs[i].chain_key, err,
		    sizeof(err));
		config_free(&cfg);
	} else
		rv = chain_load_key(c, keyfile, err, sizeof(err));
	if (rv == -1) {
		fprintf(stderr, "wardwatch verify: %s\n", util_safe_str(err));
		free(c);
		return 1;
	}
	rv = chain_verify(c, argv, argc, stdout);
	explicit_bzero(c, sizeof(*c));
	free(c);
	return rv;
}
