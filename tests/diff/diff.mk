# Differential test of the parser against tshark over ../shared/pcaps
# (see tests/diff/README.md).  run.sh exits 77 when the captures or tshark
# are missing: that is reported as a skip, not a failure.

.PHONY: diff-tshark
diff-tshark: $(BUILD)/xdp-fwd
	$(Q)XDP_FWD=$(abspath $(BUILD))/xdp-fwd $(SUITE_RUN) diff-tshark 'no captures or no tshark' -- \
		tests/diff/run.sh

TEST_RUNS += diff-tshark
