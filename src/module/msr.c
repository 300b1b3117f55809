// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MSRs the guest may touch, and what they do.
 *
 * The syscall and segment-base MSRs never come here: VMLOAD/VMSAVE
 * switch them and the permission map lets the guest at them directly.
 * Everything else is intercepted, and an MSR not listed below gets #GP,
 * as it would on a CPU without it: Linux probes with rdmsr_safe().
 */
#include <linux/ktime.h>
#include <asm/msr-index.h>
#include <asm/tsc.h>

#include "lg.h"
#include "svm_defs.h"

#define LG_APIC_BASE		0xfee00000ULL
#define APIC_BASE_BSP		BIT_ULL(8)
#define APIC_BASE_EXTD		BIT_ULL(10)
#define APIC_BASE_EN		BIT_ULL(11)
#define LG_X2APIC_FIRST		0x800
#define LG_X2APIC_LAST		0x8ff
#define LG_MSR_KVM_WALL_CLOCK	0x4b564d00
#define LG_MSR_KVM_SYSTEM_TIME	0x4b564d01

static u64 lg_apic_base(struct lg_vcpu *vcpu)
{
	return LG_APIC_BASE | APIC_BASE_EN | APIC_BASE_EXTD |
	       (vcpu->lapic.id == 0 ? APIC_BASE_BSP : 0);
}

int lg_msr_read(struct lg_vcpu *vcpu, u32 msr, u64 *val)
{
	struct lg_vmcb_save *s = &vcpu->vmcb->save;

	if (msr >= LG_X2APIC_FIRST && msr <= LG_X2APIC_LAST)
		return lapic_read_msr(&vcpu->lapic, msr, ktime_get_ns(), val);

	switch (msr) {
	case MSR_EFER:
		*val = s->efer & ~EFER_SVME;
		return 0;
	case MSR_IA32_APICBASE:
		*val = lg_apic_base(vcpu);
		return 0;
	case MSR_IA32_TSC:
		*val = rdtsc() + vcpu->vmcb->control.tsc_offset;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		*val = lapic_get_tsc_deadline(&vcpu->lapic);
		return 0;
	case MSR_IA32_CR_PAT:
		*val = s->g_pat;
		return 0;
	case LG_MSR_KVM_SYSTEM_TIME:
		*val = vcpu->pvclock_gpa;
		return 0;
	case MSR_IA32_UCODE_REV:	/* also AMD's patch level */
	case MSR_K7_HWCR:
	case MSR_IA32_DEBUGCTLMSR:
		*val = 0;
		return 0;
	default:
		return -1;
	}
}

static bool lg_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

int lg_msr_write(struct lg_vcpu *vcpu, u32 msr, u64 val)
{
	struct lg_vmcb_save *s = &vcpu->vmcb->save;
	const u64 efer_ok = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX;
	struct lapic_write_out out;
	int ret;

	if (msr >= LG_X2APIC_FIRST && msr <= LG_X2APIC_LAST) {
		ret = lapic_write_msr(&vcpu->lapic, msr, val, ktime_get_ns(), &out);
		if (ret == LAPIC_WRITE_GP)
			return -1;
		if (ret == LAPIC_WRITE_IPI)
			lg_irq_ipi(vcpu, &out.ipi);
		lg_irq_timer_rearm(vcpu);
		return 0;
	}

	switch (msr) {
	case MSR_EFER:
		/* LMA is the CPU's to set; SVME must stay on under VMRUN. */
		if (val & ~efer_ok)
			return -1;
		s->efer = (val & ~EFER_LMA) | (s->efer & EFER_LMA) | EFER_SVME;
		return 0;
	case MSR_IA32_APICBASE:
		/* The x2APIC stays on at 0xfee00000; nothing else is offered. */
		return val == lg_apic_base(vcpu) ? 0 : -1;
	case MSR_IA32_TSC_DEADLINE:
		lapic_set_tsc_deadline(&vcpu->lapic, val,
				       lg_tsc_deadline_ns(val));
		lg_irq_timer_rearm(vcpu);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!lg_pat_valid(val))
			return -1;
		s->g_pat = val;
		return 0;
	case LG_MSR_KVM_SYSTEM_TIME:
		vcpu->pvclock_gpa = val;
		lg_pvclock_update(vcpu);
		return 0;
	case LG_MSR_KVM_WALL_CLOCK:
		return lg_pvclock_wall_clock(vcpu, val);
	case MSR_K7_HWCR:
	case MSR_IA32_DEBUGCTLMSR:
		return val ? -1 : 0;	/* accepted as long as nothing is asked */
	default:
		return -1;
	}
}
