// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts: from the launcher's devices and the APIC timer into the
 * guest.
 *
 * The APIC model (lapic.c) belongs to the vCPU thread.  Other contexts —
 * LG_INTERRUPT from a launcher thread, the hrtimer that stands in for the
 * APIC timer — only set bits and "kick": wake the vCPU if it sleeps in
 * HLT, and send its CPU an IPI if it is in guest mode, which ends guest
 * mode at once.  Before each entry the vCPU folds those bits into the
 * model and injects the highest deliverable vector, or, when the guest
 * cannot take it yet (IF=0 or an STI shadow), asks the backend for an
 * exit the moment it can (a VINTR exit on SVM).
 */
#include <linux/hrtimer.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/ktime.h>

#include "compat.h"
#include "lg.h"

void lg_vcpu_kick(struct lg_vcpu *vcpu)
{
	struct task_struct *task;

	atomic_set(&vcpu->kicked, 1);
	smp_mb__after_atomic();	/* pairs with the backend's run() reading kicked */
	wake_up_interruptible(&vcpu->wq);
	rcu_read_lock();
	task = READ_ONCE(vcpu->task);
	if (task && atomic_read(&vcpu->in_guest))
		kick_process(task);
	rcu_read_unlock();
}

bool lg_irq_wakeup_due(struct lg_vcpu *vcpu)
{
	return atomic_read(&vcpu->kicked);
}

static enum hrtimer_restart lg_timer_fn(struct hrtimer *timer)
{
	struct lg_vcpu *vcpu = container_of(timer, struct lg_vcpu, timer);

	WRITE_ONCE(vcpu->timer_fired, true);
	lg_vcpu_kick(vcpu);
	return HRTIMER_NORESTART;
}

void lg_irq_init(struct lg_vcpu *vcpu)
{
	hrtimer_setup(&vcpu->timer, lg_timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_HARD);
}

void lg_irq_destroy(struct lg_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->timer);
}

/*
 * Arm the hrtimer for whatever the APIC timer now says.  Called after
 * every APIC write, EOIs included, so it leaves an unchanged timer alone.
 */
void lg_irq_timer_rearm(struct lg_vcpu *vcpu)
{
	u64 next = lapic_timer_next_ns(&vcpu->lapic);

	if (next == vcpu->timer_ns)
		return;
	vcpu->timer_ns = next;
	if (next)
		hrtimer_start(&vcpu->timer, ns_to_ktime(next),
			      HRTIMER_MODE_ABS_HARD);
	else
		hrtimer_try_to_cancel(&vcpu->timer);
}

/*
 * LG_INTERRUPT and irqfds: any thread, any time.  The destination is
 * matched as an IPI's is (lapic.c reads only what the guest set up and
 * the vCPU's id); lowest priority goes to the first vCPU it matches.
 */
#define LG_INTERRUPT_FLAGS	(LG_INTERRUPT_LOGICAL | LG_INTERRUPT_LOWEST)

/* 16..255, with LG_INTERRUPT_* flags and no other bits. */
bool lg_irq_vector_valid(u32 vector_flags)
{
	u32 vector = vector_flags & ~LG_INTERRUPT_FLAGS;

	return vector >= 16 && vector <= 255;
}

int lg_irq_deliver(struct lg_vm *vm, u32 dest, u32 vector_flags)
{
	u32 vector = vector_flags & ~LG_INTERRUPT_FLAGS;
	struct lapic_ipi ipi = {
		.source = ~0u,
		.dest = dest,
		.kind = vector_flags & LG_INTERRUPT_LOGICAL ?
			LAPIC_IPI_LOGICAL : LAPIC_IPI_PHYSICAL,
		.mode = LAPIC_DM_FIXED,
		.vector = vector,
	};
	int i, ret = -ENOENT;

	if (!lg_irq_vector_valid(vector_flags))
		return -EINVAL;
	for (i = 0; i < lg_nr_vcpus(vm); i++) {
		struct lg_vcpu *vcpu = vm->vcpus[i];

		if (lapic_ipi_targets(&vcpu->lapic, &ipi)) {
			set_bit(vector, vcpu->irq_pending);
			lg_vcpu_kick(vcpu);
			ret = 0;
			if (vector_flags & LG_INTERRUPT_LOWEST)
				break;
		}
	}
	return ret;
}

/*
 * An IPI the guest sent: fixed (the model has done the sender's part),
 * or NMI, INIT and SIPI, which the target's own thread acts on in
 * lg_irq_sync().
 */
void lg_irq_ipi(struct lg_vcpu *vcpu, const struct lapic_ipi *ipi)
{
	struct lg_vm *vm = vcpu->vm;
	int i;

	for (i = 0; i < lg_nr_vcpus(vm); i++) {
		struct lg_vcpu *to = vm->vcpus[i];

		if (!lapic_ipi_targets(&to->lapic, ipi))
			continue;
		switch (ipi->mode) {
		case LAPIC_DM_FIXED:
			if (to == vcpu)
				continue;
			set_bit(ipi->vector, to->irq_pending);
			break;
		case LAPIC_DM_NMI:
			set_bit(LG_MP_EV_NMI, &to->mp_events);
			break;
		case LAPIC_DM_INIT:
			set_bit(LG_MP_EV_INIT, &to->mp_events);
			break;
		case LAPIC_DM_SIPI:
			WRITE_ONCE(to->sipi_vector, ipi->vector);
			smp_mb__before_atomic();	/* the vector before the bit */
			set_bit(LG_MP_EV_SIPI, &to->mp_events);
			break;
		default:
			continue;
		}
		lg_vcpu_kick(to);
	}
}

/*
 * KVM_HC_KICK_CPU from a vCPU (paravirtual spinlocks: the unlocker wakes
 * the waiter that halted): the vCPU with APIC id @apic_id leaves its HLT,
 * or its next one, whatever its IF.  Addressed as a physical IPI, as in
 * KVM's kvm_pv_kick_cpu_op().
 */
void lg_irq_unhalt(struct lg_vm *vm, u32 apic_id)
{
	struct lapic_ipi ipi = {
		.source = ~0u, .dest = apic_id, .kind = LAPIC_IPI_PHYSICAL,
		.mode = LAPIC_DM_FIXED,
	};
	int i;

	for (i = 0; i < lg_nr_vcpus(vm); i++) {
		struct lg_vcpu *to = vm->vcpus[i];

		if (lapic_ipi_targets(&to->lapic, &ipi)) {
			set_bit(LG_MP_EV_UNHALT, &to->mp_events);
			lg_vcpu_kick(to);
		}
	}
}

/*
 * INIT, SIPI, NMI and kicks, on the target's thread: an INIT resets the vCPU to
 * wait for a SIPI; a SIPI starts only a vCPU that waits (a second is
 * dropped); an NMI becomes pending, except while the vCPU waits for a
 * SIPI, which blocks it.
 */
static void lg_irq_sync_mp(struct lg_vcpu *vcpu)
{
	if (test_and_clear_bit(LG_MP_EV_UNHALT, &vcpu->mp_events))
		vcpu->pv_unhalted = true;
	if (test_and_clear_bit(LG_MP_EV_INIT, &vcpu->mp_events))
		lg_vcpu_init_event(vcpu);
	if (test_and_clear_bit(LG_MP_EV_SIPI, &vcpu->mp_events) &&
	    vcpu->mp_state == LG_MP_WAIT_SIPI)
		lg_vcpu_sipi(vcpu, READ_ONCE(vcpu->sipi_vector));
	if (test_and_clear_bit(LG_MP_EV_NMI, &vcpu->mp_events) &&
	    vcpu->mp_state == LG_MP_RUNNABLE)
		vcpu->nmi_pending = true;
}

/* On the vCPU thread: fold what others set into the APIC model. */
void lg_irq_sync(struct lg_vcpu *vcpu)
{
	int v;

	if (!atomic_xchg(&vcpu->kicked, 0))
		return;
	if (READ_ONCE(vcpu->mp_events))
		lg_irq_sync_mp(vcpu);
	for_each_set_bit(v, vcpu->irq_pending, 256)
		if (test_and_clear_bit(v, vcpu->irq_pending))
			lapic_set_irr(&vcpu->lapic, v);
	if (READ_ONCE(vcpu->timer_fired)) {
		WRITE_ONCE(vcpu->timer_fired, false);
		vcpu->timer_ns = 0;	/* it fired: no longer queued */
		lapic_timer_expired(&vcpu->lapic, ktime_get_ns());
		lg_irq_timer_rearm(vcpu);
	}
}

/*
 * An NMI goes first, when none is being handled and nothing else is
 * injected; the backend learns when the handler's IRET completes (on
 * SVM by intercepting IRET, as KVM does on CPUs without virtual NMIs).
 * An MOV SS / STI shadow holds it off too, as on AMD CPUs.  An interrupt
 * goes in when the guest takes one; if it cannot yet, the backend exits
 * as soon as it can.
 */
void lg_irq_inject(struct lg_vcpu *vcpu)
{
	int v;

	if (vcpu->nmi_pending && !vcpu->nmi_masked && lg_ops->can_inject(vcpu)) {
		lg_ops->inject_nmi(vcpu);
		vcpu->nmi_pending = false;
		vcpu->nmi_masked = true;
	}
	v = lapic_pending_vector(&vcpu->lapic);
	if (v < 0)
		return;
	if ((vcpu->rflags & X86_EFLAGS_IF) && lg_ops->can_inject(vcpu)) {
		lg_ops->inject_irq(vcpu, v);
		lapic_accept(&vcpu->lapic, v);
		return;
	}
	lg_ops->irq_window(vcpu);
}
