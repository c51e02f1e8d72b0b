/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* xf_cmds.h - one do_<cmd>() per subcommand; argv[0] is the command name. */
#ifndef XF_CMDS_H
#define XF_CMDS_H

#include <stdbool.h>

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

/* true when argv holds -h or --help before a "--". */
bool xf_wants_help(int argc, char **argv);

#endif /* XF_CMDS_H */
