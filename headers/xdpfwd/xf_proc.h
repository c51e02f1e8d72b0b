/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_proc.h - the batch-processing API of the AF_XDP consumer.
 *
 * `xdp-fwd run` receives frames on one AF_XDP socket per RX queue, one
 * worker thread per socket.  Each worker hands every batch it takes off
 * its RX ring to a processor: a struct xf_proc_ops.  The processor looks
 * at (and may rewrite in place) each frame and may set its verdict:
 *
 *   XF_V_DROP  the frame is done with; its buffer goes back to the fill ring
 *   XF_V_TX    send the frame (as it now is, len may change up to the
 *              frame's room) back out of the same queue
 *
 * Every verdict arrives as XF_V_DROP: a processor writes only the verdicts
 * of the frames it sends (rxdrop writes none).  Any other value counts as
 * XF_V_DROP.
 *
 * A processor that never sends sets XF_PROC_NO_TX in flags: its socket then
 * has no TX ring (the kernel's TX statistics stay still), its verdicts are
 * neither read nor reset (it should not write them), and each frame's buffer is queued for the fill ring as the
 * frame is taken off the RX ring, handed to the kernel only once batch()
 * has returned.
 *
 * Versioning: set .api_version = XF_PROC_API_VERSION (below); the
 * library refuses to run ops built against another version.
 *
 * Threading (lib/xf_xsk.c): init() runs once per queue on the thread that
 * calls xf_run_setup(), before any worker starts; batch() runs on that
 * queue's worker thread, one thread per queue, so the batches of one
 * queue never overlap but those of different queues run at the same time
 * (state shared through arg needs its own locking or atomics); fini() runs
 * once per queue on the thread that calls xf_run_teardown(), after every
 * worker has been joined.  batch() must not block: it is the hot path.
 *
 * Lifetime: a frame's data lives in the UMEM and is the processor's only
 * until batch() returns; the buffer then goes back to the kernel (fill or
 * TX ring).  Copy what must outlive the call.  Its metadata
 * (xf_frame_meta()) is valid for the same time, and only while len is
 * what the kernel delivered.
 *
 * What a processor may do to a frame: read and rewrite data[0..len) in
 * place; for a frame it sends, change len up to room (bytes from data to
 * the end of the UMEM frame) and set XF_V_TX.  It must not change data or
 * room, nor write before data (the headroom holds the metadata).
 *
 * The built-in processors are rxdrop, l2fwd and capture (xf_procs.c);
 * one of your own is a struct xf_proc_ops in xf_run_cfg.ops, handed to
 * xf_run_setup() (xf_xsk.h).
 */
#ifndef XF_PROC_H
#define XF_PROC_H

#include <linux/types.h>
#include <stdio.h>

#include "xf_abi.h"

enum xf_verdict {
	XF_V_DROP = 0,
	XF_V_TX = 1,
};

struct xf_frame {
	__u8 *data;		/* the frame, in the UMEM */
	__u32 len;		/* its length; a processor may change it for TX */
	__u32 room;		/* the most len may grow to (kept right after len:
				 * the engine writes both as one word) */
};

#define XF_PROC_NO_TX	(1u << 0)	/* never sets XF_V_TX (see above) */
/*
 * Reads xf_frame_meta().  Only then does the engine clear the metadata's
 * magic in each buffer once batch() has returned (see xf_frame_meta()):
 * that store touches a cache line of the frame that a processor such as
 * rxdrop, which never looks at the data, would otherwise leave alone.
 * Without this flag xf_frame_meta() may vouch for an earlier frame's
 * metadata, so a processor that reads it must set it.
 */
#define XF_PROC_META	(1u << 1)

/*
 * The version of this API a processor was built against: set
 * .api_version = XF_PROC_API_VERSION.  xf_run_setup() refuses any other
 * value, so a processor built against another layout of these structs
 * never runs.  Bumped whenever struct xf_frame or struct xf_proc_ops changes.
 */
#define XF_PROC_API_VERSION	2

struct xf_proc_ops {
	unsigned int api_version;	/* XF_PROC_API_VERSION */
	const char *name;
	unsigned int flags;	/* XF_PROC_* */
	/* Per queue.  *ctx is the processor's own state for that queue. */
	int (*init)(void **ctx, int queue, void *arg);
	/* One batch of n frames; verdict[0..n-1] arrive XF_V_DROP, set XF_V_TX to send. */
	void (*batch)(void *ctx, struct xf_frame *frames, __u8 *verdict, unsigned int n);
	void (*fini)(void *ctx);
	void *arg;		/* handed to init() */
};

/*
 * What xdp-fwd's program found about frame f: the rule that steered it
 * (XF_NO_RULE: the default action), its L3 and L4 offsets from f->data
 * (XF_META_NONE: no such header; ICMP counts as L4, a later fragment has
 * none), or NULL when the frame carries none.  Costs nothing for a
 * processor that does not ask.  Valid until batch() returns, and only
 * while f->len is unchanged (a grown or shrunk frame gets NULL).
 *
 * Which frames carry it: the program writes it with bpf_xdp_adjust_meta()
 * for every frame its xsk action sends to a socket, unless loaded with
 * xf_load_opts.no_meta.  In copy mode the kernel copies it into the UMEM
 * with the frame; in zero-copy mode it is written in place.  A driver
 * without XDP metadata support makes the helper fail and the frame comes
 * without.  Verified: veth in copy mode, and virtio-net in copy and in
 * zero-copy mode (the kernel guests); see README, "The processor API".
 *
 * No stale metadata: for a processor with XF_PROC_META, the engine clears
 * the magic of every buffer after batch() returns, so a frame that arrives without fresh metadata (the
 * program replaced or loaded with no_meta, another program redirecting
 * into the XSKMAP, adjust_meta refused for lack of headroom) finds no
 * magic left by an earlier frame.  What remains: a program other than
 * xdp-fwd's that itself writes XF_META_MAGIC in the word before the data
 * (it then speaks this ABI), or one that moves the frame's start with
 * bpf_xdp_adjust_head() in zero-copy mode, so that the word before the
 * data is not the one the engine cleared.  The 16 bytes read lie in the
 * UMEM frame: RX data starts XDP_PACKET_HEADROOM (256) bytes into it.
 */
static inline const struct xf_meta *xf_frame_meta(const struct xf_frame *f)
{
	const struct xf_meta *m = (const struct xf_meta *)(f->data - sizeof(*m));

	if (m->magic != XF_META_MAGIC || m->len != f->len)
		return NULL;
	return m;
}

extern const struct xf_proc_ops xf_proc_rxdrop;
extern const struct xf_proc_ops xf_proc_l2fwd;

/* capture: frames copied off the hot path to a pcap file. */
struct xf_capture;
struct xf_capture *xf_capture_open(const char *path, unsigned int queues,
				   unsigned int slots, unsigned int snaplen);
/* Stop the writer, flush and close; returns the frames written. */
void xf_capture_close(struct xf_capture *c, unsigned long long *written,
		      unsigned long long *missed);
struct xf_proc_ops xf_proc_capture(struct xf_capture *c);

#endif /* XF_PROC_H */
