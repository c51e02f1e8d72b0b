#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/kernels/init.sh - PID 1 of the guest's initramfs (busybox).
#
# tests/kernels/run.sh copies this file into the initramfs as /init, with
# /modules (the module files to insmod, in load order) and /xf.conf (shell
# assignments: XF_ROOT, the project's directory on the host; XF_BUILD, the
# build directory, and XF_BUILD_SHARE, set when it is not inside XF_ROOT and
# comes on a share of its own; XF_OUT, the host directory for results; XF_MODROOT, the unpacked kernel package's module
# root; XF_KERNELS_ONLY, the parts of the guest script to run, empty for
# all; XF_GUEST, that script in tests/kernels).
#
# It mounts the host's root read-only over 9p (tag "host"), the project
# (tag "proj") and the build directory (tag "build") read-only on top, and
# the results directory read-write (tag "out"), then chroots into the host's root so the
# guest runs the very binaries the host built, and runs
# tests/kernels/$XF_GUEST (guest.sh or guest-mq.sh) there.  The exit status
# goes to $XF_OUT/rc, and the guest powers off whatever happens.

/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

. /xf.conf

while read -r m; do
	insmod "/lib/$m" || echo "init: insmod $m failed"
done </modules

fail() {
	echo "init: $*"
	poweroff -f
}

mnt9p() {	# mnt9p TAG DIR [ro]
	mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144${3:+,$3}" "$1" "$2"
}

mkdir -p /host
mnt9p host /host ro || fail "cannot mount the host's root"

# The host's root is read-only: give the chroot fresh kernel filesystems
# and writable scratch space where programs expect it.
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t devtmpfs devtmpfs /host/dev
mkdir -p /host/dev/pts /host/dev/shm 2>/dev/null
ln -s /proc/self/fd /host/dev/fd
ln -s fd/0 /host/dev/stdin
ln -s fd/1 /host/dev/stdout
ln -s fd/2 /host/dev/stderr
mount -t devpts devpts /host/dev/pts
mount -t tmpfs tmpfs /host/dev/shm
mount -t bpf bpf /host/sys/fs/bpf
mount -t tmpfs tmpfs /host/tmp
mount -t tmpfs tmpfs /host/run
mount -t tmpfs tmpfs /host/var/tmp 2>/dev/null

# The project (and the build directory, when it lies elsewhere) come on
# shares of their own, mounted after the scratch space: a checkout under
# /tmp would be hidden by the tmpfs otherwise.  The results directory last.
mkdir -p "/host$XF_ROOT" && mnt9p proj "/host$XF_ROOT" ro ||
	fail "cannot mount the project directory"
if [ -n "$XF_BUILD_SHARE" ]; then
	mkdir -p "/host$XF_BUILD" && mnt9p build "/host$XF_BUILD" ro ||
		fail "cannot mount the build directory"
fi
mkdir -p "/host$XF_OUT" && mnt9p out "/host$XF_OUT" || fail "cannot mount the results directory"

chroot /host /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp \
	XF_OUT="$XF_OUT" XF_MODROOT="$XF_MODROOT" XF_KERNELS_ONLY="$XF_KERNELS_ONLY" \
	XF_BUILD="$XF_BUILD" \
	/bin/bash "$XF_ROOT/tests/kernels/${XF_GUEST:-guest.sh}"
echo $? >"/host$XF_OUT/rc"
sync
umount "/host$XF_OUT"
poweroff -f
