# tests/soak/soak.mk - the soak: scripts/soak.sh on the veth testbed.
#   make soak [SOAK_SECONDS=300]   two passes of SOAK_SECONDS/2 each
#   make soak-short                the same in 30 s (part of make check)
#
# Pass 1 soaks the release build (build/xdp-fwd): it alone has its RSS
# judged.  Pass 2 soaks the ASan/UBSan build of tests/sanitize
# (build/asan/xdp-fwd) as the consumer and as every command the soak runs
# (rule add/del, stats, status), so a sanitizer report from any of them
# fails it.  Both passes run even when the first fails; either failing
# fails the target.  Needs root; exit status 77 (not root, a tool missing,
# no namespaces) is reported as skipped.  See doc/SOAK.md.

SOAK_SECONDS ?= 300

# soak_passes SECONDS NAME
define soak_passes
	$(Q)s=$(1); h=$$((s / 2)); fail=0; \
	scripts/soak.sh --seconds $$((s - h)) --xdp-fwd $(BUILD)/xdp-fwd; rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "  $(2): skipped"; exit 0; fi; \
	[ $$rc -eq 0 ] || fail=1; \
	scripts/soak.sh --seconds $$h --sanitizer --xdp-fwd $(SAN_DIR)/xdp-fwd; rc=$$?; \
	[ $$rc -eq 0 ] || fail=1; \
	[ $$fail -eq 0 ] && echo "  $(2): both passes passed" || { echo "  $(2): FAILED"; exit 1; }
endef

.PHONY: soak soak-short
soak: $(BUILD)/xdp-fwd $(SAN_DIR)/xdp-fwd
	$(call soak_passes,$(SOAK_SECONDS),soak)

soak-short: $(BUILD)/xdp-fwd $(SAN_DIR)/xdp-fwd
	$(call soak_passes,30,soak-short)

TEST_RUNS += soak-short
