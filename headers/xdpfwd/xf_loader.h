/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_loader.h - opening the embedded BPF object, attaching it to an
 * interface, pinning its maps, and asking what is attached where.
 */
#ifndef XF_LOADER_H
#define XF_LOADER_H

#include <stdbool.h>
#include "xf_abi.h"

struct xdp_fwd;
struct xf_attach_info;

enum xf_mode { XF_MODE_NATIVE, XF_MODE_SKB };

struct xf_load_opts {
	enum xf_mode mode;
	bool force;
	__u32 max_rules;	/* 0: XF_DEFAULT_MAX_RULES */
	__u32 max_queues;	/* 0: XF_MAX_QUEUES */
	bool trace;		/* record every frame in the trace map */
	bool no_vcache;		/* skip the verdict cache (benchmarks) */
	bool no_meta;		/* no struct xf_meta for AF_XDP (benchmarks) */
};

/* Open and load the embedded object (no attach, no pins). */
int xf_skel_load(const struct xf_load_opts *o, struct xdp_fwd **skel);

/* Make sure /sys/fs/bpf is a bpffs, mounting one if needed. */
int xf_bpffs_ensure(void);

int xf_load(const char *ifname, const struct xf_load_opts *o);

/*
 * libxdp's multi-program dispatcher (README, "Sharing the interface").
 * xf_load() joins a dispatcher that is already attached to the interface;
 * xf_load_chain() also builds one when c->multiprog (an error, nothing
 * attached, where libxdp cannot).  Inside it xdp-fwd runs at c->priority
 * (lower runs first; 0: XF_CHAIN_DEFAULT_PRIO) and the next program runs
 * after it when xdp-fwd's verdict is in c->chain_mask (bits 1 << XDP_*;
 * 0: XF_CHAIN_DEFAULT_MASK, XDP_PASS only).  c may be NULL.
 */
#define XF_CHAIN_DEFAULT_PRIO	40
#define XF_CHAIN_DEFAULT_MASK	(1u << 2)	/* XDP_PASS */
#define XF_DISPATCHER_MAX	10		/* libxdp's slots */
struct xf_chain_opts {
	bool multiprog;
	unsigned int priority;
	__u32 chain_mask;
};
int xf_load_chain(const char *ifname, const struct xf_load_opts *o,
		  const struct xf_chain_opts *c);

/* One program in a dispatcher, and the dispatcher: xf_dispatcher_read(). */
struct xf_dispatched {
	__u32 prog_id;
	char name[16];
	unsigned int priority;
	__u32 chain_mask;	/* 1 << XDP_* */
};
struct xf_dispatcher {
	__u32 prog_id;		/* the dispatcher's own */
	__u8 mode;		/* XDP_ATTACHED_DRV or _SKB */
	unsigned int n;
	struct xf_dispatched progs[XF_DISPATCHER_MAX];	/* in the order they run */
};
/* 0 with d filled; -ENOENT when no libxdp dispatcher is attached to ifindex. */
int xf_dispatcher_read(int ifindex, struct xf_dispatcher *d);
/*
 * The id to compare with xdp-fwd's pinned one (ours): ours when the attached
 * program (ai, from xf_query()) is a dispatcher that runs it, else ai's.
 */
__u32 xf_effective_prog_id(int ifindex, const struct xf_attach_info *ai, __u32 ours);
/* "pass,drop,..." (aborted, drop, pass, tx, redirect) <-> a chain mask; -EINVAL on a bad word. */
int xf_chain_parse(const char *list, __u32 *mask);
int xf_chain_format(__u32 mask, char *buf, size_t len);
int xf_unload(const char *ifname);
/*
 * A warning (through the print callback) when XF_PIN_ROOT/IFNAME holds the
 * pins of an xdp-fwd older than the per-namespace layout (xf_pin_dir()),
 * with how to remove them; nothing when it does not.
 */
void xf_pin_legacy_warn(const char *ifname);

/* What the kernel says is attached to ifindex. */
struct xf_attach_info {
	__u32 prog_id;		/* 0 when nothing is attached */
	__u8 attach_mode;	/* XDP_ATTACHED_* */
	char prog_name[16];
};
int xf_query(int ifindex, struct xf_attach_info *info);
const char *xf_attach_mode_name(__u8 mode);
/* id of the program pinned for ifname, or 0. */
__u32 xf_pinned_prog_id(const char *ifname);

#endif /* XF_LOADER_H */
