// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The built-in batch processors of `xdp-fwd run`: rxdrop, l2fwd, capture. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define PCAP_DONT_INCLUDE_PCAP_BPF_H
#include <pcap/dlt.h>
#include <pcap/pcap.h>

#include "xf_internal.h"
#include "xf_proc.h"
#include "xf_util.h"

/*
 * rxdrop: count (the engine does) and give every frame back.  Verdicts
 * arrive as XF_V_DROP, so there is nothing to write.
 */
static void rxdrop_batch(void *ctx, struct xf_frame *f, __u8 *v, unsigned int n)
{
}

const struct xf_proc_ops xf_proc_rxdrop = {
	.api_version = XF_PROC_API_VERSION,
	.name = "rxdrop",
	.flags = XF_PROC_NO_TX,
	.batch = rxdrop_batch,
};

/*
 * l2fwd: swap the MACs and send each frame back out of its queue; a frame
 * too short for an Ethernet header keeps its XF_V_DROP.  The 12 bytes are
 * loaded as three words and stored back in their new places, rather than
 * byte-wise through a temporary: this runs for every frame.  Only memory
 * order matters (the halves of w1 are copied as bytes), so it holds for
 * either byte order.
 */
static void l2fwd_batch(void *ctx, struct xf_frame *f, __u8 *v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		__u8 *d = f[i].data;
		__u32 w0, w1, w2;	/* dst[0..3]; dst[4..5] src[0..1]; src[2..5] */

		if (f[i].len < 14)
			continue;
		memcpy(&w0, d, 4);
		memcpy(&w1, d + 4, 4);
		memcpy(&w2, d + 8, 4);
		memcpy(d, (__u8 *)&w1 + 2, 2);	/* the new dst: the old src */
		memcpy(d + 2, &w2, 4);
		memcpy(d + 6, &w0, 4);		/* the new src: the old dst */
		memcpy(d + 10, &w1, 2);
		v[i] = XF_V_TX;
	}
}

const struct xf_proc_ops xf_proc_l2fwd = {
	.api_version = XF_PROC_API_VERSION,
	.name = "l2fwd",
	.batch = l2fwd_batch,
};

/*
 * capture: each queue copies frames into its own single-producer,
 * single-consumer ring of fixed slots; one writer thread drains all rings
 * into the pcap file.  When a ring is full (the disk is slower than the
 * traffic) the frame is counted as missed: the RX path never waits.
 */
struct cap_slot {
	struct timeval ts;
	__u32 len, caplen;
};

struct cap_ring {
	_Atomic unsigned int head;	/* written by the worker */
	char pad1[60];
	_Atomic unsigned int tail;	/* written by the writer */
	char pad2[60];
	struct cap_slot *slots;
	__u8 *data;
	unsigned long long missed;	/* worker only */
};

struct xf_capture {
	pcap_t *dead;
	pcap_dumper_t *dump;
	unsigned int nq, nslots, snaplen;
	struct cap_ring *rings;
	pthread_t writer;
	atomic_bool stop;
	unsigned long long written;
};

static unsigned int cap_drain(struct xf_capture *c)
{
	unsigned int done = 0;

	for (unsigned int q = 0; q < c->nq; q++) {
		struct cap_ring *r = &c->rings[q];
		unsigned int tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
		unsigned int head = atomic_load_explicit(&r->head, memory_order_acquire);

		for (; tail != head; tail++, done++) {
			unsigned int i = tail % c->nslots;
			struct pcap_pkthdr h = {
				.ts = r->slots[i].ts,
				.caplen = r->slots[i].caplen,
				.len = r->slots[i].len,
			};

			pcap_dump((u_char *)c->dump, &h, r->data + (size_t)i * c->snaplen);
			c->written++;
		}
		atomic_store_explicit(&r->tail, tail, memory_order_release);
	}
	return done;
}

static void *cap_writer(void *arg)
{
	struct xf_capture *c = arg;

	while (!atomic_load(&c->stop))
		if (!cap_drain(c))
			usleep(1000);
	cap_drain(c);
	return NULL;
}

struct xf_capture *xf_capture_open(const char *path, unsigned int queues,
				   unsigned int slots, unsigned int snaplen)
{
	struct xf_capture *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->nq = queues;
	c->nslots = slots;
	c->snaplen = snaplen;
	c->rings = calloc(queues, sizeof(*c->rings));
	if (!c->rings)
		goto fail;
	for (unsigned int q = 0; q < queues; q++) {
		c->rings[q].slots = calloc(slots, sizeof(struct cap_slot));
		c->rings[q].data = malloc((size_t)slots * snaplen);
		if (!c->rings[q].slots || !c->rings[q].data)
			goto fail;
	}
	c->dead = pcap_open_dead(DLT_EN10MB, snaplen);
	if (!c->dead)
		goto fail;
	c->dump = pcap_dump_open(c->dead, path);
	if (!c->dump) {
		xf_err("cannot write %s: %s", path, pcap_geterr(c->dead));
		goto fail;
	}
	if (pthread_create(&c->writer, NULL, cap_writer, c)) {
		pcap_dump_close(c->dump);
		c->dump = NULL;
		goto fail;
	}
	return c;
fail:
	if (c->dead)
		pcap_close(c->dead);
	for (unsigned int q = 0; c->rings && q < queues; q++) {
		free(c->rings[q].slots);
		free(c->rings[q].data);
	}
	free(c->rings);
	free(c);
	return NULL;
}

void xf_capture_close(struct xf_capture *c, unsigned long long *written,
		      unsigned long long *missed)
{
	unsigned long long m = 0;

	atomic_store(&c->stop, true);
	pthread_join(c->writer, NULL);
	pcap_dump_close(c->dump);
	pcap_close(c->dead);
	for (unsigned int q = 0; q < c->nq; q++) {
		m += c->rings[q].missed;
		free(c->rings[q].slots);
		free(c->rings[q].data);
	}
	if (written)
		*written = c->written;
	if (missed)
		*missed = m;
	free(c->rings);
	free(c);
}

struct cap_ctx {
	struct xf_capture *c;
	struct cap_ring *r;
};

static int capture_init(void **ctx, int queue, void *arg)
{
	struct xf_capture *c = arg;
	struct cap_ctx *x;

	if ((unsigned int)queue >= c->nq)
		return -EINVAL;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->c = c;
	x->r = &c->rings[queue];
	*ctx = x;
	return 0;
}

static void capture_batch(void *ctx, struct xf_frame *f, __u8 *v, unsigned int n)
{
	struct cap_ctx *x = ctx;
	struct cap_ring *r = x->r;
	unsigned int nslots = x->c->nslots, snap = x->c->snaplen;
	unsigned int head = atomic_load_explicit(&r->head, memory_order_relaxed);
	unsigned int tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	struct timeval now;

	gettimeofday(&now, NULL);	/* one timestamp per batch (vDSO) */
	for (unsigned int i = 0; i < n; i++) {	/* verdicts stay XF_V_DROP */
		if (head - tail >= nslots) {
			r->missed++;
			continue;
		}
		unsigned int s = head % nslots;
		__u32 cl = f[i].len < snap ? f[i].len : snap;

		r->slots[s] = (struct cap_slot){ .ts = now, .len = f[i].len, .caplen = cl };
		memcpy(r->data + (size_t)s * snap, f[i].data, cl);
		head++;
	}
	atomic_store_explicit(&r->head, head, memory_order_release);
}

static void capture_fini(void *ctx)
{
	free(ctx);
}

struct xf_proc_ops xf_proc_capture(struct xf_capture *c)
{
	return (struct xf_proc_ops){
		.api_version = XF_PROC_API_VERSION,
		.name = "capture",
		.flags = XF_PROC_NO_TX,
		.init = capture_init,
		.batch = capture_batch,
		.fini = capture_fini,
		.arg = c,
	};
}
