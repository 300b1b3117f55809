// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SVM backend: turning AMD-V on and off, the VMCB of each vCPU, and
 * the run loop that enters the guest and sorts out why it came back.
 *
 * lg takes SVM only while it has guests and only when nobody else holds
 * it: EFER.SVME is one switch per CPU, and sharing it with kvm_amd would
 * mean sharing ASIDs too, leaking TLB entries between their guests.
 *
 * The run loop follows KVM's rules: the guest's FPU state and XCR0 are
 * swapped in inside kernel_fpu_begin() (fpu.c); interrupts are held by
 * CLGI across VMRUN, so a host interrupt ends guest mode and is taken
 * right after STGI; the loop checks signals and need_resched() on every
 * pass; an event whose delivery an exit interrupted (EXITINTINFO) is
 * delivered again.
 * NRIP-save and decode assists are used where the CPU has them; the
 * emulated SVM we test on has neither, so every path also works without:
 * instructions we skip have fixed lengths, IOIO gives us the next RIP,
 * and MMIO instructions are fetched through the guest's page tables.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/reboot.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/slab.h>
#include <asm/fpu/api.h>
#include <asm/debugreg.h>
#include <asm/io.h>
#include <asm/mce.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

#include "compat.h"
#include "lg.h"
#include "msr_rules.h"
#include "svm_defs.h"

void lg_svm_vmrun(u64 vmcb_pa, u64 *regs, u64 host_save_pa);
extern const u8 lg_svm_vmrun_exit[];	/* the instruction after VMRUN */
static void lg_svm_free(void);

static DEFINE_MUTEX(lg_svm_mutex);
static int lg_svm_users;
static bool lg_svm_rebooting;	/* SVM is off for good */
static enum cpuhp_state lg_cpuhp_state;
u64 lg_guest_cr4;		/* the CR4 bits a guest may set */
static DEFINE_PER_CPU(struct page *, lg_hsave);
static DEFINE_PER_CPU(bool, lg_svm_on);
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
const struct lg_npt_format lg_svm_npt_format = {
	.present = _PAGE_PRESENT,
	.table = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
	.leaf = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY,
};

/*
 * PAUSE-loop exits (lg_exit_pause()): with the CPU's pause filter, a
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

/* Runs on each CPU with interrupts off. */
static void lg_svm_enable_cpu(void *data)
{
	atomic_t *err = data;
	u64 efer, vm_cr;

	lg_rdmsr(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		atomic_set(err, -EBUSY);
		return;
	}
	lg_rdmsr(LG_MSR_VM_CR, vm_cr);
	if (vm_cr & LG_VM_CR_SVMDIS) {
		atomic_set(err, -ENODEV);	/* as if there were no SVM */
		return;
	}
	lg_wrmsr(LG_MSR_VM_HSAVE_PA, page_to_phys(this_cpu_read(lg_hsave)));
	lg_wrmsr(MSR_EFER, efer | EFER_SVME);
	if (lg_tsc_aux)
		lg_rdmsr(MSR_TSC_AUX, *this_cpu_ptr(&lg_host_tsc_aux));
	/* Another hypervisor's ASIDs may be in the TLB: start afresh. */
	this_cpu_write(lg_asid_pool.next, lg_max_asid);
	this_cpu_write(lg_svm_on, true);
}

static void lg_svm_disable_cpu(void *data)
{
	u64 efer;

	if (!this_cpu_read(lg_svm_on))
		return;
	lg_rdmsr(MSR_EFER, efer);
	lg_wrmsr(MSR_EFER, efer & ~EFER_SVME);
	lg_wrmsr(LG_MSR_VM_HSAVE_PA, 0);
	this_cpu_write(lg_svm_on, false);
}

/* The first VM turns SVM on everywhere; -EBUSY if someone else has it. */
int lg_svm_get(void)
{
	atomic_t err = ATOMIC_INIT(0);
	int ret = 0;

	mutex_lock(&lg_svm_mutex);
	if (lg_svm_rebooting) {
		ret = -ESHUTDOWN;
	} else if (!lg_svm_users) {
		on_each_cpu(lg_svm_enable_cpu, &err, 1);
		ret = atomic_read(&err);
		if (ret) {
			on_each_cpu(lg_svm_disable_cpu, NULL, 1);
			if (ret == -EBUSY)
				pr_warn_ratelimited("AMD-V is in use by another hypervisor (kvm_amd?); unload it or set 'options kvm enable_virt_at_load=0'\n");
			else
				pr_warn_ratelimited("AMD-V is disabled by the firmware (VM_CR.SVMDIS); enable SVM in the BIOS setup\n");
		}
	}
	if (!ret)
		lg_svm_users++;
	mutex_unlock(&lg_svm_mutex);
	return ret;
}

void lg_svm_put(void)
{
	mutex_lock(&lg_svm_mutex);
	if (!--lg_svm_users)
		on_each_cpu(lg_svm_disable_cpu, NULL, 1);
	mutex_unlock(&lg_svm_mutex);
}

/*
 * A CPU that goes offline loses EFER.SVME and VM_HSAVE_PA; one that
 * comes online while we have guests gets them.  Suspend to RAM does the
 * same to the last CPU, with every other CPU offline and every task
 * frozen (so no lock is needed there, as in KVM).  On reboot, kexec and
 * power-off SVM goes off everywhere and stays off.
 */
static int lg_cpu_online(unsigned int cpu)
{
	atomic_t err = ATOMIC_INIT(0);

	mutex_lock(&lg_svm_mutex);
	if (lg_svm_users && !lg_svm_rebooting) {
		local_irq_disable();
		lg_svm_enable_cpu(&err);	/* -EBUSY: lg_svm_enter() says so */
		local_irq_enable();
	}
	mutex_unlock(&lg_svm_mutex);
	return 0;
}

static int lg_cpu_offline(unsigned int cpu)
{
	local_irq_disable();
	lg_svm_disable_cpu(NULL);
	local_irq_enable();
	return 0;
}

static int lg_suspend(void)
{
	lg_svm_disable_cpu(NULL);
	return 0;
}

static void lg_resume(void)
{
	atomic_t err = ATOMIC_INIT(0);

	if (READ_ONCE(lg_svm_users))
		lg_svm_enable_cpu(&err);
}

LG_SYSCORE(lg_syscore, lg_suspend, lg_resume);

static int lg_reboot(struct notifier_block *nb, unsigned long code, void *unused)
{
	mutex_lock(&lg_svm_mutex);
	WRITE_ONCE(lg_svm_rebooting, true);
	on_each_cpu(lg_svm_disable_cpu, NULL, 1);
	mutex_unlock(&lg_svm_mutex);
	return NOTIFY_OK;
}

static struct notifier_block lg_reboot_nb = { .notifier_call = lg_reboot };

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

int lg_svm_init(void)
{
	/* State that VMLOAD/VMSAVE switch needs no intercept. */
	static const u32 passthrough[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR,
		MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	};
	int cpu, i, ret;

	lg_max_asid = cpuid_ebx(0x8000000a);
	if (lg_max_asid < 2)
		return -ENODEV;
	lg_cpuid_init();
	lg_fpu_init();
	lg_tsc_aux = boot_cpu_has(X86_FEATURE_RDTSCP) || boot_cpu_has(X86_FEATURE_RDPID);
	if (!boot_cpu_has(X86_FEATURE_PAUSEFILTER)) {
		if (!pause_unfiltered)
			pause_filter_count = 0;
		pause_filter_thresh = 0;
	} else if (!boot_cpu_has(X86_FEATURE_PFTHRESHOLD)) {
		pause_filter_thresh = 0;
	}
	lg_pause_exits = pause_filter_count;
	/*
	 * CR4 writes are intercepted only to keep out the bits whose state
	 * we do not switch (PKE, CET; OSXSAVE without XSAVE on the host) or
	 * that CPUID hides (PCIDE, FSGSBASE, UMIP, LA57, VMXE, ...): the
	 * guest gets #GP for those.
	 */
	lg_guest_cr4 = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	if (boot_cpu_has(X86_FEATURE_SMEP))
		lg_guest_cr4 |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		lg_guest_cr4 |= X86_CR4_SMAP;
	if (lg_xfeatures)
		lg_guest_cr4 |= X86_CR4_OSXSAVE;
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
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "lguest:online",
				lg_cpu_online, lg_cpu_offline);
	if (ret < 0)
		goto fail;
	lg_cpuhp_state = ret;
	lg_register_syscore(&lg_syscore);
	register_reboot_notifier(&lg_reboot_nb);
	return 0;
nomem:
	ret = -ENOMEM;
fail:
	lg_svm_free();
	return ret;
}

void lg_svm_exit(void)
{
	unregister_reboot_notifier(&lg_reboot_nb);
	lg_unregister_syscore(&lg_syscore);
	cpuhp_remove_state(lg_cpuhp_state);
	lg_svm_free();
}

static void lg_svm_free(void)
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

static void lg_seg(struct vmcb_seg_lg *s, u16 sel, u16 attrib, u32 limit)
{
	*s = (struct vmcb_seg_lg){ .selector = sel, .attrib = attrib,
				   .limit = limit, .base = 0 };
}

/* DS and the other data segments alike, an empty LDT, a busy TSS. */
static void lg_data_segs(struct lg_vmcb_save *s, u16 sel, u16 attrib, u32 limit)
{
	lg_seg(&s->ds, sel, attrib, limit);
	s->es = s->ds;
	s->ss = s->ds;
	s->fs = s->ds;
	s->gs = s->ds;
	lg_seg(&s->ldtr, 0, 0x82, 0xffff);
	lg_seg(&s->tr, 0, 0x8b, 0xffff);
}

/* What every vCPU intercepts, and the nested paging it runs under. */
static void lg_vmcb_control_init(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_control *c = &vcpu->vmcb->control;

	c->intercept_cr = LG_ICPT_CR4_WRITE;	/* see lg_guest_cr4 */
	c->intercept_dr = 0x000f000f;		/* DR0-3: lg_load_guest_dr() */
	/*
	 * #AC and #DB are reflected to the guest: an exception whose own
	 * delivery raises it again would otherwise loop inside the CPU with
	 * the host unable to take an interrupt (CVE-2015-5307, -8104).  A
	 * machine check during the guest is the host's (lg_svm_enter()).
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
	struct lg_vmcb_control *c = &vcpu->vmcb->control;
	struct lg_vmcb_save *s = &vcpu->vmcb->save;
	bool xapic;

	lg_seg(&s->cs, 0xf000, 0x9b, 0xffff);
	s->cs.base = 0xffff0000;
	lg_data_segs(s, 0, 0x93, 0xffff);
	s->gdtr.base = 0;
	s->gdtr.limit = 0xffff;
	s->idtr.base = 0;
	s->idtr.limit = 0xffff;
	s->cpl = 0;
	s->efer = EFER_SVME;
	s->cr0 = X86_CR0_ET;
	s->cr2 = 0;
	s->cr3 = 0;
	s->cr4 = 0;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = 2;
	s->rip = 0xfff0;
	s->rsp = 0;
	s->rax = 0;
	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	memset(vcpu->dr, 0, sizeof(vcpu->dr));
	lg_fpu_reset(vcpu);

	c->event_inj = 0;
	c->int_state = 0;
	c->int_ctl = LG_V_INTR_MASKING;
	c->intercept_misc1 &= ~(LG_ICPT_VINTR | LG_ICPT_IRET);
	vcpu->nmi_pending = false;
	vcpu->nmi_masked = false;
	vcpu->nmi_awaiting_iret = false;
	bitmap_zero(vcpu->irq_pending, 256);
	xapic = vcpu->lapic.xapic;	/* INIT keeps the mode */
	lapic_reset(&vcpu->lapic, vcpu->lapic.id);
	vcpu->lapic.xapic = xapic;
	lg_irq_timer_rearm(vcpu);
	vcpu->pending = LG_PENDING_NONE;
	lg_steal_time_reset(vcpu);
	atomic_set(&vcpu->tlb_flush, 1);
	vcpu->mp_state = vcpu->bsp ? LG_MP_RUNNABLE : LG_MP_WAIT_SIPI;
	vcpu->inits++;
}

/* A SIPI to a vCPU waiting for one: real mode at @vector << 12. */
void lg_vcpu_sipi(struct lg_vcpu *vcpu, u8 vector)
{
	struct lg_vmcb_save *s = &vcpu->vmcb->save;

	lg_seg(&s->cs, vector << 8, 0x9b, 0xffff);
	s->cs.base = (u64)vector << 12;
	s->rip = 0;
	vcpu->mp_state = LG_MP_RUNNABLE;
}

/* The 64-bit boot protocol's first state, per lguest.h. */
static int lg_vmcb_boot_state(struct lg_vcpu *vcpu,
			      const struct lg_vcpu_init *init)
{
	struct lg_vmcb_save *s = &vcpu->vmcb->save;

	if ((init->efer & ~MSR_EFER_GUEST) || !(init->efer & EFER_LMA) ||
	    (init->cr0 & (X86_CR0_PG | X86_CR0_PE)) != (X86_CR0_PG | X86_CR0_PE) ||
	    !(init->cr4 & X86_CR4_PAE) || init->gdt_limit > 0xffff)
		return -EINVAL;

	if ((init->cr4 & ~lg_guest_cr4) || (init->cr0 & ~0xffffffffULL))
		return -EINVAL;

	lg_seg(&s->cs, 0x10, 0xa9b, 0xffffffff);	/* 64-bit code */
	lg_data_segs(s, 0x18, 0xc93, 0xffffffff);	/* flat data */
	s->gdtr.base = init->gdt_base;
	s->gdtr.limit = init->gdt_limit;
	s->idtr.limit = 0xffff;
	s->cpl = 0;
	s->efer = init->efer | EFER_SVME;
	s->cr0 = init->cr0;
	s->cr3 = init->cr3;
	s->cr4 = init->cr4;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = 2;
	s->rip = init->rip;
	s->rsp = init->rsp;
	vcpu->regs[6] = init->rsi;
	lg_fpu_reset(vcpu);
	return 0;
}

/* An application processor's init is all zero but for its APIC id. */
static bool lg_init_is_ap(const struct lg_vcpu_init *init)
{
	struct lg_vcpu_init ap = { .apic_id = init->apic_id };

	return !memcmp(init, &ap, sizeof(ap));
}

struct lg_vcpu *lg_vcpu_create(struct lg_vm *vm, const struct lg_vcpu_init *init)
{
	struct lg_vcpu *vcpu;
	int ret = -ENOMEM;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return ERR_PTR(-ENOMEM);
	vcpu->vm = vm;
	vcpu->last_cpu = -1;
	vcpu->asid_cpu = -1;
	mutex_init(&vcpu->run_lock);
	init_waitqueue_head(&vcpu->wq);
	vcpu->vmcb = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->host_save = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->fpu = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->vmcb || !vcpu->host_save || !vcpu->run || !vcpu->fpu)
		goto fail;
	vcpu->vmcb_pa = virt_to_phys(vcpu->vmcb);
	vcpu->host_save_pa = virt_to_phys(vcpu->host_save);
	lg_vmcb_control_init(vcpu);
	vcpu->vmcb->save.g_pat = 0x0007040600070406ULL;
	lg_irq_init(vcpu);
	lapic_reset(&vcpu->lapic, init->apic_id);
	vcpu->lapic.xapic = true;	/* until the guest turns on x2APIC */
	vcpu->bsp = !vm->nr_vcpus;	/* before lg_vcpu_init_event() */
	if (vcpu->bsp) {
		ret = lg_vmcb_boot_state(vcpu, init);
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
	free_page((unsigned long)vcpu->vmcb);
	free_page((unsigned long)vcpu->host_save);
	free_page((unsigned long)vcpu->run);
	free_page((unsigned long)vcpu->fpu);
	kfree(vcpu);
	return ERR_PTR(ret);
}

void lg_vcpu_destroy(struct lg_vcpu *vcpu)
{
	int cpu;

	/* A new VMCB at the same address must not pass for this one. */
	for_each_possible_cpu(cpu)
		cmpxchg(per_cpu_ptr(&lg_last_vmcb, cpu), vcpu->vmcb, NULL);
	lg_irq_destroy(vcpu);
	free_page((unsigned long)vcpu->vmcb);
	free_page((unsigned long)vcpu->host_save);
	free_page((unsigned long)vcpu->run);
	free_page((unsigned long)vcpu->fpu);
	kfree(vcpu);
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

static void lg_inject_exception(struct lg_vcpu *vcpu, u8 vector, bool has_err,
				u32 err)
{
	struct lg_vmcb_control *c = &vcpu->vmcb->control;

	c->event_inj = vector | LG_EVT_TYPE_EXEPT | LG_EVT_VALID |
		       (has_err ? LG_EVT_ERR_VALID : 0);
	c->event_inj_err = err;
}

void lg_inject_gp(struct lg_vcpu *vcpu)
{
	lg_inject_exception(vcpu, X86_TRAP_GP, true, 0);
}

void lg_inject_ud(struct lg_vcpu *vcpu)
{
	lg_inject_exception(vcpu, X86_TRAP_UD, false, 0);
}

void lg_inject_pf(struct lg_vcpu *vcpu, u32 err)
{
	lg_inject_exception(vcpu, X86_TRAP_PF, true, err);
}

void lg_skip(struct lg_vcpu *vcpu, unsigned int len)
{
	vcpu->vmcb->save.rip += len;
	vcpu->vmcb->control.int_state &= ~LG_INT_SHADOW;
}

/*
 * Step over the instruction an intercept stopped at.  With NRIP-save the
 * CPU tells us where the next one starts (right even for a prefixed
 * CPUID); without it, @len is the length of the plain encoding.
 */
static void lg_skip_intercepted(struct lg_vcpu *vcpu, unsigned int len)
{
	struct lg_vmcb *vmcb = vcpu->vmcb;

	if (boot_cpu_has(X86_FEATURE_NRIPS) && vmcb->control.next_rip) {
		vmcb->save.rip = vmcb->control.next_rip;
		vmcb->control.int_state &= ~LG_INT_SHADOW;
	} else {
		lg_skip(vcpu, len);
	}
}

/*
 * Before VMRUN, interrupts off: a fresh ASID when the vCPU comes from
 * elsewhere or from an older generation, else a flush of its own ASID
 * if the MMU notifier asked for one.  A CPU without FLUSHBYASID (QEMU's
 * emulated SVM among them) ignores a flush of one ASID: there a fresh
 * ASID is the flush, as in KVM's svm_flush_tlb_asid().
 */
static void lg_asid_assign(struct lg_vcpu *vcpu, int cpu)
{
	struct lg_asid_pool *pool = this_cpu_ptr(&lg_asid_pool);
	struct lg_vmcb_control *c = &vcpu->vmcb->control;
	bool flush = atomic_xchg(&vcpu->tlb_flush, 0);

	c->tlb_ctl = 0;
	if (vcpu->asid_cpu != cpu || vcpu->asid_generation != pool->generation ||
	    (flush && !boot_cpu_has(X86_FEATURE_FLUSHBYASID))) {
		if (pool->next >= lg_max_asid) {
			pool->generation++;
			pool->next = 1;
			c->tlb_ctl = LG_TLB_FLUSH_ALL;
		}
		vcpu->asid_cpu = cpu;
		vcpu->asid_generation = pool->generation;
		c->asid = pool->next++;
		return;
	}
	if (flush)
		c->tlb_ctl = LG_TLB_FLUSH_ASID;
}

/*
 * The guest's DR0-3 (kept by lg_emulate_mov_dr(), which sees every
 * access) go into the CPU only while its DR7, which VMRUN loads, enables
 * a breakpoint; the host's are saved in @host first.  Interrupts are off.
 */
static bool lg_load_guest_dr(struct lg_vcpu *vcpu, unsigned long host[4])
{
	if (!(vcpu->vmcb->save.dr7 & LG_DR7_ENABLE_MASK))
		return false;
	get_debugreg(host[0], 0);
	get_debugreg(host[1], 1);
	get_debugreg(host[2], 2);
	get_debugreg(host[3], 3);
	set_debugreg(vcpu->dr[0], 0);
	set_debugreg(vcpu->dr[1], 1);
	set_debugreg(vcpu->dr[2], 2);
	set_debugreg(vcpu->dr[3], 3);
	return true;
}

/*
 * After #VMEXIT, which leaves DR7 disabled: the host's breakpoints
 * (ptrace, perf) come back.  hw_breakpoint_restore() would do it, but
 * from 7.x only KVM may call it, so we restore what we saved and DR7
 * from the per-CPU copy the kernel keeps.
 */
static void lg_restore_host_dr(bool guest_dr, const unsigned long host[4])
{
	if (guest_dr) {
		set_debugreg(host[0], 0);
		set_debugreg(host[1], 1);
		set_debugreg(host[2], 2);
		set_debugreg(host[3], 3);
	}
	if (guest_dr || hw_breakpoint_active()) {
		set_debugreg(DR6_RESERVED, 6);
		set_debugreg(__this_cpu_read(cpu_dr7), 7);
	}
}

/*
 * Another vCPU ran on this CPU last, perhaps another user's guest: what
 * it trained the branch predictors with must not steer this one (KVM
 * does this on vCPU load).  Not needed when every exit has an IBPB.
 */
static void lg_ibpb_on_switch(struct lg_vcpu *vcpu)
{
	if (__this_cpu_read(lg_last_vmcb) == vcpu->vmcb)
		return;
	__this_cpu_write(lg_last_vmcb, vcpu->vmcb);
	if (boot_cpu_has(X86_FEATURE_IBPB) &&
	    !cpu_feature_enabled(X86_FEATURE_IBPB_ON_VMEXIT))
		lg_wrmsr(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
}

/* What the #MC we intercepted would have run: the host's handler. */
static void lg_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = {
		.cs = 3,	/* as KVM: "user mode", so the handler may recover */
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

/*
 * Enter the guest once.  Returns 0 with the #VMEXIT in the VMCB, 1 when
 * an interrupt arrived just before entry (nothing ran: go round again),
 * or -EBUSY when this CPU's AMD-V could not be turned on.
 */
static int lg_svm_enter(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_control *c = &vcpu->vmcb->control;
	atomic_t err = ATOMIC_INIT(0);
	unsigned long host_dr[4];
	int cpu, ret = 0;
	bool guest_dr, guest_xcr0;
	u64 cr4 = vcpu->vmcb->save.cr4;	/* a change of it exits first */

	kernel_fpu_begin();
	lg_fpu_load(vcpu);
	local_irq_disable();
	cpu = smp_processor_id();
	if (unlikely(!this_cpu_read(lg_svm_on))) {
		/*
		 * A CPU whose online callback found AMD-V taken, or that we
		 * reached between its offline callback and its going.
		 */
		if (READ_ONCE(lg_svm_rebooting)) {
			ret = -ESHUTDOWN;
			goto out;
		}
		lg_svm_enable_cpu(&err);
		if (atomic_read(&err)) {
			ret = -EBUSY;
			goto out;
		}
	}

	/* Where a TLB-flush IPI must go, before it can see us in the guest. */
	WRITE_ONCE(vcpu->last_cpu, cpu);
	atomic_set(&vcpu->in_guest, 1);
	smp_mb__after_atomic();	/* pairs with lg_vcpu_kick(), lg_flush_guest_tlbs() */
	if (lg_irq_wakeup_due(vcpu)) {
		/* Something arrived since we looked: go round again. */
		ret = 1;
		goto leave;
	}
	lg_asid_assign(vcpu, cpu);
	lg_ibpb_on_switch(vcpu);
	guest_dr = lg_load_guest_dr(vcpu, host_dr);

	asm volatile("clgi" : : : "memory");
	/* Not even an NMI runs under the guest's XCR0 or TSC_AUX. */
	guest_xcr0 = lg_xcr0_get(vcpu, cr4);
	if (lg_tsc_aux)
		lg_wrmsr(MSR_TSC_AUX, 0);
	raw_local_irq_enable();	/* GIF=0 still holds interrupts off */
	lg_svm_vmrun(vcpu->vmcb_pa, vcpu->regs, vcpu->host_save_pa);
	raw_local_irq_disable();
	if (lg_tsc_aux)
		lg_wrmsr(MSR_TSC_AUX, this_cpu_read(lg_host_tsc_aux));
	vcpu->bad_xcr0 = lg_xcr0_put(vcpu, cr4, guest_xcr0);
	asm volatile("stgi" : : : "memory");
	lg_restore_host_dr(guest_dr, host_dr);
	/*
	 * VMSCAPE: what the guest trained must not steer the launcher, or
	 * any user process, on this CPU: an IBPB before the return to user.
	 */
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);
	/* Intercepted, a machine check reaches no handler by itself. */
	if (unlikely(c->exit_code == LG_VMEXIT_EXCP_BASE + X86_TRAP_MC))
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
static void lg_reinject(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_control *c = &vcpu->vmcb->control;
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

static int lg_exit_msr(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_save *s = &vcpu->vmcb->save;
	u32 msr = vcpu->regs[1];
	u64 val;

	if (vcpu->vmcb->control.exit_info_1) {
		val = (vcpu->regs[2] << 32) | (u32)s->rax;
		if (lg_msr_write(vcpu, msr, val))
			goto gp;
	} else {
		if (lg_msr_read(vcpu, msr, &val))
			goto gp;
		s->rax = (u32)val;
		vcpu->regs[2] = val >> 32;
	}
	lg_skip_intercepted(vcpu, 2);
	return 0;
gp:
	lg_inject_gp(vcpu);
	return 0;
}

/*
 * XSETBV.  A CPU checks CR4.OSXSAVE and CPL 0 before the intercept; we
 * check again, then ECX and the value, as the instruction would.
 */
static int lg_exit_xsetbv(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_save *s = &vcpu->vmcb->save;
	u64 val = (vcpu->regs[2] << 32) | (u32)s->rax;

	if (!(s->cr4 & X86_CR4_OSXSAVE))
		lg_inject_ud(vcpu);
	else if (s->cpl || lg_xsetbv(vcpu, vcpu->regs[1], val))
		lg_inject_gp(vcpu);
	else
		lg_skip_intercepted(vcpu, 3);
	return 0;
}

static int lg_exit_cpuid(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_save *s = &vcpu->vmcb->save;
	u32 out[4];

	lg_cpuid(vcpu, s->rax, vcpu->regs[1], out);
	s->rax = out[0];
	vcpu->regs[3] = out[1];
	vcpu->regs[1] = out[2];
	vcpu->regs[2] = out[3];
	lg_skip_intercepted(vcpu, 2);
	return 0;
}

static int lg_exit_io(struct lg_vcpu *vcpu)
{
	struct lg_vmcb *vmcb = vcpu->vmcb;
	u64 info = vmcb->control.exit_info_1;
	struct lg_run *run = vcpu->run;
	u16 port = info >> LG_IOIO_PORT_SHIFT;
	u8 size = (info & LG_IOIO_SIZE_MASK) >> LG_IOIO_SIZE_SHIFT;
	u32 data;

	if (info & LG_IOIO_STR)
		return lg_string_io_exit(vcpu, port);
	vmcb->save.rip = vmcb->control.exit_info_2;
	data = vmcb->save.rax & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
	if (!(info & LG_IOIO_IN) && lg_ioeventfd_write(vcpu->vm, port, size, data, true)) {
		vcpu->exit_kind = LG_STAT_IOEVENTFD;
		return 0;
	}
	run->exit_reason = LG_EXIT_IO;
	run->io.port = port;
	run->io.size = size;
	run->io.count = 1;
	run->io.is_write = !(info & LG_IOIO_IN);
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
 * HLT: sleep until an interrupt is due.  With IF=0 only an INIT can wake
 * a CPU: that is how Linux parks an application processor it takes
 * offline or stops; on the boot CPU, it is how the guest powers off.
 */
static int lg_exit_hlt(struct lg_vcpu *vcpu)
{
	bool irq_off = !(vcpu->vmcb->save.rflags & X86_EFLAGS_IF);
	u32 inits = vcpu->inits;

	lg_skip_intercepted(vcpu, 1);
	if (irq_off && vcpu->bsp) {
		vcpu->run->exit_reason = LG_EXIT_POWEROFF;
		return 1;
	}
	for (;;) {
		/* An INIT, perhaps with its SIPI too, replaced the HLT's state. */
		lg_irq_sync(vcpu);
		if (vcpu->inits != inits ||
		    (vcpu->nmi_pending && !vcpu->nmi_masked) ||
		    (!irq_off && lapic_pending_vector(&vcpu->lapic) >= 0))
			return 0;
		if (wait_event_interruptible(vcpu->wq, lg_irq_wakeup_due(vcpu)))
			return -EINTR;
	}
}

/*
 * A PAUSE-loop exit (see pause_filter_count): give the CPU to another
 * thread that wants it, the lock holder's vCPU perhaps.  yield(), not
 * cond_resched(): the scheduler has not asked for the CPU (a spinner
 * need not have used up its slice), so cond_resched() would come
 * straight back; yield() puts us behind whatever else is runnable here.
 * KVM's kvm_vcpu_on_spin() goes further and boosts a preempted vCPU of
 * the same VM on any CPU (yield_to()); ours helps only when such a vCPU
 * waits on this CPU's run queue, the common case with more vCPUs than
 * CPUs.  With nothing else runnable the guest goes straight back.
 * Without NRIP-save the PAUSE is taken to be F3 90.
 */
static int lg_exit_pause(struct lg_vcpu *vcpu)
{
	lg_skip_intercepted(vcpu, 2);
	if (!single_task_running()) {
		lg_steal_time_preempted(vcpu);
		yield();
	}
	return 0;
}

/* An AP before its SIPI, or a vCPU after an INIT: nothing runs. */
static int lg_wait_sipi(struct lg_vcpu *vcpu)
{
	while (vcpu->mp_state == LG_MP_WAIT_SIPI) {
		if (wait_event_interruptible(vcpu->wq, lg_irq_wakeup_due(vcpu)))
			return -EINTR;
		lg_irq_sync(vcpu);
	}
	return 0;
}

static int lg_exit_npf(struct lg_vcpu *vcpu)
{
	u64 gpa = vcpu->vmcb->control.exit_info_2;
	int ret;

	if (!lg_gpa_slot(vcpu->vm, gpa, 1))
		return lg_mmio_exit(vcpu, gpa);
	ret = lg_npt_fault(vcpu->vm, gpa);
	if (ret == -EFAULT) {
		lg_vcpu_stop(vcpu, "guest RAM at 0x%llx is no longer mapped by the launcher",
			     gpa);
		return 1;
	}
	return ret;
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
static int lg_dispatch_exit(struct lg_vcpu *vcpu, u64 code)
{
	struct lg_vmcb_control *c = &vcpu->vmcb->control;

	/*
	 * The host's own state saved as the guest's: RIP just after our
	 * VMRUN.  No CPU does that, but QEMU's emulated SVM has been seen
	 * to, now and then, with guests on several CPUs (tests/vm/README.md):
	 * stop the VM with what the exit says rather than run that state.
	 */
	if (unlikely(vcpu->vmcb->save.rip == (unsigned long)lg_svm_vmrun_exit)) {
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
		 * once RIP has moved past it (lg_handle_exit()).  With one
		 * pending, the next moment interrupts are on is such an exit.
		 */
		c->intercept_misc1 &= ~LG_ICPT_IRET;
		vcpu->nmi_awaiting_iret = true;
		vcpu->nmi_iret_rip = vcpu->vmcb->save.rip;
		if (vcpu->nmi_pending) {
			c->int_ctl |= LG_V_IRQ | LG_V_IGN_TPR;
			c->intercept_misc1 |= LG_ICPT_VINTR;
		}
		return 0;
	case LG_VMEXIT_CPUID:
		return lg_exit_cpuid(vcpu);
	case LG_VMEXIT_MSR:
		return lg_exit_msr(vcpu);
	case LG_VMEXIT_IOIO:
		return lg_exit_io(vcpu);
	case LG_VMEXIT_HLT:
		return lg_exit_hlt(vcpu);
	case LG_VMEXIT_NPF:
		return lg_exit_npf(vcpu);
	case LG_VMEXIT_PAUSE:
		return lg_exit_pause(vcpu);
	case LG_VMEXIT_INVD:
	case LG_VMEXIT_WBINVD:
		/*
		 * Guest RAM is ordinary cacheable host memory and no device
		 * writes it behind the cache, so there is nothing to flush:
		 * KVM does the same without non-coherent DMA.  A guest must
		 * not flush the host's caches at will.
		 */
		lg_skip_intercepted(vcpu, 2);
		return 0;
	case LG_VMEXIT_CR4_WRITE:
		return lg_emulate_mov_cr4(vcpu, lg_guest_cr4);
	case LG_VMEXIT_EXCP_BASE + X86_TRAP_DB:
		/* DR6 in the VMCB already says why. */
		lg_inject_exception(vcpu, X86_TRAP_DB, false, 0);
		return 0;
	case LG_VMEXIT_ICEBP:
		/*
		 * INT1 (F1): a #DB trap, RIP past the instruction.  Intercepted
		 * as Xen does (SVM's state after a #DB that ICEBP raised is
		 * ambiguous), so we raise it ourselves.
		 */
		lg_skip_intercepted(vcpu, 1);
		lg_inject_exception(vcpu, X86_TRAP_DB, false, 0);
		return 0;
	case LG_VMEXIT_EXCP_BASE + X86_TRAP_AC:
		lg_inject_exception(vcpu, X86_TRAP_AC, true, 0);
		return 0;
	case LG_VMEXIT_EXCP_BASE + X86_TRAP_MC:
		return 0;	/* handled by the host in lg_svm_enter() */
	case LG_VMEXIT_READ_DR0 ... LG_VMEXIT_READ_DR0 + 3:
	case LG_VMEXIT_WRITE_DR0 ... LG_VMEXIT_WRITE_DR0 + 3:
		return lg_emulate_mov_dr(vcpu, code & 3, code >= LG_VMEXIT_WRITE_DR0);
	case LG_VMEXIT_VMMCALL:
		/*
		 * A KVM hypercall: we offer none, and answer as KVM does for
		 * an unknown one (-KVM_ENOSYS), since some guest drivers
		 * (ptp_kvm) call before they check.
		 */
		vcpu->vmcb->save.rax = (u64)-1000;
		lg_skip_intercepted(vcpu, 3);
		return 0;
	case LG_VMEXIT_SHUTDOWN:
		vcpu->run->exit_reason = LG_EXIT_SHUTDOWN;
		return 1;
	case LG_VMEXIT_INVALID:
		lg_vcpu_stop(vcpu, "VMRUN refused the guest state (invalid VMCB)");
		return 1;
	case LG_VMEXIT_XSETBV:
		return lg_exit_xsetbv(vcpu);
	case LG_VMEXIT_RDPMC:
		lg_inject_gp(vcpu);	/* CPUID offers no counters to read */
		return 0;
	case LG_VMEXIT_INVLPGA:
		lg_inject_ud(vcpu);	/* as for every SVM instruction */
		return 0;
	case LG_VMEXIT_TASK_SWITCH:
		lg_vcpu_stop(vcpu, "guest did something unsupported (exit 0x%llx) at rip 0x%llx",
			     code, vcpu->vmcb->save.rip);
		return 1;
	default:
		/* VMRUN, VMLOAD, RDTSCP, MONITOR, ...: not for guests. */
		if (code >= LG_VMEXIT_VMRUN && code <= 0xa4) {
			lg_inject_ud(vcpu);
			return 0;
		}
		lg_vcpu_stop(vcpu, "unexpected #VMEXIT 0x%llx at rip 0x%llx", code,
			     vcpu->vmcb->save.rip);
		return 1;
	}
}

/* Every exit is counted once, in stat_exits and in one stat_kind[]. */
static int lg_handle_exit(struct lg_vcpu *vcpu)
{
	u64 code = vcpu->vmcb->control.exit_code;
	int ret;

	/* QEMU before 10.2 writes VMEXIT_INVALID without sign extension. */
	if (code == 0xffffffff)
		code = LG_VMEXIT_INVALID;
	vcpu->exit_kind = lg_exit_kind(code);
	if (vcpu->nmi_awaiting_iret &&
	    vcpu->vmcb->save.rip != vcpu->nmi_iret_rip) {
		vcpu->nmi_awaiting_iret = false;
		vcpu->nmi_masked = false;
	}
	lg_reinject(vcpu);
	ret = lg_dispatch_exit(vcpu, code);
	vcpu->run->stat_exits++;
	vcpu->run->stat_kind[vcpu->exit_kind]++;
	return ret;
}

/*
 * Finish what the launcher just completed for us.  Returns 1 when that
 * needs the launcher again (the write of an MMIO read-modify-write).
 */
static int lg_complete_pending(struct lg_vcpu *vcpu)
{
	struct lg_vmcb_save *s = &vcpu->vmcb->save;
	enum lg_pending pending = vcpu->pending;
	struct lg_run *run = vcpu->run;
	u64 mask;

	vcpu->pending = LG_PENDING_NONE;
	switch (pending) {
	case LG_PENDING_IO_IN:
		if (vcpu->pending_size == 4) {
			s->rax = READ_ONCE(run->io.data);
		} else {
			mask = (1ULL << (vcpu->pending_size * 8)) - 1;
			s->rax = (s->rax & ~mask) | (READ_ONCE(run->io.data) & mask);
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
		ret = lg_svm_enter(vcpu);
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
			lg_vcpu_stop(vcpu, "AMD-V is held by another hypervisor on CPU %d",
				     raw_smp_processor_id());
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
