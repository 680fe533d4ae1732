/*
 * digest.c - MD5, SHA-1 and SHA-256 with implementations fetched once.
 *
 * EVP_Digest() with EVP_md5() and the like looks the implementation up
 * in OpenSSL 3's provider registry again on every call (an implicit
 * fetch, with its locks and name lookups), which cost more than the
 * hashing of a JA3 string.  The fetched ones are kept for the life of
 * the process.
 */
#include <config.h>

#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/digest.h"

static const char *const md_names[UTIL_MD_MAX] = { "MD5", "SHA1",
    "SHA256" };
static const EVP_MD *md_impl[UTIL_MD_MAX];
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void
md_fetch(void)
{
	int i;

	for (i = 0; i < UTIL_MD_MAX; i++)
		md_impl[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
	/* Without a provider that has it (a FIPS one for MD5), the
	 * legacy method: the implicit fetch may still find one. */
	if (md_impl[UTIL_MD5] == NULL)
		md_impl[UTIL_MD5] = EVP_md5();
	if (md_impl[UTIL_SHA1] == NULL)
		md_impl[UTIL_SHA1] = EVP_sha1();
	if (md_impl[UTIL_SHA256] == NULL)
		md_impl[UTIL_SHA256] = EVP_sha256();
}

unsigned
util_digest(enum util_md md, const void *p, size_t n,
    uint8_t out[UTIL_MD_SIZE])
{
	uint8_t buf[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if ((unsigned)md >= UTIL_MD_MAX ||
	    pthread_once(&md_once, md_fetch) != 0 ||
	    EVP_Digest(p, n, buf, &len, md_impl[md], NULL) != 1 ||
	    len > UTIL_MD_SIZE)
		return 0;
	memcpy(out, buf, len);
	return len;
}
