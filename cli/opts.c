// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * opts.c - every command's options in one table each (at the end), and what
 * makes of a table the getopt_long parsing into the command's struct, the
 * --help text and the JSON listing.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lockout.h"
#include "opts.h"

/* run's defaults are the library's (xf_iface.h): their help says so from one place */
#define CLI_STR(x)	#x
#define CLI_XSTR(x)	CLI_STR(x)

#define CLI_MAX_OPTS	32	/* options of one command, --help aside */
#define CLI_KEY_LONG	256	/* getopt keys of long-only options: 256 + index */

bool cli_json;

static const struct cli_opt help_opt = { .name = "help", .letter = 'h', .help = "this text" };

const struct cli_cmd *cli_cmd_find(const char *name)
{
	for (size_t i = 0; i < cli_ncmds; i++)
		if (!strcmp(cli_cmds[i].name, name))
			return &cli_cmds[i];
	return NULL;
}

const struct cli_opt *cli_opt_by_name(const struct cli_cmd *cmd, const char *name)
{
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

const struct cli_opt *cli_opt_match(const struct cli_cmd *cmd, const char *word)
{
	if (word[0] != '-')
		return NULL;
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++) {
		if (word[1] == '-' && !strcmp(word + 2, o->name))
			return o;
		if (o->letter && word[1] == o->letter && !word[2])
			return o;
	}
	return NULL;
}

/* "  -m, --mode MODE" padded to the help column, then the help's lines. */
static void help_line(FILE *f, const struct cli_opt *o, int col)
{
	int n;

	if (o->letter)
		n = fprintf(f, "  -%c, --%s", o->letter, o->name);
	else
		n = fprintf(f, "      --%s", o->name);
	if (o->arg)
		n += fprintf(f, " %s", o->arg);
	/* at least two spaces: a long head pushes its help to the right */
	fprintf(f, "%*s", n + 2 <= col ? col - n : 2, "");
	for (const char *p = o->help; *p; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fprintf(f, "%*s", col, "");
	}
	fputc('\n', f);
}

static void help_text(const struct cli_cmd *cmd, FILE *f)
{
	fputs(cmd->usage, f);
	if (cmd == &cli_global) {
		fputs("\ncommands:\n", f);
		for (size_t i = 0; i < cli_ncmds; i++)
			fprintf(f, "  %-8s %s\n", cli_cmds[i].name, cli_cmds[i].summary);
		fputs("\noptions:\n", f);
	}
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++)
		help_line(f, o, cmd->help_col);
	help_line(f, &help_opt, cmd->help_col);
	if (cmd->epilog)
		fputs(cmd->epilog, f);
}

static void listing_opt(struct jw *w, const struct cli_opt *o)
{
	char letter[2] = { o->letter, '\0' };

	jw_obj_open(w, NULL);
	jw_str(w, "long", o->name);
	jw_str(w, "short", o->letter ? letter : NULL);
	jw_str(w, "arg", o->arg);
	jw_str(w, "help", o->help);
	jw_obj_close(w);
}

/* One JSON object: the command, its options (--help too) and, globally, the commands. */
static void help_listing(const struct cli_cmd *cmd, FILE *f)
{
	struct jw w;

	jw_init(&w, f);
	jw_obj_open(&w, NULL);
	jw_str(&w, "command", cmd == &cli_global ? NULL : cmd->name);
	jw_bool(&w, "json", cli_cmd_has_json(cmd));
	jw_arr_open(&w, "options");
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++)
		listing_opt(&w, o);
	listing_opt(&w, &help_opt);
	jw_arr_close(&w);
	if (cmd == &cli_global) {
		jw_arr_open(&w, "commands");
		for (size_t i = 0; i < cli_ncmds; i++) {
			jw_obj_open(&w, NULL);
			jw_str(&w, "name", cli_cmds[i].name);
			jw_bool(&w, "json", cli_cmd_has_json(&cli_cmds[i]));
			jw_str(&w, "summary", cli_cmds[i].summary);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
	}
	jw_obj_close(&w);
}

/* -j or --json in argv before a "--" */
static bool wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			return true;
	}
	return false;
}

void cli_usage(const struct cli_cmd *cmd, FILE *f)
{
	help_text(cmd, f);
}

void cli_help(const struct cli_cmd *cmd, int argc, char **argv)
{
	if (cli_json || wants_json(argc, argv))
		help_listing(cmd, stdout);
	else
		help_text(cmd, stdout);
}

bool cli_help_wanted(const struct cli_cmd *cmd, int argc, char **argv)
{
	if (!cli_wants_help(argc, argv))
		return false;
	cli_help(cmd, argc, argv);
	return true;
}

static int opt_set(const struct cli_opt *o, const char *arg, void *args)
{
	void *field = (char *)args + o->off;
	double d;
	__u32 v;

	switch (o->type) {
	case CLI_OPT_TRUE:
	case CLI_OPT_FALSE:
		*(bool *)field = o->type == CLI_OPT_TRUE;
		return 0;
	case CLI_OPT_STR:
		*(const char **)field = arg;
		return 0;
	case CLI_OPT_U32:
		if (xf_parse_u32(arg, (__u32)o->min, (__u32)o->max, &v))
			break;
		*(__u32 *)field = v;
		return 0;
	case CLI_OPT_DOUBLE:
		if (xf_parse_double(arg, o->min, o->max, &d))
			break;
		*(double *)field = d;
		return 0;
	case CLI_OPT_FUNC:
		if (o->parse(arg, field))
			break;
		return 0;
	}
	cli_err(o->bad, arg);
	return -1;
}

/* The getopt_long tables for cmd; -1 when the table is too large (a bug). */
static int getopt_tables(const struct cli_cmd *cmd, struct option *lo, char *so)
{
	size_t n = 0, s = 0;

	for (const struct cli_opt *o = cmd->opts; o && o->name; o++, n++) {
		if (n >= CLI_MAX_OPTS)
			return -1;
		lo[n] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL,
					 o->letter ? o->letter : CLI_KEY_LONG + (int)n };
		if (o->letter) {
			so[s++] = o->letter;
			if (o->arg)
				so[s++] = ':';
		}
	}
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n] = (struct option){};
	so[s++] = 'h';
	so[s] = '\0';
	return 0;
}

static const struct cli_opt *opt_by_key(const struct cli_cmd *cmd, int key)
{
	int i = 0;

	for (const struct cli_opt *o = cmd->opts; o && o->name; o++, i++)
		if (o->letter ? o->letter == key : CLI_KEY_LONG + i == key)
			return o;
	return NULL;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *args)
{
	struct option lo[CLI_MAX_OPTS + 2];
	char so[3 * CLI_MAX_OPTS + 2];
	const struct cli_opt *o;
	int c;

	if (getopt_tables(cmd, lo, so)) {
		cli_err("%s: too many options in its table", cmd->name);
		return CLI_PARSE_BAD;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == 'h') {
			cli_help(cmd, argc, argv);
			return CLI_PARSE_HELP;
		}
		o = opt_by_key(cmd, c);
		if (!o) {	/* getopt_long said what it did not know */
			cli_usage(cmd, stderr);
			return CLI_PARSE_BAD;
		}
		if (opt_set(o, optarg, args))
			return CLI_PARSE_BAD;
	}
	o = cli_opt_by_name(cmd, "json");
	if (cli_json && o)
		opt_set(o, NULL, args);
	return 0;
}

/*
 * The tables.  What a value means beyond its range is checked by the
 * command itself (after parsing, so that nothing is half-applied).
 */
#define XF_STR_(x)	#x
#define XF_STR(x)	XF_STR_(x)

#define OPT_(st, long, l, a, field, t, text) \
	.name = long, .letter = l, .arg = a, .help = text, .type = t, \
	.off = offsetof(struct st, field)
#define OPT_FLAG(st, long, l, field, text) \
	{ OPT_(st, long, l, NULL, field, CLI_OPT_TRUE, text) }
#define OPT_STR(st, long, l, a, field, text) \
	{ OPT_(st, long, l, a, field, CLI_OPT_STR, text) }
#define OPT_U32(st, long, l, a, field, lo, hi, msg, text) \
	{ OPT_(st, long, l, a, field, CLI_OPT_U32, text), .min = lo, .max = hi, .bad = msg }
#define OPT_DBL(st, long, l, a, field, lo, hi, msg, text) \
	{ OPT_(st, long, l, a, field, CLI_OPT_DOUBLE, text), .min = lo, .max = hi, .bad = msg }
#define OPT_FN(st, long, l, a, field, fn, msg, text) \
	{ OPT_(st, long, l, a, field, CLI_OPT_FUNC, text), .parse = fn, .bad = msg }
/* main() reads the global options itself: they set no struct */
#define OPT_GLOBAL(long, l, text) \
	{ .name = long, .letter = l, .help = text }

static int parse_mode(const char *arg, void *field)
{
	if (!strcmp(arg, "native") || !strcmp(arg, "drv"))
		*(int *)field = XF_MODE_NATIVE;
	else if (!strcmp(arg, "skb") || !strcmp(arg, "generic"))
		*(int *)field = XF_MODE_SKB;
	else
		return -1;
	return 0;
}

static int parse_chain(const char *arg, void *field)
{
	return xf_chain_parse(arg, field) ? -1 : 0;
}

/* parse --default: any action but redirect, which needs a device */
static int parse_default(const char *arg, void *field)
{
	int a = xf_action_parse(arg);

	if (a < 0 || a == XF_ACT_REDIRECT)
		return -1;
	*(int *)field = a;
	return 0;
}

static int parse_pass_drop(const char *arg, void *field)
{
	int a = xf_action_parse(arg);

	if (a != XF_ACT_PASS && a != XF_ACT_DROP)
		return -1;
	*(int *)field = a;
	return 0;
}

static int parse_mac(const char *arg, void *field)
{
	struct gen_mac *mac = field;
	unsigned int b[6];
	char tail;

	if (sscanf(arg, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac->addr[i] = b[i];
	}
	mac->set = true;
	return 0;
}

/* A or A-B, A <= B */
static int parse_range(const char *arg, void *field)
{
	struct gen_range *r = field;
	char buf[32], *dash;
	__u32 a, b;

	snprintf(buf, sizeof(buf), "%s", arg);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (xf_parse_u32(buf, 0, 65535, &a))
		return -1;
	b = a;
	if (dash && xf_parse_u32(dash, a, 65535, &b))
		return -1;
	r->lo = a;
	r->hi = b;
	return 0;
}

static int parse_ring_size(const char *arg, void *field)
{
	__u32 v;

	if (xf_parse_u32(arg, 64, 1 << 16, &v) || (v & (v - 1)))
		return -1;
	*(__u32 *)field = v;
	return 0;
}

static int parse_frame_size(const char *arg, void *field)
{
	__u32 v;

	if (xf_parse_u32(arg, 2048, 4096, &v) || (v != 2048 && v != 4096))
		return -1;
	*(__u32 *)field = v;
	return 0;
}

static const struct cli_opt global_opts[] = {
	OPT_GLOBAL("verbose", 'v', "show libbpf's and libxdp's messages (verifier log on failure)"),
	OPT_GLOBAL("json", 'j', "JSON output, as the command's own --json (for the commands\n"
		   "that have it; the others refuse it)"),
	OPT_GLOBAL("version", 0, "the tool's and the library's version"),
	{}
};

const struct cli_cmd cli_global = {
	.name = "xdp-fwd",
	.usage =
	"usage: xdp-fwd [-v] [-j] [--version] COMMAND [ARGS]   (xdp-fwd COMMAND --help for more)\n"
	"\n"
	"XDP fast path: parse every frame, match it against rules in BPF hash maps,\n"
	"and pass, drop, bounce, redirect, forward or hand it to an AF_XDP socket.\n",
	.help_col = 18,
	.opts = global_opts,
};

static const struct cli_opt load_opts[] = {
	OPT_FN(load_args, "mode", 'm', "MODE", mode, parse_mode,
	       "unknown mode '%s' (native or skb)",
	       "native (driver XDP, default) or skb (generic XDP)"),
	OPT_FLAG(load_args, "force", 'f', force,
		 "replace an XDP program that is not xdp-fwd's, or stale pins"),
	OPT_U32(load_args, "max-rules", 'r', "N", max_rules, 1, XF_MAX_RULES_LIMIT,
		"bad --max-rules '%s' (1.." XF_STR(XF_MAX_RULES_LIMIT) ")",
		"size of the rule table (default " XF_STR(XF_DEFAULT_MAX_RULES) ")"),
	OPT_FLAG(load_args, "multiprog", 'M', multiprog,
		 "run in libxdp's dispatcher beside other XDP programs (an error where it cannot)"),
	OPT_U32(load_args, "priority", 'p', "N", priority, 1, 1000,
		"bad --priority '%s' (1..1000)",
		"run order in the dispatcher, lower first (default "
		XF_STR(XF_CHAIN_DEFAULT_PRIO) ")"),
	OPT_FN(load_args, "chain-on", 'c', "LIST", chain_mask, parse_chain,
	       "bad --chain-on '%s' (a comma list of pass, drop, tx, redirect, aborted)",
	       "xdp-fwd's verdicts after which the next program runs (default pass)"),
	{}
};

static const struct cli_opt json_object[] = {
	OPT_FLAG(json_args, "json", 'j', json, "one JSON object"),
	{}
};

static const struct cli_opt status_opts[] = {
	OPT_FLAG(status_args, "json", 'j', json, "one JSON object per interface, one per line"),
	{}
};

/* read by lo_take_opts() from the words; the table gives --help, the man page check */
#define GUARD_OPTS(cmds) \
	OPT_FLAG(guard_args, "force", 'f', force, \
		 cmds ": go ahead even when the change would cut\n" \
		 "the SSH session the command runs in (SSH_CONNECTION)"), \
	OPT_U32(guard_args, "confirm-within", 0, "S", confirm_within, 1, LO_CONFIRM_MAX, \
		"bad --confirm-within '%s' (1..3600 seconds)", \
		cmds ": roll the change back after S seconds\n" \
		"(1..3600) unless 'xdp-fwd confirm IFACE'")

static const struct cli_opt rule_opts[] = {
	OPT_FLAG(guard_args, "json", 'j', json, "list: one JSON array of the rules"),
	GUARD_OPTS("add, load, flush"),
	{}
};

static const struct cli_opt policy_opts[] = {
	OPT_FLAG(guard_args, "json", 'j', json, "one JSON object"),
	GUARD_OPTS("with a change"),
	{}
};

static const struct cli_opt stats_opts[] = {
	OPT_DBL(stats_args, "interval", 'i', "S", interval, 0.1, 3600,
		"bad --interval '%s' (0.1..3600 seconds)",
		"print the rates every S seconds (0.1..3600)"),
	OPT_U32(stats_args, "count", 'c', "N", count, 1, 0xffffffff, "bad --count '%s'",
		"with --interval: stop after N reports"),
	OPT_FLAG(stats_args, "json", 'j', json, "one JSON object per line"),
	OPT_FLAG(stats_args, "prometheus", 'p', prometheus,
		 "the totals and per-rule hits in Prometheus text\n"
		 "format (for node_exporter's textfile collector);\n"
		 "excludes --json and --interval"),
	{}
};

static const struct cli_opt parse_opts[] = {
	OPT_STR(parse_args, "rules", 'r', "FILE", rules,
		"rules, one per line in the words of 'rule add'"),
	OPT_FN(parse_args, "default", 'd', "ACTION", default_action, parse_default,
	       "bad --default '%s' (pass, drop, tx, xsk or fwd)",
	       "action for frames no rule matches (default pass)"),
	OPT_FN(parse_args, "errors", 'e', "ACTION", error_action, parse_pass_drop,
	       "bad --errors '%s' (pass or drop)",
	       "pass or drop frames that fail to parse (default pass)"),
	OPT_FLAG(parse_args, "json", 'j', json, "one JSON object per packet per line"),
	{}
};

static const struct cli_opt gen_opts[] = {
	OPT_FLAG(gen_args, "ipv6", '6', ipv6, "IPv6 (default IPv4)"),
	OPT_FLAG(gen_args, "tcp", 't', tcp, "TCP (default UDP)"),
	OPT_U32(gen_args, "size", 's', "N", size, 14, 2048, "bad --size '%s' (bytes)",
		"frame bytes without FCS (default 60: 64 on the wire)"),
	OPT_STR(gen_args, "src", 'S', "ADDR", src,
		"source address (default 192.0.2.1 or 2001:db8::1)"),
	OPT_STR(gen_args, "dst", 'D', "ADDR", dst,
		"destination address (default 192.0.2.2 or 2001:db8::2)"),
	OPT_FN(gen_args, "src-mac", 0, "MAC", src_mac, parse_mac, "bad MAC address '%s'",
	       "default: IFACE's own"),
	OPT_FN(gen_args, "dst-mac", 0, "MAC", dst_mac, parse_mac, "bad MAC address '%s'",
	       "default: ff:ff:ff:ff:ff:ff"),
	OPT_FN(gen_args, "sport", 'p', "A[-B]", sport, parse_range,
	       "bad port range '%s' (A or A-B, 0..65535)",
	       "source ports, cycled per frame (default 9)"),
	OPT_FN(gen_args, "dport", 'P', "A[-B]", dport, parse_range,
	       "bad port range '%s' (A or A-B, 0..65535)",
	       "destination ports, cycled (default 9)"),
	OPT_U32(gen_args, "vlan", 0, "ID", vlan, 1, 4094, "bad --vlan '%s' (1..4094)",
		"add an 802.1Q tag"),
	OPT_U32(gen_args, "count", 'n', "N", count, 1, 0xffffffff, "bad --count '%s'",
		"stop after N frames"),
	OPT_DBL(gen_args, "rate", 'r', "PPS", rate, 1, 1e9, "bad --rate '%s' (frames per second)",
		"frames per second in total (default: as fast as possible)"),
	OPT_DBL(gen_args, "duration", 'd', "S", duration, 0.01, 1e7,
		"bad --duration '%s' (seconds)", "stop after S seconds"),
	OPT_STR(gen_args, "cpus", 'C', "LIST", cpus,
		"send from the CPUs in LIST, two threads each (default: CPU 0)"),
	OPT_FLAG(gen_args, "json", 'j', json, "final summary as one JSON object on stdout"),
	OPT_FLAG(gen_args, "quiet", 'Q', quiet, "no per-second report"),
	{}
};

static const struct cli_opt run_opts[] = {
	OPT_STR(run_args, "queues", 'q', "LIST|all", queues,
		"RX queues, e.g. 0,2-3 (default all: ethtool's channel count)"),
	OPT_STR(run_args, "mode", 'm', "MODE", mode,
		"rxdrop (count and release, default), l2fwd (swap MACs,\n"
		"send back out of the same queue), capture (to --write)"),
	OPT_STR(run_args, "write", 'w', "FILE", write, "pcap file for --mode capture"),
	OPT_FLAG(run_args, "zero-copy", 'z', zero_copy, "refuse to start without zero-copy"),
	OPT_FLAG(run_args, "copy", 'c', copy,
		 "use copy mode (default: zero-copy, else copy with a warning)"),
	OPT_U32(run_args, "batch", 'b', "N", batch, 1, 4096, "bad --batch '%s' (1..4096)",
		"frames per batch (default " CLI_XSTR(XF_RUN_DEFAULT_BATCH) ")"),
	OPT_U32(run_args, "frames", 'F', "N", frames, 64, 1 << 20,
		"bad --frames '%s' (64..1048576)", "UMEM frames per queue (default " CLI_XSTR(XF_RUN_DEFAULT_FRAMES) ")"),
	OPT_FN(run_args, "ring-size", 'r', "N", ring_size, parse_ring_size,
	       "bad --ring-size '%s' (a power of 2, 64..65536)",
	       "descriptors per ring, a power of 2 (default " CLI_XSTR(XF_RUN_DEFAULT_RING_SIZE) ")"),
	OPT_FN(run_args, "frame-size", 's', "N", frame_size, parse_frame_size,
	       "bad --frame-size '%s' (2048 or 4096)", "2048 or 4096 (default " CLI_XSTR(XF_RUN_DEFAULT_FRAME_SIZE) ")"),
	{ OPT_(run_args, "poll", 'p', NULL, busy_poll, CLI_OPT_FALSE,
	       "when idle, yield briefly, then wait in poll() (default;\n"
	       "no yielding when the device's NAPI is threaded)") },
	OPT_FLAG(run_args, "busy-poll", 'B', busy_poll,
		 "busy-poll the driver (SO_PREFER_BUSY_POLL); best when the\n"
		 "worker has a core to itself"),
	OPT_STR(run_args, "cpus", 'C', "LIST", cpus, "pin worker i to the i-th CPU of LIST"),
	OPT_DBL(run_args, "duration", 'd', "S", duration, 0.1, 1e7,
		"bad --duration '%s' (seconds)", "stop after S seconds"),
	OPT_U32(run_args, "count", 'n', "N", count, 1, 0xffffffff, "bad --count '%s'",
		"stop after N frames in total"),
	OPT_FLAG(run_args, "no-reconnect", 'N', no_reconnect,
		 "end the run (exit 1) on any fault instead of re-binding"),
	OPT_FLAG(run_args, "wait-for-interface", 'W', wait_iface,
		 "when IFACE is deleted, wait for an interface of that\n"
		 "name to appear and re-bind (default: exit 1)"),
	OPT_FLAG(run_args, "json", 'j', json,
		 "final summary as one JSON object, the last line of stdout"),
	OPT_FLAG(run_args, "quiet", 'Q', quiet, "no live rates"),
	{}
};

/* policy's and rule's --help: the lock-out guard (lockout.c) */
#define CLI_GUARD_TEXT \
	"Lock-out guard: when SSH_CONNECTION is set (the command runs in an SSH session)\n" \
	"and the kernel's route to its client address goes out of IFACE, a change after\n" \
	"which the session's TCP frames would be dropped, bounced (tx), redirected or\n" \
	"sent to an AF_XDP socket, where before they reached the kernel, is refused\n" \
	"(exit 1, nothing changed) unless --force or --confirm-within S.  A malformed\n" \
	"SSH_CONNECTION refuses any change after which a default or rule would do so.\n" \
	"Without SSH_CONNECTION, or without a route to its client, there is no guard.\n" \
	"--confirm-within S applies the change and rolls it back (the policy, or all the\n" \
	"rules) after S seconds unless 'xdp-fwd confirm IFACE'; one at a time per IFACE.\n" \
	"\n"

const struct cli_cmd cli_cmds[] = {
	{ "load", do_load, "attach the program to an interface and pin its maps",
	  "usage: xdp-fwd load IFACE [--mode native|skb] [--force] [--max-rules N]\n"
	  "                     [--multiprog] [--priority N] [--chain-on LIST]\n"
	  "\n"
	  "Attach the xdp-fwd program to IFACE and pin its maps under\n"
	  XF_PIN_ROOT "/netINODE/IFACE/, INODE the network namespace's inode\n"
	  "number (readlink /proc/self/ns/net; 'xdp-fwd status IFACE' prints the\n"
	  "directory).  The program stays attached after the command exits.\n"
	  "With no rules every frame is passed to the kernel and counted.\n"
	  "\n"
	  "With --multiprog, or when libxdp's dispatcher is already attached to IFACE,\n"
	  "xdp-fwd runs as one program in the dispatcher, at --priority (lower runs\n"
	  "first), and the next program sees the frames xdp-fwd ends with a verdict\n"
	  "in --chain-on: by default pass, the default policy's action for frames no\n"
	  "rule claims.  unload then removes only xdp-fwd's program.\n"
	  "\n", NULL, 22, load_opts },
	{ "unload", do_unload, "detach it and remove the pins",
	  "usage: xdp-fwd unload IFACE\n\n"
	  "Detach xdp-fwd's program from IFACE (only if it is still xdp-fwd's)\n"
	  "and remove its pins, after the hardware flow rules of its rules (rule add\n"
	  "... queue N).  Works also when IFACE no longer exists.\n\n", NULL, 14, NULL },
	{ "status", do_status, "what is attached where",
	  "usage: xdp-fwd status [IFACE] [--json]\n\n"
	  "For each interface xdp-fwd is loaded on (or only IFACE): whether its\n"
	  "program is attached, replaced by another or detached, the mode, the\n"
	  "program id, the rule and shape counts and the policy; the kernel,\n"
	  "the driver's XDP features where the kernel reports them (Linux 6.3+)\n"
	  "and so whether 'run' will try zero-copy AF_XDP; and the running\n"
	  "'xdp-fwd run' on it: running, with the mode each of its queues was\n"
	  "granted, or waiting (and why) to re-bind after a fault.\n", NULL, 15, status_opts },
	{ "rule", do_rule, "add, delete, list, flush or load rules",
	  "usage: xdp-fwd rule add IFACE " CLI_RULE_WORDS "\n"
	  "       xdp-fwd rule del IFACE ID\n"
	  "       xdp-fwd rule list IFACE [--json]\n"
	  "       xdp-fwd rule flush IFACE\n"
	  "       xdp-fwd rule load IFACE FILE\n"
	  "\n"
	  "A rule matches any subset of: outer VLAN id, L4 protocol, source and destination\n"
	  "prefix (IPv4 or IPv6; a bare address is a host), source and destination port\n"
	  "(TCP, UDP, SCTP).  When several rules match, the lowest priority wins (default\n"
	  XF_STR(XF_DEFAULT_PRIORITY) "), then the lowest id.  Actions:\n"
	  "  pass          to the kernel stack\n"
	  "  drop          drop\n"
	  "  tx            bounce out of the receiving port, MACs swapped\n"
	  "  xsk           to the AF_XDP socket of the receiving queue (the kernel if none)\n"
	  "  redirect DEV  out of DEV (added to the port list)\n"
	  "  fwd           route with the kernel's FIB (see 'xdp-fwd port')\n"
	  "\n"
	  "add prints the new rule's id.  A rule matching exactly the same fields as an\n"
	  "existing one is refused.  At most " XF_STR(XF_MAX_SHAPES) " distinct shapes (sets of fields and prefix\n"
	  "lengths) can be in use at once.  load reads one rule per line in the words of\n"
	  "'add' ('#' starts a comment) and adds all of them or none.\n"
	  "\n"
	  "queue N (add only, anywhere in the words) also programs IFACE's NIC with a\n"
	  "hardware flow rule (ethtool n-tuple, e.g. ixgbe's Flow Director) that puts the\n"
	  "rule's frames on RX queue N, at location ID of the NIC's flow table.  It needs\n"
	  "proto tcp, udp or sctp, no vlan, and action xsk or pass; a rule without src or\n"
	  "dst gets the IPv4 flow type (IPv6 traffic needs an address in the rule).  A NIC\n"
	  "without n-tuple filters (ethtool feature ntuple-filters) refuses it and nothing\n"
	  "is added.  del, flush and unload remove the NIC rule; list shows its queue.\n"
	  "Rule files do not take queue.\n"
	  "\n"
	  CLI_GUARD_TEXT, NULL, 22, rule_opts },
	{ "policy", do_policy, "show or set the default action and the parse-error policy",
	  "usage: xdp-fwd policy IFACE [default ACTION [DEV]] [errors pass|drop] [--json]\n"
	  "\n"
	  "Without settings, print the policy.  'default' is the action for frames no\n"
	  "rule matches (pass, drop, tx, xsk, fwd or redirect DEV; initially pass).\n"
	  "'errors' is what happens to frames that fail to parse (initially pass: the\n"
	  "kernel has its own checks; drop to discard them here).\n"
	  "\n"
	  CLI_GUARD_TEXT, NULL, 22, policy_opts },
	{ "confirm", do_confirm, "keep a timed change (policy or rule's confirm-within)",
	  "usage: xdp-fwd confirm IFACE\n\n"
	  "Keep the timed change pending on IFACE (policy, rule add, load or flush with\n"
	  "their confirm-within option): its rollback watcher is stopped.  Exit 1 when\n"
	  "nothing is pending.\n\n",
	  NULL, 14, NULL },
	{ "port", do_port, "egress devices for redirect and fwd",
	  "usage: xdp-fwd port add IFACE DEV\n"
	  "       xdp-fwd port del IFACE DEV\n"
	  "       xdp-fwd port list IFACE\n"
	  "\n"
	  "The devices frames may leave by, for 'redirect' and 'fwd' (the egress\n"
	  "devmap).  fwd sends a frame out of the device the FIB names only when\n"
	  "that device is listed here; otherwise the kernel forwards it.  A device\n"
	  "that receives redirected frames on veth needs an XDP program of its own.\n\n",
	  NULL, 14, NULL },
	{ "stats", do_stats, "counters per action, parse error, event and RX queue",
	  "usage: xdp-fwd stats IFACE [--interval S [--count N]] [--json]\n"
	  "       xdp-fwd stats IFACE --prometheus\n\n"
	  "Counters of the program on IFACE, summed over CPUs: packets and bytes\n"
	  "per action taken, per parse result (ok or the error's name), per\n"
	  "event (fallbacks to the kernel) and, for the xsk action, per RX queue:\n"
	  "frames redirected to the queue's AF_XDP socket, and frames passed to\n"
	  "the kernel because the queue had none (only queues with frames are\n"
	  "listed).  With --interval, print the rates every S seconds, N times\n"
	  "(default: until interrupted).\n", NULL, 21, stats_opts },
	{ "parse", do_parse, "dry-run the program over a capture file",
	  "usage: xdp-fwd parse [--rules FILE] [--default ACTION] [--errors pass|drop]\n"
	  "                     [--json] CAPTURE\n"
	  "\n"
	  "Run xdp-fwd's BPF program on each packet of CAPTURE (pcap or pcapng, Ethernet)\n"
	  "with BPF_PROG_TEST_RUN and print what it parsed and decided.  No interface is\n"
	  "touched.  Frames the kernel's test runner cannot take (under 14 bytes, or over\n"
	  "its limit, 73152 bytes with 4 KiB pages) are reported as skipped, with the\n"
	  "reason; any other test_run failure is an error.  A record that claims more\n"
	  "bytes than the capture's snaplen is read clipped to it, with a warning.\n"
	  "\n", NULL, 24, parse_opts },
	{ "gen", do_gen, "traffic generator for the testbed (live-frames test_run)",
	  "usage: xdp-fwd gen IFACE [options]\n"
	  "\n"
	  "Send UDP or TCP frames out of IFACE with BPF_PROG_TEST_RUN in live-frames mode\n"
	  "(the frames leave through the driver's XDP transmit path; on veth the peer\n"
	  "needs an XDP program or GRO to take them).  Each frame carries its CPU and a\n"
	  "per-CPU sequence number in the first 8 payload bytes.\n"
	  "\n", NULL, 27, gen_opts },
	{ "run", do_run, "the AF_XDP consumer: receive steered frames in userspace",
	  "usage: xdp-fwd run IFACE [options]\n"
	  "\n"
	  "Receive the frames that rules steer to 'xsk' on IFACE through one AF_XDP socket\n"
	  "per RX queue, one worker thread per socket, and process them in batches.\n"
	  "Uses the program 'xdp-fwd load' attached; when none is, loads it with the load\n"
	  "defaults and unloads it at exit.  Frames on queues without a socket, and all\n"
	  "frames after the consumer stops, go to the kernel stack.\n"
	  "\n",
	  "\n"
	  "Faults: when the link goes down, the channel count changes, the program is\n"
	  "detached or replaced, or a socket reports an error, run says so on stderr,\n"
	  "closes every socket (steered frames go to the kernel meanwhile), waits until\n"
	  "the link is up, xdp-fwd's program is attached and the queues exist, and binds\n"
	  "again: first after 100 ms, doubling to 5 s while binds fail or faults repeat.\n"
	  "Counters are cumulative over re-binds.  A program run loaded itself is loaded\n"
	  "again when it is gone.\n"
	  "Live rates go to stderr once a second; SIGINT or SIGTERM stop the run cleanly.\n"
	  "Exit status: 0 after a clean stop, 1 on a fault with --no-reconnect, when the\n"
	  "interface is deleted (without --wait-for-interface), or when UMEM frames do\n"
	  "not add up (a bug).\n", 26, run_opts },
	{ "features", do_features, "what the interface's driver offers XDP, in words",
	  "usage: xdp-fwd features IFACE [--json]\n"
	  "\n"
	  "What IFACE's driver offers XDP, as the kernel reports it (generic netlink,\n"
	  "family netdev, Linux 6.3 and later): native XDP, XDP_REDIRECT, ndo_xdp_xmit\n"
	  "(can be a redirect target), zero-copy AF_XDP, multi-buffer, hardware offload,\n"
	  "and the zero-copy segment limit; with the RX queue count (ethtool channels)\n"
	  "and the MTU.  Each is said in words: what it means for load, run, redirect\n"
	  "and fwd.  Nothing is changed.\n"
	  "\n", NULL, 15, json_object },
};

const size_t cli_ncmds = sizeof(cli_cmds) / sizeof(cli_cmds[0]);
