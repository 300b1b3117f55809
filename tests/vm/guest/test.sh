#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /test.sh of the guest that VM scenarios boot through lguest-launch: the
# guest's /init runs it.  What it does is picked by "lgtest=WHAT" on the
# guest's command line (lguest-launch -a lgtest=WHAT), so one initramfs
# serves every scenario.  It prints "LGGUEST ..." lines for the scenario
# in the test VM to check, and ends the guest the way the scenario wants.

what=$(sed -n 's/.*lgtest=\([a-z0-9-]*\).*/\1/p' /proc/cmdline)

case $what in
boot)
	echo "LGGUEST clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	echo "LGGUEST date $(date +%s)"
	if dmesg | grep -q 'x2apic enabled'; then
		echo "LGGUEST x2apic yes"
	else
		echo "LGGUEST x2apic no"
	fi
	echo "LGGUEST sleep-start"
	sleep 2
	echo "LGGUEST sleep-end"
	reboot -f
	;;
panic)
	echo "LGGUEST panicking"
	echo c >/proc/sysrq-trigger
	;;
spin)
	echo "LGGUEST spinning"
	while :; do :; done
	;;
wait)
	echo "LGGUEST waiting"
	sleep "${LGTEST_WAIT:-5}"
	reboot -f
	;;
rng)
	echo "LGGUEST rng $(cat /sys/class/misc/hw_random/rng_current)"
	echo "LGGUEST rng-bytes $(dd if=/dev/hwrng bs=64 count=4 2>/dev/null | wc -c)"
	reboot -f
	;;
blk)
	# The disk the scenario made: check its file, write one, sync.
	echo "LGGUEST disk $(cat /sys/block/vda/size) $(cat /sys/block/vda/ro) $(cat /sys/block/vda/serial 2>/dev/null)"
	mkdir -p /mnt
	mount -t ext4 /dev/vda /mnt || echo "LGGUEST mount failed"
	echo "LGGUEST known $(sha256sum </mnt/known)"
	dd if=/dev/urandom of=/mnt/written bs=1M count=32 2>/dev/null
	echo "LGGUEST written $(sha256sum </mnt/written)"
	sync
	echo "LGGUEST synced"
	if [ "${LGTEST_KILL:-}" = 1 ]; then
		sleep 60	# the scenario kills the launcher now
	fi
	# Discard: the free space goes back to the host as holes.
	dd if=/dev/urandom of=/mnt/scratch bs=1M count=16 2>/dev/null
	sync
	rm /mnt/scratch
	sync
	echo "LGGUEST trimmed $(fstrim -v /mnt 2>&1 | sed -n 's/.*: \([0-9]*\) bytes.*/\1/p')"
	umount /mnt
	poweroff -f
	;;
blk-ro)
	echo "LGGUEST disk $(cat /sys/block/vda/size) $(cat /sys/block/vda/ro)"
	if dd if=/dev/zero of=/dev/vda bs=4096 count=1 conv=fsync 2>/dev/null; then
		echo "LGGUEST ro-write succeeded"
	else
		echo "LGGUEST ro-write refused"
	fi
	mkdir -p /mnt
	mount -t ext4 -o ro /dev/vda /mnt && echo "LGGUEST known $(sha256sum </mnt/known)"
	poweroff -f
	;;
pci)
	dmesg | grep -i 'pci\|virtio\|vd[a-z]\|hvc\|rng'
	ls /sys/bus/pci/devices/ /sys/bus/virtio/devices/
	poweroff -f
	;;
hold)
	echo "LGGUEST holding"
	sleep "${LGTEST_WAIT:-5}"
	poweroff -f
	;;
*)
	echo "LGGUEST unknown test '$what'"
	;;
esac
