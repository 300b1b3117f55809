# SPDX-License-Identifier: GPL-2.0-only
# The process calling the ioctls is hostile too: lg-ioctl stress makes a
# million calls with wild arguments from several threads against VMs
# whose vCPU is running, unmaps and discards guest RAM under it, closes
# its fd mid-run and forks (tests/vm/progs/lg-ioctl.c).  Every call must
# come back, the host kernel must log no oops or warning, and lg must
# still unload and run a guest afterwards.
# also-on: debug sid
# needs: launcher guest-kernel guest-test
# timeout: 900

lgtest_check insmod insmod "$LG_KO" || exit 0
if out=$(lg-ioctl stress 1000000 2>&1); then
	lgtest_pass stress-returned
else
	lgtest_fail stress-returned "status $?: $(printf '%s\n' "$out" | tail -n 1)"
fi
printf '%s\n' "$out" | tail -n 3 | sed 's/^/  | /'
lgtest_host_clean
out=$(lguest-launch -a "lgtest=wait LGTEST_WAIT=1" -i /guest/test-initramfs /guest/bzImage 2>&1)
rc=$?
printf '%s\n' "$out" | grep -q 'LGGUEST waiting' && [ $rc = 0 ] &&
	lgtest_pass guest-after || lgtest_fail guest-after "status $rc"
lgtest_check rmmod rmmod lg
