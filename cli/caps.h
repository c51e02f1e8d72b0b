/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * caps.h - the capabilities each command needs (issue 15), in one table
 * (cli/caps.c), checked against the effective set before the command does
 * anything, so that a container with a reduced bounding set gets a message
 * naming what is missing instead of a bare EPERM half-way through.
 */
#ifndef XF_CLI_CAPS_H
#define XF_CLI_CAPS_H

#include <stdbool.h>
#include <linux/types.h>

#define CLI_CAP(c)	(1ULL << (c))

/*
 * Check what the table asks of "CMD argv..." (argv[0] is the command): 0
 * when every capability is effective, else XF_EXIT_FAIL after
 * "xdp-fwd CMD: missing capability CAP_X (needs ...)".
 */
int cli_caps_check(int argc, char **argv);
/* The same for a set that only a path of the command needs; why says which. */
int cli_caps_require(const char *cmd, const char *why, __u64 need);
/*
 * run's UMEM: bytes of it are pinned; fine with CAP_IPC_LOCK or a
 * RLIMIT_MEMLOCK that holds them; else XF_EXIT_FAIL after a message.
 */
int cli_caps_memlock(__u64 bytes);

/* What loading xdp-fwd's program needs (load, and run when nothing is loaded). */
extern const __u64 cli_caps_load;

#endif /* XF_CLI_CAPS_H */
