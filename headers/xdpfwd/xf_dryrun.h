/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_dryrun.h - the dry run: xdp-fwd's real XDP program, loaded with its
 * trace on and attached to nothing, run over frames one at a time with
 * BPF_PROG_TEST_RUN, with a policy and a rule set of your choosing.  For
 * each frame it tells what the program parsed and decided (xdp-fwd parse).
 * Needs the privileges of loading a BPF program (CAP_BPF, or root).
 */
#ifndef XF_DRYRUN_H
#define XF_DRYRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "xf_abi.h"
#include "xf_parse.h"
#include "xf_rules.h"

/* The kernel's test runner refuses frames shorter than this. */
#define XF_DRYRUN_MIN_LEN	14

struct xf_dryrun;

struct xf_dryrun_result {
	bool skipped;		/* test_run cannot take the frame: reason says why */
	bool aborted;		/* the program returned XDP_ABORTED */
	__u32 retval;		/* the program's XDP verdict */
	struct xf_trace trace;	/* what it parsed and decided, unless skipped */
	char reason[128];
};

/*
 * Load the program with room for at least nrules rules (1024 at least), set
 * the policy (NULL: pass, errors pass) and add the rules, all or none.
 * Returns 0 and *out, or -errno: when the rules are refused, *bad (if not
 * NULL) is the index of the one at fault, or -1, and err says why; other
 * failures are said through the print callback.
 */
int xf_dryrun_open(const struct xf_config *cfg, const struct xf_rule_spec *rules,
		   size_t nrules, struct xf_dryrun **out, long *bad, char *err,
		   size_t errlen);

/*
 * Run one frame.  0 when it ran (r->trace filled) or was skipped: shorter
 * than XF_DRYRUN_MIN_LEN, or a refusal of a frame longer than
 * xf_dryrun_max_len().  Otherwise -errno: test_run's own error for a frame
 * it should take, or -ENODATA when the program left no trace (r->retval
 * says what it returned).
 */
int xf_dryrun_frame(struct xf_dryrun *d, const void *data, __u32 len,
		    struct xf_dryrun_result *r);

/*
 * The largest frame test_run takes for the program (xdp.frags): one page's
 * linear part plus 17 fragment pages, 73152 bytes with 4 KiB pages.
 */
long xf_dryrun_max_len(void);

void xf_dryrun_close(struct xf_dryrun *d);

#endif /* XF_DRYRUN_H */
