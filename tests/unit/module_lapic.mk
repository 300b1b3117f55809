# SPDX-License-Identifier: GPL-2.0-only
# The x2APIC model of the module (src/module/lapic.c), tested in userspace.
UNIT_TESTS += test_lapic
test_lapic_SRCS := test_lapic.c $(ROOT)/src/module/lapic.c
