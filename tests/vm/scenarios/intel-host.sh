# SPDX-License-Identifier: GPL-2.0-only
# An Intel host (Bochs's Haswell, VT-x with EPT): lg loads there with its
# VT-x backend and says so, udev would load it for this CPU (its
# modalias matches VMX as kvm_intel's does), a 2-vCPU guest boots (its
# second CPU started in real mode by INIT and SIPI), and lg unloads
# after the guests.  The other guests are the "also-on: bochs" scenarios'.
# run: bochs
# needs: launcher guest-kernel guest-test
# timeout: 900

lgtest_check has-vmx grep -qw vmx /proc/cpuinfo
lgtest_check insmod insmod "$LG_KO" || exit 0
if dmesg | grep -q 'lg: .*VT-x'; then
	lgtest_pass says-vt-x
else
	dmesg | grep 'lg:' | sed 's/^/  | /'
	lgtest_fail says-vt-x "dmesg lacks lg's VT-x line"
fi
lgtest_check dev-lguest test -c /dev/lguest

# What udev would load for this CPU: the modules one of whose aliases
# (globs, in modules.alias) matches the CPU's modalias.
cpu_modules() {
	local m pat mod
	m=$(cat /sys/devices/system/cpu/modalias)
	set -f
	while read -r _ pat mod; do
		case $m in $pat) echo "$mod" ;; esac
	done <"/lib/modules/$(uname -r)/modules.alias"
	set +f
}
mods=$(cpu_modules | sort -u | tr '\n' ' ')
echo "  | modalias matches: $mods"
case " $mods " in
*" kvm_intel "*) lgtest_pass modalias-finds-kvm-intel ;;
*) lgtest_fail modalias-finds-kvm-intel "kvm_intel's alias does not match: $mods" ;;
esac
case " $mods " in
*" lg "*) lgtest_pass by-modalias ;;
*) lgtest_fail by-modalias "udev would not load lg on this CPU" ;;
esac

lguest-launch -c 2 -m 96M -a lgtest=smp -i /guest/test-initramfs /guest/bzImage \
	>/tmp/smp.log 2>&1 </dev/null
echo "LAUNCHER-EXIT $?" >>/tmp/smp.log
if grep -q 'LAUNCHER-EXIT 0' /tmp/smp.log && grep -q '^LGGUEST nproc 2' /tmp/smp.log &&
   grep -q '^LGGUEST online-after-online 0-1' /tmp/smp.log; then
	lgtest_pass two-vcpu-guest
else
	tail -n 12 /tmp/smp.log | sed 's/^/  | /'
	lgtest_fail two-vcpu-guest "$(tail -n 1 /tmp/smp.log)"
fi
lgtest_check rmmod rmmod lg
