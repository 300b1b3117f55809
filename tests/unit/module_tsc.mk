# SPDX-License-Identifier: GPL-2.0-only
# The module's TSC arithmetic (src/module/tsc_math.c), in userspace.
UNIT_TESTS += test_tsc_math
test_tsc_math_SRCS := test_tsc_math.c $(ROOT)/src/module/tsc_math.c
