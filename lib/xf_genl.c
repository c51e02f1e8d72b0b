// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xf_genl.c - the generic netlink client of xf_genl.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "xf_genl.h"

#define XF_GENL_BUF	65536

int xf_genl_open(struct xf_genl *g)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };	/* a kernel that never answers */
	int err;

	memset(g, 0, sizeof(*g));
	g->buf = malloc(XF_GENL_BUF);
	if (!g->buf)
		return -ENOMEM;
	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (g->fd >= 0 && !bind(g->fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    !setsockopt(g->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return 0;
	err = -errno;
	xf_genl_close(g);
	return err;
}

void xf_genl_close(struct xf_genl *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	free(g->buf);
	g->buf = NULL;
}

static int send_request(struct xf_genl *g, __u16 family, __u8 cmd, __u8 version, bool dump,
			__u16 attr, const void *data, __u16 len)
{
	union {
		struct nlmsghdr nh;
		char buf[256];
	} req;
	struct genlmsghdr *gh = NLMSG_DATA(&req.nh);
	struct nlattr *a;

	if (NLMSG_LENGTH(GENL_HDRLEN) + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(req))
		return -E2BIG;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req.nh.nlmsg_type = family;
	/* a dump ends with NLMSG_DONE, anything else with its ACK */
	req.nh.nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK);
	req.nh.nlmsg_seq = ++g->seq;
	gh->cmd = cmd;
	gh->version = version;
	a = (struct nlattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	a->nla_type = attr;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return send(g->fd, &req, req.nh.nlmsg_len, 0) < 0 ? -errno : 0;
}

static void each_attr(const struct nlmsghdr *nh, xf_genl_attr_fn fn, void *arg)
{
	const char *p = (const char *)NLMSG_DATA(nh) + GENL_HDRLEN;
	const char *end = (const char *)nh + nh->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		fn(a->nla_type & NLA_TYPE_MASK, p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN, arg);
		p += NLA_ALIGN(a->nla_len);
	}
}

/* One message of the reply: 1 when it ends it, else 0 (or *err set). */
static int one_reply(const struct nlmsghdr *nh, __u16 family, xf_genl_attr_fn fn, void *arg,
		     int *err)
{
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nh);

		*err = nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) ? -EPROTO : e->error;
		return 1;	/* error 0 is the ACK */
	}
	if (nh->nlmsg_type == NLMSG_DONE)
		return 1;
	if (nh->nlmsg_type == family && nh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN))
		each_attr(nh, fn, arg);
	return 0;
}

int xf_genl_call(struct xf_genl *g, __u16 family, __u8 cmd, __u8 version, bool dump,
		 __u16 attr, const void *data, __u16 len, xf_genl_attr_fn fn, void *arg)
{
	int err = send_request(g, family, cmd, version, dump, attr, data, len);

	while (!err) {
		ssize_t n = recv(g->fd, g->buf, XF_GENL_BUF, 0);
		int left = (int)n;

		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		for (struct nlmsghdr *nh = (struct nlmsghdr *)g->buf; NLMSG_OK(nh, left);
		     nh = NLMSG_NEXT(nh, left)) {
			if (nh->nlmsg_seq != g->seq)
				continue;
			if (one_reply(nh, family, fn, arg, &err))
				return err;
		}
	}
	return err;
}

static void family_id(__u16 type, const void *val, size_t len, void *arg)
{
	if (type == CTRL_ATTR_FAMILY_ID && len >= 2) {
		memcpy(arg, val, 2);
	}
}

int xf_genl_family(struct xf_genl *g, const char *name, __u16 *id)
{
	int err;

	*id = 0;
	err = xf_genl_call(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 2, false, CTRL_ATTR_FAMILY_NAME,
			   name, (__u16)(strlen(name) + 1), family_id, id);
	if (!err && !*id)
		err = -EPROTO;
	return err;
}
