// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * flowcount - count the frames xdp-fwd's rules steer to AF_XDP, per flow
 * (5-tuple) and per rule, and print the tables at exit.
 *
 * It never parses a frame: xdp-fwd's program leaves the id of the rule
 * that steered each frame and the offsets of its network and transport
 * headers in the frame's metadata (xf_frame_meta()), and the processor
 * reads the addresses and ports straight from there.  A frame without
 * metadata (a driver that does not keep it) is counted apart.
 *
 *   xdp-fwd load eth0
 *   xdp-fwd rule add eth0 proto udp dport 7000 action xsk
 *   flowcount eth0 --duration 10
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"

#define FC_FLOWS	4096	/* per queue; a power of 2 */
#define FC_RULES	256	/* per queue; a power of 2 */

/* A flow: the rule that steered it and its 5-tuple.  Zeroed as a whole: compared with memcmp. */
struct fc_key {
	__u32 rule;
	__u8 family;		/* 4 or 6 */
	__u8 proto;
	__u16 sport, dport;	/* host order; 0 for protocols without ports */
	__u8 src[16], dst[16];	/* IPv4 in the first 4 bytes */
};

struct fc_count {
	__u64 packets, bytes;
};

struct fc_flow {
	struct fc_key key;
	struct fc_count n;
	bool used;
};

struct fc_rule {
	__u32 id;
	struct fc_count n;
	bool used;
};

/* One queue's counts (touched by its worker only), or the run's totals. */
struct fc_table {
	struct fc_flow flow[FC_FLOWS];
	struct fc_rule rule[FC_RULES];
	__u64 frames, no_meta, not_ip, lost;	/* lost: a table was full */
	struct fc_table *total;	/* where fini() adds this queue's counts */
};

static __u32 hash(const void *p, size_t len)
{
	const __u8 *b = p;
	__u32 h = 0x811c9dc5;

	while (len--)
		h = (h ^ *b++) * 0x01000193;
	return h;
}

/* Add to the flow k (open addressing, linear probing). */
static void flow_add(struct fc_table *t, const struct fc_key *k, __u64 packets, __u64 bytes)
{
	for (__u32 i = 0, h = hash(k, sizeof(*k)); i < FC_FLOWS; i++) {
		struct fc_flow *f = &t->flow[(h + i) & (FC_FLOWS - 1)];

		if (!f->used) {
			f->used = true;
			f->key = *k;
		} else if (memcmp(&f->key, k, sizeof(*k))) {
			continue;
		}
		f->n.packets += packets;
		f->n.bytes += bytes;
		return;
	}
	t->lost += packets;
}

static void rule_add(struct fc_table *t, __u32 id, __u64 packets, __u64 bytes)
{
	for (__u32 i = 0, h = hash(&id, sizeof(id)); i < FC_RULES; i++) {
		struct fc_rule *r = &t->rule[(h + i) & (FC_RULES - 1)];

		if (!r->used) {
			r->used = true;
			r->id = id;
		} else if (r->id != id) {
			continue;
		}
		r->n.packets += packets;
		r->n.bytes += bytes;
		return;
	}
	t->lost += packets;
}

/* The 5-tuple of a frame from the program's metadata; false when it is not IP. */
static bool fc_tuple(const struct xf_frame *f, const struct xf_meta *m, struct fc_key *k)
{
	const __u8 *ip = f->data + m->l3_off, *l4 = f->data + m->l4_off;
	bool v4 = m->l3 == XF_L3_IPV4;

	memset(k, 0, sizeof(*k));
	k->rule = m->rule_id;
	if (m->l3 == XF_L3_NONE || m->l3_off + (v4 ? 20u : 40u) > f->len)
		return false;	/* the length check cannot fail with xdp-fwd's program */
	k->family = v4 ? 4 : 6;
	k->proto = m->l4_proto;
	memcpy(k->src, ip + (v4 ? 12 : 8), v4 ? 4 : 16);
	memcpy(k->dst, ip + (v4 ? 16 : 24), v4 ? 4 : 16);
	if (m->l4_off != XF_META_NONE && m->l4_off + 4u <= f->len &&
	    (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP || k->proto == IPPROTO_SCTP)) {
		k->sport = l4[0] << 8 | l4[1];
		k->dport = l4[2] << 8 | l4[3];
	}
	return true;
}

static int fc_init(void **ctx, int queue, void *arg)
{
	struct fc_table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->total = arg;
	*ctx = t;
	return 0;
}

/* Runs on the main thread once the workers are gone: fold the queue into the totals. */
static void fc_fini(void *ctx)
{
	struct fc_table *t = ctx, *sum = t->total;

	for (unsigned int i = 0; i < FC_FLOWS; i++)
		if (t->flow[i].used)
			flow_add(sum, &t->flow[i].key, t->flow[i].n.packets, t->flow[i].n.bytes);
	for (unsigned int i = 0; i < FC_RULES; i++)
		if (t->rule[i].used)
			rule_add(sum, t->rule[i].id, t->rule[i].n.packets, t->rule[i].n.bytes);
	sum->frames += t->frames;
	sum->no_meta += t->no_meta;
	sum->not_ip += t->not_ip;
	sum->lost += t->lost;
	free(t);
}

/*
 * The processor: each frame counted under its rule and its flow, never parsed
 * again.  Verdicts stay XF_V_DROP: every frame goes back to the fill ring.
 */
static void fc_batch(void *ctx, struct xf_frame *f, __u8 *verdict, unsigned int n)
{
	struct fc_table *t = ctx;

	for (unsigned int i = 0; i < n; i++) {
		const struct xf_meta *m = xf_frame_meta(&f[i]);
		struct fc_key k;

		t->frames++;
		if (!m) {		/* the driver kept no metadata */
			t->no_meta++;
			continue;
		}
		rule_add(t, m->rule_id, 1, f[i].len);
		if (fc_tuple(&f[i], m, &k))
			flow_add(t, &k, 1, f[i].len);
		else
			t->not_ip++;
	}
}

static const struct xf_proc_ops fc_ops = {
	.api_version = XF_PROC_API_VERSION,	/* xf_run_setup() refuses any other */
	.name = "flowcount",
	.flags = XF_PROC_NO_TX | XF_PROC_META,	/* counts, never sends; reads metadata */
	.init = fc_init,
	.batch = fc_batch,
	.fini = fc_fini,
};

static int flow_cmp(const void *a, const void *b)
{
	const struct fc_key *x = &((const struct fc_flow *)a)->key;
	const struct fc_key *y = &((const struct fc_flow *)b)->key;

	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return memcmp(&x->family, &y->family, sizeof(*x) - offsetof(struct fc_key, family));
}

static int rule_cmp(const void *a, const void *b)
{
	const struct fc_rule *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Used entries first, in a stable order: rule id, then the tuple. */
static void fc_sort(struct fc_table *t, unsigned int *nflows, unsigned int *nrules)
{
	unsigned int nf = 0, nr = 0;

	for (unsigned int i = 0; i < FC_FLOWS; i++)
		if (t->flow[i].used)
			t->flow[nf++] = t->flow[i];
	for (unsigned int i = 0; i < FC_RULES; i++)
		if (t->rule[i].used)
			t->rule[nr++] = t->rule[i];
	qsort(t->flow, nf, sizeof(t->flow[0]), flow_cmp);
	qsort(t->rule, nr, sizeof(t->rule[0]), rule_cmp);
	*nflows = nf;
	*nrules = nr;
}

static const char *proto_name(__u8 p, char *buf)
{
	if (p == IPPROTO_TCP)
		return "tcp";
	if (p == IPPROTO_UDP)
		return "udp";
	if (p == IPPROTO_SCTP)
		return "sctp";
	if (p == IPPROTO_ICMP)
		return "icmp";
	if (p == IPPROTO_ICMPV6)
		return "icmpv6";
	sprintf(buf, "%u", p);
	return buf;
}

static void addr(const struct fc_key *k, const __u8 *a, char *buf)
{
	inet_ntop(k->family == 4 ? AF_INET : AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static void print_json(const struct ex_opts *o, const struct ex_totals *rt,
		       const struct fc_table *t, unsigned int nf, unsigned int nr)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], pb[4];

	printf("{\"ifname\": \"%s\", \"duration\": %.3f, \"queues\": %u, \"rx_packets\": %llu, "
	       "\"frames\": %llu, \"no_metadata\": %llu, \"not_ip\": %llu, \"lost\": %llu, "
	       "\"rules\": [", o->ifname, rt->secs, rt->queues, rt->rx_packets,
	       (unsigned long long)t->frames, (unsigned long long)t->no_meta,
	       (unsigned long long)t->not_ip, (unsigned long long)t->lost);
	for (unsigned int i = 0; i < nr; i++)
		printf("%s{\"rule\": %u, \"packets\": %llu, \"bytes\": %llu}", i ? ", " : "",
		       t->rule[i].id, (unsigned long long)t->rule[i].n.packets,
		       (unsigned long long)t->rule[i].n.bytes);
	printf("], \"flows\": [");
	for (unsigned int i = 0; i < nf; i++) {
		const struct fc_flow *f = &t->flow[i];

		addr(&f->key, f->key.src, s);
		addr(&f->key, f->key.dst, d);
		printf("%s{\"rule\": %u, \"family\": \"ipv%u\", \"proto\": \"%s\", \"src\": \"%s\", "
		       "\"sport\": %u, \"dst\": \"%s\", \"dport\": %u, \"packets\": %llu, "
		       "\"bytes\": %llu}", i ? ", " : "", f->key.rule, f->key.family,
		       proto_name(f->key.proto, pb), s, f->key.sport, d, f->key.dport,
		       (unsigned long long)f->n.packets, (unsigned long long)f->n.bytes);
	}
	printf("]}\n");
}

static void print_table(const struct ex_opts *o, const struct ex_totals *rt,
			const struct fc_table *t, unsigned int nf, unsigned int nr)
{
	char s[INET6_ADDRSTRLEN + 8], d[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN], pb[4];

	printf("%s: %llu frames in %.1f s on %u queue%s; %llu without metadata, %llu not IP, "
	       "%llu not counted (table full)\n", o->ifname, (unsigned long long)t->frames,
	       rt->secs, rt->queues, rt->queues == 1 ? "" : "s", (unsigned long long)t->no_meta,
	       (unsigned long long)t->not_ip, (unsigned long long)t->lost);
	printf("%8s %12s %14s\n", "rule", "packets", "bytes");
	for (unsigned int i = 0; i < nr; i++)
		printf("%8u %12llu %14llu\n", t->rule[i].id,
		       (unsigned long long)t->rule[i].n.packets, (unsigned long long)t->rule[i].n.bytes);
	printf("%8s %-6s %-46s %-46s %12s %14s\n", "rule", "proto", "source", "destination",
	       "packets", "bytes");
	for (unsigned int i = 0; i < nf; i++) {
		const struct fc_flow *f = &t->flow[i];
		const char *fmt = f->key.family == 4 ? "%s:%u" : "[%s]:%u";

		addr(&f->key, f->key.src, a);
		snprintf(s, sizeof(s), fmt, a, f->key.sport);
		addr(&f->key, f->key.dst, a);
		snprintf(d, sizeof(d), fmt, a, f->key.dport);
		printf("%8u %-6s %-46s %-46s %12llu %14llu\n", f->key.rule,
		       proto_name(f->key.proto, pb), s, d, (unsigned long long)f->n.packets,
		       (unsigned long long)f->n.bytes);
	}
}

static const char usage[] =
	"usage: flowcount IFACE [--duration S] [--count N] [--json]\n"
	"\n"
	"Count the frames xdp-fwd's rules steer to AF_XDP on every RX queue of IFACE,\n"
	"per rule and per flow (rule, protocol, addresses, ports), from the metadata\n"
	"xdp-fwd's program writes; print both tables at exit.  xdp-fwd must be loaded on\n"
	"IFACE ('xdp-fwd load IFACE') with rules of 'action xsk'.\n"
	"\n"
	"  -d, --duration S   stop after S seconds\n"
	"  -n, --count N      stop after N frames (a few more may be counted while\n"
	"                     the rings drain)\n"
	"  -j, --json         the tables as one JSON object on stdout\n"
	"  -h, --help         this text\n"
	"\n"
	"SIGINT or SIGTERM stop it cleanly.  Exit status: 0 done, 1 failed, 2 bad usage.\n";

int main(int argc, char **argv)
{
	static struct fc_table total;	/* the queues' counts, added up by fc_fini() */
	struct xf_proc_ops ops = fc_ops;
	struct ex_totals rt;
	struct ex_opts o;
	unsigned int nf, nr;
	int ret = ex_parse(argc, argv, usage, &o);

	if (ret >= 0)
		return ret;
	ops.arg = &total;
	ret = ex_run(&o, &ops, &rt);
	if (ret)
		return ret;
	fc_sort(&total, &nf, &nr);
	if (o.json)
		print_json(&o, &rt, &total, nf, nr);
	else
		print_table(&o, &rt, &total, nf, nr);
	return EX_OK;
}
