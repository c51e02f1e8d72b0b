/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_abi.h - what the XDP program and userspace both read: map keys and
 * values, actions, counters, limits.  Included by bpf/ and lib/ alike, so it
 * uses only <linux/types.h> types and no libc.
 *
 * Rule matching is tuple-space search (see README, "How rules are matched"):
 * every rule belongs to a *shape* (which fields it matches and, for
 * addresses, the prefix lengths).  Each shape in use owns a slot; a rule's
 * key is the slot number plus the frame's fields masked by that shape.  Per
 * frame the program does one hash lookup per shape in use, in order of the
 * best priority each shape holds, and stops as soon as no later shape can
 * beat what it found.
 */
#ifndef XF_ABI_H
#define XF_ABI_H

#include <linux/types.h>
#include "xf_compat.h"

/* Limits.  Rules are numbered 1..max_rules (0 means "no rule"). */
#define XF_MAX_SHAPES		16
#define XF_DEFAULT_MAX_RULES	65536
#define XF_MAX_RULES_LIMIT	1048576
#define XF_MAX_QUEUES		256	/* XSKMAP size: RX queues per device */
#define XF_MAX_PORTS		64	/* egress devmap for redirect/fwd */

/* What to do with a frame.  The order is ABI: counters are indexed by it. */
enum xf_action {
	XF_ACT_PASS = 0,	/* to the kernel stack (XDP_PASS) */
	XF_ACT_DROP,		/* XDP_DROP */
	XF_ACT_TX,		/* bounce out of the RX port, MACs swapped */
	XF_ACT_XSK,		/* AF_XDP socket of the RX queue, else PASS */
	XF_ACT_REDIRECT,	/* out of another device through the devmap */
	XF_ACT_FWD,		/* FIB lookup, TTL--, MAC rewrite, devmap */
	XF_ACT_MAX,
};

/* Why a frame could not be parsed.  0 is "parsed fine".  ABI order. */
enum xf_perr {
	XF_PERR_NONE = 0,
	XF_PERR_TRUNC_ETH,		/* shorter than an Ethernet header */
	XF_PERR_TRUNC_VLAN,		/* a VLAN tag cut short */
	XF_PERR_VLAN_TOO_DEEP,		/* more than XF_MAX_VLAN tags */
	XF_PERR_BAD_IP_VERSION,		/* version nibble disagrees with ethertype */
	XF_PERR_TRUNC_IPV4,		/* IPv4 header (incl. options) cut short */
	XF_PERR_BAD_IHL,		/* IHL < 5 */
	XF_PERR_BAD_IPV4_LEN,		/* tot_len < IHL*4 or beyond the frame */
	XF_PERR_TRUNC_IPV6,		/* fixed IPv6 header cut short */
	XF_PERR_BAD_IPV6_LEN,		/* payload_len beyond the frame */
	XF_PERR_TRUNC_IPV6_EXT,		/* an extension header cut short */
	XF_PERR_IPV6_EXT_TOO_DEEP,	/* more than XF_MAX_IPV6_EXT headers */
	XF_PERR_TRUNC_L4,		/* TCP/UDP/SCTP/ICMP header cut short */
	XF_PERR_BAD_TCP_HLEN,		/* TCP data offset < 5 */
	XF_PERR_BAD_UDP_LEN,		/* UDP length < 8 or beyond the IP packet */
	XF_PERR_MAX,
};

/* Things the program did that are not an action of their own. ABI order. */
enum xf_event {
	XF_EV_XSK_NO_SOCKET = 0,	/* xsk: no socket on the queue, passed */
	XF_EV_REDIRECT_NO_PORT,		/* redirect: target not in devmap, passed */
	XF_EV_FWD_TO_KERNEL,		/* fwd: FIB said no neighbour/route, passed */
	XF_EV_FWD_NO_PORT,		/* fwd: egress not in devmap, passed */
	XF_EV_FWD_TTL_EXPIRED,		/* fwd: TTL/hop limit <= 1, passed */
	XF_EV_FWD_NOT_IP,		/* fwd: frame is not IPv4/IPv6, passed */
	XF_EV_ABORTED,			/* the program returned XDP_ABORTED */
	XF_EV_MAX,
};

/* Which fields a shape matches.  A rule may use any subset. */
enum xf_field {
	XF_F_VLAN  = 1 << 0,	/* outer VLAN id */
	XF_F_PROTO = 1 << 1,	/* L4 protocol (after IPv6 ext headers) */
	XF_F_SRC   = 1 << 2,	/* source prefix */
	XF_F_DST   = 1 << 3,	/* destination prefix */
	XF_F_SPORT = 1 << 4,	/* source port (TCP/UDP/SCTP) */
	XF_F_DPORT = 1 << 5,	/* destination port */
	XF_F_ALL   = (1 << 6) - 1,
};

/* Address family of a shape (and of a parsed frame's L3). */
enum xf_l3 {
	XF_L3_NONE = 0,
	XF_L3_IPV4 = 4,
	XF_L3_IPV6 = 6,
};

/* Packets and bytes: the value of every per-CPU counter map. */
struct xf_counter {
	__u64 packets;
	__u64 bytes;
};

/*
 * Value of the per-CPU "queue_stats" array, indexed by RX queue: what the
 * xsk action did with the frames of that queue.  Only the xsk action
 * counts here, so the other actions pay nothing for it.
 */
struct xf_queue_stat {
	struct xf_counter xsk;		/* redirected to the queue's AF_XDP socket */
	struct xf_counter no_socket;	/* passed to the stack: the queue had none */
};

/*
 * Key of the "rules" hash map.  All fields the shape does not match are
 * zero, as is every pad byte, so userspace and BPF build equal keys.
 * Ports and VLAN id are in host order (readable in `bpftool map dump`);
 * addresses in network order, IPv4 in src[0]/dst[0].
 */
struct xf_rule_key {
	__u8  slot;		/* shape slot, 0..XF_MAX_SHAPES-1 */
	__u8  proto;
	__u16 vlan;		/* 0..4095 */
	__u16 sport;
	__u16 dport;
	__be32 src[4];
	__be32 dst[4];
};

/* Value of the "rules" hash map. */
struct xf_rule {
	__u32 id;		/* 1..max_rules; indexes rule_stats */
	__u32 priority;		/* lower wins; ties go to the lower id */
	enum xf_action action;	/* 4 bytes; an enum so bpftool prints its name */
	__u32 ifindex;		/* redirect target, else 0 */
};

/*
 * One shape slot.  A slot with nrules == 0 is free.  Masks are precomputed
 * by userspace (network order) so the program only ANDs.
 */
struct xf_shape {
	__u32 fields;		/* enum xf_field bits */
	__u8  family;		/* enum xf_l3 when SRC or DST is matched, else 0 */
	__u8  src_plen;
	__u8  dst_plen;
	__u8  port_kind;	/* enum xf_port_kind: 0 hashed, else port_rules */
	__u32 min_priority;	/* best (lowest) priority among its rules */
	__u32 nrules;
	__be32 src_mask[4];
	__be32 dst_mask[4];
};

/*
 * Port shapes: `dport N` and `proto tcp|udp|sctp dport N` rules, the
 * commonest steering rules, live in a direct-mapped array ("port_rules",
 * one struct xf_rule per port and protocol, id 0 when empty) instead of
 * the hash: an array lookup is inlined by the verifier, while a hash
 * lookup costs a call, a jhash of the 40-byte key and a bucket walk (about
 * 40 ns here).  4 x 65536 x 16 bytes = 4 MiB.  Their rules are in "rules"
 * too, which stays the table userspace lists.
 */
enum xf_port_kind {
	XF_PK_NONE = 0,		/* a hashed shape */
	XF_PK_DPORT,		/* dport alone: any of TCP, UDP, SCTP */
	XF_PK_PROTO_DPORT,	/* proto (TCP, UDP or SCTP) and dport */
};

#define XF_PORT_RULES		(4 << 16)	/* dport alone, then TCP, UDP, SCTP */

/* Index in port_rules of (proto, dport host order); XF_PORT_RULES: none. */
static __always_inline __u32 xf_port_index(__u32 kind, __u8 proto, __u16 dport)
{
	__u32 region;

	if (kind == XF_PK_DPORT)
		region = 0;
	else if (proto == 6)		/* TCP */
		region = 1;
	else if (proto == 17)		/* UDP */
		region = 2;
	else if (proto == 132)		/* SCTP */
		region = 3;
	else
		return XF_PORT_RULES;
	return region << 16 | dport;
}

/* The port kind of a shape's fields (and prefixes: none for port shapes). */
static __always_inline __u8 xf_port_kind_of(__u32 fields)
{
	if (fields == XF_F_DPORT)
		return XF_PK_DPORT;
	if (fields == (XF_F_PROTO | XF_F_DPORT))
		return XF_PK_PROTO_DPORT;
	return XF_PK_NONE;
}

/*
 * Per-shape prefilter: one bit per hash of a key, set for every rule of the
 * shape.  A clear bit means no rule of that shape can match, so the frame
 * skips that shape's hash lookup (the expensive part of classifying); a set
 * bit may be a false positive, and the lookup decides.
 */
#define XF_FILTER_BITS_LOG2	13
#define XF_FILTER_WORDS		((1 << XF_FILTER_BITS_LOG2) / 64)

/*
 * The shapes in use.  Two copies live in the "shape_sets" array; the
 * program reads the one config.active_set names, userspace rewrites the
 * other and then flips active_set, so a frame never sees a half-written set.
 */
struct xf_shape_set {
	__u32 count;			/* entries of order[] in use */
	__u32 hashed;			/* of them, shapes looked up by hash */
	__u8  order[XF_MAX_SHAPES];	/* slots, best min_priority first */
	struct xf_shape shape[XF_MAX_SHAPES];	/* indexed by slot */
	__u64 filter[XF_MAX_SHAPES][XF_FILTER_WORDS];	/* indexed by slot */
};

/* Single entry of the "config" array. */
struct xf_config {
	enum xf_action default_action;	/* for frames no rule matches */
	__u32 default_ifindex;		/* when default_action is redirect */
	enum xf_action error_action;	/* frames that fail to parse: PASS or DROP */
	__u32 active_set;	/* 0 or 1: which shape_sets entry is live */
	/*
	 * Bumped by userspace after every change that can change a verdict
	 * (rules, shape sets, defaults), once the change is in place; the
	 * verdict cache trusts only entries stamped with the current value.
	 * 64 bits, so it never wraps back to a stamp still in the cache.
	 */
	__u64 generation;
};

/*
 * The per-CPU verdict cache: a direct-mapped table indexed by a hash of
 * the frame's tuple (every field a rule can match), remembering the rule
 * the tuple-space search chose, or none.  A repeated flow then costs one
 * inlined array lookup and a compare instead of a hash lookup per shape.
 */
#define XF_VCACHE_LOG2		12
#define XF_VCACHE_SIZE		(1 << XF_VCACHE_LOG2)

/* What a rule can match of a frame; all else (and pads) zero. */
struct xf_vkey {
	__u16 vlan;		/* outer VLAN id when tagged, else 0 */
	__u8  tagged;		/* 1 when the frame has a VLAN tag */
	__u8  l3;		/* enum xf_l3 */
	__u8  proto;		/* L4 protocol when l3 != NONE, else 0 */
	__u8  has_ports;
	__u16 pad;
	__be16 sport;		/* as on the wire; 0 without ports */
	__be16 dport;
	__be32 src[4];		/* IPv4 in [0], else zero */
	__be32 dst[4];
};

/* Value of the "vcache" per-CPU array. */
struct xf_vcache_entry {
	struct xf_vkey key;
	__u32 rule;		/* winning rule id, or XF_NO_RULE */
	__u64 stamp;		/* config.generation + 1 when stored; 0: empty */
	enum xf_action action;	/* the rule's, when rule != XF_NO_RULE */
	__u32 ifindex;
};

_Static_assert(sizeof(enum xf_action) == 4, "enum xf_action is part of the ABI");

/* Verdict names and their rule when traced (see the "trace" map). */
#define XF_NO_RULE 0

/*
 * Per-frame metadata: what the program found about a frame it hands to an
 * AF_XDP socket, written with bpf_xdp_adjust_meta() into the 16 bytes right
 * before the frame's data, where the consumer reads it (xf_frame_meta() of
 * xf_proc.h).  magic is the word next to the data and is written last.
 */
#define XF_META_MAGIC	0x78666d31u	/* "xfm1" */
#define XF_META_NONE	0xffffu		/* l3_off / l4_off: no such header */

struct xf_meta {
	__u32 rule_id;	/* the rule that steered the frame; XF_NO_RULE: the default action */
	__u16 l3_off;	/* bytes from data to the network header, or XF_META_NONE */
	__u16 l4_off;	/* bytes from data to the transport header, or XF_META_NONE */
	__u16 len;	/* data_end - data as the program saw it (one UMEM frame) */
	__u8 l3;	/* enum xf_l3: XF_L3_NONE, XF_L3_IPV4, XF_L3_IPV6 */
	__u8 l4_proto;	/* the transport protocol (IPPROTO_*, after IPv6's extension
			 * headers); 0 when l3 is XF_L3_NONE */
	__u32 magic;	/* XF_META_MAGIC */
};

_Static_assert(sizeof(struct xf_meta) == 16, "struct xf_meta is part of the ABI");


/*
 * A word that may alias any object: the hashes below read structs as
 * words, and without this the compiler may, by the strict-aliasing rule,
 * read them before the struct's fields are stored (seen on the host at -O2).
 */
typedef __u32 __attribute__((__may_alias__)) xf_word;

/* The prefilter's hash of a rule key: its bit index, 0..2^XF_FILTER_BITS_LOG2-1. */
static __always_inline __u32 xf_key_bit(const struct xf_rule_key *k)
{
	const xf_word *w = (const xf_word *)k;
	__u32 h = 0x811c9dc5;
	int i;

	_Static_assert(sizeof(*k) % 4 == 0, "rule key is whole words");
	for (i = 0; i < (int)(sizeof(*k) / 4); i++)
		h = (h ^ w[i]) * 0x01000193;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	return h >> (32 - XF_FILTER_BITS_LOG2);
}

/*
 * The verdict cache's slot of a tuple.  Multiplies that do not depend on
 * each other (they pipeline) rather than a serial FNV chain: this runs for
 * every frame while rules are in place.
 */
static __always_inline __u32 xf_vkey_slot(const struct xf_vkey *k)
{
	const xf_word *w = (const xf_word *)k;
	__u64 h;

	_Static_assert(sizeof(*k) == 11 * 4, "verdict key is 11 words");
	h = (__u64)w[0] * 0x9E3779B97F4A7C15ULL + (__u64)w[1] * 0xC2B2AE3D27D4EB4FULL +
	    (__u64)w[2] * 0x165667B19E3779F9ULL + (__u64)w[3] * 0x85EBCA77C2B2AE63ULL +
	    (__u64)w[4] * 0x27D4EB2F165667C5ULL + (__u64)w[5] * 0x94D049BB133111EBULL +
	    (__u64)w[6] * 0xBF58476D1CE4E5B9ULL + (__u64)w[7] * 0xD6E8FEB86659FD93ULL +
	    (__u64)w[8] * 0xFF51AFD7ED558CCDULL + (__u64)w[9] * 0xC4CEB9FE1A85EC53ULL +
	    (__u64)w[10] * 0x9FB21C651E98DF25ULL;
	/* a product's top bits depend on every bit of its factor */
	return (__u32)(h >> (64 - XF_VCACHE_LOG2));
}

/* Names for the enums, shared so the tool and tests print the same words. */
#define XF_ACTION_NAMES { "pass", "drop", "tx", "xsk", "redirect", "fwd" }
#define XF_PERR_NAMES { "none", "truncated-eth", "truncated-vlan",	\
	"vlan-too-deep", "bad-ip-version", "truncated-ipv4", "bad-ihl",	\
	"bad-ipv4-len", "truncated-ipv6", "bad-ipv6-len",		\
	"truncated-ipv6-ext", "ipv6-ext-too-deep", "truncated-l4",	\
	"bad-tcp-hlen", "bad-udp-len" }
#define XF_EVENT_NAMES { "xsk-no-socket", "redirect-no-port",		\
	"fwd-to-kernel", "fwd-no-port", "fwd-ttl-expired", "fwd-not-ip",	\
	"aborted" }

#endif /* XF_ABI_H */
