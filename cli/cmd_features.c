// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * features: what an interface's driver offers XDP, as the kernel reports it
 * over generic netlink (family "netdev", Linux 6.3 and later; xf_features.c),
 * plus the RX queue count (ETHTOOL_GCHANNELS) and the MTU (SIOCGIFMTU), each
 * said in terms of what it means for xdp-fwd.
 */
#include <errno.h>
#include <getopt.h>	/* optind */
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "xf_features.h"
#include "xf_util.h"

/* Largest MTU that fits one page-sized buffer on common drivers (ixgbe: 3K). */
#define XF_SINGLE_BUF_MTU		3000

struct features {
	const char *ifname;
	int ifindex;
	int mtu;			/* -1 when unknown */
	bool has_channels;
	struct ethtool_channels ch;
	unsigned int rx_queues;		/* what 'run --queues all' uses */
	struct xf_xdp_features x;
};

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
	if (f->x.known) {
		jw_u64(&w, "xdp_features", f->x.flags);
		jw_obj_open(&w, "features");
		for (size_t i = 0; i < ARRAY_SIZE(feats); i++)
			jw_bool(&w, feats[i].key, f->x.flags & feats[i].bit);
		jw_obj_close(&w);
	} else {
		jw_null(&w, "xdp_features");
		jw_null(&w, "features");
	}
	if (f->x.known && f->x.has_zc_segs)
		jw_u64(&w, "xdp_zc_max_segs", f->x.zc_segs);
	else
		jw_null(&w, "xdp_zc_max_segs");
	jw_str(&w, "error", f->x.known ? NULL : f->x.why);
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
	if (!f->x.known) {
		printf("XDP features: unknown: %s\n", f->x.why);
		printf("  'load --mode skb' (generic XDP) works on any interface\n");
		return;
	}
	printf("XDP features (0x%llx, from the kernel):\n", (unsigned long long)f->x.flags);
	for (size_t i = 0; i < ARRAY_SIZE(feats); i++) {
		bool on = f->x.flags & feats[i].bit;

		printf("  %s: %s — %s\n", feats[i].title, on ? "yes" : "no",
		       on ? feats[i].yes : feats[i].no);
	}
	if (f->x.has_zc_segs)
		printf("  zero-copy segments per frame: %u%s\n", f->x.zc_segs,
		       f->x.zc_segs > 1 ? "" : " (single-buffer AF_XDP)");
	if ((f->x.flags & XF_NETDEV_XDP_ACT_BASIC) && f->mtu > XF_SINGLE_BUF_MTU)
		printf("note: MTU %d is above what one buffer holds on most drivers (about %d "
		       "bytes); a driver may refuse native XDP ('load' says so): lower the MTU or "
		       "use 'load --mode skb'\n", f->mtu, XF_SINGLE_BUF_MTU);
}

int do_features(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_cmd_find("features");
	struct json_args o = {};
	struct features f = {};
	int ret;

	ret = cli_parse(cmd, argc, argv, &o);
	if (ret)
		return ret == CLI_PARSE_HELP ? XF_EXIT_OK : XF_EXIT_USAGE;
	if (argc - optind != 1) {
		if (argc - optind > 1)
			cli_err("unexpected argument '%s'", argv[optind + 1]);
		else
			cli_err("features needs an interface");
		cli_usage(cmd, stderr);
		return XF_EXIT_USAGE;
	}
	f.ifname = argv[optind];
	f.ifindex = xf_ifindex(f.ifname);
	if (f.ifindex < 0)
		return f.ifindex == -EINVAL ? XF_EXIT_USAGE : XF_EXIT_FAIL;
	read_link(&f);
	xf_xdp_features_read(f.ifindex, &f.x);
	if (o.json)
		print_json(&f);
	else
		print_text(&f);
	fflush(stdout);
	return XF_EXIT_OK;
}
