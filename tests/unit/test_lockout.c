// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tests/unit/test_lockout.c - the lock-out guard's pure half
 * (cli/lockout_tuple.c): SSH_CONNECTION's parser, which rules match the
 * session, which one wins, which actions cut, and the ids new rules get.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "../../cli/lockout.h"

static void test_parse_ipv4(void **state)
{
	struct lo_session s;

	(void)state;
	assert_int_equal(lo_ssh_parse("192.0.2.7 51234 198.51.100.1 22", &s), 0);
	assert_int_equal(s.family, XF_L3_IPV4);
	assert_int_equal(s.client[0], htonl(0xc0000207));
	assert_int_equal(s.server[0], htonl(0xc6336401));
	assert_int_equal(s.cport, 51234);
	assert_int_equal(s.sport, 22);
}

static void test_parse_ipv6(void **state)
{
	struct lo_session s;

	(void)state;
	assert_int_equal(lo_ssh_parse("2001:db8::7 40000 2001:db8::1 2222", &s), 0);
	assert_int_equal(s.family, XF_L3_IPV6);
	assert_int_equal(s.client[0], htonl(0x20010db8));
	assert_int_equal(s.client[3], htonl(7));
	assert_int_equal(s.sport, 2222);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "192.0.2.7", "192.0.2.7 51234 198.51.100.1", "192.0.2.7 51234 198.51.100.1 22 x",
		"192.0.2.7 port 198.51.100.1 22", "192.0.2.7 0 198.51.100.1 22",
		"192.0.2.7 65536 198.51.100.1 22", "192.0.2.7 -1 198.51.100.1 22",
		"192.0.2.777 1 198.51.100.1 22", "192.0.2.7 1 2001:db8::1 22",
		"192.0.2.7 22x 198.51.100.1 22",
	};
	struct lo_session s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(lo_ssh_parse(bad[i], &s), -1);
	assert_int_equal(lo_ssh_parse(NULL, &s), -1);
}

static struct lo_session sess4(void)
{
	struct lo_session s;

	assert_int_equal(lo_ssh_parse("10.1.2.3 40022 10.1.0.1 22", &s), 0);
	return s;
}

static struct xf_rule_spec spec(__u32 fields, int action, __u32 prio)
{
	struct xf_rule_spec r;

	memset(&r, 0, sizeof(r));
	r.fields = fields;
	r.action = action;
	r.priority = prio;
	r.proto = IPPROTO_TCP;
	r.family = XF_L3_IPV4;
	r.sport = 40022;
	r.dport = 22;
	r.src[0] = htonl(0x0a010000);	/* 10.1.0.0/16 */
	r.src_plen = 16;
	r.dst[0] = htonl(0x0a010001);	/* 10.1.0.1/32 */
	r.dst_plen = 32;
	return r;
}

static void test_match_fields(void **state)
{
	struct lo_session s = sess4();
	struct xf_rule_spec r;

	(void)state;
	r = spec(0, XF_ACT_DROP, 1);				/* matches everything */
	assert_true(lo_spec_matches(&r, &s));
	r = spec(XF_F_ALL & ~XF_F_VLAN, XF_ACT_DROP, 1);	/* every field equal */
	assert_true(lo_spec_matches(&r, &s));
	r = spec(XF_F_VLAN, XF_ACT_DROP, 1);			/* the session is untagged */
	assert_false(lo_spec_matches(&r, &s));
	r = spec(XF_F_PROTO, XF_ACT_DROP, 1);
	r.proto = IPPROTO_UDP;
	assert_false(lo_spec_matches(&r, &s));
	r = spec(XF_F_DPORT, XF_ACT_DROP, 1);
	r.dport = 23;
	assert_false(lo_spec_matches(&r, &s));
	r = spec(XF_F_SPORT, XF_ACT_DROP, 1);
	r.sport = 22;					/* the server's port, not the client's */
	assert_false(lo_spec_matches(&r, &s));
	r = spec(XF_F_SRC, XF_ACT_DROP, 1);
	r.src[0] = htonl(0x0a020000);			/* 10.2.0.0/16 */
	assert_false(lo_spec_matches(&r, &s));
	r.src_plen = 8;					/* 10.0.0.0/8 holds 10.1.2.3 */
	r.src[0] = htonl(0x0a000000);
	assert_true(lo_spec_matches(&r, &s));
	r = spec(XF_F_DST, XF_ACT_DROP, 1);
	r.dst[0] = htonl(0x0a010002);
	assert_false(lo_spec_matches(&r, &s));
	r = spec(XF_F_SRC, XF_ACT_DROP, 1);
	r.family = XF_L3_IPV6;				/* the other family never matches */
	assert_false(lo_spec_matches(&r, &s));
}

static void test_match_ipv6_prefix(void **state)
{
	struct xf_rule_spec r = spec(XF_F_SRC, XF_ACT_DROP, 1);
	struct lo_session s;

	(void)state;
	assert_int_equal(lo_ssh_parse("2001:db8:1:2::9 40000 2001:db8::1 22", &s), 0);
	r.family = XF_L3_IPV6;
	memset(r.src, 0, sizeof(r.src));
	r.src[0] = htonl(0x20010db8);
	r.src[1] = htonl(0x00010000);
	r.src_plen = 48;				/* 2001:db8:1::/48 */
	assert_true(lo_spec_matches(&r, &s));
	r.src_plen = 64;				/* 2001:db8:1:0::/64 */
	assert_false(lo_spec_matches(&r, &s));
	r.src_plen = 0;
	assert_true(lo_spec_matches(&r, &s));
}

static void test_verdict_order(void **state)
{
	struct lo_session s = sess4();
	struct lo_rule rules[3] = {
		{ .id = 5, .spec = spec(XF_F_DPORT, XF_ACT_DROP, 100) },
		{ .id = 9, .spec = spec(XF_F_SRC, XF_ACT_PASS, 50) },
		{ .id = 2, .spec = spec(XF_F_PROTO, XF_ACT_TX, 50) },
	};
	__u32 rule;

	(void)state;
	/* priority 50 twice: the lower id (2) wins */
	assert_int_equal(lo_verdict(rules, 3, XF_ACT_PASS, &s, &rule), XF_ACT_TX);
	assert_int_equal(rule, 2);
	rules[2].id = 10;
	assert_int_equal(lo_verdict(rules, 3, XF_ACT_PASS, &s, &rule), XF_ACT_PASS);
	assert_int_equal(rule, 9);
	/* only the drop rule */
	assert_int_equal(lo_verdict(rules, 1, XF_ACT_PASS, &s, &rule), XF_ACT_DROP);
	assert_int_equal(rule, 5);
	/* none: the default */
	assert_int_equal(lo_verdict(rules, 0, XF_ACT_DROP, &s, &rule), XF_ACT_DROP);
	assert_int_equal(rule, 0);
	rules[0].spec.dport = 23;
	assert_int_equal(lo_verdict(rules, 1, XF_ACT_FWD, &s, &rule), XF_ACT_FWD);
}

static void test_cuts(void **state)
{
	(void)state;
	assert_false(lo_action_cuts(XF_ACT_PASS));
	assert_false(lo_action_cuts(XF_ACT_FWD));
	assert_true(lo_action_cuts(XF_ACT_DROP));
	assert_true(lo_action_cuts(XF_ACT_TX));
	assert_true(lo_action_cuts(XF_ACT_REDIRECT));
	assert_true(lo_action_cuts(XF_ACT_XSK));
}

static void test_new_ids(void **state)
{
	struct lo_rule rules[3] = { { .id = 1 }, { .id = 3 }, { .id = 4 } };
	__u32 ids[3];

	(void)state;
	lo_new_ids(rules, 3, ids, 3);	/* the library's: lowest unused first */
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 5);
	assert_int_equal(ids[2], 6);
	lo_new_ids(rules, 0, ids, 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_parse_ipv6),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_match_fields),
		cmocka_unit_test(test_match_ipv6_prefix),
		cmocka_unit_test(test_verdict_order),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_new_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
