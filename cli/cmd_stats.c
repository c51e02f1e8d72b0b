// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* stats: the program's counters, as totals or as per-interval rates. */
#include <errno.h>
#include <getopt.h>	/* optind */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "xf_maps.h"
#include "xf_util.h"

struct snap {
	struct xf_counter act[XF_ACT_MAX], err[XF_PERR_MAX], ev[XF_EV_MAX];
	struct xf_queue_stat *q;	/* the xsk action per RX queue, nq of them */
	__u32 nq;
	double t;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* The per-queue part is as large as the map the program was loaded with. */
static int snap_init(struct xf_maps *m, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	if (xf_queue_stats_size(m->queue_stats, &s->nq))
		return -1;
	s->q = calloc(s->nq ? s->nq : 1, sizeof(*s->q));
	return s->q ? 0 : -1;
}

static void snap_free(struct snap *s)
{
	free(s->q);
	s->q = NULL;
}

static int snap_read(struct xf_maps *m, struct snap *s)
{
	int ret = 0;

	for (__u32 i = 0; i < XF_ACT_MAX; i++)
		ret |= xf_counter_sum(m->action_stats, i, &s->act[i]);
	for (__u32 i = 0; i < XF_PERR_MAX; i++)
		ret |= xf_counter_sum(m->error_stats, i, &s->err[i]);
	for (__u32 i = 0; i < XF_EV_MAX; i++)
		ret |= xf_counter_sum(m->event_stats, i, &s->ev[i]);
	for (__u32 i = 0; i < s->nq; i++)
		ret |= xf_queue_stat_sum(m->queue_stats, i, &s->q[i]);
	/* the program does not count parsed frames: all frames minus errors */
	s->err[0] = (struct xf_counter){};
	for (__u32 i = 0; i < XF_ACT_MAX; i++) {
		s->err[0].packets += s->act[i].packets;
		s->err[0].bytes += s->act[i].bytes;
	}
	for (__u32 i = 1; i < XF_PERR_MAX; i++) {
		s->err[0].packets -= s->err[i].packets;
		s->err[0].bytes -= s->err[i].bytes;
	}
	s->t = xf_now();
	return ret;
}

/* One group of counters: totals, or rates against prev when given. */
static void group(struct jw *w, const char *title, const struct xf_counter *c,
		  const struct xf_counter *prev, double dt, int n,
		  const char *(*name)(__u32), int first, bool all)
{
	if (w)
		jw_obj_open(w, title);
	else
		printf("%s:\n", title);
	for (int i = first; i < n; i++) {
		double pk = c[i].packets, by = c[i].bytes;

		if (prev) {
			pk = (pk - prev[i].packets) / dt;
			by = (by - prev[i].bytes) / dt;
		}
		if (!all && !c[i].packets)
			continue;
		if (w) {
			jw_obj_open(w, name(i));
			if (prev) {
				jw_dbl(w, "pps", pk);
				jw_dbl(w, "bps", by * 8);
			}
			jw_u64(w, "packets", c[i].packets);
			jw_u64(w, "bytes", c[i].bytes);
			jw_obj_close(w);
		} else if (prev) {
			printf("  %-20s %14.0f pps %12.3f Mbit/s\n", name(i), pk, by * 8 / 1e6);
		} else {
			printf("  %-20s %14llu packets %16llu bytes\n", name(i),
			       (unsigned long long)c[i].packets, (unsigned long long)c[i].bytes);
		}
	}
	if (w)
		jw_obj_close(w);
}

/* Only queues the xsk action has seen are listed. */
static bool queue_used(const struct xf_queue_stat *q)
{
	return q->xsk.packets || q->no_socket.packets;
}

static double rate(__u64 now, __u64 before, double dt)
{
	return ((double)now - (double)before) / dt;
}

/* One counter of a queue in JSON: totals, and rates against prev when given. */
static void queue_counter_json(struct jw *w, const char *key, const struct xf_counter *c,
			       const struct xf_counter *prev, double dt)
{
	jw_obj_open(w, key);
	if (prev) {
		jw_dbl(w, "pps", rate(c->packets, prev->packets, dt));
		jw_dbl(w, "bps", rate(c->bytes, prev->bytes, dt) * 8);
	}
	jw_u64(w, "packets", c->packets);
	jw_u64(w, "bytes", c->bytes);
	jw_obj_close(w);
}

static void queue_text(__u32 i, const struct xf_queue_stat *q, const struct xf_queue_stat *prev,
		       double dt)
{
	if (prev)
		printf("  queue %u: xsk %.0f pps %.3f Mbit/s, no socket %.0f pps\n", i,
		       rate(q->xsk.packets, prev->xsk.packets, dt),
		       rate(q->xsk.bytes, prev->xsk.bytes, dt) * 8 / 1e6,
		       rate(q->no_socket.packets, prev->no_socket.packets, dt));
	else
		printf("  queue %u: xsk %llu pkts %llu bytes, no socket %llu pkts\n", i,
		       (unsigned long long)q->xsk.packets, (unsigned long long)q->xsk.bytes,
		       (unsigned long long)q->no_socket.packets);
}

/* The xsk action per RX queue, in queue order; rates against prev when given. */
static void queues(struct jw *w, const struct snap *s, const struct snap *prev, double dt)
{
	if (w)
		jw_arr_open(w, "queues");
	else
		printf("queues:\n");
	for (__u32 i = 0; i < s->nq; i++) {
		const struct xf_queue_stat *q = &s->q[i], *pq = prev ? &prev->q[i] : NULL;

		if (!queue_used(q))
			continue;
		if (!w) {
			queue_text(i, q, pq, dt);
			continue;
		}
		jw_obj_open(w, NULL);
		jw_u64(w, "queue", i);
		queue_counter_json(w, "xsk", &q->xsk, pq ? &pq->xsk : NULL, dt);
		queue_counter_json(w, "no_socket", &q->no_socket, pq ? &pq->no_socket : NULL, dt);
		jw_obj_close(w);
	}
	if (w)
		jw_arr_close(w);
}

static void print_snap(const char *ifname, const struct snap *s, const struct snap *prev,
		       bool json)
{
	struct jw w, *pw = json ? &w : NULL;
	double dt = prev ? s->t - prev->t : 0;

	if (json) {
		jw_init(&w, stdout);
		jw_obj_open(&w, NULL);
		jw_str(&w, "ifname", ifname);
		if (prev)
			jw_dbl(&w, "interval", dt);
	} else if (prev) {
		printf("%s, last %.2f s:\n", ifname, dt);
	}
	group(pw, "actions", s->act, prev ? prev->act : NULL, dt, XF_ACT_MAX,
	      xf_action_name, 0, true);
	group(pw, "parse", s->err, prev ? prev->err : NULL, dt, XF_PERR_MAX,
	      xf_perr_name, 0, json);
	group(pw, "events", s->ev, prev ? prev->ev : NULL, dt, XF_EV_MAX,
	      xf_event_name, 0, json);
	queues(pw, s, prev, dt);
	if (json)
		jw_obj_close(&w);
	fflush(stdout);
}

/* A label value in the exposition format: \\, \" and \n escaped. */
static void prom_label(const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			printf("\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", stdout);
		else
			putchar(*v);
	}
}

static void prom_family(const char *name, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s counter\n", name, help, name);
}

static void prom_sample(const char *name, const char *ifname, const char *label,
			const char *value, unsigned long long v)
{
	printf("%s{iface=\"", name);
	prom_label(ifname);
	printf("\",%s=\"", label);
	prom_label(value);
	printf("\"} %llu\n", v);
}

/* Value k of the per-queue families of print_prometheus(). */
static __u64 queue_value(const struct xf_queue_stat *q, size_t k)
{
	const struct xf_counter *c = k < 2 ? &q->xsk : &q->no_socket;

	return k % 2 ? c->bytes : c->packets;
}

/* The xsk action per RX queue, for the queues it has seen. */
static void prom_queues(const char *ifname, const struct snap *s)
{
	static const char *const fam[][2] = {
		{ "xdp_fwd_queue_xsk_packets_total",
		  "Frames the xsk action redirected to the AF_XDP socket of the RX queue." },
		{ "xdp_fwd_queue_xsk_bytes_total",
		  "Bytes of the frames the xsk action redirected to the queue's socket." },
		{ "xdp_fwd_queue_no_socket_packets_total",
		  "Frames of the xsk action passed to the kernel: the RX queue had no socket." },
		{ "xdp_fwd_queue_no_socket_bytes_total",
		  "Bytes of the frames of the xsk action passed for want of a socket." },
	};
	char queue[16];

	for (size_t k = 0; k < ARRAY_SIZE(fam); k++) {
		prom_family(fam[k][0], fam[k][1]);
		for (__u32 i = 0; i < s->nq; i++) {
			if (!queue_used(&s->q[i]))
				continue;
			snprintf(queue, sizeof(queue), "%u", i);
			prom_sample(fam[k][0], ifname, "queue", queue, queue_value(&s->q[i], k));
		}
	}
}

/* The per-queue and reconnect counters a running `xdp-fwd run` on ifname publishes. */
static void print_consumer_stats(const char *ifname)
{
	char line[512];
	FILE *f = xf_consumer_prom_open(ifname);

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
}

static int rule_id_cmp(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The counters in the Prometheus text exposition format (version 0.0.4),
 * for node_exporter's textfile collector or any scraper.  Every sample is a
 * counter since the program was loaded; no timestamps.
 */
static int print_prometheus(const char *ifname, struct xf_maps *m, const struct snap *s)
{
	struct xf_table t;
	struct xf_counter *hits;
	__u32 *ids;
	char id[16];

	if (xf_table_read(m, &t)) {
		cli_err("cannot read the rules of %s", ifname);
		return -1;
	}
	ids = calloc(t.n ? t.n : 1, sizeof(*ids));
	hits = calloc(t.n ? t.n : 1, sizeof(*hits));
	if (!ids || !hits) {
		free(ids);
		free(hits);
		xf_table_free(&t);
		cli_err("out of memory");
		return -1;
	}
	for (size_t i = 0; i < t.n; i++)
		ids[i] = t.vals[i].id;
	qsort(ids, t.n, sizeof(*ids), rule_id_cmp);
	for (size_t i = 0; i < t.n; i++)
		if (xf_counter_sum(m->rule_stats, ids[i], &hits[i])) {
			cli_err("cannot read the counters of rule %u on %s", ids[i], ifname);
			free(ids);
			free(hits);
			xf_table_free(&t);
			return -1;
		}

	prom_family("xdp_fwd_packets_total", "Frames by the action xdp-fwd took.");
	for (__u32 i = 0; i < XF_ACT_MAX; i++)
		prom_sample("xdp_fwd_packets_total", ifname, "action", xf_action_name(i),
			    s->act[i].packets);
	prom_family("xdp_fwd_bytes_total", "Bytes of the frames by the action xdp-fwd took.");
	for (__u32 i = 0; i < XF_ACT_MAX; i++)
		prom_sample("xdp_fwd_bytes_total", ifname, "action", xf_action_name(i),
			    s->act[i].bytes);
	prom_family("xdp_fwd_parse_errors_total", "Frames that failed to parse, by error.");
	for (__u32 i = 1; i < XF_PERR_MAX; i++)
		prom_sample("xdp_fwd_parse_errors_total", ifname, "error", xf_perr_name(i),
			    s->err[i].packets);
	prom_family("xdp_fwd_parse_error_bytes_total",
		    "Bytes of the frames that failed to parse, by error.");
	for (__u32 i = 1; i < XF_PERR_MAX; i++)
		prom_sample("xdp_fwd_parse_error_bytes_total", ifname, "error", xf_perr_name(i),
			    s->err[i].bytes);
	prom_family("xdp_fwd_events_total",
		    "Fallbacks to the kernel and aborts, by event.");
	for (__u32 i = 0; i < XF_EV_MAX; i++)
		prom_sample("xdp_fwd_events_total", ifname, "event", xf_event_name(i),
			    s->ev[i].packets);
	prom_queues(ifname, s);
	prom_family("xdp_fwd_rule_packets_total", "Frames matched by each rule, by rule id.");
	for (size_t i = 0; i < t.n; i++) {
		snprintf(id, sizeof(id), "%u", ids[i]);
		prom_sample("xdp_fwd_rule_packets_total", ifname, "rule", id, hits[i].packets);
	}
	prom_family("xdp_fwd_rule_bytes_total", "Bytes of the frames matched by each rule.");
	for (size_t i = 0; i < t.n; i++) {
		snprintf(id, sizeof(id), "%u", ids[i]);
		prom_sample("xdp_fwd_rule_bytes_total", ifname, "rule", id, hits[i].bytes);
	}
	free(ids);
	free(hits);
	xf_table_free(&t);
	print_consumer_stats(ifname);
	fflush(stdout);
	return 0;
}

/* The rates every interval, count times (0: until a signal). */
static int stats_loop(const char *ifname, struct xf_maps *m, struct snap *a,
		      const struct stats_args *o)
{
	struct snap b, tmp;
	int ret = XF_EXIT_OK;

	if (snap_init(m, &b)) {
		cli_err("cannot read the queue counters of %s", ifname);
		return XF_EXIT_FAIL;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (__u32 n = 0; !stop && (!o->count || n < o->count); n++) {
		usleep((useconds_t)(o->interval * 1e6));
		if (stop)
			break;
		if (snap_read(m, &b)) {
			cli_err("cannot read the counters of %s (unloaded?)", ifname);
			ret = XF_EXIT_FAIL;
			break;
		}
		print_snap(ifname, &b, a, o->json);
		/* b becomes the previous sample; its queue array is reused */
		tmp = *a;
		*a = b;
		b = tmp;
	}
	snap_free(&b);
	return ret;
}

int do_stats(int argc, char **argv)
{
	struct stats_args o = {};
	const char *ifname;
	struct xf_maps m;
	struct snap a;
	int ret;

	ret = cli_parse(cli_cmd_find("stats"), argc, argv, &o);
	if (ret)
		return ret == CLI_PARSE_HELP ? XF_EXIT_OK : XF_EXIT_USAGE;
	if (argc - optind != 1) {
		cli_err("usage: xdp-fwd stats IFACE [--interval S] [--count N] [--json] or --prometheus");
		return XF_EXIT_USAGE;
	}
	if (o.prometheus && (o.json || o.interval)) {
		cli_err("--prometheus excludes %s: it prints the totals once",
		       o.json ? "--json" : "--interval");
		return XF_EXIT_USAGE;
	}
	if (o.count && !o.interval) {
		cli_err("--count needs --interval");
		return XF_EXIT_USAGE;
	}
	ifname = argv[optind];
	if (xf_maps_open_pinned(ifname, &m))
		return XF_EXIT_FAIL;
	if (snap_init(&m, &a)) {
		cli_err("cannot read the queue counters of %s", ifname);
		ret = XF_EXIT_FAIL;
	} else if (snap_read(&m, &a)) {
		cli_err("cannot read the counters of %s", ifname);
		ret = XF_EXIT_FAIL;
	} else if (o.prometheus) {
		ret = print_prometheus(ifname, &m, &a) ? XF_EXIT_FAIL : XF_EXIT_OK;
	} else if (!o.interval) {
		print_snap(ifname, &a, NULL, o.json);
		ret = XF_EXIT_OK;
	} else {
		ret = stats_loop(ifname, &m, &a, &o);
	}
	snap_free(&a);
	xf_maps_close(&m);
	return ret;
}
