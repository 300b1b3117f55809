# SPDX-License-Identifier: GPL-2.0-only
# On a CPU without AMD-V, lg must refuse to load, and say why.
# cpu: qemu64,-svm
# needs: launcher guest-kernel
# (QEMU's qemu64 model includes svm by default under TCG.)

lgtest_check_fails no-svm-in-cpuinfo grep -qw svm /proc/cpuinfo
lgtest_check_fails insmod-refused insmod "$LG_KO"
if dmesg | grep -q 'no AMD-V (SVM)'; then
	lgtest_pass clear-message
else
	lgtest_fail clear-message "dmesg lacks 'no AMD-V (SVM)'"
fi

# lguest-launch then names the missing AMD-V rather than the module.
out=$(lguest-launch /guest/bzImage 2>&1 </dev/null)
rc=$?
echo "  | $out"
if [ "$rc" = 2 ] && printf '%s\n' "$out" | grep -q 'this CPU has no AMD-V' &&
   [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]; then
	lgtest_pass launcher-says-no-svm
else
	lgtest_fail launcher-says-no-svm "status $rc: $out"
fi
