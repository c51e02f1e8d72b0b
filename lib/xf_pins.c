// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xf_pins.c - the program's maps from their pins (each checked to be what
 * xdp-fwd pinned there) or from a loaded skeleton, and the pin directory's
 * lock (xf_maps.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp_fwd.skel.h"
#include "xf_internal.h"
#include "xf_maps.h"
#include "xf_util.h"

const char *const xf_map_names[XF_NMAPS] = {
	"rules", "shape_sets", "config", "action_stats", "error_stats",
	"event_stats", "rule_stats", "xsks", "ports", "trace", "port_rules",
	"queue_stats",
};

static int *map_slot(struct xf_maps *m, int i)
{
	int *slots[] = { &m->rules, &m->shape_sets, &m->config, &m->action_stats,
			 &m->error_stats, &m->event_stats, &m->rule_stats,
			 &m->xsks, &m->ports, &m->trace, &m->port_rules, &m->queue_stats };
	return slots[i];
}

void xf_maps_init(struct xf_maps *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < XF_NMAPS; i++)
		*map_slot(m, i) = -1;
	m->prog = -1;
	m->lock_fd = -1;
}

/*
 * Pins live in XF_PIN_ROOT/net<INODE>/IFNAME, INODE being the caller's
 * network namespace (the st_ino of /proc/self/ns/net, as `lsns -t net`
 * shows it; the run registry of xf_state.c is keyed by the same number):
 * two namespaces that share one bpffs may each have an eth0.
 */
int xf_pin_ns_dir(char *buf, size_t len)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	if ((size_t)snprintf(buf, len, "%s/net%lu", XF_PIN_ROOT, (unsigned long)st.st_ino) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int xf_pin_dir(const char *ifname, char *buf, size_t len)
{
	char ns[PATH_MAX];
	int err;

	if (!xf_ifname_valid(ifname))
		return -EINVAL;
	err = xf_pin_ns_dir(ns, sizeof(ns));
	if (err)
		return err;
	if ((size_t)snprintf(buf, len, "%s/%s", ns, ifname) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int xf_pin_legacy_dir(const char *ifname, char *buf, size_t len)
{
	char prog[PATH_MAX + 8];
	struct stat st;

	if (!xf_ifname_valid(ifname))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s/%s", XF_PIN_ROOT, ifname) >= len)
		return -ENAMETOOLONG;
	/* a net<INODE> directory holds interface directories, never a prog pin */
	snprintf(prog, sizeof(prog), "%s/prog", buf);
	if (lstat(prog, &st))
		return -errno;
	return 0;
}

static int rule_capacity(int rule_stats_fd, __u32 *max_rules)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int err;

	err = bpf_obj_get_info_by_fd(rule_stats_fd, &info, &len);
	if (err)
		return -errno;
	*max_rules = info.max_entries - 1;
	return 0;
}

/*
 * Refuse a pin path xdp-fwd did not create: it must be what lstat() says it
 * is (a real directory, or a pinned object: never a symlink), owned by root
 * (or by the user running the tool) and not writable by group or others.
 * 0 when it is fine, -ENOENT (quietly) when it does not exist, else an error
 * with a message naming the path.
 */
int xf_pin_path_trusted(const char *path, bool want_dir)
{
	struct stat st;
	int err;

	if (lstat(path, &st)) {
		err = -errno;
		if (err != -ENOENT)
			xf_err("cannot access %s: %s", path, strerror(-err));
		return err;
	}
	if (S_ISLNK(st.st_mode)) {
		xf_err("refusing %s: it is a symlink, not the %s xdp-fwd created", path,
		       want_dir ? "directory" : "pin");
		return -ELOOP;
	}
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		xf_err("refusing %s: not a %s", path, want_dir ? "directory" : "pinned BPF object");
		return want_dir ? -ENOTDIR : -EINVAL;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		xf_err("refusing %s: owned by uid %u, not root", path, (unsigned int)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		xf_err("refusing %s: writable by group or others (mode %04o)", path,
		       (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* "map", "prog", ... for a BPF fd (from its anon inode); NULL without /proc. */
static const char *bpf_fd_kind(int fd)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return NULL;
	target[n] = '\0';
	if (!strcmp(target, "anon_inode:bpf-map"))
		return "map";
	if (!strcmp(target, "anon_inode:bpf-prog"))
		return "prog";
	if (!strcmp(target, "anon_inode:bpf_link"))
		return "link";
	return "object of another kind";
}

/*
 * Each level of a pin directory (XF_PIN_ROOT, net<INODE>, IFNAME), from the
 * top: a symlink or a foreign directory at any of them would redirect every
 * open, pin and unlink below it.  -ENOENT (quietly) when one is missing.
 */
int xf_pin_dirs_trusted(const char *dir)
{
	char ns[PATH_MAX];
	char *slash;
	int err;

	snprintf(ns, sizeof(ns), "%s", dir);
	slash = strrchr(ns, '/');
	if (!slash || slash == ns)
		return -EINVAL;
	*slash = '\0';
	err = xf_pin_path_trusted(XF_PIN_ROOT, true);
	if (!err)
		err = xf_pin_path_trusted(ns, true);
	if (!err)
		err = xf_pin_path_trusted(dir, true);
	return err;
}

/* m->dir for ifname, when it and each level above it are directories xdp-fwd made. */
static int pins_dir(const char *ifname, struct xf_maps *m)
{
	int err;

	err = xf_pin_dir(ifname, m->dir, sizeof(m->dir));
	if (err) {
		if (err == -EINVAL)
			xf_err("invalid interface name '%s'", ifname);
		else
			xf_err("cannot name the pin directory of %s: %s (is /proc mounted?)",
			       ifname, strerror(-err));
		m->dir[0] = '\0';
		return err;
	}
	/* only directories xdp-fwd made: no symlinks, root's, not writable by others */
	err = xf_pin_dirs_trusted(m->dir);
	if (err) {
		if (err == -ENOENT)
			xf_err("xdp-fwd is not loaded on %s (no %s)", ifname, m->dir);
		m->dir[0] = '\0';
	}
	return err;
}

/* Open pin i of m->dir into its slot, refusing anything but the map want is. */
static int pin_map_open(struct xf_maps *m, int i, const struct bpf_map *want)
{
	char path[PATH_MAX + 32];
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	const char *kind, *got;
	int err, *fd = map_slot(m, i);

	snprintf(path, sizeof(path), "%s/%s", m->dir, xf_map_names[i]);
	err = xf_pin_path_trusted(path, false);
	/* a pin set of an older xdp-fwd lacks the maps added since */
	if (err == -ENOENT)
		xf_err("cannot open %s: %s (pinned by another version of xdp-fwd? "
		       "'xdp-fwd unload' and load again)", path, strerror(ENOENT));
	if (err)
		return err;
	*fd = bpf_obj_get(path);
	if (*fd < 0) {
		err = -errno;
		xf_err("cannot open %s: %s", path, strerror(-err));
		return err;
	}
	kind = bpf_fd_kind(*fd);
	if (kind && strcmp(kind, "map")) {
		xf_err("refusing %s: a BPF %s, not the map xdp-fwd pins there", path, kind);
		return -EINVAL;
	}
	if (bpf_obj_get_info_by_fd(*fd, &info, &len)) {
		err = -errno;
		xf_err("cannot inspect %s: %s", path, strerror(-err));
		return err;
	}
	if (info.type == bpf_map__type(want) && info.key_size == bpf_map__key_size(want) &&
	    info.value_size == bpf_map__value_size(want))
		return 0;
	got = libbpf_bpf_map_type_str(info.type);
	xf_err("refusing %s: map type %s, key %u bytes, value %u bytes; "
	       "xdp-fwd pins type %s, key %u, value %u there", path,
	       got ? got : "unknown", info.key_size, info.value_size,
	       libbpf_bpf_map_type_str(bpf_map__type(want)),
	       bpf_map__key_size(want), bpf_map__value_size(want));
	return -EINVAL;
}

/* The program pin, which is optional; refused when it is not xdp-fwd's kind of program. */
static int pin_prog_open(struct xf_maps *m, const struct bpf_program *want)
{
	char path[PATH_MAX + 32];
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(pi);
	const char *kind;
	int err;

	snprintf(path, sizeof(path), "%s/prog", m->dir);
	err = xf_pin_path_trusted(path, false);
	if (err)
		return err == -ENOENT ? 0 : err;
	m->prog = bpf_obj_get(path);
	if (m->prog < 0)
		return 0;	/* as before: a pin that cannot be opened is as good as none */
	kind = bpf_fd_kind(m->prog);
	/* inside libxdp's dispatcher the program is a freplace (EXT) of one of its slots */
	if ((kind && strcmp(kind, "prog")) || bpf_obj_get_info_by_fd(m->prog, &pi, &len) ||
	    (pi.type != bpf_program__type(want) && pi.type != BPF_PROG_TYPE_EXT)) {
		xf_err("refusing %s: not the XDP program xdp-fwd pins there", path);
		return -EINVAL;
	}
	return 0;
}

/* Every pin, checked against ref, the embedded object's own definitions. */
static int pins_open(struct xf_maps *m, struct xdp_fwd *ref)
{
	const struct bpf_map *want[XF_NMAPS] = {
		ref->maps.rules, ref->maps.shape_sets, ref->maps.config,
		ref->maps.action_stats, ref->maps.error_stats, ref->maps.event_stats,
		ref->maps.rule_stats, ref->maps.xsks, ref->maps.ports, ref->maps.trace,
		ref->maps.port_rules, ref->maps.queue_stats,
	};
	int err = 0;

	for (int i = 0; i < XF_NMAPS && !err; i++)
		err = pin_map_open(m, i, want[i]);
	if (!err)
		err = pin_prog_open(m, ref->progs.xdp_fwd);
	if (!err)
		err = rule_capacity(m->rule_stats, &m->max_rules);
	return err;
}

int xf_maps_open_pinned(const char *ifname, struct xf_maps *m)
{
	struct xdp_fwd *ref;
	int err;

	xf_maps_init(m);
	err = pins_dir(ifname, m);
	if (err)
		return err;
	/* what each pin must be: the embedded object's own map definitions */
	ref = xdp_fwd__open();
	if (!ref) {
		err = -errno;
		xf_err("cannot open the embedded BPF object: %s", strerror(-err));
		return err;
	}
	err = pins_open(m, ref);
	xdp_fwd__destroy(ref);
	if (err)
		xf_maps_close(m);
	return err;
}

int xf_maps_from_skel(struct xdp_fwd *skel, struct xf_maps *m)
{
	struct bpf_map *maps[XF_NMAPS] = {
		skel->maps.rules, skel->maps.shape_sets, skel->maps.config,
		skel->maps.action_stats, skel->maps.error_stats,
		skel->maps.event_stats, skel->maps.rule_stats, skel->maps.xsks,
		skel->maps.ports, skel->maps.trace, skel->maps.port_rules,
		skel->maps.queue_stats,
	};

	xf_maps_init(m);
	for (int i = 0; i < XF_NMAPS; i++) {
		/* dup so that xf_maps_close() never closes the skeleton's fds */
		*map_slot(m, i) = fcntl(bpf_map__fd(maps[i]), F_DUPFD_CLOEXEC, 3);
		if (*map_slot(m, i) < 0) {
			int err = -errno;

			xf_maps_close(m);
			return err;
		}
	}
	m->max_rules = bpf_map__max_entries(skel->maps.rule_stats) - 1;
	return 0;
}

void xf_maps_close(struct xf_maps *m)
{
	for (int i = 0; i < XF_NMAPS; i++)
		if (*map_slot(m, i) >= 0)
			close(*map_slot(m, i));
	if (m->prog >= 0)
		close(m->prog);
	if (m->lock_fd >= 0)
		close(m->lock_fd);	/* drops the flock */
	xf_maps_init(m);
}

int xf_maps_lock(struct xf_maps *m)
{
	if (!m->dir[0] || m->lock_fd >= 0)
		return 0;
	m->lock_fd = open(m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->lock_fd < 0 || flock(m->lock_fd, LOCK_EX)) {
		int err = -errno;

		xf_err("cannot lock %s: %s", m->dir, strerror(-err));
		return err;
	}
	return 0;
}
