/*
 * fuzz-lldp.c - libFuzzer target for the LLDP and CDP parsers.
 *
 * Input: one selector octet, then one PDU.  An even selector feeds the
 * PDU to lldp_parse (an LLDPDU after the ethertype), an odd one to
 * cdp_parse (a CDP PDU after the SNAP header).  The PDU is the tail of
 * libFuzzer's buffer, which is exactly the input's size, so ASan sees
 * any over-read.  Checked after every call: the result is 0 or -1, -1
 * always names an anomaly, every anomaly is an APP event, every string
 * is NUL-terminated within its array and printable, the counts are
 * within their caps, and the EVE object is complete JSON.
 *
 * Build and run, no script needed (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-lldp
 *	mkdir -p fuzz-lldp.corpus
 *	./tests/fuzz/fuzz-lldp -max_total_time=600 -max_len=2048 \
 *	    fuzz-lldp.corpus ../tests/fuzz/corpus/lldp
 * A crash is written to crash-<sha1>; run the target with that file as
 * its only argument to reproduce it.  The seeds in corpus/lldp/ are
 * the unit tests' vectors (a switch's LLDPDU, an LLDP-MED phone, a CDP
 * v2 switch and a CDP v1 router), each behind its selector octet.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/events.h"
#include "output/jsonw.h"
#include "app/lldp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static void
check_str(const char *s, size_t size)
{
	const char *end = memchr(s, '\0', size);
	const char *c;

	check(end != NULL);
	for (c = s; c < end; c++)
		check(*c >= 0x20 && *c <= 0x7e);
}

#define CHECK_STR(f, m)	check_str((f)->m, sizeof((f)->m))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lldp_facts f;
	enum ww_counter an;
	struct jsonw jw;
	uint8_t proto;
	size_t i;
	int rc;

	if (size < 1)
		return 0;
	proto = data[0] & 1 ? LLDP_PROTO_CDP : LLDP_PROTO_LLDP;
	if (proto == LLDP_PROTO_CDP)
		rc = cdp_parse(data + 1, size - 1, &f, &an);
	else
		rc = lldp_parse(data + 1, size - 1, &f, &an);
	check(rc == 0 || rc == -1);
	check(f.proto == proto);
	if (rc == -1)
		check(an != EV_MAX);
	if (an != EV_MAX)
		check(ev_is_anomaly(an) && ev_kind(an) == EVK_APP);
	if (f.truncated)
		check(rc == -1);
	CHECK_STR(&f, chassis_id);
	CHECK_STR(&f, port_id);
	CHECK_STR(&f, port_desc);
	CHECK_STR(&f, system_name);
	CHECK_STR(&f, system_desc);
	CHECK_STR(&f, platform);
	CHECK_STR(&f, hw_rev);
	CHECK_STR(&f, fw_rev);
	CHECK_STR(&f, sw_rev);
	CHECK_STR(&f, serial);
	CHECK_STR(&f, manufacturer);
	CHECK_STR(&f, model);
	CHECK_STR(&f, asset_id);
	check(f.n_mgmt <= LLDP_MAX_MGMT);
	for (i = 0; i < f.n_mgmt; i++)
		check(f.mgmt[i].ipver == 4 || f.mgmt[i].ipver == 6);
	/* Every TLV takes 2 (LLDP) or 4 (CDP) octets at least. */
	check(f.n_tlvs <= size / 2);
	jsonw_init(&jw, JSONW_DEFAULT_CAP);
	jsonw_obj_open(&jw);
	jsonw_key(&jw, proto == LLDP_PROTO_CDP ? "cdp" : "lldp");
	jsonw_obj_open(&jw);
	lldp_eve(&jw, &f);
	jsonw_obj_close(&jw);
	jsonw_obj_close(&jw);
	check(jsonw_ok(&jw));
	jsonw_free(&jw);
	return 0;
}
