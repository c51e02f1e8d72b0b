# xdp-fwd: XDP fast path + AF_XDP consumer.
#   make            build build/xdp-fwd and the BPF objects
#   make check      install what is missing, build, run every test
#   make bench      benchmarks (see BENCHMARKS.md)
#   make help       all targets
# V=1 shows the full commands.

PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
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

INCLUDES := -Icommon -Iheaders -Iheaders/xdpfwd
BPF_CFLAGS := -g -O2 -target bpf -Wall -Werror $(ARCH_INC) -Icommon -Ibpf -Iheaders
CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE \
	   $(INCLUDES) -I$(BUILD) $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lelf -lz -lpthread

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS    := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
BPF_HDRS := $(wildcard bpf/*.h common/*.h headers/*.h)

# libxdpfwd (lib/, public headers in headers/xdpfwd/), one set of PIC objects
# for both the .a and the .so.  The .so exports only the public xf_* API
# (lib/libxdpfwd.map); its soname changes with LIB_MAJOR.
LIB_MAJOR   := 2
LIB_VERSION := 2.0.0
LIB_SRCS  := $(wildcard lib/*.c)
LIB_OBJS  := $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRCS))
LIB_SO    := $(BUILD)/libxdpfwd.so.$(LIB_VERSION)
PUB_HDRS  := $(wildcard headers/xdpfwd/*.h) common/xf_abi.h common/xf_parse.h headers/xf_compat.h
USER_HDRS := $(wildcard lib/*.h cli/*.h) $(PUB_HDRS)
# The tool: main.c and one file per command, on the public API only.
CLI_SRCS  := $(wildcard cli/*.c)
CLI_OBJS  := $(patsubst cli/%.c,$(BUILD)/cli/%.o,$(CLI_SRCS))

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all clean check deps test bench demo install uninstall help

all: $(BUILD)/xdp-fwd $(BPF_OBJS) $(LIB_SO) $(BUILD)/libxdpfwd.pc $(BUILD)/cli-abi.ok

help:
	@echo 'targets: all (default), demo, check, bench, deps, install, uninstall, clean'
	@echo 'vars:    V=1 (verbose), PREFIX=$(PREFIX), DESTDIR=, CLANG=$(CLANG)'

$(BUILD):
	$(Q)mkdir -p $(BUILD)/lib $(BUILD)/cli $(BUILD)/tests

$(BUILD)/%.tmp.o: bpf/%.bpf.c $(BPF_HDRS) | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.bpf.o: $(BUILD)/%.tmp.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

$(BUILD)/lib/%.o: lib/%.c $(USER_HDRS) $(SKELS) | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -fPIC -fvisibility=default -c $< -o $@

$(BUILD)/cli/%.o: cli/%.c $(USER_HDRS) $(SKELS) | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -Icli -c $< -o $@

$(BUILD)/libxdpfwd.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIB_SO): $(LIB_OBJS) lib/libxdpfwd.map
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -shared -Wl,-soname,libxdpfwd.so.$(LIB_MAJOR) \
		-Wl,--version-script=lib/libxdpfwd.map -Wl,--no-undefined \
		-o $@ $(LIB_OBJS) $(LDLIBS)
	$(Q)ln -sf $(notdir $@) $(BUILD)/libxdpfwd.so.$(LIB_MAJOR)
	$(Q)ln -sf $(notdir $@) $(BUILD)/libxdpfwd.so

$(BUILD)/libxdpfwd.pc: lib/libxdpfwd.pc.in Makefile | $(BUILD)
	$(call msg,GEN,$@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(LIB_VERSION)|g' $< > $@

# The installed tool links the archive (no runtime dependency to go stale);
# linking the same objects against the .so proves the tool uses nothing the
# .so does not export, i.e. only the public API.
$(BUILD)/xdp-fwd: $(CLI_OBJS) $(BUILD)/libxdpfwd.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/cli-abi.ok: $(CLI_OBJS) $(LIB_SO)
	$(call msg,ABI,$@)
	$(Q)$(CC) $(CFLAGS) -o $(BUILD)/xdp-fwd.shared $(CLI_OBJS) -L$(BUILD) -l:$(notdir $(LIB_SO)) $(LDLIBS)
	$(Q)bad=$$(nm -D --defined-only $(LIB_SO) | awk '$$2 ~ /[TDBR]/ && $$3 !~ /^xf_/ {print $$3}'); \
		if [ -n "$$bad" ]; then echo "libxdpfwd.so exports non-xf_ symbols: $$bad" >&2; exit 1; fi
	$(Q)rm -f $(BUILD)/xdp-fwd.shared && touch $@

include tests/tests.mk

deps:
	$(Q)scripts/install-deps.sh

demo:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/tests/udp_sink
	$(Q)scripts/demo.sh

# Everything lands under $(DESTDIR)$(PREFIX); the unit's @SBINDIR@ becomes
# $(PREFIX)/sbin and the .pc's paths follow PREFIX, LIBDIR and INCLUDEDIR at
# install time (not those of the build).  uninstall removes exactly these
# files, the library's two symlinks, and the directories only xdp-fwd uses
# once they are empty.
INSTALL_SBIN    = $(PREFIX)/sbin
INSTALL_INC     = $(INCLUDEDIR)/xdpfwd
INSTALL_EXAMPLES = $(PREFIX)/share/doc/xdp-fwd/examples
EXAMPLE_SRCS    := $(sort $(wildcard examples/*.c examples/*.h)) examples/Makefile
LIB_LINKS       = $(LIBDIR)/libxdpfwd.so.$(LIB_MAJOR) $(LIBDIR)/libxdpfwd.so
INSTALL_FILES   = $(INSTALL_SBIN)/xdp-fwd \
		  $(PREFIX)/lib/bpf/xdp_fwd.bpf.o \
		  $(PREFIX)/share/man/man8/xdp-fwd.8 \
		  $(PREFIX)/share/bash-completion/completions/xdp-fwd \
		  $(PREFIX)/lib/systemd/system/xdp-fwd@.service \
		  $(PREFIX)/lib/systemd/system/xdp-fwd-run@.service \
		  $(LIBDIR)/libxdpfwd.a $(LIBDIR)/$(notdir $(LIB_SO)) \
		  $(LIBDIR)/pkgconfig/libxdpfwd.pc \
		  $(addprefix $(INSTALL_INC)/,$(notdir $(PUB_HDRS))) \
		  $(addprefix $(INSTALL_EXAMPLES)/,$(notdir $(EXAMPLE_SRCS)))

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
	install -D -m 0644 $(BUILD)/libxdpfwd.a $(DESTDIR)$(LIBDIR)/libxdpfwd.a
	install -D -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/$(notdir $(LIB_SO))
	ln -sf $(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/libxdpfwd.so.$(LIB_MAJOR)
	ln -sf $(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/libxdpfwd.so
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(LIB_VERSION)|g' \
		lib/libxdpfwd.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libxdpfwd.pc
	chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/libxdpfwd.pc
	install -d $(DESTDIR)$(INSTALL_INC) $(DESTDIR)$(INSTALL_EXAMPLES)
	install -m 0644 $(PUB_HDRS) $(DESTDIR)$(INSTALL_INC)/
	install -m 0644 $(EXAMPLE_SRCS) $(DESTDIR)$(INSTALL_EXAMPLES)/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALL_FILES) $(LIB_LINKS))
	-rmdir $(DESTDIR)$(INSTALL_INC) $(DESTDIR)$(INSTALL_EXAMPLES) \
		$(DESTDIR)$(PREFIX)/share/doc/xdp-fwd 2>/dev/null

clean:
	rm -rf $(BUILD)
