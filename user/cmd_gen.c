// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * gen: a traffic generator for the veth testbed.  It runs bpf/xdp_gen with
 * BPF_PROG_TEST_RUN in live-frames mode: the kernel builds real frames from
 * a template and the program's XDP_TX sends them out of IFACE, at up to
 * several Mpps per core, with nothing but the kernel and this repository.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
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
#include "xf_cmds.h"
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

static int parse_mac(const char *s, __u8 *mac)
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

static int parse_range(const char *s, __u16 *lo, __u16 *hi)
{
	char buf[32], *dash;
	__u32 a, b;

	snprintf(buf, sizeof(buf), "%s", s);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (xf_parse_u32(buf, 0, 65535, &a))
		return -EINVAL;
	b = a;
	if (dash && xf_parse_u32(dash, a, 65535, &b))
		return -EINVAL;
	*lo = a;
	*hi = b;
	return 0;
}

static void gen_usage(FILE *f)
{
	fprintf(f,
		"usage: xdp-fwd gen IFACE [options]\n"
		"\n"
		"Send UDP or TCP frames out of IFACE with BPF_PROG_TEST_RUN in live-frames mode\n"
		"(the frames leave through the driver's XDP transmit path; on veth the peer\n"
		"needs an XDP program or GRO to take them).  Each frame carries its CPU and a\n"
		"per-CPU sequence number in the first 8 payload bytes.\n"
		"\n"
		"  -6, --ipv6               IPv6 (default IPv4)\n"
		"  -t, --tcp                TCP (default UDP)\n"
		"  -s, --size N             frame bytes without FCS (default 60: 64 on the wire)\n"
		"  -S, --src ADDR           source address (default 192.0.2.1 or 2001:db8::1)\n"
		"  -D, --dst ADDR           destination address (default 192.0.2.2 or 2001:db8::2)\n"
		"      --src-mac MAC        default: IFACE's own\n"
		"      --dst-mac MAC        default: ff:ff:ff:ff:ff:ff\n"
		"  -p, --sport A[-B]        source ports, cycled per frame (default 9)\n"
		"  -P, --dport A[-B]        destination ports, cycled (default 9)\n"
		"      --vlan ID            add an 802.1Q tag\n"
		"  -n, --count N            stop after N frames\n"
		"  -r, --rate PPS           frames per second in total (default: as fast as possible)\n"
		"  -d, --duration S         stop after S seconds\n"
		"  -C, --cpus LIST          send from the CPUs in LIST, two threads each (default: CPU 0)\n"
		"  -j, --json               final summary as one JSON object on stdout\n"
		"  -Q, --quiet              no per-second report\n");
}

int do_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ipv6", no_argument, NULL, '6' },
		{ "tcp", no_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "src", required_argument, NULL, 'S' },
		{ "dst", required_argument, NULL, 'D' },
		{ "src-mac", required_argument, NULL, 1 },
		{ "dst-mac", required_argument, NULL, 2 },
		{ "vlan", required_argument, NULL, 3 },
		{ "sport", required_argument, NULL, 'p' },
		{ "dport", required_argument, NULL, 'P' },
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct gen_spec s = { .family = XF_L3_IPV4, .size = 60, .sport_min = 9, .sport_max = 9,
			      .dport_min = 9, .dport_max = 9,
			      .dmac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	const char *src = NULL, *dst = NULL, *cpus = "0";
	bool json = false, quiet = false, have_smac = false;
	struct gen_thread th[GEN_MAX_THREADS];
	struct gen_cfg *g = calloc(1, sizeof(*g));
	struct xdp_gen *skel = NULL;
	__u32 l4_off, csum_off, seq_off, v;
	char err[256];
	int c, ret = XF_EXIT_USAGE;
	__u64 count = 0;

	if (!g)
		return XF_EXIT_FAIL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "6ts:S:D:p:P:n:r:d:C:jQh", opts, NULL)) != -1) {
		switch (c) {
		case '6': s.family = XF_L3_IPV6; break;
		case 't': s.tcp = true; break;
		case 'S': src = optarg; break;
		case 'D': dst = optarg; break;
		case 'C': cpus = optarg; break;
		case 'j': json = true; break;
		case 'Q': quiet = true; break;
		case 's':
			if (xf_parse_u32(optarg, 14, 2048, &s.size)) {
				xf_err("bad --size '%s' (bytes)", optarg);
				goto out;
			}
			break;
		case 1:
		case 2:
			if (parse_mac(optarg, c == 1 ? s.smac : s.dmac)) {
				xf_err("bad MAC address '%s'", optarg);
				goto out;
			}
			have_smac |= c == 1;
			break;
		case 3:
			if (xf_parse_u32(optarg, 1, 4094, &v)) {
				xf_err("bad --vlan '%s' (1..4094)", optarg);
				goto out;
			}
			s.vlan = v;
			break;
		case 'p':
		case 'P':
			if (parse_range(optarg, c == 'p' ? &s.sport_min : &s.dport_min,
					c == 'p' ? &s.sport_max : &s.dport_max)) {
				xf_err("bad port range '%s' (A or A-B, 0..65535)", optarg);
				goto out;
			}
			break;
		case 'n':
			if (xf_parse_u32(optarg, 1, 0xffffffff, &v)) {
				xf_err("bad --count '%s'", optarg);
				goto out;
			}
			count = v;
			break;
		case 'r':
			if (xf_parse_double(optarg, 1, 1e9, &g->rate)) {
				xf_err("bad --rate '%s' (frames per second)", optarg);
				goto out;
			}
			break;
		case 'd':
			if (xf_parse_double(optarg, 0.01, 1e7, &g->duration)) {
				xf_err("bad --duration '%s' (seconds)", optarg);
				goto out;
			}
			break;
		case 'h':
			gen_usage(stdout);
			ret = XF_EXIT_OK;
			goto out;
		default:
			gen_usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 1) {
		xf_err("gen needs exactly one interface");
		goto out;
	}
	{
		const char *addr[2] = { src, dst };
		const char *def4[2] = { "192.0.2.1", "192.0.2.2" }, *def6[2] = { "2001:db8::1", "2001:db8::2" };
		__be32 *out[2] = { s.src, s.dst };

		for (int i = 0; i < 2; i++) {
			const char *a = addr[i] ? addr[i] : (s.family == XF_L3_IPV4 ? def4[i] : def6[i]);

			if (inet_pton(s.family == XF_L3_IPV4 ? AF_INET : AF_INET6, a, out[i]) != 1) {
				xf_err("bad %s address '%s' for %s", i ? "destination" : "source", a,
				       s.family == XF_L3_IPV4 ? "IPv4 (use --ipv6 for IPv6)" : "IPv6");
				goto out;
			}
		}
	}
	{
		long ncpu = sysconf(_SC_NPROCESSORS_CONF);
		int list[GEN_MAX_THREADS / GEN_THREADS_PER_CPU];
		unsigned int n;

		if (xf_parse_list(cpus, list, ARRAY_SIZE(list), ncpu > 0 ? ncpu : 1, &n)) {
			xf_err("bad --cpus '%s' (CPUs 0..%ld, e.g. 0 or 0-1)", cpus, ncpu - 1);
			goto out;
		}
		for (unsigned int i = 0; i < n; i++)
			for (int k = 0; k < GEN_THREADS_PER_CPU; k++)
				g->cpus[g->nthreads++] = list[i];
	}
	ret = XF_EXIT_FAIL;
	g->ifindex = xf_ifindex(argv[optind]);
	if (g->ifindex < 0)
		goto out;
	if (!have_smac) {
		struct ifreq ifr = {};
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[optind]);
		if (fd >= 0 && !ioctl(fd, SIOCGIFHWADDR, &ifr))
			memcpy(s.smac, ifr.ifr_hwaddr.sa_data, 6);
		if (fd >= 0)
			close(fd);
	}
	if (build_frame(&s, g, &l4_off, &csum_off, &seq_off, err, sizeof(err))) {
		xf_err("%s", err);
		ret = XF_EXIT_USAGE;
		goto out;
	}
	skel = xdp_gen__open();
	if (!skel) {
		xf_err("cannot open the generator's BPF object");
		goto out;
	}
	skel->rodata->l4_off = l4_off;
	skel->rodata->csum_off = csum_off;
	skel->rodata->seq_off = seq_off;
	skel->rodata->sport_min = s.sport_min;
	skel->rodata->sport_count = s.sport_max - s.sport_min + 1;
	skel->rodata->dport_min = s.dport_min;
	skel->rodata->dport_count = s.dport_max - s.dport_min + 1;
	c = xdp_gen__load(skel);
	if (c) {
		xf_err("cannot load the generator's BPF program: %s%s", strerror(-c),
		       c == -EPERM ? " (it needs root: CAP_BPF and CAP_NET_ADMIN)" :
		       " (run with -v for details)");
		goto out;
	}
	g->prog_fd = bpf_program__fd(skel->progs.xdp_gen);
	g->count = count;
	atomic_store(&g->budget, count);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	double t0 = xf_now(), last = t0;
	unsigned long long prev = 0;
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
	for (;;) {
		unsigned long long now_sent;
		bool done = gen_stop || atomic_load(&g->err);
		double now;

		usleep(50000);
		now = xf_now();
		now_sent = atomic_load(&g->sent);
		if (count && now_sent >= count)
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
		if (done)
			break;
	}
	gen_stop = 1;
	for (unsigned int i = 0; i < started; i++)
		pthread_join(th[i].tid, NULL);
	double secs = xf_now() - t0;
	unsigned long long sent = atomic_load(&g->sent);

	if (atomic_load(&g->err)) {
		int e = -atomic_load(&g->err);

		xf_err("sending on %s failed: %s%s", argv[optind], strerror(e),
		       e == EINVAL ? " (is the interface up, and its veth peer up?)" : "");
	} else {
		ret = XF_EXIT_OK;
	}
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
out:
	if (skel)
		xdp_gen__destroy(skel);
	free(g);
	return ret;
}
