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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

/*
 * From the kernel's include/uapi/linux/netdev.h; Debian 12's headers
 * (6.1) predate the NAPI commands, so the numbers are spelled out here.
 */
#define NETDEV_FAMILY_NAME	"netdev"
#define NETDEV_CMD_NAPI_GET	11
#define NETDEV_A_NAPI_IFINDEX	1
#define NETDEV_A_NAPI_PID	4

#define BUF_SIZE	16384

struct nl {
	int fd;
	__u32 seq;
	char buf[BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
};

static void put_attr(struct nlmsghdr *h, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (struct nlattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Start a generic netlink request in nl->buf. */
static struct nlmsghdr *start(struct nl *nl, __u16 family, __u8 cmd, __u16 flags)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nl->buf;
	struct genlmsghdr *g = NLMSG_DATA(h);

	memset(nl->buf, 0, NLMSG_SPACE(GENL_HDRLEN) + 64);
	h->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	h->nlmsg_type = family;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = ++nl->seq;
	g->cmd = cmd;
	g->version = 1;
	return h;
}

/*
 * Send the request and call fn on every attribute of every reply until
 * NLMSG_DONE (or, for a single reply, its end).  Returns 0 or -errno.
 */
static int transact(struct nl *nl, struct nlmsghdr *req,
		    void (*fn)(const struct nlattr *a, void *arg), void *arg)
{
	bool dump = req->nlmsg_flags & NLM_F_DUMP;

	if (send(nl->fd, req, req->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nl->fd, nl->buf, sizeof(nl->buf), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)nl->buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			const struct nlattr *a;
			int left;

			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			a = (const struct nlattr *)((const char *)NLMSG_DATA(h) + GENL_HDRLEN);
			left = (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= left) {
				fn(a, arg);
				left -= NLA_ALIGN(a->nla_len);
				a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
			}
			if (!dump)
				return 0;
		}
	}
}

static void family_attr(const struct nlattr *a, void *arg)
{
	if (a->nla_type == CTRL_ATTR_FAMILY_ID && a->nla_len >= NLA_HDRLEN + 2)
		memcpy(arg, (const char *)a + NLA_HDRLEN, 2);
}

/* Each NAPI of the dump is its own message: a PID attribute is one thread. */
static void napi_attr(const struct nlattr *a, void *arg)
{
	__u32 pid;

	if (a->nla_type != NETDEV_A_NAPI_PID || a->nla_len < NLA_HDRLEN + 4)
		return;
	memcpy(&pid, (const char *)a + NLA_HDRLEN, 4);
	printf("%u\n", pid);
	++*(int *)arg;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static struct nl nl;
	struct nlmsghdr *h;
	__u16 family = 0;
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
	nl.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl.fd < 0 || bind(nl.fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "napi_pid: netlink socket: %s\n", strerror(errno));
		return 2;
	}

	h = start(&nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put_attr(h, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME, sizeof(NETDEV_FAMILY_NAME));
	err = transact(&nl, h, family_attr, &family);
	if (err || !family) {
		fprintf(stderr, "napi_pid: no '%s' netlink family: %s\n", NETDEV_FAMILY_NAME,
			strerror(err ? -err : ENOENT));
		close(nl.fd);
		return 2;
	}

	h = start(&nl, family, NETDEV_CMD_NAPI_GET, NLM_F_DUMP);
	put_attr(h, NETDEV_A_NAPI_IFINDEX, &ifindex, sizeof(ifindex));
	err = transact(&nl, h, napi_attr, &found);
	close(nl.fd);
	if (err) {
		fprintf(stderr, "napi_pid: NAPI dump of %s: %s\n", argv[1], strerror(-err));
		return 2;
	}
	return found ? 0 : 1;
}
