/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XSAVE rules a guest's values meet, as pure functions: which XCR0
 * values XSETBV accepts, how large the standard-format save area is for
 * a set of state components, and what CPUID leaf 0xD says.  XCR0 and the
 * sub-leaf are the guest's to choose, so the unit tests try them all.
 */
#ifndef LG_XSTATE_H
#define LG_XSTATE_H

#include "lg_types.h"

#define XSTATE_FP	(1ULL << 0)
#define XSTATE_SSE	(1ULL << 1)
#define XSTATE_YMM	(1ULL << 2)
/* Components a guest may be offered: x87, SSE and AVX's upper halves. */
#define XSTATE_GUEST_MAX	3
/* The legacy FXSAVE region and the XSAVE header before component 2. */
#define XSTATE_LEGACY_SIZE	576

/* The host's layout of components 2..XSTATE_GUEST_MAX-1 (CPUID 0xD.i). */
struct xstate_layout {
	u32 size[XSTATE_GUEST_MAX];
	u32 offset[XSTATE_GUEST_MAX];
	u32 sub1_eax;		/* CPUID 0xD.1 EAX: XSAVEOPT, ... */
};

/* XSETBV's checks: x87 always, AVX only with SSE, nothing unoffered. */
bool xcr0_valid(u64 val, u64 offered);

/* Bytes of a standard-format XSAVE area holding @mask. */
u32 xstate_size(u64 mask, const struct xstate_layout *l);

/* CPUID leaf 0xD, @subleaf, for a guest offered @offered with @xcr0. */
void xstate_cpuid(u32 subleaf, u64 offered, u64 xcr0,
		  const struct xstate_layout *l, u32 out[4]);

#endif /* LG_XSTATE_H */
