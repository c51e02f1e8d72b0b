// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udpecho - answer every UDP datagram xdp-fwd's rules steer to AF_XDP with
 * the same payload, IPv4 and IPv6, straight from the UMEM: the frame is
 * turned around in place (MACs, addresses and ports swapped, a fresh TTL,
 * the IPv4 header and UDP checksums computed again) and sent back out of
 * its queue with XF_V_TX.  No copy, no socket, no parsing: the offsets of
 * the IP and UDP headers come from xdp-fwd's metadata (xf_frame_meta()).
 *
 *   xdp-fwd load eth0
 *   xdp-fwd rule add eth0 proto udp dport 7 action xsk
 *   udpecho eth0
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"

#define ECHO_TTL	64

struct echo_count {
	unsigned long long ipv4, ipv6, skipped;
};

/* One queue's counts (its worker's alone), and where fini() adds them. */
struct echo_queue {
	struct echo_count n;
	struct echo_count *total;
};

static __u16 get16(const __u8 *p)
{
	return p[0] << 8 | p[1];
}

static void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void swap(__u8 *a, __u8 *b, size_t len)
{
	__u8 t[16];

	memcpy(t, a, len);
	memcpy(a, b, len);
	memcpy(b, t, len);
}

/*
 * The UDP checksum over the pseudo-header, header and payload, computed
 * whole (libxdpfwd's xf_l4_csum): the datagram's own field cannot be
 * trusted to be complete (a sender with checksum offload leaves a partial
 * sum in it, which the NIC would have finished).
 */
static void udp_csum(const __u8 *ip, int family, __u8 *udp, __u16 ulen)
{
	put16(udp + 6, 0);
	put16(udp + 6, xf_l4_csum(ip, family, IPPROTO_UDP, udp, ulen));
}

/* IPv4: the datagram's length in the frame, or 0 when it is no whole UDP datagram to answer. */
static __u32 echo_ipv4(struct xf_frame *f, const struct xf_meta *m)
{
	__u8 *ip = f->data + m->l3_off, *udp = f->data + m->l4_off;
	__u32 ihl = (ip[0] & 0xf) * 4, tot = get16(ip + 2), ulen = get16(udp + 4);

	if ((get16(ip + 6) & 0x3fff) ||	/* a fragment */
	    m->l3_off + tot > f->len || ulen < 8 || ihl + ulen > tot)
		return 0;
	swap(ip + 12, ip + 16, 4);
	swap(udp, udp + 2, 2);		/* ports */
	ip[8] = ECHO_TTL;
	put16(ip + 10, 0);
	put16(ip + 10, xf_csum_fold(xf_csum_partial(ip, ihl, 0)));
	udp_csum(ip, 4, udp, ulen);
	return m->l3_off + tot;		/* drops the Ethernet padding of short frames */
}

/* IPv6 without extension headers (answering those means undoing routing headers). */
static __u32 echo_ipv6(struct xf_frame *f, const struct xf_meta *m)
{
	__u8 *ip = f->data + m->l3_off, *udp = f->data + m->l4_off;
	__u32 plen = get16(ip + 4), ulen = get16(udp + 4);

	if (m->l4_off != m->l3_off + 40 ||
	    m->l4_off + plen > f->len || ulen < 8 || ulen != plen)
		return 0;
	swap(ip + 8, ip + 24, 16);
	swap(udp, udp + 2, 2);		/* ports */
	ip[7] = ECHO_TTL;
	udp_csum(ip, 6, udp, ulen);
	return m->l4_off + plen;
}

/* Turn one frame around in place; false when it is not one to answer. */
static bool echo_frame(struct xf_frame *f, struct echo_count *n)
{
	const struct xf_meta *m = xf_frame_meta(f);
	bool v4;
	__u32 len;

	if (!m || m->l3 == XF_L3_NONE || m->l4_proto != IPPROTO_UDP ||
	    m->l4_off == XF_META_NONE || m->l4_off + 8u > f->len)
		return false;
	v4 = m->l3 == XF_L3_IPV4;
	len = v4 ? echo_ipv4(f, m) : echo_ipv6(f, m);
	if (!len)
		return false;
	swap(f->data, f->data + 6, 6);	/* MACs */
	f->len = len;		/* last: m is not valid once the length changes */
	v4 ? n->ipv4++ : n->ipv6++;
	return true;
}

static void echo_batch(void *ctx, struct xf_frame *f, __u8 *verdict, unsigned int n)
{
	struct echo_queue *q = ctx;

	for (unsigned int i = 0; i < n; i++) {
		if (echo_frame(&f[i], &q->n))
			verdict[i] = XF_V_TX;	/* back out of the queue it came in on */
		else
			q->n.skipped++;		/* stays XF_V_DROP */
	}
}

static int echo_init(void **ctx, int queue, void *arg)
{
	struct echo_queue *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->total = arg;
	*ctx = q;
	return 0;
}

/* On the main thread once the workers are gone. */
static void echo_fini(void *ctx)
{
	struct echo_queue *q = ctx;

	q->total->ipv4 += q->n.ipv4;
	q->total->ipv6 += q->n.ipv6;
	q->total->skipped += q->n.skipped;
	free(q);
}

static const struct xf_proc_ops echo_ops = {
	.api_version = XF_PROC_API_VERSION,
	.name = "udpecho",
	.flags = XF_PROC_META,		/* answers at the metadata's offsets */
	.init = echo_init,
	.batch = echo_batch,
	.fini = echo_fini,
};

static const char usage[] =
	"usage: udpecho IFACE [--duration S] [--count N] [--json]\n"
	"\n"
	"Answer every UDP datagram (IPv4, or IPv6 without extension headers) that\n"
	"xdp-fwd's rules steer to AF_XDP on IFACE with the same payload, sent back from\n"
	"the UMEM out of the queue it came in on.  Other frames are dropped.  xdp-fwd\n"
	"must be loaded on IFACE ('xdp-fwd load IFACE') with rules of 'action xsk'.\n"
	"\n"
	"  -d, --duration S   stop after S seconds\n"
	"  -n, --count N      stop after N frames received (a few more may be answered\n"
	"                     while the rings drain)\n"
	"  -j, --json         the summary as one JSON object on stdout\n"
	"  -h, --help         this text\n"
	"\n"
	"SIGINT or SIGTERM stop it cleanly.  Exit status: 0 done, 1 failed, 2 bad usage.\n";

int main(int argc, char **argv)
{
	struct xf_proc_ops ops = echo_ops;
	struct echo_count n = {};
	struct ex_totals rt;
	struct ex_opts o;
	int ret = ex_parse(argc, argv, usage, &o);

	if (ret >= 0)
		return ret;
	ops.arg = &n;
	ret = ex_run(&o, &ops, &rt);
	if (ret)
		return ret;
	if (o.json)
		printf("{\"ifname\": \"%s\", \"duration\": %.3f, \"queues\": %u, "
		       "\"rx_packets\": %llu, \"tx_packets\": %llu, \"tx_dropped\": %llu, "
		       "\"echoed_ipv4\": %llu, \"echoed_ipv6\": %llu, \"skipped\": %llu}\n",
		       o.ifname, rt.secs, rt.queues, rt.rx_packets, rt.tx_packets, rt.tx_dropped,
		       n.ipv4, n.ipv6, n.skipped);
	else
		printf("%s: %llu frames in %.1f s: %llu answered (%llu IPv4, %llu IPv6), "
		       "%llu not UDP or not whole, %llu sent, %llu lost (TX ring full)\n",
		       o.ifname, rt.rx_packets, rt.secs, n.ipv4 + n.ipv6, n.ipv4, n.ipv6,
		       n.skipped, rt.tx_packets, rt.tx_dropped);
	return EX_OK;
}
