# SPDX-License-Identifier: GPL-2.0-only
# AVX state, switched right: on a test VM CPU with AVX2 and FMA (QEMU's
# -cpu max), a guest's CPUID offers what x86-64-v3 user space needs, and
# YMM register checks (tests/vm/progs/avx-check.c) run at the same time
# in a 2-vCPU guest, in a second guest and in two test-VM processes, all
# on test-VM CPUs 1 and 2, so that guests and host processes keep taking
# each other's CPUs: every check must find its registers as it left them.
# needs: launcher guest-kernel guest-test
# cpu: max
# smp: 3
# timeout: 900

lgtest_check insmod insmod "$LG_KO" || exit 0
secs=20
if ! avx-check 1 >/tmp/probe.log; then
	lgtest_fail test-vm-has-avx2 "$(cat /tmp/probe.log)"
fi
(taskset -c 1,2 lguest-launch -c 2 -m 128M -a "lgtest=avx LGTEST_SECONDS=$secs" \
	-i /guest/test-initramfs /guest/bzImage >/tmp/a1.log 2>&1 </dev/null
 echo "LAUNCHER-EXIT $?" >>/tmp/a1.log) &
(taskset -c 2 lguest-launch -m 96M -a "lgtest=avx LGTEST_SECONDS=$secs" \
	-i /guest/test-initramfs /guest/bzImage >/tmp/a2.log 2>&1 </dev/null
 echo "LAUNCHER-EXIT $?" >>/tmp/a2.log) &
sleep 5	# the guests boot first
for c in 1 2; do
	(taskset -c $c avx-check $secs >/tmp/h$c.log 2>&1; echo "EXIT $?" >>/tmp/h$c.log) &
done
wait

# Guest 1 has two vCPUs and runs a check on each; guest 2 one.
for g in 1 2; do
	log=/tmp/a$g.log
	tr -d '\r' <$log >$log.txt
	if ! grep -q '^LGGUEST cpu0 ' $log.txt; then
		lgtest_fail guest$g-cpuid-x86-64-v3 "the guest ran no check"
	elif grep -q '^LGGUEST missing' $log.txt; then
		lgtest_fail guest$g-cpuid-x86-64-v3 "$(grep '^LGGUEST missing' $log.txt | tr '\n' ' ')"
	else
		lgtest_pass guest$g-cpuid-x86-64-v3
	fi
	want=$((3 - g))
	grep '^LGGUEST cpu[0-9] avx-check' $log.txt | sed "s/^LGGUEST /  | guest$g /"
	ok=$(grep -c '^LGGUEST cpu[0-9] avx-check ok' $log.txt)
	if [ "$ok" = "$want" ] && grep -q 'LAUNCHER-EXIT 0' $log.txt; then
		lgtest_pass guest$g-ymm-intact
	else
		tail -n 12 $log.txt | sed 's/^/  | /'
		lgtest_fail guest$g-ymm-intact "$ok of $want checks ok; $(tail -n 1 $log.txt)"
	fi
done
for c in 1 2; do
	sed "s/^/  | test VM cpu$c: /" /tmp/h$c.log
	grep -q '^avx-check ok' /tmp/h$c.log && grep -q 'EXIT 0' /tmp/h$c.log &&
		lgtest_pass host-process-cpu$c-ymm-intact ||
		lgtest_fail host-process-cpu$c-ymm-intact "$(tr '\n' ' ' </tmp/h$c.log)"
done

lgtest_host_clean
lgtest_check rmmod rmmod lg
