# Integration tests of `xdp-fwd run` (the AF_XDP consumer) on a veth pair in
# two network namespaces of their own.  Needs root; exit status 77 (not root,
# or a tool missing) is reported as skipped, not as a failure.

.PHONY: xsk-run
xsk-run: $(BUILD)/xdp-fwd
	$(Q)XDP_FWD=$(abspath $(BUILD)/xdp-fwd) tests/xsk/test_run.sh; rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "  xsk-run: skipped"; else exit $$rc; fi

TEST_RUNS += xsk-run
