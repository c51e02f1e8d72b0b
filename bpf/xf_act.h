/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_act.h - carrying out an action on a parsed frame.
 */
#ifndef XF_ACT_H
#define XF_ACT_H

#include "xf_maps.h"

#define XF_AF_INET	2
#define XF_AF_INET6	10

/* Load-time tunable: 1 hands frames to AF_XDP without xf_meta (benchmark). */
const volatile __u32 xf_meta_off = 0;

static __always_inline void xf_count(void *map, __u32 idx, __u32 len)
{
	struct xf_counter *c = bpf_map_lookup_elem(map, &idx);

	if (c) {
		c->packets++;
		c->bytes += len;
	}
}

/*
 * Count an xsk verdict on its RX queue, once bpf_redirect_map() has said
 * whether the queue has a socket.  A queue beyond the map (a device with
 * more queues than the program was sized for) is counted in the totals only.
 */
static __always_inline void xf_count_queue(__u32 queue, int ret, __u32 len)
{
	struct xf_queue_stat *q = bpf_map_lookup_elem(&queue_stats, &queue);
	struct xf_counter *c;

	if (!q)
		return;
	c = ret == XDP_PASS ? &q->no_socket : &q->xsk;
	c->packets++;
	c->bytes += len;
}

static __always_inline void xf_swap_macs(struct xf_eth *eth)
{
	__u8 tmp[6];

	__builtin_memcpy(tmp, eth->dst, 6);
	__builtin_memcpy(eth->dst, eth->src, 6);
	__builtin_memcpy(eth->src, tmp, 6);
}

/* TTL - 1 with an incremental checksum update (RFC 1624); BPF-side, so
 * not lib/xf_pkt.c's checksum, which recomputes over whole headers. */
static __always_inline void xf_ipv4_dec_ttl(struct xf_ipv4 *ip)
{
	__u32 check = ip->check;

	check += xf_htons(0x0100);
	ip->check = (__sum16)(check + (check >= 0xFFFF));
	ip->ttl--;
}

/*
 * fwd: route by the kernel's FIB, as samples/bpf/xdp_fwd did.  Anything
 * the program cannot finish itself (no neighbour entry yet, local
 * delivery, TTL expiring, VLAN-tagged frames, egress not in the devmap)
 * goes to the kernel, which knows how to resolve or answer it.
 */
static __always_inline int xf_fwd(struct xdp_md *ctx, const struct xf_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib;
	struct xf_eth *eth = data;
	struct xf_ipv4 *ip = NULL;
	struct xf_ipv6 *ip6 = NULL;
	__u32 l3_off = p->l3_off;
	int rc;

	if (p->l3 == XF_L3_NONE || p->vlan_n) {
		xf_count(&event_stats, XF_EV_FWD_NOT_IP, p->len);
		return XDP_PASS;
	}
	if ((void *)(eth + 1) > end || l3_off != sizeof(*eth))
		return XDP_PASS;
	__builtin_memset(&fib, 0, sizeof(fib));

	if (p->l3 == XF_L3_IPV4) {
		ip = data + sizeof(*eth);
		if ((void *)(ip + 1) > end)
			return XDP_PASS;
		if (ip->ttl <= 1) {
			xf_count(&event_stats, XF_EV_FWD_TTL_EXPIRED, p->len);
			return XDP_PASS;
		}
		fib.family = XF_AF_INET;
		fib.tos = ip->tos;
		fib.l4_protocol = ip->protocol;
		fib.tot_len = xf_ntohs(ip->tot_len);
		fib.ipv4_src = ip->saddr;
		fib.ipv4_dst = ip->daddr;
	} else {
		ip6 = data + sizeof(*eth);
		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		if (ip6->hop_limit <= 1) {
			xf_count(&event_stats, XF_EV_FWD_TTL_EXPIRED, p->len);
			return XDP_PASS;
		}
		fib.family = XF_AF_INET6;
		fib.flowinfo = ip6->ver_tc_flow & __builtin_bswap32(0x0FFFFFFF);
		fib.l4_protocol = ip6->nexthdr;
		/* the helper wants the whole L3 length, as for IPv4 */
		fib.tot_len = xf_ntohs(ip6->payload_len) + sizeof(*ip6);
		__builtin_memcpy(fib.ipv6_src, ip6->saddr, 16);
		__builtin_memcpy(fib.ipv6_dst, ip6->daddr, 16);
	}
	fib.ifindex = ctx->ingress_ifindex;

	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS) {
		xf_count(&event_stats, XF_EV_FWD_TO_KERNEL, p->len);
		return XDP_PASS;
	}
	if (!bpf_map_lookup_elem(&ports, &fib.ifindex)) {
		xf_count(&event_stats, XF_EV_FWD_NO_PORT, p->len);
		return XDP_PASS;
	}
	if (ip)
		xf_ipv4_dec_ttl(ip);
	else if (ip6)
		ip6->hop_limit--;
	__builtin_memcpy(eth->dst, fib.dmac, 6);
	__builtin_memcpy(eth->src, fib.smac, 6);
	return bpf_redirect_map(&ports, fib.ifindex, 0);
}

/*
 * Put struct xf_meta in front of a frame bound for an AF_XDP socket, so
 * the consumer knows the rule and the header offsets without parsing
 * again.  Without room for it or without the driver's support
 * (bpf_xdp_adjust_meta() refuses both) the frame goes without: the
 * consumer then sees no magic (for a processor with XF_PROC_META the
 * engine clears old ones, see xf_xsk.c).
 */
static __always_inline void xf_meta_write(struct xdp_md *ctx, const struct xf_pkt *p,
					  __u32 rule)
{
	struct xf_meta *m;
	void *data;

#ifdef XF_NO_PKT_CHANGE
	/* xdp_fwd_mp.bpf.c: no packet-changing helper may be in the program at all */
	return;
#endif
	if (xf_meta_off || bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return;
	/* the helper moved data_meta: every packet pointer is new */
	m = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if ((void *)(m + 1) > data)
		return;
	m->rule_id = rule;
	m->l3_off = p->l3 != XF_L3_NONE ? p->l3_off : XF_META_NONE;
	m->l4_off = xf_l4_follows(p) ? p->l4_off : XF_META_NONE;
	m->len = (__u16)((long)ctx->data_end - (long)ctx->data);
	m->l3 = p->l3;
	m->l4_proto = p->l3 != XF_L3_NONE ? p->proto : 0;
	/* the magic vouches for the rest: store it after them */
	asm volatile("" ::: "memory");
	m->magic = XF_META_MAGIC;
}

static __always_inline int xf_act(struct xdp_md *ctx, const struct xf_pkt *p,
				  __u32 action, __u32 ifindex, __u32 rule)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	int ret;

	switch (action) {
	case XF_ACT_DROP:
		return XDP_DROP;
	case XF_ACT_TX:
		if (data + sizeof(struct xf_eth) > end)
			return XDP_DROP;
		xf_swap_macs(data);
		return XDP_TX;
	case XF_ACT_XSK:
		/* no socket on this queue: the kernel stack gets the frame */
		ret = bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
		xf_count_queue(ctx->rx_queue_index, ret, p->len);
		if (ret == XDP_PASS) {
			xf_count(&event_stats, XF_EV_XSK_NO_SOCKET, p->len);
			return ret;
		}
		/*
		 * The helper only chose the socket; the frame moves once the
		 * program returns, metadata included.  Written only now, so
		 * a frame the stack gets carries none (skb metadata would
		 * keep GRO from merging it).
		 */
		xf_meta_write(ctx, p, rule);
		return ret;
	case XF_ACT_REDIRECT:
		ret = bpf_redirect_map(&ports, ifindex, XDP_PASS);
		if (ret == XDP_PASS)
			xf_count(&event_stats, XF_EV_REDIRECT_NO_PORT, p->len);
		return ret;
	case XF_ACT_FWD:
		return xf_fwd(ctx, p);
	default:
		return XDP_PASS;
	}
}

#endif /* XF_ACT_H */
