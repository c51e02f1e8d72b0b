/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_verdict.h - which rule a parsed frame hits: the per-CPU verdict cache
 * in front of the tuple-space search of xf_classify.h.
 *
 * A cache entry is trusted only when its stamp is the config's generation
 * (plus one, so a zeroed entry is never valid) and its tuple is the
 * frame's.  The generation is read before the shape set and the rules, and
 * userspace bumps it after each change is complete, so an entry computed
 * while a change was under way carries a stamp that is stale once the
 * change is done: a race can only throw a verdict away, never keep a wrong
 * one.  That needs the generation's load ordered before the later loads:
 * x86 keeps loads in order, the compiler barrier below keeps clang from
 * moving them; a weakly ordered CPU (arm64) would need a load-acquire.
 * The bump is always a write of its own (xf_maps.c), never part of the
 * write it publishes, since one map update may be read torn.
 *
 * The cache and the "parsed" scratch value are per CPU and written without
 * atomics: on a NIC the program runs in NAPI softirq, which does not nest
 * on one CPU, so one frame at a time owns them.  (A test_run could in
 * principle be interrupted by a NIC's softirq on its CPU; test_run is for
 * tests and benchmarks.  On PREEMPT_RT softirqs are threads that can be
 * preempted, and two frames could then share the scratch value: not
 * supported.)
 */
#ifndef XF_VERDICT_H
#define XF_VERDICT_H

#include "xf_maps.h"
#include "xf_classify.h"

/* Load-time tunable: 1 skips the cache (the benchmark's cold path). */
const volatile __u32 xf_vcache_off = 0;

struct xf_hit {
	__u32 rule;		/* XF_NO_RULE: no rule matched */
	__u32 action;
	__u32 ifindex;
};

static __always_inline int xf_vkey_eq(const struct xf_vkey *a, const struct xf_vkey *b)
{
	const xf_word *x = (const xf_word *)a, *y = (const xf_word *)b;
	__u32 diff = 0;
	int i;

	/* or the differences together: one branch instead of eleven */
XF_UNROLL
	for (i = 0; i < (int)(sizeof(*a) / 4); i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}

static __always_inline void xf_hit_of(struct xf_hit *h, const struct xf_rule *r)
{
	h->rule = r ? r->id : XF_NO_RULE;
	h->action = r ? r->action : 0;
	h->ifindex = r ? r->ifindex : 0;
}

/* Fill h with the rule frame p hits (h->rule == XF_NO_RULE: none). */
static __always_inline void xf_verdict(const struct xf_pkt *p,
				       const struct xf_config *cfg, struct xf_hit *h)
{
	struct xf_shape_set *set;
	struct xf_vcache_entry *e;
	struct xf_vkey key __attribute__((aligned(8)));
	__u32 idx, slot;
	__u64 stamp;

	h->rule = XF_NO_RULE;
	stamp = *(volatile const __u64 *)&cfg->generation + 1;
	/* nothing below may be read before the generation */
	asm volatile("" ::: "memory");
	idx = cfg->active_set & 1;
	set = bpf_map_lookup_elem(&shape_sets, &idx);
	if (!set || !set->count)
		return;		/* no rules: nothing a cache could save */
	/* only port shapes: array lookups, no cheaper than the cache's */
	if (xf_vcache_off || !set->hashed) {
		xf_hit_of(h, xf_classify(p, set));
		return;
	}

	xf_vkey_of(&key, p);
	slot = xf_vkey_slot(&key);
	e = bpf_map_lookup_elem(&vcache, &slot);
	if (!e) {
		xf_hit_of(h, xf_classify(p, set));
		return;
	}
	if (e->stamp == stamp && xf_vkey_eq(&e->key, &key)) {
		h->rule = e->rule;
		h->action = e->action;
		h->ifindex = e->ifindex;
		return;
	}
	xf_hit_of(h, xf_classify(p, set));
	/* invalidate first, so a half-written entry never looks valid */
	e->stamp = 0;
	__builtin_memcpy(&e->key, &key, sizeof(key));
	e->rule = h->rule;
	e->action = h->action;
	e->ifindex = h->ifindex;
	e->stamp = stamp;
}

#endif /* XF_VERDICT_H */
