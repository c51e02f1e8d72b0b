// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tests/unit/test_pkt.c - the shared frame builder and Internet checksum
 * (lib/xf_pkt.c) against vectors whose checksums are known from outside:
 * RFC 1071's worked example, a textbook IPv4 header, and a UDP/IPv6 frame
 * whose checksum tshark marks good; the built frame is then read back with
 * the parser (common/xf_parse.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "xf_parse.h"
#include "xf_pkt.h"

/* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (carries folded). */
static void test_rfc1071_example(void **state)
{
	static const uint8_t w[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	(void)state;
	assert_int_equal(xf_csum_partial(w, sizeof(w), 0), 0x2ddf0);
	assert_int_equal(xf_csum_fold(xf_csum_partial(w, sizeof(w), 0)), (uint16_t)~0xddf2);
	/* the sum is the same in pieces of even length, in any order */
	assert_int_equal(xf_csum_fold(xf_csum_partial(w + 4, 4, xf_csum_partial(w, 4, 0))),
			 (uint16_t)~0xddf2);
	/* an odd tail is the high byte of a last word */
	assert_int_equal(xf_csum_partial(w, 3, 0), 0x0001 + 0xf200);
}

/* A well-known IPv4 header (UDP, 192.168.0.1 > 192.168.0.199), checksum b861. */
static const uint8_t ip4_hdr[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
	0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
};

static void test_ipv4_header(void **state)
{
	uint8_t h[20];

	(void)state;
	memcpy(h, ip4_hdr, sizeof(h));
	/* a header with its checksum in place sums to all ones */
	assert_int_equal(xf_csum_fold(xf_csum_partial(h, sizeof(h), 0)), 0);
	h[10] = h[11] = 0;
	assert_int_equal(xf_csum_fold(xf_csum_partial(h, sizeof(h), 0)), 0xb861);
}

/* The same header, built: the builder's finish fills the checksum. */
static void test_ipv4_header_built(void **state)
{
	static const uint8_t src[4] = { 192, 168, 0, 1 }, dst[4] = { 192, 168, 0, 199 };
	struct xf_pkt_ip ip = { .src = src, .dst = dst, .proto = 17, .frag = 0x4000 };
	uint8_t buf[256];
	struct xf_pkt_buf b;

	(void)state;
	xf_pkt_init(&b, buf, sizeof(buf));
	assert_non_null(xf_pkt_ipv4(&b, &ip));
	assert_non_null(xf_pkt_put(&b, NULL, 0x73 - 20));
	assert_int_equal(xf_pkt_finish(&b, 0), 0);
	assert_memory_equal(buf, ip4_hdr, sizeof(ip4_hdr));
}

/*
 * 02:00:00:00:00:01 > 02:00:00:00:00:02, 2001:db8::1 > 2001:db8::2, UDP
 * 1234 > 5678, payload "xdp-fwd!": tshark (udp.check_checksum) marks its
 * checksum d62e good.
 */
static const uint8_t udp6_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x11, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0x04, 0xd2, 0x16, 0x2e, 0x00, 0x10, 0xd6, 0x2e,
	'x', 'd', 'p', '-', 'f', 'w', 'd', '!',
};

/* Headers from the options struct, then the payload, then the lengths and checksums. */
static void build_udp6(struct xf_pkt_buf *b, uint8_t *buf, size_t cap)
{
	static const uint8_t smac[6] = { 2, 0, 0, 0, 0, 1 }, dmac[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct xf_pkt_opts o = {
		.dmac = dmac, .smac = smac, .family = 6,
		.ip = { .src = src, .dst = dst, .proto = 17 },
		.sport = 1234, .dport = 5678,
	};

	xf_pkt_init(b, buf, cap);
	assert_int_equal(xf_pkt_build(b, &o), 0);
	assert_int_equal(b->len, 62);
	assert_non_null(xf_pkt_put(b, "xdp-fwd!", 8));
	assert_int_equal(xf_pkt_finish(b, XF_PKT_L4_CSUM), 0);
}

static void test_udp6_frame(void **state)
{
	uint8_t buf[128];
	struct xf_pkt_buf b;
	struct xf_pkt p;

	(void)state;
	build_udp6(&b, buf, sizeof(buf));
	assert_int_equal(b.len, sizeof(udp6_frame));
	assert_memory_equal(buf, udp6_frame, sizeof(udp6_frame));
	/* and computed alone, over the frame with the field zeroed */
	buf[60] = buf[61] = 0;
	assert_int_equal(xf_l4_csum(buf + 14, 6, 17, buf + 54, 16), 0xd62e);
	buf[60] = 0xd6, buf[61] = 0x2e;

	/* what the parser reads back from the built frame */
	assert_int_equal(xf_parse(&p, buf, buf + b.len, (__u32)b.len), 0);
	assert_int_equal(p.l3, XF_L3_IPV6);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.l3_off, 14);
	assert_int_equal(p.l4_off, 54);
	assert_true(p.has_ports);
	assert_int_equal(xf_pkt_get16((const uint8_t *)&p.sport), 1234);
	assert_int_equal(xf_pkt_get16((const uint8_t *)&p.dport), 5678);
	assert_int_equal(p.l4_len, 16);
	assert_memory_equal(p.src, udp6_frame + 22, 16);
}

/* A rewritten frame gets its checksums back with xf_pkt_fix_csums(). */
static void test_fix_csums(void **state)
{
	uint8_t buf[128];

	(void)state;
	memcpy(buf, udp6_frame, sizeof(udp6_frame));
	buf[54] = 0x16, buf[55] = 0x2e;		/* swap the ports, as an echo does */
	buf[56] = 0x04, buf[57] = 0xd2;
	buf[60] = buf[61] = 0x55;		/* a stale checksum */
	assert_int_equal(xf_pkt_fix_csums(buf, sizeof(udp6_frame), 14), 0);
	/* a port swap leaves the sum as it was */
	assert_memory_equal(buf + 60, udp6_frame + 60, 2);
	/* cut short: refused, nothing written */
	assert_int_equal(xf_pkt_fix_csums(buf, 60, 14), -EINVAL);
}

/* A frame that does not fit is refused, not overrun. */
static void test_no_room(void **state)
{
	struct xf_pkt_opts o = { .family = 4, .ip = { .proto = 17 }, .size = 64 };
	uint8_t buf[64];
	struct xf_pkt_buf b;

	(void)state;
	xf_pkt_init(&b, buf, 40);	/* 42 bytes of headers */
	assert_int_equal(xf_pkt_build(&b, &o), -ENOSPC);
	assert_true(b.len <= 40);
	o.size = 20;			/* smaller than its headers */
	xf_pkt_init(&b, buf, sizeof(buf));
	assert_int_equal(xf_pkt_build(&b, &o), -EINVAL);
	o.family = 5;
	assert_int_equal(xf_pkt_build(&b, &o), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_ipv4_header),
		cmocka_unit_test(test_ipv4_header_built),
		cmocka_unit_test(test_udp6_frame),
		cmocka_unit_test(test_fix_csums),
		cmocka_unit_test(test_no_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
