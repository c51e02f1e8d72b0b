/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cli.h - the xdp-fwd tool: one do_<cmd>() per subcommand (argv[0] is the
 * command name), its messages and its JSON writer.  The tool uses only the
 * public API of libxdpfwd (xdpfwd.h).
 */
#ifndef XF_CLI_H
#define XF_CLI_H

#include <stdbool.h>

#include "xdpfwd.h"
#include "json.h"

#define XDPFWD_TOOL_VERSION	"1.0.0"

/* "xdp-fwd: <message>" on stderr; cli_info() only with -v. */
extern int cli_verbose;
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The library's messages, printed the same way (xf_set_print()). */
int cli_print(enum xf_print_level level, const char *fmt, va_list ap);

/* Exit codes: 0 done, 1 failed, 2 bad usage (nothing was changed). */
#define XF_EXIT_OK	0
#define XF_EXIT_FAIL	1
#define XF_EXIT_USAGE	2

int do_load(int argc, char **argv);
int do_unload(int argc, char **argv);
int do_status(int argc, char **argv);
int do_rule(int argc, char **argv);
int do_policy(int argc, char **argv);
int do_port(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_parse(int argc, char **argv);
int do_run(int argc, char **argv);
int do_gen(int argc, char **argv);
int do_features(int argc, char **argv);
int do_confirm(int argc, char **argv);

/*
 * Remove the hardware flow rules of ifname's rules (rule add ... queue N),
 * leaving the rules; for unload.  Nothing is asked of a NIC without n-tuple
 * filters, or of an interface xdp-fwd is not loaded on.  0, or -1 after a
 * message.
 */
int cli_rule_nic_release(const char *ifname);

/* true when argv holds -h or --help before a "--". */
bool cli_wants_help(int argc, char **argv);

#endif /* XF_CLI_H */
