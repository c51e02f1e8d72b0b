// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * caps.c - least privilege per command: the table of what each command
 * needs, found by running each under capsh with one capability dropped at a
 * time (tests/caps), and the check of the effective set with capget(2).
 *
 * What the kernel asks, and so why each entry is there:
 *   CAP_BPF      creating maps and programs.  Before Linux 6.5 every bpf()
 *                call on pinned objects needed it too while unprivileged BPF
 *                is disabled; 6.5 moved that check into map and program
 *                creation, and the 6.1 of the kernel matrix (6.1.0-57) has the
 *                change: none of its commands on pins needed CAP_BPF.  On an
 *                older kernel the command's own EPERM message names CAP_BPF.
 *   CAP_NET_ADMIN  loading an XDP program and its devmap/XSKMAP, attaching and
 *                detaching, ethtool n-tuple rules, SO_PREFER_BUSY_POLL
 *   CAP_PERFMON  the verifier refuses the program's pointer subtraction
 *                without it (bpf_allow_ptr_leaks)
 *   CAP_NET_RAW  the AF_XDP socket
 *   CAP_IPC_LOCK the UMEM, unless RLIMIT_MEMLOCK holds it (cli_caps_memlock)
 *   CAP_SYS_ADMIN mounting bpffs when none is mounted; it also stands for
 *                CAP_BPF and CAP_PERFMON, as the kernel's bpf_capable() and
 *                perfmon_capable() do
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "caps.h"
#include "cli.h"
#include "opts.h"
#include "xf_compat.h"

#define B	CLI_CAP(CAP_BPF)
#define NA	CLI_CAP(CAP_NET_ADMIN)
#define PM	CLI_CAP(CAP_PERFMON)
#define NR	CLI_CAP(CAP_NET_RAW)
#define SA	CLI_CAP(CAP_SYS_ADMIN)

const __u64 cli_caps_load = B | NA | PM;

/*
 * One row per command, subcommand word or option whose needs differ; every
 * row that matches adds its set.
 */
struct cli_caps_row {
	const char *cmd;
	const char *sub;	/* argv[1], NULL for any */
	const char *opt;	/* a long option or a word in argv, NULL for none */
	__u64 need;
	bool bpffs;		/* mounts bpffs when none is: CAP_SYS_ADMIN then */
};

static const struct cli_caps_row rows[] = {
	{ "load",     NULL,  NULL,        B | NA | PM, true },
	{ "unload",   NULL,  NULL,        NA, false },
	{ "status",   NULL,  NULL,        0, false },
	{ "rule",     NULL,  NULL,        0, false },
	{ "rule",     "add", "queue",     NA, false },	/* the NIC's flow rule */
	{ "policy",   NULL,  NULL,        0, false },
	{ "port",     NULL,  NULL,        0, false },
	{ "stats",    NULL,  NULL,        0, false },
	{ "parse",    NULL,  NULL,        B | NA | PM, false },	/* loads it for test_run */
	{ "gen",      NULL,  NULL,        B | NA | PM, false },
	{ "run",      NULL,  NULL,        NR, false },	/* + cli_caps_memlock */
	{ "run",      NULL,  "busy-poll", NA, false },
	{ "features", NULL,  NULL,        0, false },
};

static const char *const names[] = {
	[CAP_NET_ADMIN] = "CAP_NET_ADMIN", [CAP_NET_RAW] = "CAP_NET_RAW",
	[CAP_IPC_LOCK] = "CAP_IPC_LOCK", [CAP_SYS_ADMIN] = "CAP_SYS_ADMIN",
	[CAP_PERFMON] = "CAP_PERFMON", [CAP_BPF] = "CAP_BPF",
};

static __u64 effective(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};
	__u64 eff;

	if (syscall(SYS_capget, &h, d))
		return ~0ULL;	/* cannot tell: let the kernel decide */
	eff = d[0].effective | (__u64)d[1].effective << 32;
	/* bpf_capable() and perfmon_capable() accept CAP_SYS_ADMIN */
	if (eff & SA)
		eff |= B | PM;
	return eff;
}

static bool bpffs_mounted(void)
{
	struct statfs st;

	return !statfs("/sys/fs/bpf", &st) && (unsigned long)st.f_type == BPF_FS_MAGIC;
}

/* The order of the messages: the BPF ones first, as the docs list them. */
static const unsigned int order[] = {
	CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON, CAP_NET_RAW, CAP_IPC_LOCK, CAP_SYS_ADMIN,
};
#define NORDER	(sizeof(order) / sizeof(order[0]))

static void list(char *buf, size_t len, __u64 set)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < NORDER && n < len; i++)
		if (set & CLI_CAP(order[i]))
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", names[order[i]]);
}

/*
 * XDP_FWD_NO_CAPS_CHECK=1 leaves every decision to the kernel: tests/caps uses
 * it to show that the kernel itself refuses without each capability of the
 * table, so that the table asks for nothing more than the kernel does.
 */
static bool skip_check(void)
{
	const char *e = getenv("XDP_FWD_NO_CAPS_CHECK");

	return e && *e && strcmp(e, "0");
}

int cli_caps_require(const char *cmd, const char *why, __u64 need)
{
	__u64 missing = need & ~effective();
	char all[160];

	if (!missing || skip_check())
		return 0;
	list(all, sizeof(all), need);
	for (unsigned int i = 0; i < NORDER; i++)
		if (missing & CLI_CAP(order[i])) {
			fprintf(stderr, "xdp-fwd %s: missing capability %s (needs %s%s%s)\n", cmd,
				names[order[i]], all, why ? " " : "", why ? why : "");
			break;
		}
	return XF_EXIT_FAIL;
}

static bool has_word(const struct cli_cmd *cmd, int argc, char **argv, const char *w)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const struct cli_opt *o = cmd ? cli_opt_match(cmd, argv[i]) : NULL;

		if (o ? !strcmp(o->name, w) : !strcmp(argv[i], w))
			return true;
	}
	return false;
}

int cli_caps_check(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_cmd_find(argv[0]);
	__u64 need = 0;

	if (skip_check())
		return 0;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct cli_caps_row *r = &rows[i];

		if (strcmp(r->cmd, argv[0]) || (r->sub && (argc < 2 || strcmp(argv[1], r->sub))))
			continue;
		/* options through the command's table; words (rule's queue) as they are */
		if (r->opt && !has_word(cli_opt_by_name(cmd, r->opt) ? cmd : NULL, argc, argv,
					r->opt))
			continue;
		need |= r->need;
		if (r->bpffs && !bpffs_mounted())
			need |= SA;
	}
	return cli_caps_require(argv[0], NULL, need);
}

int cli_caps_memlock(__u64 bytes)
{
	struct rlimit rl;

	if ((effective() & CLI_CAP(CAP_IPC_LOCK)) || skip_check())
		return 0;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= bytes)
		return 0;
	fprintf(stderr, "xdp-fwd run: missing capability CAP_IPC_LOCK (the UMEM pins %llu KiB, "
		"RLIMIT_MEMLOCK is %llu KiB: grant CAP_IPC_LOCK, or raise the limit (ulimit -l) "
		"or lower --frames, --frame-size or the queues)\n",
		(unsigned long long)bytes >> 10, (unsigned long long)rl.rlim_cur >> 10);
	return XF_EXIT_FAIL;
}
