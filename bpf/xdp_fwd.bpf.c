// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xdp_fwd.bpf.c - the xdp-fwd fast path: parse, classify, count, act.
 *
 * Attach with `xdp-fwd load IFACE`, or with any loader:
 *     ip link set dev IFACE xdp obj xdp_fwd.bpf.o sec xdp
 * With empty maps every frame is passed to the kernel and counted.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/*
 * The parser's result lives in a per-CPU map value, not on the stack, and
 * a compiler barrier sits between the layers and after the parse.  The
 * verifier tracks constants stored on the stack but never the contents of
 * a map value: read back, every field is just a bounded number.  So the
 * layer after Ethernet is verified once, not once per VLAN depth, and the
 * classifier and actions once, not once per protocol and IPv6 extension
 * chain.  That keeps the whole program inline (within the verifier's
 * budget) without the global function it used to take: its call and
 * return cost about 7 ns a frame on a host with return-stack mitigations.
 */
#define XF_LAYER_BARRIER() asm volatile("" ::: "memory")

#include "xf_abi.h"
#include "xf_parse.h"
#include "xf_maps.h"
#include "xf_verdict.h"
#include "xf_act.h"

/* Load-time tunable: record every frame in the "trace" map. */
const volatile __u32 xf_trace_enabled = 0;

static __always_inline void xf_record(const struct xf_pkt *p, __u32 action,
				      __u32 rule)
{
	struct xf_trace *t;
	__u32 zero = 0;

	t = bpf_map_lookup_elem(&trace, &zero);
	if (!t)
		return;
	__builtin_memcpy(&t->pkt, p, sizeof(*p));
	t->action = action;
	t->rule = rule;
	t->seq++;
}

SEC("xdp")
int xdp_fwd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 len = end - data;
	__u32 zero = 0, action, ifindex = 0, rule_id = XF_NO_RULE;
	struct xf_config *cfg;
	struct xf_hit hit;
	struct xf_pkt *pkt;
	int err;

	/*
	 * The program is not frags-aware, so drivers hand it linear frames;
	 * only test_run builds multi-buffer frames (above ~3.5 KB).  Ask for
	 * the whole length only then: the helper call costs every frame.
	 */
	if (len >= 3072)
		len = bpf_xdp_get_buff_len(ctx);

	cfg = bpf_map_lookup_elem(&config, &zero);
	pkt = bpf_map_lookup_elem(&parsed, &zero);
	if (!cfg || !pkt) {
		xf_count(&event_stats, XF_EV_ABORTED, len);
		return XDP_ABORTED;
	}

	err = xf_parse(pkt, data, end, len);
	XF_LAYER_BARRIER();
	if (err) {
		action = cfg->error_action == XF_ACT_DROP ? XF_ACT_DROP
							  : XF_ACT_PASS;
		/* parsed frames are derived: all actions minus all errors */
		xf_count(&error_stats, err, len);
	} else {
		xf_verdict(pkt, cfg, &hit);
		if (hit.rule != XF_NO_RULE) {
			action = hit.action;
			ifindex = hit.ifindex;
			rule_id = hit.rule;
			xf_count(&rule_stats, rule_id, len);
		} else {
			action = cfg->default_action;
			ifindex = cfg->default_ifindex;
		}
	}
	if (action >= XF_ACT_MAX)
		action = XF_ACT_PASS;

	xf_count(&action_stats, action, len);
	if (xf_trace_enabled)
		xf_record(pkt, action, rule_id);

	return xf_act(ctx, pkt, action, ifindex, rule_id);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
