// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "xf_compat.h"
#include "xf_internal.h"
#include "xf_util.h"
#include "xf_features.h"
#include "xf_xsk.h"

#define XF_BIND_RETRY_MS 2000	/* EBUSY: the previous socket's teardown is async */

/* A frame back to the free pool; a full pool means the counts are broken. */
static void pool_put(struct xf_queue *q, __u64 addr)
{
	if (!xf_pool_put(&q->pool, xf_frame_base(addr, q->cfg->frame_size)))
		q->err = XF_QERR_ACCOUNTING;
}

/* Move free frames to the fill ring, as many as fit, in one reservation. */
static void refill(struct xf_queue *q)
{
	q->fq_out += xf_ring_refill(&q->fq, &q->pool);
}

/* Frames done with: to the fill ring where it has room, else the pool. */
static void recycle(struct xf_queue *q, const __u64 *addr, __u32 n)
{
	int m = xf_ring_recycle(&q->fq, &q->pool, addr, n, q->base_mask);

	if (m < 0)
		q->err = XF_QERR_ACCOUNTING;
	else
		q->fq_out += (__u32)m;
}

static void kick_tx(struct xf_queue *q);

static void drain_completions(struct xf_queue *q)
{
	__u32 filled;

	if (!q->tx_out)
		return;
	/* copy mode sends at most 32 frames per kick: keep kicking while any wait */
	kick_tx(q);
	if (xf_ring_complete(&q->cq, &q->fq, &q->pool, &q->tx_out, q->base_mask, &filled) < 0)
		q->err = XF_QERR_ACCOUNTING;
	q->fq_out += filled;
}

static void kick_tx(struct xf_queue *q)
{
	if (xsk_ring_prod__needs_wakeup(&q->tx)) {
		sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		atomic_fetch_add_explicit(&q->st.wakeups, 1, memory_order_relaxed);
	}
}

/*
 * The frames of a batch with some XF_V_TX verdicts: those onto the TX ring
 * (as many as it has room for: the rest are dropped and counted), every
 * other one compacted to the front of @addr for recycle().  Verdicts are
 * reset to XF_V_DROP on the way, for the next batch.  Returns the frames
 * to recycle; *@sent and *@txb say what went to TX.
 */
static __u32 do_tx(struct xf_queue *q, const struct xf_frame *fr, __u64 *addr, __u8 *v,
		   __u32 n, __u32 ntx, __u32 *sent, unsigned long long *txb)
{
	__u32 idx_tx = 0, ndrop = 0, t = 0;
	unsigned long long b = 0;

	if (xsk_prod_nb_free(&q->tx, ntx) < ntx)
		drain_completions(q);	/* make room; a still full ring drops the rest */
	*sent = xf_ring_reserve_upto(&q->tx, ntx, &idx_tx);
	if (*sent == n) {	/* every frame goes out (l2fwd): no verdict to look at */
		for (__u32 i = 0; i < n; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&q->tx, idx_tx + i);
			__u32 len = fr[i].len <= fr[i].room ? fr[i].len : fr[i].room;

			d->addr = addr[i];
			d->len = len;
			b += len;
		}
		memset(v, XF_V_DROP, n);
	} else {
		for (__u32 i = 0; i < n; i++) {
			if (v[i] == XF_V_TX && t < *sent) {
				struct xdp_desc *d = xsk_ring_prod__tx_desc(&q->tx, idx_tx + t++);

				d->addr = addr[i];
				d->len = fr[i].len <= fr[i].room ? fr[i].len : fr[i].room;
				b += d->len;
			} else {
				addr[ndrop++] = addr[i];
			}
			v[i] = XF_V_DROP;
		}
	}
	if (*sent) {
		xsk_ring_prod__submit(&q->tx, *sent);
		q->tx_out += *sent;
	}
	*txb = b;
	return ndrop;
}

/*
 * Take the @n RX descriptors at @idx_rx into the batch (two runs when they
 * wrap the ring), their addresses into @out as xf_ring_take() says.
 */
static inline __attribute__((always_inline)) unsigned long long
take_all(struct xf_queue *q, __u32 idx_rx, __u32 n, struct xf_frame *fr, __u64 *out,
	 __u32 oi, __u32 om, __u64 am)
{
	const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx_rx);
	__u32 first = q->rx.size - (idx_rx & q->rx.mask), fs = q->cfg->frame_size;
	unsigned long long bytes;

	if (first >= n)
		return xf_ring_take(d, n, fr, q->buf, fs, out, oi, om, am);
	bytes = xf_ring_take(d, first, fr, q->buf, fs, out, oi, om, am);
	d = xsk_ring_cons__rx_desc(&q->rx, 0);
	if (om == ~0u)	/* a plain array: its next part */
		return bytes + xf_ring_take(d, n - first, fr + first, q->buf, fs, out + first,
					    oi, om, am);
	return bytes + xf_ring_take(d, n - first, fr + first, q->buf, fs, out, oi + first,
				    om, am);
}

/*
 * Stale metadata.  The kernel writes struct xf_meta into the headroom only
 * for frames xdp-fwd's program gave one; any other frame (the driver keeps
 * no metadata, adjust_meta found no room, another program redirected it,
 * the program was replaced or loaded with no_meta) arrives in a buffer
 * whose headroom still holds what an earlier frame left there, and with
 * frames of equal length xf_frame_meta() would vouch for it.  So, for a
 * processor that reads metadata (XF_PROC_META), before a buffer goes back
 * to the kernel its magic is cleared: every magic such a processor sees
 * was then written for the frame it sees.  One 4-byte store per frame, but
 * into a cache line of the frame's that rxdrop would never touch (and the
 * kernel then writes again from its own CPU), so the processors that do
 * not read metadata (rxdrop, l2fwd, capture) go without.  The check on the
 * address keeps a processor that moved f->data from having the engine
 * write outside the UMEM.
 */
static void meta_clear(const struct xf_queue *q, const struct xf_frame *fr, __u32 n)
{
	size_t size = (size_t)q->cfg->frames * q->cfg->frame_size, at;
	static const __u32 zero;

	for (__u32 i = 0; i < n; i++) {
		at = (size_t)(fr[i].data - (__u8 *)q->buf) - sizeof(struct xf_meta) +
		     offsetof(struct xf_meta, magic);
		if (at <= size - sizeof(zero))
			memcpy((__u8 *)q->buf + at, &zero, sizeof(zero));
	}
}

/*
 * One batch: RX peek -> process -> TX, or straight back to the fill ring
 * (the pool takes what it has no room for) -> refill from the pool.  For
 * a processor that never sends (XF_PROC_NO_TX), the fill-ring entries are
 * written as the frames are taken and submitted once batch() returns.
 * Returns frames; a broken count sets q->err to XF_QERR_ACCOUNTING.
 */
static unsigned int do_batch(struct xf_queue *q, struct xf_frame *fr, __u64 *addr, __u8 *v)
{
	const struct xf_run_cfg *c = q->cfg;
	__u32 idx_rx, idx_fq = 0, n, ntx = 0, ndrop, sent = 0;
	unsigned long long bytes, txb = 0;
	bool direct;

	drain_completions(q);
	n = xsk_ring_cons__peek(&q->rx, c->batch, &idx_rx);
	if (!n) {
		if (xsk_ring_prod__needs_wakeup(&q->fq)) {
			recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
			atomic_fetch_add_explicit(&q->st.wakeups, 1, memory_order_relaxed);
		}
		refill(q);
		return 0;
	}
	direct = (c->ops.flags & XF_PROC_NO_TX) && xf_ring_fill_reserve(&q->fq, n, &idx_fq);
	if (direct)
		bytes = take_all(q, idx_rx, n, fr, (__u64 *)q->fq.ring, idx_fq, q->fq.mask,
				 q->base_mask);
	else
		bytes = take_all(q, idx_rx, n, fr, addr, 0, ~0u, ~0ull);
	xsk_ring_cons__release(&q->rx, n);
	if (n > q->fq_out) {	/* more than it was given: stop before using them */
		q->err = XF_QERR_ACCOUNTING;
		return 0;
	}
	q->fq_out -= n;
	q->in_proc = n;

	c->ops.batch(q->pctx, fr, v, n);
	if (c->ops.flags & XF_PROC_META)
		meta_clear(q, fr, n);	/* the kernel has none of these buffers yet */

	if (direct) {
		xsk_ring_prod__submit(&q->fq, n);
		q->fq_out += n;
	} else {
		bool dirty = false;

		if (!(c->ops.flags & XF_PROC_NO_TX))
			ntx = xf_count_tx(v, n, &dirty);
		if (ntx) {
			ndrop = do_tx(q, fr, addr, v, n, ntx, &sent, &txb);
		} else {
			ndrop = n;
			if (dirty)	/* values other than XF_V_TX: the next batch starts clean */
				memset(v, XF_V_DROP, n);
		}
		recycle(q, addr, ndrop);
	}
	q->in_proc = 0;
	if (sent)
		kick_tx(q);
	if (q->pool.n)
		refill(q);

	atomic_fetch_add_explicit(&q->st.rx_packets, n, memory_order_relaxed);
	atomic_fetch_add_explicit(&q->st.rx_bytes, bytes, memory_order_relaxed);
	if (sent) {
		atomic_fetch_add_explicit(&q->st.tx_packets, sent, memory_order_relaxed);
		atomic_fetch_add_explicit(&q->st.tx_bytes, txb, memory_order_relaxed);
	}
	if (ntx > sent)
		atomic_fetch_add_explicit(&q->st.tx_dropped, ntx - sent, memory_order_relaxed);
	return n;
}

static void accounting_failed(struct xf_queue *q)
{
	xf_err("queue %u: UMEM frames do not add up (free %u + kernel %u + tx %u + in batch %u, "
	       "%u frames): a bug in the consumer or its processor; stopping this queue",
	       q->queue, q->pool.n, q->fq_out, q->tx_out, q->in_proc, q->cfg->frames);
	q->err = XF_QERR_ACCOUNTING;
}

/*
 * Nothing for do_batch() to do but wait: no frame on the RX ring, none in
 * the pool to refill with, none in flight on TX, no fill-ring wake-up due.
 */
static bool queue_quiet(struct xf_queue *q)
{
	return !xsk_cons_nb_avail(&q->rx, 1) && !q->pool.n && !q->tx_out &&
	       !xsk_ring_prod__needs_wakeup(&q->fq);
}

struct worker_arg {
	struct xf_run *r;
	struct xf_queue *q;
};

static void *worker(void *arg)
{
	struct xf_run *r = ((struct worker_arg *)arg)->r;
	struct xf_queue *q = ((struct worker_arg *)arg)->q;
	unsigned int b = r->cfg.batch;
	struct xf_frame *fr = calloc(b, sizeof(*fr));
	__u64 *addr = calloc(b, sizeof(*addr));
	__u8 *v = calloc(b, 1);
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };

	free(arg);
	if (!fr || !addr || !v) {
		q->err = -ENOMEM;
		goto out;
	}
	for (unsigned int idle = 0;;) {
		unsigned int got = do_batch(q, fr, addr, v);

		/* cheap, every batch: a broken count must stop the run, not the process */
		if (__builtin_expect(!xf_queue_frames_ok(q), 0)) {
			accounting_failed(q);
			goto out;
		}
		if (got) {
			idle = 0;
			if (got == r->cfg.batch || r->cfg.busy_poll)
				continue;
			/*
			 * A short batch emptied the ring: frames come slower
			 * than they are taken, so rest now as after an empty
			 * look, without making one first.
			 */
		} else {
			if (atomic_load_explicit(&r->drain, memory_order_relaxed))
				break;	/* no longer in the map, and the RX ring is empty */
			if (r->cfg.busy_poll)
				continue;	/* the recvfrom() in do_batch busy-polls */
			++idle;
		}
		/*
		 * Between bursts, yield a little before sleeping: a sleeping
		 * consumer makes the driver wake it (a wait-queue lock and an
		 * IPI per flush: a fifth of the NAPI core's time here).  Not
		 * when NAPI is a thread, which may share this core (see
		 * xf_run_cfg.idle_yields).
		 */
		if (idle < r->cfg.idle_yields) {
			/*
			 * While nothing but the RX ring can bring work, look
			 * only at its producer between yields: a whole empty
			 * do_batch() and the frame check cost ~50 instructions.
			 */
			do
				sched_yield();
			while (++idle < r->cfg.idle_yields && queue_quiet(q) &&
			       !atomic_load_explicit(&r->drain, memory_order_relaxed));
			continue;
		}
		idle = 0;
		/* block until frames arrive; the timeout bounds stop latency */
		if (poll(&pfd, 1, 100) < 0 && errno != EINTR) {
			q->err = -errno;
			break;
		}
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
			q->err = -ENETDOWN;
			break;
		}
	}
	/* let in-flight TX complete so every frame is accounted for */
	for (int i = 0; i < 100 && q->tx_out; i++) {
		kick_tx(q);
		drain_completions(q);
		if (q->tx_out)
			usleep(1000);
	}
out:
	free(fr);
	free(addr);
	free(v);
	return NULL;
}

bool xf_queue_frames_ok(const struct xf_queue *q)
{
	return q->err != XF_QERR_ACCOUNTING &&
	       xf_frames_add_up(q->pool.n, q->fq_out, q->tx_out, q->in_proc, q->cfg->frames);
}

int xf_xsk_stats(const struct xf_queue *q, struct xdp_statistics *st)
{
	socklen_t len = sizeof(*st);

	memset(st, 0, sizeof(*st));
	if (getsockopt(q->fd, SOL_XDP, XDP_STATISTICS, st, &len))
		return -errno;
	return 0;
}

static int set_busy_poll(struct xf_queue *q)
{
	int one = 1, usecs = 20, budget = q->cfg->batch;

	if (setsockopt(q->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one, sizeof(one)) ||
	    setsockopt(q->fd, SOL_SOCKET, SO_BUSY_POLL, &usecs, sizeof(usecs)) ||
	    setsockopt(q->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &budget, sizeof(budget)))
		return -errno;
	return 0;
}

/*
 * A processor that never sends gets no TX ring: nothing to drain or kick,
 * and the kernel does not count an empty TX ring at every poll().
 */
static int socket_create(struct xf_queue *q, __u16 bind_flags)
{
	bool no_tx = q->cfg->ops.flags & XF_PROC_NO_TX;
	struct xsk_socket_config sc = {};
	double deadline = xf_now() + XF_BIND_RETRY_MS / 1000.0;
	int err;

	sc.rx_size = q->cfg->ring_size;
	sc.tx_size = no_tx ? 0 : q->cfg->ring_size;
	sc.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
	sc.bind_flags = bind_flags | XDP_USE_NEED_WAKEUP;
	for (;;) {
		err = xsk_socket__create(&q->xsk, q->cfg->ifname, q->queue, q->umem,
					 &q->rx, no_tx ? NULL : &q->tx, &sc);
		if (err != -EBUSY || xf_now() > deadline)
			return err;
		usleep(20000);
	}
}

static const char *bind_hint(int err)
{
	switch (-err) {
	case EOPNOTSUPP:
		return "the driver does not offer zero-copy AF_XDP on this device";
	case EINVAL:
		return "the queue is out of range, or the driver cannot set the socket up "
		       "on this device (zero-copy: ixgbe needs the MTU to fit in the frame; "
		       "virtio-net needs a device with VIRTIO_F_ACCESS_PLATFORM, QEMU's "
		       "iommu_platform=on, even where it reports zero-copy)";
	case EBUSY:
		return "another AF_XDP socket is bound to this queue";
	case EPERM:
		return "not permitted (an AF_XDP socket needs CAP_NET_RAW)";
	case ENOMEM:
	case ENOBUFS:
		return "cannot pin the UMEM (needs CAP_IPC_LOCK or a larger RLIMIT_MEMLOCK)";
	default:
		return strerror(-err);
	}
}

static int queue_setup(struct xf_queue *q, unsigned int idx)
{
	const struct xf_run_cfg *c = q->cfg;
	struct xsk_umem_config uc = {
		.fill_size = c->ring_size * 2,
		.comp_size = c->ring_size,
		.frame_size = c->frame_size,
		.frame_headroom = 0,
		.flags = 0,
	};
	struct xdp_options opts;
	socklen_t olen = sizeof(opts);
	size_t size = (size_t)c->frames * c->frame_size;
	struct xf_xdp_features xf;
	int err;

	q->buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->buf == MAP_FAILED) {
		q->buf = NULL;
		return -ENOMEM;
	}
	q->pool.addr = calloc(c->frames, sizeof(*q->pool.addr));
	if (!q->pool.addr)
		return -ENOMEM;
	q->pool.cap = c->frames;
	q->base_mask = xf_base_mask(c->frame_size);
	err = xsk_umem__create(&q->umem, q->buf, size, &q->fq, &q->cq, &uc);
	if (err) {
		xf_err("queue %u: cannot register the UMEM: %s", q->queue, bind_hint(err));
		return err;
	}
	/*
	 * Where the kernel reports the driver's XDP features (6.3+), a driver
	 * without zero-copy AF_XDP is not asked for it; on older kernels the
	 * zero-copy bind is the probe, and copy mode the fallback.
	 */
	if (!c->force_copy && !xf_xdp_features_read(c->ifindex, &xf) &&
	    !(xf.flags & XF_NETDEV_XDP_ACT_XSK_ZEROCOPY)) {
		if (c->force_zc) {
			xf_err("queue %u of %s: the driver does not offer zero-copy AF_XDP on "
			       "this device (the kernel's XDP features say so)", q->queue,
			       c->ifname);
			return -EOPNOTSUPP;
		}
		xf_warn("queue %u: the driver does not offer zero-copy AF_XDP (the kernel's "
			"XDP features say so); using copy mode", q->queue);
		q->mode_why = XF_MODE_WHY_NO_ZC;
		err = socket_create(q, XDP_COPY);
	} else if (c->force_copy) {
		q->mode_why = XF_MODE_WHY_ASKED;
		err = socket_create(q, XDP_COPY);
	} else {
		q->mode_why = XF_MODE_WHY_GRANTED;
		err = socket_create(q, XDP_ZEROCOPY);
		if (err && !c->force_zc) {
			xf_warn("queue %u: zero-copy refused (%s); using copy mode", q->queue,
				bind_hint(err));
			q->mode_why = XF_MODE_WHY_REFUSED;
			err = socket_create(q, XDP_COPY);
		}
	}
	if (err) {
		xf_err("queue %u of %s: cannot bind an AF_XDP socket: %s", q->queue, c->ifname,
		       bind_hint(err));
		return err;
	}
	q->fd = xsk_socket__fd(q->xsk);
	if (getsockopt(q->fd, SOL_XDP, XDP_OPTIONS, &opts, &olen) == 0)
		q->zerocopy = opts.flags & XDP_OPTIONS_ZEROCOPY;
	if (c->busy_poll) {
		err = set_busy_poll(q);
		if (err) {
			xf_err("queue %u: cannot enable busy polling: %s%s", q->queue, strerror(-err),
			       err == -EPERM ? " (SO_PREFER_BUSY_POLL needs CAP_NET_ADMIN)" : "");
			return err;
		}
	}
	for (__u32 i = 0; i < c->frames; i++)
		pool_put(q, (__u64)i * c->frame_size);
	refill(q);
	if (!xf_queue_frames_ok(q)) {
		accounting_failed(q);
		return -EFAULT;
	}

	if (bpf_map_update_elem(c->xsks_map, &q->queue, &q->fd, BPF_ANY)) {
		err = -errno;
		xf_err("queue %u: cannot add the socket to the XSKMAP: %s", q->queue,
		       strerror(-err));
		return err;
	}
	q->in_map = true;
	if (c->ops.init) {
		err = c->ops.init(&q->pctx, (int)idx, c->ops.arg);
		if (err)
			return err;
	}
	return 0;
}

int xf_run_setup(struct xf_run *r, const struct xf_run_cfg *cfg)
{
	int err;

	memset(r, 0, sizeof(*r));
	if (cfg->ops.api_version != XF_PROC_API_VERSION) {
		xf_err("processor '%s' was built against processor API version %u; "
		       "this library runs version %u: rebuild it against this library's headers",
		       cfg->ops.name ? cfg->ops.name : "?", cfg->ops.api_version,
		       XF_PROC_API_VERSION);
		return -EPROTO;
	}
	r->cfg = *cfg;
	r->q = calloc(cfg->nq, sizeof(*r->q));
	if (!r->q)
		return -ENOMEM;
	for (unsigned int i = 0; i < cfg->nq; i++) {
		r->q[i].cfg = &r->cfg;
		r->q[i].queue = cfg->queues[i];
		r->q[i].fd = -1;
		r->q[i].cpu = cfg->ncpus ? cfg->cpus[i % cfg->ncpus] : -1;
	}
	for (unsigned int i = 0; i < cfg->nq; i++) {
		err = queue_setup(&r->q[i], i);
		if (err) {
			xf_run_teardown(r);
			return err;
		}
	}
	return 0;
}

int xf_run_start(struct xf_run *r)
{
	for (unsigned int i = 0; i < r->cfg.nq; i++) {
		struct xf_queue *q = &r->q[i];
		struct worker_arg *a = malloc(sizeof(*a));
		pthread_attr_t attr;
		int err;

		if (!a)
			return -ENOMEM;
		a->r = r;
		a->q = q;
		pthread_attr_init(&attr);
		if (q->cpu >= 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(q->cpu, &set);
			pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		}
		err = pthread_create(&q->thread, &attr, worker, a);
		pthread_attr_destroy(&attr);
		if (err) {
			free(a);
			xf_err("cannot start the worker of queue %u: %s", q->queue, strerror(err));
			return -err;
		}
		q->started = true;
	}
	return 0;
}

static void unmap_all(struct xf_run *r)
{
	for (unsigned int i = 0; r->q && i < r->cfg.nq; i++) {
		if (r->q[i].in_map)
			bpf_map_delete_elem(r->cfg.xsks_map, &r->q[i].queue);
		r->q[i].in_map = false;
	}
}

void xf_run_stop(struct xf_run *r)
{
	bool running = false;

	for (unsigned int i = 0; r->q && i < r->cfg.nq; i++)
		running |= r->q[i].started;
	/* out of the map first: from here on frames go to the kernel */
	unmap_all(r);
	if (running)
		usleep(20000);	/* frames redirected just before reach the rings */
	atomic_store(&r->drain, true);
	for (unsigned int i = 0; r->q && i < r->cfg.nq; i++) {
		if (r->q[i].started)
			pthread_join(r->q[i].thread, NULL);
		r->q[i].started = false;
	}
}

void xf_run_teardown(struct xf_run *r)
{
	xf_run_stop(r);	/* also takes the sockets out of the map */
	for (unsigned int i = 0; r->q && i < r->cfg.nq; i++) {
		struct xf_queue *q = &r->q[i];

		if (q->pctx && r->cfg.ops.fini)
			r->cfg.ops.fini(q->pctx);
		if (q->xsk)
			xsk_socket__delete(q->xsk);
		if (q->umem)
			xsk_umem__delete(q->umem);
		if (q->buf)
			munmap(q->buf, (size_t)r->cfg.frames * r->cfg.frame_size);
		free(q->pool.addr);
	}
	free(r->q);
	r->q = NULL;
}
