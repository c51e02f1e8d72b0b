// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xdp-fwd - XDP fast path and AF_XDP consumer.  main() only dispatches;
 * each command lives in cli/cmd_<name>.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "caps.h"
#include "cli.h"
#include "opts.h"

/* libbpf's and libxdp's own messages only with -v; failures are explained by us. */
static int print_libxdp(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	if (!cli_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!cli_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

/*
 * The global options, before the command: 0 to go on with argv[*i] as the
 * command, else the exit status.
 */
static int global_opts(int argc, char **argv, int *i)
{
	for (; *i < argc && argv[*i][0] == '-'; (*i)++) {
		const struct cli_opt *o = cli_opt_match(&cli_global, argv[*i]);
		const char *name = o ? o->name : "";

		if (!strcmp(name, "verbose")) {
			cli_verbose = 1;
		} else if (!strcmp(name, "json")) {
			cli_json = true;
		} else if (!strcmp(name, "version")) {
			printf("xdp-fwd %s (libxdpfwd %s)\n", XDPFWD_TOOL_VERSION, xf_version());
			return XF_EXIT_OK;
		} else if (!strcmp(argv[*i], "-h") || !strcmp(argv[*i], "--help")) {
			cli_help(&cli_global, argc, argv);
			return XF_EXIT_OK;
		} else {
			cli_err("unknown option '%s'", argv[*i]);
			cli_usage(&cli_global, stderr);
			return XF_EXIT_USAGE;
		}
	}
	if (*i >= argc) {
		cli_usage(&cli_global, stderr);
		return XF_EXIT_USAGE;
	}
	return -1;
}

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	int i = 1, ret;

	ret = global_opts(argc, argv, &i);
	if (ret >= 0)
		return ret;
	cmd = cli_cmd_find(argv[i]);
	if (!cmd) {
		cli_err("unknown command '%s'", argv[i]);
		cli_usage(&cli_global, stderr);
		return XF_EXIT_USAGE;
	}
	/* as bpftool: -j before the command means its --json, where it has one */
	if (cli_json && !cli_cmd_has_json(cmd) && !cli_wants_help(argc - i, argv + i)) {
		cli_err("-j/--json: '%s' has no JSON output", cmd->name);
		return XF_EXIT_USAGE;
	}
	/* the capabilities first, so that nothing is half done for want of one; not for --help */
	if (!cli_wants_help(argc - i, argv + i)) {
		ret = cli_caps_check(argc - i, argv + i);
		if (ret)
			return ret;
	}
	xf_set_print(cli_print);
	libbpf_set_print(print_libbpf);
	libxdp_set_print(print_libxdp);
	return cmd->fn(argc - i, argv + i);
}
