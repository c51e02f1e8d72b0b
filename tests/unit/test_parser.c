// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_parser.c - host unit tests of the frame parser, common/xf_parse.h.
 *
 * Frames are built from small recipes (struct op lists: Ethernet, VLAN
 * tags, IPv4 with options, IPv6 with extension header chains, TCP, UDP,
 * SCTP, ICMP, payload, padding, then field overrides) instead of hex dumps.
 * The table cases[] holds {name, recipe, expected error, expected fields};
 * each row is its own cmocka test.  Loops over IHL values, IPv6 chain
 * depths, every prefix of a few frames and every one-byte mutation follow.
 *
 * Every frame is parsed from a heap buffer that ends exactly at data_end,
 * so with -fsanitize=address any read past data_end aborts the test.  The
 * buffer starts 2 bytes before the frame (NET_IP_ALIGN, as on a NIC) so
 * the IP header is 4-byte aligned: the parser reads through struct
 * pointers, which UBSan reports when misaligned.
 *
 * Built and run by tests/unit/unit.mk: make unit-parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "xf_parse.h"
#include "xf_pkt.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Constants every built frame uses                                    */
/* ------------------------------------------------------------------ */

#define E_IP	0x0800
#define E_IP6	0x86dd
#define E_ARP	0x0806
#define E_LLDP	0x88cc
#define E_Q	0x8100
#define E_AD	0x88a8

#define P_HOP	XF_IPPROTO_HOPOPTS
#define P_ICMP	XF_IPPROTO_ICMP
#define P_TCP	XF_IPPROTO_TCP
#define P_UDP	XF_IPPROTO_UDP
#define P_GRE	47
#define P_RT	XF_IPPROTO_ROUTING
#define P_FRAG	XF_IPPROTO_FRAGMENT
#define P_ESP	XF_IPPROTO_ESP
#define P_AH	XF_IPPROTO_AH
#define P_ICMP6	XF_IPPROTO_ICMPV6
#define P_NONE	XF_IPPROTO_NONE
#define P_DST	XF_IPPROTO_DSTOPTS
#define P_MH	XF_IPPROTO_MH
#define P_SCTP	XF_IPPROTO_SCTP
#define P_HIP	XF_IPPROTO_HIP
#define P_SHIM6	XF_IPPROTO_SHIM6

#define SPORT	40000		/* 0x9c40 */
#define DPORT	443		/* 0x01bb */

static const uint8_t SPORT_BE[2] = { 0x9c, 0x40 };
static const uint8_t DPORT_BE[2] = { 0x01, 0xbb };
static const uint8_t V4_SRC[4] = { 192, 0, 2, 1 };
static const uint8_t V4_DST[4] = { 198, 51, 100, 2 };
static const uint8_t V6_SRC[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02,
				    0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06 };
static const uint8_t V6_DST[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xaa, 0xbb, 0xbb,
				    0xcc, 0xcc, 0xdd, 0xdd, 0xee, 0xee, 0xff, 0x01 };

#define NET_IP_ALIGN 2

/* ------------------------------------------------------------------ */
/* Frame builder                                                       */
/* ------------------------------------------------------------------ */

enum op_kind {
	OP_END = 0,
	OP_ETH,		/* a = ethertype */
	OP_VLAN,	/* a = TCI, b = next ethertype */
	OP_IPV4,	/* a = protocol, b = IHL (5..15, options are NOPs) */
	OP_IPV6,	/* a = next header */
	OP_EXT,		/* a = type, b = next header, c = hdrlen field */
	OP_FRAG6,	/* a = next header, b = offset (8-byte units), c = M */
	OP_TCP,		/* a = data offset (header is max(a, 5) * 4 bytes) */
	OP_UDP,		/* length = rest of the IP packet, unless overridden */
	OP_SCTP,	/* 12-byte common header */
	OP_ICMP,	/* a = type, b = code; 4 bytes: type, code, checksum */
	OP_DATA,	/* a = payload bytes */
	OP_TRIM,	/* cut a bytes off the end (before lengths are set) */
	OP_PAD,		/* a bytes of Ethernet padding, outside the IP packet */
	OP_SET8,	/* after lengths are set: byte at base a + b = c */
	OP_SET16,	/* after lengths are set: be16 at base a + b = c */
};

enum { AT_FRAME, AT_L3, AT_L4 };

struct op {
	int kind, a, b, c;
};

#define ETH(t)			{ OP_ETH, (t), 0, 0 }
#define VLAN(tci, t)		{ OP_VLAN, (tci), (t), 0 }
#define IPV4(proto, ihl)	{ OP_IPV4, (proto), (ihl), 0 }
#define IPV6(nh)		{ OP_IPV6, (nh), 0, 0 }
#define EXT(type, nh, hl)	{ OP_EXT, (type), (nh), (hl) }
#define FRAG6(nh, off, m)	{ OP_FRAG6, (nh), (off), (m) }
#define TCP(doff)		{ OP_TCP, (doff), 0, 0 }
#define UDP()			{ OP_UDP, 0, 0, 0 }
#define SCTP()			{ OP_SCTP, 0, 0, 0 }
#define ICMP(type, code)	{ OP_ICMP, (type), (code), 0 }
#define DATA(n)			{ OP_DATA, (n), 0, 0 }
#define TRIM(n)			{ OP_TRIM, (n), 0, 0 }
#define PAD(n)			{ OP_PAD, (n), 0, 0 }
#define SET8(at, off, v)	{ OP_SET8, (at), (off), (v) }
#define SET16(at, off, v)	{ OP_SET16, (at), (off), (v) }

/* Field overrides, applied after the builder has set the lengths. */
#define IP4_VER_IHL(v)		SET8(AT_L3, 0, (v))
#define IP4_TOT(v)		SET16(AT_L3, 2, (v))
#define IP4_FRAG(v)		SET16(AT_L3, 6, (v))
#define IP6_VER(v)		SET8(AT_L3, 0, ((v) << 4) | 0x0a)
#define IP6_PLEN(v)		SET16(AT_L3, 4, (v))
#define TCP_DOFF(d)		SET8(AT_L4, 12, (d) << 4)
#define UDP_LEN(v)		SET16(AT_L4, 4, (v))

#define IP4_MF	0x2000
#define IP4_DF	0x4000

#define MAX_OPS 24
#define FB_MAX	2048

/* A recipe's frame and the shared builder's cursor over it (lib/xf_pkt.c). */
struct fb {
	uint8_t b[FB_MAX];
	struct xf_pkt_buf c;	/* c.len, c.l3, c.l4 (0: none), c.end (0: not padded) */
	size_t hdr_end;		/* end of the last header built */
};

static void wr32(uint8_t *p, uint32_t v)
{
	xf_pkt_put32(p, v);
}

static uint8_t *fb_put(struct fb *f, size_t n)
{
	uint8_t *p = xf_pkt_put(&f->c, NULL, n);

	assert_non_null(p);
	return p;
}

static void fb_op(struct fb *f, const struct op *o)
{
	struct xf_pkt_ip ip = { .proto = (uint8_t)o->a, .id = 0x1234, .ihl = (uint8_t)o->b };
	uint8_t *p;
	size_t n;
	int i;

	switch (o->kind) {
	case OP_ETH:
		assert_non_null(xf_pkt_eth(&f->c, (const uint8_t *)"\x02\x00\x00\x00\x00\x01",
					   (const uint8_t *)"\x02\x00\x00\x00\x00\x02",
					   (uint16_t)o->a));
		break;
	case OP_VLAN:
		assert_non_null(xf_pkt_vlan(&f->c, (uint16_t)o->a, (uint16_t)o->b));
		break;
	case OP_IPV4:
		assert_in_range(o->b, 5, 15);
		ip.src = V4_SRC;
		ip.dst = V4_DST;
		assert_non_null(xf_pkt_ipv4(&f->c, &ip));
		break;
	case OP_IPV6:
		ip.src = V6_SRC;
		ip.dst = V6_DST;
		ip.ihl = 0;
		ip.flow = 0xab12345;	/* traffic class 0xab, a flow label */
		assert_non_null(xf_pkt_ipv6(&f->c, &ip));
		break;
	case OP_EXT:
		n = o->a == P_AH ? (o->c + 2) * 4 : (o->c + 1) * 8;
		p = fb_put(f, n);
		p[0] = o->b;
		p[1] = o->c;
		if (o->a == P_AH) {
			wr32(p + 4, 0x100);	/* SPI */
			wr32(p + 8, 1);		/* sequence */
			if (n > 12)
				memset(p + 12, 0xa5, n - 12);	/* ICV */
		} else if (o->a == P_HOP || o->a == P_DST) {
			p[2] = 1;		/* PadN over the rest */
			p[3] = n - 4;
		}
		break;
	case OP_FRAG6:
		p = fb_put(f, 8);
		p[0] = o->a;
		xf_pkt_put16(p + 2, (o->b << 3) | (o->c & 1));
		wr32(p + 4, 0xdeadbeef);
		break;
	case OP_TCP:
		p = xf_pkt_tcp(&f->c, SPORT, DPORT, 0x02 /* SYN */, (uint8_t)o->a);
		assert_non_null(p);
		wr32(p + 4, 1000);	/* seq */
		p[12] = o->a << 4;	/* as given, below 5 too */
		break;
	case OP_UDP:
		assert_non_null(xf_pkt_udp(&f->c, SPORT, DPORT));
		break;
	case OP_SCTP:
		assert_non_null(xf_pkt_sctp(&f->c, SPORT, DPORT, 0xcafef00d));
		break;
	case OP_ICMP:
		/* 4 bytes only (type, code, checksum): where the parser stops */
		if (!f->c.l4) {
			f->c.l4 = f->c.len;
			f->c.l4_proto = f->c.family == 6 ? P_ICMP6 : P_ICMP;
		}
		p = fb_put(f, 4);
		p[0] = o->a;
		p[1] = o->b;
		break;
	case OP_DATA:
		p = fb_put(f, o->a);
		for (i = 0; i < o->a; i++)
			p[i] = (uint8_t)(0x5a ^ i);
		return;
	case OP_TRIM:
		assert_true((size_t)o->a <= f->c.len);
		f->c.len -= o->a;
		if (f->hdr_end > f->c.len)
			f->hdr_end = f->c.len;
		return;
	case OP_PAD:
		xf_pkt_pad_start(&f->c);
		fb_put(f, o->a);
		return;
	default:
		return;
	}
	f->hdr_end = f->c.len;
}

static void fb_set(struct fb *f, const struct op *o)
{
	size_t base = o->a == AT_L3 ? f->c.l3 : o->a == AT_L4 ? f->c.l4 : 0;
	size_t at = base + o->b;

	assert_true(o->a != AT_L4 || f->c.l4);
	if (o->kind == OP_SET8) {
		assert_true(at + 1 <= f->c.len);
		f->b[at] = (uint8_t)o->c;
	} else {
		assert_true(at + 2 <= f->c.len);
		xf_pkt_put16(f->b + at, (uint16_t)o->c);
	}
}

/* Run a recipe: headers, then the length fields, then the overrides. */
static void fb_build(struct fb *f, const struct op *ops)
{
	const struct op *o;

	memset(f, 0, sizeof(*f));
	xf_pkt_init(&f->c, f->b, sizeof(f->b));
	for (o = ops; o->kind != OP_END; o++)
		if (o->kind != OP_SET8 && o->kind != OP_SET16)
			fb_op(f, o);
	assert_int_equal(xf_pkt_finish(&f->c, 0), 0);
	for (o = ops; o->kind != OP_END; o++)
		if (o->kind == OP_SET8 || o->kind == OP_SET16)
			fb_set(f, o);
}

/* ------------------------------------------------------------------ */
/* Parsing and checking                                                */
/* ------------------------------------------------------------------ */

static const char *const perr_names[] = XF_PERR_NAMES;

static const char *perr_name(int e)
{
	return e >= 0 && e < (int)ARRAY_SIZE(perr_names) ? perr_names[e] : "?";
}

/*
 * Parse the first n bytes of frame as the linear part of a frame of
 * frame_len bytes.  The copy ends exactly at the end of its heap block.
 * p is filled with junk first: the parser must reset every field.
 */
static int parse_into(struct xf_pkt *p, const uint8_t *frame, size_t n,
		      uint32_t frame_len)
{
	uint8_t *buf = malloc(n + NET_IP_ALIGN);
	uint8_t *data = buf + NET_IP_ALIGN;
	int ret;

	assert_non_null(buf);
	memcpy(data, frame, n);
	ret = xf_parse(p, data, data + n, frame_len);
	free(buf);
	return ret;
}

static int parse_exact(struct xf_pkt *p, const uint8_t *frame, size_t n,
		       uint32_t frame_len)
{
	memset(p, 0xa5, sizeof(*p));
	return parse_into(p, frame, n, frame_len);
}

struct want {
	uint8_t l3, proto, frag, vlan_n;
	uint16_t vlan[XF_MAX_VLAN];
	uint16_t eth_proto, l3_off, l4_off;
	bool ports;		/* sport/dport are SPORT/DPORT */
	bool icmp;
	uint8_t icmp_type, icmp_code;
};

#define EXPECT(what, got, exp) do {					\
	long g_ = (long)(got), e_ = (long)(exp);			\
	if (g_ != e_) {							\
		print_error("    %s: got %ld (0x%lx), expected %ld (0x%lx)\n", \
			    what, g_, g_, e_, e_);			\
		bad++;							\
	}								\
} while (0)

#define EXPECT_BYTES(what, got, exp, n) do {				\
	if (memcmp((got), (exp), (n))) {				\
		print_error("    %s: wrong bytes\n", what);		\
		bad++;							\
	}								\
} while (0)

/* Every field of p against w; returns the number of mismatches. */
static int check_fields(const struct xf_pkt *p, const struct want *w,
			uint32_t frame_len)
{
	static const uint8_t zero[16];
	int bad = 0, i;

	EXPECT("len", p->len, frame_len);
	EXPECT("l3", p->l3, w->l3);
	EXPECT("proto", p->proto, w->proto);
	EXPECT("frag", p->frag, w->frag);
	EXPECT("vlan_n", p->vlan_n, w->vlan_n);
	for (i = 0; i < XF_MAX_VLAN; i++)
		EXPECT("vlan[i]", p->vlan[i], w->vlan[i]);
	EXPECT("eth_proto", p->eth_proto, w->eth_proto);
	EXPECT("l3_off", p->l3_off, w->l3_off);
	EXPECT("l4_off", p->l4_off, w->l4_off);
	EXPECT("has_ports", p->has_ports, w->ports);
	EXPECT_BYTES("sport", &p->sport, w->ports ? SPORT_BE : zero, 2);
	EXPECT_BYTES("dport", &p->dport, w->ports ? DPORT_BE : zero, 2);
	EXPECT("has_icmp", p->has_icmp, w->icmp);
	EXPECT("icmp_type", p->icmp_type, w->icmp_type);
	EXPECT("icmp_code", p->icmp_code, w->icmp_code);
	EXPECT("pad", p->pad, 0);
	if (w->l3 == XF_L3_IPV4) {
		EXPECT_BYTES("src", p->src, V4_SRC, 4);
		EXPECT_BYTES("dst", p->dst, V4_DST, 4);
		EXPECT_BYTES("src[1..3]", &p->src[1], zero, 12);
		EXPECT_BYTES("dst[1..3]", &p->dst[1], zero, 12);
	} else if (w->l3 == XF_L3_IPV6) {
		EXPECT_BYTES("src", p->src, V6_SRC, 16);
		EXPECT_BYTES("dst", p->dst, V6_DST, 16);
	} else {
		EXPECT_BYTES("src", p->src, zero, 16);
		EXPECT_BYTES("dst", p->dst, zero, 16);
	}
	return bad;
}

static void dump_frame(const uint8_t *b, size_t len)
{
	char line[3 * 16 + 1];
	size_t i;

	for (i = 0; i < len; i++) {
		snprintf(line + 3 * (i % 16), 4, "%02x ", b[i]);
		if (i % 16 == 15 || i + 1 == len)
			print_error("    %04zx: %s\n", i - i % 16, line);
	}
}

/*
 * Properties that hold for any input: used by the prefix and mutation
 * tests where the exact answer is not spelled out.
 */
static int check_invariants(const struct xf_pkt *p, int ret, size_t n,
			    uint32_t frame_len)
{
	static const uint8_t zero[16];
	int bad = 0;

	if (ret < 0 || ret >= XF_PERR_MAX) {
		print_error("    return %d out of range\n", ret);
		bad++;
	}
	EXPECT("error == return", p->error, ret);
	EXPECT("len", p->len, frame_len);
	if (p->vlan_n > XF_MAX_VLAN)
		EXPECT("vlan_n <= XF_MAX_VLAN", p->vlan_n, XF_MAX_VLAN);
	if (p->l3 != XF_L3_NONE && p->l3 != XF_L3_IPV4 && p->l3 != XF_L3_IPV6)
		EXPECT("l3 valid", p->l3, 0);
	if (p->frag > XF_FRAG_LATER)
		EXPECT("frag valid", p->frag, 0);
	if (p->has_ports > 1 || p->has_icmp > 1 || (p->has_ports && p->has_icmp))
		EXPECT("has_ports/has_icmp", p->has_ports * 10 + p->has_icmp, 0);
	if (p->l3_off > n)
		EXPECT("l3_off <= n", p->l3_off, n);
	if (p->l3 == XF_L3_IPV4 && p->l3_off + 20u > n)
		EXPECT("ipv4 header inside data", p->l3_off + 20, n);
	if (p->l3 == XF_L3_IPV6 && p->l3_off + 40u > n)
		EXPECT("ipv6 header inside data", p->l3_off + 40, n);
	if (p->has_ports && p->l4_off + 8u > n)
		EXPECT("ports inside data", p->l4_off + 8, n);
	if (p->has_icmp && p->l4_off + 4u > n)
		EXPECT("icmp inside data", p->l4_off + 4, n);
	if (p->l3 == XF_L3_NONE) {
		EXPECT("no l3: proto", p->proto, 0);
		EXPECT("no l3: l4_off", p->l4_off, 0);
		EXPECT("no l3: has_ports", p->has_ports, 0);
		EXPECT("no l3: has_icmp", p->has_icmp, 0);
		EXPECT_BYTES("no l3: src", p->src, zero, 16);
		EXPECT_BYTES("no l3: dst", p->dst, zero, 16);
	}
	if (p->l3 == XF_L3_IPV4)
		EXPECT_BYTES("ipv4: src[1..3]", &p->src[1], zero, 12);
	if (ret == 0 && p->l3 != XF_L3_NONE && p->frag != XF_FRAG_LATER) {
		if (p->l4_off < p->l3_off + (p->l3 == XF_L3_IPV4 ? 20 : 40) ||
		    p->l4_off > n)
			EXPECT("l4_off in range", p->l4_off, n);
		if (p->proto == P_TCP && p->l4_off + 20u > n)
			EXPECT("tcp header inside data", p->l4_off + 20, n);
	}
	return bad;
}

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

struct pcase {
	const char *name;
	struct op ops[MAX_OPS];
	unsigned linear_cut;	/* bytes past data_end: a multi-buffer frame */
	int err;
	bool err_only;		/* check only the error (see the row) */
	struct want w;
};

/* Errors that some row expected and got: all of them must be seen. */
static uint32_t seen_errors;

#define W4(...) { .l3 = XF_L3_IPV4, .eth_proto = E_IP, .l3_off = 14, __VA_ARGS__ }
#define W6(...) { .l3 = XF_L3_IPV6, .eth_proto = E_IP6, .l3_off = 14, __VA_ARGS__ }

static const struct pcase cases[] = {
	/* ---- Ethernet ---- */
	{ "ARP: not IP, no error and no L3",
	  { ETH(E_ARP), DATA(28) }, 0, XF_PERR_NONE, false,
	  { .eth_proto = E_ARP, .l3_off = 14 } },
	{ "LLDP, bare 14-byte Ethernet header: no error",
	  { ETH(E_LLDP) }, 0, XF_PERR_NONE, false,
	  { .eth_proto = E_LLDP, .l3_off = 14 } },
	{ "IPv4 ethertype and nothing after: truncated-ipv4",
	  { ETH(E_IP) }, 0, XF_PERR_TRUNC_IPV4, false,
	  { .eth_proto = E_IP, .l3_off = 14 } },
	{ "IPv6 ethertype and nothing after: truncated-ipv6",
	  { ETH(E_IP6) }, 0, XF_PERR_TRUNC_IPV6, false,
	  { .eth_proto = E_IP6, .l3_off = 14 } },

	/* ---- VLAN ---- */
	{ "one 802.1Q tag, IPv4 UDP",
	  { ETH(E_Q), VLAN(100, E_IP), IPV4(P_UDP, 5), UDP(), DATA(4) },
	  0, XF_PERR_NONE, false,
	  { .l3 = 4, .proto = P_UDP, .vlan_n = 1, .vlan = { 100 },
	    .eth_proto = E_IP, .l3_off = 18, .l4_off = 38, .ports = true } },
	{ "802.1ad + 802.1Q (QinQ): ids outer first, IPv6 TCP",
	  { ETH(E_AD), VLAN(10, E_Q), VLAN(20, E_IP6), IPV6(P_TCP), TCP(5) },
	  0, XF_PERR_NONE, false,
	  { .l3 = 6, .proto = P_TCP, .vlan_n = 2, .vlan = { 10, 20 },
	    .eth_proto = E_IP6, .l3_off = 22, .l4_off = 62, .ports = true } },
	{ "two 802.1Q tags, ids 4094 and 1, IPv4 TCP",
	  { ETH(E_Q), VLAN(4094, E_Q), VLAN(1, E_IP), IPV4(P_TCP, 5), TCP(5) },
	  0, XF_PERR_NONE, false,
	  { .l3 = 4, .proto = P_TCP, .vlan_n = 2, .vlan = { 4094, 1 },
	    .eth_proto = E_IP, .l3_off = 22, .l4_off = 42, .ports = true } },
	{ "PCP 7 and DEI set: the VLAN id masks them out",
	  { ETH(E_Q), VLAN(0xf123, E_IP), IPV4(P_UDP, 5), UDP() },
	  0, XF_PERR_NONE, false,
	  { .l3 = 4, .proto = P_UDP, .vlan_n = 1, .vlan = { 0x123 },
	    .eth_proto = E_IP, .l3_off = 18, .l4_off = 38, .ports = true } },
	{ "QinQ with PCP/DEI bits on both tags, carrying ARP",
	  { ETH(E_AD), VLAN(0xafff, E_Q), VLAN(0x5001, E_ARP), DATA(28) },
	  0, XF_PERR_NONE, false,
	  { .vlan_n = 2, .vlan = { 0xfff, 0x001 }, .eth_proto = E_ARP,
	    .l3_off = 22 } },
	{ "three tags: vlan-too-deep, first two ids kept",
	  { ETH(E_AD), VLAN(1, E_Q), VLAN(2, E_Q), VLAN(3, E_IP),
	    IPV4(P_UDP, 5), UDP() },
	  0, XF_PERR_VLAN_TOO_DEEP, false,
	  { .vlan_n = 2, .vlan = { 1, 2 } } },
	{ "two tags then a third TPID with nothing after: vlan-too-deep",
	  { ETH(E_Q), VLAN(1, E_Q), VLAN(2, E_Q) },
	  0, XF_PERR_VLAN_TOO_DEEP, false,
	  { .vlan_n = 2, .vlan = { 1, 2 } } },
	{ "802.1Q TPID with no tag after it: truncated-vlan",
	  { ETH(E_Q) }, 0, XF_PERR_TRUNC_VLAN, false, { 0 } },
	{ "802.1Q tag cut after 2 bytes: truncated-vlan",
	  { ETH(E_Q), DATA(2) }, 0, XF_PERR_TRUNC_VLAN, false, { 0 } },
	{ "QinQ inner tag cut after 3 bytes: truncated-vlan, outer id kept",
	  { ETH(E_AD), VLAN(7, E_Q), DATA(3) }, 0, XF_PERR_TRUNC_VLAN, false,
	  { .vlan_n = 1, .vlan = { 7 } } },

	/* ---- IPv4 ---- */
	{ "IPv4 UDP",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), DATA(10) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_UDP, .l4_off = 34, .ports = true) },
	{ "IPv4 TCP",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(5), DATA(10) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_TCP, .l4_off = 34, .ports = true) },
	{ "IPv4 SCTP",
	  { ETH(E_IP), IPV4(P_SCTP, 5), SCTP(), DATA(16) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_SCTP, .l4_off = 34, .ports = true) },
	{ "IPv4 ICMP echo request: type 8 code 0",
	  { ETH(E_IP), IPV4(P_ICMP, 5), ICMP(8, 0), DATA(4) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_ICMP, .l4_off = 34, .icmp = true, .icmp_type = 8) },
	{ "IPv4 ICMP port unreachable: type 3 code 3",
	  { ETH(E_IP), IPV4(P_ICMP, 5), ICMP(3, 3), DATA(32) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_ICMP, .l4_off = 34, .icmp = true, .icmp_type = 3,
	     .icmp_code = 3) },
	{ "IPv4 GRE (47): protocol number only",
	  { ETH(E_IP), IPV4(P_GRE, 5), DATA(24) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_GRE, .l4_off = 34) },
	{ "IPv4 options, IHL 6, then TCP: ports after the options",
	  { ETH(E_IP), IPV4(P_TCP, 6), TCP(5) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_TCP, .l4_off = 38, .ports = true) },
	{ "IPv4 options, IHL 15, then UDP",
	  { ETH(E_IP), IPV4(P_UDP, 15), UDP(), DATA(3) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_UDP, .l4_off = 74, .ports = true) },
	{ "VLAN, IPv4 options IHL 10, SCTP",
	  { ETH(E_Q), VLAN(5, E_IP), IPV4(P_SCTP, 10), SCTP() },
	  0, XF_PERR_NONE, false,
	  { .l3 = 4, .proto = P_SCTP, .vlan_n = 1, .vlan = { 5 },
	    .eth_proto = E_IP, .l3_off = 18, .l4_off = 58, .ports = true } },
	{ "IHL 4: bad-ihl, addresses and protocol already filled",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), IP4_VER_IHL(0x44) },
	  0, XF_PERR_BAD_IHL, false, W4(.proto = P_UDP) },
	{ "IHL 0: bad-ihl",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(5), IP4_VER_IHL(0x40) },
	  0, XF_PERR_BAD_IHL, false, W4(.proto = P_TCP) },
	{ "version 6 under the IPv4 ethertype: bad-ip-version",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), IP4_VER_IHL(0x65) },
	  0, XF_PERR_BAD_IP_VERSION, false, { .eth_proto = E_IP, .l3_off = 14 } },
	{ "version 0 under the IPv4 ethertype: bad-ip-version",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), IP4_VER_IHL(0x05) },
	  0, XF_PERR_BAD_IP_VERSION, false, { .eth_proto = E_IP, .l3_off = 14 } },
	{ "IPv4 header of 19 bytes: truncated-ipv4",
	  { ETH(E_IP), IPV4(P_UDP, 5), TRIM(1) },
	  0, XF_PERR_TRUNC_IPV4, false, { .eth_proto = E_IP, .l3_off = 14 } },
	{ "IPv4 header of 12 bytes: truncated-ipv4",
	  { ETH(E_IP), IPV4(P_UDP, 5), TRIM(8) },
	  0, XF_PERR_TRUNC_IPV4, false, { .eth_proto = E_IP, .l3_off = 14 } },
	{ "IHL 8 with 28 header bytes: truncated-ipv4, addresses filled",
	  { ETH(E_IP), IPV4(P_TCP, 8), TRIM(4) },
	  0, XF_PERR_TRUNC_IPV4, false, W4(.proto = P_TCP) },
	{ "IHL 15 with 59 header bytes: truncated-ipv4",
	  { ETH(E_IP), IPV4(P_UDP, 15), TRIM(1) },
	  0, XF_PERR_TRUNC_IPV4, false, W4(.proto = P_UDP) },
	{ "tot_len 19, below 20: bad-ipv4-len",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), IP4_TOT(19) },
	  0, XF_PERR_BAD_IPV4_LEN, false, W4(.proto = P_UDP) },
	{ "tot_len 0: bad-ipv4-len",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), IP4_TOT(0) },
	  0, XF_PERR_BAD_IPV4_LEN, false, W4(.proto = P_UDP) },
	{ "tot_len 27 with IHL 7 (28 bytes): bad-ipv4-len",
	  { ETH(E_IP), IPV4(P_UDP, 7), UDP(), IP4_TOT(27) },
	  0, XF_PERR_BAD_IPV4_LEN, false, W4(.proto = P_UDP) },
	{ "tot_len one byte beyond the frame: bad-ipv4-len",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), DATA(10), IP4_TOT(39) },
	  0, XF_PERR_BAD_IPV4_LEN, false, W4(.proto = P_UDP) },
	{ "tot_len 65535 in a 54-byte frame: bad-ipv4-len",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(5), IP4_TOT(0xffff) },
	  0, XF_PERR_BAD_IPV4_LEN, false, W4(.proto = P_TCP) },
	{ "Ethernet padding after a 28-byte IPv4 UDP packet is fine",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), PAD(18) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_UDP, .l4_off = 34, .ports = true) },
	{ "multi-buffer: tot_len past data_end but within frame_len is fine",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), DATA(1000) }, 1000, XF_PERR_NONE, false,
	  W4(.proto = P_UDP, .l4_off = 34, .ports = true) },
	{ "multi-buffer: tot_len past frame_len is still bad-ipv4-len",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), DATA(1000), IP4_TOT(1029) },
	  1000, XF_PERR_BAD_IPV4_LEN, false, W4(.proto = P_UDP) },
	{ "multi-buffer: TCP header past data_end is truncated-l4",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(5), DATA(100) },
	  110, XF_PERR_TRUNC_L4, false, W4(.proto = P_TCP, .l4_off = 34) },
	{ "first fragment (MF, offset 0) UDP: ports kept, frag first",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), DATA(64), IP4_FRAG(IP4_MF),
	    UDP_LEN(1000) },
	  0, XF_PERR_NONE, false,
	  W4(.proto = P_UDP, .frag = XF_FRAG_FIRST, .l4_off = 34, .ports = true) },
	{ "first fragment (MF|DF, offset 0) TCP: ports kept, frag first",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(5), DATA(8), IP4_FRAG(IP4_MF | IP4_DF) },
	  0, XF_PERR_NONE, false,
	  W4(.proto = P_TCP, .frag = XF_FRAG_FIRST, .l4_off = 34, .ports = true) },
	{ "later fragment (MF, offset 185): no ports, protocol set",
	  { ETH(E_IP), IPV4(P_UDP, 5), DATA(64), IP4_FRAG(IP4_MF | 185) },
	  0, XF_PERR_NONE, false, W4(.proto = P_UDP, .frag = XF_FRAG_LATER) },
	{ "last fragment (offset 1, no MF) of TCP, 3 bytes: no L4 parsed",
	  { ETH(E_IP), IPV4(P_TCP, 5), DATA(3), IP4_FRAG(1) },
	  0, XF_PERR_NONE, false, W4(.proto = P_TCP, .frag = XF_FRAG_LATER) },
	{ "later fragment of ICMP, offset 0x1fff: no type/code",
	  { ETH(E_IP), IPV4(P_ICMP, 6), DATA(8), IP4_FRAG(0x1fff) },
	  0, XF_PERR_NONE, false, W4(.proto = P_ICMP, .frag = XF_FRAG_LATER) },
	{ "later fragment, offset 4096 (only the top offset bit)",
	  { ETH(E_IP), IPV4(P_UDP, 5), DATA(8), IP4_FRAG(0x1000) },
	  0, XF_PERR_NONE, false, W4(.proto = P_UDP, .frag = XF_FRAG_LATER) },
	{ "later fragment: tot_len still checked (bad-ipv4-len)",
	  { ETH(E_IP), IPV4(P_UDP, 5), DATA(8), IP4_FRAG(100), IP4_TOT(100) },
	  0, XF_PERR_BAD_IPV4_LEN, false, W4(.proto = P_UDP) },
	{ "DF only, offset 0: not a fragment",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(5), IP4_FRAG(IP4_DF) },
	  0, XF_PERR_NONE, false,
	  W4(.proto = P_TCP, .l4_off = 34, .ports = true) },

	/* ---- IPv6 ---- */
	{ "IPv6 UDP",
	  { ETH(E_IP6), IPV6(P_UDP), UDP(), DATA(10) }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .l4_off = 54, .ports = true) },
	{ "IPv6 TCP with options (data offset 10)",
	  { ETH(E_IP6), IPV6(P_TCP), TCP(10) }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_TCP, .l4_off = 54, .ports = true) },
	{ "IPv6 SCTP",
	  { ETH(E_IP6), IPV6(P_SCTP), SCTP() }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_SCTP, .l4_off = 54, .ports = true) },
	{ "IPv6 ICMPv6 echo request: type 128 code 0",
	  { ETH(E_IP6), IPV6(P_ICMP6), ICMP(128, 0), DATA(4) }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_ICMP6, .l4_off = 54, .icmp = true, .icmp_type = 128) },
	{ "IPv6 ICMPv6 time exceeded: type 3 code 1",
	  { ETH(E_IP6), IPV6(P_ICMP6), ICMP(3, 1), DATA(52) }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_ICMP6, .l4_off = 54, .icmp = true, .icmp_type = 3,
	     .icmp_code = 1) },
	{ "hop-by-hop then UDP",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_UDP, 0), UDP() },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .l4_off = 62, .ports = true) },
	{ "hop-by-hop, routing (24), destination options (16), TCP",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_RT, 0), EXT(P_RT, P_DST, 2),
	    EXT(P_DST, P_TCP, 1), TCP(5), DATA(5) },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_TCP, .l4_off = 102, .ports = true) },
	{ "first fragment (offset 0, M): ports kept, frag first",
	  { ETH(E_IP6), IPV6(P_FRAG), FRAG6(P_UDP, 0, 1), UDP(), DATA(16),
	    UDP_LEN(3000) },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .frag = XF_FRAG_FIRST, .l4_off = 62, .ports = true) },
	{ "later fragment (offset 100, M): protocol set, no ports",
	  { ETH(E_IP6), IPV6(P_FRAG), FRAG6(P_TCP, 100, 1), DATA(16) },
	  0, XF_PERR_NONE, false, W6(.proto = P_TCP, .frag = XF_FRAG_LATER) },
	{ "last fragment (offset 7, no M) after hop-by-hop",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_FRAG, 0), FRAG6(P_UDP, 7, 0),
	    DATA(8) },
	  0, XF_PERR_NONE, false, W6(.proto = P_UDP, .frag = XF_FRAG_LATER) },
	{ "IPv6 later fragment, offset 1 (8 bytes)",
	  { ETH(E_IP6), IPV6(P_FRAG), FRAG6(P_UDP, 1, 0), DATA(8) },
	  0, XF_PERR_NONE, false, W6(.proto = P_UDP, .frag = XF_FRAG_LATER) },
	{ "atomic fragment (offset 0, no M): not a fragment",
	  { ETH(E_IP6), IPV6(P_FRAG), FRAG6(P_UDP, 0, 0), UDP() },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .l4_off = 62, .ports = true) },
	{ "AH hdrlen 4 is (4+2)*4 = 24 bytes, then TCP",
	  { ETH(E_IP6), IPV6(P_AH), EXT(P_AH, P_TCP, 4), TCP(5) },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_TCP, .l4_off = 78, .ports = true) },
	{ "AH hdrlen 1 is 12 bytes, then UDP",
	  { ETH(E_IP6), IPV6(P_AH), EXT(P_AH, P_UDP, 1), UDP() },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .l4_off = 66, .ports = true) },
	{ "hop-by-hop, AH (16), destination options, SCTP",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_AH, 0), EXT(P_AH, P_DST, 2),
	    EXT(P_DST, P_SCTP, 0), SCTP() },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_SCTP, .l4_off = 86, .ports = true) },
	{ "ESP (50) stops the walk: protocol set, no ports",
	  { ETH(E_IP6), IPV6(P_ESP), DATA(40) }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_ESP, .l4_off = 54) },
	{ "hop-by-hop then ESP",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_ESP, 0), DATA(24) },
	  0, XF_PERR_NONE, false, W6(.proto = P_ESP, .l4_off = 62) },
	{ "no next header (59) with 8 bytes after",
	  { ETH(E_IP6), IPV6(P_NONE), DATA(8) }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_NONE, .l4_off = 54) },
	{ "destination options then no next header",
	  { ETH(E_IP6), IPV6(P_DST), EXT(P_DST, P_NONE, 0) }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_NONE, .l4_off = 62) },
	{ "mobility header (135, 16 bytes) walked as an extension",
	  { ETH(E_IP6), IPV6(P_MH), EXT(P_MH, P_NONE, 1) }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_NONE, .l4_off = 70) },
	{ "HIP (139) and shim6 (140) walked as extensions, then UDP",
	  { ETH(E_IP6), IPV6(P_HIP), EXT(P_HIP, P_SHIM6, 1),
	    EXT(P_SHIM6, P_UDP, 0), UDP() },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .l4_off = 78, .ports = true) },
	{ "8 extension headers (XF_MAX_IPV6_EXT) are fine",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_DST, 0), EXT(P_DST, P_DST, 0),
	    EXT(P_DST, P_DST, 0), EXT(P_DST, P_DST, 0), EXT(P_DST, P_DST, 0),
	    EXT(P_DST, P_DST, 0), EXT(P_DST, P_DST, 0), EXT(P_DST, P_UDP, 0),
	    UDP() },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .l4_off = 118, .ports = true) },
	{ "9 extension headers: ipv6-ext-too-deep",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_DST, 0), EXT(P_DST, P_DST, 0),
	    EXT(P_DST, P_DST, 0), EXT(P_DST, P_DST, 0), EXT(P_DST, P_DST, 0),
	    EXT(P_DST, P_DST, 0), EXT(P_DST, P_DST, 0), EXT(P_DST, P_DST, 0),
	    EXT(P_DST, P_UDP, 0), UDP() },
	  0, XF_PERR_IPV6_EXT_TOO_DEEP, false, W6(.proto = P_DST) },
	{ "extension header of 1 byte: truncated-ipv6-ext",
	  { ETH(E_IP6), IPV6(P_HOP), DATA(1) },
	  0, XF_PERR_TRUNC_IPV6_EXT, false, W6(.proto = P_HOP) },
	{ "hop-by-hop of 16 bytes cut at 10: truncated-ipv6-ext",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_UDP, 1), TRIM(6) },
	  0, XF_PERR_TRUNC_IPV6_EXT, false, W6(.proto = P_HOP) },
	{ "routing header cut short after hop-by-hop: proto is routing",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_RT, 0), EXT(P_RT, P_UDP, 2),
	    TRIM(1) },
	  0, XF_PERR_TRUNC_IPV6_EXT, false, W6(.proto = P_RT) },
	{ "fragment header of 7 bytes: truncated-ipv6-ext",
	  { ETH(E_IP6), IPV6(P_FRAG), FRAG6(P_UDP, 0, 1), TRIM(1) },
	  0, XF_PERR_TRUNC_IPV6_EXT, false, W6(.proto = P_FRAG) },
	{ "AH of 12 bytes cut at 8: truncated-ipv6-ext",
	  { ETH(E_IP6), IPV6(P_AH), EXT(P_AH, P_TCP, 1), TRIM(4) },
	  0, XF_PERR_TRUNC_IPV6_EXT, false, W6(.proto = P_AH) },
	{ "multi-buffer: extension header past data_end: truncated-ipv6-ext",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_UDP, 1), UDP(), DATA(100) },
	  120, XF_PERR_TRUNC_IPV6_EXT, false, W6(.proto = P_HOP) },
	{ "multi-buffer: payload_len past data_end but within frame_len is fine",
	  { ETH(E_IP6), IPV6(P_UDP), UDP(), DATA(1000) }, 1000, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .l4_off = 54, .ports = true) },
	{ "IPv6 fixed header of 39 bytes: truncated-ipv6",
	  { ETH(E_IP6), IPV6(P_UDP), TRIM(1) },
	  0, XF_PERR_TRUNC_IPV6, false, { .eth_proto = E_IP6, .l3_off = 14 } },
	{ "VLAN, IPv6 fixed header of 20 bytes: truncated-ipv6",
	  { ETH(E_Q), VLAN(9, E_IP6), IPV6(P_UDP), TRIM(20) },
	  0, XF_PERR_TRUNC_IPV6, false,
	  { .vlan_n = 1, .vlan = { 9 }, .eth_proto = E_IP6, .l3_off = 18 } },
	{ "version 4 under the IPv6 ethertype: bad-ip-version",
	  { ETH(E_IP6), IPV6(P_UDP), UDP(), IP6_VER(4) },
	  0, XF_PERR_BAD_IP_VERSION, false, { .eth_proto = E_IP6, .l3_off = 14 } },
	{ "traffic class and flow label all ones: still version 6",
	  { ETH(E_IP6), IPV6(P_UDP), UDP(), SET8(AT_L3, 0, 0x6f),
	    SET8(AT_L3, 1, 0xff), SET16(AT_L3, 2, 0xffff) },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .l4_off = 54, .ports = true) },
	{ "payload_len one byte beyond the frame: bad-ipv6-len",
	  { ETH(E_IP6), IPV6(P_UDP), UDP(), DATA(4), IP6_PLEN(13) },
	  0, XF_PERR_BAD_IPV6_LEN, false, W6(.proto = P_UDP) },
	{ "payload_len 0 without hop-by-hop: empty payload, UDP truncated-l4",
	  { ETH(E_IP6), IPV6(P_UDP), UDP(), IP6_PLEN(0) },
	  0, XF_PERR_TRUNC_L4, false, W6(.proto = P_UDP, .l4_off = 54) },
	{ "payload_len 0 with next header 59: a legal empty packet",
	  { ETH(E_IP6), IPV6(P_NONE) },
	  0, XF_PERR_NONE, false, W6(.proto = P_NONE, .l4_off = 54) },
	{ "ICMP (1) inside IPv6: a protocol number only, no type/code",
	  { ETH(E_IP6), IPV6(P_ICMP), ICMP(8, 0), DATA(4) }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_ICMP, .l4_off = 54) },
	{ "ICMPv6 (58) inside IPv4: a protocol number only, no type/code",
	  { ETH(E_IP), IPV4(P_ICMP6, 5), ICMP(128, 0), DATA(4) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_ICMP6, .l4_off = 34) },
	{ "payload_len 0 behind hop-by-hop (jumbogram): rest of frame",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_UDP, 0), UDP(), DATA(8),
	    IP6_PLEN(0) },
	  0, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .l4_off = 62, .ports = true) },
	{ "extension headers longer than payload_len: bad-ipv6-len",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_UDP, 1), UDP(), IP6_PLEN(8) },
	  0, XF_PERR_BAD_IPV6_LEN, false, W6(.proto = P_UDP) },
	/*
	 * Regression: the later-fragment branch once returned before the
	 * "used > plen" check.
	 */
	{ "later-fragment header beyond payload_len 4: bad-ipv6-len",
	  { ETH(E_IP6), IPV6(P_FRAG), FRAG6(P_UDP, 100, 1), DATA(16), IP6_PLEN(4) },
	  0, XF_PERR_BAD_IPV6_LEN, true, { 0 } },
	{ "bytes after payload_len (padding) are ignored",
	  { ETH(E_IP6), IPV6(P_UDP), UDP(), DATA(4), PAD(10) }, 0, XF_PERR_NONE, false,
	  W6(.proto = P_UDP, .l4_off = 54, .ports = true) },

	/* ---- L4 ---- */
	{ "TCP header of 19 bytes: truncated-l4, no ports",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(5), TRIM(1) },
	  0, XF_PERR_TRUNC_L4, false, W4(.proto = P_TCP, .l4_off = 34) },
	{ "TCP header cut to 19 bytes by tot_len in a longer frame",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(5), IP4_TOT(39) },
	  0, XF_PERR_TRUNC_L4, false, W4(.proto = P_TCP, .l4_off = 34) },
	{ "IPv6 TCP header of 12 bytes: truncated-l4",
	  { ETH(E_IP6), IPV6(P_TCP), TCP(5), TRIM(8) },
	  0, XF_PERR_TRUNC_L4, false, W6(.proto = P_TCP, .l4_off = 54) },
	{ "UDP header of 7 bytes: truncated-l4",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), TRIM(1) },
	  0, XF_PERR_TRUNC_L4, false, W4(.proto = P_UDP, .l4_off = 34) },
	{ "UDP header cut to 7 bytes by tot_len, frame padded: truncated-l4",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), PAD(10), IP4_TOT(27) },
	  0, XF_PERR_TRUNC_L4, false, W4(.proto = P_UDP, .l4_off = 34) },
	{ "IPv6 UDP header of 7 bytes after hop-by-hop: truncated-l4",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_UDP, 0), UDP(), TRIM(1) },
	  0, XF_PERR_TRUNC_L4, false, W6(.proto = P_UDP, .l4_off = 62) },
	{ "SCTP common header of 11 bytes: truncated-l4",
	  { ETH(E_IP), IPV4(P_SCTP, 5), SCTP(), TRIM(1) },
	  0, XF_PERR_TRUNC_L4, false, W4(.proto = P_SCTP, .l4_off = 34) },
	{ "SCTP header cut to 11 bytes by tot_len: truncated-l4",
	  { ETH(E_IP), IPV4(P_SCTP, 5), SCTP(), IP4_TOT(31) },
	  0, XF_PERR_TRUNC_L4, false, W4(.proto = P_SCTP, .l4_off = 34) },
	{ "IPv6 SCTP common header of 4 bytes: truncated-l4",
	  { ETH(E_IP6), IPV6(P_SCTP), SCTP(), TRIM(8) },
	  0, XF_PERR_TRUNC_L4, false, W6(.proto = P_SCTP, .l4_off = 54) },
	{ "ICMP header of 3 bytes: truncated-l4, no type",
	  { ETH(E_IP), IPV4(P_ICMP, 5), ICMP(8, 0), TRIM(1) },
	  0, XF_PERR_TRUNC_L4, false, W4(.proto = P_ICMP, .l4_off = 34) },
	{ "ICMPv6 header of 3 bytes: truncated-l4",
	  { ETH(E_IP6), IPV6(P_ICMP6), ICMP(128, 0), TRIM(1) },
	  0, XF_PERR_TRUNC_L4, false, W6(.proto = P_ICMP6, .l4_off = 54) },
	{ "ICMPv6 header cut to 3 bytes by payload_len: truncated-l4",
	  { ETH(E_IP6), IPV6(P_ICMP6), ICMP(128, 0), DATA(4), IP6_PLEN(3) },
	  0, XF_PERR_TRUNC_L4, false, W6(.proto = P_ICMP6, .l4_off = 54) },
	{ "ICMP of exactly 4 bytes is enough",
	  { ETH(E_IP), IPV4(P_ICMP, 5), ICMP(0, 0) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_ICMP, .l4_off = 34, .icmp = true) },
	{ "TCP data offset 4: bad-tcp-hlen, ports already read",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(4) },
	  0, XF_PERR_BAD_TCP_HLEN, false,
	  W4(.proto = P_TCP, .l4_off = 34, .ports = true) },
	{ "TCP data offset 0: bad-tcp-hlen",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(0), DATA(20) },
	  0, XF_PERR_BAD_TCP_HLEN, false,
	  W4(.proto = P_TCP, .l4_off = 34, .ports = true) },
	{ "IPv6 TCP data offset 3: bad-tcp-hlen",
	  { ETH(E_IP6), IPV6(P_TCP), TCP(3) },
	  0, XF_PERR_BAD_TCP_HLEN, false,
	  W6(.proto = P_TCP, .l4_off = 54, .ports = true) },
	{ "TCP data offset 15, options beyond the frame: truncated-l4",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(5), DATA(8), TCP_DOFF(15) },
	  0, XF_PERR_TRUNC_L4, false,
	  W4(.proto = P_TCP, .l4_off = 34, .ports = true) },
	{ "TCP options beyond tot_len, inside the frame: truncated-l4",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(8), IP4_TOT(44) },
	  0, XF_PERR_TRUNC_L4, false,
	  W4(.proto = P_TCP, .l4_off = 34, .ports = true) },
	{ "multi-buffer: TCP options past data_end: truncated-l4",
	  { ETH(E_IP6), IPV6(P_TCP), TCP(15), DATA(50) },
	  51, XF_PERR_TRUNC_L4, false,
	  W6(.proto = P_TCP, .l4_off = 54, .ports = true) },
	{ "TCP data offset 15 with all 40 option bytes present",
	  { ETH(E_IP), IPV4(P_TCP, 5), TCP(15) }, 0, XF_PERR_NONE, false,
	  W4(.proto = P_TCP, .l4_off = 34, .ports = true) },
	{ "UDP length 7: bad-udp-len, ports already read",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), DATA(4), UDP_LEN(7) },
	  0, XF_PERR_BAD_UDP_LEN, false,
	  W4(.proto = P_UDP, .l4_off = 34, .ports = true) },
	{ "UDP length 0: bad-udp-len",
	  { ETH(E_IP6), IPV6(P_UDP), UDP(), UDP_LEN(0) },
	  0, XF_PERR_BAD_UDP_LEN, false,
	  W6(.proto = P_UDP, .l4_off = 54, .ports = true) },
	{ "UDP length one byte beyond the IPv4 payload: bad-udp-len",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), DATA(10), UDP_LEN(19) },
	  0, XF_PERR_BAD_UDP_LEN, false,
	  W4(.proto = P_UDP, .l4_off = 34, .ports = true) },
	{ "UDP length beyond tot_len but inside Ethernet padding: bad-udp-len",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), DATA(2), PAD(16), UDP_LEN(12) },
	  0, XF_PERR_BAD_UDP_LEN, false,
	  W4(.proto = P_UDP, .l4_off = 34, .ports = true) },
	{ "UDP length shorter than the IP payload is fine",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), DATA(10), UDP_LEN(8) },
	  0, XF_PERR_NONE, false,
	  W4(.proto = P_UDP, .l4_off = 34, .ports = true) },
	{ "IPv6 UDP length beyond payload_len: bad-udp-len",
	  { ETH(E_IP6), IPV6(P_UDP), UDP(), DATA(4), UDP_LEN(13) },
	  0, XF_PERR_BAD_UDP_LEN, false,
	  W6(.proto = P_UDP, .l4_off = 54, .ports = true) },
	{ "IPv6 UDP length counted after the extension headers",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_UDP, 0), UDP(), DATA(4),
	    UDP_LEN(20) },
	  0, XF_PERR_BAD_UDP_LEN, false,
	  W6(.proto = P_UDP, .l4_off = 62, .ports = true) },
	{ "IPv4 first fragment UDP, length 0: still bad-udp-len",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), DATA(8), IP4_FRAG(IP4_MF),
	    UDP_LEN(0) },
	  0, XF_PERR_BAD_UDP_LEN, false,
	  W4(.proto = P_UDP, .frag = XF_FRAG_FIRST, .l4_off = 34, .ports = true) },
};

static void run_case(void **state)
{
	const struct pcase *c = *state;
	struct xf_pkt p;
	struct fb f;
	size_t n;
	int ret, bad = 0;

	fb_build(&f, c->ops);
	assert_true(c->linear_cut <= f.c.len);
	n = f.c.len - c->linear_cut;
	ret = parse_exact(&p, f.b, n, f.c.len);
	if (ret != c->err) {
		print_error("    error: got %s (%d), expected %s (%d)\n",
			    perr_name(ret), ret, perr_name(c->err), c->err);
		bad++;
	}
	EXPECT("p->error == return", p.error, ret);
	if (!c->err_only)
		bad += check_fields(&p, &c->w, f.c.len);
	if (bad) {
		print_error("    frame (%zu bytes, %zu linear):\n", f.c.len, n);
		dump_frame(f.b, n);
		fail_msg("%s: %d mismatch(es)", c->name, bad);
	}
	seen_errors |= 1u << ret;
}

/* ------------------------------------------------------------------ */
/* Loops                                                               */
/* ------------------------------------------------------------------ */

static void test_eth_short_frames(void **state)
{
	static const struct want none = { 0 };
	struct xf_pkt p;
	struct fb f;
	size_t n;

	(void)state;
	fb_build(&f, (const struct op[]){ ETH(E_IP), IPV4(P_UDP, 5), UDP(), { 0 } });
	for (n = 0; n < 14; n++) {
		int ret = parse_exact(&p, f.b, n, n);

		if (ret != XF_PERR_TRUNC_ETH || check_fields(&p, &none, n))
			fail_msg("%zu-byte frame: got %s", n, perr_name(ret));
	}
	seen_errors |= 1u << XF_PERR_TRUNC_ETH;
}

/* Every IHL 5..15, each L4, with and without a tag: L4 right after options. */
static void test_ipv4_every_ihl(void **state)
{
	static const struct op l4s[] = { TCP(5), UDP(), SCTP(), ICMP(11, 0) };
	static const uint8_t protos[] = { P_TCP, P_UDP, P_SCTP, P_ICMP };
	int ihl, vlan, i;

	(void)state;
	for (vlan = 0; vlan < 2; vlan++)
		for (ihl = 5; ihl <= 15; ihl++)
			for (i = 0; i < 4; i++) {
				struct op ops[MAX_OPS] = { 0 }, *o = ops;
				struct want w = { .l3 = 4, .eth_proto = E_IP };
				struct xf_pkt p;
				struct fb f;
				int ret;

				if (vlan) {
					*o++ = (struct op)ETH(E_Q);
					*o++ = (struct op)VLAN(300, E_IP);
				} else {
					*o++ = (struct op)ETH(E_IP);
				}
				*o++ = (struct op)IPV4(protos[i], ihl);
				*o++ = l4s[i];
				*o++ = (struct op)DATA(6);
				fb_build(&f, ops);

				w.proto = protos[i];
				w.vlan_n = vlan;
				w.vlan[0] = vlan ? 300 : 0;
				w.l3_off = 14 + 4 * vlan;
				w.l4_off = w.l3_off + ihl * 4;
				w.ports = protos[i] != P_ICMP;
				w.icmp = protos[i] == P_ICMP;
				w.icmp_type = w.icmp ? 11 : 0;
				ret = parse_exact(&p, f.b, f.c.len, f.c.len);
				if (ret || check_fields(&p, &w, f.c.len))
					fail_msg("vlan %d ihl %d proto %d: got %s",
						 vlan, ihl, protos[i], perr_name(ret));
			}
}

static void test_ipv4_every_bad_ihl(void **state)
{
	static const struct want w = W4(.proto = P_UDP);
	struct xf_pkt p;
	struct fb f;
	int ihl;

	(void)state;
	for (ihl = 0; ihl < 5; ihl++) {
		int ret;

		fb_build(&f, (const struct op[]){ ETH(E_IP), IPV4(P_UDP, 5), UDP(),
						   IP4_VER_IHL(0x40 | ihl), { 0 } });
		ret = parse_exact(&p, f.b, f.c.len, f.c.len);
		if (ret != XF_PERR_BAD_IHL || check_fields(&p, &w, f.c.len))
			fail_msg("ihl %d: got %s", ihl, perr_name(ret));
	}
}

/*
 * Chains of 0..XF_MAX_IPV6_EXT+2 extension headers of every kind the
 * parser walks: up to the limit the UDP header is found at the right
 * offset, past it the parser gives up with ipv6-ext-too-deep.
 */
static void test_ipv6_ext_depth(void **state)
{
	static const uint8_t kinds[] = { P_DST, P_RT, P_AH, P_FRAG, P_MH,
					 P_HIP, P_SHIM6 };
	int depth, i;

	(void)state;
	for (depth = 0; depth <= XF_MAX_IPV6_EXT + 2; depth++) {
		struct op ops[XF_MAX_IPV6_EXT + 8] = { 0 }, *o = ops;
		uint8_t chain[XF_MAX_IPV6_EXT + 3];
		struct want w = W6(.proto = P_UDP);
		size_t off = 54;
		struct xf_pkt p;
		struct fb f;
		int ret, want_err;

		for (i = 0; i < depth; i++)
			chain[i] = i == 0 ? P_HOP : kinds[(i - 1) % ARRAY_SIZE(kinds)];
		*o++ = (struct op)ETH(E_IP6);
		*o++ = (struct op)IPV6(depth ? chain[0] : P_UDP);
		for (i = 0; i < depth; i++) {
			uint8_t nh = i + 1 < depth ? chain[i + 1] : P_UDP;

			if (chain[i] == P_FRAG) {
				*o++ = (struct op)FRAG6(nh, 0, 0);
				off += 8;
			} else if (chain[i] == P_AH) {
				*o++ = (struct op)EXT(P_AH, nh, 1);
				off += 12;
			} else if (chain[i] == P_RT) {
				*o++ = (struct op)EXT(P_RT, nh, 1);
				off += 16;
			} else {
				*o++ = (struct op)EXT(chain[i], nh, 0);
				off += 8;
			}
		}
		*o++ = (struct op)UDP();
		fb_build(&f, ops);

		if (depth <= XF_MAX_IPV6_EXT) {
			want_err = XF_PERR_NONE;
			w.l4_off = off;
			w.ports = true;
		} else {
			want_err = XF_PERR_IPV6_EXT_TOO_DEEP;
			w.proto = chain[XF_MAX_IPV6_EXT];
		}
		ret = parse_exact(&p, f.b, f.c.len, f.c.len);
		if (ret != want_err || check_fields(&p, &w, f.c.len))
			fail_msg("depth %d: got %s, expected %s", depth,
				 perr_name(ret), perr_name(want_err));
	}
}

/*
 * Frames cut at every length.  "lin" is a frame of n bytes (frame_len ==
 * n); "mb" is the linear part of a multi-buffer frame (frame_len is the
 * full length).  A region {end, err} says: prefixes shorter than end fail
 * with err (the first region that matches); longer ones parse cleanly.
 */
struct region {
	unsigned end;
	int err;
};

struct trunc_frame {
	const char *name;
	struct op ops[MAX_OPS];
	struct region lin[6], mb[6];
};

static const struct trunc_frame trunc_frames[] = {
	{ "VLAN, IPv4 IHL 7, TCP data offset 8, 10 bytes",
	  { ETH(E_Q), VLAN(42, E_IP), IPV4(P_TCP, 7), TCP(8), DATA(10) },
	  { { 14, XF_PERR_TRUNC_ETH }, { 18, XF_PERR_TRUNC_VLAN },
	    { 46, XF_PERR_TRUNC_IPV4 }, { 88, XF_PERR_BAD_IPV4_LEN } },
	  { { 14, XF_PERR_TRUNC_ETH }, { 18, XF_PERR_TRUNC_VLAN },
	    { 46, XF_PERR_TRUNC_IPV4 }, { 78, XF_PERR_TRUNC_L4 } } },
	{ "IPv6, hop-by-hop, routing, fragment, dest opts, AH, UDP, 12 bytes",
	  { ETH(E_IP6), IPV6(P_HOP), EXT(P_HOP, P_RT, 0), EXT(P_RT, P_FRAG, 2),
	    FRAG6(P_DST, 0, 1), EXT(P_DST, P_AH, 1), EXT(P_AH, P_UDP, 1), UDP(),
	    DATA(12) },
	  { { 14, XF_PERR_TRUNC_ETH }, { 54, XF_PERR_TRUNC_IPV6 },
	    { 142, XF_PERR_BAD_IPV6_LEN } },
	  { { 14, XF_PERR_TRUNC_ETH }, { 54, XF_PERR_TRUNC_IPV6 },
	    { 122, XF_PERR_TRUNC_IPV6_EXT }, { 130, XF_PERR_TRUNC_L4 } } },
	{ "QinQ, IPv6, ICMPv6 echo request, 8 bytes",
	  { ETH(E_AD), VLAN(100, E_Q), VLAN(200, E_IP6), IPV6(P_ICMP6),
	    ICMP(128, 0), DATA(8) },
	  { { 14, XF_PERR_TRUNC_ETH }, { 22, XF_PERR_TRUNC_VLAN },
	    { 62, XF_PERR_TRUNC_IPV6 }, { 74, XF_PERR_BAD_IPV6_LEN } },
	  { { 14, XF_PERR_TRUNC_ETH }, { 22, XF_PERR_TRUNC_VLAN },
	    { 62, XF_PERR_TRUNC_IPV6 }, { 66, XF_PERR_TRUNC_L4 } } },
	{ "IPv4 UDP padded to 60 bytes",
	  { ETH(E_IP), IPV4(P_UDP, 5), UDP(), PAD(18) },
	  { { 14, XF_PERR_TRUNC_ETH }, { 34, XF_PERR_TRUNC_IPV4 },
	    { 42, XF_PERR_BAD_IPV4_LEN } },
	  { { 14, XF_PERR_TRUNC_ETH }, { 34, XF_PERR_TRUNC_IPV4 },
	    { 42, XF_PERR_TRUNC_L4 } } },
	{ "IPv4 IHL 15, SCTP, 4 bytes",
	  { ETH(E_IP), IPV4(P_SCTP, 15), SCTP(), DATA(4) },
	  { { 14, XF_PERR_TRUNC_ETH }, { 74, XF_PERR_TRUNC_IPV4 },
	    { 90, XF_PERR_BAD_IPV4_LEN } },
	  { { 14, XF_PERR_TRUNC_ETH }, { 74, XF_PERR_TRUNC_IPV4 },
	    { 86, XF_PERR_TRUNC_L4 } } },
};

static int region_err(const struct region *r, size_t n)
{
	for (; r->end; r++)
		if (n < r->end)
			return r->err;
	return XF_PERR_NONE;
}

static void truncate_every_byte(bool multibuf)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(trunc_frames); i++) {
		const struct trunc_frame *t = &trunc_frames[i];
		const struct region *r = multibuf ? t->mb : t->lin;
		struct fb f;

		fb_build(&f, t->ops);
		for (n = 0; n <= f.c.len; n++) {
			uint32_t frame_len = multibuf ? f.c.len : n;
			int want = region_err(r, n);
			struct xf_pkt p;
			int ret, bad;

			ret = parse_exact(&p, f.b, n, frame_len);
			bad = check_invariants(&p, ret, n, frame_len);
			if (n < f.hdr_end && ret == XF_PERR_NONE) {
				print_error("    prefix cuts a header, no error\n");
				bad++;
			}
			if (ret != want) {
				print_error("    got %s, expected %s\n",
					    perr_name(ret), perr_name(want));
				bad++;
			}
			if (bad)
				fail_msg("%s: prefix %zu of %zu (frame_len %u)",
					 t->name, n, f.c.len, frame_len);
		}
	}
}

static void test_truncate_every_byte(void **state)
{
	(void)state;
	truncate_every_byte(false);
}

static void test_truncate_every_byte_multibuf(void **state)
{
	(void)state;
	truncate_every_byte(true);
}

static void check_mutant(const char *name, const uint8_t *b, size_t len,
			 const char *how)
{
	size_t n;
	int mode;

	for (n = 0; n <= len; n++)
		for (mode = 0; mode < 2; mode++) {
			uint32_t frame_len = mode ? len : n;
			struct xf_pkt p;
			int ret = parse_exact(&p, b, n, frame_len);

			if (check_invariants(&p, ret, n, frame_len))
				fail_msg("%s, %s: prefix %zu, frame_len %u",
					 name, how, n, frame_len);
		}
}

/* Every byte of every truncation frame set to a few values, every prefix. */
static void test_mutate_every_byte(void **state)
{
	size_t i, pos, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(trunc_frames); i++) {
		const struct trunc_frame *t = &trunc_frames[i];
		struct fb f;

		fb_build(&f, t->ops);
		for (pos = 0; pos < f.c.len; pos++) {
			uint8_t orig = f.b[pos];
			const uint8_t vals[] = { 0x00, 0xff, orig ^ 0x01, orig ^ 0x10,
						 orig ^ 0x80, (uint8_t)(orig + 8) };
			char how[48];

			for (k = 0; k < ARRAY_SIZE(vals); k++) {
				f.b[pos] = vals[k];
				snprintf(how, sizeof(how), "byte %zu = 0x%02x",
					 pos, vals[k]);
				check_mutant(t->name, f.b, f.c.len, how);
			}
			f.b[pos] = orig;
		}
	}
}

static uint32_t rng_state = 0x2545f491;

static uint32_t rng(void)	/* xorshift32, fixed seed: runs repeat */
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

/* A random walk over multi-byte mutations of the same frames. */
static void test_random_mutations(void **state)
{
	int iter, k;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		const struct trunc_frame *t;
		struct xf_pkt p;
		struct fb f;
		size_t n;
		uint32_t frame_len;
		int ret, changes;

		t = &trunc_frames[rng() % ARRAY_SIZE(trunc_frames)];
		fb_build(&f, t->ops);
		changes = 1 + rng() % 4;
		for (k = 0; k < changes; k++) {
			size_t pos = rng() % f.c.len;

			f.b[pos] = (uint8_t)rng();
		}
		n = rng() % (f.c.len + 1);
		frame_len = rng() & 1 ? f.c.len : n;
		ret = parse_exact(&p, f.b, n, frame_len);
		if (check_invariants(&p, ret, n, frame_len)) {
			dump_frame(f.b, n);
			fail_msg("iteration %d (%s), prefix %zu", iter, t->name, n);
		}
	}
}

/* Fields are stored in network order (addresses, ports), host order (ids). */
static void test_byte_order(void **state)
{
	struct xf_pkt p;
	struct fb f;

	(void)state;
	fb_build(&f, (const struct op[]){ ETH(E_Q), VLAN(0x0abc, E_IP),
					   IPV4(P_UDP, 5), UDP(), { 0 } });
	assert_int_equal(parse_exact(&p, f.b, f.c.len, f.c.len), 0);
	assert_int_equal(p.src[0], htonl(0xc0000201));
	assert_int_equal(p.dst[0], htonl(0xc6336402));
	assert_int_equal(p.sport, htons(SPORT));
	assert_int_equal(p.dport, htons(DPORT));
	assert_int_equal(p.vlan[0], 0x0abc);
	assert_int_equal(p.eth_proto, 0x0800);
	assert_int_equal(p.l3_off, 18);
	assert_int_equal(p.l4_off, 38);

	fb_build(&f, (const struct op[]){ ETH(E_IP6), IPV6(P_TCP), TCP(5), { 0 } });
	assert_int_equal(parse_exact(&p, f.b, f.c.len, f.c.len), 0);
	assert_int_equal(p.src[0], htonl(0x20010db8));
	assert_int_equal(p.src[3], htonl(0x00050006));
	assert_int_equal(p.dst[1], htonl(0xaaaabbbb));
	assert_int_equal(p.dst[3], htonl(0xeeeeff01));
	assert_int_equal(p.sport, htons(SPORT));
	assert_int_equal(p.eth_proto, 0x86dd);
}

/* A second parse into the same struct leaves nothing of the first. */
static void test_reuse_clears_fields(void **state)
{
	static const struct want arp = { .eth_proto = E_ARP, .l3_off = 14 };
	struct xf_pkt p;
	struct fb f1, f2;

	(void)state;
	fb_build(&f1, (const struct op[]){ ETH(E_AD), VLAN(1, E_Q), VLAN(2, E_IP6),
					    IPV6(P_FRAG), FRAG6(P_UDP, 0, 1), UDP(),
					    { 0 } });
	fb_build(&f2, (const struct op[]){ ETH(E_ARP), DATA(28), { 0 } });
	assert_int_equal(parse_exact(&p, f1.b, f1.c.len, f1.c.len), 0);
	assert_int_equal(p.frag, XF_FRAG_FIRST);
	assert_int_equal(parse_into(&p, f2.b, f2.c.len, f2.c.len), 0);
	assert_int_equal(check_fields(&p, &arp, f2.c.len), 0);
}

static void test_perr_names(void **state)
{
	(void)state;
	assert_int_equal(ARRAY_SIZE(perr_names), XF_PERR_MAX);
}

/* Runs last: every enum xf_perr value was produced by some test. */
static void test_every_error_covered(void **state)
{
	int e, missing = 0;

	(void)state;
	for (e = 0; e < XF_PERR_MAX; e++)
		if (!(seen_errors & (1u << e))) {
			print_error("    never produced: %s\n", perr_name(e));
			missing++;
		}
	assert_int_equal(missing, 0);
}

int main(void)
{
	static const struct CMUnitTest loops[] = {
		cmocka_unit_test(test_eth_short_frames),
		cmocka_unit_test(test_ipv4_every_ihl),
		cmocka_unit_test(test_ipv4_every_bad_ihl),
		cmocka_unit_test(test_ipv6_ext_depth),
		cmocka_unit_test(test_truncate_every_byte),
		cmocka_unit_test(test_truncate_every_byte_multibuf),
		cmocka_unit_test(test_mutate_every_byte),
		cmocka_unit_test(test_random_mutations),
		cmocka_unit_test(test_byte_order),
		cmocka_unit_test(test_reuse_clears_fields),
		cmocka_unit_test(test_perr_names),
		cmocka_unit_test(test_every_error_covered),
	};
	size_t n = ARRAY_SIZE(cases) + ARRAY_SIZE(loops), i, k = 0;
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	int ret;

	if (!tests)
		return 1;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		tests[k++] = (struct CMUnitTest){
			.name = cases[i].name,
			.test_func = run_case,
			.initial_state = (void *)&cases[i],
		};
	for (i = 0; i < ARRAY_SIZE(loops); i++)
		tests[k++] = loops[i];
	ret = _cmocka_run_group_tests("xf_parse", tests, k, NULL, NULL);
	free(tests);
	return ret;
}
