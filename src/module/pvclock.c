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

/* ns = (ticks shifted by @shift) * mul >> 32, for ticks of @hz. */
static void lg_time_scale(u64 hz, s8 *shift, u32 *mul)
{
	u64 scaled = NSEC_PER_SEC, base = hz;
	s8 s = 0;

	while (base > scaled * 2 || base >> 32) {
		base >>= 1;
		s--;
	}
	while ((u32)base <= scaled || scaled >> 32) {
		if (scaled >> 32 || (u32)base & 0x80000000)
			scaled >>= 1;
		else
			base <<= 1;
		s++;
	}
	*shift = s;
	*mul = div_u64(scaled << 32, (u32)base);
}

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
	u64 now_tsc = rdtsc() + vm->tsc_offset, now_ns = ktime_get_ns(), ticks, ms;

	if (!deadline || deadline <= now_tsc)
		return now_ns;
	/*
	 * The guest picks the deadline, any u64: one too far to count in
	 * nanoseconds is "never" (KTIME_MAX), not a wrap into the past.
	 */
	ticks = deadline - now_tsc;
	ms = div_u64(ticks, tsc_khz);
	if (ms >= (KTIME_MAX - now_ns) / NSEC_PER_MSEC)
		return KTIME_MAX;
	return now_ns + mul_u64_u32_div(ticks, USEC_PER_SEC, tsc_khz);
}

void lg_pvclock_update(struct lg_vcpu *vcpu)
{
	struct pvclock_vcpu_time_info t = { 0 };
	u64 gpa = vcpu->pvclock_gpa & ~1ULL;

	if (!(vcpu->pvclock_gpa & 1))
		return;
	lg_time_scale((u64)tsc_khz * 1000, &t.tsc_shift, &t.tsc_to_system_mul);
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
