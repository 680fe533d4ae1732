/*
 * test-dicom.c - the DICOM upper-layer parser: association, reject,
 * release and abort PDUs, DIMSE commands in P-DATA-TF, equipment tags
 * from a C-STORE data set (explicit and implicit VR), privacy of the
 * data set, every truncation, every split, lying lengths, caps, gaps,
 * linear time and the probe.
 *
 * The byte vectors below spell out every field in their comments.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "app-mock.h"
#include "output/jsonw.h"
#include "app/dicom.h"

/*
 * The association the vectors describe: a CT (calling AE
 * "CT_SCANNER_01", DCMTK 3.6.6) asks a PACS (called AE "PACS_MAIN",
 * pynetdicom 2.0.0) for Verification (context 1), CT Image Storage in
 * explicit VR LE (3) and implicit VR LE (5), Study Root FIND (7) and
 * MOVE (9); the PACS accepts all but MOVE.  The patient name DOE^JANE,
 * patient id PID12345 and the credentials admin/s3cret are fake and
 * must never appear in a fact or in EVE output.
 */
static const uint8_t assoc_rq[] = {
	/* A-ASSOCIATE-RQ, length 485 */
	0x01, 0x00, 0x00, 0x00, 0x01, 0xe5,
	/*   protocol version 1, reserved */
	0x00, 0x01, 0x00, 0x00,
	/*   called AE "PACS_MAIN" */
	0x50, 0x41, 0x43, 0x53, 0x5f, 0x4d, 0x41, 0x49, 0x4e, 0x20, 0x20, 0x20,
	0x20, 0x20, 0x20, 0x20,
	/*   calling AE "CT_SCANNER_01" */
	0x43, 0x54, 0x5f, 0x53, 0x43, 0x41, 0x4e, 0x4e, 0x45, 0x52, 0x5f, 0x30,
	0x31, 0x20, 0x20, 0x20,
	/*   reserved */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*   item 0x10 application context, length 21 */
	0x10, 0x00, 0x00, 0x15,
	/*     "1.2.840.10008.3.1.1.1" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x33, 0x2e, 0x31, 0x2e, 0x31, 0x2e, 0x31,
	/*   item 0x20 presentation context RQ, length 46 */
	0x20, 0x00, 0x00, 0x2e,
	/*     id 1, reserved */
	0x01, 0x00, 0x00, 0x00,
	/*     item 0x30 abstract syntax, length 17 */
	0x30, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.1" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x31,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x20 presentation context RQ, length 77 */
	0x20, 0x00, 0x00, 0x4d,
	/*     id 3, reserved */
	0x03, 0x00, 0x00, 0x00,
	/*     item 0x30 abstract syntax, length 25 */
	0x30, 0x00, 0x00, 0x19,
	/*       "1.2.840.10008.5.1.4.1.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x35, 0x2e, 0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x31, 0x2e,
	0x32,
	/*     item 0x40 transfer syntax, length 19 */
	0x40, 0x00, 0x00, 0x13,
	/*       "1.2.840.10008.1.2.1" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32, 0x2e, 0x31,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x20 presentation context RQ, length 54 */
	0x20, 0x00, 0x00, 0x36,
	/*     id 5, reserved */
	0x05, 0x00, 0x00, 0x00,
	/*     item 0x30 abstract syntax, length 25 */
	0x30, 0x00, 0x00, 0x19,
	/*       "1.2.840.10008.5.1.4.1.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x35, 0x2e, 0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x31, 0x2e,
	0x32,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x20 presentation context RQ, length 56 */
	0x20, 0x00, 0x00, 0x38,
	/*     id 7, reserved */
	0x07, 0x00, 0x00, 0x00,
	/*     item 0x30 abstract syntax, length 27 */
	0x30, 0x00, 0x00, 0x1b,
	/*       "1.2.840.10008.5.1.4.1.2.2.1" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x35, 0x2e, 0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x32, 0x2e,
	0x32, 0x2e, 0x31,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x20 presentation context RQ, length 56 */
	0x20, 0x00, 0x00, 0x38,
	/*     id 9, reserved */
	0x09, 0x00, 0x00, 0x00,
	/*     item 0x30 abstract syntax, length 27 */
	0x30, 0x00, 0x00, 0x1b,
	/*       "1.2.840.10008.5.1.4.1.2.2.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x35, 0x2e, 0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x32, 0x2e,
	0x32, 0x2e, 0x32,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x50 user information, length 79 */
	0x50, 0x00, 0x00, 0x4f,
	/*     item 0x51 max length, length 4 */
	0x51, 0x00, 0x00, 0x04,
	/*       16384 */
	0x00, 0x00, 0x40, 0x00,
	/*     item 0x52 implementation class UID, length 27 */
	0x52, 0x00, 0x00, 0x1b,
	/*       "1.2.276.0.7230010.3.0.3.6.6" */
	0x31, 0x2e, 0x32, 0x2e, 0x32, 0x37, 0x36, 0x2e, 0x30, 0x2e, 0x37, 0x32,
	0x33, 0x30, 0x30, 0x31, 0x30, 0x2e, 0x33, 0x2e, 0x30, 0x2e, 0x33, 0x2e,
	0x36, 0x2e, 0x36,
	/*     item 0x55 implementation version name, length 15 */
	0x55, 0x00, 0x00, 0x0f,
	/*       "OFFIS_DCMTK_366" */
	0x4f, 0x46, 0x46, 0x49, 0x53, 0x5f, 0x44, 0x43, 0x4d, 0x54, 0x4b, 0x5f,
	0x33, 0x36, 0x36,
	/*     item 0x58 user identity, length 17 */
	0x58, 0x00, 0x00, 0x11,
	/*       type 2, positive response requested */
	0x02, 0x01,
	/*       username "admin" */
	0x00, 0x05, 0x61, 0x64, 0x6d, 0x69, 0x6e,
	/*       passcode "s3cret" */
	0x00, 0x06, 0x73, 0x33, 0x63, 0x72, 0x65, 0x74,
};

static const uint8_t assoc_rq_unknown_items[] = {
	/* A-ASSOCIATE-RQ, length 499 */
	0x01, 0x00, 0x00, 0x00, 0x01, 0xf3,
	/*   protocol version 1, reserved */
	0x00, 0x01, 0x00, 0x00,
	/*   called AE "PACS_MAIN" */
	0x50, 0x41, 0x43, 0x53, 0x5f, 0x4d, 0x41, 0x49, 0x4e, 0x20, 0x20, 0x20,
	0x20, 0x20, 0x20, 0x20,
	/*   calling AE "CT_SCANNER_01" */
	0x43, 0x54, 0x5f, 0x53, 0x43, 0x41, 0x4e, 0x4e, 0x45, 0x52, 0x5f, 0x30,
	0x31, 0x20, 0x20, 0x20,
	/*   reserved */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*   item 0x10 application context, length 21 */
	0x10, 0x00, 0x00, 0x15,
	/*     "1.2.840.10008.3.1.1.1" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x33, 0x2e, 0x31, 0x2e, 0x31, 0x2e, 0x31,
	/*   item 0x60 unknown (skipped), length 4 */
	0x60, 0x00, 0x00, 0x04,
	/*     4 bytes */
	0xde, 0xad, 0xbe, 0xef,
	/*   item 0x20 presentation context RQ, length 46 */
	0x20, 0x00, 0x00, 0x2e,
	/*     id 1, reserved */
	0x01, 0x00, 0x00, 0x00,
	/*     item 0x30 abstract syntax, length 17 */
	0x30, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.1" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x31,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x20 presentation context RQ, length 77 */
	0x20, 0x00, 0x00, 0x4d,
	/*     id 3, reserved */
	0x03, 0x00, 0x00, 0x00,
	/*     item 0x30 abstract syntax, length 25 */
	0x30, 0x00, 0x00, 0x19,
	/*       "1.2.840.10008.5.1.4.1.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x35, 0x2e, 0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x31, 0x2e,
	0x32,
	/*     item 0x40 transfer syntax, length 19 */
	0x40, 0x00, 0x00, 0x13,
	/*       "1.2.840.10008.1.2.1" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32, 0x2e, 0x31,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x20 presentation context RQ, length 54 */
	0x20, 0x00, 0x00, 0x36,
	/*     id 5, reserved */
	0x05, 0x00, 0x00, 0x00,
	/*     item 0x30 abstract syntax, length 25 */
	0x30, 0x00, 0x00, 0x19,
	/*       "1.2.840.10008.5.1.4.1.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x35, 0x2e, 0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x31, 0x2e,
	0x32,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x20 presentation context RQ, length 56 */
	0x20, 0x00, 0x00, 0x38,
	/*     id 7, reserved */
	0x07, 0x00, 0x00, 0x00,
	/*     item 0x30 abstract syntax, length 27 */
	0x30, 0x00, 0x00, 0x1b,
	/*       "1.2.840.10008.5.1.4.1.2.2.1" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x35, 0x2e, 0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x32, 0x2e,
	0x32, 0x2e, 0x31,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x20 presentation context RQ, length 56 */
	0x20, 0x00, 0x00, 0x38,
	/*     id 9, reserved */
	0x09, 0x00, 0x00, 0x00,
	/*     item 0x30 abstract syntax, length 27 */
	0x30, 0x00, 0x00, 0x1b,
	/*       "1.2.840.10008.5.1.4.1.2.2.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x35, 0x2e, 0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x32, 0x2e,
	0x32, 0x2e, 0x32,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x50 user information, length 85 */
	0x50, 0x00, 0x00, 0x55,
	/*     item 0x51 max length, length 4 */
	0x51, 0x00, 0x00, 0x04,
	/*       16384 */
	0x00, 0x00, 0x40, 0x00,
	/*     item 0x52 implementation class UID, length 27 */
	0x52, 0x00, 0x00, 0x1b,
	/*       "1.2.276.0.7230010.3.0.3.6.6" */
	0x31, 0x2e, 0x32, 0x2e, 0x32, 0x37, 0x36, 0x2e, 0x30, 0x2e, 0x37, 0x32,
	0x33, 0x30, 0x30, 0x31, 0x30, 0x2e, 0x33, 0x2e, 0x30, 0x2e, 0x33, 0x2e,
	0x36, 0x2e, 0x36,
	/*     item 0x55 implementation version name, length 15 */
	0x55, 0x00, 0x00, 0x0f,
	/*       "OFFIS_DCMTK_366" */
	0x4f, 0x46, 0x46, 0x49, 0x53, 0x5f, 0x44, 0x43, 0x4d, 0x54, 0x4b, 0x5f,
	0x33, 0x36, 0x36,
	/*     item 0x58 user identity, length 17 */
	0x58, 0x00, 0x00, 0x11,
	/*       type 2, positive response requested */
	0x02, 0x01,
	/*       username "admin" */
	0x00, 0x05, 0x61, 0x64, 0x6d, 0x69, 0x6e,
	/*       passcode "s3cret" */
	0x00, 0x06, 0x73, 0x33, 0x63, 0x72, 0x65, 0x74,
	/*     item 0x5f unknown sub-item (skipped), length 2 */
	0x5f, 0x00, 0x00, 0x02,
	/*       2 bytes */
	0x01, 0x02,
};

static const uint8_t assoc_ac[] = {
	/* A-ASSOCIATE-AC, length 306 */
	0x02, 0x00, 0x00, 0x00, 0x01, 0x32,
	/*   protocol version 1, reserved */
	0x00, 0x01, 0x00, 0x00,
	/*   called AE "PACS_MAIN" */
	0x50, 0x41, 0x43, 0x53, 0x5f, 0x4d, 0x41, 0x49, 0x4e, 0x20, 0x20, 0x20,
	0x20, 0x20, 0x20, 0x20,
	/*   calling AE "CT_SCANNER_01" */
	0x43, 0x54, 0x5f, 0x53, 0x43, 0x41, 0x4e, 0x4e, 0x45, 0x52, 0x5f, 0x30,
	0x31, 0x20, 0x20, 0x20,
	/*   reserved */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*   item 0x10 application context, length 21 */
	0x10, 0x00, 0x00, 0x15,
	/*     "1.2.840.10008.3.1.1.1" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x33, 0x2e, 0x31, 0x2e, 0x31, 0x2e, 0x31,
	/*   item 0x21 presentation context AC, length 25 */
	0x21, 0x00, 0x00, 0x19,
	/*     id 1, result 0 */
	0x01, 0x00, 0x00, 0x00,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x21 presentation context AC, length 27 */
	0x21, 0x00, 0x00, 0x1b,
	/*     id 3, result 0 */
	0x03, 0x00, 0x00, 0x00,
	/*     item 0x40 transfer syntax, length 19 */
	0x40, 0x00, 0x00, 0x13,
	/*       "1.2.840.10008.1.2.1" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32, 0x2e, 0x31,
	/*   item 0x21 presentation context AC, length 25 */
	0x21, 0x00, 0x00, 0x19,
	/*     id 5, result 0 */
	0x05, 0x00, 0x00, 0x00,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x21 presentation context AC, length 25 */
	0x21, 0x00, 0x00, 0x19,
	/*     id 7, result 0 */
	0x07, 0x00, 0x00, 0x00,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x21 presentation context AC, length 25 */
	0x21, 0x00, 0x00, 0x19,
	/*     id 9, result 3 */
	0x09, 0x00, 0x03, 0x00,
	/*     item 0x40 transfer syntax, length 17 */
	0x40, 0x00, 0x00, 0x11,
	/*       "1.2.840.10008.1.2" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32,
	/*   item 0x50 user information, length 62 */
	0x50, 0x00, 0x00, 0x3e,
	/*     item 0x51 max length, length 4 */
	0x51, 0x00, 0x00, 0x04,
	/*       32768 */
	0x00, 0x00, 0x80, 0x00,
	/*     item 0x52 implementation class UID, length 32 */
	0x52, 0x00, 0x00, 0x20,
	/*       "1.2.826.0.1.3680043.9.3811.2.0.0" */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x32, 0x36, 0x2e, 0x30, 0x2e, 0x31, 0x2e,
	0x33, 0x36, 0x38, 0x30, 0x30, 0x34, 0x33, 0x2e, 0x39, 0x2e, 0x33, 0x38,
	0x31, 0x31, 0x2e, 0x32, 0x2e, 0x30, 0x2e, 0x30,
	/*     item 0x55 implementation version name, length 14 */
	0x55, 0x00, 0x00, 0x0e,
	/*       "PYNETDICOM_200" */
	0x50, 0x59, 0x4e, 0x45, 0x54, 0x44, 0x49, 0x43, 0x4f, 0x4d, 0x5f, 0x32,
	0x30, 0x30,
};

static const uint8_t assoc_rj[] = {
	/* A-ASSOCIATE-RJ, length 4 */
	0x03, 0x00, 0x00, 0x00, 0x00, 0x04,
	/*   0, 1 rejected-permanent, 1 service-user, 7 called-AE-unknown */
	0x00, 0x01, 0x01, 0x07,
};

static const uint8_t echo_rq[] = {
	/* P-DATA-TF, length 74 */
	0x04, 0x00, 0x00, 0x00, 0x00, 0x4a,
	/*   PDV length 70, context 1, command, last */
	0x00, 0x00, 0x00, 0x46, 0x01, 0x03,
	/*     (0000,0000) group length 56 */
	0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00,
	/*     (0000,0002) UI "1.2.840.10008.1.1" */
	0x00, 0x00, 0x02, 0x00, 0x12, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x38, 0x2e, 0x31, 0x2e,
	0x31, 0x00,
	/*     (0000,0100) US 0x0030 C-ECHO-RQ */
	0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x30, 0x00,
	/*     (0000,0110) US message id 1 */
	0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
	/*     (0000,0800) US 0x0101 no data set */
	0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01,
};

static const uint8_t echo_rsp[] = {
	/* P-DATA-TF, length 84 */
	0x04, 0x00, 0x00, 0x00, 0x00, 0x54,
	/*   PDV length 80, context 1, command, last */
	0x00, 0x00, 0x00, 0x50, 0x01, 0x03,
	/*     (0000,0000) group length 66 */
	0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x42, 0x00, 0x00, 0x00,
	/*     (0000,0002) UI "1.2.840.10008.1.1" */
	0x00, 0x00, 0x02, 0x00, 0x12, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x38, 0x2e, 0x31, 0x2e,
	0x31, 0x00,
	/*     (0000,0100) US 0x8030 C-ECHO-RSP */
	0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x30, 0x80,
	/*     (0000,0120) US responding to message 1 */
	0x00, 0x00, 0x20, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
	/*     (0000,0800) US 0x0101 no data set */
	0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01,
	/*     (0000,0900) US status 0 success */
	0x00, 0x00, 0x00, 0x09, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t store_rq_explicit[] = {
	/* P-DATA-TF, length 390 */
	0x04, 0x00, 0x00, 0x00, 0x01, 0x86,
	/*   PDV length 110, context 3, command, last */
	0x00, 0x00, 0x00, 0x6e, 0x03, 0x03,
	/*     (0000,0000) group length 96 */
	0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00,
	/*     (0000,0002) UI "1.2.840.10008.5.1.4.1.1.2" */
	0x00, 0x00, 0x02, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x38, 0x2e, 0x35, 0x2e,
	0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x31, 0x2e, 0x32, 0x00,
	/*     (0000,0100) US 0x0001 C-STORE-RQ */
	0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
	/*     (0000,0110) US message id 7 */
	0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00,
	/*     (0000,0700) US priority medium */
	0x00, 0x00, 0x00, 0x07, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*     (0000,0800) US 0x0000 data set present */
	0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*     (0000,1000) UI affected SOP instance "1.2.3.4.5.6.7" */
	0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x33, 0x2e, 0x34, 0x2e, 0x35, 0x2e, 0x36, 0x2e, 0x37, 0x00,
	/*   PDV length 272, context 3, data set, last (explicit VR LE) */
	0x00, 0x00, 0x01, 0x10, 0x03, 0x02,
	/*     (0008,0005) CS "ISO_IR 100" */
	0x08, 0x00, 0x05, 0x00, 0x43, 0x53, 0x0a, 0x00, 0x49, 0x53, 0x4f, 0x5f,
	0x49, 0x52, 0x20, 0x31, 0x30, 0x30,
	/*     (0008,0016) UI "1.2.840.10008.5.1.4.1.1.2" (CT Image Storage) */
	0x08, 0x00, 0x16, 0x00, 0x55, 0x49, 0x1a, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x38, 0x2e, 0x35, 0x2e,
	0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x31, 0x2e, 0x32, 0x00,
	/*     (0008,0018) UI "1.2.3.4.5.6.7" */
	0x08, 0x00, 0x18, 0x00, 0x55, 0x49, 0x0e, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x33, 0x2e, 0x34, 0x2e, 0x35, 0x2e, 0x36, 0x2e, 0x37, 0x00,
	/*     (0008,0060) CS "CT" */
	0x08, 0x00, 0x60, 0x00, 0x43, 0x53, 0x02, 0x00, 0x43, 0x54,
	/*     (0008,0070) LO "ACME Medical" */
	0x08, 0x00, 0x70, 0x00, 0x4c, 0x4f, 0x0c, 0x00, 0x41, 0x43, 0x4d, 0x45,
	0x20, 0x4d, 0x65, 0x64, 0x69, 0x63, 0x61, 0x6c,
	/*     (0008,1010) SH "CTROOM1 " */
	0x08, 0x00, 0x10, 0x10, 0x53, 0x48, 0x08, 0x00, 0x43, 0x54, 0x52, 0x4f,
	0x4f, 0x4d, 0x31, 0x20,
	/*     (0008,1032) SQ sequence: one item, (0008,0100) SH "X1" */
	0x08, 0x00, 0x32, 0x10, 0x53, 0x51, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00,
	0xfe, 0xff, 0x00, 0xe0, 0x0a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x01,
	0x53, 0x48, 0x02, 0x00, 0x58, 0x31,
	/*     (0008,1090) LO "Scanmaster 9000 " */
	0x08, 0x00, 0x90, 0x10, 0x4c, 0x4f, 0x10, 0x00, 0x53, 0x63, 0x61, 0x6e,
	0x6d, 0x61, 0x73, 0x74, 0x65, 0x72, 0x20, 0x39, 0x30, 0x30, 0x30, 0x20,
	/*     (0010,0010) PN "DOE^JANE" (patient name, fake) */
	0x10, 0x00, 0x10, 0x00, 0x50, 0x4e, 0x08, 0x00, 0x44, 0x4f, 0x45, 0x5e,
	0x4a, 0x41, 0x4e, 0x45,
	/*     (0010,0020) LO "PID12345" (patient id, fake) */
	0x10, 0x00, 0x20, 0x00, 0x4c, 0x4f, 0x08, 0x00, 0x50, 0x49, 0x44, 0x31,
	0x32, 0x33, 0x34, 0x35,
	/*     (0018,1000) LO "SN-0042 " */
	0x18, 0x00, 0x00, 0x10, 0x4c, 0x4f, 0x08, 0x00, 0x53, 0x4e, 0x2d, 0x30,
	0x30, 0x34, 0x32, 0x20,
	/*     (0018,1020) LO "VA40B " */
	0x18, 0x00, 0x20, 0x10, 0x4c, 0x4f, 0x06, 0x00, 0x56, 0x41, 0x34, 0x30,
	0x42, 0x20,
	/*     (0020,000d) UI "1.2.3.4.9" */
	0x20, 0x00, 0x0d, 0x00, 0x55, 0x49, 0x0a, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x33, 0x2e, 0x34, 0x2e, 0x39, 0x00,
	/*     (7fe0,0010) OB pixel data, 4 bytes */
	0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x02, 0x03,
};

static const uint8_t store_rq_implicit[] = {
	/* P-DATA-TF, length 382 */
	0x04, 0x00, 0x00, 0x00, 0x01, 0x7e,
	/*   PDV length 110, context 5, command, last */
	0x00, 0x00, 0x00, 0x6e, 0x05, 0x03,
	/*     (0000,0000) group length 96 */
	0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00,
	/*     (0000,0002) UI "1.2.840.10008.5.1.4.1.1.2" */
	0x00, 0x00, 0x02, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x38, 0x2e, 0x35, 0x2e,
	0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x31, 0x2e, 0x32, 0x00,
	/*     (0000,0100) US 0x0001 C-STORE-RQ */
	0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
	/*     (0000,0110) US message id 8 */
	0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x08, 0x00,
	/*     (0000,0700) US priority medium */
	0x00, 0x00, 0x00, 0x07, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*     (0000,0800) US 0x0000 data set present */
	0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*     (0000,1000) UI affected SOP instance "1.2.3.4.5.6.7" */
	0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x33, 0x2e, 0x34, 0x2e, 0x35, 0x2e, 0x36, 0x2e, 0x37, 0x00,
	/*   PDV length 264, context 5, data set, last (implicit VR LE) */
	0x00, 0x00, 0x01, 0x08, 0x05, 0x02,
	/*     (0008,0005) CS "ISO_IR 100" */
	0x08, 0x00, 0x05, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x49, 0x53, 0x4f, 0x5f,
	0x49, 0x52, 0x20, 0x31, 0x30, 0x30,
	/*     (0008,0016) UI "1.2.840.10008.5.1.4.1.1.2" (CT Image Storage) */
	0x08, 0x00, 0x16, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x38, 0x2e, 0x35, 0x2e,
	0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x31, 0x2e, 0x32, 0x00,
	/*     (0008,0018) UI "1.2.3.4.5.6.7" */
	0x08, 0x00, 0x18, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x33, 0x2e, 0x34, 0x2e, 0x35, 0x2e, 0x36, 0x2e, 0x37, 0x00,
	/*     (0008,0060) CS "CT" */
	0x08, 0x00, 0x60, 0x00, 0x02, 0x00, 0x00, 0x00, 0x43, 0x54,
	/*     (0008,0070) LO "ACME Medical" */
	0x08, 0x00, 0x70, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x41, 0x43, 0x4d, 0x45,
	0x20, 0x4d, 0x65, 0x64, 0x69, 0x63, 0x61, 0x6c,
	/*     (0008,1010) SH "CTROOM1 " */
	0x08, 0x00, 0x10, 0x10, 0x08, 0x00, 0x00, 0x00, 0x43, 0x54, 0x52, 0x4f,
	0x4f, 0x4d, 0x31, 0x20,
	/*     (0008,1032) SQ sequence: one item, (0008,0100) SH "X1" */
	0x08, 0x00, 0x32, 0x10, 0x12, 0x00, 0x00, 0x00, 0xfe, 0xff, 0x00, 0xe0,
	0x0a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00,
	0x58, 0x31,
	/*     (0008,1090) LO "Scanmaster 9000 " */
	0x08, 0x00, 0x90, 0x10, 0x10, 0x00, 0x00, 0x00, 0x53, 0x63, 0x61, 0x6e,
	0x6d, 0x61, 0x73, 0x74, 0x65, 0x72, 0x20, 0x39, 0x30, 0x30, 0x30, 0x20,
	/*     (0010,0010) PN "DOE^JANE" (patient name, fake) */
	0x10, 0x00, 0x10, 0x00, 0x08, 0x00, 0x00, 0x00, 0x44, 0x4f, 0x45, 0x5e,
	0x4a, 0x41, 0x4e, 0x45,
	/*     (0010,0020) LO "PID12345" (patient id, fake) */
	0x10, 0x00, 0x20, 0x00, 0x08, 0x00, 0x00, 0x00, 0x50, 0x49, 0x44, 0x31,
	0x32, 0x33, 0x34, 0x35,
	/*     (0018,1000) LO "SN-0042 " */
	0x18, 0x00, 0x00, 0x10, 0x08, 0x00, 0x00, 0x00, 0x53, 0x4e, 0x2d, 0x30,
	0x30, 0x34, 0x32, 0x20,
	/*     (0018,1020) LO "VA40B " */
	0x18, 0x00, 0x20, 0x10, 0x06, 0x00, 0x00, 0x00, 0x56, 0x41, 0x34, 0x30,
	0x42, 0x20,
	/*     (0020,000d) UI "1.2.3.4.9" */
	0x20, 0x00, 0x0d, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x33, 0x2e, 0x34, 0x2e, 0x39, 0x00,
	/*     (7fe0,0010) OB pixel data, 4 bytes */
	0xe0, 0x7f, 0x10, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03,
};

static const uint8_t store_rsp[] = {
	/* P-DATA-TF, length 92 */
	0x04, 0x00, 0x00, 0x00, 0x00, 0x5c,
	/*   PDV length 88, context 3, command, last */
	0x00, 0x00, 0x00, 0x58, 0x03, 0x03,
	/*     (0000,0000) group length 74 */
	0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x4a, 0x00, 0x00, 0x00,
	/*     (0000,0002) UI "1.2.840.10008.5.1.4.1.1.2" */
	0x00, 0x00, 0x02, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x38, 0x2e, 0x35, 0x2e,
	0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x31, 0x2e, 0x32, 0x00,
	/*     (0000,0100) US 0x8001 C-STORE-RSP */
	0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x80,
	/*     (0000,0120) US responding to message 7 */
	0x00, 0x00, 0x20, 0x01, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00,
	/*     (0000,0800) US 0x0101 no data set */
	0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01,
	/*     (0000,0900) US status 0 success */
	0x00, 0x00, 0x00, 0x09, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t find_rq[] = {
	/* P-DATA-TF, length 138 */
	0x04, 0x00, 0x00, 0x00, 0x00, 0x8a,
	/*   PDV length 90, context 7, command, last */
	0x00, 0x00, 0x00, 0x5a, 0x07, 0x03,
	/*     (0000,0000) group length 76 */
	0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x4c, 0x00, 0x00, 0x00,
	/*     (0000,0002) UI "1.2.840.10008.5.1.4.1.2.2.1" */
	0x00, 0x00, 0x02, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x38, 0x2e, 0x35, 0x2e,
	0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x32, 0x2e, 0x32, 0x2e, 0x31, 0x00,
	/*     (0000,0100) US 0x0020 C-FIND-RQ */
	0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x20, 0x00,
	/*     (0000,0110) US message id 9 */
	0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x09, 0x00,
	/*     (0000,0700) US priority medium */
	0x00, 0x00, 0x00, 0x07, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*     (0000,0800) US 0x0000 data set present */
	0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*   PDV length 40, context 7, identifier, last (implicit VR LE) */
	0x00, 0x00, 0x00, 0x28, 0x07, 0x02,
	/*     (0008,0052) CS "STUDY" query level */
	0x08, 0x00, 0x52, 0x00, 0x06, 0x00, 0x00, 0x00, 0x53, 0x54, 0x55, 0x44,
	0x59, 0x20,
	/*     (0010,0010) PN "DOE^JANE" (patient name, fake) */
	0x10, 0x00, 0x10, 0x00, 0x08, 0x00, 0x00, 0x00, 0x44, 0x4f, 0x45, 0x5e,
	0x4a, 0x41, 0x4e, 0x45,
	/*     (0020,000d) UI empty (return key) */
	0x20, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t move_rq[] = {
	/* P-DATA-TF, length 158 */
	0x04, 0x00, 0x00, 0x00, 0x00, 0x9e,
	/*   PDV length 110, context 9, command, last */
	0x00, 0x00, 0x00, 0x6e, 0x09, 0x03,
	/*     (0000,0000) group length 96 */
	0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00,
	/*     (0000,0002) UI "1.2.840.10008.5.1.4.1.2.2.2" */
	0x00, 0x00, 0x02, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x31, 0x2e, 0x32, 0x2e,
	0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x38, 0x2e, 0x35, 0x2e,
	0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x32, 0x2e, 0x32, 0x2e, 0x32, 0x00,
	/*     (0000,0100) US 0x0021 C-MOVE-RQ */
	0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x21, 0x00,
	/*     (0000,0110) US message id 10 */
	0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x00,
	/*     (0000,0600) AE move destination "WORKSTATION7" */
	0x00, 0x00, 0x00, 0x06, 0x0c, 0x00, 0x00, 0x00, 0x57, 0x4f, 0x52, 0x4b,
	0x53, 0x54, 0x41, 0x54, 0x49, 0x4f, 0x4e, 0x37,
	/*     (0000,0700) US priority medium */
	0x00, 0x00, 0x00, 0x07, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*     (0000,0800) US 0x0000 data set present */
	0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	/*   PDV length 40, context 9, identifier, last (implicit VR LE) */
	0x00, 0x00, 0x00, 0x28, 0x09, 0x02,
	/*     (0008,0052) CS "STUDY" query level */
	0x08, 0x00, 0x52, 0x00, 0x06, 0x00, 0x00, 0x00, 0x53, 0x54, 0x55, 0x44,
	0x59, 0x20,
	/*     (0010,0010) PN "DOE^JANE" (patient name, fake) */
	0x10, 0x00, 0x10, 0x00, 0x08, 0x00, 0x00, 0x00, 0x44, 0x4f, 0x45, 0x5e,
	0x4a, 0x41, 0x4e, 0x45,
	/*     (0020,000d) UI empty (return key) */
	0x20, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t echo_rq_frag[] = {
	/* P-DATA-TF, length 26 */
	0x04, 0x00, 0x00, 0x00, 0x00, 0x1a,
	/*   PDV length 22, context 1, command, not last */
	0x00, 0x00, 0x00, 0x16, 0x01, 0x01,
	/*     first 20 bytes of the C-ECHO-RQ command set above */
	0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x12, 0x00, 0x00, 0x00,
};

static const uint8_t echo_rq_frag2[] = {
	/* P-DATA-TF, length 54 */
	0x04, 0x00, 0x00, 0x00, 0x00, 0x36,
	/*   PDV length 50, context 1, command, last */
	0x00, 0x00, 0x00, 0x32, 0x01, 0x03,
	/*     the remaining 48 bytes */
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x31, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00,
	0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01,
};

static const uint8_t release_rq[] = {
	/* A-RELEASE-RQ, length 4 */
	0x05, 0x00, 0x00, 0x00, 0x00, 0x04,
	/*   reserved */
	0x00, 0x00, 0x00, 0x00,
};

static const uint8_t release_rp[] = {
	/* A-RELEASE-RP, length 4 */
	0x06, 0x00, 0x00, 0x00, 0x00, 0x04,
	/*   reserved */
	0x00, 0x00, 0x00, 0x00,
};

static const uint8_t abort_pdu[] = {
	/* A-ABORT, length 4 */
	0x07, 0x00, 0x00, 0x00, 0x00, 0x04,
	/*   reserved, source 2 service-provider, reason 2 unexpected-PDU */
	0x00, 0x00, 0x02, 0x02,
};


/*
 * Recording facts: each fact is written as its EVE object (with the
 * direction) and kept as text; commands and the association are also
 * copied for field checks.  Every fact's raw bytes are searched for the
 * fake PHI and credentials.
 */
#define REC_MAX		64
#define REC_MAX_CMD	16

static const char *const secrets[] = {
	"DOE^JANE", "PID12345", "s3cret", "admin",
};

struct rec {
	unsigned	 n;
	char		*json[REC_MAX];
	unsigned	 n_cmd;
	struct dicom_command cmd[REC_MAX_CMD];
	bool		 have_assoc;
	struct dicom_assoc assoc;	/* pctx pointer not kept */
	struct dicom_pctx pctx[DICOM_MAX_PCTX];
	bool		 leak;
};

static bool
has_secret(const void *p, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (memmem(p, n, secrets[i], strlen(secrets[i])) != NULL)
			return true;
	return false;
}

static void
rec_fact(struct app_ctx *ctx, enum app_proto proto, int dir, const void *fact)
{
	struct rec *r = ctx->user;
	const struct dicom_fact *f = fact;
	struct jsonw w;
	const char *text;
	size_t len;

	assert_int_equal(proto, APP_DICOM);
	jsonw_init(&w, 1u << 20);
	jsonw_obj_open(&w);
	jsonw_kv_uint(&w, "dir", (uint64_t)dir);
	jsonw_key(&w, "dicom");
	jsonw_obj_open(&w);
	dicom_parser.eve(&w, fact);
	jsonw_obj_close(&w);
	jsonw_obj_close(&w);
	assert_true(jsonw_ok(&w));
	text = jsonw_text(&w, &len);
	if (has_secret(text, len))
		r->leak = true;
	if (r->n < REC_MAX)
		r->json[r->n] = strdup(text);
	r->n++;
	jsonw_free(&w);

	if (has_secret(f, sizeof(*f)))
		r->leak = true;
	switch (f->type) {
	case DICOM_FACT_COMMAND:
		if (has_secret(f->u.command, sizeof(*f->u.command)))
			r->leak = true;
		if (r->n_cmd < REC_MAX_CMD)
			r->cmd[r->n_cmd++] = *f->u.command;
		break;
	case DICOM_FACT_ASSOC:
		if (has_secret(f->u.assoc, sizeof(*f->u.assoc)) ||
		    (f->u.assoc->n_pctx > 0 && has_secret(f->u.assoc->pctx,
		    f->u.assoc->n_pctx * sizeof(struct dicom_pctx))))
			r->leak = true;
		r->have_assoc = true;
		r->assoc = *f->u.assoc;
		assert_true(r->assoc.n_pctx <= DICOM_MAX_PCTX);
		if (r->assoc.n_pctx > 0)
			memcpy(r->pctx, f->u.assoc->pctx,
			    r->assoc.n_pctx * sizeof(r->pctx[0]));
		r->assoc.pctx = NULL;
		break;
	default:
		break;
	}
}

struct fx {
	void		*st;
	struct app_ctx	 ctx;
	struct rec	 rec;
	/* Per-direction tails, kept the way the framework keeps them. */
	uint8_t		*buf[2];
	size_t		 have[2];
	enum parse_result last[2];
};

static struct fx *
fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->st = dicom_parser.state_new();
	assert_non_null(f->st);
	f->ctx.on_fact = rec_fact;
	f->ctx.user = &f->rec;
	return f;
}

static void
fx_free(struct fx *f)
{
	unsigned i;

	dicom_parser.state_free(f->st);
	for (i = 0; i < f->rec.n && i < REC_MAX; i++)
		free(f->rec.json[i]);
	free(f->buf[0]);
	free(f->buf[1]);
	free(f);
}

/* All facts as one string, to compare runs. */
static char *
fx_facts(const struct fx *f)
{
	size_t len = 1, i;
	char *s;

	for (i = 0; i < f->rec.n && i < REC_MAX; i++)
		len += strlen(f->rec.json[i]) + 1;
	s = calloc(1, len);
	assert_non_null(s);
	for (i = 0; i < f->rec.n && i < REC_MAX; i++) {
		strcat(s, f->rec.json[i]);
		strcat(s, "\n");
	}
	return s;
}

/*
 * Append a chunk to a direction and parse as the framework does (the
 * unconsumed tail is kept and re-presented).  Each call sees a buffer
 * of exactly the bytes it may read, so ASan catches any over-read.
 */
static enum parse_result
fx_feed(struct fx *f, int dir, const uint8_t *p, size_t n)
{
	struct app_result r;
	uint8_t *b, *exact;

	if (f->last[dir] == PARSE_ERROR)
		return PARSE_ERROR;
	b = realloc(f->buf[dir], f->have[dir] + n + 1);
	assert_non_null(b);
	f->buf[dir] = b;
	if (n > 0)
		memcpy(b + f->have[dir], p, n);
	f->have[dir] += n;
	for (;;) {
		exact = malloc(f->have[dir] + 1);
		assert_non_null(exact);
		memcpy(exact, f->buf[dir], f->have[dir]);
		r = dicom_parser.parse(f->st, &f->ctx, dir, exact,
		    f->have[dir]);
		free(exact);
		assert_true(r.consumed <= f->have[dir]);
		memmove(f->buf[dir], f->buf[dir] + r.consumed,
		    f->have[dir] - r.consumed);
		f->have[dir] -= r.consumed;
		f->last[dir] = r.status;
		if (r.status != PARSE_OK || r.consumed == 0 ||
		    f->have[dir] == 0)
			break;
	}
	return f->last[dir];
}

#define TS	APP_DIR_TOSERVER
#define TC	APP_DIR_TOCLIENT
#define MSG(d, a)	{ d, a, sizeof(a) }

struct msg {
	int		 dir;
	const uint8_t	*p;
	size_t		 n;
};

/* A whole association: every PDU type the parser knows but RJ. */
static const struct msg conv_full[] = {
	MSG(TS, assoc_rq), MSG(TC, assoc_ac),
	MSG(TS, echo_rq), MSG(TC, echo_rsp),
	MSG(TS, store_rq_explicit), MSG(TC, store_rsp),
	MSG(TS, store_rq_implicit),
	MSG(TS, find_rq), MSG(TS, move_rq),
	MSG(TS, echo_rq_frag), MSG(TS, echo_rq_frag2),
	MSG(TS, release_rq), MSG(TC, release_rp),
};
#define CONV_FULL_FACTS	11
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Play a conversation; message 'split' (if < n) is cut at 'at'. */
static bool play_inspect;	/* have the parser build buffers */

static struct fx *
play(const struct msg *m, size_t n, size_t split, size_t at)
{
	struct fx *f = fx_new();
	size_t i;

	f->ctx.inspect = play_inspect;
	for (i = 0; i < n; i++) {
		if (i == split) {
			fx_feed(f, m[i].dir, m[i].p, at);
			fx_feed(f, m[i].dir, m[i].p + at, m[i].n - at);
		} else
			fx_feed(f, m[i].dir, m[i].p, m[i].n);
		assert_int_not_equal(f->last[m[i].dir], PARSE_ERROR);
	}
	return f;
}

static const char *
fact_json(const struct fx *f, unsigned i)
{
	assert_true(i < f->rec.n && i < REC_MAX);
	return f->rec.json[i];
}

#define assert_has(hay, needle) do {					\
	if (strstr((hay), (needle)) == NULL)				\
		fail_msg("missing %s in %s", (needle), (hay));		\
} while (0)

/*
 * Tests.
 */

static void
test_dicom_association_accepted(void **unused)
{
	struct fx *f;
	const char *j;

	(void)unused;
	f = play(conv_full, 2, SIZE_MAX, 0);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->ctx.n_anom, 0);
	assert_true(f->rec.have_assoc);
	assert_int_equal(f->rec.assoc.result, DICOM_ASSOC_ACCEPTED);
	assert_string_equal(f->rec.assoc.called_ae, "PACS_MAIN");
	assert_string_equal(f->rec.assoc.calling_ae, "CT_SCANNER_01");
	assert_string_equal(f->rec.assoc.app_context, "1.2.840.10008.3.1.1.1");
	assert_int_equal(f->rec.assoc.n_pctx, 5);
	assert_int_equal(f->rec.pctx[0].id, 1);
	assert_string_equal(f->rec.pctx[0].abstract_syntax,
	    "1.2.840.10008.1.1");
	assert_int_equal(f->rec.pctx[1].n_ts, 2);
	assert_string_equal(f->rec.pctx[1].ts[0], "1.2.840.10008.1.2.1");
	assert_string_equal(f->rec.pctx[1].accepted_ts, "1.2.840.10008.1.2.1");
	assert_int_equal(f->rec.pctx[4].result, 3);
	assert_int_equal(f->rec.assoc.rq.max_pdu, 16384);
	assert_int_equal(f->rec.assoc.ac.max_pdu, 32768);
	assert_string_equal(f->rec.assoc.rq.impl_class_uid,
	    "1.2.276.0.7230010.3.0.3.6.6");
	assert_string_equal(f->rec.assoc.rq.impl_version, "OFFIS_DCMTK_366");
	assert_string_equal(f->rec.assoc.ac.impl_version, "PYNETDICOM_200");
	assert_int_equal(f->rec.assoc.user_identity_type, 2);
	assert_false(f->rec.leak);

	j = fact_json(f, 0);
	assert_has(j, "\"dir\":1");
	assert_has(j, "\"type\":\"association\"");
	assert_has(j, "\"result\":\"accepted\"");
	assert_has(j, "\"called_ae\":\"PACS_MAIN\"");
	assert_has(j, "\"calling_ae\":\"CT_SCANNER_01\"");
	assert_has(j, "\"application_context\":\"1.2.840.10008.3.1.1.1\"");
	assert_has(j, "{\"id\":1,\"abstract_syntax\":\"1.2.840.10008.1.1\","
	    "\"transfer_syntaxes\":[\"1.2.840.10008.1.2\"],"
	    "\"result\":\"acceptance\","
	    "\"accepted_transfer_syntax\":\"1.2.840.10008.1.2\"}");
	assert_has(j, "\"result\":\"abstract-syntax-not-supported\"}");
	assert_has(j, "\"max_pdu\":{\"requestor\":16384,\"acceptor\":32768}");
	assert_has(j, "\"requestor\":{\"class_uid\":"
	    "\"1.2.276.0.7230010.3.0.3.6.6\","
	    "\"version_name\":\"OFFIS_DCMTK_366\"}");
	assert_has(j, "\"acceptor\":{\"class_uid\":"
	    "\"1.2.826.0.1.3680043.9.3811.2.0.0\","
	    "\"version_name\":\"PYNETDICOM_200\"}");
	assert_has(j, "\"user_identity_type\":\"username-passcode\"");
	fx_free(f);
}

static void
test_dicom_association_rejected(void **unused)
{
	static const struct msg m[] = { MSG(TS, assoc_rq), MSG(TC, assoc_rj) };
	struct fx *f;
	const char *j;

	(void)unused;
	f = play(m, NELEM(m), SIZE_MAX, 0);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->rec.assoc.result, DICOM_ASSOC_REJECTED);
	assert_int_equal(f->rec.assoc.rj_result, 1);
	assert_int_equal(f->rec.assoc.rj_source, 1);
	assert_int_equal(f->rec.assoc.rj_reason, 7);
	j = fact_json(f, 0);
	assert_has(j, "\"result\":\"rejected\"");
	assert_has(j, "\"calling_ae\":\"CT_SCANNER_01\"");
	assert_has(j, "\"reject\":{\"result\":\"rejected-permanent\","
	    "\"source\":\"service-user\","
	    "\"reason\":\"called-ae-title-not-recognized\"}");
	fx_free(f);
}

static void
test_dicom_echo(void **unused)
{
	struct fx *f;
	const char *j;

	(void)unused;
	f = play(conv_full, 4, SIZE_MAX, 0);
	assert_int_equal(f->rec.n, 3);
	assert_int_equal(f->rec.n_cmd, 2);
	assert_int_equal(f->rec.cmd[0].command_field, 0x0030);
	assert_int_equal(f->rec.cmd[0].message_id, 1);
	assert_int_equal(f->rec.cmd[1].command_field, 0x8030);
	assert_int_equal(f->rec.cmd[1].message_id_responded, 1);
	assert_true(f->rec.cmd[1].flags & DICOM_CMD_HAS_STATUS);
	j = fact_json(f, 1);
	assert_has(j, "\"dir\":0");
	assert_has(j, "\"type\":\"command\",\"command\":\"C-ECHO-RQ\"");
	assert_has(j, "\"message_id\":1");
	assert_has(j, "\"affected_sop_class\":\"1.2.840.10008.1.1\"");
	assert_has(j, "\"has_data_set\":false");
	j = fact_json(f, 2);
	assert_has(j, "\"dir\":1");
	assert_has(j, "\"command\":\"C-ECHO-RSP\"");
	assert_has(j, "\"message_id_responded\":1");
	assert_has(j, "\"status\":0");
	fx_free(f);
}

static void
check_equipment(const struct dicom_command *c, uint16_t msgid)
{
	const struct dicom_equipment *eq = &c->equipment;

	assert_int_equal(c->command_field, 0x0001);
	assert_int_equal(c->message_id, msgid);
	assert_true(c->flags & DICOM_CMD_HAS_EQUIPMENT);
	assert_string_equal(c->affected_sop_class, "1.2.840.10008.5.1.4.1.1.2");
	assert_string_equal(eq->modality, "CT");
	assert_string_equal(eq->manufacturer, "ACME Medical");
	assert_string_equal(eq->station_name, "CTROOM1");
	assert_string_equal(eq->model, "Scanmaster 9000");
	assert_string_equal(eq->serial_number, "SN-0042");
	assert_string_equal(eq->software_versions, "VA40B");
	assert_string_equal(eq->sop_class_uid, "1.2.840.10008.5.1.4.1.1.2");
}

static void
test_dicom_store_equipment_explicit(void **unused)
{
	struct fx *f;
	const char *j;

	(void)unused;
	f = play(conv_full, 6, SIZE_MAX, 0);
	assert_int_equal(f->rec.n, 5);
	assert_int_equal(f->ctx.n_anom, 0);
	check_equipment(&f->rec.cmd[2], 7);
	j = fact_json(f, 3);
	assert_has(j, "\"command\":\"C-STORE-RQ\"");
	assert_has(j, "\"presentation_context_id\":3");
	assert_has(j, "\"equipment\":{\"modality\":\"CT\","
	    "\"manufacturer\":\"ACME Medical\",\"station_name\":\"CTROOM1\","
	    "\"model\":\"Scanmaster 9000\",\"serial_number\":\"SN-0042\","
	    "\"software_versions\":\"VA40B\","
	    "\"sop_class_uid\":\"1.2.840.10008.5.1.4.1.1.2\"}");
	j = fact_json(f, 4);
	assert_has(j, "\"command\":\"C-STORE-RSP\"");
	assert_has(j, "\"message_id_responded\":7");
	fx_free(f);
}

static void
test_dicom_store_equipment_implicit(void **unused)
{
	struct fx *f;

	(void)unused;
	f = play(conv_full, 7, SIZE_MAX, 0);
	assert_int_equal(f->rec.n, 6);
	check_equipment(&f->rec.cmd[4], 8);
	fx_free(f);
}

/* Picked up midstream: no AC, so the scan tells the VR form itself. */
static void
test_dicom_store_midstream_sniff(void **unused)
{
	struct fx *f;

	(void)unused;
	f = fx_new();
	assert_int_equal(fx_feed(f, TS, store_rq_explicit,
	    sizeof(store_rq_explicit)), PARSE_OK);
	assert_int_equal(fx_feed(f, TS, store_rq_implicit,
	    sizeof(store_rq_implicit)), PARSE_OK);
	assert_int_equal(f->rec.n_cmd, 2);
	check_equipment(&f->rec.cmd[0], 7);
	check_equipment(&f->rec.cmd[1], 8);
	assert_false(f->rec.leak);
	fx_free(f);
}

/* The privacy promise: the patient never reaches a fact or EVE. */
static void
test_dicom_patient_name_never_in_output(void **unused)
{
	struct fx *f;
	unsigned i;

	(void)unused;
	f = play(conv_full, NELEM(conv_full), SIZE_MAX, 0);
	assert_int_equal(f->rec.n, CONV_FULL_FACTS);
	/* The vectors do carry the name: the test would notice. */
	assert_non_null(memmem(store_rq_explicit, sizeof(store_rq_explicit),
	    "DOE^JANE", 8));
	assert_non_null(memmem(find_rq, sizeof(find_rq), "DOE^JANE", 8));
	assert_non_null(memmem(assoc_rq, sizeof(assoc_rq), "s3cret", 6));
	assert_false(f->rec.leak);
	for (i = 0; i < f->rec.n; i++) {
		assert_null(strstr(f->rec.json[i], "DOE"));
		assert_null(strstr(f->rec.json[i], "JANE"));
		assert_null(strstr(f->rec.json[i], "PID12345"));
	}
	fx_free(f);
}

static void
test_dicom_find_and_move(void **unused)
{
	struct fx *f;
	const char *j;

	(void)unused;
	f = play(conv_full, 9, SIZE_MAX, 0);
	assert_int_equal(f->rec.n, 8);
	j = fact_json(f, 6);
	assert_has(j, "\"command\":\"C-FIND-RQ\"");
	assert_has(j, "\"affected_sop_class\":\"1.2.840.10008.5.1.4.1.2.2.1\"");
	assert_has(j, "\"has_data_set\":true");
	assert_null(strstr(j, "equipment"));
	j = fact_json(f, 7);
	assert_has(j, "\"command\":\"C-MOVE-RQ\"");
	assert_has(j, "\"message_id\":10");
	assert_has(j, "\"move_destination\":\"WORKSTATION7\"");
	fx_free(f);
}

/* The activity a command fact gives the device brain (activity.def). */
static char act_value[128];

static void
act_evidence(const struct app_sink *s, int end, enum evidence_key k,
    const char *v, size_t n)
{
	(void)s; (void)end; (void)k; (void)v; (void)n;
}

static void
act_record(const struct app_sink *s, int end, enum activity a,
    const char *v, size_t n)
{
	(void)s; (void)end;
	if (a == ACT_DICOM_COMMAND)
		snprintf(act_value, sizeof(act_value), "%.*s", (int)n, v);
}

static const char *
command_activity(const struct dicom_command *c)
{
	const struct app_sink sink = { .evidence = act_evidence,
	    .activity = act_record };
	struct dicom_fact df;

	df.type = DICOM_FACT_COMMAND;
	df.u.command = c;
	act_value[0] = '\0';
	dicom_parser.facts(&df, APP_DIR_TOSERVER, &sink);
	return act_value;
}

/*
 * privacy.pseudonyms: the Patient ID and Study Instance UID of a
 * C-STORE data set become their keyed pseudonyms (HMAC-SHA-256 under
 * the key, as Python's hmac computes it) in the command fact and its
 * activity, never in EVE; a query pattern gets none; off, none at all.
 */
static void
test_dicom_pseudonyms(void **unused)
{
	struct fx *f;
	unsigned i;

	(void)unused;
	pseudo_set_key("0123456789abcdef", 16);
	f = play(conv_full, NELEM(conv_full), SIZE_MAX, 0);
	assert_int_equal(f->rec.n, CONV_FULL_FACTS);
	check_equipment(&f->rec.cmd[2], 7);
	check_equipment(&f->rec.cmd[4], 8);
	for (i = 2; i <= 4; i += 2) {
		assert_string_equal(f->rec.cmd[i].ps_patient,
		    "d1c561167967a7d9");
		assert_string_equal(f->rec.cmd[i].ps_study,
		    "436b8486e697daf7");
		assert_string_equal(command_activity(&f->rec.cmd[i]),
		    "C-STORE\t\t436b8486e697daf7\td1c561167967a7d9");
	}
	/* The C-FIND names a patient by name only, the study empty. */
	assert_string_equal(f->rec.cmd[5].ps_patient, "");
	assert_string_equal(f->rec.cmd[5].ps_study, "");
	assert_string_equal(command_activity(&f->rec.cmd[5]), "C-FIND");
	assert_string_equal(command_activity(&f->rec.cmd[6]),
	    "C-MOVE\tWORKSTATION7");
	assert_false(f->rec.leak);
	for (i = 0; i < f->rec.n; i++) {
		assert_null(strstr(f->rec.json[i], "d1c561167967a7d9"));
		assert_null(strstr(f->rec.json[i], "PID12345"));
	}
	fx_free(f);
	pseudo_set_key(NULL, 0);
	f = play(conv_full, NELEM(conv_full), SIZE_MAX, 0);
	assert_string_equal(f->rec.cmd[2].ps_patient, "");
	assert_string_equal(f->rec.cmd[2].ps_study, "");
	assert_string_equal(command_activity(&f->rec.cmd[2]), "C-STORE");
	fx_free(f);
}

static void
test_dicom_command_fragmented_across_pdus(void **unused)
{
	static const struct msg m[] = {
		MSG(TS, echo_rq_frag), MSG(TS, echo_rq_frag2),
	};
	struct fx *f, *g;

	(void)unused;
	f = play(m, NELEM(m), SIZE_MAX, 0);
	assert_int_equal(f->rec.n_cmd, 1);
	assert_int_equal(f->rec.cmd[0].command_field, 0x0030);
	g = play(conv_full + 2, 1, SIZE_MAX, 0);
	assert_string_equal(fact_json(f, 0), fact_json(g, 0));
	fx_free(f);
	fx_free(g);
}

static void
test_dicom_release_and_abort(void **unused)
{
	static const struct msg m1[] = {
		MSG(TS, assoc_rq), MSG(TC, assoc_ac), MSG(TS, release_rq),
		MSG(TC, release_rp), MSG(TC, abort_pdu),
	};
	static const struct msg m2[] = {
		MSG(TS, assoc_rq), MSG(TC, abort_pdu),
	};
	struct fx *f;
	const char *j;

	(void)unused;
	f = play(m1, NELEM(m1), SIZE_MAX, 0);
	assert_int_equal(f->rec.n, 4);
	assert_has(fact_json(f, 1),
	    "\"type\":\"release\",\"stage\":\"request\"");
	assert_has(fact_json(f, 2),
	    "\"type\":\"release\",\"stage\":\"response\"");
	assert_has(fact_json(f, 3), "\"type\":\"abort\","
	    "\"source\":\"service-provider\",\"reason\":\"unexpected-pdu\"");
	fx_free(f);

	/* An abort before any answer ends the association fact. */
	f = play(m2, NELEM(m2), SIZE_MAX, 0);
	assert_int_equal(f->rec.n, 1);
	j = fact_json(f, 0);
	assert_has(j, "\"result\":\"aborted\"");
	assert_has(j, "\"calling_ae\":\"CT_SCANNER_01\"");
	assert_has(j, "\"abort\":{\"source\":\"service-provider\","
	    "\"reason\":\"unexpected-pdu\"}");
	fx_free(f);
}

/* Every truncation of the RQ: INCOMPLETE, exactly what is missing. */
static void
test_dicom_every_truncation_is_incomplete(void **unused)
{
	struct app_result r;
	struct fx *f;
	uint8_t *p;
	size_t n, want;

	(void)unused;
	for (n = 0; n < sizeof(assoc_rq); n++) {
		f = fx_new();
		p = malloc(n + 1);
		assert_non_null(p);
		memcpy(p, assoc_rq, n);
		r = dicom_parser.parse(f->st, &f->ctx, TS, p, n);
		free(p);
		want = n < 6 ? 6 - n : sizeof(assoc_rq) - n;
		assert_int_equal(r.status, PARSE_INCOMPLETE);
		assert_int_equal(r.consumed, 0);
		assert_int_equal(r.needed, want);
		assert_int_equal(f->rec.n, 0);
		assert_int_equal(f->ctx.n_anom, 0);
		fx_free(f);
	}
}

/* Every truncation of each message: never an error, never a crash. */
static void
test_dicom_every_truncation_of_every_pdu(void **unused)
{
	struct fx *f;
	size_t i, n;

	(void)unused;
	for (i = 0; i < NELEM(conv_full); i++) {
		for (n = 0; n < conv_full[i].n; n++) {
			f = fx_new();
			fx_feed(f, conv_full[i].dir, conv_full[i].p, n);
			assert_int_not_equal(f->last[conv_full[i].dir],
			    PARSE_ERROR);
			assert_int_equal(f->ctx.n_anom, 0);
			fx_free(f);
		}
	}
}

/* Both directions, one message cut at each position in turn. */
static void
test_dicom_every_split_same_facts(void **unused)
{
	struct fx *f;
	char *ref, *got;
	size_t i, at;

	(void)unused;
	f = play(conv_full, NELEM(conv_full), SIZE_MAX, 0);
	assert_int_equal(f->rec.n, CONV_FULL_FACTS);
	ref = fx_facts(f);
	fx_free(f);
	for (i = 0; i < NELEM(conv_full); i++) {
		for (at = 0; at <= conv_full[i].n; at++) {
			f = play(conv_full, NELEM(conv_full), i, at);
			got = fx_facts(f);
			if (strcmp(ref, got) != 0)
				fail_msg("message %zu split at %zu:\n%s\n"
				    "vs\n%s", i, at, got, ref);
			free(got);
			fx_free(f);
		}
	}
	free(ref);
}

/* The client's stream through mock_feed, split once at every byte. */
static void
test_dicom_client_stream_every_split(void **unused)
{
	uint8_t *s;
	size_t len = 0, i, at, left;
	struct fx *f;
	char *ref, *got;

	(void)unused;
	for (i = 0; i < NELEM(conv_full); i++)
		if (conv_full[i].dir == TS)
			len += conv_full[i].n;
	s = malloc(len);
	assert_non_null(s);
	len = 0;
	for (i = 0; i < NELEM(conv_full); i++)
		if (conv_full[i].dir == TS) {
			memcpy(s + len, conv_full[i].p, conv_full[i].n);
			len += conv_full[i].n;
		}
	f = fx_new();
	assert_int_equal(mock_feed(&dicom_parser, f->st, &f->ctx, TS, s, len,
	    NULL, 0, &left), PARSE_OK);
	assert_int_equal(left, 0);
	/* Commands: echo, store, store, find, move, echo; release. */
	assert_int_equal(f->rec.n, 7);
	ref = fx_facts(f);
	fx_free(f);
	for (at = 1; at < len; at++) {
		f = fx_new();
		assert_int_equal(mock_feed(&dicom_parser, f->st, &f->ctx, TS,
		    s, len, &at, 1, &left), PARSE_OK);
		assert_int_equal(left, 0);
		got = fx_facts(f);
		if (strcmp(ref, got) != 0)
			fail_msg("split at %zu:\n%s\nvs\n%s", at, got, ref);
		free(got);
		fx_free(f);
	}
	free(ref);
	free(s);
}

/* Unknown items and sub-items are skipped (PS3.8 9.3.2). */
static void
test_dicom_unknown_items_skipped(void **unused)
{
	static const struct msg m1[] = {
		MSG(TS, assoc_rq), MSG(TC, assoc_ac),
	};
	static const struct msg m2[] = {
		MSG(TS, assoc_rq_unknown_items), MSG(TC, assoc_ac),
	};
	struct fx *f, *g;

	(void)unused;
	f = play(m1, NELEM(m1), SIZE_MAX, 0);
	g = play(m2, NELEM(m2), SIZE_MAX, 0);
	assert_int_equal(g->ctx.n_anom, 0);
	assert_int_equal(g->rec.n, 1);
	assert_string_equal(fact_json(f, 0), fact_json(g, 0));
	fx_free(f);
	fx_free(g);
}

static struct fx *
parse_one(int dir, const uint8_t *p, size_t n, enum parse_result want)
{
	struct fx *f = fx_new();

	assert_int_equal(fx_feed(f, dir, p, n), want);
	return f;
}

static void
test_dicom_item_len_exceeds_pdu(void **unused)
{
	uint8_t b[sizeof(assoc_rq)];
	struct fx *f;

	(void)unused;
	/* The application context item (offset 74) claims 0x7fff bytes. */
	memcpy(b, assoc_rq, sizeof(b));
	assert_int_equal(b[74], 0x10);
	b[76] = 0x7f;
	b[77] = 0xff;
	f = parse_one(TS, b, sizeof(b), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_ITEM_LEN_EXCEEDS_PDU));
	assert_int_equal(f->rec.n, 0);
	fx_free(f);

	/*
	 * The first abstract syntax sub-item (offset 107, inside the
	 * presentation context item at 99) runs past its parent item.
	 */
	memcpy(b, assoc_rq, sizeof(b));
	assert_int_equal(b[99], 0x20);
	assert_int_equal(b[107], 0x30);
	b[110] = 0x40;
	f = parse_one(TS, b, sizeof(b), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_ITEM_LEN_EXCEEDS_PDU));
	fx_free(f);
}

static void
test_dicom_pdv_len_exceeds_pdu(void **unused)
{
	uint8_t b[sizeof(echo_rq)];
	struct fx *f;

	(void)unused;
	/* P-DATA-TF header, then the PDV length at offset 6. */
	memcpy(b, echo_rq, sizeof(b));
	b[8] = 0x10;
	f = parse_one(TS, b, sizeof(b), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDV_LEN_EXCEEDS_PDU));
	assert_int_equal(f->rec.n, 0);
	fx_free(f);

	/* A PDV of length 1 cannot hold its own header. */
	memcpy(b, echo_rq, sizeof(b));
	b[6] = b[7] = b[8] = 0;
	b[9] = 1;
	f = parse_one(TS, b, sizeof(b), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDV_INVALID_LEN));
	fx_free(f);
}

static void
test_dicom_pdu_too_long(void **unused)
{
	/* A-ASSOCIATE-RQ claiming 4 GiB: rejected from its header alone. */
	static const uint8_t huge_rq[] = { 0x01, 0x00, 0xff, 0xff, 0xff, 0xff };
	/* P-DATA-TF of 32 MiB, over the 16 MiB ceiling. */
	static const uint8_t huge_pdata[] = {
		0x04, 0x00, 0x02, 0x00, 0x00, 0x00,
	};
	/* P-DATA-TF of 1 MiB when the acceptor announced 16384 + slack. */
	static const uint8_t big_pdata[] = {
		0x04, 0x00, 0x00, 0x10, 0x00, 0x00,
	};
	/* A-ASSOCIATE-RQ of exactly DICOM_MAX_PDU (1 MiB - 6). */
	static const uint8_t max_rq[] = { 0x01, 0x00, 0x00, 0x0f, 0xff, 0xfa };
	/* A-ASSOCIATE-RQ one byte over DICOM_MAX_PDU. */
	static const uint8_t over_rq[] = { 0x01, 0x00, 0x00, 0x0f, 0xff, 0xfb };
	struct app_result r;
	struct fx *f;

	(void)unused;
	f = fx_new();
	r = dicom_parser.parse(f->st, &f->ctx, TS, huge_rq, sizeof(huge_rq));
	assert_int_equal(r.status, PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDU_TOO_LONG));
	/* The direction stays stopped. */
	r = dicom_parser.parse(f->st, &f->ctx, TS, echo_rq, sizeof(echo_rq));
	assert_int_equal(r.status, PARSE_ERROR);
	fx_free(f);

	f = parse_one(TS, over_rq, sizeof(over_rq), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDU_TOO_LONG));
	fx_free(f);

	f = parse_one(TS, huge_pdata, sizeof(huge_pdata), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDU_TOO_LONG));
	fx_free(f);

	/* The client's PDUs are bounded by the PACS's 32768 + slack. */
	f = play(conv_full, 2, SIZE_MAX, 0);
	assert_int_equal(fx_feed(f, TS, big_pdata, sizeof(big_pdata)),
	    PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDU_TOO_LONG));
	/* The other direction goes on. */
	assert_int_equal(fx_feed(f, TC, echo_rsp, sizeof(echo_rsp)), PARSE_OK);
	assert_int_equal(f->rec.n, 2);
	fx_free(f);

	/* An association PDU asks for exactly the rest of itself. */
	f = fx_new();
	r = dicom_parser.parse(f->st, &f->ctx, TS, assoc_rq, 6);
	assert_int_equal(r.status, PARSE_INCOMPLETE);
	assert_int_equal(r.needed, sizeof(assoc_rq) - 6);
	/* The largest allowed fills the framework's 1 MiB, no more. */
	r = dicom_parser.parse(f->st, &f->ctx, TS, max_rq, sizeof(max_rq));
	assert_int_equal(r.status, PARSE_INCOMPLETE);
	assert_int_equal(r.consumed, 0);
	assert_int_equal(sizeof(max_rq) + r.needed, 1u << 20);
	assert_int_equal(f->ctx.n_anom, 0);
	fx_free(f);
}

static void
test_dicom_unknown_pdu_type(void **unused)
{
	static const uint8_t b[] = { 0x09, 0x00, 0x00, 0x00, 0x00, 0x04,
	    0x00, 0x00, 0x00, 0x00 };
	struct fx *f;

	(void)unused;
	f = parse_one(TS, b, sizeof(b), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_UNKNOWN_PDU_TYPE));
	fx_free(f);
}

static void
test_dicom_fixed_pdus_bad_length(void **unused)
{
	/* A-RELEASE-RQ with a 2-byte body; A-ASSOCIATE-RQ of 10 bytes. */
	static const uint8_t rel[] = { 0x05, 0x00, 0x00, 0x00, 0x00, 0x02,
	    0x00, 0x00 };
	static const uint8_t rq[] = { 0x01, 0x00, 0x00, 0x00, 0x00, 0x0a,
	    0x00, 0x01, 0x00, 0x00, 'A', 'B', 'C', 'D', 'E', 'F' };
	struct fx *f;

	(void)unused;
	f = parse_one(TS, rel, sizeof(rel), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDU_INVALID_LEN));
	fx_free(f);
	f = parse_one(TS, rq, sizeof(rq), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDU_INVALID_LEN));
	fx_free(f);
}

/*
 * An A-ASSOCIATE-RQ with n presentation contexts, each
 *	20 00 00 len | id 00 00 00 | 30 00 00 11 "1.2.840.10008.1.1"
 */
static uint8_t *
build_rq_many(size_t n, size_t *lenp)
{
	static const char as[] = "1.2.840.10008.1.1";
	size_t per = 4 + 4 + 4 + 17, body = 68 + n * per, i, o;
	uint8_t *b = calloc(1, 6 + body);

	assert_non_null(b);
	b[0] = 0x01;
	b[2] = (uint8_t)(body >> 24);
	b[3] = (uint8_t)(body >> 16);
	b[4] = (uint8_t)(body >> 8);
	b[5] = (uint8_t)body;
	b[7] = 0x01;
	memset(b + 10, ' ', 32);
	memcpy(b + 10, "PACS", 4);
	memcpy(b + 26, "MODALITY", 8);
	o = 6 + 68;
	for (i = 0; i < n; i++) {
		b[o] = 0x20;
		b[o + 3] = (uint8_t)(per - 4);
		b[o + 4] = (uint8_t)i;
		b[o + 8] = 0x30;
		b[o + 11] = 17;
		memcpy(b + o + 12, as, 17);
		o += per;
	}
	*lenp = 6 + body;
	return b;
}

static void
test_dicom_presentation_context_cap(void **unused)
{
	static const uint8_t rj[] = { 0x03, 0x00, 0x00, 0x00, 0x00, 0x04,
	    0x00, 0x02, 0x03, 0x01 };
	struct fx *f;
	uint8_t *b;
	size_t len;

	(void)unused;
	/* 200 distinct ids: the first 128 are kept. */
	b = build_rq_many(200, &len);
	f = fx_new();
	assert_int_equal(fx_feed(f, TS, b, len), PARSE_OK);
	assert_int_equal(fx_feed(f, TC, rj, sizeof(rj)), PARSE_OK);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_TOO_MANY_PCTX));
	assert_int_equal(f->rec.assoc.n_pctx, DICOM_MAX_PCTX);
	assert_true(f->rec.assoc.pctx_truncated);
	assert_has(fact_json(f, 0), "\"presentation_contexts_truncated\":true");
	assert_has(fact_json(f, 0), "\"reject\":{\"result\":"
	    "\"rejected-transient\",\"source\":"
	    "\"service-provider-presentation\","
	    "\"reason\":\"temporary-congestion\"}");
	fx_free(f);
	free(b);
}

/* 10000 tiny PDUs, fed one byte at a time: linear, all reported. */
static void
test_dicom_many_tiny_pdus_linear(void **unused)
{
	enum { N = 10000 };
	size_t len = N * sizeof(release_rq), i, *splits, left;
	struct fx *f;
	clock_t t0;
	double secs;
	uint8_t *s;

	(void)unused;
	s = malloc(len);
	splits = calloc(len, sizeof(*splits));
	assert_non_null(s);
	assert_non_null(splits);
	for (i = 0; i < N; i++)
		memcpy(s + i * sizeof(release_rq), release_rq,
		    sizeof(release_rq));
	for (i = 0; i + 1 < len; i++)
		splits[i] = i + 1;
	f = fx_new();
	f->ctx.on_fact = NULL;
	t0 = clock();
	assert_int_equal(mock_feed(&dicom_parser, f->st, &f->ctx, TS, s, len,
	    splits, len - 1, &left), PARSE_OK);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(left, 0);
	assert_int_equal(f->ctx.n_facts, N);
	/* Quadratic behaviour would take minutes here. */
	assert_true(secs < 5.0);
	fx_free(f);

	/* The same for 10000 one-byte data PDVs in their own PDUs. */
	free(splits);
	free(s);
	s = malloc(N * 13);
	assert_non_null(s);
	for (i = 0; i < N; i++) {
		static const uint8_t p[] = { 0x04, 0x00, 0x00, 0x00, 0x00,
		    0x07, 0x00, 0x00, 0x00, 0x03, 0x01, 0x02, 0xaa };

		memcpy(s + i * 13, p, 13);
	}
	f = fx_new();
	t0 = clock();
	assert_int_equal(mock_feed(&dicom_parser, f->st, &f->ctx, TS, s,
	    N * 13, NULL, 0, &left), PARSE_OK);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(left, 0);
	assert_int_equal(f->ctx.n_facts, 0);
	assert_int_equal(f->ctx.n_anom, 0);
	assert_true(secs < 5.0);
	fx_free(f);
	free(s);
}

/* After a gap: resynchronise on the next plausible PDU header. */
static void
test_dicom_gap_resync(void **unused)
{
	static const uint8_t junk[] = { 0x13, 0x37, 0x04, 0x99, 0x00, 0x00,
	    0xde, 0xad, 0xbe, 0xef, 0x01 };
	struct fx *f;
	uint8_t *big;

	(void)unused;
	f = play(conv_full, 2, SIZE_MAX, 0);
	/* Half a C-STORE, then bytes lost. */
	fx_feed(f, TS, store_rq_explicit, 40);
	dicom_parser.gap(f->st, &f->ctx, TS);
	free(f->buf[TS]);
	f->buf[TS] = NULL;
	f->have[TS] = 0;
	assert_int_equal(fx_feed(f, TS, junk, sizeof(junk)), PARSE_INCOMPLETE);
	assert_int_equal(fx_feed(f, TS, echo_rq, sizeof(echo_rq)), PARSE_OK);
	assert_int_equal(f->rec.n_cmd, 1);
	assert_int_equal(f->rec.cmd[0].command_field, 0x0030);
	fx_free(f);

	/* No header within the window: give up on that direction. */
	f = fx_new();
	dicom_parser.gap(f->st, &f->ctx, TS);
	big = calloc(1, DICOM_RESYNC_WINDOW + 100);
	assert_non_null(big);
	memset(big, 0xee, DICOM_RESYNC_WINDOW + 100);
	assert_int_equal(fx_feed(f, TS, big, DICOM_RESYNC_WINDOW + 100),
	    PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_RESYNC_FAILED));
	free(big);
	fx_free(f);

	/* A gap where the answer should come: the RQ is still reported. */
	f = play(conv_full, 1, SIZE_MAX, 0);
	dicom_parser.gap(f->st, &f->ctx, TC);
	assert_int_equal(f->rec.n, 1);
	assert_has(fact_json(f, 0), "\"result\":\"incomplete\"");
	assert_has(fact_json(f, 0), "\"called_ae\":\"PACS_MAIN\"");
	fx_free(f);
}

/* A command set over the cap stops the direction. */
static void
test_dicom_command_cap(void **unused)
{
	uint8_t hdr[6 + 6], *chunk;
	struct fx *f;
	size_t i, n = 16u << 10;

	(void)unused;
	/* P-DATA-TF PDUs each with one 16 KiB command PDV, never last. */
	hdr[0] = 0x04;
	hdr[1] = 0;
	hdr[2] = 0;
	hdr[3] = (uint8_t)((n + 6) >> 16);
	hdr[4] = (uint8_t)((n + 6) >> 8);
	hdr[5] = (uint8_t)(n + 6);
	hdr[6] = 0;
	hdr[7] = (uint8_t)((n + 2) >> 16);
	hdr[8] = (uint8_t)((n + 2) >> 8);
	hdr[9] = (uint8_t)(n + 2);
	hdr[10] = 1;
	hdr[11] = 0x01;
	chunk = calloc(1, n);
	assert_non_null(chunk);
	f = fx_new();
	for (i = 0; i < 5; i++) {
		if (fx_feed(f, TS, hdr, sizeof(hdr)) == PARSE_ERROR)
			break;
		if (fx_feed(f, TS, chunk, n) == PARSE_ERROR)
			break;
	}
	assert_int_equal(f->last[TS], PARSE_ERROR);
	assert_int_equal(i, 4);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_COMMAND_TOO_LONG));
	free(chunk);
	fx_free(f);
}

static void
test_dicom_probe(void **unused)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\n\r\n";
	uint8_t b[sizeof(assoc_rq)];
	size_t n;

	(void)unused;
	assert_int_equal(dicom_parser.probe(assoc_rq, sizeof(assoc_rq), TS),
	    APP_PROBE_YES);
	assert_int_equal(dicom_parser.probe(assoc_rq, 10, TS), APP_PROBE_YES);
	for (n = 0; n < 10; n++)
		assert_int_equal(dicom_parser.probe(assoc_rq, n, TS),
		    APP_PROBE_MAYBE);
	assert_int_equal(dicom_parser.probe(assoc_ac, sizeof(assoc_ac), TC),
	    APP_PROBE_YES);
	assert_int_equal(dicom_parser.probe(assoc_rj, sizeof(assoc_rj), TC),
	    APP_PROBE_YES);
	/* The RQ comes from the client, the AC from the server. */
	assert_int_equal(dicom_parser.probe(assoc_rq, sizeof(assoc_rq), TC),
	    APP_PROBE_NO);
	assert_int_equal(dicom_parser.probe(assoc_ac, sizeof(assoc_ac), TS),
	    APP_PROBE_NO);
	assert_int_equal(dicom_parser.probe(http, sizeof(http) - 1, TS),
	    APP_PROBE_NO);
	assert_int_equal(dicom_parser.probe(http, 1, TS), APP_PROBE_NO);
	assert_int_equal(dicom_parser.probe(echo_rq, sizeof(echo_rq), TS),
	    APP_PROBE_NO);
	/* Protocol version 2 only. */
	memcpy(b, assoc_rq, sizeof(b));
	b[7] = 0x02;
	assert_int_equal(dicom_parser.probe(b, sizeof(b), TS), APP_PROBE_NO);
	assert_int_equal(dicom_parser.probe(b, 8, TS), APP_PROBE_NO);
	/* A length too short for the fixed fields, or over the cap. */
	memcpy(b, assoc_rq, sizeof(b));
	b[4] = 0;
	b[5] = 0x10;
	assert_int_equal(dicom_parser.probe(b, sizeof(b), TS), APP_PROBE_NO);
	assert_int_equal(dicom_parser.probe(b, 6, TS), APP_PROBE_NO);
	/* Reserved byte set. */
	memcpy(b, assoc_rq, sizeof(b));
	b[1] = 1;
	assert_int_equal(dicom_parser.probe(b, 2, TS), APP_PROBE_NO);
}

/*
 * An A-ASSOCIATE-RQ whose length field claims about 4 GB (PS3.8
 * 9.3.2) but whose fixed fields are those of a real one is DICOM that
 * lies, not another protocol: the probe must hand it to the parser,
 * which reports dicom.pdu_too_long, as it does for an oversized
 * P-DATA-TF.  Before, the probe said NO and the flow carried no
 * anomaly at all.
 */
static void
test_dicom_assoc_rq_4gb(void **unused)
{
	uint8_t b[sizeof(assoc_rq)];
	struct app_result r;
	struct fx *f;
	size_t n;

	(void)unused;
	/* assoc_rq with its length 485 replaced by 0xffffffff. */
	memcpy(b, assoc_rq, sizeof(b));
	b[2] = b[3] = b[4] = b[5] = 0xff;
	assert_int_equal(dicom_parser.probe(b, sizeof(b), TS), APP_PROBE_YES);
	/* Version, reserved and both AE titles (42 bytes) decide. */
	assert_int_equal(dicom_parser.probe(b, 42, TS), APP_PROBE_YES);
	for (n = 0; n < 42; n++)
		assert_int_equal(dicom_parser.probe(b, n, TS),
		    APP_PROBE_MAYBE);
	f = fx_new();
	r = dicom_parser.parse(f->st, &f->ctx, TS, b, sizeof(b));
	assert_int_equal(r.status, PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDU_TOO_LONG));
	fx_free(f);

	/* One byte over DICOM_MAX_PDU: the same. */
	b[2] = 0x00;
	b[3] = 0x0f;
	b[4] = 0xff;
	b[5] = 0xfb;
	assert_int_equal(dicom_parser.probe(b, sizeof(b), TS), APP_PROBE_YES);

	/* An A-ASSOCIATE-AC from the server that claims 4 GB. */
	memcpy(b, assoc_ac, 42);
	b[2] = b[3] = b[4] = b[5] = 0xff;
	assert_int_equal(dicom_parser.probe(b, 42, TC), APP_PROBE_YES);

	/* Anything else in those 42 bytes: not DICOM. */
	memcpy(b, assoc_rq, sizeof(b));
	b[2] = b[3] = b[4] = b[5] = 0xff;
	b[7] = 0x02;				/* protocol version 2 */
	assert_int_equal(dicom_parser.probe(b, sizeof(b), TS), APP_PROBE_NO);
	assert_int_equal(dicom_parser.probe(b, 10, TS), APP_PROBE_NO);
	b[7] = 0x01;
	b[9] = 0x01;				/* reserved */
	assert_int_equal(dicom_parser.probe(b, sizeof(b), TS), APP_PROBE_NO);
	b[9] = 0x00;
	b[30] = 0x1b;				/* ESC in the calling AE */
	assert_int_equal(dicom_parser.probe(b, sizeof(b), TS), APP_PROBE_NO);
	b[30] = '\\';				/* backslash (PS3.5 6.2 AE) */
	assert_int_equal(dicom_parser.probe(b, sizeof(b), TS), APP_PROBE_NO);
	memcpy(b, assoc_rq, sizeof(b));
	b[2] = b[3] = b[4] = b[5] = 0xff;
	memset(b + 10, ' ', 16);		/* called AE all spaces */
	assert_int_equal(dicom_parser.probe(b, sizeof(b), TS), APP_PROBE_NO);
	/* The RQ comes from the client only. */
	memcpy(b, assoc_rq, sizeof(b));
	b[2] = b[3] = b[4] = b[5] = 0xff;
	assert_int_equal(dicom_parser.probe(b, sizeof(b), TC), APP_PROBE_NO);
}

static void
test_dicom_parser_ops(void **unused)
{
	(void)unused;
	assert_int_equal(dicom_parser.proto, APP_DICOM);
	assert_int_equal(dicom_parser.ports[0], 104);
	assert_int_equal(dicom_parser.ports[1], 11112);
	assert_int_equal(dicom_parser.ports[2], 4242);
	assert_int_equal(dicom_parser.ports[3], 0);
	assert_string_equal(dicom_command_name(0x0021), "C-MOVE-RQ");
	assert_string_equal(dicom_command_name(0x8001), "C-STORE-RSP");
	assert_string_equal(dicom_command_name(0x0FFF), "C-CANCEL-RQ");
	assert_null(dicom_command_name(0x1234));
	dicom_parser.state_free(NULL);
}


/*
 * Builders for the cases below: a P-DATA-TF PDU with one PDV, and
 * implicit/explicit VR elements.
 */
struct bb {
	uint8_t		 b[1u << 18];
	size_t		 n;
};

static void
bb_put(struct bb *b, const void *p, size_t n)
{
	assert_true(n <= sizeof(b->b) - b->n);
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void
bb_le16(struct bb *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	bb_put(b, x, 2);
}

static void
bb_le32(struct bb *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	bb_put(b, x, 4);
}

static void
bb_be32(struct bb *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	bb_put(b, x, 4);
}

/* Implicit VR: group, element, 4-byte length, value. */
static void
bb_ielem(struct bb *b, uint16_t g, uint16_t e, const void *v, uint32_t n)
{
	bb_le16(b, g);
	bb_le16(b, e);
	bb_le32(b, n);
	if (v != NULL)
		bb_put(b, v, n);
}

/* Explicit VR, short form: group, element, VR, 2-byte length, value. */
static void
bb_eelem(struct bb *b, uint16_t g, uint16_t e, const char *vr,
    const void *v, uint16_t n)
{
	bb_le16(b, g);
	bb_le16(b, e);
	bb_put(b, vr, 2);
	bb_le16(b, n);
	bb_put(b, v, n);
}

/* Explicit VR, long form (OB, SQ, UT, ...): 2 reserved, 4-byte length. */
static void
bb_eelem_long(struct bb *b, uint16_t g, uint16_t e, const char *vr,
    const void *v, uint32_t n)
{
	bb_le16(b, g);
	bb_le16(b, e);
	bb_put(b, vr, 2);
	bb_le16(b, 0);
	bb_le32(b, n);
	if (v != NULL)
		bb_put(b, v, n);
}

/* Append a P-DATA-TF PDU holding one PDV with these bytes. */
static void
bb_pdata(struct bb *out, uint8_t pcid, uint8_t mch, const uint8_t *p,
    size_t n)
{
	uint8_t h[2] = { 0x04, 0x00 };
	uint8_t ph[2] = { pcid, mch };

	bb_put(out, h, 2);
	bb_be32(out, (uint32_t)(n + 6));
	bb_be32(out, (uint32_t)(n + 2));
	bb_put(out, ph, 2);
	bb_put(out, p, n);
}

/* A C-STORE-RQ command set on context 3, message id 11. */
static void
bb_store_cmd(struct bb *out)
{
	static const char ct[] = "1.2.840.10008.5.1.4.1.1.2";
	struct bb *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	bb_ielem(c, 0x0000, 0x0002, ct, sizeof(ct));	/* NUL padded */
	bb_ielem(c, 0x0000, 0x0100, "\x01\x00", 2);
	bb_ielem(c, 0x0000, 0x0110, "\x0b\x00", 2);
	bb_ielem(c, 0x0000, 0x0800, "\x00\x00", 2);
	bb_pdata(out, 3, 0x03, c->b, c->n);
	free(c);
}

static void
test_dicom_bad_protocol_version(void **unused)
{
	uint8_t b[sizeof(assoc_rq)];
	struct fx *f;

	(void)unused;
	memcpy(b, assoc_rq, sizeof(b));
	b[7] = 0x02;		/* protocol version 2 only */
	f = parse_one(TS, b, sizeof(b), PARSE_OK);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_BAD_PROTOCOL_VERSION));
	assert_int_equal(fx_feed(f, TC, assoc_ac, sizeof(assoc_ac)), PARSE_OK);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->rec.assoc.protocol_version, 2);
	fx_free(f);
}

static void
test_dicom_dimse_invalid_and_long_uid(void **unused)
{
	static const char longuid[] = "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15."
	    "16.17.18.19.20.21.22.23.24.25.26.27.28";
	struct bb *c = calloc(1, sizeof(*c)), *p = calloc(1, sizeof(*p));
	struct fx *f;

	(void)unused;
	assert_non_null(c);
	assert_non_null(p);
	/* A 73-character affected SOP class UID: reported truncated. */
	bb_ielem(c, 0x0000, 0x0002, longuid, sizeof(longuid) - 1);
	bb_ielem(c, 0x0000, 0x0100, "\x30\x00", 2);
	bb_pdata(p, 1, 0x03, c->b, c->n);
	f = parse_one(TS, p->b, p->n, PARSE_OK);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_UID_TOO_LONG));
	assert_int_equal(f->rec.n_cmd, 1);
	assert_int_equal(strlen(f->rec.cmd[0].affected_sop_class),
	    DICOM_UID_MAX);
	fx_free(f);

	/* An element whose length runs past the command set. */
	c->n = p->n = 0;
	bb_ielem(c, 0x0000, 0x0100, "\x30\x00", 2);
	bb_ielem(c, 0x0000, 0x0110, NULL, 0xffffffffu);
	bb_pdata(p, 1, 0x03, c->b, c->n);
	f = parse_one(TS, p->b, p->n, PARSE_OK);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_DIMSE_INVALID));
	assert_int_equal(f->rec.n, 0);
	/* The direction goes on: the next command is reported. */
	assert_int_equal(fx_feed(f, TS, echo_rq, sizeof(echo_rq)), PARSE_OK);
	assert_int_equal(f->rec.n_cmd, 1);
	fx_free(f);

	/* A command set without a Command Field. */
	c->n = p->n = 0;
	bb_ielem(c, 0x0000, 0x0110, "\x01\x00", 2);
	bb_pdata(p, 1, 0x03, c->b, c->n);
	f = parse_one(TS, p->b, p->n, PARSE_OK);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_DIMSE_INVALID));
	assert_int_equal(f->rec.n, 0);
	fx_free(f);
	free(c);
	free(p);
}

/* The data set split over three PDVs in three PDUs, cut mid-header. */
static void
test_dicom_data_set_across_pdvs(void **unused)
{
	struct bb *out = calloc(1, sizeof(*out));
	const uint8_t *ds = NULL;
	size_t dslen = 0, i;
	struct fx *f;

	(void)unused;
	assert_non_null(out);
	/* Find the data-set PDV in the vector: the second PDV. */
	for (i = 6; i + 6 <= sizeof(store_rq_explicit); ) {
		size_t l = (size_t)store_rq_explicit[i] << 24 |
		    (size_t)store_rq_explicit[i + 1] << 16 |
		    (size_t)store_rq_explicit[i + 2] << 8 |
		    store_rq_explicit[i + 3];

		if ((store_rq_explicit[i + 5] & 0x01) == 0) {
			ds = store_rq_explicit + i + 6;
			dslen = l - 2;
			break;
		}
		i += 4 + l;
	}
	assert_non_null(ds);
	bb_store_cmd(out);
	bb_pdata(out, 3, 0x00, ds, 5);
	bb_pdata(out, 3, 0x00, ds + 5, 60);
	bb_pdata(out, 3, 0x02, ds + 65, dslen - 65);
	f = play(conv_full, 2, SIZE_MAX, 0);
	assert_int_equal(fx_feed(f, TS, out->b, out->n), PARSE_OK);
	assert_int_equal(f->rec.n_cmd, 1);
	check_equipment(&f->rec.cmd[0], 11);
	assert_false(f->rec.leak);
	fx_free(f);
	free(out);
}

/*
 * The scan stops at an undefined length, after 64 KiB, and does not
 * read values longer than DICOM_DS_VAL_MAX; the command is reported
 * with what was found before.
 */
static void
test_dicom_data_set_scan_limits(void **unused)
{
	struct bb *ds = calloc(1, sizeof(*ds)), *out = calloc(1, sizeof(*out));
	static uint8_t big[70000];
	struct fx *f;

	(void)unused;
	assert_non_null(ds);
	assert_non_null(out);

	/* Modality, then a sequence of undefined length, then a model. */
	bb_eelem(ds, 0x0008, 0x0060, "CS", "MR", 2);
	bb_eelem_long(ds, 0x0008, 0x1032, "SQ", NULL, 0xffffffffu);
	bb_eelem(ds, 0x0008, 0x1090, "LO", "HIDDEN", 6);
	bb_store_cmd(out);
	bb_pdata(out, 3, 0x02, ds->b, ds->n);
	f = play(conv_full, 2, SIZE_MAX, 0);
	assert_int_equal(fx_feed(f, TS, out->b, out->n), PARSE_OK);
	assert_int_equal(f->rec.n_cmd, 1);
	assert_string_equal(f->rec.cmd[0].equipment.modality, "MR");
	assert_string_equal(f->rec.cmd[0].equipment.model, "");
	fx_free(f);

	/* 70000 bytes of (0008,0050) UT before the modality: past 64 KiB. */
	ds->n = out->n = 0;
	memset(big, 'A', sizeof(big));
	bb_eelem_long(ds, 0x0008, 0x0050, "UT", big, sizeof(big));
	bb_eelem(ds, 0x0008, 0x0060, "CS", "MR", 2);
	bb_store_cmd(out);
	bb_pdata(out, 3, 0x02, ds->b, ds->n);
	f = play(conv_full, 2, SIZE_MAX, 0);
	assert_int_equal(fx_feed(f, TS, out->b, out->n), PARSE_OK);
	assert_int_equal(f->rec.n_cmd, 1);
	assert_false(f->rec.cmd[0].flags & DICOM_CMD_HAS_EQUIPMENT);
	assert_null(strstr(fact_json(f, 1), "equipment"));
	fx_free(f);

	/* A 300-byte manufacturer is skipped; the model after it is read. */
	ds->n = out->n = 0;
	bb_eelem(ds, 0x0008, 0x0070, "LO", big, 300);
	bb_eelem(ds, 0x0008, 0x1090, "LO", "M1", 2);
	bb_store_cmd(out);
	bb_pdata(out, 3, 0x02, ds->b, ds->n);
	f = play(conv_full, 2, SIZE_MAX, 0);
	assert_int_equal(fx_feed(f, TS, out->b, out->n), PARSE_OK);
	assert_string_equal(f->rec.cmd[0].equipment.manufacturer, "");
	assert_string_equal(f->rec.cmd[0].equipment.model, "M1");
	fx_free(f);

	/* Elements out of order: the scan stops. */
	ds->n = out->n = 0;
	bb_eelem(ds, 0x0008, 0x1090, "LO", "M1", 2);
	bb_eelem(ds, 0x0008, 0x0060, "CS", "MR", 2);
	bb_store_cmd(out);
	bb_pdata(out, 3, 0x02, ds->b, ds->n);
	f = play(conv_full, 2, SIZE_MAX, 0);
	assert_int_equal(fx_feed(f, TS, out->b, out->n), PARSE_OK);
	assert_string_equal(f->rec.cmd[0].equipment.model, "M1");
	assert_string_equal(f->rec.cmd[0].equipment.modality, "");
	fx_free(f);
	free(ds);
	free(out);
}


/*
 * An A-ABORT from the PACS while the CT is inside a C-STORE data set:
 * the C-STORE is reported with what was scanned, then the abort; the
 * rest of the CT's P-DATA-TF is still framed correctly.
 */
static void
test_dicom_abort_during_data_set(void **unused)
{
	const uint8_t *acme;
	struct fx *f;
	size_t cut;

	(void)unused;
	/* Cut inside the manufacturer's value, after the modality. */
	acme = memmem(store_rq_explicit, sizeof(store_rq_explicit), "ACME", 4);
	assert_non_null(acme);
	cut = (size_t)(acme - store_rq_explicit) + 2;
	f = play(conv_full, 2, SIZE_MAX, 0);
	assert_int_equal(fx_feed(f, TS, store_rq_explicit, cut), PARSE_OK);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(fx_feed(f, TC, abort_pdu, sizeof(abort_pdu)),
	    PARSE_OK);
	assert_int_equal(f->rec.n, 3);
	assert_int_equal(f->rec.n_cmd, 1);
	assert_has(fact_json(f, 1), "\"command\":\"C-STORE-RQ\"");
	assert_has(fact_json(f, 1), "\"modality\":\"CT\"");
	assert_null(strstr(fact_json(f, 1), "manufacturer"));
	assert_null(strstr(fact_json(f, 1), "serial_number"));
	assert_has(fact_json(f, 2), "\"type\":\"abort\"");
	assert_int_equal(fx_feed(f, TS, store_rq_explicit + cut,
	    sizeof(store_rq_explicit) - cut), PARSE_OK);
	assert_int_equal(fx_feed(f, TS, echo_rq, sizeof(echo_rq)), PARSE_OK);
	assert_int_equal(f->rec.n, 4);
	assert_int_equal(f->rec.cmd[1].command_field, 0x0030);
	assert_int_equal(f->ctx.n_anom, 0);
	assert_false(f->rec.leak);
	fx_free(f);
}


/* An item: type, reserved, 2-byte big-endian length, value. */
static void
bb_item(struct bb *b, uint8_t type, const void *v, size_t n)
{
	uint8_t h[4] = { type, 0, (uint8_t)(n >> 8), (uint8_t)n };

	bb_put(b, h, 4);
	bb_put(b, v, n);
}

static void
bb_item_str(struct bb *b, uint8_t type, const char *s)
{
	bb_item(b, type, s, strlen(s));
}

/* An A-ASSOCIATE-RQ or -AC PDU around these items. */
static void
bb_assoc(struct bb *out, uint8_t type, const struct bb *items)
{
	uint8_t h[2] = { type, 0 };
	uint8_t fixed[68];

	memset(fixed, 0, sizeof(fixed));
	fixed[1] = 0x01;
	memset(fixed + 4, ' ', 32);
	memcpy(fixed + 4, "ARCHIVE", 7);
	memcpy(fixed + 20, "US_ROOM3", 8);
	bb_put(out, h, 2);
	bb_be32(out, (uint32_t)(sizeof(fixed) + items->n));
	bb_put(out, fixed, sizeof(fixed));
	bb_put(out, items->b, items->n);
}

/*
 * User information extras (PS3.7 D.3.3): asynchronous operations
 * window (0x53), SCP/SCU role selection (0x54), SOP class extended
 * negotiation (0x56), the server's user identity response (0x59); a
 * context offering nine transfer syntaxes; a context accepted in
 * explicit VR big endian, whose data set is not scanned.
 */
static void
test_dicom_user_info_extras(void **unused)
{
	static const char vr[] = "1.2.840.10008.1.1";
	static const char bigend[] = "1.2.840.10008.1.2.2";
	struct bb *it = calloc(1, sizeof(*it)), *sub = calloc(1, sizeof(*sub));
	struct bb *pc = calloc(1, sizeof(*pc)), *rq = calloc(1, sizeof(*rq));
	struct bb *ac = calloc(1, sizeof(*ac)), *ds = calloc(1, sizeof(*ds));
	struct bb *st = calloc(1, sizeof(*st));
	uint8_t hdr[4] = { 1, 0, 0, 0 };
	struct fx *f;
	const char *j;
	int i;

	(void)unused;
	assert_true(it && sub && pc && rq && ac && ds && st);
	/* RQ: context 1 offers nine transfer syntaxes. */
	bb_put(pc, hdr, 4);
	bb_item_str(pc, 0x30, vr);
	for (i = 0; i < 9; i++)
		bb_item_str(pc, 0x40, "1.2.840.10008.1.2");
	bb_item(it, 0x20, pc->b, pc->n);
	pc->n = 0;
	hdr[0] = 3;
	bb_put(pc, hdr, 4);
	bb_item_str(pc, 0x30, "1.2.840.10008.5.1.4.1.1.6.1");
	bb_item_str(pc, 0x40, bigend);
	bb_item(it, 0x20, pc->b, pc->n);
	bb_item(sub, 0x53, "\x00\x05\x00\x01", 4);
	bb_item(sub, 0x54, "\x00\x11" "1.2.840.10008.1.1" "\x01\x00", 21);
	bb_item(sub, 0x56, "\x00\x11" "1.2.840.10008.1.1" "\x01", 20);
	bb_item(sub, 0x58, "\x01\x00\x00\x04" "user" "\x00\x00", 10);
	bb_item(it, 0x50, sub->b, sub->n);
	bb_assoc(rq, 0x01, it);

	/* AC: both accepted; the user identity server response. */
	it->n = sub->n = pc->n = 0;
	hdr[0] = 1;
	bb_put(pc, hdr, 4);
	bb_item_str(pc, 0x40, "1.2.840.10008.1.2");
	bb_item(it, 0x21, pc->b, pc->n);
	pc->n = 0;
	hdr[0] = 3;
	bb_put(pc, hdr, 4);
	bb_item_str(pc, 0x40, bigend);
	bb_item(it, 0x21, pc->b, pc->n);
	bb_item(sub, 0x53, "\x00\x01\x00\x01", 4);
	bb_item(sub, 0x59, "\x00\x02" "ok", 4);
	bb_item(it, 0x50, sub->b, sub->n);
	bb_assoc(ac, 0x02, it);

	f = fx_new();
	assert_int_equal(fx_feed(f, TS, rq->b, rq->n), PARSE_OK);
	assert_int_equal(fx_feed(f, TC, ac->b, ac->n), PARSE_OK);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->ctx.n_anom, 0);
	assert_int_equal(f->rec.pctx[0].n_ts, DICOM_MAX_TS);
	assert_true(f->rec.pctx[0].ts_truncated);
	j = fact_json(f, 0);
	assert_has(j, "\"called_ae\":\"ARCHIVE\",\"calling_ae\":\"US_ROOM3\"");
	assert_has(j, "\"transfer_syntaxes_truncated\":true");
	assert_has(j, "\"requestor\":{\"async_ops_invoked\":5,"
	    "\"async_ops_performed\":1,\"role_selections\":1,"
	    "\"extended_negotiations\":1}");
	assert_has(j, "\"acceptor\":{\"async_ops_invoked\":1,"
	    "\"async_ops_performed\":1}");
	assert_has(j, "\"user_identity_type\":\"username\"");
	assert_has(j, "\"user_identity_response\":true");
	assert_null(strstr(j, "\"user\""));

	/* A C-STORE in big endian: reported, its data set not scanned. */
	bb_eelem(ds, 0x0008, 0x0060, "CS", "US", 2);
	it->n = 0;
	bb_ielem(it, 0x0000, 0x0100, "\x01\x00", 2);
	bb_ielem(it, 0x0000, 0x0800, "\x00\x00", 2);
	bb_pdata(st, 3, 0x03, it->b, it->n);
	bb_pdata(st, 3, 0x02, ds->b, ds->n);
	assert_int_equal(fx_feed(f, TS, st->b, st->n), PARSE_OK);
	assert_int_equal(f->rec.n_cmd, 1);
	assert_false(f->rec.cmd[0].flags & DICOM_CMD_HAS_EQUIPMENT);
	fx_free(f);
	free(it);
	free(sub);
	free(pc);
	free(rq);
	free(ac);
	free(ds);
	free(st);
}

/* A second association on the same connection gets its own fact. */
static void
test_dicom_second_association(void **unused)
{
	static const struct msg m[] = {
		MSG(TS, assoc_rq), MSG(TC, assoc_ac), MSG(TS, release_rq),
		MSG(TC, release_rp), MSG(TS, assoc_rq), MSG(TC, assoc_rj),
		MSG(TC, assoc_ac),
	};
	struct fx *f;

	(void)unused;
	f = play(m, NELEM(m), SIZE_MAX, 0);
	assert_int_equal(f->rec.n, 5);
	assert_has(fact_json(f, 0), "\"result\":\"accepted\"");
	assert_has(fact_json(f, 3), "\"result\":\"rejected\"");
	assert_has(fact_json(f, 3), "\"calling_ae\":\"CT_SCANNER_01\"");
	/* An AC after the RJ: reported alone, AE titles from the AC. */
	assert_has(fact_json(f, 4), "\"result\":\"accepted\"");
	assert_has(fact_json(f, 4), "\"calling_ae\":\"CT_SCANNER_01\"");
	assert_null(strstr(fact_json(f, 4), "\"transfer_syntaxes\""));
	fx_free(f);
}

static void
test_dicom_reject_and_abort_bad_length(void **unused)
{
	static const uint8_t rj[] = { 0x03, 0x00, 0x00, 0x00, 0x00, 0x05,
	    0x00, 0x01, 0x01, 0x07, 0x00 };
	static const uint8_t ab[] = { 0x07, 0x00, 0x00, 0x00, 0x00, 0x03,
	    0x00, 0x00, 0x00 };
	struct fx *f;

	(void)unused;
	f = parse_one(TC, rj, sizeof(rj), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDU_INVALID_LEN));
	assert_int_equal(f->rec.n, 0);
	fx_free(f);
	f = parse_one(TC, ab, sizeof(ab), PARSE_ERROR);
	assert_true(mock_has_anomaly(&f->ctx, EV_DICOM_PDU_INVALID_LEN));
	assert_int_equal(f->rec.n, 0);
	fx_free(f);
}

#define DBUF(mi, id)	mock_buf((mi), APP_BUF_##id, 0, NULL)

/* The association's and the commands' buffers; never a data set. */
static void
test_dicom_buffers(void **unused)
{
	struct fx *f;
	const struct mock_inspect *mi = NULL;
	unsigned k;

	(void)unused;
	play_inspect = true;
	f = play(conv_full, 9, SIZE_MAX, 0);
	play_inspect = false;
	assert_true(f->ctx.n_insp >= 4);
	/* The association: to the server, then the acceptor's side. */
	for (k = 0; k < f->ctx.n_insp; k++) {
		mi = mock_insp(&f->ctx, k);
		if (mi != NULL && DBUF(mi, DICOM_CALLING_AE) != NULL)
			break;
	}
	assert_true(k < f->ctx.n_insp);
	assert_int_equal(mi->dir, APP_DIR_TOSERVER);
	assert_string_equal(DBUF(mi, DICOM_CALLING_AE), "CT_SCANNER_01");
	assert_string_equal(DBUF(mi, DICOM_CALLED_AE), "PACS_MAIN");
	assert_string_equal(DBUF(mi, DICOM_IMPL_VERSION), "OFFIS_DCMTK_366");
	mi = mock_insp(&f->ctx, 0);
	assert_string_equal(DBUF(mi, DICOM_COMMAND), "C-MOVE-RQ");
	assert_string_equal(DBUF(mi, DICOM_MOVE_DEST), "WORKSTATION7");
	mi = mock_insp(&f->ctx, 1);
	assert_string_equal(DBUF(mi, DICOM_COMMAND), "C-FIND-RQ");
	assert_string_equal(DBUF(mi, DICOM_SOP_CLASS),
	    "1.2.840.10008.5.1.4.1.2.2.1");
	mock_reset(&f->ctx);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dicom_association_accepted),
		cmocka_unit_test(test_dicom_association_rejected),
		cmocka_unit_test(test_dicom_echo),
		cmocka_unit_test(test_dicom_store_equipment_explicit),
		cmocka_unit_test(test_dicom_store_equipment_implicit),
		cmocka_unit_test(test_dicom_store_midstream_sniff),
		cmocka_unit_test(test_dicom_patient_name_never_in_output),
		cmocka_unit_test(test_dicom_find_and_move),
		cmocka_unit_test(test_dicom_pseudonyms),
		cmocka_unit_test(test_dicom_buffers),
		cmocka_unit_test(test_dicom_command_fragmented_across_pdus),
		cmocka_unit_test(test_dicom_release_and_abort),
		cmocka_unit_test(test_dicom_every_truncation_is_incomplete),
		cmocka_unit_test(test_dicom_every_truncation_of_every_pdu),
		cmocka_unit_test(test_dicom_every_split_same_facts),
		cmocka_unit_test(test_dicom_client_stream_every_split),
		cmocka_unit_test(test_dicom_unknown_items_skipped),
		cmocka_unit_test(test_dicom_item_len_exceeds_pdu),
		cmocka_unit_test(test_dicom_pdv_len_exceeds_pdu),
		cmocka_unit_test(test_dicom_pdu_too_long),
		cmocka_unit_test(test_dicom_unknown_pdu_type),
		cmocka_unit_test(test_dicom_fixed_pdus_bad_length),
		cmocka_unit_test(test_dicom_presentation_context_cap),
		cmocka_unit_test(test_dicom_many_tiny_pdus_linear),
		cmocka_unit_test(test_dicom_gap_resync),
		cmocka_unit_test(test_dicom_command_cap),
		cmocka_unit_test(test_dicom_probe),
		cmocka_unit_test(test_dicom_assoc_rq_4gb),
		cmocka_unit_test(test_dicom_parser_ops),
		cmocka_unit_test(test_dicom_bad_protocol_version),
		cmocka_unit_test(test_dicom_dimse_invalid_and_long_uid),
		cmocka_unit_test(test_dicom_data_set_across_pdvs),
		cmocka_unit_test(test_dicom_data_set_scan_limits),
		cmocka_unit_test(test_dicom_abort_during_data_set),
		cmocka_unit_test(test_dicom_user_info_extras),
		cmocka_unit_test(test_dicom_second_association),
		cmocka_unit_test(test_dicom_reject_and_abort_bad_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
