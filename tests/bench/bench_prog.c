// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_prog - per-packet cost of the xdp-fwd program, measured with
 * BPF_PROG_TEST_RUN (no interface, no driver: the program's own cost plus
 * the kernel's test loop).
 *
 * The runs are interleaved (run 1 of every row, run 2 of every row, ...)
 * so that a slow patch of the machine spreads over all rows instead of
 * hitting one.  Each row reports the median over the runs of the kernel's
 * mean duration per repetition (bpf_test_run_opts.duration, whole ns).
 *
 * Before measuring, every row is checked once: the verdict, that the frame
 * parsed without error, and that a "hit" frame hit the intended rule and a
 * "miss" frame hit none.  No speed is asserted anywhere.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_ref.skel.h"
#include "xdp_drop.skel.h"
#include "xdp_fwd.skel.h"
#include "xf_abi.h"
#include "xf_loader.h"
#include "xf_maps.h"
#include "xf_parse.h"
#include "xf_pkt.h"
#include "xf_rules.h"
#include "xf_util.h"
#include "xf_xsk.h"

static int verbose;

static void bench_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bench_err(const char *fmt, ...)
{
	va_list ap;

	fputs("bench_prog: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define MAX_RUNS	101
#define MAX_ROWS	64
#define WARMUP_REPEAT	1000

/* Goals of issue 14: a row's cost over the xdp_drop baseline (or, for the
 * port rule, over the reference program), never asserted, only reported. */
#define GOAL_NO_RULES	1.5
#define GOAL_PORT_REF	1.0
#define GOAL_EXACT	2.5
#define GOAL_SHAPES	3.0
#define REF_FLOWS	10000	/* entries in the reference program's hash */
#define PORT_DPORT	53	/* the one port rule: proto udp dport 53 */

/* ---- frames ---------------------------------------------------------- */

enum frame_kind { FR_IPV4_UDP, FR_IPV6_TCP, FR_VLAN_IPV4_UDP, FR_KINDS };

static const char *const frame_names[FR_KINDS] = {
	"ipv4-udp", "ipv6-tcp", "vlan-ipv4-udp",
};

/*
 * 64 bytes as handed to the program (no FCS).  IPv6/TCP cannot be that
 * short: Ethernet 14 + IPv6 40 + TCP 20 = 74 bytes is its minimum.
 */
static const __u32 frame_len[FR_KINDS] = { 64, 74, 64 };

struct tuple {
	__u8 family;		/* XF_L3_IPV4 / XF_L3_IPV6 */
	__u8 proto;
	__u16 vlan;		/* 0: untagged */
	__be32 src[4], dst[4];
	__u16 sport, dport;	/* host order */
};

/* Write the frame for t into buf (>= 128 bytes); returns its length. */
static __u32 build_frame(enum frame_kind kind, const struct tuple *t, __u8 *buf)
{
	static const __u8 dmac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const __u8 smac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	bool v6 = kind == FR_IPV6_TCP;
	struct xf_pkt_opts o = {
		.dmac = dmac, .smac = smac,
		.vlan = kind == FR_VLAN_IPV4_UDP ? (t->vlan & 0x0fff) : 0,
		.family = v6 ? 6 : 4,
		.ip = { .src = t->src, .dst = t->dst,
			.proto = v6 ? XF_IPPROTO_TCP : XF_IPPROTO_UDP,
			.frag = v6 ? 0 : 0x4000 /* DF */ },
		.sport = t->sport, .dport = t->dport,
		.size = frame_len[kind],
	};
	struct xf_pkt_buf b = { .data = buf, .cap = 128 };

	memset(buf, 0, 128);
	/* the frames are fixed and fit: a failure here is a bug in this file */
	if (xf_pkt_build(&b, &o)) {
		fprintf(stderr, "bench_prog: cannot build the %s frame\n", frame_names[kind]);
		exit(1);
	}
	return (__u32)b.len;
}

static void v4(__be32 a[4], __u8 b0, __u8 b1, __u8 b2, __u8 b3)
{
	memset(a, 0, 16);
	a[0] = htonl((__u32)b0 << 24 | (__u32)b1 << 16 | (__u32)b2 << 8 | b3);
}

/* 2001:db8:W2:W3::low32 */
static void v6(__be32 a[4], __u16 w2, __u16 w3, __u32 low)
{
	a[0] = htonl(0x20010db8);
	a[1] = htonl((__u32)w2 << 16 | w3);
	a[2] = 0;
	a[3] = htonl(low);
}

/*
 * The frames' base tuples: 10.1.0.1 > 10.2.0.1 UDP 40000 > 53 (vlan 100
 * when tagged), 2001:db8:1::1 > 2001:db8:2::1 TCP 40000 > 443.
 */
static struct tuple base_tuple(enum frame_kind kind)
{
	struct tuple t = { .sport = 40000 };

	if (kind == FR_IPV6_TCP) {
		t.family = XF_L3_IPV6;
		t.proto = XF_IPPROTO_TCP;
		v6(t.src, 1, 0, 1);
		v6(t.dst, 2, 0, 1);
		t.dport = 443;
	} else {
		t.family = XF_L3_IPV4;
		t.proto = XF_IPPROTO_UDP;
		v4(t.src, 10, 1, 0, 1);
		v4(t.dst, 10, 2, 0, 1);
		t.dport = 53;
		if (kind == FR_VLAN_IPV4_UDP)
			t.vlan = 100;
	}
	return t;
}

/* ---- rule sets --------------------------------------------------------- */

#define EXACT_RULES	10000	/* config (c): half IPv4, half IPv6 */
#define EXACT_HIT	1234	/* index (within a family) of the rule hit */
#define EXACT_MISS_SPORT 9	/* no exact rule has this source port */
#define SHAPE_RULES	250	/* config (d): 4 shapes x 250 = 1000 rules */
#define SHAPE_HIT	99	/* index (within shape 4) of the rule hit */

static struct xf_rule_spec spec_base(__u32 action, __u32 priority)
{
	struct xf_rule_spec s;

	memset(&s, 0, sizeof(s));
	s.action = action;
	s.priority = priority;
	return s;
}

/*
 * (c) exact 5-tuples.  Rule i of IPv4: udp 10.1.(i/256).(i%256+1)/32 >
 * 10.2.0.1/32, 10000+i > 53.  Rule i of IPv6: tcp 2001:db8:1::(i+1)/128 >
 * 2001:db8:2::1/128, 20000+i > 443.
 */
static size_t gen_exact(struct xf_rule_spec *out, __u32 action)
{
	size_t n = 0;

	for (__u32 i = 0; i < EXACT_RULES / 2; i++, n++) {
		struct xf_rule_spec *s = &out[n];

		*s = spec_base(action, XF_DEFAULT_PRIORITY);
		s->fields = XF_F_PROTO | XF_F_SRC | XF_F_DST | XF_F_SPORT | XF_F_DPORT;
		s->family = XF_L3_IPV4;
		s->src_plen = s->dst_plen = 32;
		s->proto = XF_IPPROTO_UDP;
		v4(s->src, 10, 1, i / 256, i % 256 + 1);
		v4(s->dst, 10, 2, 0, 1);
		s->sport = 10000 + i;
		s->dport = 53;
	}
	for (__u32 i = 0; i < EXACT_RULES / 2; i++, n++) {
		struct xf_rule_spec *s = &out[n];

		*s = spec_base(action, XF_DEFAULT_PRIORITY);
		s->fields = XF_F_PROTO | XF_F_SRC | XF_F_DST | XF_F_SPORT | XF_F_DPORT;
		s->family = XF_L3_IPV6;
		s->src_plen = s->dst_plen = 128;
		s->proto = XF_IPPROTO_TCP;
		v6(s->src, 1, 0, i + 1);
		v6(s->dst, 2, 0, 1);
		s->sport = 20000 + i;
		s->dport = 443;
	}
	return n;
}

/* The frame that hits exact rule EXACT_HIT of its family. */
static struct tuple exact_hit_tuple(enum frame_kind kind)
{
	struct tuple t = base_tuple(kind);

	if (kind == FR_IPV6_TCP) {
		v6(t.src, 1, 0, EXACT_HIT + 1);
		t.sport = 20000 + EXACT_HIT;
	} else {
		v4(t.src, 10, 1, EXACT_HIT / 256, EXACT_HIT % 256 + 1);
		t.sport = 10000 + EXACT_HIT;
	}
	return t;
}

static size_t exact_hit_index(enum frame_kind kind)
{
	return kind == FR_IPV6_TCP ? EXACT_RULES / 2 + EXACT_HIT : EXACT_HIT;
}

/*
 * (d) four shapes of 250 rules, priorities 100 < 200 < 300 < 400, laid out
 * so that the frames of `kind` can be looked up in all four and match
 * none of the first three:
 *   1. dst /24 (IPv6: /64) + dport     10.20.i.0/24 or 2001:db8:20:i::/64, dport 1000+i
 *   2. src /16 (IPv6: /48)             100.i.0.0/16 or 2001:db8:(256+i)::/48
 *   3. proto + dport                   the frame's proto, dport 2000+i
 *   4. vlan (tagged frames)            vlan 1+i
 *      or proto + sport (untagged)     the frame's proto, sport 30000+i
 * A tagged frame cannot be looked up in a VLAN-less "worst case" and an
 * untagged one skips the vlan shape, hence the one shape that differs.
 */
static size_t gen_shapes(struct xf_rule_spec *out, enum frame_kind kind, __u32 action)
{
	struct tuple b = base_tuple(kind);
	bool six = kind == FR_IPV6_TCP;
	size_t n = 0;

	for (__u32 shape = 0; shape < 4; shape++) {
		for (__u32 i = 0; i < SHAPE_RULES; i++, n++) {
			struct xf_rule_spec *s = &out[n];

			*s = spec_base(action, 100 * (shape + 1));
			switch (shape) {
			case 0:
				s->fields = XF_F_DST | XF_F_DPORT;
				s->family = b.family;
				if (six) {
					v6(s->dst, 0x20, i, 0);
					s->dst_plen = 64;
				} else {
					v4(s->dst, 10, 20, i, 0);
					s->dst_plen = 24;
				}
				s->dport = 1000 + i;
				break;
			case 1:
				s->fields = XF_F_SRC;
				s->family = b.family;
				if (six) {
					v6(s->src, 256 + i, 0, 0);
					s->src_plen = 48;
				} else {
					v4(s->src, 100, i, 0, 0);
					s->src_plen = 16;
				}
				break;
			case 2:
				s->fields = XF_F_PROTO | XF_F_DPORT;
				s->proto = b.proto;
				s->dport = 2000 + i;
				break;
			default:
				if (kind == FR_VLAN_IPV4_UDP) {
					s->fields = XF_F_VLAN;
					s->vlan = 1 + i;
				} else {
					s->fields = XF_F_PROTO | XF_F_SPORT;
					s->proto = b.proto;
					s->sport = 30000 + i;
				}
			}
		}
	}
	return n;
}

/* The one port rule of issue 14's second goal: proto udp dport 53. */
static size_t gen_port(struct xf_rule_spec *out, __u32 action)
{
	out[0] = spec_base(action, XF_DEFAULT_PRIORITY);
	out[0].fields = XF_F_PROTO | XF_F_DPORT;
	out[0].proto = XF_IPPROTO_UDP;
	out[0].dport = PORT_DPORT;
	return 1;
}

static struct tuple shapes_tuple(enum frame_kind kind, bool hit)
{
	struct tuple t = base_tuple(kind);

	if (kind == FR_VLAN_IPV4_UDP)
		t.vlan = hit ? 1 + SHAPE_HIT : 3000;
	else
		t.sport = hit ? 30000 + SHAPE_HIT : 29000;
	return t;
}

/*
 * The reference program's flows: REF_FLOWS IPv4/UDP 5-tuples, the first of
 * which is the ipv4-udp base frame's, so that its lookup hits in a table
 * about the size of config (c)'s.
 */
struct ref_key {			/* as in bench_ref.bpf.c */
	__be32 saddr, daddr;
	__be16 sport, dport;
	__u8 proto, pad[3];
};

static int ref_fill(int fd)
{
	struct tuple b = base_tuple(FR_IPV4_UDP);
	__u32 one = 1;

	for (__u32 i = 0; i < REF_FLOWS; i++) {
		struct ref_key k = {
			.saddr = b.src[0],
			.daddr = b.dst[0],
			.sport = htons(b.sport + i),
			.dport = htons(b.dport),
			.proto = XF_IPPROTO_UDP,
		};

		if (bpf_map_update_elem(fd, &k, &one, BPF_ANY)) {
			bench_err("cannot fill the reference program's map: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* ---- the programs and the rule set in place --------------------------- */

/*
 * Two program instances: the baseline, and one xdp-fwd whose rules and
 * default action are swapped as the rows need them.  Verifying xdp-fwd
 * takes about a second, so it is loaded once; a swap (flush and add, at
 * most 10k rules) takes milliseconds and happens outside the timed runs.
 */
enum rule_set { RS_NONE, RS_EXACT, RS_SHAPES, RS_PORT };

/* Which program a row runs. */
/* PROG_COLD: xdp-fwd loaded with the verdict cache off, on PROG_FWD's maps;
 * PROG_NOMETA: loaded with the per-frame metadata off, on the same maps */
enum prog { PROG_DROP, PROG_REF, PROG_FWD, PROG_COLD, PROG_NOMETA };

struct state {
	enum rule_set rs;
	enum frame_kind kind;		/* RS_SHAPES: the set built for this frame */
	__u32 action;			/* of every rule, and the default */
};

static struct xdp_drop *drop_skel;
static struct bench_ref *ref_skel;
static struct xdp_fwd *fwd_skel, *cold_skel, *nometa_skel;
static struct xf_maps fwd_maps;
static int drop_fd = -1, ref_fd = -1, fwd_fd = -1, cold_fd = -1, nometa_fd = -1;
static struct state cur = { .rs = RS_NONE, .action = XF_ACT_PASS };
static __u32 *ids;			/* ids of the rules in place, spec order */
static size_t nids;
static struct xf_rule_spec *specs;

/*
 * A second xdp-fwd with a load-time switch turned (the verdict cache or
 * the metadata off), sharing every map of the first (rules, config,
 * counters, XSKMAP): the same rules then cost what a frame the cache has
 * not seen costs, or an xsk verdict without its metadata.
 */
static int twin_load(struct xdp_fwd **out, int *fd, bool vcache_off, bool meta_off)
{
	struct xdp_fwd *twin_skel;
	struct bpf_map *map;
	int err;

	twin_skel = *out = xdp_fwd__open();
	if (!twin_skel) {
		bench_err("cannot open xdp-fwd: %s", strerror(errno));
		return -1;
	}
	twin_skel->rodata->xf_vcache_off = vcache_off;
	twin_skel->rodata->xf_meta_off = meta_off;
	bpf_object__for_each_map(map, twin_skel->obj) {
		struct bpf_map *twin;

		if (bpf_map__is_internal(map))
			continue;	/* .rodata: the tunable differs */
		twin = bpf_object__find_map_by_name(fwd_skel->obj, bpf_map__name(map));
		err = twin ? bpf_map__reuse_fd(map, bpf_map__fd(twin)) : -ENOENT;
		if (err) {
			bench_err("cannot share map %s: %s", bpf_map__name(map), strerror(-err));
			return -1;
		}
	}
	err = xdp_fwd__load(twin_skel);
	if (err) {
		bench_err("cannot load xdp-fwd without the %s: %s",
			  vcache_off ? "cache" : "metadata", strerror(-err));
		return -1;
	}
	*fd = bpf_program__fd(twin_skel->progs.xdp_fwd);
	return 0;
}

/*
 * The xsk rows need a socket in the XSKMAP, or the verdict falls back to
 * pass: one copy-mode socket on a veth of a network namespace of our own,
 * gone with the process.  The rows' live frames arrive on lo, so the
 * kernel refuses them at the socket (another device) and both xsk rows
 * pay the same redirect: their difference is the metadata alone.
 */
static struct xf_run xsk_run;
static bool xsk_up;

static int xsk_socket_up(void)
{
	struct xf_run_cfg cfg = {
		.ifname = "xb0", .queues = { 0 }, .nq = 1, .force_copy = true,
		.batch = 16, .frames = 64, .ring_size = 64, .frame_size = 2048,
		.ops = xf_proc_rxdrop,
	};
	int err;

	if (xsk_up)
		return 0;
	if (unshare(CLONE_NEWNET) ||
	    system("ip link add xb0 type veth peer name xb1 && ip link set xb0 up && "
		   "ip link set xb1 up && ip link set lo up")) {
		bench_err("cannot create a veth in a namespace of our own for the xsk rows");
		return -1;
	}
	cfg.ifindex = (int)if_nametoindex("xb0");
	cfg.xsks_map = fwd_maps.xsks;
	err = xf_run_setup(&xsk_run, &cfg);
	if (err) {
		bench_err("cannot bind an AF_XDP socket for the xsk rows: %s", strerror(-err));
		return -1;
	}
	xsk_up = true;
	return 0;
}

static int programs_load(void)
{
	struct xf_load_opts lo = { .mode = XF_MODE_NATIVE, .trace = false };

	drop_skel = xdp_drop__open_and_load();
	if (!drop_skel) {
		bench_err("cannot load xdp_drop: %s", strerror(errno));
		return -1;
	}
	drop_fd = bpf_program__fd(drop_skel->progs.xdp_drop);

	ref_skel = bench_ref__open_and_load();
	if (!ref_skel) {
		bench_err("cannot load the reference program: %s", strerror(errno));
		return -1;
	}
	ref_fd = bpf_program__fd(ref_skel->progs.xdp_ref);
	if (ref_fill(bpf_map__fd(ref_skel->maps.ref_flows)))
		return -1;

	xf_maps_init(&fwd_maps);
	if (xf_skel_load(&lo, &fwd_skel) || xf_maps_from_skel(fwd_skel, &fwd_maps))
		return -1;
	fwd_fd = bpf_program__fd(fwd_skel->progs.xdp_fwd);
	if (twin_load(&cold_skel, &cold_fd, true, false) ||
	    twin_load(&nometa_skel, &nometa_fd, false, true))
		return -1;

	specs = calloc(EXACT_RULES, sizeof(*specs));
	ids = calloc(EXACT_RULES, sizeof(*ids));
	if (!specs || !ids) {
		bench_err("out of memory");
		return -1;
	}
	return 0;
}

static void programs_free(void)
{
	if (xsk_up)
		xf_run_teardown(&xsk_run);
	if (nometa_skel)
		xdp_fwd__destroy(nometa_skel);
	if (cold_skel)
		xdp_fwd__destroy(cold_skel);
	if (fwd_skel) {
		xf_maps_close(&fwd_maps);
		xdp_fwd__destroy(fwd_skel);
	}
	if (ref_skel)
		bench_ref__destroy(ref_skel);
	if (drop_skel)
		xdp_drop__destroy(drop_skel);
	free(specs);
	free(ids);
}

static bool state_eq(const struct state *a, const struct state *b)
{
	return a->rs == b->rs && a->action == b->action &&
	       (a->rs != RS_SHAPES || a->kind == b->kind);
}

/* Put the rules and default action of st in place. */
static int state_enter(const struct state *st)
{
	struct xf_config cfg = { .default_action = st->action,
				 .error_action = XF_ACT_PASS };
	char err[256];
	size_t n;
	long bad;

	if (state_eq(&cur, st))
		return 0;
	if (xf_rules_flush(&fwd_maps, NULL)) {
		bench_err("cannot flush the rules");
		return -1;
	}
	nids = 0;
	if (xf_config_set(&fwd_maps, &cfg)) {
		bench_err("cannot set the default action");
		return -1;
	}
	if (st->rs != RS_NONE) {
		switch (st->rs) {
		case RS_EXACT:
			n = gen_exact(specs, st->action);
			break;
		case RS_PORT:
			n = gen_port(specs, st->action);
			break;
		default:
			n = gen_shapes(specs, st->kind, st->action);
		}
		if (xf_rules_add(&fwd_maps, specs, n, ids, &bad, err, sizeof(err))) {
			bench_err("cannot add the benchmark rules (rule %ld): %s", bad, err);
			return -1;
		}
		nids = n;
	}
	cur = *st;
	return 0;
}

/* ---- rows -------------------------------------------------------------- */

struct row {
	const char *config;
	enum frame_kind kind;
	const char *kase;		/* "hit/drop", "miss/pass", ... */
	const char *lookups;		/* what the frame looks up ("-": baseline) */
	bool baseline;
	bool live;			/* live frames (the xsk rows, see xsk_socket_up) */
	enum prog prog;
	struct state st;		/* rules in place for this row */
	long hit_index;			/* spec the frame must hit; -1: none */
	__u8 frame[128];
	__u32 len;
	__u32 expect;			/* XDP_* verdict */
	double ns[MAX_RUNS];		/* kernel's mean per repetition */
	double wall[MAX_RUNS];		/* userspace clock / repeat */
	double med, wall_med;
};

static struct row rows[MAX_ROWS];
static int nrows;
static const char *only;		/* --only: words a row's label must hold */

static const char *const cfg_names[] = {
	"(a) xdp_drop baseline",
	"(b) xdp-fwd, no rules",
	"(c) xdp-fwd, 10k exact rules, 2 shapes",
	"(d) xdp-fwd, 1k rules, 4 shapes",
	"(r) reference: parse, 1 lookup, counter",
	"(p) xdp-fwd, 1 rule proto udp dport 53",
	"(p) cold: cache off, 1 rule",
	"(c) cold: cache off, 10k exact",
	"(d) cold: cache off, 4 shapes",
	"(x) xdp-fwd, default xsk, metadata",
	"(x) xdp-fwd, default xsk, no metadata",
};

enum { CFG_DROP, CFG_NONE, CFG_EXACT, CFG_SHAPES, CFG_REF, CFG_PORT,
       CFG_PORT_COLD, CFG_EXACT_COLD, CFG_SHAPES_COLD, CFG_XSK, CFG_XSK_NOMETA };

/* Is every word of --only a word of the row's label "CONFIG FRAME CASE"? */
static bool row_selected(const struct row *r)
{
	char label[160], words[160], *save = NULL;

	if (!only)
		return true;
	snprintf(label, sizeof(label), " %s %s %s ", r->config, frame_names[r->kind],
		 r->kase);
	snprintf(words, sizeof(words), "%s", only);
	for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char tok[64];

		snprintf(tok, sizeof(tok), " %s ", w);
		if (!strstr(label, tok))
			return false;
	}
	return true;
}

static void add_row(int cfg, enum frame_kind kind, enum rule_set rs, __u32 action,
		    bool hit)
{
	static const char *const kases[2][2] = {
		{ "miss/pass", "miss/drop" }, { "hit/pass", "hit/drop" },
	};
	struct row *r = &rows[nrows];
	struct tuple t;

	memset(r, 0, sizeof(*r));
	r->config = cfg_names[cfg];
	r->kind = kind;
	r->baseline = cfg == CFG_DROP;
	r->prog = cfg == CFG_DROP ? PROG_DROP : cfg == CFG_REF ? PROG_REF :
		  cfg >= CFG_PORT_COLD ? PROG_COLD : PROG_FWD;
	r->st = (struct state){ .rs = rs, .kind = rs == RS_SHAPES ? kind : 0,
				.action = action };
	r->kase = r->baseline ? "-" : kases[hit][action == XF_ACT_DROP];
	/*
	 * Hash lookups, "array" for the port table (proto+dport, skipping the
	 * cache), "cache" where the verdict cache answers a repeated frame.
	 * Cold, (d) looks up all four shapes: the proto+dport one in the port
	 * table, the three others in the hash.
	 */
	r->lookups = r->baseline ? "-" : rs == RS_NONE ? "0" : rs == RS_PORT ? "array" :
		     rs == RS_SHAPES ? "3+array" : "1";
	if (r->prog == PROG_FWD && (rs == RS_EXACT || rs == RS_SHAPES))
		r->lookups = "cache";
	r->expect = action == XF_ACT_DROP ? XDP_DROP : XDP_PASS;
	if (r->prog == PROG_REF) {	/* hits drop, see bench_ref.bpf.c */
		r->kase = "hit/drop";
		r->lookups = "1";
	}
	r->hit_index = -1;
	if (cfg == CFG_XSK || cfg == CFG_XSK_NOMETA) {
		r->prog = cfg == CFG_XSK ? PROG_FWD : PROG_NOMETA;
		r->kase = "miss/xsk";
		r->live = true;
		r->expect = XDP_REDIRECT;
	}

	switch (rs) {
	case RS_EXACT:
		t = hit ? exact_hit_tuple(kind) : base_tuple(kind);
		if (hit)
			r->hit_index = (long)exact_hit_index(kind);
		else
			t.sport = EXACT_MISS_SPORT;
		break;
	case RS_SHAPES:
		t = shapes_tuple(kind, hit);
		if (hit)
			r->hit_index = 3 * SHAPE_RULES + SHAPE_HIT;
		break;
	case RS_PORT:
		t = base_tuple(kind);	/* dport 53: the rule's */
		r->hit_index = 0;
		break;
	default:
		t = base_tuple(kind);
	}
	r->len = build_frame(kind, &t, r->frame);
	/* the baseline and reference rows stay: the ratios need them */
	if (r->baseline || r->prog == PROG_REF || row_selected(r))
		nrows++;
}

/*
 * The table, in the order it is measured: grouped so that the rules are
 * swapped as rarely as possible.
 */
static void build_rows(void)
{
	static const __u32 actions[] = { XF_ACT_DROP, XF_ACT_PASS };

	for (int k = 0; k < FR_KINDS; k++)
		add_row(CFG_DROP, k, RS_NONE, XF_ACT_DROP, false);
	/* the reference parses IPv4/UDP only */
	add_row(CFG_REF, FR_IPV4_UDP, RS_NONE, XF_ACT_DROP, true);
	for (int a = 0; a < 2; a++)
		for (int k = 0; k < FR_KINDS; k++)
			add_row(CFG_NONE, k, RS_NONE, actions[a], false);
	for (int a = 0; a < 2; a++) {
		add_row(CFG_PORT, FR_IPV4_UDP, RS_PORT, actions[a], true);
		add_row(CFG_PORT, FR_VLAN_IPV4_UDP, RS_PORT, actions[a], true);
	}
	/* the cold rows: hit/drop only, next to their warm rows' rules */
	add_row(CFG_PORT_COLD, FR_IPV4_UDP, RS_PORT, XF_ACT_PASS, true);
	add_row(CFG_PORT_COLD, FR_VLAN_IPV4_UDP, RS_PORT, XF_ACT_PASS, true);
	for (int a = 0; a < 2; a++)
		for (int hit = 1; hit >= 0; hit--)
			for (int k = 0; k < FR_KINDS; k++)
				add_row(CFG_EXACT, k, RS_EXACT, actions[a], hit);
	for (int k = 0; k < FR_KINDS; k++)
		add_row(CFG_EXACT_COLD, k, RS_EXACT, XF_ACT_PASS, true);
	for (int a = 0; a < 2; a++) {
		for (int k = 0; k < FR_KINDS; k++)
			for (int hit = 1; hit >= 0; hit--)
				add_row(CFG_SHAPES, k, RS_SHAPES, actions[a], hit);
		if (actions[a] != XF_ACT_PASS)
			continue;
		for (int k = 0; k < FR_KINDS; k++)
			add_row(CFG_SHAPES_COLD, k, RS_SHAPES, XF_ACT_PASS, true);
	}
	/* side by side: the same program with and without the metadata */
	for (int k = 0; k < FR_KINDS; k++) {
		add_row(CFG_XSK, k, RS_NONE, XF_ACT_XSK, false);
		add_row(CFG_XSK_NOMETA, k, RS_NONE, XF_ACT_XSK, false);
	}
}

/* ---- measuring --------------------------------------------------------- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int prog_fd(const struct row *r)
{
	switch (r->prog) {
	case PROG_DROP: return drop_fd;
	case PROG_REF: return ref_fd;
	case PROG_COLD: return cold_fd;
	case PROG_NOMETA: return nometa_fd;
	default: return fwd_fd;
	}
}

/*
 * Live frames for the xsk rows: a plain test_run keeps one frame for every
 * repetition, so adjust_meta would grow its metadata until the helper
 * refuses (32 bytes), and all but two repetitions would measure a refusal.
 * Live frames start afresh each time.  Their retval is not the program's.
 */
static int run_once(const struct row *r, __u32 repeat, __u32 *duration, double *wall)
{
	LIBBPF_OPTS(bpf_test_run_opts, tr,
		.data_in = r->frame,
		.data_size_in = r->len,
		.repeat = repeat,
		.flags = r->live ? BPF_F_TEST_XDP_LIVE_FRAMES : 0,
	);
	double t0;

	if (r->prog >= PROG_FWD && state_enter(&r->st))
		return -1;
	t0 = now_ns();
	if (bpf_prog_test_run_opts(prog_fd(r), &tr)) {
		bench_err("%s, %s, %s: test_run failed: %s", r->config, frame_names[r->kind],
		       r->kase, strerror(errno));
		return -1;
	}
	*wall = (now_ns() - t0) / repeat;
	if (!r->live && tr.retval != r->expect) {
		bench_err("%s, %s, %s: verdict %u, expected %u", r->config,
		       frame_names[r->kind], r->kase, tr.retval, r->expect);
		return -1;
	}
	*duration = tr.duration;
	return 0;
}

static __u64 count(int fd, __u32 idx)
{
	struct xf_counter c;

	return xf_counter_sum(fd, idx, &c) ? (__u64)-1 : c.packets;
}

static __u64 rule_hits(void)
{
	__u64 sum = 0;

	for (size_t i = 0; i < nids; i++)
		sum += count(fwd_maps.rule_stats, ids[i]);
	return sum;
}

/* Frames that failed to parse, over all errors (parsed frames are not counted). */
static __u64 parse_errors(void)
{
	__u64 sum = 0;

	for (__u32 i = 1; i < XF_PERR_MAX; i++)
		sum += count(fwd_maps.error_stats, i);
	return sum;
}

/* The reference row: its verdict says it hit; its counter must say so too. */
static int verify_ref(const struct row *r)
{
	int fd = bpf_map__fd(ref_skel->maps.ref_hits);
	int ncpu = libbpf_num_possible_cpus();
	__u64 before = 0, after = 0, *v;
	__u32 zero = 0, d;
	double w;
	int err = -1;

	if (ncpu <= 0)
		return -1;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -1;
	if (bpf_map_lookup_elem(fd, &zero, v))
		goto out;
	for (int i = 0; i < ncpu; i++)
		before += v[i];
	if (run_once(r, WARMUP_REPEAT, &d, &w) || bpf_map_lookup_elem(fd, &zero, v))
		goto out;
	for (int i = 0; i < ncpu; i++)
		after += v[i];
	if (after - before != WARMUP_REPEAT) {
		bench_err("%s: the reference counter moved by %llu, expected %u", r->config,
		       (unsigned long long)(after - before), WARMUP_REPEAT);
		goto out;
	}
	err = 0;
out:
	free(v);
	return err;
}

/*
 * An xsk row: once as a plain test_run, the frame must be redirected with
 * metadata (or, for the row without, none); then live, no frame may fall
 * back to pass for want of a socket.
 */
static int verify_xsk(const struct row *r)
{
	__u8 out[256];
	struct xdp_md md = { .data_end = r->len }, md_out = {};
	LIBBPF_OPTS(bpf_test_run_opts, tr,
		.data_in = r->frame, .data_size_in = r->len,
		.data_out = out, .data_size_out = sizeof(out),
		.ctx_in = &md, .ctx_size_in = sizeof(md),
		.ctx_out = &md_out, .ctx_size_out = sizeof(md_out),
		.repeat = 1,
	);
	__u32 want = r->prog == PROG_NOMETA ? 0 : sizeof(struct xf_meta), d;
	__u64 nosock;
	double w;

	if (xsk_socket_up() || state_enter(&r->st))
		return -1;
	if (bpf_prog_test_run_opts(prog_fd(r), &tr) || tr.retval != XDP_REDIRECT ||
	    md_out.data != want) {
		bench_err("%s, %s: verdict %u with %u bytes of metadata, expected %u and %u",
			  r->config, frame_names[r->kind], tr.retval, md_out.data,
			  XDP_REDIRECT, want);
		return -1;
	}
	nosock = count(fwd_maps.event_stats, XF_EV_XSK_NO_SOCKET);
	if (run_once(r, WARMUP_REPEAT, &d, &w))
		return -1;
	if (count(fwd_maps.event_stats, XF_EV_XSK_NO_SOCKET) != nosock) {
		bench_err("%s, %s: frames found no socket", r->config, frame_names[r->kind]);
		return -1;
	}
	return 0;
}

/*
 * Run a row a little and check that it exercises what it claims: the
 * frame parses, and hits exactly the intended rule (or none).  Warms the
 * caches as a side effect.
 */
static int verify_row(const struct row *r)
{
	__u64 parsed0, hit0 = 0, all0;	/* parsed0: errors before */
	__u32 hit_id = 0, d;
	double w;

	if (r->baseline)
		return run_once(r, WARMUP_REPEAT, &d, &w);
	if (r->prog == PROG_REF)
		return verify_ref(r);
	if (r->live)
		return verify_xsk(r);
	if (state_enter(&r->st))
		return -1;
	if (r->hit_index >= 0)
		hit_id = ids[r->hit_index];
	parsed0 = parse_errors();
	all0 = rule_hits();
	if (hit_id)
		hit0 = count(fwd_maps.rule_stats, hit_id);
	if (run_once(r, WARMUP_REPEAT, &d, &w))
		return -1;
	if (parse_errors() != parsed0) {
		bench_err("%s, %s: the frame did not parse cleanly", r->config,
		       frame_names[r->kind]);
		return -1;
	}
	if (hit_id && count(fwd_maps.rule_stats, hit_id) - hit0 != WARMUP_REPEAT) {
		bench_err("%s, %s, %s: rule %u was not hit", r->config, frame_names[r->kind],
		       r->kase, hit_id);
		return -1;
	}
	if (rule_hits() - all0 != (hit_id ? WARMUP_REPEAT : 0)) {
		bench_err("%s, %s, %s: the frame hit another rule", r->config,
		       frame_names[r->kind], r->kase);
		return -1;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double tmp[MAX_RUNS];

	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/* ---- report ------------------------------------------------------------ */

struct machine {
	char cpu[128];
	char kernel[128];
	char date[64];
	int ncpu;
	int pinned;
	int jit, stats;
};

static int read_int_file(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void machine_info(struct machine *mi)
{
	struct utsname u;
	char line[256];
	time_t t = time(NULL);
	FILE *f;

	snprintf(mi->cpu, sizeof(mi->cpu), "unknown CPU");
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			colon++;
			while (*colon == ' ' || *colon == '\t')
				colon++;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(mi->cpu, sizeof(mi->cpu), "%s", colon);
			break;
		}
	}
	if (f)
		fclose(f);
	if (!uname(&u))
		snprintf(mi->kernel, sizeof(mi->kernel), "%s", u.release);
	else
		snprintf(mi->kernel, sizeof(mi->kernel), "unknown");
	strftime(mi->date, sizeof(mi->date), "%Y-%m-%d %H:%M UTC", gmtime(&t));
	mi->ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	mi->jit = read_int_file("/proc/sys/net/core/bpf_jit_enable");
	mi->stats = read_int_file("/proc/sys/kernel/bpf_stats_enabled");
}

static double baseline_of(enum frame_kind kind)
{
	for (int i = 0; i < nrows; i++)
		if (rows[i].baseline && rows[i].kind == kind)
			return rows[i].med;
	return 0;
}

static double ref_cost(void)
{
	for (int i = 0; i < nrows; i++)
		if (rows[i].prog == PROG_REF)
			return rows[i].med;
	return 0;
}

/* The worst (highest) ratio among the rows of cfg that hit (or miss) and drop. */
static const struct row *worst_of(int cfg, bool hit, double *ratio)
{
	const struct row *worst = NULL;

	*ratio = 0;
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		double base = baseline_of(r->kind);

		if (r->config != cfg_names[cfg] || r->expect != XDP_DROP ||
		    (r->hit_index >= 0) != hit || base <= 0)
			continue;
		if (r->med / base > *ratio) {
			*ratio = r->med / base;
			worst = r;
		}
	}
	return worst;
}

static void goal_line(bool md, const char *what, const struct row *r, double ratio,
		      const char *unit, double goal)
{
	char fl[32];

	if (!r) {
		printf("%s%s: not measured (row not selected)\n", md ? "- " : "  ", what);
		return;
	}
	snprintf(fl, sizeof(fl), "%s %uB", frame_names[r->kind], r->len);
	printf("%s%s: %.2fx %s at worst (%s, %.0f ns); goal <= %.1fx: %s%s%s\n",
	       md ? "- " : "  ", what, ratio, unit, fl, r->med, goal, md ? "**" : "",
	       ratio <= goal ? "met" : "NOT met", md ? "**" : "");
}

/* The program-cost goals, each as a ratio measured in this run. */
static void print_goals(bool md)
{
	const struct row *r;
	double ratio, ref = ref_cost();

	printf("\n%s\n\n", md ? "Goals (issue 14), from the table above:" : "goals:");
	r = worst_of(CFG_NONE, false, &ratio);
	goal_line(md, "no rules, vs xdp_drop", r, ratio, "xdp_drop", GOAL_NO_RULES);
	/* the reference handles ipv4-udp only: compare that frame */
	r = NULL;
	for (int i = 0; i < nrows && ref > 0; i++)
		if (rows[i].config == cfg_names[CFG_PORT] && rows[i].kind == FR_IPV4_UDP &&
		    rows[i].expect == XDP_DROP)
			r = &rows[i];
	if (r)
		ratio = r->med / ref;
	goal_line(md, "one port rule hit (proto udp dport 53), vs the reference program", r,
		  ratio, "the reference", GOAL_PORT_REF);
	r = worst_of(CFG_EXACT, true, &ratio);
	goal_line(md, "10,000 exact 5-tuple rules, hit, vs xdp_drop", r, ratio, "xdp_drop",
		  GOAL_EXACT);
	r = worst_of(CFG_SHAPES, true, &ratio);
	goal_line(md, "1,000 rules over 4 shapes, hit in the last, vs xdp_drop", r, ratio,
		  "xdp_drop", GOAL_SHAPES);
	if (ref > 0 && baseline_of(FR_IPV4_UDP) > 0)
		printf("%sthe reference program itself: %.2fx xdp_drop (ipv4-udp 64B, %.0f ns)\n",
		       md ? "- " : "  ", ref / baseline_of(FR_IPV4_UDP), ref);
}

static void frame_label(const struct row *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s %uB", frame_names[r->kind], r->len);
}

static void print_report(const struct machine *mi, __u32 repeat, int runs, bool md,
			 bool wall)
{
	double ref = ref_cost();
	char fl[32];

	if (md) {
		printf("Machine: %s, %d CPUs, kernel %s; pinned to CPU %d; "
		       "JIT %s, bpf_stats %s.  \n",
		       mi->cpu, mi->ncpu, mi->kernel, mi->pinned, mi->jit > 0 ? "on" : "OFF",
		       mi->stats > 0 ? "ON (inflates every figure)" : "off");
		printf("Date: %s.  \n", mi->date);
		printf("Method: BPF_PROG_TEST_RUN, repeat %u per run, median of %d run%s "
		       "of the kernel's mean ns per repetition.\n\n", repeat, runs,
		       runs == 1 ? "" : "s");
		printf("| config | frame | case | lookups | ns/pkt | Mpps | vs xdp_drop | vs ref |%s\n",
		       wall ? " wall ns/pkt |" : "");
		printf("|---|---|---|---:|---:|---:|---:|---:|%s\n", wall ? "---:|" : "");
	} else {
		printf("xdp-fwd per-packet cost (BPF_PROG_TEST_RUN)\n");
		printf("machine: %s, %d CPUs, kernel %s, pinned to CPU %d, JIT %s, bpf_stats %s\n",
		       mi->cpu, mi->ncpu, mi->kernel, mi->pinned, mi->jit > 0 ? "on" : "OFF",
		       mi->stats > 0 ? "ON" : "off");
		printf("date:    %s\n", mi->date);
		printf("method:  repeat %u per run, median of %d run%s\n\n", repeat, runs,
		       runs == 1 ? "" : "s");
		printf("%-40s %-18s %-9s %7s %7s %7s %11s %7s%s\n", "config", "frame", "case",
		       "lookups", "ns/pkt", "Mpps", "vs xdp_drop", "vs ref",
		       wall ? "  wall ns/pkt" : "");
	}
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		double base = baseline_of(r->kind);
		double ratio = base > 0 ? r->med / base : 0;
		char mpps[32], rat[32], vref[32] = "-";

		frame_label(r, fl, sizeof(fl));
		if (r->med > 0)
			snprintf(mpps, sizeof(mpps), "%.1f", 1000.0 / r->med);
		else
			snprintf(mpps, sizeof(mpps), "-");
		if (ratio > 0)
			snprintf(rat, sizeof(rat), "%.2fx", ratio);
		else
			snprintf(rat, sizeof(rat), "-");
		/* the reference handles ipv4-udp only: compare like with like */
		if (ref > 0 && r->kind == FR_IPV4_UDP && !r->baseline)
			snprintf(vref, sizeof(vref), "%.2fx", r->med / ref);
		if (md)
			printf("| %s | %s | %s | %s | %.0f | %s | %s | %s |", r->config, fl,
			       r->kase, r->lookups, r->med, mpps, rat, vref);
		else
			printf("%-40s %-18s %-9s %7s %7.0f %7s %11s %7s", r->config, fl, r->kase,
			       r->lookups, r->med, mpps, rat, vref);
		if (wall)
			printf(md ? " %.1f |" : "  %12.1f", r->wall_med);
		putchar('\n');
	}
	print_goals(md);
	if (repeat < 1000000)
		printf("\n%snote: repeat %u < 1000000: a smoke run, the figures mean little.%s\n",
		       md ? "_" : "", repeat, md ? "_" : "");
}

/* ---- main -------------------------------------------------------------- */

/* libbpf speaks only with -v (as in xdp-fwd): a failed load dumps the whole
 * verifier log at warning level. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench_prog [--repeat N] [--runs N] [--cpu N] [--only WORDS] [--wall]\n"
		"                  [--markdown] [-v]\n"
		"\n"
		"Per-packet cost of xdp-fwd's program against an XDP_DROP-only baseline and a\n"
		"reference program (Ethernet/IPv4/UDP parse, one 16-byte-key hash lookup, a\n"
		"per-CPU counter), with BPF_PROG_TEST_RUN (needs root).  Prints the median\n"
		"over the runs of the kernel's mean time per repetition.\n"
		"\n"
		"  -r, --repeat N   repetitions per run (default 1000000)\n"
		"  -n, --runs N     runs per row, median reported (default 5, at most %d)\n"
		"  -c, --cpu N      CPU to run on (default: the last online one)\n"
		"  -o, --only WORDS only the rows whose \"CONFIG FRAME CASE\" holds every word\n"
		"                   (and the baselines and the reference program),\n"
		"                   e.g. --only '(d) ipv4-udp hit/drop'\n"
		"  -w, --wall       also show wall-clock ns per repetition, seen from userspace:\n"
		"                   it adds the set-up of each test_run call (milliseconds here)\n"
		"                   and any time the CPU went to other tasks\n"
		"  -m, --markdown   print the table in Markdown (for BENCHMARKS.md)\n"
		"  -v, --verbose    libbpf's messages\n", MAX_RUNS);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'r' },
		{ "runs", required_argument, NULL, 'n' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "only", required_argument, NULL, 'o' },
		{ "wall", no_argument, NULL, 'w' },
		{ "markdown", no_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	__u32 repeat = 1000000, runs = 5, cpu;
	bool md = false, wall = false;
	struct machine mi = {};
	int c, ret = 1;
	cpu_set_t set;

	cpu = (__u32)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	while ((c = getopt_long(argc, argv, "r:n:c:o:wmvh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (xf_parse_u32(optarg, 1, UINT32_MAX, &repeat)) {
				bench_err("bad --repeat '%s'", optarg);
				return 2;
			}
			break;
		case 'n':
			if (xf_parse_u32(optarg, 1, MAX_RUNS, &runs)) {
				bench_err("bad --runs '%s' (1..%d)", optarg, MAX_RUNS);
				return 2;
			}
			break;
		case 'c':
			if (xf_parse_u32(optarg, 0, CPU_SETSIZE - 1, &cpu)) {
				bench_err("bad --cpu '%s'", optarg);
				return 2;
			}
			break;
		case 'o':
			only = optarg;
			break;
		case 'w':
			wall = true;
			break;
		case 'm':
			md = true;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	libbpf_set_print(print_libbpf);

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		bench_err("cannot pin to CPU %u: %s", cpu, strerror(errno));
		return 2;
	}
	machine_info(&mi);
	mi.pinned = (int)cpu;

	if (programs_load())
		goto out;
	build_rows();
	for (int i = 0; i < nrows; i++)
		if (verify_row(&rows[i]))
			goto out;

	for (__u32 run = 0; run < runs; run++) {
		for (int i = 0; i < nrows; i++) {
			struct row *r = &rows[i];
			__u32 d;

			if (run_once(r, repeat, &d, &r->wall[run]))
				goto out;
			r->ns[run] = d;
		}
	}
	for (int i = 0; i < nrows; i++) {
		rows[i].med = median(rows[i].ns, runs);
		rows[i].wall_med = median(rows[i].wall, runs);
	}
	print_report(&mi, repeat, runs, md, wall);
	ret = 0;
out:
	programs_free();
	return ret;
}
