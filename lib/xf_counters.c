// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xf_counters.c - the program's plain maps: per-CPU counters, the config
 * and the egress devmap (xf_maps.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xf_internal.h"
#include "xf_maps.h"

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
