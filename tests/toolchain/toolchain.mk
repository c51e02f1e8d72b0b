# tests/toolchain/toolchain.mk - the BPF programs built by a second compiler.
# Included by tests/tests.mk.
#   make toolchain-clang19
#
# Installs clang-19 (scripts/install-deps.sh), builds everything
# into $(BUILD)/clang19 with CLANG=clang-19 (the BPF objects and skeletons
# with clang-19; the userspace with $(CC) as usual), runs the
# BPF_PROG_TEST_RUN suite (bpf-prog) against that build, and then
# tests/toolchain/verify.sh checks that every BPF object of both builds
# (clang 14 in $(BUILD), clang-19 in $(BUILD)/clang19) passes the verifier and
# that both builds' 'xdp-fwd parse' agree frame by frame over ../shared/pcaps.
# The clang 14 build's own bpf-prog run is the bpf-prog target itself.

TC_CLANG19      ?= clang-19
TC_CLANG19_DIR  := $(BUILD)/clang19
TC_PCAPS        := $(shell d=$$(git rev-parse --show-toplevel 2>/dev/null) && \
		     echo "$$d/../shared/pcaps" || echo ../shared/pcaps)

.PHONY: toolchain-clang19

toolchain-clang19: all
	$(Q)scripts/install-deps.sh
	$(call msg,BUILD,$(TC_CLANG19_DIR) with $(TC_CLANG19))
	$(Q)$(MAKE) --no-print-directory BUILD=$(TC_CLANG19_DIR) CLANG=$(TC_CLANG19) all
	$(call msg,TEST,bpf-prog on $(TC_CLANG19_DIR))
	$(Q)$(MAKE) --no-print-directory BUILD=$(TC_CLANG19_DIR) CLANG=$(TC_CLANG19) bpf-prog \
		>$(TC_CLANG19_DIR)/bpf-prog.log 2>&1 || \
		{ tail -n 60 $(TC_CLANG19_DIR)/bpf-prog.log; exit 1; }
	$(Q)awk '/^\[  PASSED  \]/ { n += $$4 } END { printf "  bpf-prog %s: %d tests passed\n", \
		"$(TC_CLANG19_DIR)", n }' $(TC_CLANG19_DIR)/bpf-prog.log
	$(Q)tests/toolchain/verify.sh $(BUILD) $(TC_CLANG19_DIR) $(TC_PCAPS)

TEST_RUNS += toolchain-clang19
