/*
 * oui.h - MAC and EUI-64 vendor lookup in the IEEE registry.
 *
 * The registry is read from the CSV files of Debian's ieee-data package
 * ("Registry,Assignment,Organization Name,Organization Address", RFC
 * 4180 quoting).  Four registries assign prefixes of three lengths:
 * MA-L 24 bits (oui.csv), MA-M 28 bits (mam.csv), MA-S and IAB 36 bits
 * (oui36.csv, iab.csv).  The longer assignments sit inside MA-L blocks
 * that the registry itself holds, so the longest match is the answer.
 */
#ifndef WW_OUI_H
#define WW_OUI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OUI_DEFAULT_DIR		"/usr/share/ieee-data"
/* A registry file larger than this is refused (oui.csv is 3 MB). */
#define OUI_MAX_FILE		(32u << 20)
/* Longest record (the longest in the 2022 files is 335 bytes). */
#define OUI_MAX_RECORD		4096
/* Longest organisation name kept (the longest is 108 bytes). */
#define OUI_MAX_NAME		255
/* Malformed records reported per file; the rest are only counted. */
#define OUI_MAX_ERRORS		10

struct oui_db;

/*
 * Load every registry file of dir that exists (oui.csv, mam.csv,
 * oui36.csv, iab.csv).  A missing directory or no file at all: NULL and
 * one message "dir: ..." on err.  A file that exists but cannot be read
 * is reported as "file: ..." and left out.  A malformed record is
 * skipped and reported as "file:line: message" on err (at most
 * OUI_MAX_ERRORS messages per file, then a count), never fatal.  err
 * may be NULL.  When an assignment appears twice (the registry has two
 * such MA-L entries), the first one read wins.
 */
struct oui_db	*oui_load(const char *dir, FILE *err);
void		 oui_free(struct oui_db *);
size_t		 oui_count(const struct oui_db *);	/* assignments loaded */

/*
 * Organisation name of the longest matching prefix (MA-S/IAB 36 bits,
 * then MA-M 28, then MA-L 24).  NULL when unknown, when the registry
 * says "Private", when the address is locally administered (bit 0x02
 * of the first octet) or multicast (0x01), or when it is all zero (no
 * station's: what a capture that lost its link layer writes, which the
 * registry would call Xerox).  The name lives as long as the db.
 */
const char	*oui_lookup(const struct oui_db *, const uint8_t mac[6]);
/*
 * The hypervisor whose virtual NICs carry this MAC's prefix ("VMware",
 * "VirtualBox", "Hyper-V", "QEMU/KVM", "Xen", "Parallels"), or NULL.
 * The registry names the hypervisor's maker, never the product that
 * runs in the virtual machine.  Needs no registry.
 */
const char	*oui_hypervisor(const uint8_t mac[6]);
/*
 * The same for the first octets of an EUI-64 (IEEE identifiers in HL7
 * MSH-3/OBX-18).  A modified EUI-64 (an IPv6 interface identifier) has
 * bit 0x02 inverted: flip it back before the lookup.
 */
const char	*oui_lookup_eui64(const struct oui_db *, const uint8_t eui[8]);

/*
 * Parse "00:11:22:33:44:55", "00-11-22-33-44-55" or "001122334455"
 * into len octets (6 for a MAC, 8 for an EUI-64 such as
 * "080019FFFE0B4020" or "08-00-19-FF-FE-0B-40-20"; any len from 1 to
 * 8 works).  Two hex digits per octet, either case, one separator used
 * throughout or none.  Returns 0, or -1 leaving out untouched.
 */
int		 oui_parse_hex(const char *, uint8_t *out, size_t len);

#endif /* WW_OUI_H */
