#!/usr/bin/env bash
# Compare two builds of xdp-fwd made with different compilers:
#   verify.sh BUILD_A BUILD_B PCAPDIR
# 1. every BPF object of each build loads (the verifier accepts each of its
#    programs), in a private mount namespace with a bpffs of its own, so
#    nothing stays pinned; prints each program's size after the verifier
#    (xlated BPF instructions);
# 2. 'xdp-fwd parse --json' of both builds, with the same rules, prints the
#    same for every capture in PCAPDIR (the same parse and verdict per frame),
#    and skips no frame inside test_run's size limits.
# Called by tests/toolchain/toolchain.mk (make toolchain-clang19).
set -euo pipefail

a=$1 b=$2 pcaps=$3
# shellcheck source=tests/lib/harness.sh
. "$(dirname "$0")/../lib/harness.sh"
SUITE=toolchain
work_new toolchain	# removed by the harness's trap on every way out
harness_traps
tmp=$WORK

# --- 1. the verifier takes every program of every object -------------------
load_all() {	# BUILD -> "prog=insns ..." on stdout
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m bash -euc '
		bpffs=$(mktemp -d /tmp/xft-toolchain-bpffs.XXXXXX)
		trap "umount $bpffs 2>/dev/null; rmdir $bpffs" EXIT
		mount -t bpf bpf "$bpffs"
		for o in "$1"/*.bpf.o; do
			n=$(basename "$o" .bpf.o)
			if ! bpftool prog loadall "$o" "$bpffs/$n" >"$2/$n.log" 2>&1; then
				echo "toolchain: $o does not load:" >&2
				tail -n 40 "$2/$n.log" >&2
				exit 1
			fi
			for p in "$bpffs/$n"/*; do
				i=$(bpftool -j prog show pinned "$p" |
				    python3 -c "import json,sys; print(json.load(sys.stdin)[\"bytes_xlated\"] // 8)")
				printf "%s=%s " "$(basename "$p")" "$i"
			done
		done' _ "$1" "$tmp"
}
ia=$(load_all "$a")
ib=$(load_all "$b")
echo "  verifier $a loads: ${ia% } (insns)"
echo "  verifier $b loads: ${ib% } (insns)"

# --- 2. same parse and verdicts ------------------------------------------
cat >"$tmp/rules" <<'EOF'
proto tcp dport 22 action drop
proto tcp sport 179 priority 10 action tx
proto udp dport 53 action xsk
vlan 100 action pass
src 10.0.0.0/8 dst 192.168.0.0/16 priority 7 action fwd
src 2001:db8::/32 proto udp sport 5353 dport 5353 action drop
dst fe80::/10 proto icmpv6 action drop
proto icmp priority 0 action redirect lo
proto 47 action drop
EOF
n=0
for p in "$pcaps"/*.pcap; do
	n=$((n + 1))
	for bld in "$a" "$b"; do
		if ! "$bld/xdp-fwd" parse --json --rules "$tmp/rules" "$p" \
			>"$tmp/$(basename "$bld").$n.json" 2>"$tmp/err"; then
			echo "toolchain: $bld/xdp-fwd parse $p failed:" >&2
			cat "$tmp/err" >&2
			exit 1
		fi
	done
	if ! cmp -s "$tmp/$(basename "$a").$n.json" "$tmp/$(basename "$b").$n.json"; then
		echo "toolchain: $a and $b parse $p differently:" >&2
		diff "$tmp/$(basename "$a").$n.json" "$tmp/$(basename "$b").$n.json" | head -n 20 >&2
		exit 1
	fi
	# equal skips compare nothing: only the size limits may skip (parse
	# errors out otherwise; this holds it to that)
	if ! python3 -c 'import json, sys
bad = [d["frame"] for d in map(json.loads, open(sys.argv[1])) if d["verdict"] == "skipped"
       and 14 <= d["len"] <= int(sys.argv[2])]
sys.exit("frames skipped inside the size limits: %s" % bad[:10] if bad else 0)' \
		"$tmp/$(basename "$a").$n.json" \
		"$(($(getconf PAGESIZE) - 576 + 17 * $(getconf PAGESIZE)))"; then
		echo "toolchain: $a/xdp-fwd parse $p skipped frames test_run can take" >&2
		exit 1
	fi
done
echo "  parse    $a and $b: the same result for every frame of $n captures"
