# Per-packet cost benchmark (BPF_PROG_TEST_RUN); see BENCHMARKS.md.
#   make bench                 measure and rewrite BENCHMARKS.md's sections
#                              (per packet, then end to end: scripts/bench-e2e.sh)
#   make bench BENCH_ARGS=...  extra options for bench_prog (--runs 9, --wall, ...)
# Benchmarks are not tests: only `bench-smoke` (does it run at all?) is in
# TEST_RUNS, and nothing asserts a speed.

BENCH_PROG := $(BUILD)/tests/bench_prog

# Naming the skeletons here also keeps make from deleting them as
# intermediate files (they are otherwise only pattern-rule prerequisites).
$(BENCH_PROG): tests/bench/bench_prog.c $(BUILD)/libxdpfwd.a \
		$(BUILD)/xdp_drop.skel.h $(BUILD)/xdp_fwd.skel.h $(USER_HDRS) | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -o $@ tests/bench/bench_prog.c \
		$(BUILD)/libxdpfwd.a $(LDLIBS)

$(BUILD)/tests/udp_sink: tests/bench/udp_sink.c | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) -O2 -Wall -o $@ $<

.PHONY: bench bench-smoke
# Per-packet cost first, then the end-to-end rates on the veth testbed.
bench: $(BENCH_PROG) $(BUILD)/tests/udp_sink all
	$(Q)scripts/install-deps.sh --bench
	$(Q)BENCH_PROG=$(BENCH_PROG) scripts/bench-prog.sh $(BENCH_ARGS)
	$(Q)scripts/bench-e2e.sh

bench-smoke: $(BENCH_PROG)
	$(Q)$(BENCH_PROG) --repeat 1000 --runs 1 >/dev/null
	@echo "  bench-smoke: bench_prog runs"

TEST_RUNS += bench-smoke
