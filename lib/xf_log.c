// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xf_log.c - the library's messages go through one settable function. */
#include <stdio.h>

#include "xf_internal.h"

#define XF_STR(x)	#x
#define XF_XSTR(x)	XF_STR(x)

static int print_default(enum xf_print_level level, const char *fmt, va_list ap)
{
	if (level > XF_PRINT_WARN)
		return 0;
	fputs(level == XF_PRINT_WARN ? "libxdpfwd: warning: " : "libxdpfwd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return 0;
}

static xf_print_fn print_fn = print_default;

xf_print_fn xf_set_print(xf_print_fn fn)
{
	xf_print_fn old = print_fn;

	print_fn = fn;
	return old;
}

void xf_log(enum xf_print_level level, const char *fmt, ...)
{
	xf_print_fn fn = print_fn;
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	fn(level, fmt, ap);
	va_end(ap);
}

const char *xf_version(void)
{
	return XF_XSTR(XDPFWD_VERSION_MAJOR) "." XF_XSTR(XDPFWD_VERSION_MINOR) "."
	       XF_XSTR(XDPFWD_VERSION_PATCH);
}
