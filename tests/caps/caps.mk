# Included by tests/tests.mk.  `make caps` runs each command as uid 0 with a
# bounding set of exactly the capabilities tests/caps/matrix names, and with
# each of them dropped (tests/caps/caps.sh, issue 15).  The guests run the
# same script as their part 'caps'.  Exit 77 (not root, no capsh) is skipped.

CAPS_SH := tests/caps/caps.sh

.PHONY: caps
caps: $(BUILD)/xdp-fwd $(BPF_OBJS)
	$(call msg,TEST,$(CAPS_SH))
	$(Q)XDP_FWD=$(abspath $(BUILD)/xdp-fwd) $(SUITE_RUN) caps \
		'needs root, ip netns, veth and capsh' -- bash $(CAPS_SH)

TEST_RUNS += caps
