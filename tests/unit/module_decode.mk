# SPDX-License-Identifier: GPL-2.0-only
# Unit tests of the module's MMIO path: the instruction decoder, what the
# instructions compute, and the guest page walk that fetches the bytes.
UNIT_TESTS += test_mmio_decode test_guest_walk
test_mmio_decode_SRCS := test_mmio_decode.c $(ROOT)/src/module/mmio_decode.c \
			 $(ROOT)/src/module/mmio_exec.c $(ROOT)/src/module/string_io.c
test_guest_walk_SRCS := test_guest_walk.c $(ROOT)/src/module/guest_walk.c \
			$(ROOT)/src/module/mmio_decode.c $(ROOT)/src/module/mmio_exec.c \
			$(ROOT)/src/module/string_io.c
UNIT_TESTS += test_mmio_exec
test_mmio_exec_SRCS := test_mmio_exec.c $(ROOT)/src/module/mmio_exec.c $(ROOT)/src/module/string_io.c
