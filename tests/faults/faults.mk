# Fault tests of `xdp-fwd run` (tests/faults/test_faults.sh): link down and
# up, ethtool -L, the program unloaded, replaced and re-loaded, the
# interface deleted, --no-reconnect; on a veth pair in network namespaces of
# their own.  Needs root; exit status 77 (not root, or a tool missing) is
# reported as skipped, not as a failure.

.PHONY: xsk-faults
xsk-faults: $(BUILD)/xdp-fwd $(BPF_OBJS)
	$(Q)XDP_FWD=$(abspath $(BUILD)/xdp-fwd) tests/faults/test_faults.sh; rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "  xsk-faults: skipped"; else exit $$rc; fi

TEST_RUNS += xsk-faults
