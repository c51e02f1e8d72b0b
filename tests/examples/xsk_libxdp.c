// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsk_libxdp - the contract test's consumer: receives what xdp-fwd's rules
 * steer to one RX queue using libxdp's xsk API directly, not libxdpfwd.
 *
 *   xsk_libxdp IFACE QUEUE XSKMAP_PIN --expect N [--timeout S] [--ready FILE]
 *
 * The socket is created with XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD (libxdp
 * must not load its own program: xdp-fwd's is attached) and put into
 * xdp-fwd's pinned XSKMAP (/sys/fs/bpf/xdp-fwd/net<INODE>/IFACE/xsks, the
 * pin_dir of `xdp-fwd status IFACE --json`) at QUEUE with
 * xsk_socket__update_xskmap().  It counts IPv4/UDP frames per destination
 * port and the datagrams of tests/xsk/udp_send.py by (flow, seq) for
 * duplicates, and reads xdp-fwd's per-frame metadata (16 bytes before the
 * data: rule id, offsets, length, magic) to count frames per rule id.
 * Stops 0.3 s after the N'th frame (to catch extras), at --timeout, or on
 * SIGINT/SIGTERM; prints one JSON line:
 *
 *   {"received": N, "duplicates": D, "no_meta": M, "bad_meta": B,
 *    "dports": {"PORT": C, ...}, "rules": {"ID": C, ...}}
 *
 * Only libbpf and libxdp are linked; of xdp-fwd it takes nothing but the
 * header-only ABI (xf_abi.h, installed in include/xdpfwd/) for the layout
 * of the metadata, as any other consumer would (see README).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "xf_abi.h"

#define NFRAMES		2048
#define FRAME_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE
#define MAX_SEEN	65536
#define MAX_KEYS	64


struct counter {
	unsigned int key;
	unsigned long long n;
};

struct rx {
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq, rx;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	void *buf;
	unsigned long long received, duplicates, no_meta, bad_meta;
	struct counter dports[MAX_KEYS], rules[MAX_KEYS];
	unsigned char seen[MAX_SEEN];	/* a bit per (flow & 0xff, seq & 0xffff) */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bump(struct counter *c, unsigned int key)
{
	for (int i = 0; i < MAX_KEYS; i++) {
		if (c[i].n && c[i].key != key)
			continue;
		c[i].key = key;
		c[i].n++;
		return;
	}
}

static void print_counters(const char *name, const struct counter *c)
{
	printf("\"%s\": {", name);
	for (int i = 0, first = 1; i < MAX_KEYS && c[i].n; i++, first = 0)
		printf("%s\"%u\": %llu", first ? "" : ", ", c[i].key, c[i].n);
	printf("}");
}

static unsigned int be16(const __u8 *p)
{
	return p[0] << 8 | p[1];
}

static unsigned int be32(const __u8 *p)
{
	return (unsigned int)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* One received frame: its metadata, then IPv4/UDP and udp_send.py's payload. */
static void account(struct rx *r, __u8 *d, __u32 len)
{
	struct xf_meta *m = (void *)(d - sizeof(*m));
	unsigned int ihl, dport, flow, seq, bit;
	const __u8 *udp, *pl;

	r->received++;
	if (m->magic != XF_META_MAGIC)
		r->no_meta++;
	else if (m->len != len || m->l3_off != 14)
		r->bad_meta++;
	else
		bump(r->rules, m->rule_id);
	m->magic = 0;	/* the buffer goes back to the kernel: no stale metadata (README) */
	if (len < 14 + 20 + 8 || be16(d + 12) != 0x0800 || d[14 + 9] != 17)
		return;
	ihl = (d[14] & 0xf) * 4;
	udp = d + 14 + ihl;
	if (udp + 8 > d + len)
		return;
	dport = be16(udp + 2);
	bump(r->dports, dport);
	pl = udp + 8;
	if (pl + 12 > d + len || memcmp(pl, "XFT1", 4))
		return;
	flow = be32(pl + 4);
	seq = be32(pl + 8);
	bit = (flow & 0xff) << 16 | (seq & 0xffff);	/* < MAX_SEEN * 8 */
	if (r->seen[bit / 8] & (1 << bit % 8))
		r->duplicates++;
	r->seen[bit / 8] |= 1 << bit % 8;
}

static void refill(struct rx *r, unsigned int n, const __u64 *addrs)
{
	__u32 idx;

	if (xsk_ring_prod__reserve(&r->fq, n, &idx) != n)
		return;		/* cannot happen: the fill ring holds every frame */
	for (unsigned int i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&r->fq, idx + i) = addrs[i];
	xsk_ring_prod__submit(&r->fq, n);
}

static void receive(struct rx *r)
{
	__u64 addrs[64];
	__u32 idx, n;

	n = xsk_ring_cons__peek(&r->rx, 64, &idx);
	for (__u32 i = 0; i < n; i++) {
		const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&r->rx, idx + i);

		account(r, xsk_umem__get_data(r->buf, desc->addr), desc->len);
		addrs[i] = xsk_umem__extract_addr(desc->addr);
	}
	if (n) {
		xsk_ring_cons__release(&r->rx, n);
		refill(r, n, addrs);
	}
}

static int setup(struct rx *r, const char *ifname, unsigned int queue, int map_fd)
{
	struct xsk_umem_config ucfg = {
		.fill_size = NFRAMES, .comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.frame_size = FRAME_SIZE, .frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = NFRAMES, .tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		/* xdp-fwd's program is attached: libxdp must not load its own */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP,
	};
	__u64 addrs[NFRAMES];
	int err;

	r->buf = mmap(NULL, (size_t)NFRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->buf == MAP_FAILED) {
		r->buf = NULL;
		return -errno;
	}
	err = xsk_umem__create(&r->umem, r->buf, (__u64)NFRAMES * FRAME_SIZE, &r->fq, &r->cq, &ucfg);
	if (err)
		return err;
	err = xsk_socket__create(&r->xsk, ifname, queue, r->umem, &r->rx, NULL, &scfg);
	if (err)
		return err;
	for (unsigned int i = 0; i < NFRAMES; i++)
		addrs[i] = (__u64)i * FRAME_SIZE;
	refill(r, NFRAMES, addrs);
	return xsk_socket__update_xskmap(r->xsk, map_fd);
}

static void teardown(struct rx *r, int map_fd, unsigned int queue)
{
	if (map_fd >= 0)
		bpf_map_delete_elem(map_fd, &queue);	/* the kernel would on close too */
	if (r->xsk)
		xsk_socket__delete(r->xsk);
	if (r->umem)
		xsk_umem__delete(r->umem);
	if (r->buf)
		munmap(r->buf, (size_t)NFRAMES * FRAME_SIZE);
}

static void run(struct rx *r, unsigned long long expect, double timeout)
{
	struct pollfd pfd = { .fd = xsk_socket__fd(r->xsk), .events = POLLIN };
	double end = now() + timeout, linger_end = 0;

	while (!stop && now() < end && (!linger_end || now() < linger_end)) {
		if (xsk_ring_prod__needs_wakeup(&r->fq))
			poll(&pfd, 1, 50);
		receive(r);
		if (expect && !linger_end && r->received >= expect)
			linger_end = now() + 0.3;
		if (!xsk_ring_prod__needs_wakeup(&r->fq))
			usleep(1000);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expect", required_argument, NULL, 'e' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ready", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static struct rx r;
	const char *ready = NULL;
	unsigned long long expect = 0;
	double timeout = 10;
	unsigned int queue;
	int c, map_fd, err;
	char *end;

	while ((c = getopt_long(argc, argv, "e:t:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e': expect = strtoull(optarg, NULL, 10); break;
		case 't': timeout = strtod(optarg, NULL); break;
		case 'r': ready = optarg; break;
		case 'h':
			printf("usage: xsk_libxdp IFACE QUEUE XSKMAP_PIN [--expect N] [--timeout S] "
			       "[--ready FILE]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (argc - optind != 3) {
		fprintf(stderr, "xsk_libxdp: needs IFACE QUEUE XSKMAP_PIN\n");
		return 2;
	}
	queue = strtoul(argv[optind + 1], &end, 10);
	if (*end || timeout <= 0) {
		fprintf(stderr, "xsk_libxdp: bad queue '%s' or --timeout\n", argv[optind + 1]);
		return 2;
	}
	map_fd = bpf_obj_get(argv[optind + 2]);
	if (map_fd < 0) {
		fprintf(stderr, "xsk_libxdp: cannot open %s: %s\n", argv[optind + 2], strerror(errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = setup(&r, argv[optind], queue, map_fd);
	if (err) {
		fprintf(stderr, "xsk_libxdp: %s queue %u: %s\n", argv[optind], queue, strerror(-err));
		teardown(&r, map_fd, queue);
		close(map_fd);
		return 1;
	}
	if (ready) {	/* the socket is in the map: a script may send from here on */
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	run(&r, expect, timeout);
	teardown(&r, map_fd, queue);
	close(map_fd);
	printf("{\"received\": %llu, \"duplicates\": %llu, \"no_meta\": %llu, \"bad_meta\": %llu, ",
	       r.received, r.duplicates, r.no_meta, r.bad_meta);
	print_counters("dports", r.dports);
	printf(", ");
	print_counters("rules", r.rules);
	printf("}\n");
	return expect && r.received != expect;
}
