// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xf_counters.c - the program's plain maps: per-CPU counters (also those
 * per RX queue), the config and the egress devmap (xf_maps.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xf_internal.h"
#include "xf_maps.h"

/*
 * Entry idx of a per-CPU array whose value is n struct xf_counter, summed
 * over the possible CPUs into out[0..n).  The kernel rounds each CPU's
 * value up to 8 bytes, which a whole number of counters already is.
 */
static int percpu_sum(int fd, __u32 idx, struct xf_counter *out, size_t n)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xf_counter *v;

	memset(out, 0, n * sizeof(*out));
	if (ncpu < 1)
		return -EINVAL;
	v = calloc((size_t)ncpu * n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &idx, v)) {
		int err = -errno;

		free(v);
		return err;
	}
	for (int i = 0; i < ncpu; i++) {
		for (size_t k = 0; k < n; k++) {
			out[k].packets += v[i * n + k].packets;
			out[k].bytes += v[i * n + k].bytes;
		}
	}
	free(v);
	return 0;
}

/* Entry idx (n counters per CPU) set to zero on every CPU. */
static int percpu_zero(int fd, __u32 idx, size_t n)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	struct xf_counter *v;

	if (ncpu < 1)
		return -EINVAL;
	v = calloc((size_t)ncpu * n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &idx, v, BPF_ANY))
		err = -errno;
	free(v);
	return err;
}

int xf_counter_sum(int fd, __u32 idx, struct xf_counter *out)
{
	return percpu_sum(fd, idx, out, 1);
}

int xf_counter_zero(int fd, __u32 idx)
{
	return percpu_zero(fd, idx, 1);
}

/* struct xf_queue_stat is read as counters: it must be nothing else. */
_Static_assert(sizeof(struct xf_queue_stat) == 2 * sizeof(struct xf_counter),
	       "struct xf_queue_stat is two counters");

int xf_queue_stat_sum(int fd, __u32 queue, struct xf_queue_stat *out)
{
	struct xf_counter c[2];
	int err = percpu_sum(fd, queue, c, 2);

	out->xsk = c[0];
	out->no_socket = c[1];
	return err;
}

int xf_queue_stat_zero(int fd, __u32 queue)
{
	return percpu_zero(fd, queue, 2);
}

int xf_queue_stats_size(int fd, __u32 *n)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*n = info.max_entries;
	return 0;
}

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
