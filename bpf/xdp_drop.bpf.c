// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The baseline for benchmarks: an XDP program that only drops. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
