/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The checks a guest's WRMSR values must pass, as pure functions, so the
 * unit tests can try every value that matters: a value a real CPU would
 * refuse with #GP must not reach the VMCB or VMCS, where entry would
 * refuse the whole guest state instead.
 */
#ifndef LG_MSR_RULES_H
#define LG_MSR_RULES_H

#include "lg_types.h"

#define MSR_EFER_SCE	(1ULL << 0)
#define MSR_EFER_LME	(1ULL << 8)
#define MSR_EFER_LMA	(1ULL << 10)
#define MSR_EFER_NXE	(1ULL << 11)
/* What a guest's EFER may have: no FFXSR, LMSLE, TCE, ... */
#define MSR_EFER_GUEST	(MSR_EFER_SCE | MSR_EFER_LME | MSR_EFER_LMA | MSR_EFER_NXE)

/* Every byte a memory type: UC, WC, WT, WP, WB or UC-. */
bool pat_valid(u64 pat);

/*
 * EFER as a guest write of @val leaves it, from @old (as the guest sees
 * it: the backend adds what it needs, SVM's SVME), with paging on or
 * off; -1 for the #GP a CPU gives: a bit the guest has no feature for,
 * or LME changed under paging.
 */
int efer_write(u64 old, u64 val, bool paging, u64 *out);

/*
 * MSR_KVM_STEAL_TIME: bit 0 enables, bits 63:6 are the 64-byte aligned
 * guest-physical address of struct kvm_steal_time, bits 5:1 reserved.
 */
#define LG_MSR_KVM_STEAL_TIME	0x4b564d03
#define STEAL_TIME_ENABLE	(1ULL << 0)
#define STEAL_TIME_RESERVED	0x3eULL
#define STEAL_TIME_ADDR		(~0x3fULL)

/* False for the #GP KVM gives: a reserved bit set. */
bool steal_time_msr_valid(u64 val);

#endif /* LG_MSR_RULES_H */
