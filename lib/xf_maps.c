// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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
};

static int *map_slot(struct xf_maps *m, int i)
{
	int *slots[] = { &m->rules, &m->shape_sets, &m->config, &m->action_stats,
			 &m->error_stats, &m->event_stats, &m->rule_stats,
			 &m->xsks, &m->ports, &m->trace, &m->port_rules };
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

int xf_pin_dir(const char *ifname, char *buf, size_t len)
{
	if (!xf_ifname_valid(ifname))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s/%s", XF_PIN_ROOT, ifname) >= len)
		return -ENAMETOOLONG;
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

int xf_maps_open_pinned(const char *ifname, struct xf_maps *m)
{
	char path[PATH_MAX + 32];
	struct xdp_fwd *ref;
	int err;

	xf_maps_init(m);
	err = xf_pin_dir(ifname, m->dir, sizeof(m->dir));
	if (err) {
		xf_err("invalid interface name '%s'", ifname);
		return err;
	}
	/* only directories xdp-fwd made: no symlinks, root's, not writable by others */
	err = xf_pin_path_trusted(XF_PIN_ROOT, true);
	if (!err)
		err = xf_pin_path_trusted(m->dir, true);
	if (err) {
		if (err == -ENOENT)
			xf_err("xdp-fwd is not loaded on %s (no %s)", ifname, m->dir);
		m->dir[0] = '\0';
		return err;
	}

	/* what each pin must be: the embedded object's own map definitions */
	ref = xdp_fwd__open();
	if (!ref) {
		err = -errno;
		xf_err("cannot open the embedded BPF object: %s", strerror(-err));
		return err;
	}
	struct bpf_map *want[XF_NMAPS] = {
		ref->maps.rules, ref->maps.shape_sets, ref->maps.config,
		ref->maps.action_stats, ref->maps.error_stats, ref->maps.event_stats,
		ref->maps.rule_stats, ref->maps.xsks, ref->maps.ports, ref->maps.trace,
		ref->maps.port_rules,
	};

	for (int i = 0; i < XF_NMAPS && !err; i++) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		const char *kind;

		snprintf(path, sizeof(path), "%s/%s", m->dir, xf_map_names[i]);
		err = xf_pin_path_trusted(path, false);
		if (err == -ENOENT)
			xf_err("cannot open %s: %s", path, strerror(ENOENT));
		if (err)
			break;
		*map_slot(m, i) = bpf_obj_get(path);
		if (*map_slot(m, i) < 0) {
			err = -errno;
			xf_err("cannot open %s: %s", path, strerror(-err));
			break;
		}
		kind = bpf_fd_kind(*map_slot(m, i));
		if (kind && strcmp(kind, "map")) {
			xf_err("refusing %s: a BPF %s, not the map xdp-fwd pins there", path, kind);
			err = -EINVAL;
			break;
		}
		if (bpf_obj_get_info_by_fd(*map_slot(m, i), &info, &len)) {
			err = -errno;
			xf_err("cannot inspect %s: %s", path, strerror(-err));
			break;
		}
		if (info.type != bpf_map__type(want[i]) ||
		    info.key_size != bpf_map__key_size(want[i]) ||
		    info.value_size != bpf_map__value_size(want[i])) {
			const char *got = libbpf_bpf_map_type_str(info.type);

			xf_err("refusing %s: map type %s, key %u bytes, value %u bytes; "
			       "xdp-fwd pins type %s, key %u, value %u there", path,
			       got ? got : "unknown", info.key_size, info.value_size,
			       libbpf_bpf_map_type_str(bpf_map__type(want[i])),
			       bpf_map__key_size(want[i]), bpf_map__value_size(want[i]));
			err = -EINVAL;
		}
	}
	if (!err) {
		snprintf(path, sizeof(path), "%s/prog", m->dir);
		err = xf_pin_path_trusted(path, false);
		if (!err) {
			struct bpf_prog_info pi = {};
			__u32 len = sizeof(pi);
			const char *kind;

			m->prog = bpf_obj_get(path);
			kind = m->prog >= 0 ? bpf_fd_kind(m->prog) : NULL;
			if (m->prog >= 0 && ((kind && strcmp(kind, "prog")) ||
			    bpf_obj_get_info_by_fd(m->prog, &pi, &len) ||
			    pi.type != bpf_program__type(ref->progs.xdp_fwd))) {
				xf_err("refusing %s: not the XDP program xdp-fwd pins there", path);
				err = -EINVAL;
			}
		} else if (err == -ENOENT) {
			err = 0;	/* the program pin is optional */
		}
	}
	xdp_fwd__destroy(ref);
	if (!err)
		err = rule_capacity(m->rule_stats, &m->max_rules);
	if (err) {
		xf_maps_close(m);
		return err;
	}
	return 0;
}

int xf_maps_from_skel(struct xdp_fwd *skel, struct xf_maps *m)
{
	struct bpf_map *maps[XF_NMAPS] = {
		skel->maps.rules, skel->maps.shape_sets, skel->maps.config,
		skel->maps.action_stats, skel->maps.error_stats,
		skel->maps.event_stats, skel->maps.rule_stats, skel->maps.xsks,
		skel->maps.ports, skel->maps.trace, skel->maps.port_rules,
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

/* counters */

int xf_counter_sum(int fd, __u32 idx, struct xf_counter *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xf_counter *v;

	memset(out, 0, sizeof(*out));
	if (ncpu < 1)
		return -EINVAL;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &idx, v)) {
		int err = -errno;

		free(v);
		return err;
	}
	for (int i = 0; i < ncpu; i++) {
		out->packets += v[i].packets;
		out->bytes += v[i].bytes;
	}
	free(v);
	return 0;
}

int xf_counter_zero(int fd, __u32 idx)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	struct xf_counter *v;

	if (ncpu < 1)
		return -EINVAL;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &idx, v, BPF_ANY))
		err = -errno;
	free(v);
	return err;
}

/* config */

int xf_config_get(struct xf_maps *m, struct xf_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->config, &zero, cfg))
		return -errno;
	return 0;
}

int xf_config_set(struct xf_maps *m, const struct xf_config *in)
{
	struct xf_config cfg;
	__u32 zero = 0;
	int err;

	err = xf_config_get(m, &cfg);
	if (err)
		return err;
	cfg.default_action = in->default_action;
	cfg.default_ifindex = in->default_ifindex;
	cfg.error_action = in->error_action;
	/* no generation bump: the cache holds rules, the defaults are read live */
	if (bpf_map_update_elem(m->config, &zero, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

/*
 * Invalidate every cached verdict.  Called after a change to the rules is
 * complete (after the last map write), so that no verdict computed while
 * the change was under way survives it.
 */
static int gen_bump(struct xf_maps *m)
{
	struct xf_config cfg;
	__u32 zero = 0;
	int err;

	err = xf_config_get(m, &cfg);
	if (err)
		return err;
	cfg.generation++;
	if (bpf_map_update_elem(m->config, &zero, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

/* the rule table */

void xf_table_free(struct xf_table *t)
{
	free(t->keys);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}

int xf_table_read(struct xf_maps *m, struct xf_table *t)
{
	struct xf_rule_key key, next, *pkey = NULL;
	struct xf_config cfg;
	size_t cap = 0;
	int err;

	memset(t, 0, sizeof(*t));
	err = xf_config_get(m, &cfg);
	if (err)
		return err;
	t->active = cfg.active_set & 1;
	if (bpf_map_lookup_elem(m->shape_sets, &t->active, &t->set))
		return -errno;
	if (t->set.count > XF_MAX_SHAPES)
		return -EUCLEAN;

	while (!bpf_map_get_next_key(m->rules, pkey, &next)) {
		struct xf_rule val;

		key = next;
		pkey = &key;
		if (bpf_map_lookup_elem(m->rules, &key, &val))
			continue;	/* deleted under us */
		if (t->n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			void *k = realloc(t->keys, ncap * sizeof(*t->keys));

			if (!k)
				goto nomem;
			t->keys = k;
			k = realloc(t->vals, ncap * sizeof(*t->vals));
			if (!k)
				goto nomem;
			t->vals = k;
			cap = ncap;
		}
		t->keys[t->n] = key;
		t->vals[t->n] = val;
		t->n++;
	}
	if (errno != ENOENT) {
		err = -errno;
		xf_table_free(t);
		return err;
	}
	return 0;
nomem:
	xf_table_free(t);
	return -ENOMEM;
}

long xf_table_find(const struct xf_table *t, __u32 id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->vals[i].id == id)
			return (long)i;
	return -1;
}

unsigned int xf_table_shapes(const struct xf_table *t)
{
	unsigned int n = 0;

	for (int s = 0; s < XF_MAX_SHAPES; s++)
		n += t->set.shape[s].nrules > 0;
	return n;
}

static int errf(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int errf(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* Order the used slots by best priority, then slot, and count them. */
static void set_reorder(struct xf_shape_set *set)
{
	__u32 n = 0;

	set->hashed = 0;
	for (int s = 0; s < XF_MAX_SHAPES; s++) {
		if (!set->shape[s].nrules)
			continue;
		set->order[n++] = s;
		if (!set->shape[s].port_kind)
			set->hashed++;
	}
	for (__u32 i = 1; i < n; i++) {	/* insertion sort: n <= 16 */
		__u8 v = set->order[i];
		__u32 j = i;

		while (j > 0 && set->shape[set->order[j - 1]].min_priority >
				set->shape[v].min_priority) {
			set->order[j] = set->order[j - 1];
			j--;
		}
		set->order[j] = v;
	}
	for (__u32 i = n; i < XF_MAX_SHAPES; i++)
		set->order[i] = 0;
	set->count = n;
}

/* Write set into the inactive copy, then make it the live one. */
static int set_publish(struct xf_maps *m, __u32 active, struct xf_shape_set *set)
{
	__u32 next = active ^ 1, zero = 0;
	struct xf_config cfg;
	int err;

	set_reorder(set);
	if (bpf_map_update_elem(m->shape_sets, &next, set, BPF_ANY))
		return -errno;
	err = xf_config_get(m, &cfg);
	if (err)
		return err;
	cfg.active_set = next;
	if (bpf_map_update_elem(m->config, &zero, &cfg, BPF_ANY))
		return -errno;
	/*
	 * The bump is a write of its own, after the flip: one update of the
	 * config value is a memcpy the program may read torn (new generation,
	 * old active_set), which would stamp a verdict of the old set as
	 * current.  Written after the flip, a program that reads the new
	 * generation reads the new set too (x86 keeps loads in order; see
	 * xf_verdict.h).
	 */
	return gen_bump(m);
}

/* Where a rule of key k lives in port_rules, or XF_PORT_RULES: hashed only. */
static __u32 port_at(const struct xf_shape_set *set, const struct xf_rule_key *k)
{
	const struct xf_shape *s = &set->shape[k->slot % XF_MAX_SHAPES];

	if (!s->port_kind)
		return XF_PORT_RULES;
	return xf_port_index(s->port_kind, k->proto, k->dport);
}

/* Empty entry `at` of port_rules (id 0: no rule); quiet when not a port rule. */
static int port_clear(struct xf_maps *m, __u32 at)
{
	struct xf_rule none = { 0 };

	if (at >= XF_PORT_RULES)
		return 0;
	if (bpf_map_update_elem(m->port_rules, &at, &none, BPF_ANY))
		return -errno;
	return 0;
}

static void filter_set(struct xf_shape_set *set, const struct xf_rule_key *k)
{
	__u32 bit = xf_key_bit(k);

	set->filter[k->slot % XF_MAX_SHAPES][bit / 64] |= 1ULL << (bit % 64);
}

/* Rebuild one slot's filter from the rules of table t, leaving out `skip`. */
static void filter_rebuild(struct xf_shape_set *set, const struct xf_table *t,
			   __u32 slot, long skip)
{
	memset(set->filter[slot], 0, sizeof(set->filter[slot]));
	for (size_t i = 0; i < t->n; i++)
		if ((long)i != skip && t->keys[i].slot == slot)
			filter_set(set, &t->keys[i]);
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(*(const struct xf_rule_key *const *)a,
		      *(const struct xf_rule_key *const *)b,
		      sizeof(struct xf_rule_key));
}

int xf_rules_add(struct xf_maps *m, const struct xf_rule_spec *specs, size_t n,
		 __u32 *ids, long *bad, char *err, size_t errlen)
{
	struct xf_rule_key *keys = NULL, **sorted = NULL;
	struct xf_rule *vals = NULL;
	struct xf_shape_set set;
	struct xf_table t;
	unsigned char *used = NULL, *new_port = NULL;
	size_t inserted = 0, i;
	__u32 next_id = 1;
	int ret;

	if (bad)
		*bad = -1;
	ret = xf_table_read(m, &t);
	if (ret)
		return errf(err, errlen, ret, "cannot read the rule table: %s",
			    strerror(-ret));
	if (t.n + n > m->max_rules) {
		ret = errf(err, errlen, -ENOSPC,
			   "rule table full: %zu rules + %zu new > limit %u (see load --max-rules)",
			   t.n, n, m->max_rules);
		goto out;
	}
	keys = calloc(n ? n : 1, sizeof(*keys));
	vals = calloc(n ? n : 1, sizeof(*vals));
	sorted = calloc(n ? n : 1, sizeof(*sorted));
	used = calloc(m->max_rules + 2, 1);
	new_port = calloc(n ? n : 1, 1);
	if (!keys || !vals || !sorted || !used || !new_port) {
		ret = errf(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < t.n; i++)
		if (t.vals[i].id <= m->max_rules)
			used[t.vals[i].id] = 1;

	set = t.set;
	for (i = 0; i < n; i++) {
		struct xf_shape_id sid = xf_rule_shape(&specs[i]);
		struct xf_rule existing;
		int slot = -1, s;

		for (s = 0; s < XF_MAX_SHAPES && slot < 0; s++)
			if (set.shape[s].nrules && xf_shape_eq(&sid, &set.shape[s]))
				slot = s;
		for (s = 0; s < XF_MAX_SHAPES && slot < 0; s++)
			if (!set.shape[s].nrules) {
				slot = s;
				xf_shape_fill(&set.shape[s], &sid);
				memset(set.filter[s], 0, sizeof(set.filter[s]));
				set.shape[s].min_priority = specs[i].priority;
			}
		if (slot < 0) {
			if (bad)
				*bad = (long)i;
			ret = errf(err, errlen, -ENOSPC,
				   "all %d rule shapes are in use; this rule needs another "
				   "(a shape is the set of fields and prefix lengths a rule matches)",
				   XF_MAX_SHAPES);
			goto out;
		}
		set.shape[slot].nrules++;
		if (specs[i].priority < set.shape[slot].min_priority)
			set.shape[slot].min_priority = specs[i].priority;

		xf_rule_key(&specs[i], slot, &keys[i]);
		filter_set(&set, &keys[i]);
		if (!bpf_map_lookup_elem(m->rules, &keys[i], &existing)) {
			if (bad)
				*bad = (long)i;
			ret = errf(err, errlen, -EEXIST,
				   "rule %u already matches the same fields", existing.id);
			goto out;
		}
		while (next_id <= m->max_rules && used[next_id])
			next_id++;
		if (next_id > m->max_rules) {
			ret = errf(err, errlen, -ENOSPC, "no free rule id (limit %u)",
				   m->max_rules);
			goto out;
		}
		used[next_id] = 1;
		vals[i] = (struct xf_rule){
			.id = next_id,
			.priority = specs[i].priority,
			.action = specs[i].action,
			.ifindex = specs[i].action == XF_ACT_REDIRECT ? specs[i].ifindex : 0,
		};
		sorted[i] = &keys[i];
	}

	/* duplicates within the batch */
	qsort(sorted, n, sizeof(*sorted), key_cmp);
	for (i = 1; i < n; i++) {
		if (!key_cmp(&sorted[i - 1], &sorted[i])) {
			size_t a = sorted[i - 1] - keys, b = sorted[i] - keys;

			if (bad)
				*bad = (long)(a > b ? a : b);
			ret = errf(err, errlen, -EEXIST,
				   "rules %zu and %zu match the same fields",
				   (a < b ? a : b) + 1, (a > b ? a : b) + 1);
			goto out;
		}
	}

	/* redirect targets must be in the devmap before a rule points there */
	for (i = 0; i < n; i++) {
		struct bpf_devmap_val dv;

		if (specs[i].action != XF_ACT_REDIRECT ||
		    !bpf_map_lookup_elem(m->ports, &specs[i].ifindex, &dv))
			continue;
		ret = xf_port_add(m, specs[i].ifindex);
		if (ret) {
			if (bad)
				*bad = (long)i;
			ret = errf(err, errlen, ret, "cannot add %s to the devmap: %s",
				   specs[i].dev, strerror(-ret));
			goto rollback;
		}
		new_port[i] = 1;
	}

	for (i = 0; i < n; i++) {
		__u32 at = port_at(&set, &keys[i]);

		xf_counter_zero(m->rule_stats, vals[i].id);
		if (bpf_map_update_elem(m->rules, &keys[i], &vals[i], BPF_NOEXIST)) {
			ret = -errno;
			if (bad)
				*bad = (long)i;
			if (ret == -E2BIG || ret == -ENOMEM || ret == -ENOSPC)
				errf(err, errlen, ret, "rule table full (limit %u rules)",
				     m->max_rules);
			else if (ret == -EEXIST)
				errf(err, errlen, ret, "a rule matching the same fields was added meanwhile");
			else
				errf(err, errlen, ret, "cannot insert rule: %s", strerror(-ret));
			goto rollback;
		}
		inserted++;
		if (at < XF_PORT_RULES &&
		    bpf_map_update_elem(m->port_rules, &at, &vals[i], BPF_ANY)) {
			ret = -errno;
			if (bad)
				*bad = (long)i;
			errf(err, errlen, ret, "cannot insert rule in the port table: %s",
			     strerror(-ret));
			goto rollback;
		}
	}
	ret = set_publish(m, t.active, &set);
	if (ret) {
		errf(err, errlen, ret, "cannot publish the shape table: %s", strerror(-ret));
		goto rollback;
	}
	for (i = 0; i < n; i++)
		ids[i] = vals[i].id;
	ret = 0;
	goto out;

rollback:
	for (i = 0; i < inserted; i++) {
		port_clear(m, port_at(&set, &keys[i]));
		bpf_map_delete_elem(m->rules, &keys[i]);
	}
	for (i = 0; i < n; i++)
		if (new_port && new_port[i])
			xf_port_del(m, specs[i].ifindex);
	/* a frame may have found a rule that was in the map for a moment */
	if (inserted)
		gen_bump(m);
out:
	free(new_port);
	free(keys);
	free(vals);
	free(sorted);
	free(used);
	xf_table_free(&t);
	return ret;
}

int xf_rule_del(struct xf_maps *m, __u32 id, char *err, size_t errlen)
{
	struct xf_shape_set set;
	struct xf_shape *s;
	struct xf_table t;
	long at;
	int ret, ret2;
	__u32 slot;

	ret = xf_table_read(m, &t);
	if (ret)
		return errf(err, errlen, ret, "cannot read the rule table: %s",
			    strerror(-ret));
	at = xf_table_find(&t, id);
	if (at < 0) {
		ret = errf(err, errlen, -ENOENT, "no rule with id %u", id);
		goto out;
	}
	set = t.set;
	slot = t.keys[at].slot % XF_MAX_SHAPES;
	s = &set.shape[slot];
	if (s->nrules > 1) {
		s->nrules--;
		s->min_priority = XF_MAX_PRIORITY;
		for (size_t i = 0; i < t.n; i++)
			if ((long)i != at && t.keys[i].slot == slot &&
			    t.vals[i].priority < s->min_priority)
				s->min_priority = t.vals[i].priority;
	} else {
		memset(s, 0, sizeof(*s));
	}
	filter_rebuild(&set, &t, slot, at);
	/* unpublish the shape first, so no frame looks for the rule after */
	ret = set_publish(m, t.active, &set);
	if (ret) {
		errf(err, errlen, ret, "cannot publish the shape table: %s", strerror(-ret));
		goto out;
	}
	ret = port_clear(m, port_at(&t.set, &t.keys[at]));
	if (ret) {
		errf(err, errlen, ret, "cannot delete rule %u from the port table: %s", id,
		     strerror(-ret));
	} else if (bpf_map_delete_elem(m->rules, &t.keys[at])) {
		ret = -errno;
		errf(err, errlen, ret, "cannot delete rule %u: %s", id, strerror(-ret));
	}
	/* frames between the publish and the delete could still find the rule */
	ret2 = gen_bump(m);
	if (ret2 && !ret)
		ret = errf(err, errlen, ret2, "cannot invalidate the verdict cache: %s",
			   strerror(-ret2));
out:
	xf_table_free(&t);
	return ret;
}

int xf_rules_flush(struct xf_maps *m, size_t *removed)
{
	struct xf_shape_set empty;
	struct xf_table t;
	int ret;

	ret = xf_table_read(m, &t);
	if (ret)
		return ret;
	memset(&empty, 0, sizeof(empty));
	ret = set_publish(m, t.active, &empty);
	if (!ret) {
		for (size_t i = 0; i < t.n; i++) {
			port_clear(m, port_at(&t.set, &t.keys[i]));
			bpf_map_delete_elem(m->rules, &t.keys[i]);
		}
		ret = gen_bump(m);
	}
	if (removed)
		*removed = t.n;
	xf_table_free(&t);
	return ret;
}

int xf_port_add(struct xf_maps *m, __u32 ifindex)
{
	struct bpf_devmap_val val = { .ifindex = ifindex };

	if (bpf_map_update_elem(m->ports, &ifindex, &val, BPF_ANY))
		return -errno;
	return 0;
}

int xf_port_del(struct xf_maps *m, __u32 ifindex)
{
	if (bpf_map_delete_elem(m->ports, &ifindex))
		return -errno;
	return 0;
}
