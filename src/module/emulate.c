// SPDX-License-Identifier: GPL-2.0-only
/*
 * The few instructions the module must emulate itself: MMIO accesses
 * (a nested page fault outside guest RAM), string I/O (INS/OUTS, whose
 * memory operand the I/O exit leaves to us), moves to and from DR0-3,
 * and moves to CR4.  The same on every backend: the vCPU's state comes
 * through backend.h.
 *
 * Unless the CPU hands us the bytes (SVM's decode assists), we fetch the
 * instruction by walking the guest's page tables (guest_walk.c) and
 * decode it (mmio_decode.c).  An MMIO
 * access becomes a plain record for the launcher; for a read, the value
 * the launcher supplies is merged into the destination register when
 * LG_RUN is called again.  Anything we cannot decode stops the VM with
 * the instruction bytes in the message, never a guess.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <asm/trap_pf.h>

#include "guest_walk.h"
#include "lg.h"
#include "string_io.h"

static int lg_read_gpa(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	return lg_read_guest(opaque, gpa, buf, len);
}

/*
 * Paging off (real mode, or protected mode before it turns paging on, as
 * an application processor does on its way to long mode): the linear
 * address is the physical one.  A page at a time, as with paging.
 */
static int lg_fetch_physical(struct lg_vcpu *vcpu, u32 lin, u8 *buf)
{
	unsigned int first = min_t(unsigned int, MMIO_INSN_MAX_LEN,
				   PAGE_SIZE - (lin & ~PAGE_MASK));

	if (lg_read_guest(vcpu->vm, lin, buf, first))
		return -EFAULT;
	if (first == MMIO_INSN_MAX_LEN ||
	    lg_read_guest(vcpu->vm, (u32)(lin + first), buf + first,
			  MMIO_INSN_MAX_LEN - first))
		return first;
	return MMIO_INSN_MAX_LEN;
}

static int lg_fetch(struct lg_vcpu *vcpu, u8 *buf)
{
	u64 cs_base = vcpu->sregs.seg[LG_SEG_CS].base;
	struct lg_sregs *s = &vcpu->sregs;
	int n = lg_ops->insn_bytes(vcpu, buf, MMIO_INSN_MAX_LEN);

	if (n > 0)
		return n;
	if (s->cr0 & X86_CR0_PG)
		return guest_fetch_insn(s->cr3, s->cr4, s->efer, cs_base + vcpu->rip,
					lg_read_gpa, vcpu->vm, buf, MMIO_INSN_MAX_LEN);
	return lg_fetch_physical(vcpu, (u32)(cs_base + vcpu->rip), buf);
}

/* 64-bit code: the one mode with REX prefixes and 64-bit registers. */
static bool lg_code64(struct lg_vcpu *vcpu)
{
	return (vcpu->sregs.efer & EFER_LMA) &&
	       (vcpu->sregs.seg[LG_SEG_CS].attrib & BIT(9));	/* CS.L */
}

/*
 * The APIC page in xAPIC mode, which a guest uses until it turns on
 * x2APIC (or for good, with nox2apic): each 16-byte register is the
 * x2APIC MSR 0x800 + offset/16, except the id (bits 24-31 here), the
 * split ICR with its 8-bit destination, and LDR/DFR, which x2APIC does
 * not have.  Bad accesses read 0 and are dropped, as MMIO raises no #GP.
 */
static u32 lg_xapic_read(struct lg_vcpu *vcpu, u32 off)
{
	u64 val = 0;

	switch (off) {
	case 0x20:
		return vcpu->lapic.id << 24;
	case 0xd0:
	case 0xe0:
		return lapic_xapic_read_ldr_dfr(&vcpu->lapic, off);
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
		break;
	case 0xd0:
	case 0xe0:
		lapic_xapic_write_ldr_dfr(&vcpu->lapic, off, val);
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

/*
 * Guest-linear [@lin, @lin + @len) to (@write) or from guest memory, a
 * page at a time, with the checks the CPU makes of a data access at the
 * guest's CPL (none with paging off); with @buf NULL, only the checks.
 * Returns 0, 1 when the guest got the #PF or #GP the access raises, or
 * -EFAULT when the memory is not guest RAM.  With @mmio, memory that is
 * not RAM is an answer too: if all of it is on one page, 2 and its
 * guest-physical address in *@mmio, nothing copied.
 */
static int lg_linear_copy(struct lg_vcpu *vcpu, u64 lin, u8 *buf, u32 len,
			  bool write, u64 *mmio)
{
	const struct lg_sregs *s = &vcpu->sregs;
	unsigned int access = write ? GW_WRITE : 0;
	u32 done = 0, chunk;
	u64 va, gpa;
	int ret;

	if (s->cpl == 3)
		access |= GW_USER;
	if (s->cr0 & X86_CR0_WP)
		access |= GW_WP;
	if ((s->cr4 & X86_CR4_SMAP) && !(vcpu->rflags & X86_EFLAGS_AC))
		access |= GW_SMAP;
	for (; done < len; done += chunk) {
		va = lin + done;
		chunk = min_t(u32, len - done, PAGE_SIZE - (va & ~PAGE_MASK));
		gpa = (u32)va;
		ret = 0;
		if (s->cr0 & X86_CR0_PG)
			ret = guest_walk_access(s->cr3, s->cr4, s->efer, va, access,
						lg_read_gpa, vcpu->vm, &gpa);
		if (ret == -EFAULT || ret == -EACCES) {
			lg_ops->set_cr2(vcpu, va);
			lg_inject_pf(vcpu, (ret == -EACCES ? X86_PF_PROT : 0) |
				     (write ? X86_PF_WRITE : 0) |
				     (s->cpl == 3 ? X86_PF_USER : 0));
			return 1;
		}
		if (ret == -EINVAL) {		/* non-canonical, reserved bits */
			lg_inject_gp(vcpu);
			return 1;
		}
		if (ret)
			return -EFAULT;
		if (mmio && !lg_gpa_slot(vcpu->vm, gpa, chunk)) {
			if (chunk != len)
				return -EFAULT;
			*mmio = gpa;
			return 2;
		}
		if (!buf)
			continue;
		ret = write ? lg_write_guest(vcpu->vm, gpa, buf + done, chunk) :
			      lg_read_guest(vcpu->vm, gpa, buf + done, chunk);
		if (ret)
			return -EFAULT;
	}
	return 0;
}

/* An access to the APIC page: aligned 32-bit ones exist, others read 0. */
static u64 lg_xapic_access(struct lg_vcpu *vcpu, u64 gpa, unsigned int size,
			   bool write, u64 val)
{
	u32 off = gpa & 0xfff;

	vcpu->exit_kind = LG_STAT_APIC;
	if ((off & 0xf) || size != 4)
		return 0;
	if (!write)
		return lg_xapic_read(vcpu, off);
	lg_xapic_write(vcpu, off, val);
	return 0;
}

static bool lg_is_xapic(struct lg_vcpu *vcpu, u64 gpa)
{
	return vcpu->lapic.xapic && (gpa & PAGE_MASK) == LG_APIC_BASE;
}

/*
 * The last step of an MMIO instruction: a write of @size bytes of @val
 * at @gpa.  Done here for the APIC page and for ioeventfds (returns 0,
 * the guest runs on), else handed to the launcher (returns 1).
 */
static int lg_mmio_write(struct lg_vcpu *vcpu, u64 gpa, unsigned int size, u64 val)
{
	struct lg_run *run = vcpu->run;

	if (lg_is_xapic(vcpu, gpa)) {
		lg_xapic_access(vcpu, gpa, size, true, val);
		return 0;
	}
	if (lg_ioeventfd_write(vcpu->vm, gpa, size, val, false)) {
		vcpu->exit_kind = LG_STAT_IOEVENTFD;
		return 0;
	}
	run->exit_reason = LG_EXIT_MMIO;
	run->mmio.addr = gpa;
	run->mmio.len = size;
	run->mmio.is_write = true;
	run->mmio.data = val;
	return 1;
}

static int lg_mmio_finish(struct lg_vcpu *vcpu, const struct mmio_insn *insn,
			  u64 gpa, u64 mem);

/*
 * A read of the memory operand at @gpa: the APIC page answers at once;
 * for anything else the launcher does, and lg_mmio_complete() goes on
 * from there when LG_RUN is called again.
 */
static int lg_mmio_read(struct lg_vcpu *vcpu, const struct mmio_insn *insn, u64 gpa)
{
	struct lg_run *run = vcpu->run;

	if (lg_is_xapic(vcpu, gpa))
		return lg_mmio_finish(vcpu, insn, gpa,
				      lg_xapic_access(vcpu, gpa, insn->size, false, 0));
	run->exit_reason = LG_EXIT_MMIO;
	run->mmio.addr = gpa;
	run->mmio.len = insn->size;
	run->mmio.is_write = false;
	run->mmio.data = 0;
	vcpu->pending = LG_PENDING_MMIO_READ;
	vcpu->pending_insn = *insn;
	vcpu->pending_gpa = gpa;
	return 1;
}

static u64 lg_seg_base(struct lg_vcpu *vcpu, unsigned int seg)
{
	/* 64-bit mode ignores all segment bases but those of FS and GS. */
	if (lg_code64(vcpu) && seg < 4)
		return 0;
	return vcpu->sregs.seg[seg].base;
}

/*
 * MOVS, STOS and LODS: one element per exit.  The registers advance as
 * the CPU advances them; with REP and elements left, RIP stays, so the
 * guest re-executes the instruction (taking interrupts in between, as on
 * hardware): elements in RAM run at full speed, the next one on a device
 * faults here again.
 */
static int lg_mmio_string(struct lg_vcpu *vcpu, const struct mmio_insn *insn,
			  u64 val, bool have_val)
{
	bool down = vcpu->rflags & X86_EFLAGS_DF;
	u64 *rsi = &vcpu->regs[6], *rdi = &vcpu->regs[7], *rcx = &vcpu->regs[1];
	u64 gpa = 0;
	int ret = 0;

	if (!mmio_string_reps(insn, *rcx)) {
		lg_skip(vcpu, insn->len);
		return 0;
	}
	if (insn->reads && !have_val) {
		ret = lg_linear_copy(vcpu, mmio_linear(insn, lg_seg_base(vcpu, insn->seg), *rsi),
				     (u8 *)&val, insn->size, false, &gpa);
		if (ret == 2)
			return lg_mmio_read(vcpu, insn, gpa);
		if (ret)
			goto fault;
	}
	if (insn->op == MMIO_OP_STOS)
		val = vcpu->regs[LG_RAX];
	val &= lg_size_mask(insn->size);
	if (insn->op == MMIO_OP_LODS) {
		vcpu->regs[LG_RAX] = mmio_merge_read(insn, vcpu->regs[LG_RAX], val);
	} else {
		ret = lg_linear_copy(vcpu, mmio_linear(insn, lg_seg_base(vcpu, 0), *rdi),
				     (u8 *)&val, insn->size, true, &gpa);
		if (ret == 1 || ret < 0)
			goto fault;
		*rdi = mmio_string_next(insn, *rdi, down);
	}
	if (insn->op != MMIO_OP_STOS)
		*rsi = mmio_string_next(insn, *rsi, down);
	if (insn->rep)
		*rcx = mmio_string_count(insn, *rcx);
	if (!insn->rep || !mmio_string_reps(insn, *rcx))
		lg_skip(vcpu, insn->len);
	if (insn->op != MMIO_OP_LODS && ret == 2)
		return lg_mmio_write(vcpu, gpa, insn->size, val);
	return 0;
fault:
	if (ret < 0) {
		lg_vcpu_stop(vcpu, "cannot emulate the string move at rip 0x%llx: an element straddles RAM and a device",
			     vcpu->rip);
		return 1;
	}
	return 0;
}

/*
 * Everything after the read of the memory operand @mem (0 if the
 * instruction reads none): registers, flags, RIP, then the write, if
 * any, which is always the last step.
 */
static int lg_mmio_finish(struct lg_vcpu *vcpu, const struct mmio_insn *insn,
			  u64 gpa, u64 mem)
{
	u64 regs[16], src, result;
	int i;

	if (insn->op >= MMIO_OP_MOVS)
		return lg_mmio_string(vcpu, insn, mem, true);
	for (i = 0; i < 16; i++)
		regs[i] = vcpu->regs[i];
	src = mmio_write_value(insn, regs);
	if (insn->op == MMIO_OP_MOV)
		result = insn->is_write ? src : mem;
	else
		result = mmio_alu(insn, mem, src, &vcpu->rflags);
	if (insn->to_reg)
		vcpu->regs[insn->reg] =
			mmio_merge_read(insn, regs[insn->reg],
					insn->op == MMIO_OP_XCHG ? mem : result);
	lg_skip(vcpu, insn->len);
	return insn->is_write ? lg_mmio_write(vcpu, gpa, insn->size, result) : 0;
}

/* 16-, 32- or 64-bit code, as the decoder needs to know. */
static enum mmio_cpu_mode lg_code_mode(struct lg_vcpu *vcpu)
{
	if (lg_code64(vcpu))
		return MMIO_MODE_64;
	if (vcpu->sregs.seg[LG_SEG_CS].attrib & BIT(10))	/* CS.D */
		return MMIO_MODE_32;
	return MMIO_MODE_16;
}

/*
 * The state the instructions here look at, read once per exit; only
 * CR2 (a #PF's, lg_linear_copy()) and CR4 (lg_emulate_mov_cr4()) are
 * written back, through the backend.
 */
static void lg_load_sregs(struct lg_vcpu *vcpu)
{
	lg_ops->get_sregs(vcpu, &vcpu->sregs);
}

int lg_mmio_exit(struct lg_vcpu *vcpu, u64 gpa, u32 flags)
{
	struct mmio_insn insn;
	u8 code[MMIO_INSN_MAX_LEN];
	int n;

	vcpu->exit_kind = LG_STAT_MMIO;
	if (flags & (LG_GPA_WALK | LG_GPA_FETCH)) {
		lg_vcpu_stop(vcpu, "guest %s at 0x%llx, outside its RAM (rip 0x%llx)",
			     flags & LG_GPA_FETCH ? "executed code" : "page tables",
			     gpa, vcpu->rip);
		return 1;
	}
	lg_load_sregs(vcpu);
	n = lg_fetch(vcpu, code);
	if (n <= 0 || mmio_decode(code, n, lg_code_mode(vcpu), &insn) < 0) {
		lg_vcpu_stop(vcpu, "cannot emulate the MMIO access to 0x%llx at rip 0x%llx (%*ph)",
			     gpa, vcpu->rip, max(n, 0), code);
		return 1;
	}
	if (insn.op >= MMIO_OP_MOVS)
		return lg_mmio_string(vcpu, &insn, 0, false);
	if (insn.reads)
		return lg_mmio_read(vcpu, &insn, gpa);
	return lg_mmio_finish(vcpu, &insn, gpa, 0);
}

/* The launcher has read the memory operand: on with the instruction. */
int lg_mmio_complete(struct lg_vcpu *vcpu, u64 data)
{
	const struct mmio_insn *insn = &vcpu->pending_insn;

	lg_load_sregs(vcpu);
	return lg_mmio_finish(vcpu, insn, vcpu->pending_gpa,
			      data & lg_size_mask(insn->size));
}

/*
 * The register operand of MOV to or from a control or debug register
 * (0F 20-23 /r, register form, a REX prefix in 64-bit code) whose
 * intercept stopped the guest at RIP; @op is the second opcode byte, @n
 * the CR or DR.  Outside 64-bit code the operand is 32 bits (@mask).
 * Returns the instruction's length, or 0 if that is not what is there.
 */
static unsigned int lg_decode_mov_crdr(struct lg_vcpu *vcpu, u8 op,
				       unsigned int n, u64 **reg, u64 *mask)
{
	u8 code[MMIO_INSN_MAX_LEN];
	int len = lg_fetch(vcpu, code), i = 0;
	bool code64 = lg_code64(vcpu);
	u8 rex = 0, modrm;

	if (code64 && len > 0 && (code[0] & 0xf0) == 0x40)
		rex = code[i++];
	if (len < i + 3 || code[i] != 0x0f || code[i + 1] != op)
		return 0;
	modrm = code[i + 2];
	if ((modrm >> 6) != 3 || ((modrm >> 3) & 7) != n || (rex & 4))
		return 0;
	*reg = &vcpu->regs[(modrm & 7) | ((rex & 1) << 3)];
	*mask = code64 ? ~0ULL : 0xffffffffULL;
	return i + 3;
}

/*
 * MOV to or from DR0-3.  We keep the guest's values and load them only
 * while its DR7 enables a breakpoint (the backend), so that the rest of the
 * time the host's breakpoints stay in the CPU undisturbed.
 */
int lg_emulate_mov_dr(struct lg_vcpu *vcpu, unsigned int dr, bool write)
{
	unsigned int len;
	u64 *reg, mask;

	lg_load_sregs(vcpu);
	len = lg_decode_mov_crdr(vcpu, write ? 0x23 : 0x21, dr, &reg, &mask);
	if (!len) {
		lg_vcpu_stop(vcpu, "cannot emulate a move %s dr%u at rip 0x%llx",
			     write ? "to" : "from", dr, vcpu->rip);
		return 1;
	}
	if (write)
		vcpu->dr[dr] = *reg & mask;
	else
		*reg = vcpu->dr[dr] & mask;
	lg_skip(vcpu, len);
	return 0;
}

/*
 * MOV to CR4.  A bit outside lg_guest_cr4 is one whose state we do not
 * switch (OSXSAVE, PKE: the host's XCR0 and PKRU would be the guest's)
 * or that CPUID does not offer: #GP, as on a CPU without the feature.
 * So is clearing PAE in long mode.  A change of the paging bits flushes
 * the guest's TLB, which the real instruction would have done.
 */
int lg_emulate_mov_cr4(struct lg_vcpu *vcpu)
{
	const u64 flushing = X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE |
			     X86_CR4_SMEP | X86_CR4_SMAP;
	const struct lg_sregs *s = &vcpu->sregs;
	unsigned int len;
	u64 *reg, mask, val;

	lg_load_sregs(vcpu);
	len = lg_decode_mov_crdr(vcpu, 0x22, 4, &reg, &mask);
	if (!len) {
		lg_vcpu_stop(vcpu, "cannot emulate a move to cr4 at rip 0x%llx", vcpu->rip);
		return 1;
	}
	val = *reg & mask;
	if ((val & ~lg_guest_cr4) ||
	    ((s->efer & EFER_LMA) && !(val & X86_CR4_PAE))) {
		lg_inject_gp(vcpu);
		return 0;
	}
	if ((val ^ s->cr4) & flushing)
		atomic_set(&vcpu->tlb_flush, 1);
	lg_ops->set_cr4(vcpu, val);
	lg_skip(vcpu, len);
	return 0;
}

/*
 * INS or OUTS: one exit moves up to LG_IO_BUF_SIZE bytes through the
 * run page.  OUTS reads guest memory now; INS checks it can write it
 * now and writes it in lg_string_io_complete().  Returns 0 to run on
 * (nothing to move, or the guest got an exception), 1 for the launcher.
 */
int lg_string_io_exit(struct lg_vcpu *vcpu, const struct lg_io *io)
{
	struct string_io_op op = { .size = io->size, .in = io->in, .rep = io->rep };
	struct lg_run *run = vcpu->run;
	u8 *buf = (u8 *)run + LG_IO_BUF_OFFSET;
	enum mmio_cpu_mode mode;
	unsigned int asize;
	struct string_io sio;
	u8 code[MMIO_INSN_MAX_LEN];
	int seg, ret, n;

	/*
	 * The instruction's prefixes give OUTS's segment and the address
	 * size, which QEMU's emulated SVM leaves out of EXITINFO1.
	 */
	lg_load_sregs(vcpu);
	mode = lg_code_mode(vcpu);
	n = lg_fetch(vcpu, code);
	seg = n > 0 ? string_io_decode(code, n, mode == MMIO_MODE_64 ? 8 :
				       mode == MMIO_MODE_32 ? 4 : 2, &asize) : -EINVAL;
	if (seg < 0) {
		lg_vcpu_stop(vcpu, "cannot decode the string I/O instruction at rip 0x%llx",
			     vcpu->rip);
		return 1;
	}
	op.asize = asize;
	/* The memory operand: ES:RDI for INS, SEG:RSI for OUTS. */
	ret = string_io_plan(&op, vcpu->rflags, vcpu->regs[LG_RCX],
			     vcpu->regs[io->in ? LG_RDI : LG_RSI],
			     lg_seg_base(vcpu, io->in ? 0 : seg), LG_IO_BUF_SIZE, &sio);
	if (ret) {
		lg_vcpu_stop(vcpu, "bad string I/O exit (%u-byte elements)", io->size);
		return 1;
	}
	if (!sio.count) {
		vcpu->rip = io->next_rip;
		return 0;
	}
	ret = lg_linear_copy(vcpu, sio.first, sio.in ? NULL : buf, sio.len, sio.in,
			     NULL);
	if (ret < 0) {
		lg_vcpu_stop(vcpu, "string I/O on port 0x%x with memory outside RAM (rip 0x%llx)",
			     io->port, vcpu->rip);
		return 1;
	}
	if (ret)
		return 0;

	run->exit_reason = LG_EXIT_IO;
	run->io.port = io->port;
	run->io.size = sio.size;
	run->io.is_write = !sio.in;
	run->io.count = sio.count;
	run->io.data = 0;
	if (sio.in) {
		vcpu->pending = LG_PENDING_IO_STR_IN;
		vcpu->pending_sio = sio;
		vcpu->pending_next_rip = io->next_rip;
		return 1;
	}
	string_io_order(&sio, buf);
	if (sio.count == 1)
		memcpy(&run->io.data, buf, sio.size);
	if (string_io_advance(&sio, &vcpu->regs[LG_RCX], &vcpu->regs[LG_RSI]))
		vcpu->rip = io->next_rip;
	return 1;
}

/* The launcher has read INS's elements: into guest memory with them. */
void lg_string_io_complete(struct lg_vcpu *vcpu)
{
	struct string_io *sio = &vcpu->pending_sio;
	struct lg_run *run = vcpu->run;
	u8 *buf = (u8 *)run + LG_IO_BUF_OFFSET;
	int ret;

	if (sio->count == 1)
		memcpy(buf, &run->io.data, sio->size);
	string_io_order(sio, buf);
	lg_load_sregs(vcpu);
	ret = lg_linear_copy(vcpu, sio->first, buf, sio->len, true, NULL);
	if (ret < 0)
		lg_vcpu_stop(vcpu, "INS into memory outside RAM (rip 0x%llx)",
			     vcpu->rip);
	if (ret)
		return;
	if (string_io_advance(sio, &vcpu->regs[LG_RCX], &vcpu->regs[LG_RDI]))
		vcpu->rip = vcpu->pending_next_rip;
}
