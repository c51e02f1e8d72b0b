// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xf_features.c - a device's XDP features as the kernel reports them over
 * generic netlink (family "netdev", Linux 6.3 and later).
 *
 * libbpf 1.1 has no API for the netdev family: resolve the family id through
 * the controller, then send NETDEV_CMD_DEV_GET for one ifindex and read its
 * attributes (xf_genl.c).
 */
#include <errno.h>
#include <string.h>
#include <stdio.h>

#include "xf_compat.h"
#include "xf_internal.h"
#include "xf_features.h"
#include "xf_genl.h"

struct dev_attrs {
	bool has_features, has_zc_segs;
	__u64 features;
	__u32 zc_segs;
};

static void dev_attr(__u16 type, const void *val, size_t len, void *arg)
{
	struct dev_attrs *a = arg;

	if (type == XF_NETDEV_A_DEV_XDP_FEATURES && len >= 8) {
		memcpy(&a->features, val, 8);
		a->has_features = true;
	} else if (type == XF_NETDEV_A_DEV_XDP_FEATURES && len >= 4) {
		__u32 v;

		memcpy(&v, val, 4);
		a->features = v;
		a->has_features = true;
	} else if (type == XF_NETDEV_A_DEV_XDP_ZC_MAX_SEGS && len >= 4) {
		memcpy(&a->zc_segs, val, 4);
		a->has_zc_segs = true;
	}
}

int xf_xdp_features_read(int ifindex, struct xf_xdp_features *f)
{
	struct dev_attrs a = {};
	__u32 idx = (__u32)ifindex;
	struct xf_genl g;
	__u16 family;
	int ret;

	memset(f, 0, sizeof(*f));
	ret = xf_genl_open(&g);
	if (ret) {
		f->why = "cannot open a generic netlink socket";
		return ret;
	}
	ret = xf_genl_family(&g, XF_NETDEV_FAMILY_NAME, &family);
	if (ret) {
		f->why = ret == -ENOENT
			? "the kernel has no 'netdev' netlink family (Linux 6.3 or later reports XDP features)"
			: "cannot resolve the 'netdev' netlink family";
		xf_genl_close(&g);
		return ret;
	}
	ret = xf_genl_call(&g, family, XF_NETDEV_CMD_DEV_GET, XF_NETDEV_FAMILY_VERSION, false,
			   XF_NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx), dev_attr, &a);
	xf_genl_close(&g);
	if (ret || !a.has_features) {
		static __thread char why[128];

		snprintf(why, sizeof(why), "the kernel did not report XDP features (%s)",
			 ret ? strerror(-ret) : "no xdp-features attribute");
		f->why = why;
		return ret ? ret : -EPROTO;
	}
	f->known = true;
	f->flags = a.features;
	f->has_zc_segs = a.has_zc_segs;
	f->zc_segs = a.zc_segs;
	return 0;
}

const char *xf_xdp_feature_name(int b)
{
	static const char *const names[] = {
		"basic", "redirect", "ndo_xmit", "xsk_zerocopy", "hw_offload", "rx_sg",
		"ndo_xmit_sg",
	};
	static __thread char other[8];

	if (b >= 0 && (size_t)b < sizeof(names) / sizeof(names[0]))
		return names[b];
	snprintf(other, sizeof(other), "bit%d", b);
	return other;
}
