/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_maps.h - the program's maps seen from userspace: opening them (from
 * pins or from a freshly loaded skeleton), the rule table operations, the
 * config and the counters.  Every mutation is all-or-nothing.
 */
#ifndef XF_MAPS_H
#define XF_MAPS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include "xf_abi.h"
#include "xf_rules.h"

#define XF_PIN_ROOT "/sys/fs/bpf/xdp-fwd"

struct xdp_fwd;		/* the skeleton */

struct xf_maps {
	int rules, shape_sets, config;
	int action_stats, error_stats, event_stats, rule_stats;
	int xsks, ports, trace, port_rules, queue_stats;
	int prog;		/* the pinned program, or -1 */
	int lock_fd;		/* flock()ed pin directory, or -1 */
	__u32 max_rules;
	char dir[PATH_MAX];	/* pin directory, "" when not pinned */
};

/* The names under which maps are pinned, in struct order above. */
#define XF_NMAPS 12
extern const char *const xf_map_names[XF_NMAPS];

void xf_maps_init(struct xf_maps *m);
/*
 * The pin directory of IFNAME in the caller's network namespace:
 * XF_PIN_ROOT/net<INODE>/IFNAME, INODE the namespace's inode number
 * (`readlink /proc/self/ns/net`).  -EINVAL for a bad name, -errno when
 * /proc/self/ns/net cannot be read.
 */
int xf_pin_dir(const char *ifname, char *buf, size_t len);
/* XF_PIN_ROOT/net<INODE>: where this namespace's interfaces have their pin directories. */
int xf_pin_ns_dir(char *buf, size_t len);
/*
 * XF_PIN_ROOT/IFNAME, where an xdp-fwd older than the per-namespace layout
 * pinned; 0 when it holds a prog pin, else -errno (-ENOENT: none).
 */
int xf_pin_legacy_dir(const char *ifname, char *buf, size_t len);
/* Open the pins of IFACE; -ENOENT with a message when not loaded. */
int xf_maps_open_pinned(const char *ifname, struct xf_maps *m);
int xf_maps_from_skel(struct xdp_fwd *skel, struct xf_maps *m);
void xf_maps_close(struct xf_maps *m);
/*
 * Refuse a pin path xdp-fwd did not create: a real directory (want_dir) or
 * pinned object, never a symlink, owned by root or the caller, not
 * writable by group or others.  0 fine, -ENOENT (quietly) missing, else an
 * error with a message naming the path.
 */
int xf_pin_path_trusted(const char *path, bool want_dir);

/* Serialise changes between processes (flock on the pin directory). */
int xf_maps_lock(struct xf_maps *m);

/* A snapshot of the rule table. */
struct xf_table {
	__u32 active;			/* config.active_set */
	struct xf_shape_set set;	/* the live shape set */
	size_t n;
	struct xf_rule_key *keys;
	struct xf_rule *vals;
};

int xf_table_read(struct xf_maps *m, struct xf_table *t);
void xf_table_free(struct xf_table *t);
/* Index of rule `id` in t, or -1. */
long xf_table_find(const struct xf_table *t, __u32 id);
/* Shapes in use (slots with rules). */
unsigned int xf_table_shapes(const struct xf_table *t);

/*
 * Add n rules, all or nothing.  ids[] receives the new ids.  On error,
 * *bad (if not NULL) is the index of the spec at fault, or -1 when the
 * failure is not one spec's (map full, ...), and err says why.
 */
int xf_rules_add(struct xf_maps *m, const struct xf_rule_spec *specs, size_t n,
		 __u32 *ids, long *bad, char *err, size_t errlen);
int xf_rule_del(struct xf_maps *m, __u32 id, char *err, size_t errlen);
int xf_rules_flush(struct xf_maps *m, size_t *removed);

int xf_config_get(struct xf_maps *m, struct xf_config *cfg);
/* Writes only default_action/default_ifindex/error_action. */
int xf_config_set(struct xf_maps *m, const struct xf_config *cfg);

/* Sum a per-CPU counter over all CPUs. */
int xf_counter_sum(int map_fd, __u32 idx, struct xf_counter *out);
/* Zero a per-CPU counter on all CPUs. */
int xf_counter_zero(int map_fd, __u32 idx);

/*
 * The xsk action's counters of one RX queue (queue_stats), summed over CPUs,
 * and zeroed on all CPUs.  Queues run from 0 to xf_queue_stats_size() - 1.
 */
int xf_queue_stat_sum(int map_fd, __u32 queue, struct xf_queue_stat *out);
int xf_queue_stat_zero(int map_fd, __u32 queue);
/* The number of RX queues counted: the size the map was given at load. */
int xf_queue_stats_size(int map_fd, __u32 *n);

/* Add an egress device to the devmap (idempotent). */
int xf_port_add(struct xf_maps *m, __u32 ifindex);
int xf_port_del(struct xf_maps *m, __u32 ifindex);

#endif /* XF_MAPS_H */
