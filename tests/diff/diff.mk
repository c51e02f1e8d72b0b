# Differential test of the parser against tshark over ../shared/pcaps
# (see tests/diff/README.md).  run.sh exits 77 when the captures or tshark
# are missing: that is reported as a skip, not a failure.  pcap_norm
# rewrites each capture as libpcap reads it, which is what tshark is given.

PCAP_NORM := $(BUILD)/tests/pcap_norm

$(PCAP_NORM): tests/diff/pcap_norm.c | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --libs libpcap 2>/dev/null || echo -lpcap)

.PHONY: diff-tshark
diff-tshark: $(BUILD)/xdp-fwd $(PCAP_NORM)
	$(Q)XDP_FWD=$(abspath $(BUILD))/xdp-fwd XF_PCAP_NORM=$(abspath $(PCAP_NORM)) \
		$(SUITE_RUN) diff-tshark 'no captures or no tshark' -- tests/diff/run.sh

TEST_RUNS += diff-tshark
