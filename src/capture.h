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
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#define CAPTURE_ERRBUF	(PCAP_ERRBUF_SIZE + 512)
#define CAPTURE_IOBUF	(1u << 18)	/* stdio buffer for capture files */

struct capture {
	pcap_t		*pcap;
	char		*name;		/* file path or interface */
	char		*iobuf;		/* offline: stdio buffer */
	bool		 live;
	int		 datalink;
	int		 fd;		/* live: for poll(2) */
	uint64_t	 pkts;		/* records read from this source */
	/* Live: pcap_stats counters widened to 64 bits. */
	uint32_t	 last_recv, last_drop, last_ifdrop;
	uint64_t	 recv, drop, ifdrop;
};

/*
 * Expand the -r arguments into a list of files: a directory contributes
 * its regular files in name order (not recursive, hidden files skipped).
 * Returns 0, or -1 with a message in err.
 */
int	capture_expand_inputs(char *const *args, size_t nargs, char ***files,
	    size_t *nfiles, char *err, size_t errlen);
void	capture_free_inputs(char **files, size_t nfiles);

int	capture_open_offline(struct capture *, const char *path,
	    const char *bpf, char *err, size_t errlen);
int	capture_open_live(struct capture *, const char *iface,
	    uint32_t snaplen, bool promisc, uint32_t buffer_size,
	    const char *bpf, char *err, size_t errlen);
void	capture_close(struct capture *);

/* Live: wait until packets are ready, a signal, or the timeout
 * (poll(2) return value). */
int	capture_wait(struct capture *, int timeout_ms);
/* Update the widened kernel counters (live only). */
void	capture_update_stats(struct capture *);

#endif /* WW_CAPTURE_H */
