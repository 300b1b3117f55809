# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian 12 system the packaging test installs lguest into, as a
# user's machine would be: Debian's 6.1 kernel with its headers, DKMS and
# a compiler, systemd and udev, two users (alice, who will join the
# lguest group, and bob, who will not), and the 6.12 kernel's image and
# headers already downloaded into apt's cache so that "upgrading the
# kernel" later needs no network, as are the libraries lguest-launch
# links (liburing, libslirp and theirs, with what they recommend), which
# apt would fetch with the package.  Made by tests/vm/debian-rootfs.sh, once
# per set of inputs (this file and the kernel packages apt resolves
# today), and kept as a tarball under the lguest cache.
# Sourced by tests/pkg/run after tests/vm/debian-kernel.sh and
# tests/vm/debian-rootfs.sh.

# minbase plus what a desktop or server install has that lguest touches:
# systemd/udev (device node, modalias loading), DKMS with a compiler and
# the running kernel's headers, initramfs-tools so kernel packages can be
# installed and booted.
pkg_rootfs_setup() {
	local root=$1
	LG_CHROOT_NET=1 lg_chroot "$root" apt-get -q -y --no-install-recommends install \
		dkms "$PKG_IMG61" "$PKG_HDR61" >&2 &&
	# The kernel upgrade of the test and lguest's libraries, fetched
	# now, installed later.
	LG_CHROOT_NET=1 lg_chroot "$root" apt-get -q -y --download-only install \
		linux-image-6.12-amd64 linux-headers-6.12-amd64 >&2 &&
	LG_CHROOT_NET=1 lg_chroot "$root" apt-get -q -y --download-only \
		install liburing2 libslirp0 >&2 &&
	lg_chroot "$root" sh -c '
		echo lguest-test > /etc/hostname
		echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" > /etc/fstab
		passwd -d root
		useradd -m -s /bin/bash alice
		useradd -m -s /bin/bash bob' >&2
}

pkg_rootfs_pack() {
	tar -C "$1" --numeric-owner -cf "$2/rootfs.tar" .
}

# Prints the cache path of the base rootfs tarball, building it if needed.
pkg_base_rootfs() {
	local img612 hdr612 dir
	PKG_IMG61=$(lg_kernel_package linux-image-amd64) &&
	PKG_HDR61=$(lg_kernel_package linux-headers-amd64) &&
	img612=$(lg_kernel_package linux-image-6.12-amd64) &&
	hdr612=$(lg_kernel_package linux-headers-6.12-amd64) &&
	dir=$(lg_debian_cached pkg-rootfs \
		systemd-sysv,udev,kmod,initramfs-tools,build-essential,fakeroot,procps \
		pkg_rootfs_setup pkg_rootfs_pack "${BASH_SOURCE[0]}" \
		"$PKG_IMG61" "$PKG_HDR61" "$img612" "$hdr612") || return 1
	echo "$dir/rootfs.tar"
}
