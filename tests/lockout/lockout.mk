# Included by tests/tests.mk.  `make lockout` checks the lock-out guard and
# the timed apply (tests/lockout/test_lockout.sh) in a network namespace of
# its own; `make unit-lockout` the SSH_CONNECTION parser and the session's
# verdict (tests/unit/test_lockout.c).  Exit 77 (not root, no veth) is
# reported as skipped.

LOCKOUT_SH := tests/lockout/test_lockout.sh

.PHONY: lockout unit-lockout
lockout: $(BUILD)/xdp-fwd $(BPF_OBJS)
	$(call msg,TEST,$(LOCKOUT_SH))
	$(Q)XDP_FWD=$(abspath $(BUILD)/xdp-fwd) $(SUITE_RUN) lockout \
		'needs root, ip netns and veth' -- bash $(LOCKOUT_SH)

$(BUILD)/tests/test_lockout: tests/unit/test_lockout.c cli/lockout_tuple.c cli/lockout.h \
		headers/xdpfwd/xf_rules.h common/xf_abi.h
	$(call msg,CC,$@)
	$(UNIT_CC)

unit-lockout: $(BUILD)/tests/test_lockout
	$(call msg,TEST,$<)
	$(UNIT_RUN)

TEST_RUNS += lockout unit-lockout
