/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small reproducible pseudo-random generator (Marsaglia's xorshift64)
 * for the unit tests that try many inputs: the same sequence every run,
 * so a failure can be replayed.
 */
#ifndef LG_TEST_XORSHIFT_H
#define LG_TEST_XORSHIFT_H

#include <stdint.h>

static inline uint64_t xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif /* LG_TEST_XORSHIFT_H */
