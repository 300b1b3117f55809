// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's x87, SSE and AVX registers, and the XCR0 that enables them.
 *
 * The FPU is the guest's only inside kernel_fpu_begin()/kernel_fpu_end()
 * around VMRUN: the first saves the launcher's registers, which the
 * kernel restores before the launcher next runs in user mode.  In
 * between we restore the guest's image, enter, and save it again.  With
 * XSAVE that image holds every component the guest is offered, whatever
 * its XCR0, so no register the guest can reach holds anything but its
 * own; and XCR0 is the guest's from just before VMRUN to just after,
 * with interrupts off, so no host code runs under it.
 *
 * Offered: x87, SSE and AVX, where the host has them.  Not PKRU (the
 * kernel's own accesses to user memory obey it), not AVX-512 (untested:
 * no emulator we test on has it), no supervisor state (no XSAVES, no
 * IA32_XSS).  Without XSAVE on the host, FXSAVE serves.
 */
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>

#include "compat.h"
#include "lg.h"
#include "xstate.h"

u64 lg_xfeatures;		/* what XCR0 may hold; 0 without XSAVE */
static u64 lg_host_xcr0;
static bool lg_xcr0_recheck;	/* see lg_xcr0_put() */
struct xstate_layout lg_xlayout;	/* the host's, for CPUID leaf 0xd */

/* vcpu->fpu, a page, as one operand for XSAVE and XRSTOR. */
#define LG_FPU_AREA(vcpu) (*(u8 (*)[PAGE_SIZE])(vcpu)->fpu)

void lg_fpu_init(void)
{
	u32 eax, ebx, ecx, edx;
	int i;

	if (!boot_cpu_has(X86_FEATURE_XSAVE) || !boot_cpu_has(X86_FEATURE_OSXSAVE))
		return;
	lg_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	lg_xcr0_recheck = boot_cpu_has(X86_FEATURE_HYPERVISOR);
	lg_xfeatures = lg_host_xcr0 & (XSTATE_FP | XSTATE_SSE);
	if (boot_cpu_has(X86_FEATURE_AVX))
		lg_xfeatures |= lg_host_xcr0 & XSTATE_YMM;
	for (i = 2; i < XSTATE_GUEST_MAX; i++) {
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		lg_xlayout.size[i] = eax;
		lg_xlayout.offset[i] = ebx;
	}
	cpuid_count(0xd, 1, &eax, &ebx, &ecx, &edx);
	lg_xlayout.sub1_eax = eax;
	if (xstate_size(lg_xfeatures, &lg_xlayout) > PAGE_SIZE)
		lg_xfeatures &= XSTATE_FP | XSTATE_SSE;	/* vcpu->fpu is a page */
}

/* The state of a CPU after reset: FCW 0x37f, MXCSR 0x1f80, XCR0 x87. */
void lg_fpu_reset(struct lg_vcpu *vcpu)
{
	memset(vcpu->fpu, 0, PAGE_SIZE);	/* every component in its init state */
	*(u16 *)&vcpu->fpu[0] = 0x37f;
	*(u32 *)&vcpu->fpu[24] = 0x1f80;
	vcpu->xcr0 = XSTATE_FP;
}

/* XSETBV: 0, or -EINVAL for the #GP a CPU gives. */
int lg_xsetbv(struct lg_vcpu *vcpu, u32 index, u64 val)
{
	if (index != XCR_XFEATURE_ENABLED_MASK || !xcr0_valid(val, lg_xfeatures))
		return -EINVAL;
	vcpu->xcr0 = val;
	return 0;
}

/* After kernel_fpu_begin(): the guest's registers in. */
void lg_fpu_load(struct lg_vcpu *vcpu)
{
	if (lg_xfeatures)
		asm volatile("xrstor64 %0" : : "m"(LG_FPU_AREA(vcpu)), "a"((u32)lg_xfeatures),
			     "d"((u32)(lg_xfeatures >> 32)) : "memory");
	else
		asm volatile("fxrstorq %0" : : "m"(LG_FPU_AREA(vcpu)) : "memory");
}

/* Before kernel_fpu_end(): the guest's registers out. */
void lg_fpu_save(struct lg_vcpu *vcpu)
{
	if (lg_xfeatures)
		asm volatile("xsave64 %0" : "+m"(LG_FPU_AREA(vcpu)) : "a"((u32)lg_xfeatures),
			     "d"((u32)(lg_xfeatures >> 32)) : "memory");
	else
		asm volatile("fxsaveq %0" : "+m"(LG_FPU_AREA(vcpu)) : : "memory");
}

/*
 * With GIF clear, just before VMRUN: the guest's XCR0, when it has
 * CR4.OSXSAVE (without it, XCR0 gives it nothing) and it differs.
 * Returns whether lg_xcr0_put() must put the host's back.
 */
bool lg_xcr0_get(struct lg_vcpu *vcpu, u64 guest_cr4)
{
	if (!(guest_cr4 & X86_CR4_OSXSAVE) || vcpu->xcr0 == lg_host_xcr0)
		return false;
	xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	return true;
}

/*
 * Just after #VMEXIT, GIF still clear: the host's XCR0 back.  A CPU
 * intercepts XSETBV, but QEMU's emulated SVM does not (its XSETBV never
 * checks the intercept), so on a host that is itself a guest XCR0 may
 * have changed under us: the host's goes back all the same, and a value
 * the guest may have becomes its XCR0.  Returns any other value it set,
 * else 0.
 */
u64 lg_xcr0_put(struct lg_vcpu *vcpu, u64 guest_cr4, bool switched)
{
	u64 expected, now;

	if (!(guest_cr4 & X86_CR4_OSXSAVE))
		return 0;
	expected = switched ? vcpu->xcr0 : lg_host_xcr0;
	now = lg_xcr0_recheck ? xgetbv(XCR_XFEATURE_ENABLED_MASK) : expected;
	if (now != lg_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, lg_host_xcr0);
	if (likely(now == expected))
		return 0;
	if (!xcr0_valid(now, lg_xfeatures))
		return now;
	vcpu->xcr0 = now;
	return 0;
}
