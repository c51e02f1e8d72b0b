# tests/bpf/bpf.mk - the XDP program run in the kernel with BPF_PROG_TEST_RUN,
# driven through the userspace library (cmocka).  Included by tests/tests.mk.
#   make bpf-prog	build and run $(BUILD)/tests/test_prog (needs root)
#
# The test moves into a private network namespace of its own, so the veth
# pairs it creates for the fwd and AF_XDP cases vanish when it exits.
# XF_TEST_SEED=N reseeds its random 5-tuple case.

BPF_TEST_PROG := $(BUILD)/tests/test_prog

# Naming the skeleton keeps make from deleting it as an intermediate file.
$(BPF_TEST_PROG): tests/bpf/test_prog.c $(BUILD)/libxdpfwd.a $(BUILD)/xdp_fwd.skel.h \
		$(USER_HDRS) | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TEST_CFLAGS) -o $@ tests/bpf/test_prog.c \
		$(BUILD)/libxdpfwd.a $(CMOCKA_LIBS) $(LDLIBS)

.PHONY: bpf-prog
bpf-prog: $(BPF_TEST_PROG)
	$(call msg,TEST,$<)
	$(Q)$<

TEST_RUNS += bpf-prog
