// SPDX-License-Identifier: GPL-2.0-only
/*
 * The few instructions the module must emulate itself: MMIO accesses
 * (a nested page fault outside guest RAM) and moves to and from DR0-3.
 *
 * With no decode assists, we fetch the instruction by walking the guest's
 * page tables (guest_walk.c) and decode it (mmio_decode.c).  An MMIO
 * access becomes a plain record for the launcher; for a read, the value
 * the launcher supplies is merged into the destination register when
 * LG_RUN is called again.  Anything we cannot decode stops the VM with
 * the instruction bytes in the message, never a guess.
 */
#include <linux/ktime.h>
#include <linux/mm.h>

#include "guest_walk.h"
#include "lg.h"
#include "svm_defs.h"

#define NPF_IN_GUEST_WALK	BIT_ULL(33)
#define NPF_FETCH		BIT_ULL(4)

static int lg_read_gpa(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	return lg_read_guest(opaque, gpa, buf, len);
}

static int lg_fetch(struct lg_vcpu *vcpu, u8 *buf)
{
	struct lg_vmcb_control *c = &vcpu->vmcb->control;
	struct lg_vmcb_save *s = &vcpu->vmcb->save;
	u8 n = min_t(u8, c->insn_len, MMIO_INSN_MAX_LEN);

	/* With decode assists, a nested page fault comes with the bytes. */
	if (boot_cpu_has(X86_FEATURE_DECODEASSISTS) &&
	    c->exit_code == LG_VMEXIT_NPF && n) {
		memcpy(buf, c->insn_bytes, n);
		return n;
	}
	return guest_fetch_insn(s->cr3, s->cr4, s->efer, s->cs.base + s->rip,
				lg_read_gpa, vcpu->vm, buf, MMIO_INSN_MAX_LEN);
}

static u64 *lg_reg(struct lg_vcpu *vcpu, unsigned int reg)
{
	if (reg == 0)
		return &vcpu->vmcb->save.rax;
	if (reg == 4)
		return &vcpu->vmcb->save.rsp;
	return &vcpu->regs[reg];
}

/*
 * The APIC page in xAPIC mode, which a guest uses only until it turns
 * on x2APIC: each 16-byte register is the x2APIC MSR 0x800 + offset/16,
 * except the id (bits 24-31 here), the split ICR and the flat-model
 * LDR/DFR, which x2APIC does not have.  Bad accesses read 0 and are
 * dropped, as MMIO raises no #GP.
 */
static u32 lg_xapic_read(struct lg_vcpu *vcpu, u32 off)
{
	u64 val = 0;

	switch (off) {
	case 0x20:
		return vcpu->lapic.id << 24;
	case 0xd0:
		return 0;
	case 0xe0:
		return 0xffffffff;
	case 0x310:
		return vcpu->xapic_icr_hi;
	default:
		lapic_read_msr(&vcpu->lapic, 0x800 + off / 16, ktime_get_ns(), &val);
		return val;
	}
}

static void lg_xapic_write(struct lg_vcpu *vcpu, u32 off, u32 val)
{
	switch (off) {
	case 0x20:
	case 0xd0:
	case 0xe0:
		break;
	case 0x310:
		vcpu->xapic_icr_hi = val;
		break;
	case 0x300:
		lg_apic_write(vcpu, 0x830, (u64)(vcpu->xapic_icr_hi >> 24) << 32 | val);
		break;
	default:
		lg_apic_write(vcpu, 0x800 + off / 16, val);
		break;
	}
}

static void lg_xapic_access(struct lg_vcpu *vcpu, u64 gpa,
			    const struct mmio_insn *insn, u64 wval)
{
	u32 off = gpa & 0xfff;
	u64 *reg;

	if ((off & 0xf) || insn->size != 4)
		return;		/* only aligned 32-bit accesses exist */
	if (insn->is_write) {
		lg_xapic_write(vcpu, off, wval);
	} else {
		reg = lg_reg(vcpu, insn->reg);
		*reg = mmio_merge_read(insn, *reg, lg_xapic_read(vcpu, off));
	}
}

int lg_mmio_exit(struct lg_vcpu *vcpu, u64 gpa)
{
	struct lg_vmcb *vmcb = vcpu->vmcb;
	struct lg_run *run = vcpu->run;
	struct mmio_insn insn;
	u8 code[MMIO_INSN_MAX_LEN];
	u64 regs[16];
	int n, i;
	bool lm = (vmcb->save.efer & EFER_LMA) && (vmcb->save.cs.attrib & BIT(9));

	if (vmcb->control.exit_info_1 & (NPF_IN_GUEST_WALK | NPF_FETCH)) {
		lg_vcpu_stop(vcpu, "guest %s at 0x%llx, outside its RAM (rip 0x%llx)",
			     vmcb->control.exit_info_1 & NPF_FETCH ?
			     "executed code" : "page tables", gpa, vmcb->save.rip);
		return 1;
	}
	n = lg_fetch(vcpu, code);
	if (n <= 0 || mmio_decode(code, n, lm ? MMIO_MODE_64 : MMIO_MODE_32,
				  &insn) < 0) {
		lg_vcpu_stop(vcpu, "cannot emulate the MMIO access to 0x%llx at rip 0x%llx (%*ph)",
			     gpa, vmcb->save.rip, max(n, 0), code);
		return 1;
	}

	for (i = 0; i < 16; i++)
		regs[i] = *lg_reg(vcpu, i);
	if (!vcpu->x2apic && (gpa & PAGE_MASK) == LG_APIC_BASE) {
		lg_skip(vcpu, insn.len);
		lg_xapic_access(vcpu, gpa, &insn, mmio_write_value(&insn, regs));
		return 0;
	}

	run->exit_reason = LG_EXIT_MMIO;
	run->mmio.addr = gpa;
	run->mmio.len = insn.size;
	run->mmio.is_write = insn.is_write;
	run->mmio.data = 0;
	if (insn.is_write) {
		run->mmio.data = mmio_write_value(&insn, regs);
	} else {
		vcpu->pending = LG_PENDING_MMIO_READ;
		vcpu->pending_insn = insn;
	}
	lg_skip(vcpu, insn.len);
	return 1;
}

void lg_mmio_complete(struct lg_vcpu *vcpu, u64 data)
{
	u64 *reg = lg_reg(vcpu, vcpu->pending_insn.reg);

	*reg = mmio_merge_read(&vcpu->pending_insn, *reg, data);
}

/*
 * MOV to or from DR0-3 (0F 23 / 0F 21, register form, optional REX).
 * Linux clears them at boot; we keep them without loading them, so the
 * host's breakpoints stay the host's.
 */
int lg_emulate_mov_dr(struct lg_vcpu *vcpu, unsigned int dr, bool write)
{
	u8 code[MMIO_INSN_MAX_LEN];
	int n = lg_fetch(vcpu, code), i = 0;
	u8 rex = 0, modrm;
	u64 *reg;

	if (n > 0 && (code[0] & 0xf0) == 0x40)
		rex = code[i++];
	if (n < i + 3 || code[i] != 0x0f || code[i + 1] != (write ? 0x23 : 0x21) ||
	    (code[i + 2] >> 6) != 3 || ((code[i + 2] >> 3) & 7) != dr) {
		lg_vcpu_stop(vcpu, "cannot emulate a move %s dr%u at rip 0x%llx",
			     write ? "to" : "from", dr, vcpu->vmcb->save.rip);
		return 1;
	}
	modrm = code[i + 2];
	reg = lg_reg(vcpu, (modrm & 7) | ((rex & 1) << 3));
	if (write)
		vcpu->dr[dr] = *reg;
	else
		*reg = vcpu->dr[dr];
	lg_skip(vcpu, i + 3);
	return 0;
}
