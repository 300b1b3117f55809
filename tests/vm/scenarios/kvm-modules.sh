# SPDX-License-Identifier: GPL-2.0-only
# The test VM carries KVM for the coexistence tests and the QEMU+KVM
# benchmark: `modprobe kvm_amd` must pull in its dependencies (kvm,
# irqbypass, ccp on 6.1) and give /dev/kvm, and unload again.

lgtest_check modprobe-kvm-amd modprobe kvm_amd || exit 0
if [ -c /dev/kvm ]; then
	lgtest_pass dev-kvm
else
	lgtest_fail dev-kvm "no /dev/kvm after modprobe kvm_amd"
fi
lgtest_check modprobe-r-kvm-amd modprobe -r kvm_amd
