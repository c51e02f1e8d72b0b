# Included by the top-level Makefile.  Each test suite adds its runner to
# TEST_RUNS in its own fragment (tests/<dir>/<dir>.mk); `make test` runs them
# all, `make check` installs dependencies first.
#
# `make test` runs every suite, each even when an earlier one failed, and
# ends with one line, alone and last: "suites: N passed, N failed, N skipped";
# it exits non-zero when any suite failed.  A suite's recipe reports a skip
# by running its script through $(SUITE_RUN) (tests/lib/suite.sh run): the
# script exits 77 and may write its reason to $XF_SKIP_FILE.  Under CI=true
# a skip is a failure unless its reason is on tests/lib/suite.sh's ALLOW_SKIP.
# Every suite stays a target of its own (make xsk-run).

TEST_RUNS :=
TEST_CFLAGS = $(CFLAGS) -Itests
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
# $(SUITE_RUN) NAME 'DEFAULT-REASON' -- CMD...
SUITE_RUN := tests/lib/suite.sh run

-include $(wildcard tests/*/*.mk)

.PHONY: check test $(TEST_RUNS)

check:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory test

# The suites run one after another from tests/lib/suite.sh, not as make
# prerequisites, so that a failed one does not stop the rest.
test: all
	$(Q)MAKE="$(MAKE)" tests/lib/suite.sh all $(TEST_RUNS)
