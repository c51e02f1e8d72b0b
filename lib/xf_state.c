// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xf_state.c - what a running consumer publishes about itself (xf_util.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xf_internal.h"
#include "xf_util.h"


int xf_consumer_stats_path(const char *ifname, char *buf, size_t len)
{
	struct stat st;

	if (!xf_ifname_valid(ifname) || stat("/proc/self/ns/net", &st))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s/%lu-%s.prom", XF_RUN_DIR,
			     (unsigned long)st.st_ino, ifname) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* One "# " state line of a consumer file into c; false when it is none. */
static bool consumer_line(const char *line, struct xf_consumer *c)
{
	char state[16], reason[32], mode[16];
	unsigned int qn;

	if (sscanf(line, "# state %15s %31s", state, reason) == 2) {
		c->waiting = !strcmp(state, "waiting");
		snprintf(c->reason, sizeof(c->reason), "%s", c->waiting ? reason : "");
	} else if (sscanf(line, "# reconnects %llu", &c->reconnects) == 1) {
		/* read */
	} else if (sscanf(line, "# queue %u %15s", &qn, mode) == 2) {
		if (c->nq < XF_CONSUMER_MAX_QUEUES) {
			c->q[c->nq].queue = qn;
			c->q[c->nq].zerocopy = !strcmp(mode, "zero-copy");
			c->nq++;
		}
	} else {
		return false;
	}
	return true;
}

FILE *xf_consumer_open(const char *ifname, struct xf_consumer *c)
{
	char path[PATH_MAX], line[512];
	long start;
	FILE *f;
	int pid;

	if (xf_consumer_stats_path(ifname, path, sizeof(path)))
		return NULL;
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (fscanf(f, "# pid %d\n", &pid) != 1 || pid <= 0 ||
	    (kill(pid, 0) && errno != EPERM)) {
		fclose(f);
		return NULL;
	}
	if (!c)
		return f;
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	start = ftell(f);
	/* the state lines come first, before any # HELP */
	while (fgets(line, sizeof(line), f) && consumer_line(line, c))
		;
	fseek(f, start, SEEK_SET);
	return f;
}
