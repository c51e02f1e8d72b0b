// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the rule codec (lib/xf_rules.c): words -> spec -> words,
 * shapes and keys, and every kind of bad input named in the message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xf_rules.h"

static int split(char *s, char **w)
{
	int n = 0;

	for (char *t = strtok(s, " "); t; t = strtok(NULL, " "))
		w[n++] = t;
	return n;
}

static int parse(const char *text, struct xf_rule_spec *spec, char *err, size_t len)
{
	char buf[512], *w[32];

	snprintf(buf, sizeof(buf), "%s", text);
	return xf_rule_parse(split(buf, w), w, spec, err, len);
}

/* Good rules and their canonical form. */
static const struct {
	const char *in, *out;
	__u32 fields;
} good[] = {
	{ "action pass", "priority 1000 action pass", 0 },
	{ "proto udp dport 53 action drop", "proto udp dport 53 priority 1000 action drop",
	  XF_F_PROTO | XF_F_DPORT },
	{ "dport 53 proto 17 action drop", "proto udp dport 53 priority 1000 action drop",
	  XF_F_PROTO | XF_F_DPORT },
	{ "vlan 4095 action tx", "vlan 4095 priority 1000 action tx", XF_F_VLAN },
	{ "src 10.0.0.0/8 priority 0 action xsk", "src 10.0.0.0/8 priority 0 action xsk",
	  XF_F_SRC },
	{ "dst 192.0.2.7 action fwd", "dst 192.0.2.7/32 priority 1000 action fwd", XF_F_DST },
	{ "src 2001:db8::/32 dst 2001:db8:1::1 proto tcp sport 80 action drop",
	  "proto tcp src 2001:db8::/32 dst 2001:db8:1::1/128 sport 80 priority 1000 action drop",
	  XF_F_SRC | XF_F_DST | XF_F_PROTO | XF_F_SPORT },
	{ "proto 47 action drop", "proto 47 priority 1000 action drop", XF_F_PROTO },
	{ "src 0.0.0.0/0 action drop", "src 0.0.0.0/0 priority 1000 action drop", XF_F_SRC },
	{ "proto icmpv6 dst ::/0 priority 2147483647 action pass",
	  "proto icmpv6 dst ::/0 priority 2147483647 action pass", XF_F_PROTO | XF_F_DST },
	{ "sport 0 dport 65535 action drop", "sport 0 dport 65535 priority 1000 action drop",
	  XF_F_SPORT | XF_F_DPORT },
};

static void test_good_rules_round_trip(void **state)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct xf_rule_spec a, b;
		char err[256], out[512];

		assert_int_equal(parse(good[i].in, &a, err, sizeof(err)), 0);
		assert_int_equal(a.fields, good[i].fields);
		xf_rule_format(&a, out, sizeof(out));
		assert_string_equal(out, good[i].out);
		/* the canonical form parses back to the same rule */
		assert_int_equal(parse(out, &b, err, sizeof(err)), 0);
		assert_memory_equal(&a, &b, sizeof(a));
	}
}

/* Bad rules: the message must name the offending value. */
static const struct {
	const char *in, *needle;
} bad[] = {
	{ "", "missing 'action'" },
	{ "proto udp", "missing 'action'" },
	{ "action", "needs a value" },
	{ "action bounce", "'bounce'" },
	{ "action redirect", "needs a device" },
	{ "vlan 4096 action drop", "'4096'" },
	{ "vlan -1 action drop", "'-1'" },
	{ "vlan ten action drop", "'ten'" },
	{ "proto 256 action drop", "'256'" },
	{ "proto foo action drop", "'foo'" },
	{ "sport 65536 action drop", "'65536'" },
	{ "dport 1x action drop", "'1x'" },
	{ "src 10.0.0.1/8 action drop", "host bits" },
	{ "src 10.0.0.0/33 action drop", "'33'" },
	{ "dst 2001:db8::/129 action drop", "'129'" },
	{ "dst 300.1.1.1 action drop", "'300.1.1.1'" },
	{ "src 10.0.0.0/8 dst 2001:db8::/32 action drop", "different families" },
	{ "src 10.0.0.0/8 src 10.0.0.0/8 action drop", "'src' given twice" },
	{ "priority 1 priority 2 action drop", "'priority' given twice" },
	{ "priority 2147483648 action drop", "'2147483648'" },
	{ "colour red action drop", "'colour'" },
	{ "action drop proto udp", "after the action" },
	{ "proto icmp dport 80 action drop", "ports need proto" },
	{ "proto icmp src 2001:db8::/32 action drop", "never matches IPv6" },
	{ "proto icmpv6 src 10.0.0.0/8 action drop", "never matches IPv4" },
	/* 'queue N' is the command line's, taken out before parsing */
	{ "proto udp queue 1 action xsk", "'queue' is only for 'xdp-fwd rule add'" },
	{ "proto udp action xsk queue 1", "not in rule files" },
};

static void test_bad_rules_are_named(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xf_rule_spec s;
		char err[256];

		assert_int_not_equal(parse(bad[i].in, &s, err, sizeof(err)), 0);
		if (!strstr(err, bad[i].needle))
			fail_msg("rule '%s': message '%s' lacks '%s'", bad[i].in, err,
				 bad[i].needle);
	}
}

static void test_shape_and_key(void **state)
{
	struct xf_rule_spec a, b;
	struct xf_shape_id ia, ib;
	struct xf_shape sh;
	struct xf_rule_key ka, kb;
	char err[256];

	assert_int_equal(parse("src 10.1.0.0/16 dport 80 action drop", &a, err, sizeof(err)), 0);
	assert_int_equal(parse("dport 443 src 10.2.0.0/16 priority 3 action pass", &b, err,
			       sizeof(err)), 0);
	ia = xf_rule_shape(&a);
	ib = xf_rule_shape(&b);
	xf_shape_fill(&sh, &ia);
	/* same fields and prefix lengths: same shape */
	assert_true(xf_shape_eq(&ib, &sh));
	assert_int_equal(sh.family, XF_L3_IPV4);
	assert_int_equal(sh.src_mask[0], htonl(0xffff0000));
	assert_int_equal(sh.dst_mask[0], 0);

	xf_rule_key(&a, 3, &ka);
	xf_rule_key(&b, 3, &kb);
	assert_int_equal(ka.slot, 3);
	assert_int_equal(ka.dport, 80);		/* host order, as the ABI says */
	assert_int_equal(ka.src[0], htonl(0x0a010000));
	assert_memory_not_equal(&ka, &kb, sizeof(ka));

	/* another prefix length is another shape */
	assert_int_equal(parse("src 10.0.0.0/8 dport 80 action drop", &b, err, sizeof(err)), 0);
	ib = xf_rule_shape(&b);
	assert_false(xf_shape_eq(&ib, &sh));
}

static void test_prefix_masks(void **state)
{
	__be32 m[4];

	xf_prefix_mask(XF_L3_IPV6, 0, m);
	assert_int_equal(m[0] | m[1] | m[2] | m[3], 0);
	xf_prefix_mask(XF_L3_IPV6, 33, m);
	assert_int_equal(m[0], 0xffffffff);
	assert_int_equal(m[1], htonl(0x80000000));
	assert_int_equal(m[2] | m[3], 0);
	xf_prefix_mask(XF_L3_IPV6, 128, m);
	assert_int_equal(m[3], 0xffffffff);
	xf_prefix_mask(XF_L3_IPV4, 32, m);
	assert_int_equal(m[0], 0xffffffff);
	assert_int_equal(m[1], 0);
}

static void test_rule_file_names_the_bad_line(void **state)
{
	char path[] = "/tmp/xf-rules-XXXXXX", err[512];
	struct xf_rule_file rf;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs("# comment\n\nproto udp dport 53 action drop  # trailing\n"
	      "proto tcp dport 99999 action drop\n", f);
	fclose(f);
	assert_int_not_equal(xf_rule_file_read(path, &rf, err, sizeof(err)), 0);
	assert_non_null(strstr(err, ":4:"));
	assert_non_null(strstr(err, "99999"));
	assert_int_equal(rf.n, 0);

	f = fopen(path, "w");
	fputs("# two rules\nproto udp dport 53 action drop\n\tsrc 2001:db8::/32 action pass\n", f);
	fclose(f);
	assert_int_equal(xf_rule_file_read(path, &rf, err, sizeof(err)), 0);
	assert_int_equal(rf.n, 2);
	assert_int_equal(rf.lines[0], 2);
	assert_int_equal(rf.lines[1], 3);
	xf_rule_file_free(&rf);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_rules_round_trip),
		cmocka_unit_test(test_bad_rules_are_named),
		cmocka_unit_test(test_shape_and_key),
		cmocka_unit_test(test_prefix_masks),
		cmocka_unit_test(test_rule_file_names_the_bad_line),
	};

	return cmocka_run_group_tests_name("rule codec", tests, NULL, NULL);
}
