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
#include "msr_rules.h"

#define APIC_BASE_BSP		BIT_ULL(8)
#define APIC_BASE_EXTD		BIT_ULL(10)
#define APIC_BASE_EN		BIT_ULL(11)
#define LG_X2APIC_FIRST		0x800
#define LG_X2APIC_LAST		0x8ff
#define LG_MSR_KVM_WALL_CLOCK	0x4b564d00
#define LG_MSR_KVM_SYSTEM_TIME	0x4b564d01

/*
 * The APIC starts in xAPIC mode, as after a BIOS: Linux switches it to
 * x2APIC itself (a KVM guest may, without interrupt remapping), and 6.1
 * reads its id through the xAPIC page before it would use a pre-enabled
 * x2APIC.  After the switch there is no way back, as on real CPUs.
 */
static u64 lg_apic_base(struct lg_vcpu *vcpu)
{
	return LG_APIC_BASE | APIC_BASE_EN |
	       (vcpu->lapic.xapic ? 0 : APIC_BASE_EXTD) |
	       (vcpu->lapic.id == 0 ? APIC_BASE_BSP : 0);
}

/* A write to an x2APIC register (MSR numbering), in either mode. */
int lg_apic_write(struct lg_vcpu *vcpu, u32 msr, u64 val)
{
	struct lapic_write_out out;
	int ret;

	ret = lapic_write_msr(&vcpu->lapic, msr, val, ktime_get_ns(), &out);
	if (ret == LAPIC_WRITE_GP)
		return -1;
	if (ret == LAPIC_WRITE_IPI)
		lg_irq_ipi(vcpu, &out.ipi);
	lg_irq_timer_rearm(vcpu);
	return 0;
}

/*
 * IA32_MISC_ENABLE as KVM has it for every guest: no BTS or PEBS, nothing
 * else to turn on or off.  Linux reads it on Intel CPUs before it has an
 * IDT (verify_cpu), so it must not #GP.
 */
#define LG_MISC_ENABLE	(MSR_IA32_MISC_ENABLE_BTS_UNAVAIL | MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)

int lg_msr_read(struct lg_vcpu *vcpu, u32 msr, u64 *val)
{
	struct lg_sregs s;

	if (msr >= LG_X2APIC_FIRST && msr <= LG_X2APIC_LAST) {
		vcpu->exit_kind = LG_STAT_APIC;
		return !vcpu->lapic.xapic ?
			lapic_read_msr(&vcpu->lapic, msr, ktime_get_ns(), val) : -1;
	}

	switch (msr) {
	case MSR_EFER:
		lg_ops->get_sregs(vcpu, &s);
		*val = s.efer;
		return 0;
	case MSR_IA32_APICBASE:
		*val = lg_apic_base(vcpu);
		return 0;
	case MSR_IA32_TSC:
		*val = rdtsc() + vcpu->vm->tsc_offset;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		*val = lapic_get_tsc_deadline(&vcpu->lapic);
		return 0;
	case MSR_IA32_CR_PAT:
		*val = vcpu->pat;
		return 0;
	case LG_MSR_KVM_SYSTEM_TIME:
		*val = vcpu->pvclock_gpa;
		return 0;
	case LG_MSR_KVM_STEAL_TIME:
		*val = vcpu->steal_msr;
		return lg_steal_time_offered() ? 0 : -1;
	case MSR_IA32_MISC_ENABLE:
		*val = LG_MISC_ENABLE;
		return 0;
	case MSR_IA32_UCODE_REV:	/* also AMD's patch level */
	case MSR_K8_INT_PENDING_MSG:	/* no C1E: nothing pending */
	case MSR_K7_HWCR:
	case MSR_IA32_DEBUGCTLMSR:
		*val = 0;
		return 0;
	default:
		return -1;
	}
}

int lg_msr_write(struct lg_vcpu *vcpu, u32 msr, u64 val)
{
	struct lg_sregs s;
	u64 efer;

	if (msr >= LG_X2APIC_FIRST && msr <= LG_X2APIC_LAST) {
		vcpu->exit_kind = LG_STAT_APIC;
		return !vcpu->lapic.xapic ? lg_apic_write(vcpu, msr, val) : -1;
	}

	switch (msr) {
	case MSR_EFER:
		lg_ops->get_sregs(vcpu, &s);
		if (efer_write(s.efer, val, s.cr0 & X86_CR0_PG, &efer))
			return -1;
		lg_ops->set_efer(vcpu, efer);
		return 0;
	case MSR_IA32_APICBASE:
		if (vcpu->lapic.xapic && (val & APIC_BASE_EXTD)) {
			vcpu->lapic.xapic = false;
			if (val == lg_apic_base(vcpu))
				return 0;
			vcpu->lapic.xapic = true;
		}
		return val == lg_apic_base(vcpu) ? 0 : -1;
	case MSR_IA32_TSC_DEADLINE:
		lapic_set_tsc_deadline(&vcpu->lapic, val,
				       lg_tsc_deadline_ns(vcpu->vm, val));
		lg_irq_timer_rearm(vcpu);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!pat_valid(val))
			return -1;
		vcpu->pat = val;
		lg_ops->set_pat(vcpu, val);
		return 0;
	case LG_MSR_KVM_SYSTEM_TIME:
		vcpu->pvclock_gpa = val;
		lg_pvclock_update(vcpu);
		return 0;
	case LG_MSR_KVM_WALL_CLOCK:
		return lg_pvclock_wall_clock(vcpu, val);
	case LG_MSR_KVM_STEAL_TIME:
		return lg_steal_time_set(vcpu, val);
	case MSR_K7_HWCR:
	case MSR_IA32_DEBUGCTLMSR:
		return val ? -1 : 0;	/* accepted as long as nothing is asked */
	case MSR_IA32_MISC_ENABLE:
		return val == LG_MISC_ENABLE ? 0 : -1;
	default:
		return -1;
	}
}
