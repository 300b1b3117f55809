# SPDX-License-Identifier: GPL-2.0-only
# Two guests run at once; while they do, lg cannot be unloaded; once
# both have finished (each with status 0), it can.  Both share the one
# CPU of the test VM; many-guests runs guests on several CPUs at once.
# needs: launcher guest-kernel guest-test
# timeout: 900

lgtest_check insmod insmod "$LG_KO" || exit 0
for n in 1 2; do
	(taskset -c 0 lguest-launch -m 128M -a "lgtest=wait LGTEST_WAIT=20" \
		-i /guest/test-initramfs /guest/bzImage >/tmp/g$n.log 2>&1
	 echo "LAUNCHER-EXIT $?" >>/tmp/g$n.log) &
done
if lgtest_wait_for /tmp/g1.log 'LGGUEST waiting' 400 &&
   lgtest_wait_for /tmp/g2.log 'LGGUEST waiting' 400; then
	lgtest_pass both-running
else
	lgtest_fail both-running "not both guests reached their test"
fi
lgtest_check_fails rmmod-refused rmmod lg
wait
for n in 1 2; do
	tail -n 3 /tmp/g$n.log | sed 's/^/  | /'
	grep -q 'LAUNCHER-EXIT 0' /tmp/g$n.log && lgtest_pass guest$n-exit-0 ||
		lgtest_fail guest$n-exit-0 "guest $n: $(tail -n 1 /tmp/g$n.log)"
done
lgtest_check rmmod-after rmmod lg
