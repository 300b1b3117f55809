# SPDX-License-Identifier: GPL-2.0-only
# The module's INS/OUTS arithmetic (src/module/string_io.c), in userspace.
UNIT_TESTS += test_string_io
test_string_io_SRCS := test_string_io.c $(ROOT)/src/module/string_io.c
