// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xf_pkt.c - the frame builder and Internet checksum (see xf_pkt.h).
 *
 * Everything is written byte by byte in network order, so nothing here
 * depends on the host's byte order or on the alignment of the buffer.
 */
#include <errno.h>
#include <string.h>

#include "xf_pkt.h"

#define IPPROTO_ICMP_	1
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IPPROTO_ICMPV6_	58
#define IPPROTO_SCTP_	132

uint32_t xf_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)p[i] << 8 | p[i + 1];
		/* fold early: a 64 KiB frame cannot overflow, a caller's long chain might */
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t xf_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t xf_l4_csum(const void *l3, int family, uint8_t proto, const void *l4, size_t len)
{
	const uint8_t *ip = l3;
	uint32_t sum;
	uint16_t c;

	/* pseudo-header: the addresses, then the protocol and the L4 length */
	if (family == 4)
		sum = xf_csum_partial(ip + 12, 8, 0);
	else
		sum = xf_csum_partial(ip + 8, 32, 0);
	sum += proto;
	sum += (uint32_t)(len & 0xffff) + (uint32_t)(len >> 16);
	c = xf_csum_fold(xf_csum_partial(l4, len, sum));
	/* 0 means "no checksum" for UDP; its all-ones twin is sent instead */
	return c == 0 && proto == IPPROTO_UDP_ ? 0xffff : c;
}

void xf_pkt_init(struct xf_pkt_buf *b, void *buf, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->data = buf;
	b->cap = cap;
}

uint8_t *xf_pkt_put(struct xf_pkt_buf *b, const void *src, size_t n)
{
	uint8_t *at;

	if (b->err || n > b->cap - b->len) {
		b->err = -ENOSPC;
		return NULL;
	}
	at = b->data + b->len;
	if (src)
		memcpy(at, src, n);
	else
		memset(at, 0, n);
	b->len += n;
	return at;
}

void xf_pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void xf_pkt_put32(uint8_t *p, uint32_t v)
{
	xf_pkt_put16(p, (uint16_t)(v >> 16));
	xf_pkt_put16(p + 2, (uint16_t)v);
}

uint16_t xf_pkt_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint8_t *xf_pkt_eth(struct xf_pkt_buf *b, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	uint8_t *h = xf_pkt_put(b, NULL, 14);

	if (!h)
		return NULL;
	if (dst)
		memcpy(h, dst, 6);
	if (src)
		memcpy(h + 6, src, 6);
	xf_pkt_put16(h + 12, type);
	return h;
}

uint8_t *xf_pkt_vlan(struct xf_pkt_buf *b, uint16_t tci, uint16_t next)
{
	uint8_t *h = xf_pkt_put(b, NULL, 4);

	if (!h)
		return NULL;
	xf_pkt_put16(h, tci);
	xf_pkt_put16(h + 2, next);
	return h;
}

static void l3_mark(struct xf_pkt_buf *b, size_t at, int family, uint8_t proto)
{
	b->l3 = at;
	b->family = family;
	b->proto = proto;
}

uint8_t *xf_pkt_ipv4(struct xf_pkt_buf *b, const struct xf_pkt_ip *ip)
{
	unsigned int ihl = ip->ihl ? ip->ihl : 5;
	size_t at = b->len;
	uint8_t *h;

	if (ihl < 5 || ihl > 15) {
		b->err = -EINVAL;
		return NULL;
	}
	h = xf_pkt_put(b, NULL, ihl * 4);
	if (!h)
		return NULL;
	l3_mark(b, at, 4, ip->proto);
	h[0] = (uint8_t)(0x40 | ihl);
	xf_pkt_put16(h + 4, ip->id);
	xf_pkt_put16(h + 6, ip->frag);
	h[8] = ip->ttl ? ip->ttl : 64;
	h[9] = ip->proto;
	if (ip->src)
		memcpy(h + 12, ip->src, 4);
	if (ip->dst)
		memcpy(h + 16, ip->dst, 4);
	memset(h + 20, 0x01, ihl * 4 - 20);	/* NOP options */
	return h;
}

uint8_t *xf_pkt_ipv6(struct xf_pkt_buf *b, const struct xf_pkt_ip *ip)
{
	size_t at = b->len;
	uint8_t *h = xf_pkt_put(b, NULL, 40);

	if (!h)
		return NULL;
	l3_mark(b, at, 6, ip->proto);
	xf_pkt_put32(h, 6u << 28 | (ip->flow & 0x0fffffff));
	h[6] = ip->proto;
	h[7] = ip->ttl ? ip->ttl : 64;
	if (ip->src)
		memcpy(h + 8, ip->src, 16);
	if (ip->dst)
		memcpy(h + 24, ip->dst, 16);
	return h;
}

/* Append an L4 header of n bytes with the two ports in front. */
static uint8_t *l4_put(struct xf_pkt_buf *b, uint8_t proto, size_t n, uint16_t sport,
		       uint16_t dport)
{
	size_t at = b->len;
	uint8_t *h = xf_pkt_put(b, NULL, n);

	if (!h)
		return NULL;
	if (!b->l4) {
		b->l4 = at;
		b->l4_proto = proto;
	}
	xf_pkt_put16(h, sport);
	xf_pkt_put16(h + 2, dport);
	return h;
}

uint8_t *xf_pkt_udp(struct xf_pkt_buf *b, uint16_t sport, uint16_t dport)
{
	return l4_put(b, IPPROTO_UDP_, 8, sport, dport);
}

uint8_t *xf_pkt_tcp(struct xf_pkt_buf *b, uint16_t sport, uint16_t dport, uint8_t flags,
		    uint8_t doff)
{
	size_t n = doff >= 5 ? doff * 4u : 20;
	uint8_t *h = l4_put(b, IPPROTO_TCP_, n, sport, dport);

	if (!h)
		return NULL;
	h[12] = (uint8_t)((doff ? doff : 5) << 4);
	h[13] = flags;
	xf_pkt_put16(h + 14, 65535);		/* window */
	memset(h + 20, 0x01, n - 20);		/* NOP options */
	return h;
}

uint8_t *xf_pkt_sctp(struct xf_pkt_buf *b, uint16_t sport, uint16_t dport, uint32_t vtag)
{
	uint8_t *h = l4_put(b, IPPROTO_SCTP_, 12, sport, dport);

	if (h)
		xf_pkt_put32(h + 4, vtag);
	return h;
}

uint8_t *xf_pkt_icmp(struct xf_pkt_buf *b, uint8_t type, uint8_t code)
{
	uint8_t *h = l4_put(b, b->family == 6 ? IPPROTO_ICMPV6_ : IPPROTO_ICMP_, 8, 0, 0);

	if (!h)
		return NULL;
	h[0] = type;
	h[1] = code;
	return h;
}

void xf_pkt_pad_start(struct xf_pkt_buf *b)
{
	if (!b->end)
		b->end = b->len;
}

/* Store v at off when the two bytes are inside what was built. */
static void put16_in(struct xf_pkt_buf *b, size_t off, uint16_t v)
{
	if (off + 2 <= b->len)
		xf_pkt_put16(b->data + off, v);
}

/* The L4 checksum's offset inside its header, 0 when it has none we fill. */
static size_t l4_csum_off(int family, uint8_t proto)
{
	switch (proto) {
	case IPPROTO_UDP_:
		return 6;
	case IPPROTO_TCP_:
		return 16;
	case IPPROTO_ICMP_:
		return family == 4 ? 2 : 0;
	case IPPROTO_ICMPV6_:
		return family == 6 ? 2 : 0;
	}
	return 0;
}

static void l4_csum_fill(uint8_t *l3, int family, uint8_t proto, uint8_t *l4, size_t len)
{
	size_t off = l4_csum_off(family, proto);
	uint16_t c;

	if (!off || len < off + 2)
		return;
	xf_pkt_put16(l4 + off, 0);
	if (proto == IPPROTO_ICMP_)
		c = xf_csum_fold(xf_csum_partial(l4, len, 0));
	else
		c = xf_l4_csum(l3, family, proto, l4, len);
	xf_pkt_put16(l4 + off, c);
}

int xf_pkt_finish(struct xf_pkt_buf *b, unsigned int flags)
{
	size_t end = b->end ? b->end : b->len, ihl;
	uint8_t *h = b->data + b->l3;

	if (b->err)
		return b->err;
	if (b->family == 4) {
		put16_in(b, b->l3 + 2, (uint16_t)(end - b->l3));
		if (b->l3 + 20 <= b->len) {
			ihl = (h[0] & 0x0f) * 4u;
			if (ihl < 20 || b->l3 + ihl > b->len)
				ihl = 20;
			xf_pkt_put16(h + 10, 0);
			xf_pkt_put16(h + 10, xf_csum_fold(xf_csum_partial(h, ihl, 0)));
		}
	} else if (b->family == 6) {
		put16_in(b, b->l3 + 4, (uint16_t)(end >= b->l3 + 40 ? end - b->l3 - 40 : 0));
	}
	if (b->l4 && b->l4_proto == IPPROTO_UDP_)
		put16_in(b, b->l4 + 4, (uint16_t)(end - b->l4));
	if ((flags & XF_PKT_L4_CSUM) && b->l4 && b->family && end <= b->len)
		l4_csum_fill(h, b->family, b->l4_proto, b->data + b->l4, end - b->l4);
	return 0;
}

int xf_pkt_fix_csums(void *frame, size_t len, size_t l3)
{
	uint8_t *f = frame, *h = f + l3;
	size_t hlen, tot;
	int family;

	if (len < l3 + 20)
		return -EINVAL;
	family = h[0] >> 4;
	if (family == 4) {
		hlen = (h[0] & 0x0f) * 4u;
		tot = xf_pkt_get16(h + 2);
		if (hlen < 20 || tot < hlen || l3 + tot > len)
			return -EINVAL;
		xf_pkt_put16(h + 10, 0);
		xf_pkt_put16(h + 10, xf_csum_fold(xf_csum_partial(h, hlen, 0)));
		l4_csum_fill(h, 4, h[9], h + hlen, tot - hlen);
		return l4_csum_off(4, h[9]) ? 0 : -EINVAL;
	}
	if (family == 6) {
		if (len < l3 + 40)
			return -EINVAL;
		tot = xf_pkt_get16(h + 4);
		if (l3 + 40 + tot > len)
			return -EINVAL;
		l4_csum_fill(h, 6, h[6], h + 40, tot);
		return l4_csum_off(6, h[6]) ? 0 : -EINVAL;
	}
	return -EINVAL;
}

int xf_pkt_build(struct xf_pkt_buf *b, const struct xf_pkt_opts *o)
{
	uint16_t type = o->family == 4 ? XF_PKT_ETH_P_IP : XF_PKT_ETH_P_IPV6;
	uint8_t icmp;

	if (o->family != 4 && o->family != 6)
		return -EINVAL;
	xf_pkt_init(b, b->data, b->cap);
	xf_pkt_eth(b, o->dmac, o->smac, o->vlan ? XF_PKT_ETH_P_8021Q : type);
	if (o->vlan)
		xf_pkt_vlan(b, o->vlan, type);
	if (o->family == 4)
		xf_pkt_ipv4(b, &o->ip);
	else
		xf_pkt_ipv6(b, &o->ip);
	switch (o->ip.proto) {
	case IPPROTO_UDP_:
		xf_pkt_udp(b, o->sport, o->dport);
		break;
	case IPPROTO_TCP_:
		xf_pkt_tcp(b, o->sport, o->dport, o->tcp_flags ? o->tcp_flags : 0x02, 5);
		break;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		icmp = o->icmp_type ? o->icmp_type : o->family == 4 ? 8 : 128;
		xf_pkt_icmp(b, icmp, 0);
		break;
	}
	if (b->err)
		return b->err;
	if (o->size) {
		if (o->size < b->len)
			return -EINVAL;
		xf_pkt_put(b, NULL, o->size - b->len);
	}
	return xf_pkt_finish(b, o->l4_csum ? XF_PKT_L4_CSUM : 0);
}
