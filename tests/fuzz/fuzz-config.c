/*
 * fuzz-config.c - libFuzzer target for the configuration loader.
 *
 * The input is a wardwatch.yaml; config_load_buffer() must report
 * errors and never crash, leak or hang, whatever the bytes.  Error
 * messages go to /dev/null, so their formatting is exercised too.
 * Seeds: the files in tests/unit/conf and etc/wardwatch.yaml, e.g.
 *
 *	mkdir corpus && ./tests/fuzz/fuzz-config corpus \
 *	    $top_srcdir/tests/unit/conf $top_srcdir/etc
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* By path: -I. would find autoconf's config.h under this name first. */
#include "engine/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct config cfg;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		return 0;
	config_defaults(&cfg);
	(void)config_load_buffer(&cfg, "fuzz.yaml", (const char *)data, size,
	    devnull);
	config_free(&cfg);
	return 0;
}
