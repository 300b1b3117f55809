# SPDX-License-Identifier: GPL-2.0-only
# The guest is hostile: guests that fault without an IDT, touch MMIO with
# an instruction we do not emulate, or run code or keep page tables
# outside their RAM each get their VM stopped with a one-line reason and
# a non-zero exit.  String I/O works as on hardware (REP, both
# directions, across pages), and a user-mode OUTS from a kernel page
# gets #PF.  Guests with an IDT get the exception a real CPU would give:
# #UD for VMRUN, INVLPGA and AVX; #GP for an unknown MSR, RDPMC, clearing
# EFER.LME in long mode, and CR4 bits whose state lg does not switch
# (OSXSAVE where the CPU has no XSAVE); #DB reflected to them.  WBINVD runs and allowed CR4 writes go through.  A guest goes from
# long mode through 32-bit and 16-bit protected mode to real mode and
# back, with lg emulating its moves to CR4 in 32-bit code; one that sends
# itself an INIT restarts at the reset vector, where it has no firmware,
# and is stopped.  Steal time's MSR refuses reserved bits and a page
# outside RAM with #GP, and fixes an odd version as KVM does.  The
# conformance guest (two at once) checks the exception every intercepted
# instruction raises, runs every MMIO form lg emulates on the test window
# and on RAM and compares them, and goes through 32-bit, 16-bit and real
# mode with MMIO in each (and string I/O in real mode); a line per check.
# The host kernel is none the worse (no oops, lg still works).  Under
# Bochs the same, on VT-x.
# also-on: debug sid bochs
# needs: launcher hostile guest-kernel guest-test
# timeout: 900

lgtest_check insmod insmod "$LG_KO" || exit 0

# exits NAME CASE STATUS [PATTERN]: lguest-launch on /hostile/caseCASE
# exits with STATUS and, if given, prints PATTERN.  Guests that catch an
# exception exit with 100 + its vector (hostile.S).
exits() {
	local out rc
	out=$(lguest-launch -m 64M /hostile/case$2 2>&1 </dev/null)
	rc=$?
	echo "  | case $2: status $rc: $out"
	if [ "$rc" != "$3" ]; then
		lgtest_fail "$1" "exit status $rc, want $3: $out"
	elif [ -n "${4:-}" ] && ! printf '%s\n' "$out" | grep -q -- "$4"; then
		lgtest_fail "$1" "no '$4' in: $out"
	else
		lgtest_pass "$1"
	fi
}

exits triple-fault 1 3 "triple-faulted"
exits rep-outsb-across-pages 2 42 "STRIO-OUT-OK"
exits odd-mmio 3 3 "cannot emulate the MMIO access"
exits code-outside-ram 4 3 "executed code at 0xd0000000"
exits page-tables-outside-ram 5 3 "outside its RAM"
exits svm-instruction-ud 6 106
exits unknown-msr-gp 7 113
exits debug-exit 8 42
exits invlpga-ud 9 106
exits single-step-db 10 101
# OSXSAVE is refused where the CPU has no XSAVE (QEMU's qemu64), taken
# where it has (Bochs's Haswell).
if grep -qw xsave /proc/cpuinfo; then
	exits cr4-osxsave-with-xsave 11 42
else
	exits cr4-osxsave-gp-without-xsave 11 113
fi
exits cr4-pke-gp 12 113
exits avx-without-osxsave-ud 13 106
exits wbinvd-runs 14 42
exits cr4-pge-toggle 15 42
exits rep-insl-both-directions 16 42
exits outs-from-kernel-page-pf 17 114
exits rdpmc-gp 18 113
exits efer-lme-clear-gp 24 113
exits cpu-modes-round-trip 35 42
exits init-to-boot-cpu 36 3 "executed code at 0xfffffff0"
exits steal-time-reserved-bit-gp 38 113
exits steal-time-outside-ram-gp 39 113
exits steal-time-version 40 42

# The conformance guest (hostile/conform.c), twice at once: each of its
# "conform: PASS name" / "conform: FAIL name: why" lines is a test here,
# and it must get to its count line and exit 0.
lguest-launch -m 64M /hostile/case37 >/tmp/conform1.log 2>&1 </dev/null &
pid=$!
lguest-launch -m 64M /hostile/case37 >/tmp/conform2.log 2>&1 </dev/null
rc2=$?
wait $pid
rc1=$?
tr -d '\r' </tmp/conform1.log | sed -n 's/^conform: \(PASS\|FAIL\) //p' |
	while IFS= read -r line; do
		name=conform-$(printf '%s' "${line%%:*}" | tr ' ' '-')
		case $line in
		*:*) lgtest_fail "$name" "${line#*: }" ;;
		*) lgtest_pass "$name" ;;
		esac
	done
for i in 1 2; do
	eval rc=\$rc$i
	summary=$(tr -d '\r' </tmp/conform$i.log | grep '^conform: [0-9]* passed, 0 failed$')
	if [ $rc = 0 ] && [ -n "$summary" ]; then
		lgtest_pass conform-guest-$i-all-passed
	else
		lgtest_fail conform-guest-$i-all-passed "status $rc: $(tail -n 3 /tmp/conform$i.log | tr '\n' ' ')"
	fi
	echo "  | conformance guest $i: status $rc, ${summary:-no count line}"
done
grep -q '^conform: real-mode rep outsb' /tmp/conform1.log &&
	lgtest_pass conform-real-mode-rep-outsb ||
	lgtest_fail conform-real-mode-rep-outsb "no line from real mode's REP OUTSB"

# A host breakpoint counts every write while a guest exits again and
# again on the same CPU (each #VMEXIT disables DR7).  Guests' own
# breakpoints are not tested: QEMU 7.2's TCG crashes (SIGSEGV) when a
# nested guest arms DR7.
taskset -c 0 lguest-launch -m 64M /hostile/case20 >/tmp/case20.log 2>&1 &
sleep 1
if out=$(hw-bp-count 0 3000 2>&1); then
	lgtest_pass host-breakpoint-kept
else
	lgtest_fail host-breakpoint-kept "$out"
fi
echo "  | $out"
wait $!
rc=$?
[ $rc = 42 ] && lgtest_pass breakpoint-guest-exit-42 ||
	lgtest_fail breakpoint-guest-exit-42 "status $rc: $(cat /tmp/case20.log)"

lgtest_host_clean
out=$(lguest-launch -a lgtest=wait -i /guest/test-initramfs /guest/bzImage 2>&1)
rc=$?
printf '%s\n' "$out" | grep -q 'LGGUEST waiting' && [ $rc = 0 ] &&
	lgtest_pass guest-after ||
	lgtest_fail guest-after "a normal guest afterwards: status $rc"
lgtest_check rmmod rmmod lg
