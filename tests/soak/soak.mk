# tests/soak/soak.mk - the soak: scripts/soak.sh on the veth testbed.
#   make soak [SOAK_SECONDS=300]   two passes of SOAK_SECONDS/2 each
#   make soak-short                the same in 30 s (part of make check)
#
# Pass 1 soaks the release build (build/xdp-fwd): it alone has its RSS
# judged.  Pass 2 soaks the ASan/UBSan build of tests/sanitize
# (build/asan/xdp-fwd) as the consumer and as every command the soak runs
# (rule add/del, stats, status), so a sanitizer report from any of them
# fails it.  Both passes run even when the first fails; either failing
# fails the target (tests/soak/passes.sh).  Needs root; exit status 77
# (not root, a tool missing, no namespaces) is a skip, which tests/lib/suite.sh
# counts in make check.  See doc/SOAK.md.

SOAK_SECONDS ?= 300

.PHONY: soak soak-short
soak: $(BUILD)/xdp-fwd $(SAN_DIR)/xdp-fwd
	$(Q)tests/soak/passes.sh $(SOAK_SECONDS) soak $(BUILD)/xdp-fwd $(SAN_DIR)/xdp-fwd

soak-short: $(BUILD)/xdp-fwd $(SAN_DIR)/xdp-fwd
	$(Q)$(SUITE_RUN) soak-short 'needs root, namespaces and its tools' -- \
		tests/soak/passes.sh 30 soak-short $(BUILD)/xdp-fwd $(SAN_DIR)/xdp-fwd

TEST_RUNS += soak-short
