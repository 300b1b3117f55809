# SPDX-License-Identifier: GPL-2.0-only
# lg and KVM (kvm_amd, or kvm_intel under Bochs) take turns with the
# CPU's virtualization: while KVM has a VM, lguest-launch fails with the
# message that names KVM's module; while lg has a guest, KVM cannot
# create one; each works again once the other has let go.
# also-on: bochs
# needs: launcher guest-kernel guest-test
# timeout: 600

if grep -qw vmx /proc/cpuinfo; then kvm=kvm_intel; else kvm=kvm_amd; fi
lgtest_check insmod insmod "$LG_KO" || exit 0
lgtest_check modprobe-kvm modprobe $kvm || exit 0

kvm-hold >/tmp/hold.log 2>&1 &
hold=$!
sleep 2
grep -q holding /tmp/hold.log && lgtest_pass kvm-holds ||
	lgtest_fail kvm-holds "$(cat /tmp/hold.log)"
lguest-launch -i /guest/test-initramfs /guest/bzImage >/tmp/busy.log 2>&1
rc=$?
cat /tmp/busy.log | sed 's/^/  | /'
[ "$rc" = 2 ] && lgtest_pass busy-exit-2 || lgtest_fail busy-exit-2 "exit status $rc"
grep -q $kvm /tmp/busy.log && [ "$(wc -l </tmp/busy.log)" -eq 1 ] &&
	lgtest_pass busy-message || lgtest_fail busy-message "want one line naming $kvm"
kill $hold
wait $hold

lguest-launch -a "lgtest=wait LGTEST_WAIT=15" -i /guest/test-initramfs \
	/guest/bzImage >/tmp/g.log 2>&1 &
guest=$!
lgtest_wait_for /tmp/g.log 'LGGUEST waiting'
kvm-hold >/tmp/hold2.log 2>&1 &
hold=$!
sleep 2
grep -q 'KVM_CREATE_VM' /tmp/hold2.log && lgtest_pass kvm-refused-while-lg-runs ||
	lgtest_fail kvm-refused-while-lg-runs "$(cat /tmp/hold2.log)"
kill $hold 2>/dev/null
wait $guest
lgtest_check guest-after-kvm [ $? = 0 ]
