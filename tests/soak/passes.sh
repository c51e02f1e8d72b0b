#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/soak/passes.sh SECONDS NAME RELEASE-XDP-FWD SANITIZER-XDP-FWD
#
# The soak's two passes (see soak.mk and doc/SOAK.md): the release build for
# the first half of SECONDS, the ASan/UBSan build for the rest.  Both run
# even when the first fails.  Exit 0 both passed, 1 either failed, 77 the
# first was skipped (not root, a tool missing, no namespaces).
set -u
secs=$1 name=$2 xf=$3 san=$4
half=$((secs / 2))
here=$(dirname "$0")
fail=0

"$here/../../scripts/soak.sh" --seconds $((secs - half)) --xdp-fwd "$xf"
rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || fail=1
"$here/../../scripts/soak.sh" --seconds "$half" --sanitizer --xdp-fwd "$san" || fail=1
if [ $fail -eq 0 ]; then
	echo "  $name: both passes passed"
else
	echo "  $name: FAILED"
fi
exit $fail
