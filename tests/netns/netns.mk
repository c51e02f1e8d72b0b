# Included by tests/tests.mk.  `make netns` checks that xdp-fwd's pins are per
# network namespace (tests/netns/test_netns.sh): two namespaces sharing one
# bpffs, each with an interface named xfeth0, and a container-style namespace
# with a bpffs of its own.  Exit 77 (not root, no veth) is reported as skipped.

NETNS_SH := tests/netns/test_netns.sh

.PHONY: netns
netns: $(BUILD)/xdp-fwd $(BPF_OBJS)
	$(call msg,TEST,$(NETNS_SH))
	$(Q)BUILD_DIR=$(abspath $(BUILD)) $(SUITE_RUN) netns \
		'needs root, network namespaces, veth and unshare' -- bash $(NETNS_SH)

TEST_RUNS += netns
