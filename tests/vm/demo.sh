# SPDX-License-Identifier: GPL-2.0-only
# What `make demo` runs inside the test VM: lg loaded and answering, then
# a guest booted through lguest-launch when the launcher and the guest kit
# exist.  At a terminal the guest is the default one, whose shell is yours
# (leave it with `poweroff`); without one (CI, a pipe) it is the test guest
# that shows its clock and APIC and reboots by itself.
# wants: launcher guest-kernel guest-initramfs guest-test
# timeout: 900

echo "== insmod $LG_KO"
lgtest_check insmod insmod "$LG_KO" || exit 0
lsmod | grep '^lg '
ls -l /dev/lguest
dmesg | grep 'lg:'
lgtest_check abi-errors lg-ioctl errors

if ! command -v lguest-launch >/dev/null; then
	lgtest_fail guest-boot "lguest-launch did not build (see the host's launcher.log)"
	exit 0
fi
initrd=/guest/initramfs
set --
if [ -z "${LGTEST_INTERACTIVE:-}" ] && [ -f /guest/test-initramfs ]; then
	initrd=/guest/test-initramfs
	set -- -a lgtest=boot
fi
if [ ! -f /guest/bzImage ] || [ ! -f $initrd ]; then
	lgtest_fail guest-boot "no guest kernel or initramfs (guest/build-kernel, guest/build-initramfs)"
	exit 0
fi
set -- "$@" -i $initrd /guest/bzImage
echo "== lguest-launch $*"
if lguest-launch "$@"; then
	lgtest_pass guest-boot
else
	lgtest_fail guest-boot "lguest-launch exited with status $?"
fi
