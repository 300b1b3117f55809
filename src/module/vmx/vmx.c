// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VT-x backend (backend.h): VMX on and off, the VMCS of each vCPU,
 * entering the guest and sorting out why it came back, with EPT for the
 * nested page tables (npt.c, in EPT's entry format).
 *
 * As on SVM, lg takes VMX only while it has guests and only when nobody
 * else holds it (hw.c): CR4.VMXE set already means kvm_intel (or another
 * hypervisor) is in VMX operation.  IA32_FEATURE_CONTROL locked without
 * VMX is the firmware saying no.
 *
 * A VMCS is active on one CPU at a time: the vCPU's thread may move, so
 * a VMCS is VMCLEARed on the CPU it was on (an IPI) before the next
 * CPU's VMPTRLD, and every CPU keeps the list of the VMCSs active on it
 * to VMCLEAR before its VMXOFF, as KVM's loaded_vmcss_on_cpu.
 *
 * The guest runs with unrestricted guest (real mode, paging off, for
 * SIPIs and multiboot) and owns CR0 but NE, which VMX needs set (the
 * guest sees its own value through the read shadow), and CR4 but VMXE
 * and the bits lg_guest_cr4 keeps out: a change of those exits, as a
 * CR4 write does on SVM.  The MSRs VMX does not switch by itself
 * (KERNEL_GS_BASE, the SYSCALL ones) go through the VM-entry and VM-exit
 * MSR lists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/io.h>
#include <asm/msr-index.h>
#include <asm/mtrr.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "compat.h"
#include "lg.h"

int lg_vmx_vmrun(u64 *regs, bool launched);
extern const u8 lg_vmx_vmexit[];

/*
 * The MSRs switched through the VM-entry/VM-exit lists.  TSC_AUX needs
 * no switch: without "enable RDTSCP" the guest's RDTSCP and RDPID #UD.
 * Intel CPUs have no CSTAR (compat-mode SYSCALL): a guest's gets #GP.
 */
static const u32 lg_vmx_switched[] = {
	MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_SYSCALL_MASK,
};
#define LG_VMX_NR_MSRS	ARRAY_SIZE(lg_vmx_switched)

struct lg_vmx_msr {
	u32 index, reserved;
	u64 value;
};

/* A vCPU on VT-x: the core's, and the VMCS it runs from. */
struct vcpu_vmx {
	struct lg_vcpu vcpu;
	void *vmcs;
	u64 vmcs_pa;
	int cpu;		/* where the VMCS is active, or -1 */
	struct list_head loaded;	/* on that CPU's lg_vmx_loaded */
	bool launched;		/* VMRESUME, not VMLAUNCH, next */
	u16 vpid;
	u64 host_cr3, host_cr4;	/* what the VMCS has, to write on change */
	/* Guest values in, guest values out, host values in: a page. */
	struct lg_vmx_msr *msrs;
	u64 cr2, dr6;		/* the guest's: VMX switches neither */
	/* The exit, read while the VMCS was at hand (lg_vmx_run()). */
	u32 exit_reason, intr_info, insn_len;
	u64 exit_qual, gpa;
};

static struct vcpu_vmx *to_vmx(struct lg_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_vmx, vcpu);
}

static DEFINE_PER_CPU(void *, lg_vmxon_region);
static DEFINE_PER_CPU(struct list_head, lg_vmx_loaded);
static DEFINE_PER_CPU(void *, lg_vmx_current);
static u32 lg_vmcs_revision;
static u32 lg_pin, lg_proc, lg_proc2, lg_exit_ctl, lg_entry_ctl;
static u64 lg_cr0_fixed0, lg_cr4_fixed0;
static void *lg_msr_bitmap, *lg_io_bitmaps;	/* shared, read-only */
static DEFINE_IDA(lg_vpids);

/*
 * EPT's entries: read, write, execute; leaves write-back.  Accessed (and
 * dirty) are set from the start, as in the AMD format, so that on CPUs
 * with EPT A/D bits (on where present) the CPU never writes the tables.
 */
static const struct lg_npt_format lg_ept_format = {
	.present = VMX_EPT_RWX_MASK,
	.table = VMX_EPT_RWX_MASK | VMX_EPT_ACCESS_BIT,
	.leaf = VMX_EPT_RWX_MASK | (MTRR_TYPE_WRBACK << VMX_EPT_MT_EPTE_SHIFT) |
		VMX_EPT_ACCESS_BIT | VMX_EPT_DIRTY_BIT,
};
static u64 lg_eptp_ad;	/* VMX_EPTP_AD_ENABLE_BIT where the CPU has A/D */

/* An EPT violation's qualification: what the access was. */
#define LG_EPT_FETCH		BIT(2)
#define LG_EPT_GLA_VALID	BIT(7)
#define LG_EPT_GLA_FINAL	BIT(8)	/* the access itself, not the walk */

/* The instructions; VMfail leaves CF or ZF set. */
static inline u64 lg_vmread(unsigned long field)
{
	u64 val;

	asm volatile("vmread %1, %0" : "=rm"(val) : "r"(field) : "cc");
	return val;
}

static inline void lg_vmwrite(unsigned long field, u64 val)
{
	asm volatile("vmwrite %1, %0" : : "r"(field), "rm"(val) : "cc");
}

static bool lg_vmptrld(u64 pa)
{
	bool fail;

	asm volatile("vmptrld %1\n\tsetna %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail;
}

static void lg_vmclear(u64 pa)
{
	asm volatile("vmclear %0" : : "m"(pa) : "cc", "memory");
}

static bool lg_vmxon(u64 pa)
{
	bool fail;

	asm volatile("vmxon %1\n\tsetna %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail;
}

static void lg_invept_context(u64 eptp)
{
	struct { u64 eptp, zero; } desc = { eptp, 0 };

	asm volatile("invept %0, %1" : : "m"(desc), "r"((u64)VMX_EPT_EXTENT_CONTEXT)
		     : "cc", "memory");
}

static void lg_invept_all(void)
{
	static const struct { u64 eptp, zero; } desc;

	asm volatile("invept %0, %1" : : "m"(desc), "r"((u64)VMX_EPT_EXTENT_GLOBAL)
		     : "cc", "memory");
}

static void lg_invvpid_single(u16 vpid)
{
	struct { u64 vpid, gla; } desc = { vpid, 0 };

	asm volatile("invvpid %0, %1" : : "m"(desc), "r"((u64)VMX_VPID_EXTENT_SINGLE_CONTEXT)
		     : "cc", "memory");
}

/* The VMCS this CPU has active: VMCLEARed, off its list.  IRQs off. */
static void lg_vmx_clear_here(struct vcpu_vmx *vmx)
{
	lg_vmclear(vmx->vmcs_pa);
	list_del(&vmx->loaded);
	if (this_cpu_read(lg_vmx_current) == vmx->vmcs)
		this_cpu_write(lg_vmx_current, NULL);
	WRITE_ONCE(vmx->cpu, -1);
	vmx->launched = false;
}

static void lg_vmx_clear_ipi(void *data)
{
	struct vcpu_vmx *vmx = data;

	if (vmx->cpu == smp_processor_id())
		lg_vmx_clear_here(vmx);
}

/* Wherever it is active (preemption on, or off with IRQs on). */
static void lg_vmx_clear(struct vcpu_vmx *vmx)
{
	int cpu = READ_ONCE(vmx->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, lg_vmx_clear_ipi, vmx, 1);
}

/* One CPU's VMX on, interrupts off (hw.c). */
static int lg_vmx_enable_cpu(void)
{
	void *region = this_cpu_read(lg_vmxon_region);
	u64 fc;

	if (cr4_read_shadow() & X86_CR4_VMXE)
		return -EBUSY;
	lg_rdmsr(MSR_IA32_FEAT_CTL, fc);
	if (!(fc & FEAT_CTL_LOCKED) || !(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return -ENODEV;
	*(u32 *)region = lg_vmcs_revision;
	cr4_set_bits(X86_CR4_VMXE);
	if (lg_vmxon(virt_to_phys(region))) {
		cr4_clear_bits(X86_CR4_VMXE);
		return -EBUSY;
	}
	INIT_LIST_HEAD(this_cpu_ptr(&lg_vmx_loaded));
	this_cpu_write(lg_vmx_current, NULL);
	lg_invept_all();	/* another hypervisor's tags may be in the TLB */
	return 0;
}

static void lg_vmx_disable_cpu(void)
{
	struct vcpu_vmx *vmx, *next;

	list_for_each_entry_safe(vmx, next, this_cpu_ptr(&lg_vmx_loaded), loaded)
		lg_vmx_clear_here(vmx);
	asm volatile("vmxoff" : : : "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
}

/* A control's allowed settings: bits that must be 1, bits that may be. */
static int lg_vmx_ctl(u32 msr, u32 want, u32 optional, u32 *out)
{
	u64 cap;

	lg_rdmsr(msr, cap);
	want |= (u32)cap;			/* must-be-1 */
	want |= optional & (cap >> 32);
	if (want & ~(u32)(cap >> 32))
		return -ENODEV;			/* a bit we need is missing */
	*out = want;
	return 0;
}

/* The host's state that is this CPU's: written when a VMCS arrives here. */
static void lg_vmx_host_cpu_state(int cpu)
{
	struct desc_ptr gdt, idt;
	u64 val;

	native_store_gdt(&gdt);
	store_idt(&idt);
	lg_vmwrite(HOST_GDTR_BASE, gdt.address);
	lg_vmwrite(HOST_IDTR_BASE, idt.address);
	lg_vmwrite(HOST_TR_BASE, (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	lg_vmwrite(HOST_IA32_SYSENTER_ESP, (unsigned long)(cpu_entry_stack(cpu) + 1));
	lg_rdmsr(MSR_GS_BASE, val);	/* this CPU's per-CPU area */
	lg_vmwrite(HOST_GS_BASE, val);
}

/*
 * The backend's hooks below run in the vCPU's thread between entries; its
 * VMCS is current on this CPU then only inside run().  So each of them
 * makes it current first: lg_vmx_load().  Preemption is off from there
 * until the hook ends, as the VMCS must stay on this CPU.
 */
static bool lg_vmx_load(struct vcpu_vmx *vmx)
{
	int cpu;

	preempt_disable();
	cpu = smp_processor_id();
	if (vmx->cpu != cpu) {
		if (vmx->cpu >= 0) {
			preempt_enable();
			lg_vmx_clear(vmx);
			preempt_disable();
			cpu = smp_processor_id();
		}
		local_irq_disable();
		if (lg_hw_cpu_ready()) {
			local_irq_enable();
			return false;	/* lg_vmx_run() says so */
		}
		/* Clear first: a new VMCS, or one cleared on another CPU. */
		lg_vmclear(vmx->vmcs_pa);
		lg_vmptrld(vmx->vmcs_pa);
		lg_vmx_host_cpu_state(cpu);
		vmx->cpu = cpu;
		vmx->launched = false;
		list_add(&vmx->loaded, this_cpu_ptr(&lg_vmx_loaded));
		this_cpu_write(lg_vmx_current, vmx->vmcs);
		local_irq_enable();
		/* Stale tags of this vCPU from its last time here. */
		atomic_set(&vmx->vcpu.tlb_flush, 1);
	} else if (this_cpu_read(lg_vmx_current) != vmx->vmcs) {
		lg_vmptrld(vmx->vmcs_pa);
		this_cpu_write(lg_vmx_current, vmx->vmcs);
	} else {
		return true;
	}
	/*
	 * Another vCPU's VMCS was current here, perhaps another user's
	 * guest's: what it trained must not steer this one (KVM does this
	 * when it switches VMCS).
	 */
	if (boot_cpu_has(X86_FEATURE_IBPB))
		lg_wrmsr(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
	return true;
}

static void lg_vmx_unload(void)
{
	preempt_enable();
}

/* The VMCS fields that stay put for a vCPU. */
static int lg_vmx_vcpu_init(struct lg_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct lg_vmx_msr *m = vmx->msrs;
	u64 val;
	int i;

	/* The host's SYSCALL MSRs are the same everywhere, all along. */
	for (i = 0; i < LG_VMX_NR_MSRS; i++) {
		m[i].index = lg_vmx_switched[i];
		m[i].value = 0;
		m[LG_VMX_NR_MSRS + i].index = lg_vmx_switched[i];
		m[2 * LG_VMX_NR_MSRS + i].index = lg_vmx_switched[i];
		lg_rdmsr(lg_vmx_switched[i], m[2 * LG_VMX_NR_MSRS + i].value);
	}
	if (!lg_vmx_load(vmx)) {
		lg_vmx_unload();
		return -EBUSY;
	}
	lg_vmwrite(VMCS_LINK_POINTER, -1ULL);
	lg_vmwrite(PIN_BASED_VM_EXEC_CONTROL, lg_pin);
	lg_vmwrite(CPU_BASED_VM_EXEC_CONTROL, lg_proc);
	lg_vmwrite(SECONDARY_VM_EXEC_CONTROL, lg_proc2);
	lg_vmwrite(VM_EXIT_CONTROLS, lg_exit_ctl);
	lg_vmwrite(VM_ENTRY_CONTROLS, lg_entry_ctl);
	lg_vmwrite(EXCEPTION_BITMAP, BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) |
		   BIT(X86_TRAP_MC));
	lg_vmwrite(IO_BITMAP_A, virt_to_phys(lg_io_bitmaps));
	lg_vmwrite(IO_BITMAP_B, virt_to_phys(lg_io_bitmaps) + PAGE_SIZE);
	lg_vmwrite(MSR_BITMAP, virt_to_phys(lg_msr_bitmap));
	lg_vmwrite(EPT_POINTER, vcpu->vm->npt_root_pa | VMX_EPTP_MT_WB | lg_eptp_ad |
		   ((u64)(vcpu->vm->npt_levels - 1) << 3));
	if (vmx->vpid)
		lg_vmwrite(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	lg_vmwrite(TSC_OFFSET, vcpu->vm->tsc_offset);
	lg_vmwrite(CR0_GUEST_HOST_MASK, X86_CR0_NE | X86_CR0_PG);
	lg_vmwrite(CR4_GUEST_HOST_MASK, ~lg_guest_cr4 | X86_CR4_VMXE);
	lg_vmwrite(VM_ENTRY_MSR_LOAD_ADDR, virt_to_phys(m));
	lg_vmwrite(VM_ENTRY_MSR_LOAD_COUNT, LG_VMX_NR_MSRS);
	lg_vmwrite(VM_EXIT_MSR_STORE_ADDR, virt_to_phys(m));
	lg_vmwrite(VM_EXIT_MSR_STORE_COUNT, LG_VMX_NR_MSRS);
	lg_vmwrite(VM_EXIT_MSR_LOAD_ADDR, virt_to_phys(m + 2 * LG_VMX_NR_MSRS));
	lg_vmwrite(VM_EXIT_MSR_LOAD_COUNT, LG_VMX_NR_MSRS);
	if (lg_proc2 & SECONDARY_EXEC_PAUSE_LOOP_EXITING) {
		lg_vmwrite(PLE_GAP, 128);
		lg_vmwrite(PLE_WINDOW, 4096);
	}
	/* The host's state that no CPU move changes. */
	lg_vmwrite(HOST_CR0, read_cr0());
	lg_vmwrite(HOST_CS_SELECTOR, __KERNEL_CS);
	lg_vmwrite(HOST_SS_SELECTOR, __KERNEL_DS);
	lg_vmwrite(HOST_DS_SELECTOR, 0);
	lg_vmwrite(HOST_ES_SELECTOR, 0);
	lg_vmwrite(HOST_FS_SELECTOR, 0);
	lg_vmwrite(HOST_GS_SELECTOR, 0);
	lg_vmwrite(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	lg_vmwrite(HOST_RIP, (unsigned long)lg_vmx_vmexit);
	/* 32-bit processes enter through SYSENTER: the host's MSRs back. */
	lg_rdmsr(MSR_IA32_SYSENTER_CS, val);
	lg_vmwrite(HOST_IA32_SYSENTER_CS, val);
	lg_rdmsr(MSR_IA32_SYSENTER_EIP, val);
	lg_vmwrite(HOST_IA32_SYSENTER_EIP, val);
	lg_rdmsr(MSR_IA32_CR_PAT, val);
	lg_vmwrite(HOST_IA32_PAT, val);
	lg_rdmsr(MSR_EFER, val);
	lg_vmwrite(HOST_IA32_EFER, val);
	lg_vmwrite(GUEST_IA32_DEBUGCTL, 0);
	lg_vmwrite(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	lg_vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
	lg_vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	lg_vmwrite(GUEST_SYSENTER_CS, 0);
	lg_vmwrite(GUEST_SYSENTER_ESP, 0);
	lg_vmwrite(GUEST_SYSENTER_EIP, 0);
	lg_vmwrite(VM_ENTRY_INTR_INFO_FIELD, 0);
	lg_vmx_unload();
	return 0;
}


/*
 * CR0 and CR4 as the guest sees them: its own bits from the CPU, ours
 * (in the guest/host mask) from the read shadow.  VMCS loaded.
 */
static u64 lg_vmx_cr0(void)
{
	u64 mask = lg_vmread(CR0_GUEST_HOST_MASK);

	return (lg_vmread(GUEST_CR0) & ~mask) | (lg_vmread(CR0_READ_SHADOW) & mask);
}

static u64 lg_vmx_cr4(void)
{
	u64 mask = lg_vmread(CR4_GUEST_HOST_MASK);

	return (lg_vmread(GUEST_CR4) & ~mask) | (lg_vmread(CR4_READ_SHADOW) & mask);
}

/* Attributes as struct lg_seg has them, and VMX's access rights. */
static u32 lg_seg_ar(u16 attrib)
{
	if (!(attrib & 0x80))
		return VMX_AR_UNUSABLE_MASK;
	return (attrib & 0xff) | ((attrib & 0xf00) << 4);
}

static u16 lg_ar_seg(u32 ar)
{
	if (ar & VMX_AR_UNUSABLE_MASK)
		return 0;
	return (ar & 0xff) | ((ar >> 4) & 0xf00);
}

/* The fields of ES, CS, SS, DS, FS, GS, LDTR, TR are 2 apart, in order. */
static void lg_vmx_get_sregs(struct lg_vcpu *vcpu, struct lg_sregs *s)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	int i;

	lg_vmx_load(vmx);
	for (i = 0; i < LG_NR_SEGS; i++) {
		unsigned int n = i * 2;

		s->seg[i] = (struct lg_seg){
			.sel = lg_vmread(GUEST_ES_SELECTOR + n),
			.base = lg_vmread(GUEST_ES_BASE + n),
			.limit = lg_vmread(GUEST_ES_LIMIT + n),
			.attrib = lg_ar_seg(lg_vmread(GUEST_ES_AR_BYTES + n)),
		};
	}
	s->gdt_base = lg_vmread(GUEST_GDTR_BASE);
	s->gdt_limit = lg_vmread(GUEST_GDTR_LIMIT);
	s->idt_base = lg_vmread(GUEST_IDTR_BASE);
	s->idt_limit = lg_vmread(GUEST_IDTR_LIMIT);
	s->cr0 = lg_vmx_cr0();
	s->cr2 = vmx->cr2;
	s->cr3 = lg_vmread(GUEST_CR3);
	s->cr4 = lg_vmx_cr4();
	s->efer = lg_vmread(GUEST_IA32_EFER);
	s->dr6 = vmx->dr6;
	s->dr7 = lg_vmread(GUEST_DR7);
	s->cpl = (s->seg[LG_SEG_SS].attrib >> 5) & 3;
	lg_vmx_unload();
}

static void lg_vmx_write_cr0(u64 cr0)
{
	lg_vmwrite(CR0_READ_SHADOW, cr0);
	lg_vmwrite(GUEST_CR0, cr0 | lg_cr0_fixed0);
}

static void lg_vmx_write_cr4(u64 cr4)
{
	lg_vmwrite(CR4_READ_SHADOW, cr4);
	lg_vmwrite(GUEST_CR4, cr4 | lg_cr4_fixed0);
}

/* EFER, and the entry control that says long mode with it. */
static void lg_vmx_write_efer(u64 efer)
{
	u32 entry = lg_vmread(VM_ENTRY_CONTROLS) & ~VM_ENTRY_IA32E_MODE;

	lg_vmwrite(GUEST_IA32_EFER, efer);
	lg_vmwrite(VM_ENTRY_CONTROLS, entry | (efer & EFER_LMA ? VM_ENTRY_IA32E_MODE : 0));
}

static void lg_vmx_set_sregs(struct lg_vcpu *vcpu, const struct lg_sregs *s)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	int i;

	lg_vmx_load(vmx);
	for (i = 0; i < LG_NR_SEGS; i++) {
		const struct lg_seg *seg = &s->seg[i];

		lg_vmwrite(GUEST_ES_SELECTOR + i * 2, seg->sel);
		lg_vmwrite(GUEST_ES_BASE + i * 2, seg->base);
		lg_vmwrite(GUEST_ES_LIMIT + i * 2, seg->limit);
		lg_vmwrite(GUEST_ES_AR_BYTES + i * 2, lg_seg_ar(seg->attrib));
	}
	lg_vmwrite(GUEST_GDTR_BASE, s->gdt_base);
	lg_vmwrite(GUEST_GDTR_LIMIT, s->gdt_limit);
	lg_vmwrite(GUEST_IDTR_BASE, s->idt_base);
	lg_vmwrite(GUEST_IDTR_LIMIT, s->idt_limit);
	lg_vmx_write_cr0(s->cr0);
	vmx->cr2 = s->cr2;
	lg_vmwrite(GUEST_CR3, s->cr3);
	lg_vmx_write_cr4(s->cr4);
	lg_vmx_write_efer(s->efer);
	vmx->dr6 = s->dr6;
	lg_vmwrite(GUEST_DR7, s->dr7);
	lg_vmx_unload();
}

static u64 lg_vmx_get_cr4(struct lg_vcpu *vcpu)
{
	u64 cr4;

	lg_vmx_load(to_vmx(vcpu));
	cr4 = lg_vmx_cr4();
	lg_vmx_unload();
	return cr4;
}

static void lg_vmx_set_cr2(struct lg_vcpu *vcpu, u64 cr2)
{
	to_vmx(vcpu)->cr2 = cr2;
}

static void lg_vmx_set_cr4(struct lg_vcpu *vcpu, u64 cr4)
{
	lg_vmx_load(to_vmx(vcpu));
	lg_vmx_write_cr4(cr4);
	lg_vmx_unload();
}

static void lg_vmx_set_efer(struct lg_vcpu *vcpu, u64 efer)
{
	lg_vmx_load(to_vmx(vcpu));
	lg_vmx_write_efer(efer);
	lg_vmx_unload();
}

static void lg_vmx_set_pat(struct lg_vcpu *vcpu, u64 pat)
{
	lg_vmx_load(to_vmx(vcpu));
	lg_vmwrite(GUEST_IA32_PAT, pat);
	lg_vmx_unload();
}

static bool lg_vmx_can_inject(struct lg_vcpu *vcpu)
{
	bool ok;

	lg_vmx_load(to_vmx(vcpu));
	ok = !(lg_vmread(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK) &&
	     !(lg_vmread(GUEST_INTERRUPTIBILITY_INFO) &
	       (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	lg_vmx_unload();
	return ok;
}

static void lg_vmx_inject(struct lg_vcpu *vcpu, u32 info, u32 err)
{
	lg_vmx_load(to_vmx(vcpu));
	lg_vmwrite(VM_ENTRY_INTR_INFO_FIELD, info | INTR_INFO_VALID_MASK);
	if (info & INTR_INFO_DELIVER_CODE_MASK)
		lg_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, err);
	lg_vmx_unload();
}

static void lg_vmx_inject_exception(struct lg_vcpu *vcpu, u8 vector,
				    bool has_err, u32 err)
{
	lg_vmx_inject(vcpu, vector | INTR_TYPE_HARD_EXCEPTION |
		      (has_err ? INTR_INFO_DELIVER_CODE_MASK : 0), err);
}

static void lg_vmx_inject_irq(struct lg_vcpu *vcpu, u8 vector)
{
	lg_vmx_inject(vcpu, vector | INTR_TYPE_EXT_INTR, 0);
}

/* Virtual NMIs: the CPU blocks NMIs until the handler's IRET. */
static void lg_vmx_inject_nmi(struct lg_vcpu *vcpu)
{
	lg_vmx_inject(vcpu, NMI_VECTOR | INTR_TYPE_NMI_INTR, 0);
}

static void lg_vmx_set_proc(struct lg_vcpu *vcpu, u32 set, u32 clear)
{
	u32 proc;

	lg_vmx_load(to_vmx(vcpu));
	proc = lg_vmread(CPU_BASED_VM_EXEC_CONTROL);
	lg_vmwrite(CPU_BASED_VM_EXEC_CONTROL, (proc & ~clear) | set);
	lg_vmx_unload();
}

static void lg_vmx_irq_window(struct lg_vcpu *vcpu)
{
	lg_vmx_set_proc(vcpu, CPU_BASED_INTR_WINDOW_EXITING, 0);
}

static void lg_vmx_clear_events(struct lg_vcpu *vcpu)
{
	lg_vmx_set_proc(vcpu, 0, CPU_BASED_INTR_WINDOW_EXITING |
			CPU_BASED_NMI_WINDOW_EXITING);
	lg_vmx_load(to_vmx(vcpu));
	lg_vmwrite(VM_ENTRY_INTR_INFO_FIELD, 0);
	lg_vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
	lg_vmx_unload();
}

static void lg_vmx_clear_shadow(struct lg_vcpu *vcpu)
{
	u32 intr;

	lg_vmx_load(to_vmx(vcpu));
	intr = lg_vmread(GUEST_INTERRUPTIBILITY_INFO);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		lg_vmwrite(GUEST_INTERRUPTIBILITY_INFO,
			   intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	lg_vmx_unload();
}

/* The exit says how long the instruction was: @len is not needed. */
static void lg_vmx_skip_insn(struct lg_vcpu *vcpu, unsigned int len)
{
	lg_skip(vcpu, to_vmx(vcpu)->insn_len);
}

static int lg_vmx_insn_bytes(struct lg_vcpu *vcpu, u8 *buf, unsigned int max)
{
	return 0;	/* VMX hands over no instruction bytes */
}

static struct lg_vcpu *lg_vmx_vcpu_alloc(void)
{
	struct vcpu_vmx *vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	int vpid;

	if (!vmx)
		return NULL;
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded);
	vmx->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vmx->msrs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->vmcs || !vmx->msrs)
		goto fail;
	*(u32 *)vmx->vmcs = lg_vmcs_revision;
	vmx->vmcs_pa = virt_to_phys(vmx->vmcs);
	if (lg_proc2 & SECONDARY_EXEC_ENABLE_VPID) {
		vpid = ida_alloc_range(&lg_vpids, 1, 0xffff, GFP_KERNEL);
		if (vpid < 0)
			goto fail;
		vmx->vpid = vpid;
	}
	return &vmx->vcpu;
fail:
	free_page((unsigned long)vmx->vmcs);
	free_page((unsigned long)vmx->msrs);
	kfree(vmx);
	return NULL;
}

static void lg_vmx_vcpu_free(struct lg_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	cpus_read_lock();
	lg_vmx_clear(vmx);
	cpus_read_unlock();
	if (vmx->vpid)
		ida_free(&lg_vpids, vmx->vpid);
	free_page((unsigned long)vmx->vmcs);
	free_page((unsigned long)vmx->msrs);
	kfree(vmx);
}

/*
 * The host's state that the process may have changed since the last
 * entry: its page tables (and PCID), CR4, FS base and user GS base.
 */
static void lg_vmx_host_state(struct vcpu_vmx *vmx)
{
	struct lg_vmx_msr *host = vmx->msrs + 2 * LG_VMX_NR_MSRS;
	u64 cr3 = __read_cr3(), cr4 = cr4_read_shadow(), val;

	if (cr3 != vmx->host_cr3) {
		lg_vmwrite(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (cr4 != vmx->host_cr4) {
		lg_vmwrite(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
	lg_rdmsr(MSR_FS_BASE, val);
	lg_vmwrite(HOST_FS_BASE, val);
	lg_rdmsr(MSR_KERNEL_GS_BASE, host[0].value);	/* lg_vmx_switched[0] */
}

/* What an exit interrupted the delivery of: delivered again. */
static void lg_vmx_reinject(struct lg_vcpu *vcpu)
{
	u32 info = lg_vmread(IDT_VECTORING_INFO_FIELD);
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	lg_vmwrite(VM_ENTRY_INTR_INFO_FIELD, 0);
	if (!(info & VECTORING_INFO_VALID_MASK))
		return;
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		lg_vmwrite(VM_ENTRY_INSTRUCTION_LEN, lg_vmread(VM_EXIT_INSTRUCTION_LEN));
	if (info & VECTORING_INFO_DELIVER_CODE_MASK)
		lg_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE,
			   lg_vmread(IDT_VECTORING_ERROR_CODE));
	lg_vmwrite(VM_ENTRY_INTR_INFO_FIELD, info & ~INTR_INFO_UNBLOCK_NMI);
}

/*
 * Enter the guest once: 0 with the exit in the VMCS, 1 when something
 * arrived just before entry (nothing ran), -EBUSY or -ESHUTDOWN when
 * this CPU's VMX is not ours.  The guest's RSP, RIP and RFLAGS go into
 * the VMCS; its CR2, which VMX does not switch, into the CPU.
 */
static int lg_vmx_run(struct lg_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	unsigned long host_dr[4], host_cr2;
	u64 debugctl;
	bool guest_dr, guest_xcr0, fail;
	int cpu, ret = 0;
	u64 cr4;

	lg_vmx_load(vmx);
	kernel_fpu_begin();
	lg_fpu_load(vcpu);
	local_irq_disable();
	cpu = smp_processor_id();
	ret = lg_hw_cpu_ready();
	if (unlikely(ret) || vmx->cpu != cpu) {
		ret = ret ?: -EBUSY;
		goto out;
	}
	WRITE_ONCE(vcpu->last_cpu, cpu);
	atomic_set(&vcpu->in_guest, 1);
	smp_mb__after_atomic();	/* pairs with lg_vcpu_kick(), lg_flush_guest_tlbs() */
	if (lg_irq_wakeup_due(vcpu)) {
		ret = 1;
		goto leave;
	}
	if (atomic_xchg(&vcpu->tlb_flush, 0)) {
		lg_invept_context(lg_vmread(EPT_POINTER));
		if (vmx->vpid)
			lg_invvpid_single(vmx->vpid);
	}
	lg_vmx_host_state(vmx);
	/* An NMI the guest blocks: exit once it unblocks (its IRET). */
	if (vcpu->nmi_pending && vcpu->nmi_masked)
		lg_vmwrite(CPU_BASED_VM_EXEC_CONTROL,
			   lg_vmread(CPU_BASED_VM_EXEC_CONTROL) | CPU_BASED_NMI_WINDOW_EXITING);
	lg_vmwrite(GUEST_RSP, vcpu->regs[LG_RSP]);
	lg_vmwrite(GUEST_RIP, vcpu->rip);
	lg_vmwrite(GUEST_RFLAGS, vcpu->rflags);
	cr4 = lg_vmx_cr4();
	guest_dr = lg_dr_load_guest(vcpu, lg_vmread(GUEST_DR7), host_dr);
	host_cr2 = native_read_cr2();
	if (host_cr2 != vmx->cr2)
		native_write_cr2(vmx->cr2);
	guest_xcr0 = lg_xcr0_get(vcpu, cr4);
	lg_rdmsr(MSR_IA32_DEBUGCTLMSR, debugctl);	/* exits clear it */
	/* L1TF: nothing of the host's in L1D for the guest to read (KVM's "always"). */
	if (static_cpu_has(X86_FEATURE_FLUSH_L1D) && boot_cpu_has_bug(X86_BUG_L1TF))
		lg_wrmsr(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
	fail = lg_vmx_vmrun(vcpu->regs, vmx->launched);
	vmx->cr2 = native_read_cr2();
	native_write_cr2(host_cr2);
	if (debugctl)
		lg_wrmsr(MSR_IA32_DEBUGCTLMSR, debugctl);
	vcpu->bad_xcr0 = lg_xcr0_put(vcpu, cr4, guest_xcr0);
	invalidate_tss_limit();	/* VM exits cut TR's limit to 0x67 */
	lg_dr_restore_host(guest_dr, host_dr);
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);
	if (fail) {
		vmx->exit_reason = VMX_EXIT_REASONS_FAILED_VMENTRY;
		vmx->exit_qual = lg_vmread(VM_INSTRUCTION_ERROR);
		goto leave;
	}
	vmx->launched = true;
	vmx->exit_reason = lg_vmread(VM_EXIT_REASON);
	vmx->exit_qual = lg_vmread(EXIT_QUALIFICATION);
	vmx->intr_info = lg_vmread(VM_EXIT_INTR_INFO);
	vmx->insn_len = lg_vmread(VM_EXIT_INSTRUCTION_LEN);
	vmx->gpa = lg_vmread(GUEST_PHYSICAL_ADDRESS);
	vcpu->regs[LG_RSP] = lg_vmread(GUEST_RSP);
	vcpu->rip = lg_vmread(GUEST_RIP);
	vcpu->rflags = lg_vmread(GUEST_RFLAGS);
	vcpu->nmi_masked = lg_vmread(GUEST_INTERRUPTIBILITY_INFO) & GUEST_INTR_STATE_NMI;
	if (!(vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		lg_vmx_reinject(vcpu);
	if ((u16)vmx->exit_reason == EXIT_REASON_EXCEPTION_NMI &&
	    (vmx->intr_info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		asm volatile("int $2");	/* the host's NMI, as KVM hands it on */
	if ((u16)vmx->exit_reason == EXIT_REASON_MCE_DURING_VMENTRY ||
	    ((u16)vmx->exit_reason == EXIT_REASON_EXCEPTION_NMI &&
	     (vmx->intr_info & 0xff) == X86_TRAP_MC))
		lg_machine_check();
leave:
	atomic_set(&vcpu->in_guest, 0);
out:
	local_irq_enable();
	lg_fpu_save(vcpu);
	kernel_fpu_end();
	lg_vmx_unload();
	return ret;
}

static enum lg_stat_kind lg_vmx_exit_kind(u16 reason)
{
	switch (reason) {
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		return LG_STAT_HOST_INTR;
	case EXIT_REASON_INTERRUPT_WINDOW:
	case EXIT_REASON_NMI_WINDOW:
		return LG_STAT_IRQ_WINDOW;
	case EXIT_REASON_CPUID:
		return LG_STAT_CPUID;
	case EXIT_REASON_MSR_READ:
	case EXIT_REASON_MSR_WRITE:
		return LG_STAT_MSR;
	case EXIT_REASON_IO_INSTRUCTION:
		return LG_STAT_IO;
	case EXIT_REASON_HLT:
		return LG_STAT_HLT;
	case EXIT_REASON_EPT_VIOLATION:
		return LG_STAT_NPF;
	case EXIT_REASON_PAUSE_INSTRUCTION:
		return LG_STAT_PAUSE;
	default:
		return LG_STAT_OTHER;
	}
}

/* MOV to CR0 or CR4 with a bit we own: the guest's value, kept. */
static int lg_vmx_cr_access(struct vcpu_vmx *vmx)
{
	struct lg_vcpu *vcpu = &vmx->vcpu;
	unsigned int cr = vmx->exit_qual & 15, type = (vmx->exit_qual >> 4) & 3;
	u64 val = vcpu->regs[(vmx->exit_qual >> 8) & 15], old;

	if (type != 0 || (cr != 0 && cr != 4))
		goto bad;
	if (cr == 4)
		return lg_emulate_mov_cr4(vcpu);
	if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE))) {
		lg_inject_gp(vcpu);
		return 0;
	}
	lg_vmx_load(vmx);
	old = lg_vmx_cr0();
	/* Paging on or off with EFER.LME: into or out of long mode. */
	if ((val ^ old) & X86_CR0_PG) {
		u64 efer = lg_vmread(GUEST_IA32_EFER);

		/* Long mode needs PAE: #GP, where entry would refuse the state. */
		if ((val & X86_CR0_PG) && (efer & EFER_LME) &&
		    !(lg_vmx_cr4() & X86_CR4_PAE)) {
			lg_vmx_unload();
			lg_inject_gp(vcpu);
			return 0;
		}
		if (efer & EFER_LME)
			lg_vmx_write_efer(val & X86_CR0_PG ? efer | EFER_LMA :
					  efer & ~EFER_LMA);
		atomic_set(&vcpu->tlb_flush, 1);
	}
	lg_vmx_write_cr0(val);
	lg_vmx_unload();
	lg_vmx_skip_insn(vcpu, 3);
	return 0;
bad:
	lg_vcpu_stop(vcpu, "unexpected control register access (qualification 0x%llx) at rip 0x%llx",
		     vmx->exit_qual, vcpu->rip);
	return 1;
}

/* MOV to or from DR4-7 (DR0-3 are the core's); DR4/5 alias DR6/7. */
static int lg_vmx_dr_access(struct vcpu_vmx *vmx)
{
	struct lg_vcpu *vcpu = &vmx->vcpu;
	unsigned int dr = vmx->exit_qual & 7;
	u64 *reg = &vcpu->regs[(vmx->exit_qual >> 8) & 15];
	bool read = vmx->exit_qual & BIT(4);

	if (dr == 4 || dr == 5) {
		if (lg_vmx_get_cr4(vcpu) & X86_CR4_DE) {
			lg_inject_ud(vcpu);
			return 0;
		}
		dr += 2;
	}
	lg_vmx_load(vmx);
	if (dr == 6 && read)
		*reg = vmx->dr6;
	else if (dr == 6)
		vmx->dr6 = (*reg & 0xffffffffULL) | DR6_RESERVED;
	else if (read)
		*reg = lg_vmread(GUEST_DR7);
	else
		lg_vmwrite(GUEST_DR7, (*reg & 0xffffffffULL) | 0x400);
	lg_vmx_unload();
	lg_vmx_skip_insn(vcpu, 3);
	return 0;
}

static int lg_vmx_dispatch(struct vcpu_vmx *vmx)
{
	struct lg_vcpu *vcpu = &vmx->vcpu;
	u16 reason = vmx->exit_reason;
	u64 q = vmx->exit_qual;
	struct lg_io io;
	u32 intr;

	if (unlikely(vmx->exit_reason == VMX_EXIT_REASONS_FAILED_VMENTRY)) {
		lg_vcpu_stop(vcpu, "VM entry refused (instruction error %llu)", q);
		return 1;
	}
	if (unlikely(vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY)) {
		lg_vcpu_stop(vcpu, "VM entry refused the guest state (exit %u, qualification 0x%llx)",
			     reason, q);
		return 1;
	}
	if (unlikely(vcpu->bad_xcr0)) {
		lg_vcpu_stop(vcpu, "guest set XCR0 to 0x%llx without an XSETBV exit",
			     vcpu->bad_xcr0);
		return 1;
	}

	switch (reason) {
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		return 0;
	case EXIT_REASON_EXCEPTION_NMI:
		intr = vmx->intr_info;
		if ((intr & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
			return 0;	/* the host's, handed on in lg_vmx_run() */
		switch (intr & 0xff) {
		case X86_TRAP_DB:
			vmx->dr6 = DR6_RESERVED | q;
			lg_vmx_inject_exception(vcpu, X86_TRAP_DB, false, 0);
			return 0;
		case X86_TRAP_AC:
			lg_vmx_inject_exception(vcpu, X86_TRAP_AC, true, 0);
			return 0;
		case X86_TRAP_MC:
			return 0;	/* the host's, in lg_vmx_run() */
		}
		break;
	case EXIT_REASON_TRIPLE_FAULT:
		vcpu->run->exit_reason = LG_EXIT_SHUTDOWN;
		return 1;
	case EXIT_REASON_INTERRUPT_WINDOW:
		lg_vmx_set_proc(vcpu, 0, CPU_BASED_INTR_WINDOW_EXITING);
		return 0;
	case EXIT_REASON_NMI_WINDOW:
		lg_vmx_set_proc(vcpu, 0, CPU_BASED_NMI_WINDOW_EXITING);
		return 0;
	case EXIT_REASON_CPUID:
		return lg_handle_cpuid(vcpu);
	case EXIT_REASON_HLT:
		return lg_handle_hlt(vcpu);
	case EXIT_REASON_INVD:
	case EXIT_REASON_WBINVD:
		return lg_handle_wbinvd(vcpu);
	case EXIT_REASON_RDPMC:
		lg_inject_gp(vcpu);	/* CPUID offers no counters to read */
		return 0;
	case EXIT_REASON_VMCALL:
		return lg_handle_hypercall(vcpu, 3);
	case EXIT_REASON_CR_ACCESS:
		return lg_vmx_cr_access(vmx);
	case EXIT_REASON_DR_ACCESS:
		if ((q & 7) < 4)
			return lg_emulate_mov_dr(vcpu, q & 7, !(q & BIT(4)));
		return lg_vmx_dr_access(vmx);
	case EXIT_REASON_IO_INSTRUCTION:
		io = (struct lg_io){
			.port = q >> 16,
			.size = (q & 7) + 1,
			.in = q & BIT(3),
			.string = q & BIT(4),
			.rep = q & BIT(5),
			.next_rip = vcpu->rip + vmx->insn_len,
		};
		return lg_handle_io(vcpu, &io);
	case EXIT_REASON_MSR_READ:
	case EXIT_REASON_MSR_WRITE:
		return lg_handle_msr(vcpu, reason == EXIT_REASON_MSR_WRITE);
	case EXIT_REASON_PAUSE_INSTRUCTION:
		return lg_handle_pause(vcpu);
	case EXIT_REASON_EPT_VIOLATION:
		return lg_handle_gpa_fault(vcpu, vmx->gpa,
					   (q & LG_EPT_FETCH ? LG_GPA_FETCH : 0) |
					   ((q & LG_EPT_GLA_VALID) && !(q & LG_EPT_GLA_FINAL) ?
					    LG_GPA_WALK : 0));
	case EXIT_REASON_XSETBV:
		return lg_handle_xsetbv(vcpu);
	case EXIT_REASON_VMCLEAR ... EXIT_REASON_VMON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_VMFUNC:
	case EXIT_REASON_MWAIT_INSTRUCTION:
	case EXIT_REASON_MONITOR_INSTRUCTION:
	case EXIT_REASON_INVPCID:
	case EXIT_REASON_RDTSCP:
		lg_inject_ud(vcpu);	/* not for guests, as on SVM */
		return 0;
	}
	lg_vcpu_stop(vcpu, "unexpected VM exit %u (qualification 0x%llx) at rip 0x%llx",
		     reason, q, vcpu->rip);
	return 1;
}

static int lg_vmx_handle_exit(struct lg_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	vcpu->exit_kind = lg_vmx_exit_kind(vmx->exit_reason);
	/* Not under lg_vmx_load(): handlers sleep (HLT); hooks load it. */
	return lg_vmx_dispatch(vmx);
}

static void lg_vmx_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(lg_vmxon_region, cpu));
		per_cpu(lg_vmxon_region, cpu) = NULL;
	}
	free_page((unsigned long)lg_msr_bitmap);
	free_pages((unsigned long)lg_io_bitmaps, 1);
}

/* Reads and writes of these MSRs need no exit: the VMCS switches them. */
static void lg_msr_bitmap_allow(u32 msr)
{
	u8 *bm = lg_msr_bitmap;
	unsigned int off = msr >= 0xc0000000 ? 0x400 : 0;

	msr &= 0x1fff;
	bm[off + msr / 8] &= ~BIT(msr % 8);		/* read */
	bm[0x800 + off + msr / 8] &= ~BIT(msr % 8);	/* write */
}

static int lg_vmx_setup(void)
{
	static const u32 passthrough[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR,
		MSR_LSTAR, MSR_SYSCALL_MASK, MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	};
	u64 basic, ept, fixed1;
	bool true_ctls;
	int cpu, i;

	lg_rdmsr(MSR_IA32_VMX_BASIC, basic);
	lg_vmcs_revision = basic & 0x7fffffff;
	true_ctls = basic & BIT_ULL(55);
	if (((basic >> 32) & 0x1fff) > PAGE_SIZE)
		return -ENODEV;
	if (lg_vmx_ctl(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS,
		       PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
		       PIN_BASED_VIRTUAL_NMIS, 0, &lg_pin) ||
	    lg_vmx_ctl(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS,
		       CPU_BASED_HLT_EXITING | CPU_BASED_MWAIT_EXITING |
		       CPU_BASED_RDPMC_EXITING | CPU_BASED_USE_TSC_OFFSETTING |
		       CPU_BASED_MOV_DR_EXITING | CPU_BASED_USE_IO_BITMAPS |
		       CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_MONITOR_EXITING |
		       CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 0, &lg_proc) ||
	    lg_vmx_ctl(MSR_IA32_VMX_PROCBASED_CTLS2,
		       SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST |
		       SECONDARY_EXEC_WBINVD_EXITING,
		       SECONDARY_EXEC_ENABLE_VPID | SECONDARY_EXEC_PAUSE_LOOP_EXITING,
		       &lg_proc2) ||
	    lg_vmx_ctl(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS,
		       VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_PAT |
		       VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_IA32_EFER |
		       VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_DEBUG_CONTROLS, 0,
		       &lg_exit_ctl) ||
	    lg_vmx_ctl(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS,
		       VM_ENTRY_LOAD_IA32_PAT | VM_ENTRY_LOAD_IA32_EFER |
		       VM_ENTRY_LOAD_DEBUG_CONTROLS, 0, &lg_entry_ctl)) {
		pr_err("this CPU's VT-x lacks what lguest needs (EPT, unrestricted guest, virtual NMIs)\n");
		return -ENODEV;
	}
	/* Unrestricted guest leaves PE and PG to the guest; NE stays on. */
	lg_rdmsr(MSR_IA32_VMX_CR0_FIXED0, lg_cr0_fixed0);
	lg_cr0_fixed0 &= ~(u64)(X86_CR0_PE | X86_CR0_PG);
	lg_rdmsr(MSR_IA32_VMX_CR4_FIXED0, lg_cr4_fixed0);
	lg_rdmsr(MSR_IA32_VMX_CR4_FIXED1, fixed1);
	lg_guest_cr4 &= fixed1 & ~X86_CR4_VMXE;
	lg_rdmsr(MSR_IA32_VMX_EPT_VPID_CAP, ept);
	if (!(ept & VMX_EPTP_WB_BIT) || !(ept & VMX_EPT_INVEPT_BIT) ||
	    !(ept & VMX_EPT_EXTENT_CONTEXT_BIT) ||
	    !(ept & (__read_cr4() & X86_CR4_LA57 ? VMX_EPT_PAGE_WALK_5_BIT :
		     VMX_EPT_PAGE_WALK_4_BIT))) {
		pr_err("this CPU's EPT lacks what lguest needs (write-back tables of the host's depth, INVEPT)\n");
		return -ENODEV;
	}
	lg_eptp_ad = ept & VMX_EPT_AD_BIT ? VMX_EPTP_AD_ENABLE_BIT : 0;
	if (!(ept & VMX_VPID_INVVPID_BIT) || !(ept & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT))
		lg_proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;

	lg_msr_bitmap = (void *)__get_free_page(GFP_KERNEL);
	lg_io_bitmaps = (void *)__get_free_pages(GFP_KERNEL, 1);
	if (!lg_msr_bitmap || !lg_io_bitmaps)
		goto nomem;
	memset(lg_msr_bitmap, 0xff, PAGE_SIZE);
	memset(lg_io_bitmaps, 0xff, PAGE_SIZE << 1);
	for (i = 0; i < ARRAY_SIZE(passthrough); i++)
		lg_msr_bitmap_allow(passthrough[i]);
	for_each_possible_cpu(cpu) {
		struct page *p = alloc_pages_node(cpu_to_node(cpu),
						  GFP_KERNEL | __GFP_ZERO, 0);

		if (!p)
			goto nomem;
		per_cpu(lg_vmxon_region, cpu) = page_address(p);
		INIT_LIST_HEAD(&per_cpu(lg_vmx_loaded, cpu));
	}
	return 0;
nomem:
	lg_vmx_exit();
	return -ENOMEM;
}

static const struct lg_backend_ops lg_vmx_ops = {
	.name = "VT-x",
	.busy_msg = "VT-x is in use by another hypervisor (kvm_intel?); unload it or set 'options kvm enable_virt_at_load=0'",
	.disabled_msg = "VT-x is disabled by the firmware (IA32_FEATURE_CONTROL); enable it in the BIOS setup",
	.enable_cpu = lg_vmx_enable_cpu,
	.disable_cpu = lg_vmx_disable_cpu,
	.exit = lg_vmx_exit,
	.npt_format = &lg_ept_format,
	.vcpu_alloc = lg_vmx_vcpu_alloc,
	.vcpu_init = lg_vmx_vcpu_init,
	.vcpu_free = lg_vmx_vcpu_free,
	.get_sregs = lg_vmx_get_sregs,
	.set_sregs = lg_vmx_set_sregs,
	.get_cr4 = lg_vmx_get_cr4,
	.set_cr2 = lg_vmx_set_cr2,
	.set_cr4 = lg_vmx_set_cr4,
	.set_efer = lg_vmx_set_efer,
	.set_pat = lg_vmx_set_pat,
	.can_inject = lg_vmx_can_inject,
	.inject_exception = lg_vmx_inject_exception,
	.inject_irq = lg_vmx_inject_irq,
	.inject_nmi = lg_vmx_inject_nmi,
	.irq_window = lg_vmx_irq_window,
	.clear_events = lg_vmx_clear_events,
	.clear_shadow = lg_vmx_clear_shadow,
	.skip_insn = lg_vmx_skip_insn,
	.insn_bytes = lg_vmx_insn_bytes,
	.run = lg_vmx_run,
	.handle_exit = lg_vmx_handle_exit,
};

/* VT-x with EPT and unrestricted guest, or why not. */
const struct lg_backend_ops *lg_vmx_probe(void)
{
	int ret;

	ret = lg_vmx_setup();
	return ret ? ERR_PTR(ret) : &lg_vmx_ops;
}
