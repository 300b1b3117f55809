// SPDX-License-Identifier: GPL-2.0-only
/*
 * The WRMSR checks of msr_rules.h: PAT's memory types and EFER's bits,
 * as the AMD manual gives them; MSR_KVM_STEAL_TIME's, as KVM has them.
 */
#include "msr_rules.h"

bool pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

int efer_write(u64 old, u64 val, bool paging, u64 *out)
{
	if (val & ~MSR_EFER_GUEST)
		return -1;
	if (paging && ((val ^ old) & MSR_EFER_LME))
		return -1;
	/* LMA is the CPU's to set. */
	*out = (val & ~MSR_EFER_LMA) | (old & MSR_EFER_LMA);
	return 0;
}

bool steal_time_msr_valid(u64 val)
{
	return !(val & STEAL_TIME_RESERVED);
}
