// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lockout.c - refuse a change that cuts the caller's own SSH session, and
 * the timed apply: --confirm-within S saves what a change replaces, and a
 * detached watcher puts it back after S seconds unless 'xdp-fwd confirm'.
 *
 * The pending change lives in XF_RUN_DIR, beside the consumer's files and
 * named like them (NETNS-IFACE, see pending_path()):
 *   NETNS-IFACE.pending         key=value lines: pid, deadline, what, the saved policy
 *   NETNS-IFACE.pending.rules   the saved rules, in the words of 'rule load'
 *   NETNS-IFACE.pending.result  what the watcher did, shown (once) by status
 * Everything that reads or writes them holds the pin-dir lock, so a
 * confirm and a rollback cannot cross.
 */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "lockout.h"
#include "opts.h"
#include "xf_maps.h"
#include "xf_state.h"
#include "xf_util.h"

/* ---------------------------------------------------------------- route */

struct lo_route {
	int oif;
	char gw[INET6_ADDRSTRLEN];	/* "" when on-link */
};

static void add_attr(struct nlmsghdr *n, int type, const void *data, int len)
{
	struct rtattr *rta = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* The kernel's route to the client (from the server address when asked): 0 or -errno. */
static int route_get(const struct lo_session *s, bool from_server, struct lo_route *rt)
{
	struct {
		struct nlmsghdr n;
		struct rtmsg r;
		char attrs[64];
	} req = {};
	int af = s->family == XF_L3_IPV4 ? AF_INET : AF_INET6, alen = af == AF_INET ? 4 : 16;
	char buf[8192];
	struct nlmsghdr *h;
	ssize_t len;
	int fd, ret = -EIO;

	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.n.nlmsg_type = RTM_GETROUTE;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_seq = 1;
	req.r.rtm_family = af;
	req.r.rtm_dst_len = alen * 8;
	add_attr(&req.n, RTA_DST, s->client, alen);
	if (from_server) {
		req.r.rtm_src_len = alen * 8;
		add_attr(&req.n, RTA_SRC, s->server, alen);
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, req.n.nlmsg_len, 0) < 0) {
		ret = -errno;
		goto out;
	}
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0) {
		ret = -errno;
		goto out;
	}
	memset(rt, 0, sizeof(*rt));
	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			ret = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			break;
		}
		if (h->nlmsg_type != RTM_NEWROUTE)
			continue;
		struct rtmsg *r = NLMSG_DATA(h);
		int alen2 = RTM_PAYLOAD(h);

		for (struct rtattr *a = RTM_RTA(r); RTA_OK(a, alen2); a = RTA_NEXT(a, alen2)) {
			if (a->rta_type == RTA_OIF)
				rt->oif = *(int *)RTA_DATA(a);
			else if (a->rta_type == RTA_GATEWAY)
				inet_ntop(af, RTA_DATA(a), rt->gw, sizeof(rt->gw));
		}
		ret = rt->oif ? 0 : -ENOENT;
		break;
	}
out:
	close(fd);
	return ret;
}

/* ---------------------------------------------------------------- state */

int lo_state_read(struct xf_maps *m, struct lo_state *st)
{
	struct xf_config cfg;
	struct xf_table t;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = xf_config_get(m, &cfg);
	if (ret)
		return ret;
	st->default_action = cfg.default_action;
	st->default_ifindex = cfg.default_ifindex;
	st->error_action = cfg.error_action;
	ret = xf_table_read(m, &t);
	if (ret)
		return ret;
	st->rules = calloc(t.n ? t.n : 1, sizeof(*st->rules));
	if (!st->rules) {
		xf_table_free(&t);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t.n; i++) {
		st->rules[i].id = t.vals[i].id;
		xf_rule_from_map(&t.keys[i], &t.vals[i],
				 &t.set.shape[t.keys[i].slot % XF_MAX_SHAPES], &st->rules[i].spec);
	}
	st->n = t.n;
	xf_table_free(&t);
	return 0;
}

void lo_state_free(struct lo_state *st)
{
	free(st->rules);
	st->rules = NULL;
	st->n = 0;
}

int lo_state_with(const struct lo_state *st, const struct xf_rule_spec *specs, size_t nnew,
		  struct lo_state *out)
{
	__u32 *ids = calloc(nnew ? nnew : 1, sizeof(*ids));

	*out = *st;
	out->rules = calloc(st->n + nnew + 1, sizeof(*out->rules));
	if (!ids || !out->rules) {
		free(ids);
		free(out->rules);
		out->rules = NULL;
		return -ENOMEM;
	}
	memcpy(out->rules, st->rules, st->n * sizeof(*st->rules));
	lo_new_ids(st->rules, st->n, ids, nnew);
	for (size_t k = 0; k < nnew; k++) {
		out->rules[st->n + k].id = ids[k];
		out->rules[st->n + k].spec = specs[k];
	}
	out->n = st->n + nnew;
	free(ids);
	return 0;
}

/* ---------------------------------------------------------------- guard */

static bool state_could_cut(const struct lo_state *st)
{
	if (lo_action_cuts(st->default_action))
		return true;
	for (size_t i = 0; i < st->n; i++)
		if (lo_action_cuts(st->rules[i].spec.action))
			return true;
	return false;
}

static const char *const how_msg =
	"use --force to do it anyway, or --confirm-within S to have it rolled back\n"
	"  unless 'xdp-fwd confirm %s' follows within S seconds";

/* refused (-1) or, with force or confirm, warned (0) */
static int refuse(const char *ifname, bool force, bool confirm, const char *why)
{
	char how[256];

	snprintf(how, sizeof(how), how_msg, ifname);
	if (force || confirm) {
		cli_warn("%s; going ahead (%s)", why, force ? "--force" : "--confirm-within");
		return 0;
	}
	cli_err("%s; nothing changed: %s", why, how);
	return -1;
}

int lo_guard(const char *ifname, const char *what, const struct lo_state *before,
	     const struct lo_state *after, bool force, bool confirm)
{
	const char *env = getenv("SSH_CONNECTION");
	char why[768], client[INET6_ADDRSTRLEN], dev[IF_NAMESIZE] = "";
	unsigned int ifindex = if_nametoindex(ifname);
	struct lo_session s;
	struct lo_route rt;
	int vb, va, ret;
	__u32 rule;

	if (!env)		/* not an SSH session: nothing to guard */
		return 0;
	if (lo_ssh_parse(env, &s)) {
		/* cannot tell where the caller is: anything that can drop is suspect */
		if (!state_could_cut(after))
			return 0;
		snprintf(why, sizeof(why),
			 "%s on %s: SSH_CONNECTION '%s' is not 'CLIENT_IP CLIENT_PORT SERVER_IP "
			 "SERVER_PORT', so whether this cuts your session cannot be told",
			 what, ifname, env);
		return refuse(ifname, force, confirm, why);
	}
	xf_addr_str(s.family, s.client, client, sizeof(client));
	ret = route_get(&s, true, &rt);
	if (ret)	/* the server address is not local here (another netns, NAT) */
		ret = route_get(&s, false, &rt);
	if (ret) {
		/*
		 * No route to the client here (a namespace of its own, a test
		 * bed under an SSH login): its frames cannot come in through
		 * IFACE's route, so this change cannot cut the session.
		 */
		cli_info("no route to %s (SSH_CONNECTION's client): %s; no lock-out check",
			 client, strerror(-ret));
		return 0;
	}
	if ((unsigned int)rt.oif != ifindex)
		return 0;
	vb = lo_verdict(before->rules, before->n, before->default_action, &s, NULL);
	va = lo_verdict(after->rules, after->n, after->default_action, &s, &rule);
	/* only a change that turns the session's fate from delivered to cut */
	if (!lo_action_cuts(va) || lo_action_cuts(vb))
		return 0;
	if (!if_indextoname(rt.oif, dev))
		snprintf(dev, sizeof(dev), "if%d", rt.oif);
	char by[64];

	if (rule)
		snprintf(by, sizeof(by), "rule %u", rule);
	else
		snprintf(by, sizeof(by), "the default action");
	snprintf(why, sizeof(why),
		 "%s on %s would cut your SSH session: SSH_CONNECTION's client %s port %u "
		 "is reached via %s (route to %s%s%s dev %s), and %s would %s its TCP frames "
		 "to port %u", what, ifname, client, s.cport, ifname, client,
		 rt.gw[0] ? " via " : "", rt.gw, dev, by, xf_action_name(va), s.sport);
	return refuse(ifname, force, confirm, why);
}

int lo_take_opts(int *argc, char **argv, bool *force, unsigned int *secs)
{
	__u32 v;

	*force = false;
	*secs = 0;
	for (int i = 0; i < *argc; i++) {
		int take = 0;

		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f")) {
			*force = true;
			take = 1;
		} else if (!strcmp(argv[i], "--confirm-within")) {
			if (i + 1 >= *argc) {
				cli_err("--confirm-within needs a value (1..%u seconds)",
					LO_CONFIRM_MAX);
				return -1;
			}
			if (xf_parse_u32(argv[i + 1], 1, LO_CONFIRM_MAX, &v)) {
				cli_err("bad --confirm-within '%s' (1..%u seconds)", argv[i + 1],
					LO_CONFIRM_MAX);
				return -1;
			}
			*secs = v;
			take = 2;
		}
		if (!take)
			continue;
		memmove(&argv[i], &argv[i + take], (*argc - i - take) * sizeof(*argv));
		*argc -= take;
		i--;
	}
	return 0;
}

/* -------------------------------------------------------------- pending */

/*
 * Beside the consumer's files in XF_RUN_DIR, named as the library names
 * them (network namespace and interface): bpffs, where the pins are, holds
 * no regular files, so the pin directory cannot hold these.
 */
static int pending_path(const char *ifname, const char *suffix, char *buf, size_t len)
{
	char base[PATH_MAX];
	size_t n;
	int ret;

	ret = xf_consumer_path(ifname, XF_CONSUMER_LOCK, base, sizeof(base));
	if (ret)
		return ret;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".lock"))
		base[n - 5] = '\0';
	if ((size_t)snprintf(buf, len, "%s.pending%s", base, suffix) >= len)
		return -ENAMETOOLONG;
	return 0;
}

struct pending {
	long pid;
	long long deadline;
	char what[16];		/* "policy" or "rules" */
	int default_action, error_action;
	__u32 default_ifindex;
};

/* 0, -ENOENT when none, or another -errno */
static int pending_read(const char *ifname, struct pending *p)
{
	char path[PATH_MAX], line[256];
	FILE *f;

	memset(p, 0, sizeof(*p));
	if (pending_path(ifname, "", path, sizeof(path)))
		return -EINVAL;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		long long v;
		char key[32];

		if (sscanf(line, "what=%15s", p->what) == 1)
			continue;
		if (sscanf(line, "%31[a-z_]=%lld", key, &v) != 2)
			continue;
		if (!strcmp(key, "pid"))
			p->pid = v;
		else if (!strcmp(key, "deadline"))
			p->deadline = v;
		else if (!strcmp(key, "default_action"))
			p->default_action = v;
		else if (!strcmp(key, "default_ifindex"))
			p->default_ifindex = v;
		else if (!strcmp(key, "error_action"))
			p->error_action = v;
	}
	fclose(f);
	return 0;
}

/* Written whole or not at all: a temporary file renamed over it. */
static int pending_write(const char *ifname, const struct pending *p)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	if (pending_path(ifname, "", path, sizeof(path)))
		return -EINVAL;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "# xdp-fwd: a change made with --confirm-within\n");
	fprintf(f, "pid=%ld\ndeadline=%lld\nwhat=%s\n", p->pid, p->deadline, p->what);
	if (!strcmp(p->what, "policy"))
		fprintf(f, "default_action=%d\ndefault_ifindex=%u\nerror_action=%d\n",
			p->default_action, p->default_ifindex, p->error_action);
	if (fclose(f) || rename(tmp, path)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

static void pending_remove(const char *ifname)
{
	char path[PATH_MAX];

	if (!pending_path(ifname, "", path, sizeof(path)))
		unlink(path);
	if (!pending_path(ifname, ".rules", path, sizeof(path)))
		unlink(path);
}

static void result_write(const char *ifname, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void result_write(const char *ifname, const char *fmt, ...)
{
	char path[PATH_MAX], stamp[64];
	time_t now = time(NULL);
	va_list ap;
	FILE *f;

	if (pending_path(ifname, ".result", path, sizeof(path)))
		return;
	f = fopen(path, "w");
	if (!f)
		return;
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S %z", localtime(&now));
	fprintf(f, "%s: ", stamp);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static int id_cmp(const void *a, const void *b)
{
	const struct lo_rule *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The rules as 'rule load' reads them, in id order so that they get back their order. */
static int rules_save(const char *ifname, const struct lo_state *st)
{
	struct lo_rule *r = calloc(st->n + 1, sizeof(*r));
	char path[PATH_MAX], buf[512];
	FILE *f;
	int ret = 0;

	if (!r)
		return -ENOMEM;
	memcpy(r, st->rules, st->n * sizeof(*r));
	qsort(r, st->n, sizeof(*r), id_cmp);
	if (pending_path(ifname, ".rules", path, sizeof(path)) || !(f = fopen(path, "w"))) {
		free(r);
		return -errno ? -errno : -EINVAL;
	}
	fprintf(f, "# the rules of %s before a change made with --confirm-within\n", ifname);
	for (size_t i = 0; i < st->n; i++) {
		xf_rule_format(&r[i].spec, buf, sizeof(buf));
		fprintf(f, "%s\n", buf);
	}
	if (fclose(f))
		ret = -errno;
	free(r);
	return ret;
}

/* A pending change whose watcher is alive; a dead one's files are removed. */
static bool pending_live(const char *ifname, struct pending *p)
{
	if (pending_read(ifname, p))
		return false;
	if (p->pid > 0 && kill(p->pid, 0) && errno == ESRCH) {
		pending_remove(ifname);
		return false;
	}
	/*
	 * No watcher recorded and the deadline gone: the command died between
	 * begin and arm (the change itself may or may not be in).  Nothing
	 * will roll it back, so it must not block the next change forever.
	 */
	if (p->pid <= 0 && p->deadline < (long long)time(NULL)) {
		pending_remove(ifname);
		return false;
	}
	return true;
}

int lo_pending_begin(struct xf_maps *m, const char *ifname, const struct lo_state *before,
		     bool policy, unsigned int secs)
{
	struct pending p = {};
	int ret;

	(void)m;	/* the caller holds its lock: that is what makes this safe */
	if (pending_live(ifname, &p)) {
		cli_err("a change on %s made with --confirm-within is pending (rolled back in %llds "
			"unless 'xdp-fwd confirm %s'); nothing changed", ifname,
			p.deadline - (long long)time(NULL), ifname);
		return -1;
	}
	p.pid = 0;	/* the watcher's, once it runs (lo_pending_arm) */
	p.deadline = (long long)time(NULL) + secs;
	snprintf(p.what, sizeof(p.what), "%s", policy ? "policy" : "rules");
	p.default_action = before->default_action;
	p.default_ifindex = before->default_ifindex;
	p.error_action = before->error_action;
	if (mkdir(XF_RUN_DIR, 0755) && errno != EEXIST) {
		cli_err("cannot create %s: %s; nothing changed", XF_RUN_DIR, strerror(errno));
		return -1;
	}
	ret = policy ? 0 : rules_save(ifname, before);
	if (!ret)
		ret = pending_write(ifname, &p);
	if (ret) {
		pending_remove(ifname);
		cli_err("cannot save the state of %s for --confirm-within: %s; nothing changed",
			ifname, strerror(-ret));
		return -1;
	}
	return 0;
}

void lo_pending_abort(const char *ifname)
{
	pending_remove(ifname);
}

/* Put back what the pending file saved.  Under the lock, by the watcher. */
static int rollback(const char *ifname, struct xf_maps *m, const struct pending *p,
		    char *why, size_t whylen)
{
	struct xf_rule_file rf;
	char path[PATH_MAX], err[512];
	size_t n;
	int ret;

	if (!strcmp(p->what, "policy")) {
		struct xf_config cfg = {
			.default_action = p->default_action,
			.default_ifindex = p->default_ifindex,
			.error_action = p->error_action,
		};

		ret = xf_config_set(m, &cfg);
		snprintf(why, whylen, "%s", ret ? strerror(-ret) : "");
		return ret;
	}
	if (pending_path(ifname, ".rules", path, sizeof(path)))
		return -EINVAL;
	ret = xf_rule_file_read(path, &rf, err, sizeof(err));
	if (ret) {
		snprintf(why, whylen, "%s", err);
		return ret;
	}
	__u32 *ids = calloc(rf.n + 1, sizeof(*ids));

	ret = ids ? xf_rules_flush(m, &n) : -ENOMEM;
	if (!ret)
		ret = xf_rules_add(m, rf.specs, rf.n, ids, NULL, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "%s", strerror(-ret));
	snprintf(why, whylen, "%s", ret ? err : "");
	free(ids);
	xf_rule_file_free(&rf);
	return ret;
}

/* The detached watcher: sleep to the deadline, then roll back unless confirmed. */
static void __attribute__((noreturn)) watcher(const char *ifname, long long deadline)
{
	struct pending p;
	struct xf_maps m;
	char why[600];
	long long now;

	while ((now = time(NULL)) < deadline)
		sleep((unsigned int)(deadline - now));
	if (xf_maps_open_pinned(ifname, &m))
		_exit(1);	/* unloaded meanwhile: nothing to put back */
	if (xf_maps_lock(&m)) {
		xf_maps_close(&m);
		_exit(1);
	}
	/* confirm (or unload) removed the file, or it is another watcher's */
	if (pending_read(ifname, &p) || p.pid != (long)getpid()) {
		xf_maps_close(&m);
		_exit(0);
	}
	if (rollback(ifname, &m, &p, why, sizeof(why)))
		result_write(ifname, "rollback of the %s of %s FAILED: %s", p.what, ifname, why);
	else
		result_write(ifname, "not confirmed in time: the %s of %s were rolled back",
			     p.what, ifname);
	pending_remove(ifname);
	xf_maps_close(&m);
	_exit(0);
}

int lo_pending_arm(const char *ifname, unsigned int secs)
{
	struct pending p;
	int pfd[2], st;
	pid_t child, grandchild = -1;

	if (pending_read(ifname, &p) || pipe(pfd)) {
		cli_err("cannot arm the rollback of %s: %s; the change stays", ifname,
			strerror(errno));
		return -1;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		close(pfd[0]);
		close(pfd[1]);
		pending_remove(ifname);
		cli_err("cannot start the rollback watcher: %s; the change stays", strerror(errno));
		return -1;
	}
	if (!child) {
		/* a session of its own: the caller's terminal hanging up is no signal to it */
		setsid();
		signal(SIGHUP, SIG_IGN);
		grandchild = fork();
		if (grandchild) {
			if (write(pfd[1], &grandchild, sizeof(grandchild)) < 0)
				_exit(1);
			_exit(0);
		}
		close(pfd[0]);
		close(pfd[1]);
		int nul = open("/dev/null", O_RDWR);

		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
			if (nul > 2)
				close(nul);
		}
		if (chdir("/"))
			_exit(1);
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		watcher(ifname, p.deadline);
	}
	close(pfd[1]);
	waitpid(child, &st, 0);
	if (read(pfd[0], &grandchild, sizeof(grandchild)) != sizeof(grandchild))
		grandchild = -1;
	close(pfd[0]);
	if (grandchild <= 0) {
		pending_remove(ifname);
		cli_err("cannot start the rollback watcher; the change stays");
		return -1;
	}
	p.pid = grandchild;
	if (pending_write(ifname, &p)) {
		kill(grandchild, SIGTERM);
		pending_remove(ifname);
		cli_err("cannot record the rollback watcher; the change stays");
		return -1;
	}
	/* on stderr: stdout stays the command's own output (policy --json) */
	fprintf(stderr, "confirm with 'xdp-fwd confirm %s' within %u seconds, or it is rolled back\n",
		ifname, secs);
	return 0;
}

int do_confirm(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_cmd_find("confirm");
	struct pending p;
	struct xf_maps m;
	int ret;

	if (cli_help_wanted(cmd, argc, argv))
		return XF_EXIT_OK;
	if (argc != 2) {
		cli_usage(cmd, stderr);
		return XF_EXIT_USAGE;
	}
	if (xf_maps_open_pinned(argv[1], &m))
		return XF_EXIT_FAIL;
	if (xf_maps_lock(&m)) {
		xf_maps_close(&m);
		return XF_EXIT_FAIL;
	}
	ret = pending_read(argv[1], &p);
	if (!ret) {
		pending_remove(argv[1]);
		if (p.pid > 0)
			kill(p.pid, SIGTERM);
	}
	xf_maps_close(&m);
	if (ret == -ENOENT) {
		cli_err("nothing to confirm on %s", argv[1]);
		return XF_EXIT_FAIL;
	}
	if (ret) {
		cli_err("cannot read the pending change of %s: %s", argv[1], strerror(-ret));
		return XF_EXIT_FAIL;
	}
	printf("confirmed: the change of the %s of %s stays\n", p.what, argv[1]);
	return XF_EXIT_OK;
}

void lo_status(const char *ifname, struct jw *w)
{
	char path[PATH_MAX], result[600] = "";
	struct pending p;
	bool pend = !pending_read(ifname, &p);
	FILE *f;

	if (!pending_path(ifname, ".result", path, sizeof(path)) && (f = fopen(path, "r"))) {
		if (fgets(result, sizeof(result), f))
			result[strcspn(result, "\n")] = '\0';
		fclose(f);
		unlink(path);	/* shown once */
	}
	if (w) {
		if (pend) {
			jw_obj_open(w, "pending");
			jw_str(w, "what", p.what);
			jw_i64(w, "deadline", p.deadline);
			jw_i64(w, "seconds_left", p.deadline - (long long)time(NULL));
			jw_i64(w, "watcher_pid", p.pid);
			jw_obj_close(w);
		} else {
			jw_null(w, "pending");
		}
		jw_str(w, "rollback", result[0] ? result : NULL);
		return;
	}
	if (pend) {
		char stamp[64];
		time_t t = (time_t)p.deadline;

		strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&t));
		printf("  PENDING: a change of the %s (--confirm-within), rolled back at %s "
		       "(in %llds) unless 'xdp-fwd confirm %s'; watcher pid %ld\n", p.what, stamp,
		       p.deadline - (long long)time(NULL), ifname, p.pid);
	}
	if (result[0])
		printf("  %s\n", result);
}

void lo_forget(const char *ifname)
{
	char path[PATH_MAX];
	struct pending p;

	if (!pending_read(ifname, &p) && p.pid > 0)
		kill(p.pid, SIGTERM);
	pending_remove(ifname);
	if (!pending_path(ifname, ".result", path, sizeof(path)))
		unlink(path);
}
