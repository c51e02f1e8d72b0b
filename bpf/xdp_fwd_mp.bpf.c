// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xdp_fwd_mp.bpf.c - xdp_fwd.bpf.c for libxdp's dispatcher (load
 * --multiprog): the same program and maps, without the one helper that
 * changes packet data, bpf_xdp_adjust_meta().  The dispatcher's slots of
 * libxdp 1.3.1 do not change packet data, and a kernel that checks the
 * property of an extension (Linux 6.13, and the stable releases it went
 * back to) refuses a freplace program that does ("Extension program
 * changes packet data, while original does not").  Frames steered to
 * AF_XDP from inside the dispatcher therefore carry no struct xf_meta;
 * the consumer sees no magic and works without it (xf_xsk.c).
 */
#define XF_NO_PKT_CHANGE 1
#include "xdp_fwd.bpf.c"
