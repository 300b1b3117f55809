# SPDX-License-Identifier: GPL-2.0-only
# The guest is hostile: guests that fault without an IDT, use string I/O,
# touch MMIO with an instruction we do not emulate, run code or keep page
# tables outside their RAM, run SVM instructions or probe unknown MSRs
# each get their VM stopped with a one-line reason and a non-zero exit,
# and the host kernel is none the worse (no oops, lg still works).
# needs: launcher hostile guest-kernel guest-test

lgtest_check insmod insmod "$LG_KO" || exit 0

# stopped NAME CASE STATUS PATTERN
stopped() {
	local out rc
	out=$(lguest-launch -m 64M /hostile/case$2 2>&1 </dev/null)
	rc=$?
	echo "  | case $2: $out"
	if [ "$rc" != "$3" ]; then
		lgtest_fail "$1" "exit status $rc, want $3"
	elif ! printf '%s\n' "$out" | grep -q -- "$4"; then
		lgtest_fail "$1" "no '$4' in: $out"
	else
		lgtest_pass "$1"
	fi
}

stopped triple-fault 1 3 "triple-faulted"
stopped string-io 2 3 "string I/O"
stopped odd-mmio 3 3 "cannot emulate the MMIO access"
stopped code-outside-ram 4 3 "executed code at 0xd0000000"
stopped page-tables-outside-ram 5 3 "outside its RAM"
stopped svm-instruction 6 3 "triple-faulted"
stopped unknown-msr 7 3 "triple-faulted"
stopped debug-exit 8 42 ""

if dmesg | grep -q -E 'BUG|Oops|WARNING|general protection'; then
	dmesg | grep -E -A5 'BUG|Oops|WARNING|general protection' | head -20
	lgtest_fail host-unharmed "the host kernel logged a problem"
else
	lgtest_pass host-unharmed
fi
out=$(lguest-launch -a lgtest=wait -i /guest/test-initramfs /guest/bzImage 2>&1)
rc=$?
printf '%s\n' "$out" | grep -q 'LGGUEST waiting' && [ $rc = 0 ] &&
	lgtest_pass guest-after ||
	lgtest_fail guest-after "a normal guest afterwards: status $rc"
lgtest_check rmmod rmmod lg
