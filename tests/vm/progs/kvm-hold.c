// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-hold: create a KVM VM and keep it until killed, so that kvm_amd
 * holds AMD-V (EFER.SVME) in the test VM, or kvm_intel VT-x (VMXON).  Prints "kvm-hold: holding" once
 * it does, or why it could not (exit 1), which is what the coexistence
 * scenario checks from both sides.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR);
	int vm;

	if (kvm < 0) {
		printf("kvm-hold: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		printf("kvm-hold: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	printf("kvm-hold: holding\n");
	fflush(stdout);
	pause();
	return 0;
}
