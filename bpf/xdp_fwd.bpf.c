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
#include "xf_classify.h"
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
 * Each parser layer and the classifier are global (separately verified)
 * functions: the verifier checks each once, instead of walking every later
 * layer again for each way an earlier one can end (VLAN depths, IPv6
 * extension chains).  That keeps verification far below the kernel's
 * limit of a million instructions.
 */
__noinline int xf_g_eth(struct xdp_md *ctx, struct xf_pkt *p, __u32 len)
{
	if (!p)
		return XF_PERR_TRUNC_ETH;
	return xf_parse_eth(p, (void *)(long)ctx->data, (void *)(long)ctx->data_end, len);
}

__noinline int xf_g_ipv4(struct xdp_md *ctx, struct xf_pkt *p)
{
	if (!p)
		return XF_PERR_TRUNC_IPV4;
	return xf_parse_ipv4(p, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
}

__noinline int xf_g_ipv6(struct xdp_md *ctx, struct xf_pkt *p)
{
	if (!p)
		return XF_PERR_TRUNC_IPV6;
	return xf_parse_ipv6(p, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
}

__noinline int xf_g_l4(struct xdp_md *ctx, struct xf_pkt *p)
{
	if (!p)
		return XF_PERR_TRUNC_L4;
	return xf_parse_l4(p, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
}

/* xf_parse(), layer by layer */
static __always_inline int xf_parse_frame(struct xdp_md *ctx, struct xf_pkt *p,
					  __u32 len)
{
	int err = xf_g_eth(ctx, p, len);

	if (err)
		return err;
	if (p->eth_proto == XF_ETH_P_IP)
		err = xf_g_ipv4(ctx, p);
	else if (p->eth_proto == XF_ETH_P_IPV6)
		err = xf_g_ipv6(ctx, p);
	else
		return 0;
	if (err || !xf_l4_follows(p))
		return err;
	return xf_g_l4(ctx, p);
}

__noinline int xf_classify_frame(const struct xf_pkt *p, __u32 active_set,
				 struct xf_rule *out)
{
	struct xf_rule *r;

	if (!p || !out)
		return 0;
	r = xf_classify(p, active_set);
	if (!r)
		return 0;
	*out = *r;
	return 1;
}

SEC("xdp")
int xdp_fwd(struct xdp_md *ctx)
{
	__u32 len = bpf_xdp_get_buff_len(ctx);
	__u32 zero = 0, action, ifindex = 0, rule_id = XF_NO_RULE;
	struct xf_config *cfg;
	struct xf_rule rule;
	struct xf_pkt pkt;
	int err;

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
	} else if (xf_classify_frame(&pkt, cfg->active_set, &rule)) {
		action = rule.action;
		ifindex = rule.ifindex;
		rule_id = rule.id;
		xf_count(&rule_stats, rule_id, len);
	} else {
		action = cfg->default_action;
		ifindex = cfg->default_ifindex;
	}
	if (action >= XF_ACT_MAX)
		action = XF_ACT_PASS;

	xf_count(&action_stats, action, len);
	if (xf_trace_enabled)
		xf_record(&pkt, action, rule_id);

	return xf_act(ctx, &pkt, action, ifindex);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
