/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The module's pure logic (instruction decoding, page walks, the APIC
 * model, TSC arithmetic) includes this instead of kernel headers, so
 * that the unit tests compile the very same files in userspace
 * (-DLG_UNIT_TEST).
 */
#ifndef LG_TYPES_H
#define LG_TYPES_H

#ifdef LG_UNIT_TEST
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
static inline u64 div_u64(u64 a, u32 b)
{
	return a / b;
}

static inline u64 mul_u64_u32_div(u64 a, u32 mul, u32 div)
{
	return (unsigned __int128)a * mul / div;
}
#else
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/math64.h>
#endif

#endif /* LG_TYPES_H */
