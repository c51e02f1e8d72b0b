# tests/unit/unit.mk - host unit tests of the frame parser (common/xf_parse.h),
# cmocka + AddressSanitizer/UBSan.  Included by tests/tests.mk.
#   make unit-parser	build and run $(BUILD)/tests/test_parser
#
# The parser is header-only: the test needs -Icommon (from TEST_CFLAGS) and
# cmocka, nothing of libbpf.  UBSan findings abort the run (halt_on_error).

UNIT_SAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer

$(BUILD)/tests/test_parser: tests/unit/test_parser.c lib/xf_pkt.c common/xf_parse.h common/xf_abi.h \
		headers/xdpfwd/xf_pkt.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TEST_CFLAGS) $(UNIT_SAN_CFLAGS) -o $@ $< lib/xf_pkt.c $(CMOCKA_LIBS)

.PHONY: unit-parser
unit-parser: $(BUILD)/tests/test_parser
	$(call msg,TEST,$<)
	$(Q)ASAN_OPTIONS=detect_leaks=1 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $<

TEST_RUNS += unit-parser

# The consumer's ring bookkeeping (user/xf_ring.h, header-only) against a
# model of the kernel's side of the rings.
$(BUILD)/tests/test_ring: tests/unit/test_ring.c user/xf_ring.h user/xf_proc.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TEST_CFLAGS) $(UNIT_SAN_CFLAGS) -o $@ $< $(CMOCKA_LIBS)

.PHONY: unit-ring
unit-ring: $(BUILD)/tests/test_ring
	$(call msg,TEST,$<)
	$(Q)ASAN_OPTIONS=detect_leaks=1 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $<

TEST_RUNS += unit-ring

# The shared frame builder and Internet checksum (lib/xf_pkt.c) against
# known vectors, read back with the parser.
$(BUILD)/tests/test_pkt: tests/unit/test_pkt.c lib/xf_pkt.c headers/xdpfwd/xf_pkt.h \
		common/xf_parse.h common/xf_abi.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TEST_CFLAGS) $(UNIT_SAN_CFLAGS) -o $@ $< lib/xf_pkt.c $(CMOCKA_LIBS)

.PHONY: unit-pkt
unit-pkt: $(BUILD)/tests/test_pkt
	$(call msg,TEST,$<)
	$(Q)ASAN_OPTIONS=detect_leaks=1 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $<

TEST_RUNS += unit-pkt
