/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpfwd.h - libxdpfwd, the library under the xdp-fwd tool: load and attach
 * the XDP program, pin its maps, edit its rules, read its counters, and run
 * the AF_XDP consumer with your own processor.  This header includes every
 * other public header of the library.
 *
 * The library never prints on its own: each message goes to the print
 * function set with xf_set_print(), by default errors and warnings to stderr.
 */
#ifndef XDPFWD_H
#define XDPFWD_H

#include <stdarg.h>

#define XDPFWD_VERSION_MAJOR	1
#define XDPFWD_VERSION_MINOR	0
#define XDPFWD_VERSION_PATCH	0

enum xf_print_level {
	XF_PRINT_ERROR,
	XF_PRINT_WARN,
	XF_PRINT_INFO,		/* what a verbose tool shows */
	XF_PRINT_DEBUG,
};

/* One message, without a trailing newline.  Return value is ignored. */
typedef int (*xf_print_fn)(enum xf_print_level level, const char *fmt, va_list ap);

/*
 * Send the library's messages to fn (NULL: drop them all); returns the
 * previous function.  Not thread-safe: set it before starting anything.
 */
xf_print_fn xf_set_print(xf_print_fn fn);

/* "MAJOR.MINOR.PATCH" of the library actually linked. */
const char *xf_version(void);

#include "xf_util.h"
#include "xf_state.h"
#include "xf_features.h"
#include "xf_loader.h"
#include "xf_maps.h"
#include "xf_rules.h"
#include "xf_ntuple.h"
#include "xf_proc.h"
#include "xf_xsk.h"
#include "xf_iface.h"
#include "xf_pkt.h"
#include "xf_dryrun.h"

#endif /* XDPFWD_H */
