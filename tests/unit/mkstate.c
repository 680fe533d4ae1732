/*
 * mkstate.c - write a small sample inventory for tests/inventory.sh.
 *
 * Five devices chosen to exercise the output: two VLANs and untagged,
 * a routed device, an IPv6 one, one without an address, values with a
 * comma, quotes, UTF-8, bytes that are not UTF-8, a terminal escape
 * and a spreadsheet formula.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "device/device.h"
#include "state/state.h"

#define T0	1700000000000000ull	/* 2023-11-14T22:13:20Z */

static void
mk_dev(struct device *d, const char *mac, unsigned vlan, const char *ip)
{
	struct dev_ip a;
	unsigned v[6];
	int i;

	dev_init(d);
	if (mac != NULL && sscanf(mac, "%x:%x:%x:%x:%x:%x", &v[0], &v[1],
	    &v[2], &v[3], &v[4], &v[5]) == 6)
		for (i = 0; i < 6; i++)
			d->mac[i] = (uint8_t)v[i];
	d->vlan = (uint16_t)vlan;
	if (ip != NULL && dev_ip_parse(ip, &a) == 0)
		dev_set_ip(d, &a);
	d->first_us = T0;
	d->last_us = T0 + 3600000000ull;
	d->flows = 12;
	d->packets = 340;
	d->bytes = 56000;
}

int
main(int argc, char **argv)
{
	struct device dev[5], *p[5];
	struct dev_ip a;
	struct state *s;
	size_t i;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: mkstate db\n");
		return 1;
	}

	/* An infusion pump that changed address once. */
	mk_dev(&dev[0], "00:09:fb:01:02:03", 20, "10.20.0.4");
	dev_ip_parse("10.20.0.5", &a);
	dev_set_ip(&dev[0], &a);
	dev_claim(&dev[0], DEV_A_CLASS, "infusion-pump", 80, "hl7.sending_app",
	    "baxter-sigma", T0);
	dev_claim(&dev[0], DEV_A_VENDOR, "Baxter, Inc.", 40, "oui", NULL, T0);
	dev_claim(&dev[0], DEV_A_MODEL, "Sigma \"Spectrum\"", 60,
	    "hl7.sending_app", "baxter-sigma", T0);
	dev_claim(&dev[0], DEV_A_SOFTWARE, "8.00.01", 50, "hl7.version", NULL,
	    T0);
	dev_claim(&dev[0], DEV_A_HOSTNAME, "=cmd|' /C calc'!A0", 70,
	    "dhcp.hostname", NULL, T0);
	dev_add_evidence(&dev[0], "behaviour", "hl7_sender", T0);

	/* A patient monitor: UTF-8 vendor, an escape in its host name. */
	mk_dev(&dev[1], "00:1b:eb:aa:bb:cc", 20, "10.20.0.3");
	dev_claim(&dev[1], DEV_A_CLASS, "patient-monitor", 90,
	    "dicom.impl_version", "draeger-infinity", T0);
	dev_claim(&dev[1], DEV_A_VENDOR, "Dr\xc3\xa4ger", 60, "oui", NULL, T0);
	dev_claim(&dev[1], DEV_A_MODEL, "Infinity M540", 60,
	    "dicom.impl_version", "draeger-infinity", T0);
	dev_claim(&dev[1], DEV_A_HOSTNAME, "mon\x1b[31mred", 50,
	    "dhcp.hostname", NULL, T0);

	/* A PACS behind a router, known by address only. */
	mk_dev(&dev[2], NULL, 0, "192.0.2.10");
	dev[2].flags = DEV_F_ROUTED;
	dev_claim(&dev[2], DEV_A_CLASS, "pacs", 70, "behaviour.dicom_scp",
	    NULL, T0);
	dev_claim(&dev[2], DEV_A_VENDOR, "GE", 30, "dicom.impl_class_uid",
	    NULL, T0);

	/* IPv6, random MAC, no class, a vendor that is not UTF-8. */
	mk_dev(&dev[3], "02:00:00:00:00:01", 30, "fd00::10");
	dev[3].flags = DEV_F_PRIVMAC;
	dev_claim(&dev[3], DEV_A_VENDOR, "\xff\xfeX", 10, "http.user_agent",
	    NULL, T0);

	/* A second pump, never seen with an address. */
	mk_dev(&dev[4], "00:09:fb:01:02:04", 20, NULL);
	dev_claim(&dev[4], DEV_A_CLASS, "infusion-pump", 40, "oui", NULL, T0);

	for (i = 0; i < 5; i++)
		p[i] = &dev[i];
	ret = 0;
	if ((s = state_open(argv[1], stderr)) == NULL)
		ret = 2;
	else {
		if (state_save_devices(s, p, 5, stderr) == -1)
			ret = 2;
		state_close(s);
	}
	for (i = 0; i < 5; i++)
		dev_free(&dev[i]);
	return ret;
}
