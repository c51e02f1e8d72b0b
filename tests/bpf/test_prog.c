// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_prog.c - the xdp-fwd XDP program, run in the kernel with
 * BPF_PROG_TEST_RUN, driven through the userspace library exactly as the
 * tool drives it (xf_skel_load, xf_rules_add, xf_config_set, ...).
 *
 * Each group loads one program (with tracing on, so the "trace" map holds
 * the last frame's parse result, action and rule id); before every case the
 * rules are flushed, the policy reset to pass/pass, the counters zeroed and
 * the devmap emptied.  Frames are built by small helpers (Ethernet, VLAN,
 * IPv4, IPv6 and its extension headers, TCP, UDP, SCTP, ICMP) from a
 * struct fdesc; most cases are rows of tables, each row its own cmocka
 * test named in words.
 *
 * The process moves into a private network namespace first (unshare), with
 * forwarding enabled and nothing routed, so that "fwd with no route" really
 * has no route, and so the veth pairs that the fwd and AF_XDP cases create
 * vanish with the process.  Without CAP_SYS_ADMIN over a new namespace those
 * cases are skipped.
 *
 * Built and run by tests/bpf/bpf.mk: make bpf-prog.  Needs root.
 * XF_TEST_SEED=N changes the seed of the random 5-tuple case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp_fwd.skel.h"
#include "xf_loader.h"
#include "xf_maps.h"
#include "xf_parse.h"
#include "xf_pkt.h"
#include "xf_rules.h"
#include "xf_util.h"
#include "xf_xsk.h"
#include "xdpfwd.h"

/* Table rows leave trailing fields (default action, flags) to zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define LO		1		/* ifindex of lo */
#define FRAME_MAX	(20 * 1024)
#define OUT_MAX		(80 * 1024)	/* test_run output: linear part + frags */
#define LINEAR_MAX	3520		/* 4096 - 256 headroom - 320 shared info */

/* ------------------------------------------------------------------ */
/* The program under test                                              */
/* ------------------------------------------------------------------ */

struct env {
	struct xf_load_opts lo;
	struct xdp_fwd *skel;
	struct xf_maps m;
	int prog;
};

static struct env *E;		/* the current group's program */
static bool netns_private;	/* in our own network namespace */

static int env_load(struct env *e)
{
	int err;

	err = xf_skel_load(&e->lo, &e->skel);
	if (err) {
		fprintf(stderr, "xf_skel_load: %s\n", strerror(-err));
		return -1;
	}
	err = xf_maps_from_skel(e->skel, &e->m);
	if (err) {
		fprintf(stderr, "xf_maps_from_skel: %s\n", strerror(-err));
		xdp_fwd__destroy(e->skel);
		return -1;
	}
	e->prog = bpf_program__fd(e->skel->progs.xdp_fwd);
	E = e;
	return 0;
}

static int env_unload(void **state)
{
	(void)state;
	if (E) {
		xf_maps_close(&E->m);
		xdp_fwd__destroy(E->skel);
		E = NULL;
	}
	return 0;
}

static struct env env_main = { .lo = { .trace = true } };
static struct env env_small = { .lo = { .trace = true, .max_rules = 8 } };
static struct env env_notrace = { .lo = { .trace = false } };
static struct env env_nometa = { .lo = { .trace = true, .no_meta = true } };
static struct env env_2queues = { .lo = { .trace = true, .max_queues = 2 } };

static int group_main(void **state) { (void)state; return env_load(&env_main); }
static int group_small(void **state) { (void)state; return env_load(&env_small); }
static int group_notrace(void **state) { (void)state; return env_load(&env_notrace); }
static int group_nometa(void **state) { (void)state; return env_load(&env_nometa); }
static int group_2queues(void **state) { (void)state; return env_load(&env_2queues); }

/* Before every case: no rules, pass/pass, zero counters, empty devmap. */
static int case_setup(void **state)
{
	struct xf_config cfg = { .default_action = XF_ACT_PASS, .error_action = XF_ACT_PASS };
	__u32 k;

	(void)state;
	if (xf_rules_flush(&E->m, NULL) || xf_config_set(&E->m, &cfg))
		return -1;
	for (__u32 i = 0; i < XF_ACT_MAX; i++)
		if (xf_counter_zero(E->m.action_stats, i))
			return -1;
	for (__u32 i = 0; i < XF_PERR_MAX; i++)
		if (xf_counter_zero(E->m.error_stats, i))
			return -1;
	for (__u32 i = 0; i < XF_EV_MAX; i++)
		if (xf_counter_zero(E->m.event_stats, i))
			return -1;
	for (__u32 i = 0; i < (E->lo.max_queues ? E->lo.max_queues : XF_MAX_QUEUES); i++)
		if (xf_queue_stat_zero(E->m.queue_stats, i))
			return -1;
	while (!bpf_map_get_next_key(E->m.ports, NULL, &k))
		if (bpf_map_delete_elem(E->m.ports, &k))
			return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Frame builder                                                       */
/* ------------------------------------------------------------------ */

#define E_IP	0x0800
#define E_IP6	0x86dd
#define E_ARP	0x0806
#define E_Q	0x8100
#define E_AD	0x88a8

#define P_ICMP	1
#define P_TCP	6
#define P_UDP	17
#define P_GRE	47
#define P_ICMP6	58
#define P_SCTP	132

static const uint8_t MAC_DST[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xd1 };
static const uint8_t MAC_SRC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x51 };

/* A frame and the shared builder's cursor over it (lib/xf_pkt.c). */
struct frame {
	uint8_t d[FRAME_MAX];
	struct xf_pkt_buf b;	/* b.len, b.l3, b.l4 (0: absent), b.family, b.proto */
};

static uint8_t *put(struct frame *f, const void *src, size_t n)
{
	uint8_t *at = xf_pkt_put(&f->b, src, n);

	if (!at)
		fail_msg("frame of %zu bytes does not fit the builder", f->b.len + n);
	return at;
}

static void addr_of(const char *s, int fam, void *out)
{
	if (inet_pton(fam == 6 ? AF_INET6 : AF_INET, s, out) != 1)
		fail_msg("bad address '%s' in a test", s);
}

static uint16_t csum16(const uint8_t *p, size_t n)
{
	return xf_csum_fold(xf_csum_partial(p, n, 0));
}

/* The builder reports a header that does not fit with NULL. */
static uint8_t *fits(struct frame *f, uint8_t *h)
{
	if (!h)
		fail_msg("frame of %zu bytes does not fit the builder", f->b.len);
	return h;
}

static void b_eth(struct frame *f, uint16_t type)
{
	xf_pkt_init(&f->b, f->d, sizeof(f->d));
	fits(f, xf_pkt_eth(&f->b, MAC_DST, MAC_SRC, type));
}

static void b_vlan(struct frame *f, uint16_t tci, uint16_t next)
{
	fits(f, xf_pkt_vlan(&f->b, tci, next));
}

static void b_ipv4(struct frame *f, const char *src, const char *dst, uint8_t proto,
		   uint8_t ttl, uint16_t frag)
{
	uint8_t s[4], d[4];
	struct xf_pkt_ip ip = { .src = s, .dst = d, .proto = proto, .ttl = ttl, .id = 0x1234,
				.frag = frag };

	addr_of(src, 4, s);
	addr_of(dst, 4, d);
	fits(f, xf_pkt_ipv4(&f->b, &ip));
}

static void b_ipv6(struct frame *f, const char *src, const char *dst, uint8_t nh,
		   uint8_t hlim)
{
	uint8_t s[16], d[16];
	struct xf_pkt_ip ip = { .src = s, .dst = d, .proto = nh, .ttl = hlim };

	addr_of(src, 6, s);
	addr_of(dst, 6, d);
	fits(f, xf_pkt_ipv6(&f->b, &ip));
}

static void b_payload(struct frame *f, size_t n)
{
	uint8_t *p = put(f, NULL, n);

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 3);
}

/* Length fields and the IPv4 header checksum from what was built. */
static void b_finish(struct frame *f)
{
	if (xf_pkt_finish(&f->b, 0))
		fail_msg("the frame builder failed: %d", f->b.err);
}

/* A frame described in one initializer. */
struct fdesc {
	int ntags;
	uint16_t tci[3];	/* outer first; the outer TPID is 802.1ad for QinQ */
	const char *src, *dst;	/* NULL: an ARP frame; ':' in src: IPv6 */
	uint8_t proto;
	uint16_t sport, dport;
	uint8_t ttl;		/* 0: 64 */
	uint16_t frag;		/* IPv4 flags and fragment offset, host order */
	int ext6;		/* IPv6: hop-by-hop + (ext6 - 1) destination options */
	int frag6;		/* IPv6 fragment header: 1 first, 2 later fragment */
	size_t size;		/* pad the frame to this length; 0: 18 payload bytes */
};

#define UDP(s, sp, d, dp, ...) { .src = s, .dst = d, .proto = P_UDP, .sport = sp, .dport = dp, __VA_ARGS__ }
#define TCP(s, sp, d, dp, ...) { .src = s, .dst = d, .proto = P_TCP, .sport = sp, .dport = dp, __VA_ARGS__ }
#define SCTP(s, sp, d, dp, ...) { .src = s, .dst = d, .proto = P_SCTP, .sport = sp, .dport = dp, __VA_ARGS__ }
#define ICMP(s, d, ...) { .src = s, .dst = d, .proto = P_ICMP, __VA_ARGS__ }
#define ICMP6(s, d, ...) { .src = s, .dst = d, .proto = P_ICMP6, __VA_ARGS__ }
#define IPP(s, d, p, ...) { .src = s, .dst = d, .proto = p, __VA_ARGS__ }
#define ARP(...) { .src = NULL, __VA_ARGS__ }
#define TAG(a) .ntags = 1, .tci = { a }
#define QINQ(a, b) .ntags = 2, .tci = { a, b }

/* Addresses most frames use */
#define A4 "192.0.2.1"
#define B4 "198.51.100.2"
#define A6 "2001:db8::1"
#define B6 "2001:db8:1::2"

static void build(struct frame *f, const struct fdesc *d)
{
	bool v6 = d->src && strchr(d->src, ':');
	uint16_t l3type = !d->src ? E_ARP : v6 ? E_IP6 : E_IP;

	b_eth(f, d->ntags == 0 ? l3type : d->ntags == 1 ? E_Q : E_AD);
	for (int i = 0; i < d->ntags; i++)
		b_vlan(f, d->tci[i], i + 1 < d->ntags ? E_Q : l3type);
	if (!d->src) {
		static const uint8_t arp[8] = { 0, 1, 0x08, 0, 6, 4, 0, 1 };

		put(f, arp, sizeof(arp));
		put(f, MAC_SRC, 6);
		addr_of(A4, 4, put(f, NULL, 4));
		put(f, NULL, 6);
		addr_of(B4, 4, put(f, NULL, 4));
	} else {
		if (v6) {
			uint8_t chain[8];
			int nc = 0;

			for (int i = 0; i < d->ext6 && nc < 7; i++)
				chain[nc++] = i ? XF_IPPROTO_DSTOPTS : XF_IPPROTO_HOPOPTS;
			if (d->frag6)
				chain[nc++] = XF_IPPROTO_FRAGMENT;
			b_ipv6(f, d->src, d->dst, nc ? chain[0] : d->proto, d->ttl ? d->ttl : 64);
			f->b.proto = d->proto;
			for (int i = 0; i < nc; i++) {
				uint8_t *h = put(f, NULL, 8);

				h[0] = i + 1 < nc ? chain[i + 1] : d->proto;
				if (chain[i] == XF_IPPROTO_FRAGMENT) {
					xf_pkt_put16(h + 2, d->frag6 == 1 ? 0x0001 : 100 << 3);
					xf_pkt_put16(h + 6, 0x4242);	/* identification */
				} else {
					h[2] = 1;	/* PadN over the 4 bytes left */
					h[3] = 4;
				}
			}
		} else {
			b_ipv4(f, d->src, d->dst, d->proto, d->ttl ? d->ttl : 64, d->frag);
		}
		switch (d->proto) {
		case P_TCP:
			fits(f, xf_pkt_tcp(&f->b, d->sport, d->dport, 0x02 /* SYN */, 5));
			break;
		case P_UDP:
			fits(f, xf_pkt_udp(&f->b, d->sport, d->dport));
			break;
		case P_SCTP:
			fits(f, xf_pkt_sctp(&f->b, d->sport, d->dport, 0xabcd0000));
			break;
		case P_ICMP:
		case P_ICMP6:
			fits(f, xf_pkt_icmp(&f->b, v6 ? 128 : 8, 0));	/* echo request */
			break;
		}
	}
	if (d->size) {
		if (d->size < f->b.len)
			fail_msg("frame headers (%zu bytes) exceed size %zu", f->b.len, d->size);
		b_payload(f, d->size - f->b.len);
	} else {
		b_payload(f, 18);
	}
	b_finish(f);
}

/* ------------------------------------------------------------------ */
/* Running a frame                                                     */
/* ------------------------------------------------------------------ */

struct result {
	int err;		/* bpf_prog_test_run_opts(): 0 or -errno */
	__u32 retval;
	__u32 out_len;
	__u32 meta_len;		/* bytes of metadata in front of the frame in out */
	struct xf_trace t;
	bool traced;		/* the trace map's seq moved */
	uint8_t out[OUT_MAX];
};

static struct frame F, G;
static struct result R;

static void run_on(const struct frame *f, __u32 ifindex, __u32 queue, struct result *r)
{
	struct xdp_md md = {
		.data = 0,
		.data_end = (__u32)f->b.len,
		.ingress_ifindex = ifindex,
		.rx_queue_index = queue,
	}, md_out = {};
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = f->d,
		.data_size_in = (__u32)f->b.len,
		.data_out = r->out,
		.data_size_out = sizeof(r->out),
		.ctx_in = &md,
		.ctx_size_in = sizeof(md),
		.ctx_out = &md_out,
		.ctx_size_out = sizeof(md_out),
		.repeat = 1,
	);
	struct xf_trace before = {};
	__u32 zero = 0;

	assert_int_equal(bpf_map_lookup_elem(E->m.trace, &zero, &before), 0);
	r->err = bpf_prog_test_run_opts(E->prog, &o) ? -errno : 0;
	r->retval = o.retval;
	r->out_len = o.data_size_out;
	/*
	 * data_out starts at data_meta, and ctx_out's data is the offset of
	 * the frame in it: the metadata's length (seen on 6.18).
	 */
	r->meta_len = md_out.data;
	assert_int_equal(bpf_map_lookup_elem(E->m.trace, &zero, &r->t), 0);
	r->traced = r->t.seq != before.seq;
}

/* Run f arriving on lo queue 0; test_run must take it and the program trace it. */
static void run(const struct frame *f)
{
	run_on(f, LO, 0, &R);
	if (R.err)
		fail_msg("test_run refused a %zu-byte frame: %s", f->b.len, strerror(-R.err));
	if (E->lo.trace && !R.traced)
		fail_msg("the program left no trace of a %zu-byte frame", f->b.len);
}

static const char *const action_names[] = XF_ACTION_NAMES;
static const char *const event_names[] = XF_EVENT_NAMES;
static const char *const perr_names[] = XF_PERR_NAMES;

static const char *xdp_name(__u32 r)
{
	static const char *const n[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					 "XDP_REDIRECT" };
	return r < 5 ? n[r] : "XDP_?";
}

#define expect_retval(want)						\
	do {								\
		if (R.retval != (__u32)(want))				\
			fail_msg("retval %s (%u), expected %s (%u)",	\
				 xdp_name(R.retval), R.retval,		\
				 xdp_name(want), (unsigned)(want));	\
	} while (0)

/* ------------------------------------------------------------------ */
/* Counters                                                            */
/* ------------------------------------------------------------------ */

static struct xf_counter counter(int fd, __u32 idx)
{
	struct xf_counter c;
	int err = xf_counter_sum(fd, idx, &c);

	if (err)
		fail_msg("xf_counter_sum(%u): %s", idx, strerror(-err));
	return c;
}

static void expect_counter(int fd, const char *map, __u32 idx, const char *name,
			   __u64 packets, __u64 bytes)
{
	struct xf_counter c = counter(fd, idx);

	if (c.packets != packets || c.bytes != bytes)
		fail_msg("%s[%s]: %llu packets %llu bytes, expected %llu packets %llu bytes",
			 map, name, (unsigned long long)c.packets, (unsigned long long)c.bytes,
			 (unsigned long long)packets, (unsigned long long)bytes);
}

/* Counter `idx` (or none when idx < 0) holds exactly packets/bytes; all others 0. */
static void expect_only(int fd, const char *map, const char *const *names, __u32 n,
			int idx, __u64 packets, __u64 bytes)
{
	for (__u32 i = 0; i < n; i++) {
		if ((int)i == idx)
			expect_counter(fd, map, i, names[i], packets, bytes);
		else
			expect_counter(fd, map, i, names[i], 0, 0);
	}
}

#define expect_actions(a, p, b) \
	expect_only(E->m.action_stats, "action_stats", action_names, XF_ACT_MAX, a, p, b)
#define expect_errors(e, p, b) \
	expect_only(E->m.error_stats, "error_stats", perr_names, XF_PERR_MAX, e, p, b)
#define expect_events(v, p, b) \
	expect_only(E->m.event_stats, "event_stats", event_names, XF_EV_MAX, v, p, b)

/* queue_stats[i] when `xsk` frames were redirected and `nosock` passed, of len bytes each. */
#define QSTAT(xsk_pk, nosock_pk, len)						\
	((struct xf_queue_stat){ { (xsk_pk), (__u64)(xsk_pk) * (len) },		\
				 { (nosock_pk), (__u64)(nosock_pk) * (len) } })

/* queue_stats holds want[0..n) on queues 0..n-1, and nothing on every later queue. */
static void expect_queues(const struct xf_queue_stat *want, __u32 n)
{
	static const struct xf_queue_stat none;
	struct xf_queue_stat q;
	__u32 size;
	int err;

	assert_int_equal(xf_queue_stats_size(E->m.queue_stats, &size), 0);
	/* sized at load exactly as xsks */
	assert_int_equal(size, E->lo.max_queues ? E->lo.max_queues : XF_MAX_QUEUES);
	for (__u32 i = 0; i < size; i++) {
		const struct xf_queue_stat *w = i < n ? &want[i] : &none;

		err = xf_queue_stat_sum(E->m.queue_stats, i, &q);
		if (err)
			fail_msg("xf_queue_stat_sum(%u): %s", i, strerror(-err));
		if (memcmp(&q, w, sizeof(q)))
			fail_msg("queue_stats[%u]: xsk %llu/%llu, no_socket %llu/%llu (packets/bytes); "
				 "expected xsk %llu/%llu, no_socket %llu/%llu", i,
				 (unsigned long long)q.xsk.packets, (unsigned long long)q.xsk.bytes,
				 (unsigned long long)q.no_socket.packets,
				 (unsigned long long)q.no_socket.bytes,
				 (unsigned long long)w->xsk.packets, (unsigned long long)w->xsk.bytes,
				 (unsigned long long)w->no_socket.packets,
				 (unsigned long long)w->no_socket.bytes);
	}
}

/*
 * Parsed frames.  Since commit fff4b93 the program no longer counts them
 * in error_stats[0] ("0 unused"); `xdp-fwd stats` derives them as all
 * actions minus all errors.  So: every error counter stays 0, and the
 * derived figure is the frames given.
 */
static void expect_parsed(__u64 packets, __u64 bytes)
{
	struct xf_counter c, parsed = { 0, 0 };

	expect_errors(-1, 0, 0);
	for (__u32 i = 0; i < XF_ACT_MAX; i++) {
		c = counter(E->m.action_stats, i);
		parsed.packets += c.packets;
		parsed.bytes += c.bytes;
	}
	if (parsed.packets != packets || parsed.bytes != bytes)
		fail_msg("parsed frames (actions - errors): %llu packets %llu bytes, "
			 "expected %llu/%llu", (unsigned long long)parsed.packets,
			 (unsigned long long)parsed.bytes, (unsigned long long)packets,
			 (unsigned long long)bytes);
}

static void expect_rule_stats(__u32 id, __u64 packets, __u64 bytes)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", id);
	expect_counter(E->m.rule_stats, "rule_stats", id, name, packets, bytes);
}

/* ------------------------------------------------------------------ */
/* Rules and policy through the library                                */
/* ------------------------------------------------------------------ */

/* Words -> spec with xf_rule_parse and xf_rule_resolve; a bad test rule fails. */
static void spec_of(const char *words, struct xf_rule_spec *sp)
{
	char buf[512], err[256], *argv[32], *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (char *w = strtok_r(buf, " ", &save); w && argc < 32; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	if (xf_rule_parse(argc, argv, sp, err, sizeof(err)))
		fail_msg("test rule '%s' does not parse: %s", words, err);
	if (xf_rule_resolve(sp, err, sizeof(err)))
		fail_msg("test rule '%s' does not resolve: %s", words, err);
}

static int try_add(const char *const *words, size_t n, __u32 *ids, long *bad, char *err,
		   size_t errlen)
{
	struct xf_rule_spec sp[16];

	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++)
		spec_of(words[i], &sp[i]);
	err[0] = '\0';
	return xf_rules_add(&E->m, sp, n, ids, bad, err, errlen);
}

static __u32 add_rule(const char *words)
{
	__u32 id = 0;
	long bad;
	char err[256];
	int ret = try_add(&words, 1, &id, &bad, err, sizeof(err));

	if (ret)
		fail_msg("adding rule '%s' failed: %s (%s)", words, err, strerror(-ret));
	assert_true(id >= 1 && id <= E->m.max_rules);
	return id;
}

static void del_rule(__u32 id)
{
	char err[256];
	int ret = xf_rule_del(&E->m, id, err, sizeof(err));

	if (ret)
		fail_msg("deleting rule %u failed: %s", id, err);
}

static size_t rules_count(void)
{
	struct xf_rule_key k, next, *pk = NULL;
	size_t n = 0;

	while (!bpf_map_get_next_key(E->m.rules, pk, &next)) {
		k = next;
		pk = &k;
		n++;
	}
	return n;
}

static void set_policy(__u32 def, __u32 errors, __u32 def_ifindex)
{
	struct xf_config cfg = {
		.default_action = def,
		.default_ifindex = def_ifindex,
		.error_action = errors,
	};

	assert_int_equal(xf_config_set(&E->m, &cfg), 0);
}

static __u32 action_of(const char *name)
{
	int a = xf_action_parse(name);

	if (a < 0)
		fail_msg("unknown action '%s' in a test", name);
	return (__u32)a;
}

static __u32 retval_of(__u32 action)
{
	switch (action) {
	case XF_ACT_DROP: return XDP_DROP;
	case XF_ACT_TX: return XDP_TX;
	default: return XDP_PASS;
	}
}

/* The rule table as a sorted list of (key, value), plus the live shape set. */
struct kv {
	struct xf_rule_key k;
	struct xf_rule v;
};

struct snap {
	size_t n;
	struct kv *kv;
	struct xf_shape_set set;
};

static int kv_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct kv *)a)->k, &((const struct kv *)b)->k,
		      sizeof(struct xf_rule_key));
}

static void snap_take(struct snap *s)
{
	struct xf_table t;

	assert_int_equal(xf_table_read(&E->m, &t), 0);
	s->n = t.n;
	s->kv = calloc(t.n ? t.n : 1, sizeof(*s->kv));
	assert_non_null(s->kv);
	for (size_t i = 0; i < t.n; i++) {
		s->kv[i].k = t.keys[i];
		s->kv[i].v = t.vals[i];
	}
	qsort(s->kv, s->n, sizeof(*s->kv), kv_cmp);
	s->set = t.set;
	xf_table_free(&t);
}

static void snap_expect_same(struct snap *a, struct snap *b, const char *what)
{
	if (a->n != b->n)
		fail_msg("%s: the rule table went from %zu to %zu rules", what, a->n, b->n);
	if (a->n && memcmp(a->kv, b->kv, a->n * sizeof(*a->kv)))
		fail_msg("%s: the rule table's keys or values changed", what);
	if (memcmp(&a->set, &b->set, sizeof(a->set)))
		fail_msg("%s: the live shape set changed", what);
	free(a->kv);
	free(b->kv);
	a->kv = b->kv = NULL;
}

/* Output equals the input, or equals it with the two MACs swapped. */
static void expect_out_same(const struct frame *f)
{
	assert_int_equal(R.out_len, f->b.len);
	if (memcmp(R.out, f->d, f->b.len))
		fail_msg("the frame came out changed");
}

static void expect_out_swapped(const struct frame *f)
{
	assert_int_equal(R.out_len, f->b.len);
	if (memcmp(R.out, f->d + 6, 6) || memcmp(R.out + 6, f->d, 6))
		fail_msg("the MACs were not swapped");
	if (memcmp(R.out + 12, f->d + 12, f->b.len - 12))
		fail_msg("bytes after the MACs changed");
}

static void skip_without_netns(void)
{
	if (!netns_private) {
		print_message("  (needs a private network namespace: skipped)\n");
		skip();
	}
}

/* ------------------------------------------------------------------ */
/* Empty maps: every frame passes and is counted                       */
/* ------------------------------------------------------------------ */

struct pcase {
	const char *name;
	struct fdesc f;
};

static const struct pcase empty_cases[] = {
	{ "Empty maps: IPv4 UDP passes and is counted", UDP(A4, 1000, B4, 53) },
	{ "Empty maps: IPv4 TCP passes and is counted", TCP(A4, 40000, B4, 443) },
	{ "Empty maps: IPv6 UDP passes and is counted", UDP(A6, 1000, B6, 53) },
	{ "Empty maps: IPv6 TCP passes and is counted", TCP(A6, 40000, B6, 443) },
	{ "Empty maps: IPv4 ICMP echo passes and is counted", ICMP(A4, B4) },
	{ "Empty maps: ICMPv6 echo passes and is counted", ICMP6(A6, B6) },
	{ "Empty maps: ARP passes and is counted", ARP() },
	{ "Empty maps: VLAN-tagged IPv4 passes and is counted", UDP(A4, 1, B4, 2, TAG(10)) },
	{ "Empty maps: QinQ IPv6 passes and is counted", UDP(A6, 1, B6, 2, QINQ(10, 20)) },
	{ "Empty maps: a later IPv4 fragment passes and is counted",
	  UDP(A4, 1, B4, 2, .frag = 0x00b9) },
	{ "Empty maps: a 1514-byte frame passes and is counted", UDP(A4, 1, B4, 2, .size = 1514) },
	{ "Empty maps: a minimum 60-byte frame passes and is counted",
	  UDP(A4, 1, B4, 2, .size = 60) },
};

static void test_empty_row(void **state)
{
	const struct pcase *c = *state;

	build(&F, &c->f);
	run(&F);
	expect_retval(XDP_PASS);
	assert_int_equal(R.t.action, XF_ACT_PASS);
	assert_int_equal(R.t.rule, XF_NO_RULE);
	assert_int_equal(R.t.pkt.error, XF_PERR_NONE);
	assert_int_equal(R.t.pkt.len, F.b.len);
	expect_out_same(&F);
	expect_actions(XF_ACT_PASS, 1, F.b.len);
	expect_parsed(1, F.b.len);
	expect_events(-1, 0, 0);
}

/* All of the rows, one after the other: the counters add up. */
static void test_empty_all_add_up(void **state)
{
	__u64 bytes = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(empty_cases); i++) {
		build(&F, &empty_cases[i].f);
		run(&F);
		expect_retval(XDP_PASS);
		bytes += F.b.len;
	}
	expect_actions(XF_ACT_PASS, ARRAY_SIZE(empty_cases), bytes);
	expect_parsed(ARRAY_SIZE(empty_cases), bytes);
	expect_events(-1, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Matching: each field alone, combinations, misses                    */
/* ------------------------------------------------------------------ */

struct mcase {
	const char *name;
	const char *rules[4];	/* added in this order; ids ascend */
	struct fdesc f;
	int win;		/* 1-based index of the winning rule; 0: none */
	const char *def;	/* default action; NULL: pass */
};

static const struct mcase match_cases[] = {
	/* vlan: the outer id */
	{ "VLAN rule matches a frame tagged with its id",
	  { "vlan 100 action drop" }, UDP(A4, 1000, B4, 53, TAG(100)), 1 },
	{ "VLAN rule matches a tag that also carries priority bits (TCI 0xe064)",
	  { "vlan 100 action drop" }, UDP(A4, 1000, B4, 53, TAG(0xe064)), 1 },
	{ "VLAN rule matches the outer id of a QinQ frame",
	  { "vlan 100 action drop" }, UDP(A4, 1000, B4, 53, QINQ(100, 200)), 1 },
	{ "VLAN rule ignores a QinQ frame whose inner id only is its id",
	  { "vlan 100 action drop" }, UDP(A4, 1000, B4, 53, QINQ(200, 100)), 0 },
	{ "VLAN rule ignores an untagged frame",
	  { "vlan 100 action drop" }, UDP(A4, 1000, B4, 53), 0 },
	{ "VLAN rule ignores a frame tagged with another id",
	  { "vlan 100 action drop" }, UDP(A4, 1000, B4, 53, TAG(101)), 0 },
	{ "VLAN rule matches a tagged ARP frame (no L3 needed)",
	  { "vlan 100 action drop" }, ARP(TAG(100)), 1 },
	{ "VLAN rule matches a tagged IPv6 TCP frame",
	  { "vlan 100 action drop" }, TCP(A6, 1000, B6, 80, TAG(100)), 1 },
	{ "VLAN 0 rule matches a priority-tagged frame",
	  { "vlan 0 action drop" }, UDP(A4, 1000, B4, 53, TAG(0x2000)), 1 },
	{ "VLAN 0 rule ignores an untagged frame",
	  { "vlan 0 action drop" }, UDP(A4, 1000, B4, 53), 0 },
	{ "VLAN 4095 rule matches id 4095",
	  { "vlan 4095 action drop" }, UDP(A4, 1000, B4, 53, TAG(0x0fff)), 1 },

	/* proto */
	{ "Proto udp rule matches IPv4 UDP",
	  { "proto udp action drop" }, UDP(A4, 1000, B4, 53), 1 },
	{ "Proto udp rule matches IPv6 UDP",
	  { "proto udp action drop" }, UDP(A6, 1000, B6, 53), 1 },
	{ "Proto udp rule ignores IPv4 TCP",
	  { "proto udp action drop" }, TCP(A4, 1000, B4, 53), 0 },
	{ "Proto udp rule ignores ARP",
	  { "proto udp action drop" }, ARP(), 0 },
	{ "Proto udp rule matches UDP inside QinQ",
	  { "proto udp action drop" }, UDP(A6, 1000, B6, 53, QINQ(5, 6)), 1 },
	{ "Proto udp rule matches a later IPv4 fragment (no L4 header)",
	  { "proto udp action drop" }, UDP(A4, 1000, B4, 53, .frag = 0x0010), 1 },
	{ "Proto tcp rule matches IPv6 TCP",
	  { "proto tcp action drop" }, TCP(A6, 1000, B6, 22), 1 },
	{ "Proto icmp rule matches an IPv4 echo request",
	  { "proto icmp action drop" }, ICMP(A4, B4), 1 },
	{ "Proto icmp rule ignores ICMPv6",
	  { "proto icmp action drop" }, ICMP6(A6, B6), 0 },
	{ "Proto icmpv6 rule matches an IPv6 echo request",
	  { "proto icmpv6 action drop" }, ICMP6(A6, B6), 1 },
	{ "Proto 47 rule matches an IPv4 GRE packet",
	  { "proto 47 action drop" }, IPP(A4, B4, P_GRE), 1 },
	{ "Proto 47 rule ignores IPv4 UDP",
	  { "proto 47 action drop" }, UDP(A4, 1, B4, 2), 0 },

	/* src prefix, IPv4 */
	{ "Src 192.0.2.1/32 rule matches that host",
	  { "src 192.0.2.1/32 action drop" }, UDP("192.0.2.1", 1, B4, 2), 1 },
	{ "Src 192.0.2.1/32 rule ignores 192.0.2.2",
	  { "src 192.0.2.1/32 action drop" }, UDP("192.0.2.2", 1, B4, 2), 0 },
	{ "Src /24 rule matches an address inside",
	  { "src 192.0.2.0/24 action drop" }, UDP("192.0.2.77", 1, B4, 2), 1 },
	{ "Src /24 rule ignores the next /24",
	  { "src 192.0.2.0/24 action drop" }, UDP("192.0.3.77", 1, B4, 2), 0 },
	{ "Src /25 rule matches its upper half",
	  { "src 192.0.2.128/25 action drop" }, UDP("192.0.2.200", 1, B4, 2), 1 },
	{ "Src /25 rule ignores the lower half",
	  { "src 192.0.2.128/25 action drop" }, UDP("192.0.2.100", 1, B4, 2), 0 },
	{ "Src /8 rule matches 10.255.1.2",
	  { "src 10.0.0.0/8 action drop" }, UDP("10.255.1.2", 1, B4, 2), 1 },
	{ "Src /8 rule ignores 11.0.0.1",
	  { "src 10.0.0.0/8 action drop" }, UDP("11.0.0.1", 1, B4, 2), 0 },
	{ "Src 0.0.0.0/0 rule matches any IPv4 source",
	  { "src 0.0.0.0/0 action drop" }, ICMP("203.0.113.250", B4), 1 },
	{ "Src 0.0.0.0/0 rule ignores IPv6",
	  { "src 0.0.0.0/0 action drop" }, UDP(A6, 1, B6, 2), 0 },
	{ "Src rule ignores a frame whose destination is in its prefix",
	  { "src 198.51.100.0/24 action drop" }, UDP(A4, 1, B4, 2), 0 },
	{ "IPv4 src rule ignores IPv6 from ::ffff:192.0.2.1",
	  { "src 192.0.2.0/24 action drop" }, UDP("::ffff:192.0.2.1", 1, B6, 2), 0 },

	/* src prefix, IPv6 */
	{ "IPv6 src /128 rule matches that host",
	  { "src 2001:db8::1/128 action drop" }, UDP("2001:db8::1", 1, B6, 2), 1 },
	{ "IPv6 src /128 rule ignores the next host",
	  { "src 2001:db8::1/128 action drop" }, UDP("2001:db8::2", 1, B6, 2), 0 },
	{ "IPv6 src /127 rule matches the other host of its pair",
	  { "src 2001:db8::/127 action drop" }, UDP("2001:db8::1", 1, B6, 2), 1 },
	{ "IPv6 src /127 rule ignores ::2",
	  { "src 2001:db8::/127 action drop" }, UDP("2001:db8::2", 1, B6, 2), 0 },
	{ "IPv6 src /64 rule matches an address inside",
	  { "src 2001:db8:0:1::/64 action drop" }, UDP("2001:db8:0:1:ffff::9", 1, B6, 2), 1 },
	{ "IPv6 src /64 rule ignores the next /64",
	  { "src 2001:db8:0:1::/64 action drop" }, UDP("2001:db8:0:2::9", 1, B6, 2), 0 },
	{ "IPv6 src /48 rule matches an address inside",
	  { "src 2001:db8:aa::/48 action drop" }, UDP("2001:db8:aa:ffff::1", 1, B6, 2), 1 },
	{ "IPv6 src /33 rule matches its upper half",
	  { "src 2001:db8:8000::/33 action drop" }, UDP("2001:db8:ffff::1", 1, B6, 2), 1 },
	{ "IPv6 src /33 rule ignores the lower half",
	  { "src 2001:db8:8000::/33 action drop" }, UDP("2001:db8:7fff::1", 1, B6, 2), 0 },
	{ "IPv6 src ::/0 rule matches any IPv6 source",
	  { "src ::/0 action drop" }, ICMP6("fe80::1", B6), 1 },
	{ "IPv6 src ::/0 rule ignores IPv4",
	  { "src ::/0 action drop" }, UDP(A4, 1, B4, 2), 0 },

	/* dst prefix */
	{ "Dst 198.51.100.2/32 rule matches that host",
	  { "dst 198.51.100.2/32 action drop" }, UDP(A4, 1, "198.51.100.2", 2), 1 },
	{ "Dst /32 rule ignores the next host",
	  { "dst 198.51.100.2/32 action drop" }, UDP(A4, 1, "198.51.100.3", 2), 0 },
	{ "Dst /30 rule matches the last address of its block",
	  { "dst 198.51.100.0/30 action drop" }, UDP(A4, 1, "198.51.100.3", 2), 1 },
	{ "Dst /30 rule ignores the next block",
	  { "dst 198.51.100.0/30 action drop" }, UDP(A4, 1, "198.51.100.4", 2), 0 },
	{ "Dst /16 rule matches an address inside",
	  { "dst 198.51.0.0/16 action drop" }, TCP(A4, 1, "198.51.7.7", 2), 1 },
	{ "Dst /16 rule ignores 198.52.0.1",
	  { "dst 198.51.0.0/16 action drop" }, TCP(A4, 1, "198.52.0.1", 2), 0 },
	{ "Dst rule ignores a frame whose source is in its prefix",
	  { "dst 192.0.2.0/24 action drop" }, UDP(A4, 1, B4, 2), 0 },
	{ "IPv6 dst /128 rule matches that host",
	  { "dst 2001:db8:1::2/128 action drop" }, UDP(A6, 1, "2001:db8:1::2", 2), 1 },
	{ "IPv6 dst /96 rule matches an address inside",
	  { "dst 2001:db8:1::/96 action drop" }, UDP(A6, 1, "2001:db8:1::ffff:ffff", 2), 1 },
	{ "IPv6 dst /96 rule ignores the next /96",
	  { "dst 2001:db8:1::/96 action drop" }, UDP(A6, 1, "2001:db8:1::1:0:0", 2), 0 },
	{ "IPv6 dst /56 rule matches an address inside",
	  { "dst 2001:db8:1:ff00::/56 action drop" }, UDP(A6, 1, "2001:db8:1:ffab::1", 2), 1 },
	{ "IPv6 dst /56 rule ignores the previous /56",
	  { "dst 2001:db8:1:ff00::/56 action drop" }, UDP(A6, 1, "2001:db8:1:feab::1", 2), 0 },
	{ "IPv6 dst /32 rule ignores 2001:db9::1",
	  { "dst 2001:db8::/32 action drop" }, UDP(A6, 1, "2001:db9::1", 2), 0 },
	{ "IPv6 dst ::/0 rule ignores ARP",
	  { "dst ::/0 action drop" }, ARP(), 0 },

	/* ports */
	{ "Dport rule matches IPv4 UDP to its port",
	  { "dport 53 action drop" }, UDP(A4, 1000, B4, 53), 1 },
	{ "Dport rule matches IPv6 TCP to its port",
	  { "dport 53 action drop" }, TCP(A6, 1000, B6, 53), 1 },
	{ "Dport rule ignores a frame from its port",
	  { "dport 53 action drop" }, UDP(A4, 53, B4, 1000), 0 },
	{ "Dport rule ignores the next port",
	  { "dport 53 action drop" }, UDP(A4, 1000, B4, 54), 0 },
	{ "Dport rule ignores the byte-swapped port (258 vs 513)",
	  { "dport 258 action drop" }, UDP(A4, 1000, B4, 513), 0 },
	{ "Dport rule ignores ICMP",
	  { "dport 53 action drop" }, ICMP(A4, B4), 0 },
	{ "Dport rule ignores a later IPv4 fragment",
	  { "dport 53 action drop" }, UDP(A4, 1000, B4, 53, .frag = 0x0010), 0 },
	{ "Dport rule matches a first IPv4 fragment",
	  { "dport 53 action drop" }, UDP(A4, 1000, B4, 53, .frag = 0x2000), 1 },
	{ "Dport 0 rule matches a frame to port 0",
	  { "dport 0 action drop" }, UDP(A4, 1000, B4, 0), 1 },
	{ "Dport 65535 rule matches a frame to port 65535",
	  { "dport 65535 action drop" }, TCP(A4, 1000, B4, 65535), 1 },
	{ "Dport rule matches IPv6 SCTP to its port",
	  { "dport 53 action drop" }, SCTP(A6, 1000, B6, 53), 1 },
	{ "Proto sctp + sport rule matches IPv4 SCTP from its port",
	  { "proto sctp sport 1000 action drop" }, SCTP(A4, 1000, B4, 53), 1 },
	{ "Proto sctp + sport rule ignores UDP from its port",
	  { "proto sctp sport 1000 action drop" }, UDP(A4, 1000, B4, 53), 0 },
	{ "Dport rule matches IPv6 UDP behind hop-by-hop and destination options",
	  { "dport 53 action drop" }, UDP(A6, 1000, B6, 53, .ext6 = 2), 1 },
	{ "Proto udp rule matches IPv6 UDP behind three extension headers",
	  { "proto udp action drop" }, UDP(A6, 1000, B6, 53, .ext6 = 3), 1 },
	{ "Proto 0 (hop-by-hop) rule ignores IPv6 UDP behind hop-by-hop",
	  { "proto 0 action drop" }, UDP(A6, 1000, B6, 53, .ext6 = 1), 0 },
	{ "Dport rule matches a first IPv6 fragment",
	  { "dport 53 action drop" }, UDP(A6, 1000, B6, 53, .frag6 = 1), 1 },
	{ "Dport rule ignores a later IPv6 fragment",
	  { "dport 53 action drop" }, UDP(A6, 1000, B6, 53, .frag6 = 2), 0 },
	{ "Proto udp rule matches a later IPv6 fragment behind options",
	  { "proto udp action drop" }, UDP(A6, 1000, B6, 53, .ext6 = 1, .frag6 = 2), 1 },
	{ "Sport rule matches IPv4 UDP from its port",
	  { "sport 1000 action drop" }, UDP(A4, 1000, B4, 53), 1 },
	{ "Sport rule matches IPv6 TCP from its port",
	  { "sport 1000 action drop" }, TCP(A6, 1000, B6, 80), 1 },
	{ "Sport rule ignores a frame to its port",
	  { "sport 1000 action drop" }, UDP(A4, 2000, B4, 1000), 0 },

	/* combinations */
	{ "Proto udp + dport 53 rule matches IPv4 UDP to port 53",
	  { "proto udp dport 53 action drop" }, UDP(A4, 1000, B4, 53), 1 },
	{ "Proto udp + dport 53 rule ignores TCP to port 53",
	  { "proto udp dport 53 action drop" }, TCP(A4, 1000, B4, 53), 0 },
	{ "Proto udp + dport 53 rule ignores UDP to port 54",
	  { "proto udp dport 53 action drop" }, UDP(A4, 1000, B4, 54), 0 },
	{ "Src + dst + proto + dport rule matches",
	  { "src 10.0.0.0/8 dst 192.168.0.0/16 proto tcp dport 22 action drop" },
	  TCP("10.1.2.3", 40000, "192.168.7.8", 22), 1 },
	{ "Src + dst + proto + dport rule ignores a source outside",
	  { "src 10.0.0.0/8 dst 192.168.0.0/16 proto tcp dport 22 action drop" },
	  TCP("11.1.2.3", 40000, "192.168.7.8", 22), 0 },
	{ "Src + dst + proto + dport rule ignores a destination outside",
	  { "src 10.0.0.0/8 dst 192.168.0.0/16 proto tcp dport 22 action drop" },
	  TCP("10.1.2.3", 40000, "192.169.0.1", 22), 0 },
	{ "Src + dst + proto + dport rule ignores UDP",
	  { "src 10.0.0.0/8 dst 192.168.0.0/16 proto tcp dport 22 action drop" },
	  UDP("10.1.2.3", 40000, "192.168.7.8", 22), 0 },
	{ "Src + dst + proto + dport rule ignores another port",
	  { "src 10.0.0.0/8 dst 192.168.0.0/16 proto tcp dport 22 action drop" },
	  TCP("10.1.2.3", 40000, "192.168.7.8", 23), 0 },
	{ "VLAN + proto + IPv6 dst + dport rule matches",
	  { "vlan 10 proto udp dst 2001:db8::/32 dport 53 action drop" },
	  UDP("2001:db8:5::1", 999, "2001:db8:9::9", 53, TAG(10)), 1 },
	{ "VLAN + proto + IPv6 dst + dport rule ignores the untagged frame",
	  { "vlan 10 proto udp dst 2001:db8::/32 dport 53 action drop" },
	  UDP("2001:db8:5::1", 999, "2001:db8:9::9", 53), 0 },
	{ "VLAN + proto + IPv6 dst + dport rule ignores another VLAN",
	  { "vlan 10 proto udp dst 2001:db8::/32 dport 53 action drop" },
	  UDP("2001:db8:5::1", 999, "2001:db8:9::9", 53, TAG(11)), 0 },
	{ "VLAN + proto + IPv6 dst + dport rule ignores IPv4 on that VLAN",
	  { "vlan 10 proto udp dst 2001:db8::/32 dport 53 action drop" },
	  UDP(A4, 999, B4, 53, TAG(10)), 0 },
	{ "All six fields: the exact frame matches",
	  { "vlan 7 proto tcp src 192.0.2.1/32 dst 198.51.100.2/32 sport 1000 dport 80 action drop" },
	  TCP(A4, 1000, B4, 80, TAG(7)), 1 },
	{ "All six fields: one source port off does not match",
	  { "vlan 7 proto tcp src 192.0.2.1/32 dst 198.51.100.2/32 sport 1000 dport 80 action drop" },
	  TCP(A4, 1001, B4, 80, TAG(7)), 0 },
	{ "All six fields: the reply direction does not match",
	  { "vlan 7 proto tcp src 192.0.2.1/32 dst 198.51.100.2/32 sport 1000 dport 80 action drop" },
	  TCP(B4, 80, A4, 1000, TAG(7)), 0 },
	{ "Sport + dport rule matches",
	  { "sport 1000 dport 2000 action drop" }, UDP(A6, 1000, B6, 2000), 1 },
	{ "Sport + dport rule ignores the swapped ports",
	  { "sport 1000 dport 2000 action drop" }, UDP(A6, 2000, B6, 1000), 0 },
	{ "IPv6 src /32 + dst /48 rule matches",
	  { "src 2001:db8::/32 dst 2001:db8:1::/48 action drop" },
	  UDP("2001:db8:ff::1", 1, "2001:db8:1:5::1", 2), 1 },
	{ "IPv6 src /32 + dst /48 rule ignores a destination outside",
	  { "src 2001:db8::/32 dst 2001:db8:1::/48 action drop" },
	  UDP("2001:db8:ff::1", 1, "2001:db8:2::1", 2), 0 },
	{ "A rule with no match fields matches every frame, even ARP",
	  { "action drop" }, ARP(), 1 },
	{ "Of two rules only the matching one wins",
	  { "dport 53 action drop", "dport 54 action tx" }, UDP(A4, 1, B4, 54), 2 },

	/* misses fall to the default action */
	{ "A frame no rule matches takes default drop",
	  { "proto tcp action tx" }, UDP(A4, 1, B4, 2), 0, "drop" },
	{ "A frame no rule matches takes default tx",
	  { "proto tcp action drop" }, UDP(A4, 1, B4, 2), 0, "tx" },
	{ "A matching frame ignores the default action",
	  { "proto udp action pass" }, UDP(A4, 1, B4, 2), 1, "drop" },
	{ "IPv4 UDP to port 53 is dropped by rule",
	  { "proto udp dport 53 action drop" }, UDP(A4, 33333, B4, 53), 1, "tx" },
};

static void test_match_row(void **state)
{
	const struct mcase *c = *state;
	struct xf_rule_spec sp;
	__u32 ids[4] = { 0 }, want_action, want_rule = XF_NO_RULE;
	int n = 0;

	for (; n < 4 && c->rules[n]; n++)
		ids[n] = add_rule(c->rules[n]);
	if (c->def)
		set_policy(action_of(c->def), XF_ACT_PASS, 0);
	want_action = c->def ? action_of(c->def) : XF_ACT_PASS;
	if (c->win) {
		spec_of(c->rules[c->win - 1], &sp);
		want_action = sp.action;
		want_rule = ids[c->win - 1];
	}

	build(&F, &c->f);
	run(&F);
	if (R.t.rule != want_rule)
		fail_msg("rule %u won, expected %s%u", R.t.rule, want_rule ? "rule " : "none: ",
			 want_rule);
	expect_retval(retval_of(want_action));
	assert_int_equal(R.t.action, want_action);
	assert_int_equal(R.t.pkt.error, XF_PERR_NONE);
	expect_actions(want_action, 1, F.b.len);
	expect_parsed(1, F.b.len);
	for (int i = 0; i < n; i++)
		expect_rule_stats(ids[i], ids[i] == want_rule, ids[i] == want_rule ? F.b.len : 0);
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */
/* ------------------------------------------------------------------ */

enum { OUT_SAME, OUT_SWAPPED };

struct acase {
	const char *name;
	const char *rule;	/* NULL: no rule, the default applies */
	const char *def;	/* default action (redirect: to lo) */
	struct fdesc f;
	__u32 retval;
	int event;		/* enum xf_event counted, or -1 */
	int out;
	bool no_port;		/* remove lo from the devmap before the frame */
	bool netns;		/* needs the private namespace's routing */
};

/*
 * test_run without BPF_F_TEST_XDP_LIVE_FRAMES only runs the program: a
 * redirect is reported as the program's return value, XDP_REDIRECT, and
 * nothing is transmitted (observed on 6.18; see test_redirect_retval).
 */
static const struct acase action_cases[] = {
	{ "Action pass returns XDP_PASS and leaves the frame as it was",
	  "proto udp action pass", NULL, UDP(A4, 1, B4, 2), XDP_PASS, -1, OUT_SAME },
	{ "Action drop returns XDP_DROP",
	  "proto udp action drop", NULL, UDP(A4, 1, B4, 2), XDP_DROP, -1, OUT_SAME },
	{ "Action tx returns XDP_TX with the MACs swapped and the rest unchanged",
	  "proto udp action tx", NULL, UDP(A4, 1, B4, 2), XDP_TX, -1, OUT_SWAPPED },
	{ "Action tx on QinQ IPv6 swaps only the MACs and keeps the tags",
	  "proto udp action tx", NULL, UDP(A6, 1, B6, 2, QINQ(3, 4)), XDP_TX, -1, OUT_SWAPPED },
	{ "Action xsk with no socket on the queue passes and counts xsk-no-socket",
	  "proto udp action xsk", NULL, UDP(A4, 1, B4, 2), XDP_PASS, XF_EV_XSK_NO_SOCKET,
	  OUT_SAME },
	{ "Action redirect lo returns XDP_REDIRECT (test_run sends nothing)",
	  "proto udp action redirect lo", NULL, UDP(A4, 1, B4, 2), XDP_REDIRECT, -1, OUT_SAME },
	{ "Action redirect to a device missing from the devmap passes and counts redirect-no-port",
	  "proto udp action redirect lo", NULL, UDP(A4, 1, B4, 2), XDP_PASS,
	  XF_EV_REDIRECT_NO_PORT, OUT_SAME, .no_port = true },
	{ "Action fwd to an unrouted IPv4 destination passes and counts fwd-to-kernel",
	  "proto udp action fwd", NULL, UDP(A4, 1, "203.0.113.9", 2), XDP_PASS,
	  XF_EV_FWD_TO_KERNEL, OUT_SAME, .netns = true },
	{ "Action fwd to an unrouted IPv6 destination passes and counts fwd-to-kernel",
	  "proto udp action fwd", NULL, UDP(A6, 1, "2001:db8:99::9", 2), XDP_PASS,
	  XF_EV_FWD_TO_KERNEL, OUT_SAME, .netns = true },
	{ "Action fwd with TTL 2 is not expired and goes to the kernel",
	  "proto udp action fwd", NULL, UDP(A4, 1, "203.0.113.9", 2, .ttl = 2), XDP_PASS,
	  XF_EV_FWD_TO_KERNEL, OUT_SAME, .netns = true },
	{ "Action fwd on a VLAN-tagged IPv4 frame passes and counts fwd-not-ip",
	  "proto udp action fwd", NULL, UDP(A4, 1, "203.0.113.9", 2, TAG(5)), XDP_PASS,
	  XF_EV_FWD_NOT_IP, OUT_SAME },
	{ "Action fwd on a QinQ IPv6 frame passes and counts fwd-not-ip",
	  "proto udp action fwd", NULL, UDP(A6, 1, B6, 2, QINQ(5, 6)), XDP_PASS,
	  XF_EV_FWD_NOT_IP, OUT_SAME },
	{ "Action fwd with IPv4 TTL 1 passes and counts fwd-ttl-expired",
	  "proto udp action fwd", NULL, UDP(A4, 1, B4, 2, .ttl = 1), XDP_PASS,
	  XF_EV_FWD_TTL_EXPIRED, OUT_SAME },
	{ "Action fwd with IPv6 hop limit 1 passes and counts fwd-ttl-expired",
	  "proto udp action fwd", NULL, UDP(A6, 1, B6, 2, .ttl = 1), XDP_PASS,
	  XF_EV_FWD_TTL_EXPIRED, OUT_SAME },
	{ "Default fwd on an ARP frame passes and counts fwd-not-ip",
	  NULL, "fwd", ARP(), XDP_PASS, XF_EV_FWD_NOT_IP, OUT_SAME },
	{ "Default drop drops a frame no rule matches",
	  NULL, "drop", ARP(), XDP_DROP, -1, OUT_SAME },
	{ "Default tx bounces a frame no rule matches with the MACs swapped",
	  NULL, "tx", TCP(A6, 1, B6, 2), XDP_TX, -1, OUT_SWAPPED },
	{ "Default xsk with no socket passes and counts xsk-no-socket",
	  NULL, "xsk", TCP(A6, 1, B6, 2), XDP_PASS, XF_EV_XSK_NO_SOCKET, OUT_SAME },
	{ "Default redirect to lo returns XDP_REDIRECT",
	  NULL, "redirect", UDP(A4, 1, B4, 2), XDP_REDIRECT, -1, OUT_SAME },
	{ "Default redirect to a device missing from the devmap passes and counts redirect-no-port",
	  NULL, "redirect", UDP(A4, 1, B4, 2), XDP_PASS, XF_EV_REDIRECT_NO_PORT, OUT_SAME,
	  .no_port = true },
};

static void test_action_row(void **state)
{
	const struct acase *c = *state;
	__u32 id = XF_NO_RULE, act;
	struct xf_rule_spec sp;

	if (c->netns)
		skip_without_netns();
	if (c->rule) {
		id = add_rule(c->rule);
		spec_of(c->rule, &sp);
		act = sp.action;
	} else {
		act = action_of(c->def);
		if (act == XF_ACT_REDIRECT)
			assert_int_equal(xf_port_add(&E->m, LO), 0);
		set_policy(act, XF_ACT_PASS, act == XF_ACT_REDIRECT ? LO : 0);
	}
	if (c->no_port)
		assert_int_equal(xf_port_del(&E->m, LO), 0);

	build(&F, &c->f);
	run(&F);
	expect_retval(c->retval);
	assert_int_equal(R.t.action, act);
	assert_int_equal(R.t.rule, id);
	if (c->out == OUT_SWAPPED)
		expect_out_swapped(&F);
	else
		expect_out_same(&F);
	expect_actions(act, 1, F.b.len);
	expect_parsed(1, F.b.len);
	expect_events(c->event, 1, F.b.len);
	if (id)
		expect_rule_stats(id, 1, F.b.len);
	/* only xsk counts per queue: here lo's queue 0, which has no socket */
	if (act == XF_ACT_XSK) {
		struct xf_queue_stat q0 = QSTAT(0, 1, F.b.len);

		expect_queues(&q0, 1);
	} else {
		expect_queues(NULL, 0);
	}
}

static void test_redirect_adds_port(void **state)
{
	struct bpf_devmap_val dv = {};
	__u32 k = LO;

	(void)state;
	assert_int_not_equal(bpf_map_lookup_elem(E->m.ports, &k, &dv), 0);
	add_rule("dport 9 action redirect lo");
	assert_int_equal(bpf_map_lookup_elem(E->m.ports, &k, &dv), 0);
	assert_int_equal(dv.ifindex, LO);
}

/*
 * What test_run reports for a redirect, found by trying: the program's own
 * return value, XDP_REDIRECT (4), with the frame untouched in data_out.
 * The row tests assert XDP_REDIRECT; this one says so in its name.
 */
static void test_redirect_retval(void **state)
{
	struct fdesc d = UDP(A4, 1, B4, 2);

	(void)state;
	add_rule("action redirect lo");
	build(&F, &d);
	run(&F);
	if (R.retval != XDP_REDIRECT)
		fail_msg("test_run reported %s for a devmap redirect", xdp_name(R.retval));
	expect_out_same(&F);
}

/* ------------------------------------------------------------------ */
/* Devices in the private namespace: fwd that succeeds, xsk sockets     */
/* ------------------------------------------------------------------ */

static int sh(const char *cmd)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s >/dev/null 2>&1", cmd);
	return system(buf);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

#define FW_MAC		"02:00:00:00:09:01"
#define FW_NEIGH_MAC	"02:00:00:00:09:02"
static const uint8_t fw_mac[6] = { 2, 0, 0, 0, 9, 1 };
static const uint8_t fw_neigh_mac[6] = { 2, 0, 0, 0, 9, 2 };

/* fw0: 10.9.0.1/24 and fd09::1/64, neighbours .2 and ::2 resolved. */
static __u32 fwd_devices(void)
{
	static __u32 ifindex;

	if (ifindex)
		return ifindex;
	if (sh("ip link add fw0 address " FW_MAC " type veth peer name fw1") ||
	    sh("ip link set fw0 up") || sh("ip link set fw1 up") ||
	    sh("ip addr add 10.9.0.1/24 dev fw0") ||
	    sh("ip -6 addr add fd09::1/64 dev fw0 nodad") ||
	    sh("ip neigh add 10.9.0.2 lladdr " FW_NEIGH_MAC " dev fw0 nud permanent") ||
	    sh("ip -6 neigh add fd09::2 lladdr " FW_NEIGH_MAC " dev fw0 nud permanent"))
		fail_msg("cannot set up the veth pair fw0/fw1 with ip(8)");
	ifindex = if_nametoindex("fw0");
	assert_int_not_equal(ifindex, 0);
	return ifindex;
}

static void test_fwd_ipv4_routed(void **state)
{
	struct fdesc d = UDP(A4, 1000, "10.9.0.2", 53, .ttl = 64);
	__u32 fw0, id;
	uint8_t *ip;

	(void)state;
	skip_without_netns();
	fw0 = fwd_devices();
	assert_int_equal(xf_port_add(&E->m, fw0), 0);
	id = add_rule("proto udp action fwd");
	build(&F, &d);
	run(&F);
	expect_retval(XDP_REDIRECT);
	assert_int_equal(R.t.rule, id);
	assert_int_equal(R.out_len, F.b.len);
	if (memcmp(R.out, fw_neigh_mac, 6) || memcmp(R.out + 6, fw_mac, 6))
		fail_msg("MACs not rewritten to the neighbour's and fw0's");
	ip = R.out + 14;
	assert_int_equal(ip[8], 63);
	if (csum16(ip, 20) != 0)
		fail_msg("IPv4 header checksum wrong after the TTL decrement");
	/* everything but MACs, TTL and checksum is as it was */
	assert_memory_equal(R.out + 12, F.d + 12, 14 + 8 - 12);
	assert_memory_equal(R.out + 14 + 12, F.d + 14 + 12, F.b.len - 14 - 12);
	expect_actions(XF_ACT_FWD, 1, F.b.len);
	expect_events(-1, 0, 0);
}

/* One's complement sum of n bytes, folded to 16 bits (not inverted). */
static uint16_t sum16(const uint8_t *p, size_t n)
{
	return (uint16_t)~csum16(p, n);
}

/*
 * Give an IPv4 header the checksum field `check` by choosing its IP id so
 * that the header still verifies.  check 0xffff is the "negative zero"
 * form, valid but never produced by the usual computation: the TTL update
 * must carry around it (RFC 1624 section 3).
 */
static void ipv4_force_check(uint8_t *h, uint16_t check)
{
	uint32_t s;

	xf_pkt_put16(h + 4, 0);
	xf_pkt_put16(h + 10, 0);
	s = (uint32_t)sum16(h, 20) + check;
	s = (s & 0xffff) + (s >> 16);
	xf_pkt_put16(h + 4, (uint16_t)~s);
	xf_pkt_put16(h + 10, check);
	if (csum16(h, 20) != 0)
		fail_msg("cannot build a header with checksum %#06x", check);
}

/* The TTL update keeps the header checksum right for every TTL and tricky sums. */
static void test_fwd_ipv4_checksum_every_ttl(void **state)
{
	static const uint16_t checks[] = { 0xffff, 0xfeff, 0xff00, 0x0000, 0x00ff, 0x0100,
					   0x7fff, 0x8000, 0xfffe };
	__u32 fw0;

	(void)state;
	skip_without_netns();
	fw0 = fwd_devices();
	assert_int_equal(xf_port_add(&E->m, fw0), 0);
	add_rule("proto udp action fwd");
	for (int ttl = 2; ttl <= 255; ttl++) {
		for (size_t k = 0; k < ARRAY_SIZE(checks); k++) {
			struct fdesc d = UDP(A4, 1000, "10.9.0.2", 53, .ttl = (uint8_t)ttl);

			build(&F, &d);
			ipv4_force_check(F.d + 14, checks[k]);
			run(&F);
			expect_retval(XDP_REDIRECT);
			if (R.out[14 + 8] != ttl - 1 || csum16(R.out + 14, 20) != 0)
				fail_msg("TTL %d checksum %#06x: TTL became %u, checksum %#06x %s",
					 ttl, checks[k], R.out[14 + 8], xf_pkt_get16(R.out + 14 + 10),
					 csum16(R.out + 14, 20) ? "wrong" : "right");
		}
	}
}

static void test_fwd_ipv6_routed(void **state)
{
	struct fdesc d = TCP(A6, 1000, "fd09::2", 22, .ttl = 9);
	__u32 fw0;

	(void)state;
	skip_without_netns();
	fw0 = fwd_devices();
	assert_int_equal(xf_port_add(&E->m, fw0), 0);
	add_rule("proto tcp action fwd");
	build(&F, &d);
	run(&F);
	expect_retval(XDP_REDIRECT);
	if (memcmp(R.out, fw_neigh_mac, 6) || memcmp(R.out + 6, fw_mac, 6))
		fail_msg("MACs not rewritten to the neighbour's and fw0's");
	assert_int_equal(R.out[14 + 7], 8);
	assert_memory_equal(R.out + 12, F.d + 12, 14 + 7 - 12);
	assert_memory_equal(R.out + 14 + 8, F.d + 14 + 8, F.b.len - 14 - 8);
	expect_actions(XF_ACT_FWD, 1, F.b.len);
	expect_events(-1, 0, 0);
}

static void test_fwd_routed_no_port(void **state)
{
	struct fdesc d = UDP(A4, 1000, "10.9.0.2", 53);

	(void)state;
	skip_without_netns();
	fwd_devices();		/* fw0 routes, but is not in the devmap */
	add_rule("proto udp action fwd");
	build(&F, &d);
	run(&F);
	expect_retval(XDP_PASS);
	expect_out_same(&F);
	expect_events(XF_EV_FWD_NO_PORT, 1, F.b.len);
}

static void test_fwd_routed_no_neighbour(void **state)
{
	struct fdesc d = UDP(A4, 1000, "10.9.0.77", 53);

	(void)state;
	skip_without_netns();
	assert_int_equal(xf_port_add(&E->m, fwd_devices()), 0);
	add_rule("proto udp action fwd");
	build(&F, &d);
	run(&F);
	expect_retval(XDP_PASS);
	expect_out_same(&F);
	expect_events(XF_EV_FWD_TO_KERNEL, 1, F.b.len);
}

/*
 * bpf_fib_lookup()'s MTU check takes tot_len as "L3 length from network
 * hdr (iph->tot_len)" (uapi/linux/bpf.h).  fw0 has MTU 1500: an IP packet
 * of 1520 bytes must go to the kernel (which fragments, or answers with
 * ICMP Packet Too Big) rather than to a devmap that cannot send it.
 */
static void fwd_mtu_case(const char *dst, size_t l3_len, __u32 want_retval, int want_event)
{
	struct fdesc d = UDP(A4, 1000, dst, 53, .size = 14 + l3_len);

	if (strchr(dst, ':'))
		d.src = A6;
	assert_int_equal(xf_port_add(&E->m, fwd_devices()), 0);
	add_rule("proto udp action fwd");
	build(&F, &d);
	run(&F);
	expect_retval(want_retval);
	expect_events(want_event, want_event < 0 ? 0 : 1, want_event < 0 ? 0 : F.b.len);
}

static void test_fwd_ipv4_over_mtu(void **state)
{
	(void)state;
	skip_without_netns();
	fwd_mtu_case("10.9.0.2", 1520, XDP_PASS, XF_EV_FWD_TO_KERNEL);
}

static void test_fwd_ipv4_at_mtu(void **state)
{
	(void)state;
	skip_without_netns();
	fwd_mtu_case("10.9.0.2", 1500, XDP_REDIRECT, -1);
}

/*
 * Fails as of 6a34e8f: xf_fwd() sets fib.tot_len = payload_len for IPv6,
 * 40 bytes short of the L3 length, so packets of MTU+1..MTU+40 bytes pass
 * the FIB's MTU check and are redirected to a device that cannot send
 * them, instead of going to the kernel for Packet Too Big.
 */
static void test_fwd_ipv6_over_mtu(void **state)
{
	(void)state;
	skip_without_netns();
	fwd_mtu_case("fd09::2", 1520, XDP_PASS, XF_EV_FWD_TO_KERNEL);
}

static void test_fwd_ipv6_at_mtu(void **state)
{
	(void)state;
	skip_without_netns();
	fwd_mtu_case("fd09::2", 1500, XDP_REDIRECT, -1);
}

/* xq0, a veth of 4 RX queues (test_run takes rx_queue_index only below the device's count). */
static __u32 xq_ifindex(void)
{
	if (!if_nametoindex("xq0") &&
	    (sh("ip link add xq0 numtxqueues 4 numrxqueues 4 type veth peer name xq1 "
		"numtxqueues 4 numrxqueues 4") ||
	     sh("ip link set xq0 up") || sh("ip link set xq1 up")))
		fail_msg("cannot create the veth pair xq0/xq1");
	return if_nametoindex("xq0");
}

/* Queue 2 of xq0 has no socket: the xsk frames count as no_socket there, and nowhere else. */
static void test_xsk_no_socket_per_queue(void **state)
{
	struct xf_queue_stat want[3] = {};
	struct fdesc d = UDP(A4, 1, B4, 2);
	__u32 xq0;

	(void)state;
	skip_without_netns();
	xq0 = xq_ifindex();
	add_rule("proto udp action xsk");
	build(&F, &d);
	for (int i = 0; i < 3; i++) {
		run_on(&F, xq0, 2, &R);
		assert_int_equal(R.err, 0);
		expect_retval(XDP_PASS);
	}
	want[2] = QSTAT(0, 3, F.b.len);
	expect_queues(want, 3);
	expect_events(XF_EV_XSK_NO_SOCKET, 3, 3 * F.b.len);
	expect_actions(XF_ACT_XSK, 3, 3 * F.b.len);
}

/*
 * Loaded for 2 queues, the program meets queue 3 of xq0: beyond both xsks
 * and queue_stats.  The frame still passes and counts in the totals.
 */
static void test_xsk_queue_beyond_map(void **state)
{
	struct fdesc d = UDP(A4, 1, B4, 2);
	__u32 xq0;

	(void)state;
	skip_without_netns();
	xq0 = xq_ifindex();
	add_rule("proto udp action xsk");
	build(&F, &d);
	run_on(&F, xq0, 3, &R);
	assert_int_equal(R.err, 0);
	expect_retval(XDP_PASS);
	expect_queues(NULL, 0);
	expect_events(XF_EV_XSK_NO_SOCKET, 1, F.b.len);
	expect_actions(XF_ACT_XSK, 1, F.b.len);
}

/*
 * An AF_XDP socket bound to queue 2 of a 4-queue veth: frames of queue 2
 * are redirected to it, frames of queue 1 (no socket) go to the kernel.
 */
static void test_xsk_queue_selects_socket(void **state)
{
	struct xf_run_cfg cfg = {
		.ifname = "xq0", .queues = { 2 }, .nq = 1, .force_copy = true,
		.batch = 16, .frames = 64, .ring_size = 32, .frame_size = 2048,
		.ops = xf_proc_rxdrop,
	};
	struct fdesc d = UDP(A4, 1, B4, 2);
	struct xf_queue_stat want[3] = {};
	struct xf_run xr;
	int err;

	(void)state;
	skip_without_netns();
	cfg.ifindex = (int)xq_ifindex();
	cfg.xsks_map = E->m.xsks;
	err = xf_run_setup(&xr, &cfg);
	if (err)
		fail_msg("cannot bind an AF_XDP socket to xq0 queue 2: %s", strerror(-err));

	add_rule("proto udp action xsk");
	build(&F, &d);
	run_on(&F, (__u32)cfg.ifindex, 2, &R);
	assert_int_equal(R.err, 0);
	expect_retval(XDP_REDIRECT);
	expect_events(-1, 0, 0);
	run_on(&F, (__u32)cfg.ifindex, 1, &R);
	assert_int_equal(R.err, 0);
	expect_retval(XDP_PASS);
	expect_events(XF_EV_XSK_NO_SOCKET, 1, F.b.len);
	expect_actions(XF_ACT_XSK, 2, 2 * F.b.len);
	/* each on its own queue: redirected on 2, passed for want of a socket on 1 */
	want[1] = QSTAT(0, 1, F.b.len);
	want[2] = QSTAT(1, 0, F.b.len);
	expect_queues(want, 3);
	xf_run_teardown(&xr);
}

/* ------------------------------------------------------------------ */
/* Per-frame metadata (struct xf_meta) for AF_XDP                      */
/* ------------------------------------------------------------------ */

#define META_DEV	"xm0"
#define META_PEER	"xm1"

static struct xf_run meta_run;
static bool meta_run_up;

/* A veth of 2 queues with an AF_XDP socket on queue 0 in E's XSKMAP. */
static int meta_ifindex(void)
{
	skip_without_netns();
	if (!if_nametoindex(META_DEV) &&
	    (sh("ip link add " META_DEV " numrxqueues 2 numtxqueues 2 type veth peer name "
		META_PEER " numrxqueues 2 numtxqueues 2") ||
	     sh("ip link set " META_DEV " up") || sh("ip link set " META_PEER " up")))
		fail_msg("cannot create the veth pair " META_DEV "/" META_PEER);
	return (int)if_nametoindex(META_DEV);
}

static void meta_socket(const struct xf_proc_ops *ops, unsigned int frames)
{
	struct xf_run_cfg cfg = {
		.ifname = META_DEV, .queues = { 0 }, .nq = 1, .force_copy = true,
		.batch = 16, .frames = frames, .ring_size = frames, .frame_size = 2048,
		.ops = *ops,
	};
	int err;

	cfg.ifindex = meta_ifindex();
	cfg.xsks_map = E->m.xsks;
	err = xf_run_setup(&meta_run, &cfg);
	if (err)
		fail_msg("cannot bind an AF_XDP socket to " META_DEV " queue 0: %s",
			 strerror(-err));
	meta_run_up = true;
}

/* Teardown of every metadata case: the socket goes, pass or fail. */
static int meta_teardown(void **state)
{
	(void)state;
	if (meta_run_up)
		xf_run_teardown(&meta_run);
	meta_run_up = false;
	return 0;
}

/* R holds f behind no metadata at all. */
static void expect_no_meta(const struct frame *f)
{
	if (R.meta_len)
		fail_msg("%u bytes of metadata on a frame that should carry none", R.meta_len);
	expect_out_same(f);
}

/* R holds f behind exactly one struct xf_meta with these fields. */
static void expect_meta(const struct frame *f, __u32 rule, __u32 l3, __u32 l4,
			__u8 family, __u8 proto)
{
	struct xf_meta m;

	if (R.meta_len != sizeof(m))
		fail_msg("%u bytes of metadata, expected %zu", R.meta_len, sizeof(m));
	assert_int_equal(R.out_len, sizeof(m) + f->b.len);
	memcpy(&m, R.out, sizeof(m));
	assert_int_equal(m.magic, XF_META_MAGIC);
	assert_int_equal(m.rule_id, rule);
	assert_int_equal(m.l3_off, l3);
	assert_int_equal(m.l4_off, l4);
	assert_int_equal(m.len, f->b.len);
	assert_int_equal(m.l3, family);
	assert_int_equal(m.l4_proto, proto);
	if (memcmp(R.out + sizeof(m), f->d, f->b.len))
		fail_msg("the frame behind the metadata changed");
}

struct metacase {
	const char *name;
	const char *rule;	/* NULL: the default action xsk steers the frame */
	struct fdesc f;
	__u32 l3, l4;		/* expected offsets (XF_META_NONE: none) */
	__u8 family, proto;	/* expected l3 (XF_L3_*) and l4_proto */
};

#define NONE XF_META_NONE
static const struct metacase meta_cases[] = {
	{ "Metadata: IPv4/UDP to xsk carries its rule, L3 at 14 and L4 at 34",
	  "proto udp action xsk", UDP(A4, 1000, B4, 53), 14, 34, XF_L3_IPV4, 17 },
	{ "Metadata: IPv6/TCP to xsk carries its rule, L3 at 14 and L4 at 54",
	  "proto tcp action xsk", TCP(A6, 1000, B6, 80), 14, 54, XF_L3_IPV6, 6 },
	{ "Metadata: IPv6/TCP behind two extension headers has L4 at 70",
	  "proto tcp action xsk", TCP(A6, 1000, B6, 80, .ext6 = 2), 14, 70, XF_L3_IPV6, 6 },
	{ "Metadata: VLAN-tagged IPv4/UDP has L3 at 18 and L4 at 38",
	  "vlan 5 action xsk", UDP(A4, 1000, B4, 53, TAG(5)), 18, 38, XF_L3_IPV4, 17 },
	{ "Metadata: QinQ IPv6/UDP has L3 at 22 and L4 at 62",
	  "proto udp action xsk", UDP(A6, 1000, B6, 53, QINQ(3, 4)), 22, 62, XF_L3_IPV6, 17 },
	{ "Metadata: IPv4 ICMP has its ICMP header as L4 at 34",
	  "proto icmp action xsk", ICMP(A4, B4), 14, 34, XF_L3_IPV4, 1 },
	{ "Metadata: a later IPv4 fragment has L3 at 14 and no L4",
	  "proto udp action xsk", UDP(A4, 1000, B4, 53, .frag = 100), 14, NONE, XF_L3_IPV4, 17 },
	{ "Metadata: a later IPv6 fragment has L3 at 14 and no L4",
	  "proto udp action xsk", UDP(A6, 1000, B6, 53, .frag6 = 2), 14, NONE, XF_L3_IPV6, 17 },
	{ "Metadata: the default xsk steering IPv6/TCP carries no rule (XF_NO_RULE)",
	  NULL, TCP(A6, 1000, B6, 80), 14, 54, XF_L3_IPV6, 6 },
	{ "Metadata: the default xsk steering ARP carries no rule, no L3, no L4",
	  NULL, ARP(), NONE, NONE, XF_L3_NONE, 0 },
};
#undef NONE

static void test_meta_row(void **state)
{
	const struct metacase *c = *state;
	__u32 id = XF_NO_RULE;
	int ifindex;

	meta_socket(&xf_proc_rxdrop, 64);
	ifindex = meta_ifindex();
	if (c->rule)
		id = add_rule(c->rule);
	else
		set_policy(XF_ACT_XSK, XF_ACT_PASS, 0);
	build(&F, &c->f);
	run_on(&F, (__u32)ifindex, 0, &R);
	assert_int_equal(R.err, 0);
	expect_retval(XDP_REDIRECT);
	assert_int_equal(R.t.rule, id);
	expect_meta(&F, id, c->l3, c->l4, c->family, c->proto);
}

/* Every other verdict, and xsk falling back to pass, leaves no metadata. */
static void test_meta_only_for_xsk(void **state)
{
	static const char *const acts[] = { "pass", "drop", "tx", "redirect" };
	static const __u32 want[] = { XDP_PASS, XDP_DROP, XDP_TX, XDP_REDIRECT };
	struct fdesc d = UDP(A4, 1000, B4, 53);
	int ifindex;

	(void)state;
	meta_socket(&xf_proc_rxdrop, 64);
	ifindex = meta_ifindex();
	assert_int_equal(xf_port_add(&E->m, LO), 0);
	build(&F, &d);
	for (size_t i = 0; i < ARRAY_SIZE(acts); i++) {
		set_policy(action_of(acts[i]), XF_ACT_PASS, action_of(acts[i]) ==
			   XF_ACT_REDIRECT ? LO : 0);
		run_on(&F, (__u32)ifindex, 0, &R);
		assert_int_equal(R.err, 0);
		expect_retval(want[i]);
		if (R.meta_len)
			fail_msg("default %s: %u bytes of metadata", acts[i], R.meta_len);
	}
	/* queue 1 has no socket: xsk passes the frame, without metadata */
	set_policy(XF_ACT_XSK, XF_ACT_PASS, 0);
	run_on(&F, (__u32)ifindex, 1, &R);
	assert_int_equal(R.err, 0);
	expect_retval(XDP_PASS);
	expect_no_meta(&F);
}

/* Loaded with no_meta, an xsk verdict hands the frame over without metadata. */
static void test_meta_switched_off(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	int ifindex;

	(void)state;
	meta_socket(&xf_proc_rxdrop, 64);
	ifindex = meta_ifindex();
	add_rule("proto udp action xsk");
	build(&F, &d);
	run_on(&F, (__u32)ifindex, 0, &R);
	assert_int_equal(R.err, 0);
	expect_retval(XDP_REDIRECT);
	expect_no_meta(&F);
}

/* What the engine's processor saw of the frames that reached the socket. */
static struct {
	_Atomic unsigned int frames;	/* taken off the RX ring */
	_Atomic unsigned int vouched;	/* of them, with xf_frame_meta() != NULL */
	_Atomic unsigned int right;	/* of those, with the expected rule id */
	__u32 rule;
} seen;

static void seen_batch(void *ctx, struct xf_frame *fr, __u8 *v, unsigned int n)
{
	(void)ctx;
	(void)v;
	for (unsigned int i = 0; i < n; i++) {
		const struct xf_meta *m = xf_frame_meta(&fr[i]);

		if (!m)
			continue;
		atomic_fetch_add(&seen.vouched, 1);
		if (m->rule_id == seen.rule)
			atomic_fetch_add(&seen.right, 1);
	}
	atomic_fetch_add(&seen.frames, n);	/* last: the test waits on it */
}

static const struct xf_proc_ops seen_ops = {
	.api_version = XF_PROC_API_VERSION, .name = "meta-seen",
	.flags = XF_PROC_NO_TX | XF_PROC_META,
	.batch = seen_batch,
};

static struct xdp_fwd *meta_twin;

/* xdp-fwd with the metadata on, sharing every map of E (E has it off). */
static int twin_load(void)
{
	struct bpf_map *map;

	meta_twin = xdp_fwd__open();
	if (!meta_twin)
		return -errno;
	bpf_object__for_each_map(map, meta_twin->obj) {
		struct bpf_map *twin;

		if (bpf_map__is_internal(map))
			continue;	/* .rodata: the switch differs */
		twin = bpf_object__find_map_by_name(E->skel->obj, bpf_map__name(map));
		if (!twin || bpf_map__reuse_fd(map, bpf_map__fd(twin)))
			return -ENOENT;
	}
	return xdp_fwd__load(meta_twin);
}

static int meta_twin_teardown(void **state)
{
	meta_teardown(state);
	if (meta_twin)
		xdp_fwd__destroy(meta_twin);
	meta_twin = NULL;
	return 0;
}

/*
 * n copies of f through prog as live frames arriving on queue 0 of
 * ifindex: the redirects really happen, into the socket's RX ring.
 */
static void live_run(int prog, const struct frame *f, int ifindex, __u32 n)
{
	struct xdp_md md = {
		.data_end = (__u32)f->b.len, .ingress_ifindex = (__u32)ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = f->d, .data_size_in = (__u32)f->b.len,
		.ctx_in = &md, .ctx_size_in = sizeof(md),
		.repeat = n, .batch_size = n, .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
	);

	if (bpf_prog_test_run_opts(prog, &o))
		fail_msg("live test_run: %s", strerror(errno));
}

/* Wait (5 s at most) until the processor has seen n frames in all. */
static void wait_seen(unsigned int n)
{
	double deadline = xf_now() + 5;

	while (atomic_load(&seen.frames) < n && xf_now() < deadline)
		usleep(1000);
	if (atomic_load(&seen.frames) != n)
		fail_msg("the processor saw %u frames, expected %u", atomic_load(&seen.frames), n);
}

/*
 * Stale metadata: every UMEM buffer first receives a frame with metadata,
 * then (the program replaced by one without) a frame of the same length
 * without.  The buffers' headroom still holds the old xf_meta, whose len
 * matches; xf_frame_meta() must vouch for none of the second frames.
 */
#define STALE_FRAMES 64
static void test_meta_stale_after_replace(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	int ifindex, err;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	err = twin_load();
	if (err)
		fail_msg("cannot load xdp-fwd with metadata beside the one without: %s",
			 strerror(-err));
	seen.rule = add_rule("proto udp action xsk");
	meta_socket(&seen_ops, STALE_FRAMES);
	ifindex = meta_ifindex();
	assert_int_equal(xf_run_start(&meta_run), 0);
	build(&F, &d);

	live_run(bpf_program__fd(meta_twin->progs.xdp_fwd), &F, ifindex, STALE_FRAMES);
	wait_seen(STALE_FRAMES);
	assert_int_equal(atomic_load(&seen.vouched), STALE_FRAMES);
	assert_int_equal(atomic_load(&seen.right), STALE_FRAMES);

	live_run(E->prog, &F, ifindex, STALE_FRAMES);
	wait_seen(2 * STALE_FRAMES);
	if (atomic_load(&seen.vouched) != STALE_FRAMES)
		fail_msg("%u frames without metadata were vouched for (stale)",
			 atomic_load(&seen.vouched) - STALE_FRAMES);
}

/* ------------------------------------------------------------------ */
/* Priorities                                                          */
/* ------------------------------------------------------------------ */

static __u32 winner(const struct fdesc *d)
{
	build(&G, d);
	run(&G);
	return R.t.rule;
}

#define expect_winner(d, want)							\
	do {									\
		__u32 _w = winner(d), _x = (want);				\
		if (_w != _x)							\
			fail_msg("rule %u won, expected rule %u", _w, _x);	\
	} while (0)

static void test_prio_lower_wins_either_order(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 a, b;

	(void)state;
	/* the better rule added first, then last */
	a = add_rule("proto udp priority 10 action drop");
	b = add_rule("dport 53 priority 20 action tx");
	expect_winner(&d, a);
	expect_retval(XDP_DROP);
	assert_int_equal(xf_rules_flush(&E->m, NULL), 0);
	b = add_rule("dport 53 priority 20 action tx");
	a = add_rule("proto udp priority 10 action drop");
	assert_true(b < a);
	expect_winner(&d, a);
	expect_retval(XDP_DROP);
}

static void test_prio_equal_lower_id_wins(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 a, b;

	(void)state;
	a = add_rule("proto udp priority 10 action drop");
	b = add_rule("dport 53 priority 10 action tx");
	assert_true(a < b);
	expect_winner(&d, a);
	assert_int_equal(xf_rules_flush(&E->m, NULL), 0);
	b = add_rule("dport 53 priority 10 action tx");
	a = add_rule("proto udp priority 10 action drop");
	assert_true(b < a);
	expect_winner(&d, b);
	expect_retval(XDP_TX);
}

/*
 * Equal priority, and the shape searched first (slot 0, proto) holds the
 * higher id: the search must not stop there, the lower id in the next
 * shape wins.
 */
static void test_prio_equal_lower_id_in_later_shape(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 tcp, dport, udp;

	(void)state;
	tcp = add_rule("proto tcp priority 10 action drop");	/* slot 0 */
	dport = add_rule("dport 53 priority 10 action tx");	/* slot 1 */
	udp = add_rule("proto udp priority 10 action drop");	/* slot 0 */
	assert_true(tcp < dport && dport < udp);
	expect_winner(&d, dport);
	expect_retval(XDP_TX);
}

static void test_prio_delete_winner(void **state)
{
	struct fdesc d = UDP(A6, 1000, B6, 53);
	__u32 a, b;

	(void)state;
	a = add_rule("dport 53 priority 5 action drop");
	b = add_rule("src 2001:db8::/32 priority 6 action tx");
	expect_winner(&d, a);
	del_rule(a);
	expect_winner(&d, b);
	expect_retval(XDP_TX);
	del_rule(b);
	expect_winner(&d, XF_NO_RULE);
	expect_retval(XDP_PASS);
}

/* Four shapes that all match, added in scrambled order; delete winners in turn. */
static void test_prio_four_shapes_in_turn(void **state)
{
	struct fdesc d = UDP("10.1.1.1", 1000, "10.2.2.2", 53, TAG(7));
	__u32 p30, p10, p40, p20, p25;

	(void)state;
	p30 = add_rule("proto udp priority 30 action drop");
	p10 = add_rule("src 10.0.0.0/8 dst 10.2.0.0/16 priority 10 action drop");
	p40 = add_rule("vlan 7 priority 40 action drop");
	p20 = add_rule("dport 53 sport 1000 priority 20 action tx");
	p25 = add_rule("dst 10.2.2.2/32 priority 25 action drop");
	expect_winner(&d, p10);
	del_rule(p10);
	expect_winner(&d, p20);
	expect_retval(XDP_TX);
	del_rule(p20);
	expect_winner(&d, p25);
	del_rule(p25);
	expect_winner(&d, p30);
	del_rule(p30);
	expect_winner(&d, p40);
	del_rule(p40);
	expect_winner(&d, XF_NO_RULE);
}

/*
 * Shape A holds a priority-1 rule the frame misses and a priority-900 rule
 * it hits; shape B a priority-500 rule it hits.  A is searched first (best
 * priority 1) but B must still be searched and win.
 */
static void test_prio_shape_best_elsewhere(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 b;

	(void)state;
	add_rule("dport 80 priority 1 action drop");
	add_rule("dport 53 priority 900 action drop");
	b = add_rule("proto udp priority 500 action tx");
	expect_winner(&d, b);
}

/* Adding a better rule to an existing shape moves that shape up. */
static void test_prio_add_better_to_shape(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 a;

	(void)state;
	add_rule("dport 54 priority 900 action drop");		/* shape A, min 900 */
	add_rule("proto udp priority 500 action drop");		/* shape B, min 500 */
	a = add_rule("dport 53 priority 5 action tx");		/* shape A, min 5 */
	expect_winner(&d, a);
}

/* Deleting a shape's best rule: its next best must still beat other shapes. */
static void test_prio_delete_shape_best(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 a1, a2;

	(void)state;
	a1 = add_rule("dport 80 priority 10 action drop");	/* A, misses */
	a2 = add_rule("dport 53 priority 20 action tx");	/* A, hits */
	add_rule("dport 81 priority 30 action drop");		/* A, misses */
	add_rule("proto udp priority 25 action drop");		/* B, hits */
	expect_winner(&d, a2);
	del_rule(a1);
	expect_winner(&d, a2);
	expect_retval(XDP_TX);
	/* and the published shape says so (a stale 10 only costs lookups) */
	{
		struct xf_table t;
		long at;

		assert_int_equal(xf_table_read(&E->m, &t), 0);
		at = xf_table_find(&t, a2);
		assert_true(at >= 0);
		assert_int_equal(t.set.shape[t.keys[at].slot].min_priority, 20);
		assert_int_equal(t.set.shape[t.keys[at].slot].nrules, 2);
		xf_table_free(&t);
	}
}

/* Priority 0 beats the default priority; the largest priority still matches. */
static void test_prio_extremes(void **state)
{
	struct fdesc d = TCP(A4, 1000, B4, 22);
	__u32 lo, hi;

	(void)state;
	hi = add_rule("proto tcp priority 2147483647 action drop");
	expect_winner(&d, hi);
	add_rule("dport 22 action drop");
	lo = add_rule("src 192.0.2.0/24 priority 0 action tx");
	expect_winner(&d, lo);
}

/* ------------------------------------------------------------------ */
/* Per-rule counters and trace                                          */
/* ------------------------------------------------------------------ */

static void test_rule_stats_count_wins(void **state)
{
	static const char *const rules[] = {
		"vlan 7 priority 5 action drop",
		"src 10.0.0.0/8 priority 10 action tx",
		"dport 53 priority 20 action pass",
		"proto udp priority 30 action drop",
		"dst 2001:db8::/32 priority 40 action drop",
	};
	static const struct {
		struct fdesc f;
		int win;	/* 1-based index into rules, 0: none */
	} frames[] = {
		{ UDP("10.0.0.1", 1, B4, 53, TAG(7), .size = 100), 1 },
		{ UDP("10.0.0.1", 1, B4, 53, .size = 200), 2 },
		{ UDP(A4, 1, B4, 53, .size = 300), 3 },
		{ TCP(A6, 1, B6, 53, .size = 310), 3 },
		{ UDP(A4, 1, B4, 54, .size = 400), 4 },
		{ TCP(A6, 1, B6, 54, .size = 500), 5 },
		{ TCP(A4, 1, B4, 54, .size = 600), 0 },
		{ ICMP(A4, "10.0.0.1", .size = 700), 0 },
		{ ARP(TAG(7), .size = 80), 1 },
		{ UDP(A4, 1, B4, 53, .size = 64), 3 },
	};
	__u32 ids[ARRAY_SIZE(rules)];
	__u64 pk[ARRAY_SIZE(rules)] = { 0 }, by[ARRAY_SIZE(rules)] = { 0 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		ids[i] = add_rule(rules[i]);
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < ARRAY_SIZE(frames); i++) {
			int w = frames[i].win;

			build(&F, &frames[i].f);
			run(&F);
			if (R.t.rule != (w ? ids[w - 1] : XF_NO_RULE))
				fail_msg("frame %zu: trace says rule %u, expected %u", i, R.t.rule,
					 w ? ids[w - 1] : 0);
			if (w) {
				pk[w - 1]++;
				by[w - 1] += F.b.len;
			}
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		expect_rule_stats(ids[i], pk[i], by[i]);
	expect_rule_stats(0, 0, 0);	/* misses never count under "no rule" */
}

/* A freed id given to a new rule starts from zero. */
static void test_rule_stats_reused_id_zeroed(void **state)
{
	struct fdesc d = UDP(A4, 1, B4, 53);
	__u32 a, b;

	(void)state;
	a = add_rule("dport 53 action drop");
	build(&F, &d);
	run(&F);
	run(&F);
	expect_rule_stats(a, 2, 2 * F.b.len);
	del_rule(a);
	b = add_rule("proto udp action drop");
	assert_int_equal(a, b);
	expect_rule_stats(b, 0, 0);
	run(&F);
	expect_rule_stats(b, 1, F.b.len);
}

/* The trace map's parse result agrees with the frame. */
static void test_trace_fields(void **state)
{
	struct fdesc d = TCP("2001:db8::aa", 40000, "2001:db8:1::bb", 443, QINQ(0x2064, 200));
	uint8_t s[16], t[16];
	__u32 id;

	(void)state;
	id = add_rule("vlan 100 proto tcp action drop");
	build(&F, &d);
	run(&F);
	assert_int_equal(R.t.rule, id);
	assert_int_equal(R.t.action, XF_ACT_DROP);
	assert_int_equal(R.t.pkt.vlan_n, 2);
	assert_int_equal(R.t.pkt.vlan[0], 100);
	assert_int_equal(R.t.pkt.vlan[1], 200);
	assert_int_equal(R.t.pkt.l3, XF_L3_IPV6);
	assert_int_equal(R.t.pkt.proto, P_TCP);
	assert_true(R.t.pkt.has_ports);
	assert_int_equal(ntohs(R.t.pkt.sport), 40000);
	assert_int_equal(ntohs(R.t.pkt.dport), 443);
	addr_of("2001:db8::aa", 6, s);
	addr_of("2001:db8:1::bb", 6, t);
	assert_memory_equal(R.t.pkt.src, s, 16);
	assert_memory_equal(R.t.pkt.dst, t, 16);
	assert_int_equal(R.t.pkt.len, F.b.len);
}

/* ------------------------------------------------------------------ */
/* Parse errors                                                        */
/* ------------------------------------------------------------------ */

static void bad_trunc_vlan(struct frame *f)
{
	b_eth(f, E_Q);
	put(f, "\x00\x64", 2);
}

static void bad_vlan_deep(struct frame *f)
{
	struct fdesc d = UDP(A4, 1, B4, 2, .ntags = 3, .tci = { 1, 2, 3 });

	build(f, &d);
}

static void bad_ip_version(struct frame *f)
{
	struct fdesc d = UDP(A4, 1, B4, 2);

	build(f, &d);
	f->d[14] = 0x65;
}

static void bad_trunc_ipv4(struct frame *f)
{
	struct fdesc d = UDP(A4, 1, B4, 2);

	build(f, &d);
	f->b.len = 14 + 10;
}

static void bad_ihl(struct frame *f)
{
	struct fdesc d = UDP(A4, 1, B4, 2);

	build(f, &d);
	f->d[14] = 0x44;
}

static void bad_ipv4_len(struct frame *f)
{
	struct fdesc d = UDP(A4, 1, B4, 2);

	build(f, &d);
	xf_pkt_put16(f->d + 14 + 2, 1000);
}

static void bad_trunc_ipv6(struct frame *f)
{
	struct fdesc d = UDP(A6, 1, B6, 2);

	build(f, &d);
	f->b.len = 14 + 30;
}

static void bad_ipv6_len(struct frame *f)
{
	struct fdesc d = UDP(A6, 1, B6, 2);

	build(f, &d);
	xf_pkt_put16(f->d + 14 + 4, 1000);
}

static void bad_trunc_ipv6_ext(struct frame *f)
{
	struct fdesc d = UDP(A6, 1, B6, 2);

	build(f, &d);
	f->d[14 + 6] = 0;		/* hop-by-hop ... */
	f->d[14 + 40 + 1] = 200;	/* ... of 201 * 8 bytes */
}

static void bad_ipv6_ext_deep(struct frame *f)
{
	b_eth(f, E_IP6);
	b_ipv6(f, A6, B6, 0, 64);
	put(f, NULL, 8 * (XF_MAX_IPV6_EXT + 1) + 8);	/* hop-by-hop, all the way */
	b_finish(f);
}

static void bad_trunc_l4(struct frame *f)
{
	struct fdesc d = TCP(A4, 1, B4, 2);

	build(f, &d);
	f->b.len = 14 + 20 + 10;
	b_finish(f);
}

static void bad_tcp_hlen(struct frame *f)
{
	struct fdesc d = TCP(A4, 1, B4, 2);

	build(f, &d);
	f->d[f->b.l4 + 12] = 4 << 4;
}

static void bad_udp_len(struct frame *f)
{
	struct fdesc d = UDP(A4, 1, B4, 53);

	build(f, &d);
	xf_pkt_put16(f->d + f->b.l4 + 4, 4);
}

struct ecase {
	const char *name;
	void (*make)(struct frame *f);
	enum xf_perr err;
};

static const struct ecase error_cases[] = {
	{ "Parse error truncated-vlan follows the error policy", bad_trunc_vlan,
	  XF_PERR_TRUNC_VLAN },
	{ "Parse error vlan-too-deep (three tags) follows the error policy", bad_vlan_deep,
	  XF_PERR_VLAN_TOO_DEEP },
	{ "Parse error bad-ip-version follows the error policy", bad_ip_version,
	  XF_PERR_BAD_IP_VERSION },
	{ "Parse error truncated-ipv4 follows the error policy", bad_trunc_ipv4,
	  XF_PERR_TRUNC_IPV4 },
	{ "Parse error bad-ihl follows the error policy", bad_ihl, XF_PERR_BAD_IHL },
	{ "Parse error bad-ipv4-len follows the error policy", bad_ipv4_len,
	  XF_PERR_BAD_IPV4_LEN },
	{ "Parse error truncated-ipv6 follows the error policy", bad_trunc_ipv6,
	  XF_PERR_TRUNC_IPV6 },
	{ "Parse error bad-ipv6-len follows the error policy", bad_ipv6_len,
	  XF_PERR_BAD_IPV6_LEN },
	{ "Parse error truncated-ipv6-ext follows the error policy", bad_trunc_ipv6_ext,
	  XF_PERR_TRUNC_IPV6_EXT },
	{ "Parse error ipv6-ext-too-deep follows the error policy", bad_ipv6_ext_deep,
	  XF_PERR_IPV6_EXT_TOO_DEEP },
	{ "Parse error truncated-l4 follows the error policy", bad_trunc_l4,
	  XF_PERR_TRUNC_L4 },
	{ "Parse error bad-tcp-hlen follows the error policy", bad_tcp_hlen,
	  XF_PERR_BAD_TCP_HLEN },
	{ "Parse error bad-udp-len follows the error policy", bad_udp_len,
	  XF_PERR_BAD_UDP_LEN },
};

/*
 * errors drop: XDP_DROP, counted under its error and action drop; then
 * errors pass: XDP_PASS.  A catch-all tx rule and default tx are in place
 * and must not apply to a frame that failed to parse.
 */
static void test_error_row(void **state)
{
	const struct ecase *c = *state;
	__u32 id;

	id = add_rule("action tx");
	set_policy(XF_ACT_TX, XF_ACT_DROP, 0);
	c->make(&F);
	run(&F);
	expect_retval(XDP_DROP);
	assert_int_equal(R.t.pkt.error, c->err);
	assert_int_equal(R.t.action, XF_ACT_DROP);
	assert_int_equal(R.t.rule, XF_NO_RULE);
	expect_errors(c->err, 1, F.b.len);
	expect_actions(XF_ACT_DROP, 1, F.b.len);
	expect_rule_stats(id, 0, 0);

	set_policy(XF_ACT_TX, XF_ACT_PASS, 0);
	run(&F);
	expect_retval(XDP_PASS);
	assert_int_equal(R.t.action, XF_ACT_PASS);
	expect_out_same(&F);
	expect_errors(c->err, 2, 2 * F.b.len);
	assert_int_equal(counter(E->m.action_stats, XF_ACT_PASS).packets, 1);
	expect_rule_stats(id, 0, 0);
}

/* A config written by something else with a default action out of range. */
static void test_default_out_of_range(void **state)
{
	struct fdesc d = UDP(A4, 1, B4, 2);

	(void)state;
	set_policy(XF_ACT_MAX + 7, XF_ACT_PASS, 0);
	build(&F, &d);
	run(&F);
	expect_retval(XDP_PASS);
	assert_int_equal(R.t.action, XF_ACT_PASS);
	expect_actions(XF_ACT_PASS, 1, F.b.len);
}

/* A truncated frame under errors drop, on its own. */
static void test_error_truncated_dropped(void **state)
{
	(void)state;
	set_policy(XF_ACT_PASS, XF_ACT_DROP, 0);
	bad_trunc_ipv4(&F);
	run(&F);
	expect_retval(XDP_DROP);
	expect_errors(XF_PERR_TRUNC_IPV4, 1, F.b.len);
	expect_actions(XF_ACT_DROP, 1, F.b.len);
}

static void test_error_truncated_passed(void **state)
{
	(void)state;
	set_policy(XF_ACT_DROP, XF_ACT_PASS, 0);	/* default drop does not apply */
	bad_trunc_ipv4(&F);
	run(&F);
	expect_retval(XDP_PASS);
	expect_errors(XF_PERR_TRUNC_IPV4, 1, F.b.len);
	expect_actions(XF_ACT_PASS, 1, F.b.len);
}

/* ------------------------------------------------------------------ */
/* Shapes and the rule table's limits                                  */
/* ------------------------------------------------------------------ */

static void add_16_shapes(__u32 ids[16])
{
	char buf[64];

	for (int i = 0; i < 16; i++) {
		snprintf(buf, sizeof(buf), "dst 10.0.0.0/%d priority %d action drop", 8 + i,
			 100 - i);
		ids[i] = add_rule(buf);
	}
}

static void test_shapes_sixteen_then_full(void **state)
{
	struct fdesc d = UDP(A4, 1, "10.0.0.1", 2);
	const char *w17 = "dst 10.0.0.0/24 priority 1 action tx";
	struct snap before, after;
	struct xf_table t;
	__u32 ids[16], id = 0;
	char err[256];
	long bad = 99;
	int ret;

	(void)state;
	add_16_shapes(ids);
	assert_int_equal(xf_table_read(&E->m, &t), 0);
	assert_int_equal(xf_table_shapes(&t), 16);
	assert_int_equal(t.set.count, 16);
	xf_table_free(&t);
	assert_int_equal(rules_count(), 16);
	expect_winner(&d, ids[15]);	/* /23 has the best priority */

	snap_take(&before);
	ret = try_add(&w17, 1, &id, &bad, err, sizeof(err));
	assert_int_equal(ret, -ENOSPC);
	assert_int_equal(bad, 0);
	assert_non_null(strstr(err, "shapes"));
	assert_int_equal(rules_count(), 16);
	snap_take(&after);
	snap_expect_same(&before, &after, "a refused 17th shape");
	expect_winner(&d, ids[15]);

	/* a batch whose second rule needs a 17th shape adds nothing */
	{
		const char *batch[] = { "dst 11.0.0.0/8 action drop",
					"src 10.0.0.0/8 action drop" };
		__u32 bids[2];

		snap_take(&before);
		ret = try_add(batch, 2, bids, &bad, err, sizeof(err));
		assert_int_equal(ret, -ENOSPC);
		assert_int_equal(bad, 1);
		assert_int_equal(rules_count(), 16);
		snap_take(&after);
		snap_expect_same(&before, &after, "a batch needing a 17th shape");
	}

	/* a rule of a shape in use still fits */
	add_rule("dst 11.0.0.0/8 action drop");
	assert_int_equal(rules_count(), 17);
}

/* Deleting a shape's only rule frees its slot for another shape. */
static void test_shapes_slot_reuse(void **state)
{
	struct fdesc to10 = UDP(A4, 999, "10.0.0.1", 2);
	struct fdesc from1000 = UDP(A4, 1000, "172.16.0.1", 2);
	__u32 ids[16], id;

	(void)state;
	add_16_shapes(ids);
	del_rule(ids[15]);			/* the only /23 rule */
	id = add_rule("sport 1000 priority 1 action tx");
	expect_winner(&from1000, id);
	expect_winner(&to10, ids[14]);		/* /22, not the deleted /23 */
	assert_int_equal(rules_count(), 16);
}

static void test_shapes_duplicate_refused(void **state)
{
	const char *dup[] = { "proto udp dport 53 action drop" };
	const char *dup2[] = { "dport 53 proto udp priority 5 action tx" };
	const char *batch[] = { "dport 1 action drop", "dport 2 action drop",
				"dport 1 action tx" };
	struct snap before, after;
	struct fdesc d = UDP(A4, 1, B4, 53);
	__u32 id, ids[3];
	char err[256], want[64];
	long bad;
	int ret;

	(void)state;
	id = add_rule(dup[0]);
	snap_take(&before);
	ret = try_add(dup, 1, ids, &bad, err, sizeof(err));
	assert_int_equal(ret, -EEXIST);
	assert_int_equal(bad, 0);
	snprintf(want, sizeof(want), "rule %u", id);
	if (!strstr(err, want))
		fail_msg("the error does not name %s: %s", want, err);
	/* the same match in other words, with another action and priority */
	ret = try_add(dup2, 1, ids, &bad, err, sizeof(err));
	assert_int_equal(ret, -EEXIST);
	/* two equal rules in one batch */
	ret = try_add(batch, 3, ids, &bad, err, sizeof(err));
	assert_int_equal(ret, -EEXIST);
	assert_int_equal(bad, 2);
	snap_take(&after);
	snap_expect_same(&before, &after, "refused duplicates");
	assert_int_equal(rules_count(), 1);
	expect_winner(&d, id);
	expect_retval(XDP_DROP);
}

/* ------------------------------------------------------------------ */
/* A full rule table (max_rules = 8)                                    */
/* ------------------------------------------------------------------ */

static void add_8(__u32 ids[8])
{
	char buf[64];

	for (int i = 0; i < 8; i++) {
		snprintf(buf, sizeof(buf), "dport %d action drop", 1000 + i);
		ids[i] = add_rule(buf);
	}
}

static void test_full_ninth_refused(void **state)
{
	const char *ninth = "dport 2000 action drop";
	struct fdesc d7 = UDP(A4, 1, B4, 1007), d9 = UDP(A4, 1, B4, 2000);
	struct snap before, after;
	__u32 ids[8], id = 0;
	char err[256];
	long bad = 99;
	int ret;

	(void)state;
	assert_int_equal(E->m.max_rules, 8);
	add_8(ids);
	for (int i = 0; i < 8; i++)
		assert_int_equal(ids[i], i + 1);
	assert_int_equal(rules_count(), 8);
	snap_take(&before);
	ret = try_add(&ninth, 1, &id, &bad, err, sizeof(err));
	assert_int_equal(ret, -ENOSPC);
	assert_int_equal(bad, -1);
	if (!strstr(err, "full") || !strstr(err, "8"))
		fail_msg("unclear error for a full table: '%s'", err);
	assert_int_equal(rules_count(), 8);
	snap_take(&after);
	snap_expect_same(&before, &after, "a 9th rule in a table of 8");
	expect_winner(&d7, ids[7]);
	expect_winner(&d9, XF_NO_RULE);

	/* room again after a delete */
	del_rule(ids[3]);
	id = add_rule(ninth);
	assert_int_equal(id, ids[3]);
	expect_winner(&d9, id);
}

static void test_full_batch_overflow_adds_none(void **state)
{
	const char *batch[] = { "proto udp action drop", "proto tcp action drop",
				"proto icmp action drop" };
	struct snap before, after;
	__u32 ids[3];
	char err[256];
	long bad;
	int ret;

	(void)state;
	for (int i = 0; i < 6; i++) {
		char buf[32];

		snprintf(buf, sizeof(buf), "sport %d action drop", i + 1);
		add_rule(buf);
	}
	snap_take(&before);
	ret = try_add(batch, 3, ids, &bad, err, sizeof(err));
	assert_int_equal(ret, -ENOSPC);
	snap_take(&after);
	snap_expect_same(&before, &after, "a batch of 3 into 2 free places");
	assert_int_equal(rules_count(), 6);
	/* two still fit */
	assert_int_equal(try_add(batch, 2, ids, &bad, err, sizeof(err)), 0);
	assert_int_equal(rules_count(), 8);
}

static void test_full_bad_batch_adds_none(void **state)
{
	const char *batch[] = { "dport 1 action drop", "dport 2 action tx",
				"dport 3 action drop", "dport 2 action pass" };
	struct snap before, after;
	__u32 ids[4];
	char err[256];
	long bad;
	int ret;

	(void)state;
	add_rule("proto udp action drop");
	snap_take(&before);
	ret = try_add(batch, 4, ids, &bad, err, sizeof(err));
	assert_int_equal(ret, -EEXIST);
	assert_int_equal(bad, 3);
	if (!strstr(err, "rules 2 and 4"))
		fail_msg("the error does not name the two equal rules: '%s'", err);
	snap_take(&after);
	snap_expect_same(&before, &after, "a batch with a duplicate");
	assert_int_equal(rules_count(), 1);
}

/* A redirect to a device that does not exist: nothing added, devmap as it was. */
static void test_full_bad_redirect_batch_adds_none(void **state)
{
	struct xf_rule_spec sp[3];
	struct snap before, after;
	struct bpf_devmap_val dv;
	__u32 ids[3], k = LO;
	char err[256];
	long bad;
	int ret;

	(void)state;
	spec_of("dport 1 action drop", &sp[0]);
	spec_of("dport 2 action redirect lo", &sp[1]);
	spec_of("dport 3 action redirect lo", &sp[2]);
	snprintf(sp[2].dev, sizeof(sp[2].dev), "gone0");
	sp[2].ifindex = 0x7ffffff0;	/* no such device */
	snap_take(&before);
	ret = xf_rules_add(&E->m, sp, 3, ids, &bad, err, sizeof(err));
	if (ret == 0)
		fail_msg("a redirect to ifindex 0x7ffffff0 was accepted");
	assert_int_equal(bad, 2);
	snap_take(&after);
	snap_expect_same(&before, &after, "a batch with a redirect to a missing device");
	if (!bpf_map_lookup_elem(E->m.ports, &k, &dv))
		fail_msg("lo was left in the devmap by a refused batch");
}

/* ------------------------------------------------------------------ */
/* Multi-buffer frames                                                  */
/* ------------------------------------------------------------------ */

struct jcase {
	const char *name;
	struct fdesc f;
};

static const struct jcase jumbo_cases[] = {
	{ "A 3520-byte IPv4 UDP frame (all linear) is classified and counted whole",
	  UDP(A4, 4000, B4, 5001, .size = LINEAR_MAX) },
	{ "A 3521-byte IPv4 UDP frame (one fragment) is classified and counted whole",
	  UDP(A4, 4000, B4, 5001, .size = LINEAR_MAX + 1) },
	{ "A 9000-byte IPv4 UDP frame is classified and counted whole",
	  UDP(A4, 4000, B4, 5001, .size = 9000) },
	{ "A 9000-byte IPv6 TCP frame is classified and counted whole",
	  TCP(A6, 4000, B6, 5001, .size = 9000) },
	{ "A 16000-byte QinQ IPv6 UDP frame is classified and counted whole",
	  UDP(A6, 4000, B6, 5001, QINQ(1, 2), .size = 16000) },
};

static void test_jumbo_row(void **state)
{
	const struct jcase *c = *state;
	__u32 id;

	id = add_rule("dport 5001 action drop");
	build(&F, &c->f);
	run(&F);
	expect_retval(XDP_DROP);
	assert_int_equal(R.t.pkt.error, XF_PERR_NONE);
	assert_int_equal(R.t.pkt.len, F.b.len);
	assert_true(R.t.pkt.has_ports);
	assert_int_equal(ntohs(R.t.pkt.sport), 4000);
	assert_int_equal(ntohs(R.t.pkt.dport), 5001);
	assert_int_equal(R.t.rule, id);
	expect_rule_stats(id, 1, F.b.len);
	expect_actions(XF_ACT_DROP, 1, F.b.len);
	expect_parsed(1, F.b.len);
}

static void test_jumbo_tx_whole(void **state)
{
	struct fdesc d = UDP(A4, 4000, B4, 5001, .size = 9000);

	(void)state;
	add_rule("dport 5001 action tx");
	build(&F, &d);
	run(&F);
	expect_retval(XDP_TX);
	expect_out_swapped(&F);
	expect_actions(XF_ACT_TX, 1, 9000);
}

/* ------------------------------------------------------------------ */
/* Random exact 5-tuples                                                */
/* ------------------------------------------------------------------ */

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

struct tuple {
	int fam;
	uint8_t proto;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
};

#define NRAND 1000

static struct tuple tuples[NRAND];
static __u32 tuple_ids[NRAND];

static void tuple_random(struct tuple *t, int fam)
{
	memset(t, 0, sizeof(*t));
	t->fam = fam;
	t->proto = rnd() & 1 ? P_TCP : P_UDP;
	for (int i = 0; i < (fam == 4 ? 4 : 16); i++) {
		t->src[i] = (uint8_t)rnd();
		t->dst[i] = (uint8_t)rnd();
	}
	t->sport = (uint16_t)rnd();
	t->dport = (uint16_t)rnd();
}

static void tuple_words(const struct tuple *t, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = t->fam == 4 ? AF_INET : AF_INET6;

	inet_ntop(af, t->src, s, sizeof(s));
	inet_ntop(af, t->dst, d, sizeof(d));
	snprintf(buf, len, "proto %s src %s dst %s sport %u dport %u action drop",
		 t->proto == P_TCP ? "tcp" : "udp", s, d, t->sport, t->dport);
}

static void tuple_frame(const struct tuple *t, struct frame *f)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = t->fam == 4 ? AF_INET : AF_INET6;
	struct fdesc fd = { .src = s, .dst = d, .proto = t->proto, .sport = t->sport,
			    .dport = t->dport };

	inet_ntop(af, t->src, s, sizeof(s));
	inet_ntop(af, t->dst, d, sizeof(d));
	build(f, &fd);
}

/* ---------------------------------------------------------------------- */
/* The processor API's version, and the library's print callback          */
/* ---------------------------------------------------------------------- */

static char printed[512];
static int printed_level = -1, printed_n;

static int capture_print(enum xf_print_level level, const char *fmt, va_list ap)
{
	printed_level = (int)level;
	printed_n++;
	vsnprintf(printed, sizeof(printed), fmt, ap);
	return 0;
}

/* xf_run_setup() with ops claiming API version v: its return value. */
static int setup_with_version(unsigned int v)
{
	struct xf_run_cfg cfg;
	struct xf_run r;

	xf_run_cfg_init(&cfg, &xf_proc_rxdrop);
	cfg.ops.api_version = v;
	cfg.ifname = "lo";
	cfg.nq = 1;
	return xf_run_setup(&r, &cfg);
}

static void test_proc_api_version_refused(void **state)
{
	xf_print_fn old = xf_set_print(capture_print);
	char want[64];
	int err;

	printed_n = 0;
	err = setup_with_version(XF_PROC_API_VERSION - 1);
	assert_int_equal(err, -EPROTO);
	assert_int_equal(printed_n, 1);
	assert_int_equal(printed_level, XF_PRINT_ERROR);
	snprintf(want, sizeof(want), "processor API version %u", XF_PROC_API_VERSION - 1);
	if (!strstr(printed, want) || !strstr(printed, "rxdrop"))
		fail_msg("the refusal does not name the processor and its version: '%s'", printed);
	assert_int_equal(setup_with_version(0), -EPROTO);	/* ops that never set it */

	/* a NULL print function silences the library */
	xf_set_print(NULL);
	printed_n = 0;
	assert_int_equal(setup_with_version(0), -EPROTO);
	assert_int_equal(printed_n, 0);
	xf_set_print(old);
}

/* The oracle: id of the rule with exactly this tuple, or 0. */
static __u32 tuple_lookup(const struct tuple *t)
{
	for (int i = 0; i < NRAND; i++)
		if (!memcmp(&tuples[i], t, sizeof(*t)))
			return tuple_ids[i];
	return XF_NO_RULE;
}

static void test_random_tuples(void **state)
{
	struct xf_rule_spec *specs;
	const char *env = getenv("XF_TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 0x5eed2024ULL;
	char err[256], words[256];
	long bad;
	int ret, hits = 0, misses = 0;

	(void)state;
	rng = seed ? seed : 1;
	print_message("  seed %#llx (XF_TEST_SEED to change)\n", (unsigned long long)seed);
	specs = calloc(NRAND, sizeof(*specs));
	assert_non_null(specs);
	for (int i = 0; i < NRAND; i++) {
		do {
			tuple_random(&tuples[i], i % 2 ? 6 : 4);
		} while (i && memcmp(&tuples[i], &tuples[i - 1], sizeof(tuples[i])) == 0);
		tuple_words(&tuples[i], words, sizeof(words));
		spec_of(words, &specs[i]);
	}
	ret = xf_rules_add(&E->m, specs, NRAND, tuple_ids, &bad, err, sizeof(err));
	free(specs);
	if (ret)
		fail_msg("adding %d random rules: %s (rule %ld)", NRAND, err, bad);
	assert_int_equal(rules_count(), NRAND);

	for (int fam = 4; fam <= 6; fam += 2) {
		for (int n = 0; n < 10; n++) {
			int pick = (int)(rnd() % (NRAND / 2)) * 2 + (fam == 6);
			struct tuple t = tuples[pick], m;

			assert_int_equal(t.fam, fam);
			tuple_frame(&t, &F);
			run(&F);
			if (R.t.rule != tuple_ids[pick])
				fail_msg("IPv%d frame %d equal to rule %u's tuple: rule %u won", fam,
					 n, tuple_ids[pick], R.t.rule);
			expect_retval(XDP_DROP);
			hits++;

			/* the same frame with one field changed */
			for (int k = 0; k < 5; k++) {
				int bytes = fam == 4 ? 4 : 16;
				__u32 want;

				m = t;
				switch (k) {
				case 0: m.src[rnd() % bytes] ^= (uint8_t)(1u << (rnd() % 8)); break;
				case 1: m.dst[rnd() % bytes] ^= (uint8_t)(1u << (rnd() % 8)); break;
				case 2: m.sport ^= (uint16_t)(1u << (rnd() % 16)); break;
				case 3: m.dport ^= (uint16_t)(1u << (rnd() % 16)); break;
				case 4: m.proto = m.proto == P_TCP ? P_UDP : P_TCP; break;
				}
				want = tuple_lookup(&m);
				tuple_frame(&m, &F);
				run(&F);
				if (R.t.rule != want)
					fail_msg("IPv%d frame %d with field %d changed: rule %u won, "
						 "expected %u", fam, n, k, R.t.rule, want);
				misses += want == XF_NO_RULE;
			}
		}
		/* ten frames of wholly random tuples */
		for (int n = 0; n < 10; n++) {
			struct tuple t;

			tuple_random(&t, fam);
			tuple_frame(&t, &F);
			run(&F);
			assert_int_equal(R.t.rule, tuple_lookup(&t));
		}
	}
	assert_int_equal(hits, 20);
	assert_true(misses >= 95);
	assert_int_equal(counter(E->m.action_stats, XF_ACT_DROP).packets, 20);
}

/* ------------------------------------------------------------------ */
/* Without tracing                                                      */
/* ------------------------------------------------------------------ */

static void test_notrace_leaves_trace_map(void **state)
{
	struct fdesc d = UDP(A4, 1, B4, 53);
	struct xf_trace t;
	__u32 zero = 0, id;

	(void)state;
	id = add_rule("dport 53 action drop");
	build(&F, &d);
	run(&F);
	expect_retval(XDP_DROP);
	assert_int_equal(bpf_map_lookup_elem(E->m.trace, &zero, &t), 0);
	assert_int_equal(t.seq, 0);
	assert_int_equal(t.rule, 0);
	expect_rule_stats(id, 1, F.b.len);
}

/* ------------------------------------------------------------------ */
/* Verdict cache                                                       */
/* ------------------------------------------------------------------ */

/*
 * The cases use hashed shapes (sport, proto, ...): with port shapes alone
 * the program skips the cache.  The cache is per CPU: a case pins itself to one CPU so that its second
 * test_run reads the entry its first one wrote, and reads that CPU's copy.
 */
static cpu_set_t cache_saved_cpus;
static int cache_cpu = -1;

static void cache_pin(void)
{
	cpu_set_t one;

	assert_int_equal(sched_getaffinity(0, sizeof(cache_saved_cpus), &cache_saved_cpus), 0);
	cache_cpu = sched_getcpu();
	assert_true(cache_cpu >= 0);
	CPU_ZERO(&one);
	CPU_SET(cache_cpu, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
}

static int cache_unpin(void **state)
{
	(void)state;
	if (cache_cpu >= 0)
		sched_setaffinity(0, sizeof(cache_saved_cpus), &cache_saved_cpus);
	cache_cpu = -1;
	return 0;
}

/* The cache key and slot of frame f, from the host build of the parser. */
static __u32 vkey_of_frame(const struct frame *f, struct xf_vkey *k)
{
	struct xf_pkt p;

	if (xf_parse(&p, (void *)f->d, (void *)(f->d + f->b.len), (__u32)f->b.len))
		fail_msg("a cache test frame does not parse");
	memset(k, 0, sizeof(*k));
	xf_vkey_of(k, &p);
	return xf_vkey_slot(k);
}

/* Does this CPU's cache hold a valid verdict for f, naming `rule`? */
static bool cache_holds(const struct frame *f, __u32 rule)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(E->skel->maps.vcache);
	struct xf_vcache_entry *all, *e;
	struct xf_config cfg;
	struct xf_vkey k;
	__u32 slot = vkey_of_frame(f, &k);
	bool ok;

	assert_true(ncpu > cache_cpu && cache_cpu >= 0);
	all = calloc(ncpu, sizeof(*all));
	assert_non_null(all);
	assert_int_equal(bpf_map_lookup_elem(fd, &slot, all), 0);
	assert_int_equal(xf_config_get(&E->m, &cfg), 0);
	e = &all[cache_cpu];
	ok = e->stamp == cfg.generation + 1 && !memcmp(&e->key, &k, sizeof(k)) &&
	     e->rule == rule;
	free(all);
	return ok;
}

/* Run f and expect verdict `want` from rule `rule` (0: none), then cached. */
static void expect_cached_run(const struct frame *f, __u32 want, __u32 rule)
{
	run(f);
	expect_retval(want);
	if (R.t.rule != rule)
		fail_msg("rule %u won, expected rule %u", R.t.rule, rule);
	if (!cache_holds(f, rule))
		fail_msg("the cache holds no valid verdict (rule %u) for the frame", rule);
}

static void test_cache_repeat_counts(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 id;

	(void)state;
	cache_pin();
	id = add_rule("sport 1000 action drop");
	build(&F, &d);
	for (int i = 0; i < 3; i++)
		expect_cached_run(&F, XDP_DROP, id);
	expect_rule_stats(id, 3, 3 * F.b.len);
	expect_actions(XF_ACT_DROP, 3, 3 * F.b.len);
}

/*
 * The stale-verdict cases: the same frame before and after one change of
 * each kind, with the first verdict in the cache when the change is made.
 */

/* A UDP frame in F whose miss is cached: a hashed shape in use, no match. */
static void cache_prime_miss(void)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);

	cache_pin();
	add_rule("sport 80 action tx");
	build(&F, &d);
	expect_cached_run(&F, XDP_PASS, 0);
}
static void test_cache_stale_add(void **state)
{
	__u32 id;

	(void)state;
	cache_prime_miss();
	id = add_rule("sport 1000 action drop");
	expect_cached_run(&F, XDP_DROP, id);
	expect_rule_stats(id, 1, F.b.len);
}

static void test_cache_stale_add_better_shape(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 a, b;

	(void)state;
	cache_pin();
	a = add_rule("proto udp priority 20 action tx");
	build(&F, &d);
	expect_cached_run(&F, XDP_TX, a);
	b = add_rule("dport 53 priority 10 action drop");	/* a new shape */
	expect_cached_run(&F, XDP_DROP, b);
	expect_rule_stats(a, 1, F.b.len);
	expect_rule_stats(b, 1, F.b.len);
}

static void test_cache_stale_del(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 id;

	(void)state;
	cache_pin();
	id = add_rule("sport 1000 action drop");
	add_rule("sport 80 action tx");		/* the shape stays in use */
	build(&F, &d);
	expect_cached_run(&F, XDP_DROP, id);
	del_rule(id);
	expect_cached_run(&F, XDP_PASS, 0);
}

static void test_cache_stale_del_shape(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 a, b;

	(void)state;
	cache_pin();
	a = add_rule("proto udp priority 10 action drop");
	b = add_rule("sport 1000 priority 20 action tx");
	build(&F, &d);
	expect_cached_run(&F, XDP_DROP, a);
	del_rule(a);				/* its shape goes */
	expect_cached_run(&F, XDP_TX, b);
}

static void test_cache_stale_flush(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 id;

	(void)state;
	cache_pin();
	id = add_rule("sport 1000 action drop");
	build(&F, &d);
	expect_cached_run(&F, XDP_DROP, id);
	assert_int_equal(xf_rules_flush(&E->m, NULL), 0);
	run(&F);
	expect_retval(XDP_PASS);
	assert_int_equal(R.t.rule, 0);
	expect_rule_stats(id, 1, F.b.len);
	/* and after new rules, the old entry is not revived */
	add_rule("sport 80 action tx");
	expect_cached_run(&F, XDP_PASS, 0);
}

static void test_cache_stale_load(void **state)
{
	static const char *const batch[] = { "proto tcp action tx",
					     "dport 53 priority 5 action drop" };
	__u32 ids[2];
	char err[256];
	long bad;

	(void)state;
	cache_prime_miss();
	if (try_add(batch, 2, ids, &bad, err, sizeof(err)))
		fail_msg("loading the batch failed: %s", err);
	expect_cached_run(&F, XDP_DROP, ids[1]);
}

static void test_cache_stale_policy(void **state)
{
	(void)state;
	cache_prime_miss();
	set_policy(XF_ACT_DROP, XF_ACT_PASS, 0);
	expect_cached_run(&F, XDP_DROP, 0);
	expect_counter(E->m.action_stats, "action_stats", XF_ACT_DROP, "drop", 1, F.b.len);
}

/* A failed batch leaves the verdicts as they were, cached or not. */
static void test_cache_failed_batch(void **state)
{
	static const char *const batch[] = { "dport 53 action drop", "dport 53 action tx" };
	__u32 ids[2];
	char err[256];
	long bad;

	(void)state;
	cache_prime_miss();
	assert_int_equal(try_add(batch, 2, ids, &bad, err, sizeof(err)), -EEXIST);
	expect_cached_run(&F, XDP_PASS, 0);
}

/* Two flows whose tuples hash to the same slot take turns in it. */
static void test_cache_shared_slot(void **state)
{
	static __u16 seen[XF_VCACHE_SIZE];
	struct fdesc da = UDP(A4, 0, B4, 53), db = UDP(A4, 0, B4, 53);
	struct xf_vkey k;
	char words[64];
	__u32 id, slot = 0;

	(void)state;
	cache_pin();
	memset(seen, 0, sizeof(seen));
	for (__u16 sp = 1; sp < 60000 && !db.sport; sp++) {
		da.sport = sp;
		build(&F, &da);
		slot = vkey_of_frame(&F, &k);
		if (seen[slot])
			db.sport = seen[slot];
		else
			seen[slot] = sp;
	}
	if (!db.sport)
		fail_msg("no two source ports share a cache slot");
	build(&F, &da);
	build(&G, &db);
	assert_int_equal(vkey_of_frame(&G, &k), slot);

	snprintf(words, sizeof(words), "proto udp sport %u action drop", da.sport);
	id = add_rule(words);
	add_rule("proto udp sport 7 action tx");	/* a rule the other flow misses */
	for (int i = 0; i < 3; i++) {
		expect_cached_run(&F, XDP_DROP, id);
		expect_cached_run(&G, XDP_PASS, 0);
		if (cache_holds(&F, id))
			fail_msg("the two flows do not share a slot");
	}
	expect_rule_stats(id, 3, 3 * F.b.len);
	expect_counter(E->m.action_stats, "action_stats", XF_ACT_PASS, "pass", 3, 3 * G.b.len);
	expect_counter(E->m.action_stats, "action_stats", XF_ACT_DROP, "drop", 3, 3 * F.b.len);
}

/* ------------------------------------------------------------------ */
/* Port table                                                          */
/* ------------------------------------------------------------------ */

/* The rule id in port_rules for (kind, proto, dport), 0 when empty. */
static __u32 port_entry(__u32 kind, __u8 proto, __u16 dport)
{
	__u32 at = xf_port_index(kind, proto, dport);
	struct xf_rule r;

	assert_true(at < XF_PORT_RULES);
	assert_int_equal(bpf_map_lookup_elem(E->m.port_rules, &at, &r), 0);
	return r.id;
}

static void test_port_table_add_del(void **state)
{
	struct fdesc u53 = UDP(A4, 1000, B4, 53), u54 = UDP(A4, 1000, B4, 54);
	__u32 a, b;

	(void)state;
	a = add_rule("proto udp dport 53 action drop");
	b = add_rule("proto udp dport 54 action tx");	/* same shape: it stays */
	assert_int_equal(port_entry(XF_PK_PROTO_DPORT, P_UDP, 53), a);
	assert_int_equal(port_entry(XF_PK_PROTO_DPORT, P_UDP, 54), b);
	assert_int_equal(port_entry(XF_PK_PROTO_DPORT, P_TCP, 53), 0);
	expect_winner(&u53, a);
	expect_retval(XDP_DROP);
	del_rule(a);
	assert_int_equal(port_entry(XF_PK_PROTO_DPORT, P_UDP, 53), 0);
	expect_winner(&u53, 0);
	expect_retval(XDP_PASS);
	expect_winner(&u54, b);
	expect_retval(XDP_TX);
	assert_int_equal(xf_rules_flush(&E->m, NULL), 0);
	assert_int_equal(port_entry(XF_PK_PROTO_DPORT, P_UDP, 54), 0);
	expect_winner(&u54, 0);
}

/* dport alone matches TCP, UDP and SCTP; with a proto, only that one. */
static void test_port_table_protocols(void **state)
{
	struct fdesc t = TCP(A4, 1000, B4, 53), u = UDP(A6, 1000, B6, 53),
		     sc = SCTP(A4, 1000, B4, 53, TAG(7)), u80 = UDP(A4, 53, B4, 80);
	__u32 any, tcp;

	(void)state;
	any = add_rule("dport 53 priority 20 action tx");
	tcp = add_rule("proto tcp dport 53 priority 10 action drop");
	assert_int_equal(port_entry(XF_PK_DPORT, 0, 53), any);
	expect_winner(&t, tcp);
	expect_retval(XDP_DROP);
	expect_winner(&u, any);
	expect_retval(XDP_TX);
	expect_winner(&sc, any);
	expect_winner(&u80, 0);		/* sport 53 is not dport 53 */
}

/* A refused batch leaves no entry behind in the port table. */
static void test_port_table_refused_batch(void **state)
{
	static const char *const batch[] = { "proto udp dport 53 action drop",
					     "proto udp dport 53 action tx" };
	__u32 ids[2];
	char err[256];
	long bad;

	(void)state;
	assert_int_equal(try_add(batch, 2, ids, &bad, err, sizeof(err)), -EEXIST);
	assert_int_equal(port_entry(XF_PK_PROTO_DPORT, P_UDP, 53), 0);
}

/* With port shapes only, frames skip the cache: nothing is stored. */
static void test_port_only_skips_cache(void **state)
{
	struct fdesc d = UDP(A4, 1000, B4, 53);
	__u32 id;

	(void)state;
	cache_pin();
	id = add_rule("proto udp dport 53 action drop");
	build(&F, &d);
	run(&F);
	expect_retval(XDP_DROP);
	assert_int_equal(R.t.rule, id);
	if (cache_holds(&F, id))
		fail_msg("a frame under port rules alone went through the cache");
	add_rule("sport 9 action tx");		/* a hashed shape: now it does */
	expect_cached_run(&F, XDP_DROP, id);
}

/* ------------------------------------------------------------------ */
/* main                                                                 */
/* ------------------------------------------------------------------ */

static struct CMUnitTest tests[256];
static size_t ntests;

static void add_test(const char *name, CMUnitTestFunction fn, const void *state)
{
	if (ntests == ARRAY_SIZE(tests)) {
		fprintf(stderr, "too many tests\n");
		exit(1);
	}
	tests[ntests++] = (struct CMUnitTest){
		.name = name,
		.test_func = fn,
		.setup_func = case_setup,
		.teardown_func = NULL,
		.initial_state = (void *)state,
	};
}

#define ADD(name, fn) add_test(name, fn, NULL)

/* A verdict cache case: pinned to one CPU, unpinned after, pass or fail. */
static void add_cache_test(const char *name, CMUnitTestFunction fn)
{
	add_test(name, fn, NULL);
	tests[ntests - 1].teardown_func = cache_unpin;
}

/* A case that opens an AF_XDP socket: closed after it, pass or fail. */
static void add_meta_test(const char *name, CMUnitTestFunction fn, const void *state,
			  CMFixtureFunction teardown)
{
	add_test(name, fn, state);
	tests[ntests - 1].teardown_func = teardown;
}

/* Our own network namespace: lo up, forwarding on, no routes. */
static void enter_netns(void)
{
	if (getenv("XF_TEST_NO_NETNS") || unshare(CLONE_NEWNET)) {
		fprintf(stderr, "note: staying in the current network namespace (%s); "
			"routing-dependent cases are skipped\n",
			getenv("XF_TEST_NO_NETNS") ? "XF_TEST_NO_NETNS" : strerror(errno));
		return;
	}
	if (sh("ip link set lo up") ||
	    write_file("/proc/sys/net/ipv4/conf/all/forwarding", "1") ||
	    write_file("/proc/sys/net/ipv6/conf/all/forwarding", "1")) {
		fprintf(stderr, "note: cannot set up the private namespace; "
			"routing-dependent cases are skipped\n");
		return;
	}
	netns_private = true;
}

int main(void)
{
	int failed = 0;
	size_t i;

	if (geteuid() != 0)
		fprintf(stderr, "note: BPF_PROG_TEST_RUN of an XDP program needs root\n");
	enter_netns();

	/* the main group: default table size, tracing on */
	ntests = 0;
	for (i = 0; i < ARRAY_SIZE(empty_cases); i++)
		add_test(empty_cases[i].name, test_empty_row, &empty_cases[i]);
	ADD("Empty maps: counters add up over many frames", test_empty_all_add_up);
	for (i = 0; i < ARRAY_SIZE(action_cases); i++)
		add_test(action_cases[i].name, test_action_row, &action_cases[i]);
	ADD("Adding a redirect rule puts its device into the devmap", test_redirect_adds_port);
	ADD("test_run reports a devmap redirect as XDP_REDIRECT", test_redirect_retval);
	ADD("Fwd to a routed IPv4 neighbour rewrites MACs, decrements TTL, redirects",
	    test_fwd_ipv4_routed);
	ADD("Fwd keeps the IPv4 checksum right for every TTL", test_fwd_ipv4_checksum_every_ttl);
	ADD("Fwd to a routed IPv6 neighbour rewrites MACs, decrements hop limit, redirects",
	    test_fwd_ipv6_routed);
	ADD("Fwd whose egress is missing from the devmap passes and counts fwd-no-port",
	    test_fwd_routed_no_port);
	ADD("Fwd to a routed destination without a neighbour passes and counts fwd-to-kernel",
	    test_fwd_routed_no_neighbour);
	ADD("Fwd of an IPv4 packet at the egress MTU (1500) is forwarded", test_fwd_ipv4_at_mtu);
	ADD("Fwd of an IPv4 packet 20 bytes over the egress MTU goes to the kernel",
	    test_fwd_ipv4_over_mtu);
	ADD("Fwd of an IPv6 packet at the egress MTU (1500) is forwarded", test_fwd_ipv6_at_mtu);
	ADD("Fwd of an IPv6 packet 20 bytes over the egress MTU goes to the kernel",
	    test_fwd_ipv6_over_mtu);
	ADD("Xsk redirects frames of the queue that has a socket and passes the others",
	    test_xsk_queue_selects_socket);
	ADD("Xsk on queue 2 without a socket counts no_socket on queue 2 only, xsk nowhere",
	    test_xsk_no_socket_per_queue);
	for (i = 0; i < ARRAY_SIZE(meta_cases); i++)
		add_meta_test(meta_cases[i].name, test_meta_row, &meta_cases[i], meta_teardown);
	add_meta_test("Metadata: pass, drop, tx, redirect and xsk without a socket carry none",
		      test_meta_only_for_xsk, NULL, meta_teardown);
	for (i = 0; i < ARRAY_SIZE(match_cases); i++)
		add_test(match_cases[i].name, test_match_row, &match_cases[i]);
	ADD("Priorities: the lower priority wins whichever rule was added first",
	    test_prio_lower_wins_either_order);
	ADD("Priorities: equal priority goes to the lower rule id", test_prio_equal_lower_id_wins);
	ADD("Priorities: equal priority goes to the lower id even in a shape searched later",
	    test_prio_equal_lower_id_in_later_shape);
	ADD("Priorities: deleting the winner lets the other rule win", test_prio_delete_winner);
	ADD("Priorities: five overlapping shapes win in priority order as winners are deleted",
	    test_prio_four_shapes_in_turn);
	ADD("Priorities: a shape's best rule missing does not hide a match in another shape",
	    test_prio_shape_best_elsewhere);
	ADD("Priorities: a better rule added to an existing shape wins",
	    test_prio_add_better_to_shape);
	ADD("Priorities: after deleting a shape's best rule its next best still wins",
	    test_prio_delete_shape_best);
	ADD("Priorities: priority 0 beats all, the largest priority still matches",
	    test_prio_extremes);
	add_cache_test("Cache: a repeated frame is answered from the cache and counted each time",
		       test_cache_repeat_counts);
	add_cache_test("Cache: a cached miss is not kept after a matching rule is added",
		       test_cache_stale_add);
	add_cache_test("Cache: a cached hit gives way to a better rule in a new shape",
		       test_cache_stale_add_better_shape);
	add_cache_test("Cache: a cached hit is not kept after its rule is deleted",
		       test_cache_stale_del);
	add_cache_test("Cache: a cached hit is not kept after its shape's last rule goes",
		       test_cache_stale_del_shape);
	add_cache_test("Cache: a cached hit is not kept, nor revived, after a flush",
		       test_cache_stale_flush);
	add_cache_test("Cache: a cached miss is not kept after a batch load", test_cache_stale_load);
	add_cache_test("Cache: a cached miss follows a change of the default action",
		       test_cache_stale_policy);
	add_cache_test("Cache: a refused batch leaves the verdict as it was",
		       test_cache_failed_batch);
	add_cache_test("Cache: two flows sharing a slot each get their own verdict",
		       test_cache_shared_slot);
	ADD("Port table: entries follow add, del and flush of proto+dport rules",
	    test_port_table_add_del);
	ADD("Port table: dport alone matches TCP, UDP and SCTP, with a proto only that one",
	    test_port_table_protocols);
	ADD("Port table: a refused batch leaves no entry", test_port_table_refused_batch);
	add_cache_test("Port table: with port shapes alone frames skip the cache",
		       test_port_only_skips_cache);
	ADD("Rule counters count exactly the frames each rule won", test_rule_stats_count_wins);
	ADD("A reused rule id starts with zeroed counters", test_rule_stats_reused_id_zeroed);
	ADD("The trace map holds the frame's VLANs, addresses, ports and rule",
	    test_trace_fields);
	for (i = 0; i < ARRAY_SIZE(error_cases); i++)
		add_test(error_cases[i].name, test_error_row, &error_cases[i]);
	ADD("A default action out of range acts and counts as pass", test_default_out_of_range);
	ADD("A truncated frame under errors drop is XDP_DROP, counted under its error and drop",
	    test_error_truncated_dropped);
	ADD("A truncated frame under errors pass is passed even with default drop",
	    test_error_truncated_passed);
	ADD("Shapes: 16 distinct shapes fit; a 17th is refused with ENOSPC, table unchanged",
	    test_shapes_sixteen_then_full);
	ADD("Shapes: deleting a shape's last rule frees its slot for a new shape",
	    test_shapes_slot_reuse);
	ADD("Shapes: a rule equal to an existing one is refused with EEXIST",
	    test_shapes_duplicate_refused);
	for (i = 0; i < ARRAY_SIZE(jumbo_cases); i++)
		add_test(jumbo_cases[i].name, test_jumbo_row, &jumbo_cases[i]);
	ADD("A 9000-byte frame under tx comes back whole with the MACs swapped",
	    test_jumbo_tx_whole);
	ADD("1000 random exact 5-tuple rules: equal frames hit their rule, mutated ones do not",
	    test_random_tuples);
	ADD("Processor API: ops of another version are refused, and the message goes to the print callback",
	    test_proc_api_version_refused);
	failed += _cmocka_run_group_tests("xdp_fwd test_run", tests, ntests, group_main,
					  env_unload);

	/* a table of 8 rules */
	ntests = 0;
	ADD("Full table: 8 rules fit, the 9th is refused with ENOSPC and nothing changes",
	    test_full_ninth_refused);
	ADD("Full table: a batch larger than the room left adds none",
	    test_full_batch_overflow_adds_none);
	ADD("Full table: a batch with one duplicate adds none", test_full_bad_batch_adds_none);
	ADD("Full table: a batch with a redirect to a missing device adds none",
	    test_full_bad_redirect_batch_adds_none);
	failed += _cmocka_run_group_tests("xdp_fwd max_rules 8", tests, ntests, group_small,
					  env_unload);

	/* tracing off */
	ntests = 0;
	ADD("Without tracing the trace map stays untouched", test_notrace_leaves_trace_map);
	failed += _cmocka_run_group_tests("xdp_fwd no trace", tests, ntests, group_notrace,
					  env_unload);

	/* the metadata switched off at load */
	ntests = 0;
	add_meta_test("Metadata off: an xsk verdict hands the frame over without metadata",
		      test_meta_switched_off, NULL, meta_teardown);
	add_meta_test("Metadata: no stale metadata is vouched for after the program is replaced",
		      test_meta_stale_after_replace, NULL, meta_twin_teardown);
	failed += _cmocka_run_group_tests("xdp_fwd no metadata", tests, ntests, group_nometa,
					  env_unload);

	/* sized for 2 RX queues */
	ntests = 0;
	ADD("Xsk on a queue beyond the map passes, counted in the totals, not per queue",
	    test_xsk_queue_beyond_map);
	failed += _cmocka_run_group_tests("xdp_fwd max_queues 2", tests, ntests, group_2queues,
					  env_unload);

	return failed ? 1 : 0;
}
