/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_genl.h - a small generic netlink client (libbpf 1.1 has none for the
 * "netdev" family): resolve a family, send one request with one attribute,
 * hand every attribute of every reply to a callback.  Library-internal
 * (hidden); tests/bench/napi_pid.c links it from the archive.
 */
#ifndef XF_GENL_H
#define XF_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "xf_internal.h"

struct xf_genl {
	int fd;
	__u32 seq;
	char *buf;		/* one receive: a whole genetlink reply */
};

/* Called with each attribute (type without flags, its value and length). */
typedef void (*xf_genl_attr_fn)(__u16 type, const void *val, size_t len, void *arg);

XF_HIDDEN int xf_genl_open(struct xf_genl *g);
XF_HIDDEN void xf_genl_close(struct xf_genl *g);
/* The id of family name: 0 or a negative errno (-ENOENT: no such family). */
XF_HIDDEN int xf_genl_family(struct xf_genl *g, const char *name, __u16 *id);
/*
 * One request: cmd of family (version), one attribute attr = data[0..len);
 * a dump when dump is set.  fn sees every attribute of every reply message;
 * 0 once the kernel is done, or a negative errno (its NLMSG_ERROR).
 */
XF_HIDDEN int xf_genl_call(struct xf_genl *g, __u16 family, __u8 cmd, __u8 version, bool dump,
			   __u16 attr, const void *data, __u16 len, xf_genl_attr_fn fn, void *arg);

#endif /* XF_GENL_H */
