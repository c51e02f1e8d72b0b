// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* policy: the default action and the parse-error policy; port: the devmap. */
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lockout.h"
#include "opts.h"
#include "xf_maps.h"
#include "xf_util.h"

static void policy_print(const struct xf_config *now, bool json)
{
	char dev[IF_NAMESIZE] = "";

	if (now->default_action == XF_ACT_REDIRECT && !if_indextoname(now->default_ifindex, dev))
		snprintf(dev, sizeof(dev), "if%u", now->default_ifindex);
	if (json) {
		struct jw w;

		jw_init(&w, stdout);
		jw_obj_open(&w, NULL);
		jw_str(&w, "default", xf_action_name(now->default_action));
		jw_str(&w, "default_dev", dev[0] ? dev : NULL);
		jw_str(&w, "errors", xf_action_name(now->error_action));
		jw_obj_close(&w);
	} else {
		printf("default %s%s%s errors %s\n", xf_action_name(now->default_action),
		       dev[0] ? " " : "", dev, xf_action_name(now->error_action));
	}
}

int do_policy(int argc, char **argv)
{
	struct xf_config cfg, now;
	const struct cli_cmd *cmd = cli_cmd_find("policy");
	bool json = cli_json, change = false;
	const char *ifname = NULL;
	struct xf_maps m;
	unsigned int secs;
	bool force;
	int i, a, ret;

	if (cli_help_wanted(cmd, argc, argv))
		return XF_EXIT_OK;
	if (lo_take_opts(&argc, argv, &force, &secs))
		return XF_EXIT_USAGE;
	if (argc < 2) {
		cli_usage(cmd, stderr);
		return XF_EXIT_USAGE;
	}
	ifname = argv[1];
	/* validate everything before touching the maps */
	memset(&cfg, 0, sizeof(cfg));
	bool set_default = false, set_errors = false;
	for (i = 2; i < argc; i++) {
		if (cli_opt_match(cmd, argv[i])) {	/* only --json */
			json = true;
		} else if (!strcmp(argv[i], "default") && !set_default && i + 1 < argc) {
			a = xf_action_parse(argv[++i]);
			if (a < 0) {
				cli_err("unknown action '%s' (pass, drop, tx, xsk, fwd, redirect DEV)",
				       argv[i]);
				return XF_EXIT_USAGE;
			}
			cfg.default_action = a;
			if (a == XF_ACT_REDIRECT) {
				if (i + 1 >= argc) {
					cli_err("'redirect' needs a device");
					return XF_EXIT_USAGE;
				}
				cfg.default_ifindex = if_nametoindex(argv[++i]);
				if (!cfg.default_ifindex) {
					cli_err("no such device '%s' for redirect", argv[i]);
					return XF_EXIT_FAIL;
				}
			}
			set_default = change = true;
		} else if (!strcmp(argv[i], "errors") && !set_errors && i + 1 < argc) {
			a = xf_action_parse(argv[++i]);
			if (a != XF_ACT_PASS && a != XF_ACT_DROP) {
				cli_err("bad parse-error policy '%s' (pass or drop)", argv[i]);
				return XF_EXIT_USAGE;
			}
			cfg.error_action = a;
			set_errors = change = true;
		} else {
			cli_err("unexpected '%s' (default ACTION, errors pass|drop, --json, --force, "
				"--confirm-within S)", argv[i]);
			return XF_EXIT_USAGE;
		}
	}
	if (secs && !change) {
		cli_err("--confirm-within %u: there is no change to confirm (default ACTION, "
			"errors pass|drop)", secs);
		return XF_EXIT_USAGE;
	}
	if (xf_maps_open_pinned(ifname, &m) || xf_maps_lock(&m))
		return XF_EXIT_FAIL;
	ret = xf_config_get(&m, &now);
	if (!ret && change) {
		struct lo_state before, after;
		char what[64];

		if (!set_default) {
			cfg.default_action = now.default_action;
			cfg.default_ifindex = now.default_ifindex;
		}
		if (!set_errors)
			cfg.error_action = now.error_action;
		ret = lo_state_read(&m, &before);
		if (ret)
			goto done;
		after = before;
		after.default_action = cfg.default_action;
		after.default_ifindex = cfg.default_ifindex;
		after.error_action = cfg.error_action;
		snprintf(what, sizeof(what), "policy default %s", xf_action_name(cfg.default_action));
		if (lo_guard(ifname, what, &before, &after, force, secs) ||
		    (secs && lo_pending_begin(&m, ifname, &before, true, secs))) {
			lo_state_free(&before);
			xf_maps_close(&m);
			return XF_EXIT_FAIL;
		}
		lo_state_free(&before);
		if (set_default && cfg.default_action == XF_ACT_REDIRECT)
			ret = xf_port_add(&m, cfg.default_ifindex);
		if (!ret)
			ret = xf_config_set(&m, &cfg);
		if (ret && secs)
			lo_pending_abort(ifname);
		if (!ret)
			ret = xf_config_get(&m, &now);
	}
done:
	xf_maps_close(&m);
	if (!ret && secs && lo_pending_arm(ifname, secs))
		return XF_EXIT_FAIL;
	if (ret) {
		cli_err("cannot %s the policy of %s: %s", change ? "set" : "read", ifname,
		       strerror(-ret));
		return XF_EXIT_FAIL;
	}
	policy_print(&now, json);
	return XF_EXIT_OK;
}

int do_port(int argc, char **argv)
{
	struct xf_maps m;
	unsigned int idx;
	int ret = 0;

	const struct cli_cmd *cmd = cli_cmd_find("port");

	if (cli_help_wanted(cmd, argc, argv))
		return XF_EXIT_OK;
	if (argc < 3) {
		cli_usage(cmd, stderr);
		return XF_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "list")) {
		__u32 key, next, *pk = NULL;

		if (argc != 3) {
			cli_err("usage: xdp-fwd port list IFACE");
			return XF_EXIT_USAGE;
		}
		if (xf_maps_open_pinned(argv[2], &m))
			return XF_EXIT_FAIL;
		while (!bpf_map_get_next_key(m.ports, pk, &next)) {
			char name[IF_NAMESIZE];

			key = next;
			pk = &key;
			printf("%u %s\n", key, if_indextoname(key, name) ? name : "(gone)");
		}
		xf_maps_close(&m);
		return XF_EXIT_OK;
	}
	if (strcmp(argv[1], "add") && strcmp(argv[1], "del")) {
		cli_err("unknown port command '%s' (add, del, list)", argv[1]);
		return XF_EXIT_USAGE;
	}
	if (argc != 4) {
		cli_err("usage: xdp-fwd port add|del IFACE DEV");
		return XF_EXIT_USAGE;
	}
	idx = if_nametoindex(argv[3]);
	if (!idx) {
		cli_err("no such device '%s'", argv[3]);
		return XF_EXIT_FAIL;
	}
	if (xf_maps_open_pinned(argv[2], &m) || xf_maps_lock(&m))
		return XF_EXIT_FAIL;
	ret = argv[1][0] == 'a' ? xf_port_add(&m, idx) : xf_port_del(&m, idx);
	xf_maps_close(&m);
	if (ret) {
		cli_err("cannot %s port %s: %s", argv[1], argv[3],
		       ret == -ENOENT ? "not in the port list" : strerror(-ret));
		return XF_EXIT_FAIL;
	}
	return XF_EXIT_OK;
}
