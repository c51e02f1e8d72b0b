/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_iface.h - what running the AF_XDP consumer on an interface takes,
 * beyond the engine of xf_xsk.h: the device's queues, how its NAPI runs,
 * xdp-fwd's program and XSKMAP on it, and a configuration with sane
 * defaults.  `xdp-fwd run` and the examples are built on exactly these.
 */
#ifndef XF_IFACE_H
#define XF_IFACE_H

#include <stdbool.h>
#include <linux/types.h>

#include "xf_xsk.h"

/* The defaults of xf_run_cfg_init(), which are `xdp-fwd run`'s. */
#define XF_RUN_DEFAULT_BATCH		64
#define XF_RUN_DEFAULT_FRAMES		4096
#define XF_RUN_DEFAULT_RING_SIZE	2048
#define XF_RUN_DEFAULT_FRAME_SIZE	4096
#define XF_RUN_DEFAULT_IDLE_YIELDS	256	/* softirq NAPI; 0 when threaded */

/*
 * The device's RX queues (ethtool channels: combined, else rx): *cur now
 * and *max at most (max may be NULL).  A device without channels (the
 * ioctl fails) has one.  0, or quietly -EINVAL (bad name) or -ENODEV (no
 * such interface): it is cheap enough to ask every tick.
 */
int xf_iface_queues(const char *ifname, unsigned int *cur, unsigned int *max);

/*
 * 1 when the device's NAPI runs in kernel threads, 0 when in softirq (also
 * when the kernel does not say: before 5.12 it always was), -EINVAL for a
 * bad name.
 */
int xf_iface_napi_threaded(const char *ifname);

/*
 * The XSKMAP of the xdp-fwd program attached to ifname, opened from its
 * pins (made by `xdp-fwd load` or xf_load()): a new fd the caller closes,
 * or a negative errno with a message saying what is missing (no access to
 * the pins, not loaded, the pinned program not the one attached).
 * *prog_id (may be NULL) is the program's id: when the interface later has
 * another, the map is another too.
 */
int xf_iface_xskmap(const char *ifname, __u32 *prog_id);

/*
 * Only the defaults: batch, ring and UMEM sizes, copy or zero-copy as the
 * driver grants, poll(), idle yields for softirq NAPI, ops (NULL:
 * xf_proc_rxdrop); no interface and no XSKMAP (xsks_map is -1).  For a
 * caller that sets the interface part itself, as `xdp-fwd run` does.
 */
void xf_run_cfg_init(struct xf_run_cfg *cfg, const struct xf_proc_ops *ops);

/*
 * A configuration for running ops on every queue of ifname: the defaults
 * of xf_run_cfg_init(), ifname's index and queues (at most XF_MAX_QUEUES),
 * idle yields chosen from its NAPI mode, and the XSKMAP of the xdp-fwd
 * program attached to it (xf_iface_xskmap()).  The caller may change any
 * field before xf_run_setup().  0 or a negative errno, with a message
 * naming what is missing; on error nothing is left open.
 *
 * cfg owns cfg->xsks_map: xf_run_cfg_fini() closes it (xf_run_teardown()
 * does not, so one cfg serves any number of setup/teardown rounds).  A
 * caller that replaces the fd closes the old one first.
 */
int xf_run_cfg_default(struct xf_run_cfg *cfg, const char *ifname,
		       const struct xf_proc_ops *ops);
/* Close what cfg owns (its XSKMAP fd, when >= 0); safe to call twice. */
void xf_run_cfg_fini(struct xf_run_cfg *cfg);

#endif /* XF_IFACE_H */
