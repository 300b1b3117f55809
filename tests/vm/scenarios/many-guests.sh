# SPDX-License-Identifier: GPL-2.0-only
# Several guests at once, across CPUs, for many rounds: each round
# starts four launchers, two pinned to each of test-VM CPUs 1 and 2, and
# every guest must boot to its test and exit 0.  CPU 0 gets none: under
# QEMU's emulated SVM a guest on the test VM's CPU 0 dies now and then
# while another CPU runs guests too, with lg as with KVM, with the host
# state the emulator saved in its VMCB (tests/vm/README.md, "Guests at
# once"); on the other CPUs none has.
# needs: launcher guest-kernel guest-test
# smp: 3
# timeout: 1200

lgtest_check insmod insmod "$LG_KO" || exit 0
rounds=12
bad=0
r=1
while [ $r -le $rounds ]; do
	for n in 1 2 3 4; do
		(taskset -c $((1 + n % 2)) lguest-launch -m 96M -a "lgtest=wait LGTEST_WAIT=1" \
			-i /guest/test-initramfs /guest/bzImage >/tmp/r$r-g$n.log 2>&1
		 echo "LAUNCHER-EXIT $?" >>/tmp/r$r-g$n.log) &
	done
	wait
	for n in 1 2 3 4; do
		if ! grep -q 'LGGUEST waiting' /tmp/r$r-g$n.log ||
		   ! grep -q 'LAUNCHER-EXIT 0' /tmp/r$r-g$n.log; then
			bad=$((bad + 1))
			echo "  | round $r guest $n (cpu $((1 + n % 2))):"
			tail -n 4 /tmp/r$r-g$n.log | sed 's/^/  |   /'
		fi
	done
	echo "  | round $r: $bad lost so far"
	r=$((r + 1))
done
[ $bad = 0 ] && lgtest_pass all-guests-ok ||
	lgtest_fail all-guests-ok "$bad of $((rounds * 4)) guests did not boot and exit 0"
lgtest_host_clean
lgtest_check rmmod rmmod lg
