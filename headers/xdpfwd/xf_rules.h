/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_rules.h - the rule codec: words <-> struct xf_rule_spec, and the
 * shape and key a spec maps to.  Pure functions, no maps: unit-testable.
 *
 * Rule words (any order, each at most once; "action" comes last):
 *   [vlan ID] [proto tcp|udp|sctp|icmp|icmpv6|NUM] [src PREFIX] [dst PREFIX]
 *   [sport PORT] [dport PORT] [priority N] action pass|drop|tx|xsk|fwd|redirect DEV
 */
#ifndef XF_RULES_H
#define XF_RULES_H

#include <net/if.h>
#include <stddef.h>
#include "xf_abi.h"

#define XF_DEFAULT_PRIORITY	1000
#define XF_MAX_PRIORITY		0x7fffffff

struct xf_rule_spec {
	__u32 fields;		/* enum xf_field */
	__u8  family;		/* XF_L3_* when src or dst is set */
	__u8  src_plen;
	__u8  dst_plen;
	__u8  proto;
	__u16 vlan;
	__u16 sport;		/* host order */
	__u16 dport;
	__be32 src[4];		/* network order, host bits zero */
	__be32 dst[4];
	__u32 priority;
	__u32 action;		/* enum xf_action */
	char  dev[IF_NAMESIZE];	/* redirect target name */
	__u32 ifindex;		/* redirect target, resolved by the caller */
};

/* The identity of a shape: what goes into a struct xf_shape minus counts. */
struct xf_shape_id {
	__u32 fields;
	__u8 family, src_plen, dst_plen;
};

/*
 * Parse rule words.  On error returns -EINVAL and writes a message naming
 * the bad word into err (never NULL-terminated past errlen).  Does not
 * resolve the redirect device (see xf_rule_resolve()).
 */
int xf_rule_parse(int argc, char **argv, struct xf_rule_spec *spec,
		  char *err, size_t errlen);

/* Resolve spec->dev to spec->ifindex; -ENODEV with a message. */
int xf_rule_resolve(struct xf_rule_spec *spec, char *err, size_t errlen);

/* Format the match and action as rule words (what xf_rule_parse reads). */
void xf_rule_format(const struct xf_rule_spec *spec, char *buf, size_t len);

/* Shape of a spec, and the shape record for the BPF side. */
struct xf_shape_id xf_rule_shape(const struct xf_rule_spec *spec);
int xf_shape_eq(const struct xf_shape_id *a, const struct xf_shape *b);
void xf_shape_fill(struct xf_shape *s, const struct xf_shape_id *id);

/* The hash key of a spec placed in shape slot `slot`. */
void xf_rule_key(const struct xf_rule_spec *spec, __u32 slot,
		 struct xf_rule_key *key);

/* Rebuild a spec from a stored key/value and its shape. */
void xf_rule_from_map(const struct xf_rule_key *key, const struct xf_rule *val,
		      const struct xf_shape *shape, struct xf_rule_spec *spec);

/* Prefix "10.0.0.0/8" or "2001:db8::/32" (or a bare address = host). */
int xf_prefix_parse(const char *s, __u8 *family, __be32 addr[4], __u8 *plen,
		    char *err, size_t errlen);
void xf_prefix_mask(__u8 family, __u8 plen, __be32 mask[4]);
void xf_addr_str(__u8 family, const __be32 addr[4], char *buf, size_t len);

const char *xf_proto_name(__u8 proto);	/* NULL when it has no name */

/* A rule file: one rule per line in the words of `rule add`, # comments. */
struct xf_rule_file {
	struct xf_rule_spec *specs;
	size_t *lines;		/* line number of each spec */
	size_t n;
};

/*
 * Read and check every line of path ("-" is stdin), resolving redirect
 * devices.  On the first bad line: -EINVAL, err = "FILE:LINE: why".
 */
int xf_rule_file_read(const char *path, struct xf_rule_file *rf, char *err,
		      size_t errlen);
void xf_rule_file_free(struct xf_rule_file *rf);

#endif /* XF_RULES_H */
