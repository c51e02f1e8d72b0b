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

SEC("xdp")
int xdp_fwd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 len = bpf_xdp_get_buff_len(ctx);
	__u32 zero = 0, action, ifindex = 0, rule_id = XF_NO_RULE;
	struct xf_config *cfg;
	struct xf_rule *r;
	struct xf_pkt pkt;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg) {
		xf_count(&event_stats, XF_EV_ABORTED, len);
		return XDP_ABORTED;
	}

	if (xf_parse(&pkt, data, end, len)) {
		action = cfg->error_action == XF_ACT_DROP ? XF_ACT_DROP
							  : XF_ACT_PASS;
	} else if ((r = xf_classify(&pkt, cfg->active_set))) {
		action = r->action;
		ifindex = r->ifindex;
		rule_id = r->id;
		xf_count(&rule_stats, rule_id, len);
	} else {
		action = cfg->default_action;
		ifindex = cfg->default_ifindex;
	}
	if (action >= XF_ACT_MAX)
		action = XF_ACT_PASS;

	xf_count(&error_stats, pkt.error, len);
	xf_count(&action_stats, action, len);
	if (xf_trace_enabled)
		xf_record(&pkt, action, rule_id);

	return xf_act(ctx, &pkt, action, ifindex);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
