// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPUID exits: the host's answers and the vCPU's state, handed to the
 * policy in cpuid_policy.c.
 */
#include "compat.h"
#include "lg.h"
#include "cpuid_policy.h"

/* The host's highest leaves, capped at the last we filter: read once. */
static u32 max_basic, max_ext;

void lg_cpuid_init(void)
{
	max_basic = min_t(u32, cpuid_eax(0), CPUID_MAX_BASIC);
	max_ext = min_t(u32, cpuid_eax(0x80000000), CPUID_MAX_EXT);
}

static void lg_host_cpuid(u32 leaf, u32 subleaf, u32 out[4])
{
	cpuid_count(leaf, subleaf, &out[0], &out[1], &out[2], &out[3]);
}

void lg_cpuid(struct lg_vcpu *vcpu, u32 leaf, u32 subleaf, u32 out[4])
{
	const struct cpuid_guest g = {
		.apic_id = vcpu->lapic.id,
		.osxsave = lg_ops->get_cr4(vcpu) & X86_CR4_OSXSAVE,
		.xfeatures = lg_xfeatures,
		.xcr0 = vcpu->xcr0,
		.xlayout = &lg_xlayout,
		.max_basic = max_basic,
		.max_ext = max_ext,
		.steal_time = lg_steal_time_offered(),
		.host = lg_host_cpuid,
	};

	cpuid_guest_answer(&g, leaf, subleaf, out);
}
