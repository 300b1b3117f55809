# SPDX-License-Identifier: GPL-2.0-only
# What a guest may execute without stopping its VM: every instruction lg
# intercepts and does not offer gives the guest #UD, as on a CPU without
# it (VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA, RDTSCP,
# MONITOR, MWAIT), and VMMCALL answers an unknown hypercall as KVM does.
# On QEMU's -cpu max, which has RDTSCP and MONITOR, so that the #UD is
# lg's and not the test VM's CPU's.  QEMU's RDTSCP checks only the RDTSC
# intercept, so there it runs: on test-VM CPU 1 it must read the guest's
# TSC_AUX, 0, not the host's 1 (lg switches it around VMRUN).
# needs: launcher hostile
# cpu: max
# smp: 2

lgtest_check insmod insmod "$LG_KO" || exit 0
for f in rdtscp monitor; do
	grep -qw $f /proc/cpuinfo || lgtest_fail cpu-has-$f "the test VM's CPU lacks $f"
done
# exits NAME CASE STATUS: lguest-launch on /hostile/caseCASE exits STATUS.
exits() {
	local out rc
	out=$(taskset -c 0 lguest-launch -m 64M /hostile/case$2 2>&1 </dev/null)
	rc=$?
	[ "$rc" = "$3" ] && lgtest_pass "$1" ||
		lgtest_fail "$1" "exit status $rc, want $3: $out"
}
exits vmrun-ud 6 106
exits invlpga-ud 9 106
exits vmload-ud 26 106
exits vmsave-ud 27 106
exits stgi-ud 28 106
exits clgi-ud 29 106
exits skinit-ud 30 106
out=$(taskset -c 1 lguest-launch -m 64M /hostile/case31 2>&1 </dev/null)
rc=$?
case $rc in
106) lgtest_pass rdtscp-ud ;;
43) lgtest_pass rdtscp-reads-guest-tsc-aux ;;
*) lgtest_fail rdtscp-ud "exit status $rc, want 106 (#UD) or 43 (ran, TSC_AUX 0): $out" ;;
esac
exits monitor-ud 32 106
exits mwait-ud 33 106
exits vmmcall-enosys 34 42
lgtest_host_clean
lgtest_check rmmod rmmod lg
