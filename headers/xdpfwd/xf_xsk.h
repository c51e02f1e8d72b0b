/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_xsk.h - the AF_XDP engine of `xdp-fwd run`: one socket, one UMEM and
 * one worker thread per RX queue.
 *
 * Why one UMEM per socket: each worker then owns its frames outright (fill,
 * completion and free pool need no lock and no cross-core traffic), and
 * each socket can get zero-copy on its own queue.  A shared UMEM saves
 * memory only when frames must move between queues, which no mode here does.
 *
 * Every UMEM frame is always in exactly one place: the free pool, the
 * kernel (fill ring or RX ring: counted as fq_out), a processor's hands
 * during a batch, or the kernel's TX side (TX ring or completion ring:
 * counted as tx_out).  xf_queue_frames_ok() checks the sum.
 */
#ifndef XF_XSK_H
#define XF_XSK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "xf_abi.h"
#include "xf_proc.h"
#include "xf_ring.h"

struct xf_run_cfg {
	const char *ifname;
	int ifindex;
	unsigned int queues[XF_MAX_QUEUES];
	unsigned int nq;
	int cpus[XF_MAX_QUEUES];	/* worker i runs on cpus[i % ncpus] */
	unsigned int ncpus;
	bool force_zc;			/* refuse to start without zero-copy */
	bool force_copy;		/* do not try zero-copy */
	bool busy_poll;			/* else poll() */
	/*
	 * With poll(): empty looks at the RX ring (each a sched_yield())
	 * before sleeping.  0 when the device's NAPI is threaded: a NAPI
	 * thread on the worker's core then starves (measured on veth: 2.7 ->
	 * 0.8 Mpps), while softirq NAPI preempts the worker anyway.
	 */
	unsigned int idle_yields;
	unsigned int batch;		/* frames per batch */
	unsigned int frames;		/* UMEM frames per queue */
	unsigned int ring_size;		/* descriptors per ring */
	unsigned int frame_size;	/* 2048 or 4096 */
	int xsks_map;			/* the program's XSKMAP */
	struct xf_proc_ops ops;
};

/* Per-queue counters: written by the worker, read by anyone. */
struct xf_qstats {
	_Atomic unsigned long long rx_packets, rx_bytes, tx_packets, tx_bytes;
	_Atomic unsigned long long tx_dropped;	/* TX ring full: frame dropped */
	_Atomic unsigned long long wakeups;	/* syscalls made for need_wakeup */
};

/*
 * A worker's err when its frame counts no longer add up (xf_frames_add_up):
 * a bug in the consumer or a processor.  The worker stops before it can
 * hand the kernel a frame twice or index outside its pool; not a fault a
 * reconnect could cure.
 */
#define XF_QERR_ACCOUNTING	(-1000)

/* How a queue's mode came about: the "mode_reason" of run's JSON. */
#define XF_MODE_WHY_GRANTED	"granted"		/* zero-copy bind succeeded */
#define XF_MODE_WHY_ASKED	"copy-requested"	/* --copy */
#define XF_MODE_WHY_NO_ZC	"driver-reports-no-zero-copy"	/* XDP features, 6.3+ */
#define XF_MODE_WHY_REFUSED	"zero-copy-bind-refused"	/* tried, then copy */

struct xf_queue {
	const struct xf_run_cfg *cfg;
	unsigned int queue;
	int cpu;
	void *buf;			/* the UMEM area */
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	int fd;
	bool zerocopy;			/* read back with XDP_OPTIONS */
	const char *mode_why;		/* how the mode was chosen (XF_MODE_WHY_*) */
	bool in_map;
	struct xf_pool pool;		/* free frames */
	__u64 base_mask;		/* xf_base_mask(frame_size) */
	__u32 fq_out, tx_out, in_proc;
	void *pctx;			/* the processor's state */
	pthread_t thread;
	bool started;
	int err;			/* the worker's exit status (XF_QERR_*, -errno) */
	struct xf_qstats st;
};

struct xf_run {
	struct xf_run_cfg cfg;
	struct xf_queue *q;
	atomic_bool drain;	/* finish what is in the RX rings, then exit */
};

/* Create every socket and put it in the XSKMAP; on error nothing is left. */
int xf_run_setup(struct xf_run *r, const struct xf_run_cfg *cfg);
int xf_run_start(struct xf_run *r);
/*
 * Stop: take the sockets out of the XSKMAP (new frames go to the kernel),
 * let the workers drain what is already in their RX rings, join them.
 */
void xf_run_stop(struct xf_run *r);
/* Remove the sockets from the map, close them, free the UMEMs. */
void xf_run_teardown(struct xf_run *r);

int xf_xsk_stats(const struct xf_queue *q, struct xdp_statistics *st);
bool xf_queue_frames_ok(const struct xf_queue *q);

#endif /* XF_XSK_H */
