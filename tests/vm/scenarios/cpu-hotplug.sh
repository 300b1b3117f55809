# SPDX-License-Identifier: GPL-2.0-only
# A CPU taken offline and brought back while a guest runs loses AMD-V's
# switch and host save area; lg must give them back.  A guest runs on
# cpus 1-2 while cpu1 goes offline (the guest moves to cpu2) and online,
# finishes with status 0, then new guests start pinned to each of them;
# the host logs no oops or warning.  The test VM's CPU 0 runs no guest:
# QEMU's emulated SVM loses Linux guests there now and then
# (tests/vm/README.md, "Guests at once").
# also-on: debug
# needs: launcher guest-kernel guest-test
# smp: 3
# timeout: 900

lgtest_check insmod insmod "$LG_KO" || exit 0
cpu1=/sys/devices/system/cpu/cpu1/online

(taskset -c 1,2 lguest-launch -m 128M -a "lgtest=wait LGTEST_WAIT=15" \
	-i /guest/test-initramfs /guest/bzImage >/tmp/g1.log 2>&1
 echo "LAUNCHER-EXIT $?" >>/tmp/g1.log) &
if lgtest_wait_for /tmp/g1.log 'LGGUEST waiting\|LAUNCHER-EXIT' 400 &&
   grep -q 'LGGUEST waiting' /tmp/g1.log; then
	lgtest_pass guest-running
else
	tail -n 20 /tmp/g1.log | sed 's/^/  | /'
	lgtest_fail guest-running "the guest never reached its test"
fi
lgtest_check cpu1-offline sh -c "echo 0 >$cpu1"
sleep 2
lgtest_check cpu1-online sh -c "echo 1 >$cpu1"
wait
tail -n 2 /tmp/g1.log | sed 's/^/  | /'
grep -q 'LAUNCHER-EXIT 0' /tmp/g1.log && lgtest_pass guest-through-hotplug ||
	lgtest_fail guest-through-hotplug "$(tail -n 1 /tmp/g1.log)"

for cpu in 1 2; do
	out=$(taskset -c $cpu lguest-launch -m 128M -a "lgtest=wait LGTEST_WAIT=1" \
		-i /guest/test-initramfs /guest/bzImage 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -q 'LGGUEST waiting' && [ $rc = 0 ] &&
		lgtest_pass guest-on-cpu$cpu ||
		lgtest_fail guest-on-cpu$cpu "status $rc: $(printf '%s\n' "$out" | tail -n 1)"
done

lgtest_host_clean
lgtest_check rmmod rmmod lg
