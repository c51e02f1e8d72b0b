/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_maps.h - the maps of the xdp-fwd program.  Every map carries BTF
 * (key and value types), so `bpftool map dump` prints field names.
 * Sizes marked "set at load" are defaults that the loader may change
 * with bpf_map__set_max_entries() before loading.
 */
#ifndef XF_MAPS_H
#define XF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xf_abi.h"
#include "xf_parse.h"

/* Rules: key = shape slot + masked fields, value = id/priority/action. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XF_DEFAULT_MAX_RULES);	/* set at load */
	__type(key, struct xf_rule_key);
	__type(value, struct xf_rule);
} rules SEC(".maps");

/* Rules of the port shapes, by xf_port_index() (see xf_abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XF_PORT_RULES);
	__type(key, __u32);
	__type(value, struct xf_rule);
} port_rules SEC(".maps");

/* The two copies of the shape table; config.active_set picks one. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct xf_shape_set);
} shape_sets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xf_config);
} config SEC(".maps");

/* Counters, per CPU; the tool sums them. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XF_ACT_MAX);
	__type(key, __u32);			/* enum xf_action */
	__type(value, struct xf_counter);
} action_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XF_PERR_MAX);
	__type(key, __u32);			/* enum xf_perr; 0 unused */
	__type(value, struct xf_counter);
} error_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XF_EV_MAX);
	__type(key, __u32);			/* enum xf_event */
	__type(value, struct xf_counter);
} event_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XF_DEFAULT_MAX_RULES + 1);	/* set at load */
	__type(key, __u32);			/* rule id */
	__type(value, struct xf_counter);
} rule_stats SEC(".maps");

/* AF_XDP sockets, one per RX queue. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XF_MAX_QUEUES);	/* set at load */
	__type(key, __u32);			/* RX queue index */
	__type(value, __u32);			/* socket fd (write only) */
} xsks SEC(".maps");

/* The xsk action per RX queue, sized as xsks (see xf_count_queue()). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XF_MAX_QUEUES);	/* set at load */
	__type(key, __u32);			/* RX queue index */
	__type(value, struct xf_queue_stat);
} queue_stats SEC(".maps");

/* Egress devices for redirect and fwd, keyed by ifindex. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XF_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} ports SEC(".maps");

/* The frame being handled: the parser's output (see xdp_fwd.bpf.c). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xf_pkt);
} parsed SEC(".maps");

/* Verdicts of recent tuples, per CPU (see xf_verdict.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XF_VCACHE_SIZE);
	__type(key, __u32);			/* xf_vkey_slot() */
	__type(value, struct xf_vcache_entry);
} vcache SEC(".maps");

/* The last frame seen, when tracing is on (dry runs and tests). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xf_trace);
} trace SEC(".maps");

#endif /* XF_MAPS_H */
