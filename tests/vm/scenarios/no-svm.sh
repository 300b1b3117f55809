# SPDX-License-Identifier: GPL-2.0-only
# On a CPU without AMD-V, lg must refuse to load, and say why.
# cpu: qemu64,-svm
# (QEMU's qemu64 model includes svm by default under TCG.)

lgtest_check_fails no-svm-in-cpuinfo grep -qw svm /proc/cpuinfo
lgtest_check_fails insmod-refused insmod "$LG_KO"
if dmesg | grep -q 'no AMD-V (SVM)'; then
	lgtest_pass clear-message
else
	lgtest_fail clear-message "dmesg lacks 'no AMD-V (SVM)'"
fi
