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

/*
 * L3 and L4 are one global (separately verified) function: the verifier
 * would otherwise walk them again for every VLAN depth, past its limit of
 * a million instructions.  Everything else stays inline: on CPUs with
 * return-stack mitigations every call and return costs several ns.
 */
__noinline int xf_g_l3l4(struct xdp_md *ctx, struct xf_pkt *p)
{
	if (!p)
		return XF_PERR_TRUNC_IPV4;
	return xf_parse_l3l4(p, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
}

/* xf_parse(), with everything after Ethernet out of line */
static __always_inline int xf_parse_frame(struct xdp_md *ctx, struct xf_pkt *p,
					  __u32 len)
{
	int err = xf_parse_eth(p, (void *)(long)ctx->data, (void *)(long)ctx->data_end, len);

	return err ? err : xf_g_l3l4(ctx, p);
}

SEC("xdp")
int xdp_fwd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 len = end - data;
	__u32 zero = 0, action, ifindex = 0, rule_id = XF_NO_RULE;
	struct xf_config *cfg;
	struct xf_hit hit;
	struct xf_pkt pkt;
	int err;

	/*
	 * The program is not frags-aware, so drivers hand it linear frames;
	 * only test_run builds multi-buffer frames (above ~3.5 KB).  Ask for
	 * the whole length only then: the helper call costs every frame.
	 */
	if (len >= 3072)
		len = bpf_xdp_get_buff_len(ctx);

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg) {
		xf_count(&event_stats, XF_EV_ABORTED, len);
		return XDP_ABORTED;
	}

	err = xf_parse_frame(ctx, &pkt, len);
	if (err) {
		action = cfg->error_action == XF_ACT_DROP ? XF_ACT_DROP
							  : XF_ACT_PASS;
		/* parsed frames are derived: all actions minus all errors */
		xf_count(&error_stats, err, len);
	} else {
		xf_verdict(&pkt, cfg, &hit);
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
		xf_record(&pkt, action, rule_id);

	return xf_act(ctx, &pkt, action, ifindex);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
