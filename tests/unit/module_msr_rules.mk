# SPDX-License-Identifier: GPL-2.0-only
# The module's WRMSR checks (src/module/msr_rules.c), in userspace.
UNIT_TESTS += test_msr_rules
test_msr_rules_SRCS := test_msr_rules.c $(ROOT)/src/module/msr_rules.c
