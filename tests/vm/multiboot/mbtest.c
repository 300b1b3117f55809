// SPDX-License-Identifier: GPL-2.0-only
/*
 * mbtest: a multiboot (v1) test kernel, as the test kernels of other
 * hypervisor projects are, for the multiboot scenario.  Built twice: as a
 * 32-bit ELF, and with -DAOUT as a flat binary that the loader places by
 * the header's address fields.  On the serial port it prints what it was
 * started with: the boot magic, the CPU mode, the memory sizes and map,
 * the command line, the modules and the loader's name, each as a
 * "MBTEST ..." line; then it exits through QEMU's isa-debug-exit port
 * (0xf4) with the N of "exit=N" on its command line, so the launcher
 * exits (N << 1) | 1.  Freestanding: no libc, no 64-bit division.
 */
#include <stdint.h>

#include "serial.h"

#define MB_FLAGS_BASE	((1 << 0) | (1 << 1))	/* page-aligned modules, memory */
#ifdef AOUT
#define MB_FLAGS	(MB_FLAGS_BASE | (1 << 16))
#define MB_ADDRS	".long mb_header, _load_start, _edata, _end, _start\n"
#else
#define MB_FLAGS	MB_FLAGS_BASE
#define MB_ADDRS	""
#endif
#define STR_(x)	#x
#define STR(x)	STR_(x)

__asm__(".section .multiboot, \"a\"\n"
	".balign 4\n"
	"mb_header:\n"
	".long 0x1badb002, " STR(MB_FLAGS) ", -(0x1badb002 + " STR(MB_FLAGS) ")\n"
	MB_ADDRS
	".text\n"
	".globl _start\n"
	"_start:\n"
	"mov $mbtest_stack + 8192, %esp\n"
	"push %ebx\n"
	"push %eax\n"
	"call mbtest_main\n"
	"1: hlt\n"
	"jmp 1b\n");

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct mb_module {
	uint32_t start, end, string, reserved;
};

/* The stack _start sets up; global, for the asm to name. */
uint8_t mbtest_stack[8192] __attribute__((aligned(16)));

static void line(const char *what, uint64_t v)
{
	puts_serial("MBTEST ");
	puts_serial(what);
	putc_serial(' ');
	put_hex(v);
	putc_serial('\n');
}

/* The N of "exit=N" in @s, or 0. */
static uint32_t exit_value(const char *s)
{
	uint32_t n = 0;

	for (; *s; s++) {
		if (s[0] == 'e' && s[1] == 'x' && s[2] == 'i' && s[3] == 't' && s[4] == '=') {
			for (s += 5; *s >= '0' && *s <= '9'; s++)
				n = n * 10 + (*s - '0');
			return n;
		}
	}
	return 0;
}

void mbtest_main(uint32_t magic, const struct mb_info *mbi);
void mbtest_main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t cr0, eflags, i, exit = 0;
	uint16_t cs;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("pushf; pop %0" : "=r"(eflags));
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	line("magic", magic);
	line("cr0-pe", cr0 & 1);
	line("cr0-pg", cr0 >> 31);
	line("eflags-if", (eflags >> 9) & 1);
	line("cs", cs);
	if (magic != 0x2badb002)
		goto out;
	line("flags", mbi->flags);
	if (mbi->flags & (1 << 0)) {
		line("mem-lower-kib", mbi->mem_lower);
		line("mem-upper-kib", mbi->mem_upper);
	}
	if (mbi->flags & (1 << 6)) {
		uint32_t p = mbi->mmap_addr;

		while (p < mbi->mmap_addr + mbi->mmap_length) {
			const uint32_t *e = (const uint32_t *)p;

			puts_serial("MBTEST mmap ");
			put_hex(e[1] | (uint64_t)e[2] << 32);
			putc_serial(' ');
			put_hex(e[3] | (uint64_t)e[4] << 32);
			putc_serial(' ');
			put_hex(e[5]);
			putc_serial('\n');
			p += e[0] + 4;
		}
	}
	if (mbi->flags & (1 << 2)) {
		puts_serial("MBTEST cmdline ");
		puts_serial((const char *)mbi->cmdline);
		putc_serial('\n');
		exit = exit_value((const char *)mbi->cmdline);
	}
	if (mbi->flags & (1 << 3)) {
		const struct mb_module *m = (const struct mb_module *)mbi->mods_addr;

		line("mods", mbi->mods_count);
		for (i = 0; i < mbi->mods_count; i++) {
			const char *text = (const char *)m[i].start;
			uint32_t j;

			line("module-start", m[i].start);
			line("module-size", m[i].end - m[i].start);
			puts_serial("MBTEST module-string ");
			puts_serial((const char *)m[i].string);
			puts_serial("\nMBTEST module-text ");
			for (j = 0; j < m[i].end - m[i].start && j < 32 && text[j] != '\n'; j++)
				putc_serial(text[j]);
			putc_serial('\n');
		}
	}
	if (mbi->flags & (1 << 9)) {
		puts_serial("MBTEST loader ");
		puts_serial((const char *)mbi->boot_loader_name);
		putc_serial('\n');
	}
out:
	line("exit", exit);
	__asm__ volatile("outl %0, %1" : : "a"(exit), "Nd"((uint16_t)0xf4));
}
