/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_features.h - what a device's driver offers XDP, as the kernel reports it
 * (generic netlink family "netdev", Linux 6.3 and later).  Older kernels do
 * not say: then 'known' is false, and load and run find out by trying.
 */
#ifndef XF_FEATURES_H
#define XF_FEATURES_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * The bits of xf_xdp_features.flags: the kernel's NETDEV_XDP_ACT_* of
 * include/uapi/linux/netdev.h (Linux 6.3+), which Debian 12's headers lack.
 */
#define XF_NETDEV_XDP_ACT_BASIC		(1ULL << 0)
#define XF_NETDEV_XDP_ACT_REDIRECT	(1ULL << 1)
#define XF_NETDEV_XDP_ACT_NDO_XMIT	(1ULL << 2)
#define XF_NETDEV_XDP_ACT_XSK_ZEROCOPY	(1ULL << 3)
#define XF_NETDEV_XDP_ACT_HW_OFFLOAD	(1ULL << 4)
#define XF_NETDEV_XDP_ACT_RX_SG		(1ULL << 5)
#define XF_NETDEV_XDP_ACT_NDO_XMIT_SG	(1ULL << 6)

struct xf_xdp_features {
	bool known;		/* the kernel reported them */
	const char *why;	/* when it did not: a sentence, static storage */
	__u64 flags;		/* XF_NETDEV_XDP_ACT_* */
	bool has_zc_segs;	/* Linux 6.6+ */
	__u32 zc_segs;
};

/*
 * Ask the kernel for ifindex's XDP features.  0 with f->known set, or a
 * negative errno with f->why saying why they are unknown (-ENOENT: the
 * kernel has no netdev family, i.e. it is older than 6.3).
 */
int xf_xdp_features_read(int ifindex, struct xf_xdp_features *f);

/* The short name of feature bit b ("basic", "xsk_zerocopy", ...): the keys
 * of `features --json`; "bitN" for a bit this build does not know. */
const char *xf_xdp_feature_name(int b);

#endif /* XF_FEATURES_H */
