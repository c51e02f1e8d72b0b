/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xf_ntuple.h - a rule's hardware twin: the NIC flow rule (ethtool n-tuple,
 * e.g. ixgbe's Flow Director) that steers the rule's frames to one RX queue,
 * so that the AF_XDP socket of that queue sees them.
 *
 * The NIC rule of xdp-fwd rule ID sits at location ID of the NIC's flow
 * table: no state is kept beyond the rule itself.  xf_ntuple_spec() and
 * xf_ntuple_match() are pure (unit-testable); the others ask the driver
 * through the ethtool ioctl.
 */
#ifndef XF_NTUPLE_H
#define XF_NTUPLE_H

#include <stddef.h>
#include <linux/ethtool.h>
#include <linux/types.h>

#include "xf_rules.h"

/* For xf_ntuple_probe(): check only the NIC, not a queue number. */
#define XF_NTUPLE_ANY_QUEUE	0xffffffffu

/*
 * The NIC rule for spec, delivering to RX queue `queue`, at location `loc`.
 * The flow type comes from the protocol (tcp, udp or sctp) and the family
 * of the prefixes; a rule without src and dst gets the IPv4 flow type.
 * Masks follow ETHTOOL_SRXCLSRLINS: a 1 bit is compared.  -EINVAL with a
 * message naming the word when the rule cannot be a NIC rule: no proto
 * tcp/udp/sctp, a vlan match, an action other than xsk or pass.
 */
int xf_ntuple_spec(const struct xf_rule_spec *spec, __u32 queue, __u32 loc,
		   struct ethtool_rx_flow_spec *fs, char *err, size_t errlen);

/*
 * Whether the NIC rule read back (nic) is the one xf_ntuple_spec() built
 * (want, any queue): the same flow type, a plain queue as its action, and
 * every bit want compares holding want's value.  1 or 0.
 */
int xf_ntuple_match(const struct ethtool_rx_flow_spec *nic,
		    const struct ethtool_rx_flow_spec *want);

/*
 * 0 when ifname has n-tuple filters turned on and, unless queue is
 * XF_NTUPLE_ANY_QUEUE, an RX queue `queue`.  Otherwise -EOPNOTSUPP (the
 * filters are off; the message says whether they can be turned on, with
 * the ethtool command), -ERANGE (queue past the NIC's, both numbers named)
 * or another negative errno, with a message naming the interface and the
 * feature (ethtool's ntuple-filters).
 */
int xf_ntuple_probe(const char *ifname, __u32 queue, char *err, size_t errlen);

/*
 * Insert fs at fs->location (ETHTOOL_SRXCLSRLINS); -EEXIST when that
 * location already holds a rule (none of xdp-fwd's, or it would have been
 * removed with its rule), else the driver's errno; a message either way.
 */
int xf_ntuple_add(const char *ifname, const struct ethtool_rx_flow_spec *fs,
		  char *err, size_t errlen);

/* Delete the NIC rule at loc (ETHTOOL_SRXCLSRLDEL); -errno with a message. */
int xf_ntuple_del(const char *ifname, __u32 loc, char *err, size_t errlen);

/* The NIC rule at loc (ETHTOOL_GRXCLSRULE): 0, -ENOENT when none, -errno. */
int xf_ntuple_get(const char *ifname, __u32 loc, struct ethtool_rx_flow_spec *fs);

#endif /* XF_NTUPLE_H */
