// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * features: what an interface's driver offers XDP, as the kernel reports it
 * over generic netlink (family "netdev", Linux 6.3 and later), plus the RX
 * queue count (ETHTOOL_GCHANNELS) and the MTU (SIOCGIFMTU), each said in
 * terms of what it means for xdp-fwd.
 *
 * libbpf 1.1 has no API for the netdev family, so this file carries a small
 * genetlink client: resolve the family id through the controller, then send
 * NETDEV_CMD_DEV_GET for one ifindex and read its attributes.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "xf_cmds.h"
#include "xf_util.h"

/*
 * The netdev family's ABI (include/uapi/linux/netdev.h, Linux 6.3+).  Debian
 * 12's linux-libc-dev (6.1) has no such header: the values are fixed by the
 * kernel's ABI, so they are spelled out here.
 */
#define XF_NETDEV_FAMILY_NAME		"netdev"
#define XF_NETDEV_FAMILY_VERSION	1
#define XF_NETDEV_CMD_DEV_GET		1
#define XF_NETDEV_A_DEV_IFINDEX		1
#define XF_NETDEV_A_DEV_XDP_FEATURES	3	/* u64 bitmask of NETDEV_XDP_ACT_* */
#define XF_NETDEV_A_DEV_XDP_ZC_MAX_SEGS	4	/* u32, Linux 6.6+ */

#define XF_NETDEV_XDP_ACT_BASIC		(1ULL << 0)
#define XF_NETDEV_XDP_ACT_REDIRECT	(1ULL << 1)
#define XF_NETDEV_XDP_ACT_NDO_XMIT	(1ULL << 2)
#define XF_NETDEV_XDP_ACT_XSK_ZEROCOPY	(1ULL << 3)
#define XF_NETDEV_XDP_ACT_HW_OFFLOAD	(1ULL << 4)
#define XF_NETDEV_XDP_ACT_RX_SG		(1ULL << 5)
#define XF_NETDEV_XDP_ACT_NDO_XMIT_SG	(1ULL << 6)

/* Largest MTU that fits one page-sized buffer on common drivers (ixgbe: 3K). */
#define XF_SINGLE_BUF_MTU		3000

#define NL_BUF_SIZE			65536	/* a whole genetlink reply */

struct nl_attrs {
	bool has_family_id, has_features, has_zc_segs;
	__u16 family_id;
	__u64 features;
	__u32 zc_segs;
};

struct features {
	const char *ifname;
	int ifindex;
	int mtu;			/* -1 when unknown */
	bool has_channels;
	struct ethtool_channels ch;
	unsigned int rx_queues;		/* what 'run --queues all' uses */
	bool has_xdp;			/* the kernel answered */
	const char *xdp_why;		/* when it did not */
	__u64 xdp;
	bool has_zc_segs;
	__u32 zc_segs;
};

static void features_usage(FILE *f)
{
	fprintf(f,
		"usage: xdp-fwd features IFACE [--json]\n"
		"\n"
		"What IFACE's driver offers XDP, as the kernel reports it (generic netlink,\n"
		"family netdev, Linux 6.3 and later): native XDP, XDP_REDIRECT, ndo_xdp_xmit\n"
		"(can be a redirect target), zero-copy AF_XDP, multi-buffer, hardware offload,\n"
		"and the zero-copy segment limit; with the RX queue count (ethtool channels)\n"
		"and the MTU.  Each is said in words: what it means for load, run, redirect\n"
		"and fwd.  Nothing is changed.\n"
		"\n"
		"  -j, --json   one JSON object\n");
}

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

/* XDP features of ifindex; sets f->has_xdp or f->xdp_why. */
static void read_xdp_features(struct features *f)
{
	struct nl_attrs a = {};
	__u32 ifindex = (__u32)f->ifindex;
	int fd, ret;

	fd = nl_open();
	if (fd < 0) {
		f->xdp_why = "cannot open a generic netlink socket";
		return;
	}
	ret = nl_request(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 2, CTRL_ATTR_FAMILY_NAME,
			 XF_NETDEV_FAMILY_NAME, sizeof(XF_NETDEV_FAMILY_NAME), &a);
	if (ret || !a.has_family_id) {
		f->xdp_why = ret == -ENOENT
			? "the kernel has no 'netdev' netlink family (Linux 6.3 or later reports XDP features)"
			: "cannot resolve the 'netdev' netlink family";
		close(fd);
		return;
	}
	ret = nl_request(fd, a.family_id, XF_NETDEV_CMD_DEV_GET, XF_NETDEV_FAMILY_VERSION,
			 XF_NETDEV_A_DEV_IFINDEX, &ifindex, sizeof(ifindex), &a);
	close(fd);
	if (ret || !a.has_features) {
		static char why[128];

		snprintf(why, sizeof(why), "the kernel did not report XDP features (%s)",
			 ret ? strerror(-ret) : "no xdp-features attribute");
		f->xdp_why = why;
		return;
	}
	f->has_xdp = true;
	f->xdp = a.features;
	f->has_zc_segs = a.has_zc_segs;
	f->zc_segs = a.zc_segs;
}

static void read_link(struct features *f)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	f->mtu = -1;
	f->rx_queues = 1;
	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", f->ifname);
	if (!ioctl(fd, SIOCGIFMTU, &ifr))
		f->mtu = ifr.ifr_mtu;
	memset(&f->ch, 0, sizeof(f->ch));
	f->ch.cmd = ETHTOOL_GCHANNELS;
	ifr.ifr_data = (void *)&f->ch;
	if (!ioctl(fd, SIOCETHTOOL, &ifr)) {
		f->has_channels = true;
		/* the same rule as 'run --queues all' */
		f->rx_queues = f->ch.combined_count ? f->ch.combined_count : f->ch.rx_count;
		if (!f->rx_queues)
			f->rx_queues = 1;
	}
	close(fd);
}

/* One feature: its JSON key, its title, and what yes and no mean here. */
struct feat_desc {
	__u64 bit;
	const char *key;
	const char *title;
	const char *yes;
	const char *no;
};

static const struct feat_desc feats[] = {
	{ XF_NETDEV_XDP_ACT_BASIC, "basic", "native XDP",
	  "'load' attaches in driver mode (pass, drop and tx work there)",
	  "'load' in driver mode fails here: use 'load --mode skb' (generic XDP, slower)" },
	{ XF_NETDEV_XDP_ACT_REDIRECT, "redirect", "XDP_REDIRECT",
	  "the xsk, redirect and fwd actions can leave the driver's XDP hook",
	  "frames that xsk, redirect or fwd steer are dropped by the driver in native "
	  "mode: use 'load --mode skb' for them" },
	{ XF_NETDEV_XDP_ACT_NDO_XMIT, "ndo_xmit", "redirect target (ndo_xdp_xmit)",
	  "can be a 'redirect'/'fwd' egress ('port add')",
	  "cannot be a 'redirect'/'fwd' egress in native mode: frames redirected to it "
	  "are dropped (on veth: give the peer an XDP program)" },
	{ XF_NETDEV_XDP_ACT_XSK_ZEROCOPY, "xsk_zerocopy", "zero-copy AF_XDP",
	  "'run' uses zero-copy",
	  "'run' will use copy mode ('run --zero-copy' refuses to start)" },
	{ XF_NETDEV_XDP_ACT_RX_SG, "rx_sg", "multi-buffer",
	  "the driver takes frames larger than one buffer, but xdp-fwd's program is "
	  "single-buffer: native XDP still needs the MTU to fit one buffer",
	  "frames must fit one buffer: keep the MTU at most ~3000 for native XDP "
	  "on ixgbe (about one page per frame on most drivers)" },
	{ XF_NETDEV_XDP_ACT_NDO_XMIT_SG, "ndo_xmit_sg", "multi-buffer redirect target",
	  "takes redirected multi-buffer frames",
	  "redirected frames must fit one buffer" },
	{ XF_NETDEV_XDP_ACT_HW_OFFLOAD, "hw_offload", "hardware offload",
	  "the NIC can run XDP programs itself; xdp-fwd does not use offload",
	  "no offload; xdp-fwd does not use it" },
};

static void print_json(const struct features *f)
{
	struct jw w;

	jw_init(&w, stdout);
	jw_obj_open(&w, NULL);
	jw_str(&w, "ifname", f->ifname);
	jw_u64(&w, "ifindex", (unsigned long long)f->ifindex);
	if (f->mtu >= 0)
		jw_u64(&w, "mtu", (unsigned long long)f->mtu);
	else
		jw_null(&w, "mtu");
	jw_u64(&w, "rx_queues", f->rx_queues);
	if (f->has_channels) {
		jw_obj_open(&w, "channels");
		jw_u64(&w, "rx", f->ch.rx_count);
		jw_u64(&w, "tx", f->ch.tx_count);
		jw_u64(&w, "combined", f->ch.combined_count);
		jw_u64(&w, "other", f->ch.other_count);
		jw_u64(&w, "max_rx", f->ch.max_rx);
		jw_u64(&w, "max_tx", f->ch.max_tx);
		jw_u64(&w, "max_combined", f->ch.max_combined);
		jw_u64(&w, "max_other", f->ch.max_other);
		jw_obj_close(&w);
	} else {
		jw_null(&w, "channels");
	}
	if (f->has_xdp) {
		jw_u64(&w, "xdp_features", f->xdp);
		jw_obj_open(&w, "features");
		for (size_t i = 0; i < ARRAY_SIZE(feats); i++)
			jw_bool(&w, feats[i].key, f->xdp & feats[i].bit);
		jw_obj_close(&w);
	} else {
		jw_null(&w, "xdp_features");
		jw_null(&w, "features");
	}
	if (f->has_xdp && f->has_zc_segs)
		jw_u64(&w, "xdp_zc_max_segs", f->zc_segs);
	else
		jw_null(&w, "xdp_zc_max_segs");
	jw_str(&w, "error", f->has_xdp ? NULL : f->xdp_why);
	jw_obj_close(&w);
}

static void print_text(const struct features *f)
{
	printf("%s: ifindex %d, MTU ", f->ifname, f->ifindex);
	if (f->mtu >= 0)
		printf("%d", f->mtu);
	else
		printf("unknown");
	if (f->has_channels)
		printf(", %u RX queue%s (channels: combined %u, rx %u, tx %u)\n", f->rx_queues,
		       f->rx_queues == 1 ? "" : "s", f->ch.combined_count, f->ch.rx_count,
		       f->ch.tx_count);
	else
		printf(", RX queues not reported (no ethtool channels): 'run' uses queue 0\n");
	if (!f->has_xdp) {
		printf("XDP features: unknown: %s\n", f->xdp_why);
		printf("  'load --mode skb' (generic XDP) works on any interface\n");
		return;
	}
	printf("XDP features (0x%llx, from the kernel):\n", (unsigned long long)f->xdp);
	for (size_t i = 0; i < ARRAY_SIZE(feats); i++) {
		bool on = f->xdp & feats[i].bit;

		printf("  %s: %s — %s\n", feats[i].title, on ? "yes" : "no",
		       on ? feats[i].yes : feats[i].no);
	}
	if (f->has_zc_segs)
		printf("  zero-copy segments per frame: %u%s\n", f->zc_segs,
		       f->zc_segs > 1 ? "" : " (single-buffer AF_XDP)");
	if ((f->xdp & XF_NETDEV_XDP_ACT_BASIC) && f->mtu > XF_SINGLE_BUF_MTU)
		printf("note: MTU %d is above what one buffer holds on most drivers (about %d "
		       "bytes); a driver may refuse native XDP ('load' says so): lower the MTU or "
		       "use 'load --mode skb'\n", f->mtu, XF_SINGLE_BUF_MTU);
}

int do_features(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct features f = {};
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			features_usage(stdout);
			return XF_EXIT_OK;
		default:
			features_usage(stderr);
			return XF_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		if (argc - optind > 1)
			xf_err("unexpected argument '%s'", argv[optind + 1]);
		else
			xf_err("features needs an interface");
		features_usage(stderr);
		return XF_EXIT_USAGE;
	}
	f.ifname = argv[optind];
	f.ifindex = xf_ifindex(f.ifname);
	if (f.ifindex < 0)
		return f.ifindex == -EINVAL ? XF_EXIT_USAGE : XF_EXIT_FAIL;
	read_link(&f);
	read_xdp_features(&f);
	if (json)
		print_json(&f);
	else
		print_text(&f);
	fflush(stdout);
	return XF_EXIT_OK;
}
