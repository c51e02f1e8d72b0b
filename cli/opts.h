/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * opts.h - the tool's command line, declared once: every command's options
 * in a table (the end of opts.c) that yields its getopt_long parsing, its --help text,
 * and the listing `xdp-fwd [CMD] --help --json` that the ops suite compares
 * with the man page and the bash completion.  An option sets a field of the
 * command's own struct of options (the offsetof in its entry).
 */
#ifndef XF_CLI_OPTS_H
#define XF_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <linux/types.h>

#include "xdpfwd.h"

enum cli_opt_type {
	CLI_OPT_TRUE,		/* bool, set to true */
	CLI_OPT_FALSE,		/* bool, set to false */
	CLI_OPT_STR,		/* const char *, the argument itself */
	CLI_OPT_U32,		/* __u32 in [min, max], else 'bad' */
	CLI_OPT_DOUBLE,		/* double in [min, max], else 'bad' */
	CLI_OPT_FUNC,		/* parse() decides */
};

/* 0, or -1 for a bad value (cli_parse() then prints the entry's 'bad'). */
typedef int (*cli_opt_fn)(const char *arg, void *field);

struct cli_opt {
	const char *name;	/* the long name, without "--" */
	char letter;		/* the short option, 0 for none */
	const char *arg;	/* the argument's name in --help, NULL for a flag */
	const char *help;	/* '\n' continues it on the next line */
	enum cli_opt_type type;
	size_t off;		/* the field in the command's struct */
	double min, max;	/* CLI_OPT_U32, CLI_OPT_DOUBLE */
	const char *bad;	/* the message for a bad value, with one %s */
	cli_opt_fn parse;	/* CLI_OPT_FUNC */
};

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;	/* one line, in `xdp-fwd --help` */
	const char *usage;	/* --help before the options */
	const char *epilog;	/* --help after them, or NULL */
	int help_col;		/* column of the options' help text */
	const struct cli_opt *opts;	/* ends with an entry without a name */
};

/* The commands, in the order of `xdp-fwd --help`; the global options. */
extern const struct cli_cmd cli_cmds[];
extern const size_t cli_ncmds;
extern const struct cli_cmd cli_global;
/* Set by the global -j/--json: every command that has --json acts as if given it. */
extern bool cli_json;

const struct cli_cmd *cli_cmd_find(const char *name);
/* The entry named name, or NULL. */
const struct cli_opt *cli_opt_by_name(const struct cli_cmd *cmd, const char *name);
/* The entry whose "--long" or "-x" is word exactly, or NULL (word-parsed commands). */
const struct cli_opt *cli_opt_match(const struct cli_cmd *cmd, const char *word);
static inline bool cli_cmd_has_json(const struct cli_cmd *cmd)
{
	return cli_opt_by_name(cmd, "json") != NULL;
}

/* The --help text, to f (stderr after bad usage). */
void cli_usage(const struct cli_cmd *cmd, FILE *f);
/* --help on stdout: the text, or with --json in argv (or the global -j) the listing. */
void cli_help(const struct cli_cmd *cmd, int argc, char **argv);
/*
 * When argv (before a "--") asks for help, print it and return true.  For
 * the commands that take words rather than options.
 */
bool cli_help_wanted(const struct cli_cmd *cmd, int argc, char **argv);

/* cli_parse()'s results besides 0 (the positionals are argv[optind..]). */
#define CLI_PARSE_HELP	1	/* --help was printed: exit 0 */
#define CLI_PARSE_BAD	(-1)	/* said what was wrong: exit 2 */

/*
 * Parse argv (argv[0] is the command's name) with getopt_long into args as
 * cmd's table says.  The global -j sets the command's "json" field.  On a
 * bad option or value the usage goes to stderr.
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *args);

/* What 'rule add' takes after IFACE, for its usage lines. */
#define CLI_RULE_WORDS \
	"[vlan ID] [proto tcp|udp|sctp|icmp|icmpv6|NUM] [src PREFIX] [dst PREFIX]\n" \
	"      [sport PORT] [dport PORT] [priority N] action pass|drop|tx|xsk|fwd|redirect DEV\n" \
	"      [queue N]"

/* The commands' structs of options, filled by cli_parse(). */
struct load_args {
	int mode;		/* enum xf_mode */
	bool force;
	__u32 max_rules;
	bool multiprog;		/* into libxdp's dispatcher */
	__u32 priority;		/* there; 0: XF_CHAIN_DEFAULT_PRIO */
	__u32 chain_mask;	/* 1 << XDP_*; 0: XF_CHAIN_DEFAULT_MASK */
};

struct status_args {
	bool json;
};

struct stats_args {
	double interval;
	__u32 count;
	bool json;
	bool prometheus;
};

struct parse_args {
	const char *rules;
	int default_action;
	int error_action;
	bool json;
};

struct gen_mac {
	__u8 addr[6];
	bool set;
};

struct gen_range {
	__u16 lo, hi;
};

struct gen_args {
	bool ipv6, tcp, json, quiet;
	__u32 size, vlan, count;
	const char *src, *dst, *cpus;
	struct gen_mac src_mac, dst_mac;
	struct gen_range sport, dport;
	double rate, duration;
};

struct run_args {
	const char *queues, *mode, *write, *cpus;
	bool zero_copy, copy, busy_poll, no_reconnect, wait_iface, json, quiet;
	__u32 batch, frames, ring_size, frame_size, count;
	double duration;
};

/* policy and rule: --json, and the lock-out guard's --force and --confirm-within (lockout.h) */
struct guard_args {
	bool json;
	bool force;
	__u32 confirm_within;
};

/* For the commands that take only --json (features, rule list). */
struct json_args {
	bool json;
};

#endif /* XF_CLI_OPTS_H */
