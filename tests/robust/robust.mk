# Included by tests/tests.mk.  `make robust` runs tests/robust/test_robust.sh:
# bad input to every command, concurrent writers under traffic, faults and
# the trust placed in the pin directory, on a veth pair between two network
# namespaces of its own.  It needs root and veth; without them the script
# exits 77, reported here as skipped rather than failed.

ROBUST_SH := tests/robust/test_robust.sh

.PHONY: robust
robust: $(BUILD)/xdp-fwd $(BPF_OBJS)
	$(call msg,TEST,$(ROBUST_SH))
	$(Q)BUILD_DIR=$(abspath $(BUILD)) $(SUITE_RUN) robust \
		'needs root, network namespaces and veth' -- bash $(ROBUST_SH)

TEST_RUNS += robust
