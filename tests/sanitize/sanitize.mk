# tests/sanitize/sanitize.mk - the tool and the rule codec under ASan/UBSan,
# and the tool under valgrind.  Included by tests/tests.mk.
#   make sanitize
#
# $(BUILD)/asan/ is a build of its own: every user/*.c and lib/xf_pkt.c compiled with
# -fsanitize=address,undefined against the skeleton headers of the normal
# build ($(BUILD)/*.skel.h), linked to $(BUILD)/asan/xdp-fwd; the normal
# $(BUILD)/xdp-fwd is left as it is.  tests/sanitize/cli.sh then runs the CLI
# paths that need no interface (every --help, usage errors, bad rule words,
# 'parse' over every capture of ../shared/pcaps with and without rules, and
# over broken captures) on the ASan build, and the same paths on the normal
# build under valgrind.  The rule codec's unit tests (tests/rules) run under
# ASan/UBSan with leak checking too.

SAN_DIR        := $(BUILD)/asan
SAN_FLAGS      := -fsanitize=address,undefined -fno-omit-frame-pointer -O1 -g
SAN_USER_OBJS   = $(patsubst %.c,$(SAN_DIR)/%.o,$(wildcard user/*.c) lib/xf_pkt.c)
SAN_RULES_SRCS := $(or $(RULES_TEST_SRCS),tests/rules/test_rules.c user/xf_rules.c user/xf_util.c)
SAN_PCAPS      := $(shell d=$$(git rev-parse --show-toplevel 2>/dev/null) && \
		    echo "$$d/../shared/pcaps" || echo ../shared/pcaps)
SAN_ENV        := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
		  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: sanitize sanitize-deps

sanitize-deps:
	$(Q)scripts/install-deps.sh

$(SAN_DIR)/user/%.o: user/%.c $(USER_HDRS) $(SKELS) | sanitize-deps
	$(call msg,ASAN-CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(SAN_DIR)/lib/%.o: lib/%.c $(USER_HDRS) | sanitize-deps
	$(call msg,ASAN-CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(SAN_DIR)/xdp-fwd: $(SAN_USER_OBJS)
	$(call msg,ASAN-LD,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

$(SAN_DIR)/tests/test_rules: $(SAN_RULES_SRCS) $(USER_HDRS) | sanitize-deps
	$(call msg,ASAN-CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TEST_CFLAGS) $(SAN_FLAGS) -o $@ $(SAN_RULES_SRCS) \
		$(CMOCKA_LIBS) -lm

sanitize: $(SAN_DIR)/xdp-fwd $(SAN_DIR)/tests/test_rules $(BUILD)/xdp-fwd
	$(call msg,TEST,$(SAN_DIR)/tests/test_rules)
	$(Q)$(SAN_ENV) $(SAN_DIR)/tests/test_rules >$(SAN_DIR)/test_rules.log 2>&1 || \
		{ tail -n 60 $(SAN_DIR)/test_rules.log; exit 1; }
	$(Q)tests/sanitize/cli.sh asan $(SAN_DIR)/xdp-fwd $(SAN_DIR)/runs $(SAN_PCAPS)
	$(Q)tests/sanitize/cli.sh valgrind $(BUILD)/xdp-fwd $(SAN_DIR)/runs $(SAN_PCAPS)

TEST_RUNS += sanitize
