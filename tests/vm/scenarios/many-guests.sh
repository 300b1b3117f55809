# SPDX-License-Identifier: GPL-2.0-only
# Several guests at once, across both CPUs, for several rounds: each
# round starts four launchers, two pinned to each CPU, and every guest
# must boot to its test and exit 0.  Not part of make check: under the
# emulator's multi-threaded TCG a whole test VM sometimes dies in it,
# and single-threaded TCG is too slow for it (tests/vm/README.md,
# "Guests at once").  Run it with tests/vm/run many-guests.
# run: on request
# needs: launcher guest-kernel guest-test
# smp: 2
# timeout: 1500

lgtest_check insmod insmod "$LG_KO" || exit 0
rounds=8
bad=0
r=1
while [ $r -le $rounds ]; do
	for n in 1 2 3 4; do
		(taskset -c $((n % 2)) lguest-launch -m 96M -a "lgtest=wait LGTEST_WAIT=1" \
			-i /guest/test-initramfs /guest/bzImage >/tmp/r$r-g$n.log 2>&1
		 echo "LAUNCHER-EXIT $?" >>/tmp/r$r-g$n.log) &
	done
	wait
	for n in 1 2 3 4; do
		if ! grep -q 'LGGUEST waiting' /tmp/r$r-g$n.log ||
		   ! grep -q 'LAUNCHER-EXIT 0' /tmp/r$r-g$n.log; then
			bad=$((bad + 1))
			echo "  | round $r guest $n (cpu $((n % 2))):"
			tail -n 4 /tmp/r$r-g$n.log | sed 's/^/  |   /'
		fi
	done
	r=$((r + 1))
done
[ $bad = 0 ] && lgtest_pass all-guests-ok ||
	lgtest_fail all-guests-ok "$bad of $((rounds * 4)) guests did not boot and exit 0"
lgtest_host_clean
lgtest_check rmmod rmmod lg
