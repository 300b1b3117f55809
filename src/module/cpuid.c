// SPDX-License-Identifier: GPL-2.0-only
/*
 * What CPUID tells the guest.
 *
 * The host's answers, filtered down to what the guest can really use:
 * an allow-list per register, because a feature we forget to hide is a
 * feature whose state we do not switch.  On top: the x2APIC with the
 * TSC-deadline timer and ARAT, the hypervisor bit, and KVM's signature
 * with only the clock features, which makes Linux take its TSC frequency
 * and time from kvm-clock, use x2APIC without interrupt remapping, and
 * need no PIT.  XSAVE and AVX (with AVX2, FMA, F16C) only as far as
 * fpu.c switches their state.  Hidden: SVM/VMX, the PMU, MONITOR,
 * RDTSCP/RDPID, AVX-512, PKU, PCID, MCE/MTRR, speculation MSRs.
 */
#include "compat.h"
#include "lg.h"
#include "svm_defs.h"
#include "xstate.h"

#define KVM_SIGNATURE_LEAF	0x40000000
#define KVM_FEATURES_LEAF	0x40000001
#define KVM_FEATURE_NOP_IO_DELAY	BIT(1)
#define KVM_FEATURE_CLOCKSOURCE2	BIT(3)
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT	BIT(24)

/* leaf 1 EDX: FPU..PAE, CX8, APIC, SEP, PGE, CMOV, PAT, PSE36, CLFSH, MMX,
 * FXSR, SSE, SSE2
 */
#define L1_EDX_OK (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | \
		   BIT(6) | BIT(8) | BIT(9) | BIT(11) | BIT(13) | BIT(15) | \
		   BIT(16) | BIT(17) | BIT(19) | BIT(23) | BIT(24) | BIT(25) | \
		   BIT(26))
/* leaf 1 ECX: SSE3, PCLMUL, SSSE3, CX16, SSE4.1/2, MOVBE, POPCNT, AES, RDRAND */
#define L1_ECX_OK (BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(19) | BIT(20) | \
		   BIT(22) | BIT(23) | BIT(25) | BIT(30))
#define L1_ECX_X2APIC		BIT(21)
#define L1_ECX_TSC_DEADLINE	BIT(24)
#define L1_ECX_HYPERVISOR	BIT(31)
#define L1_ECX_XSAVE		BIT(26)
#define L1_ECX_OSXSAVE		BIT(27)
/* leaf 1 ECX with AVX state: FMA, AVX, F16C */
#define L1_ECX_AVX (BIT(12) | BIT(28) | BIT(29))
/* leaf 7.0 EBX: BMI1, SMEP, BMI2, ERMS, SMAP, CLFLUSHOPT, SHA; RDSEED, ADX */
#define L7_EBX_OK (BIT(3) | BIT(7) | BIT(8) | BIT(9) | BIT(18) | BIT(19) | \
		   BIT(20) | BIT(23) | BIT(29))
#define L7_EBX_AVX2		BIT(5)
/* 0x80000001 ECX: LAHF_LM, ABM, SSE4A, MISALIGNSSE, 3DNOWPREFETCH */
#define E1_ECX_OK (BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8))
/* 0x80000001 EDX: SYSCALL, NX, MMXEXT, PDPE1GB, LM, and leaf 1's basics */
#define E1_EDX_OK (BIT(11) | BIT(20) | BIT(22) | BIT(26) | BIT(29) | \
		   (L1_EDX_OK & 0x0183f3ff))
/* 0x80000007 EDX: invariant TSC */
#define E7_EDX_OK BIT(8)

/* The host's highest leaves, capped at the last we filter: read once. */
static u32 max_basic, max_ext;

void lg_cpuid_init(void)
{
	max_basic = min_t(u32, cpuid_eax(0), 0xd);
	max_ext = min_t(u32, cpuid_eax(0x80000000), 0x80000008);
}

void lg_cpuid(struct lg_vcpu *vcpu, u32 leaf, u32 subleaf, u32 out[4])
{
	u32 id = vcpu->lapic.id;
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
		     KVM_FEATURE_CLOCKSOURCE_STABLE_BIT;
		return;
	}
	if (leaf <= max_basic || (leaf >= 0x80000000 && leaf <= max_ext))
		cpuid_count(leaf, subleaf, a, b, c, d);
	else
		return;

	switch (leaf) {
	case 0:
		*a = max_basic;
		break;
	case 1:
		/* APIC id, one logical CPU, CLFLUSH size kept. */
		*b = (*b & 0xffff) | (1 << 16) | (id << 24);
		*c = (*c & (L1_ECX_OK | (lg_xfeatures & XSTATE_YMM ? L1_ECX_AVX : 0))) |
		     L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE | L1_ECX_HYPERVISOR;
		if (lg_xfeatures)
			*c |= L1_ECX_XSAVE;
		if (vcpu->vmcb->save.cr4 & X86_CR4_OSXSAVE)
			*c |= L1_ECX_OSXSAVE;
		*d &= L1_EDX_OK;
		break;
	case 6:
		*a = BIT(2);	/* ARAT: the APIC timer runs in deep C-states */
		*b = *c = *d = 0;
		break;
	case 7:
		*b = subleaf == 0 ? *b & (L7_EBX_OK |
			(lg_xfeatures & XSTATE_YMM ? L7_EBX_AVX2 : 0)) : 0;
		*a = *c = *d = 0;
		break;
	case 0xd:
		lg_xstate_cpuid(vcpu, subleaf, out);
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
		*a = max_ext;
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
