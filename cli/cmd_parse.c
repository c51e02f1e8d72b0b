// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * parse: run the real BPF program over every packet of a capture with
 * BPF_PROG_TEST_RUN, without any interface, and print what it parsed and
 * decided.  A dry run of a rule set, and the parser tests' oracle hook.
 * The run itself is the library's (xf_dryrun.h); here are the capture and
 * the output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>	/* optind */
#include <linux/bpf.h>
/* libpcap's bpf.h clashes with the kernel's: take only what is needed */
#define PCAP_DONT_INCLUDE_PCAP_BPF_H
#include <pcap/dlt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "xf_dryrun.h"
#include "xf_maps.h"
#include "xf_parse.h"
#include "xf_util.h"

#define PCAP_REC_HDR	16	/* struct pcap_sf_pkthdr, on disk */

/*
 * Is the file a classic pcap (not pcapng)?  Only there does the file offset
 * around a record tell how many bytes its header claimed.
 */
static bool pcap_is_classic(pcap_t *pc)
{
	/* libpcap reads pcapng through the same FILE, with other magics */
	static const __u32 magics[] = { 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1 };
	FILE *f = pcap_file(pc);
	__u32 magic;
	long pos;
	bool ok = false;

	if (!f || (pos = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return false;
	if (fread(&magic, sizeof(magic), 1, f) == 1)
		for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
			ok |= magic == magics[i];
	if (fseek(f, pos, SEEK_SET))
		return false;
	return ok;
}

static const char *frag_name(__u8 f)
{
	return f == XF_FRAG_FIRST ? "first" : f == XF_FRAG_LATER ? "later" : "none";
}

static void print_pkt(struct jw *w, unsigned long frame, __u32 len, const char *verdict,
		      const struct xf_trace *t, const char *reason)
{
	const struct xf_pkt *p = t ? &t->pkt : NULL;
	char src[INET6_ADDRSTRLEN] = "", dst[INET6_ADDRSTRLEN] = "";
	bool l3 = p && p->l3 != XF_L3_NONE;

	if (l3) {
		xf_addr_str(p->l3, p->src, src, sizeof(src));
		xf_addr_str(p->l3, p->dst, dst, sizeof(dst));
	}
	if (w) {
		jw_obj_open(w, NULL);
		jw_u64(w, "frame", frame);
		jw_u64(w, "len", len);
		jw_str(w, "verdict", verdict);
		if (t && t->rule)
			jw_u64(w, "rule", t->rule);
		else
			jw_null(w, "rule");
		jw_str(w, "error", p && p->error ? xf_perr_name(p->error) : NULL);
		jw_arr_open(w, "vlan");
		for (int i = 0; p && i < p->vlan_n; i++)
			jw_u64(w, NULL, p->vlan[i]);
		jw_arr_close(w);
		jw_str(w, "l3", !l3 ? NULL : p->l3 == XF_L3_IPV4 ? "ipv4" : "ipv6");
		jw_str(w, "src", l3 ? src : NULL);
		jw_str(w, "dst", l3 ? dst : NULL);
		if (l3)
			jw_u64(w, "proto", p->proto);
		else
			jw_null(w, "proto");
		if (p && p->has_ports) {
			jw_u64(w, "sport", ntohs(p->sport));
			jw_u64(w, "dport", ntohs(p->dport));
		} else {
			jw_null(w, "sport");
			jw_null(w, "dport");
		}
		jw_str(w, "frag", frag_name(p ? p->frag : 0));
		if (reason)
			jw_str(w, "reason", reason);
		jw_obj_close(w);
		return;
	}
	printf("%lu %uB %s", frame, len, verdict);
	if (reason) {
		printf(" (%s)\n", reason);
		return;
	}
	if (t->rule)
		printf(" rule %u", t->rule);
	if (p->error)
		printf(" error %s", xf_perr_name(p->error));
	for (int i = 0; i < p->vlan_n; i++)
		printf(" vlan %u", p->vlan[i]);
	if (l3) {
		printf(" %s %s > %s proto %u", p->l3 == XF_L3_IPV4 ? "ipv4" : "ipv6", src, dst,
		       p->proto);
		if (p->has_ports)
			printf(" ports %u > %u", ntohs(p->sport), ntohs(p->dport));
		if (p->has_icmp)
			printf(" type %u code %u", p->icmp_type, p->icmp_code);
		if (p->frag)
			printf(" frag %s", frag_name(p->frag));
	} else if (!p->error) {
		printf(" ethertype 0x%04x", p->eth_proto);
	}
	putchar('\n');
}

/* What the run over a capture counted, for the closing line. */
struct tally {
	unsigned long frames, skipped, clipped;
	unsigned long verdicts[XF_ACT_MAX + 1];	/* the last: aborted */
	long pos;	/* file offset after the last record; -1: not a classic pcap */
};

/*
 * libpcap cuts a record longer than the snaplen to it, silently: say so,
 * from the file offsets around the record.
 */
static void check_clipped(pcap_t *pc, const struct pcap_pkthdr *hdr, struct tally *n)
{
	long next;

	if (n->pos < 0 || (next = ftell(pcap_file(pc))) < 0)
		return;
	if (next - n->pos - PCAP_REC_HDR > (long)hdr->caplen) {
		fflush(stdout);
		cli_warn("frame %lu: the record holds %ld bytes, more than the capture's snaplen %d; read as %u",
			 n->frames, next - n->pos - PCAP_REC_HDR, pcap_snapshot(pc), hdr->caplen);
		n->clipped++;
	}
	n->pos = next;
}

/* One frame through the program, and its line; -1 after an error. */
static int run_frame(struct xf_dryrun *d, struct jw *w, const struct pcap_pkthdr *hdr,
		     const u_char *bytes, struct tally *n)
{
	struct xf_dryrun_result r;
	const char *verdict;
	int err;

	err = xf_dryrun_frame(d, bytes, hdr->caplen, &r);
	if (err == -ENODATA) {
		cli_err("frame %lu: the program left no trace (retval %u)", n->frames, r.retval);
		return -1;
	}
	if (err) {
		fflush(stdout);
		cli_err("frame %lu (%u bytes): test_run failed: %s", n->frames, hdr->caplen,
			strerror(-err));
		return -1;
	}
	if (r.skipped) {
		print_pkt(w, n->frames, hdr->caplen, "skipped", NULL, r.reason);
		n->skipped++;
		return 0;
	}
	if (r.aborted) {
		verdict = "aborted";
		n->verdicts[XF_ACT_MAX]++;
	} else {
		verdict = xf_action_name(r.trace.action);
		n->verdicts[r.trace.action < XF_ACT_MAX ? r.trace.action : XF_ACT_PASS]++;
	}
	print_pkt(w, n->frames, hdr->caplen, verdict, &r.trace, NULL);
	return 0;
}

static void print_tally(const struct tally *n)
{
	printf("%lu packets:", n->frames);
	for (int i = 0; i < XF_ACT_MAX; i++)
		if (n->verdicts[i])
			printf(" %s %lu", xf_action_name(i), n->verdicts[i]);
	if (n->verdicts[XF_ACT_MAX])
		printf(" aborted %lu", n->verdicts[XF_ACT_MAX]);
	if (n->skipped)
		printf(" skipped %lu", n->skipped);
	putchar('\n');
}

/* Every record of the capture through the program; an exit status. */
static int run_capture(struct xf_dryrun *d, pcap_t *pc, const char *path, bool json)
{
	struct tally n = { .pos = -1 };
	struct pcap_pkthdr *hdr;
	const u_char *bytes;
	struct jw w;
	int c;

	jw_init(&w, stdout);
	if (pcap_is_classic(pc))
		n.pos = ftell(pcap_file(pc));
	while ((c = pcap_next_ex(pc, &hdr, &bytes)) == 1) {
		n.frames++;
		check_clipped(pc, hdr, &n);
		if (run_frame(d, json ? &w : NULL, hdr, bytes, &n))
			return XF_EXIT_FAIL;
	}
	fflush(stdout);
	if (c == PCAP_ERROR) {
		cli_err("capture %s is cut short or corrupt after %lu packets: %s", path,
			n.frames, pcap_geterr(pc));
		return XF_EXIT_FAIL;
	}
	if (n.clipped)
		cli_warn("%lu of %lu records were longer than the snaplen and read clipped",
			 n.clipped, n.frames);
	if (!json)
		print_tally(&n);
	return XF_EXIT_OK;
}

/* The capture, if it is one of Ethernet frames; NULL after saying why not. */
static pcap_t *capture_open(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, errbuf);

	if (!pc) {
		cli_err("cannot read capture %s: %s", path, errbuf);
		return NULL;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		cli_err("capture %s is not Ethernet (link type %s)", path,
			pcap_datalink_val_to_name(pcap_datalink(pc)) ?: "unknown");
		pcap_close(pc);
		return NULL;
	}
	return pc;
}

int do_parse(int argc, char **argv)
{
	struct parse_args o = {};
	struct xf_config cfg = {};
	struct xf_rule_file rf = {};
	struct xf_dryrun *d = NULL;
	char err[512];
	int ret;
	pcap_t *pc;
	long bad;

	ret = cli_parse(cli_cmd_find("parse"), argc, argv, &o);
	if (ret)
		return ret == CLI_PARSE_HELP ? XF_EXIT_OK : XF_EXIT_USAGE;
	if (argc - optind != 1) {
		cli_err("parse needs exactly one capture file");
		return XF_EXIT_USAGE;
	}
	if (o.rules && xf_rule_file_read(o.rules, &rf, err, sizeof(err))) {
		cli_err("%s", err);
		return XF_EXIT_USAGE;
	}
	ret = XF_EXIT_FAIL;
	pc = capture_open(argv[optind]);
	if (!pc)
		goto out_rules;
	cfg.default_action = o.default_action;
	cfg.error_action = o.error_action;
	if (xf_dryrun_open(&cfg, rf.specs, rf.n, &d, &bad, err, sizeof(err))) {
		if (bad >= 0)
			cli_err("%s:%zu: %s", o.rules, rf.lines[bad], err);
		else if (err[0])
			cli_err("%s", err);
		goto out_pcap;
	}
	ret = run_capture(d, pc, argv[optind], o.json);
	xf_dryrun_close(d);
out_pcap:
	pcap_close(pc);
out_rules:
	xf_rule_file_free(&rf);
	return ret;
}
