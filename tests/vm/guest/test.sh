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
	echo "LGGUEST clocksources $(cat /sys/devices/system/clocksource/clocksource0/available_clocksource)"
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
smp)
	# Every CPU runs a job pinned to it; cpu1 goes offline and back.
	# The kernel's messages about it would cut into these lines.
	echo 1 >/proc/sys/kernel/printk
	n=$(nproc)
	echo "LGGUEST nproc $n"
	c=0
	while [ $c -lt "$n" ]; do
		taskset -c $c sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done
			echo "LGGUEST ran-on $1 $(cut -d" " -f39 /proc/self/stat)"' sh $c &
		c=$((c + 1))
	done
	wait
	echo 0 >/sys/devices/system/cpu/cpu1/online
	echo "LGGUEST online-after-offline $(cat /sys/devices/system/cpu/online)"
	echo 1 >/sys/devices/system/cpu/cpu1/online ||
		dmesg | tail -n 5 | sed 's/^/LGGUEST dmesg /'
	echo "LGGUEST online-after-online $(cat /sys/devices/system/cpu/online)"
	echo "LGGUEST cpu1-again $(taskset -c 1 cut -d" " -f39 /proc/self/stat)"
	# A backtrace from every CPU, the others' through NMI IPIs.  sysrq
	# prints its header whatever the log level: let the console drain.
	sleep 1
	echo l >/proc/sysrq-trigger
	echo "LGGUEST nmi-backtraces $(dmesg | grep -o 'NMI backtrace for cpu [0-9]*' | sort -u | wc -l)"
	reboot -f
	;;
avx)
	# The x86-64-v3 features CPUID offers, then YMM checks on each CPU.
	for f in avx avx2 bmi1 bmi2 f16c fma abm movbe xsave; do
		grep -qw $f /proc/cpuinfo || echo "LGGUEST missing $f"
	done
	c=0
	while [ $c -lt "$(nproc)" ]; do
		taskset -c $c avx-check "${LGTEST_SECONDS:-10}" | sed "s/^/LGGUEST cpu$c /" &
		c=$((c + 1))
	done
	wait
	reboot -f
	;;
overcommit)
	# More vCPUs than the host gives them (scenario overcommit): the
	# steal column of /proc/stat and the ticks of all columns but the
	# guest ones (USER_HZ, all CPUs), before and after a ticket-lock
	# workload on every CPU (the kernel's spinlock with LGTEST_KLOCK=1),
	# and whether the kernel's spinlocks are paravirtual.
	echo 1 >/proc/sys/kernel/printk
	echo "LGGUEST nproc $(nproc)"
	if dmesg | grep -q 'PV spinlocks enabled'; then
		echo "LGGUEST pvspin yes"
	else
		echo "LGGUEST pvspin no"
	fi
	ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t }' /proc/stat; }
	t0=$(ticks)
	spin-bench ${LGTEST_KLOCK:+-k} "${LGTEST_SECONDS:-10}" | sed 's/^/LGGUEST /'
	echo "LGGUEST steal $t0 $(ticks)"
	reboot -f
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
winsize)
	# hvc0's size is the launcher's terminal's, and follows it.  (The
	# console may still be coming up when this starts.)
	i=0
	until first=$(stty size </dev/hvc0 2>/dev/null) || [ $i -ge 15 ]; do
		sleep 1
		i=$((i + 1))
	done
	echo "LGGUEST size1 $first"
	i=0
	while [ $i -lt 30 ] && [ "$(stty size </dev/hvc0)" = "$first" ]; do
		sleep 1
		i=$((i + 1))
	done
	echo "LGGUEST size2 $(stty size </dev/hvc0)"
	poweroff -f
	;;
hold)
	echo "LGGUEST holding"
	sleep "${LGTEST_WAIT:-5}"
	poweroff -f
	;;
net-user)
	# /init's udhcpc asks slirp for a lease; fetch a page through the
	# gateway, then serve one for the scenario's hostfwd.  (busybox 1.35's
	# wget -T crashes: timeout(1) bounds it instead.)
	i=0
	until ip -4 addr show dev eth0 2>/dev/null | grep -q 'inet '; do
		[ $i -lt 30 ] || break
		sleep 1
		i=$((i + 1))
	done
	echo "LGGUEST net-addr $(ip -4 addr show dev eth0 | sed -n 's/.*inet \([0-9.]*\).*/\1/p')"
	echo "LGGUEST net-route $(ip route | sed -n 's/^default via \([0-9.]*\).*/\1/p')"
	echo "LGGUEST net-mac $(cat /sys/class/net/eth0/address)"
	echo "LGGUEST net-fetched $(timeout 20 wget -q -O - "http://10.0.2.2:$LGTEST_PORT/hello.txt")"
	mkdir -p /tmp/www
	echo "guest-page-$((6 * 7))" >/tmp/www/guest.txt
	httpd -p 80 -h /tmp/www
	echo "LGGUEST net-serving"
	sleep "${LGTEST_WAIT:-30}"
	poweroff -f
	;;
net-none)
	if [ -e /sys/class/net/eth0 ]; then
		echo "LGGUEST net-eth0 yes"
	else
		echo "LGGUEST net-eth0 no"
	fi
	poweroff -f
	;;
net-tap)
	# A fixed address on the bridge the scenario made (no DHCP there),
	# then ping the other guest until it answers.
	killall udhcpc 2>/dev/null
	ip addr flush dev eth0
	ip addr add "$LGTEST_IP/24" dev eth0
	ip link set eth0 up
	echo "LGGUEST tap-up $(cat /sys/class/net/eth0/address)"
	i=0
	until ping -c 1 -W 1 "$LGTEST_PEER" >/dev/null 2>&1; do
		[ $i -lt 60 ] || break
		i=$((i + 1))
	done
	if ping -c 3 -W 2 "$LGTEST_PEER" >/dev/null 2>&1; then
		echo "LGGUEST tap-ping ok"
	else
		echo "LGGUEST tap-ping failed"
	fi
	sleep "${LGTEST_WAIT:-10}"	# the other one may still be pinging us
	poweroff -f
	;;
*)
	echo "LGGUEST unknown test '$what'"
	;;
esac
