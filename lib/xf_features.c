// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xf_features.c - a device's XDP features as the kernel reports them over
 * generic netlink (family "netdev", Linux 6.3 and later).
 *
 * libbpf 1.1 has no API for the netdev family, so this file carries a small
 * genetlink client: resolve the family id through the controller, then send
 * NETDEV_CMD_DEV_GET for one ifindex and read its attributes.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "xf_compat.h"
#include "xf_internal.h"
#include "xf_features.h"

#define NL_BUF_SIZE			65536	/* a whole genetlink reply */

struct nl_attrs {
	bool has_family_id, has_features, has_zc_segs;
	__u16 family_id;
	__u64 features;
	__u32 zc_segs;
};

/* Netlink: one request, then its replies until the ACK. */

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void nl_put_attr(struct nlmsghdr *nh, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (struct nlattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void nl_parse_attrs(const struct nlmsghdr *nh, __u16 cmd_family_ctrl,
			   struct nl_attrs *out)
{
	const char *p = (const char *)NLMSG_DATA(nh) + GENL_HDRLEN;
	const char *end = (const char *)nh + nh->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;
		const char *val = p + NLA_HDRLEN;
		__u16 type = a->nla_type & NLA_TYPE_MASK;
		size_t len;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		len = a->nla_len - NLA_HDRLEN;
		if (cmd_family_ctrl) {
			if (type == CTRL_ATTR_FAMILY_ID && len >= 2) {
				memcpy(&out->family_id, val, 2);
				out->has_family_id = true;
			}
		} else if (type == XF_NETDEV_A_DEV_XDP_FEATURES && len >= 8) {
			memcpy(&out->features, val, 8);
			out->has_features = true;
		} else if (type == XF_NETDEV_A_DEV_XDP_FEATURES && len >= 4) {
			__u32 v;

			memcpy(&v, val, 4);
			out->features = v;
			out->has_features = true;
		} else if (type == XF_NETDEV_A_DEV_XDP_ZC_MAX_SEGS && len >= 4) {
			memcpy(&out->zc_segs, val, 4);
			out->has_zc_segs = true;
		}
		p += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Send one genetlink request (type, cmd, one attribute) and parse the reply
 * into out.  0, or a negative errno (the kernel's, from its NLMSG_ERROR).
 */
static int nl_request(int fd, __u16 type, __u8 cmd, __u8 version, __u16 attr,
		      const void *data, __u16 len, struct nl_attrs *out)
{
	static __u32 seq;
	union {
		struct nlmsghdr nh;
		char buf[256];
	} req;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	struct genlmsghdr *gh;
	char *buf;
	int ret = -EPROTO;
	bool done = false;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = ++seq;
	gh = NLMSG_DATA(&req.nh);
	gh->cmd = cmd;
	gh->version = version;
	nl_put_attr(&req.nh, attr, data, len);

	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	buf = malloc(NL_BUF_SIZE);
	if (!buf)
		return -ENOMEM;
	while (!done) {
		ssize_t n = recv(fd, buf, NL_BUF_SIZE, 0);
		struct nlmsghdr *nh;
		int left;

		if (n < 0) {
			ret = errno == EAGAIN ? -ETIMEDOUT : -errno;
			break;
		}
		left = (int)n;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left)) {
			if (nh->nlmsg_seq != req.nh.nlmsg_seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					ret = -EPROTO;
				else if (e->error)
					ret = e->error;
				/* error 0 is the ACK; ret stays what the reply made it */
				done = true;
				break;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (nh->nlmsg_type == type &&
			    nh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN)) {
				nl_parse_attrs(nh, type == GENL_ID_CTRL, out);
				ret = 0;
			}
		}
	}
	free(buf);
	return ret;
}

int xf_xdp_features_read(int ifindex, struct xf_xdp_features *f)
{
	struct nl_attrs a = {};
	__u32 idx = (__u32)ifindex;
	int fd, ret;

	memset(f, 0, sizeof(*f));
	fd = nl_open();
	if (fd < 0) {
		f->why = "cannot open a generic netlink socket";
		return fd;
	}
	ret = nl_request(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 2, CTRL_ATTR_FAMILY_NAME,
			 XF_NETDEV_FAMILY_NAME, sizeof(XF_NETDEV_FAMILY_NAME), &a);
	if (ret || !a.has_family_id) {
		f->why = ret == -ENOENT
			? "the kernel has no 'netdev' netlink family (Linux 6.3 or later reports XDP features)"
			: "cannot resolve the 'netdev' netlink family";
		close(fd);
		return ret ? ret : -EPROTO;
	}
	ret = nl_request(fd, a.family_id, XF_NETDEV_CMD_DEV_GET, XF_NETDEV_FAMILY_VERSION,
			 XF_NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx), &a);
	close(fd);
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
