# SPDX-License-Identifier: GPL-2.0-only
# The module's CPUID policy (src/module/cpuid_policy.c), in userspace.
UNIT_TESTS += test_cpuid_policy
test_cpuid_policy_SRCS := test_cpuid_policy.c $(ROOT)/src/module/cpuid_policy.c \
	$(ROOT)/src/module/xstate.c
