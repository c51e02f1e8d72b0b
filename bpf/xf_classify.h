/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_classify.h - tuple-space search over the rule shapes in use.
 *
 * Cost: at most one hash lookup per shape in use (at most XF_MAX_SHAPES),
 * whatever the number of rules, and an array lookup for a port shape; a per-shape bitmap of key hashes skips the
 * lookup in shapes that hold no rule with the frame's key.  Shapes are
 * visited best min_priority first, and the walk stops when the best rule
 * found so far beats every rule the next shape could hold.
 */
#ifndef XF_CLASSIFY_H
#define XF_CLASSIFY_H

#include "xf_maps.h"

/* Build the key of frame p for shape s; 0 when the frame cannot match it. */
static __always_inline int xf_make_key(struct xf_rule_key *key,
				       const struct xf_shape *s, __u32 slot,
				       const struct xf_pkt *p)
{
	__u32 f = s->fields;
	int i;

	__builtin_memset(key, 0, sizeof(*key));
	key->slot = slot;

	if (f & XF_F_VLAN) {
		if (!p->vlan_n)
			return 0;
		key->vlan = p->vlan[0];
	}
	if (f & XF_F_PROTO) {
		if (p->l3 == XF_L3_NONE)
			return 0;
		key->proto = p->proto;
	}
	if (f & (XF_F_SRC | XF_F_DST)) {
		if (p->l3 != s->family)
			return 0;
XF_UNROLL
		for (i = 0; i < 4; i++) {
			key->src[i] = p->src[i] & s->src_mask[i];
			key->dst[i] = p->dst[i] & s->dst_mask[i];
		}
	}
	if (f & (XF_F_SPORT | XF_F_DPORT)) {
		if (!p->has_ports)
			return 0;
		if (f & XF_F_SPORT)
			key->sport = xf_ntohs(p->sport);
		if (f & XF_F_DPORT)
			key->dport = xf_ntohs(p->dport);
	}
	return 1;
}

static __always_inline int xf_better(const struct xf_rule *a,
				     const struct xf_rule *b)
{
	return !b || a->priority < b->priority ||
	       (a->priority == b->priority && a->id < b->id);
}

/* The winning rule for frame p among the shapes of set, or NULL. */
static __always_inline struct xf_rule *xf_classify(const struct xf_pkt *p,
						   const struct xf_shape_set *set)
{
	struct xf_rule *best = NULL, *r;
	struct xf_rule_key key;
	__u32 n = set->count, i, bit;

	for (i = 0; i < XF_MAX_SHAPES; i++) {
		const struct xf_shape *s;
		__u32 slot;

		if (i >= n)
			break;
		slot = set->order[i] & (XF_MAX_SHAPES - 1);
		s = &set->shape[slot];
		if (best && best->priority < s->min_priority)
			break;
		if (s->port_kind) {
			__u32 at;

			if (!p->has_ports)
				continue;
			at = xf_port_index(s->port_kind, p->proto, xf_ntohs(p->dport));
			r = bpf_map_lookup_elem(&port_rules, &at);
			if (r && r->id && xf_better(r, best))
				best = r;
			continue;
		}
		if (!xf_make_key(&key, s, slot, p))
			continue;
		bit = xf_key_bit(&key);
		if (!(set->filter[slot][bit / 64] & (1ULL << (bit % 64))))
			continue;	/* no rule of this shape has this key */
		r = bpf_map_lookup_elem(&rules, &key);
		if (r && xf_better(r, best))
			best = r;
	}
	return best;
}

#endif /* XF_CLASSIFY_H */
