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
 * batch, or the kernel's side of the TX and completion rings.  The pool can
 * never hold more than the UMEM has frames; every function here refuses to
 * take it past either end, so a broken count is reported, not written
 * through.
 */
#ifndef XF_RING_H
#define XF_RING_H

#include <stdbool.h>
#include <linux/types.h>
#include <xdp/xsk.h>

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
 * Move free frames to the fill ring, as many as both the pool and the ring
 * have room for, in one reservation.  Returns the number moved.
 *
 * xsk_prod_nb_free() returns every free slot it sees, which is more than it
 * was asked for whenever the kernel has consumed more in the meantime: the
 * count must be clamped to the pool, never taken as the number to pop.  The
 * reservation that follows cannot fail, as the kernel only ever frees slots.
 */
static inline __u32 xf_ring_refill(struct xsk_ring_prod *fq, struct xf_pool *p)
{
	__u32 n = p->n, room, idx;

	if (!n)
		return 0;
	room = XF_RING_NB_FREE(fq, n);
	if (room < n)
		n = room;
	if (!n || xsk_ring_prod__reserve(fq, n, &idx) != n)
		return 0;
	p->n -= n;
	for (__u32 i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(fq, idx + i) = p->addr[p->n + i];
	xsk_ring_prod__submit(fq, n);
	return n;
}

/*
 * Take what the completion ring holds back into the pool; @tx_out is the
 * number of frames handed to TX and not yet completed, and no more than
 * that are taken.  Returns the number taken, or -1 when the pool has no
 * room for one of them: the counts are broken and the caller must stop.
 */
static inline int xf_ring_complete(struct xsk_ring_cons *cq, struct xf_pool *p,
				   __u32 *tx_out, __u32 frame_size)
{
	__u32 idx, n = xsk_ring_cons__peek(cq, *tx_out, &idx);

	for (__u32 i = 0; i < n; i++)
		if (!xf_pool_put(p, xf_frame_base(*xsk_ring_cons__comp_addr(cq, idx + i),
						  frame_size)))
			return -1;
	if (n) {
		xsk_ring_cons__release(cq, n);
		*tx_out -= n;
	}
	return (int)n;
}

/* The invariant: every frame is in exactly one place. */
static inline bool xf_frames_add_up(__u32 pool, __u32 fq_out, __u32 tx_out, __u32 in_proc,
				    __u32 frames)
{
	return (unsigned long long)pool + fq_out + tx_out + in_proc == frames;
}

#endif /* XF_RING_H */
