# Included by tests/tests.mk.  `make examples` installs the library into a
# scratch DESTDIR, builds examples/ there with nothing but pkg-config, runs
# flowcount and udpecho on a veth pair in namespaces of their own, and runs
# the contract's consumer (tests/examples/xsk_libxdp.c: libxdp's xsk API on
# xdp-fwd's pinned XSKMAP, no libxdpfwd).  Needs root; exit 77 is a skip.

# Built with libxdp's and libbpf's flags only, plus xdp-fwd's header-only ABI
# (the layout of the metadata): the contract needs nothing of libxdpfwd.
XSK_LIBXDP_PKGS := libxdp libbpf
$(BUILD)/tests/xsk_libxdp: tests/examples/xsk_libxdp.c common/xf_abi.h headers/xf_compat.h | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -Wall -Wextra -Wno-unused-parameter \
		-Icommon -Iheaders $(shell pkg-config --cflags $(XSK_LIBXDP_PKGS)) -o $@ $< \
		$(shell pkg-config --libs $(XSK_LIBXDP_PKGS))

# flowcount built in the tree, on the archive: the kernel guests run it
# (tests/kernels/guest.sh, part meta) to see whether the metadata survives
# the path each driver grants, zero-copy included.
$(BUILD)/tests/flowcount: examples/flowcount.c examples/example.c examples/example.h \
		$(BUILD)/libxdpfwd.a | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ examples/flowcount.c examples/example.c \
		$(BUILD)/libxdpfwd.a $(LDLIBS)

.PHONY: examples
examples: all $(BUILD)/tests/xsk_libxdp
	$(Q)XDP_FWD=$(abspath $(BUILD)/xdp-fwd) XSK_LIBXDP=$(abspath $(BUILD)/tests/xsk_libxdp) \
		MAKE="$(MAKE)" $(SUITE_RUN) examples 'needs root and its tools' -- \
		tests/examples/test_examples.sh

TEST_RUNS += examples
