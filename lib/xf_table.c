// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xf_table.c - the tuple-space rule table: rules in a hash map keyed by
 * shape slot, the shape set (double-buffered, flipped by config.active_set)
 * and the port table, changed all-or-nothing (xf_maps.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xf_internal.h"
#include "xf_maps.h"
#include "xf_util.h"

/*
 * Invalidate every cached verdict.  Called after a change to the rules is
 * complete (after the last map write), so that no verdict computed while
 * the change was under way survives it.
 */
static int gen_bump(struct xf_maps *m)
{
	struct xf_config cfg;
	__u32 zero = 0;
	int err;

	err = xf_config_get(m, &cfg);
	if (err)
		return err;
	cfg.generation++;
	if (bpf_map_update_elem(m->config, &zero, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

void xf_table_free(struct xf_table *t)
{
	free(t->keys);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}

int xf_table_read(struct xf_maps *m, struct xf_table *t)
{
	struct xf_rule_key key, next, *pkey = NULL;
	struct xf_config cfg;
	size_t cap = 0;
	int err;

	memset(t, 0, sizeof(*t));
	err = xf_config_get(m, &cfg);
	if (err)
		return err;
	t->active = cfg.active_set & 1;
	if (bpf_map_lookup_elem(m->shape_sets, &t->active, &t->set))
		return -errno;
	if (t->set.count > XF_MAX_SHAPES)
		return -EUCLEAN;

	while (!bpf_map_get_next_key(m->rules, pkey, &next)) {
		struct xf_rule val;

		key = next;
		pkey = &key;
		if (bpf_map_lookup_elem(m->rules, &key, &val))
			continue;	/* deleted under us */
		if (t->n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			void *k = realloc(t->keys, ncap * sizeof(*t->keys));

			if (!k)
				goto nomem;
			t->keys = k;
			k = realloc(t->vals, ncap * sizeof(*t->vals));
			if (!k)
				goto nomem;
			t->vals = k;
			cap = ncap;
		}
		t->keys[t->n] = key;
		t->vals[t->n] = val;
		t->n++;
	}
	if (errno != ENOENT) {
		err = -errno;
		xf_table_free(t);
		return err;
	}
	return 0;
nomem:
	xf_table_free(t);
	return -ENOMEM;
}

long xf_table_find(const struct xf_table *t, __u32 id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->vals[i].id == id)
			return (long)i;
	return -1;
}

unsigned int xf_table_shapes(const struct xf_table *t)
{
	unsigned int n = 0;

	for (int s = 0; s < XF_MAX_SHAPES; s++)
		n += t->set.shape[s].nrules > 0;
	return n;
}

static int errf(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int errf(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* Order the used slots by best priority, then slot, and count them. */
static void set_reorder(struct xf_shape_set *set)
{
	__u32 n = 0;

	set->hashed = 0;
	for (int s = 0; s < XF_MAX_SHAPES; s++) {
		if (!set->shape[s].nrules)
			continue;
		set->order[n++] = s;
		if (!set->shape[s].port_kind)
			set->hashed++;
	}
	for (__u32 i = 1; i < n; i++) {	/* insertion sort: n <= 16 */
		__u8 v = set->order[i];
		__u32 j = i;

		while (j > 0 && set->shape[set->order[j - 1]].min_priority >
				set->shape[v].min_priority) {
			set->order[j] = set->order[j - 1];
			j--;
		}
		set->order[j] = v;
	}
	for (__u32 i = n; i < XF_MAX_SHAPES; i++)
		set->order[i] = 0;
	set->count = n;
}

/* Write set into the inactive copy, then make it the live one. */
static int set_publish(struct xf_maps *m, __u32 active, struct xf_shape_set *set)
{
	__u32 next = active ^ 1, zero = 0;
	struct xf_config cfg;
	int err;

	set_reorder(set);
	if (bpf_map_update_elem(m->shape_sets, &next, set, BPF_ANY))
		return -errno;
	err = xf_config_get(m, &cfg);
	if (err)
		return err;
	cfg.active_set = next;
	if (bpf_map_update_elem(m->config, &zero, &cfg, BPF_ANY))
		return -errno;
	/*
	 * The bump is a write of its own, after the flip: one update of the
	 * config value is a memcpy the program may read torn (new generation,
	 * old active_set), which would stamp a verdict of the old set as
	 * current.  Written after the flip, a program that reads the new
	 * generation reads the new set too (x86 keeps loads in order; see
	 * xf_verdict.h).
	 */
	return gen_bump(m);
}

/* Where a rule of key k lives in port_rules, or XF_PORT_RULES: hashed only. */
static __u32 port_at(const struct xf_shape_set *set, const struct xf_rule_key *k)
{
	const struct xf_shape *s = &set->shape[k->slot % XF_MAX_SHAPES];

	if (!s->port_kind)
		return XF_PORT_RULES;
	return xf_port_index(s->port_kind, k->proto, k->dport);
}

/* Empty entry `at` of port_rules (id 0: no rule); quiet when not a port rule. */
static int port_clear(struct xf_maps *m, __u32 at)
{
	struct xf_rule none = { 0 };

	if (at >= XF_PORT_RULES)
		return 0;
	if (bpf_map_update_elem(m->port_rules, &at, &none, BPF_ANY))
		return -errno;
	return 0;
}

static void filter_set(struct xf_shape_set *set, const struct xf_rule_key *k)
{
	__u32 bit = xf_key_bit(k);

	set->filter[k->slot % XF_MAX_SHAPES][bit / 64] |= 1ULL << (bit % 64);
}

/* Rebuild one slot's filter from the rules of table t, leaving out `skip`. */
static void filter_rebuild(struct xf_shape_set *set, const struct xf_table *t,
			   __u32 slot, long skip)
{
	memset(set->filter[slot], 0, sizeof(set->filter[slot]));
	for (size_t i = 0; i < t->n; i++)
		if ((long)i != skip && t->keys[i].slot == slot)
			filter_set(set, &t->keys[i]);
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(*(const struct xf_rule_key *const *)a,
		      *(const struct xf_rule_key *const *)b,
		      sizeof(struct xf_rule_key));
}

/*
 * One xf_rules_add() call: the batch, the table as it was read, the shape
 * set being built, and what has been written so far (for the rollback).
 */
struct add_batch {
	struct xf_maps *m;
	const struct xf_rule_spec *specs;
	size_t n;
	long *bad;
	char *err;
	size_t errlen;
	struct xf_table t;
	struct xf_shape_set set;
	struct xf_rule_key *keys, **sorted;
	struct xf_rule *vals;
	unsigned char *used;		/* rule ids taken, indexed by id */
	unsigned char *new_port;	/* specs[i] added its device to the devmap */
	size_t inserted;		/* keys[0..inserted) are in the rules map */
	__u32 next_id;
};

static void add_blame(struct add_batch *b, size_t i)
{
	if (b->bad)
		*b->bad = (long)i;
}

/* Read the table and allocate the batch's arrays; 0 or an error in b->err. */
static int add_prepare(struct add_batch *b)
{
	size_t n = b->n ? b->n : 1;
	int ret;

	ret = xf_table_read(b->m, &b->t);
	if (ret)
		return errf(b->err, b->errlen, ret, "cannot read the rule table: %s",
			    strerror(-ret));
	if (b->t.n + b->n > b->m->max_rules)
		return errf(b->err, b->errlen, -ENOSPC,
			    "rule table full: %zu rules + %zu new > limit %u (see load --max-rules)",
			    b->t.n, b->n, b->m->max_rules);
	b->keys = calloc(n, sizeof(*b->keys));
	b->vals = calloc(n, sizeof(*b->vals));
	b->sorted = calloc(n, sizeof(*b->sorted));
	b->used = calloc(b->m->max_rules + 2, 1);
	b->new_port = calloc(n, 1);
	if (!b->keys || !b->vals || !b->sorted || !b->used || !b->new_port)
		return errf(b->err, b->errlen, -ENOMEM, "out of memory");
	for (size_t i = 0; i < b->t.n; i++)
		if (b->t.vals[i].id <= b->m->max_rules)
			b->used[b->t.vals[i].id] = 1;
	b->set = b->t.set;
	b->next_id = 1;
	return 0;
}

/* The slot of spec's shape: the one in use, else a free one; -1 when all are taken. */
static int add_slot(struct xf_shape_set *set, const struct xf_rule_spec *spec)
{
	struct xf_shape_id sid = xf_rule_shape(spec);
	int s;

	for (s = 0; s < XF_MAX_SHAPES; s++)
		if (set->shape[s].nrules && xf_shape_eq(&sid, &set->shape[s]))
			return s;
	for (s = 0; s < XF_MAX_SHAPES; s++)
		if (!set->shape[s].nrules) {
			xf_shape_fill(&set->shape[s], &sid);
			memset(set->filter[s], 0, sizeof(set->filter[s]));
			set->shape[s].min_priority = spec->priority;
			return s;
		}
	return -1;
}

/* Plan specs[i]: its slot, key, filter bit and a free id; nothing is written yet. */
static int add_plan(struct add_batch *b, size_t i)
{
	const struct xf_rule_spec *spec = &b->specs[i];
	struct xf_rule existing;
	int slot = add_slot(&b->set, spec);

	if (slot < 0) {
		add_blame(b, i);
		return errf(b->err, b->errlen, -ENOSPC,
			    "all %d rule shapes are in use; this rule needs another "
			    "(a shape is the set of fields and prefix lengths a rule matches)",
			    XF_MAX_SHAPES);
	}
	b->set.shape[slot].nrules++;
	if (spec->priority < b->set.shape[slot].min_priority)
		b->set.shape[slot].min_priority = spec->priority;

	xf_rule_key(spec, slot, &b->keys[i]);
	filter_set(&b->set, &b->keys[i]);
	if (!bpf_map_lookup_elem(b->m->rules, &b->keys[i], &existing)) {
		add_blame(b, i);
		return errf(b->err, b->errlen, -EEXIST,
			    "rule %u already matches the same fields", existing.id);
	}
	while (b->next_id <= b->m->max_rules && b->used[b->next_id])
		b->next_id++;
	if (b->next_id > b->m->max_rules)
		return errf(b->err, b->errlen, -ENOSPC, "no free rule id (limit %u)",
			    b->m->max_rules);
	b->used[b->next_id] = 1;
	b->vals[i] = (struct xf_rule){
		.id = b->next_id,
		.priority = spec->priority,
		.action = spec->action,
		.ifindex = spec->action == XF_ACT_REDIRECT ? spec->ifindex : 0,
	};
	b->sorted[i] = &b->keys[i];
	return 0;
}

/* Two rules of the batch that match the same fields. */
static int add_check_dups(struct add_batch *b)
{
	qsort(b->sorted, b->n, sizeof(*b->sorted), key_cmp);
	for (size_t i = 1; i < b->n; i++) {
		size_t x, y;

		if (key_cmp(&b->sorted[i - 1], &b->sorted[i]))
			continue;
		x = b->sorted[i - 1] - b->keys;
		y = b->sorted[i] - b->keys;
		add_blame(b, x > y ? x : y);
		return errf(b->err, b->errlen, -EEXIST, "rules %zu and %zu match the same fields",
			    (x < y ? x : y) + 1, (x > y ? x : y) + 1);
	}
	return 0;
}

/* Redirect targets must be in the devmap before a rule points there. */
static int add_ports(struct add_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct xf_rule_spec *spec = &b->specs[i];
		struct bpf_devmap_val dv;
		int ret;

		if (spec->action != XF_ACT_REDIRECT ||
		    !bpf_map_lookup_elem(b->m->ports, &spec->ifindex, &dv))
			continue;
		ret = xf_port_add(b->m, spec->ifindex);
		if (ret) {
			add_blame(b, i);
			return errf(b->err, b->errlen, ret, "cannot add %s to the devmap: %s",
				    spec->dev, strerror(-ret));
		}
		b->new_port[i] = 1;
	}
	return 0;
}

/* Why inserting a rule failed, in b->err. */
static int add_insert_error(struct add_batch *b, int ret)
{
	if (ret == -E2BIG || ret == -ENOMEM || ret == -ENOSPC)
		return errf(b->err, b->errlen, ret, "rule table full (limit %u rules)",
			    b->m->max_rules);
	if (ret == -EEXIST)
		return errf(b->err, b->errlen, ret,
			    "a rule matching the same fields was added meanwhile");
	return errf(b->err, b->errlen, ret, "cannot insert rule: %s", strerror(-ret));
}

/* Write every rule (and its port-table entry), then publish the new shape set. */
static int add_insert(struct add_batch *b)
{
	int ret;

	for (size_t i = 0; i < b->n; i++) {
		__u32 at = port_at(&b->set, &b->keys[i]);

		xf_counter_zero(b->m->rule_stats, b->vals[i].id);
		if (bpf_map_update_elem(b->m->rules, &b->keys[i], &b->vals[i], BPF_NOEXIST)) {
			ret = -errno;
			add_blame(b, i);
			return add_insert_error(b, ret);
		}
		b->inserted++;
		if (at < XF_PORT_RULES &&
		    bpf_map_update_elem(b->m->port_rules, &at, &b->vals[i], BPF_ANY)) {
			ret = -errno;
			add_blame(b, i);
			return errf(b->err, b->errlen, ret,
				    "cannot insert rule in the port table: %s", strerror(-ret));
		}
	}
	ret = set_publish(b->m, b->t.active, &b->set);
	if (ret)
		return errf(b->err, b->errlen, ret, "cannot publish the shape table: %s",
			    strerror(-ret));
	return 0;
}

/* Undo what add_ports() and add_insert() wrote. */
static void add_rollback(struct add_batch *b)
{
	for (size_t i = 0; i < b->inserted; i++) {
		port_clear(b->m, port_at(&b->set, &b->keys[i]));
		bpf_map_delete_elem(b->m->rules, &b->keys[i]);
	}
	for (size_t i = 0; i < b->n; i++)
		if (b->new_port && b->new_port[i])
			xf_port_del(b->m, b->specs[i].ifindex);
	/* a frame may have found a rule that was in the map for a moment */
	if (b->inserted)
		gen_bump(b->m);
}

static void add_free(struct add_batch *b)
{
	free(b->new_port);
	free(b->keys);
	free(b->vals);
	free(b->sorted);
	free(b->used);
	xf_table_free(&b->t);
}

int xf_rules_add(struct xf_maps *m, const struct xf_rule_spec *specs, size_t n,
		 __u32 *ids, long *bad, char *err, size_t errlen)
{
	struct add_batch b = {
		.m = m, .specs = specs, .n = n, .bad = bad, .err = err, .errlen = errlen,
	};
	int ret;

	if (bad)
		*bad = -1;
	ret = add_prepare(&b);
	for (size_t i = 0; !ret && i < n; i++)
		ret = add_plan(&b, i);
	if (!ret)
		ret = add_check_dups(&b);
	if (!ret) {
		ret = add_ports(&b);
		if (!ret)
			ret = add_insert(&b);
		if (ret)
			add_rollback(&b);
	}
	for (size_t i = 0; !ret && i < n; i++)
		ids[i] = b.vals[i].id;
	add_free(&b);
	return ret;
}

int xf_rule_del(struct xf_maps *m, __u32 id, char *err, size_t errlen)
{
	struct xf_shape_set set;
	struct xf_shape *s;
	struct xf_table t;
	long at;
	int ret, ret2;
	__u32 slot;

	ret = xf_table_read(m, &t);
	if (ret)
		return errf(err, errlen, ret, "cannot read the rule table: %s",
			    strerror(-ret));
	at = xf_table_find(&t, id);
	if (at < 0) {
		ret = errf(err, errlen, -ENOENT, "no rule with id %u", id);
		goto out;
	}
	set = t.set;
	slot = t.keys[at].slot % XF_MAX_SHAPES;
	s = &set.shape[slot];
	if (s->nrules > 1) {
		s->nrules--;
		s->min_priority = XF_MAX_PRIORITY;
		for (size_t i = 0; i < t.n; i++)
			if ((long)i != at && t.keys[i].slot == slot &&
			    t.vals[i].priority < s->min_priority)
				s->min_priority = t.vals[i].priority;
	} else {
		memset(s, 0, sizeof(*s));
	}
	filter_rebuild(&set, &t, slot, at);
	/* unpublish the shape first, so no frame looks for the rule after */
	ret = set_publish(m, t.active, &set);
	if (ret) {
		errf(err, errlen, ret, "cannot publish the shape table: %s", strerror(-ret));
		goto out;
	}
	ret = port_clear(m, port_at(&t.set, &t.keys[at]));
	if (ret) {
		errf(err, errlen, ret, "cannot delete rule %u from the port table: %s", id,
		     strerror(-ret));
	} else if (bpf_map_delete_elem(m->rules, &t.keys[at])) {
		ret = -errno;
		errf(err, errlen, ret, "cannot delete rule %u: %s", id, strerror(-ret));
	}
	/* frames between the publish and the delete could still find the rule */
	ret2 = gen_bump(m);
	if (ret2 && !ret)
		ret = errf(err, errlen, ret2, "cannot invalidate the verdict cache: %s",
			   strerror(-ret2));
out:
	xf_table_free(&t);
	return ret;
}

int xf_rules_flush(struct xf_maps *m, size_t *removed)
{
	struct xf_shape_set empty;
	struct xf_table t;
	int ret;

	ret = xf_table_read(m, &t);
	if (ret)
		return ret;
	memset(&empty, 0, sizeof(empty));
	ret = set_publish(m, t.active, &empty);
	if (!ret) {
		for (size_t i = 0; i < t.n; i++) {
			port_clear(m, port_at(&t.set, &t.keys[i]));
			bpf_map_delete_elem(m->rules, &t.keys[i]);
		}
		ret = gen_bump(m);
	}
	if (removed)
		*removed = t.n;
	xf_table_free(&t);
	return ret;
}
