/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_parse.h - the frame parser, one source for the XDP program and for the
 * host (unit tests, fuzzing).  Header-only; every function is
 * static __always_inline so the verifier sees straight-line code.
 *
 * Rules the parser keeps:
 *   - the end of the linear data is the only bound on a read; length fields
 *     (tot_len, payload_len, UDP length) are checked for consistency but
 *     never used to bound a read;
 *   - every failure is a named enum xf_perr, and the fields parsed before
 *     the failure stay filled in (so a dry run can show how far it got);
 *   - the outermost headers are the ones reported: tunnels are not entered;
 *   - loop limits are named constants that a build may override.
 *
 * It uses its own minimal header structs rather than the kernel's uapi
 * ones, so host code can include it next to glibc's netinet headers.
 */
#ifndef XF_PARSE_H
#define XF_PARSE_H

#include <linux/types.h>
#include "xf_abi.h"


#ifdef __clang__
#define XF_UNROLL _Pragma("unroll")
#else
#define XF_UNROLL
#endif

/*
 * Hide what the compiler knows of x.  Inlined into the program, a layer's
 * bound on the offset it was handed (XF_MAX_L4_OFF, ...) is provably true
 * to the compiler, which drops it; the verifier knows less, and without
 * the bound it will not trust any read at that offset.
 */
#define XF_OPAQUE(x) asm volatile("" : "+r"(x))

/*
 * Between layers: nothing on the host.  The XDP program makes it a
 * compiler barrier, so that each layer reloads what the previous one
 * stored (see bpf/xdp_fwd.bpf.c for why).
 */
#ifndef XF_LAYER_BARRIER
#define XF_LAYER_BARRIER() do { } while (0)
#endif

#ifndef XF_MAX_VLAN
#define XF_MAX_VLAN 2		/* outer 802.1ad/802.1Q + inner 802.1Q */
#endif
#ifndef XF_MAX_IPV6_EXT
#define XF_MAX_IPV6_EXT 8	/* extension headers walked before giving up */
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define xf_ntohs(x) ((__u16)__builtin_bswap16((__u16)(x)))
#define xf_htons(x) ((__u16)__builtin_bswap16((__u16)(x)))
#else
#define xf_ntohs(x) ((__u16)(x))
#define xf_htons(x) ((__u16)(x))
#endif

#define XF_ETH_P_IP	0x0800
#define XF_ETH_P_IPV6	0x86DD
#define XF_ETH_P_8021Q	0x8100
#define XF_ETH_P_8021AD	0x88A8

#define XF_IPPROTO_HOPOPTS	0
#define XF_IPPROTO_ICMP		1
#define XF_IPPROTO_TCP		6
#define XF_IPPROTO_UDP		17
#define XF_IPPROTO_ROUTING	43
#define XF_IPPROTO_FRAGMENT	44
#define XF_IPPROTO_ESP		50
#define XF_IPPROTO_AH		51
#define XF_IPPROTO_ICMPV6	58
#define XF_IPPROTO_NONE		59
#define XF_IPPROTO_DSTOPTS	60
#define XF_IPPROTO_MH		135
#define XF_IPPROTO_SCTP		132
#define XF_IPPROTO_HIP		139
#define XF_IPPROTO_SHIM6	140

enum xf_frag {
	XF_FRAG_NONE = 0,	/* a whole packet */
	XF_FRAG_FIRST,		/* offset 0, more to come: carries the L4 header */
	XF_FRAG_LATER,		/* offset > 0: no L4 header */
};

struct xf_eth {
	__u8 dst[6];
	__u8 src[6];
	__be16 proto;
};

struct xf_vlan {
	__be16 tci;
	__be16 proto;		/* the next ethertype */
};

struct xf_ipv4 {
	__u8 ver_ihl;
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
};

struct xf_ipv6 {
	__be32 ver_tc_flow;
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__be32 saddr[4];
	__be32 daddr[4];
};

struct xf_ipv6_opt {		/* hop-by-hop, routing, dest opts, AH, ... */
	__u8 nexthdr;
	__u8 hdrlen;
};

struct xf_ipv6_frag {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;	/* offset << 3 | M */
	__be32 id;
};

struct xf_ports {		/* first 4 bytes of TCP, UDP and SCTP */
	__be16 sport;
	__be16 dport;
};

/* What the parser learnt about one frame. */
struct xf_pkt {
	__u32 len;		/* whole frame length, as given */
	__u16 vlan[XF_MAX_VLAN];	/* VLAN ids, outer first */
	__u8  vlan_n;
	__u8  l3;		/* enum xf_l3 */
	__u8  proto;		/* final L4 protocol; valid when l3 != NONE */
	__u8  frag;		/* enum xf_frag */
	__u8  has_ports;	/* sport/dport valid (TCP, UDP, SCTP) */
	__u8  has_icmp;		/* icmp_type/icmp_code valid */
	__u8  icmp_type;
	__u8  icmp_code;
	__u8  error;		/* enum xf_perr */
	__u8  pad;
	__u16 eth_proto;	/* ethertype after the VLAN tags, host order */
	__u16 l3_off;		/* offsets from the frame start */
	__u16 l4_off;
	__be16 sport;
	__be16 dport;
	__be32 src[4];		/* IPv4 in [0] */
	__be32 dst[4];
	__u32 l4_len;		/* L4 bytes the IP header claims */
};

/* Bounds on the offsets one layer hands to the next (for the verifier). */
#define XF_MAX_L3_OFF	(14 + 4 * XF_MAX_VLAN)
#define XF_MAX_L4_OFF	0xff00

static __always_inline int xf_fail(struct xf_pkt *p, int err)
{
	p->error = err;
	return err;
}

static __always_inline int xf_is_ipv6_ext(__u8 nh)
{
	return nh == XF_IPPROTO_HOPOPTS || nh == XF_IPPROTO_ROUTING ||
	       nh == XF_IPPROTO_DSTOPTS || nh == XF_IPPROTO_FRAGMENT ||
	       nh == XF_IPPROTO_AH || nh == XF_IPPROTO_MH ||
	       nh == XF_IPPROTO_HIP || nh == XF_IPPROTO_SHIM6;
}

/*
 * The layers.  Each reads where the previous one left its offset in p, so
 * the BPF program can run (and the verifier check) each layer as a
 * function of its own; xf_parse() below chains them for everyone else.
 */

/* L4 at p->l4_off; p->l4_len is how many L4 bytes the IP header claims. */
static __always_inline int xf_parse_l4(struct xf_pkt *p, void *data, void *end)
{
	__u32 off = p->l4_off, l4_len = p->l4_len;
	void *pos;

	XF_OPAQUE(off);
	if (off > XF_MAX_L4_OFF)
		return xf_fail(p, XF_PERR_TRUNC_L4);
	pos = data + off;

	switch (p->proto) {
	case XF_IPPROTO_TCP: {
		__u8 *tcp = pos;
		__u32 hlen;

		if (pos + 20 > end || l4_len < 20)
			return xf_fail(p, XF_PERR_TRUNC_L4);
		p->sport = ((struct xf_ports *)pos)->sport;
		p->dport = ((struct xf_ports *)pos)->dport;
		p->has_ports = 1;
		hlen = (tcp[12] >> 4) * 4;
		if (hlen < 20)
			return xf_fail(p, XF_PERR_BAD_TCP_HLEN);
		if (pos + hlen > end || hlen > l4_len)
			return xf_fail(p, XF_PERR_TRUNC_L4);
		return 0;
	}
	case XF_IPPROTO_UDP: {
		__u8 *udp = pos;
		__u32 ulen;

		if (pos + 8 > end || l4_len < 8)
			return xf_fail(p, XF_PERR_TRUNC_L4);
		p->sport = ((struct xf_ports *)pos)->sport;
		p->dport = ((struct xf_ports *)pos)->dport;
		p->has_ports = 1;
		ulen = ((__u32)udp[4] << 8) | udp[5];
		/* a first fragment carries only part of the datagram */
		if (ulen < 8 || (ulen > l4_len && p->frag == XF_FRAG_NONE))
			return xf_fail(p, XF_PERR_BAD_UDP_LEN);
		return 0;
	}
	case XF_IPPROTO_SCTP:
		if (pos + 12 > end || l4_len < 12)
			return xf_fail(p, XF_PERR_TRUNC_L4);
		p->sport = ((struct xf_ports *)pos)->sport;
		p->dport = ((struct xf_ports *)pos)->dport;
		p->has_ports = 1;
		return 0;
	case XF_IPPROTO_ICMP:
	case XF_IPPROTO_ICMPV6: {
		__u8 *icmp = pos;

		/* ICMP belongs to IPv4 and ICMPv6 to IPv6; otherwise a number */
		if ((p->proto == XF_IPPROTO_ICMP) != (p->l3 == XF_L3_IPV4))
			return 0;

		if (pos + 4 > end || l4_len < 4)	/* type, code, checksum */
			return xf_fail(p, XF_PERR_TRUNC_L4);
		p->icmp_type = icmp[0];
		p->icmp_code = icmp[1];
		p->has_icmp = 1;
		return 0;
	}
	default:
		return 0;	/* other protocols carry their number only */
	}
}

/* IPv4 at p->l3_off.  On success, L4 (if any) waits at p->l4_off. */
static __always_inline int xf_parse_ipv4(struct xf_pkt *p, void *data, void *end)
{
	__u32 hlen, tot, avail, fo, off = p->l3_off;
	struct xf_ipv4 *ip;
	void *pos;

	if (off > XF_MAX_L3_OFF)
		return xf_fail(p, XF_PERR_TRUNC_IPV4);
	pos = data + off;
	ip = pos;
	if ((void *)(ip + 1) > end)
		return xf_fail(p, XF_PERR_TRUNC_IPV4);
	if ((ip->ver_ihl >> 4) != 4)
		return xf_fail(p, XF_PERR_BAD_IP_VERSION);
	p->l3 = XF_L3_IPV4;
	p->src[0] = ip->saddr;
	p->dst[0] = ip->daddr;
	p->proto = ip->protocol;

	hlen = (ip->ver_ihl & 0x0f) * 4;
	if (hlen < 20)
		return xf_fail(p, XF_PERR_BAD_IHL);
	if (pos + hlen > end)
		return xf_fail(p, XF_PERR_TRUNC_IPV4);
	tot = xf_ntohs(ip->tot_len);
	avail = p->len - p->l3_off;
	if (tot < hlen || tot > avail)
		return xf_fail(p, XF_PERR_BAD_IPV4_LEN);

	fo = xf_ntohs(ip->frag_off);
	if (fo & 0x1fff) {
		p->frag = XF_FRAG_LATER;
		return 0;
	}
	if (fo & 0x2000)
		p->frag = XF_FRAG_FIRST;
	p->l4_off = off + hlen;
	p->l4_len = tot - hlen;
	return 0;
}

/* IPv6 and its extension headers at p->l3_off; as xf_parse_ipv4(). */
static __always_inline int xf_parse_ipv6(struct xf_pkt *p, void *data, void *end)
{
	__u32 plen, avail, used = 0, off = p->l3_off;
	struct xf_ipv6 *ip6;
	void *pos;
	__u8 nh;
	int i;

	if (off > XF_MAX_L3_OFF)
		return xf_fail(p, XF_PERR_TRUNC_IPV6);
	pos = data + off;
	ip6 = pos;
	if ((void *)(ip6 + 1) > end)
		return xf_fail(p, XF_PERR_TRUNC_IPV6);
	if ((*(__u8 *)ip6 >> 4) != 6)
		return xf_fail(p, XF_PERR_BAD_IP_VERSION);
	p->l3 = XF_L3_IPV6;
XF_UNROLL
	for (i = 0; i < 4; i++) {
		p->src[i] = ip6->saddr[i];
		p->dst[i] = ip6->daddr[i];
	}
	nh = ip6->nexthdr;
	p->proto = nh;

	plen = xf_ntohs(ip6->payload_len);
	avail = p->len - p->l3_off - sizeof(*ip6);
	if (plen > avail)
		return xf_fail(p, XF_PERR_BAD_IPV6_LEN);
	/* payload_len 0 behind hop-by-hop is a jumbogram (RFC 2675) */
	if (plen == 0 && nh == XF_IPPROTO_HOPOPTS)
		plen = avail;
	pos = ip6 + 1;

XF_UNROLL
	for (i = 0; i < XF_MAX_IPV6_EXT; i++) {
		__u32 hlen;

		if (!xf_is_ipv6_ext(nh))
			break;
		if (nh == XF_IPPROTO_FRAGMENT) {
			struct xf_ipv6_frag *fh = pos;
			__u16 fo;

			if ((void *)(fh + 1) > end)
				return xf_fail(p, XF_PERR_TRUNC_IPV6_EXT);
			nh = fh->nexthdr;
			p->proto = nh;
			pos = fh + 1;
			used += sizeof(*fh);
			if (used > plen)
				return xf_fail(p, XF_PERR_BAD_IPV6_LEN);
			fo = xf_ntohs(fh->frag_off);
			if (fo & 0xfff8) {
				p->frag = XF_FRAG_LATER;
				return 0;
			}
			if (fo & 1)
				p->frag = XF_FRAG_FIRST;
			continue;
		}
		{
			struct xf_ipv6_opt *opt = pos;

			if ((void *)(opt + 1) > end)
				return xf_fail(p, XF_PERR_TRUNC_IPV6_EXT);
			if (nh == XF_IPPROTO_AH)
				hlen = (opt->hdrlen + 2) * 4;
			else
				hlen = (opt->hdrlen + 1) * 8;
			if (pos + hlen > end)
				return xf_fail(p, XF_PERR_TRUNC_IPV6_EXT);
			nh = opt->nexthdr;
			p->proto = nh;
			pos += hlen;
			used += hlen;
		}
	}
	if (xf_is_ipv6_ext(nh))
		return xf_fail(p, XF_PERR_IPV6_EXT_TOO_DEEP);
	if (used > plen)
		return xf_fail(p, XF_PERR_BAD_IPV6_LEN);
	p->l4_off = (__u16)(pos - data);
	p->l4_len = plen - used;
	return 0;
}

/*
 * Ethernet and VLAN tags.  Starts a fresh p; leaves p->eth_proto and
 * p->l3_off for the L3 layer.
 */
static __always_inline int xf_parse_eth(struct xf_pkt *p, void *data,
					void *data_end, __u32 frame_len)
{
	struct xf_eth *eth = data;
	void *pos;
	__u16 proto;
	int i;

	__builtin_memset(p, 0, sizeof(*p));
	p->len = frame_len;

	if ((void *)(eth + 1) > data_end)
		return xf_fail(p, XF_PERR_TRUNC_ETH);
	proto = xf_ntohs(eth->proto);
	pos = eth + 1;

XF_UNROLL
	for (i = 0; i < XF_MAX_VLAN + 1; i++) {
		struct xf_vlan *vh = pos;

		if (proto != XF_ETH_P_8021Q && proto != XF_ETH_P_8021AD)
			break;
		if (i == XF_MAX_VLAN)
			return xf_fail(p, XF_PERR_VLAN_TOO_DEEP);
		if ((void *)(vh + 1) > data_end)
			return xf_fail(p, XF_PERR_TRUNC_VLAN);
		p->vlan[i] = xf_ntohs(vh->tci) & 0x0fff;
		p->vlan_n = i + 1;
		proto = xf_ntohs(vh->proto);
		pos = vh + 1;
	}
	p->eth_proto = proto;
	p->l3_off = (__u16)(pos - data);
	return 0;
}

/* After a successful L3 layer: is there an L4 header to read? */
static __always_inline int xf_l4_follows(const struct xf_pkt *p)
{
	return p->l3 != XF_L3_NONE && p->frag != XF_FRAG_LATER;
}

/*
 * Everything after Ethernet: L3 at p->l3_off (IPv4 or IPv6, by
 * p->eth_proto; anything else has no L3 to report), then L4.  The BPF
 * program runs this as one separately verified function.
 */
static __always_inline int xf_parse_l3l4(struct xf_pkt *p, void *data, void *data_end)
{
	int err;

	XF_LAYER_BARRIER();
	if (p->eth_proto == XF_ETH_P_IP)
		err = xf_parse_ipv4(p, data, data_end);
	else if (p->eth_proto == XF_ETH_P_IPV6)
		err = xf_parse_ipv6(p, data, data_end);
	else
		return 0;	/* ARP, LLDP, ...: no L3 to report */
	if (err || !xf_l4_follows(p))
		return err;
	XF_LAYER_BARRIER();
	return xf_parse_l4(p, data, data_end);
}

/*
 * Parse one frame.  data..data_end is what may be read (the linear part);
 * frame_len is the whole frame's length, which is larger than
 * data_end - data only for multi-buffer frames.  Returns 0 or an
 * enum xf_perr, which is also left in p->error.
 */
static __always_inline int xf_parse(struct xf_pkt *p, void *data,
				    void *data_end, __u32 frame_len)
{
	int err = xf_parse_eth(p, data, data_end, frame_len);

	return err ? err : xf_parse_l3l4(p, data, data_end);
}

/*
 * The verdict cache's key of a parsed frame: every field a rule can match
 * (see xf_make_key()), so equal keys always get the same verdict.
 */
static __always_inline void xf_vkey_of(struct xf_vkey *k, const struct xf_pkt *p)
{
	int i;

	k->vlan = p->vlan_n ? p->vlan[0] : 0;
	k->tagged = p->vlan_n != 0;
	k->l3 = p->l3;
	k->proto = p->proto;
	k->has_ports = p->has_ports;
	k->pad = 0;
	k->sport = p->sport;
	k->dport = p->dport;
XF_UNROLL
	for (i = 0; i < 4; i++) {
		k->src[i] = p->src[i];
		k->dst[i] = p->dst[i];
	}
}

/*
 * One frame as the program saw it, written to the "trace" map when the
 * program was loaded with xf_trace_enabled set (xdp-fwd parse, the tests).
 */
struct xf_trace {
	struct xf_pkt pkt;
	__u32 action;		/* enum xf_action decided */
	__u32 rule;		/* rule id, or XF_NO_RULE */
	__u32 seq;		/* bumped once per traced frame */
	__u32 pad;
};

#endif /* XF_PARSE_H */
