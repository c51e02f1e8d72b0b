/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_pkt.h - build Ethernet frames and fix their Internet checksums.
 *
 * One builder for everything in userspace that makes frames: the traffic
 * generator's template, the unit and BPF tests' crafted frames, the
 * benchmark's frames, and a processor that rewrites a frame (an echo) and
 * must fix its checksums.  The BPF program keeps its own incremental
 * checksum update (bpf/): it runs in the kernel and cannot call this.
 *
 * Two layers:
 *   - a cursor (struct xf_pkt_buf) that appends one header at a time and
 *     remembers where L3 and L4 start, so odd frames (extension headers,
 *     several tags, broken fields) can be made by the caller writing into
 *     the header each append returns;
 *   - xf_pkt_build(): a whole Ethernet [802.1Q] IPv4/IPv6 UDP/TCP/ICMP
 *     frame from one options struct.
 * Multi-byte arguments are in host order unless named otherwise; addresses
 * are raw network-order bytes (4 or 16).
 */
#ifndef XDPFWD_XF_PKT_H
#define XDPFWD_XF_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XF_PKT_ETH_P_IP		0x0800
#define XF_PKT_ETH_P_ARP	0x0806
#define XF_PKT_ETH_P_8021Q	0x8100
#define XF_PKT_ETH_P_8021AD	0x88a8
#define XF_PKT_ETH_P_IPV6	0x86dd

/* ---- the Internet checksum (RFC 1071) ------------------------------- */

/*
 * Add len bytes of buf to sum as big-endian 16-bit words (an odd last byte
 * is the high half of a word).  Chain calls on even-length pieces; sum
 * starts at 0.  Carries are kept in the upper bits until xf_csum_fold().
 */
uint32_t xf_csum_partial(const void *buf, size_t len, uint32_t sum);

/* Fold sum to 16 bits and complement it: the checksum field's value, in
 * host order (store it with xf_pkt_put16). */
uint16_t xf_csum_fold(uint32_t sum);

/*
 * The UDP/TCP/ICMPv6 checksum of the l4 bytes behind the IPv4 (family 4)
 * or IPv6 (6) header l3: the pseudo-header (addresses, proto, len) plus
 * l4 with its checksum field as it is (zero it first).  A UDP checksum that
 * folds to 0 must be sent as 0xffff (RFC 768); this returns it so.  ICMP
 * over IPv4 has no pseudo-header: use xf_csum_fold(xf_csum_partial()).
 */
uint16_t xf_l4_csum(const void *l3, int family, uint8_t proto, const void *l4, size_t len);

/* ---- the cursor ------------------------------------------------------- */

struct xf_pkt_buf {
	uint8_t *data;
	size_t cap;		/* bytes at data */
	size_t len;		/* bytes built */
	size_t l3, l4;		/* offsets of the IP and of the first L4 header; 0: none */
	size_t end;		/* 0, or where the IP packet ends (Ethernet padding after it) */
	int family;		/* 4, 6, or 0 before an IP header */
	uint8_t proto;		/* the next header the IP header names */
	uint8_t l4_proto;	/* the protocol of the header at l4 */
	int err;		/* 0, or -ENOSPC once an append did not fit (sticky) */
};

void xf_pkt_init(struct xf_pkt_buf *b, void *buf, size_t cap);

/* Append n bytes (copied from src, or zeros when src is NULL); returns
 * where they are, or NULL (and b->err set) when they do not fit. */
uint8_t *xf_pkt_put(struct xf_pkt_buf *b, const void *src, size_t n);

void xf_pkt_put16(uint8_t *p, uint16_t v);	/* big-endian stores */
void xf_pkt_put32(uint8_t *p, uint32_t v);
uint16_t xf_pkt_get16(const uint8_t *p);

/* NULL dst or src: 00:00:00:00:00:00 */
uint8_t *xf_pkt_eth(struct xf_pkt_buf *b, const uint8_t *dst, const uint8_t *src, uint16_t type);
uint8_t *xf_pkt_vlan(struct xf_pkt_buf *b, uint16_t tci, uint16_t next);

struct xf_pkt_ip {
	const void *src, *dst;	/* 4 or 16 network-order bytes */
	uint8_t proto;		/* next header */
	uint8_t ttl;		/* 0: 64 */
	uint16_t id;		/* IPv4 identification */
	uint16_t frag;		/* IPv4 flags and fragment offset */
	uint8_t ihl;		/* IPv4 header words, 0: 5; options are NOPs */
	uint32_t flow;		/* IPv6 traffic class and flow label (low 28 bits) */
};

/* The length fields and checksums are left zero: xf_pkt_finish() sets them. */
uint8_t *xf_pkt_ipv4(struct xf_pkt_buf *b, const struct xf_pkt_ip *ip);
uint8_t *xf_pkt_ipv6(struct xf_pkt_buf *b, const struct xf_pkt_ip *ip);

/* L4 headers; the first one appended becomes b->l4. */
uint8_t *xf_pkt_udp(struct xf_pkt_buf *b, uint16_t sport, uint16_t dport);
/* doff: header words (0: 5; options are NOPs); window 65535 */
uint8_t *xf_pkt_tcp(struct xf_pkt_buf *b, uint16_t sport, uint16_t dport, uint8_t flags,
		    uint8_t doff);
uint8_t *xf_pkt_sctp(struct xf_pkt_buf *b, uint16_t sport, uint16_t dport, uint32_t vtag);
/* 8 bytes: type, code, checksum, 4 bytes of rest (id, sequence) */
uint8_t *xf_pkt_icmp(struct xf_pkt_buf *b, uint8_t type, uint8_t code);

/* Mark the end of the IP packet: what is appended after it is padding. */
void xf_pkt_pad_start(struct xf_pkt_buf *b);

#define XF_PKT_L4_CSUM	(1u << 0)	/* also fill the UDP/TCP/ICMP checksum */

/*
 * Set the IPv4 total length, the IPv6 payload length and a UDP length from
 * what was built (up to b->end when padded), and the IPv4 header checksum;
 * with XF_PKT_L4_CSUM the L4 checksum too.  Fields past b->len (a cut
 * frame) are left alone.  Returns b->err.
 */
int xf_pkt_finish(struct xf_pkt_buf *b, unsigned int flags);

/*
 * Recompute the checksums of a frame whose L3 starts at l3 (IPv4 or IPv6
 * without extension headers) and whose L4 is UDP, TCP, ICMP or ICMPv6:
 * for a processor that rewrote addresses or ports.  Returns 0, or -EINVAL
 * when the frame is not one of those or is cut short.
 */
int xf_pkt_fix_csums(void *frame, size_t len, size_t l3);

/* ---- one whole frame ------------------------------------------------- */

struct xf_pkt_opts {
	const uint8_t *dmac, *smac;	/* NULL: zeros */
	uint16_t vlan;		/* TCI of one 802.1Q tag; 0: untagged */
	int family;		/* 4 or 6 */
	struct xf_pkt_ip ip;	/* ip.proto: 17 UDP, 6 TCP, 1 ICMP, 58 ICMPv6 */
	uint16_t sport, dport;	/* UDP, TCP */
	uint8_t tcp_flags;	/* 0: SYN */
	uint8_t icmp_type;	/* 0: echo request */
	size_t size;		/* the whole frame, zero payload; 0: headers only */
	bool l4_csum;		/* fill the L4 checksum */
};

/*
 * Build the frame o describes into the buffer b was given (xf_pkt_init, or
 * data and cap set), from its start; b's cursor then describes it.  Returns
 * 0, -EINVAL (a bad family, or size smaller than the headers), or -ENOSPC.
 */
int xf_pkt_build(struct xf_pkt_buf *b, const struct xf_pkt_opts *o);

#ifdef __cplusplus
}
#endif

#endif /* XDPFWD_XF_PKT_H */
