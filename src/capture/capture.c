/*
 * capture.c - libpcap sources, offline and live.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if_packet.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "util/util.h"

static void
add_file(char ***files, size_t *n, size_t *cap, const char *path)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*files = xreallocarray(*files, *cap, sizeof(**files));
	}
	(*files)[(*n)++] = xstrdup(path);
}

int
capture_expand_inputs(char *const *args, size_t nargs, char ***files,
    size_t *nfiles, char *err, size_t errlen, FILE *msg)
{
	size_t i, n = 0, cap = 0, skipped = 0;
	char **list = NULL;

	for (i = 0; i < nargs; i++) {
		struct stat st;

		if (strcmp(args[i], "-") == 0) {
			/* Standard input, read through libpcap. */
			add_file(&list, &n, &cap, args[i]);
			continue;
		}
		if (stat(args[i], &st) == -1) {
			snprintf(err, errlen, "%s: %s", args[i],
			    strerror(errno));
			goto out_free;
		}
		if (S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int k, m;

			if ((m = scandir(args[i], &ents, NULL, alphasort)) ==
			    -1) {
				snprintf(err, errlen, "%s: %s", args[i],
				    strerror(errno));
				goto out_free;
			}
			for (k = 0; k < m; k++) {
				char path[4096];
				const char *why;
				struct stat fst;

				if (ents[k]->d_name[0] != '.' &&
				    (size_t)snprintf(path, sizeof(path),
				    "%s/%s", args[i], ents[k]->d_name) <
				    sizeof(path) && stat(path, &fst) == 0 &&
				    S_ISREG(fst.st_mode)) {
					/* Other files in a directory of
					 * captures are passed over. */
					if ((why = capture_file_kind(path)) ==
					    NULL)
						add_file(&list, &n, &cap, path);
					else {
						skipped++;
						if (msg != NULL)
							fprintf(msg, "wardwatch: "
							    "%s: skipped: %s\n",
							    util_safe_str(path),
							    why);
					}
				}
				free(ents[k]);
			}
			free(ents);
		} else
			add_file(&list, &n, &cap, args[i]);
	}
	if (n == 0) {
		snprintf(err, errlen, "no capture files in %s%s",
		    nargs ? args[0] : "(none)",
		    skipped ? " (every file was skipped)" : "");
		goto out_free;
	}
	/* Files keep the argument order; a directory's are in name order. */
	*files = list;
	*nfiles = n;
	return 0;

 out_free:
	capture_free_inputs(list, n);
	return -1;
}

/*
 * What a file in a directory is when it is not a capture (NULL: a pcap
 * or pcapng file, by its first four bytes).  A compressed capture is
 * named as such, so the user knows to uncompress it.
 */
const char *
capture_file_kind(const char *path)
{
	unsigned char m[4];
	size_t got;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return strerror(errno);
	got = fread(m, 1, sizeof(m), fp);
	fclose(fp);
	if (got < 2)
		return "empty or too short to be a capture file";
	if (m[0] == 0x1f && m[1] == 0x8b)
		return "gzip-compressed (gunzip it first)";
	if (m[0] == 0x28 && m[1] == 0xb5)
		return "zstd-compressed (unzstd it first)";
	if (m[0] == 'B' && m[1] == 'Z' && got >= 3 && m[2] == 'h')
		return "bzip2-compressed (bunzip2 it first)";
	if (m[0] == 0xfd && m[1] == '7')
		return "xz-compressed (unxz it first)";
	if (got == 4) {
		uint32_t v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
		    (uint32_t)m[2] << 8 | m[3];

		switch (v) {
		case 0xa1b2c3d4:	/* pcap, microseconds */
		case 0xd4c3b2a1:
		case 0xa1b23c4d:	/* pcap, nanoseconds */
		case 0x4d3cb2a1:
		case 0x0a0d0d0a:	/* pcapng section header */
			return NULL;
		}
	}
	return "not a pcap or pcapng file";
}

void
capture_free_inputs(char **files, size_t nfiles)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
}

/* The program is kept: the mapped reader runs it itself. */
static int
set_filter(struct capture *c, const char *bpf, char *err, size_t errlen)
{
	if (bpf == NULL || *bpf == '\0')
		return 0;
	if (pcap_compile(c->pcap, &c->prog, bpf, 1, PCAP_NETMASK_UNKNOWN) ==
	    -1) {
		snprintf(err, errlen, "filter \"%s\": %s", bpf,
		    pcap_geterr(c->pcap));
		return -1;
	}
	c->has_prog = true;
	if (pcap_setfilter(c->pcap, &c->prog) == -1) {
		snprintf(err, errlen, "filter \"%s\": %s", bpf,
		    pcap_geterr(c->pcap));
		return -1;
	}
	return 0;
}

/* Classic pcap (not pcapng, not the "modified" variant): map it. */
#define PCAP_MAGIC_US		0xa1b2c3d4u
#define PCAP_MAGIC_NS		0xa1b23c4du
#define PCAP_FILE_HDR		24
#define PCAP_REC_HDR		16
#define BSWAP32(x)	(((x) >> 24) | (((x) >> 8) & 0xff00u) |	\
			 (((x) << 8) & 0xff0000u) | ((x) << 24))

/*
 * A mapped file that another process truncates raises SIGBUS on the
 * pages past its new end, in whichever thread touches them.  The
 * handler puts zero pages over the rest of the mapping, so the access
 * reads zeros and returns, and raises a flag the reader checks at each
 * record header: the file ends there with an error instead of the
 * process (a record cut by the truncation reads as zeros past the
 * cut).  One mapping at a time (the capture thread's).
 */
static volatile uintptr_t map_lo, map_hi;
static volatile sig_atomic_t map_shrank;
static struct sigaction map_prev;

static void
map_sigbus(int sig, siginfo_t *si, void *uctx)
{
	uintptr_t a = (uintptr_t)si->si_addr, pg;
	long psz = sysconf(_SC_PAGESIZE);

	if (psz > 0 && a >= map_lo && a < map_hi) {
		pg = a / (uintptr_t)psz * (uintptr_t)psz;
		if (mmap((void *)pg, map_hi - pg, PROT_READ,
		    MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) !=
		    MAP_FAILED) {
			map_shrank = 1;
			return;
		}
	}
	/* Not ours: what would have happened without us. */
	if (map_prev.sa_flags & SA_SIGINFO && map_prev.sa_sigaction != NULL)
		map_prev.sa_sigaction(sig, si, uctx);
	else if (map_prev.sa_handler != SIG_DFL &&
	    map_prev.sa_handler != SIG_IGN)
		map_prev.sa_handler(sig);
	else {
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

/* Ours unless someone replaced it since (then again, chaining to it). */
static void
map_install(void)
{
	struct sigaction sa, cur;

	if (sigaction(SIGBUS, NULL, &cur) == 0 &&
	    (cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == map_sigbus)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = map_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, &map_prev);
}

static void
map_file(struct capture *c, int fd)
{
	struct stat st;
	uint32_t magic;
	uint16_t ver[2];
	void *m;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < PCAP_FILE_HDR || (uint64_t)st.st_size > SIZE_MAX)
		return;
	if (pread(fd, &magic, sizeof(magic), 0) != sizeof(magic) ||
	    pread(fd, ver, sizeof(ver), 4) != sizeof(ver))
		return;
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS) {
		c->swapped = false;
	} else if (magic == BSWAP32(PCAP_MAGIC_US) ||
	    magic == BSWAP32(PCAP_MAGIC_NS)) {
		c->swapped = true;
		magic = BSWAP32(magic);
	} else
		return;		/* libpcap reads it */
	/* Before 2.4, caplen and len may be swapped: libpcap knows. */
	if (c->swapped) {
		ver[0] = (uint16_t)(ver[0] >> 8 | ver[0] << 8);
		ver[1] = (uint16_t)(ver[1] >> 8 | ver[1] << 8);
	}
	if (ver[0] != 2 || ver[1] != 4)
		return;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return;
	(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	map_install();
	map_shrank = 0;
	map_lo = (uintptr_t)m;
	map_hi = (uintptr_t)m + (size_t)st.st_size;
	c->map = m;
	c->map_len = (size_t)st.st_size;
	c->map_off = PCAP_FILE_HDR;
	c->nsec = magic == PCAP_MAGIC_NS;
	/* libpcap's view of the header: snaplen 0 or huge means the max. */
	c->snapshot = (uint32_t)pcap_snapshot(c->pcap);
	if (c->snapshot == 0 || c->snapshot > CAPTURE_MAX_SNAPLEN)
		c->snapshot = CAPTURE_MAX_SNAPLEN;
}

static uint32_t
rd32(const struct capture *c, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return c->swapped ? BSWAP32(v) : v;
}

/*
 * A time stamp field as libpcap 1.10 reads it: in the host's byte
 * order a signed 32-bit value, byte-swapped an unsigned one (its swap
 * yields an unsigned value).  Nanoseconds are divided by 1000 in that
 * same type.
 */
static int64_t
rd_ts(const struct capture *c, const uint8_t *p)
{
	uint32_t v = rd32(c, p);

	return c->swapped ? (int64_t)v : (int64_t)(int32_t)v;
}

/*
 * A record as libpcap 1.10's sf-pcap.c reads it, with its checks and
 * messages: a short header or short data is a truncated file, a
 * captured length over the maximum is a damaged record, one over the
 * file's snaplen (but under the maximum) is cut to the snaplen.
 */
static int
map_next(struct capture *c, struct pcap_pkthdr **h, const u_char **data)
{
	const uint8_t *r;
	size_t left;
	uint32_t caplen;

	for (;;) {
		left = c->map_len - c->map_off;
		if (left == 0)
			return 0;
		if (left < PCAP_REC_HDR) {
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "truncated dump file; tried to read %d header "
			    "bytes, only got %zu", PCAP_REC_HDR, left);
			return -1;
		}
		r = c->map + c->map_off;
		caplen = rd32(c, r + 8);	/* may fault: see map_sigbus */
		/* The flag is read after the load that may have raised it. */
		atomic_signal_fence(memory_order_seq_cst);
		if (map_shrank) {
			snprintf(c->errbuf, sizeof(c->errbuf), "the file "
			    "shrank while it was read (truncated by another "
			    "process?)");
			return -1;
		}
		c->hdr.ts.tv_sec = (time_t)rd_ts(c, r);
		c->hdr.ts.tv_usec = (suseconds_t)(c->nsec ?
		    rd_ts(c, r + 4) / 1000 : rd_ts(c, r + 4));
		c->hdr.len = rd32(c, r + 12);
		if (caplen > CAPTURE_MAX_SNAPLEN) {
			if (caplen > c->snapshot)
				snprintf(c->errbuf, sizeof(c->errbuf),
				    "invalid packet capture length %u, bigger "
				    "than snaplen of %u", caplen, c->snapshot);
			else
				snprintf(c->errbuf, sizeof(c->errbuf),
				    "invalid packet capture length %u, bigger "
				    "than maximum of %u", caplen,
				    CAPTURE_MAX_SNAPLEN);
			return -1;
		}
		if (left - PCAP_REC_HDR < caplen) {
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "truncated dump file; tried to read %u captured "
			    "bytes, only got %zu", caplen,
			    left - PCAP_REC_HDR);
			return -1;
		}
		c->map_off += PCAP_REC_HDR + caplen;
		c->hdr.caplen = caplen > c->snapshot ? c->snapshot : caplen;
		*h = &c->hdr;
		*data = r + PCAP_REC_HDR;
		if (!c->has_prog ||
		    pcap_offline_filter(&c->prog, &c->hdr, *data) != 0)
			return 1;
	}
}

int
capture_next(struct capture *c, struct pcap_pkthdr **h, const u_char **data)
{
	int rv;

	if (c->map != NULL)
		return map_next(c, h, data);
	rv = pcap_next_ex(c->pcap, h, data);
	if (rv == 1)
		return 1;
	if (rv == PCAP_ERROR_BREAK)
		return 0;
	snprintf(c->errbuf, sizeof(c->errbuf), "%s", pcap_geterr(c->pcap));
	return -1;
}

const char *
capture_error(struct capture *c)
{
	return c->errbuf;
}

void
capture_release(struct capture *c, uint64_t below)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t end;

	if (c->map == NULL || pg <= 0 || below > c->map_len)
		return;
	end = (size_t)below / (size_t)pg * (size_t)pg;
	if (end <= c->released)
		return;
	/* The pages leave our resident set; the page cache keeps them. */
	(void)madvise((void *)(uintptr_t)(c->map + c->released),
	    end - c->released, MADV_DONTNEED);
	c->released = end;
}

int
capture_open_offline(struct capture *c, const char *path, const char *bpf,
    char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	FILE *fp;

	memset(c, 0, sizeof(*c));
	/*
	 * Open the file ourselves to give stdio a large buffer: libpcap
	 * reads record by record, and with the default 4 KiB buffer a
	 * large capture costs a read(2) per few packets.
	 */
	if (strcmp(path, "-") == 0) {
		int fd = dup(STDIN_FILENO);

		if (fd == -1 || (fp = fdopen(fd, "rb")) == NULL) {
			snprintf(err, errlen, "standard input: %s",
			    strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
	} else if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((c->iobuf = malloc(CAPTURE_IOBUF)) != NULL)
		setvbuf(fp, c->iobuf, _IOFBF, CAPTURE_IOBUF);
	/* One time unit for every file: microseconds (nanosecond files are
	 * converted by libpcap).  On success pcap owns fp. */
	c->pcap = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (c->pcap == NULL) {
		snprintf(err, errlen, "%s: %s", path, perr);
		fclose(fp);
		free(c->iobuf);
		c->iobuf = NULL;
		return -1;
	}
	c->name = xstrdup(path);
	c->datalink = pcap_datalink(c->pcap);
	if (!decode_datalink_supported(c->datalink)) {
		const char *dn = pcap_datalink_val_to_name(c->datalink);

		snprintf(err, errlen, "%s: unsupported link type %d (%s)",
		    path, c->datalink, dn ? dn : "unknown");
		capture_close(c);
		return -1;
	}
	if (set_filter(c, bpf, err, errlen) == -1) {
		capture_close(c);
		return -1;
	}
	if (getenv("WARDWATCH_NO_MMAP") == NULL)
		map_file(c, fileno(fp));
	return 0;
}

int
capture_open_live(struct capture *c, const char *iface, uint32_t snaplen,
    bool promisc, uint32_t buffer_size, const char *bpf, char *err,
    size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	int rv;

	memset(c, 0, sizeof(*c));
	if ((c->pcap = pcap_create(iface, perr)) == NULL) {
		snprintf(err, errlen, "%s: %s", iface, perr);
		return -1;
	}
	c->name = xstrdup(iface);
	pcap_set_snaplen(c->pcap, (int)snaplen);
	pcap_set_promisc(c->pcap, promisc);
	pcap_set_timeout(c->pcap, 100);
	pcap_set_buffer_size(c->pcap, (int)buffer_size);
	pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_MICRO);
	rv = pcap_activate(c->pcap);
	if (rv < 0) {
		snprintf(err, errlen, "%s: %s", iface,
		    rv == PCAP_ERROR ? pcap_geterr(c->pcap) :
		    pcap_statustostr(rv));
		capture_close(c);
		return -1;
	}
	if (pcap_setnonblock(c->pcap, 1, perr) == -1 ||
	    (c->fd = pcap_get_selectable_fd(c->pcap)) == -1) {
		snprintf(err, errlen, "%s: cannot poll the capture: %s",
		    iface, perr[0] ? perr : "no selectable descriptor");
		capture_close(c);
		return -1;
	}
	c->datalink = pcap_datalink(c->pcap);
	if (!decode_datalink_supported(c->datalink)) {
		snprintf(err, errlen, "%s: unsupported link type %d", iface,
		    c->datalink);
		capture_close(c);
		return -1;
	}
	if (set_filter(c, bpf, err, errlen) == -1) {
		capture_close(c);
		return -1;
	}
	c->live = true;		/* only once it captures */
	return 0;
}

void
capture_close(struct capture *c)
{
	if (c->map != NULL) {
		map_lo = map_hi = 0;
		(void)munmap((void *)(uintptr_t)c->map, c->map_len);
	}
	c->map = NULL;
	if (c->has_prog)
		pcap_freecode(&c->prog);
	c->has_prog = false;
	if (c->pcap != NULL)
		pcap_close(c->pcap);	/* closes the FILE too */
	c->pcap = NULL;
	free(c->iobuf);
	c->iobuf = NULL;
	free(c->name);
	c->name = NULL;
}

int
capture_wait(struct capture *c, int timeout_ms)
{
	struct pollfd pfd;

	pfd.fd = c->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, timeout_ms);
}

/* pcap_stats counters are 32 bits and wrap; widen them. */
void
capture_update_stats(struct capture *c)
{
	struct pcap_stat ps;

	if (!c->live || c->pcap == NULL || pcap_stats(c->pcap, &ps) == -1)
		return;
	c->recv += (uint32_t)(ps.ps_recv - c->last_recv);
	c->drop += (uint32_t)(ps.ps_drop - c->last_drop);
	c->ifdrop += (uint32_t)(ps.ps_ifdrop - c->last_ifdrop);
	c->last_recv = ps.ps_recv;
	c->last_drop = ps.ps_drop;
	c->last_ifdrop = ps.ps_ifdrop;
}

/*
 * PACKET_FANOUT_HASH uses the kernel's symmetric flow hash (addresses
 * and ports sorted, since Linux 4.7), so both directions of a TCP or
 * UDP flow reach the same socket.  A group id is per network
 * namespace: the first socket asks for an unused one
 * (PACKET_FANOUT_FLAG_UNIQUEID) rather than guessing, so two sensors
 * on one interface never share out each other's packets.
 */
int
capture_fanout(struct capture *c, int *group, char *err, size_t errlen)
{
	uint32_t mode = PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;
	uint32_t v;
	socklen_t len = sizeof(v);
	int fd = pcap_fileno(c->pcap);

	if (*group < 0)
		v = (mode | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
	else
		v = mode << 16 | (uint32_t)*group;
	if (fd == -1 || setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &v,
	    sizeof(v)) == -1) {
		snprintf(err, errlen, "%s: PACKET_FANOUT: %s", c->name,
		    strerror(fd == -1 ? EBADF : errno));
		return -1;
	}
	if (*group < 0) {
		if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &v, &len) ==
		    -1) {
			snprintf(err, errlen, "%s: PACKET_FANOUT group: %s",
			    c->name, strerror(errno));
			return -1;
		}
		*group = (int)(v & 0xffff);
	}
	return 0;
}
