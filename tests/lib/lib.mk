# tests/lib/lib.mk - the shell harness (tests/lib/harness.sh) tested on
# itself.  Included by tests/tests.mk.
#   make unit-harness

.PHONY: unit-harness
unit-harness:
	$(call msg,TEST,tests/lib/test_harness.sh)
	$(Q)tests/lib/test_harness.sh

TEST_RUNS += unit-harness
