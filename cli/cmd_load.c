// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* load, unload, status */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>	/* optind */
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"
#include "lockout.h"
#include "opts.h"
#include "xf_features.h"
#include "xf_loader.h"
#include "xf_maps.h"
#include "xf_util.h"

int do_load(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_cmd_find("load");
	struct load_args a = { .mode = XF_MODE_NATIVE };
	struct xf_load_opts o = {};
	struct xf_chain_opts c = {};
	struct xf_attach_info ai;
	char dir[PATH_MAX];
	int ret, idx;

	ret = cli_parse(cmd, argc, argv, &a);
	if (ret)
		return ret == CLI_PARSE_HELP ? XF_EXIT_OK : XF_EXIT_USAGE;
	if (argc - optind != 1) {
		cli_err(argc - optind ? "unexpected argument '%s'" : "load needs an interface%s",
		       argc - optind ? argv[optind + 1] : "");
		cli_usage(cmd, stderr);
		return XF_EXIT_USAGE;
	}
	o.mode = a.mode;
	o.force = a.force;
	o.max_rules = a.max_rules;
	c.multiprog = a.multiprog;
	c.priority = a.priority;
	c.chain_mask = a.chain_mask;
	if (xf_load_chain(argv[optind], &o, &c))
		return XF_EXIT_FAIL;
	idx = (int)if_nametoindex(argv[optind]);
	if (!xf_query(idx, &ai) && !xf_pin_dir(argv[optind], dir, sizeof(dir))) {
		__u32 ours = xf_pinned_prog_id(argv[optind]);
		struct xf_dispatcher d;

		if (ours && ai.prog_id != ours && !xf_dispatcher_read(idx, &d))
			printf("loaded on %s: program id %u in libxdp's dispatcher (id %u, %u "
			       "program%s), %s mode, maps pinned in %s\n", argv[optind], ours,
			       d.prog_id, d.n, d.n == 1 ? "" : "s",
			       xf_attach_mode_name(d.mode), dir);
		else
			printf("loaded on %s: program id %u, %s mode, maps pinned in %s\n",
			       argv[optind], ai.prog_id, xf_attach_mode_name(ai.attach_mode), dir);
	}
	return XF_EXIT_OK;
}

int do_unload(int argc, char **argv)
{
	if (cli_help_wanted(cli_cmd_find("unload"), argc, argv))
		return XF_EXIT_OK;
	if (argc != 2) {
		cli_err("usage: xdp-fwd unload IFACE");
		return XF_EXIT_USAGE;
	}
	/* a pending rollback goes with the pins: its watcher would find nothing */
	lo_forget(argv[1]);
	/* the maps go with the pins: their rules' NIC rules go first */
	if (cli_rule_nic_release(argv[1]))
		return XF_EXIT_FAIL;
	if (xf_unload(argv[1]))
		return XF_EXIT_FAIL;
	printf("unloaded from %s\n", argv[1]);
	return XF_EXIT_OK;
}

struct status {
	char ifname[IF_NAMESIZE + 1];
	char pin_dir[PATH_MAX];
	unsigned int ifindex;
	const char *state;	/* attached, replaced, detached, gone */
	struct xf_attach_info ai;
	__u32 ours;
	size_t rules;
	unsigned int shapes;
	__u32 max_rules;
	struct xf_config cfg;
	bool maps_ok;
	struct utsname uts;
	struct xf_xdp_features xf;	/* the driver's, as the kernel reports them */
	bool has_consumer;		/* a live `xdp-fwd run` */
	struct xf_consumer cons;
	bool dispatched;		/* libxdp's dispatcher is attached: disp */
	struct xf_dispatcher disp;
};

/* Fills st; -errno when the pinned maps cannot be opened. */
static int status_read(const char *ifname, struct status *st)
{
	struct xf_maps m;
	struct xf_table t;

	memset(st, 0, sizeof(*st));
	snprintf(st->ifname, sizeof(st->ifname), "%s", ifname);
	xf_pin_dir(ifname, st->pin_dir, sizeof(st->pin_dir));
	st->ifindex = if_nametoindex(ifname);
	st->ours = xf_pinned_prog_id(ifname);
	if (!st->ifindex)
		st->state = "gone";
	else if (xf_query(st->ifindex, &st->ai) || !st->ai.prog_id)
		st->state = "detached";
	else if (xf_effective_prog_id(st->ifindex, &st->ai, st->ours) == st->ours)
		st->state = "attached";
	else
		st->state = "replaced";

	if (st->ai.prog_id)
		st->dispatched = !xf_dispatcher_read(st->ifindex, &st->disp);
	uname(&st->uts);
	if (st->ifindex)
		xf_xdp_features_read(st->ifindex, &st->xf);
	else
		st->xf.why = "the interface is gone";
	st->has_consumer = !xf_consumer_read(ifname, &st->cons);

	if (xf_maps_open_pinned(ifname, &m))
		return -EIO;
	if (!xf_table_read(&m, &t)) {
		st->rules = t.n;
		st->shapes = xf_table_shapes(&t);
		xf_table_free(&t);
	}
	st->max_rules = m.max_rules;
	st->maps_ok = !xf_config_get(&m, &st->cfg);
	xf_maps_close(&m);
	return st->maps_ok ? 0 : -EIO;
}

/* "dispatcher": null, or libxdp's dispatcher with every program it runs */
static void dispatcher_json(const struct status *st, struct jw *w)
{
	if (!st->dispatched) {
		jw_null(w, "dispatcher");
		return;
	}
	jw_obj_open(w, "dispatcher");
	jw_u64(w, "prog_id", st->disp.prog_id);
	jw_str(w, "mode", xf_attach_mode_name(st->disp.mode));
	jw_arr_open(w, "programs");
	for (unsigned int i = 0; i < st->disp.n; i++) {
		const struct xf_dispatched *e = &st->disp.progs[i];
		static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };

		jw_obj_open(w, NULL);
		jw_str(w, "name", e->name);
		jw_u64(w, "prog_id", e->prog_id);
		jw_u64(w, "priority", e->priority);
		jw_arr_open(w, "chain_on");
		for (unsigned int b = 0; b < 5; b++)
			if (e->chain_mask & (1u << b))
				jw_str(w, NULL, names[b]);
		jw_arr_close(w);
		jw_bool(w, "xdp_fwd", e->prog_id == st->ours);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

static void status_print(const struct status *st, struct jw *w)
{
	if (w) {
		jw_obj_open(w, NULL);
		jw_str(w, "ifname", st->ifname);
		if (st->ifindex)
			jw_u64(w, "ifindex", st->ifindex);
		else
			jw_null(w, "ifindex");
		jw_str(w, "state", st->state);
		jw_str(w, "pin_dir", st->pin_dir);
		jw_str(w, "mode", st->ai.prog_id ? xf_attach_mode_name(st->ai.attach_mode) : NULL);
		jw_u64(w, "prog_id", st->ours);
		jw_u64(w, "attached_prog_id", st->ai.prog_id);
		jw_u64(w, "rules", st->rules);
		jw_u64(w, "max_rules", st->max_rules);
		jw_u64(w, "shapes", st->shapes);
		jw_u64(w, "max_shapes", XF_MAX_SHAPES);
		jw_str(w, "default_action", xf_action_name(st->cfg.default_action));
		jw_str(w, "error_action", xf_action_name(st->cfg.error_action));
		jw_str(w, "kernel", st->uts.release);
		if (st->xf.known) {
			jw_u64(w, "xdp_features", st->xf.flags);
			jw_bool(w, "xsk_zerocopy", st->xf.flags & XF_NETDEV_XDP_ACT_XSK_ZEROCOPY);
		} else {
			jw_null(w, "xdp_features");
			jw_null(w, "xsk_zerocopy");
		}
		if (st->has_consumer) {
			jw_obj_open(w, "consumer");
			jw_u64(w, "pid", (unsigned long long)st->cons.pid);
			jw_str(w, "state", st->cons.waiting ? "waiting" : "running");
			jw_str(w, "reason", st->cons.waiting ? st->cons.reason : NULL);
			jw_u64(w, "reconnects", st->cons.reconnects);
			jw_arr_open(w, "queues");
			for (unsigned int i = 0; i < st->cons.nq; i++) {
				jw_obj_open(w, NULL);
				jw_u64(w, "queue", st->cons.q[i].queue);
				jw_str(w, "mode", st->cons.q[i].zerocopy ? "zero-copy" : "copy");
				jw_obj_close(w);
			}
			jw_arr_close(w);
			jw_obj_close(w);
		} else {
			jw_null(w, "consumer");
		}
		dispatcher_json(st, w);
		lo_status(st->ifname, w);
		jw_obj_close(w);
		return;
	}
	printf("%s: ", st->ifname);
	if (!strcmp(st->state, "attached") && st->dispatched)
		printf("attached in libxdp's dispatcher (id %u), %s mode, program id %u\n",
		       st->disp.prog_id, xf_attach_mode_name(st->disp.mode), st->ours);
	else if (!strcmp(st->state, "attached"))
		printf("attached, %s mode, program id %u\n",
		       xf_attach_mode_name(st->ai.attach_mode), st->ours);
	else if (!strcmp(st->state, "replaced"))
		printf("REPLACED: the attached program is id %u ('%s'), not xdp-fwd's id %u\n",
		       st->ai.prog_id, st->ai.prog_name, st->ours);
	else if (!strcmp(st->state, "gone"))
		printf("interface is gone; pins remain (xdp-fwd unload %s removes them)\n",
		       st->ifname);
	else
		printf("DETACHED: pins exist but no XDP program is attached\n");
	if (st->dispatched) {
		printf("  dispatcher: %u program%s, in the order they run\n", st->disp.n,
		       st->disp.n == 1 ? "" : "s");
		for (unsigned int i = 0; i < st->disp.n; i++) {
			const struct xf_dispatched *e = &st->disp.progs[i];
			char chain[64];

			xf_chain_format(e->chain_mask, chain, sizeof(chain));
			printf("    priority %-4u %-16s id %-6u chain on %s%s\n", e->priority,
			       e->name, e->prog_id, chain[0] ? chain : "-",
			       e->prog_id == st->ours ? "  (xdp-fwd)" : "");
		}
	}
	printf("  pins %s\n", st->pin_dir);
	printf("  rules %zu of %u, shapes %u of %d, default %s, parse errors %s\n",
	       st->rules, st->max_rules, st->shapes, XF_MAX_SHAPES,
	       xf_action_name(st->cfg.default_action), xf_action_name(st->cfg.error_action));
	printf("  kernel %s: ", st->uts.release);
	if (st->xf.known) {
		printf("driver XDP features");
		for (int b = 0; b < 64; b++)
			if (st->xf.flags & (1ULL << b))
				printf(" %s", xf_xdp_feature_name(b));
		printf("; 'run' %s\n", st->xf.flags & XF_NETDEV_XDP_ACT_XSK_ZEROCOPY
		       ? "tries zero-copy (reported; the bind decides, copy is the fallback)"
		       : "binds in copy mode (no zero-copy AF_XDP)");
	} else {
		printf("XDP features unknown: %s; 'run' tries zero-copy and falls back "
		       "to copy\n", st->xf.why);
	}
	if (st->has_consumer) {
		printf("  consumer: xdp-fwd run, pid %d, ", st->cons.pid);
		if (st->cons.waiting)
			printf("WAITING (%s), no socket bound", st->cons.reason);
		else
			printf("running:");
		for (unsigned int i = 0; i < st->cons.nq; i++)
			printf("%s queue %u %s", i ? "," : "", st->cons.q[i].queue,
			       st->cons.q[i].zerocopy ? "zero-copy" : "copy");
		printf("; %llu reconnects\n", st->cons.reconnects);
	}
	lo_status(st->ifname, NULL);
}

/* No pins: say so, and whether an `xdp-fwd run` waits there for the program. */
static void not_loaded(const char *ifname)
{
	struct xf_consumer c;

	if (xf_consumer_read(ifname, &c)) {
		cli_err("xdp-fwd is not loaded on %s", ifname);
		return;
	}
	cli_err("xdp-fwd is not loaded on %s; an 'xdp-fwd run' (pid %d) waits there for it (%s)",
	       ifname, c.pid, c.waiting ? c.reason : "running");
}

/* Every interface directory an older xdp-fwd left at the top of XF_PIN_ROOT. */
static void legacy_warn_all(void)
{
	DIR *d = opendir(XF_PIN_ROOT);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && xf_ifname_valid(de->d_name))
			xf_pin_legacy_warn(de->d_name);	/* only one with a prog pin */
	if (d)
		closedir(d);
}

int do_status(int argc, char **argv)
{
	struct status_args a = {};
	struct status st;
	struct jw w;
	int n = 0, ret;

	ret = cli_parse(cli_cmd_find("status"), argc, argv, &a);
	if (ret)
		return ret == CLI_PARSE_HELP ? XF_EXIT_OK : XF_EXIT_USAGE;
	ret = XF_EXIT_OK;
	if (argc - optind > 1) {
		cli_err("unexpected argument '%s'", argv[optind + 1]);
		return XF_EXIT_USAGE;
	}
	jw_init(&w, stdout);
	if (argc - optind == 1) {
		char dir[PATH_MAX];

		ret = xf_pin_dir(argv[optind], dir, sizeof(dir));
		if (ret == -EINVAL) {
			cli_err("invalid interface name '%s'", argv[optind]);
			return XF_EXIT_USAGE;
		}
		if (ret) {
			cli_err("cannot name the pin directory of %s: %s", argv[optind],
				strerror(-ret));
			return XF_EXIT_FAIL;
		}
		xf_pin_legacy_warn(argv[optind]);
		if (access(dir, F_OK)) {
			if (errno == EACCES)
				cli_err("cannot look at %s: %s (xdp-fwd needs root)", dir,
				       strerror(errno));
			else
				not_loaded(argv[optind]);
			return XF_EXIT_FAIL;
		}
		if (status_read(argv[optind], &st))
			return XF_EXIT_FAIL;	/* the message named the pin at fault */
		status_print(&st, a.json ? &w : NULL);
		return XF_EXIT_OK;
	}
	legacy_warn_all();
	/* this namespace's interfaces only: another's eth0 is not ours to show */
	char nsdir[PATH_MAX];
	struct dirent *de;
	DIR *d;

	ret = xf_pin_ns_dir(nsdir, sizeof(nsdir));
	if (ret) {
		cli_err("cannot name this network namespace's pin directory: %s", strerror(-ret));
		return XF_EXIT_FAIL;
	}
	ret = XF_EXIT_OK;
	d = opendir(nsdir);	/* status_read() checks each level before it opens a pin */
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !xf_ifname_valid(de->d_name))
			continue;
		if (status_read(de->d_name, &st))
			ret = XF_EXIT_FAIL;
		else
			status_print(&st, a.json ? &w : NULL);
		n++;
	}
	if (d)
		closedir(d);
	if (!d && errno == EACCES) {
		cli_err("cannot look at %s: %s (xdp-fwd needs root)", nsdir, strerror(errno));
		return XF_EXIT_FAIL;
	}
	if (!n && !a.json)
		printf("xdp-fwd is not loaded on any interface\n");
	return ret;
}
