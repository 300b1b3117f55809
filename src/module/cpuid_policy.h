/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPUID for a guest (cpuid_policy.c): the host's answers come in through
 * a callback, the guest's state as values, so the same code answers in
 * the module and in the unit tests.
 */
#ifndef LG_CPUID_POLICY_H
#define LG_CPUID_POLICY_H

#include "lg_types.h"
#include "xstate.h"

struct cpuid_guest {
	u32 apic_id;
	bool osxsave;			/* the guest's CR4.OSXSAVE */
	u64 xfeatures, xcr0;		/* what XCR0 may hold, and holds */
	const struct xstate_layout *xlayout;
	u32 max_basic, max_ext;		/* the host's, capped at what we filter */
	bool steal_time;		/* MSR_KVM_STEAL_TIME works (steal_time.c) */
	void (*host)(u32 leaf, u32 subleaf, u32 out[4]);
};

/* The highest leaves cpuid_guest_answer() passes on. */
#define CPUID_MAX_BASIC	0xd
#define CPUID_MAX_EXT	0x80000008

void cpuid_guest_answer(const struct cpuid_guest *g, u32 leaf, u32 subleaf,
			u32 out[4]);

#endif /* LG_CPUID_POLICY_H */
