/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMCB and the SVM constants we use, written from the AMD64
 * Architecture Programmer's Manual vol. 2, ch. 15 and appendix B.
 * The kernel's own <asm/svm.h> is KVM's and changes shape between the
 * kernels we support; the hardware layout does not, so we keep ours and
 * pin every offset with static_assert().
 */
#ifndef LG_SVM_DEFS_H
#define LG_SVM_DEFS_H

#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>

struct vmcb_seg_lg {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
} __packed;

struct lg_vmcb_control {
	u32 intercept_cr;		/* 0x000 */
	u32 intercept_dr;		/* 0x004 */
	u32 intercept_exceptions;	/* 0x008 */
	u32 intercept_misc1;		/* 0x00c */
	u32 intercept_misc2;		/* 0x010 */
	u32 intercept_misc3;		/* 0x014 */
	u8 reserved1[0x03c - 0x018];
	u16 pause_filter_thresh;	/* 0x03c */
	u16 pause_filter_count;		/* 0x03e */
	u64 iopm_base_pa;		/* 0x040 */
	u64 msrpm_base_pa;		/* 0x048 */
	u64 tsc_offset;			/* 0x050 */
	u32 asid;			/* 0x058 */
	u8 tlb_ctl;			/* 0x05c */
	u8 reserved2[3];
	u32 int_ctl;			/* 0x060 */
	u32 int_vector;			/* 0x064 */
	u32 int_state;			/* 0x068 */
	u8 reserved3[4];
	u64 exit_code;			/* 0x070 */
	u64 exit_info_1;		/* 0x078 */
	u64 exit_info_2;		/* 0x080 */
	u32 exit_int_info;		/* 0x088 */
	u32 exit_int_info_err;		/* 0x08c */
	u64 nested_ctl;			/* 0x090 */
	u64 avic_vapic_bar;		/* 0x098 */
	u64 ghcb_gpa;			/* 0x0a0 */
	u32 event_inj;			/* 0x0a8 */
	u32 event_inj_err;		/* 0x0ac */
	u64 nested_cr3;			/* 0x0b0 */
	u64 virt_ext;			/* 0x0b8 */
	u32 clean;			/* 0x0c0 */
	u32 reserved5;
	u64 next_rip;			/* 0x0c8 */
	u8 insn_len;			/* 0x0d0 */
	u8 insn_bytes[15];
	u8 reserved6[0x400 - 0x0e0];
} __packed;

struct lg_vmcb_save {
	struct vmcb_seg_lg es, cs, ss, ds, fs, gs;	/* 0x000 */
	struct vmcb_seg_lg gdtr, ldtr, idtr, tr;	/* 0x060 */
	u8 reserved1[0x0cb - 0x0a0];
	u8 cpl;				/* 0x0cb */
	u32 reserved2;
	u64 efer;			/* 0x0d0 */
	u8 reserved3[0x148 - 0x0d8];
	u64 cr4;			/* 0x148 */
	u64 cr3;			/* 0x150 */
	u64 cr0;			/* 0x158 */
	u64 dr7;			/* 0x160 */
	u64 dr6;			/* 0x168 */
	u64 rflags;			/* 0x170 */
	u64 rip;			/* 0x178 */
	u8 reserved4[0x1d8 - 0x180];
	u64 rsp;			/* 0x1d8 */
	u8 reserved5[0x1f8 - 0x1e0];
	u64 rax;			/* 0x1f8 */
	u64 star;			/* 0x200 */
	u64 lstar;			/* 0x208 */
	u64 cstar;			/* 0x210 */
	u64 sfmask;			/* 0x218 */
	u64 kernel_gs_base;		/* 0x220 */
	u64 sysenter_cs;		/* 0x228 */
	u64 sysenter_esp;		/* 0x230 */
	u64 sysenter_eip;		/* 0x238 */
	u64 cr2;			/* 0x240 */
	u8 reserved6[0x268 - 0x248];
	u64 g_pat;			/* 0x268 */
	u64 dbgctl;			/* 0x270 */
} __packed;

struct lg_vmcb {
	struct lg_vmcb_control control;
	struct lg_vmcb_save save;
} __packed;

static_assert(offsetof(struct lg_vmcb_control, pause_filter_thresh) == 0x03c);
static_assert(offsetof(struct lg_vmcb_control, iopm_base_pa) == 0x040);
static_assert(offsetof(struct lg_vmcb_control, int_ctl) == 0x060);
static_assert(offsetof(struct lg_vmcb_control, exit_code) == 0x070);
static_assert(offsetof(struct lg_vmcb_control, event_inj) == 0x0a8);
static_assert(offsetof(struct lg_vmcb_control, next_rip) == 0x0c8);
static_assert(sizeof(struct lg_vmcb_control) == 0x400);
static_assert(offsetof(struct lg_vmcb_save, cpl) == 0x0cb);
static_assert(offsetof(struct lg_vmcb_save, efer) == 0x0d0);
static_assert(offsetof(struct lg_vmcb_save, cr4) == 0x148);
static_assert(offsetof(struct lg_vmcb_save, rip) == 0x178);
static_assert(offsetof(struct lg_vmcb_save, rsp) == 0x1d8);
static_assert(offsetof(struct lg_vmcb_save, rax) == 0x1f8);
static_assert(offsetof(struct lg_vmcb_save, cr2) == 0x240);
static_assert(offsetof(struct lg_vmcb_save, g_pat) == 0x268);

/* intercept_cr: reads of CRn are bit n, writes bit 16 + n */
#define LG_ICPT_CR4_WRITE	BIT(16 + 4)

/* intercept_misc1 */
#define LG_ICPT_INTR		BIT(0)
#define LG_ICPT_NMI		BIT(1)
#define LG_ICPT_SMI		BIT(2)
#define LG_ICPT_INIT		BIT(3)
#define LG_ICPT_VINTR		BIT(4)
#define LG_ICPT_RDPMC		BIT(15)
#define LG_ICPT_IRET		BIT(20)
#define LG_ICPT_CPUID		BIT(18)
#define LG_ICPT_INVD		BIT(22)
#define LG_ICPT_PAUSE		BIT(23)
#define LG_ICPT_HLT		BIT(24)
#define LG_ICPT_INVLPGA		BIT(26)
#define LG_ICPT_IOIO		BIT(27)
#define LG_ICPT_MSR		BIT(28)
#define LG_ICPT_TASK_SWITCH	BIT(29)
#define LG_ICPT_SHUTDOWN	BIT(31)
/* intercept_misc2 */
#define LG_ICPT_VMRUN		BIT(0)
#define LG_ICPT_VMMCALL		BIT(1)
#define LG_ICPT_VMLOAD		BIT(2)
#define LG_ICPT_VMSAVE		BIT(3)
#define LG_ICPT_STGI		BIT(4)
#define LG_ICPT_CLGI		BIT(5)
#define LG_ICPT_SKINIT		BIT(6)
#define LG_ICPT_RDTSCP		BIT(7)
#define LG_ICPT_ICEBP		BIT(8)
#define LG_ICPT_WBINVD		BIT(9)
#define LG_ICPT_MONITOR		BIT(10)
#define LG_ICPT_MWAIT		BIT(11)
#define LG_ICPT_MWAIT_COND	BIT(12)
#define LG_ICPT_XSETBV		BIT(13)
#define LG_ICPT_RDPRU		BIT(14)
/* intercept_misc3 */
#define LG_ICPT_INVLPGB		BIT(0)
#define LG_ICPT_INVLPGB_ILL	BIT(1)
#define LG_ICPT_INVPCID		BIT(2)
#define LG_ICPT_MCOMMIT		BIT(3)
#define LG_ICPT_TLBSYNC		BIT(4)

/* int_ctl */
#define LG_V_IRQ		BIT(8)
#define LG_V_IGN_TPR		BIT(20)
#define LG_V_INTR_MASKING	BIT(24)
/* int_state */
#define LG_INT_SHADOW		BIT(0)

/* event_inj and exit_int_info */
#define LG_EVT_VALID		BIT(31)
#define LG_EVT_ERR_VALID	BIT(11)
#define LG_EVT_TYPE_INTR	(0 << 8)
#define LG_EVT_TYPE_NMI		(2 << 8)
#define LG_EVT_TYPE_EXEPT	(3 << 8)
#define LG_EVT_TYPE_SOFT	(4 << 8)
#define LG_EVT_TYPE_MASK	(7 << 8)

#define LG_TLB_FLUSH_ALL	1
#define LG_TLB_FLUSH_ASID	3
#define LG_NESTED_CTL_NP_ENABLE	BIT(0)

/* Exit codes */
#define LG_VMEXIT_CR4_WRITE	0x014
#define LG_VMEXIT_READ_DR0	0x020
#define LG_VMEXIT_WRITE_DR0	0x030
#define LG_VMEXIT_EXCP_BASE	0x040
#define LG_VMEXIT_INTR		0x060
#define LG_VMEXIT_NMI		0x061
#define LG_VMEXIT_SMI		0x062
#define LG_VMEXIT_INIT		0x063
#define LG_VMEXIT_VINTR		0x064
#define LG_VMEXIT_RDPMC		0x06f
#define LG_VMEXIT_CPUID		0x072
#define LG_VMEXIT_IRET		0x074
#define LG_VMEXIT_INVD		0x076
#define LG_VMEXIT_PAUSE		0x077
#define LG_VMEXIT_HLT		0x078
#define LG_VMEXIT_INVLPGA		0x07a
#define LG_VMEXIT_IOIO		0x07b
#define LG_VMEXIT_MSR		0x07c
#define LG_VMEXIT_TASK_SWITCH	0x07d
#define LG_VMEXIT_SHUTDOWN	0x07f
#define LG_VMEXIT_VMRUN		0x080
#define LG_VMEXIT_VMMCALL		0x081
#define LG_VMEXIT_RDTSCP		0x087
#define LG_VMEXIT_ICEBP		0x088
#define LG_VMEXIT_WBINVD		0x089
#define LG_VMEXIT_XSETBV		0x08d
#define LG_VMEXIT_NPF		0x400
#define LG_VMEXIT_INVALID		((u64)-1)

/* IOIO exit_info_1 */
#define LG_IOIO_IN		BIT(0)
#define LG_IOIO_STR		BIT(2)
#define LG_IOIO_REP		BIT(3)
#define LG_IOIO_SIZE_SHIFT	4
#define LG_IOIO_SIZE_MASK	(7 << LG_IOIO_SIZE_SHIFT)
#define LG_IOIO_PORT_SHIFT	16

/* A nested page fault's EXITINFO1: what the access was. */
#define LG_NPF_FETCH		BIT_ULL(4)
#define LG_NPF_IN_WALK		BIT_ULL(33)	/* the guest's page-table walk */

/* MSRs of SVM itself */
#define LG_MSR_VM_CR		0xc0010114
#define LG_MSR_VM_HSAVE_PA	0xc0010117
#define LG_VM_CR_SVMDIS		BIT(4)

#endif /* LG_SVM_DEFS_H */
