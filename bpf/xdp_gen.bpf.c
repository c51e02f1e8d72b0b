// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xdp_gen.bpf.c - the traffic generator's program.  `xdp-fwd gen` runs it
 * with BPF_PROG_TEST_RUN in live-frames mode: each run gets the template
 * frame (the kernel recycles its pages, so earlier edits persist), stamps
 * this frame's ports and sequence number, fixes the L4 checksum
 * incrementally, and returns XDP_TX so the frame leaves by the interface.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xf_parse.h"

/* Set by userspace before load. Offsets are from the frame start. */
const volatile __u32 l4_off;		/* L4 header */
const volatile __u32 csum_off;		/* L4 checksum, 0: none (IPv4 UDP) */
const volatile __u32 seq_off;		/* 8 payload bytes: cpu, sequence */
const volatile __u32 sport_min, sport_count;	/* count 0 or 1: fixed */
const volatile __u32 dport_min, dport_count;

struct gen_state {
	__u64 n;		/* frames made on this CPU */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gen_state);
} gen_state SEC(".maps");

/*
 * One's-complement add, folded to 16 bits.  Like lib/xf_pkt.c's
 * xf_csum_fold, but BPF cannot call userspace code: the program only
 * updates the checksum the builder computed once for the template.
 */
static __always_inline __u16 csum_fold32(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

/* RFC 1624: HC' = ~(~HC + ~m + m'), on 16-bit words in network order. */
static __always_inline void csum_replace16(__u16 *csum, __u16 old, __u16 new)
{
	__u32 s = (__u16)~*csum + (__u16)~old + new;

	*csum = ~csum_fold32(s);
	if (!*csum)
		*csum = 0xffff;	/* 0 means "no checksum" to UDP; same value to TCP */
}

SEC("xdp")
int xdp_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u16 *ports, *csum = NULL, *seq, old;
	struct gen_state *st;
	__u32 zero = 0, cpu, i;
	__u64 n;

	st = bpf_map_lookup_elem(&gen_state, &zero);
	if (!st)
		return XDP_ABORTED;
	n = st->n++;

	if (l4_off > 256 || csum_off > 256 || seq_off > 256)
		return XDP_ABORTED;
	ports = data + l4_off;
	if ((void *)(ports + 2) > end)
		return XDP_ABORTED;
	if (csum_off) {
		csum = data + csum_off;
		if ((void *)(csum + 1) > end)
			return XDP_ABORTED;
	}

	if (sport_count > 1) {
		__u16 v = xf_htons(sport_min + n % sport_count);

		old = ports[0];
		ports[0] = v;
		if (csum)
			csum_replace16(csum, old, v);
	}
	if (dport_count > 1) {
		__u64 k = sport_count > 1 ? n / sport_count : n;
		__u16 v = xf_htons(dport_min + k % dport_count);

		old = ports[1];
		ports[1] = v;
		if (csum)
			csum_replace16(csum, old, v);
	}
	if (seq_off) {
		__u16 w[4];

		seq = data + seq_off;
		if ((void *)(seq + 4) > end)
			return XDP_ABORTED;
		cpu = bpf_get_smp_processor_id();
		w[0] = xf_htons(cpu >> 16);
		w[1] = xf_htons(cpu & 0xffff);
		w[2] = xf_htons((__u32)n >> 16);
		w[3] = xf_htons((__u32)n & 0xffff);
		for (i = 0; i < 4; i++) {
			old = seq[i];
			seq[i] = w[i];
			if (csum)
				csum_replace16(csum, old, w[i]);
		}
	}
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
