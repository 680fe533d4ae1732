/*
 * test-app-alloc.c - the parsers' per-flow state: state_new() never returns
 * NULL, not even when memory runs out.
 *
 * The app layer counts a parser's state_size against the flow memcap
 * and hands the state to every parse call without a NULL check, so an
 * allocation failure must end the process (xcalloc: fatal, exit 2),
 * like every other allocation of the sensor, and not come back as
 * NULL.  The test links with --wrap=calloc and --wrap=fatal: calloc
 * fails on demand, and fatal jumps back here instead of exiting.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "app/app.h"
#include "app/dhcp.h"
#include "app/dicom.h"
#include "app/dns.h"
#include "app/hl7.h"
#include "app/http.h"
#include "app/layer.h"
#include "app/login.h"
#include "app/mqtt.h"
#include "app/ssdp.h"
#include "app/smb.h"
#include "app/ssh.h"
#include "app/tls.h"
#include "util/util.h"

void	*__real_calloc(size_t, size_t);
void	*__wrap_calloc(size_t, size_t);
void	 __wrap_fatal(const char *, ...) __attribute__((noreturn));

/* Every parser of the registry in app/layer.c. */
static const struct app_parser *const parsers[] = {
	&hl7_parser, &dicom_parser, &tls_parser, &ssh_parser, &dns_parser,
	&mdns_parser, &ssdp_parser, &http_parser, &mqtt_parser, &ftp_parser,
	&telnet_parser, &dns_tcp_parser, &dhcp_parser, &smb_parser,
};

static bool	 calloc_fails;
static bool	 fatal_armed;
static jmp_buf	 fatal_jmp;

void *
__wrap_calloc(size_t n, size_t size)
{
	if (calloc_fails)
		return NULL;
	return __real_calloc(n, size);
}

void
__wrap_fatal(const char *fmt, ...)
{
	(void)fmt;
	if (!fatal_armed)
		abort();
	fatal_armed = false;
	longjmp(fatal_jmp, 1);
}

static void
test_app_state_new_allocates(void **state)
{
	size_t i;
	void *st;

	(void)state;
	for (i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
		if (parsers[i]->state_new == NULL)
			continue;	/* no per-flow state */
		st = parsers[i]->state_new();
		assert_non_null(st);
		parsers[i]->state_free(st);
	}
}

/* state_new() while calloc fails: NULL, and *died, if fatal() ran. */
static void *
state_new_failing(const struct app_parser *ap, bool *died)
{
	void *volatile st = NULL;

	*died = false;
	fatal_armed = true;
	calloc_fails = true;
	if (setjmp(fatal_jmp) == 0)
		st = ap->state_new();
	else
		*died = true;
	calloc_fails = false;
	fatal_armed = false;
	return st;
}

static void
test_app_state_new_never_null(void **state)
{
	const struct app_parser *ap;
	char bad[256] = "";
	bool died;
	size_t i;
	void *st;

	(void)state;
	for (i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
		ap = parsers[i];
		if (ap->state_new == NULL)
			continue;	/* no per-flow state */
		st = state_new_failing(ap, &died);
		if (!died && st == NULL) {
			strlcat(bad, " ", sizeof(bad));
			strlcat(bad, app_proto_name(ap->proto), sizeof(bad));
		}
		if (st != NULL)
			ap->state_free(st);
	}
	if (bad[0] != '\0')
		fail_msg("state_new() returned NULL:%s", bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_app_state_new_allocates),
		cmocka_unit_test(test_app_state_new_never_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
