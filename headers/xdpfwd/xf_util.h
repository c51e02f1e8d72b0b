/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* xf_util.h - numbers, names, interfaces, and a clock. */
#ifndef XF_UTIL_H
#define XF_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Parse an unsigned decimal in [min, max]; -EINVAL/-ERANGE on bad input. */
int xf_parse_u32(const char *s, __u32 min, __u32 max, __u32 *out);
int xf_parse_double(const char *s, double min, double max, double *out);
/* A list like "0,2-5" into out[] (at most cap values, each in [0, max)). */
int xf_parse_list(const char *s, int *out, unsigned int cap, unsigned int max,
		  unsigned int *n);

/* Interface name -> ifindex with a message naming the bad name; -ENODEV. */
int xf_ifindex(const char *ifname);
bool xf_ifname_valid(const char *ifname);

/* Names of the ABI enums; "?" when out of range. */
const char *xf_action_name(__u32 action);
const char *xf_perr_name(__u32 err);
const char *xf_event_name(__u32 ev);
int xf_action_parse(const char *s);	/* -1 when unknown */

/* Seconds since an arbitrary start (CLOCK_MONOTONIC). */
double xf_now(void);

#endif /* XF_UTIL_H */
