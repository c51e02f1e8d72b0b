// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* out.c - the tool's messages, and the library's through the same door. */
#include <stdio.h>

#include "cli.h"

int cli_verbose;

int cli_print(enum xf_print_level level, const char *fmt, va_list ap)
{
	if (level >= XF_PRINT_INFO && !cli_verbose)
		return 0;
	fputs(level == XF_PRINT_WARN ? "xdp-fwd: warning: " : "xdp-fwd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return 0;
}

#define CLI_MSG(name, level)					\
void name(const char *fmt, ...)					\
{								\
	va_list ap;						\
								\
	va_start(ap, fmt);					\
	cli_print(level, fmt, ap);				\
	va_end(ap);						\
}

CLI_MSG(cli_err, XF_PRINT_ERROR)
CLI_MSG(cli_warn, XF_PRINT_WARN)
CLI_MSG(cli_info, XF_PRINT_INFO)
