/*
 * capture.h - packet sources: pcap/pcapng files and live interfaces.
 *
 * Offline inputs are checked before use: a file libpcap cannot open, or
 * whose link type the decoder does not know, is refused with its name
 * and the reason.  A read error in the middle of a file (truncated
 * record, caplen beyond the snap length) ends that file with the packet
 * number; what was read before it is processed normally.
 */
#ifndef WW_CAPTURE_H
#define WW_CAPTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#define CAPTURE_ERRBUF	(PCAP_ERRBUF_SIZE + 512)
#define CAPTURE_IOBUF	(1u << 18)	/* stdio buffer for capture files */

/* Largest record libpcap accepts for the link types we decode. */
#define CAPTURE_MAX_SNAPLEN	262144

struct capture {
	pcap_t		*pcap;
	char		*name;		/* file path or interface */
	char		*iobuf;		/* offline: stdio buffer */

	/*
	 * Offline, a classic pcap file on disk is read from a read-only
	 * mapping rather than through libpcap (map != NULL; libpcap still
	 * checks the file header, maps the link type and compiles the
	 * filter).  libpcap copies every record twice and reuses its
	 * buffer; mapped, a record stays where it is, so a worker can read
	 * it there instead of from a copy (capture_stable()).
	 */
	const uint8_t	*map;
	size_t		 map_len;
	size_t		 map_off;	/* next record header */
	size_t		 released;	/* pages before it were given back */
	bool		 swapped;	/* file byte order is not ours */
	bool		 nsec;		/* nanosecond time stamps */
	uint32_t	 snapshot;
	struct pcap_pkthdr hdr;		/* of the record last returned */
	struct bpf_program prog;
	bool		 has_prog;
	char		 errbuf[PCAP_ERRBUF_SIZE];

	bool		 live;
	int		 datalink;
	int		 fd;		/* live: for poll(2) */
	uint64_t	 pkts;		/* records read from this source */
	uint64_t	 last_us;	/* newest time stamp read from it */
	/* Live: pcap_stats counters widened to 64 bits. */
	uint32_t	 last_recv, last_drop, last_ifdrop;
	uint64_t	 recv, drop, ifdrop;
};

/*
 * Expand the -r arguments into a list of files: a directory contributes
 * its regular files in name order (not recursive, hidden files
 * skipped); files in it that are not captures are passed over with a
 * line each on msg (NULL: silently).  "-" is standard input.  Returns
 * 0, or -1 with a message in err.
 */
int	capture_expand_inputs(char *const *args, size_t nargs, char ***files,
	    size_t *nfiles, char *err, size_t errlen, FILE *msg);
/* Why a file is not a capture ("gzip-compressed ..."), or NULL. */
const char *capture_file_kind(const char *path);
void	capture_free_inputs(char **files, size_t nfiles);

int	capture_open_offline(struct capture *, const char *path,
	    const char *bpf, char *err, size_t errlen);
int	capture_open_live(struct capture *, const char *iface,
	    uint32_t snaplen, bool promisc, uint32_t buffer_size,
	    const char *bpf, char *err, size_t errlen);
void	capture_close(struct capture *);

/*
 * Offline: the next record.  1 with *h and *data set, 0 at the end of
 * the file, -1 for a damaged record (capture_error() says why).
 */
int	capture_next(struct capture *, struct pcap_pkthdr **h,
	    const u_char **data);
const char *capture_error(struct capture *);
/*
 * Whether the data capture_next() returns stay valid after the next
 * call: until capture_release() passes their offset, or the close.
 */
static inline bool
capture_stable(const struct capture *c)
{
	return c->map != NULL;
}

/* Offset in the file of a record's data (stable sources only). */
static inline uint64_t
capture_offset(const struct capture *c, const u_char *data)
{
	return (uint64_t)(data - c->map);
}
/* Nothing before offset 'below' will be read again: let it go. */
void	capture_release(struct capture *, uint64_t below);

/* Live: wait until packets are ready, a signal, or the timeout
 * (poll(2) return value). */
int	capture_wait(struct capture *, int timeout_ms);
/* Update the widened kernel counters (live only). */
void	capture_update_stats(struct capture *);
/*
 * Live: join the socket to a PACKET_FANOUT group that shares the
 * interface's packets out by the kernel's symmetric flow hash, IPv4
 * fragments reassembled first (so a datagram goes where its flow
 * goes).  *group < 0: a new group, whose id (unique, chosen by the
 * kernel) is stored in *group for the other members.  0, or -1 with
 * a message in err.
 */
int	capture_fanout(struct capture *, int *group, char *err,
	    size_t errlen);

#endif /* WW_CAPTURE_H */
