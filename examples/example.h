/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * example.h - what the examples share: their common options and running one
 * processor on every RX queue of an interface until a bound or a signal.
 * Built against the installed libxdpfwd only (pkg-config libxdpfwd).
 */
#ifndef EXAMPLE_H
#define EXAMPLE_H

#include <stdbool.h>
#include <xdpfwd.h>

/* Exit statuses: as xdp-fwd's (2 for bad usage). */
#define EX_OK		0
#define EX_FAIL		1
#define EX_USAGE	2

struct ex_opts {
	const char *prog;		/* argv[0]'s name, for messages */
	const char *ifname;
	double duration;		/* seconds; 0: until a signal */
	unsigned long long count;	/* frames in total; 0: no bound */
	bool json;
};

/*
 * Parse [options] IFACE.  usage is the example's own text, printed by
 * --help (to stdout) and after a usage error (to stderr).  Returns -1 when
 * the example should run, else the status to exit with.
 */
int ex_parse(int argc, char **argv, const char *usage, struct ex_opts *o);

/* What the engine counted over the run, all queues together. */
struct ex_totals {
	unsigned long long rx_packets, tx_packets, tx_dropped;
	unsigned int queues;
	double secs;
};

/*
 * Run ops on every queue of o->ifname (xdp-fwd must be loaded there) until
 * SIGINT/SIGTERM, o->duration or o->count frames.  ops->fini runs for each
 * queue before this returns.  EX_OK, or EX_FAIL after saying why.
 */
int ex_run(const struct ex_opts *o, const struct xf_proc_ops *ops, struct ex_totals *t);

#endif /* EXAMPLE_H */
