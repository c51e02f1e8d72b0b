// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp_fwd.skel.h"
#include "xdp_fwd_mp.skel.h"
#include "xf_compat.h"
#include "xf_internal.h"
#include "xf_features.h"
#include "xf_loader.h"
#include "xf_maps.h"
#include "xf_util.h"

#define BPFFS "/sys/fs/bpf"

/*
 * The skeleton of xdp_fwd.bpf.o with the object of xdp_fwd_mp.bpf.o in it:
 * the same source, maps and program names (the skeleton finds them by
 * name), without bpf_xdp_adjust_meta(), for libxdp's dispatcher.
 */
static struct xdp_fwd *open_dispatched(void)
{
	struct xdp_fwd *obj = calloc(1, sizeof(*obj));
	int err;

	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}
	err = xdp_fwd__create_skeleton(obj);
	if (!err) {
		obj->skeleton->data = (void *)xdp_fwd_mp__elf_bytes(&obj->skeleton->data_sz);
		err = bpf_object__open_skeleton(obj->skeleton, NULL);
	}
	if (err) {
		xdp_fwd__destroy(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

int xf_skel_open(const struct xf_load_opts *o, bool dispatched, struct xdp_fwd **out)
{
	__u32 max_rules = o->max_rules ? o->max_rules : XF_DEFAULT_MAX_RULES;
	__u32 max_queues = o->max_queues ? o->max_queues : XF_MAX_QUEUES;
	struct xdp_fwd *skel;
	int err;

	skel = dispatched ? open_dispatched() : xdp_fwd__open();
	if (!skel) {
		err = -errno;
		xf_err("cannot open the embedded BPF object: %s", strerror(-err));
		return err;
	}
	skel->rodata->xf_trace_enabled = o->trace;
	skel->rodata->xf_vcache_off = o->no_vcache;
	skel->rodata->xf_meta_off = o->no_meta;
	bpf_map__set_max_entries(skel->maps.rules, max_rules);
	bpf_map__set_max_entries(skel->maps.rule_stats, max_rules + 1);
	bpf_map__set_max_entries(skel->maps.xsks, max_queues);
	bpf_map__set_max_entries(skel->maps.queue_stats, max_queues);
	*out = skel;
	return 0;
}

int xf_skel_load(const struct xf_load_opts *o, struct xdp_fwd **out)
{
	struct xdp_fwd *skel;
	int err;

	err = xf_skel_open(o, false, &skel);
	if (err)
		return err;
	err = xdp_fwd__load(skel);
	if (err) {
		xf_err("cannot load the BPF program: %s%s", strerror(-err),
		       err == -EPERM ? " (loading an XDP program needs CAP_BPF and CAP_NET_ADMIN)" :
		       err == -EACCES ? " (the verifier refused it: without CAP_PERFMON it rejects "
					"the program's pointer arithmetic; -v shows its log)" :
		       " (libbpf prints the verifier's log at its debug level)");
		xdp_fwd__destroy(skel);
		return err;
	}
	*out = skel;
	return 0;
}

int xf_bpffs_ensure(void)
{
	struct statfs st;

	if (!statfs(BPFFS, &st) && (unsigned long)st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mkdir(BPFFS, 0700) && errno != EEXIST) {
		xf_err("cannot create %s: %s", BPFFS, strerror(errno));
		return -errno;
	}
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700")) {
		int err = -errno;

		xf_err("no bpffs at %s and mounting one failed: %s%s", BPFFS, strerror(-err),
		       err == -EPERM ? " (mounting needs CAP_SYS_ADMIN; or mount it beforehand)" :
		       "");
		return err;
	}
	xf_info("mounted bpffs at %s", BPFFS);
	return 0;
}

const char *xf_attach_mode_name(__u8 mode)
{
	switch (mode) {
	case XDP_ATTACHED_DRV: return "native";
	case XDP_ATTACHED_SKB: return "skb";
	case XDP_ATTACHED_HW: return "hw";
	case XDP_ATTACHED_MULTI: return "multi";
	default: return "none";
	}
}

int xf_query(int ifindex, struct xf_attach_info *info)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	memset(info, 0, sizeof(*info));
	if (bpf_xdp_query(ifindex, 0, &q))
		return -errno;
	info->attach_mode = q.attach_mode;
	info->prog_id = q.prog_id ? q.prog_id : (q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id);
	if (info->prog_id) {
		struct bpf_prog_info pi = {};
		__u32 len = sizeof(pi);
		int fd = bpf_prog_get_fd_by_id(info->prog_id);

		/*
		 * The name is a nicety: getting an fd from an id needs CAP_SYS_ADMIN,
		 * which nothing else here needs, so without it the name is "unknown".
		 */
		snprintf(info->prog_name, sizeof(info->prog_name), "unknown");
		if (fd >= 0) {
			if (!bpf_obj_get_info_by_fd(fd, &pi, &len))
				snprintf(info->prog_name, sizeof(info->prog_name), "%s", pi.name);
			close(fd);
		}
	}
	return 0;
}

__u32 xf_pinned_prog_id(const char *ifname)
{
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(pi);
	char path[PATH_MAX];
	int fd;

	if (xf_pin_dir(ifname, path, sizeof(path) - 8))
		return 0;
	strcat(path, "/prog");
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &pi, &len))
		pi.id = 0;
	close(fd);
	return pi.id;
}

/*
 * The pin directories are created and removed only when they are what
 * xdp-fwd made (xf_pin_path_trusted()): a symlink there would make unload
 * remove another directory's pins.
 */
/* Remove the pins we create, and the directory; quiet about what is missing. */
static void unpin_all(const char *dir)
{
	char path[PATH_MAX + 32];

	for (size_t i = 0; i < ARRAY_SIZE(xf_map_names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, xf_map_names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/prog", dir);
	unlink(path);
	if (rmdir(dir) && errno != ENOENT)
		xf_warn("cannot remove %s: %s", dir, strerror(errno));
	/* both only succeed when no other interface (of this namespace, of any) is loaded */
	snprintf(path, sizeof(path), "%s", dir);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	rmdir(XF_PIN_ROOT);
}

/*
 * XF_PIN_ROOT, net<INODE> and DIR, 0700 each.  The two upper levels may
 * exist (another interface, another namespace); whatever exists was checked
 * by xf_pin_dirs_trusted() before, and is checked again after the mkdir
 * (a directory another user made in the meantime is refused there).
 */
static int pin_dirs_make(const char *dir)
{
	char ns[PATH_MAX];
	int err;

	snprintf(ns, sizeof(ns), "%s", dir);
	*strrchr(ns, '/') = '\0';
	if ((mkdir(XF_PIN_ROOT, 0700) && errno != EEXIST) || (mkdir(ns, 0700) && errno != EEXIST) ||
	    mkdir(dir, 0700)) {
		err = -errno;
		xf_err("cannot create %s: %s", dir, strerror(-err));
		return err;
	}
	err = xf_pin_dirs_trusted(dir);
	if (err)
		rmdir(dir);	/* ours, and empty: nothing above it is touched */
	return err;
}

/* Pins of an xdp-fwd older than the per-namespace layout: say so, never use or remove them. */
void xf_pin_legacy_warn(const char *ifname)
{
	char old[PATH_MAX];

	if (xf_pin_legacy_dir(ifname, old, sizeof(old)))
		return;
	xf_warn("%s holds pins of an older xdp-fwd (before the per-network-namespace layout); "
		"they are not used: remove them with 'ip link set dev %s xdp off; rm -r %s' "
		"once nothing uses that program", old, ifname, old);
}

static int pin_all(struct xdp_fwd *skel, const char *dir)
{
	struct bpf_map *maps[] = {
		skel->maps.rules, skel->maps.shape_sets, skel->maps.config,
		skel->maps.action_stats, skel->maps.error_stats,
		skel->maps.event_stats, skel->maps.rule_stats, skel->maps.xsks,
		skel->maps.ports, skel->maps.trace, skel->maps.port_rules,
		skel->maps.queue_stats,
	};
	char path[PATH_MAX + 32];
	int err;

	_Static_assert(ARRAY_SIZE(maps) == ARRAY_SIZE(xf_map_names), "map list");
	for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, xf_map_names[i]);
		err = bpf_map__pin(maps[i], path);
		if (err) {
			xf_err("cannot pin %s: %s", path, strerror(-err));
			return err;
		}
	}
	snprintf(path, sizeof(path), "%s/prog", dir);
	err = bpf_program__pin(skel->progs.xdp_fwd, path);
	if (err)
		xf_err("cannot pin %s: %s", path, strerror(-err));
	return err;
}

static const char *attach_hint(int err, enum xf_mode mode)
{
	switch (-err) {
	case EOPNOTSUPP:
		return mode == XF_MODE_NATIVE ?
			"the driver has no native XDP support; try --mode skb" :
			"XDP is not supported here";
	case EBUSY:
	case EEXIST:
		return "another XDP program is attached (perhaps in the other mode); "
		       "use --force to replace it";
	case ERANGE:
	case EINVAL:
		return "the driver refused the program: check the MTU "
		       "(native XDP on ixgbe needs an MTU of at most about 3000 bytes) "
		       "and that enough TX queues exist for XDP";
	case EPERM:
		return "not permitted (attaching needs CAP_NET_ADMIN)";
	default:
		return strerror(-err);
	}
}

int xf_load(const char *ifname, const struct xf_load_opts *o)
{
	return xf_load_chain(ifname, o, NULL);
}

/* Into libxdp's dispatcher: the object is loaded (as freplace) by libxdp, then pinned. */
static int load_dispatched(const char *ifname, int ifindex, const char *dir,
			   const struct xf_load_opts *o, const struct xf_chain_opts *c)
{
	struct xdp_fwd *skel;
	int err;

	err = xf_skel_open(o, true, &skel);
	if (err)
		return err;
	err = xf_mp_attach(skel, ifindex, ifname, o, c);
	if (err)
		goto out;
	err = pin_dirs_make(dir);
	if (!err)
		err = pin_all(skel, dir);
	if (err) {
		xf_mp_detach(ifindex, bpf_program__fd(skel->progs.xdp_fwd),
			     o->mode == XF_MODE_SKB ? XDP_ATTACHED_SKB : XDP_ATTACHED_DRV, ifname);
		unpin_all(dir);
		goto out;
	}
	xf_info("loaded on %s in libxdp's dispatcher, maps pinned in %s", ifname, dir);
out:
	xdp_fwd__destroy(skel);
	return err;
}

int xf_load_chain(const char *ifname, const struct xf_load_opts *o, const struct xf_chain_opts *c)
{
	__u32 flags = o->mode == XF_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	__u8 want = o->mode == XF_MODE_SKB ? XDP_ATTACHED_SKB : XDP_ATTACHED_DRV;
	struct xf_dispatcher disp;
	bool dispatched, use_mp;
	struct xf_attach_info ai;
	struct xdp_fwd *skel = NULL;
	struct xf_xdp_features xf;
	char dir[PATH_MAX];
	__u32 ours;
	int ifindex, err;

	ifindex = xf_ifindex(ifname);
	if (ifindex < 0)
		return ifindex;
	err = xf_query(ifindex, &ai);
	if (err) {
		xf_err("cannot query XDP on %s: %s", ifname, strerror(-err));
		return err;
	}
	/*
	 * A kernel that reports XDP features (6.3+) says up front whether the
	 * driver runs XDP natively; an older one is asked by attaching, and
	 * the attach error is explained instead (attach_hint).
	 */
	if (o->mode == XF_MODE_NATIVE && !xf_xdp_features_read(ifindex, &xf) &&
	    !(xf.flags & XF_NETDEV_XDP_ACT_BASIC)) {
		xf_err("the driver of %s has no native XDP (the kernel's XDP features say so); "
		       "use --mode skb", ifname);
		return -EOPNOTSUPP;
	}
	err = xf_bpffs_ensure();
	if (err)
		return err;
	err = xf_pin_dir(ifname, dir, sizeof(dir));
	if (err) {
		xf_err("cannot name the pin directory of %s: %s", ifname, strerror(-err));
		return err;
	}
	/* never follow, reuse or remove a pin directory xdp-fwd did not create */
	err = xf_pin_dirs_trusted(dir);
	if (err && err != -ENOENT)
		return err;
	xf_pin_legacy_warn(ifname);

	ours = xf_pinned_prog_id(ifname);
	if (ours && xf_effective_prog_id(ifindex, &ai, ours) == ours) {
		xf_err("xdp-fwd is already loaded on %s (program id %u); "
		       "run 'xdp-fwd unload %s' first", ifname, ours, ifname);
		return -EEXIST;
	}
	if (!access(dir, F_OK)) {
		if (!o->force) {
			/*
			 * An unload that did not finish, or a namespace that died with
			 * its pins in a shared bpffs and whose inode number this one got
			 */
			xf_err("stale xdp-fwd pins in %s: their program is not attached to %s "
			       "(left by an interrupted unload, or by a network namespace that "
			       "no longer exists and had this one's inode number); use --force "
			       "or 'xdp-fwd unload %s'", dir, ifname, ifname);
			return -EEXIST;
		}
		unpin_all(dir);
	}
	/* a dispatcher already there is joined, whether or not --multiprog says so */
	dispatched = ai.prog_id && !xf_dispatcher_read(ifindex, &disp);
	use_mp = dispatched || (c && c->multiprog);
	if (dispatched && disp.mode != want) {
		xf_err("libxdp's dispatcher on %s runs in %s mode; load with --mode %s to join it",
		       ifname, xf_attach_mode_name(disp.mode), xf_attach_mode_name(disp.mode));
		return -EINVAL;
	}
	if (use_mp && ai.prog_id && !dispatched) {
		xf_err("%s has an XDP program attached outside libxdp's dispatcher (id %u, '%s', "
		       "%s mode): libxdp cannot run another beside it; unload it, or load it "
		       "through libxdp (xdp-loader) first", ifname, ai.prog_id, ai.prog_name,
		       xf_attach_mode_name(ai.attach_mode));
		return -EBUSY;
	}
	if (use_mp)
		return load_dispatched(ifname, ifindex, dir, o, c);
	if (ai.prog_id && !o->force) {
		xf_err("%s already has an XDP program attached (id %u, '%s', %s mode); "
		       "use --force to replace it, or --multiprog where it runs in "
		       "libxdp's dispatcher", ifname, ai.prog_id, ai.prog_name,
		       xf_attach_mode_name(ai.attach_mode));
		return -EBUSY;
	}

	err = xf_skel_load(o, &skel);
	if (err)
		return err;
	err = pin_dirs_make(dir);
	if (err)
		goto out;
	err = pin_all(skel, dir);
	if (err)
		goto unpin;

	if (!o->force)
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	else if (ai.prog_id && ai.attach_mode != (o->mode == XF_MODE_SKB ?
						 XDP_ATTACHED_SKB : XDP_ATTACHED_DRV)) {
		/* the kernel keeps one mode at a time: remove the other first */
		bpf_xdp_detach(ifindex, ai.attach_mode == XDP_ATTACHED_SKB ?
			       XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE, NULL);
	}
	err = bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.xdp_fwd), flags, NULL);
	if (err) {
		xf_err("cannot attach to %s: %s", ifname, attach_hint(err, o->mode));
		goto unpin;
	}
	xf_info("loaded on %s, maps pinned in %s", ifname, dir);
	goto out;

unpin:
	unpin_all(dir);
out:
	xdp_fwd__destroy(skel);
	return err;
}

int xf_unload(const char *ifname)
{
	struct xf_attach_info ai = {};
	char dir[PATH_MAX];
	unsigned int ifindex;
	__u32 ours;
	int err = 0;

	err = xf_pin_dir(ifname, dir, sizeof(dir));
	if (err) {
		if (err == -EINVAL)
			xf_err("invalid interface name '%s'", ifname);
		else
			xf_err("cannot name the pin directory of %s: %s", ifname, strerror(-err));
		return err;
	}
	err = xf_pin_dirs_trusted(dir);
	if (err == -ENOENT)
		xf_err("xdp-fwd is not loaded on %s (no %s)", ifname, dir);
	if (err)
		return err;
	ours = xf_pinned_prog_id(ifname);
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		xf_warn("%s no longer exists; removing its pins", ifname);
	} else if (!xf_query(ifindex, &ai) && ai.prog_id) {
		if (ours && ai.prog_id == ours) {
			__u32 flags = ai.attach_mode == XDP_ATTACHED_SKB ?
				XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
			LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
			char path[PATH_MAX + 8];
			int fd;

			snprintf(path, sizeof(path), "%s/prog", dir);
			fd = bpf_obj_get(path);
			opts.old_prog_fd = fd;	/* detach only if it is still ours */
			err = bpf_xdp_detach(ifindex, flags, &opts);
			if (fd >= 0)
				close(fd);
			if (err) {
				xf_err("cannot detach from %s: %s%s", ifname, strerror(-err),
				       err == -EPERM ? " (detaching needs CAP_NET_ADMIN)" : "");
				return err;
			}
		} else if (ours && xf_effective_prog_id(ifindex, &ai, ours) == ours) {
			/* in libxdp's dispatcher: only ours goes, the others stay */
			struct xf_dispatcher d;
			char path[PATH_MAX + 8];
			int fd;

			snprintf(path, sizeof(path), "%s/prog", dir);
			fd = bpf_obj_get(path);
			if (fd < 0 || xf_dispatcher_read(ifindex, &d)) {
				err = fd < 0 ? -errno : -ENOENT;
				xf_err("cannot read %s's dispatcher or %s: %s", ifname, path,
				       strerror(-err));
			} else {
				err = xf_mp_detach(ifindex, fd, d.mode, ifname);
			}
			if (fd >= 0)
				close(fd);
			if (err)
				return err;
		} else {
			xf_warn("the program on %s (id %u, '%s') is not xdp-fwd's; "
				"leaving it attached", ifname, ai.prog_id, ai.prog_name);
		}
	}
	unpin_all(dir);
	return 0;
}
