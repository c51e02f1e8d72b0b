# tests/kernels/kernels.mk - the BPF and AF_XDP tests inside QEMU guests on
# Debian's kernels.  Included by tests/tests.mk.
#   make check-kernels [KERNELS="6.1 6.12 sid"] [XF_KERNEL_TOPOLOGIES="virtio mq"]
#
# tests/kernels/run.sh fetches each kernel (cached in $(BUILD)/kernels) and
# boots it under QEMU (from bookworm-backports: scripts/install-deps.sh)
# twice, with this machine's root as the guest's (read-only, 9p):
#  - virtio: two virtio-net NICs on a QEMU hub; tests/kernels/guest.sh runs
#    the program loaded in native mode, the BPF_PROG_TEST_RUN suite of both
#    compilers' builds, and `xdp-fwd run` end to end between the NICs;
#  - mq: a 4-CPU q35 machine with an Intel 82576 (igb) and a multi-queue
#    virtio-net device, each on a tap in a namespace of the host that sends
#    the traffic; tests/kernels/guest-mq.sh checks RSS to per-queue
#    sockets on 4 queues, zero-copy, SIGKILL takeover and channel changes.
# KERNELS: 6.1 and 6.12 are bookworm's newest of each series; sid is Debian
# unstable's newest kernel, the one whose virtio-net and igb grant
# zero-copy AF_XDP.

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
