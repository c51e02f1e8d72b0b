/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lockout.h - the guard against changes that cut the caller's own SSH
 * session (issue 15), and the timed apply (--confirm-within S).
 *
 * The pure half (lockout_tuple.c: SSH_CONNECTION's parser, the session's
 * verdict over a set of rules) has no maps and no syscalls, for the unit
 * tests; the rest (lockout.c) asks the kernel for the route and keeps the
 * pending change in XF_RUN_DIR, named per namespace and interface like the
 * consumer's files (bpffs, where the pins are, takes no regular files).
 */
#ifndef XF_CLI_LOCKOUT_H
#define XF_CLI_LOCKOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "xf_rules.h"

#define LO_CONFIRM_MAX	3600	/* --confirm-within's largest S */

/* The session of SSH_CONNECTION: TCP, client ip:port -> server ip:port. */
struct lo_session {
	__u8 family;		/* XF_L3_IPV4 or XF_L3_IPV6 */
	__be32 client[4];	/* network order; IPv4 in client[0] */
	__be32 server[4];
	__u16 cport, sport;	/* host order */
};

/*
 * Parse "client_ip client_port server_ip server_port" (both addresses of
 * one family).  0, or -1 when it is not that.
 */
int lo_ssh_parse(const char *s, struct lo_session *out);

/* A rule as the program holds it: its id breaks ties of priority. */
struct lo_rule {
	__u32 id;
	struct xf_rule_spec spec;
};

/* Whether spec matches the session's frames (client to server, untagged). */
bool lo_spec_matches(const struct xf_rule_spec *spec, const struct lo_session *s);

/*
 * The action the session's frames get from rules[0..n) and the default:
 * the matching rule of lowest priority, then lowest id, wins.  *rule is its
 * id, 0 when the default decides.
 */
int lo_verdict(const struct lo_rule *rules, size_t n, int default_action,
	       const struct lo_session *s, __u32 *rule);

/*
 * Whether an action keeps the frame from the kernel's stack: drop, tx,
 * redirect (out of another device) and xsk (to a consumer, when its queue
 * has a socket).  pass and fwd do not: fwd hands a frame for a local
 * address to the kernel (the FIB says local).
 */
bool lo_action_cuts(int action);

/* Ids for n new rules as the library gives them: the lowest unused ones. */
void lo_new_ids(const struct lo_rule *rules, size_t n, __u32 *ids, size_t nnew);

/* ---- lockout.c ---- */
struct xf_maps;

/* The state a command changes, read under the pin-dir lock. */
struct lo_state {
	int default_action;
	__u32 default_ifindex;
	int error_action;
	struct lo_rule *rules;
	size_t n;
};

int lo_state_read(struct xf_maps *m, struct lo_state *st);
void lo_state_free(struct lo_state *st);
/* A copy of st's rules with specs[0..nnew) appended under the ids they will get. */
int lo_state_with(const struct lo_state *st, const struct xf_rule_spec *specs, size_t nnew,
		  struct lo_state *out);

/*
 * The guard: 0 when the change from before to after may go ahead, -1
 * after a message when it would cut the caller's session on ifname (or
 * the caller cannot be told from SSH_CONNECTION) and neither force nor
 * confirm.  what names the change in the message ("policy default drop").
 * With force or confirm it only warns.
 */
int lo_guard(const char *ifname, const char *what, const struct lo_state *before,
	     const struct lo_state *after, bool force, bool confirm);

/*
 * --confirm-within: lo_pending_begin() (under the lock, before the change)
 * refuses a second pending change and saves before's policy (policy) or
 * rules (!policy) in the pending file; lo_pending_arm() (after the change,
 * the lock released) starts the watcher and prints how to confirm.
 * lo_pending_abort() removes what begin wrote when the change failed.
 */
int lo_pending_begin(struct xf_maps *m, const char *ifname, const struct lo_state *before,
		     bool policy, unsigned int secs);
int lo_pending_arm(const char *ifname, unsigned int secs);
void lo_pending_abort(const char *ifname);

int do_confirm(int argc, char **argv);

/* For status: a pending change (deadline, pid) and a rollback's result, shown once. */
struct jw;
void lo_status(const char *ifname, struct jw *w);
/* For unload: stop a watcher and remove its files, before the pins go. */
void lo_forget(const char *ifname);

/*
 * Take --force and --confirm-within S out of argv (anywhere), for the
 * commands that read words.  0, or -1 after a usage message.
 */
int lo_take_opts(int *argc, char **argv, bool *force, unsigned int *secs);

#endif /* XF_CLI_LOCKOUT_H */
