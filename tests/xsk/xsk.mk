# Integration tests of `xdp-fwd run` (the AF_XDP consumer) on a veth pair in
# two network namespaces of their own.  Needs root; exit status 77 (not root,
# or a tool missing) is reported as skipped, not as a failure.

.PHONY: xsk-run
xsk-run: $(BUILD)/xdp-fwd
	$(Q)XDP_FWD=$(abspath $(BUILD)/xdp-fwd) $(SUITE_RUN) xsk-run 'needs root and its tools' -- \
		tests/xsk/test_run.sh

TEST_RUNS += xsk-run
