// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xf_multiprog.c - xdp-fwd as one program in libxdp's multi-program
 * dispatcher (xf_loader.h): attach, detach, and what else runs there.
 *
 * The dispatcher is an XDP program of libxdp's that calls up to ten
 * programs in turn, lowest priority first; each is loaded as a freplace
 * (BPF_PROG_TYPE_EXT) program of one of its slots, and the next one runs
 * only when the previous returned an action in its chain-call set.  The
 * attached program id is then the dispatcher's, and it changes whenever
 * libxdp rebuilds it for a program added or removed: what xdp-fwd pinned
 * stays its own program's id, and xf_effective_prog_id() maps between them.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "xdp_fwd.skel.h"
#include "xf_internal.h"
#include "xf_loader.h"
#include "xf_util.h"

static const int chain_acts[] = { XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT };

int xf_dispatcher_read(int ifindex, struct xf_dispatcher *d)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	libxdp_print_fn_t old;
	int err = 0;

	memset(d, 0, sizeof(*d));
	/* libxdp says "no program" and the like at warning level: not ours to print */
	old = libxdp_set_print(NULL);
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	libxdp_set_print(old);
	err = libxdp_get_error(mp);
	if (err)
		return err < 0 ? err : -err;
	if (!mp)
		return -ENOENT;
	if (xdp_multiprog__is_legacy(mp)) {
		err = -ENOENT;
		goto out;
	}
	p = xdp_multiprog__main_prog(mp);
	d->prog_id = p ? xdp_program__id(p) : 0;
	d->mode = xdp_multiprog__attach_mode(mp) == XDP_MODE_SKB ? XDP_ATTACHED_SKB :
		  XDP_ATTACHED_DRV;
	for (p = xdp_multiprog__next_prog(NULL, mp); p && d->n < XF_DISPATCHER_MAX;
	     p = xdp_multiprog__next_prog(p, mp)) {
		struct xf_dispatched *e = &d->progs[d->n++];

		e->prog_id = xdp_program__id(p);
		snprintf(e->name, sizeof(e->name), "%s", xdp_program__name(p) ?: "?");
		e->priority = xdp_program__run_prio(p);
		for (size_t i = 0; i < ARRAY_SIZE(chain_acts); i++)
			if (xdp_program__chain_call_enabled(p, chain_acts[i]))
				e->chain_mask |= 1u << chain_acts[i];
	}
out:
	xdp_multiprog__close(mp);
	return err;
}

__u32 xf_effective_prog_id(int ifindex, const struct xf_attach_info *ai, __u32 ours)
{
	struct xf_dispatcher d;

	if (!ai->prog_id || !ours || ai->prog_id == ours || xf_dispatcher_read(ifindex, &d))
		return ai->prog_id;
	for (unsigned int i = 0; i < d.n; i++)
		if (d.progs[i].prog_id == ours)
			return ours;
	return ai->prog_id;
}

/*
 * libxdp says why it could not build a dispatcher only in its log ("...
 * failed: <reason>", then "Falling back to ..."): keep the last such line
 * for the error message, and pass everything on to the caller's printer.
 */
static char mp_reason[256];
static libxdp_print_fn_t mp_next;

static int mp_capture(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	char line[256];
	va_list cp;
	size_t n;

	va_copy(cp, ap);
	vsnprintf(line, sizeof(line), fmt, cp);
	va_end(cp);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (strstr(line, "failed") || strstr(line, "Can't use dispatcher") ||
	    strstr(line, "not supported"))
		snprintf(mp_reason, sizeof(mp_reason), "%s",
			 strncmp(line, "libxdp: ", 8) ? line : line + 8);
	return mp_next ? mp_next(level, fmt, ap) : 0;
}

static int mp_detach(struct xdp_program *p, int ifindex, enum xdp_attach_mode mode)
{
	libxdp_print_fn_t old = libxdp_set_print(NULL);
	int err = xdp_program__detach(p, ifindex, mode, 0);

	libxdp_set_print(old);
	return err;
}

int xf_mp_attach(struct xdp_fwd *skel, int ifindex, const char *ifname,
		 const struct xf_load_opts *o, const struct xf_chain_opts *c)
{
	enum xdp_attach_mode mode = o->mode == XF_MODE_SKB ? XDP_MODE_SKB : XDP_MODE_NATIVE;
	__u32 mask = c && c->chain_mask ? c->chain_mask : XF_CHAIN_DEFAULT_MASK;
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	bool legacy;
	int err;

	p = xdp_program__from_bpf_obj(skel->obj, "xdp");
	err = libxdp_get_error(p);
	if (err || !p) {
		xf_err("libxdp cannot take xdp-fwd's program: %s", strerror(err ? -err : EINVAL));
		return err ? err : -EINVAL;
	}
	xdp_program__set_run_prio(p, c && c->priority ? c->priority : XF_CHAIN_DEFAULT_PRIO);
	for (size_t i = 0; i < ARRAY_SIZE(chain_acts); i++)
		xdp_program__set_chain_call_enabled(p, chain_acts[i],
						    !!(mask & (1u << chain_acts[i])));
	mp_reason[0] = '\0';
	mp_next = libxdp_set_print(mp_capture);
	err = xdp_program__attach(p, ifindex, mode, 0);
	libxdp_set_print(mp_next);
	if (err) {
		xf_err("libxdp could not attach xdp-fwd to %s: %s%s%s", ifname, strerror(-err),
		       mp_reason[0] ? "; libxdp: " : "", mp_reason);
		goto out;
	}
	/* libxdp falls back to a plain attach when it cannot build a dispatcher */
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	legacy = libxdp_get_error(mp) || !mp || xdp_multiprog__is_legacy(mp);
	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	if (legacy) {
		mp_detach(p, ifindex, mode);
		struct utsname u;

		uname(&u);
		xf_err("libxdp's dispatcher cannot run on %s with this kernel (%s): %s%s",
		       ifname, u.release,
		       mp_reason[0] ? "libxdp: " : "libxdp fell back to a single program",
		       mp_reason);
		xf_err("load without --multiprog attaches xdp-fwd alone (see README, "
		       "'Sharing the interface')");
		err = -EOPNOTSUPP;
		goto out;
	}
out:
	xdp_program__close(p);
	return err;
}

int xf_mp_detach(int ifindex, int prog_fd, __u8 dispatcher_mode, const char *ifname)
{
	enum xdp_attach_mode mode = dispatcher_mode == XDP_ATTACHED_SKB ? XDP_MODE_SKB :
					XDP_MODE_NATIVE;
	struct xdp_program *p = xdp_program__from_fd(prog_fd);
	int err = libxdp_get_error(p);

	if (err || !p) {
		xf_err("libxdp cannot read xdp-fwd's program on %s: %s", ifname,
		       strerror(err ? -err : EINVAL));
		return err ? err : -EINVAL;
	}
	err = mp_detach(p, ifindex, mode);
	if (err)
		xf_err("libxdp could not remove xdp-fwd from the dispatcher on %s: %s",
		       ifname, strerror(-err));
	xdp_program__close(p);
	return err;
}

int xf_chain_parse(const char *list, __u32 *mask)
{
	char buf[64], *save, *tok;
	__u32 m = 0;

	if ((size_t)snprintf(buf, sizeof(buf), "%s", list) >= sizeof(buf))
		return -EINVAL;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "aborted"))
			m |= 1u << XDP_ABORTED;
		else if (!strcmp(tok, "drop"))
			m |= 1u << XDP_DROP;
		else if (!strcmp(tok, "pass"))
			m |= 1u << XDP_PASS;
		else if (!strcmp(tok, "tx"))
			m |= 1u << XDP_TX;
		else if (!strcmp(tok, "redirect"))
			m |= 1u << XDP_REDIRECT;
		else
			return -EINVAL;
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

int xf_chain_format(__u32 mask, char *buf, size_t len)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(mask & (1u << i)))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? "," : "",
				names[i]);
	}
	return off < len ? 0 : -ENAMETOOLONG;
}
