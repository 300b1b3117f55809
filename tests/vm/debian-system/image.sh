# SPDX-License-Identifier: GPL-2.0-only
#
# The full system lguest-launch boots in the debian-system scenario: a
# minimal Debian 12 (minbase, systemd, udev, D-Bus for networkd and
# networkctl) with Debian's own 6.1 kernel
# and an initramfs-tools initramfs that loads virtio_blk, its root file
# system on the first virtio disk, and systemd-networkd ready to take a
# DHCP lease on the first ethernet interface.  lgdebian-check.service,
# run only when the kernel command line says lgdebian.check, reports the
# boot on ttyS0 and powers the system off; lgdebian-bench.service, with
# lgdebian.bench, marks multi-user.target reached for the benchmark and
# powers off at once.  Made by
# tests/vm/debian-rootfs.sh, once per set of inputs (this folder and the
# kernel apt resolves today), as root.img (raw ext4), vmlinuz and
# initrd.img.  Sourced by tests/vm/lib.sh.

LG_DEBIAN_SYSTEM_DIR=$(dirname "${BASH_SOURCE[0]}")

lg_debian_system_setup() {
	local root=$1 d=$LG_DEBIAN_SYSTEM_DIR
	# A small initramfs (the default, MODULES=most, is most of the
	# kernel's drivers): the nested guest under TCG unpacks it slowly.
	echo MODULES=list >"$root/etc/initramfs-tools/conf.d/lguest" &&
	printf '%s\n' virtio_pci virtio_blk ext4 >>"$root/etc/initramfs-tools/modules" &&
	LG_CHROOT_NET=1 lg_chroot "$root" apt-get -q -y --no-install-recommends install \
		"$LG_DEBIAN_SYSTEM_KERNEL" >&2 &&
	lg_chroot "$root" apt-get clean &&
	echo lguest-debian >"$root/etc/hostname" &&
	echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" >"$root/etc/fstab" &&
	install -m 0644 "$d/20-ethernet.network" "$root/etc/systemd/network/" &&
	install -D -m 0644 "$d/wait-online-timeout.conf" \
		"$root/etc/systemd/system/systemd-networkd-wait-online.service.d/timeout.conf" &&
	install -m 0755 "$d/lgdebian-check" "$root/usr/local/sbin/" &&
	install -m 0644 "$d/lgdebian-check.service" "$d/lgdebian-bench.service" \
		"$root/etc/systemd/system/" &&
	# The check writes to ttyS0; a login prompt stays on hvc0.
	ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service" &&
	lg_chroot "$root" sh -c 'passwd -d root &&
		systemctl enable systemd-networkd lgdebian-check lgdebian-bench' >&2
}

lg_debian_system_pack() {
	local root=$1 out=$2 krel=${LG_DEBIAN_SYSTEM_KERNEL#linux-image-}
	cp "$root/boot/vmlinuz-$krel" "$out/vmlinuz" &&
	cp "$root/boot/initrd.img-$krel" "$out/initrd.img" &&
	# Room to write; the file is sparse.
	mke2fs -q -t ext4 -L root -d "$root" "$out/root.img" \
		"$(( $(du -sm "$root" | cut -f1) + 512 ))M" >&2
}

# Prints the folder with root.img, vmlinuz and initrd.img.
lg_debian_system() {
	local d=$LG_DEBIAN_SYSTEM_DIR
	LG_DEBIAN_SYSTEM_KERNEL=$(lg_kernel_package linux-image-amd64) &&
	lg_debian_cached debian-system systemd-sysv,udev,kmod,initramfs-tools,dbus \
		lg_debian_system_setup lg_debian_system_pack \
		"$d"/* "$LG_DEBIAN_SYSTEM_KERNEL"
}
