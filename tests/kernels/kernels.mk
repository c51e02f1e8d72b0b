# tests/kernels/kernels.mk - the BPF and AF_XDP tests inside QEMU guests on
# Debian's kernels, on virtio-net.  Included by tests/tests.mk.
#   make check-kernels [KERNELS="6.1 6.12 sid"]
#
# tests/kernels/run.sh fetches each kernel (cached in $(BUILD)/kernels),
# boots it under QEMU with this machine's root as the guest's (read-only,
# 9p), and tests/kernels/guest.sh runs the tests there with the binaries
# built here: the program loaded in native mode on a virtio-net NIC, the
# BPF_PROG_TEST_RUN suite of both compilers' builds, and `xdp-fwd run`
# end to end between the guest's two NICs.  KERNELS: 6.1 and 6.12 are
# bookworm's newest of each series; sid is Debian unstable's newest kernel,
# the one whose virtio-net grants zero-copy AF_XDP.

KERNELS ?= 6.1 6.12 sid

.PHONY: check-kernels

check-kernels: all $(BPF_TEST_PROG) $(BUILD)/tests/flowcount
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory BUILD=$(TC_CLANG19_DIR) CLANG=$(TC_CLANG19) \
		all $(TC_CLANG19_DIR)/tests/test_prog
	$(call msg,TEST,kernels $(KERNELS))
	$(Q)$(SUITE_RUN) check-kernels 'needs root, QEMU and its tools' -- \
		tests/kernels/run.sh $(BUILD) $(KERNELS) || \
		{ echo "kernels: the guests' consoles are in $(BUILD)/kernels/run-*/console.log"; exit 1; }

TEST_RUNS += check-kernels
