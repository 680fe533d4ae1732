/*
 * fuzz-policy.c - libFuzzer target for the zero-trust profile loader.
 *
 * The input is a policy file; policy_load_buffer() must report errors
 * and never crash, leak or hang, whatever the bytes.  The profiles of
 * a file without errors are then written out (policy_write_yaml(), the
 * writer of "policy suggest") and must load again without an error:
 * the writer speaks the loader's schema.  Seeds: profiles/policy, e.g.
 *
 *	mkdir corpus && ./tests/fuzz/fuzz-policy corpus \
 *	    $top_srcdir/profiles/policy
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "device/brain.h"
#include "policy/policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct policy *pol, *again;
	char *text;
	size_t len, i;
	FILE *f;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		return 0;
	pol = brain_policy_new();
	/* A file with errors is refused as a whole (-T, start-up): only a
	 * clean one must survive the writer. */
	if (policy_load_buffer(pol, "fuzz.yaml", (const char *)data, size,
	    devnull) == 0 && policy_count(pol) > 0 &&
	    (f = open_memstream(&text, &len)) != NULL) {
		fputs("profiles:\n", f);
		for (i = 0; i < policy_count(pol); i++)
			policy_write_yaml(f, policy_at(pol, i));
		fclose(f);
		again = brain_policy_new();
		if (policy_load_buffer(again, "again.yaml", text, len,
		    stderr) != 0 || policy_count(again) != policy_count(pol))
			abort();
		policy_free(again);
		free(text);
	}
	policy_free(pol);
	return 0;
}
