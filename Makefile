# xdp-fwd: XDP fast path + AF_XDP consumer.
#   make            build build/xdp-fwd and the BPF objects
#   make check      install what is missing, build, run every test
#   make bench      benchmarks (see BENCHMARKS.md)
#   make help       all targets
# V=1 shows the full commands.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   := build
CLANG   ?= clang
BPFTOOL ?= bpftool
CC      ?= gcc

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

ARCH_INC := -I/usr/include/$(shell $(CC) -print-multiarch 2>/dev/null)
PKGS     := libbpf libxdp libpcap
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lbpf -lxdp -lpcap)

BPF_CFLAGS := -g -O2 -target bpf -Wall -Werror $(ARCH_INC) -Icommon -Ibpf -Iheaders
CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE \
	   -Icommon -Iuser -Iheaders -Iheaders/xdpfwd -I$(BUILD) $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lelf -lz -lpthread

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS    := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
BPF_HDRS := $(wildcard bpf/*.h common/*.h headers/*.h)

# Userspace library code shared by the tool, the tests and the benchmark.
LIB_SRCS := $(filter-out user/main.c,$(wildcard user/*.c)) lib/xf_pkt.c
LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
USER_HDRS := $(wildcard user/*.h common/*.h headers/*.h headers/xdpfwd/*.h)

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all clean check deps test bench demo install uninstall help

all: $(BUILD)/xdp-fwd $(BPF_OBJS)

help:
	@echo 'targets: all (default), demo, check, bench, deps, install, uninstall, clean'
	@echo 'vars:    V=1 (verbose), PREFIX=$(PREFIX), DESTDIR=, CLANG=$(CLANG)'

$(BUILD):
	$(Q)mkdir -p $(BUILD)/user $(BUILD)/tests

$(BUILD)/%.tmp.o: bpf/%.bpf.c $(BPF_HDRS) | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.bpf.o: $(BUILD)/%.tmp.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

$(BUILD)/lib/%.o: lib/%.c $(USER_HDRS) | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/user/%.o: user/%.c $(USER_HDRS) $(SKELS) | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libxdpfwd.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

$(BUILD)/xdp-fwd: $(BUILD)/user/main.o $(BUILD)/libxdpfwd.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

include tests/tests.mk

deps:
	$(Q)scripts/install-deps.sh

demo:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/tests/udp_sink
	$(Q)scripts/demo.sh

# Everything lands under $(DESTDIR)$(PREFIX); the unit's @SBINDIR@ becomes
# $(PREFIX)/sbin at install time.  uninstall removes exactly these files.
INSTALL_SBIN    = $(PREFIX)/sbin
INSTALL_FILES   = $(INSTALL_SBIN)/xdp-fwd \
		  $(PREFIX)/lib/bpf/xdp_fwd.bpf.o \
		  $(PREFIX)/share/man/man8/xdp-fwd.8 \
		  $(PREFIX)/share/bash-completion/completions/xdp-fwd \
		  $(PREFIX)/lib/systemd/system/xdp-fwd@.service \
		  $(PREFIX)/lib/systemd/system/xdp-fwd-run@.service

install: all
	install -D -m 0755 $(BUILD)/xdp-fwd $(DESTDIR)$(INSTALL_SBIN)/xdp-fwd
	install -D -m 0644 $(BUILD)/xdp_fwd.bpf.o $(DESTDIR)$(PREFIX)/lib/bpf/xdp_fwd.bpf.o
	install -D -m 0644 doc/xdp-fwd.8 $(DESTDIR)$(PREFIX)/share/man/man8/xdp-fwd.8
	install -D -m 0644 scripts/xdp-fwd.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/xdp-fwd
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|@SBINDIR@|$(INSTALL_SBIN)|g' scripts/xdp-fwd@.service \
		> $(DESTDIR)$(PREFIX)/lib/systemd/system/xdp-fwd@.service
	sed 's|@SBINDIR@|$(INSTALL_SBIN)|g' scripts/xdp-fwd-run@.service \
		> $(DESTDIR)$(PREFIX)/lib/systemd/system/xdp-fwd-run@.service
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/xdp-fwd@.service \
		$(DESTDIR)$(PREFIX)/lib/systemd/system/xdp-fwd-run@.service

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALL_FILES))

clean:
	rm -rf $(BUILD)
