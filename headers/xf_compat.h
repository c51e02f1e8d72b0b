/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_compat.h - kernel ABI that Debian 12's headers (linux-libc-dev 6.1,
 * glibc 2.36) do not spell yet.  Every value here is fixed by the kernel's
 * UAPI, so it is safe to write it down; each is defined only when the
 * system headers have not.  Installed beside the public headers, which
 * need the last block.
 */
#ifndef XF_COMPAT_H
#define XF_COMPAT_H

/* Generic netlink family "netdev" (include/uapi/linux/netdev.h, 6.3+). */
#define XF_NETDEV_FAMILY_NAME		"netdev"
#define XF_NETDEV_FAMILY_VERSION	1
#define XF_NETDEV_CMD_DEV_GET		1
#define XF_NETDEV_A_DEV_IFINDEX		1
#define XF_NETDEV_A_DEV_XDP_FEATURES	3	/* u64 bitmask of NETDEV_XDP_ACT_* */
#define XF_NETDEV_A_DEV_XDP_ZC_MAX_SEGS	4	/* u32, Linux 6.6+ */

/* Busy polling socket options (asm-generic/socket.h, 5.11+). */
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL		69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET		70
#endif

/* statfs(2)'s f_type of a bpffs (linux/magic.h). */
#ifndef CAP_PERFMON
#define CAP_PERFMON			38	/* Linux 5.8 */
#endif
#ifndef CAP_BPF
#define CAP_BPF				39	/* Linux 5.8 */
#endif

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC			0xcafe4a11
#endif

/* The header-only parser and the ABI's hashes are inlined in userspace too. */
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#endif /* XF_COMPAT_H */
