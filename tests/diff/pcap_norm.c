// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pcap_norm IN OUT: rewrite capture IN (pcap or pcapng) as the pcap file OUT
 * holding exactly the records libpcap returns for it.
 *
 * libpcap cuts a record whose header claims more bytes than the capture's
 * snaplen down to the snaplen; tshark's reader does not.  `xdp-fwd parse`
 * reads through libpcap, so the differential test (compare.py) gives tshark
 * this rewrite instead of IN, and both then see the same bytes: the rewrite
 * is what libpcap returned, record by record, by construction.
 *
 * Exit status 0 when every record was read and written; 1, with a message
 * naming the file (and the record), when IN cannot be read to its end or OUT
 * cannot be written.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

static int copy_records(pcap_t *in, pcap_dumper_t *out, const char *in_path)
{
	struct pcap_pkthdr *hdr;
	const u_char *bytes;
	unsigned long n = 0;
	int c;

	while ((c = pcap_next_ex(in, &hdr, &bytes)) == 1) {
		n++;
		pcap_dump((u_char *)out, hdr, bytes);
	}
	if (c == PCAP_ERROR) {
		fprintf(stderr, "pcap_norm: %s: cannot read record %lu: %s\n", in_path, n + 1,
			pcap_geterr(in));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_dumper_t *out;
	pcap_t *in;
	int ret = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: pcap_norm IN OUT\n");
		return 2;
	}
	/* nanoseconds, so that no timestamp is rounded on the way */
	in = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!in) {
		fprintf(stderr, "pcap_norm: cannot read %s: %s\n", argv[1], errbuf);
		return 1;
	}
	out = pcap_dump_open(in, argv[2]);
	if (!out) {
		fprintf(stderr, "pcap_norm: cannot write %s: %s\n", argv[2], pcap_geterr(in));
		goto out_in;
	}
	if (!copy_records(in, out, argv[1]))
		ret = 0;
	if (pcap_dump_flush(out)) {
		fprintf(stderr, "pcap_norm: cannot write %s\n", argv[2]);
		ret = 1;
	}
	pcap_dump_close(out);
out_in:
	pcap_close(in);
	return ret;
}
