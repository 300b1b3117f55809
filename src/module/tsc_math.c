// SPDX-License-Identifier: GPL-2.0-only
/*
 * TSC arithmetic for kvm-clock and the TSC-deadline timer (see
 * tsc_math.h).
 */
#include "tsc_math.h"

#define NS_PER_SEC	1000000000ULL
#define NS_PER_MS	1000000ULL
#define US_PER_SEC	1000000U

void tsc_scale(u64 hz, s8 *shift, u32 *mul)
{
	u64 scaled = NS_PER_SEC, base = hz;
	s8 s = 0;

	while (base > scaled * 2 || base >> 32) {
		base >>= 1;
		s--;
	}
	while ((u32)base <= scaled || scaled >> 32) {
		if (scaled >> 32 || (u32)base & 0x80000000)
			scaled >>= 1;
		else
			base <<= 1;
		s++;
	}
	*shift = s;
	*mul = div_u64(scaled << 32, (u32)base);
}

u64 tsc_deadline_ns(u64 deadline, u64 now_tsc, u64 now_ns, u32 khz)
{
	u64 ticks, ms;

	if (!deadline || deadline <= now_tsc)
		return now_ns;
	/*
	 * The guest picks the deadline, any u64: one too far to count in
	 * nanoseconds is "never", not a wrap into the past.
	 */
	ticks = deadline - now_tsc;
	ms = div_u64(ticks, khz);
	if (ms >= (TSC_NS_NEVER - now_ns) / NS_PER_MS)
		return TSC_NS_NEVER;
	return now_ns + mul_u64_u32_div(ticks, US_PER_SEC, khz);
}
