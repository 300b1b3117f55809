# SPDX-License-Identifier: GPL-2.0-only
# Loads lg in the test VM (emulated SVM) and checks the ABI as a caller
# sees it: /dev/lguest appears, LG_GET_API_VERSION answers, every error
# lguest(4) lists that a caller can provoke comes back as documented
# (tests/vm/progs/lg-ioctl.c), and the module unloads again.
# also-on: debug

lgtest_check svm-in-cpuinfo grep -qw svm /proc/cpuinfo
lgtest_check npt-in-cpuinfo grep -qw npt /proc/cpuinfo
lgtest_check insmod insmod "$LG_KO" || exit 0
if [ -c /dev/lguest ]; then
	lgtest_pass dev-lguest
else
	lgtest_fail dev-lguest "no /dev/lguest after insmod"
fi
lgtest_ok_lines ram-unmapped-stops lg-ioctl errors
lgtest_check rmmod rmmod lg
if [ -e /dev/lguest ]; then
	lgtest_fail dev-lguest-gone "/dev/lguest still there after rmmod"
else
	lgtest_pass dev-lguest-gone
fi
