/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading guest memory by guest-virtual address.
 *
 * Without decode assists, the only way to learn which instruction caused
 * an MMIO nested page fault is to fetch it ourselves at the guest's RIP,
 * which means translating RIP through the guest's own page tables, as the
 * CPU did a moment earlier.  String I/O (INS/OUTS) reaches its memory
 * operand the same way, with the permission checks of a data access.
 * Guest memory is reached only through the caller's read_gpa(), so the
 * same walk runs in the module (backed by the guest's RAM slots) and in
 * the unit tests (backed by an array).
 */
#ifndef LG_GUEST_WALK_H
#define LG_GUEST_WALK_H

#include "lg_types.h"

/* Instructions are at most 15 bytes long. */
#define GUEST_FETCH_MAX		15

/*
 * Copy @len bytes at guest-physical @gpa to @buf; 0 or -errno.  The walk
 * asks only for 8-byte page-table entries and never crosses a page.
 */
typedef int (*guest_read_fn)(void *opaque, u64 gpa, void *buf, unsigned int len);

int guest_walk(u64 cr3, u64 cr4, u64 efer, u64 gva,
	       guest_read_fn read_gpa, void *opaque, u64 *gpa);

/* A data access: what it is, and the CPU state its checks depend on. */
#define GW_WRITE	0x1	/* a write */
#define GW_USER		0x2	/* at CPL 3 */
#define GW_WP		0x4	/* CR0.WP: supervisor writes obey R/W */
#define GW_SMAP		0x8	/* CR4.SMAP and EFLAGS.AC clear */

int guest_walk_access(u64 cr3, u64 cr4, u64 efer, u64 gva, unsigned int access,
		      guest_read_fn read_gpa, void *opaque, u64 *gpa);
int guest_fetch_insn(u64 cr3, u64 cr4, u64 efer, u64 rip,
		     guest_read_fn read_gpa, void *opaque,
		     u8 *buf, unsigned int len);

#endif /* LG_GUEST_WALK_H */
