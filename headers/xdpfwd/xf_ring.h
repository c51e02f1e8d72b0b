/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_ring.h - the consumer's UMEM frame bookkeeping on libxdp's ring helpers.
 *
 * Header-only so that the worker inlines it and tests/unit/test_ring.c can
 * run it on rings in plain memory, with a "kernel" that moves the ring
 * indices between two reads (XF_RING_NB_FREE is the hook).
 *
 * A queue's frames live in exactly one of: the free pool (a stack of
 * addresses), the kernel's side of the fill and RX rings, a processor's
 * batch, or the kernel's side of the TX and completion rings.  Frames the
 * consumer is done with go straight back to the fill ring when it has room
 * (xf_ring_recycle, xf_ring_complete); the pool takes what does not fit and
 * stocks the fill ring at start.  The pool can
 * never hold more than the UMEM has frames; every function here refuses to
 * take it past either end, so a broken count is reported, not written
 * through.
 */
#ifndef XF_RING_H
#define XF_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
#include <xdp/xsk.h>

#include "xf_proc.h"

/* xf_ring_take() writes xf_frame's len and room as one 8-byte word. */
_Static_assert(offsetof(struct xf_frame, room) == offsetof(struct xf_frame, len) + 4 &&
	       sizeof(((struct xf_frame *)0)->len) == 4, "XF_FRAME_LEN_ROOM");

/* How many slots a producer ring has free (libxdp's, unless a test hooks it). */
#ifndef XF_RING_NB_FREE
#define XF_RING_NB_FREE(r, nb) xsk_prod_nb_free(r, nb)
#endif

struct xf_pool {
	__u64 *addr;	/* free frames, a stack */
	__u32 n;	/* on the stack */
	__u32 cap;	/* the UMEM's frames: n never exceeds it */
};

/* Push a free frame; false when the pool is already full (a double free). */
static inline bool xf_pool_put(struct xf_pool *p, __u64 addr)
{
	if (p->n >= p->cap)
		return false;
	p->addr[p->n++] = addr;
	return true;
}

/* The start of the frame that holds @addr (aligned UMEM, power-of-2 frames). */
static inline __u64 xf_frame_base(__u64 addr, __u32 frame_size)
{
	return xsk_umem__extract_addr(addr) & ~(__u64)(frame_size - 1);
}

/*
 * Bytes from @addr to the end of its frame: what a processor may use.  RX
 * descriptors point past the kernel's headroom (XDP_PACKET_HEADROOM in
 * copy mode), not at the frame's start.
 */
static inline __u32 xf_frame_room(__u64 addr, __u32 frame_size)
{
	return frame_size - (__u32)(xsk_umem__extract_addr(addr) & (frame_size - 1));
}

/*
 * Reserve up to @n producer slots, as many as the ring has free, in one
 * reservation; returns how many (0: none, *@idx untouched).
 *
 * xsk_prod_nb_free() returns every free slot it sees, which is more than it
 * was asked for whenever the kernel has consumed more in the meantime: the
 * count must be clamped to @n, never taken as the number to write (the
 * fill-ring crash of issue 11).  The reservation that follows cannot fail,
 * as the kernel only ever frees slots.  Every fill-ring producer here goes
 * through this.
 */
static inline __u32 xf_ring_reserve_upto(struct xsk_ring_prod *r, __u32 n, __u32 *idx)
{
	__u32 room;

	if (!n)
		return 0;
	room = XF_RING_NB_FREE(r, n);
	if (room < n)
		n = room;
	if (!n || xsk_ring_prod__reserve(r, n, idx) != n)
		return 0;
	return n;
}

/*
 * Move free frames to the fill ring, as many as both the pool and the ring
 * have room for, in one reservation.  Returns the number moved.
 */
static inline __u32 xf_ring_refill(struct xsk_ring_prod *fq, struct xf_pool *p)
{
	__u32 idx, n = xf_ring_reserve_upto(fq, p->n, &idx);

	if (!n)
		return 0;
	p->n -= n;
	for (__u32 i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(fq, idx + i) = p->addr[p->n + i];
	xsk_ring_prod__submit(fq, n);
	return n;
}

/*
 * The mask that turns any address inside a frame into the frame's start
 * (aligned UMEM, power-of-2 frames): xf_frame_base() as one AND, for loops
 * that run per frame.
 */
static inline __u64 xf_base_mask(__u32 frame_size)
{
	return XSK_UNALIGNED_BUF_ADDR_MASK & ~(__u64)(frame_size - 1);
}

/*
 * Give @n frames the consumer is done with straight back to the fill ring,
 * as many as it has room for, and the rest to the pool.  A dropped frame
 * then costs one ring write instead of a push onto the pool and a pop off
 * it in the next refill.  @addr may point anywhere inside each frame.
 * Returns the number put on the fill ring (the caller adds it to what the
 * kernel holds), or -1 when the pool has no room for one of the rest: the
 * counts are broken and the caller must stop.
 */
static inline int xf_ring_recycle(struct xsk_ring_prod *fq, struct xf_pool *p,
				  const __u64 *addr, __u32 n, __u64 base_mask)
{
	__u32 idx = 0, i, m = xf_ring_reserve_upto(fq, n, &idx);

	for (i = 0; i < m; i++)
		*xsk_ring_prod__fill_addr(fq, idx + i) = addr[i] & base_mask;
	if (m)
		xsk_ring_prod__submit(fq, m);
	for (; i < n; i++)
		if (!xf_pool_put(p, addr[i] & base_mask))
			return -1;
	return (int)m;
}

/*
 * Take what the completion ring holds: straight to the fill ring as far as
 * it has room (see xf_ring_recycle()), the rest into the pool.  @tx_out is
 * the number of frames handed to TX and not yet completed, and no more than
 * that are taken.  Returns the number taken and sets *@filled to how many
 * of them went to the fill ring, or returns -1 when the pool has no room
 * for one of them: the counts are broken and the caller must stop.
 */
static inline int xf_ring_complete(struct xsk_ring_cons *cq, struct xsk_ring_prod *fq,
				   struct xf_pool *p, __u32 *tx_out, __u64 base_mask,
				   __u32 *filled)
{
	__u32 idx, fidx = 0, m, i, n = xsk_ring_cons__peek(cq, *tx_out, &idx);

	*filled = 0;
	if (!n)
		return 0;
	m = xf_ring_reserve_upto(fq, n, &fidx);
	for (i = 0; i < m; i++)
		*xsk_ring_prod__fill_addr(fq, fidx + i) =
			*xsk_ring_cons__comp_addr(cq, idx + i) & base_mask;
	if (m)
		xsk_ring_prod__submit(fq, m);
	for (; i < n; i++)
		if (!xf_pool_put(p, *xsk_ring_cons__comp_addr(cq, idx + i) & base_mask))
			return -1;
	xsk_ring_cons__release(cq, n);
	*tx_out -= n;
	*filled = m;
	return (int)n;
}

/*
 * Reserve exactly @n fill-ring slots, or none: true when reserved.  The
 * entries become the kernel's only at xsk_ring_prod__submit(), so the
 * caller may write them while the frames are still in a processor's hands.
 */
static inline bool xf_ring_fill_reserve(struct xsk_ring_prod *fq, __u32 n, __u32 *idx)
{
	/* libxdp's reserve is all or nothing: it cannot take more than @n */
	return xsk_ring_prod__reserve(fq, n, idx) == n;
}

/*
 * Take @m contiguous RX descriptors @d into the batch: each frame's
 * xf_frame, and its address, masked with @am, into out[(@oi + i) & @om].
 * With out = an array, @om = ~0 and @am = ~0 that is a plain copy; with out
 * = the fill ring's entries at a reservation, the buffers are queued for
 * the kernel in the same pass (XF_PROC_NO_TX).  Returns the bytes taken.
 * Inlined into each caller so that constant masks cost nothing.
 */
static inline __attribute__((always_inline)) unsigned long long
xf_ring_take(const struct xdp_desc *d, __u32 m, struct xf_frame *fr, __u8 *umem,
	     __u32 frame_size, __u64 *out, __u32 oi, __u32 om, __u64 am)
{
	const struct xdp_desc *end = d + m;
	unsigned long long bytes = 0;

	for (; d < end; d++, fr++, oi++) {
		__u64 a = d->addr;
		__u32 len = d->len, room = frame_size - ((__u32)a & (frame_size - 1));
		/*
		 * len and room are adjacent (XF_FRAME_LEN_ROOM): one 8-byte
		 * store, which also keeps the vectoriser from shuffling the
		 * two through SSE registers at twice the instructions.
		 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		__u64 lr = len | (__u64)room << 32;
#else
		__u64 lr = (__u64)len << 32 | room;
#endif

		out[oi & om] = a & am;
		fr->data = umem + a;	/* aligned mode: no offset bits in a */
		memcpy(&fr->len, &lr, sizeof(lr));	/* xf_frame_room() */
		bytes += len;
	}
	return bytes;
}

/*
 * How many of @n verdicts say XF_V_TX; *@dirty tells whether any is not
 * XF_V_DROP (the caller resets them).  Verdicts arrive XF_V_DROP (0), so
 * a batch nobody sends from is all zero: look at it eight at a time, and
 * count the bytes equal to XF_V_TX in a word without a branch per byte
 * (t's zero bytes are those; the 0x7f trick marks exactly the zero bytes
 * with their top bit, free of the borrows of the shorter has-zero test).
 */
static inline __u32 xf_count_tx(const __u8 *v, __u32 n, bool *dirty)
{
	const __u64 ones = 0x0101010101010101ULL, low7 = 0x7f7f7f7f7f7f7f7fULL;
	__u32 ntx = 0, i = 0;
	__u64 any = 0;

	for (; i + 8 <= n; i += 8) {
		__u64 w, t, z;

		memcpy(&w, v + i, 8);
		if (!w)
			continue;
		any |= w;
		t = w ^ (ones * XF_V_TX);
		z = ~(((t & low7) + low7) | t | low7);
		ntx += (__u32)(((z >> 7) * ones) >> 56);	/* sum of the 0/1 bytes */
	}
	for (; i < n; i++) {
		any |= v[i];
		ntx += v[i] == XF_V_TX;
	}
	*dirty = any != 0;	/* some verdict is not XF_V_DROP */
	return ntx;
}

/* The invariant: every frame is in exactly one place. */
static inline bool xf_frames_add_up(__u32 pool, __u32 fq_out, __u32 tx_out, __u32 in_proc,
				    __u32 frames)
{
	return (unsigned long long)pool + fq_out + tx_out + in_proc == frames;
}

#endif /* XF_RING_H */
