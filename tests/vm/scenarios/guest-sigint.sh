# SPDX-License-Identifier: GPL-2.0-only
# SIGINT to a launcher whose guest spins in a loop ends it within a
# second, even though the guest never exits on its own.
# also-on: bochs
# needs: launcher guest-kernel guest-test
# timeout: 600

lgtest_check insmod insmod "$LG_KO" || exit 0
lguest-launch -a lgtest=spin -i /guest/test-initramfs /guest/bzImage \
	>/tmp/spin.log 2>&1 &
pid=$!
lgtest_wait_for /tmp/spin.log 'LGGUEST spinning' || {
	lgtest_fail guest-spins "the guest never started spinning"
	tail -n 20 /tmp/spin.log
	kill -9 $pid
	exit 0
}
sleep 2
t0=$(cut -d' ' -f1 /proc/uptime)
kill -INT $pid
wait $pid
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
if awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 1.0) }'; then
	lgtest_pass exits-within-1s
else
	lgtest_fail exits-within-1s "took from $t0 to $t1"
fi
[ "$rc" = 130 ] && lgtest_pass exit-130 ||
	lgtest_fail exit-130 "exit status $rc, want 130 (128 + SIGINT)"
