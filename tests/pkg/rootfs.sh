# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian 12 system the packaging test installs lguest into, as a
# user's machine would be: Debian's 6.1 kernel with its headers, DKMS and
# a compiler, systemd and udev, two users (alice, who will join the
# lguest group, and bob, who will not), and the 6.12 kernel's image and
# headers already downloaded into apt's cache so that "upgrading the
# kernel" later needs no network.  Building it takes minutes, so it is
# made once per set of inputs (this file and the kernel packages apt
# resolves today) and kept as a tarball under the lguest cache.
# Sourced by tests/pkg/run after tests/vm/debian-kernel.sh; needs set -eu.

LG_PKG_MIRROR=${LG_PKG_MIRROR:-http://deb.debian.org/debian}
LG_PKG_SECURITY=${LG_PKG_SECURITY:-http://deb.debian.org/debian-security}

# Mounts what kbuild, DKMS and maintainer scripts need inside a chroot and
# records it so pkg_chroot_umount can undo it in reverse order.
PKG_MOUNTS=()
pkg_chroot_mount() {
	local root=$1 d
	for d in proc sys dev dev/pts; do
		mkdir -p "$root/$d"
		case $d in
		proc) mount -t proc proc "$root/proc" ;;
		sys) mount -t sysfs sys "$root/sys" ;;
		dev) mount --bind /dev "$root/dev" ;;
		dev/pts) mount -t devpts devpts "$root/dev/pts" ;;
		esac
		PKG_MOUNTS=("$root/$d" "${PKG_MOUNTS[@]}")
	done
}

pkg_chroot_umount() {
	local m
	for m in "${PKG_MOUNTS[@]}"; do
		umount -l "$m" 2>/dev/null || true
	done
	PKG_MOUNTS=()
}

# Runs a command in the chroot, without network unless PKG_NET=1: the
# user story says the install works offline, so the test proves it.
pkg_chroot() {
	local root=$1
	shift
	local net=(unshare --net)
	[ "${PKG_NET:-0}" = 1 ] && net=()
	"${net[@]}" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		chroot "$root" "$@"
}

# The real package behind a kernel meta-package, e.g. linux-image-amd64
# -> linux-image-6.1.0-56-amd64 (lg_meta_target prints it first).
pkg_kernel_package() {
	local out
	out=$(lg_meta_target "$1") || return 1
	echo "${out%% *}"
}

# The version apt would install of a package (its candidate).
pkg_candidate_version() {
	apt-cache policy "$1" | awk '$1 == "Candidate:" { print $2; exit }'
}

# Prints the cache path of the base rootfs tarball, building it if needed.
pkg_base_rootfs() {
	local img61 hdr61 img612 hdr612 key tarball tmp
	img61=$(pkg_kernel_package linux-image-amd64) &&
	hdr61=$(pkg_kernel_package linux-headers-amd64) &&
	img612=$(pkg_kernel_package linux-image-6.12-amd64) &&
	hdr612=$(pkg_kernel_package linux-headers-6.12-amd64) || return 1
	key=$( { cat "${BASH_SOURCE[0]}"
		 for p in "$img61" "$hdr61" "$img612" "$hdr612"; do
			 echo "$p $(pkg_candidate_version "$p")"
		 done; } | sha256sum | cut -c1-16)
	tarball=$LG_CACHE/pkg-rootfs-$key.tar
	if [ -f "$tarball" ]; then
		echo "$tarball"
		return 0
	fi
	mkdir -p "$LG_CACHE"
	tmp=$(mktemp -d "$LG_CACHE/pkg-rootfs.XXXXXX")
	# A subshell, so that set -e and the cleanup trap stay in here.
	(
	set -e
	trap 'pkg_chroot_umount; rm -rf "$tmp"' EXIT
	echo "building the test rootfs in $tmp (once per kernel update)" >&2
	# minbase plus what a desktop or server install has that lguest
	# touches: systemd/udev (device node, modalias loading), DKMS with a
	# compiler and the running kernel's headers, initramfs-tools so
	# kernel packages can be installed and booted.
	# The kernels come from bookworm-security, which debootstrap cannot
	# use, so they are installed with apt once the sources are complete.
	debootstrap --variant=minbase \
		--include=systemd-sysv,udev,kmod,initramfs-tools,build-essential,fakeroot,procps \
		bookworm "$tmp/root" "$LG_PKG_MIRROR" >&2
	cat > "$tmp/root/etc/apt/sources.list" <<-SOURCES
	deb $LG_PKG_MIRROR bookworm main
	deb $LG_PKG_MIRROR bookworm-updates main
	deb $LG_PKG_SECURITY bookworm-security main
	SOURCES
	pkg_chroot_mount "$tmp/root"
	PKG_NET=1 pkg_chroot "$tmp/root" apt-get -q update >&2
	PKG_NET=1 pkg_chroot "$tmp/root" apt-get -q -y --no-install-recommends install \
		dkms "$img61" "$hdr61" >&2
	# The kernel upgrade of the test, fetched now, installed later.
	PKG_NET=1 pkg_chroot "$tmp/root" apt-get -q -y --download-only install \
		linux-image-6.12-amd64 linux-headers-6.12-amd64 >&2
	pkg_chroot "$tmp/root" sh -c '
		echo lguest-test > /etc/hostname
		echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" > /etc/fstab
		passwd -d root
		useradd -m -s /bin/bash alice
		useradd -m -s /bin/bash bob' >&2
	pkg_chroot_umount
	tar -C "$tmp/root" --numeric-owner -cf "$tmp/rootfs.tar" .
	mv "$tmp/rootfs.tar" "$tarball"
	) || return 1
	echo "$tarball"
}
