# tests/fuzz/fuzz.mk - libFuzzer target for the frame parser (common/xf_parse.h).
# Included by tests/tests.mk.
#   make fuzz-smoke               replay tests/fuzz/regressions/, then fuzz 60 s (in make check)
#   make fuzz FUZZ_SECONDS=600    the same, longer (not in make check)
#
# The target is host code: clang -fsanitize=fuzzer,address,undefined with
# libFuzzer from libclang-rt-14-dev (scripts/install-deps.sh).  Its
# seed corpus is every frame of ../shared/pcaps/*.pcap, written one file per
# frame to $(BUILD)/fuzz/seeds by tests/fuzz/pcap_seeds.py; the corpus it grows
# stays in $(BUILD)/fuzz/corpus, crash inputs land in $(BUILD)/fuzz/artifacts.

FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 600
FUZZ_SMOKE_SECONDS ?= 60
FUZZ_CFLAGS        := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		      -fno-omit-frame-pointer -Wall -Wextra -Werror -Icommon -Iheaders
FUZZ_DIR           := $(BUILD)/fuzz
FUZZ_BIN           := $(FUZZ_DIR)/fuzz_parser
FUZZ_PCAPS         := $(shell d=$$(git rev-parse --show-toplevel 2>/dev/null) && \
			  echo "$$d/../shared/pcaps" || echo ../shared/pcaps)
FUZZ_SEEDS         := $(FUZZ_DIR)/seeds
FUZZ_REGRESSIONS   ?= tests/fuzz/regressions

.PHONY: fuzz fuzz-smoke fuzz-deps

fuzz-deps:
	$(Q)scripts/install-deps.sh

$(FUZZ_BIN): tests/fuzz/fuzz_parser.c common/xf_parse.h common/xf_abi.h headers/xf_compat.h | fuzz-deps
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D) && $(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $<

# Re-extracted when a capture or the reader changes.
$(FUZZ_SEEDS)/.stamp: tests/fuzz/pcap_seeds.py $(wildcard $(FUZZ_PCAPS)/*.pcap) | fuzz-deps
	$(call msg,SEEDS,$(FUZZ_SEEDS))
	$(Q)rm -rf $(FUZZ_SEEDS) && mkdir -p $(FUZZ_SEEDS) && \
	python3 tests/fuzz/pcap_seeds.py $(FUZZ_SEEDS) $(wildcard $(FUZZ_PCAPS)/*.pcap) >/dev/null && \
	touch $@

fuzz-smoke: $(FUZZ_BIN) $(FUZZ_SEEDS)/.stamp
	$(Q)tests/fuzz/run.sh $(FUZZ_BIN) $(FUZZ_SMOKE_SECONDS) $(FUZZ_DIR) $(FUZZ_SEEDS) \
		$(FUZZ_REGRESSIONS)

fuzz: $(FUZZ_BIN) $(FUZZ_SEEDS)/.stamp
	$(Q)tests/fuzz/run.sh $(FUZZ_BIN) $(FUZZ_SECONDS) $(FUZZ_DIR) $(FUZZ_SEEDS) \
		$(FUZZ_REGRESSIONS)

TEST_RUNS += fuzz-smoke
