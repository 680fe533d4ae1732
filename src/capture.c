/*
 * capture.c - libpcap sources, offline and live.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture.h"
#include "decode.h"
#include "util.h"

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
    size_t *nfiles, char *err, size_t errlen)
{
	size_t i, n = 0, cap = 0;
	char **list = NULL;

	for (i = 0; i < nargs; i++) {
		struct stat st;

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
				struct stat fst;

				if (ents[k]->d_name[0] != '.' &&
				    (size_t)snprintf(path, sizeof(path),
				    "%s/%s", args[i], ents[k]->d_name) <
				    sizeof(path) && stat(path, &fst) == 0 &&
				    S_ISREG(fst.st_mode))
					add_file(&list, &n, &cap, path);
				free(ents[k]);
			}
			free(ents);
		} else
			add_file(&list, &n, &cap, args[i]);
	}
	if (n == 0) {
		snprintf(err, errlen, "no capture files in %s",
		    nargs ? args[0] : "(none)");
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

void
capture_free_inputs(char **files, size_t nfiles)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
}

static int
set_filter(struct capture *c, const char *bpf, char *err, size_t errlen)
{
	struct bpf_program prog;

	if (bpf == NULL || *bpf == '\0')
		return 0;
	if (pcap_compile(c->pcap, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) ==
	    -1) {
		snprintf(err, errlen, "filter \"%s\": %s", bpf,
		    pcap_geterr(c->pcap));
		return -1;
	}
	if (pcap_setfilter(c->pcap, &prog) == -1) {
		snprintf(err, errlen, "filter \"%s\": %s", bpf,
		    pcap_geterr(c->pcap));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
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
	if ((fp = fopen(path, "rb")) == NULL) {
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
	c->live = true;
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
	return 0;
}

void
capture_close(struct capture *c)
{
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
