/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the vendor-neutral core asks of a hardware backend (svm/, later
 * vmx/), as KVM's kvm_x86_ops and bhyve's vmm_ops: turning the CPU's
 * virtualization on and off, a vCPU's hardware state, entering the
 * guest, and the few parts of a vCPU's state that live in the VMCB or
 * VMCS.  The general registers, RIP and RFLAGS are the core's (struct
 * lg_vcpu); the backend moves them in and out around each entry.
 *
 * The backend sorts out why the guest exited and calls the core's
 * handler for it (the lg_handle_*() functions in lg.h), as KVM's
 * svm_exit_handlers call kvm_emulate_cpuid() and friends.
 */
#ifndef LG_BACKEND_H
#define LG_BACKEND_H

#include <linux/types.h>

struct lg_vcpu;
struct lg_npt_format;

/* A segment register, with the descriptor's attributes as SVM packs them. */
struct lg_seg {
	u64 base;
	u32 limit;
	u16 sel;
	u16 attrib;	/* type, S, DPL, P (bits 0-7); AVL, L, D/B, G (8-11) */
};

enum lg_seg_index {
	LG_SEG_ES, LG_SEG_CS, LG_SEG_SS, LG_SEG_DS, LG_SEG_FS, LG_SEG_GS,
	LG_SEG_LDTR, LG_SEG_TR, LG_NR_SEGS
};

/* The state of a vCPU that is not general registers. */
struct lg_sregs {
	struct lg_seg seg[LG_NR_SEGS];
	u64 gdt_base, idt_base;
	u16 gdt_limit, idt_limit;
	u64 cr0, cr2, cr3, cr4;
	u64 efer;	/* as the guest sees it: no SVME */
	u64 dr6, dr7;
	u8 cpl;
};

struct lg_backend_ops {
	const char *name;
	/* What lg_hw_get() says when another hypervisor has it, or the BIOS. */
	const char *busy_msg, *disabled_msg;
	/*
	 * One CPU's virtualization on (0, -EBUSY: someone else's, -ENODEV:
	 * the firmware's off) and off, interrupts off (hw.c says when).
	 */
	int (*enable_cpu)(void);
	void (*disable_cpu)(void);
	void (*exit)(void);	/* at module unload */
	const struct lg_npt_format *npt_format;

	/* A zeroed vCPU inside the backend's own structure, and its end. */
	struct lg_vcpu *(*vcpu_alloc)(void);
	int (*vcpu_init)(struct lg_vcpu *vcpu);	/* once vm and fields are set */
	void (*vcpu_free)(struct lg_vcpu *vcpu);

	void (*get_sregs)(struct lg_vcpu *vcpu, struct lg_sregs *s);
	void (*set_sregs)(struct lg_vcpu *vcpu, const struct lg_sregs *s);
	u64 (*get_cr4)(struct lg_vcpu *vcpu);	/* for CPUID and XSETBV */
	void (*set_cr2)(struct lg_vcpu *vcpu, u64 cr2);	/* a #PF's address */
	void (*set_cr4)(struct lg_vcpu *vcpu, u64 cr4);
	void (*set_efer)(struct lg_vcpu *vcpu, u64 efer);
	void (*set_pat)(struct lg_vcpu *vcpu, u64 pat);

	/*
	 * Events: whether one can be injected now (none is, no MOV SS/STI
	 * shadow), injecting it, asking for an exit once the guest takes
	 * interrupts, forgetting all of them (INIT).
	 */
	bool (*can_inject)(struct lg_vcpu *vcpu);
	void (*inject_exception)(struct lg_vcpu *vcpu, u8 vector, bool has_err,
				 u32 err);
	void (*inject_irq)(struct lg_vcpu *vcpu, u8 vector);
	void (*inject_nmi)(struct lg_vcpu *vcpu);
	void (*irq_window)(struct lg_vcpu *vcpu);
	void (*clear_events)(struct lg_vcpu *vcpu);
	void (*clear_shadow)(struct lg_vcpu *vcpu);

	/* Past the instruction that exited; @len where the CPU does not say. */
	void (*skip_insn)(struct lg_vcpu *vcpu, unsigned int len);
	/* The bytes of the instruction that faulted, where the CPU gives them. */
	int (*insn_bytes)(struct lg_vcpu *vcpu, u8 *buf, unsigned int max);

	/*
	 * Enter the guest once: 0 with an exit to handle, 1 when nothing
	 * ran (go round again), -EBUSY or -ESHUTDOWN with the CPU's
	 * virtualization unavailable.  Then handle_exit() returns 0 to run
	 * on, 1 to hand the run page to the launcher, or -EINTR.
	 */
	int (*run)(struct lg_vcpu *vcpu);
	int (*handle_exit)(struct lg_vcpu *vcpu);
};

extern const struct lg_backend_ops *lg_ops;

/* Each backend's probe: its ops, or an ERR_PTR saying why not here. */
const struct lg_backend_ops *lg_svm_probe(void);
const struct lg_backend_ops *lg_vmx_probe(void);	/* with LG_VMX (Kbuild) */

#endif /* LG_BACKEND_H */
