// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XSAVE rules of xstate.h.  A guest may be offered x87, SSE and AVX
 * only (fpu.c says why), so every component it can name is 0, 1 or 2;
 * the checks still refuse any other bit, whatever the host has.
 */
#include "xstate.h"

bool xcr0_valid(u64 val, u64 offered)
{
	if (val & ~offered)
		return false;
	if (!(val & XSTATE_FP))
		return false;
	if ((val & XSTATE_YMM) && !(val & XSTATE_SSE))
		return false;
	return true;
}

u32 xstate_size(u64 mask, const struct xstate_layout *l)
{
	u32 size = XSTATE_LEGACY_SIZE, end;
	int i;

	for (i = 2; i < XSTATE_GUEST_MAX; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		end = l->offset[i] + l->size[i];
		if (end > size)
			size = end;
	}
	return size;
}

void xstate_cpuid(u32 subleaf, u64 offered, u64 xcr0,
		  const struct xstate_layout *l, u32 out[4])
{
	out[0] = out[1] = out[2] = out[3] = 0;
	if (!offered)
		return;		/* no XSAVE: the leaf is all zeros */
	switch (subleaf) {
	case 0:
		out[0] = (u32)offered;
		out[1] = xstate_size(xcr0, l);	/* for what XCR0 enables */
		out[2] = xstate_size(offered, l);	/* for all of it */
		out[3] = (u32)(offered >> 32);
		break;
	case 1:
		/*
		 * XSAVEOPT, XSAVEC and XGETBV with ECX = 1, where the host
		 * has them; never XSAVES (there is no IA32_XSS to switch).
		 * The compacted size equals the standard one for x87, SSE
		 * and AVX.
		 */
		out[0] = l->sub1_eax & 7;
		out[1] = xstate_size(xcr0, l);
		break;
	default:
		if (subleaf < XSTATE_GUEST_MAX && (offered & (1ULL << subleaf))) {
			out[0] = l->size[subleaf];
			out[1] = l->offset[subleaf];
		}
		break;
	}
}
