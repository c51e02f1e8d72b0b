// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The benchmark's reference point (issue 14): what a frame costs in a
 * program that does the least a classifier must do.  It parses
 * Ethernet/IPv4/UDP, looks the 5-tuple up once in a hash map with a
 * 16-byte key, and counts the hit in a per-CPU counter.  A hit drops, a
 * miss or anything that is not plain IPv4/UDP passes, so the verdict tells
 * bench_prog whether the lookup hit.
 *
 * Deliberately independent of xdp-fwd's own parser and maps: it is the
 * yardstick, not a second copy of the product.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct ref_key {		/* 16 bytes: no padding hashed by accident */
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ref_key);
	__type(value, __u32);
} ref_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ref_hits SEC(".maps");

SEC("xdp")
int xdp_ref(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ref_key key = {};
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 zero = 0;
	__u64 *hits;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return XDP_PASS;

	key.saddr = ip->saddr;
	key.daddr = ip->daddr;
	key.sport = udp->source;
	key.dport = udp->dest;
	key.proto = ip->protocol;
	if (!bpf_map_lookup_elem(&ref_flows, &key))
		return XDP_PASS;
	hits = bpf_map_lookup_elem(&ref_hits, &zero);
	if (hits)
		*hits += 1;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
