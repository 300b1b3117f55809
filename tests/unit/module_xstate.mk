# SPDX-License-Identifier: GPL-2.0-only
# The module's XSAVE rules (src/module/xstate.c), in userspace.
UNIT_TESTS += test_xstate
test_xstate_SRCS := test_xstate.c $(ROOT)/src/module/xstate.c
