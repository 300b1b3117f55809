// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SVM backend (backend.h): turning AMD-V on and off, the VMCB of each
 * vCPU, entering the guest and sorting out why it came back.
 *
 * lg takes SVM only while it has guests and only when nobody else holds
 * it (hw.c): EFER.SVME is one switch per CPU, and sharing it with kvm_amd
 * would mean sharing ASIDs too, leaking TLB entries between their guests.
 *
 * Entry follows KVM's rules: the guest's FPU state and XCR0 are swapped
 * in inside kernel_fpu_begin() (fpu.c); interrupts are held by CLGI
 * across VMRUN, so a host interrupt ends guest mode and is taken right
 * after STGI; an event whose delivery an exit interrupted (EXITINTINFO)
 * is delivered again.
 * NRIP-save and decode assists are used where the CPU has them; the
 * emulated SVM we test on has neither, so every path also works without:
 * instructions we skip have fixed lengths, IOIO gives us the next RIP,
 * and MMIO instructions are fetched through the guest's page tables.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <asm/fpu/api.h>
#include <asm/io.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

#include "compat.h"
#include "lg.h"
#include "svm_defs.h"

/* A vCPU on SVM: the core's, and the VMCB it runs from. */
struct vcpu_svm {
	struct lg_vcpu vcpu;
	struct lg_vmcb *vmcb;
	u64 vmcb_pa;
	void *host_save;	/* host FS/GS/TR/syscall MSRs, VMSAVEd */
	u64 host_save_pa;
	int asid_cpu;		/* the CPU whose pool vmcb->control.asid is from */
	u64 asid_generation;	/* and that pool's generation then */
	/* The NMI handler's IRET seen (intercepted), and where it was. */
	bool nmi_awaiting_iret;
	u64 nmi_iret_rip;
};

static struct vcpu_svm *to_svm(struct lg_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_svm, vcpu);
}

static struct lg_vmcb *lg_vmcb(struct lg_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb;
}

void lg_svm_vmrun(u64 vmcb_pa, u64 *regs, u64 host_save_pa);
extern const u8 lg_svm_vmrun_exit[];	/* the instruction after VMRUN */
static void lg_svm_exit(void);

static DEFINE_PER_CPU(struct page *, lg_hsave);
/*
 * TSC_AUX holds the host's CPU number (RDPID, RDTSCP, and the kernel's
 * own paranoid entries read it), and the guest can run RDPID however
 * CPUID hides it: while GIF is clear it holds the guest's, 0.
 */
static bool lg_tsc_aux;
static DEFINE_PER_CPU(u64, lg_host_tsc_aux);
static u32 lg_max_asid;

/*
 * ASIDs are handed out per CPU, as KVM does: a vCPU takes a fresh one
 * whenever it arrives on a CPU or the CPU runs out, and running out
 * starts a new generation with a flush of every ASID.  So no number is
 * ever shared by two vCPUs on one CPU, nothing a user does can exhaust
 * them, and moving to another CPU needs no flush of its own.
 */
struct lg_asid_pool {
	u64 generation;
	u32 next;
};

static DEFINE_PER_CPU(struct lg_asid_pool, lg_asid_pool);
/* The VMCB each CPU ran last (lg_ibpb_on_switch()); forgotten when freed. */
static DEFINE_PER_CPU(struct lg_vmcb *, lg_last_vmcb);
static void *lg_msrpm, *lg_iopm;	/* shared by all guests, read-only */

/* AMD's nested entries; each has U, since nested walks are user accesses. */
static const struct lg_npt_format lg_svm_npt_format = {
	.present = _PAGE_PRESENT,
	.table = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
	.leaf = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY,
};

/*
 * PAUSE-loop exits (lg_handle_pause()): with the CPU's pause filter, a
 * guest that runs pause_filter_count PAUSEs in a row (each within
 * pause_filter_thresh cycles of the last, where the CPU has that
 * threshold) is spinning, most likely on a lock whose holder's vCPU the
 * host is not running, and exits so that its thread can give way.
 * KVM's defaults; KVM also grows the count per vCPU while exits find
 * nothing to run, which a fixed count does without.  A CPU without the
 * filter (QEMU's emulated SVM) gets no PAUSE exits, unless
 * pause_unfiltered asks for one on every PAUSE, for tests.
 */
static ushort pause_filter_count = 3000;
module_param(pause_filter_count, ushort, 0444);
MODULE_PARM_DESC(pause_filter_count, "PAUSEs in a loop before a spinning vCPU yields; 0: never (default: 3000)");
static ushort pause_filter_thresh = 128;
module_param(pause_filter_thresh, ushort, 0444);
MODULE_PARM_DESC(pause_filter_thresh, "Cycles between PAUSEs that still count as one loop, on CPUs with that threshold (default: 128)");
static bool pause_unfiltered;
module_param(pause_unfiltered, bool, 0444);
MODULE_PARM_DESC(pause_unfiltered, "Without the CPU's pause filter, exit on every PAUSE (for tests on emulated SVM) (default: N)");
static bool lg_pause_exits;

/* One CPU's EFER.SVME, interrupts off (hw.c). */
static int lg_svm_enable_cpu(void)
{
	u64 efer, vm_cr;

	lg_rdmsr(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;
	lg_rdmsr(LG_MSR_VM_CR, vm_cr);
	if (vm_cr & LG_VM_CR_SVMDIS)
		return -ENODEV;	/* as if there were no SVM */
	lg_wrmsr(LG_MSR_VM_HSAVE_PA, page_to_phys(this_cpu_read(lg_hsave)));
	lg_wrmsr(MSR_EFER, efer | EFER_SVME);
	if (lg_tsc_aux)
		lg_rdmsr(MSR_TSC_AUX, *this_cpu_ptr(&lg_host_tsc_aux));
	/* Another hypervisor's ASIDs may be in the TLB: start afresh. */
	this_cpu_write(lg_asid_pool.next, lg_max_asid);
	return 0;
}

static void lg_svm_disable_cpu(void)
{
	u64 efer;

	lg_rdmsr(MSR_EFER, efer);
	lg_wrmsr(MSR_EFER, efer & ~EFER_SVME);
	lg_wrmsr(LG_MSR_VM_HSAVE_PA, 0);
}

/* 2 bits per MSR in three 8 KiB-bit ranges; clearing both lets it through. */
static void lg_msrpm_allow(u32 msr)
{
	static const u32 base[] = { 0, 0xc0000000, 0xc0010000 };
	u8 *pm = lg_msrpm;
	int i;

	for (i = 0; i < ARRAY_SIZE(base); i++) {
		if (msr - base[i] < 0x2000) {
			u32 bit = (msr - base[i]) * 2;

			pm[i * 0x800 + bit / 8] &= ~(3 << (bit % 8));
			return;
		}
	}
}

static int lg_svm_init(void)
{
	/* State that VMLOAD/VMSAVE switch needs no intercept. */
	static const u32 passthrough[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR,
		MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	};
	int cpu, i;

	lg_max_asid = cpuid_ebx(0x8000000a);
	if (lg_max_asid < 2)
		return -ENODEV;
	lg_tsc_aux = boot_cpu_has(X86_FEATURE_RDTSCP) || boot_cpu_has(X86_FEATURE_RDPID);
	if (!boot_cpu_has(X86_FEATURE_PAUSEFILTER)) {
		if (!pause_unfiltered)
			pause_filter_count = 0;
		pause_filter_thresh = 0;
	} else if (!boot_cpu_has(X86_FEATURE_PFTHRESHOLD)) {
		pause_filter_thresh = 0;
	}
	lg_pause_exits = pause_filter_count;
	lg_msrpm = (void *)__get_free_pages(GFP_KERNEL, 1);
	lg_iopm = (void *)__get_free_pages(GFP_KERNEL, 2);
	if (!lg_msrpm || !lg_iopm)
		goto nomem;
	memset(lg_msrpm, 0xff, PAGE_SIZE << 1);
	memset(lg_iopm, 0xff, PAGE_SIZE << 2);
	for (i = 0; i < ARRAY_SIZE(passthrough); i++)
		lg_msrpm_allow(passthrough[i]);

	for_each_possible_cpu(cpu) {
		per_cpu(lg_hsave, cpu) = alloc_pages_node(cpu_to_node(cpu),
							  GFP_KERNEL | __GFP_ZERO, 0);
		if (!per_cpu(lg_hsave, cpu))
			goto nomem;
	}
	return 0;
nomem:
	lg_svm_exit();
	return -ENOMEM;
}

static void lg_svm_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(lg_hsave, cpu))
			__free_page(per_cpu(lg_hsave, cpu));
		per_cpu(lg_hsave, cpu) = NULL;
	}
	free_pages((unsigned long)lg_msrpm, 1);
	free_pages((unsigned long)lg_iopm, 2);
}

/* The VMCB's segment registers, in struct lg_sregs's order. */
static struct vmcb_seg_lg *lg_vmcb_seg(struct lg_vmcb_save *s, int i)
{
	return i <= LG_SEG_GS ? &s->es + i : i == LG_SEG_LDTR ? &s->ldtr : &s->tr;
}

static void lg_svm_get_sregs(struct lg_vcpu *vcpu, struct lg_sregs *out)
{
	struct lg_vmcb_save *s = &lg_vmcb(vcpu)->save;
	int i;

	for (i = 0; i < LG_NR_SEGS; i++) {
		const struct vmcb_seg_lg *seg = lg_vmcb_seg(s, i);

		out->seg[i] = (struct lg_seg){ .sel = seg->selector,
					       .attrib = seg->attrib,
					       .limit = seg->limit,
					       .base = seg->base };
	}
	out->gdt_base = s->gdtr.base;
	out->gdt_limit = s->gdtr.limit;
	out->idt_base = s->idtr.base;
	out->idt_limit = s->idtr.limit;
	out->cr0 = s->cr0;
	out->cr2 = s->cr2;
	out->cr3 = s->cr3;
	out->cr4 = s->cr4;
	out->efer = s->efer & ~EFER_SVME;
	out->dr6 = s->dr6;
	out->dr7 = s->dr7;
	out->cpl = s->cpl;
}

static void lg_svm_set_sregs(struct lg_vcpu *vcpu, const struct lg_sregs *in)
{
	struct lg_vmcb_save *s = &lg_vmcb(vcpu)->save;
	int i;

	for (i = 0; i < LG_NR_SEGS; i++) {
		const struct lg_seg *seg = &in->seg[i];

		*lg_vmcb_seg(s, i) = (struct vmcb_seg_lg){
			.selector = seg->sel, .attrib = seg->attrib,
			.limit = seg->limit, .base = seg->base };
	}
	s->gdtr.base = in->gdt_base;
	s->gdtr.limit = in->gdt_limit;
	s->idtr.base = in->idt_base;
	s->idtr.limit = in->idt_limit;
	s->cr0 = in->cr0;
	s->cr2 = in->cr2;
	s->cr3 = in->cr3;
	s->cr4 = in->cr4;
	s->efer = in->efer | EFER_SVME;	/* which VMRUN needs on */
	s->dr6 = in->dr6;
	s->dr7 = in->dr7;
	s->cpl = in->cpl;
}

static u64 lg_svm_get_cr4(struct lg_vcpu *vcpu)
{
	return lg_vmcb(vcpu)->save.cr4;
}

static void lg_svm_set_cr2(struct lg_vcpu *vcpu, u64 cr2)
{
	lg_vmcb(vcpu)->save.cr2 = cr2;
}

static void lg_svm_set_cr4(struct lg_vcpu *vcpu, u64 cr4)
{
	lg_vmcb(vcpu)->save.cr4 = cr4;
}

static void lg_svm_set_efer(struct lg_vcpu *vcpu, u64 efer)
{
	lg_vmcb(vcpu)->save.efer = efer | EFER_SVME;
}

static void lg_svm_set_pat(struct lg_vcpu *vcpu, u64 pat)
{
	lg_vmcb(vcpu)->save.g_pat = pat;
}

/* What every vCPU intercepts, and the nested paging it runs under. */
static int lg_svm_vcpu_init(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_control *c = &lg_vmcb(vcpu)->control;

	c->intercept_cr = LG_ICPT_CR4_WRITE;	/* see lg_guest_cr4 */
	c->intercept_dr = 0x000f000f;		/* DR0-3: debugreg.c */
	/*
	 * #AC and #DB are reflected to the guest: an exception whose own
	 * delivery raises it again would otherwise loop inside the CPU with
	 * the host unable to take an interrupt (CVE-2015-5307, -8104).  A
	 * machine check during the guest is the host's (lg_svm_run()).
	 */
	c->intercept_exceptions = BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) |
				  BIT(X86_TRAP_MC);
	c->intercept_misc1 = LG_ICPT_INTR | LG_ICPT_NMI | LG_ICPT_SMI |
		LG_ICPT_RDPMC | LG_ICPT_CPUID | LG_ICPT_INVD | LG_ICPT_HLT |
		LG_ICPT_INVLPGA | LG_ICPT_IOIO | LG_ICPT_MSR |
		LG_ICPT_TASK_SWITCH | LG_ICPT_SHUTDOWN;
	c->intercept_misc2 = LG_ICPT_VMRUN | LG_ICPT_VMMCALL | LG_ICPT_VMLOAD |
		LG_ICPT_VMSAVE | LG_ICPT_STGI | LG_ICPT_CLGI | LG_ICPT_SKINIT |
		LG_ICPT_RDTSCP | LG_ICPT_WBINVD | LG_ICPT_MONITOR | LG_ICPT_MWAIT |
		LG_ICPT_MWAIT_COND | LG_ICPT_XSETBV | LG_ICPT_RDPRU;
	c->intercept_misc3 = LG_ICPT_INVLPGB | LG_ICPT_INVLPGB_ILL |
		LG_ICPT_INVPCID | LG_ICPT_MCOMMIT | LG_ICPT_TLBSYNC;
	c->iopm_base_pa = virt_to_phys(lg_iopm);
	c->msrpm_base_pa = virt_to_phys(lg_msrpm);
	if (lg_pause_exits) {
		c->intercept_misc1 |= LG_ICPT_PAUSE;
		c->pause_filter_count = pause_filter_count;
		c->pause_filter_thresh = pause_filter_thresh;
	}
	c->int_ctl = LG_V_INTR_MASKING;
	c->nested_ctl = LG_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = vcpu->vm->npt_root_pa;
	c->tsc_offset = vcpu->vm->tsc_offset;
	return 0;
}

static struct lg_vcpu *lg_svm_vcpu_alloc(void)
{
	struct vcpu_svm *svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);

	if (!svm)
		return NULL;
	svm->asid_cpu = -1;
	svm->vmcb = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	svm->host_save = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!svm->vmcb || !svm->host_save) {
		free_page((unsigned long)svm->vmcb);
		free_page((unsigned long)svm->host_save);
		kfree(svm);
		return NULL;
	}
	svm->vmcb_pa = virt_to_phys(svm->vmcb);
	svm->host_save_pa = virt_to_phys(svm->host_save);
	return &svm->vcpu;
}

static void lg_svm_vcpu_free(struct lg_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	int cpu;

	/* A new VMCB at the same address must not pass for this one. */
	for_each_possible_cpu(cpu)
		cmpxchg(per_cpu_ptr(&lg_last_vmcb, cpu), svm->vmcb, NULL);
	free_page((unsigned long)svm->vmcb);
	free_page((unsigned long)svm->host_save);
	kfree(svm);
}

static bool lg_svm_can_inject(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_control *c = &lg_vmcb(vcpu)->control;

	return !(c->event_inj & LG_EVT_VALID) && !(c->int_state & LG_INT_SHADOW);
}

static void lg_svm_inject_exception(struct lg_vcpu *vcpu, u8 vector,
				    bool has_err, u32 err)
{
	struct lg_vmcb_control *c = &lg_vmcb(vcpu)->control;

	c->event_inj = vector | LG_EVT_TYPE_EXEPT | LG_EVT_VALID |
		       (has_err ? LG_EVT_ERR_VALID : 0);
	c->event_inj_err = err;
}

static void lg_svm_inject_irq(struct lg_vcpu *vcpu, u8 vector)
{
	lg_vmcb(vcpu)->control.event_inj = vector | LG_EVT_TYPE_INTR | LG_EVT_VALID;
}

/* IRET is intercepted to learn when the handler ends (lg_svm_handle_exit()). */
static void lg_svm_inject_nmi(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_control *c = &lg_vmcb(vcpu)->control;

	c->event_inj = 2 | LG_EVT_TYPE_NMI | LG_EVT_VALID;
	c->intercept_misc1 |= LG_ICPT_IRET;
	to_svm(vcpu)->nmi_awaiting_iret = false;
}

/* Exit as soon as the guest can take an interrupt: a VINTR exit. */
static void lg_svm_irq_window(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_control *c = &lg_vmcb(vcpu)->control;

	c->int_ctl |= LG_V_IRQ | LG_V_IGN_TPR;
	c->intercept_misc1 |= LG_ICPT_VINTR;
}

static void lg_svm_clear_events(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_control *c = &lg_vmcb(vcpu)->control;

	c->event_inj = 0;
	c->int_state = 0;
	c->int_ctl = LG_V_INTR_MASKING;
	c->intercept_misc1 &= ~(LG_ICPT_VINTR | LG_ICPT_IRET);
	to_svm(vcpu)->nmi_awaiting_iret = false;
}

static void lg_svm_clear_shadow(struct lg_vcpu *vcpu)
{
	lg_vmcb(vcpu)->control.int_state &= ~LG_INT_SHADOW;
}

/*
 * Step over the instruction an intercept stopped at.  With NRIP-save the
 * CPU tells us where the next one starts (right even for a prefixed
 * CPUID); without it, @len is the length of the plain encoding.
 */
static void lg_svm_skip_insn(struct lg_vcpu *vcpu, unsigned int len)
{
	struct lg_vmcb *vmcb = lg_vmcb(vcpu);

	if (boot_cpu_has(X86_FEATURE_NRIPS) && vmcb->control.next_rip) {
		vcpu->rip = vmcb->control.next_rip;
		vmcb->control.int_state &= ~LG_INT_SHADOW;
	} else {
		lg_skip(vcpu, len);
	}
}

/* With decode assists, a nested page fault comes with the bytes. */
static int lg_svm_insn_bytes(struct lg_vcpu *vcpu, u8 *buf, unsigned int max)
{
	struct lg_vmcb_control *c = &lg_vmcb(vcpu)->control;
	unsigned int n = min_t(unsigned int, c->insn_len, max);

	if (!boot_cpu_has(X86_FEATURE_DECODEASSISTS) ||
	    c->exit_code != LG_VMEXIT_NPF)
		return 0;
	memcpy(buf, c->insn_bytes, n);
	return n;
}

/*
 * Before VMRUN, interrupts off: a fresh ASID when the vCPU comes from
 * elsewhere or from an older generation, else a flush of its own ASID
 * if the MMU notifier asked for one.  A CPU without FLUSHBYASID (QEMU's
 * emulated SVM among them) ignores a flush of one ASID: there a fresh
 * ASID is the flush, as in KVM's svm_flush_tlb_asid().
 */
static void lg_asid_assign(struct vcpu_svm *svm, int cpu)
{
	struct lg_asid_pool *pool = this_cpu_ptr(&lg_asid_pool);
	struct lg_vmcb_control *c = &svm->vmcb->control;
	bool flush = atomic_xchg(&svm->vcpu.tlb_flush, 0);

	c->tlb_ctl = 0;
	if (svm->asid_cpu != cpu || svm->asid_generation != pool->generation ||
	    (flush && !boot_cpu_has(X86_FEATURE_FLUSHBYASID))) {
		if (pool->next >= lg_max_asid) {
			pool->generation++;
			pool->next = 1;
			c->tlb_ctl = LG_TLB_FLUSH_ALL;
		}
		svm->asid_cpu = cpu;
		svm->asid_generation = pool->generation;
		c->asid = pool->next++;
		return;
	}
	if (flush)
		c->tlb_ctl = LG_TLB_FLUSH_ASID;
}

/*
 * Another vCPU ran on this CPU last, perhaps another user's guest: what
 * it trained the branch predictors with must not steer this one (KVM
 * does this on vCPU load).  Not needed when every exit has an IBPB.
 */
static void lg_ibpb_on_switch(struct vcpu_svm *svm)
{
	if (__this_cpu_read(lg_last_vmcb) == svm->vmcb)
		return;
	__this_cpu_write(lg_last_vmcb, svm->vmcb);
	if (boot_cpu_has(X86_FEATURE_IBPB) &&
	    !cpu_feature_enabled(X86_FEATURE_IBPB_ON_VMEXIT))
		lg_wrmsr(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
}

/*
 * Enter the guest once.  Returns 0 with the #VMEXIT in the VMCB, 1 when
 * an interrupt arrived just before entry (nothing ran: go round again),
 * or -EBUSY when this CPU's AMD-V could not be turned on.  RAX, RSP, RIP
 * and RFLAGS are the VMCB's while the guest runs, the core's around it.
 */
static int lg_svm_run(struct lg_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	struct lg_vmcb_save *s = &svm->vmcb->save;
	unsigned long host_dr[4];
	int cpu, ret;
	bool guest_dr, guest_xcr0;
	u64 cr4 = s->cr4;	/* a change of it exits first */

	kernel_fpu_begin();
	lg_fpu_load(vcpu);
	local_irq_disable();
	cpu = smp_processor_id();
	ret = lg_hw_cpu_ready();
	if (unlikely(ret))
		goto out;

	/* Where a TLB-flush IPI must go, before it can see us in the guest. */
	WRITE_ONCE(vcpu->last_cpu, cpu);
	atomic_set(&vcpu->in_guest, 1);
	smp_mb__after_atomic();	/* pairs with lg_vcpu_kick(), lg_flush_guest_tlbs() */
	if (lg_irq_wakeup_due(vcpu)) {
		/* Something arrived since we looked: go round again. */
		ret = 1;
		goto leave;
	}
	lg_asid_assign(svm, cpu);
	lg_ibpb_on_switch(svm);
	guest_dr = lg_dr_load_guest(vcpu, s->dr7, host_dr);
	s->rax = vcpu->regs[LG_RAX];
	s->rsp = vcpu->regs[LG_RSP];
	s->rip = vcpu->rip;
	s->rflags = vcpu->rflags;

	asm volatile("clgi" : : : "memory");
	/* Not even an NMI runs under the guest's XCR0 or TSC_AUX. */
	guest_xcr0 = lg_xcr0_get(vcpu, cr4);
	if (lg_tsc_aux)
		lg_wrmsr(MSR_TSC_AUX, 0);
	raw_local_irq_enable();	/* GIF=0 still holds interrupts off */
	lg_svm_vmrun(svm->vmcb_pa, vcpu->regs, svm->host_save_pa);
	raw_local_irq_disable();
	if (lg_tsc_aux)
		lg_wrmsr(MSR_TSC_AUX, this_cpu_read(lg_host_tsc_aux));
	vcpu->bad_xcr0 = lg_xcr0_put(vcpu, cr4, guest_xcr0);
	asm volatile("stgi" : : : "memory");
	lg_dr_restore_host(guest_dr, host_dr);
	vcpu->regs[LG_RAX] = s->rax;
	vcpu->regs[LG_RSP] = s->rsp;
	vcpu->rip = s->rip;
	vcpu->rflags = s->rflags;
	/*
	 * VMSCAPE: what the guest trained must not steer the launcher, or
	 * any user process, on this CPU: an IBPB before the return to user.
	 */
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);
	/* Intercepted, a machine check reaches no handler by itself. */
	if (unlikely(svm->vmcb->control.exit_code == LG_VMEXIT_EXCP_BASE + X86_TRAP_MC))
		lg_machine_check();
leave:
	atomic_set(&vcpu->in_guest, 0);
out:
	local_irq_enable();
	lg_fpu_save(vcpu);
	kernel_fpu_end();
	return ret;
}

/*
 * An exit interrupted the delivery of an event: deliver it again.  A
 * software interrupt or INT3/INTO is instead re-executed (RIP still
 * points at it), since without NRIP-save we cannot know its length.
 */
static void lg_reinject(struct lg_vmcb_control *c)
{
	u32 info = c->exit_int_info;
	u32 type = info & LG_EVT_TYPE_MASK;
	u8 vector = info & 0xff;

	c->event_inj = 0;
	if (!(info & LG_EVT_VALID) || type == LG_EVT_TYPE_SOFT ||
	    (type == LG_EVT_TYPE_EXEPT && (vector == X86_TRAP_BP ||
					   vector == X86_TRAP_OF)))
		return;
	c->event_inj = info;
	c->event_inj_err = c->exit_int_info_err;
}

/*
 * What stat_kind[] counts an exit as, unless its handler finds it was
 * something more particular (an APIC access, an ioeventfd's write).
 */
static enum lg_stat_kind lg_exit_kind(u64 code)
{
	switch (code) {
	case LG_VMEXIT_INTR:
	case LG_VMEXIT_NMI:
	case LG_VMEXIT_SMI:
		return LG_STAT_HOST_INTR;
	case LG_VMEXIT_VINTR:
		return LG_STAT_IRQ_WINDOW;
	case LG_VMEXIT_CPUID:
		return LG_STAT_CPUID;
	case LG_VMEXIT_MSR:
		return LG_STAT_MSR;
	case LG_VMEXIT_IOIO:
		return LG_STAT_IO;
	case LG_VMEXIT_HLT:
		return LG_STAT_HLT;
	case LG_VMEXIT_NPF:
		return LG_STAT_NPF;
	case LG_VMEXIT_PAUSE:
		return LG_STAT_PAUSE;
	default:
		return LG_STAT_OTHER;
	}
}

/* Returns 0 to go on running, 1 to hand the run page to the launcher. */
static int lg_dispatch_exit(struct vcpu_svm *svm, u64 code)
{
	struct lg_vmcb_control *c = &svm->vmcb->control;
	struct lg_vcpu *vcpu = &svm->vcpu;
	struct lg_io io;

	/*
	 * The host's own state saved as the guest's: RIP just after our
	 * VMRUN.  No CPU does that, but QEMU's emulated SVM has been seen
	 * to, now and then, with guests on several CPUs (tests/vm/README.md):
	 * stop the VM with what the exit says rather than run that state.
	 */
	if (unlikely(vcpu->rip == (unsigned long)lg_svm_vmrun_exit)) {
		lg_vcpu_stop(vcpu, "the CPU saved its host state as the guest's (exit 0x%llx, 0x%llx, 0x%llx, interrupted event 0x%x, cpu %d)",
			     code, c->exit_info_1, c->exit_info_2, c->exit_int_info,
			     vcpu->last_cpu);
		return 1;
	}
	if (unlikely(vcpu->bad_xcr0)) {
		lg_vcpu_stop(vcpu, "guest set XCR0 to 0x%llx without an XSETBV exit (this CPU does not intercept XSETBV)",
			     vcpu->bad_xcr0);
		return 1;
	}

	switch (code) {
	case LG_VMEXIT_INTR:
	case LG_VMEXIT_NMI:
	case LG_VMEXIT_SMI:
		return 0;
	case LG_VMEXIT_VINTR:
		c->int_ctl &= ~LG_V_IRQ;
		c->intercept_misc1 &= ~LG_ICPT_VINTR;
		return 0;
	case LG_VMEXIT_IRET:
		/*
		 * The NMI handler's IRET, about to run: NMIs are unblocked
		 * once RIP has moved past it (lg_svm_handle_exit()).  With
		 * one pending, the next moment interrupts are on is such an
		 * exit.
		 */
		c->intercept_misc1 &= ~LG_ICPT_IRET;
		svm->nmi_awaiting_iret = true;
		svm->nmi_iret_rip = vcpu->rip;
		if (vcpu->nmi_pending)
			lg_svm_irq_window(vcpu);
		return 0;
	case LG_VMEXIT_CPUID:
		return lg_handle_cpuid(vcpu);
	case LG_VMEXIT_MSR:
		return lg_handle_msr(vcpu, c->exit_info_1);
	case LG_VMEXIT_IOIO:
		io = (struct lg_io){
			.port = c->exit_info_1 >> LG_IOIO_PORT_SHIFT,
			.size = (c->exit_info_1 & LG_IOIO_SIZE_MASK) >> LG_IOIO_SIZE_SHIFT,
			.in = c->exit_info_1 & LG_IOIO_IN,
			.string = c->exit_info_1 & LG_IOIO_STR,
			.rep = c->exit_info_1 & LG_IOIO_REP,
			.next_rip = c->exit_info_2,
		};
		return lg_handle_io(vcpu, &io);
	case LG_VMEXIT_HLT:
		return lg_handle_hlt(vcpu);
	case LG_VMEXIT_NPF:
		return lg_handle_gpa_fault(vcpu, c->exit_info_2,
					   (c->exit_info_1 & LG_NPF_FETCH ? LG_GPA_FETCH : 0) |
					   (c->exit_info_1 & LG_NPF_IN_WALK ? LG_GPA_WALK : 0));
	case LG_VMEXIT_PAUSE:
		return lg_handle_pause(vcpu);
	case LG_VMEXIT_INVD:
	case LG_VMEXIT_WBINVD:
		return lg_handle_wbinvd(vcpu);
	case LG_VMEXIT_CR4_WRITE:
		return lg_emulate_mov_cr4(vcpu);
	case LG_VMEXIT_EXCP_BASE + X86_TRAP_DB:
		/* DR6 in the VMCB already says why. */
		lg_svm_inject_exception(vcpu, X86_TRAP_DB, false, 0);
		return 0;
	case LG_VMEXIT_ICEBP:
		/*
		 * INT1 (F1): a #DB trap, RIP past the instruction.  Intercepted
		 * as Xen does (SVM's state after a #DB that ICEBP raised is
		 * ambiguous), so we raise it ourselves.
		 */
		lg_svm_skip_insn(vcpu, 1);
		lg_svm_inject_exception(vcpu, X86_TRAP_DB, false, 0);
		return 0;
	case LG_VMEXIT_EXCP_BASE + X86_TRAP_AC:
		lg_svm_inject_exception(vcpu, X86_TRAP_AC, true, 0);
		return 0;
	case LG_VMEXIT_EXCP_BASE + X86_TRAP_MC:
		return 0;	/* handled by the host in lg_svm_run() */
	case LG_VMEXIT_READ_DR0 ... LG_VMEXIT_READ_DR0 + 3:
	case LG_VMEXIT_WRITE_DR0 ... LG_VMEXIT_WRITE_DR0 + 3:
		return lg_emulate_mov_dr(vcpu, code & 3, code >= LG_VMEXIT_WRITE_DR0);
	case LG_VMEXIT_VMMCALL:
		return lg_handle_hypercall(vcpu, 3);
	case LG_VMEXIT_SHUTDOWN:
		vcpu->run->exit_reason = LG_EXIT_SHUTDOWN;
		return 1;
	case LG_VMEXIT_INVALID:
		lg_vcpu_stop(vcpu, "VMRUN refused the guest state (invalid VMCB)");
		return 1;
	case LG_VMEXIT_XSETBV:
		return lg_handle_xsetbv(vcpu);
	case LG_VMEXIT_RDPMC:
		lg_inject_gp(vcpu);	/* CPUID offers no counters to read */
		return 0;
	case LG_VMEXIT_INVLPGA:
		lg_inject_ud(vcpu);	/* as for every SVM instruction */
		return 0;
	case LG_VMEXIT_TASK_SWITCH:
		lg_vcpu_stop(vcpu, "guest did something unsupported (exit 0x%llx) at rip 0x%llx",
			     code, vcpu->rip);
		return 1;
	default:
		/* VMRUN, VMLOAD, RDTSCP, MONITOR, ...: not for guests. */
		if (code >= LG_VMEXIT_VMRUN && code <= 0xa4) {
			lg_inject_ud(vcpu);
			return 0;
		}
		lg_vcpu_stop(vcpu, "unexpected #VMEXIT 0x%llx at rip 0x%llx", code,
			     vcpu->rip);
		return 1;
	}
}

static int lg_svm_handle_exit(struct lg_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	u64 code = svm->vmcb->control.exit_code;

	/* QEMU before 10.2 writes VMEXIT_INVALID without sign extension. */
	if (code == 0xffffffff)
		code = LG_VMEXIT_INVALID;
	vcpu->exit_kind = lg_exit_kind(code);
	if (svm->nmi_awaiting_iret && vcpu->rip != svm->nmi_iret_rip) {
		svm->nmi_awaiting_iret = false;
		vcpu->nmi_masked = false;
	}
	lg_reinject(&svm->vmcb->control);
	return lg_dispatch_exit(svm, code);
}

static const struct lg_backend_ops lg_svm_ops = {
	.name = "AMD-V",
	.busy_msg = "AMD-V is in use by another hypervisor (kvm_amd?); unload it or set 'options kvm enable_virt_at_load=0'",
	.disabled_msg = "AMD-V is disabled by the firmware (VM_CR.SVMDIS); enable SVM in the BIOS setup",
	.enable_cpu = lg_svm_enable_cpu,
	.disable_cpu = lg_svm_disable_cpu,
	.exit = lg_svm_exit,
	.npt_format = &lg_svm_npt_format,
	.vcpu_alloc = lg_svm_vcpu_alloc,
	.vcpu_init = lg_svm_vcpu_init,
	.vcpu_free = lg_svm_vcpu_free,
	.get_sregs = lg_svm_get_sregs,
	.set_sregs = lg_svm_set_sregs,
	.get_cr4 = lg_svm_get_cr4,
	.set_cr2 = lg_svm_set_cr2,
	.set_cr4 = lg_svm_set_cr4,
	.set_efer = lg_svm_set_efer,
	.set_pat = lg_svm_set_pat,
	.can_inject = lg_svm_can_inject,
	.inject_exception = lg_svm_inject_exception,
	.inject_irq = lg_svm_inject_irq,
	.inject_nmi = lg_svm_inject_nmi,
	.irq_window = lg_svm_irq_window,
	.clear_events = lg_svm_clear_events,
	.clear_shadow = lg_svm_clear_shadow,
	.skip_insn = lg_svm_skip_insn,
	.insn_bytes = lg_svm_insn_bytes,
	.run = lg_svm_run,
	.handle_exit = lg_svm_handle_exit,
};

/* AMD-V with nested paging, or why not. */
const struct lg_backend_ops *lg_svm_probe(void)
{
	int ret;

	if (!boot_cpu_has(X86_FEATURE_NPT)) {
		pr_err("this CPU's AMD-V has no nested paging (NPT); lguest needs it\n");
		return ERR_PTR(-ENODEV);
	}
	ret = lg_svm_init();
	return ret ? ERR_PTR(ret) : &lg_svm_ops;
}
