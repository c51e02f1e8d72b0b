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

#include "xf_xsk.h"

/*
 * The device's RX queues (ethtool channels: combined, else rx): *cur now
 * and *max at most (max may be NULL).  A device without channels (the
 * ioctl fails) has one.  0 or a negative errno when ifname does not exist.
 */
int xf_iface_queues(const char *ifname, unsigned int *cur, unsigned int *max);

/* 1 when the device's NAPI runs in kernel threads, 0 when in softirq. */
int xf_iface_napi_threaded(const char *ifname);

/*
 * A configuration for running ops on every queue of ifname, with the
 * defaults `xdp-fwd run` uses (batch, ring and UMEM sizes, copy or
 * zero-copy as the driver grants, idle yields chosen from the NAPI mode)
 * and the XSKMAP of the xdp-fwd program attached to ifname (from its pins;
 * it must have been loaded with `xdp-fwd load` or xf_load()).  The caller
 * may change any field before xf_run_setup().  xf_run_cfg_fini() releases
 * what it opened.  0 or a negative errno, with a message through the print
 * callback naming what is missing.
 */
int xf_run_cfg_default(struct xf_run_cfg *cfg, const char *ifname,
		       const struct xf_proc_ops *ops);
void xf_run_cfg_fini(struct xf_run_cfg *cfg);

#endif /* XF_IFACE_H */
