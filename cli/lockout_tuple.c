// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lockout_tuple.c - SSH_CONNECTION's parser and the session's verdict.
 *
 * The verdict is computed here over rule specs, not by running the BPF
 * program on a frame built from the session (BPF_PROG_TEST_RUN, as
 * lib/xf_dryrun.c does): that would need the proposed rules in maps of
 * their own, a second copy of the table built for every change, while the
 * proposed state exists only as specs until it is applied.  What the
 * program matches for a TCP frame without a VLAN tag is few enough to
 * state here: protocol, prefixes of the frame's family, ports, no VLAN;
 * the lowest priority wins, then the lowest id (bpf/xdp_fwd.bpf.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockout.h"

static int parse_addr(const char *s, __u8 *family, __be32 a[4])
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1) {
		*family = XF_L3_IPV4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*family = XF_L3_IPV6;
		return 0;
	}
	return -1;
}

static int parse_port(const char *s, __u16 *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v < 1 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

int lo_ssh_parse(const char *s, struct lo_session *out)
{
	char w[4][64], extra;
	__u8 f1, f2;

	/* four words exactly; sshd writes them with single spaces */
	if (!s || sscanf(s, "%63s %63s %63s %63s %c", w[0], w[1], w[2], w[3], &extra) != 4)
		return -1;
	memset(out, 0, sizeof(*out));
	if (parse_addr(w[0], &f1, out->client) || parse_port(w[1], &out->cport) ||
	    parse_addr(w[2], &f2, out->server) || parse_port(w[3], &out->sport) || f1 != f2)
		return -1;
	out->family = f1;
	return 0;
}

/* addr within prefix/plen (network order words) */
static bool in_prefix(const __be32 *addr, const __be32 *prefix, __u8 plen)
{
	for (int i = 0; i < 4 && plen; i++) {
		__u32 bits = plen >= 32 ? 32 : plen;
		__u32 mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);

		if ((ntohl(addr[i]) & mask) != (ntohl(prefix[i]) & mask))
			return false;
		plen -= bits;
	}
	return true;
}

bool lo_spec_matches(const struct xf_rule_spec *spec, const struct lo_session *s)
{
	__u32 f = spec->fields;

	if (f & XF_F_VLAN)		/* the session's frames carry no tag */
		return false;
	if ((f & XF_F_PROTO) && spec->proto != IPPROTO_TCP)
		return false;
	if ((f & (XF_F_SRC | XF_F_DST)) && spec->family != s->family)
		return false;
	if ((f & XF_F_SRC) && !in_prefix(s->client, spec->src, spec->src_plen))
		return false;
	if ((f & XF_F_DST) && !in_prefix(s->server, spec->dst, spec->dst_plen))
		return false;
	if ((f & XF_F_SPORT) && spec->sport != s->cport)
		return false;
	if ((f & XF_F_DPORT) && spec->dport != s->sport)
		return false;
	return true;
}

int lo_verdict(const struct lo_rule *rules, size_t n, int default_action,
	       const struct lo_session *s, __u32 *rule)
{
	const struct lo_rule *best = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct lo_rule *r = &rules[i];

		if (!lo_spec_matches(&r->spec, s))
			continue;
		if (!best || r->spec.priority < best->spec.priority ||
		    (r->spec.priority == best->spec.priority && r->id < best->id))
			best = r;
	}
	if (rule)
		*rule = best ? best->id : 0;
	return best ? (int)best->spec.action : default_action;
}

bool lo_action_cuts(int action)
{
	return action == XF_ACT_DROP || action == XF_ACT_TX || action == XF_ACT_REDIRECT ||
	       action == XF_ACT_XSK;
}

void lo_new_ids(const struct lo_rule *rules, size_t n, __u32 *ids, size_t nnew)
{
	__u32 next = 1;

	for (size_t k = 0; k < nnew; k++, next++) {
		/* n is small next to a CLI's patience: a scan per id is fine */
		for (size_t i = 0; i < n; i++) {
			if (rules[i].id == next) {
				next++;
				i = (size_t)-1;
			}
		}
		ids[k] = next;
	}
}
