// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xf_state.c - what a running consumer publishes about itself (xf_state.h). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xf_internal.h"
#include "xf_state.h"
#include "xf_util.h"

static const char *const file_ext[] = {
	[XF_CONSUMER_STATE] = "state",
	[XF_CONSUMER_PROM] = "prom",
	[XF_CONSUMER_LOCK] = "lock",
};

int xf_consumer_path(const char *ifname, enum xf_consumer_file which, char *buf, size_t len)
{
	struct stat st;

	if ((unsigned int)which >= ARRAY_SIZE(file_ext) || !xf_ifname_valid(ifname) ||
	    stat("/proc/self/ns/net", &st))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s/%lu-%s.%s", XF_RUN_DIR, (unsigned long)st.st_ino,
			     ifname, file_ext[which]) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Replace path with what fill() writes: into path.tmp first, then
 * rename()d over it, so that a reader sees the old file or the new one.
 * One name, not one per process: only the interface's owner writes, and a
 * temporary file that a killed owner left behind is then taken over by
 * the next owner's first write instead of staying forever.
 */
static int replace_file(const char *path, int (*fill)(FILE *f, const void *arg),
			const void *arg)
{
	char tmp[PATH_MAX + 16];
	int err;
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	err = fill(f, arg);
	if (ferror(f) && !err)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

struct prom_text {
	const char *text;
	size_t len;
};

static int fill_prom(FILE *f, const void *arg)
{
	const struct prom_text *p = arg;

	return fwrite(p->text, 1, p->len, f) == p->len ? 0 : -EIO;
}

static int fill_state(FILE *f, const void *arg)
{
	const struct xf_consumer *c = arg;

	fprintf(f, "version=%d\npid=%d\nstate=%s\n", XF_STATE_VERSION, c->pid,
		c->waiting ? "waiting" : "running");
	if (c->waiting)
		fprintf(f, "reason=%s\n", c->reason[0] ? c->reason : "unknown");
	fprintf(f, "reconnects=%llu\n", c->reconnects);
	for (unsigned int i = 0; i < c->nq && i < XF_CONSUMER_MAX_QUEUES; i++)
		fprintf(f, "queue=%u %s\n", c->q[i].queue, c->q[i].zerocopy ? "zero-copy" : "copy");
	return 0;
}

int xf_consumer_publish(const char *ifname, const struct xf_consumer *c,
			const char *prom, size_t prom_len)
{
	char path[PATH_MAX];
	int err;

	if (prom) {
		struct prom_text p = { prom, prom_len };

		err = xf_consumer_path(ifname, XF_CONSUMER_PROM, path, sizeof(path));
		if (!err)
			err = replace_file(path, fill_prom, &p);
		if (err)
			return err;
	}
	err = xf_consumer_path(ifname, XF_CONSUMER_STATE, path, sizeof(path));
	if (err)
		return err;
	return replace_file(path, fill_state, c);
}

/* A decimal in [0, max], the whole of s. */
static int parse_ull(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

static int state_queue(const char *val, struct xf_consumer *c)
{
	char mode[16];
	unsigned int qn;
	int used = 0;

	if (sscanf(val, "%u %15s%n", &qn, mode, &used) != 2 || val[used] ||
	    (strcmp(mode, "zero-copy") && strcmp(mode, "copy")))
		return -EINVAL;
	if (c->nq < XF_CONSUMER_MAX_QUEUES) {
		c->q[c->nq].queue = qn;
		c->q[c->nq].zerocopy = !strcmp(mode, "zero-copy");
		c->nq++;
	}
	return 0;
}

/* One "key=value" of a state file into c; unknown keys are skipped. */
static int state_line(const char *key, const char *val, struct xf_consumer *c)
{
	unsigned long long v;

	if (!strcmp(key, "version"))
		return parse_ull(val, INT_MAX, &v) || v != XF_STATE_VERSION ? -EINVAL : 0;
	if (!strcmp(key, "pid")) {
		if (parse_ull(val, INT_MAX, &v) || !v)
			return -EINVAL;
		c->pid = (int)v;
		return 0;
	}
	if (!strcmp(key, "state")) {
		if (strcmp(val, "running") && strcmp(val, "waiting"))
			return -EINVAL;
		c->waiting = !strcmp(val, "waiting");
		return 0;
	}
	if (!strcmp(key, "reason")) {
		snprintf(c->reason, sizeof(c->reason), "%s", val);
		return 0;
	}
	if (!strcmp(key, "reconnects"))
		return parse_ull(val, ~0ULL, &c->reconnects);
	if (!strcmp(key, "queue"))
		return state_queue(val, c);
	return 0;
}

static int state_parse(FILE *f, struct xf_consumer *c)
{
	char line[256];
	int err = 0;

	memset(c, 0, sizeof(*c));
	while (!err && fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		err = state_line(line, eq + 1, c);
	}
	if (!err && !c->pid)
		err = -EINVAL;
	if (!c->waiting)
		c->reason[0] = '\0';
	return err;
}

/* Whether pid is a live process (EPERM: it lives, as another user's). */
static bool pid_alive(int pid)
{
	return !kill(pid, 0) || errno == EPERM;
}

int xf_consumer_read(const char *ifname, struct xf_consumer *c)
{
	char path[PATH_MAX];
	struct xf_consumer tmp;
	int err;
	FILE *f;

	if (!c)
		c = &tmp;
	if (xf_consumer_path(ifname, XF_CONSUMER_STATE, path, sizeof(path)))
		return -ENOENT;
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	err = state_parse(f, c);
	fclose(f);
	if (err)
		return err;
	return pid_alive(c->pid) ? 0 : -ENOENT;
}

FILE *xf_consumer_prom_open(const char *ifname)
{
	char path[PATH_MAX];

	if (xf_consumer_read(ifname, NULL) ||
	    xf_consumer_path(ifname, XF_CONSUMER_PROM, path, sizeof(path)))
		return NULL;
	return fopen(path, "re");
}

/* Remove one published file and the temporary file it is written through. */
static void unpublish(const char *ifname, enum xf_consumer_file which)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];

	if (xf_consumer_path(ifname, which, path, sizeof(path)))
		return;
	unlink(path);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) < sizeof(tmp))
		unlink(tmp);
}

void xf_consumer_unpublish(const char *ifname)
{
	/* the state first: without it the counters are no consumer's */
	unpublish(ifname, XF_CONSUMER_STATE);
	unpublish(ifname, XF_CONSUMER_PROM);
}
