# Differential test of the parser against tshark over ../shared/pcaps
# (see tests/diff/README.md).  run.sh exits 77 when the captures or tshark
# are missing: that is reported as a skip, not a failure.

.PHONY: diff-tshark
diff-tshark: $(BUILD)/xdp-fwd
	$(Q)rc=0; XDP_FWD=$(abspath $(BUILD))/xdp-fwd tests/diff/run.sh || rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "diff-tshark: skipped"; \
	elif [ $$rc -ne 0 ]; then exit $$rc; fi

TEST_RUNS += diff-tshark
