# SPDX-License-Identifier: GPL-2.0-only
# RDPID reads TSC_AUX, where the host keeps its CPU number, and a guest
# can run it however CPUID hides it: lg gives the guest its own, 0,
# while it runs.  A guest on test-VM CPU 1 (host TSC_AUX 1) must read 0.
# QEMU 7.2's -cpu max has no RDPID, so this runs on request, with a
# QEMU that has it first in PATH (11.1, sid's, has).
# run: on request
# needs: launcher hostile
# cpu: max
# smp: 2

lgtest_check insmod insmod "$LG_KO" || exit 0
if grep -qw rdpid /proc/cpuinfo; then
	out=$(taskset -c 1 lguest-launch -m 64M /hostile/case25 2>&1 </dev/null)
	rc=$?
	[ $rc = 42 ] && lgtest_pass guest-reads-its-own-tsc-aux ||
		lgtest_fail guest-reads-its-own-tsc-aux "exit status $rc, want 42: $out"
else
	lgtest_fail cpu-has-rdpid "the test VM's CPU has no RDPID: run with a QEMU that has it"
fi
lgtest_check rmmod rmmod lg
