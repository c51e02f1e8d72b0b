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
	$(Q)rc=0; XDP_FWD=$(abspath $(BUILD)/xdp-fwd) MAKE="$(MAKE)" bash $(OPS_SH) || rc=$$?; \
	if [ $$rc -eq 77 ]; then \
		echo "ops: skipped (needs root, ip netns, veth and python3)"; \
	elif [ $$rc -ne 0 ]; then \
		exit $$rc; \
	fi

TEST_RUNS += ops
