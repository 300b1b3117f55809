// SPDX-License-Identifier: GPL-2.0-only
/*
 * Steal time: KVM's MSR_KVM_STEAL_TIME, which Linux guests built with
 * KVM_GUEST understand.  When vCPUs outnumber host CPUs, a vCPU spends
 * part of its life ready to run while the host runs something else; a
 * guest that is not told counts that time as its own tasks' busy time.
 * Told, it shows it as "steal" in /proc/stat and leaves it out of its
 * CPU accounting.  The same page has a "preempted" byte, which guests
 * with paravirtual spinlocks read (vcpu_is_preempted()) to stop spinning
 * on a lock whose holder's vCPU is not running.
 *
 * The measure is KVM's: the scheduler's run_delay of the vCPU's thread
 * (CONFIG_SCHED_INFO), the time it waited runnable for a CPU, in the
 * guest or out of it.  It is published before an entry to the guest
 * only when it has changed, which is after the thread waited; the
 * version is odd while the fields change, as in pvclock.  Like every
 * write to guest memory it goes through the launcher's mapping
 * (lg_write_guest()), so a launcher that unmaps its RAM under a running
 * vCPU makes the copy fail, not the host.
 *
 * "preempted" is set where the vCPU's thread gives its CPU away while
 * runnable: at the run loop's cond_resched() when the scheduler wants
 * the CPU, and before a PAUSE exit's yield().  Preemption elsewhere (a
 * fully preemptible host kernel between two exits) goes unflagged; that
 * costs the guest a little spinning, nothing more.  KVM_FEATURE_PV_TLB_FLUSH,
 * which shares the byte, is not offered.
 */
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/stat.h>
#include <asm/kvm_para.h>

#include "lg.h"
#include "msr_rules.h"

static bool steal_time = true;
module_param(steal_time, bool, 0444);
MODULE_PARM_DESC(steal_time, "Offer guests KVM's steal time (KVM_FEATURE_STEAL_TIME; needs CONFIG_SCHED_INFO) (default: Y)");

static_assert(LG_MSR_KVM_STEAL_TIME == MSR_KVM_STEAL_TIME);
static_assert(STEAL_TIME_ENABLE == KVM_MSR_ENABLED);
static_assert(STEAL_TIME_RESERVED == KVM_STEAL_RESERVED_MASK);
static_assert(offsetof(struct kvm_steal_time, version) == 8);
static_assert(offsetof(struct kvm_steal_time, preempted) == 16);
static_assert(sizeof(struct kvm_steal_time) == 64);

bool lg_steal_time_offered(void)
{
	return steal_time && sched_info_on();
}

/* Nanoseconds the current thread has spent runnable but not running. */
static u64 lg_run_delay(void)
{
#ifdef CONFIG_SCHED_INFO
	return current->sched_info.run_delay;
#else
	return 0;
#endif
}

/*
 * The guest's WRMSR: -1 for #GP.  KVM takes any address and writes only
 * when it finds RAM there; we refuse one where the whole structure is not
 * guest RAM, which no working guest gives.  Counting starts now.
 */
int lg_steal_time_set(struct lg_vcpu *vcpu, u64 val)
{
	if (!lg_steal_time_offered() || !steal_time_msr_valid(val))
		return -1;
	if ((val & STEAL_TIME_ENABLE) &&
	    !lg_gpa_slot(vcpu->vm, val & STEAL_TIME_ADDR, sizeof(struct kvm_steal_time)))
		return -1;
	vcpu->steal_msr = val;
	vcpu->steal_run_delay = lg_run_delay();
	vcpu->steal_stale = val & STEAL_TIME_ENABLE;	/* junk in the page */
	return 0;
}

/* INIT: the guest that comes next registers its own page, or none. */
void lg_steal_time_reset(struct lg_vcpu *vcpu)
{
	vcpu->steal_msr = 0;
	vcpu->steal_stale = false;
}

/* Before an entry to the guest, from the vCPU's thread. */
void lg_steal_time_update(struct lg_vcpu *vcpu)
{
	u64 gpa = vcpu->steal_msr & STEAL_TIME_ADDR;
	u64 delay = lg_run_delay(), steal;
	u32 version;
	u8 running = 0;

	if (!(vcpu->steal_msr & STEAL_TIME_ENABLE) ||
	    (delay == vcpu->steal_run_delay && !vcpu->steal_stale))
		return;
	if (lg_read_guest(vcpu->vm, gpa + offsetof(struct kvm_steal_time, version),
			  &version, sizeof(version)) ||
	    lg_read_guest(vcpu->vm, gpa, &steal, sizeof(steal)))
		return;		/* the launcher's RAM is gone: so is the guest */
	version += (version & 1) + 1;	/* odd: the guest's reads retry */
	if (lg_write_guest(vcpu->vm, gpa + offsetof(struct kvm_steal_time, version),
			   &version, sizeof(version)))
		return;
	smp_wmb();	/* the odd version before the fields: kvm_steal_clock() */
	steal += delay - vcpu->steal_run_delay;
	lg_write_guest(vcpu->vm, gpa, &steal, sizeof(steal));
	lg_write_guest(vcpu->vm, gpa + offsetof(struct kvm_steal_time, preempted),
		       &running, sizeof(running));
	smp_wmb();	/* the fields before the even version */
	version++;
	lg_write_guest(vcpu->vm, gpa + offsetof(struct kvm_steal_time, version),
		       &version, sizeof(version));
	vcpu->steal_run_delay = delay;
	vcpu->steal_stale = false;
}

/* The vCPU's thread is about to give its CPU away while runnable. */
void lg_steal_time_preempted(struct lg_vcpu *vcpu)
{
	static const u8 preempted = KVM_VCPU_PREEMPTED;
	u64 gpa = vcpu->steal_msr & STEAL_TIME_ADDR;

	if (!(vcpu->steal_msr & STEAL_TIME_ENABLE) || vcpu->steal_stale)
		return;
	if (!lg_write_guest(vcpu->vm, gpa + offsetof(struct kvm_steal_time, preempted),
			    &preempted, sizeof(preempted)))
		vcpu->steal_stale = true;	/* cleared before the next entry */
}
