# SPDX-License-Identifier: GPL-2.0-only
# A guest kernel that panics ends lguest-launch with a non-zero status,
# the panic on its console (the guest reports it through pvpanic).
# also-on: bochs
# needs: launcher guest-kernel guest-test
# timeout: 600

lgtest_check insmod insmod "$LG_KO" || exit 0
lguest-launch -a lgtest=panic -i /guest/test-initramfs /guest/bzImage \
	>/tmp/panic.log 2>&1
rc=$?
tail -n 8 /tmp/panic.log | sed 's/^/  | /'
[ "$rc" -ne 0 ] && lgtest_pass exit-non-zero ||
	lgtest_fail exit-non-zero "lguest-launch exited 0 after a guest panic"
grep -q 'Kernel panic' /tmp/panic.log && lgtest_pass panic-on-console ||
	lgtest_fail panic-on-console "no 'Kernel panic' on the console"
grep -q 'lguest-launch: the guest kernel panicked' /tmp/panic.log &&
	lgtest_pass panic-reported ||
	lgtest_fail panic-reported "the launcher did not say the guest panicked"
