/*
 * app/smb.h - SMB1 and SMB2/3 transaction facts and the SMB parser.
 *
 * One fact is one transaction: a request and its response (paired by
 * SMB1 multiplex id or SMB2 message id), or either alone.  What it
 * names is what Suricata's smb record names: the command, its status,
 * the dialects, the share and file, the NTLMSSP identity the client
 * gave (user, domain, workstation, Windows version) and SMB1's native
 * OS and LAN manager strings.  File contents are never kept: reads and
 * writes give their sizes, and their first bytes only to the rule
 * engine (file.data) during the call.  Every string is NUL-terminated
 * and cut to its array; control characters are replaced by '?'.
 */
#ifndef WW_PROTO_SMB_H
#define WW_PROTO_SMB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

/* A PDU is held whole up to this size; past it the parser reads its
 * first SMB_MAX_HOLD bytes (headers, and file data for the rule
 * engine) and skips the rest. */
#define SMB_MAX_HOLD		(64u << 10)
#define SMB_MAX_PENDING		8	/* requests awaiting replies */
#define SMB_MAX_TREES		8	/* tree id -> share */
#define SMB_MAX_FILES		8	/* file id -> name */
#define SMB_MAX_TRANS		8	/* SMB1 transactions open */
#define SMB_MAX_DIALECTS	12
#define SMB_MAX_COMPOUND	32	/* SMB2 commands in one PDU */

#define SMB_DIALECT_LEN		24
#define SMB_NAME_LEN		192	/* file names, shares */
#define SMB_VALUE_LEN		64	/* users, hosts, OS strings */

/* Anomaly flags of one transaction (besides the counted anomalies). */
#define SMB_F_DOUBLEPULSAR	0x01	/* the implant answered */
#define SMB_F_TRANS_MISMATCH	0x02	/* secondary of another kind */
#define SMB_F_OVERSIZED		0x04	/* NT_TRANSACT over 64 KiB */
#define SMB_F_NT_UNIMPLEMENTED	0x08	/* NT_TRANSACT 0, NT_RENAME */
#define SMB_F_TRANS2_SETUP	0x10	/* unimplemented SESSION_SETUP */
#define SMB_F_WRITE_INTERLEAVE	0x20	/* WRITE_ANDX into a transaction */

struct smb_ntlmssp {
	char		 user[SMB_VALUE_LEN];
	char		 domain[SMB_VALUE_LEN];
	char		 host[SMB_VALUE_LEN];
	bool		 has_version;
	uint8_t		 major, minor;
	uint16_t	 build;
};

struct smb_facts {
	uint64_t	 id;		/* transaction number in the flow */
	uint8_t		 version;	/* 1 or 2 (2 also for SMB3) */
	bool		 has_request;
	bool		 has_response;
	bool		 encrypted;	/* an SMB3 transform header */
	uint16_t	 command;
	bool		 has_subcmd;
	uint16_t	 subcmd;	/* TRANS/TRANS2 setup, NT_TRANS function */
	uint32_t	 status;
	uint64_t	 mid;		/* SMB1 multiplex id, SMB2 message id */
	uint64_t	 session_id;
	uint32_t	 tree_id;
	char		 dialect[SMB_DIALECT_LEN];
	unsigned	 n_client_dialects;
	char		 client_dialects[SMB_MAX_DIALECTS][SMB_DIALECT_LEN];
	bool		 has_server_guid;
	uint8_t		 server_guid[16];
	char		 filename[SMB_NAME_LEN];
	char		 rename_to[SMB_NAME_LEN];
	bool		 rename;
	bool		 delete;
	char		 share[SMB_NAME_LEN];
	const char	*share_type;	/* "FILE", "PIPE", "PRINT" or NULL */
	bool		 named_pipe;	/* filename is a pipe on IPC$ */
	bool		 has_size;
	uint64_t	 size;		/* read or write bytes */
	bool		 has_ntlmssp;	/* the client's AUTHENTICATE */
	struct smb_ntlmssp ntlmssp;
	bool		 has_client_version;	/* NEGOTIATE or AUTHENTICATE */
	uint8_t		 client_major, client_minor;
	uint16_t	 client_build;
	bool		 has_server_version;	/* the server's CHALLENGE */
	uint8_t		 server_major, server_minor;
	uint16_t	 server_build;
	char		 server_host[SMB_VALUE_LEN];	/* CHALLENGE NetBIOS name */
	char		 req_native_os[SMB_VALUE_LEN];
	char		 req_native_lm[SMB_VALUE_LEN];
	char		 resp_native_os[SMB_VALUE_LEN];
	char		 resp_native_lm[SMB_VALUE_LEN];
	unsigned	 flags;		/* SMB_F_* */
};

/* SMB1 and SMB2 command names as Suricata logs them, NULL if unknown. */
const char	*smb1_command_name(uint8_t);
const char	*smb2_command_name(uint16_t);
/* NTSTATUS name ("STATUS_SUCCESS"), NULL if unknown. */
const char	*smb_status_name(uint32_t);
/* "Windows 7" for NTLMSSP version 6.1; build tells 10 from 11. */
const char	*smb_windows_name(uint8_t major, uint8_t minor, uint16_t build);

extern const struct app_parser smb_parser;

#endif /* WW_PROTO_SMB_H */
