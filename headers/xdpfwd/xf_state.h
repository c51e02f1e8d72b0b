/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_state.h - what a running consumer (`xdp-fwd run`, or any program on
 * libxdpfwd that publishes) tells others about itself, in files under
 * XF_RUN_DIR named after the network namespace and the interface:
 *
 *   NETNS-IFACE.state  the state, read by `status`, `stats --prometheus`
 *                      and a second `run` that finds the interface taken
 *   NETNS-IFACE.prom   its counters, Prometheus text only
 *   NETNS-IFACE.lock   flock()ed for the consumer's life (see cmd_run.c)
 *
 * The network namespace's inode keeps namespaces with equal interface
 * names apart.  Both data files are replaced whole (written to FILE.tmp,
 * then rename()d), so a reader never sees half of one.  Only the holder of
 * the lock publishes: the temporary names are not per process.
 *
 * The state file is text, one "key=value" per line, in this order:
 *
 *   version=1
 *   pid=1234                   the consumer's process
 *   state=running              or "waiting": no socket bound
 *   reason=link-down           only when waiting: why (a fault's name, ...)
 *   reconnects=2               re-binds after faults
 *   queue=0 zero-copy          one line per queue with a socket now:
 *   queue=1 copy               its number and mode
 *
 * Readers skip lines starting with '#' and keys they do not know; a file
 * without a pid, or of another version, is not read.  A file whose pid no
 * longer lives is stale (a killed consumer leaves its files behind) and
 * reads as no consumer.
 */
#ifndef XF_STATE_H
#define XF_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define XF_RUN_DIR		"/run/xdp-fwd"
#define XF_STATE_VERSION	1

enum xf_consumer_file {
	XF_CONSUMER_STATE,	/* .state */
	XF_CONSUMER_PROM,	/* .prom */
	XF_CONSUMER_LOCK,	/* .lock */
};

/* The path of one of ifname's consumer files: 0, -EINVAL, -ENAMETOOLONG. */
int xf_consumer_path(const char *ifname, enum xf_consumer_file which, char *buf, size_t len);

#define XF_CONSUMER_MAX_QUEUES 64
struct xf_consumer {
	int pid;
	bool waiting;		/* no socket bound: the interface is not ready */
	char reason[32];	/* why it waits ("link-down", ...); "" when running */
	unsigned long long reconnects;
	unsigned int nq;	/* queues with a socket now */
	struct {
		unsigned int queue;
		bool zerocopy;
	} q[XF_CONSUMER_MAX_QUEUES];
};

/*
 * Replace ifname's files: the Prometheus text prom[0..prom_len) when prom
 * is not NULL, then the state c.  The state goes last, so whoever sees it
 * finds counters beside it.  0 or a negative errno (quietly: a consumer
 * that cannot publish keeps running; it said so when it claimed the
 * interface).
 */
int xf_consumer_publish(const char *ifname, const struct xf_consumer *c,
			const char *prom, size_t prom_len);

/*
 * The state of ifname's live consumer into c: 0, or -ENOENT when there is
 * none (no file, or a stale one), -EINVAL when the file is not a state
 * file of this version.  Quiet: "no consumer" is the common answer.
 */
int xf_consumer_read(const char *ifname, struct xf_consumer *c);

/* The Prometheus text of ifname's live consumer, open for reading, or NULL. */
FILE *xf_consumer_prom_open(const char *ifname);

/* Remove ifname's state and counter files and their temporaries (the owner's, at its end). */
void xf_consumer_unpublish(const char *ifname);

#endif /* XF_STATE_H */
