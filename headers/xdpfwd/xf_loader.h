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
