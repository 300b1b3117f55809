// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest page-table walk (see guest_walk.h for why we need one).
 *
 * Only long-mode paging is walked, 4-level or 5-level (CR4.LA57): it is
 * the only paging an x86-64 Linux guest runs with, and compatibility-mode
 * code uses it too.  Anything else is -EOPNOTSUPP rather than a guess.
 *
 * The walk is read-only.  It sets no accessed or dirty bits: the CPU has
 * just fetched this very instruction, so they are set already (and for a
 * string I/O operand, setting them is the guest's business, which no
 * Linux relies on).  The instruction fetch checks no permissions, for
 * the same reason; guest_walk_access() checks those of a data access.  If another vCPU
 * changes the tables meanwhile we may read a different instruction, but
 * only ever from this guest's memory, which read_gpa() guarantees.
 *
 * Errors: -EFAULT when an entry is not present and -EACCES when the
 * access is not allowed (the guest would take a #PF either way), -EINVAL
 * for a reserved bit or a non-canonical address, or what read_gpa()
 * returned.
 */
#include "guest_walk.h"

#define GW_EFER_LMA		0x400ULL
#define GW_EFER_NXE		0x800ULL
#define GW_CR4_LA57		0x1000ULL

#define GW_PTE_PRESENT		0x1ULL
#define GW_PTE_RW		0x2ULL
#define GW_PTE_US		0x4ULL
#define GW_PTE_PS		0x80ULL
#define GW_PTE_PAT_LARGE	0x1000ULL	/* PAT, in 2M and 1G entries */
#define GW_PTE_NX		0x8000000000000000ULL
#define GW_ADDR_MASK		0x000ffffffffff000ULL

#define GW_PAGE_SIZE		4096U

int guest_walk_access(u64 cr3, u64 cr4, u64 efer, u64 gva, unsigned int access,
		      guest_read_fn read_gpa, void *opaque, u64 *gpa)
{
	unsigned int levels, level, shift, va_bits;
	u64 table, pte, top, offset_mask, rsvd, perm = GW_PTE_RW | GW_PTE_US;
	int ret;

	if (!(efer & GW_EFER_LMA))
		return -EOPNOTSUPP;
	levels = cr4 & GW_CR4_LA57 ? 5 : 4;
	va_bits = 12 + 9 * levels;

	/* Canonical: the bits above the top one translated all equal it. */
	top = gva >> (va_bits - 1);
	if (top && top != ~0ULL >> (va_bits - 1))
		return -EINVAL;

	rsvd = efer & GW_EFER_NXE ? 0 : GW_PTE_NX;
	table = cr3 & GW_ADDR_MASK;
	for (level = levels; ; level--) {
		shift = 12 + 9 * (level - 1);
		ret = read_gpa(opaque, table + ((gva >> shift) & 511) * 8, &pte, 8);
		if (ret)
			return ret;
		if (!(pte & GW_PTE_PRESENT))
			return -EFAULT;
		if (pte & rsvd)
			return -EINVAL;
		perm &= pte;
		table = pte & GW_ADDR_MASK;
		if (level == 1 || (pte & GW_PTE_PS))
			break;
	}

	/* A 4K page, or a 1G (level 3) or 2M (level 2) one: PS is reserved above. */
	offset_mask = (1ULL << shift) - 1;
	if (level > 3 || (level > 1 && (table & offset_mask & ~GW_PTE_PAT_LARGE)))
		return -EINVAL;

	/* The checks the CPU makes of a data access (SDM 4.6). */
	if ((access & GW_USER) && !(perm & GW_PTE_US))
		return -EACCES;
	if ((access & GW_SMAP) && !(access & GW_USER) && (perm & GW_PTE_US))
		return -EACCES;
	if ((access & GW_WRITE) && !(perm & GW_PTE_RW) &&
	    ((access & GW_USER) || (access & GW_WP)))
		return -EACCES;
	*gpa = (table & ~offset_mask) | (gva & offset_mask);
	return 0;
}

int guest_walk(u64 cr3, u64 cr4, u64 efer, u64 gva,
	       guest_read_fn read_gpa, void *opaque, u64 *gpa)
{
	return guest_walk_access(cr3, cr4, efer, gva, 0, read_gpa, opaque, gpa);
}

/*
 * Fetch up to @len (at most 15) instruction bytes at linear address @rip
 * (in compatibility mode: CS.base + EIP, truncated to 32 bits).  Each page
 * is translated on its own, so an instruction that straddles a page
 * boundary is read from the right two frames.  Returns the number of
 * bytes fetched: fewer than @len if the second page cannot be read, an
 * error only if not even the first byte can.
 */
int guest_fetch_insn(u64 cr3, u64 cr4, u64 efer, u64 rip,
		     guest_read_fn read_gpa, void *opaque,
		     u8 *buf, unsigned int len)
{
	unsigned int done = 0, chunk;
	u64 va, gpa;
	int ret;

	if (len > GUEST_FETCH_MAX)
		len = GUEST_FETCH_MAX;
	while (done < len) {
		va = rip + done;
		chunk = GW_PAGE_SIZE - (va & (GW_PAGE_SIZE - 1));
		if (chunk > len - done)
			chunk = len - done;
		ret = guest_walk(cr3, cr4, efer, va, read_gpa, opaque, &gpa);
		if (!ret)
			ret = read_gpa(opaque, gpa, buf + done, chunk);
		if (ret && done)
			return done;
		if (ret)
			return ret;
		done += chunk;
	}
	return done;
}
