// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vendor-neutral vCPU: its creation, the architectural states it
 * starts in (the boot protocol's, INIT's, a SIPI's), the run loop, and
 * the exits that mean the same on every CPU (CPUID, MSRs, I/O, HLT, ...),
 * which the backend calls once it knows why the guest exited.
 *
 * The run loop follows KVM's rules: the loop checks signals and
 * need_resched() on every pass; pending interrupts and NMIs go to the
 * backend just before each entry; whatever the launcher completed (an
 * IN, an MMIO read) is finished before the guest runs again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/slab.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

#include "lg.h"
#include "msr_rules.h"

const struct lg_backend_ops *lg_ops;
u64 lg_guest_cr4;		/* the CR4 bits a guest may set */
/*
 * What both backends' entry code VERWs just before entry: VERW with a
 * memory operand flushes the CPU buffers that MDS, MMIO stale data, RFDS
 * and TSA leak through, on CPUs whose microcode does so.  The kernel's
 * own selector for it is KVM's alone from 7.x; any valid data selector
 * serves.
 */
const u16 lg_verw_sel = __KERNEL_DS;

/*
 * CR4 writes are intercepted only to keep out the bits whose state we do
 * not switch (PKE, CET; OSXSAVE without XSAVE on the host) or that CPUID
 * hides (PCIDE, FSGSBASE, UMIP, LA57, VMXE, ...): the guest gets #GP for
 * those.
 */
void lg_vcpu_cr4_init(void)
{
	lg_guest_cr4 = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	if (boot_cpu_has(X86_FEATURE_SMEP))
		lg_guest_cr4 |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		lg_guest_cr4 |= X86_CR4_SMAP;
	if (lg_xfeatures)
		lg_guest_cr4 |= X86_CR4_OSXSAVE;
}

static struct lg_seg lg_seg(u16 sel, u64 base, u16 attrib, u32 limit)
{
	return (struct lg_seg){ .sel = sel, .base = base, .attrib = attrib,
				.limit = limit };
}

/* CS, then DS and the other data segments alike, an empty LDT, a busy TSS. */
static void lg_flat_segs(struct lg_sregs *s, struct lg_seg cs, struct lg_seg ds)
{
	int i;

	for (i = LG_SEG_ES; i <= LG_SEG_GS; i++)
		s->seg[i] = ds;
	s->seg[LG_SEG_CS] = cs;
	s->seg[LG_SEG_LDTR] = lg_seg(0, 0, 0x82, 0xffff);
	s->seg[LG_SEG_TR] = lg_seg(0, 0, 0x8b, 0xffff);
	s->idt_limit = 0xffff;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
}

/*
 * What INIT leaves (SDM 9.1.1, as KVM's kvm_vcpu_reset() for an INIT):
 * real mode at the reset vector, the registers, FPU and local APIC
 * reset, nothing pending; the APIC keeps its id and mode, the MSRs stay
 * but steal time's, whose page belongs to the kernel that registered it
 * (KVM keeps it until a full reset, which our vCPUs never have).
 * An AP then waits for a SIPI; the boot CPU runs on at the reset vector,
 * where a PC has its firmware and our guests have none (KVM alike).
 */
void lg_vcpu_init_event(struct lg_vcpu *vcpu)
{
	struct lg_sregs s = { .cr0 = X86_CR0_ET, .gdt_limit = 0xffff };
	bool xapic;

	lg_flat_segs(&s, lg_seg(0xf000, 0xffff0000, 0x9b, 0xffff),
		     lg_seg(0, 0, 0x93, 0xffff));
	lg_ops->set_sregs(vcpu, &s);
	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->rflags = 2;
	vcpu->rip = 0xfff0;
	memset(vcpu->dr, 0, sizeof(vcpu->dr));
	lg_fpu_reset(vcpu);

	lg_ops->clear_events(vcpu);
	vcpu->nmi_pending = false;
	vcpu->nmi_masked = false;
	bitmap_zero(vcpu->irq_pending, 256);
	xapic = vcpu->lapic.xapic;	/* INIT keeps the mode */
	lapic_reset(&vcpu->lapic, vcpu->lapic.id);
	vcpu->lapic.xapic = xapic;
	lg_irq_timer_rearm(vcpu);
	vcpu->pending = LG_PENDING_NONE;
	lg_steal_time_reset(vcpu);
	atomic_set(&vcpu->tlb_flush, 1);
	vcpu->mp_state = vcpu->bsp ? LG_MP_RUNNABLE : LG_MP_WAIT_SIPI;
	vcpu->pv_unhalted = false;
	vcpu->inits++;
}

/* A SIPI to a vCPU waiting for one: real mode at @vector << 12. */
void lg_vcpu_sipi(struct lg_vcpu *vcpu, u8 vector)
{
	struct lg_sregs s;

	lg_ops->get_sregs(vcpu, &s);
	s.seg[LG_SEG_CS] = lg_seg(vector << 8, (u64)vector << 12, 0x9b, 0xffff);
	lg_ops->set_sregs(vcpu, &s);
	vcpu->rip = 0;
	vcpu->mp_state = LG_MP_RUNNABLE;
}

/* The 64-bit boot protocol's first state, per lguest.h. */
static int lg_boot_state(struct lg_vcpu *vcpu, const struct lg_vcpu_init *init)
{
	struct lg_sregs s = {
		.gdt_base = init->gdt_base, .gdt_limit = init->gdt_limit,
		.efer = init->efer, .cr0 = init->cr0, .cr3 = init->cr3,
		.cr4 = init->cr4,
	};

	if ((init->efer & ~MSR_EFER_GUEST) || !(init->efer & EFER_LMA) ||
	    (init->cr0 & (X86_CR0_PG | X86_CR0_PE)) != (X86_CR0_PG | X86_CR0_PE) ||
	    !(init->cr4 & X86_CR4_PAE) || init->gdt_limit > 0xffff)
		return -EINVAL;

	if ((init->cr4 & ~lg_guest_cr4) || (init->cr0 & ~0xffffffffULL))
		return -EINVAL;

	/* 64-bit code, flat data. */
	lg_flat_segs(&s, lg_seg(0x10, 0, 0xa9b, 0xffffffff),
		     lg_seg(0x18, 0, 0xc93, 0xffffffff));
	lg_ops->set_sregs(vcpu, &s);
	vcpu->rflags = 2;
	vcpu->rip = init->rip;
	vcpu->regs[LG_RSP] = init->rsp;
	vcpu->regs[LG_RSI] = init->rsi;
	lg_fpu_reset(vcpu);
	return 0;
}

/* An application processor's init is all zero but for its APIC id. */
static bool lg_init_is_ap(const struct lg_vcpu_init *init)
{
	struct lg_vcpu_init ap = { .apic_id = init->apic_id };

	return !memcmp(init, &ap, sizeof(ap));
}

static void lg_vcpu_free(struct lg_vcpu *vcpu)
{
	free_page((unsigned long)vcpu->run);
	free_page((unsigned long)vcpu->fpu);
	lg_ops->vcpu_free(vcpu);
}

struct lg_vcpu *lg_vcpu_create(struct lg_vm *vm, const struct lg_vcpu_init *init)
{
	struct lg_vcpu *vcpu;
	int ret = -ENOMEM;

	vcpu = lg_ops->vcpu_alloc();
	if (!vcpu)
		return ERR_PTR(-ENOMEM);
	vcpu->vm = vm;
	vcpu->last_cpu = -1;
	mutex_init(&vcpu->run_lock);
	init_waitqueue_head(&vcpu->wq);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->fpu = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run || !vcpu->fpu)
		goto fail;
	ret = lg_ops->vcpu_init(vcpu);
	if (ret)
		goto fail;
	vcpu->pat = 0x0007040600070406ULL;
	lg_ops->set_pat(vcpu, vcpu->pat);
	lg_irq_init(vcpu);
	lapic_reset(&vcpu->lapic, init->apic_id);
	vcpu->lapic.xapic = true;	/* until the guest turns on x2APIC */
	vcpu->bsp = !vm->nr_vcpus;	/* before lg_vcpu_init_event() */
	vcpu->parked = !vcpu->bsp;	/* an AP waits for its SIPI, thread or not */
	if (vcpu->bsp) {
		ret = lg_boot_state(vcpu, init);
		if (ret)
			goto fail;
	} else if (lg_init_is_ap(init)) {
		lg_vcpu_init_event(vcpu);
	} else {
		ret = -EINVAL;
		goto fail;
	}
	return vcpu;
fail:
	lg_vcpu_free(vcpu);
	return ERR_PTR(ret);
}

void lg_vcpu_destroy(struct lg_vcpu *vcpu)
{
	lg_irq_destroy(vcpu);
	lg_vcpu_free(vcpu);
}

/*
 * Stop the VM for good: the launcher gets LG_EXIT_ERROR with @fmt.  The
 * log line is printed from our own copy: the run page is the launcher's
 * to rewrite at any moment.
 */
void lg_vcpu_stop(struct lg_vcpu *vcpu, const char *fmt, ...)
{
	struct lg_run *run = vcpu->run;
	char reason[sizeof(run->error.reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	memcpy(run->error.reason, reason, sizeof(reason));
	run->exit_reason = LG_EXIT_ERROR;
	vcpu->dead = true;
	pr_info_ratelimited("guest stopped: %s\n", reason);
}

void lg_inject_gp(struct lg_vcpu *vcpu)
{
	lg_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0);
}

void lg_inject_ud(struct lg_vcpu *vcpu)
{
	lg_ops->inject_exception(vcpu, X86_TRAP_UD, false, 0);
}

void lg_inject_pf(struct lg_vcpu *vcpu, u32 err)
{
	lg_ops->inject_exception(vcpu, X86_TRAP_PF, true, err);
}

/* Past an instruction we emulated, @len bytes long. */
void lg_skip(struct lg_vcpu *vcpu, unsigned int len)
{
	vcpu->rip += len;
	lg_ops->clear_shadow(vcpu);
}

int lg_handle_msr(struct lg_vcpu *vcpu, bool write)
{
	u32 msr = vcpu->regs[LG_RCX];
	u64 val;

	if (write) {
		val = (vcpu->regs[LG_RDX] << 32) | (u32)vcpu->regs[LG_RAX];
		if (lg_msr_write(vcpu, msr, val))
			goto gp;
	} else {
		if (lg_msr_read(vcpu, msr, &val))
			goto gp;
		vcpu->regs[LG_RAX] = (u32)val;
		vcpu->regs[LG_RDX] = val >> 32;
	}
	lg_ops->skip_insn(vcpu, 2);
	return 0;
gp:
	lg_inject_gp(vcpu);
	return 0;
}

/*
 * XSETBV.  A CPU checks CR4.OSXSAVE and CPL 0 before the intercept; we
 * check again, then ECX and the value, as the instruction would.
 */
int lg_handle_xsetbv(struct lg_vcpu *vcpu)
{
	u64 val = (vcpu->regs[LG_RDX] << 32) | (u32)vcpu->regs[LG_RAX];
	struct lg_sregs s;

	lg_ops->get_sregs(vcpu, &s);
	if (!(s.cr4 & X86_CR4_OSXSAVE))
		lg_inject_ud(vcpu);
	else if (s.cpl || lg_xsetbv(vcpu, vcpu->regs[LG_RCX], val))
		lg_inject_gp(vcpu);
	else
		lg_ops->skip_insn(vcpu, 3);
	return 0;
}

int lg_handle_cpuid(struct lg_vcpu *vcpu)
{
	u32 out[4];

	lg_cpuid(vcpu, vcpu->regs[LG_RAX], vcpu->regs[LG_RCX], out);
	vcpu->regs[LG_RAX] = out[0];
	vcpu->regs[LG_RBX] = out[1];
	vcpu->regs[LG_RCX] = out[2];
	vcpu->regs[LG_RDX] = out[3];
	lg_ops->skip_insn(vcpu, 2);
	return 0;
}

int lg_handle_io(struct lg_vcpu *vcpu, const struct lg_io *io)
{
	struct lg_run *run = vcpu->run;
	u8 size = io->size;
	u32 data;

	if (io->string)
		return lg_string_io_exit(vcpu, io);
	vcpu->rip = io->next_rip;
	data = vcpu->regs[LG_RAX] & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
	if (!io->in && lg_ioeventfd_write(vcpu->vm, io->port, size, data, true)) {
		vcpu->exit_kind = LG_STAT_IOEVENTFD;
		return 0;
	}
	run->exit_reason = LG_EXIT_IO;
	run->io.port = io->port;
	run->io.size = size;
	run->io.count = 1;
	run->io.is_write = !io->in;
	run->io.data = 0;
	if (run->io.is_write) {
		run->io.data = data;
	} else {
		vcpu->pending = LG_PENDING_IO_IN;
		vcpu->pending_size = size;
	}
	return 1;
}

/*
 * A vCPU's thread is about to sleep until an INIT, SIPI, NMI or kick (a
 * HLT with IF=0, or waiting for a SIPI): say so, and wake the boot vCPU
 * if it sleeps the same way, for it may be waiting for the others to
 * stop (lg_handle_hlt()).  Either this vCPU sees the boot vCPU's @parked
 * or the boot vCPU sees this one's: both write theirs, then read.
 */
static void lg_vcpu_park(struct lg_vcpu *vcpu)
{
	struct lg_vcpu *bsp = vcpu->vm->vcpus[0];

	WRITE_ONCE(vcpu->parked, true);
	smp_mb();	/* ours before the BSP's: pairs with itself, on the BSP */
	if (bsp != vcpu && READ_ONCE(bsp->parked))
		lg_vcpu_kick(bsp);
}

/* Woken: not parked, before we look at what woke us. */
static void lg_vcpu_unpark(struct lg_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->parked, false);
	smp_mb();	/* pairs with the smp_rmb() in lg_others_parked() */
}

/*
 * Whether every vCPU but @vcpu is parked, or stopped, with no INIT,
 * SIPI, NMI or kick on its way: then nothing the guest runs can wake
 * anything.  A vCPU's events are read before its @parked: one that
 * took an event cleared @parked first.
 */
static bool lg_others_parked(struct lg_vcpu *vcpu)
{
	struct lg_vm *vm = vcpu->vm;
	int i;

	for (i = 0; i < lg_nr_vcpus(vm); i++) {
		struct lg_vcpu *o = vm->vcpus[i];

		if (o == vcpu || READ_ONCE(o->dead))
			continue;
		if (READ_ONCE(o->mp_events))
			return false;
		smp_rmb();	/* pairs with lg_vcpu_unpark()'s smp_mb() */
		if (!READ_ONCE(o->parked))
			return false;
	}
	return true;
}

/*
 * HLT: sleep until an interrupt is due, or a paravirtual kick comes.
 * With IF=0 only an INIT, an NMI or a kick can wake a CPU: that is how
 * Linux parks an application processor it takes offline or stops, and
 * how its paravirtual spinlocks wait with interrupts off.  On the boot
 * CPU, once every other vCPU is parked too, it is how the guest powers
 * off: Linux stops the others first.
 */
int lg_handle_hlt(struct lg_vcpu *vcpu)
{
	bool irq_off = !(vcpu->rflags & X86_EFLAGS_IF);
	u32 inits = vcpu->inits;
	int ret = 0;

	lg_ops->skip_insn(vcpu, 1);
	for (;;) {
		/* An INIT, perhaps with its SIPI too, replaced the HLT's state. */
		lg_irq_sync(vcpu);
		if (vcpu->inits != inits || vcpu->pv_unhalted ||
		    (vcpu->nmi_pending && !vcpu->nmi_masked) ||
		    (!irq_off && lapic_pending_vector(&vcpu->lapic) >= 0))
			break;
		if (irq_off) {
			lg_vcpu_park(vcpu);
			if (vcpu->bsp && lg_others_parked(vcpu)) {
				vcpu->run->exit_reason = LG_EXIT_POWEROFF;
				ret = 1;
				break;
			}
		}
		if (wait_event_interruptible(vcpu->wq, lg_irq_wakeup_due(vcpu))) {
			ret = -EINTR;
			break;
		}
		lg_vcpu_unpark(vcpu);
	}
	vcpu->pv_unhalted = false;
	lg_vcpu_unpark(vcpu);
	return ret;
}

/*
 * A PAUSE-loop exit (the backend's pause filter): give the CPU to
 * another thread that wants it, the lock holder's vCPU perhaps.
 * yield(), not cond_resched(): the scheduler has not asked for the CPU
 * (a spinner need not have used up its slice), so cond_resched() would
 * come straight back; yield() puts us behind whatever else is runnable
 * here.  KVM's kvm_vcpu_on_spin() goes further and boosts a preempted
 * vCPU of the same VM on any CPU (yield_to()); ours helps only when such
 * a vCPU waits on this CPU's run queue, the common case with more vCPUs
 * than CPUs.  With nothing else runnable the guest goes straight back.
 * Where the CPU does not give the length, the PAUSE is taken to be F3 90.
 */
int lg_handle_pause(struct lg_vcpu *vcpu)
{
	lg_ops->skip_insn(vcpu, 2);
	if (!single_task_running()) {
		lg_steal_time_preempted(vcpu);
		yield();
	}
	return 0;
}

/*
 * INVD and WBINVD.  Guest RAM is ordinary cacheable host memory and no
 * device writes it behind the cache, so there is nothing to flush: KVM
 * does the same without non-coherent DMA.  A guest must not flush the
 * host's caches at will.
 */
int lg_handle_wbinvd(struct lg_vcpu *vcpu)
{
	lg_ops->skip_insn(vcpu, 2);
	return 0;
}

/*
 * VMMCALL or VMCALL (@len bytes), a KVM hypercall: KVM_HC_KICK_CPU
 * (RBX flags, RCX the APIC id to kick), which paravirtual spinlocks use
 * with KVM_FEATURE_PV_UNHALT.  Any other gets -KVM_ENOSYS, as from KVM
 * for an unknown one, since some guest drivers (ptp_kvm) call before
 * they check.
 */
#define KVM_HC_KICK_CPU	5
#define KVM_ENOSYS	1000

int lg_handle_hypercall(struct lg_vcpu *vcpu, unsigned int len)
{
	u64 *rax = &vcpu->regs[LG_RAX];

	if (*rax == KVM_HC_KICK_CPU) {
		vcpu->exit_kind = LG_STAT_KICK;
		lg_irq_unhalt(vcpu->vm, (u32)vcpu->regs[LG_RCX]);
		*rax = 0;
	} else {
		*rax = (u64)-KVM_ENOSYS;
	}
	lg_ops->skip_insn(vcpu, len);
	return 0;
}

/* A nested page fault: guest RAM not mapped yet, or a device's MMIO. */
int lg_handle_gpa_fault(struct lg_vcpu *vcpu, u64 gpa, u32 flags)
{
	int ret;

	if (!lg_gpa_slot(vcpu->vm, gpa, 1))
		return lg_mmio_exit(vcpu, gpa, flags);
	ret = lg_npt_fault(vcpu->vm, gpa);
	if (ret == -EFAULT) {
		lg_vcpu_stop(vcpu, "guest RAM at 0x%llx is no longer mapped by the launcher",
			     gpa);
		return 1;
	}
	return ret;
}

/* An AP before its SIPI, or a vCPU after an INIT: nothing runs. */
static int lg_wait_sipi(struct lg_vcpu *vcpu)
{
	int ret = 0;

	while (vcpu->mp_state == LG_MP_WAIT_SIPI) {
		lg_vcpu_park(vcpu);
		ret = wait_event_interruptible(vcpu->wq, lg_irq_wakeup_due(vcpu));
		lg_vcpu_unpark(vcpu);
		if (ret)
			break;
		lg_irq_sync(vcpu);
	}
	return ret;
}

/*
 * Finish what the launcher just completed for us.  Returns 1 when that
 * needs the launcher again (the write of an MMIO read-modify-write).
 */
static int lg_complete_pending(struct lg_vcpu *vcpu)
{
	enum lg_pending pending = vcpu->pending;
	struct lg_run *run = vcpu->run;
	u64 *rax = &vcpu->regs[LG_RAX];
	u64 mask;

	vcpu->pending = LG_PENDING_NONE;
	switch (pending) {
	case LG_PENDING_IO_IN:
		if (vcpu->pending_size == 4) {
			*rax = READ_ONCE(run->io.data);
		} else {
			mask = (1ULL << (vcpu->pending_size * 8)) - 1;
			*rax = (*rax & ~mask) | (READ_ONCE(run->io.data) & mask);
		}
		break;
	case LG_PENDING_MMIO_READ:
		return lg_mmio_complete(vcpu, READ_ONCE(run->mmio.data));
	case LG_PENDING_IO_STR_IN:
		lg_string_io_complete(vcpu);
		break;
	case LG_PENDING_NONE:
		break;
	}
	return 0;
}

/* Every exit is counted once, in stat_exits and in one stat_kind[]. */
static int lg_handle_exit(struct lg_vcpu *vcpu)
{
	int ret = lg_ops->handle_exit(vcpu);

	vcpu->run->stat_exits++;
	vcpu->run->stat_kind[vcpu->exit_kind]++;
	return ret;
}

int lg_vcpu_run(struct lg_vcpu *vcpu)
{
	int ret;

	ret = lg_complete_pending(vcpu);	/* which may stop the VM (INS) */
	if (vcpu->dead)
		return 0;	/* the run page still holds the error */
	WRITE_ONCE(vcpu->task, current);
	while (!ret) {
		if (signal_pending(current) ||
		    READ_ONCE(vcpu->run->immediate_exit)) {
			ret = -EINTR;
			break;
		}
		if (need_resched())
			lg_steal_time_preempted(vcpu);
		cond_resched();
		lg_irq_sync(vcpu);
		if (vcpu->mp_state == LG_MP_WAIT_SIPI) {
			ret = lg_wait_sipi(vcpu);
			continue;
		}
		lg_steal_time_update(vcpu);	/* may sleep: before the events */
		lg_irq_inject(vcpu);
		ret = lg_ops->run(vcpu);
		if (ret > 0) {
			ret = 0;
			continue;
		}
		if (ret == -ESHUTDOWN) {
			lg_vcpu_stop(vcpu, "the host is shutting down");
			ret = 1;
			break;
		}
		if (ret < 0) {
			lg_vcpu_stop(vcpu, "%s is held by another hypervisor on CPU %d",
				     lg_ops->name, raw_smp_processor_id());
			ret = 1;
			break;
		}
		ret = lg_handle_exit(vcpu);
	}
	WRITE_ONCE(vcpu->task, NULL);
	if (ret > 0) {
		vcpu->run->stat_user_exits++;
		ret = 0;
	}
	return ret;
}
