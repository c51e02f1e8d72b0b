// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * parse: run the real BPF program over every packet of a capture with
 * BPF_PROG_TEST_RUN, without any interface, and print what it parsed and
 * decided.  A dry run of a rule set, and the parser tests' oracle hook.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
/* libpcap's bpf.h clashes with the kernel's: take only what is needed */
#define PCAP_DONT_INCLUDE_PCAP_BPF_H
#include <pcap/dlt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp_fwd.skel.h"
#include "cli.h"
#include "xf_loader.h"
#include "xf_maps.h"
#include "xf_parse.h"
#include "xf_util.h"

#define TEST_RUN_MIN	14		/* the kernel refuses shorter frames */
/*
 * The largest frame test_run takes for an xdp.frags program: the linear part
 * of one page (less XDP_PACKET_HEADROOM and the aligned skb_shared_info) plus
 * MAX_SKB_FRAGS (17) pages of fragments; 73152 bytes with 4 KiB pages.  Only
 * a refusal of a frame longer than this is a skip; any other is an error.
 */
#define TEST_RUN_HEADROOM	256
#define TEST_RUN_TAILROOM	320
#define TEST_RUN_FRAGS		17
#define PCAP_REC_HDR		16	/* struct pcap_sf_pkthdr, on disk */

static long test_run_max(void)
{
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		page = 4096;
	return page - TEST_RUN_HEADROOM - TEST_RUN_TAILROOM + TEST_RUN_FRAGS * page;
}

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

static void parse_usage(FILE *f)
{
	fprintf(f,
		"usage: xdp-fwd parse [--rules FILE] [--default ACTION] [--errors pass|drop]\n"
		"                     [--json] CAPTURE\n"
		"\n"
		"Run xdp-fwd's BPF program on each packet of CAPTURE (pcap or pcapng, Ethernet)\n"
		"with BPF_PROG_TEST_RUN and print what it parsed and decided.  No interface is\n"
		"touched.  Frames the kernel's test runner cannot take (under 14 bytes, or over\n"
		"its limit, 73152 bytes with 4 KiB pages) are reported as skipped, with the\n"
		"reason; any other test_run failure is an error.  A record that claims more\n"
		"bytes than the capture's snaplen is read clipped to it, with a warning.\n"
		"\n"
		"  -r, --rules FILE      rules, one per line in the words of 'rule add'\n"
		"  -d, --default ACTION  action for frames no rule matches (default pass)\n"
		"  -e, --errors ACTION   pass or drop frames that fail to parse (default pass)\n"
		"  -j, --json            one JSON object per packet per line\n");
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

int do_parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "default", required_argument, NULL, 'd' },
		{ "errors", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *rules_path = NULL;
	struct xf_load_opts lo = { .trace = true };
	struct xf_config cfg = {};
	struct xf_rule_file rf = {};
	struct xdp_fwd *skel = NULL;
	char errbuf[PCAP_ERRBUF_SIZE], err[512];
	unsigned long frame = 0, skipped = 0, clipped = 0;
	long pos = -1, next, run_max = test_run_max();
	unsigned long verdicts[XF_ACT_MAX + 1] = {};
	int c, ret = XF_EXIT_FAIL, prog_fd, a;
	struct pcap_pkthdr *hdr;
	const u_char *bytes;
	struct xf_maps m;
	__u8 *out = NULL;
	bool json = false;
	struct jw w;
	pcap_t *pc;

	xf_maps_init(&m);
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:d:e:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rules_path = optarg;
			break;
		case 'd':
			a = xf_action_parse(optarg);
			if (a < 0 || a == XF_ACT_REDIRECT) {
				cli_err("bad --default '%s' (pass, drop, tx, xsk or fwd)", optarg);
				return XF_EXIT_USAGE;
			}
			cfg.default_action = a;
			break;
		case 'e':
			a = xf_action_parse(optarg);
			if (a != XF_ACT_PASS && a != XF_ACT_DROP) {
				cli_err("bad --errors '%s' (pass or drop)", optarg);
				return XF_EXIT_USAGE;
			}
			cfg.error_action = a;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			parse_usage(stdout);
			return XF_EXIT_OK;
		default:
			parse_usage(stderr);
			return XF_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_err("parse needs exactly one capture file");
		return XF_EXIT_USAGE;
	}
	if (rules_path && xf_rule_file_read(rules_path, &rf, err, sizeof(err))) {
		cli_err("%s", err);
		return XF_EXIT_USAGE;
	}
	pc = pcap_open_offline(argv[optind], errbuf);
	if (!pc) {
		cli_err("cannot read capture %s: %s", argv[optind], errbuf);
		goto out_rules;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		cli_err("capture %s is not Ethernet (link type %s)", argv[optind],
		       pcap_datalink_val_to_name(pcap_datalink(pc)) ?: "unknown");
		goto out_pcap;
	}

	lo.max_rules = rf.n > 1024 ? rf.n : 1024;
	if (xf_skel_load(&lo, &skel) || xf_maps_from_skel(skel, &m))
		goto out_pcap;
	if (xf_config_set(&m, &cfg)) {
		cli_err("cannot set the policy");
		goto out_pcap;
	}
	if (rf.n) {
		__u32 *ids = calloc(rf.n, sizeof(*ids));
		long bad;

		if (!ids || xf_rules_add(&m, rf.specs, rf.n, ids, &bad, err, sizeof(err))) {
			if (ids && bad >= 0)
				cli_err("%s:%zu: %s", rules_path, rf.lines[bad], err);
			else
				cli_err("%s", ids ? err : "out of memory");
			free(ids);
			goto out_pcap;
		}
		free(ids);
	}
	prog_fd = bpf_program__fd(skel->progs.xdp_fwd);
	out = malloc(1 << 17);
	if (!out)
		goto out_pcap;
	jw_init(&w, stdout);
	if (pcap_is_classic(pc))
		pos = ftell(pcap_file(pc));

	while ((c = pcap_next_ex(pc, &hdr, &bytes)) == 1) {
		LIBBPF_OPTS(bpf_test_run_opts, tr);
		struct xf_trace t = {};
		__u32 zero = 0, seq;
		char reason[128];
		const char *verdict;

		frame++;
		/* libpcap cuts a record longer than the snaplen to it, silently */
		if (pos >= 0 && (next = ftell(pcap_file(pc))) >= 0) {
			if (next - pos - PCAP_REC_HDR > (long)hdr->caplen) {
				fflush(stdout);
				cli_warn("frame %lu: the record holds %ld bytes, more than the capture's snaplen %d; read as %u",
					frame, next - pos - PCAP_REC_HDR, pcap_snapshot(pc),
					hdr->caplen);
				clipped++;
			}
			pos = next;
		}
		if (hdr->caplen < TEST_RUN_MIN) {
			snprintf(reason, sizeof(reason), "%u bytes: test_run takes %d or more",
				 hdr->caplen, TEST_RUN_MIN);
			print_pkt(json ? &w : NULL, frame, hdr->caplen, "skipped", NULL, reason);
			skipped++;
			continue;
		}
		bpf_map_lookup_elem(m.trace, &zero, &t);
		seq = t.seq;
		tr.data_in = bytes;
		tr.data_size_in = hdr->caplen;
		tr.data_out = out;
		tr.data_size_out = 1 << 17;
		tr.repeat = 1;
		if (bpf_prog_test_run_opts(prog_fd, &tr)) {
			int e = errno;

			if ((long)hdr->caplen <= run_max) {
				fflush(stdout);
				cli_err("frame %lu (%u bytes): test_run failed: %s", frame,
				       hdr->caplen, strerror(e));
				goto out_pcap;
			}
			snprintf(reason, sizeof(reason), "%u bytes: over test_run's %ld (%s)",
				 hdr->caplen, run_max, strerror(e));
			print_pkt(json ? &w : NULL, frame, hdr->caplen, "skipped", NULL, reason);
			skipped++;
			continue;
		}
		if (bpf_map_lookup_elem(m.trace, &zero, &t) || t.seq == seq) {
			cli_err("frame %lu: the program left no trace (retval %u)", frame, tr.retval);
			goto out_pcap;
		}
		if (tr.retval == XDP_ABORTED) {
			verdict = "aborted";
			verdicts[XF_ACT_MAX]++;
		} else {
			verdict = xf_action_name(t.action);
			verdicts[t.action < XF_ACT_MAX ? t.action : XF_ACT_PASS]++;
		}
		print_pkt(json ? &w : NULL, frame, hdr->caplen, verdict, &t, NULL);
	}
	fflush(stdout);
	if (c == PCAP_ERROR) {
		cli_err("capture %s is cut short or corrupt after %lu packets: %s", argv[optind],
		       frame, pcap_geterr(pc));
		goto out_pcap;
	}
	if (clipped)
		cli_warn("%lu of %lu records were longer than the snaplen and read clipped",
			clipped, frame);
	if (!json) {
		printf("%lu packets:", frame);
		for (int i = 0; i < XF_ACT_MAX; i++)
			if (verdicts[i])
				printf(" %s %lu", xf_action_name(i), verdicts[i]);
		if (verdicts[XF_ACT_MAX])
			printf(" aborted %lu", verdicts[XF_ACT_MAX]);
		if (skipped)
			printf(" skipped %lu", skipped);
		putchar('\n');
	}
	ret = XF_EXIT_OK;
out_pcap:
	free(out);
	xf_maps_close(&m);
	if (skel)
		xdp_fwd__destroy(skel);
	pcap_close(pc);
out_rules:
	xf_rule_file_free(&rf);
	return ret;
}
