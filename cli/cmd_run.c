// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* run: the AF_XDP consumer, one socket and one worker per RX queue. */
#include <errno.h>
#include <getopt.h>	/* optind */
#include <linux/sockios.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "caps.h"
#include "cli.h"
#include "opts.h"
#include "xf_iface.h"
#include "xf_loader.h"
#include "xf_maps.h"
#include "xf_util.h"
#include "xf_xsk.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/*
 * Faults and reconnects.
 *
 * The main thread watches what the workers cannot see: the interface (gone,
 * or administratively down), the program on it (detached, replaced by
 * another, re-loaded by xdp-fwd with a new XSKMAP), the channel count, and
 * each worker's err.  On a fault it takes every socket out of the XSKMAP
 * (steered frames then take the program's XDP_PASS fallback to the kernel),
 * joins the workers, folds their counters into per-queue totals that
 * outlive the bind, and closes every socket and UMEM.  It then waits until
 * the interface is "ready" (up, xdp-fwd's program attached, at least one
 * wanted queue exists) and binds again.  A link that is down may still
 * accept a bind on some drivers, so readiness is decided here, not by the
 * bind.  The fast path is untouched: workers never look at any of this.
 */
enum fault {
	FAULT_NONE,
	FAULT_LINK_DOWN,
	FAULT_CHANNELS,
	FAULT_PROG_DETACHED,
	FAULT_PROG_REPLACED,
	FAULT_PROG_RELOADED,
	FAULT_SOCKET,
	FAULT_GONE,
	FAULT_MAX,
	FAULT_FATAL = FAULT_MAX,	/* frames do not add up: never reconnect */
};

/* The names in run's JSON ("faults"), the metrics and status's reason. */
static const char *const fault_names[FAULT_MAX] = {
	[FAULT_NONE] = "none",
	[FAULT_LINK_DOWN] = "link-down",
	[FAULT_CHANNELS] = "channels-changed",
	[FAULT_PROG_DETACHED] = "program-detached",
	[FAULT_PROG_REPLACED] = "program-replaced",
	[FAULT_PROG_RELOADED] = "program-reloaded",
	[FAULT_SOCKET] = "socket-error",
	[FAULT_GONE] = "interface-gone",
};

static const char *const fault_text[FAULT_MAX] = {
	[FAULT_NONE] = "",
	[FAULT_LINK_DOWN] = "the link went down",
	[FAULT_CHANNELS] = "the channel count changed",
	[FAULT_PROG_DETACHED] = "xdp-fwd's program was detached",
	[FAULT_PROG_REPLACED] = "another XDP program replaced xdp-fwd's",
	[FAULT_PROG_RELOADED] = "xdp-fwd's program was re-loaded",
	[FAULT_SOCKET] = "the socket reported an error",
	[FAULT_GONE] = "the interface is gone",
};

/*
 * Backoff before a re-bind: 100 ms after a fault, doubling with every bind
 * that fails and with every fault that comes within RECONNECT_STABLE_S of
 * the last bind (a flapping link), up to 5 s.  Readiness itself is looked
 * at every 100 ms: waiting costs nothing but a few system calls.
 */
#define RECONNECT_MIN_S		0.1
#define RECONNECT_MAX_S		5.0
#define RECONNECT_STABLE_S	10.0
#define TICK_US			100000

/* A queue's counters over the whole run: past binds, folded at each teardown. */
struct qtotal {
	bool seen;		/* bound at least once */
	bool bound;		/* has a socket now */
	bool accounted;		/* every bind's frames added up at its teardown */
	bool zerocopy;		/* the mode of the last bind */
	const char *mode_why;
	unsigned long long rx_packets, rx_bytes, tx_packets, tx_dropped, wakeups;
	unsigned long long rx_dropped, rx_invalid_descs, rx_ring_full, rx_fill_ring_empty_descs;
	unsigned long long tx_invalid_descs, tx_ring_empty_descs;
	unsigned long long binds, socket_errors;
};

struct runner {
	struct xf_run_cfg cfg;		/* queues[] and ifindex change per bind */
	struct xf_run run;
	bool bound;
	__u32 prog_id;			/* the program whose XSKMAP cfg.xsks_map is */
	bool loaded_here;		/* run loaded the program: it unloads it */
	__u32 own_id;			/* the program run loaded last */
	bool all;			/* --queues all */
	unsigned int want[XF_MAX_QUEUES], nwant;	/* an explicit --queues */
	unsigned int order[XF_MAX_QUEUES], norder;	/* queues in summary order */
	unsigned int nq_dev;		/* the device's queue count at the bind */
	unsigned int cap_nq;		/* at most this many sockets (capture rings) */
	struct qtotal qt[XF_MAX_QUEUES];
	unsigned long long faults[FAULT_MAX], reconnects;
	bool ended_bound;		/* the run stopped with its sockets bound */
	bool no_reconnect, wait_iface, quiet;
	const char *why;		/* waiting: the reason, a fault_names[] or below */
	double bound_at, next_try, backoff;
	char missing[64];		/* last "missing queues" message, said once */
	char lock_path[PATH_MAX];
	int lock_fd;			/* flock()ed while this run owns the interface */
};

/*
 * One consumer per interface and network namespace: the state file that
 * status and stats read is its alone, and two runs would re-bind each
 * other's queues.  A lock file beside the state file, flock()ed for the
 * life of the run, says who owns the interface; the kernel drops the lock
 * however the holder dies.  Without /run/xdp-fwd the run goes on unseen
 * by status (a warning).
 */
static int claim_interface(struct runner *rr)
{
	const char *ifname = rr->cfg.ifname;
	struct xf_consumer c;
	struct stat a, b;
	int fd;

	if (xf_consumer_path(ifname, XF_CONSUMER_LOCK, rr->lock_path, sizeof(rr->lock_path)))
		goto unseen;
	for (int tries = 0; tries < 10; tries++) {
		if (mkdir(XF_RUN_DIR, 0755) && errno != EEXIST)
			goto unseen;
		fd = open(rr->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;	/* the directory went with a last consumer */
			goto unseen;
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			int err = errno;

			close(fd);
			if (err != EWOULDBLOCK)
				goto unseen;
			cli_err("%s already has a consumer in this network namespace (xdp-fwd run, "
			       "pid %d): one run per interface; give that one every queue it "
			       "should serve (--queues)", ifname,
			       xf_consumer_read(ifname, &c) ? 0 : c.pid);
			return -EBUSY;
		}
		/* an exiting owner may have unlinked the file we locked */
		if (!fstat(fd, &a) && !stat(rr->lock_path, &b) && a.st_ino == b.st_ino) {
			rr->lock_fd = fd;
			return 0;
		}
		close(fd);
	}
unseen:
	cli_warn("cannot keep the consumer's state in %s (%s): status will not see this run",
		XF_RUN_DIR, strerror(errno));
	return 0;
}

static void release_interface(struct runner *rr)
{
	if (rr->lock_fd < 0)
		return;
	xf_consumer_unpublish(rr->cfg.ifname);
	unlink(rr->lock_path);	/* before the lock goes: see claim_interface() */
	close(rr->lock_fd);
	rr->lock_fd = -1;
	rmdir(XF_RUN_DIR);	/* only when no other consumer uses it */
}

/* The device's queue count now; 1 when it cannot say (as without channels). */
static unsigned int queue_count(const char *ifname)
{
	unsigned int n = 1;

	xf_iface_queues(ifname, &n, NULL);
	return n;
}

/* 1 up, 0 down, -1 gone (or renamed, or replaced by another ifindex). */
static int link_state(const char *ifname, int ifindex)
{
	struct ifreq ifr = {};
	int fd, up;

	if ((int)if_nametoindex(ifname) != ifindex)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	up = ioctl(fd, SIOCGIFFLAGS, &ifr) ? -1 : !!(ifr.ifr_flags & IFF_UP);
	close(fd);
	return up;
}

static unsigned long long ld(_Atomic unsigned long long *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

/* The socket of queue on the current bind, or NULL. */
static struct xf_queue *live_queue(struct runner *rr, unsigned int queue)
{
	for (unsigned int i = 0; rr->bound && i < rr->run.cfg.nq; i++)
		if (rr->run.q[i].queue == queue)
			return &rr->run.q[i];
	return NULL;
}

/* A queue's counters over the run: its totals plus the live bind's. */
static void queue_view(struct runner *rr, unsigned int queue, struct qtotal *v)
{
	struct xf_queue *q = live_queue(rr, queue);
	struct xdp_statistics xs;

	*v = rr->qt[queue];
	if (!q)
		return;
	v->rx_packets += ld(&q->st.rx_packets);
	v->rx_bytes += ld(&q->st.rx_bytes);
	v->tx_packets += ld(&q->st.tx_packets);
	v->tx_dropped += ld(&q->st.tx_dropped);
	v->wakeups += ld(&q->st.wakeups);
	if (!xf_xsk_stats(q, &xs)) {
		v->rx_dropped += xs.rx_dropped;
		v->rx_invalid_descs += xs.rx_invalid_descs;
		v->rx_ring_full += xs.rx_ring_full;
		v->rx_fill_ring_empty_descs += xs.rx_fill_ring_empty_descs;
		v->tx_invalid_descs += xs.tx_invalid_descs;
		v->tx_ring_empty_descs += xs.tx_ring_empty_descs;
	}
	v->accounted = v->accounted && xf_queue_frames_ok(q);
}

static unsigned long long total_rx(struct runner *rr)
{
	unsigned long long n = 0;
	struct qtotal v;

	for (unsigned int i = 0; i < rr->norder; i++) {
		queue_view(rr, rr->order[i], &v);
		n += v.rx_packets;
	}
	return n;
}

static void print_rates(struct runner *rr, unsigned long long *prev, double dt,
			unsigned long long *fill_empty_prev)
{
	unsigned long long tot_p = 0, tot_b = 0;

	for (unsigned int i = 0; rr->bound && i < rr->run.cfg.nq; i++) {
		struct xf_queue *q = &rr->run.q[i];
		unsigned int k = q->queue;
		struct xdp_statistics xs;
		struct qtotal v;

		queue_view(rr, k, &v);
		tot_p += v.rx_packets - prev[2 * k];
		tot_b += v.rx_bytes - prev[2 * k + 1];
		fprintf(stderr, "  q%-3u %12.0f pps %10.1f Mbit/s  tx %llu", k,
			(v.rx_packets - prev[2 * k]) / dt,
			(v.rx_bytes - prev[2 * k + 1]) * 8 / dt / 1e6, v.tx_packets);
		if (!xf_xsk_stats(q, &xs)) {
			fprintf(stderr, "  rx_dropped %llu ring_full %llu fill_empty %llu",
				v.rx_dropped, v.rx_ring_full, v.rx_fill_ring_empty_descs);
			if (xs.rx_fill_ring_empty_descs > fill_empty_prev[k])
				fprintf(stderr, "  WARNING: fill ring ran empty");
			fill_empty_prev[k] = xs.rx_fill_ring_empty_descs;
		}
		fputc('\n', stderr);
		prev[2 * k] = v.rx_packets;
		prev[2 * k + 1] = v.rx_bytes;
	}
	if (!rr->bound)
		fprintf(stderr, "  waiting (%s)\n", rr->why);
	fprintf(stderr, "total %12.0f pps %10.1f Mbit/s\n", tot_p / dt, tot_b * 8 / dt / 1e6);
}

static void summary_json(struct runner *rr, double secs, unsigned long long captured,
			 unsigned long long missed, bool capture)
{
	unsigned long long rp = 0, rb = 0, tp = 0;
	struct qtotal v;
	struct jw w;

	for (unsigned int i = 0; i < rr->norder; i++) {
		queue_view(rr, rr->order[i], &v);
		rp += v.rx_packets;
		rb += v.rx_bytes;
		tp += v.tx_packets;
	}
	jw_init(&w, stdout);
	jw_obj_open(&w, NULL);
	jw_str(&w, "ifname", rr->cfg.ifname);
	jw_str(&w, "mode", rr->cfg.ops.name);
	jw_dbl(&w, "duration", secs);
	jw_u64(&w, "rx_packets", rp);
	jw_u64(&w, "rx_bytes", rb);
	jw_u64(&w, "tx_packets", tp);
	if (capture) {
		jw_u64(&w, "captured", captured);
		jw_u64(&w, "capture_missed", missed);
	}
	jw_str(&w, "state", rr->bound || rr->ended_bound ? "running" : "waiting");
	jw_u64(&w, "reconnects", rr->reconnects);
	jw_obj_open(&w, "faults");
	for (int f = FAULT_NONE + 1; f < FAULT_MAX; f++)
		jw_u64(&w, fault_names[f], rr->faults[f]);
	jw_obj_close(&w);
	jw_arr_open(&w, "queues");
	for (unsigned int i = 0; i < rr->norder; i++) {
		queue_view(rr, rr->order[i], &v);
		jw_obj_open(&w, NULL);
		jw_u64(&w, "queue", rr->order[i]);
		jw_str(&w, "mode", v.zerocopy ? "zero-copy" : "copy");
		jw_str(&w, "mode_reason", v.mode_why);
		jw_bool(&w, "bound", v.bound);
		jw_u64(&w, "binds", v.binds);
		jw_u64(&w, "socket_errors", v.socket_errors);
		jw_u64(&w, "rx_packets", v.rx_packets);
		jw_u64(&w, "rx_bytes", v.rx_bytes);
		jw_u64(&w, "tx_packets", v.tx_packets);
		jw_u64(&w, "tx_dropped", v.tx_dropped);
		jw_u64(&w, "wakeups", v.wakeups);
		jw_u64(&w, "rx_dropped", v.rx_dropped);
		jw_u64(&w, "rx_invalid_descs", v.rx_invalid_descs);
		jw_u64(&w, "rx_ring_full", v.rx_ring_full);
		jw_u64(&w, "rx_fill_ring_empty_descs", v.rx_fill_ring_empty_descs);
		jw_u64(&w, "tx_invalid_descs", v.tx_invalid_descs);
		jw_u64(&w, "tx_ring_empty_descs", v.tx_ring_empty_descs);
		jw_bool(&w, "frames_accounted", v.accounted);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	fflush(stdout);
}

static void summary(struct runner *rr, double secs, bool json, unsigned long long captured,
		    unsigned long long missed, bool capture)
{
	unsigned long long rp = 0, rb = 0, tp = 0;
	struct qtotal v;

	if (json) {
		summary_json(rr, secs, captured, missed, capture);
		return;
	}
	for (unsigned int i = 0; i < rr->norder; i++) {
		queue_view(rr, rr->order[i], &v);
		rp += v.rx_packets;
		rb += v.rx_bytes;
		tp += v.tx_packets;
	}
	printf("%s: %llu packets, %llu bytes received, %llu sent in %.1f s (%.0f pps)\n",
	       rr->cfg.ifname, rp, rb, tp, secs, secs > 0 ? rp / secs : 0);
	for (unsigned int i = 0; i < rr->norder; i++) {
		queue_view(rr, rr->order[i], &v);
		printf("  queue %u (%s): rx %llu, tx %llu, rx_dropped %llu, "
		       "rx_ring_full %llu, fill_ring_empty %llu\n", rr->order[i],
		       v.zerocopy ? "zero-copy" : "copy", v.rx_packets, v.tx_packets,
		       v.rx_dropped, v.rx_ring_full, v.rx_fill_ring_empty_descs);
	}
	if (rr->reconnects || !(rr->bound || rr->ended_bound)) {
		printf("  %llu reconnects; faults:", rr->reconnects);
		for (int f = FAULT_NONE + 1; f < FAULT_MAX; f++)
			printf(" %s %llu", fault_names[f], rr->faults[f]);
		printf("%s\n", rr->bound || rr->ended_bound ? "" : "; ended while waiting");
	}
	if (capture)
		printf("  captured %llu, not captured (writer behind) %llu\n", captured, missed);
}

/* The counters of every queue bound so far, cumulative over re-binds, as Prometheus text. */
static void prom_write(struct runner *rr, FILE *f)
{
	static const char *const names[][2] = {
		{ "xdp_fwd_xsk_rx_packets_total", "Frames the AF_XDP consumer received, by queue." },
		{ "xdp_fwd_xsk_rx_bytes_total", "Bytes the AF_XDP consumer received, by queue." },
		{ "xdp_fwd_xsk_tx_packets_total", "Frames the AF_XDP consumer sent, by queue." },
		{ "xdp_fwd_xsk_rx_dropped_total", "Frames the kernel dropped for the socket (XDP_STATISTICS)." },
		{ "xdp_fwd_xsk_rx_ring_full_total", "Frames dropped because the RX ring was full." },
		{ "xdp_fwd_xsk_fill_ring_empty_total", "Times the fill ring was empty." },
		{ "xdp_fwd_xsk_binds_total", "Times the AF_XDP consumer bound a socket to the queue." },
	};
	struct qtotal v;

	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", names[k][0], names[k][1],
			names[k][0]);
		for (unsigned int i = 0; i < rr->norder; i++) {
			unsigned long long val[ARRAY_SIZE(names)];

			queue_view(rr, rr->order[i], &v);
			val[0] = v.rx_packets;
			val[1] = v.rx_bytes;
			val[2] = v.tx_packets;
			val[3] = v.rx_dropped;
			val[4] = v.rx_ring_full;
			val[5] = v.rx_fill_ring_empty_descs;
			val[6] = v.binds;
			fprintf(f, "%s{iface=\"%s\",queue=\"%u\",mode=\"%s\"} %llu\n", names[k][0],
				rr->cfg.ifname, rr->order[i], v.zerocopy ? "zero-copy" : "copy",
				val[k]);
		}
	}
	fprintf(f, "# HELP xdp_fwd_xsk_reconnects_total Re-binds of the AF_XDP consumer "
		"after a fault.\n# TYPE xdp_fwd_xsk_reconnects_total counter\n"
		"xdp_fwd_xsk_reconnects_total{iface=\"%s\"} %llu\n", rr->cfg.ifname,
		rr->reconnects);
	fprintf(f, "# HELP xdp_fwd_xsk_faults_total Faults that closed the AF_XDP consumer's "
		"sockets, by cause.\n# TYPE xdp_fwd_xsk_faults_total counter\n");
	for (int c = FAULT_NONE + 1; c < FAULT_MAX; c++)
		fprintf(f, "xdp_fwd_xsk_faults_total{iface=\"%s\",cause=\"%s\"} %llu\n",
			rr->cfg.ifname, fault_names[c], rr->faults[c]);
}

/*
 * Publish the consumer's state (for `xdp-fwd status`, `stats` and a second
 * run) and its counters (for `stats --prometheus`), which they show while
 * this process lives; xf_consumer_publish() replaces each file whole.
 */
static void publish(struct runner *rr)
{
	struct xf_consumer c = { .pid = (int)getpid(), .waiting = !rr->bound,
				 .reconnects = rr->reconnects };
	char *prom = NULL;
	size_t len = 0;
	FILE *f;

	if (rr->lock_fd < 0)
		return;		/* not ours, or nowhere to publish */
	if (!rr->bound)
		snprintf(c.reason, sizeof(c.reason), "%s", rr->why);
	for (unsigned int i = 0; rr->bound && i < rr->run.cfg.nq && c.nq < XF_CONSUMER_MAX_QUEUES; i++) {
		c.q[c.nq].queue = rr->run.q[i].queue;
		c.q[c.nq++].zerocopy = rr->run.q[i].zerocopy;
	}
	f = open_memstream(&prom, &len);
	if (!f)
		return;
	prom_write(rr, f);
	if (!fclose(f))
		xf_consumer_publish(rr->cfg.ifname, &c, prom, len);
	free(prom);
}

/*
 * Close every socket, keeping what they counted.  At the end of the run
 * (final) the queues stay marked bound: the summary says how the run ended.
 */
static void unbind(struct runner *rr, bool final)
{
	if (!rr->bound)
		return;
	/* out of the map, drained, joined: the counters are final */
	xf_run_stop(&rr->run);
	for (unsigned int i = 0; i < rr->run.cfg.nq; i++) {
		struct xf_queue *q = &rr->run.q[i];
		struct qtotal v;

		queue_view(rr, q->queue, &v);
		v.bound = final;
		rr->qt[q->queue] = v;
	}
	xf_run_teardown(&rr->run);
	rr->bound = false;
	rr->ended_bound = final;
}

/* Add queue to the summary's order, once. */
static void order_add(struct runner *rr, unsigned int queue)
{
	if (rr->qt[queue].seen)
		return;
	rr->qt[queue].seen = true;
	rr->qt[queue].accounted = true;
	if (rr->all) {	/* ascending; explicit lists keep --queues' order */
		unsigned int i = rr->norder;

		for (; i > 0 && rr->order[i - 1] > queue; i--)
			rr->order[i] = rr->order[i - 1];
		rr->order[i] = queue;
		rr->norder++;
		return;
	}
	rr->order[rr->norder++] = queue;
}

/*
 * The queues to bind now: 0..n-1 for --queues all, else those of the list
 * the device has.  Says once which listed queues are missing.  Returns how
 * many.
 */
static unsigned int plan_queues(struct runner *rr)
{
	unsigned int n = queue_count(rr->cfg.ifname), nq = 0;
	char miss[sizeof(rr->missing)] = "";
	size_t len = 0;

	rr->nq_dev = n;
	if (rr->all) {
		if (n > rr->cap_nq) {
			snprintf(miss, sizeof(miss), "%u-%u", rr->cap_nq, n - 1);
			n = rr->cap_nq;
		}
		for (unsigned int i = 0; i < n; i++)
			rr->cfg.queues[nq++] = i;
	} else {
		for (unsigned int i = 0; i < rr->nwant; i++) {
			if (rr->want[i] < n) {
				rr->cfg.queues[nq++] = rr->want[i];
				continue;
			}
			if (len < sizeof(miss))
				len += snprintf(miss + len, sizeof(miss) - len, "%s%u", len ? "," : "",
						rr->want[i]);
		}
	}
	rr->cfg.nq = nq;
	if (strcmp(miss, rr->missing)) {
		if (miss[0] && rr->all)
			cli_warn("%s has %u queues; --mode capture was set up for %u: queues %s "
				"get no socket", rr->cfg.ifname, rr->nq_dev, rr->cap_nq, miss);
		else if (miss[0])
			cli_warn("%s: queues %s of --queues do not exist (it has %u)%s",
				rr->cfg.ifname, miss, rr->nq_dev, nq ? "; binding the others" : "");
		snprintf(rr->missing, sizeof(rr->missing), "%s", miss);
	}
	return nq;
}

/* Bind a socket on every planned queue and start the workers. */
static int bind_queues(struct runner *rr)
{
	int err;

	err = xf_run_setup(&rr->run, &rr->cfg);
	if (err)
		return err;
	for (unsigned int i = 0; i < rr->cfg.nq && !rr->quiet; i++)
		fprintf(stderr, "queue %u: %s mode, %s\n", rr->run.q[i].queue,
			rr->run.q[i].zerocopy ? "zero-copy" : "copy",
			rr->cfg.busy_poll ? "busy polling" : "poll");
	err = xf_run_start(&rr->run);
	if (err) {
		xf_run_teardown(&rr->run);
		return err;
	}
	for (unsigned int i = 0; i < rr->cfg.nq; i++) {
		struct xf_queue *q = &rr->run.q[i];
		struct qtotal *t = &rr->qt[q->queue];

		order_add(rr, q->queue);
		t->bound = true;
		t->binds++;
		t->zerocopy = q->zerocopy;
		t->mode_why = q->mode_why;
	}
	rr->bound = true;
	return 0;
}

/* What ended the bind, if anything; *qi: the queue of a socket error. */
static enum fault detect_fault(struct runner *rr, unsigned int *qi)
{
	struct xf_attach_info ai;
	__u32 pinned;
	int st = link_state(rr->cfg.ifname, rr->cfg.ifindex);

	if (st < 0)
		return FAULT_GONE;
	if (!st)
		return FAULT_LINK_DOWN;
	if (!xf_query(rr->cfg.ifindex, &ai) &&
	    xf_effective_prog_id(rr->cfg.ifindex, &ai, rr->prog_id) != rr->prog_id) {
		if (!ai.prog_id)
			return FAULT_PROG_DETACHED;
		pinned = xf_pinned_prog_id(rr->cfg.ifname);
		return xf_effective_prog_id(rr->cfg.ifindex, &ai, pinned) == pinned ?
			FAULT_PROG_RELOADED : FAULT_PROG_REPLACED;
	}
	if (queue_count(rr->cfg.ifname) != rr->nq_dev)
		return FAULT_CHANNELS;
	for (unsigned int i = 0; i < rr->run.cfg.nq; i++) {
		if (rr->run.q[i].err == XF_QERR_ACCOUNTING)
			return FAULT_FATAL;	/* the worker said which queue, and why */
		if (rr->run.q[i].err) {
			*qi = i;
			return FAULT_SOCKET;
		}
	}
	return FAULT_NONE;
}

/* run loaded the program, and it is gone: load it again (stale pins first). */
static int reload_own(struct runner *rr)
{
	struct xf_load_opts lo = { .mode = XF_MODE_NATIVE };
	char dir[PATH_MAX];

	if (xf_pin_dir(rr->cfg.ifname, dir, sizeof(dir)))
		dir[0] = '\0';		/* xf_load() says why */
	if ((dir[0] && !access(dir, F_OK) && xf_unload(rr->cfg.ifname)) ||
	    xf_load(rr->cfg.ifname, &lo)) {
		/* said why; do not retry every tick */
		rr->backoff = rr->backoff * 2 < RECONNECT_MAX_S ? rr->backoff * 2 : RECONNECT_MAX_S;
		rr->next_try = xf_now() + rr->backoff;
		return -1;
	}
	rr->own_id = xf_pinned_prog_id(rr->cfg.ifname);
	cli_warn("%s: loaded xdp-fwd again (run had loaded it; its rules are gone with it)",
		rr->cfg.ifname);
	return 0;
}

/*
 * NULL when the interface is ready for a bind (up, xdp-fwd's program
 * attached with its maps open here, a wanted queue exists), else why not.
 */
static const char *not_ready(struct runner *rr)
{
	struct xf_attach_info ai;
	int idx = (int)if_nametoindex(rr->cfg.ifname);
	__u32 pinned;

	if (!idx)
		return fault_names[FAULT_GONE];
	if (idx != rr->cfg.ifindex) {
		cli_warn("%s is back, ifindex %d (was %d)", rr->cfg.ifname, idx, rr->cfg.ifindex);
		rr->cfg.ifindex = idx;
	}
	if (link_state(rr->cfg.ifname, idx) <= 0)
		return fault_names[FAULT_LINK_DOWN];
	if (xf_query(idx, &ai))
		return fault_names[FAULT_PROG_DETACHED];
	if (!ai.prog_id && rr->loaded_here && reload_own(rr) == 0 && xf_query(idx, &ai))
		return fault_names[FAULT_PROG_DETACHED];
	if (!ai.prog_id)
		return fault_names[FAULT_PROG_DETACHED];
	pinned = xf_pinned_prog_id(rr->cfg.ifname);
	if (xf_effective_prog_id(idx, &ai, pinned) != pinned)
		return fault_names[FAULT_PROG_REPLACED];
	if (rr->loaded_here && pinned != rr->own_id) {
		cli_warn("%s: xdp-fwd was loaded again by someone else; run leaves it attached "
			"at exit", rr->cfg.ifname);
		rr->loaded_here = false;
	}
	if (pinned != rr->prog_id) {	/* a new program: its own XSKMAP */
		__u32 id;
		int fd = xf_iface_xskmap(rr->cfg.ifname, &id);

		if (fd < 0)
			return fault_names[FAULT_PROG_DETACHED];
		close(rr->cfg.xsks_map);
		rr->cfg.xsks_map = fd;
		rr->prog_id = id;
	}
	if (!plan_queues(rr))
		return "queues-missing";
	return NULL;
}

static const char *why_text(const char *why)
{
	for (int f = 0; f < FAULT_MAX; f++)
		if (!strcmp(why, fault_names[f]))
			return fault_text[f];
	if (!strcmp(why, "queues-missing"))
		return "none of the queues of --queues exists";
	return why;	/* "bind-failed": the bind said why */
}

/* A fault ended the bind: say so, close the sockets, plan the re-bind. */
static void on_fault(struct runner *rr, enum fault f, unsigned int qi, double now)
{
	if (f == FAULT_SOCKET) {
		struct xf_queue *q = &rr->run.q[qi];

		cli_err("%s queue %u: %s (%s)%s", rr->cfg.ifname, q->queue, fault_text[f],
		       strerror(-q->err), rr->no_reconnect ? "" : "; closing the sockets, "
		       "will re-bind");
		rr->qt[q->queue].socket_errors++;
	} else {
		cli_err("%s: %s%s", rr->cfg.ifname, fault_text[f], rr->no_reconnect ||
		       (f == FAULT_GONE && !rr->wait_iface) ? "" :
		       "; closing the sockets, will re-bind");
	}
	rr->faults[f]++;
	unbind(rr, false);
	rr->why = fault_names[f];
	if (now - rr->bound_at < RECONNECT_STABLE_S)
		rr->backoff = rr->backoff * 2 < RECONNECT_MAX_S ? rr->backoff * 2 : RECONNECT_MAX_S;
	else
		rr->backoff = RECONNECT_MIN_S;
	rr->next_try = now + rr->backoff;
}

/* Waiting: look at the interface, and bind when it is ready and the backoff is over. */
static void try_rebind(struct runner *rr, double now)
{
	const char *why;

	if (now < rr->next_try)
		return;
	why = not_ready(rr);
	if (why) {
		if (strcmp(why, rr->why)) {
			cli_warn("%s: waiting: %s", rr->cfg.ifname, why_text(why));
			rr->why = why;
			publish(rr);
		}
		return;
	}
	if (bind_queues(rr)) {
		rr->backoff = rr->backoff * 2 < RECONNECT_MAX_S ? rr->backoff * 2 : RECONNECT_MAX_S;
		rr->next_try = now + rr->backoff;
		if (strcmp(rr->why, "bind-failed"))
			cli_warn("%s: the re-bind failed; retrying, at most every %.0f s",
				rr->cfg.ifname, RECONNECT_MAX_S);
		rr->why = "bind-failed";
		publish(rr);
		return;
	}
	rr->reconnects++;
	rr->bound_at = now;
	cli_warn("%s: re-bound %u queue%s (reconnect %llu)", rr->cfg.ifname, rr->cfg.nq,
		rr->cfg.nq == 1 ? "" : "s", rr->reconnects);
	publish(rr);
}

/*
 * Where the program comes from: the one load attached, or ours for this
 * run.  Then its XSKMAP, which cfg owns from here on (xf_run_cfg_fini).
 */
static int open_program(struct runner *rr)
{
	char dir[PATH_MAX];
	struct xf_attach_info ai;
	const char *ifname = rr->cfg.ifname;
	int fd;

	if (xf_pin_dir(ifname, dir, sizeof(dir))) {
		cli_err("cannot name the pin directory of %s (is /proc mounted?)", ifname);
		return -1;
	}
	/* not loaded: load it; no access to the pins: xf_iface_xskmap() says so */
	if (access(dir, F_OK) && errno == ENOENT) {
		struct xf_load_opts lo = { .mode = XF_MODE_NATIVE };

		if (xf_query(rr->cfg.ifindex, &ai) == 0 && ai.prog_id) {
			cli_err("%s has another XDP program (id %u); load xdp-fwd first", ifname,
			       ai.prog_id);
			return -1;
		}
		if (cli_caps_require("run", "to load the program for this run", cli_caps_load) ||
		    xf_load(ifname, &lo))
			return -1;
		rr->loaded_here = true;
		rr->own_id = xf_pinned_prog_id(ifname);
		cli_warn("loaded xdp-fwd on %s for this run; no rule steers frames to the "
			"consumer yet: add one with 'xdp-fwd rule add %s ... action xsk'",
			ifname, ifname);
	}
	fd = xf_iface_xskmap(ifname, &rr->prog_id);
	if (fd < 0)
		return -1;
	rr->cfg.xsks_map = fd;
	return 0;
}

/* The queues of --queues, checked against the device; XF_EXIT_* or -1 when fine. */
static int parse_queues(struct runner *rr, const char *queues)
{
	unsigned int nqdev = queue_count(rr->cfg.ifname), n;
	int qv[XF_MAX_QUEUES];

	if (!strcmp(queues, "all")) {
		rr->all = true;
		return -1;
	}
	if (xf_parse_list(queues, qv, XF_MAX_QUEUES, XF_MAX_QUEUES, &n)) {
		cli_err("bad --queues '%s' (e.g. 0,2-3 or all)", queues);
		return XF_EXIT_USAGE;
	}
	for (unsigned int i = 0; i < n; i++) {
		if ((unsigned int)qv[i] >= nqdev) {
			cli_err("queue %d does not exist on %s (it has %u)", qv[i], rr->cfg.ifname,
			       nqdev);
			return XF_EXIT_USAGE;
		}
		for (unsigned int j = 0; j < i; j++)
			if (qv[j] == qv[i]) {
				cli_err("queue %d listed twice", qv[i]);
				return XF_EXIT_USAGE;
			}
		rr->want[i] = qv[i];
	}
	rr->nwant = n;
	return -1;
}

/*
 * The main loop: rates, the state file, stop conditions, faults.  Returns
 * XF_EXIT_OK after a clean stop, XF_EXIT_FAIL after a fault that ends the
 * run.
 */
static int run_loop(struct runner *rr, double duration, __u32 count, double t0)
{
	unsigned long long prev[2 * XF_MAX_QUEUES] = {}, fe[XF_MAX_QUEUES] = {};
	double last = t0;

	while (!got_signal) {
		unsigned int qi = 0;
		enum fault f;
		double now;

		usleep(TICK_US);
		now = xf_now();
		if (rr->bound) {
			f = detect_fault(rr, &qi);
			if (f == FAULT_FATAL)
				return XF_EXIT_FAIL;
			if (f != FAULT_NONE) {
				on_fault(rr, f, qi, now);
				if (rr->no_reconnect || (f == FAULT_GONE && !rr->wait_iface)) {
					cli_err("%s: stopping%s", rr->cfg.ifname, rr->no_reconnect ?
					       " (--no-reconnect)" : " (no --wait-for-interface)");
					return XF_EXIT_FAIL;
				}
				memset(fe, 0, sizeof(fe));	/* new sockets count from 0 */
				publish(rr);
			}
		} else {
			try_rebind(rr, now);
		}
		if (duration && now - t0 >= duration)
			break;
		if (count && total_rx(rr) >= count)
			break;
		if (now - last >= 1.0) {
			if (!rr->quiet)
				print_rates(rr, prev, now - last, fe);
			publish(rr);
			last = now;
		}
	}
	return XF_EXIT_OK;
}

/* What run's options ask for beyond the xf_run_cfg they fill in. */
/* The interface, --queues and --cpus against the device and the machine; XF_EXIT_* or -1 when fine. */
static int run_targets(struct runner *rr, const struct run_args *a)
{
	struct xf_run_cfg *cfg = &rr->cfg;
	int ret;

	cfg->ifindex = xf_ifindex(cfg->ifname);
	if (cfg->ifindex < 0)
		return XF_EXIT_FAIL;
	ret = parse_queues(rr, a->queues);
	if (ret >= 0)
		return ret;
	/* before any UMEM is allocated: each queue pins frames * frame_size bytes */
	if (cli_caps_memlock((__u64)cfg->frames * cfg->frame_size *
			     (rr->all ? queue_count(cfg->ifname) : rr->nwant)))
		return XF_EXIT_FAIL;
	if (a->cpus) {
		long ncpu = sysconf(_SC_NPROCESSORS_CONF);

		if (xf_parse_list(a->cpus, cfg->cpus, XF_MAX_QUEUES, ncpu > 0 ? ncpu : 1,
				  &cfg->ncpus)) {
			cli_err("bad --cpus '%s' (CPUs 0..%ld, e.g. 1 or 0-1)", a->cpus, ncpu - 1);
			return XF_EXIT_USAGE;
		}
	}
	return -1;
}

/* How workers wait and what they run (--mode); *cap is capture's writer.  0 or -1. */
static int run_setup_proc(struct runner *rr, const struct run_args *a, struct xf_capture **cap)
{
	struct xf_run_cfg *cfg = &rr->cfg;
	unsigned int cur = 1, max = 1;

	if (xf_iface_napi_threaded(cfg->ifname) == 1)
		cfg->idle_yields = 0;	/* see xf_run_cfg.idle_yields */
	/* capture has one ring per socket: enough for every queue the device can have */
	xf_iface_queues(cfg->ifname, &cur, &max);
	rr->cap_nq = rr->all ? (max < XF_MAX_QUEUES ? max : XF_MAX_QUEUES) : rr->nwant;
	if (!strcmp(a->mode, "l2fwd")) {
		cfg->ops = xf_proc_l2fwd;
	} else if (a->write) {
		*cap = xf_capture_open(a->write, rr->cap_nq, 8192, cfg->frame_size);
		if (!*cap)
			return -1;
		cfg->ops = xf_proc_capture(*cap);
	} else {
		rr->cap_nq = XF_MAX_QUEUES;
	}
	return 0;
}

/* Bind, serve until a stop or a fault that ends the run, then the summary: XF_EXIT_*. */
static int run_serve(struct runner *rr, const struct run_args *a, struct xf_capture **cap)
{
	unsigned long long written = 0, missed = 0;
	double t0, secs;
	int ret;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	plan_queues(rr);
	if (bind_queues(rr))
		return XF_EXIT_FAIL;
	publish(rr);	/* status sees the consumer from its first bind */

	t0 = xf_now();
	rr->bound_at = t0;
	rr->backoff = RECONNECT_MIN_S / 2;	/* the first fault doubles it to the minimum */
	rr->why = fault_names[FAULT_NONE];
	ret = run_loop(rr, a->duration, a->count, t0);
	unbind(rr, true);	/* out of the map first: from here on frames go to the kernel */
	secs = xf_now() - t0;
	if (*cap) {
		xf_capture_close(*cap, &written, &missed);
		*cap = NULL;
	}
	summary(rr, secs, a->json, written, missed, a->write != NULL);
	for (unsigned int i = 0; i < rr->norder; i++)
		if (!rr->qt[rr->order[i]].accounted) {
			cli_err("queue %u: UMEM frames unaccounted for (a bug)", rr->order[i]);
			ret = XF_EXIT_FAIL;
		}
	return ret;
}

/* From the checked options to the end of the run, everything undone: XF_EXIT_*. */
static int run_consumer(struct runner *rr, const struct run_args *a)
{
	struct xf_capture *cap = NULL;
	int ret = run_targets(rr, a);

	if (ret >= 0)
		return ret;
	ret = XF_EXIT_FAIL;
	if (!claim_interface(rr) && !open_program(rr) && !run_setup_proc(rr, a, &cap))
		ret = run_serve(rr, a, &cap);
	unbind(rr, false);
	release_interface(rr);
	if (cap)
		xf_capture_close(cap, NULL, NULL);
	xf_run_cfg_fini(&rr->cfg);
	if (rr->loaded_here && xf_unload(rr->cfg.ifname))
		ret = XF_EXIT_FAIL;
	return ret;
}

/*
 * run's options into o, and the checks between them: -1 to go on with the
 * interface in argv[optind], else the exit status.
 */
static int run_parse_opts(int argc, char **argv, struct run_args *o)
{
	int ret = cli_parse(cli_cmd_find("run"), argc, argv, o);

	if (ret)
		return ret == CLI_PARSE_HELP ? XF_EXIT_OK : XF_EXIT_USAGE;
	if (argc - optind != 1) {
		cli_err("run needs exactly one interface");
		return XF_EXIT_USAGE;
	}
	if (o->zero_copy && o->copy) {
		cli_err("--zero-copy and --copy exclude each other");
		return XF_EXIT_USAGE;
	}
	if (o->no_reconnect && o->wait_iface) {
		cli_err("--no-reconnect and --wait-for-interface exclude each other");
		return XF_EXIT_USAGE;
	}
	if (strcmp(o->mode, "rxdrop") && strcmp(o->mode, "l2fwd") && strcmp(o->mode, "capture")) {
		cli_err("unknown mode '%s' (rxdrop, l2fwd or capture)", o->mode);
		return XF_EXIT_USAGE;
	}
	if (!strcmp(o->mode, "capture") != !!o->write) {
		cli_err(o->write ? "--write needs --mode capture" : "--mode capture needs --write FILE");
		return XF_EXIT_USAGE;
	}
	if (o->frames < o->ring_size) {
		cli_err("--frames %u is smaller than --ring-size %u: the fill ring could not be kept "
		       "stocked", o->frames, o->ring_size);
		return XF_EXIT_USAGE;
	}
	if (o->batch > o->ring_size) {
		cli_err("--batch %u is larger than --ring-size %u", o->batch, o->ring_size);
		return XF_EXIT_USAGE;
	}
	return -1;
}

int do_run(int argc, char **argv)
{
	struct xf_run_cfg d;
	struct run_args o = { .queues = "all", .mode = "rxdrop" };
	struct runner *rr;
	int ret;

	xf_run_cfg_init(&d, NULL);	/* the library's defaults are run's */
	o.batch = d.batch;
	o.frames = d.frames;
	o.ring_size = d.ring_size;
	o.frame_size = d.frame_size;
	ret = run_parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	rr = calloc(1, sizeof(*rr));
	if (!rr) {
		cli_err("out of memory");
		return XF_EXIT_FAIL;
	}
	rr->lock_fd = -1;
	rr->cfg = d;
	rr->cfg.ifname = argv[optind];
	rr->cfg.batch = o.batch;
	rr->cfg.frames = o.frames;
	rr->cfg.ring_size = o.ring_size;
	rr->cfg.frame_size = o.frame_size;
	rr->cfg.force_zc = o.zero_copy;
	rr->cfg.force_copy = o.copy;
	rr->cfg.busy_poll = o.busy_poll;
	rr->no_reconnect = o.no_reconnect;
	rr->wait_iface = o.wait_iface;
	rr->quiet = o.quiet;
	ret = run_consumer(rr, &o);
	free(rr);
	return ret;
}
