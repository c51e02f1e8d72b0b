# Per-packet cost benchmark (BPF_PROG_TEST_RUN); see BENCHMARKS.md.
#   make bench                 measure and rewrite BENCHMARKS.md's sections
#                              (per packet, then end to end: scripts/bench-e2e.sh)
#   make bench BENCH_ARGS=...  extra options for bench_prog (--runs 9, --wall, ...)
#   make bench XDPSOCK=PATH    add the peer, bpf-examples' xdpsock, to the
#                              end-to-end run (built elsewhere, never here)
# Benchmarks are not tests: only `bench-smoke` (does it run at all?) is in
# TEST_RUNS, and nothing asserts a speed.

BENCH_PROG := $(BUILD)/tests/bench_prog
BENCH_REF  := $(BUILD)/tests/bench_ref

# The reference program (parse + one 16-byte-key lookup + a per-CPU counter):
# spelled out because the pattern rules in Makefile only build bpf/*.bpf.c.
$(BENCH_REF).tmp.o: tests/bench/bench_ref.bpf.c | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D) && $(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_REF).bpf.o: $(BENCH_REF).tmp.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(BENCH_REF).skel.h: $(BENCH_REF).bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name bench_ref > $@

# Naming the skeletons here also keeps make from deleting them as
# intermediate files (they are otherwise only pattern-rule prerequisites).
$(BENCH_PROG): tests/bench/bench_prog.c $(BUILD)/libxdpfwd.a \
		$(BUILD)/xdp_drop.skel.h $(BUILD)/xdp_fwd.skel.h $(BENCH_REF).skel.h \
		$(USER_HDRS) | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -I$(BUILD)/tests -o $@ tests/bench/bench_prog.c \
		$(BUILD)/libxdpfwd.a $(LDLIBS)

$(BUILD)/tests/udp_sink: tests/bench/udp_sink.c | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) -O2 -Wall -o $@ $<

# The library's generic netlink client (lib/xf_genl.c, hidden: from the archive).
$(BUILD)/tests/napi_pid: tests/bench/napi_pid.c lib/xf_genl.h $(BUILD)/libxdpfwd.a | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -Ilib -o $@ $< $(BUILD)/libxdpfwd.a $(LDLIBS)

.PHONY: bench bench-smoke
# Per-packet cost first, then the end-to-end rates on the veth testbed.
bench: $(BENCH_PROG) $(BUILD)/tests/udp_sink $(BUILD)/tests/napi_pid all
	$(Q)scripts/install-deps.sh --bench
	$(Q)BENCH_PROG=$(BENCH_PROG) scripts/bench-prog.sh $(BENCH_ARGS)
	$(Q)XDPSOCK='$(XDPSOCK)' scripts/bench-e2e.sh

bench-smoke: $(BENCH_PROG)
	$(Q)$(BENCH_PROG) --repeat 1000 --runs 1 >/dev/null
	@echo "  bench-smoke: bench_prog runs"

TEST_RUNS += bench-smoke
