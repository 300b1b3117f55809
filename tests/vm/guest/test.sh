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
*)
	echo "LGGUEST unknown test '$what'"
	;;
esac
