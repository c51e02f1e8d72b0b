/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* xf_util.h - numbers, names, interfaces, a clock, and what a running consumer publishes. */
#ifndef XF_UTIL_H
#define XF_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Parse an unsigned decimal in [min, max]; -EINVAL/-ERANGE on bad input. */
int xf_parse_u32(const char *s, __u32 min, __u32 max, __u32 *out);
int xf_parse_double(const char *s, double min, double max, double *out);
/* A list like "0,2-5" into out[] (at most cap values, each in [0, max)). */
int xf_parse_list(const char *s, int *out, unsigned int cap, unsigned int max,
		  unsigned int *n);

/* Interface name -> ifindex with a message naming the bad name; -ENODEV. */
int xf_ifindex(const char *ifname);
bool xf_ifname_valid(const char *ifname);

/* Names of the ABI enums; "?" when out of range. */
const char *xf_action_name(__u32 action);
const char *xf_perr_name(__u32 err);
const char *xf_event_name(__u32 ev);
int xf_action_parse(const char *s);	/* -1 when unknown */

/*
 * Where a running `xdp-fwd run` publishes its per-queue counters for
 * `stats --prometheus`: /run/xdp-fwd/NETNS-IFACE.prom (the network
 * namespace's inode keeps namespaces with equal interface names apart).
 */
#define XF_RUN_DIR "/run/xdp-fwd"
int xf_consumer_stats_path(const char *ifname, char *buf, size_t len);

/*
 * What a running `xdp-fwd run` on an interface publishes about itself: the
 * "# " lines at the top of its file (pid, state, reconnects, one line per
 * queue it has a socket on now), then its counters.
 */
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
 * Open ifname's consumer file when the consumer that wrote it still lives
 * (a killed one leaves its file behind): the stream is positioned after the
 * "# pid" line and c (when not NULL) is filled in.  NULL when there is none.
 */
FILE *xf_consumer_open(const char *ifname, struct xf_consumer *c);

/* Seconds since an arbitrary start (CLOCK_MONOTONIC). */
double xf_now(void);

#endif /* XF_UTIL_H */
