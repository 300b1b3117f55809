# SPDX-License-Identifier: GPL-2.0-only
# Unit tests of the launcher's boot code (kernel loaders, boot_params,
# MP table, long-mode set-up, multiboot) and of vm.c's memory sizing and
# bounds.
LAUNCHER := $(ROOT)/src/launcher
BOOT_SRCS := $(addprefix $(LAUNCHER)/boot/,kernel.c bzimage.c elf.c \
	     zero_page.c mptable.c long_mode.c multiboot.c multiboot_entry.S)

UNIT_TESTS += test_boot_bzimage test_boot_elf test_boot_zero_page \
	      test_boot_mptable test_boot_multiboot test_boot_vm
test_boot_bzimage_SRCS := test_boot_bzimage.c $(BOOT_SRCS)
test_boot_elf_SRCS := test_boot_elf.c $(BOOT_SRCS)
test_boot_zero_page_SRCS := test_boot_zero_page.c $(BOOT_SRCS)
test_boot_mptable_SRCS := test_boot_mptable.c $(BOOT_SRCS)
test_boot_multiboot_SRCS := test_boot_multiboot.c $(BOOT_SRCS)
test_boot_vm_SRCS := test_boot_vm.c $(LAUNCHER)/vm.c
