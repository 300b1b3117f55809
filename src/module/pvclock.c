// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-clock for the guest: KVM's paravirtual clock ABI (pvclock), which
 * every Linux kernel built with KVM_GUEST understands.
 *
 * The guest reads the TSC itself (not trapped; offset so that it counts
 * from 0 at the VM's creation, VMCB tsc_offset) and turns it into
 * nanoseconds since the VM started with the scale we publish in its
 * memory: system_time + ((tsc - tsc_timestamp) * mul >> 32, shifted).
 * With a stable host TSC one sample is enough, so the structure is
 * written when the guest asks for it and the STABLE flag lets Linux use
 * it as its clocksource and sched_clock.  The wall clock is the host's
 * real time at guest time zero.
 */
#include <linux/math64.h>
#include <linux/ktime.h>
#include <asm/pvclock-abi.h>
#include <asm/tsc.h>

#include "lg.h"
#include "tsc_math.h"

/* Guest nanoseconds now, and the guest TSC that goes with them. */
static u64 lg_guest_now(struct lg_vm *vm, u64 *tsc)
{
	unsigned long flags;
	u64 ns;

	local_irq_save(flags);
	*tsc = rdtsc() + vm->tsc_offset;
	ns = ktime_get_ns() - vm->boot_ns;
	local_irq_restore(flags);
	return ns;
}

/* Host monotonic nanoseconds at which the guest's TSC reaches @deadline. */
u64 lg_tsc_deadline_ns(struct lg_vm *vm, u64 deadline)
{
	return tsc_deadline_ns(deadline, rdtsc() + vm->tsc_offset, ktime_get_ns(),
			       tsc_khz);
}

void lg_pvclock_update(struct lg_vcpu *vcpu)
{
	struct pvclock_vcpu_time_info t = { 0 };
	u64 gpa = vcpu->pvclock_gpa & ~1ULL;

	if (!(vcpu->pvclock_gpa & 1))
		return;
	tsc_scale((u64)tsc_khz * 1000, &t.tsc_shift, &t.tsc_to_system_mul);
	t.system_time = lg_guest_now(vcpu->vm, &t.tsc_timestamp);
	t.flags = PVCLOCK_TSC_STABLE_BIT;
	t.version = 2;
	/* A bad address leaves the guest without a clock, not the host. */
	lg_write_guest(vcpu->vm, gpa, &t, sizeof(t));
}

int lg_pvclock_wall_clock(struct lg_vcpu *vcpu, u64 gpa)
{
	struct pvclock_wall_clock w = { 0 };
	u64 tsc, boot;
	u32 rem;

	boot = ktime_get_real_ns() - lg_guest_now(vcpu->vm, &tsc);
	w.sec = div_u64_rem(boot, NSEC_PER_SEC, &rem);
	w.nsec = rem;
	w.version = 2;
	return lg_write_guest(vcpu->vm, gpa, &w, sizeof(w)) ? -1 : 0;
}
