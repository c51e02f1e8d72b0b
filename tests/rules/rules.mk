# Unit tests of the rule codec, host-compiled with sanitizers.  UBSan's
# findings abort the run: compiled without recovery, and halt_on_error for
# the runtime, so undefined behaviour fails the suite instead of printing a
# line in a passing run.
RULES_TEST_SRCS := tests/rules/test_rules.c lib/xf_rules.c lib/xf_util.c lib/xf_log.c

$(BUILD)/tests/test_rules: $(RULES_TEST_SRCS) $(USER_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TEST_CFLAGS) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -o $@ $(RULES_TEST_SRCS) $(CMOCKA_LIBS) -lm

.PHONY: unit-rules
unit-rules: $(BUILD)/tests/test_rules
	$(Q)UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(BUILD)/tests/test_rules

TEST_RUNS += unit-rules

# A rule as a NIC flow rule (lib/xf_ntuple.c): the pure half, no NIC needed.
NTUPLE_TEST_SRCS := tests/rules/test_ntuple.c lib/xf_ntuple.c lib/xf_rules.c lib/xf_util.c \
		    lib/xf_log.c

$(BUILD)/tests/test_ntuple: $(NTUPLE_TEST_SRCS) $(USER_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TEST_CFLAGS) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -o $@ $(NTUPLE_TEST_SRCS) $(CMOCKA_LIBS) -lm

.PHONY: unit-ntuple
unit-ntuple: $(BUILD)/tests/test_ntuple
	$(Q)UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(BUILD)/tests/test_ntuple

TEST_RUNS += unit-ntuple
