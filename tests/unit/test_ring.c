// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_ring.c - the consumer's frame bookkeeping (headers/xdpfwd/xf_ring.h) against
 * a model of the kernel's side of the fill and completion rings.
 *
 * libxdp's ring helpers are inline and touch nothing but the ring's memory,
 * so they run here on rings laid out in plain arrays.  The model "kernel"
 * consumes fill entries, hands frames back through RX (to the test), and
 * produces completions; XF_RING_NB_FREE is hooked so that the kernel can
 * move the consumer index between two reads of the same refill, the window
 * the old refill() fell into (it popped every free slot the second read
 * saw, more than its pool held).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/types.h>
#include <xdp/xsk.h>

static __u32 hook_nb_free(struct xsk_ring_prod *r, __u32 nb);
#define XF_RING_NB_FREE(r, nb) hook_nb_free(r, nb)
#include "xf_ring.h"

#define FRAME 4096u

/* One ring's shared memory, as the kernel maps it. */
struct fake_ring {
	__u32 producer, consumer, flags;
	__u64 *slots;
	__u32 size;
};

/* The kernel's moves when the hooked read happens (see hook_nb_free). */
static struct {
	struct fake_ring *fq;
	__u32 consume;		/* fill entries to consume at the next read */
	unsigned int calls;
} race;

static void kernel_consume_fill(struct fake_ring *k, __u32 n);

static __u32 hook_nb_free(struct xsk_ring_prod *r, __u32 nb)
{
	race.calls++;
	if (race.fq && race.consume) {
		kernel_consume_fill(race.fq, race.consume);
		race.consume = 0;
	}
	return xsk_prod_nb_free(r, nb);
}

/* Set up @k and the user's view of it, as xsk_umem__create() does. */
static void ring_init(struct fake_ring *k, __u32 size, struct xsk_ring_prod *p,
		      struct xsk_ring_cons *c)
{
	memset(k, 0, sizeof(*k));
	k->size = size;
	k->slots = calloc(size, sizeof(*k->slots));
	assert_non_null(k->slots);
	if (p) {
		p->mask = size - 1;
		p->size = size;
		p->producer = &k->producer;
		p->consumer = &k->consumer;
		p->flags = &k->flags;
		p->ring = k->slots;
		p->cached_prod = k->producer;
		p->cached_cons = k->consumer + size;
	}
	if (c) {
		c->mask = size - 1;
		c->size = size;
		c->producer = &k->producer;
		c->consumer = &k->consumer;
		c->flags = &k->flags;
		c->ring = k->slots;
		c->cached_prod = k->producer;
		c->cached_cons = k->consumer;
	}
}

/* The frames the kernel has taken off the fill ring, waiting to be received. */
static struct {
	__u64 addr[1 << 16];
	__u32 n;
} rx;

static void kernel_consume_fill(struct fake_ring *k, __u32 n)
{
	__u32 avail = k->producer - k->consumer;

	if (n > avail)
		n = avail;
	for (__u32 i = 0; i < n; i++)
		rx.addr[rx.n++] = k->slots[(k->consumer + i) & (k->size - 1)];
	k->consumer += n;
}

/* The kernel puts @addr on the completion ring (the caller checks room). */
static void kernel_complete(struct fake_ring *k, __u64 addr)
{
	k->slots[k->producer & (k->size - 1)] = addr;
	k->producer++;
}

static struct xf_pool pool_new(__u32 frames)
{
	struct xf_pool p = { .addr = calloc(frames, sizeof(__u64)), .cap = frames };

	assert_non_null(p.addr);
	for (__u32 i = 0; i < frames; i++)
		assert_true(xf_pool_put(&p, (__u64)i * FRAME));
	return p;
}

/*
 * Every frame must be in exactly one place: the pool, the fill ring (between
 * the kernel's consumer and the producer), or rx.
 */
static void assert_conserved(const struct xf_pool *p, const struct fake_ring *fq,
			     __u32 frames, __u32 elsewhere)
{
	unsigned char *seen = calloc(frames, 1);
	__u32 total = 0;

	assert_non_null(seen);
	assert_true(p->n <= p->cap);
	for (__u32 i = 0; i < p->n; i++, total++)
		seen[p->addr[i] / FRAME]++;
	for (__u32 i = fq->consumer; i != fq->producer; i++, total++)
		seen[fq->slots[i & (fq->size - 1)] / FRAME]++;
	for (__u32 i = 0; i < rx.n; i++, total++)
		seen[rx.addr[i] / FRAME]++;
	assert_int_equal(total + elsewhere, frames);
	for (__u32 i = 0; i < frames && !elsewhere; i++)
		assert_int_equal(seen[i], 1);
	free(seen);
}

static int reset(void **state)
{
	memset(&race, 0, sizeof(race));
	rx.n = 0;
	return 0;
}

/*
 * The crash: the pool holds 2, the ring has 1 slot free at the first read,
 * and the kernel frees 5 more before the second.  Only 2 may move.
 */
static void test_refill_clamped_to_pool(void **state)
{
	struct fake_ring k;
	struct xsk_ring_prod fq;
	struct xf_pool p = pool_new(10);

	ring_init(&k, 8, &fq, NULL);
	assert_int_equal(xf_ring_refill(&fq, &p), 8);
	assert_int_equal(p.n, 2);
	assert_int_equal(k.producer, 8);

	kernel_consume_fill(&k, 1);	/* seen by the first read */
	race.fq = &k;
	race.consume = 5;		/* between the two reads */
	assert_int_equal(xf_ring_refill(&fq, &p), 2);
	assert_int_equal(p.n, 0);
	assert_int_equal(k.producer, 10);
	assert_conserved(&p, &k, 10, 0);

	/* an empty pool asks the ring for nothing */
	race.calls = 0;
	assert_int_equal(xf_ring_refill(&fq, &p), 0);
	assert_int_equal(race.calls, 0);
	free(p.addr);
	free(k.slots);
}

/* The ring is the limit when the pool has more than it can take. */
static void test_refill_clamped_to_ring(void **state)
{
	struct fake_ring k;
	struct xsk_ring_prod fq;
	struct xf_pool p = pool_new(64);

	ring_init(&k, 16, &fq, NULL);
	assert_int_equal(xf_ring_refill(&fq, &p), 16);
	assert_int_equal(xf_ring_refill(&fq, &p), 0);	/* full */
	kernel_consume_fill(&k, 3);
	assert_int_equal(xf_ring_refill(&fq, &p), 3);
	assert_int_equal(p.n, 64 - 19);
	assert_conserved(&p, &k, 64, 0);
	free(p.addr);
	free(k.slots);
}

/* A simple PRNG, so that a failing seed can be replayed. */
static __u32 rnd(__u64 *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (__u32)(*s >> 33);
}

/*
 * Random interleavings of the kernel consuming fill entries (also between
 * the two reads of one refill), frames coming back from RX into the pool,
 * and refills, with the repro's shape: frames a little above twice the
 * ring.  Every frame stays in one place, the pool never over- or underflows.
 */
static void test_refill_random_interleavings(void **state)
{
	const __u32 ring = 64, frames = 2 * 64 + 2;

	for (__u64 seed = 1; seed <= 200; seed++) {
		__u64 s = seed;
		struct fake_ring k;
		struct xsk_ring_prod fq;
		struct xf_pool p = pool_new(frames);

		reset(NULL);
		ring_init(&k, ring, &fq, NULL);
		race.fq = &k;
		for (int step = 0; step < 2000; step++) {
			switch (rnd(&s) % 5) {
			case 0:
				kernel_consume_fill(&k, rnd(&s) % (ring + 1));
				break;
			case 1: {	/* the consumer receives and frees a batch */
				__u32 n = rnd(&s) % (rx.n + 1);

				for (__u32 i = 0; i < n; i++)
					assert_true(xf_pool_put(&p, rx.addr[--rx.n]));
				break;
			}
			case 2: {	/* ... or hands it straight back to the fill ring */
				__u32 n = rnd(&s) % (rx.n + 1);
				__u64 batch[2 * 64 + 2];

				rx.n -= n;
				for (__u32 i = 0; i < n; i++)	/* RX addresses carry the headroom */
					batch[i] = rx.addr[rx.n + i] + 256;
				race.consume = rnd(&s) % 2 ? rnd(&s) % (ring + 1) : 0;
				assert_true(xf_ring_recycle(&fq, &p, batch, n, xf_base_mask(FRAME)) >= 0);
				break;
			}
			default:
				race.consume = rnd(&s) % 2 ? rnd(&s) % (ring + 1) : 0;
				xf_ring_refill(&fq, &p);
				break;
			}
			assert_conserved(&p, &k, frames, 0);
		}
		free(p.addr);
		free(k.slots);
	}
}

/* The pool refuses a frame past its capacity (a double free). */
static void test_pool_overflow_refused(void **state)
{
	struct xf_pool p = pool_new(4);

	assert_int_equal(p.n, 4);
	assert_false(xf_pool_put(&p, 0));
	assert_int_equal(p.n, 4);
	free(p.addr);
}

/*
 * Completions come back as frame bases, only as many as were sent, to the
 * fill ring first and the pool for what it has no room for; a completion
 * the pool has no room for is reported, not written.
 */
static void test_complete(void **state)
{
	struct fake_ring k, f;
	struct xsk_ring_cons cq;
	struct xsk_ring_prod fq;
	struct xf_pool p = { .addr = calloc(8, sizeof(__u64)), .cap = 8 };
	__u64 mask = xf_base_mask(FRAME);
	__u32 tx_out = 3, filled = 99;

	assert_non_null(p.addr);
	ring_init(&k, 8, NULL, &cq);
	ring_init(&f, 4, &fq, NULL);
	f.producer = 3;			/* the kernel holds 3 of the fill ring's 4 */
	fq.cached_prod = 3;
	kernel_complete(&k, 2 * FRAME + 256);	/* TX descs carry the RX offset */
	kernel_complete(&k, 5 * FRAME + 256);
	assert_int_equal(xf_ring_complete(&cq, &fq, &p, &tx_out, mask, &filled), 2);
	assert_int_equal(filled, 1);		/* one slot: the first, the rest pooled */
	assert_int_equal(f.slots[3], 2 * FRAME);
	assert_int_equal(f.producer, 4);
	assert_int_equal(tx_out, 1);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.addr[0], 5 * FRAME);
	assert_int_equal(k.consumer, 2);

	/* a ring with more entries than frames in flight gives only tx_out */
	kernel_complete(&k, 1 * FRAME);
	kernel_complete(&k, 3 * FRAME);
	assert_int_equal(xf_ring_complete(&cq, &fq, &p, &tx_out, mask, &filled), 1);
	assert_int_equal(filled, 0);		/* the fill ring is full */
	assert_int_equal(tx_out, 0);
	assert_int_equal(p.addr[1], 1 * FRAME);
	assert_int_equal(xf_ring_complete(&cq, &fq, &p, &tx_out, mask, &filled), 0);

	/* room again, and the kernel frees more between the two reads: only 1 */
	tx_out = 1;
	kernel_consume_fill(&f, 1);
	race.fq = &f;
	race.consume = 3;
	assert_int_equal(xf_ring_complete(&cq, &fq, &p, &tx_out, mask, &filled), 1);
	assert_int_equal(filled, 1);
	assert_int_equal(f.producer, 5);
	assert_int_equal(f.slots[4 & 3], 3 * FRAME);

	/* a full pool: reported */
	kernel_complete(&k, 6 * FRAME);
	f.producer = f.consumer + 4;		/* no fill room: it must go to the pool */
	fq.cached_prod = f.producer;
	p.n = p.cap;
	tx_out = 1;
	assert_int_equal(xf_ring_complete(&cq, &fq, &p, &tx_out, mask, &filled), -1);
	free(p.addr);
	free(k.slots);
	free(f.slots);
}

/*
 * Dropped frames go straight to the fill ring as far as it has room (clamped
 * to the batch when the kernel frees more meanwhile), the rest to the pool,
 * all as frame bases; a rest the pool cannot take is reported.
 */
static void test_recycle(void **state)
{
	struct fake_ring k;
	struct xsk_ring_prod fq;
	struct xf_pool p = { .addr = calloc(8, sizeof(__u64)), .cap = 8 };
	__u64 mask = xf_base_mask(FRAME);
	__u64 b[4] = { 1 * FRAME + 256, 4 * FRAME + 256, 6 * FRAME + 300, 7 * FRAME };

	assert_non_null(p.addr);
	ring_init(&k, 4, &fq, NULL);
	k.producer = 2;				/* the kernel holds 2 of 4 */
	fq.cached_prod = 2;
	assert_int_equal(xf_ring_recycle(&fq, &p, b, 3, mask), 2);
	assert_int_equal(k.producer, 4);
	assert_int_equal(k.slots[2], 1 * FRAME);
	assert_int_equal(k.slots[3], 4 * FRAME);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.addr[0], 6 * FRAME);

	/* the kernel frees all 4 between the reads: still only the batch's 2 */
	race.fq = &k;
	race.consume = 4;
	assert_int_equal(xf_ring_recycle(&fq, &p, b + 2, 2, mask), 2);
	assert_int_equal(k.producer, 6);
	assert_int_equal(k.slots[5 & 3], 7 * FRAME);
	assert_int_equal(p.n, 1);
	assert_int_equal(xf_ring_recycle(&fq, &p, b, 0, mask), 0);

	/* a full ring and a full pool: reported */
	assert_int_equal(xf_ring_recycle(&fq, &p, b, 2, mask), 2);	/* fills it */
	assert_int_equal(k.producer - k.consumer, 4);
	p.n = p.cap;
	assert_int_equal(xf_ring_recycle(&fq, &p, b, 1, mask), -1);
	free(p.addr);
	free(k.slots);
}

/* The room a processor gets ends at its frame's end, past the headroom. */
static void test_frame_room(void **state)
{
	assert_int_equal(xf_frame_room(0, 4096), 4096);
	assert_int_equal(xf_frame_room(3 * 4096 + 256, 4096), 4096 - 256);
	assert_int_equal(xf_frame_room(7 * 2048 + 256, 2048), 2048 - 256);
	assert_int_equal(xf_frame_base(7 * 2048 + 256, 2048), 7 * 2048);
}

static void test_frames_add_up(void **state)
{
	assert_true(xf_frames_add_up(10, 20, 30, 4, 64));
	assert_false(xf_frames_add_up(10, 20, 30, 5, 64));
	/* a wrapped count must not add up to the total by overflow */
	assert_false(xf_frames_add_up(0xffffffffu, 65, 0, 0, 64));
}

/*
 * xf_count_tx() against a byte-by-byte count: every length from 0 to 200
 * (whole words and tails), verdicts drawn from DROP, TX and other values
 * (which count as DROP but make the batch dirty), with a fixed seed.
 */
static void test_count_tx(void **state)
{
	static const __u8 vals[] = { XF_V_DROP, XF_V_DROP, XF_V_DROP, XF_V_TX, 2, 0x81, 0xff };
	__u8 v[200];
	unsigned int seed = 14;

	for (__u32 n = 0; n <= sizeof(v); n++) {
		for (int round = 0; round < 20; round++) {
			__u32 want = 0;
			bool dirty = false, want_dirty = false;

			for (__u32 i = 0; i < n; i++) {
				/* some rounds all DROP, some all TX, the rest mixed */
				v[i] = round == 0 ? XF_V_DROP : round == 1 ? XF_V_TX :
				       vals[rand_r(&seed) % sizeof(vals)];
				want += v[i] == XF_V_TX;
				want_dirty |= v[i] != XF_V_DROP;
			}
			assert_int_equal(xf_count_tx(v, n, &dirty), want);
			assert_int_equal(dirty, want_dirty);
		}
	}
}

/*
 * xf_frame_meta(): the metadata only when the word before the data is the
 * magic and its len is the frame's; a processor that changed len, or a
 * buffer whose magic the engine cleared, gets NULL.
 */
static void test_frame_meta(void **state)
{
	static __u8 buf[256] __attribute__((aligned(8)));
	struct xf_meta m = { .rule_id = 7, .l3_off = 14, .l4_off = 34, .len = 60,
			     .magic = XF_META_MAGIC };
	struct xf_frame f = { .data = buf + 128, .len = 60, .room = 128 };
	const struct xf_meta *got;

	(void)state;
	memcpy(f.data - sizeof(m), &m, sizeof(m));
	got = xf_frame_meta(&f);
	assert_ptr_equal(got, f.data - sizeof(m));
	assert_int_equal(got->rule_id, 7);
	assert_int_equal(got->l3_off, 14);
	assert_int_equal(got->l4_off, 34);

	f.len = 61;			/* grown by the processor: no longer its length */
	assert_null(xf_frame_meta(&f));
	f.len = 60;
	m.magic = XF_META_MAGIC ^ 1;	/* anything but the magic */
	memcpy(f.data - sizeof(m), &m, sizeof(m));
	assert_null(xf_frame_meta(&f));
	m.magic = 0;			/* what the engine leaves in a recycled buffer */
	memcpy(f.data - sizeof(m), &m, sizeof(m));
	assert_null(xf_frame_meta(&f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_refill_clamped_to_pool, reset),
		cmocka_unit_test_setup(test_refill_clamped_to_ring, reset),
		cmocka_unit_test_setup(test_refill_random_interleavings, reset),
		cmocka_unit_test_setup(test_pool_overflow_refused, reset),
		cmocka_unit_test_setup(test_complete, reset),
		cmocka_unit_test_setup(test_recycle, reset),
		cmocka_unit_test_setup(test_frame_room, reset),
		cmocka_unit_test_setup(test_frames_add_up, reset),
		cmocka_unit_test_setup(test_count_tx, reset),
		cmocka_unit_test_setup(test_frame_meta, reset),
	};

	return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
