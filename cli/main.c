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

#include "cli.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} cmds[] = {
	{ "load",   do_load,   "attach the program to an interface and pin its maps" },
	{ "unload", do_unload, "detach it and remove the pins" },
	{ "status", do_status, "what is attached where" },
	{ "rule",   do_rule,   "add, delete, list, flush or load rules" },
	{ "policy", do_policy, "show or set the default action and the parse-error policy" },
	{ "port",   do_port,   "egress devices for redirect and fwd" },
	{ "stats",  do_stats,  "counters per action, parse error and event" },
	{ "parse",  do_parse,  "dry-run the program over a capture file" },
	{ "gen",    do_gen,    "traffic generator for the testbed (live-frames test_run)" },
	{ "run",    do_run,    "the AF_XDP consumer: receive steered frames in userspace" },
	{ "features", do_features, "what the interface's driver offers XDP, in words" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xdp-fwd [-v] [--version] COMMAND [ARGS]   (xdp-fwd COMMAND --help for more)\n"
		"\n"
		"XDP fast path: parse every frame, match it against rules in BPF hash maps,\n"
		"and pass, drop, bounce, redirect, forward or hand it to an AF_XDP socket.\n"
		"\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\noptions:\n  -v, --verbose   show libbpf's and libxdp's messages (verifier log on failure)\n"
		   "      --version   the tool's and the library's version\n"
		   "  -h, --help      this text\n");
}

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

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			cli_verbose = 1;
		} else if (!strcmp(argv[i], "--version")) {
			printf("xdp-fwd %s (libxdpfwd %s)\n", XDPFWD_TOOL_VERSION, xf_version());
			return XF_EXIT_OK;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return XF_EXIT_OK;
		} else {
			cli_err("unknown option '%s'", argv[i]);
			usage(stderr);
			return XF_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return XF_EXIT_USAGE;
	}
	xf_set_print(cli_print);
	libbpf_set_print(print_libbpf);
	libxdp_set_print(print_libxdp);
	for (size_t c = 0; c < ARRAY_SIZE(cmds); c++)
		if (!strcmp(argv[i], cmds[c].name))
			return cmds[c].fn(argc - i, argv + i);
	cli_err("unknown command '%s'", argv[i]);
	usage(stderr);
	return XF_EXIT_USAGE;
}
