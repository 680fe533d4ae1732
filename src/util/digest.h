/*
 * digest.h - MD5, SHA-1 and SHA-256 through OpenSSL, its
 * implementations fetched once.
 */
#ifndef WW_UTIL_DIGEST_H
#define WW_UTIL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum util_md {
	UTIL_MD5,
	UTIL_SHA1,
	UTIL_SHA256,
	UTIL_MD_MAX
};

#define UTIL_MD_SIZE	32	/* the longest of them */

/* The digest of n bytes at p into out (UTIL_MD_SIZE bytes): its length,
 * or 0 when OpenSSL could not make it. */
unsigned	util_digest(enum util_md, const void *p, size_t n,
		    uint8_t out[UTIL_MD_SIZE]);

#endif /* WW_UTIL_DIGEST_H */
