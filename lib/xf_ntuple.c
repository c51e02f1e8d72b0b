// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xf_ntuple.c - a rule as a NIC flow rule (ethtool n-tuple), and the ethtool
 * ioctls that probe, insert, read and delete such rules (xf_ntuple.h).
 *
 * The legacy ioctl rather than ethtool netlink: the rxnfc commands have no
 * netlink equivalent in the kernels this supports, and one interface for
 * all of them keeps the error paths in one place.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/sockios.h>

#include "xf_ntuple.h"
#include "xf_util.h"

/* ethtool's name of NETIF_F_NTUPLE in the ETH_SS_FEATURES string set */
#define NTUPLE_FEATURE	"rx-ntuple-filter"

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return ret;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* -- rule -> flow spec (pure) ------------------------------------------ */

static int flow_type(__u8 proto, bool ipv6, __u32 *type)
{
	switch (proto) {
	case IPPROTO_TCP:
		*type = ipv6 ? TCP_V6_FLOW : TCP_V4_FLOW;
		return 0;
	case IPPROTO_UDP:
		*type = ipv6 ? UDP_V6_FLOW : UDP_V4_FLOW;
		return 0;
	case IPPROTO_SCTP:
		*type = ipv6 ? SCTP_V6_FLOW : SCTP_V4_FLOW;
		return 0;
	}
	return -EINVAL;
}

/* Which rules a NIC rule can express, and what they may do with the frames. */
static int spec_check(const struct xf_rule_spec *spec, __u32 queue, char *err, size_t errlen)
{
	if (!(spec->fields & XF_F_PROTO) ||
	    (spec->proto != IPPROTO_TCP && spec->proto != IPPROTO_UDP &&
	     spec->proto != IPPROTO_SCTP))
		return fail(err, errlen, -EINVAL, "queue needs proto tcp, udp or sctp");
	/* the VLAN tag is only in FLOW_EXT, which few drivers take */
	if (spec->fields & XF_F_VLAN)
		return fail(err, errlen, -EINVAL,
			    "'queue %u' cannot match 'vlan' in the NIC (that needs ethtool's "
			    "FLOW_EXT): drop 'vlan' or 'queue'", queue);
	/* steering frames the program then drops, bounces or sends away
	 * only moves load between queues: refuse it as a likely mistake */
	if (spec->action != XF_ACT_XSK && spec->action != XF_ACT_PASS)
		return fail(err, errlen, -EINVAL,
			    "queue N only steers frames the consumer or the kernel reads: "
			    "action xsk or pass (not '%s')", xf_action_name(spec->action));
	return 0;
}

/* The ports of a rule: exact when matched, not compared otherwise. */
static void fill_ports(const struct xf_rule_spec *spec, __be16 *vsrc, __be16 *vdst,
		       __be16 *msrc, __be16 *mdst)
{
	if (spec->fields & XF_F_SPORT) {
		*vsrc = htons(spec->sport);
		*msrc = 0xffff;
	}
	if (spec->fields & XF_F_DPORT) {
		*vdst = htons(spec->dport);
		*mdst = 0xffff;
	}
}

/* IPv4 prefixes and ports; masks are compared bits (ETHTOOL_SRXCLSRLINS). */
static void fill_ip4(const struct xf_rule_spec *spec, struct ethtool_tcpip4_spec *v,
		     struct ethtool_tcpip4_spec *m)
{
	__be32 mask[4];

	if (spec->fields & XF_F_SRC) {
		xf_prefix_mask(XF_L3_IPV4, spec->src_plen, mask);
		v->ip4src = spec->src[0] & mask[0];
		m->ip4src = mask[0];
	}
	if (spec->fields & XF_F_DST) {
		xf_prefix_mask(XF_L3_IPV4, spec->dst_plen, mask);
		v->ip4dst = spec->dst[0] & mask[0];
		m->ip4dst = mask[0];
	}
	fill_ports(spec, &v->psrc, &v->pdst, &m->psrc, &m->pdst);
}

static void fill_ip6(const struct xf_rule_spec *spec, struct ethtool_tcpip6_spec *v,
		     struct ethtool_tcpip6_spec *m)
{
	__be32 mask[4];

	if (spec->fields & XF_F_SRC) {
		xf_prefix_mask(XF_L3_IPV6, spec->src_plen, mask);
		for (int i = 0; i < 4; i++) {
			v->ip6src[i] = spec->src[i] & mask[i];
			m->ip6src[i] = mask[i];
		}
	}
	if (spec->fields & XF_F_DST) {
		xf_prefix_mask(XF_L3_IPV6, spec->dst_plen, mask);
		for (int i = 0; i < 4; i++) {
			v->ip6dst[i] = spec->dst[i] & mask[i];
			m->ip6dst[i] = mask[i];
		}
	}
	fill_ports(spec, &v->psrc, &v->pdst, &m->psrc, &m->pdst);
}

int xf_ntuple_spec(const struct xf_rule_spec *spec, __u32 queue, __u32 loc,
		   struct ethtool_rx_flow_spec *fs, char *err, size_t errlen)
{
	bool ipv6 = (spec->fields & (XF_F_SRC | XF_F_DST)) && spec->family == XF_L3_IPV6;
	int ret;

	memset(fs, 0, sizeof(*fs));
	ret = spec_check(spec, queue, err, errlen);
	if (ret)
		return ret;
	flow_type(spec->proto, ipv6, &fs->flow_type);	/* proto checked above */
	/* the tcp, udp and sctp members of the union share one layout */
	if (ipv6)
		fill_ip6(spec, &fs->h_u.tcp_ip6_spec, &fs->m_u.tcp_ip6_spec);
	else
		fill_ip4(spec, &fs->h_u.tcp_ip4_spec, &fs->m_u.tcp_ip4_spec);
	fs->ring_cookie = queue;
	fs->location = loc;
	return 0;
}

/* Every bit set in m holds in a the value it has in b. */
static bool masked_eq(const void *a, const void *b, const void *m, size_t n)
{
	const __u8 *x = a, *y = b, *k = m;

	for (size_t i = 0; i < n; i++)
		if ((x[i] & k[i]) != (y[i] & k[i]))
			return false;
	return true;
}

int xf_ntuple_match(const struct ethtool_rx_flow_spec *nic,
		    const struct ethtool_rx_flow_spec *want)
{
	/* drivers may widen the masks they report (a global mask, as on
	 * ixgbe) but never drop a field they were asked to compare */
	if (nic->flow_type != want->flow_type)
		return 0;
	if (nic->ring_cookie == RX_CLS_FLOW_DISC || nic->ring_cookie == RX_CLS_FLOW_WAKE ||
	    ethtool_get_flow_spec_ring_vf(nic->ring_cookie))
		return 0;
	if (!masked_eq(&nic->h_u, &want->h_u, &want->m_u, sizeof(want->h_u)))
		return 0;
	/* and compares at least what want compares */
	return masked_eq(&nic->m_u, &want->m_u, &want->m_u, sizeof(want->m_u));
}

/* -- the driver -------------------------------------------------------- */

/* One ethtool command on ifname: 0 or -errno. */
static int ethtool_ioctl(const char *ifname, void *cmd)
{
	struct ifreq ifr = {};
	int fd, ret = 0;

	if (!xf_ifname_valid(ifname))
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		ret = -errno;
	close(fd);
	return ret;
}

/* Index of the n-tuple feature in ETH_SS_FEATURES and their count; -errno. */
static int ntuple_bit(const char *ifname, __u32 *nfeat)
{
	struct ethtool_sset_info *info;
	struct ethtool_gstrings *names;
	int ret, bit = -ENOENT;
	__u32 n;

	/* one string set asked: one count follows the header */
	info = calloc(1, sizeof(*info) + sizeof(info->data[0]));
	if (!info)
		return -ENOMEM;
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ULL << ETH_SS_FEATURES;
	ret = ethtool_ioctl(ifname, info);
	n = info->data[0];
	if (!ret && (!(info->sset_mask & (1ULL << ETH_SS_FEATURES)) || !n || n > 4096))
		ret = -ENOENT;
	free(info);
	if (ret)
		return ret;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	if (!names)
		return -ENOMEM;
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_FEATURES;
	names->len = n;
	ret = ethtool_ioctl(ifname, names);
	for (__u32 i = 0; !ret && i < names->len && i < n && bit < 0; i++)
		if (!strncmp((char *)names->data + i * ETH_GSTRING_LEN, NTUPLE_FEATURE,
			     ETH_GSTRING_LEN))
			bit = (int)i;
	*nfeat = n;
	free(names);
	return ret ? ret : bit;
}

/* 1 when the driver lets ntuple-filters be switched, 0 when fixed, -errno. */
static int ntuple_changeable(const char *ifname)
{
	struct ethtool_gfeatures *gf;
	__u32 nfeat = 0, blocks;
	int bit, ret;

	bit = ntuple_bit(ifname, &nfeat);
	if (bit < 0)
		return bit;
	blocks = (nfeat + 31) / 32;
	gf = calloc(1, sizeof(*gf) + blocks * sizeof(gf->features[0]));
	if (!gf)
		return -ENOMEM;
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = blocks;
	ret = ethtool_ioctl(ifname, gf);
	if (!ret)
		ret = !!(gf->features[bit / 32].available & (1u << (bit % 32)));
	free(gf);
	return ret;
}

/* The NIC's RX queues a flow rule may name: GRXRINGS, else channels. */
static int rx_queues(const char *ifname, __u32 *n)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_GRXRINGS };
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	int ret;

	if (!ethtool_ioctl(ifname, &nfc) && nfc.data) {
		*n = nfc.data > 0xffffffffu ? 0xffffffffu : (__u32)nfc.data;
		return 0;
	}
	ret = ethtool_ioctl(ifname, &ch);
	if (ret)
		return ret;
	*n = ch.combined_count + ch.rx_count;
	return *n ? 0 : -ENOENT;
}

/* "'queue 2'" or, with no queue to name, "'queue N'" */
static const char *queue_word(__u32 queue, char *buf, size_t len)
{
	if (queue == XF_NTUPLE_ANY_QUEUE)
		snprintf(buf, len, "'queue N'");
	else
		snprintf(buf, len, "'queue %u'", queue);
	return buf;
}

static int probe_off(const char *ifname, __u32 queue, char *err, size_t errlen)
{
	char q[32];
	int ch = ntuple_changeable(ifname);

	queue_word(queue, q, sizeof(q));
	if (ch > 0)
		return fail(err, errlen, -EOPNOTSUPP,
			    "%s has its hardware flow rules turned off (ethtool feature "
			    "ntuple-filters: off); %s needs them: enable them with "
			    "'ethtool -K %s ntuple on'", ifname, q, ifname);
	return fail(err, errlen, -EOPNOTSUPP,
		    "%s has no hardware flow rules (ethtool feature ntuple-filters: off%s); "
		    "%s needs a NIC with n-tuple filters, such as ixgbe's Flow Director",
		    ifname, ch == 0 ? " [fixed]" : "", q);
}

int xf_ntuple_probe(const char *ifname, __u32 queue, char *err, size_t errlen)
{
	struct ethtool_value flags = { .cmd = ETHTOOL_GFLAGS };
	__u32 nq;
	int ret;

	if (!xf_ifname_valid(ifname))
		return fail(err, errlen, -EINVAL, "bad interface name '%s'", ifname);
	if (!if_nametoindex(ifname))
		return fail(err, errlen, -ENODEV, "no such interface '%s'", ifname);
	ret = ethtool_ioctl(ifname, &flags);
	if (ret)
		return fail(err, errlen, ret,
			    "cannot read %s's ethtool feature ntuple-filters: %s", ifname,
			    strerror(-ret));
	if (!(flags.data & ETH_FLAG_NTUPLE))
		return probe_off(ifname, queue, err, errlen);
	if (queue == XF_NTUPLE_ANY_QUEUE)
		return 0;
	ret = rx_queues(ifname, &nq);
	if (ret)
		return fail(err, errlen, ret, "cannot read %s's RX queue count: %s", ifname,
			    strerror(-ret));
	if (queue >= nq)
		return fail(err, errlen, -ERANGE,
			    "'queue %u' is past %s's RX queues: it has %u (queue 0..%u)",
			    queue, ifname, nq, nq - 1);
	return 0;
}

int xf_ntuple_get(const char *ifname, __u32 loc, struct ethtool_rx_flow_spec *fs)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_GRXCLSRULE, .fs.location = loc };
	int ret;

	ret = ethtool_ioctl(ifname, &nfc);
	/* ixgbe and igb answer an empty location with EINVAL, others ENOENT */
	if (ret == -EINVAL || ret == -ENOENT)
		return -ENOENT;
	if (ret)
		return ret;
	*fs = nfc.fs;
	return 0;
}

int xf_ntuple_add(const char *ifname, const struct ethtool_rx_flow_spec *fs,
		  char *err, size_t errlen)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_SRXCLSRLINS, .fs = *fs };
	struct ethtool_rx_flow_spec old;
	int ret;

	/* SRXCLSRLINS replaces what is there: never another tool's rule */
	ret = xf_ntuple_get(ifname, fs->location, &old);
	if (!ret)
		return fail(err, errlen, -EEXIST,
			    "location %u of %s's flow table is taken by a rule xdp-fwd did not add "
			    "(ethtool -n %s rule %u shows it)", fs->location, ifname, ifname,
			    fs->location);
	if (ret != -ENOENT)
		return fail(err, errlen, ret,
			    "cannot read location %u of %s's flow table (ethtool ntuple-filters): %s",
			    fs->location, ifname, strerror(-ret));
	ret = ethtool_ioctl(ifname, &nfc);
	if (ret)
		return fail(err, errlen, ret,
			    "%s's driver refused the hardware flow rule at location %u "
			    "(ethtool ntuple-filters): %s", ifname, fs->location, strerror(-ret));
	return 0;
}

int xf_ntuple_del(const char *ifname, __u32 loc, char *err, size_t errlen)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_SRXCLSRLDEL, .fs.location = loc };
	int ret;

	ret = ethtool_ioctl(ifname, &nfc);
	if (ret)
		return fail(err, errlen, ret,
			    "%s's driver refused to delete the hardware flow rule at location %u "
			    "(ethtool -N %s delete %u): %s", ifname, loc, ifname, loc,
			    strerror(-ret));
	return 0;
}
