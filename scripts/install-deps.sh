#!/usr/bin/env bash
# Install what building and testing xdp-fwd needs from Debian's archive.
# Idempotent and quiet: when every package is present it prints nothing and
# touches nothing. Called by `make deps`, `make check` and `make demo`;
# `make bench` adds --bench for gnuplot.
set -euo pipefail

PKGS=(
	make gcc pkg-config
	clang llvm
	libbpf-dev libxdp-dev libelf-dev zlib1g-dev
	bpftool iproute2 ethtool
	libcmocka-dev libpcap-dev
	tshark bc iputils-ping python3
	# make ops renders the man page with groff (-man -ww)
	groff-base
	# the hardening suites: libFuzzer for clang 14, valgrind, a second BPF compiler
	libclang-rt-14-dev valgrind clang-19
	# make check-kernels: QEMU guests booting Debian's kernel packages
	# (QEMU itself comes from bookworm-backports, below)
	busybox-static kmod xz-utils curl gpgv debian-archive-keyring
	# the coexistence tests: a second XDP program beside xdp-fwd in libxdp's
	# dispatcher (xdp-loader, xdp-filter), and commands run with a reduced
	# capability set (capsh, setpriv)
	xdp-tools libcap2-bin util-linux
)
# make bench also plots its figures
[ "${1:-}" = "--bench" ] && PKGS+=(gnuplot-nox)

# The kernel matrix's Intel NIC is QEMU's igb model (82576), which QEMU has
# since 8.0; bookworm has 7.2, bookworm-backports has 10.  The backports
# suite is added for this one package: apt gives backports priority 100
# (NotAutomatic), so nothing else is taken from it unless asked for by name,
# and nothing is pinned.  QEMU_MIN: the oldest major version accepted.
QEMU_MIN=10
BACKPORTS_LIST=/etc/apt/sources.list.d/xdp-fwd-bookworm-backports.sources

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

qemu_ok() {
	local v
	installed qemu-system-x86 || return 1
	v=$(dpkg-query -W -f='${Version}' qemu-system-x86)
	v=${v#*:}
	[ "${v%%.*}" -ge "$QEMU_MIN" ] 2>/dev/null
}

missing=()
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done
qemu=
qemu_ok || qemu=1
[ ${#missing[@]} -eq 0 ] && [ -z "$qemu" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}${qemu:+ qemu-system-x86 (>= $QEMU_MIN, bookworm-backports)}; run as root or install them" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ -n "$qemu" ] && ! grep -rqs '^Suites:.*bookworm-backports\|^deb .* bookworm-backports ' \
	/etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo "install-deps: adding bookworm-backports ($BACKPORTS_LIST) for QEMU" >&2
	cat >"$BACKPORTS_LIST" <<-'SRC'
	Types: deb
	URIs: http://deb.debian.org/debian
	Suites: bookworm-backports
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	SRC
fi
apt-get update -qq >/dev/null
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}" >&2
	# tshark asks whether non-root users may capture; answer for it.
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ -n "$qemu" ]; then
	echo "install-deps: installing qemu-system-x86 from bookworm-backports" >&2
	apt-get install -y -qq --no-install-recommends -t bookworm-backports qemu-system-x86 >/dev/null
	qemu_ok || { echo "install-deps: qemu-system-x86 is still older than $QEMU_MIN" >&2; exit 1; }
fi
