# Unit tests of the rule codec, host-compiled with sanitizers.
RULES_TEST_SRCS := tests/rules/test_rules.c user/xf_rules.c user/xf_util.c

$(BUILD)/tests/test_rules: $(RULES_TEST_SRCS) $(USER_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TEST_CFLAGS) -fsanitize=address,undefined \
		-fno-omit-frame-pointer -o $@ $(RULES_TEST_SRCS) $(CMOCKA_LIBS) -lm

.PHONY: unit-rules
unit-rules: $(BUILD)/tests/test_rules
	$(Q)$(BUILD)/tests/test_rules

TEST_RUNS += unit-rules
