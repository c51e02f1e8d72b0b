# Included by tests/tests.mk.  `make integration` runs xdp-fwd on a veth pair
# between two network namespaces of its own (tests/integration/test_veth.sh).
# It needs root and veth; without them the script exits 77, reported here as
# skipped rather than failed.

INTEGRATION_SH := tests/integration/test_veth.sh

.PHONY: integration
integration: $(BUILD)/xdp-fwd $(BPF_OBJS)
	$(call msg,TEST,$(INTEGRATION_SH))
	$(Q)rc=0; BUILD_DIR=$(abspath $(BUILD)) bash $(INTEGRATION_SH) || rc=$$?; \
	if [ $$rc -eq 77 ]; then \
		echo "integration: skipped (needs root, network namespaces and veth)"; \
	elif [ $$rc -ne 0 ]; then \
		exit $$rc; \
	fi

TEST_RUNS += integration
