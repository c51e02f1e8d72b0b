// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xf_iface.c - an interface as the AF_XDP consumer sees it: its queues, its
 * NAPI mode, xdp-fwd's XSKMAP on it, and a run configuration built from
 * them (xf_iface.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "xf_internal.h"
#include "xf_iface.h"
#include "xf_loader.h"
#include "xf_maps.h"
#include "xf_util.h"

int xf_iface_queues(const char *ifname, unsigned int *cur, unsigned int *max)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = {};
	int fd;

	if (!xf_ifname_valid(ifname))
		return -EINVAL;
	if (!if_nametoindex(ifname))
		return -ENODEV;
	*cur = 1;
	if (max)
		*max = 1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;	/* no ethtool to ask: one queue, as without channels */
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (!ioctl(fd, SIOCETHTOOL, &ifr)) {
		*cur = ch.combined_count ? ch.combined_count : ch.rx_count;
		if (!*cur)
			*cur = 1;
		if (max) {
			*max = ch.max_combined ? ch.max_combined : ch.max_rx;
			if (*max < *cur)
				*max = *cur;
		}
	}
	close(fd);
	return 0;
}

int xf_iface_napi_threaded(const char *ifname)
{
	char path[64 + IF_NAMESIZE];
	int threaded = 0;
	FILE *f;

	if (!xf_ifname_valid(ifname))
		return -EINVAL;
	snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", ifname);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &threaded) != 1)
		threaded = 0;
	fclose(f);
	return threaded ? 1 : 0;
}

/* The pins must be there and be the program attached now; 0 or -errno with a message. */
static int pinned_prog_attached(const char *ifname, __u32 *prog_id)
{
	struct xf_attach_info ai;
	char dir[PATH_MAX];
	int idx, err;

	err = xf_pin_dir(ifname, dir, sizeof(dir));
	if (err) {
		if (err == -EINVAL)
			xf_err("invalid interface name '%s'", ifname ? ifname : "");
		else
			xf_err("cannot name the pin directory of %s: %s", ifname, strerror(-err));
		return err;
	}
	if (access(dir, F_OK)) {
		err = -errno;
		if (err == -EACCES)
			xf_err("cannot look at %s: %s (xdp-fwd needs root)", dir, strerror(-err));
		else
			xf_err("xdp-fwd is not loaded on %s (no %s)", ifname, dir);
		return err;
	}
	idx = xf_ifindex(ifname);
	if (idx < 0)
		return idx;
	*prog_id = xf_pinned_prog_id(ifname);
	if (xf_query(idx, &ai) || !ai.prog_id ||
	    xf_effective_prog_id(idx, &ai, *prog_id) != *prog_id) {
		xf_err("xdp-fwd's program is not attached to %s (see 'xdp-fwd status %s')",
		       ifname, ifname);
		return -ENOENT;
	}
	return 0;
}

int xf_iface_xskmap(const char *ifname, __u32 *prog_id)
{
	struct xf_maps m;
	__u32 id = 0;
	int fd, err;

	err = pinned_prog_attached(ifname, &id);
	if (err)
		return err;
	/* every pin, checked as any user of them checks it; only the XSKMAP stays */
	err = xf_maps_open_pinned(ifname, &m);
	if (err)
		return err;
	fd = fcntl(m.xsks, F_DUPFD_CLOEXEC, 3);
	err = fd < 0 ? -errno : 0;
	xf_maps_close(&m);
	if (err) {
		xf_err("cannot keep %s's XSKMAP open: %s", ifname, strerror(-err));
		return err;
	}
	if (prog_id)
		*prog_id = id;
	return fd;
}

void xf_run_cfg_init(struct xf_run_cfg *cfg, const struct xf_proc_ops *ops)
{
	*cfg = (struct xf_run_cfg){
		.batch = XF_RUN_DEFAULT_BATCH,
		.frames = XF_RUN_DEFAULT_FRAMES,
		.ring_size = XF_RUN_DEFAULT_RING_SIZE,
		.frame_size = XF_RUN_DEFAULT_FRAME_SIZE,
		.idle_yields = XF_RUN_DEFAULT_IDLE_YIELDS,
		.ifindex = -1,
		.xsks_map = -1,
		.ops = ops ? *ops : xf_proc_rxdrop,
	};
}

int xf_run_cfg_default(struct xf_run_cfg *cfg, const char *ifname,
		       const struct xf_proc_ops *ops)
{
	unsigned int n;
	int fd, err;

	xf_run_cfg_init(cfg, ops);
	cfg->ifname = ifname;
	cfg->ifindex = xf_ifindex(ifname);
	if (cfg->ifindex < 0)
		return cfg->ifindex;
	err = xf_iface_queues(ifname, &n, NULL);
	if (err) {
		xf_err("no such interface: %s", ifname);
		return err;
	}
	if (n > XF_MAX_QUEUES) {
		xf_warn("%s has %u queues; binding the first %u", ifname, n, XF_MAX_QUEUES);
		n = XF_MAX_QUEUES;
	}
	for (unsigned int i = 0; i < n; i++)
		cfg->queues[i] = i;
	cfg->nq = n;
	if (xf_iface_napi_threaded(ifname) == 1)
		cfg->idle_yields = 0;
	fd = xf_iface_xskmap(ifname, NULL);
	if (fd < 0)
		return fd;
	cfg->xsks_map = fd;
	return 0;
}

void xf_run_cfg_fini(struct xf_run_cfg *cfg)
{
	if (cfg->xsks_map >= 0)
		close(cfg->xsks_map);
	cfg->xsks_map = -1;
}
