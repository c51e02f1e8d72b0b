// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xf_internal.h"
#include "xf_rules.h"
#include "xf_util.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const struct {
	const char *name;
	__u8 num;
} protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "icmpv6", 58 }, { "sctp", 132 },
};

const char *xf_proto_name(__u8 proto)
{
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].num == proto)
			return protos[i].name;
	return NULL;
}

void xf_prefix_mask(__u8 family, __u8 plen, __be32 mask[4])
{
	int words = family == XF_L3_IPV4 ? 1 : 4;

	memset(mask, 0, 16);
	for (int i = 0; i < words; i++) {
		int bits = plen - 32 * i;

		if (bits >= 32)
			mask[i] = 0xffffffff;
		else if (bits > 0)
			mask[i] = htonl(~0u << (32 - bits));
	}
}

void xf_addr_str(__u8 family, const __be32 addr[4], char *buf, size_t len)
{
	if (!inet_ntop(family == XF_L3_IPV4 ? AF_INET : AF_INET6, addr, buf, len))
		snprintf(buf, len, "?");
}

int xf_prefix_parse(const char *s, __u8 *family, __be32 addr[4], __u8 *plen,
		    char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	__be32 mask[4];
	__u32 len, max;

	if (strlen(s) >= sizeof(buf))
		return fail(err, errlen, "bad prefix '%s'", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*family = XF_L3_IPV4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, addr) == 1) {
		*family = XF_L3_IPV6;
		max = 128;
	} else {
		return fail(err, errlen, "bad address '%s' in prefix '%s'", buf, s);
	}
	len = max;
	if (slash && xf_parse_u32(slash, 0, max, &len))
		return fail(err, errlen, "bad prefix length '%s' in '%s' (0..%u)",
			    slash, s, max);
	xf_prefix_mask(*family, len, mask);
	for (int i = 0; i < 4; i++) {
		if (addr[i] & ~mask[i]) {
			__be32 net[4];
			char nb[INET6_ADDRSTRLEN];

			for (int j = 0; j < 4; j++)
				net[j] = addr[j] & mask[j];
			xf_addr_str(*family, net, nb, sizeof(nb));
			return fail(err, errlen,
				    "prefix '%s' has host bits set (did you mean %s/%u?)",
				    s, nb, len);
		}
	}
	*plen = len;
	return 0;
}

static int parse_port(const char *word, const char *s, __u16 *port, char *err,
		      size_t errlen)
{
	__u32 v;

	if (xf_parse_u32(s, 0, 65535, &v))
		return fail(err, errlen, "bad %s '%s' (0..65535)", word, s);
	*port = v;
	return 0;
}

/* The field a rule word names: XF_F_*, 0 for priority and action, -1 for none. */
static long rule_word_field(const char *w)
{
	static const struct { const char *word; __u32 bit; } words[] = {
		{ "vlan", XF_F_VLAN }, { "proto", XF_F_PROTO }, { "src", XF_F_SRC },
		{ "dst", XF_F_DST }, { "sport", XF_F_SPORT }, { "dport", XF_F_DPORT },
		{ "priority", 0 }, { "action", 0 },
	};

	for (size_t k = 0; k < ARRAY_SIZE(words); k++)
		if (!strcmp(w, words[k].word))
			return words[k].bit;
	return -1;
}

static int parse_proto(const char *arg, __u8 *proto, char *err, size_t errlen)
{
	__u32 v;

	for (size_t k = 0; k < ARRAY_SIZE(protos); k++)
		if (!strcmp(arg, protos[k].name)) {
			*proto = protos[k].num;
			return 0;
		}
	if (xf_parse_u32(arg, 0, 255, &v))
		return fail(err, errlen, "bad proto '%s' (tcp, udp, sctp, icmp, icmpv6 or 0..255)",
			    arg);
	*proto = v;
	return 0;
}

/* src or dst: both of one family */
static int parse_side(__u32 bit, const char *arg, struct xf_rule_spec *spec, char *err,
		      size_t errlen)
{
	__u8 fam, plen;
	__be32 a[4];
	int ret;

	ret = xf_prefix_parse(arg, &fam, a, &plen, err, errlen);
	if (ret)
		return ret;
	if (spec->family && spec->family != fam)
		return fail(err, errlen, "src and dst are of different families ('%s')", arg);
	spec->family = fam;
	memcpy(bit == XF_F_SRC ? spec->src : spec->dst, a, 16);
	if (bit == XF_F_SRC)
		spec->src_plen = plen;
	else
		spec->dst_plen = plen;
	return 0;
}

/* The value of a match field (bit set in spec->fields by the caller). */
static int parse_field(__u32 bit, const char *w, const char *arg, struct xf_rule_spec *spec,
		       char *err, size_t errlen)
{
	__u32 v;

	switch (bit) {
	case XF_F_VLAN:
		if (xf_parse_u32(arg, 0, 4095, &v))
			return fail(err, errlen, "bad vlan id '%s' (0..4095)", arg);
		spec->vlan = v;
		return 0;
	case XF_F_PROTO:
		return parse_proto(arg, &spec->proto, err, errlen);
	case XF_F_SRC:
	case XF_F_DST:
		return parse_side(bit, arg, spec, err, errlen);
	case XF_F_SPORT:
		return parse_port(w, arg, &spec->sport, err, errlen) ? -EINVAL : 0;
	default:
		return parse_port(w, arg, &spec->dport, err, errlen) ? -EINVAL : 0;
	}
}

/* "action ACTION [DEV]" at argv[*i] (the value); *i moves past a DEV. */
static int parse_action(int argc, char **argv, int *i, struct xf_rule_spec *spec,
			char *err, size_t errlen)
{
	int a = xf_action_parse(argv[*i]);

	if (a < 0)
		return fail(err, errlen,
			    "unknown action '%s' (pass, drop, tx, xsk, fwd, redirect DEV)",
			    argv[*i]);
	spec->action = a;
	if (a != XF_ACT_REDIRECT)
		return 0;
	if (*i + 1 >= argc)
		return fail(err, errlen, "'redirect' needs a device");
	(*i)++;
	if (!xf_ifname_valid(argv[*i]))
		return fail(err, errlen, "bad device name '%s'", argv[*i]);
	snprintf(spec->dev, sizeof(spec->dev), "%s", argv[*i]);
	return 0;
}

/* Combinations that could never match. */
static int rule_check(const struct xf_rule_spec *spec, char *err, size_t errlen)
{
	if ((spec->fields & (XF_F_SPORT | XF_F_DPORT)) && (spec->fields & XF_F_PROTO) &&
	    spec->proto != 6 && spec->proto != 17 && spec->proto != 132)
		return fail(err, errlen, "ports need proto tcp, udp or sctp (got proto %u)",
			    spec->proto);
	if ((spec->fields & XF_F_PROTO) && spec->family == XF_L3_IPV4 && spec->proto == 58)
		return fail(err, errlen, "proto icmpv6 never matches IPv4 prefixes");
	if ((spec->fields & XF_F_PROTO) && spec->family == XF_L3_IPV6 && spec->proto == 1)
		return fail(err, errlen, "proto icmp never matches IPv6 prefixes (use icmpv6)");
	return 0;
}

int xf_rule_parse(int argc, char **argv, struct xf_rule_spec *spec,
		  char *err, size_t errlen)
{
	bool have_prio = false, have_action = false;
	int i, ret;
	__u32 v;

	memset(spec, 0, sizeof(*spec));
	spec->priority = XF_DEFAULT_PRIORITY;
	if (errlen)
		err[0] = '\0';

	for (i = 0; i < argc; i++) {
		const char *w = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;
		long bit;

		/* `rule add` takes 'queue N' out before it gets here */
		if (!strcmp(w, "queue"))
			return fail(err, errlen,
				    "'queue' is only for 'xdp-fwd rule add' on the command line "
				    "(one hardware flow rule at a time), not in rule files");
		if (have_action)
			return fail(err, errlen, "unexpected '%s' after the action", w);
		bit = rule_word_field(w);
		if (bit < 0)
			return fail(err, errlen, "unknown rule word '%s'", w);
		if (!arg)
			return fail(err, errlen, "'%s' needs a value", w);
		if (bit & spec->fields)
			return fail(err, errlen, "'%s' given twice", w);
		spec->fields |= bit;
		i++;
		if (bit) {
			ret = parse_field(bit, w, arg, spec, err, errlen);
		} else if (!strcmp(w, "action")) {
			ret = parse_action(argc, argv, &i, spec, err, errlen);
			have_action = true;
		} else if (have_prio) {
			ret = fail(err, errlen, "'priority' given twice");
		} else if (xf_parse_u32(arg, 0, XF_MAX_PRIORITY, &v)) {
			ret = fail(err, errlen, "bad priority '%s' (0..%u)", arg, XF_MAX_PRIORITY);
		} else {
			spec->priority = v;
			have_prio = true;
			ret = 0;
		}
		if (ret)
			return ret;
	}
	if (!have_action)
		return fail(err, errlen, "missing 'action'");
	return rule_check(spec, err, errlen);
}

int xf_rule_resolve(struct xf_rule_spec *spec, char *err, size_t errlen)
{
	unsigned int idx;

	if (spec->action != XF_ACT_REDIRECT)
		return 0;
	idx = if_nametoindex(spec->dev);
	if (!idx) {
		snprintf(err, errlen, "no such device '%s' for redirect", spec->dev);
		return -ENODEV;
	}
	spec->ifindex = idx;
	return 0;
}

struct xf_shape_id xf_rule_shape(const struct xf_rule_spec *spec)
{
	struct xf_shape_id id = { .fields = spec->fields };

	if (spec->fields & (XF_F_SRC | XF_F_DST))
		id.family = spec->family;
	if (spec->fields & XF_F_SRC)
		id.src_plen = spec->src_plen;
	if (spec->fields & XF_F_DST)
		id.dst_plen = spec->dst_plen;
	return id;
}

int xf_shape_eq(const struct xf_shape_id *a, const struct xf_shape *b)
{
	return a->fields == b->fields && a->family == b->family &&
	       a->src_plen == b->src_plen && a->dst_plen == b->dst_plen;
}

void xf_shape_fill(struct xf_shape *s, const struct xf_shape_id *id)
{
	memset(s, 0, sizeof(*s));
	s->fields = id->fields;
	s->family = id->family;
	s->src_plen = id->src_plen;
	s->dst_plen = id->dst_plen;
	s->port_kind = xf_port_kind_of(id->fields);
	if (id->fields & XF_F_SRC)
		xf_prefix_mask(id->family, id->src_plen, s->src_mask);
	if (id->fields & XF_F_DST)
		xf_prefix_mask(id->family, id->dst_plen, s->dst_mask);
}

void xf_rule_key(const struct xf_rule_spec *spec, __u32 slot,
		 struct xf_rule_key *key)
{
	memset(key, 0, sizeof(*key));
	key->slot = slot;
	if (spec->fields & XF_F_VLAN)
		key->vlan = spec->vlan;
	if (spec->fields & XF_F_PROTO)
		key->proto = spec->proto;
	if (spec->fields & XF_F_SRC)
		memcpy(key->src, spec->src, 16);
	if (spec->fields & XF_F_DST)
		memcpy(key->dst, spec->dst, 16);
	if (spec->fields & XF_F_SPORT)
		key->sport = spec->sport;
	if (spec->fields & XF_F_DPORT)
		key->dport = spec->dport;
}

void xf_rule_from_map(const struct xf_rule_key *key, const struct xf_rule *val,
		      const struct xf_shape *shape, struct xf_rule_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->fields = shape->fields;
	spec->family = shape->family;
	spec->src_plen = shape->src_plen;
	spec->dst_plen = shape->dst_plen;
	spec->vlan = key->vlan;
	spec->proto = key->proto;
	memcpy(spec->src, key->src, 16);
	memcpy(spec->dst, key->dst, 16);
	spec->sport = key->sport;
	spec->dport = key->dport;
	spec->priority = val->priority;
	spec->action = val->action;
	spec->ifindex = val->ifindex;
	if (val->ifindex && !if_indextoname(val->ifindex, spec->dev))
		snprintf(spec->dev, sizeof(spec->dev), "if%u", val->ifindex);
}

void xf_rule_format(const struct xf_rule_spec *spec, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t n = 0;

#define PUT(...) do { int _r = snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__); \
		      if (_r > 0) n += _r; } while (0)
	buf[0] = '\0';
	if (spec->fields & XF_F_VLAN)
		PUT("vlan %u ", spec->vlan);
	if (spec->fields & XF_F_PROTO) {
		const char *p = xf_proto_name(spec->proto);

		if (p)
			PUT("proto %s ", p);
		else
			PUT("proto %u ", spec->proto);
	}
	if (spec->fields & XF_F_SRC) {
		xf_addr_str(spec->family, spec->src, a, sizeof(a));
		PUT("src %s/%u ", a, spec->src_plen);
	}
	if (spec->fields & XF_F_DST) {
		xf_addr_str(spec->family, spec->dst, a, sizeof(a));
		PUT("dst %s/%u ", a, spec->dst_plen);
	}
	if (spec->fields & XF_F_SPORT)
		PUT("sport %u ", spec->sport);
	if (spec->fields & XF_F_DPORT)
		PUT("dport %u ", spec->dport);
	PUT("priority %u action %s", spec->priority, xf_action_name(spec->action));
	if (spec->action == XF_ACT_REDIRECT)
		PUT(" %s", spec->dev);
#undef PUT
}

void xf_rule_file_free(struct xf_rule_file *rf)
{
	free(rf->specs);
	free(rf->lines);
	memset(rf, 0, sizeof(*rf));
}

#define XF_MAX_WORDS 32

int xf_rule_file_read(const char *path, struct xf_rule_file *rf, char *err,
		      size_t errlen)
{
	size_t cap = 0, lineno = 0, len = 0;
	char *line = NULL, why[256];
	int ret = 0;
	FILE *f;

	memset(rf, 0, sizeof(*rf));
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return ret;
	}
	while (getline(&line, &len, f) >= 0) {
		char *hash = strchr(line, '#'), *words[XF_MAX_WORDS], *save = NULL, *tok;
		int nw = 0;

		lineno++;
		if (hash)
			*hash = '\0';
		for (tok = strtok_r(line, " \t\r\n", &save); tok;
		     tok = strtok_r(NULL, " \t\r\n", &save)) {
			if (nw == XF_MAX_WORDS) {
				snprintf(err, errlen, "%s:%zu: too many words", path, lineno);
				ret = -EINVAL;
				goto out;
			}
			words[nw++] = tok;
		}
		if (nw == 0)
			continue;
		if (rf->n == cap) {
			void *p;

			cap = cap ? cap * 2 : 64;
			p = realloc(rf->specs, cap * sizeof(*rf->specs));
			if (p)
				rf->specs = p;
			p = p ? realloc(rf->lines, cap * sizeof(*rf->lines)) : NULL;
			if (!p) {
				snprintf(err, errlen, "out of memory");
				ret = -ENOMEM;
				goto out;
			}
			rf->lines = p;
		}
		ret = xf_rule_parse(nw, words, &rf->specs[rf->n], why, sizeof(why));
		if (!ret)
			ret = xf_rule_resolve(&rf->specs[rf->n], why, sizeof(why));
		if (ret) {
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
			goto out;
		}
		rf->lines[rf->n++] = lineno;
	}
	if (ferror(f)) {
		ret = -EIO;
		snprintf(err, errlen, "cannot read %s", path);
	}
out:
	if (f != stdin)
		fclose(f);
	free(line);
	if (ret)
		xf_rule_file_free(rf);
	return ret;
}
