// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* run: the AF_XDP consumer, one socket and one worker per RX queue. */
#include <errno.h>
#include <getopt.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "xf_cmds.h"
#include "xf_loader.h"
#include "xf_maps.h"
#include "xf_util.h"
#include "xf_xsk.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: xdp-fwd run IFACE [options]\n"
		"\n"
		"Receive the frames that rules steer to 'xsk' on IFACE through one AF_XDP socket\n"
		"per RX queue, one worker thread per socket, and process them in batches.\n"
		"Uses the program 'xdp-fwd load' attached; when none is, loads it with the load\n"
		"defaults and unloads it at exit.  Frames on queues without a socket, and all\n"
		"frames after the consumer stops, go to the kernel stack.\n"
		"\n"
		"  -q, --queues LIST|all   RX queues, e.g. 0,2-3 (default all: ethtool's channel count)\n"
		"  -m, --mode MODE         rxdrop (count and release, default), l2fwd (swap MACs,\n"
		"                          send back out of the same queue), capture (to --write)\n"
		"  -w, --write FILE        pcap file for --mode capture\n"
		"  -z, --zero-copy         refuse to start without zero-copy\n"
		"  -c, --copy              use copy mode (default: zero-copy, else copy with a warning)\n"
		"  -b, --batch N           frames per batch (default 64)\n"
		"  -F, --frames N          UMEM frames per queue (default 4096)\n"
		"  -r, --ring-size N       descriptors per ring, a power of 2 (default 2048)\n"
		"  -s, --frame-size N      2048 or 4096 (default 4096)\n"
		"  -p, --poll              when idle, yield briefly, then wait in poll() (default;\n"
		"                          no yielding when the device's NAPI is threaded)\n"
		"  -B, --busy-poll         busy-poll the driver (SO_PREFER_BUSY_POLL); best when the\n"
		"                          worker has a core to itself\n"
		"  -C, --cpus LIST         pin worker i to the i-th CPU of LIST\n"
		"  -d, --duration S        stop after S seconds\n"
		"  -n, --count N           stop after N frames in total\n"
		"  -j, --json              final summary as one JSON object, the last line of stdout\n"
		"  -Q, --quiet             no live rates\n"
		"\n"
		"Live rates go to stderr once a second; SIGINT or SIGTERM stop the run cleanly.\n"
		"Exit status: 0 after a clean stop, 1 on a fault (interface gone or down).\n");
}

/* The driver's RX queue count (combined, else rx channels), or 1. */
static unsigned int queue_count(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unsigned int n = 1;

	if (fd < 0)
		return 1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (!ioctl(fd, SIOCETHTOOL, &ifr)) {
		n = ch.combined_count ? ch.combined_count : ch.rx_count;
		if (!n)
			n = 1;
	}
	close(fd);
	return n;
}

/* 1 up, 0 down, -1 gone (or renamed, or replaced by another ifindex). */
static int link_state(const char *ifname, int ifindex)
{
	struct ifreq ifr = {};
	int fd, up;

	if ((int)if_nametoindex(ifname) != ifindex)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	up = ioctl(fd, SIOCGIFFLAGS, &ifr) ? -1 : !!(ifr.ifr_flags & IFF_UP);
	close(fd);
	return up;
}

static unsigned long long ld(_Atomic unsigned long long *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static void print_rates(struct xf_run *r, unsigned long long *prev, double dt,
			unsigned long long *fill_empty_prev)
{
	unsigned long long tot_p = 0, tot_b = 0;

	for (unsigned int i = 0; i < r->cfg.nq; i++) {
		struct xf_queue *q = &r->q[i];
		unsigned long long p = ld(&q->st.rx_packets), b = ld(&q->st.rx_bytes);
		struct xdp_statistics xs;

		tot_p += p - prev[2 * i];
		tot_b += b - prev[2 * i + 1];
		fprintf(stderr, "  q%-3u %12.0f pps %10.1f Mbit/s  tx %llu", q->queue,
			(p - prev[2 * i]) / dt, (b - prev[2 * i + 1]) * 8 / dt / 1e6,
			ld(&q->st.tx_packets));
		if (!xf_xsk_stats(q, &xs)) {
			fprintf(stderr, "  rx_dropped %llu ring_full %llu fill_empty %llu",
				(unsigned long long)xs.rx_dropped,
				(unsigned long long)xs.rx_ring_full,
				(unsigned long long)xs.rx_fill_ring_empty_descs);
			if (xs.rx_fill_ring_empty_descs > fill_empty_prev[i])
				fprintf(stderr, "  WARNING: fill ring ran empty");
			fill_empty_prev[i] = xs.rx_fill_ring_empty_descs;
		}
		fputc('\n', stderr);
		prev[2 * i] = p;
		prev[2 * i + 1] = b;
	}
	fprintf(stderr, "total %12.0f pps %10.1f Mbit/s\n", tot_p / dt, tot_b * 8 / dt / 1e6);
}

static void summary(struct xf_run *r, double secs, bool json, unsigned long long captured,
		    unsigned long long missed, bool capture)
{
	unsigned long long rp = 0, rb = 0, tp = 0;
	struct jw w;

	for (unsigned int i = 0; i < r->cfg.nq; i++) {
		rp += ld(&r->q[i].st.rx_packets);
		rb += ld(&r->q[i].st.rx_bytes);
		tp += ld(&r->q[i].st.tx_packets);
	}
	if (!json) {
		printf("%s: %llu packets, %llu bytes received, %llu sent in %.1f s (%.0f pps)\n",
		       r->cfg.ifname, rp, rb, tp, secs, secs > 0 ? rp / secs : 0);
		for (unsigned int i = 0; i < r->cfg.nq; i++) {
			struct xdp_statistics xs;

			xf_xsk_stats(&r->q[i], &xs);
			printf("  queue %u (%s): rx %llu, tx %llu, rx_dropped %llu, "
			       "rx_ring_full %llu, fill_ring_empty %llu\n", r->q[i].queue,
			       r->q[i].zerocopy ? "zero-copy" : "copy",
			       ld(&r->q[i].st.rx_packets), ld(&r->q[i].st.tx_packets),
			       (unsigned long long)xs.rx_dropped,
			       (unsigned long long)xs.rx_ring_full,
			       (unsigned long long)xs.rx_fill_ring_empty_descs);
		}
		if (capture)
			printf("  captured %llu, not captured (writer behind) %llu\n", captured, missed);
		return;
	}
	jw_init(&w, stdout);
	jw_obj_open(&w, NULL);
	jw_str(&w, "ifname", r->cfg.ifname);
	jw_str(&w, "mode", r->cfg.ops.name);
	jw_dbl(&w, "duration", secs);
	jw_u64(&w, "rx_packets", rp);
	jw_u64(&w, "rx_bytes", rb);
	jw_u64(&w, "tx_packets", tp);
	if (capture) {
		jw_u64(&w, "captured", captured);
		jw_u64(&w, "capture_missed", missed);
	}
	jw_arr_open(&w, "queues");
	for (unsigned int i = 0; i < r->cfg.nq; i++) {
		struct xf_queue *q = &r->q[i];
		struct xdp_statistics xs;

		xf_xsk_stats(q, &xs);
		jw_obj_open(&w, NULL);
		jw_u64(&w, "queue", q->queue);
		jw_str(&w, "mode", q->zerocopy ? "zero-copy" : "copy");
		jw_str(&w, "mode_reason", q->mode_why);
		jw_u64(&w, "rx_packets", ld(&q->st.rx_packets));
		jw_u64(&w, "rx_bytes", ld(&q->st.rx_bytes));
		jw_u64(&w, "tx_packets", ld(&q->st.tx_packets));
		jw_u64(&w, "tx_dropped", ld(&q->st.tx_dropped));
		jw_u64(&w, "wakeups", ld(&q->st.wakeups));
		jw_u64(&w, "rx_dropped", xs.rx_dropped);
		jw_u64(&w, "rx_invalid_descs", xs.rx_invalid_descs);
		jw_u64(&w, "rx_ring_full", xs.rx_ring_full);
		jw_u64(&w, "rx_fill_ring_empty_descs", xs.rx_fill_ring_empty_descs);
		jw_u64(&w, "tx_invalid_descs", xs.tx_invalid_descs);
		jw_u64(&w, "tx_ring_empty_descs", xs.tx_ring_empty_descs);
		jw_bool(&w, "frames_accounted", xf_queue_frames_ok(q));
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	fflush(stdout);
}

/*
 * Publish the per-queue counters for `xdp-fwd stats --prometheus` (which
 * shows them while this process lives): written to a temporary file and
 * renamed, so a reader never sees half of it.
 */
static void publish_queue_stats(struct xf_run *r, const char *path)
{
	static const char *const names[][2] = {
		{ "xdp_fwd_xsk_rx_packets_total", "Frames the AF_XDP consumer received, by queue." },
		{ "xdp_fwd_xsk_rx_bytes_total", "Bytes the AF_XDP consumer received, by queue." },
		{ "xdp_fwd_xsk_tx_packets_total", "Frames the AF_XDP consumer sent, by queue." },
		{ "xdp_fwd_xsk_rx_dropped_total", "Frames the kernel dropped for the socket (XDP_STATISTICS)." },
		{ "xdp_fwd_xsk_rx_ring_full_total", "Frames dropped because the RX ring was full." },
		{ "xdp_fwd_xsk_fill_ring_empty_total", "Times the fill ring was empty." },
	};
	char tmp[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "# pid %d\n", (int)getpid());
	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", names[k][0], names[k][1],
			names[k][0]);
		for (unsigned int i = 0; i < r->cfg.nq; i++) {
			struct xf_queue *q = &r->q[i];
			struct xdp_statistics xs;
			unsigned long long v[6];

			xf_xsk_stats(q, &xs);
			v[0] = ld(&q->st.rx_packets);
			v[1] = ld(&q->st.rx_bytes);
			v[2] = ld(&q->st.tx_packets);
			v[3] = xs.rx_dropped;
			v[4] = xs.rx_ring_full;
			v[5] = xs.rx_fill_ring_empty_descs;
			fprintf(f, "%s{iface=\"%s\",queue=\"%u\",mode=\"%s\"} %llu\n", names[k][0],
				r->cfg.ifname, q->queue, q->zerocopy ? "zero-copy" : "copy", v[k]);
		}
	}
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
}

static bool pow2(__u32 v)
{
	return v && !(v & (v - 1));
}

int do_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "queues", required_argument, NULL, 'q' },
		{ "mode", required_argument, NULL, 'm' },
		{ "write", required_argument, NULL, 'w' },
		{ "zero-copy", no_argument, NULL, 'z' },
		{ "copy", no_argument, NULL, 'c' },
		{ "batch", required_argument, NULL, 'b' },
		{ "frames", required_argument, NULL, 'F' },
		{ "ring-size", required_argument, NULL, 'r' },
		{ "frame-size", required_argument, NULL, 's' },
		{ "poll", no_argument, NULL, 'p' },
		{ "busy-poll", no_argument, NULL, 'B' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct xf_run_cfg cfg = {
		.batch = 64, .frames = 4096, .ring_size = 2048, .frame_size = 4096,
		.ops = xf_proc_rxdrop,
	};
	const char *queues = "all", *cpus = NULL, *mode = "rxdrop", *write_path = NULL;
	double duration = 0;
	__u32 count = 0, v;
	bool json = false, quiet = false, loaded_here = false;
	struct xf_capture *cap = NULL;
	struct xf_maps m;
	struct xf_run run;
	int c, ret = XF_EXIT_FAIL, qv[XF_MAX_QUEUES];
	unsigned int n;

	xf_maps_init(&m);
	optind = 1;
	while ((c = getopt_long(argc, argv, "q:m:w:zcb:F:r:s:pBC:d:n:jQh", opts, NULL)) != -1) {
		switch (c) {
		case 'q': queues = optarg; break;
		case 'm': mode = optarg; break;
		case 'w': write_path = optarg; break;
		case 'z': cfg.force_zc = true; break;
		case 'c': cfg.force_copy = true; break;
		case 'p': cfg.busy_poll = false; break;
		case 'B': cfg.busy_poll = true; break;
		case 'C': cpus = optarg; break;
		case 'j': json = true; break;
		case 'Q': quiet = true; break;
		case 'b':
			if (xf_parse_u32(optarg, 1, 4096, &cfg.batch)) {
				xf_err("bad --batch '%s' (1..4096)", optarg);
				return XF_EXIT_USAGE;
			}
			break;
		case 'F':
			if (xf_parse_u32(optarg, 64, 1 << 20, &cfg.frames)) {
				xf_err("bad --frames '%s' (64..1048576)", optarg);
				return XF_EXIT_USAGE;
			}
			break;
		case 'r':
			if (xf_parse_u32(optarg, 64, 1 << 16, &v) || !pow2(v)) {
				xf_err("bad --ring-size '%s' (a power of 2, 64..65536)", optarg);
				return XF_EXIT_USAGE;
			}
			cfg.ring_size = v;
			break;
		case 's':
			if (xf_parse_u32(optarg, 2048, 4096, &v) || (v != 2048 && v != 4096)) {
				xf_err("bad --frame-size '%s' (2048 or 4096)", optarg);
				return XF_EXIT_USAGE;
			}
			cfg.frame_size = v;
			break;
		case 'd':
			if (xf_parse_double(optarg, 0.1, 1e7, &duration)) {
				xf_err("bad --duration '%s' (seconds)", optarg);
				return XF_EXIT_USAGE;
			}
			break;
		case 'n':
			if (xf_parse_u32(optarg, 1, 0xffffffff, &count)) {
				xf_err("bad --count '%s'", optarg);
				return XF_EXIT_USAGE;
			}
			break;
		case 'h':
			run_usage(stdout);
			return XF_EXIT_OK;
		default:
			run_usage(stderr);
			return XF_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		xf_err("run needs exactly one interface");
		return XF_EXIT_USAGE;
	}
	cfg.ifname = argv[optind];
	if (cfg.force_zc && cfg.force_copy) {
		xf_err("--zero-copy and --copy exclude each other");
		return XF_EXIT_USAGE;
	}
	if (strcmp(mode, "rxdrop") && strcmp(mode, "l2fwd") && strcmp(mode, "capture")) {
		xf_err("unknown mode '%s' (rxdrop, l2fwd or capture)", mode);
		return XF_EXIT_USAGE;
	}
	if (!strcmp(mode, "capture") != !!write_path) {
		xf_err(write_path ? "--write needs --mode capture" : "--mode capture needs --write FILE");
		return XF_EXIT_USAGE;
	}
	if (cfg.frames < cfg.ring_size) {
		xf_err("--frames %u is smaller than --ring-size %u: the fill ring could not be kept "
		       "stocked", cfg.frames, cfg.ring_size);
		return XF_EXIT_USAGE;
	}
	if (cfg.batch > cfg.ring_size) {
		xf_err("--batch %u is larger than --ring-size %u", cfg.batch, cfg.ring_size);
		return XF_EXIT_USAGE;
	}
	cfg.ifindex = xf_ifindex(cfg.ifname);
	if (cfg.ifindex < 0)
		return XF_EXIT_FAIL;

	unsigned int nqdev = queue_count(cfg.ifname);

	if (!strcmp(queues, "all")) {
		cfg.nq = nqdev < XF_MAX_QUEUES ? nqdev : XF_MAX_QUEUES;
		for (unsigned int i = 0; i < cfg.nq; i++)
			cfg.queues[i] = i;
	} else {
		if (xf_parse_list(queues, qv, XF_MAX_QUEUES, XF_MAX_QUEUES, &n)) {
			xf_err("bad --queues '%s' (e.g. 0,2-3 or all)", queues);
			return XF_EXIT_USAGE;
		}
		for (unsigned int i = 0; i < n; i++) {
			if ((unsigned int)qv[i] >= nqdev) {
				xf_err("queue %d does not exist on %s (it has %u)", qv[i], cfg.ifname,
				       nqdev);
				return XF_EXIT_USAGE;
			}
			for (unsigned int j = 0; j < i; j++)
				if (qv[j] == qv[i]) {
					xf_err("queue %d listed twice", qv[i]);
					return XF_EXIT_USAGE;
				}
			cfg.queues[i] = qv[i];
		}
		cfg.nq = n;
	}
	if (cpus) {
		long ncpu = sysconf(_SC_NPROCESSORS_CONF);

		if (xf_parse_list(cpus, cfg.cpus, XF_MAX_QUEUES, ncpu > 0 ? ncpu : 1, &cfg.ncpus)) {
			xf_err("bad --cpus '%s' (CPUs 0..%ld, e.g. 1 or 0-1)", cpus, ncpu - 1);
			return XF_EXIT_USAGE;
		}
	}

	/* the program: the one load attached, or ours for this run */
	{
		char dir[PATH_MAX];
		struct xf_attach_info ai;
		__u32 ours;

		xf_pin_dir(cfg.ifname, dir, sizeof(dir));
		if (access(dir, F_OK) && errno == EACCES) {
			xf_err("cannot look at %s: %s (xdp-fwd needs root)", dir, strerror(errno));
			return XF_EXIT_FAIL;
		}
		if (access(dir, F_OK)) {
			struct xf_load_opts lo = { .mode = XF_MODE_NATIVE };

			if (xf_query(cfg.ifindex, &ai) == 0 && ai.prog_id) {
				xf_err("%s has another XDP program (id %u); load xdp-fwd first", cfg.ifname,
				       ai.prog_id);
				return XF_EXIT_FAIL;
			}
			if (xf_load(cfg.ifname, &lo))
				return XF_EXIT_FAIL;
			loaded_here = true;
			xf_warn("loaded xdp-fwd on %s for this run; no rule steers frames to the "
				"consumer yet: add one with 'xdp-fwd rule add %s ... action xsk'",
				cfg.ifname, cfg.ifname);
		}
		ours = xf_pinned_prog_id(cfg.ifname);
		if (xf_query(cfg.ifindex, &ai) || !ai.prog_id || ai.prog_id != ours) {
			xf_err("xdp-fwd's program is not attached to %s (see 'xdp-fwd status %s')",
			       cfg.ifname, cfg.ifname);
			goto out;
		}
		if (xf_maps_open_pinned(cfg.ifname, &m))
			goto out;
		cfg.xsks_map = m.xsks;
	}

	{
		char path[64 + IF_NAMESIZE];
		FILE *f;
		int threaded = 0;

		snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", cfg.ifname);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%d", &threaded) != 1)
				threaded = 0;
			fclose(f);
		}
		cfg.idle_yields = threaded ? 0 : 256;
	}
	if (!strcmp(mode, "l2fwd")) {
		cfg.ops = xf_proc_l2fwd;
	} else if (write_path) {
		cap = xf_capture_open(write_path, cfg.nq, 8192, cfg.frame_size);
		if (!cap)
			goto out;
		cfg.ops = xf_proc_capture(cap);
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (xf_run_setup(&run, &cfg))
		goto out;
	for (unsigned int i = 0; i < cfg.nq; i++)
		if (!quiet)
			fprintf(stderr, "queue %u: %s mode, %s\n", run.q[i].queue,
				run.q[i].zerocopy ? "zero-copy" : "copy",
				cfg.busy_poll ? "busy polling" : "poll");
	if (xf_run_start(&run)) {
		xf_run_teardown(&run);
		goto out;
	}

	char stats_path[PATH_MAX] = "";

	if (!xf_consumer_stats_path(cfg.ifname, stats_path, sizeof(stats_path)) &&
	    mkdir(XF_RUN_DIR, 0755) && errno != EEXIST)
		stats_path[0] = '\0';
	double t0 = xf_now(), last = t0;
	unsigned long long *prev = calloc(2 * cfg.nq, sizeof(*prev));
	unsigned long long *fe = calloc(cfg.nq, sizeof(*fe));
	const char *fault = NULL;

	ret = XF_EXIT_OK;
	while (!got_signal && prev && fe) {
		double now;
		int st;

		usleep(100000);
		now = xf_now();
		st = link_state(cfg.ifname, cfg.ifindex);
		if (st <= 0) {
			fault = st < 0 ? "is gone" : "went down";
			break;
		}
		for (unsigned int i = 0; i < cfg.nq && !fault; i++)
			if (run.q[i].err)
				fault = "failed";
		if (fault)
			break;
		if (duration && now - t0 >= duration)
			break;
		if (count) {
			unsigned long long tot = 0;

			for (unsigned int i = 0; i < cfg.nq; i++)
				tot += ld(&run.q[i].st.rx_packets);
			if (tot >= count)
				break;
		}
		if (now - last >= 1.0) {
			if (!quiet)
				print_rates(&run, prev, now - last, fe);
			if (stats_path[0])
				publish_queue_stats(&run, stats_path);
			last = now;
		}
	}
	xf_run_stop(&run);
	if (stats_path[0]) {
		unlink(stats_path);
		rmdir(XF_RUN_DIR);	/* only when no other consumer uses it */
	}
	double secs = xf_now() - t0;

	if (fault) {
		xf_err("%s %s; stopping", cfg.ifname, fault);
		ret = XF_EXIT_FAIL;
	}
	unsigned long long written = 0, missed = 0;

	if (cap) {
		xf_capture_close(cap, &written, &missed);
		cap = NULL;
	}
	summary(&run, secs, json, written, missed, write_path != NULL);
	for (unsigned int i = 0; i < cfg.nq; i++)
		if (!xf_queue_frames_ok(&run.q[i])) {
			xf_err("queue %u: UMEM frames unaccounted for (a bug)", run.q[i].queue);
			ret = XF_EXIT_FAIL;
		}
	free(prev);
	free(fe);
	xf_run_teardown(&run);
out:
	if (cap)
		xf_capture_close(cap, NULL, NULL);
	xf_maps_close(&m);
	if (loaded_here && xf_unload(cfg.ifname))
		ret = XF_EXIT_FAIL;
	return ret;
}
