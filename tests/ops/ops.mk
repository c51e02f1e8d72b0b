# Included by tests/tests.mk.  `make ops` checks the operations and packaging
# side (tests/ops/test_ops.sh): the man page against every command's --help,
# make install/uninstall, the bash completion, every --json output against
# doc/JSON.md, `features` and `stats --prometheus`.  The parts that need an
# interface run in a network namespace of their own.  Exit 77 (not root, or a
# tool missing) is reported as skipped, not as a failure.

OPS_SH := tests/ops/test_ops.sh

.PHONY: ops
ops: $(BUILD)/xdp-fwd $(BPF_OBJS)
	$(call msg,TEST,$(OPS_SH))
	$(Q)XDP_FWD=$(abspath $(BUILD)/xdp-fwd) MAKE="$(MAKE)" $(SUITE_RUN) ops \
		'needs root, ip netns, veth, python3 and groff' -- bash $(OPS_SH)

TEST_RUNS += ops
