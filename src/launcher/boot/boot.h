/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Putting a Linux guest into its RAM so that it can start: the kernel
 * (bzImage or vmlinux), the initrd, boot_params with the e820 map, the
 * MP table, and the page tables and GDT of the 64-bit boot protocol.
 *
 * Everything here works on a buffer holding the kernel file and a host
 * pointer to guest RAM, and touches no file and no device: the unit tests
 * feed it synthesized images.  Every offset and length from a file is
 * checked before use; a hostile file gets an error, never a write outside
 * guest RAM.  On error a function returns -1 and boot_error() says why in
 * one line.
 */
#ifndef LG_BOOT_H
#define LG_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include <asm/bootparam.h>
#include "lguest.h"

/* Guest RAM as the loaders see it: [0, low_size) and [4G, 4G + high_size). */
struct guest_ram {
	uint8_t *base;		/* host address of GPA 0 */
	uint64_t low_size;
	uint64_t high_size;	/* RAM at 4 GiB; never written by the loaders */
};

/* What the kernel loader found out, for placing everything else. */
struct kernel_image {
	uint64_t load_addr;	/* lowest byte of the kernel in guest RAM */
	uint64_t end;		/* first byte after what it needs (init_size) */
	uint64_t entry;		/* the 64-bit entry point */
	struct setup_header hdr;	/* from the bzImage, or made up */
	size_t hdr_len;		/* bytes of hdr that came from the file */
	int is_elf;
	int is_multiboot;	/* entry is 32-bit: see multiboot.c */
};

const char *boot_error(void);

/* Detects bzImage, multiboot kernel or ELF vmlinux and loads it. */
int kernel_load(const struct guest_ram *ram, const void *file, size_t len,
		struct kernel_image *kernel);
int bzimage_load(const struct guest_ram *ram, const void *file, size_t len,
		 struct kernel_image *kernel);
int elf_load(const struct guest_ram *ram, const void *file, size_t len,
	     struct kernel_image *kernel);

/* Multiboot v1: a header in the first 8 KiB; loading; the information. */
int multiboot_detect(const void *file, size_t len);
int multiboot_load(const struct guest_ram *ram, const void *file, size_t len,
		   struct kernel_image *kernel);
int multiboot_info_setup(const struct guest_ram *ram, const char *cmdline,
			 uint64_t mod_addr, uint64_t mod_size,
			 const char *mod_name);
/* The entry code in guest RAM, and the BSP's first registers for it. */
void multiboot_entry_setup(const struct guest_ram *ram, uint64_t entry,
			   struct lg_vcpu_init *init);

/* Where an initrd of @size bytes goes: the top of low RAM it may use. */
int initrd_place(const struct guest_ram *ram, const struct kernel_image *kernel,
		 uint64_t size, uint64_t *addr);

/* Fills @table, returns the number of entries. */
unsigned int e820_build(const struct guest_ram *ram,
			struct boot_e820_entry *table, unsigned int max);

/* boot_params at LAYOUT_ZERO_PAGE, command line at LAYOUT_CMDLINE. */
int zero_page_setup(const struct guest_ram *ram,
		    const struct kernel_image *kernel, const char *cmdline,
		    uint64_t initrd_addr, uint64_t initrd_size);

/*
 * MP table at LAYOUT_MPTABLE (its floating pointer at LAYOUT_MPF) for
 * @ncpus CPUs with APIC ids 0..ncpus-1; as many as lg runs.
 */
#define MPTABLE_MAX_CPUS	64
int mptable_setup(const struct guest_ram *ram, unsigned int ncpus);

/* Page tables and GDT in guest RAM; the BSP's first registers in @init. */
void long_mode_setup(const struct guest_ram *ram, uint64_t entry,
		     struct lg_vcpu_init *init);

/* Internal to boot/: record why the load failed; returns -1. */
int boot_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* LG_BOOT_H */
