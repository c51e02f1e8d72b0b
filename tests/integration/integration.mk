# Included by tests/tests.mk.  `make integration` runs xdp-fwd on a veth pair
# between two network namespaces of its own (tests/integration/test_veth.sh).
# It needs root and veth; without them the script exits 77, reported here as
# skipped rather than failed.

INTEGRATION_SH := tests/integration/test_veth.sh

.PHONY: integration
integration: $(BUILD)/xdp-fwd $(BPF_OBJS)
	$(call msg,TEST,$(INTEGRATION_SH))
	$(Q)BUILD_DIR=$(abspath $(BUILD)) $(SUITE_RUN) integration \
		'needs root, network namespaces and veth' -- bash $(INTEGRATION_SH)

TEST_RUNS += integration
