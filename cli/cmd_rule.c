// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* rule add | del | list | flush | load */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lockout.h"
#include "opts.h"
#include "xf_maps.h"
#include "xf_ntuple.h"
#include "xf_rules.h"
#include "xf_util.h"

#define NO_QUEUE	(-1L)	/* a rule without a NIC rule of its own */
#define MAX_QUEUE	65535

static int open_rw(const char *ifname, struct xf_maps *m)
{
	if (xf_maps_open_pinned(ifname, m))
		return -1;
	if (xf_maps_lock(m)) {
		xf_maps_close(m);
		return -1;
	}
	return 0;
}

/*
 * Take "queue N" out of the rule words (anywhere in them), for the NIC
 * rule; *queue stays NO_QUEUE without one.  0, or -1 after a usage message.
 */
static int take_queue(int *argc, char **argv, long *queue)
{
	__u32 v;

	*queue = NO_QUEUE;
	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], "queue"))
			continue;
		/* a redirect's device may be called "queue" */
		if (i > 0 && !strcmp(argv[i - 1], "redirect"))
			continue;
		if (*queue != NO_QUEUE) {
			cli_err("'queue' given twice");
			return -1;
		}
		if (i + 1 >= *argc) {
			cli_err("'queue' needs a value (an RX queue, 0..%u)", MAX_QUEUE);
			return -1;
		}
		if (xf_parse_u32(argv[i + 1], 0, MAX_QUEUE, &v)) {
			cli_err("bad queue '%s' (an RX queue, 0..%u)", argv[i + 1], MAX_QUEUE);
			return -1;
		}
		*queue = v;
		memmove(&argv[i], &argv[i + 2], (*argc - i - 2) * sizeof(*argv));
		*argc -= 2;
		i--;
	}
	return 0;
}

/*
 * The queue of rule id's NIC rule: the NIC's rule at location id, when it
 * is the one the rule makes (any queue); NO_QUEUE otherwise.
 */
static long nic_queue(const char *ifname, __u32 id, const struct xf_rule_spec *spec)
{
	struct ethtool_rx_flow_spec want, nic;

	if (xf_ntuple_spec(spec, 0, id, &want, NULL, 0) ||
	    xf_ntuple_get(ifname, id, &nic) || !xf_ntuple_match(&nic, &want))
		return NO_QUEUE;
	return (long)ethtool_get_flow_spec_ring(nic.ring_cookie);
}

/* Remove rule id's NIC rule, when there is one that is the rule's. */
static int nic_drop(const char *ifname, __u32 id, const struct xf_rule_spec *spec)
{
	char err[256];

	if (nic_queue(ifname, id, spec) == NO_QUEUE)
		return 0;
	if (xf_ntuple_del(ifname, id, err, sizeof(err))) {
		cli_err("%s; the hardware flow rule of rule %u stays", err, id);
		return -1;
	}
	cli_info("removed the hardware flow rule of rule %u from %s", id, ifname);
	return 0;
}

/* Whether ifname can hold NIC rules at all: without, skip every other ioctl. */
static bool nic_has_rules(const char *ifname)
{
	return !xf_ntuple_probe(ifname, XF_NTUPLE_ANY_QUEUE, NULL, 0);
}

/* The spec of the i-th rule of t. */
static void table_spec(const struct xf_table *t, size_t i, struct xf_rule_spec *spec)
{
	xf_rule_from_map(&t->keys[i], &t->vals[i],
			 &t->set.shape[t->keys[i].slot % XF_MAX_SHAPES], spec);
}

/*
 * The NIC rule of the map rule just added as id; when the NIC refuses it,
 * the map rule goes again, so that the two never disagree.
 */
static int add_nic_rule(const char *ifname, struct xf_maps *m, __u32 id,
			struct ethtool_rx_flow_spec *fs)
{
	char err[256], err2[256];

	fs->location = id;
	if (!xf_ntuple_add(ifname, fs, err, sizeof(err)))
		return 0;
	if (xf_rule_del(m, id, err2, sizeof(err2)))
		cli_err("%s; and rule %u stays in the BPF map without it: %s", err, id, err2);
	else
		cli_err("%s; rule not added", err);
	return -1;
}

/*
 * Under the lock, before a change: the guard on the state after it (before
 * plus specs, or no rules at all for a flush), and the saved rules for
 * --confirm-within.  0 to go ahead, -1 after a message.
 */
static int guard_rules(struct xf_maps *m, const char *ifname, const char *what,
		       const struct xf_rule_spec *specs, size_t n, bool flush, bool force,
		       unsigned int secs)
{
	struct lo_state before, after;
	int ret;

	ret = lo_state_read(m, &before);
	if (ret) {
		cli_err("cannot read the rules of %s: %s; nothing changed", ifname, strerror(-ret));
		return -1;
	}
	if (flush) {
		after = before;
		after.n = 0;
		after.rules = NULL;
		ret = 0;
	} else {
		ret = lo_state_with(&before, specs, n, &after);
	}
	if (ret) {
		cli_err("%s; nothing changed", strerror(-ret));
		lo_state_free(&before);
		return -1;
	}
	ret = lo_guard(ifname, what, &before, &after, force, secs);
	if (!ret && secs)
		ret = lo_pending_begin(m, ifname, &before, false, secs);
	if (!flush)
		lo_state_free(&after);
	lo_state_free(&before);
	return ret;
}

static int rule_add(int argc, char **argv)
{
	struct ethtool_rx_flow_spec fs;
	struct xf_rule_spec spec;
	char err[512];
	struct xf_maps m;
	unsigned int secs;
	bool force;
	long queue;
	__u32 id;
	int ret;

	if (lo_take_opts(&argc, argv, &force, &secs))
		return XF_EXIT_USAGE;
	if (argc < 2) {
		cli_err("usage: xdp-fwd rule add IFACE " CLI_RULE_WORDS);
		return XF_EXIT_USAGE;
	}
	argc--;
	if (take_queue(&argc, argv + 1, &queue))
		return XF_EXIT_USAGE;
	if (queue != NO_QUEUE && secs) {
		/* a rollback restores the BPF rules; the NIC's are not put back */
		cli_err("--confirm-within does not take 'queue %ld' (a hardware flow rule is "
			"not rolled back)", queue);
		return XF_EXIT_USAGE;
	}
	if (xf_rule_parse(argc, argv + 1, &spec, err, sizeof(err))) {
		cli_err("%s", err);
		return XF_EXIT_USAGE;
	}
	if (xf_rule_resolve(&spec, err, sizeof(err))) {
		cli_err("%s", err);
		return XF_EXIT_FAIL;
	}
	/* everything that can refuse the NIC rule comes before the map insert */
	if (queue != NO_QUEUE) {
		if (xf_ntuple_spec(&spec, queue, 0, &fs, err, sizeof(err))) {
			cli_err("%s", err);
			return XF_EXIT_USAGE;
		}
		if (xf_ntuple_probe(argv[0], queue, err, sizeof(err))) {
			cli_err("%s; nothing changed", err);
			return XF_EXIT_FAIL;
		}
	}
	if (open_rw(argv[0], &m))
		return XF_EXIT_FAIL;
	char what[600];

	xf_rule_format(&spec, err, sizeof(err));
	snprintf(what, sizeof(what), "rule add %s", err);
	if (guard_rules(&m, argv[0], what, &spec, 1, false, force, secs)) {
		xf_maps_close(&m);
		return XF_EXIT_FAIL;
	}
	ret = xf_rules_add(&m, &spec, 1, &id, NULL, err, sizeof(err));
	if (ret)
		cli_err("%s", err);
	else if (queue != NO_QUEUE)
		ret = add_nic_rule(argv[0], &m, id, &fs);
	if (ret && secs)
		lo_pending_abort(argv[0]);
	xf_maps_close(&m);
	if (ret)
		return XF_EXIT_FAIL;
	printf("%u\n", id);
	if (secs && lo_pending_arm(argv[0], secs))
		return XF_EXIT_FAIL;
	return XF_EXIT_OK;
}

/* The spec of rule id, read from the maps; false when there is none. */
static bool rule_spec_of(struct xf_maps *m, __u32 id, struct xf_rule_spec *spec)
{
	struct xf_table t;
	long at;

	if (xf_table_read(m, &t))
		return false;
	at = xf_table_find(&t, id);
	if (at >= 0)
		table_spec(&t, at, spec);
	xf_table_free(&t);
	return at >= 0;
}

static int rule_del(int argc, char **argv)
{
	struct xf_rule_spec spec;
	bool have_spec;
	char err[256];
	struct xf_maps m;
	__u32 id;
	int ret;

	if (argc > 2) {
		cli_err("unexpected '%s' after the rule id (usage: xdp-fwd rule del IFACE ID)",
		       argv[2]);
		return XF_EXIT_USAGE;
	}
	if (argc != 2) {
		cli_err("usage: xdp-fwd rule del IFACE ID");
		return XF_EXIT_USAGE;
	}
	if (xf_parse_u32(argv[1], 1, XF_MAX_RULES_LIMIT, &id)) {
		cli_err("bad rule id '%s'", argv[1]);
		return XF_EXIT_USAGE;
	}
	if (open_rw(argv[0], &m))
		return XF_EXIT_FAIL;
	have_spec = rule_spec_of(&m, id, &spec);
	ret = xf_rule_del(&m, id, err, sizeof(err));
	xf_maps_close(&m);
	if (ret) {
		cli_err("%s on %s", err, argv[0]);
		return XF_EXIT_FAIL;
	}
	/* the map rule first: a frame the NIC still steers meets no rule */
	if (have_spec && nic_has_rules(argv[0]) && nic_drop(argv[0], id, &spec))
		return XF_EXIT_FAIL;
	return XF_EXIT_OK;
}

struct row {
	__u32 id;
	struct xf_rule_spec spec;
	struct xf_counter hits;
	long queue;		/* read back from the NIC; NO_QUEUE: none */
};

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->spec.priority != y->spec.priority)
		return x->spec.priority < y->spec.priority ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* A prefix as "ADDR/LEN", or null when the rule does not match on it. */
static void json_prefix(struct jw *w, const char *key, bool has, __u8 family,
			const __be32 *addr, __u8 plen)
{
	char a[64];

	if (!has) {
		jw_null(w, key);
		return;
	}
	xf_addr_str(family, addr, a, sizeof(a));
	snprintf(a + strlen(a), sizeof(a) - strlen(a), "/%u", plen);
	jw_str(w, key, a);
}

static void json_u64_if(struct jw *w, const char *key, bool has, unsigned long long v)
{
	if (has)
		jw_u64(w, key, v);
	else
		jw_null(w, key);
}

static void row_json(struct jw *w, const struct row *r, const char *text)
{
	const struct xf_rule_spec *s = &r->spec;

	jw_obj_open(w, NULL);
	jw_u64(w, "id", r->id);
	jw_u64(w, "priority", s->priority);
	json_u64_if(w, "vlan", s->fields & XF_F_VLAN, s->vlan);
	json_u64_if(w, "proto", s->fields & XF_F_PROTO, s->proto);
	json_prefix(w, "src", s->fields & XF_F_SRC, s->family, s->src, s->src_plen);
	json_prefix(w, "dst", s->fields & XF_F_DST, s->family, s->dst, s->dst_plen);
	json_u64_if(w, "sport", s->fields & XF_F_SPORT, s->sport);
	json_u64_if(w, "dport", s->fields & XF_F_DPORT, s->dport);
	jw_str(w, "action", xf_action_name(s->action));
	jw_str(w, "dev", s->action == XF_ACT_REDIRECT ? s->dev : NULL);
	jw_u64(w, "packets", r->hits.packets);
	jw_u64(w, "bytes", r->hits.bytes);
	json_u64_if(w, "queue", r->queue != NO_QUEUE, (unsigned long long)r->queue);
	jw_str(w, "rule", text);
	jw_obj_close(w);
}

static void rows_print(const struct row *rows, size_t n, bool json)
{
	struct jw w;

	jw_init(&w, stdout);
	if (json)
		jw_arr_open(&w, NULL);
	else
		printf("%6s %10s %12s %14s  %s\n", "ID", "PRIORITY", "PACKETS", "BYTES", "RULE");
	for (size_t i = 0; i < n; i++) {
		char buf[512];

		xf_rule_format(&rows[i].spec, buf, sizeof(buf));
		if (json) {
			row_json(&w, &rows[i], buf);
			continue;
		}
		/* the words of 'rule add', the NIC's queue included */
		if (rows[i].queue != NO_QUEUE)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " queue %ld",
				 rows[i].queue);
		printf("%6u %10u %12llu %14llu  %s\n", rows[i].id, rows[i].spec.priority,
		       (unsigned long long)rows[i].hits.packets,
		       (unsigned long long)rows[i].hits.bytes, buf);
	}
	if (json) {
		jw_arr_close(&w);
		putchar('\n');
	}
}

/*
 * The rules with their hit counters and NIC queues, in the order they win.
 * The NIC is asked only when it can hold flow rules at all.
 */
static int rows_read(const char *ifname, struct xf_maps *m, const struct xf_table *t,
		     struct row **out)
{
	struct row *rows = calloc(t->n ? t->n : 1, sizeof(*rows));
	bool nic = t->n && nic_has_rules(ifname);

	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		rows[i].id = t->vals[i].id;
		table_spec(t, i, &rows[i].spec);
		xf_counter_sum(m->rule_stats, rows[i].id, &rows[i].hits);
		rows[i].queue = nic ? nic_queue(ifname, rows[i].id, &rows[i].spec) : NO_QUEUE;
	}
	qsort(rows, t->n, sizeof(*rows), row_cmp);
	*out = rows;
	return 0;
}

static int rule_list(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_cmd_find("rule");
	bool json = cli_json;
	const char *ifname = NULL;
	struct xf_table t;
	struct xf_maps m;
	struct row *rows;
	int ret = XF_EXIT_FAIL;

	for (int i = 0; i < argc; i++) {
		if (cli_opt_match(cmd, argv[i]))	/* only --json */
			json = true;
		else if (!ifname)
			ifname = argv[i];
		else {
			cli_err("unexpected argument '%s'", argv[i]);
			return XF_EXIT_USAGE;
		}
	}
	if (!ifname) {
		cli_err("usage: xdp-fwd rule list IFACE [--json]");
		return XF_EXIT_USAGE;
	}
	/* the writers' lock: a snapshot taken between a writer's steps can
	 * pair a rule with a shape slot that is being reused */
	if (xf_maps_open_pinned(ifname, &m) || xf_maps_lock(&m)) {
		xf_maps_close(&m);
		return XF_EXIT_FAIL;
	}
	if (xf_table_read(&m, &t)) {
		cli_err("cannot read the rules of %s", ifname);
		xf_maps_close(&m);
		return XF_EXIT_FAIL;
	}
	if (!rows_read(ifname, &m, &t, &rows)) {
		rows_print(rows, t.n, json);
		free(rows);
		ret = XF_EXIT_OK;
	}
	xf_table_free(&t);
	xf_maps_close(&m);
	return ret;
}

/* Remove the NIC rules of every rule of t; -1 when one stays. */
static int nic_drop_all(const char *ifname, const struct xf_table *t)
{
	struct xf_rule_spec spec;
	int ret = 0;

	for (size_t i = 0; i < t->n; i++) {
		table_spec(t, i, &spec);
		if (nic_drop(ifname, t->vals[i].id, &spec))
			ret = -1;
	}
	return ret;
}

int cli_rule_nic_release(const char *ifname)
{
	struct xf_table t;
	struct xf_maps m;
	int ret;

	if (!nic_has_rules(ifname))
		return 0;
	/* not loaded: nothing of ours to remove, and unload says so */
	if (xf_maps_open_pinned(ifname, &m))
		return 0;
	if (xf_maps_lock(&m)) {
		xf_maps_close(&m);
		return -1;
	}
	ret = xf_table_read(&m, &t);
	xf_maps_close(&m);
	if (ret) {
		cli_err("cannot read the rules of %s: %s", ifname, strerror(-ret));
		return -1;
	}
	ret = nic_drop_all(ifname, &t);
	xf_table_free(&t);
	return ret;
}

static int rule_flush(int argc, char **argv)
{
	struct xf_table t = { 0 };
	unsigned int secs;
	struct xf_maps m;
	size_t n = 0;
	bool force;
	int ret;

	if (lo_take_opts(&argc, argv, &force, &secs))
		return XF_EXIT_USAGE;
	if (argc > 1) {
		cli_err("unexpected '%s' after the interface (usage: xdp-fwd rule flush IFACE)",
		       argv[1]);
		return XF_EXIT_USAGE;
	}
	if (argc != 1) {
		cli_err("usage: xdp-fwd rule flush IFACE");
		return XF_EXIT_USAGE;
	}
	if (open_rw(argv[0], &m))
		return XF_EXIT_FAIL;
	if (guard_rules(&m, argv[0], "rule flush", NULL, 0, true, force, secs)) {
		xf_maps_close(&m);
		return XF_EXIT_FAIL;
	}
	/* the rules as they were, for their NIC rules after the flush */
	ret = nic_has_rules(argv[0]) ? xf_table_read(&m, &t) : 0;
	if (ret) {
		xf_maps_close(&m);
		cli_err("cannot read the rules of %s: %s", argv[0], strerror(-ret));
		return XF_EXIT_FAIL;
	}
	ret = xf_rules_flush(&m, &n);
	if (ret && secs)
		lo_pending_abort(argv[0]);
	xf_maps_close(&m);
	if (ret) {
		xf_table_free(&t);
		cli_err("cannot flush the rules of %s: %s", argv[0], strerror(-ret));
		return XF_EXIT_FAIL;
	}
	ret = nic_drop_all(argv[0], &t);
	xf_table_free(&t);
	printf("removed %zu rules\n", n);
	if (secs && lo_pending_arm(argv[0], secs))
		return XF_EXIT_FAIL;
	return ret ? XF_EXIT_FAIL : XF_EXIT_OK;
}

static int rule_load(int argc, char **argv)
{
	struct xf_rule_file rf;
	int ret = XF_EXIT_FAIL;
	char err[512];
	struct xf_maps m;
	unsigned int secs;
	bool force;
	__u32 *ids;
	long bad;

	if (lo_take_opts(&argc, argv, &force, &secs))
		return XF_EXIT_USAGE;
	if (argc > 2) {
		cli_err("unexpected '%s' after the file (usage: xdp-fwd rule load IFACE FILE)",
		       argv[2]);
		return XF_EXIT_USAGE;
	}
	if (argc != 2) {
		cli_err("usage: xdp-fwd rule load IFACE FILE");
		return XF_EXIT_USAGE;
	}
	if (xf_rule_file_read(argv[1], &rf, err, sizeof(err))) {
		cli_err("%s; no rules loaded", err);
		return XF_EXIT_USAGE;
	}
	ids = calloc(rf.n ? rf.n : 1, sizeof(*ids));
	if (!ids || open_rw(argv[0], &m))
		goto out;
	snprintf(err, sizeof(err), "rule load %s", argv[1]);
	if (guard_rules(&m, argv[0], err, rf.specs, rf.n, false, force, secs)) {
		xf_maps_close(&m);
		goto out;
	}
	if (xf_rules_add(&m, rf.specs, rf.n, ids, &bad, err, sizeof(err))) {
		if (secs)
			lo_pending_abort(argv[0]);
		if (bad >= 0)
			cli_err("%s:%zu: %s; no rules loaded", argv[1], rf.lines[bad], err);
		else
			cli_err("%s; no rules loaded", err);
	} else {
		printf("loaded %zu rules\n", rf.n);
		ret = XF_EXIT_OK;
	}
	xf_maps_close(&m);
	if (ret == XF_EXIT_OK && secs && lo_pending_arm(argv[0], secs))
		ret = XF_EXIT_FAIL;
out:
	free(ids);
	xf_rule_file_free(&rf);
	return ret;
}

int do_rule(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_cmd_find("rule");

	if (cli_help_wanted(cmd, argc, argv))
		return XF_EXIT_OK;
	if (argc < 2) {
		cli_usage(cmd, stderr);
		return XF_EXIT_USAGE;
	}
	if (cli_json && strcmp(argv[1], "list") && strcmp(argv[1], "show")) {
		cli_err("-j/--json: 'rule %s' has no JSON output (only 'rule list')", argv[1]);
		return XF_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "add"))
		return rule_add(argc - 2, argv + 2);
	if (!strcmp(argv[1], "del") || !strcmp(argv[1], "delete"))
		return rule_del(argc - 2, argv + 2);
	if (!strcmp(argv[1], "list") || !strcmp(argv[1], "show"))
		return rule_list(argc - 2, argv + 2);
	if (!strcmp(argv[1], "flush"))
		return rule_flush(argc - 2, argv + 2);
	if (!strcmp(argv[1], "load"))
		return rule_load(argc - 2, argv + 2);
	cli_err("unknown rule command '%s' (add, del, list, flush, load)", argv[1]);
	return XF_EXIT_USAGE;
}
