# tests/unit/unit.mk - host unit tests, cmocka + AddressSanitizer/UBSan.
# Included by tests/tests.mk.
#   make unit-parser	the frame parser (common/xf_parse.h)
#   make unit-ring	the consumer's ring bookkeeping (headers/xdpfwd/xf_ring.h)
#   make unit-pkt	the shared frame builder and checksum (lib/xf_pkt.c)
#
# The parser and the rings are header-only: the tests need -Icommon and
# -Iheaders/xdpfwd (from TEST_CFLAGS) and cmocka, nothing of libbpf; the parser's
# recipes and unit-pkt link lib/xf_pkt.c.  UBSan findings abort the run
# (halt_on_error).

UNIT_SAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer
# every .c prerequisite is compiled in; the headers are there for make
UNIT_CC  = $(Q)mkdir -p $(@D) && $(CC) $(TEST_CFLAGS) $(UNIT_SAN_CFLAGS) -o $@ \
	   $(filter %.c,$^) $(CMOCKA_LIBS)
UNIT_RUN = $(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $<
PKT_SRCS := lib/xf_pkt.c headers/xdpfwd/xf_pkt.h

$(BUILD)/tests/test_parser: tests/unit/test_parser.c $(PKT_SRCS) common/xf_parse.h common/xf_abi.h
	$(call msg,CC,$@)
	$(UNIT_CC)

# The ring logic against a model of the kernel's side of the rings.
$(BUILD)/tests/test_ring: tests/unit/test_ring.c headers/xdpfwd/xf_ring.h headers/xdpfwd/xf_proc.h
	$(call msg,CC,$@)
	$(UNIT_CC)

# Known vectors (RFC 1071, an IPv4 header, a UDP/IPv6 frame), read back
# with the parser.
$(BUILD)/tests/test_pkt: tests/unit/test_pkt.c $(PKT_SRCS) common/xf_parse.h common/xf_abi.h
	$(call msg,CC,$@)
	$(UNIT_CC)

.PHONY: unit-parser unit-ring unit-pkt
unit-parser: $(BUILD)/tests/test_parser
	$(call msg,TEST,$<)
	$(UNIT_RUN)

unit-ring: $(BUILD)/tests/test_ring
	$(call msg,TEST,$<)
	$(UNIT_RUN)

unit-pkt: $(BUILD)/tests/test_pkt
	$(call msg,TEST,$<)
	$(UNIT_RUN)

TEST_RUNS += unit-parser unit-ring unit-pkt
