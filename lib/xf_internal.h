/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_internal.h - what the library's own files share and nobody else sees:
 * its message functions (through the print callback of xdpfwd.h).  Hidden,
 * so the shared library does not export them.
 */
#ifndef XF_INTERNAL_H
#define XF_INTERNAL_H

#include "xdpfwd.h"

#define XF_HIDDEN __attribute__((visibility("hidden")))

XF_HIDDEN void xf_log(enum xf_print_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define xf_err(...)	xf_log(XF_PRINT_ERROR, __VA_ARGS__)
#define xf_warn(...)	xf_log(XF_PRINT_WARN, __VA_ARGS__)
#define xf_info(...)	xf_log(XF_PRINT_INFO, __VA_ARGS__)
#define xf_debug(...)	xf_log(XF_PRINT_DEBUG, __VA_ARGS__)

/* XF_PIN_ROOT, net<INODE> and DIR itself all xdp-fwd's (xf_pin_path_trusted()). */
XF_HIDDEN int xf_pin_dirs_trusted(const char *dir);

/* xf_multiprog.c: attach the loaded-to-be skeleton through libxdp, and detach it. */
struct xdp_fwd;
struct xf_load_opts;
struct xf_chain_opts;
XF_HIDDEN int xf_mp_attach(struct xdp_fwd *skel, int ifindex, const char *ifname,
			   const struct xf_load_opts *o, const struct xf_chain_opts *c);
XF_HIDDEN int xf_mp_detach(int ifindex, int prog_fd, __u8 dispatcher_mode, const char *ifname);
/*
 * xf_loader.c: the embedded object opened and sized, not loaded;
 * dispatched: xdp_fwd_mp.bpf.c's, for libxdp's dispatcher
 */
XF_HIDDEN int xf_skel_open(const struct xf_load_opts *o, bool dispatched, struct xdp_fwd **out);

#endif /* XF_INTERNAL_H */
