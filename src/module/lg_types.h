/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The module's pure logic (instruction decoding, page walks, the APIC
 * model) includes this instead of kernel headers, so that the unit tests
 * compile the very same files in userspace (-DLG_UNIT_TEST).
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
#else
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#endif

#endif /* LG_TYPES_H */
