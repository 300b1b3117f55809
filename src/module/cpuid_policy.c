// SPDX-License-Identifier: GPL-2.0-only
/*
 * What CPUID tells the guest, as a pure function of the host's answers
 * and the guest's state (cpuid_policy.h), so that the unit tests can put any
 * host's CPUID through it.
 *
 * The host's answers, filtered down to what the guest can really use:
 * an allow-list per register, because a feature we forget to hide is a
 * feature whose state we do not switch.  On top: the x2APIC with the
 * TSC-deadline timer and ARAT, the hypervisor bit, and KVM's signature
 * with the clock features, which makes Linux take its TSC frequency
 * and time from kvm-clock, use x2APIC without interrupt remapping, and
 * need no PIT; PV_UNHALT, the kick of paravirtual spinlocks (vcpu.c's
 * hypercall); steal time too where the module offers it.  XSAVE and
 * AVX (with AVX2, FMA, F16C) only as far as fpu.c switches their state.
 * Hidden: SVM/VMX, the PMU, MONITOR, RDTSCP/RDPID, AVX-512, PKU, PCID,
 * MCE/MTRR, speculation MSRs.
 */
#include "cpuid_policy.h"

#define B(n)	(1U << (n))

#define KVM_SIGNATURE_LEAF	0x40000000
#define KVM_FEATURES_LEAF	0x40000001
#define KVM_FEATURE_NOP_IO_DELAY	B(1)
#define KVM_FEATURE_CLOCKSOURCE2	B(3)
#define KVM_FEATURE_STEAL_TIME		B(5)
#define KVM_FEATURE_PV_UNHALT		B(7)
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT	B(24)

/* leaf 1 EDX: FPU..PAE, CX8, APIC, SEP, PGE, CMOV, PAT, PSE36, CLFSH, MMX,
 * FXSR, SSE, SSE2
 */
#define L1_EDX_OK (B(0) | B(1) | B(2) | B(3) | B(4) | B(5) | \
		   B(6) | B(8) | B(9) | B(11) | B(13) | B(15) | \
		   B(16) | B(17) | B(19) | B(23) | B(24) | B(25) | \
		   B(26))
/* leaf 1 ECX: SSE3, PCLMUL, SSSE3, CX16, SSE4.1/2, MOVBE, POPCNT, AES, RDRAND */
#define L1_ECX_OK (B(0) | B(1) | B(9) | B(13) | B(19) | B(20) | \
		   B(22) | B(23) | B(25) | B(30))
#define L1_ECX_X2APIC		B(21)
#define L1_ECX_TSC_DEADLINE	B(24)
#define L1_ECX_HYPERVISOR	B(31)
#define L1_ECX_XSAVE		B(26)
#define L1_ECX_OSXSAVE		B(27)
/* leaf 1 ECX with AVX state: FMA, AVX, F16C */
#define L1_ECX_AVX (B(12) | B(28) | B(29))
/* leaf 7.0 EBX: BMI1, SMEP, BMI2, ERMS, SMAP, CLFLUSHOPT, SHA; RDSEED, ADX */
#define L7_EBX_OK (B(3) | B(7) | B(8) | B(9) | B(18) | B(19) | \
		   B(20) | B(23) | B(29))
#define L7_EBX_AVX2		B(5)
/* 0x80000001 ECX: LAHF_LM, ABM, SSE4A, MISALIGNSSE, 3DNOWPREFETCH */
#define E1_ECX_OK (B(0) | B(5) | B(6) | B(7) | B(8))
/* 0x80000001 EDX: SYSCALL, NX, MMXEXT, PDPE1GB, LM, and leaf 1's basics */
#define E1_EDX_OK (B(11) | B(20) | B(22) | B(26) | B(29) | \
		   (L1_EDX_OK & 0x0183f3ff))
/* 0x80000007 EDX: invariant TSC */
#define E7_EDX_OK B(8)

void cpuid_guest_answer(const struct cpuid_guest *g, u32 leaf, u32 subleaf,
			u32 out[4])
{
	u32 id = g->apic_id;
	bool avx = g->xfeatures & XSTATE_YMM;
	u32 *a = &out[0], *b = &out[1], *c = &out[2], *d = &out[3];

	*a = *b = *c = *d = 0;
	if (leaf == KVM_SIGNATURE_LEAF) {
		*a = KVM_FEATURES_LEAF;
		memcpy(b, "KVMK", 4);
		memcpy(c, "VMKV", 4);
		memcpy(d, "M\0\0\0", 4);
		return;
	}
	if (leaf == KVM_FEATURES_LEAF) {
		*a = KVM_FEATURE_NOP_IO_DELAY | KVM_FEATURE_CLOCKSOURCE2 |
		     KVM_FEATURE_PV_UNHALT | KVM_FEATURE_CLOCKSOURCE_STABLE_BIT;
		if (g->steal_time)
			*a |= KVM_FEATURE_STEAL_TIME;
		return;
	}
	if (leaf <= g->max_basic || (leaf >= 0x80000000 && leaf <= g->max_ext))
		g->host(leaf, subleaf, out);
	else
		return;

	switch (leaf) {
	case 0:
		*a = g->max_basic;
		break;
	case 1:
		/* APIC id, one logical CPU, CLFLUSH size kept. */
		*b = (*b & 0xffff) | (1 << 16) | (id << 24);
		*c = (*c & (L1_ECX_OK | (avx ? L1_ECX_AVX : 0))) |
		     L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE | L1_ECX_HYPERVISOR;
		if (g->xfeatures)
			*c |= L1_ECX_XSAVE;
		if (g->osxsave)
			*c |= L1_ECX_OSXSAVE;
		*d &= L1_EDX_OK;
		break;
	case 6:
		*a = B(2);	/* ARAT: the APIC timer runs in deep C-states */
		*b = *c = *d = 0;
		break;
	case 7:
		*b = subleaf == 0 ? *b & (L7_EBX_OK | (avx ? L7_EBX_AVX2 : 0)) : 0;
		*a = *c = *d = 0;
		break;
	case 0xd:
		xstate_cpuid(subleaf, g->xfeatures, g->xcr0, g->xlayout, out);
		break;
	case 0xb:
		/* x2APIC topology: one thread, one core. */
		if (subleaf < 2) {
			*a = 0;
			*b = 1;
			*c = subleaf | ((subleaf + 1) << 8);
		} else {
			*a = *b = 0;
			*c = subleaf;
		}
		*d = id;
		break;
	case 0x80000000:
		*a = g->max_ext;
		break;
	case 0x80000001:
		*c &= E1_ECX_OK;
		*d &= E1_EDX_OK;
		break;
	case 0x80000002 ... 0x80000006:
		break;			/* brand string, cache sizes */
	case 0x80000007:
		*a = *b = *c = 0;
		*d &= E7_EDX_OK;
		break;
	case 0x80000008:
		*a &= 0xffff;		/* address sizes */
		*b = *c = *d = 0;
		break;
	default:
		*a = *b = *c = *d = 0;	/* caches, PMU, XSAVE, ... */
		break;
	}
}
