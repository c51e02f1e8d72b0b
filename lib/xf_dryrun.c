// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xf_dryrun.c - the program over frames with BPF_PROG_TEST_RUN (xf_dryrun.h). */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp_fwd.skel.h"
#include "xf_internal.h"
#include "xf_dryrun.h"
#include "xf_loader.h"
#include "xf_maps.h"

/* test_run's geometry for an xdp.frags program (net/bpf/test_run.c) */
#define TEST_RUN_HEADROOM	256	/* XDP_PACKET_HEADROOM */
#define TEST_RUN_TAILROOM	320	/* the aligned skb_shared_info */
#define TEST_RUN_FRAGS		17	/* MAX_SKB_FRAGS */
#define DRYRUN_OUT_LEN		(1 << 17)	/* data_out: room for the largest frame */

struct xf_dryrun {
	struct xdp_fwd *skel;
	struct xf_maps m;
	int prog_fd;
	long max_len;
	__u8 *out;
};

long xf_dryrun_max_len(void)
{
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		page = 4096;
	return page - TEST_RUN_HEADROOM - TEST_RUN_TAILROOM + TEST_RUN_FRAGS * page;
}

static int dryrun_rules(struct xf_dryrun *d, const struct xf_rule_spec *rules, size_t n,
			long *bad, char *err, size_t errlen)
{
	__u32 *ids;
	int ret;

	if (!n)
		return 0;
	ids = calloc(n, sizeof(*ids));
	if (!ids) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = xf_rules_add(&d->m, rules, n, ids, bad, err, errlen);
	free(ids);
	return ret ? ret : 0;
}

int xf_dryrun_open(const struct xf_config *cfg, const struct xf_rule_spec *rules,
		   size_t nrules, struct xf_dryrun **out, long *bad, char *err,
		   size_t errlen)
{
	struct xf_load_opts lo = { .trace = true, .max_rules = nrules > 1024 ? nrules : 1024 };
	struct xf_config none = {};
	struct xf_dryrun *d;
	int ret;

	if (bad)
		*bad = -1;
	if (errlen)
		err[0] = '\0';
	d = calloc(1, sizeof(*d));
	if (!d || !(d->out = malloc(DRYRUN_OUT_LEN))) {
		free(d);
		xf_err("out of memory");
		return -ENOMEM;
	}
	xf_maps_init(&d->m);
	d->max_len = xf_dryrun_max_len();
	ret = xf_skel_load(&lo, &d->skel);
	if (!ret)
		ret = xf_maps_from_skel(d->skel, &d->m);
	if (ret)
		goto fail;
	ret = xf_config_set(&d->m, cfg ? cfg : &none);
	if (ret) {
		xf_err("cannot set the policy");
		goto fail;
	}
	ret = dryrun_rules(d, rules, nrules, bad, err, errlen);
	if (ret)
		goto fail;
	d->prog_fd = bpf_program__fd(d->skel->progs.xdp_fwd);
	*out = d;
	return 0;
fail:
	xf_dryrun_close(d);
	return ret < 0 ? ret : -EINVAL;
}

/* The trace's sequence number moves on every frame the program sees. */
static int trace_read(struct xf_dryrun *d, struct xf_trace *t)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(d->m.trace, &zero, t) ? -errno : 0;
}

int xf_dryrun_frame(struct xf_dryrun *d, const void *data, __u32 len,
		    struct xf_dryrun_result *r)
{
	LIBBPF_OPTS(bpf_test_run_opts, tr);
	__u32 seq;

	memset(r, 0, sizeof(*r));
	if (len < XF_DRYRUN_MIN_LEN) {
		r->skipped = true;
		snprintf(r->reason, sizeof(r->reason), "%u bytes: test_run takes %d or more",
			 len, XF_DRYRUN_MIN_LEN);
		return 0;
	}
	trace_read(d, &r->trace);
	seq = r->trace.seq;
	tr.data_in = data;
	tr.data_size_in = len;
	tr.data_out = d->out;
	tr.data_size_out = DRYRUN_OUT_LEN;
	tr.repeat = 1;
	if (bpf_prog_test_run_opts(d->prog_fd, &tr)) {
		int e = errno;

		/* only a refusal of a frame over the limit is a skip */
		if ((long)len <= d->max_len)
			return -e;
		r->skipped = true;
		snprintf(r->reason, sizeof(r->reason), "%u bytes: over test_run's %ld (%s)",
			 len, d->max_len, strerror(e));
		return 0;
	}
	r->retval = tr.retval;
	r->aborted = tr.retval == XDP_ABORTED;
	if (trace_read(d, &r->trace) || r->trace.seq == seq)
		return -ENODATA;
	return 0;
}

void xf_dryrun_close(struct xf_dryrun *d)
{
	if (!d)
		return;
	xf_maps_close(&d->m);
	if (d->skel)
		xdp_fwd__destroy(d->skel);
	free(d->out);
	free(d);
}
