# Fault tests of `xdp-fwd run` (tests/faults/test_faults.sh): link down and
# up, ethtool -L, the program unloaded, replaced and re-loaded, the
# interface deleted, --no-reconnect; on a veth pair in network namespaces of
# their own.  Needs root; exit status 77 (not root, or a tool missing) is
# a skip, which tests/lib/suite.sh counts (and fails under CI=true).

.PHONY: xsk-faults
xsk-faults: $(BUILD)/xdp-fwd $(BPF_OBJS)
	$(Q)XDP_FWD=$(abspath $(BUILD)/xdp-fwd) $(SUITE_RUN) xsk-faults 'needs root and its tools' -- \
		tests/faults/test_faults.sh

TEST_RUNS += xsk-faults
