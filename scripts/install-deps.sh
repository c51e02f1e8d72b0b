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
	qemu-system-x86 busybox-static kmod xz-utils curl gpgv debian-archive-keyring
)
# make bench also plots its figures
[ "${1:-}" = "--bench" ] && PKGS+=(gnuplot-nox)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}; run as root or install them" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
