# Included by the top-level Makefile.  Each test suite adds its runner to
# TEST_RUNS in its own fragment; `make test` runs them all, `make check`
# installs dependencies first.

TEST_RUNS :=
TEST_CFLAGS = $(CFLAGS) -Itests
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

-include $(wildcard tests/*/*.mk)

.PHONY: check test $(TEST_RUNS)

check:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory test

test: all $(TEST_RUNS)
	@echo "all test suites passed"
