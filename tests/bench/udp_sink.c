// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udp_sink - the kernel socket path for the benchmark: a UDP socket read
 * with recvmmsg() in batches of 64 for a fixed time; prints the count.
 *   udp_sink ADDR PORT SECONDS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char bufs[BATCH][2048];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timeval tv = { .tv_usec = 100000 };
	unsigned long long n = 0;
	int fd, rcvbuf = 1 << 25;
	double end;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: udp_sink ADDR PORT SECONDS\n");
		return 2;
	}
	sa.sin_port = htons(atoi(argv[2]));
	end = now() + atof(argv[3]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("udp_sink");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = sizeof(bufs[i]) };
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (now() < end) {
		int r = recvmmsg(fd, msgs, BATCH, 0, NULL);

		if (r > 0)
			n += r;
	}
	printf("%llu\n", n);
	return 0;
}
