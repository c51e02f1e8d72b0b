#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/kernels/run.sh - run the BPF and AF_XDP tests inside QEMU guests on
# Debian's own kernels, on virtio-net NICs.
#
#   tests/kernels/run.sh BUILD [SERIES...]     (default SERIES: 6.1 6.12 sid)
#
# SERIES 6.1 and 6.12 are the newest packages of Debian 12's two kernel
# series (linux-image-6.1.0-NN-amd64-unsigned, linux-image-6.12.NNN+deb12-
# amd64-unsigned), fetched with `apt-get download`; sid is Debian unstable's
# newest kernel (linux-binary-* and linux-modules-*), fetched with curl from
# the archive after checking the archive's signature and the checksums the
# way apt does.  Each is unpacked into BUILD/kernels (kept for the next run)
# and booted under QEMU (TCG: KVM does not work on this machine) with a
# busybox initramfs (tests/kernels/init.sh) that mounts this machine's root
# read-only over 9p and chroots into it.  The guest therefore runs the
# binaries in BUILD, the ones the host just built and tested, and
# tests/kernels/guest.sh does the testing.
#
# The guest has two virtio-net NICs on one QEMU hub, eth0 and eth1, which see
# each other's frames and nothing else: no frame leaves QEMU.  They are
# modern-only virtio devices with VIRTIO_F_ACCESS_PLATFORM
# (disable-legacy=on,iommu_platform=on): virtio-net grants zero-copy AF_XDP
# only on such devices, in kernels that have it (sid's; not 6.1 or 6.12).
# A third, eth2, alone on a hub of its own, is QEMU's default virtio-net
# device, without that feature: sid's driver reports zero-copy for it, but
# refuses the zero-copy bind, and `run` must fall back to copy mode.
#
# A second topology, "mq", boots each kernel again as a 4-CPU q35 machine
# with two multi-queue NICs: QEMU's Intel 82576 (igb, the closest model of
# ixgbe QEMU has) and a virtio-net device with mq=on, rss=on and 4 queue
# pairs, each on a tap device (tests/kernels/mq.conf).  The taps live in a
# network namespace this script creates and QEMU runs in; the traffic
# source is that namespace, on the host: the guest (tests/kernels/guest-mq.sh)
# asks for each send or receive with a file in the results directory, and
# serve() below runs tests/xsk/udp_send.py or udp_recv.py there.
#
# Prints the guest's "ok"/"FAIL" lines as they come, and last
# "kernels: NAME: N passed, M failed" per kernel.  Exit 0 when every kernel
# passed, 1 otherwise (a verifier rejection, a failed check, a guest that did
# not finish in time), 77 when QEMU cannot run here.
#
#   XF_KERNEL_PKGS="name ..."  exact kernels instead of the newest of each
#                              series: bookworm package names, or sid-VERSION
#   XF_QEMU_TIMEOUT=S          seconds one guest may run (default 1200)
#   XF_QEMU_NIC_OPTS=OPTS      the -device options of both virtio-net NICs
#                              instead of the default above
#   XF_KERNELS_ONLY="bpf ..."  run only these parts in the guest (guest.sh,
#                              guest-mq.sh: a part either knows)
#   XF_KERNEL_TOPOLOGIES=T     the topologies to boot: "virtio mq" (default)
#   XF_QEMU_CPU=MODEL          QEMU's -cpu (default max; mq: max,-tsc-deadline)
#   XF_KERNEL_ARGS=ARGS        more kernel command line
#   XF_BOOT_S=S                seconds a guest may take to start its first part
#                              (default 300; it is booted again after that, up
#                              to 3 boots in all)
#   XF_DEBIAN_MIRROR=URL       the archive for sid (http://deb.debian.org/debian)

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
BUILD=$(cd "${1:?usage: run.sh BUILD [SERIES...]}" && pwd -P) || exit 1
case $BUILD/ in
"$ROOT"/*) BUILD_SHARE= ;;	# inside the project's share
*) BUILD_SHARE=1 ;;
esac
shift
SERIES=("$@")
[ ${#SERIES[@]} -eq 0 ] && SERIES=(6.1 6.12 sid)
CACHE=$BUILD/kernels
TIMEOUT=${XF_QEMU_TIMEOUT:-1200}
QEMU=qemu-system-x86_64
MIRROR=${XF_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

TOPOS=${XF_KERNEL_TOPOLOGIES:-virtio mq}
MQ_NS=xfk-mq-$$
# shellcheck source=tests/kernels/mq.conf
. "$HERE/mq.conf"

die() {
	echo "kernels: $*" >&2
	exit 1
}

cleanup() {
	ip netns del "$MQ_NS" 2>/dev/null
}
trap cleanup EXIT

# shellcheck source=tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
SUITE=kernels
for t in "$QEMU" busybox depmod apt-get dpkg-deb xz curl gpgv; do
	command -v "$t" >/dev/null || skip "$t missing (scripts/install-deps.sh)"
done
[ "$(id -u)" -eq 0 ] || skip "needs root (apt-get download, 9p export of /)"
case " $TOPOS " in
*" mq "*)
	"$QEMU" -device help 2>/dev/null | grep -q '^name "igb"' ||
		die "$("$QEMU" --version | head -n 1) has no igb device for the mq topology (QEMU 8.0 or later; scripts/install-deps.sh installs it from bookworm-backports)" ;;
esac
if [ ! -x "$BUILD/xdp-fwd" ] || [ ! -x "$BUILD/tests/test_prog" ]; then
	die "build $BUILD/xdp-fwd and $BUILD/tests/test_prog first (make check-kernels does)"
fi

# series_regex SERIES: the package names of one bookworm kernel series.
series_regex() {
	case $1 in
	6.1) echo '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
	*) return 1 ;;
	esac
}

APT_UPDATED=
apt_update_once() {
	[ -n "$APT_UPDATED" ] && return
	apt-get update -qq >/dev/null 2>&1 || true
	APT_UPDATED=1
}

# resolve SERIES: the name of the newest kernel of SERIES: a bookworm
# package name, or sid-VERSION for Debian unstable's newest kernel.
resolve() {
	local re p
	if [ "$1" = sid ]; then
		sid_index || return 1
		p=$(grep -oE '^Package: linux-binary-[0-9][^ ]*-amd64$' "$CACHE/sid/Packages" |
			grep -vE -- '-(rt|cloud)-amd64$' | sed 's/^Package: linux-binary-//; s/-amd64$//' | sort -V | tail -n 1)
		[ -n "$p" ] && echo "sid-$p"
		return
	fi
	re=$(series_regex "$1") || die "unknown kernel series '$1' (known: 6.1 6.12 sid)"
	p=$(apt-cache pkgnames linux-image-6 | grep -E "$re" | sort -V | tail -n 1)
	if [ -z "$p" ]; then
		apt_update_once
		p=$(apt-cache pkgnames linux-image-6 | grep -E "$re" | sort -V | tail -n 1)
	fi
	echo "$p"
}

# sid_index: CACHE/sid/Packages, unstable's amd64 package index, checked
# the way apt checks it: InRelease signed by a Debian archive key, the index
# matching the SHA256 InRelease gives.  Fetched afresh once per run.
SID_FETCHED=
sid_index() {
	local try
	[ -n "$SID_FETCHED" ] && return
	# a mirror caught between updating InRelease and the index fails the
	# check: try again a little later
	for try in 1 2 3; do
		sid_index_once && { SID_FETCHED=1; return 0; }
		[ $try -lt 3 ] && sleep 20
	done
	return 1
}

sid_index_once() {
	local d=$CACHE/sid sum
	mkdir -p "$d"
	rm -f "$d/InRelease" "$d/Release" "$d/Packages" "$d/Packages.xz"
	curl -fsS -m 120 -o "$d/InRelease" "$MIRROR/dists/sid/InRelease" || return 1
	if ! gpgv --keyring "$KEYRING" --output "$d/Release" "$d/InRelease" 2>"$d/gpgv.log"; then
		echo "kernels: sid's InRelease did not verify:" >&2
		cat "$d/gpgv.log" >&2
		return 1
	fi
	sum=$(awk '/^SHA256:/ { s = 1; next } /^[^ ]/ { s = 0 }
		s && $3 == "main/binary-amd64/Packages.xz" { print $1 }' "$d/Release")
	curl -fsS -m 300 -o "$d/Packages.xz" "$MIRROR/dists/sid/main/binary-amd64/Packages.xz" ||
		return 1
	echo "$sum  $d/Packages.xz" | sha256sum -c --quiet - ||
		{ echo "kernels: sid's Packages.xz does not match its InRelease" >&2; return 1; }
	xz -dc "$d/Packages.xz" >"$d/Packages"
}

# sid_deb PKG DIR: download PKG from unstable into DIR, checked against the
# index's SHA256
sid_deb() {
	local pkg=$1 dir=$2 file sum
	read -r file sum < <(awk -v p="$pkg" '
		/^Package: / { cur = $2 }
		cur == p && /^Filename: / { f = $2 }
		cur == p && /^SHA256: / { s = $2 }
		/^$/ { if (f != "" && s != "") { print f, s; exit } cur = "" }' "$CACHE/sid/Packages")
	[ -n "$file" ] || { echo "kernels: $pkg is not in sid" >&2; return 1; }
	curl -fsS -m 600 -o "$dir/$(basename "$file")" "$MIRROR/$file" &&
		echo "$sum  $dir/$(basename "$file")" | sha256sum -c --quiet -
}

# fetch NAME: CACHE/NAME/root holds the unpacked kernel, with the
# modules.dep that Debian's postinst would have made.
fetch() {
	local name=$1 dir=$CACHE/$1 deb ver
	[ -f "$dir/.ready" ] && return
	rm -rf "$dir"
	mkdir -p "$dir/root"
	case $name in
	sid-*)
		ver=${name#sid-}
		if ! sid_index || ! sid_deb "linux-binary-$ver-amd64" "$dir" ||
			! sid_deb "linux-modules-$ver-amd64" "$dir"; then
			die "cannot download $name"
		fi
		;;
	*)
		(cd "$dir" && apt-get download -q "$name" >/dev/null 2>&1) ||
			{ apt_update_once; (cd "$dir" && apt-get download -q "$name" >/dev/null); } ||
			die "cannot download $name"
		;;
	esac
	for deb in "$dir"/*.deb; do
		dpkg-deb -x "$deb" "$dir/root" || die "cannot unpack $deb"
		rm -f "$deb"
	done
	depmod -b "$(modbase "$dir")" "$(kver "$dir")" || die "depmod failed for $name"
	touch "$dir/.ready"
}

# modbase DIR: the directory holding lib/modules/VER in an unpacked kernel
# package (newer packages put the modules under usr/); kver DIR: VER;
# vmlinuz DIR: the kernel image.
modbase() {
	if [ -d "$1/root/lib/modules" ]; then echo "$1/root"; else echo "$1/root/usr"; fi
}
kver() {
	ls "$(modbase "$1")/lib/modules"
}
vmlinuz() {
	local b
	b=$(modbase "$1")
	ls "$1"/root/boot/vmlinuz-* "$b/lib/modules/$(kver "$1")/vmlinuz" 2>/dev/null | head -n 1
}

# mod_order MODROOT VER MOD...: the module files (relative to the modules
# directory) to insmod for MODs, dependencies first, builtins left out.
mod_order() {
	local base=$1/lib/modules/$2 builtin=/dev/null
	shift 2
	[ -f "$base/modules.builtin" ] && builtin=$base/modules.builtin
	awk -v want="$*" '
		function modname(path,    n) {
			n = path; sub(/.*\//, "", n); sub(/\.ko(\.xz|\.zst|\.gz)?:?$/, "", n)
			gsub(/-/, "_", n)
			return n
		}
		FILENAME !~ /modules\.dep$/ { builtin[modname($0)] = 1; next }
		{
			name = modname($1)
			file[name] = $1; sub(/:$/, "", file[name])
			deps[name] = ""
			for (i = 2; i <= NF; i++) deps[name] = deps[name] " " modname($i)
		}
		function visit(m,    d, k, i) {
			if (m in done || m in builtin) return
			done[m] = 1
			k = split(deps[m], d, " ")
			for (i = k; i >= 1; i--) visit(d[i])
			print file[m]
		}
		END {
			n = split(want, w, " ")
			for (i = 1; i <= n; i++) {
				if (w[i] in builtin) continue
				# not a module: built in (packages without modules.builtin)
				if (!(w[i] in file)) continue
				visit(w[i])
			}
	}' "$builtin" "$base/modules.dep"
}

# initramfs PKG OUT GUEST: OUT/initrd.gz for PKG's kernel, running the
# guest script GUEST (in tests/kernels).
initramfs() {
	local modroot out=$2 ver dir m
	modroot=$(modbase "$CACHE/$1")
	ver=$(kver "$CACHE/$1")
	dir=$out/initrd
	rm -rf "$dir"
	mkdir -p "$dir"/{bin,lib,proc,sys,dev,host}
	cp "$(command -v busybox)" "$dir/bin/busybox"
	install -m 0755 "$HERE/init.sh" "$dir/init"
	# What the 9p root needs before the chroot; the rest is modprobed
	# from the guest (guest.sh) with the package's own modules.
	mod_order "$modroot" "$ver" virtio_pci 9pnet_virtio 9p >"$out/modules.list" ||
		die "cannot resolve the modules of $1"
	: >"$dir/modules"
	while read -r m; do
		case $m in
		*.xz) xz -dc "$modroot/lib/modules/$ver/$m" >"$dir/lib/$(basename "${m%.xz}")" ;;
		*) cp "$modroot/lib/modules/$ver/$m" "$dir/lib/" ;;
		esac
		basename "${m%.xz}" >>"$dir/modules"
	done <"$out/modules.list"
	printf 'XF_ROOT=%q\nXF_BUILD=%q\nXF_BUILD_SHARE=%q\nXF_OUT=%q\nXF_MODROOT=%q\nXF_KERNELS_ONLY=%q\nXF_GUEST=%q\n' \
		"$ROOT" "$BUILD" "$BUILD_SHARE" "$out" "$modroot" "${XF_KERNELS_ONLY:-}" "$3" >"$dir/xf.conf"
	(cd "$dir" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$out/initrd.gz"
}

# qemu_common PKG OUT CPU: the options every guest gets (kernel, initramfs,
# console, the 9p shares, -cpu CPU unless XF_QEMU_CPU says) into QARGS.
qemu_common() {
	local kernel
	kernel=$(vmlinuz "$CACHE/$1")
	# shellcheck disable=SC2054 # the commas are QEMU's
	QARGS=(-accel tcg -cpu "${XF_QEMU_CPU:-$3}" -m 2048
		-nographic -no-reboot -nodefaults -serial stdio
		-kernel "$kernel" -initrd "$2/initrd.gz"
		-append "console=ttyS0 quiet panic=-1 net.ifnames=0${XF_KERNEL_ARGS:+ $XF_KERNEL_ARGS}"
		-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap
		-virtfs "local,path=$ROOT,mount_tag=proj,security_model=none,readonly=on,multidevs=remap")
	[ -n "$BUILD_SHARE" ] &&
		QARGS+=(-virtfs "local,path=$BUILD,mount_tag=build,security_model=none,readonly=on,multidevs=remap")
	QARGS+=(-virtfs "local,path=$2,mount_tag=out,security_model=none" -pidfile "$2/qemu.pid")
}

# console OUT: the guest's console (stdin) to OUT/console.log, its test
# lines to stdout.
console() {
	sed -u 's/\r$//' | tee "$1/console.log" |
		grep --line-buffered -E '^(ok - |FAIL - |# |#   |kernel )'
}

# boot_virtio PKG OUT: run the virtio-net guest; its console goes to
# OUT/console.log, the test lines of it to stdout, its exit status to OUT/rc.
boot_virtio() {
	local out=$2 nic=${XF_QEMU_NIC_OPTS-disable-legacy=on,iommu_platform=on}
	qemu_common "$1" "$out" max
	rm -f "$out/rc"
	timeout --foreground -k 10 "$TIMEOUT" "$QEMU" "${QARGS[@]}" -smp 2 \
		-netdev hubport,id=n0,hubid=0 \
		-device "virtio-net-pci,romfile=,netdev=n0,mac=52:54:00:78:66:00${nic:+,$nic}" \
		-netdev hubport,id=n1,hubid=0 \
		-device "virtio-net-pci,romfile=,netdev=n1,mac=52:54:00:78:66:01${nic:+,$nic}" \
		-netdev hubport,id=n2,hubid=1 \
		-device "virtio-net-pci,romfile=,netdev=n2,mac=52:54:00:78:66:02" \
		</dev/null 2>&1 | console "$out"
}

# mq_netns: the namespace holding the two taps and the host's end of each
# link, IPv6 off and neighbours static, so the only frames on either link
# are the tests' own.
mq_netns() {
	local ns=$MQ_NS
	ip netns del "$ns" 2>/dev/null
	ip netns add "$ns" || return 1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 || return 1
	ip -n "$ns" link set lo up &&
		ip -n "$ns" tuntap add dev "$MQ_TAP_IGB" mode tap &&
		ip -n "$ns" tuntap add dev "$MQ_TAP_VIO" mode tap multi_queue &&
		ip -n "$ns" link set "$MQ_TAP_IGB" address "$MQ_TAP_IGB_MAC" up &&
		ip -n "$ns" link set "$MQ_TAP_VIO" address "$MQ_TAP_VIO_MAC" up &&
		ip -n "$ns" addr add "$MQ_HOST_IGB/24" dev "$MQ_TAP_IGB" &&
		ip -n "$ns" addr add "$MQ_HOST_VIO/24" dev "$MQ_TAP_VIO" &&
		ip -n "$ns" neigh replace "$MQ_GUEST_IGB" lladdr "$MQ_IGB_MAC" dev "$MQ_TAP_IGB" nud permanent &&
		ip -n "$ns" neigh replace "$MQ_GUEST_VIO" lladdr "$MQ_VIO_MAC" dev "$MQ_TAP_VIO" nud permanent
}

# serve DIR: the guest's traffic requests, until killed.  A
# request is DIR/NAME.req, one word per line: send or recv, then the
# arguments of tests/xsk/udp_send.py or udp_recv.py, run in the taps'
# namespace (bounded: udp_send.py by its count and --timeout, both by
# timeout(1)).  Its stdout goes to DIR/NAME.out, stderr to DIR/NAME.err,
# and its exit status last to DIR/NAME.rc.  A recv runs in the
# background; the guest waits for its --ready file.
serve() {
	local dir=$1 r name tool a
	trap 'kill $(jobs -p) 2>/dev/null; exit 0' TERM
	while :; do
		for r in "$dir"/*.req; do
			[ -e "$r" ] || continue
			name=${r%.req}
			mapfile -t a <"$r"
			rm -f "$r"
			case ${a[0]} in
			send) tool=udp_send.py ;;
			recv) tool=udp_recv.py ;;
			*) echo "unknown request '${a[0]}'" >"$name.err"; echo 2 >"$name.rc"; continue ;;
			esac
			(ip netns exec "$MQ_NS" timeout -k 2 180 /usr/bin/python3 "$ROOT/tests/xsk/$tool" \
				"${a[@]:1}" >"$name.out" 2>"$name.err"
			echo $? >"$name.rc.tmp" && mv "$name.rc.tmp" "$name.rc") &
		done
		sleep 0.1
	done
}

# boot_mq PKG OUT: the multi-queue guest (see the top of this file), QEMU
# started inside the taps' namespace.
boot_mq() {
	local out=$2 spid dev
	# Without the TSC deadline timer: with it, a 6.1 guest of 4 vCPUs on
	# this 2-core host once stopped taking timer interrupts on an idle
	# vCPU right after boot (RCU stalls, "timer wakeup didn't happen",
	# the guest hung until the timeout); the LAPIC's one-shot mode is
	# what the guests use instead.
	qemu_common "$1" "$out" max,-tsc-deadline
	rm -f "$out/rc"
	rm -rf "$out/rpc"
	mkdir -p "$out/rpc"
	if ! mq_netns; then
		echo "FAIL - $1: cannot set up the taps' namespace $MQ_NS"
		return
	fi
	serve "$out/rpc" &
	spid=$!
	dev=disable-legacy=on,iommu_platform=on,mq=on,rss=on,vectors=$((2 * MQ_QUEUES + 2))
	ip netns exec "$MQ_NS" timeout --foreground -k 10 "$TIMEOUT" "$QEMU" "${QARGS[@]}" \
		-M q35 -smp "$MQ_QUEUES" \
		-device pcie-root-port,id=rp0,chassis=1,slot=1 \
		-netdev "tap,id=n0,ifname=$MQ_TAP_IGB,script=no,downscript=no" \
		-device "igb,bus=rp0,romfile=,netdev=n0,mac=$MQ_IGB_MAC" \
		-device pcie-root-port,id=rp1,chassis=2,slot=2 \
		-netdev "tap,id=n1,ifname=$MQ_TAP_VIO,script=no,downscript=no,vhost=off,queues=$MQ_QUEUES" \
		-device "virtio-net-pci,bus=rp1,romfile=,netdev=n1,mac=$MQ_VIO_MAC,$dev" \
		</dev/null 2>&1 | console "$out"
	kill "$spid"
	wait "$spid"
	ip netns del "$MQ_NS"
}

pkgs=()
if [ -n "${XF_KERNEL_PKGS:-}" ]; then
	read -r -a pkgs <<<"$XF_KERNEL_PKGS"
else
	for s in "${SERIES[@]}"; do
		# fetched here, not in resolve's subshell, so that it is fetched once
		if [ "$s" = sid ] && ! sid_index; then
			die "cannot fetch Debian unstable's package index from $MIRROR"
		fi
		p=$(resolve "$s")
		[ -n "$p" ] || die "no Debian kernel of series $s found"
		pkgs+=("$p")
	done
fi

# boot_watch OUT: stop the guest's QEMU when no part of the guest script
# has started BOOT_S seconds after boot (a guest hung while booting)
BOOT_S=${XF_BOOT_S:-300}
boot_watch() {
	local out=$1 i
	for ((i = 0; i < BOOT_S; i++)); do
		sleep 1
		grep -q '^# part: ' "$out/console.log" 2>/dev/null && return
		[ -e "$out/rc" ] && return
	done
	echo "no part started ${BOOT_S}s after boot" >"$out/boot-hung"
	[ -s "$out/qemu.pid" ] && kill "$(cat "$out/qemu.pid")" 2>/dev/null
}

# boot_once PKG TOPO OUT: one boot, its exit status in OUT/rc (none when
# the guest did not finish)
boot_once() {
	local wpid
	rm -f "$3/rc" "$3/qemu.pid" "$3/boot-hung"
	boot_watch "$3" &
	wpid=$!
	"boot_$2" "$1" "$3"
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
}

# boot_one PKG TOPO: boot PKG's guest of topology TOPO and tally it.  A
# guest that crashes or hangs before its first part (QEMU's TCG, not the
# tests: QEMU 10 aborted in iotlb_to_section() in 2 of 9 boots of the
# 4-vCPU 6.1 guest, and a 6.1 guest once lost its timer interrupts) is
# booted again, up to BOOTS times in all, saying so; a guest that fails
# once its parts have begun is never booted again.
BOOTS=3
boot_one() {
	local pkg=$1 topo=$2 out rc pass fail t0 t1 guest=guest.sh attempt
	out=$CACHE/run-$pkg
	[ "$topo" = mq ] && { out="$out-mq"; guest="guest-mq.sh"; }
	mkdir -p "$out"
	rm -f "$out"/*.log "$out"/rc "$out"/*.json
	initramfs "$pkg" "$out" "$guest"
	t0=$(date +%s)
	for ((attempt = 1; attempt <= BOOTS; attempt++)); do
		boot_once "$pkg" "$topo" "$out"
		rc=$(cat "$out/rc" 2>/dev/null || echo none)
		if [ "$rc" != none ] || [ "$attempt" = $BOOTS ] || grep -q '^# part: ' "$out/console.log"; then
			break
		fi
		mv "$out/console.log" "$out/console-boot$attempt.log"
		echo "# $pkg ($topo): the guest did not get to its first part" \
			"($(cat "$out/boot-hung" 2>/dev/null || echo 'QEMU exited')); its console's end:"
		grep -v '^\(ok\|FAIL\) - ' "$out/console-boot$attempt.log" | tail -n 5 | sed 's/^/#   /'
		echo "# booting it again (boot $((attempt + 1)) of at most $BOOTS; that console is" \
			"$out/console-boot$attempt.log)"
	done
	t1=$(date +%s)
	pass=$(grep -c '^ok - ' "$out/console.log")
	fail=$(grep -c '^FAIL - ' "$out/console.log")
	if [ "$rc" != 0 ]; then
		if [ "$rc" = none ]; then
			echo "FAIL - $pkg ($topo): the guest did not finish (timeout ${TIMEOUT}s or crash); its console's end:"
			grep -v '^\(ok\|FAIL\) - ' "$out/console.log" | tail -n 40 | sed 's/^/#   /'
		fi
		[ "$fail" -eq 0 ] && fail=1
	fi
	summary+=("kernels: $pkg ($topo): $pass passed, $fail failed ($((t1 - t0)) s$([ "$attempt" -gt 1 ] &&
		echo ", $attempt boots"))")
	total_fail=$((total_fail + fail))
}

total_fail=0
summary=()
for pkg in "${pkgs[@]}"; do
	fetch "$pkg"
	for topo in $TOPOS; do
		case $topo in
		virtio | mq) ;;
		*) die "unknown topology '$topo' (known: virtio mq)" ;;
		esac
		echo "# kernel package $pkg, topology $topo"
		boot_one "$pkg" "$topo"
	done
done
printf '%s\n' "${summary[@]}"
[ "$total_fail" -eq 0 ]
