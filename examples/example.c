// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* example.c - the examples' common options and their run loop (example.h). */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "example.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

int ex_parse(int argc, char **argv, const char *usage, struct ex_opts *o)
{
	static const struct option opts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *slash = strrchr(argv[0], '/');
	__u32 n;
	int c;

	*o = (struct ex_opts){ .prog = slash ? slash + 1 : argv[0] };
	while ((c = getopt_long(argc, argv, "d:n:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (xf_parse_double(optarg, 0.1, 1e7, &o->duration)) {
				fprintf(stderr, "%s: bad --duration '%s' (seconds, 0.1 or more)\n",
					o->prog, optarg);
				return EX_USAGE;
			}
			break;
		case 'n':
			if (xf_parse_u32(optarg, 1, 0xffffffffu, &n)) {
				fprintf(stderr, "%s: bad --count '%s' (frames, 1 or more)\n",
					o->prog, optarg);
				return EX_USAGE;
			}
			o->count = n;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EX_OK;
		default:	/* getopt named the bad option */
			fputs(usage, stderr);
			return EX_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "%s: needs exactly one interface\n%s", o->prog, usage);
		return EX_USAGE;
	}
	o->ifname = argv[optind];
	if (!if_nametoindex(o->ifname)) {
		fprintf(stderr, "%s: no interface '%s'\n", o->prog, o->ifname);
		return EX_USAGE;
	}
	return -1;
}

static unsigned long long ld(_Atomic unsigned long long *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static unsigned long long rx_total(struct xf_run *r)
{
	unsigned long long n = 0;

	for (unsigned int i = 0; i < r->cfg.nq; i++)
		n += ld(&r->q[i].st.rx_packets);
	return n;
}

static void totals(struct xf_run *r, struct ex_totals *t)
{
	*t = (struct ex_totals){ .queues = r->cfg.nq };
	for (unsigned int i = 0; i < r->cfg.nq; i++) {
		t->rx_packets += ld(&r->q[i].st.rx_packets);
		t->tx_packets += ld(&r->q[i].st.tx_packets);
		t->tx_dropped += ld(&r->q[i].st.tx_dropped);
	}
}

/* Wait in steps of 10 ms: the workers do the work, this only watches the bounds. */
static void wait_for_end(const struct ex_opts *o, struct xf_run *r, double t0)
{
	while (!got_signal) {
		usleep(10000);
		if (o->duration && xf_now() - t0 >= o->duration)
			break;
		if (o->count && rx_total(r) >= o->count)
			break;
	}
}

int ex_run(const struct ex_opts *o, const struct xf_proc_ops *ops, struct ex_totals *t)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct xf_run_cfg cfg;
	struct xf_run run;
	double t0;
	int err;

	/* before the sockets exist, so that a signal during the setup still stops cleanly */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	*t = (struct ex_totals){};
	err = xf_run_cfg_default(&cfg, o->ifname, ops);
	if (err) {
		fprintf(stderr, "%s: cannot run on %s: %s (is xdp-fwd loaded there?)\n",
			o->prog, o->ifname, strerror(-err));
		return EX_FAIL;
	}
	err = xf_run_setup(&run, &cfg);
	if (err) {
		fprintf(stderr, "%s: cannot bind to %s: %s\n", o->prog, o->ifname, strerror(-err));
		goto out_cfg;
	}
	err = xf_run_start(&run);
	if (err) {
		fprintf(stderr, "%s: cannot start: %s\n", o->prog, strerror(-err));
		goto out_run;
	}
	/* the line a script waits for: every socket is in the XSKMAP from here on */
	fprintf(stderr, "%s: %s: %u queue%s, %s mode\n", o->prog, o->ifname, cfg.nq,
		cfg.nq == 1 ? "" : "s", cfg.nq && run.q[0].zerocopy ? "zero-copy" : "copy");
	t0 = xf_now();
	wait_for_end(o, &run, t0);
	xf_run_stop(&run);	/* out of the map, the RX rings drained */
	totals(&run, t);
	t->secs = xf_now() - t0;
out_run:
	xf_run_teardown(&run);	/* runs ops->fini on each queue */
out_cfg:
	xf_run_cfg_fini(&cfg);
	return err ? EX_FAIL : EX_OK;
}
