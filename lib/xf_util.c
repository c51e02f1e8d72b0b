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

#include "xf_internal.h"
#include "xf_abi.h"
#include "xf_util.h"

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

double xf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
