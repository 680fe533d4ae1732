/*
 * util/pseudo.c - keyed pseudonyms of patient identifiers (pseudo.h).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "util/pseudo.h"
#include "util/util.h"

static unsigned char pseudo_key[PSEUDO_KEY_MAX];
static size_t pseudo_keylen;		/* 0: off */

void
pseudo_set_key(const void *key, size_t len)
{
	if (key == NULL || len == 0 || len > sizeof(pseudo_key)) {
		explicit_bzero(pseudo_key, sizeof(pseudo_key));
		pseudo_keylen = 0;
		return;
	}
	memcpy(pseudo_key, key, len);
	pseudo_keylen = len;
}

bool
pseudo_on(void)
{
	return pseudo_keylen > 0;
}

/* Read a key file whole; a final newline is not part of the key. */
static int
pseudo_read(int fd, const char *path, char *err, size_t errlen)
{
	unsigned char buf[PSEUDO_KEY_MAX + 1];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(buf) && (r = read(fd, buf + n,
	    sizeof(buf) - n)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		n += (size_t)r;
	}
	if (n > PSEUDO_KEY_MAX) {
		snprintf(err, errlen, "%s: key longer than %d bytes", path,
		    PSEUDO_KEY_MAX);
		return -1;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n < PSEUDO_KEY_MIN) {
		snprintf(err, errlen, "%s: key shorter than %d bytes", path,
		    PSEUDO_KEY_MIN);
		return -1;
	}
	pseudo_set_key(buf, n);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

int
pseudo_setup(const char *keyfile, const char *statedir, char *err,
    size_t errlen)
{
	unsigned char key[32];
	char path[4096];
	struct stat st;
	int fd, rc;

	pseudo_set_key(NULL, 0);
	if (keyfile == NULL) {
		if (statedir == NULL || (size_t)snprintf(path, sizeof(path),
		    "%s/%s", statedir, PSEUDO_KEY_FILE) >= sizeof(path)) {
			snprintf(err, errlen, "privacy.pseudonyms: no key-file "
			    "and no state directory for one");
			return -1;
		}
		keyfile = path;
		/*
		 * Made once, readable by the sensor alone: every later run
		 * reads it, so pseudonyms stay the same.  Written whole
		 * and synced under another name, then linked into place:
		 * a crash never leaves a short key, and of two sensors
		 * starting at once the second takes the first's.
		 */
		if (access(path, F_OK) == -1 && errno == ENOENT) {
			char tmp[4096 + 16];
			bool ok;

			snprintf(tmp, sizeof(tmp), "%s.%ld", path,
			    (long)getpid());
			(void)unlink(tmp);
			fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, 0600);
			if (fd == -1) {
				snprintf(err, errlen, "%s: %s", tmp,
				    strerror(errno));
				return -1;
			}
			ok = RAND_bytes(key, sizeof(key)) == 1 &&
			    write(fd, key, sizeof(key)) ==
			    (ssize_t)sizeof(key) && fsync(fd) == 0;
			explicit_bzero(key, sizeof(key));
			if (close(fd) == -1)
				ok = false;
			if (ok && link(tmp, path) == -1 && errno != EEXIST)
				ok = false;
			(void)unlink(tmp);
			if (!ok) {
				snprintf(err, errlen, "%s: cannot write a new "
				    "key", path);
				return -1;
			}
		}
	}
	/* Never a link or a FIFO planted where the key should be. */
	if ((fd = open(keyfile, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", keyfile, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", keyfile);
		close(fd);
		return -1;
	}
	rc = pseudo_read(fd, keyfile, err, errlen);
	close(fd);
	return rc;
}

static bool
pseudo_pad(unsigned char c)
{
	return c == ' ' || c == '\0';
}

bool
pseudo_make(const char *kind, const void *id, size_t len,
    char out[PSEUDO_HEX + 1])
{
	static const char hx[] = "0123456789abcdef";
	const unsigned char *p = id;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned char msg[PSEUDO_ID_MAX + 16];
	unsigned int mlen = 0;
	size_t klen;
	bool ok;
	int i;

	out[0] = '\0';
	if (pseudo_keylen == 0 || p == NULL)
		return false;
	while (len > 0 && pseudo_pad(p[len - 1]))
		len--;
	while (len > 0 && pseudo_pad(*p)) {
		p++;
		len--;
	}
	if (len == 0)
		return false;
	klen = strlen(kind);
	if (klen + 1 + len > sizeof(msg))
		return false;		/* no identifier is this long */
	memcpy(msg, kind, klen);
	msg[klen] = ':';
	memcpy(msg + klen + 1, p, len);
	ok = HMAC(EVP_sha256(), pseudo_key, (int)pseudo_keylen, msg,
	    klen + 1 + len, mac, &mlen) != NULL && mlen >= PSEUDO_HEX / 2;
	explicit_bzero(msg, sizeof(msg));
	if (!ok)
		return false;
	for (i = 0; i < PSEUDO_HEX / 2; i++) {
		out[2 * i] = hx[mac[i] >> 4];
		out[2 * i + 1] = hx[mac[i] & 15];
	}
	out[PSEUDO_HEX] = '\0';
	return true;
}
