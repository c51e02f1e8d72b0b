#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/ops/test_ops.sh - operations and packaging: the man page, make
# install/uninstall, the bash completion, every --json output against
# doc/JSON.md, `features`, and `stats --prometheus`.
#
#   a. doc/xdp-fwd.8 documents exactly the options of each command's table
#      (xdp-fwd CMD --help --json: letter, name, argument) and the global
#      ones, with a section for every command; --help prints the same table;
#   b. make install DESTDIR=... PREFIX=... puts every file in place (the unit's
#      paths follow PREFIX) and make uninstall removes exactly those;
#   c. the completion script parses, and completes commands, options, values
#      and interfaces; its option lists are those of the tables;
#   d. every output documented in doc/JSON.md parses and has the documented
#      keys (and no others);
#   e. features on a veth and on lo, and on a missing interface;
#   f. stats --prometheus is valid exposition format, with the counters;
#   g. rule add ... queue N is refused on a veth (no n-tuple filters) with
#      nothing changed, and its usage errors name the bad value.
#   h. load --multiprog: where libxdp's dispatcher loads, xdp-fwd is in it
#      (status lists it with its priority and chain verdicts, unload leaves
#      nothing); where it cannot (this host's 6.18), it fails naming the
#      dispatcher and leaves nothing attached or pinned, and a plain load
#      still works; --priority and --chain-on errors name the bad value.
#
# d-h run in a network namespace of our own, xft-ops-PID, holding a veth pair
# v0 <-> v1; a trap deletes it on every way out.  Each scenario is ONE
# `ip netns exec` of this script with --inner SCENARIO (each exec gets a
# fresh mount namespace, and the bpffs holding the pins must outlive the
# commands of a scenario); it writes outputs and exit codes to files that the
# checks outside read.  Traffic (a few hundred frames from `xdp-fwd gen`)
# stays on that veth pair.
#
# Prints "ok - NAME" or "FAIL - NAME" per check and, last, exactly
# "ops: N passed, M failed".  Exit 0 all passed, 1 some failed, 77 skipped
# (not root, or ip, python3 or veth missing).
#
#   XDP_FWD=path   the binary to test (default build/xdp-fwd)
#   MAKE=make      the make to run install/uninstall with

# Functions run through check look unreachable to shellcheck.
# shellcheck disable=SC2317

set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
ROOT=$(cd "$HERE/../.." && pwd)
XF=${XDP_FWD:-$ROOT/build/xdp-fwd}
MAN=$ROOT/doc/xdp-fwd.8
JSONDOC=$ROOT/doc/JSON.md
COMPLETION=$ROOT/scripts/xdp-fwd.bash-completion
UNIT=$ROOT/scripts/xdp-fwd@.service
PY=${PYTHON:-python3}
export PYTHONDONTWRITEBYTECODE=1
# shellcheck source=tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
SUITE=ops
JGET_NULL=null JGET_ERR="?"	# what the checks below compare with

###########################################################################
# inner half: runs inside the namespace (ip netns exec), writes to $OUT

inner_setup() {
	mount -t bpf bpf /sys/fs/bpf || return 1
	ip link set dev lo up
	ip link del v0 2>/dev/null	# a fresh pair for every scenario
	ip link add v0 type veth peer name v1 || return 1
	ip link set dev v0 up
	ip link set dev v1 up
}

# rec NAME CMD...: run CMD; stdout to NAME.out, stderr to NAME.err, status to NAME.rc
rec() {
	local name=$1 rc=0
	shift
	"$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
	echo "$rc" >"$OUT/$name.rc"
}

inner_json() {
	inner_setup || return 1
	rec load "$XF" load v0
	rec rule-add-1 "$XF" rule add v0 proto udp dport 9 action pass
	rec rule-add-2 "$XF" rule add v0 src 198.51.100.0/24 proto tcp priority 5 action drop
	rec rule-add-3 "$XF" rule add v0 proto udp dport 7777 action xsk
	rec policy "$XF" policy v0 errors pass --json
	# 200 frames v1 -> v0 (v0's XDP program takes them; dport 9: rule 1)
	rec gen "$XF" gen v1 --count 200 --json --quiet
	# the consumer, until the 100 frames sent to the xsk rule arrived (at
	# most 10 s); they are sent once its socket is in the XSKMAP, which is
	# when it names its queue's mode on stderr
	"$XF" run v0 --count 100 --duration 10 --json >"$OUT/run.out" 2>"$OUT/run.err" &
	local pid=$! i rc=0
	for i in $(seq 100); do
		grep -q '^queue 0:' "$OUT/run.err" && break
		sleep 0.1
	done
	"$XF" gen v1 --dport 7777 --count 100 --rate 1000 --quiet >/dev/null 2>&1
	wait "$pid" || rc=$?
	echo "$rc" >"$OUT/run.rc"
	rec status-all "$XF" status --json
	rec status "$XF" status v0 --json
	rec rule-list "$XF" rule list v0 --json
	rec rule-list-j "$XF" -j rule list v0	# bpftool's way: the same output
	rec load-j "$XF" -j load v1		# no JSON output: refused, v1 untouched
	rec load-j-after "$XF" status v1
	rec stats "$XF" stats v0 --json
	rec stats-interval "$XF" stats v0 --interval 0.2 --count 2 --json
	rec prom "$XF" stats v0 --prometheus
	# while a consumer runs, its per-queue counters join the metrics
	"$XF" run v0 --duration 3 --quiet --json >/dev/null 2>&1 &
	local live=$!
	sleep 2
	rec prom-live "$XF" stats v0 --prometheus
	wait "$live" || true
	rec prom-json "$XF" stats v0 --prometheus --json
	rec prom-interval "$XF" stats v0 --prometheus --interval 1
	rec parse "$XF" parse --json "$OUT/capture.pcap"
	rec unload "$XF" unload v0
}

inner_features() {
	inner_setup || return 1
	rec feat-v0 "$XF" features v0 --json
	rec feat-v0-text "$XF" features v0
	rec feat-lo "$XF" features lo --json
	rec feat-lo-text "$XF" features lo
	rec feat-missing "$XF" features xft-nosuch0
	rec feat-noarg "$XF" features
	# a veth is a redirect target (ndo_xdp_xmit) only while its peer runs XDP
	ip link set dev v1 xdp obj "$BPF_OBJ" sec xdp 2>"$OUT/attach.err"
	rec feat-v0-peer "$XF" features v0 --json
	ip link set dev v1 xdp off
}

# rule add ... queue N on a veth, which has no n-tuple filters: refused
# before anything changes, and every other way of getting 'queue' wrong
inner_ntuple() {
	# no IPv6 on the new pair: no DAD or MLD frame moves the counters
	sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	inner_setup || return 1
	rec nt-load "$XF" load v0
	rec nt-add "$XF" rule add v0 proto udp dport 7 action pass
	rec nt-list-0 "$XF" rule list v0 --json
	rec nt-stats-0 "$XF" stats v0 --json
	rec nt-queue "$XF" rule add v0 proto udp dport 9 action xsk queue 1
	rec nt-list-1 "$XF" rule list v0 --json
	rec nt-stats-1 "$XF" stats v0 --json
	rec nt-queue-x "$XF" rule add v0 proto udp dport 9 action xsk queue x
	rec nt-queue-none "$XF" rule add v0 proto udp dport 9 action xsk queue
	rec nt-queue-drop "$XF" rule add v0 proto udp dport 9 queue 1 action drop
	printf 'proto udp dport 9 action xsk queue 1\n' >"$OUT/queue.rules"
	rec nt-file "$XF" rule load v0 "$OUT/queue.rules"
	rec nt-list-2 "$XF" rule list v0 --json
	rec nt-list-text "$XF" rule list v0
	rec nt-next "$XF" rule add v0 proto udp dport 9 action xsk
	rec nt-del "$XF" rule del v0 2
	rec nt-flush "$XF" rule flush v0
	rec nt-unload "$XF" unload v0
	sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
}

# load --multiprog on v0 (skb mode: a veth's native XDP needs the peer's too)
inner_multiprog() {
	inner_setup || return 1
	rec mp-load "$XF" load v0 --mode skb --multiprog --priority 33 --chain-on pass,drop
	rec mp-status "$XF" status v0 --json
	rec mp-link ip -d link show v0
	ls -A /sys/fs/bpf/xdp-fwd >"$OUT/mp-pins.out" 2>/dev/null
	rec mp-unload "$XF" unload v0
	rec mp-link-after ip -d link show v0
	rec mp-prio "$XF" load v0 --mode skb --multiprog --priority 0
	rec mp-chain "$XF" load v0 --mode skb --multiprog --chain-on pass,nope
	rec mp-chain-empty "$XF" load v0 --mode skb --multiprog --chain-on ,
	rec mp-bad-link ip -d link show v0
	rec mp-plain "$XF" load v0 --mode skb
	rec mp-plain-status "$XF" status v0 --json
	rec mp-plain-unload "$XF" unload v0
}

if [ "${1:-}" = --inner ]; then
	OUT=$3
	BPF_OBJ=${4:-}
	case $2 in
	json) inner_json ;;
	features) inner_features ;;
	ntuple) inner_ntuple ;;
	multiprog) inner_multiprog ;;
	*) echo "unknown scenario $2" >&2; exit 2 ;;
	esac
	exit $?
fi

###########################################################################
# outer half

[ "$(id -u)" -eq 0 ] || skip "not root"
for tool in ip "$PY" groff; do
	command -v "$tool" >/dev/null || skip "$tool missing"
done
if [ ! -x "$XF" ]; then
	echo "# $XF not built"
	exit 1
fi

work_new ops
NS=xft-ops-$$
harness_traps

# absorb OUTPUT: show OUTPUT (of a checker) and count its "ok - " and "FAIL - " lines
absorb() {
	local line
	while IFS= read -r line; do
		echo "$line"
		case $line in
		"ok - "*) echo ok >>"$RESULTS" ;;
		"FAIL - "*) echo fail >>"$RESULTS" ;;
		esac
	done <<<"$1"
}

# json_check WHAT ARGS...: json_check.py ARGS against doc/JSON.md, its "ok"
# and "FAIL" lines counted; its exit status counts too, so that a crash or a
# usage error, which prints no FAIL line, still fails
json_check() {
	local what=$1 out rc=0
	shift
	out=$("$PY" "$HERE/json_check.py" "$JSONDOC" "$@" 2>&1) || rc=$?
	absorb "$out"
	check_eq "json_check.py ($what) exits 0" "$rc" 0
}

# long options in text on stdin, sorted, one per line
long_opts() { grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u; }

# man_section NAME: the roff source of ".SS NAME" (or ".SH NAME") up to the
# next section, with roff escapes for hyphens and fonts removed
man_section() {
	awk -v name="$1" '
		/^\.S[SH] / {
			t = $0
			sub(/^\.S[SH] +/, "", t)
			gsub(/"/, "", t)
			on = (t == name)
			next
		}
		on' "$MAN" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\(em//g'
}

# the commands `xdp-fwd --help` lists
commands() {
	"$XF" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { on = 0 } on { print $1 }'
}

###########################################################################
# a. man page vs --help

# table_opts [CMD]: the long options of CMD's option table (the global ones
# without CMD), "--name" one per line, sorted
table_opts() {
	"$XF" "$@" --help --json |
		"$PY" -c 'import json, sys; print("\n".join("--" + o["long"] for o in json.load(sys.stdin)["options"]))' |
		sort -u
}

test_man() {
	echo "# a: doc/xdp-fwd.8 against the option tables (xdp-fwd [CMD] --help --json)"
	local cmds cmd out rc=0
	cmds=$(commands)
	check "xdp-fwd --help lists commands" test -n "$cmds"
	check "groff renders the man page without warnings" \
		bash -c "groff -man -ww -z '$MAN' 2>&1 | (! grep .)"
	for cmd in $cmds; do
		grep -qE "^\.SS \"?$cmd\"?\$" "$MAN" ||
			check_eq "man page has a section for '$cmd'" "missing" "present"
		check_eq "'$cmd --help' lists exactly the options of its table" \
			"$("$XF" "$cmd" --help 2>&1 | long_opts)" "$(table_opts "$cmd")"
	done
	check_eq "'xdp-fwd --help' lists exactly the global options of the table" \
		"$("$XF" --help | long_opts)" "$(table_opts)"
	# each section's option entries (letter, name, argument) against the
	# table, and the completion's lists (part c) likewise
	out=$("$PY" "$HERE/opts_check.py" "$XF" "$MAN" "$COMPLETION" 2>&1) || rc=$?
	absorb "$out"
	check_eq "opts_check.py exits 0" "$rc" 0
	# every command of the man page exists
	local sections
	sections=$(awk '/^\.SH COMMANDS/ { on = 1; next } /^\.SH / { on = 0 }
		on && /^\.SS / { t = $0; sub(/^\.SS +/, "", t); gsub(/"/, "", t); print t }' "$MAN" | sort)
	check_eq "man COMMANDS has exactly the commands of 'xdp-fwd --help'" \
		"$sections" "$(sort <<<"$cmds")"
	check "man page names the per-namespace pin directory" grep -q 'sys/fs/bpf/xdp\\-fwd/net INODE /IFACE' "$MAN"
	check "man page has EXIT STATUS, FILES and EXAMPLES" bash -c \
		"grep -q '^\.SH EXIT STATUS' '$MAN' && grep -q '^\.SH FILES' '$MAN' &&
		 grep -q '^\.SH EXAMPLES' '$MAN'"
}

###########################################################################
# b. make install / uninstall

# The library's public headers and the examples' sources, as the tree has them
PUB_HDRS=$(cd "$ROOT" && ls headers/xdpfwd/*.h common/xf_abi.h common/xf_parse.h headers/xf_compat.h)
EX_SRCS=$(cd "$ROOT" && ls examples/*.c examples/*.h examples/Makefile)
FILES="sbin/xdp-fwd lib/bpf/xdp_fwd.bpf.o share/man/man8/xdp-fwd.8
share/bash-completion/completions/xdp-fwd lib/systemd/system/xdp-fwd@.service \
lib/systemd/system/xdp-fwd-run@.service lib/libxdpfwd.a lib/libxdpfwd.so.2.0.0 \
lib/pkgconfig/libxdpfwd.pc
$(for h in $PUB_HDRS; do echo "include/xdpfwd/${h##*/}"; done)
$(for e in $EX_SRCS; do echo "share/doc/xdp-fwd/examples/${e##*/}"; done)"
NFILES=$(wc -w <<<"$FILES")
# the .so's links, beside the files
LINKS="lib/libxdpfwd.so lib/libxdpfwd.so.2"

installed_all() {	# installed_all ROOTDIR
	local f
	for f in $FILES; do
		[ -f "$1/$f" ] || { echo "missing $1/$f"; return 1; }
	done
	for f in $LINKS; do
		[ "$(readlink "$1/$f")" = libxdpfwd.so.2.0.0 ] || { echo "bad link $1/$f"; return 1; }
	done
}

# same_as_tree ROOTDIR: the installed headers and examples are the tree's
same_as_tree() {
	local f
	for f in $PUB_HDRS; do
		cmp "$ROOT/$f" "$1/include/xdpfwd/${f##*/}" || return 1
	done
	for f in $EX_SRCS; do
		cmp "$ROOT/$f" "$1/share/doc/xdp-fwd/examples/${f##*/}" || return 1
	done
}

no_links() {	# no_links DIR: no symlink left under DIR
	[ -z "$(find "$1" -type l)" ] || { find "$1" -type l; return 1; }
}

only_files() {	# only_files DIR N: exactly N regular files under DIR
	local n
	n=$(find "$1" -type f | wc -l)
	[ "$n" -eq "$2" ] || { find "$1" -type f; return 1; }
}

test_install() {
	echo "# b: make install / uninstall"
	local dest=$WORK/dest prefix=/usr rc=0 unit
	${MAKE:-make} -C "$ROOT" --no-print-directory install DESTDIR="$dest" PREFIX=$prefix \
		>"$WORK/install.log" 2>&1 || rc=$?
	check_eq "make install DESTDIR=... PREFIX=$prefix exits 0" "$rc" 0
	check "  ... installs all $NFILES files and the .so's 2 links" installed_all "$dest$prefix"
	check "  ... and nothing else" only_files "$dest" "$NFILES"
	check "  ... the headers and examples are the tree's" same_as_tree "$dest$prefix"
	check "  ... libxdpfwd.pc names $prefix, not the build's PREFIX" bash -c \
		"grep -qx 'prefix=$prefix' '$dest$prefix/lib/pkgconfig/libxdpfwd.pc' &&
		 grep -qx 'libdir=$prefix/lib' '$dest$prefix/lib/pkgconfig/libxdpfwd.pc' &&
		 grep -qx 'includedir=$prefix/include' '$dest$prefix/lib/pkgconfig/libxdpfwd.pc'"
	check "  ... the .so exports only xf_* (soname libxdpfwd.so.2)" bash -c \
		"objdump -p '$dest$prefix/lib/libxdpfwd.so.2.0.0' | grep -q 'SONAME *libxdpfwd.so.2\$' &&
		 ! nm -D --defined-only '$dest$prefix/lib/libxdpfwd.so.2.0.0' |
			awk '\$2 ~ /[TDBR]/ && \$3 !~ /^xf_/' | grep -q ."
	check "  ... the binary is executable and runs" "$dest$prefix/sbin/xdp-fwd" --help
	check "  ... the object is the build's" cmp "$dest$prefix/lib/bpf/xdp_fwd.bpf.o" \
		"$(dirname "$XF")/xdp_fwd.bpf.o"
	check "  ... the man page is doc/xdp-fwd.8" cmp "$dest$prefix/share/man/man8/xdp-fwd.8" "$MAN"
	check "  ... the completion is scripts/xdp-fwd.bash-completion" \
		cmp "$dest$prefix/share/bash-completion/completions/xdp-fwd" "$COMPLETION"
	unit=$dest$prefix/lib/systemd/system/xdp-fwd@.service
	check "  ... the unit's Exec lines use $prefix/sbin/xdp-fwd" bash -c \
		"grep -q '^ExecStart=$prefix/sbin/xdp-fwd load %I' '$unit' &&
		 grep -q '^ExecStop=$prefix/sbin/xdp-fwd unload %I' '$unit' &&
		 ! grep -q '@SBINDIR@' '$unit'"
	check "  ... the unit is scripts/xdp-fwd@.service with @SBINDIR@ = $prefix/sbin" bash -c \
		"sed 's|@SBINDIR@|$prefix/sbin|g' '$UNIT' | cmp - '$unit'"
	check "  ... the unit is oneshot, RemainAfterExit=yes, loads /etc/xdp-fwd/%i.rules" bash -c \
		"grep -q '^Type=oneshot' '$unit' && grep -q '^RemainAfterExit=yes' '$unit' &&
		 grep -q 'rule load' '$unit' && grep -q '/etc/xdp-fwd/' '$unit'"
	echo keep >"$dest$prefix/sbin/not-ours"
	rc=0
	${MAKE:-make} -C "$ROOT" --no-print-directory uninstall DESTDIR="$dest" PREFIX=$prefix \
		>>"$WORK/install.log" 2>&1 || rc=$?
	check_eq "make uninstall DESTDIR=... PREFIX=$prefix exits 0" "$rc" 0
	check "  ... removes every installed file and nothing else" only_files "$dest" 1
	check "  ... and the .so's links" no_links "$dest"
	check "  ... leaves a file it did not install" test -f "$dest$prefix/sbin/not-ours"

	# another PREFIX, no DESTDIR: the unit follows it, and systemd accepts it
	local opt=$WORK/opt
	rc=0
	${MAKE:-make} -C "$ROOT" --no-print-directory install PREFIX="$opt" \
		>>"$WORK/install.log" 2>&1 || rc=$?
	check_eq "make install PREFIX=<dir> exits 0" "$rc" 0
	check "  ... the unit's ExecStart uses <dir>/sbin/xdp-fwd" \
		grep -q "^ExecStart=$opt/sbin/xdp-fwd load" "$opt/lib/systemd/system/xdp-fwd@.service"
	if command -v systemd-analyze >/dev/null; then
		cp "$opt/lib/systemd/system/xdp-fwd@.service" "$WORK/xdp-fwd@lo.service"
		check "  ... systemd-analyze verify accepts the unit (instance lo)" \
			env MANPATH="$opt/share/man" systemd-analyze verify "$WORK/xdp-fwd@lo.service"
	fi
	${MAKE:-make} -C "$ROOT" --no-print-directory uninstall PREFIX="$opt" \
		>>"$WORK/install.log" 2>&1
	check "  ... make uninstall PREFIX=<dir> removes them" only_files "$opt" 0
	check "  ... and the .so's links" no_links "$opt"
}

###########################################################################
# c. bash completion

# complete_words WORD...: what the completion offers for the command line
# WORD... (the last word is the one being completed), space-separated, sorted
complete_words() {
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		_xdp_fwd
		printf "%s\n" "${COMPREPLY[@]}" | sort -u | tr "\n" " "' _ "$COMPLETION" "$@"
}

offers() {	# offers WANT WORD...: the completion of WORD... includes WANT
	local want=$1 got
	shift
	got=$(complete_words "$@")
	[[ " $got " == *" $want "* ]] || { echo "offered: $got"; return 1; }
}

test_completion() {
	echo "# c: bash completion"
	check "bash -n scripts/xdp-fwd.bash-completion" bash -n "$COMPLETION"
	check "sourcing it registers _xdp_fwd for xdp-fwd" bash -c \
		"source '$COMPLETION' && complete -p xdp-fwd | grep -q _xdp_fwd"
	check "'xdp-fwd lo' offers load" offers load xdp-fwd lo
	check "'xdp-fwd load eth0 --m' offers --mode" offers --mode xdp-fwd load eth0 --m
	check "'xdp-fwd load eth0 --mode ' offers skb" offers skb xdp-fwd load eth0 --mode ""
	check "'xdp-fwd -v fe' offers features" offers features xdp-fwd -v fe
	check "'xdp-fwd rule ' offers flush" offers flush xdp-fwd rule ""
	check "'xdp-fwd rule add ' offers lo (interfaces)" offers lo xdp-fwd rule add ""
	check "'xdp-fwd rule add lo proto ' offers icmpv6" offers icmpv6 xdp-fwd rule add lo proto ""
	check "'xdp-fwd rule add lo action ' offers redirect" offers redirect xdp-fwd rule add lo action ""
	check "'xdp-fwd rule add lo proto udp ' offers queue" offers queue xdp-fwd rule add lo proto udp ""
	check "'xdp-fwd features ' offers lo" offers lo xdp-fwd features ""
	check "'xdp-fwd stats lo --p' offers --prometheus" offers --prometheus xdp-fwd stats lo --p
	check "'xdp-fwd policy lo default ' offers drop" offers drop xdp-fwd policy lo default ""
	check "'xdp-fwd port ' offers list" offers list xdp-fwd port ""
	check "'xdp-fwd run lo --mode ' offers l2fwd" offers l2fwd xdp-fwd run lo --mode ""
	check "'xdp-fwd -' offers -j" offers -j xdp-fwd -
	check "'xdp-fwd --v' offers --version" offers --version xdp-fwd --v
	check "'xdp-fwd -j st' offers status" offers status xdp-fwd -j st
	# what it offers after a command is the command's option table (--help aside)
	local cmd got want
	for cmd in $(commands); do
		want=$(table_opts "$cmd" | grep -vx -- --help)
		if [ "$cmd" = rule ]; then
			# list has --json, add/load/flush the lock-out guard's options
			got=$({ complete_words xdp-fwd rule list lo --
				complete_words xdp-fwd rule flush lo --; } |
				tr ' ' '\n' | grep . | grep -vx -- --help)
		else
			got=$(complete_words xdp-fwd "$cmd" lo -- | tr ' ' '\n' | grep . | grep -vx -- --help)
		fi
		check_eq "completion offers exactly the options of the '$cmd' table" \
			"$(sort -u <<<"$got")" "$(sort -u <<<"$want")"
	done
}

###########################################################################
# d-f. in the namespace

# a capture for parse: a UDP/IPv4 frame, an 802.1Q-tagged one, and one too
# short for test_run (skipped, with a reason)
write_pcap() {
	"$PY" - "$1" "$ROOT/tests/lib" <<-'EOF'
	import struct, sys
	sys.path.insert(0, sys.argv[2])
	import pkt
	def ipv4_udp(sport, dport, payload=b'x' * 18):
	    return pkt.ipv4('192.0.2.1', '192.0.2.2', 17, pkt.udp(sport, dport, payload),
	                    ident=1, check=0)
	eth = b'\x02\0\0\0\0\x02' + b'\x02\0\0\0\0\x01'
	frames = [eth + b'\x08\x00' + ipv4_udp(1234, 9),
	          eth + b'\x81\x00\x00\x64\x08\x00' + ipv4_udp(1234, 53),
	          eth[:10]]
	with open(sys.argv[1], 'wb') as f:
	    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
	    for i, fr in enumerate(frames):
	        f.write(struct.pack('<IIII', 1700000000 + i, 0, len(fr), len(fr)) + fr)
	EOF
}

netns_run() {	# netns_run SCENARIO OUTDIR: one ip netns exec of this script
	timeout 120 ip netns exec "$NS" bash "$SELF" --inner "$1" "$2" \
		"$(dirname "$XF")/xdp_fwd.bpf.o" >"$2/inner.log" 2>&1
}

rc_of() { cat "$1.rc" 2>/dev/null || echo "?"; }


test_json() {
	echo "# d: every --json output against doc/JSON.md (namespace $NS)"
	local o=$WORK/json
	mkdir -p "$o"
	write_pcap "$o/capture.pcap"
	netns_run json "$o"
	check_eq "scenario ran (load v0 exits 0)" "$(rc_of "$o/load")" 0
	local n
	for n in rule-add-1 rule-add-2 rule-add-3 policy gen status status-all rule-list stats \
		 stats-interval prom parse unload; do
		check_eq "  $n exits 0" "$(rc_of "$o/$n")" 0
	done
	check_eq "  run exits 0" "$(rc_of "$o/run")" 0
	check "doc/JSON.md documents exactly the outputs tested here" bash -c \
		"diff <('$PY' '$HERE/json_check.py' '$JSONDOC' --sections | sort) \
		      <(printf '%s\n' status 'rule list' policy stats 'stats --interval' parse run gen features \
			'--help --json' | sort)"
	"$XF" --help --json >"$WORK/help-global.json"
	"$XF" run --help --json >"$WORK/help-run.json"
	"$XF" -j port --help >"$WORK/help-port.json"
	json_check "--help --json" \
		"--help --json" value "$WORK/help-global.json" \
		"--help --json" value "$WORK/help-run.json" \
		"--help --json" value "$WORK/help-port.json"
	json_check "status, rule list, policy, stats, parse, run, gen" \
		status lines:1 "$o/status.out" \
		status lines:1 "$o/status-all.out" \
		"rule list" value "$o/rule-list.out" \
		policy value "$o/policy.out" \
		stats value "$o/stats.out" \
		"stats --interval" lines:2 "$o/stats-interval.out" \
		parse lines:3 "$o/parse.out" \
		run lastline "$o/run.out" \
		gen value "$o/gen.out"
	check_eq "rule list holds the 3 rules" "$(jget "$o/rule-list.out" 'len(d)')" 3
	check_eq "stats --interval printed exactly 2 lines" "$(grep -c . "$o/stats-interval.out")" 2
	check_eq "parse printed one line per packet" "$(grep -c . "$o/parse.out")" 3
	check_eq "  ... the short frame is skipped with a reason" \
		"$(sed -n 3p "$o/parse.out" >"$WORK/p3" && jget "$WORK/p3" 'd["verdict"] + " " + str(bool(d["reason"]))')" \
		"skipped True"
	check_eq "  ... the tagged frame has vlan [100]" \
		"$(sed -n 2p "$o/parse.out" >"$WORK/p2" && jget "$WORK/p2" 'd["vlan"]')" "[100]"
	check_eq "gen sent 200 frames" "$(jget "$o/gen.out" 'd["sent"]')" 200
	tail -n 1 "$o/run.out" >"$WORK/run.json"
	check_eq "run received the 100 frames steered by the xsk rule" \
		"$(jget "$WORK/run.json" 'd["rx_packets"]')" 100
	check_eq "rule 1 (udp dport 9) counted the 200 generated frames" \
		"$(jget "$o/rule-list.out" '[r["packets"] for r in d if r["id"] == 1][0]')" 200
	check_eq "status says attached" "$(jget "$o/status.out" 'd["state"]')" attached
	check_eq "'-j rule list' exits 0" "$(rc_of "$o/rule-list-j")" 0
	check "  ... and prints what 'rule list --json' does" cmp "$o/rule-list-j.out" "$o/rule-list.out"
	check_eq "'-j load' (no JSON output) is a usage error (2)" "$(rc_of "$o/load-j")" 2
	check "  ... naming the command" grep -q "'load' has no JSON output" "$o/load-j.err"
	check "  ... and loads nothing" grep -q "not loaded on v1" "$o/load-j-after.err"
	if grep -q . "$o/inner.log"; then
		echo "# inner log:"
		sed 's/^/#   /' "$o/inner.log" | head -n 20
	fi
}

test_features() {
	echo "# e: features (namespace $NS)"
	local o=$WORK/feat
	mkdir -p "$o"
	netns_run features "$o"
	check_eq "features v0 (veth) --json exits 0" "$(rc_of "$o/feat-v0")" 0
	check_eq "features v0 (veth) exits 0" "$(rc_of "$o/feat-v0-text")" 0
	check_eq "features lo --json exits 0" "$(rc_of "$o/feat-lo")" 0
	check_eq "features lo exits 0" "$(rc_of "$o/feat-lo-text")" 0
	json_check features \
		features value "$o/feat-v0.out" \
		features value "$o/feat-lo.out" \
		features value "$o/feat-v0-peer.out"
	local f=$o/feat-v0.out
	echo "# veth v0: xdp_features=$(jget "$f" 'd["xdp_features"]') $(jget "$f" 'd["features"]')"
	echo "# lo: xdp_features=$(jget "$o/feat-lo.out" 'd["xdp_features"]')"
	check_eq "veth: the kernel reports native XDP and XDP_REDIRECT" \
		"$(jget "$f" 'd["features"]["basic"] and d["features"]["redirect"]')" True
	check_eq "veth: not a redirect target while its peer has no XDP program" \
		"$(jget "$f" 'd["features"]["ndo_xmit"]')" False
	check_eq "veth: a redirect target once its peer has one" \
		"$(jget "$o/feat-v0-peer.out" 'd["features"]["ndo_xmit"]')" True
	check_eq "veth: ifname, mtu 1500, 1 RX queue, channels reported" \
		"$(jget "$f" 'd["ifname"], d["mtu"], d["rx_queues"], d["channels"] is not None')" \
		"('v0', 1500, 1, True)"
	check_eq "lo: no channels (ethtool), features reported" \
		"$(jget "$o/feat-lo.out" 'd["channels"] is None and d["features"] is not None')" True
	check "text output says what native XDP means for load" \
		grep -q "native XDP: yes — 'load' attaches in driver mode" "$o/feat-v0-text.out"
	check "text output says run uses copy mode on veth" \
		grep -q "zero-copy AF_XDP: no — 'run' will use copy mode" "$o/feat-v0-text.out"
	check "features on a missing interface fails" test "$(rc_of "$o/feat-missing")" -ne 0
	check "  ... naming it" grep -q xft-nosuch0 "$o/feat-missing.err"
	check_eq "features without an interface is a usage error (2)" "$(rc_of "$o/feat-noarg")" 2
}

test_prometheus() {
	echo "# f: stats --prometheus"
	local o=$WORK/json p=$WORK/prom.parsed
	check "stats --prometheus is valid exposition format" \
		bash -c "'$PY' '$HERE/prom_check.py' '$o/prom.out' >'$p'"
	check "every sample is labelled iface=\"v0\"" bash -c "! grep -v 'iface=v0' '$p'"
	local a
	for a in pass drop tx xsk redirect fwd; do
		check "xdp_fwd_packets_total has action=\"$a\"" \
			grep -q "^xdp_fwd_packets_total action=$a,iface=v0 [0-9]" "$p"
	done
	check "xdp_fwd_bytes_total has action labels" grep -q "^xdp_fwd_bytes_total action=pass," "$p"
	check "xdp_fwd_parse_errors_total and bytes have error labels" bash -c \
		"grep -q '^xdp_fwd_parse_errors_total error=truncated-l4,iface=v0 ' '$p' &&
		 grep -q '^xdp_fwd_parse_error_bytes_total error=bad-udp-len,iface=v0 ' '$p'"
	check "xdp_fwd_events_total has event labels" \
		grep -q '^xdp_fwd_events_total event=xsk-no-socket,iface=v0 ' "$p"
	check "xdp_fwd_rule_packets_total and bytes for each of the 3 rules" bash -c \
		"[ \$(grep -c '^xdp_fwd_rule_packets_total iface=v0,rule=[123] ' '$p') -eq 3 ] &&
		 [ \$(grep -c '^xdp_fwd_rule_bytes_total iface=v0,rule=[123] ' '$p') -eq 3 ]"
	check_eq "rule 1's packets are the 200 generated frames" \
		"$(awk '/^xdp_fwd_rule_packets_total iface=v0,rule=1 / { print $3 }' "$p")" 200
	check "every family is a counter named *_total" bash -c \
		"grep '^# TYPE' '$o/prom.out' | awk '\$4 != \"counter\" || \$3 !~ /_total\$/ { exit 1 }'"
	local pass_json pass_prom
	pass_json=$(jget "$o/stats.out" 'd["actions"]["pass"]["packets"]')
	pass_prom=$(awk '/^xdp_fwd_packets_total action=pass,/ { print $3 }' "$p")
	check "pass packets agree with stats --json ($pass_json <= $pass_prom)" \
		test "${pass_json/\?/x}" -le "${pass_prom:-0}"
	check "with a consumer running: per-queue xsk counters, labelled queue and mode" \
		grep -q '^xdp_fwd_xsk_rx_packets_total{iface="v0",queue="0",mode="copy"} [0-9]' \
		"$o/prom-live.out"
	check "  ... and valid exposition format" \
		bash -c "'$PY' '$HERE/prom_check.py' '$o/prom-live.out' >/dev/null"
	check "without a consumer: no xsk counters" bash -c "! grep -q xdp_fwd_xsk_ '$o/prom.out'"
	check_eq "--prometheus with --json is a usage error (2)" "$(rc_of "$o/prom-json")" 2
	check "  ... saying so" grep -q -- "--prometheus excludes --json" "$o/prom-json.err"
	check_eq "--prometheus with --interval is a usage error (2)" "$(rc_of "$o/prom-interval")" 2
	check "  ... saying so" grep -q -- "--prometheus excludes --interval" "$o/prom-interval.err"
}

test_ntuple() {
	echo "# g: rule add ... queue N (hardware flow rules) on a veth (namespace $NS)"
	local o=$WORK/ntuple
	mkdir -p "$o"
	netns_run ntuple "$o"
	check_eq "scenario ran (load v0, one rule added)" \
		"$(rc_of "$o/nt-load") $(rc_of "$o/nt-add")" "0 0"
	check_eq "'queue 1' on a veth fails (1)" "$(rc_of "$o/nt-queue")" 1
	check "  ... naming the missing NIC feature, ntuple-filters" grep -qF \
		"v0 has no hardware flow rules (ethtool feature ntuple-filters: off [fixed]); 'queue 1' needs a NIC with n-tuple filters" \
		"$o/nt-queue.err"
	check "  ... and prints no rule id" test ! -s "$o/nt-queue.out"
	check "  ... rule list --json is unchanged" cmp "$o/nt-list-0.out" "$o/nt-list-1.out"
	check "  ... stats --json is unchanged" cmp "$o/nt-stats-0.out" "$o/nt-stats-1.out"
	check_eq "  ... and the next rule gets id 2 (none was taken)" "$(cat "$o/nt-next.out")" 2
	check_eq "'queue x' is a usage error (2)" "$(rc_of "$o/nt-queue-x")" 2
	check "  ... naming 'x'" grep -q "bad queue 'x'" "$o/nt-queue-x.err"
	check_eq "'queue' without N is a usage error (2)" "$(rc_of "$o/nt-queue-none")" 2
	check "  ... saying it needs a value" grep -q "'queue' needs a value" "$o/nt-queue-none.err"
	check_eq "'queue 1' with action drop is a usage error (2)" "$(rc_of "$o/nt-queue-drop")" 2
	check "  ... naming the actions it takes" grep -q "action xsk or pass (not 'drop')" \
		"$o/nt-queue-drop.err"
	check_eq "'queue' in a rule file is a usage error (2)" "$(rc_of "$o/nt-file")" 2
	check "  ... naming the line and the word" grep -q "queue.rules:1: 'queue' is only for" \
		"$o/nt-file.err"
	check "  ... and loads nothing" cmp "$o/nt-list-0.out" "$o/nt-list-2.out"
	check_eq "rule list --json rows have \"queue\": null" \
		"$(jget "$o/nt-list-0.out" '[r["queue"] for r in d]')" "[None]"
	check "rule list (text) shows no queue" bash -c "! grep -q queue '$o/nt-list-text.out'"
	check_eq "rule del and flush exit 0 (no NIC rule to remove)" \
		"$(rc_of "$o/nt-del") $(rc_of "$o/nt-flush")" "0 0"
	if grep -q . "$o/inner.log"; then
		echo "# inner log:"
		sed 's/^/#   /' "$o/inner.log" | head -n 20
	fi
}

test_multiprog() {
	echo "# h: load --multiprog, on this kernel ($(uname -r))"
	local o=$WORK/multiprog
	mkdir -p "$o"
	netns_run multiprog "$o"
	if [ "$(rc_of "$o/mp-load")" = 0 ]; then
		echo "# libxdp's dispatcher loads here"
		check_eq "status: xdp-fwd in the dispatcher at priority 33, chaining on drop and pass" \
			"$(jget "$o/mp-status.out" '[(p["priority"], p["chain_on"]) for p in d["dispatcher"]["programs"] if p["xdp_fwd"]]')" \
			"[(33, ['drop', 'pass'])]"
		check_eq "status: attached" "$(jget "$o/mp-status.out" 'd["state"]')" attached
		check_eq "unload exits 0 and leaves no program" \
			"$(rc_of "$o/mp-unload") $(grep -c 'prog/xdp' "$o/mp-link-after.out")" "0 0"
	else
		echo "# libxdp's dispatcher does not load here"
		check_eq "load --multiprog fails (1)" "$(rc_of "$o/mp-load")" 1
		check "  ... naming libxdp's dispatcher and its reason" \
			grep -q "libxdp's dispatcher cannot run on v0 with this kernel ($(uname -r)): libxdp: " \
			"$o/mp-load.err"
		check "  ... and saying a load without --multiprog works alone" \
			grep -q "load without --multiprog attaches xdp-fwd alone" "$o/mp-load.err"
		check_eq "  ... leaving no XDP program on v0" "$(grep -c 'prog/xdp' "$o/mp-link.out")" 0
		check_eq "  ... and no pins" "$(cat "$o/mp-pins.out")" ""
		check_eq "  ... status says not loaded (1)" "$(rc_of "$o/mp-status")" 1
	fi
	check_eq "--priority 0 is a usage error (2)" "$(rc_of "$o/mp-prio")" 2
	check "  ... naming it" grep -q "bad --priority '0' (1..1000)" "$o/mp-prio.err"
	check_eq "--chain-on pass,nope is a usage error (2)" "$(rc_of "$o/mp-chain")" 2
	check "  ... naming it" grep -q "bad --chain-on 'pass,nope'" "$o/mp-chain.err"
	check_eq "--chain-on , is a usage error (2)" "$(rc_of "$o/mp-chain-empty")" 2
	check_eq "  ... nothing attached by the bad ones" "$(grep -c 'prog/xdp' "$o/mp-bad-link.out")" 0
	check_eq "a plain load works (0), outside any dispatcher (status dispatcher: null)" \
		"$(rc_of "$o/mp-plain") $(jget "$o/mp-plain-status.out" 'd["dispatcher"]')" "0 null"
	check_eq "  ... and unloads (0)" "$(rc_of "$o/mp-plain-unload")" 0
	if grep -q . "$o/inner.log"; then
		echo "# inner log:"
		sed 's/^/#   /' "$o/inner.log" | head -n 20
	fi
}

ns_add "$NS" || skip "cannot create network namespace $NS"
veth_ok "$NS" "$NS" || skip "no veth"

test_man
test_install
test_completion
test_json
test_features
test_prometheus
test_ntuple
test_multiprog

ip netns del "$NS" 2>/dev/null
check_eq "namespace $NS is gone" "$(ip netns list | grep -cw "$NS")" 0

summary
