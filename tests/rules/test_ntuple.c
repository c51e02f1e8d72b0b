// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of a rule as a NIC flow rule (lib/xf_ntuple.c): the exact
 * struct ethtool_rx_flow_spec of a rule, each rule that cannot be one
 * (named in the message), and how a rule read back from a NIC is matched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xf_ntuple.h"
#include "xf_rules.h"

static void spec_of(const char *text, struct xf_rule_spec *spec)
{
	char buf[512], err[256], *w[32];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", text);
	for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
		w[n++] = t;
	if (xf_rule_parse(n, w, spec, err, sizeof(err)))
		fail_msg("'%s' does not parse: %s", text, err);
}

static __be32 ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* Everything of fs outside the members a test checks is zero. */
static void assert_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		assert_int_equal(b[i], 0);
}

static void test_udp4_prefixes_and_ports(void **state)
{
	struct ethtool_rx_flow_spec fs, ref;
	struct xf_rule_spec spec;
	char err[256] = "";

	spec_of("proto udp src 10.1.0.0/16 dst 192.0.2.7 sport 1000 dport 9 action xsk", &spec);
	memset(&fs, 0xa5, sizeof(fs));	/* every byte must be written */
	assert_int_equal(xf_ntuple_spec(&spec, 3, 7, &fs, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(fs.flow_type, UDP_V4_FLOW);
	assert_int_equal(fs.h_u.udp_ip4_spec.ip4src, ip4("10.1.0.0"));
	assert_int_equal(fs.m_u.udp_ip4_spec.ip4src, ip4("255.255.0.0"));
	assert_int_equal(fs.h_u.udp_ip4_spec.ip4dst, ip4("192.0.2.7"));
	assert_int_equal(fs.m_u.udp_ip4_spec.ip4dst, 0xffffffff);
	assert_int_equal(fs.h_u.udp_ip4_spec.psrc, htons(1000));
	assert_int_equal(fs.m_u.udp_ip4_spec.psrc, 0xffff);
	assert_int_equal(fs.h_u.udp_ip4_spec.pdst, htons(9));
	assert_int_equal(fs.m_u.udp_ip4_spec.pdst, 0xffff);
	assert_int_equal(fs.h_u.udp_ip4_spec.tos, 0);
	assert_int_equal(fs.m_u.udp_ip4_spec.tos, 0);	/* tos not compared */
	assert_int_equal(fs.ring_cookie, 3);
	assert_int_equal(fs.location, 7);
	/* no FLOW_EXT: the extension and the rest of the unions are zero */
	assert_zero(&fs.h_ext, sizeof(fs.h_ext));
	assert_zero(&fs.m_ext, sizeof(fs.m_ext));
	memset(&ref, 0, sizeof(ref));
	ref.h_u.udp_ip4_spec = fs.h_u.udp_ip4_spec;
	ref.m_u.udp_ip4_spec = fs.m_u.udp_ip4_spec;
	assert_memory_equal(&ref.h_u, &fs.h_u, sizeof(fs.h_u));
	assert_memory_equal(&ref.m_u, &fs.m_u, sizeof(fs.m_u));
}

static void test_tcp6(void **state)
{
	struct ethtool_rx_flow_spec fs;
	struct xf_rule_spec spec;
	char err[256];

	spec_of("proto tcp src 2001:db8::/32 dst 2001:db8:1230::/44 dport 443 action pass",
		&spec);
	assert_int_equal(xf_ntuple_spec(&spec, 1, 2, &fs, err, sizeof(err)), 0);
	assert_int_equal(fs.flow_type, TCP_V6_FLOW);
	assert_int_equal(fs.h_u.tcp_ip6_spec.ip6src[0], htonl(0x20010db8));
	assert_int_equal(fs.m_u.tcp_ip6_spec.ip6src[0], 0xffffffff);
	for (int i = 1; i < 4; i++) {
		assert_int_equal(fs.h_u.tcp_ip6_spec.ip6src[i], 0);
		assert_int_equal(fs.m_u.tcp_ip6_spec.ip6src[i], 0);
	}
	assert_int_equal(fs.h_u.tcp_ip6_spec.ip6dst[0], htonl(0x20010db8));
	assert_int_equal(fs.h_u.tcp_ip6_spec.ip6dst[1], htonl(0x12300000));
	assert_int_equal(fs.m_u.tcp_ip6_spec.ip6dst[0], 0xffffffff);
	assert_int_equal(fs.m_u.tcp_ip6_spec.ip6dst[1], htonl(0xfff00000));
	assert_int_equal(fs.m_u.tcp_ip6_spec.ip6dst[2], 0);
	assert_int_equal(fs.m_u.tcp_ip6_spec.ip6dst[3], 0);
	assert_int_equal(fs.m_u.tcp_ip6_spec.psrc, 0);	/* sport not compared */
	assert_int_equal(fs.h_u.tcp_ip6_spec.pdst, htons(443));
	assert_int_equal(fs.m_u.tcp_ip6_spec.pdst, 0xffff);
	assert_int_equal(fs.m_u.tcp_ip6_spec.tclass, 0);
	assert_int_equal(fs.ring_cookie, 1);
	assert_int_equal(fs.location, 2);
}

/* Without an address the family is unknown: the IPv4 flow type (documented). */
static void test_flow_types(void **state)
{
	static const struct { const char *rule; __u32 type; } cases[] = {
		{ "proto udp dport 9 action xsk", UDP_V4_FLOW },
		{ "proto tcp action xsk", TCP_V4_FLOW },
		{ "proto sctp sport 5 action pass", SCTP_V4_FLOW },
		{ "proto sctp dst 2001:db8::1 action pass", SCTP_V6_FLOW },
		{ "proto udp src ::/0 action xsk", UDP_V6_FLOW },
		{ "proto tcp dst 0.0.0.0/0 action xsk", TCP_V4_FLOW },
	};
	struct ethtool_rx_flow_spec fs;
	struct xf_rule_spec spec;
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		spec_of(cases[i].rule, &spec);
		assert_int_equal(xf_ntuple_spec(&spec, 0, 1, &fs, err, sizeof(err)), 0);
		if (fs.flow_type != cases[i].type)
			fail_msg("'%s': flow type %u, want %u", cases[i].rule, fs.flow_type,
				 cases[i].type);
	}
	/* a /0 prefix compares nothing */
	spec_of("proto udp src ::/0 action xsk", &spec);
	xf_ntuple_spec(&spec, 0, 1, &fs, err, sizeof(err));
	assert_zero(&fs.m_u, sizeof(fs.m_u));
}

static void test_refusals_name_the_word(void **state)
{
	static const struct { const char *rule, *says; } cases[] = {
		{ "dport 9 action xsk", "queue needs proto tcp, udp or sctp" },
		{ "action xsk", "queue needs proto tcp, udp or sctp" },
		{ "proto icmp action pass", "queue needs proto tcp, udp or sctp" },
		{ "proto 47 action xsk", "queue needs proto tcp, udp or sctp" },
		{ "vlan 5 proto udp action xsk", "'vlan'" },
		{ "proto udp action drop", "action xsk or pass (not 'drop')" },
		{ "proto udp action tx", "action xsk or pass (not 'tx')" },
		{ "proto tcp action fwd", "action xsk or pass (not 'fwd')" },
		{ "proto tcp action redirect lo", "queue N only steers frames" },
	};
	struct ethtool_rx_flow_spec fs;
	struct xf_rule_spec spec;
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		spec_of(cases[i].rule, &spec);
		err[0] = '\0';
		assert_int_equal(xf_ntuple_spec(&spec, 2, 1, &fs, err, sizeof(err)), -EINVAL);
		if (!strstr(err, cases[i].says))
			fail_msg("'%s': message '%s' lacks '%s'", cases[i].rule, err,
				 cases[i].says);
	}
	/* no buffer for the message: still refused, nothing written */
	spec_of("proto udp action drop", &spec);
	assert_int_equal(xf_ntuple_spec(&spec, 2, 1, &fs, NULL, 0), -EINVAL);
}

/* A NIC rule read back is the rule's when it compares what the rule compares. */
static void test_match(void **state)
{
	struct ethtool_rx_flow_spec want, nic;
	struct xf_rule_spec spec;
	char err[256];

	spec_of("proto udp dst 192.0.2.0/24 dport 9 action xsk", &spec);
	assert_int_equal(xf_ntuple_spec(&spec, 0, 4, &want, err, sizeof(err)), 0);

	nic = want;
	assert_int_equal(xf_ntuple_match(&nic, &want), 1);
	nic.ring_cookie = 5;			/* any plain queue */
	assert_int_equal(xf_ntuple_match(&nic, &want), 1);
	nic.m_u.udp_ip4_spec.psrc = 0xffff;	/* a wider mask (a global one) */
	assert_int_equal(xf_ntuple_match(&nic, &want), 1);

	nic = want;
	nic.flow_type = TCP_V4_FLOW;
	assert_int_equal(xf_ntuple_match(&nic, &want), 0);
	nic = want;
	nic.ring_cookie = RX_CLS_FLOW_DISC;	/* a drop rule is not ours */
	assert_int_equal(xf_ntuple_match(&nic, &want), 0);
	nic = want;
	nic.ring_cookie = 1ULL << ETHTOOL_RX_FLOW_SPEC_RING_VF_OFF;	/* a VF's */
	assert_int_equal(xf_ntuple_match(&nic, &want), 0);
	nic = want;
	nic.h_u.udp_ip4_spec.pdst = htons(10);
	assert_int_equal(xf_ntuple_match(&nic, &want), 0);
	nic = want;
	nic.m_u.udp_ip4_spec.ip4dst = ip4("255.255.0.0");	/* compares less */
	assert_int_equal(xf_ntuple_match(&nic, &want), 0);
	nic = want;
	nic.h_u.udp_ip4_spec.ip4dst = ip4("192.0.2.77");	/* host bits: masked out */
	assert_int_equal(xf_ntuple_match(&nic, &want), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp4_prefixes_and_ports),
		cmocka_unit_test(test_tcp6),
		cmocka_unit_test(test_flow_types),
		cmocka_unit_test(test_refusals_name_the_word),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("rule as NIC flow rule", tests, NULL, NULL);
}
