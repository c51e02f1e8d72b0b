// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "xf_abi.h"
#include "xf_util.h"

int xf_verbose;

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "xdp-fwd: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void xf_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void xf_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void xf_info(const char *fmt, ...)
{
	va_list ap;

	if (!xf_verbose)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

int xf_parse_u32(const char *s, __u32 min, __u32 max, __u32 *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = (__u32)v;
	return 0;
}

int xf_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || isnan(v))
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int xf_parse_list(const char *s, int *out, unsigned int cap, unsigned int max,
		      unsigned int *n)
{
	char *dup = strdup(s), *save = NULL, *tok;
	int ret = 0;

	*n = 0;
	if (!dup)
		return -ENOMEM;
	for (tok = strtok_r(dup, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		__u32 a, b;

		if (dash)
			*dash = '\0';
		if (xf_parse_u32(tok, 0, max - 1, &a) ||
		    (dash && xf_parse_u32(dash + 1, a, max - 1, &b))) {
			ret = -EINVAL;
			break;
		}
		if (!dash)
			b = a;
		for (__u32 v = a; v <= b; v++) {
			if (*n == cap) {
				ret = -E2BIG;
				break;
			}
			out[(*n)++] = (int)v;
		}
	}
	if (!*n)
		ret = -EINVAL;
	free(dup);
	return ret;
}

bool xf_ifname_valid(const char *ifname)
{
	size_t n = ifname ? strlen(ifname) : 0;

	if (n == 0 || n >= IF_NAMESIZE)
		return false;
	/* the name also names a directory under bpffs */
	return !strchr(ifname, '/') && strcmp(ifname, ".") && strcmp(ifname, "..");
}

int xf_ifindex(const char *ifname)
{
	unsigned int idx;

	if (!xf_ifname_valid(ifname)) {
		xf_err("invalid interface name '%s'", ifname ? ifname : "");
		return -EINVAL;
	}
	idx = if_nametoindex(ifname);
	if (!idx) {
		xf_err("no such interface: %s", ifname);
		return -ENODEV;
	}
	return (int)idx;
}

static const char *const action_names[] = XF_ACTION_NAMES;
static const char *const perr_names[] = XF_PERR_NAMES;
static const char *const event_names[] = XF_EVENT_NAMES;

_Static_assert(ARRAY_SIZE(action_names) == XF_ACT_MAX, "action names");
_Static_assert(ARRAY_SIZE(perr_names) == XF_PERR_MAX, "parse error names");
_Static_assert(ARRAY_SIZE(event_names) == XF_EV_MAX, "event names");

const char *xf_action_name(__u32 a)
{
	return a < XF_ACT_MAX ? action_names[a] : "?";
}

const char *xf_perr_name(__u32 e)
{
	return e < XF_PERR_MAX ? perr_names[e] : "?";
}

const char *xf_event_name(__u32 e)
{
	return e < XF_EV_MAX ? event_names[e] : "?";
}

int xf_action_parse(const char *s)
{
	for (int i = 0; i < XF_ACT_MAX; i++)
		if (!strcmp(s, action_names[i]))
			return i;
	return -1;
}

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

double xf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* JSON */

void jw_init(struct jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->first[0] = true;
}

static void jw_key(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	if (key)
		fprintf(w->f, "\"%s\":", key);
}

static void jw_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void jw_push(struct jw *w)
{
	if (w->depth < (int)ARRAY_SIZE(w->first) - 1)
		w->depth++;
	w->first[w->depth] = true;
}

void jw_obj_open(struct jw *w, const char *key)
{
	jw_key(w, key);
	fputc('{', w->f);
	jw_push(w);
}

void jw_obj_close(struct jw *w)
{
	fputc('}', w->f);
	if (w->depth > 0)
		w->depth--;
	if (w->depth == 0) {
		fputc('\n', w->f);
		w->first[0] = true;
	}
}

void jw_arr_open(struct jw *w, const char *key)
{
	jw_key(w, key);
	fputc('[', w->f);
	jw_push(w);
}

void jw_arr_close(struct jw *w)
{
	fputc(']', w->f);
	if (w->depth > 0)
		w->depth--;
}

void jw_str(struct jw *w, const char *key, const char *val)
{
	jw_key(w, key);
	if (val)
		jw_string(w->f, val);
	else
		fputs("null", w->f);
}

void jw_u64(struct jw *w, const char *key, unsigned long long val)
{
	jw_key(w, key);
	fprintf(w->f, "%llu", val);
}

void jw_i64(struct jw *w, const char *key, long long val)
{
	jw_key(w, key);
	fprintf(w->f, "%lld", val);
}

void jw_dbl(struct jw *w, const char *key, double val)
{
	jw_key(w, key);
	fprintf(w->f, "%.3f", val);
}

void jw_bool(struct jw *w, const char *key, bool val)
{
	jw_key(w, key);
	fputs(val ? "true" : "false", w->f);
}

void jw_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	fputs("null", w->f);
}
