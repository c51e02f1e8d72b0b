// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * gen: a traffic generator for the veth testbed.  It runs bpf/xdp_gen with
 * BPF_PROG_TEST_RUN in live-frames mode: the kernel builds real frames from
 * a template and the program's XDP_TX sends them out of IFACE, at up to
 * several Mpps per core, with nothing but the kernel and this repository.
 * A test tool, not library logic: the generator program and its skeleton
 * stay the CLI's (the only skeleton the CLI includes).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>	/* optind */
#include <linux/if_ether.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp_gen.skel.h"
#include "cli.h"
#include "opts.h"
#include "xf_parse.h"
#include "xf_pkt.h"
#include "xf_rules.h"
#include "xf_util.h"

#define GEN_MAX_THREADS 64
#define GEN_CHUNK_MAX   (1 << 18)	/* frames per syscall, unthrottled */
/*
 * Each live test_run call sets up and tears down a page pool, and the
 * teardown sleeps (measured here: a sender thread was busy only 28% of the
 * time).  Two sender threads per CPU keep the CPU busy while one waits.
 */
#define GEN_THREADS_PER_CPU 2

static volatile sig_atomic_t gen_stop;

static void on_signal(int sig)
{
	gen_stop = 1;
}

struct gen_cfg {
	int ifindex;
	int prog_fd;
	double rate;			/* frames/s in total, 0: as fast as possible */
	unsigned long long count;	/* 0: no limit */
	double duration;		/* 0: no limit */
	__u8 frame[2048];
	__u32 len;
	unsigned int nthreads;
	int cpus[GEN_MAX_THREADS];
	_Atomic unsigned long long sent;	/* frames handed to the kernel */
	_Atomic unsigned long long budget;	/* frames left when count is set */
	_Atomic int err;
};

struct gen_thread {
	struct gen_cfg *g;
	unsigned int idx;
	pthread_t tid;
};

/* Reserve up to want frames from the count budget. */
static unsigned long long take(struct gen_cfg *g, unsigned long long want)
{
	unsigned long long left = atomic_load(&g->budget), n;

	if (!g->count)
		return want;
	do {
		if (!left)
			return 0;
		n = left < want ? left : want;
	} while (!atomic_compare_exchange_weak(&g->budget, &left, left - n));
	return n;
}

static void *gen_worker(void *arg)
{
	struct gen_thread *t = arg;
	struct gen_cfg *g = t->g;
	double rate = g->rate / g->nthreads, t0 = xf_now();
	unsigned long long mine = 0;
	/* test_run wants data_end to equal the frame length */
	struct xdp_md ctx = { .ingress_ifindex = g->ifindex, .data_end = g->len };

	while (!gen_stop) {
		LIBBPF_OPTS(bpf_test_run_opts, tr);
		unsigned long long want = GEN_CHUNK_MAX, n;
		double now = xf_now();

		if (g->duration && now - t0 >= g->duration)
			break;
		if (rate > 0) {
			double allowed = rate * (now - t0) - (double)mine;

			/*
			 * Each call sets up and tears down a page pool (about
			 * a millisecond here), and is one burst at full speed:
			 * wait until 5 ms worth (at least 64 frames) are due,
			 * then send all that is due, so the average rate holds.
			 */
			if (allowed < rate / 200 + 64 &&
			    (!g->count || atomic_load(&g->budget) >= (unsigned long long)allowed + 64)) {
				usleep(500);
				continue;
			}
			want = (unsigned long long)allowed;
			if (want > GEN_CHUNK_MAX)
				want = GEN_CHUNK_MAX;
		}
		n = take(g, want);
		if (!n)
			break;
		tr.data_in = g->frame;
		tr.data_size_in = g->len;
		tr.ctx_in = &ctx;
		tr.ctx_size_in = sizeof(ctx);
		tr.repeat = (__u32)n;
		tr.batch_size = 64;
		tr.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
		if (bpf_prog_test_run_opts(g->prog_fd, &tr)) {
			atomic_store(&g->err, -errno);
			break;
		}
		mine += n;
		atomic_fetch_add(&g->sent, n);
	}
	return NULL;
}

struct gen_spec {
	__u8 smac[6], dmac[6];
	__u8 family;
	__be32 src[4], dst[4];
	bool tcp;
	__u16 sport_min, sport_max, dport_min, dport_max;
	__u32 size;
	__u16 vlan;		/* 0: untagged */
};

/* Build the template frame; fill the offsets the program needs. */
static int build_frame(const struct gen_spec *s, struct gen_cfg *g, __u32 *l4_off,
		       __u32 *csum_off, __u32 *seq_off, char *err, size_t errlen)
{
	__u32 l2 = s->vlan ? 18 : 14, l3 = s->family == XF_L3_IPV4 ? 20 : 40;
	__u32 l4 = s->tcp ? 20 : 8, need = l2 + l3 + l4 + 8;
	struct xf_pkt_opts o = {
		.dmac = s->dmac, .smac = s->smac, .vlan = s->vlan,
		.family = s->family == XF_L3_IPV4 ? 4 : 6,
		.ip = { .src = s->src, .dst = s->dst, .proto = s->tcp ? 6 : 17,
			.frag = 0x4000 /* DF */ },
		.sport = s->sport_min, .dport = s->dport_min,
		.tcp_flags = 0x10 /* ACK */, .size = s->size,
	};
	struct xf_pkt_buf b = { .data = g->frame, .cap = sizeof(g->frame) };
	__u8 *th = g->frame + l2 + l3;

	if (s->size < need || s->size > sizeof(g->frame)) {
		snprintf(err, errlen, "--size %u: this frame needs %u..%zu bytes", s->size, need,
			 sizeof(g->frame));
		return -EINVAL;
	}
	memset(g->frame, 0, sizeof(g->frame));
	if (xf_pkt_build(&b, &o)) {
		snprintf(err, errlen, "--size %u: cannot build the frame", s->size);
		return -EINVAL;
	}
	for (__u32 i = l4 + 8; i < s->size - l2 - l3; i++)	/* recognisable padding */
		th[i] = (__u8)i;

	*l4_off = l2 + l3;
	*seq_off = l2 + l3 + l4;
	*csum_off = 0;
	if (s->tcp || s->family == XF_L3_IPV6) {
		/* pseudo-header + L4, computed once here; the program updates it */
		*csum_off = l2 + l3 + (s->tcp ? 16 : 6);
		xf_pkt_put16(g->frame + *csum_off, xf_l4_csum(g->frame + l2, o.family, o.ip.proto,
							       th, s->size - l2 - l3));
	}
	g->len = s->size;
	return 0;
}

/* The addresses, defaults by family; -1 after naming a bad one. */
static int gen_addrs(const struct gen_args *o, struct gen_spec *s)
{
	const char *addr[2] = { o->src, o->dst };
	const char *def4[2] = { "192.0.2.1", "192.0.2.2" }, *def6[2] = { "2001:db8::1", "2001:db8::2" };
	__be32 *out[2] = { s->src, s->dst };

	for (int i = 0; i < 2; i++) {
		const char *a = addr[i] ? addr[i] : (s->family == XF_L3_IPV4 ? def4[i] : def6[i]);

		if (inet_pton(s->family == XF_L3_IPV4 ? AF_INET : AF_INET6, a, out[i]) != 1) {
			cli_err("bad %s address '%s' for %s", i ? "destination" : "source", a,
			       s->family == XF_L3_IPV4 ? "IPv4 (use --ipv6 for IPv6)" : "IPv6");
			return -1;
		}
	}
	return 0;
}

/* GEN_THREADS_PER_CPU sender threads on each CPU of the list. */
static int gen_cpus(const char *cpus, struct gen_cfg *g)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	int list[GEN_MAX_THREADS / GEN_THREADS_PER_CPU];
	unsigned int n;

	if (xf_parse_list(cpus, list, ARRAY_SIZE(list), ncpu > 0 ? ncpu : 1, &n)) {
		cli_err("bad --cpus '%s' (CPUs 0..%ld, e.g. 0 or 0-1)", cpus, ncpu - 1);
		return -1;
	}
	for (unsigned int i = 0; i < n; i++)
		for (int k = 0; k < GEN_THREADS_PER_CPU; k++)
			g->cpus[g->nthreads++] = list[i];
	return 0;
}

/* The frame's spec from the options; -1 after naming what is wrong. */
static int gen_spec_fill(const struct gen_args *o, const char *ifname, struct gen_spec *s,
			 struct gen_cfg *g)
{
	*s = (struct gen_spec){
		.family = o->ipv6 ? XF_L3_IPV6 : XF_L3_IPV4, .tcp = o->tcp, .size = o->size,
		.sport_min = o->sport.lo, .sport_max = o->sport.hi,
		.dport_min = o->dport.lo, .dport_max = o->dport.hi, .vlan = o->vlan,
	};
	memcpy(s->dmac, o->dst_mac.addr, 6);
	memcpy(s->smac, o->src_mac.addr, 6);
	if (gen_addrs(o, s) || gen_cpus(o->cpus, g))
		return -1;
	if (!o->src_mac.set) {	/* the interface's own */
		struct ifreq ifr = {};
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
		if (fd >= 0 && !ioctl(fd, SIOCGIFHWADDR, &ifr))
			memcpy(s->smac, ifr.ifr_hwaddr.sa_data, 6);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/* The generator program, with the frame's offsets and port ranges baked in. */
static struct xdp_gen *gen_load(const struct gen_spec *s, __u32 l4_off, __u32 csum_off,
				__u32 seq_off)
{
	struct xdp_gen *skel = xdp_gen__open();
	int err;

	if (!skel) {
		cli_err("cannot open the generator's BPF object");
		return NULL;
	}
	skel->rodata->l4_off = l4_off;
	skel->rodata->csum_off = csum_off;
	skel->rodata->seq_off = seq_off;
	skel->rodata->sport_min = s->sport_min;
	skel->rodata->sport_count = s->sport_max - s->sport_min + 1;
	skel->rodata->dport_min = s->dport_min;
	skel->rodata->dport_count = s->dport_max - s->dport_min + 1;
	err = xdp_gen__load(skel);
	if (err) {
		cli_err("cannot load the generator's BPF program: %s%s", strerror(-err),
		       err == -EPERM ? " (it needs CAP_BPF and CAP_NET_ADMIN)" :
		       err == -EACCES ? " (the verifier refused it: without CAP_PERFMON it "
					"rejects the program's pointer arithmetic; -v shows its log)" :
		       " (run with -v for details)");
		xdp_gen__destroy(skel);
		return NULL;
	}
	return skel;
}

/* Start the sender threads, each on its CPU; returns how many started. */
static unsigned int gen_start(struct gen_cfg *g, struct gen_thread *th)
{
	unsigned int started = 0;

	for (unsigned int i = 0; i < g->nthreads; i++) {
		pthread_attr_t attr;
		cpu_set_t set;

		th[i] = (struct gen_thread){ .g = g, .idx = i };
		pthread_attr_init(&attr);
		CPU_ZERO(&set);
		CPU_SET(g->cpus[i], &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		if (pthread_create(&th[i].tid, &attr, gen_worker, &th[i])) {
			pthread_attr_destroy(&attr);
			gen_stop = 1;
			break;
		}
		pthread_attr_destroy(&attr);
		started++;
	}
	return started;
}

/* Until the count, the duration, a signal or an error: the per-second report. */
static void gen_watch(struct gen_cfg *g, double t0, bool quiet)
{
	unsigned long long prev = 0, now_sent;
	double last = t0, now;
	bool done;

	do {
		done = gen_stop || atomic_load(&g->err);
		usleep(50000);
		now = xf_now();
		now_sent = atomic_load(&g->sent);
		if (g->count && now_sent >= g->count)
			done = true;
		if (g->duration && now - t0 >= g->duration + 0.05)
			done = true;
		if (!quiet && (now - last >= 1.0 || done) && now > last) {
			fprintf(stderr, "gen: %12.0f pps %10.1f Mbit/s  sent %llu\n",
				(now_sent - prev) / (now - last),
				(now_sent - prev) * (g->len + 4) * 8.0 / (now - last) / 1e6, now_sent);
			prev = now_sent;
			last = now;
		}
	} while (!done);
}

static void gen_summary(const struct gen_cfg *g, double secs, bool json)
{
	unsigned long long sent = atomic_load(&g->sent);

	if (json) {
		struct jw w;

		jw_init(&w, stdout);
		jw_obj_open(&w, NULL);
		jw_u64(&w, "sent", sent);
		jw_dbl(&w, "duration", secs);
		jw_dbl(&w, "pps", secs > 0 ? sent / secs : 0);
		jw_u64(&w, "frame_len", g->len);
		jw_obj_close(&w);
	} else {
		printf("sent %llu frames of %u bytes in %.2f s (%.0f pps)\n", sent, g->len, secs,
		       secs > 0 ? sent / secs : 0);
	}
}

/* Send until done; XF_EXIT_OK, or XF_EXIT_FAIL when a sender failed. */
static int gen_send(struct gen_cfg *g, const char *ifname, bool quiet, bool json)
{
	struct gen_thread th[GEN_MAX_THREADS];
	unsigned int started;
	double t0 = xf_now();
	int ret = XF_EXIT_OK;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	started = gen_start(g, th);
	gen_watch(g, t0, quiet);
	gen_stop = 1;
	for (unsigned int i = 0; i < started; i++)
		pthread_join(th[i].tid, NULL);
	if (atomic_load(&g->err)) {
		int e = -atomic_load(&g->err);

		cli_err("sending on %s failed: %s%s", ifname, strerror(e),
		       e == EINVAL ? " (is the interface up, and its veth peer up?)" : "");
		ret = XF_EXIT_FAIL;
	}
	gen_summary(g, xf_now() - t0, json);
	return ret;
}

int do_gen(int argc, char **argv)
{
	struct gen_args o = {
		.size = 60, .cpus = "0",
		.sport = { 9, 9 }, .dport = { 9, 9 },
		.dst_mac = { .addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	};
	struct gen_cfg *g = calloc(1, sizeof(*g));
	struct xdp_gen *skel = NULL;
	__u32 l4_off, csum_off, seq_off;
	struct gen_spec s;
	char err[256];
	int ret;

	if (!g)
		return XF_EXIT_FAIL;
	ret = cli_parse(cli_cmd_find("gen"), argc, argv, &o);
	if (ret) {
		ret = ret == CLI_PARSE_HELP ? XF_EXIT_OK : XF_EXIT_USAGE;
		goto out;
	}
	ret = XF_EXIT_USAGE;
	if (argc - optind != 1) {
		cli_err("gen needs exactly one interface");
		goto out;
	}
	if (gen_spec_fill(&o, argv[optind], &s, g))
		goto out;
	ret = XF_EXIT_FAIL;
	g->ifindex = xf_ifindex(argv[optind]);
	if (g->ifindex < 0)
		goto out;
	if (build_frame(&s, g, &l4_off, &csum_off, &seq_off, err, sizeof(err))) {
		cli_err("%s", err);
		ret = XF_EXIT_USAGE;
		goto out;
	}
	skel = gen_load(&s, l4_off, csum_off, seq_off);
	if (!skel)
		goto out;
	g->prog_fd = bpf_program__fd(skel->progs.xdp_gen);
	g->rate = o.rate;
	g->duration = o.duration;
	g->count = o.count;
	atomic_store(&g->budget, g->count);
	ret = gen_send(g, argv[optind], o.quiet, o.json);
out:
	if (skel)
		xdp_gen__destroy(skel);
	free(g);
	return ret;
}
