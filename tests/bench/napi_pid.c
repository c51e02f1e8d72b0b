// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * napi_pid IFNAME - print the pid of each NAPI thread of IFNAME (in the
 * caller's network namespace), one a line, by asking the kernel's "netdev"
 * generic netlink family (NAPI_GET dump filtered by ifindex).
 *
 * Why not pgrep: the threads are named "napi/IFNAME-ID" and every testbed
 * on the machine calls its device b0, so a name match can pick another
 * testbed's thread.  The ifindex of the caller's namespace is exact.
 *
 * Exit status: 0 when at least one pid was printed, 1 when the device has
 * no threaded NAPI, 2 on bad usage or a netlink failure.
 */
#include <errno.h>
#include <stdbool.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "xf_genl.h"

/*
 * From the kernel's include/uapi/linux/netdev.h; Debian 12's headers
 * (6.1) predate the NAPI commands, so the numbers are spelled out here.
 */
#define NETDEV_FAMILY_NAME	"netdev"
#define NETDEV_CMD_NAPI_GET	11
#define NETDEV_A_NAPI_IFINDEX	1
#define NETDEV_A_NAPI_PID	4

/* Each NAPI of the dump is its own message: a PID attribute is one thread. */
static void napi_attr(__u16 type, const void *val, size_t len, void *arg)
{
	__u32 pid;

	if (type != NETDEV_A_NAPI_PID || len < 4)
		return;
	memcpy(&pid, val, 4);
	printf("%u\n", pid);
	++*(int *)arg;
}

int main(int argc, char **argv)
{
	struct xf_genl g;
	__u16 family;
	unsigned int ifindex;
	int err, found = 0;

	if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc == 2 ? stdout : stderr,
			"usage: napi_pid IFNAME\n"
			"Print the pid of each NAPI thread of IFNAME in this network namespace.\n");
		return argc == 2 ? 0 : 2;
	}
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "napi_pid: no interface '%s' here\n", argv[1]);
		return 2;
	}
	err = xf_genl_open(&g);
	if (err) {
		fprintf(stderr, "napi_pid: netlink socket: %s\n", strerror(-err));
		return 2;
	}
	err = xf_genl_family(&g, NETDEV_FAMILY_NAME, &family);
	if (err) {
		fprintf(stderr, "napi_pid: no '%s' netlink family: %s\n", NETDEV_FAMILY_NAME,
			strerror(-err));
		xf_genl_close(&g);
		return 2;
	}
	err = xf_genl_call(&g, family, NETDEV_CMD_NAPI_GET, 1, true, NETDEV_A_NAPI_IFINDEX,
			   &ifindex, sizeof(ifindex), napi_attr, &found);
	xf_genl_close(&g);
	if (err) {
		fprintf(stderr, "napi_pid: NAPI dump of %s: %s\n", argv[1], strerror(-err));
		return 2;
	}
	return found ? 0 : 1;
}
