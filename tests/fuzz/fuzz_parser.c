// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fuzz_parser.c - libFuzzer target for the frame parser, common/xf_parse.h,
 * compiled for the host with -fsanitize=fuzzer,address,undefined.
 *
 * The input is one Ethernet frame, as captured.  It is copied 2 bytes into
 * a heap block of exactly len + 2 bytes (NET_IP_ALIGN, as a NIC places it,
 * so the IP header is 4-byte aligned and UBSan's alignment check only fires
 * on a real misalignment), so ASan catches any read past data_end.
 *
 * Each input is parsed twice:
 *   - frame_len == len: a linear frame;
 *   - frame_len > len: the multi-buffer case, where only the linear part
 *     may be read and the rest of the frame exists only as a length.  The
 *     extra length comes from the first two bytes (the destination MAC),
 *     so the fuzzer steers it too.
 * and after each parse the result is checked against invariants (check())
 * and against a second, independent parser (ref_parse(), written from the
 * README's error table with byte offsets instead of struct pointers).
 * The two results are also compared: a longer frame only relaxes length
 * checks, so whatever parses linearly must parse the same way with more
 * bytes behind it, and errors found before any length field is read must
 * not depend on frame_len at all.
 *
 * A broken invariant prints what broke and abort()s: libFuzzer saves the
 * input as a crash artifact.  Build and run: make fuzz-smoke, make fuzz
 * (tests/fuzz/fuzz.mk).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xf_parse.h"

#define NET_IP_ALIGN 2

static const char *const perr_names[] = XF_PERR_NAMES;

static void __attribute__((noreturn, format(printf, 4, 5)))
fail(const struct xf_pkt *p, const char *what, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_parser.c:%d: invariant broken (%s): ", line, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr,
		"\n  error=%u(%s) len=%u vlan_n=%u vlan=%u,%u l3=%u proto=%u frag=%u"
		" has_ports=%u has_icmp=%u eth_proto=0x%04x l3_off=%u l4_off=%u l4_len=%u"
		" sport=%u dport=%u\n",
		p->error, p->error < XF_PERR_MAX ? perr_names[p->error] : "?", p->len,
		p->vlan_n, p->vlan[0], p->vlan[1], p->l3, p->proto, p->frag, p->has_ports,
		p->has_icmp, p->eth_proto, p->l3_off, p->l4_off, p->l4_len,
		xf_ntohs(p->sport), xf_ntohs(p->dport));
	abort();
}

/* CHECK(cond, fmt, ...): the invariant cond must hold for the result p. */
#define CHECK(cond, ...)							\
	do {									\
		if (!(cond))							\
			fail(p, #cond, __LINE__, __VA_ARGS__);			\
	} while (0)

static uint16_t be16_at(const uint8_t *d, uint32_t off)
{
	return (uint16_t)(d[off] << 8 | d[off + 1]);
}

static int is_port_proto(uint8_t proto)
{
	return proto == XF_IPPROTO_TCP || proto == XF_IPPROTO_UDP ||
	       proto == XF_IPPROTO_SCTP;
}

/* ICMP counts only in IPv4, ICMPv6 only in IPv6. */
static int is_icmp_of(const struct xf_pkt *p)
{
	return (p->l3 == XF_L3_IPV4 && p->proto == XF_IPPROTO_ICMP) ||
	       (p->l3 == XF_L3_IPV6 && p->proto == XF_IPPROTO_ICMPV6);
}

/* Errors found before any length field is compared with frame_len. */
static int is_len_independent(int err)
{
	switch (err) {
	case XF_PERR_TRUNC_ETH:
	case XF_PERR_TRUNC_VLAN:
	case XF_PERR_VLAN_TOO_DEEP:
	case XF_PERR_BAD_IP_VERSION:
	case XF_PERR_TRUNC_IPV4:
	case XF_PERR_BAD_IHL:
	case XF_PERR_TRUNC_IPV6:
		return 1;
	}
	return 0;
}

static int is_l4_error(int err)
{
	return err == XF_PERR_TRUNC_L4 || err == XF_PERR_BAD_TCP_HLEN ||
	       err == XF_PERR_BAD_UDP_LEN;
}

/*
 * Check one result.  d..d+len is the linear data, frame_len what the
 * parser was told the whole frame is.
 */
static void check(const struct xf_pkt *p, int ret, const uint8_t *d, uint32_t len,
		  uint32_t frame_len)
{
	int err = p->error;
	uint32_t l3_min = 0;

	/* The result itself. */
	CHECK(ret == err, "returned %d but p->error is %d", ret, err);
	CHECK(err >= 0 && err < XF_PERR_MAX, "error %d out of range", err);
	CHECK(p->len == frame_len, "len %u, frame_len %u", p->len, frame_len);
	CHECK(p->pad == 0, "pad %u", p->pad);
	CHECK(p->frag <= XF_FRAG_LATER, "frag %u", p->frag);
	CHECK(p->l3 == XF_L3_NONE || p->l3 == XF_L3_IPV4 || p->l3 == XF_L3_IPV6,
	      "l3 %u", p->l3);
	CHECK(p->has_ports <= 1 && p->has_icmp <= 1, "flags not 0/1");

	/* Ethernet and VLAN tags. */
	CHECK(p->vlan_n <= XF_MAX_VLAN, "vlan_n %u", p->vlan_n);
	for (int i = 0; i < XF_MAX_VLAN; i++) {
		if (i >= p->vlan_n) {
			CHECK(p->vlan[i] == 0, "vlan[%d] set beyond vlan_n", i);
			continue;
		}
		uint16_t tpid = be16_at(d, 12 + 4 * i);

		CHECK(tpid == XF_ETH_P_8021Q || tpid == XF_ETH_P_8021AD,
		      "tag %d has TPID 0x%04x", i, tpid);
		CHECK(p->vlan[i] == (be16_at(d, 14 + 4 * i) & 0x0fff),
		      "vlan[%d] is not the tag's VID", i);
	}
	switch (err) {
	case XF_PERR_TRUNC_ETH:
		CHECK(len < 14, "a %u-byte frame has an Ethernet header", len);
		CHECK(p->vlan_n == 0, "VLAN tags in a truncated Ethernet header");
		break;
	case XF_PERR_TRUNC_VLAN:
		CHECK(p->vlan_n < XF_MAX_VLAN, "tag %u cut short", p->vlan_n + 1);
		CHECK(len < 14u + 4 * (p->vlan_n + 1u), "tag %u is whole", p->vlan_n + 1);
		CHECK(len >= 14, "no Ethernet header");
		break;
	case XF_PERR_VLAN_TOO_DEEP:
		CHECK(p->vlan_n == XF_MAX_VLAN, "too deep after %u tags", p->vlan_n);
		break;
	}
	if (err == XF_PERR_TRUNC_ETH || err == XF_PERR_TRUNC_VLAN ||
	    err == XF_PERR_VLAN_TOO_DEEP) {
		static const struct xf_pkt zero;
		struct xf_pkt q = *p;

		/* nothing past the tags is filled in */
		memset(q.vlan, 0, sizeof(q.vlan));
		q.vlan_n = 0;
		q.error = 0;
		q.len = 0;
		CHECK(!memcmp(&q, &zero, sizeof(q)), "fields set after an L2 error");
		return;
	}
	CHECK(p->l3_off == 14 + 4 * p->vlan_n, "l3_off %u after %u tags", p->l3_off, p->vlan_n);
	CHECK(p->l3_off <= len, "l3_off %u beyond the %u-byte frame", p->l3_off, len);
	CHECK(p->eth_proto == be16_at(d, p->l3_off - 2), "eth_proto is not the last ethertype");
	CHECK(p->eth_proto != XF_ETH_P_8021Q && p->eth_proto != XF_ETH_P_8021AD,
	      "eth_proto is a VLAN TPID");

	/* L3. */
	if (p->eth_proto != XF_ETH_P_IP && p->eth_proto != XF_ETH_P_IPV6) {
		CHECK(err == 0, "error on a non-IP frame");
		CHECK(p->l3 == XF_L3_NONE && p->l4_off == 0 && p->l4_len == 0 &&
		      !p->has_ports && !p->has_icmp && !p->frag && !p->proto,
		      "L3/L4 fields on a non-IP frame");
		return;
	}
	if (p->l3 == XF_L3_NONE) {
		/* only an IP header cut short or of the wrong version */
		CHECK(err == XF_PERR_BAD_IP_VERSION ||
		      err == (p->eth_proto == XF_ETH_P_IP ? XF_PERR_TRUNC_IPV4 : XF_PERR_TRUNC_IPV6),
		      "IP frame with no L3 and error %d", err);
		if (err == XF_PERR_BAD_IP_VERSION)
			CHECK(len >= p->l3_off + (p->eth_proto == XF_ETH_P_IP ? 20u : 40u) &&
			      (d[p->l3_off] >> 4) != (p->eth_proto == XF_ETH_P_IP ? 4 : 6),
			      "version %u is right", d[p->l3_off] >> 4);
		else
			CHECK(len < p->l3_off + (p->eth_proto == XF_ETH_P_IP ? 20u : 40u),
			      "fixed IP header is whole");
		CHECK(p->l4_off == 0 && p->l4_len == 0 && !p->has_ports && !p->has_icmp &&
		      !p->frag && !p->proto && !p->src[0] && !p->dst[0],
		      "L3/L4 fields without L3");
		return;
	}
	CHECK(p->l3 == (p->eth_proto == XF_ETH_P_IP ? XF_L3_IPV4 : XF_L3_IPV6),
	      "l3 %u under ethertype 0x%04x", p->l3, p->eth_proto);
	if (p->l3 == XF_L3_IPV4) {
		const uint8_t *ip = d + p->l3_off;
		uint32_t hlen = (ip[0] & 0x0f) * 4, tot = be16_at(ip, 2);
		uint16_t fo = be16_at(ip, 6);

		l3_min = 20;
		CHECK(len >= p->l3_off + 20u, "IPv4 header beyond the frame");
		CHECK(err != XF_PERR_TRUNC_IPV6 && err != XF_PERR_BAD_IPV6_LEN &&
		      err != XF_PERR_TRUNC_IPV6_EXT && err != XF_PERR_IPV6_EXT_TOO_DEEP,
		      "IPv6 error on IPv4");
		CHECK((ip[0] >> 4) == 4, "IPv4 with version %u", ip[0] >> 4);
		CHECK(!memcmp(&p->src[0], ip + 12, 4) && !memcmp(&p->dst[0], ip + 16, 4),
		      "IPv4 addresses are not the header's");
		CHECK(!p->src[1] && !p->src[2] && !p->src[3] && !p->dst[1] && !p->dst[2] &&
		      !p->dst[3], "IPv4 address with IPv6 words set");
		if (err == XF_PERR_BAD_IHL) {
			CHECK(hlen < 20, "IHL %u is fine", hlen / 4);
		} else {
			CHECK(hlen >= 20, "IHL %u passed", hlen / 4);
			if (err == XF_PERR_TRUNC_IPV4)
				CHECK(p->l3_off + hlen > len, "options are whole");
			else
				CHECK(p->l3_off + hlen <= len, "options cut short but passed");
		}
		if (err == XF_PERR_BAD_IPV4_LEN)
			CHECK(tot < hlen || tot > frame_len - p->l3_off, "tot_len %u is fine", tot);
		if (!err || is_l4_error(err)) {
			CHECK(tot >= hlen && tot <= frame_len - p->l3_off, "tot_len %u passed", tot);
			CHECK(p->frag == ((fo & 0x1fff) ? XF_FRAG_LATER :
					  (fo & 0x2000) ? XF_FRAG_FIRST : XF_FRAG_NONE),
			      "frag %u for frag_off 0x%04x", p->frag, fo);
			CHECK(p->proto == ip[9], "proto is not the header's");
		}
		if (p->l4_off) {
			CHECK(p->l4_off == p->l3_off + hlen, "l4_off %u after a %u-byte header",
			      p->l4_off, hlen);
			CHECK(p->l4_len == tot - hlen, "l4_len %u, tot_len %u", p->l4_len, tot);
		}
	} else {
		const uint8_t *ip6 = d + p->l3_off;
		uint32_t plen = be16_at(ip6, 4);

		l3_min = 40;
		CHECK(len >= p->l3_off + 40u, "IPv6 header beyond the frame");
		CHECK((ip6[0] >> 4) == 6, "IPv6 with version %u", ip6[0] >> 4);
		CHECK(!memcmp(p->src, ip6 + 8, 16) && !memcmp(p->dst, ip6 + 24, 16),
		      "IPv6 addresses are not the header's");
		CHECK(err != XF_PERR_TRUNC_IPV4 && err != XF_PERR_BAD_IHL &&
		      err != XF_PERR_BAD_IPV4_LEN && err != XF_PERR_TRUNC_IPV6,
		      "IPv4 error on IPv6");
		if (err == XF_PERR_BAD_IPV6_LEN || err == XF_PERR_TRUNC_IPV6_EXT ||
		    err == XF_PERR_IPV6_EXT_TOO_DEEP)
			CHECK(p->l4_off == 0, "L4 offset after an IPv6 error");
		if (!err || is_l4_error(err)) {
			CHECK(plen <= frame_len - p->l3_off - 40, "payload_len %u passed", plen);
			if (p->frag != XF_FRAG_LATER)
				CHECK(!xf_is_ipv6_ext(p->proto),
				      "final proto %u is an extension header", p->proto);
			if (p->l4_off) {
				/* extension headers fit in the payload */
				uint32_t used = p->l4_off - p->l3_off - 40;

				if (plen || ip6[6] != XF_IPPROTO_HOPOPTS)
					CHECK(used + p->l4_len == plen,
					      "ext %u + l4_len %u != payload_len %u", used,
					      p->l4_len, plen);
			}
		}
		if (p->l4_off)
			CHECK(p->l4_off >= p->l3_off + 40u, "l4_off %u inside the IPv6 header",
			      p->l4_off);
	}
	if (err && !is_l4_error(err))
		CHECK(p->l4_off == 0 && p->l4_len == 0 && !p->has_ports && !p->has_icmp,
		      "L4 fields after an L3 error");
	/* (an L3 error may leave frag set only for IPv6 ext walks past a fragment) */
	if (err && !is_l4_error(err) && p->l3 == XF_L3_IPV4)
		CHECK(p->frag == XF_FRAG_NONE, "frag set after an IPv4 error");

	/* Where L4 starts. */
	if (p->frag == XF_FRAG_LATER) {
		CHECK(err == 0, "a later fragment with error %d", err);
		CHECK(p->l4_off == 0 && p->l4_len == 0 && !p->has_ports && !p->has_icmp,
		      "L4 fields on a later fragment");
		return;
	}
	if (!err || is_l4_error(err)) {
		CHECK(p->l4_off >= p->l3_off + l3_min, "no L4 offset after a whole L3");
		CHECK(p->l4_off <= len, "l4_off %u beyond the %u-byte frame", p->l4_off, len);
		CHECK((uint64_t)p->l4_off + p->l4_len <= frame_len,
		      "l4_off %u + l4_len %u beyond frame_len %u", p->l4_off, p->l4_len,
		      frame_len);
	}
	if (!p->l4_off)
		return;

	/* L4. */
	const uint8_t *l4 = d + p->l4_off;
	uint32_t avail = len - p->l4_off;

	CHECK(!(p->has_ports && p->has_icmp), "ports and ICMP");
	if (p->has_ports) {
		CHECK(is_port_proto(p->proto), "ports for proto %u", p->proto);
		CHECK(avail >= 4, "ports beyond the frame");
		CHECK(xf_ntohs(p->sport) == be16_at(l4, 0) && xf_ntohs(p->dport) == be16_at(l4, 2),
		      "ports are not the header's");
	} else {
		CHECK(!p->sport && !p->dport, "ports without has_ports");
	}
	if (p->has_icmp) {
		CHECK(is_icmp_of(p), "ICMP fields for proto %u in IPv%u", p->proto, p->l3);
		CHECK(avail >= 4 && p->l4_len >= 4, "ICMP header beyond the frame");
		CHECK(p->icmp_type == l4[0] && p->icmp_code == l4[1], "ICMP type/code wrong");
	} else {
		CHECK(!p->icmp_type && !p->icmp_code, "ICMP fields without has_icmp");
	}

	switch (err) {
	case 0:
		if (is_port_proto(p->proto))
			CHECK(p->has_ports, "a parsed proto %u frame without ports", p->proto);
		if (is_icmp_of(p))
			CHECK(p->has_icmp, "a parsed ICMP frame without type");
		if (p->proto == XF_IPPROTO_TCP) {
			uint32_t hl = (l4[12] >> 4) * 4;

			CHECK(hl >= 20 && hl <= avail && hl <= p->l4_len,
			      "TCP header of %u bytes passed (%u captured, %u claimed)", hl, avail,
			      p->l4_len);
		} else if (p->proto == XF_IPPROTO_UDP) {
			uint32_t ul = be16_at(l4, 4);

			CHECK(avail >= 8 && p->l4_len >= 8, "UDP header cut short but passed");
			CHECK(ul >= 8 && (ul <= p->l4_len || p->frag != XF_FRAG_NONE),
			      "UDP length %u passed (l4_len %u)", ul, p->l4_len);
		} else if (p->proto == XF_IPPROTO_SCTP) {
			CHECK(avail >= 12 && p->l4_len >= 12, "SCTP header cut short but passed");
		}
		break;
	case XF_PERR_TRUNC_L4: {
		uint32_t need = p->proto == XF_IPPROTO_TCP ? 20 : p->proto == XF_IPPROTO_UDP ? 8 :
				p->proto == XF_IPPROTO_SCTP ? 12 : 4;

		CHECK(is_port_proto(p->proto) || is_icmp_of(p), "truncated proto %u", p->proto);
		CHECK(!p->has_icmp, "ICMP type from a truncated header");
		if (p->has_ports) {
			uint32_t hl = (l4[12] >> 4) * 4;

			CHECK(p->proto == XF_IPPROTO_TCP, "ports from a truncated header");
			CHECK(hl > avail || hl > p->l4_len, "TCP header of %u bytes is whole", hl);
		} else {
			CHECK(avail < need || p->l4_len < need, "%u-byte header is whole", need);
		}
		break;
	}
	case XF_PERR_BAD_TCP_HLEN:
		CHECK(p->proto == XF_IPPROTO_TCP && p->has_ports, "bad TCP hlen without TCP");
		CHECK((l4[12] >> 4) < 5, "data offset %u is fine", l4[12] >> 4);
		break;
	case XF_PERR_BAD_UDP_LEN: {
		uint32_t ul;

		CHECK(p->proto == XF_IPPROTO_UDP && p->has_ports, "bad UDP len without UDP");
		ul = be16_at(l4, 4);
		CHECK(ul < 8 || (ul > p->l4_len && p->frag == XF_FRAG_NONE),
		      "UDP length %u is fine (l4_len %u, frag %u)", ul, p->l4_len, p->frag);
		break;
	}
	default:
		CHECK(0, "error %d with an L4 offset", err);
	}
}

/*
 * A second parser, written from the README's table rather than from
 * xf_parse.h: byte offsets instead of struct pointers, one function, no
 * unrolling.  Its result must equal the real one field for field.
 */
static int ref_is_ext(uint8_t nh)
{
	static const uint8_t ext[] = { 0, 43, 44, 51, 60, 135, 139, 140 };

	for (size_t i = 0; i < sizeof(ext); i++)
		if (nh == ext[i])
			return 1;
	return 0;
}

static int ref_parse(struct xf_pkt *r, const uint8_t *d, uint32_t len, uint32_t frame_len)
{
	uint32_t off = 14, l4 = 0, l4_len = 0;
	uint16_t et;

	memset(r, 0, sizeof(*r));
	r->len = frame_len;
#define REF_FAIL(e) do { r->error = (e); return (e); } while (0)
	if (len < 14)
		REF_FAIL(XF_PERR_TRUNC_ETH);
	et = be16_at(d, 12);
	while (et == 0x8100 || et == 0x88a8) {
		if (r->vlan_n == 2)
			REF_FAIL(XF_PERR_VLAN_TOO_DEEP);
		if (len < off + 4)
			REF_FAIL(XF_PERR_TRUNC_VLAN);
		r->vlan[r->vlan_n++] = be16_at(d, off) & 0xfff;
		et = be16_at(d, off + 2);
		off += 4;
	}
	r->eth_proto = et;
	r->l3_off = off;

	if (et == 0x0800) {
		uint32_t hl, tot, fo;

		if (len < off + 20)
			REF_FAIL(XF_PERR_TRUNC_IPV4);
		if (d[off] >> 4 != 4)
			REF_FAIL(XF_PERR_BAD_IP_VERSION);
		r->l3 = XF_L3_IPV4;
		memcpy(&r->src[0], d + off + 12, 4);
		memcpy(&r->dst[0], d + off + 16, 4);
		r->proto = d[off + 9];
		hl = (d[off] & 15) * 4;
		if (hl < 20)
			REF_FAIL(XF_PERR_BAD_IHL);
		if (len < off + hl)
			REF_FAIL(XF_PERR_TRUNC_IPV4);
		tot = be16_at(d, off + 2);
		if (tot < hl || off + tot > frame_len)
			REF_FAIL(XF_PERR_BAD_IPV4_LEN);
		fo = be16_at(d, off + 6);
		if (fo & 0x1fff) {
			r->frag = XF_FRAG_LATER;
			return 0;
		}
		if (fo & 0x2000)
			r->frag = XF_FRAG_FIRST;
		l4 = off + hl;
		l4_len = tot - hl;
	} else if (et == 0x86dd) {
		uint32_t plen, pos = off + 40, used = 0, n = 0;
		uint8_t nh;

		if (len < off + 40)
			REF_FAIL(XF_PERR_TRUNC_IPV6);
		if (d[off] >> 4 != 6)
			REF_FAIL(XF_PERR_BAD_IP_VERSION);
		r->l3 = XF_L3_IPV6;
		memcpy(r->src, d + off + 8, 16);
		memcpy(r->dst, d + off + 24, 16);
		nh = r->proto = d[off + 6];
		plen = be16_at(d, off + 4);
		if (off + 40 + plen > frame_len)
			REF_FAIL(XF_PERR_BAD_IPV6_LEN);
		if (plen == 0 && nh == 0)	/* jumbogram: the rest of the frame */
			plen = frame_len - off - 40;
		for (; ref_is_ext(nh); n++) {
			uint32_t hl;

			if (n == XF_MAX_IPV6_EXT)
				REF_FAIL(XF_PERR_IPV6_EXT_TOO_DEEP);
			if (nh == 44) {
				uint16_t fo;

				if (len < pos + 8)
					REF_FAIL(XF_PERR_TRUNC_IPV6_EXT);
				nh = r->proto = d[pos];
				fo = be16_at(d, pos + 2);
				pos += 8;
				used += 8;
				if (used > plen)
					REF_FAIL(XF_PERR_BAD_IPV6_LEN);
				if (fo >> 3) {
					r->frag = XF_FRAG_LATER;
					return 0;
				}
				if (fo & 1)
					r->frag = XF_FRAG_FIRST;
				continue;
			}
			if (len < pos + 2)
				REF_FAIL(XF_PERR_TRUNC_IPV6_EXT);
			hl = nh == 51 ? (d[pos + 1] + 2) * 4 : (d[pos + 1] + 1) * 8;
			if (len < pos + hl)
				REF_FAIL(XF_PERR_TRUNC_IPV6_EXT);
			nh = r->proto = d[pos];
			pos += hl;
			used += hl;
		}
		if (used > plen)
			REF_FAIL(XF_PERR_BAD_IPV6_LEN);
		l4 = pos;
		l4_len = plen - used;
	} else {
		return 0;
	}

	r->l4_off = l4;
	r->l4_len = l4_len;
	switch (r->proto) {
	case XF_IPPROTO_TCP:
		if (len < l4 + 20 || l4_len < 20)
			REF_FAIL(XF_PERR_TRUNC_L4);
		memcpy(&r->sport, d + l4, 2);
		memcpy(&r->dport, d + l4 + 2, 2);
		r->has_ports = 1;
		if (d[l4 + 12] >> 4 < 5)
			REF_FAIL(XF_PERR_BAD_TCP_HLEN);
		if (len < l4 + (d[l4 + 12] >> 4) * 4u || l4_len < (d[l4 + 12] >> 4) * 4u)
			REF_FAIL(XF_PERR_TRUNC_L4);
		return 0;
	case XF_IPPROTO_UDP:
		if (len < l4 + 8 || l4_len < 8)
			REF_FAIL(XF_PERR_TRUNC_L4);
		memcpy(&r->sport, d + l4, 2);
		memcpy(&r->dport, d + l4 + 2, 2);
		r->has_ports = 1;
		if (be16_at(d, l4 + 4) < 8 ||
		    (be16_at(d, l4 + 4) > l4_len && r->frag != XF_FRAG_FIRST))
			REF_FAIL(XF_PERR_BAD_UDP_LEN);
		return 0;
	case XF_IPPROTO_SCTP:
		if (len < l4 + 12 || l4_len < 12)
			REF_FAIL(XF_PERR_TRUNC_L4);
		memcpy(&r->sport, d + l4, 2);
		memcpy(&r->dport, d + l4 + 2, 2);
		r->has_ports = 1;
		return 0;
	case XF_IPPROTO_ICMP:
	case XF_IPPROTO_ICMPV6:
		if ((r->proto == XF_IPPROTO_ICMP) != (r->l3 == XF_L3_IPV4))
			return 0;
		if (len < l4 + 4 || l4_len < 4)
			REF_FAIL(XF_PERR_TRUNC_L4);
		r->icmp_type = d[l4];
		r->icmp_code = d[l4 + 1];
		r->has_icmp = 1;
		return 0;
	}
	return 0;
#undef REF_FAIL
}

/* The real result against the reference one, field by field. */
static void compare_ref(const struct xf_pkt *p, const struct xf_pkt *r)
{
	if (!memcmp(p, r, sizeof(*p)))
		return;
	fprintf(stderr, "reference parser: error=%u(%s) vlan_n=%u vlan=%u,%u l3=%u proto=%u"
		" frag=%u has_ports=%u has_icmp=%u eth_proto=0x%04x l3_off=%u l4_off=%u"
		" l4_len=%u sport=%u dport=%u icmp=%u/%u\n",
		r->error, r->error < XF_PERR_MAX ? perr_names[r->error] : "?", r->vlan_n,
		r->vlan[0], r->vlan[1], r->l3, r->proto, r->frag, r->has_ports, r->has_icmp,
		r->eth_proto, r->l3_off, r->l4_off, r->l4_len, xf_ntohs(r->sport),
		xf_ntohs(r->dport), r->icmp_type, r->icmp_code);
	CHECK(0, "differs from the reference parser (its result above)");
}

/* The multi-buffer result against the linear one (see the top). */
static void compare(const struct xf_pkt *lin, const struct xf_pkt *mb)
{
	const struct xf_pkt *p = mb;
	struct xf_pkt a = *lin, b = *mb;

	a.len = b.len = 0;
	if (is_len_independent(lin->error) || is_len_independent(mb->error)) {
		CHECK(lin->error == mb->error, "linear error %d, multi-buffer error %d",
		      lin->error, mb->error);
		CHECK(!memcmp(&a, &b, sizeof(a)), "results differ beyond len");
	}
	if (lin->error == 0) {
		CHECK(mb->error == 0, "parses linear, fails with error %d as multi-buffer",
		      mb->error);
		CHECK(b.l4_len >= a.l4_len, "l4_len shrank");
		a.l4_len = b.l4_len = 0;
		CHECK(!memcmp(&a, &b, sizeof(a)), "results differ beyond len and l4_len");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xf_pkt lin, mb, ref;
	uint32_t len, extra;
	uint8_t *buf, *d;
	int ret;

	if (size > 0x100000)		/* far beyond any frame */
		return -1;
	len = (uint32_t)size;
	buf = malloc(size + NET_IP_ALIGN);	/* malloc aligns to 16 */
	if (!buf)
		return -1;
	d = buf + NET_IP_ALIGN;
	memcpy(d, data, size);

	ret = xf_parse(&lin, d, d + len, len);
	check(&lin, ret, d, len, len);
	ref_parse(&ref, d, len, len);
	compare_ref(&lin, &ref);

	extra = 1 + (len >= 2 ? (uint32_t)(d[0] << 8 | d[1]) : 0);
	ret = xf_parse(&mb, d, d + len, len + extra);
	check(&mb, ret, d, len, len + extra);
	ref_parse(&ref, d, len, len + extra);
	compare_ref(&mb, &ref);
	compare(&lin, &mb);

	/* the parser reads only; the frame must be as it was */
	if (memcmp(d, data, size)) {
		fprintf(stderr, "fuzz_parser.c: the parser wrote to the frame\n");
		abort();
	}
	free(buf);
	return 0;
}
