# SPDX-License-Identifier: GPL-2.0-only
# Loads lg in the test VM (emulated SVM) and checks the ABI handshake:
# /dev/lguest appears, LG_GET_API_VERSION answers LG_API_VERSION, and the
# module unloads again.

lgtest_check svm-in-cpuinfo grep -qw svm /proc/cpuinfo
lgtest_check npt-in-cpuinfo grep -qw npt /proc/cpuinfo
lgtest_check insmod insmod "$LG_KO" || exit 0
if [ -c /dev/lguest ]; then
	lgtest_pass dev-lguest
else
	lgtest_fail dev-lguest "no /dev/lguest after insmod"
fi
lgtest_check api-version lg-api-version
lgtest_check rmmod rmmod lg
if [ -e /dev/lguest ]; then
	lgtest_fail dev-lguest-gone "/dev/lguest still there after rmmod"
else
	lgtest_pass dev-lguest-gone
fi
