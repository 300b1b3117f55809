// SPDX-License-Identifier: GPL-2.0-only
/*
 * The conformance guest: hostile.S's case 37 (its GDT, page tables and
 * TSS), then conform_main() here.  Every check prints
 * "conform: PASS name" or "conform: FAIL name: why" on the serial port;
 * the conformance scenario counts them.
 *
 * - Intercepted instructions raise the exception a real CPU raises (or
 *   none), caught by our own IDT, which resumes after the instruction.
 * - Every MMIO instruction form lg emulates runs on lguest-launch's test
 *   window (a page of device memory that reads back what was written)
 *   and on RAM, with the same registers and flags: memory, registers
 *   and the flags the manuals define must come out the same.
 * - mode_trip (hostile.S) goes through 32-bit protected mode, 16-bit
 *   protected mode and real mode and back, with MMIO in each, and
 *   string I/O in real mode (its REP OUTSB prints a line of its own).
 *
 * Freestanding, general registers only: no SSE, whose state the guest
 * has not enabled.
 */
#include "serial.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;

#define TESTDEV		0xfeb00000ULL	/* lguest-launch's test window */
#define TRIP_RESULTS	0x6100		/* mode_trip's results (hostile.S) */
#define KERNEL_CS	0x10

#define CF 0x001ULL
#define PF 0x004ULL
#define AF 0x010ULL
#define ZF 0x040ULL
#define SF 0x080ULL
#define OF 0x800ULL
#define ARITH (CF | PF | AF | ZF | SF | OF)
#define LOGIC (CF | PF | ZF | SF | OF)	/* AF is undefined after them */

void mode_trip(void);

static unsigned int passed, failed;

static void putdec(unsigned int v)
{
	char buf[12];
	int i = 0;

	do
		buf[i++] = '0' + v % 10;
	while (v /= 10);
	while (i)
		putc_serial(buf[--i]);
}

/* One check: PASS, or FAIL with what came and what was wanted. */
static void check(const char *name, int ok, u64 got, u64 want)
{
	puts_serial(ok ? "conform: PASS " : "conform: FAIL ");
	puts_serial(name);
	if (!ok) {
		puts_serial(": got ");
		put_hex(got);
		puts_serial(", want ");
		put_hex(want);
		failed++;
	} else {
		passed++;
	}
	putc_serial('\n');
}

static void check_eq(const char *name, u64 got, u64 want)
{
	check(name, got == want, got, want);
}

/*
 * Exceptions: each entry records its vector and resumes at fixup_rip,
 * which the check set to the end of its instruction.  Vectors with an
 * error code drop it first.
 */
volatile u64 fixup_rip;
volatile int got_vector = -1;
extern char conform_entries[];

asm(".pushsection .text\n"
    ".balign 16\n"
    "conform_entries:\n"
    ".irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    ".balign 32\n"
    ".if (\\v == 8) || (\\v >= 10 && \\v <= 14) || (\\v == 17) || (\\v == 21) || (\\v == 29) || (\\v == 30)\n"
    "add $8, %rsp\n"
    ".endif\n"
    "movl $\\v, got_vector(%rip)\n"
    "push %rax\n"
    "mov fixup_rip(%rip), %rax\n"
    "mov %rax, 8(%rsp)\n"
    "pop %rax\n"
    "iretq\n"
    ".endr\n"
    ".popsection\n");

static void install_idt(void)
{
	struct __attribute__((packed)) { u16 limit; u64 base; } idtr;
	u64 *gate, entry;
	int v;

	asm volatile("sidt %0" : "=m"(idtr));
	for (v = 0; v < 32; v++) {
		gate = (u64 *)(idtr.base + 16 * v);
		entry = (u64)conform_entries + 32 * v;
		gate[0] = (entry & 0xffff) | (KERNEL_CS << 16) | (0x8eULL << 40) |
			  ((entry >> 16) & 0xffff) << 48;
		gate[1] = entry >> 32;
	}
}

/* Runs TEXT with the fixup at its end; the vector it raised, or -1. */
#define VECTOR_OF(text, ...) ({						\
	got_vector = -1;						\
	asm volatile("lea 1f(%%rip), %%r11\n\t"				\
		     "mov %%r11, fixup_rip(%%rip)\n\t"			\
		     text "\n1:"					\
		     : : __VA_ARGS__ : "rax", "rbx", "rcx", "rdx", "r11", "memory"); \
	got_vector;							\
})

#define NONE	(-1)
#define BP	3
#define UD	6
#define GP	13

static void cpuid(u32 leaf, u32 sub, u32 r[4])
{
	asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "a"(leaf), "c"(sub));
}

static void check_vector(const char *name, int got, int want)
{
	check(name, got == want, (u64)(long long)got, (u64)(long long)want);
}

static void intercepted_instructions(void)
{
	u32 r[4], ext[4];
	u64 rax;

	check_vector("ud2-ud", VECTOR_OF("ud2", "i"(0)), UD);
	check_vector("int3-bp", VECTOR_OF("int3", "i"(0)), BP);
	check_vector("vmrun-ud", VECTOR_OF("xor %%eax, %%eax; vmrun", "i"(0)), UD);
	check_vector("vmload-ud", VECTOR_OF("xor %%eax, %%eax; vmload", "i"(0)), UD);
	check_vector("vmsave-ud", VECTOR_OF("xor %%eax, %%eax; vmsave", "i"(0)), UD);
	check_vector("stgi-ud", VECTOR_OF("stgi", "i"(0)), UD);
	check_vector("clgi-ud", VECTOR_OF("clgi", "i"(0)), UD);
	check_vector("skinit-ud", VECTOR_OF("xor %%eax, %%eax; skinit", "i"(0)), UD);
	check_vector("invlpga-ud", VECTOR_OF("xor %%eax, %%eax; xor %%ecx, %%ecx; invlpga",
					     "i"(0)), UD);
	/*
	 * The hypercall instruction is the CPU vendor's, VMMCALL on AMD and
	 * VMCALL on Intel; the other one is #UD.  An unknown hypercall: no
	 * exception, -KVM_ENOSYS as KVM answers.  KVM_HC_KICK_CPU (5) to
	 * ourselves (APIC id 0) answers 0 and ends our next HLT at once,
	 * even with IF=0, which would otherwise power this one-vCPU guest
	 * off; one to an APIC id nobody has answers 0 too.
	 */
	cpuid(0, 0, r);
	if (r[1] == 0x756e6547) {	/* "Genu"ineIntel */
		check_vector("vmmcall-ud", VECTOR_OF("vmmcall", "i"(0)), UD);
		asm volatile("vmcall" : "=a"(rax) : "a"(12345ULL) : "memory");
		check_eq("vmcall-unknown-enosys", rax, (u64)-1000);
		asm volatile("vmcall" : "=a"(rax) : "a"(5ULL), "b"(0ULL), "c"(77ULL) : "memory");
		check_eq("kick-nobody-0", rax, 0);
		asm volatile("vmcall" : "=a"(rax) : "a"(5ULL), "b"(0ULL), "c"(0ULL) : "memory");
	} else {
		check_vector("vmcall-ud", VECTOR_OF("vmcall", "i"(0)), UD);
		asm volatile("vmmcall" : "=a"(rax) : "a"(12345ULL) : "memory");
		check_eq("vmmcall-unknown-enosys", rax, (u64)-1000);
		asm volatile("vmmcall" : "=a"(rax) : "a"(5ULL), "b"(0ULL), "c"(77ULL) : "memory");
		check_eq("kick-nobody-0", rax, 0);
		asm volatile("vmmcall" : "=a"(rax) : "a"(5ULL), "b"(0ULL), "c"(0ULL) : "memory");
	}
	check_eq("kick-self-0", rax, 0);
	asm volatile("pushf; cli; hlt; popf" : : : "memory");
	check_eq("kick-ends-hlt-with-if-0", 1, 1);	/* reached: not powered off */
	cpuid(0x40000001, 0, r);
	check_eq("cpuid-pv-unhalt", (r[0] >> 7) & 1, 1);

	cpuid(1, 0, r);
	cpuid(0x80000001, 0, ext);
	check_vector("monitor-as-cpuid-says",
		     VECTOR_OF("mov %%rsp, %%rax; xor %%ecx, %%ecx; xor %%edx, %%edx; monitor",
			       "i"(0)), r[2] & (1 << 3) ? NONE : UD);
	check_vector("mwait-as-cpuid-says",
		     VECTOR_OF("xor %%eax, %%eax; xor %%ecx, %%ecx; mwait", "i"(0)),
		     r[2] & (1 << 3) ? NONE : UD);
	check_vector("rdtscp-as-cpuid-says", VECTOR_OF("rdtscp", "i"(0)),
		     ext[3] & (1 << 27) ? NONE : UD);
	check_vector("rdpmc-gp", VECTOR_OF("xor %%ecx, %%ecx; rdpmc", "i"(0)), GP);
	check_vector("rdmsr-unknown-gp", VECTOR_OF("mov $0x12345678, %%ecx; rdmsr", "i"(0)),
		     GP);
	check_vector("wrmsr-unknown-gp",
		     VECTOR_OF("mov $0x12345678, %%ecx; xor %%eax, %%eax; xor %%edx, %%edx; wrmsr",
			       "i"(0)), GP);
	check_vector("wrmsr-efer-reserved-gp",
		     VECTOR_OF("mov $0xc0000080, %%ecx; rdmsr; or $0x40000000, %%edx; wrmsr",
			       "i"(0)), GP);
	check_vector("mov-cr4-reserved-gp",
		     VECTOR_OF("mov %%cr4, %%rax; bts $40, %%rax; mov %%rax, %%cr4", "i"(0)), GP);
	check_vector("wbinvd-runs", VECTOR_OF("wbinvd", "i"(0)), NONE);
	check_vector("invd-runs", VECTOR_OF("invd", "i"(0)), NONE);
	check_vector("pause-runs", VECTOR_OF("pause", "i"(0)), NONE);
	check_vector("cpuid-runs", VECTOR_OF("xor %%eax, %%eax; cpuid", "i"(0)), NONE);
	/* CR4.OSXSAVE goes on where CPUID has XSAVE, else #GP. */
	check_vector("cr4-osxsave-as-cpuid-says",
		     VECTOR_OF("mov %%cr4, %%rax; bts $18, %%rax; mov %%rax, %%cr4", "i"(0)),
		     r[2] & (1 << 26) ? NONE : GP);
	if (r[2] & (1 << 26)) {		/* XCR0 without x87 is #GP */
		check_vector("xsetbv-without-x87-gp",
			     VECTOR_OF("xor %%ecx, %%ecx; xor %%edx, %%edx; mov $2, %%eax; xsetbv",
				       "i"(0)), GP);
		check_vector("xsetbv-unknown-xcr-gp",
			     VECTOR_OF("mov $1, %%eax; xor %%edx, %%edx; mov $7, %%ecx; xsetbv",
				       "i"(0)), GP);
	}
	/* Port I/O nobody answers reads all ones, as the empty ISA bus. */
	asm volatile("inb %%dx, %%al" : "=a"(rax) : "a"(0ULL), "d"(0x4a0));
	check_eq("in-empty-port-ff", rax & 0xff, 0xff);
	/* DR0-3 are the guest's own. */
	asm volatile("mov %1, %%dr1; xor %0, %0; mov %%dr1, %0"
		     : "=&r"(rax) : "r"(0x1234abcdULL));
	check_eq("mov-dr1-round-trip", rax, 0x1234abcd);
}

/*
 * MMIO against RAM.  FORM runs TEXT twice, with P pointing at a RAM
 * buffer and at the test window, each holding MEM, with R in a register
 * (%[r]) and the flags FL; then memory, R and the FLAGS must agree.
 */
static u64 ram_buf[64] __attribute__((aligned(64)));

#define RUN(text, ptr, reg, fl)						\
	asm volatile("push %[f]\n\tpopf\n\t" text "\n\tpushf\n\tpop %[f]"	\
		     : [r] "+r"(reg), [f] "+r"(fl) : [p] "r"(ptr) : "cc", "memory")

#define FORM(name, type, text, mem, reg, fl_in, flags) do {		\
	volatile type *ram = (volatile type *)ram_buf;			\
	volatile type *dev = (volatile type *)(TESTDEV + 0x40);		\
	u64 r1 = (reg), r2 = (reg), f1 = (fl_in), f2 = (fl_in);		\
	*ram = (mem);							\
	*dev = (mem);							\
	RUN(text, ram, r1, f1);						\
	RUN(text, dev, r2, f2);						\
	check_eq(name " memory", *dev, *ram);				\
	check_eq(name " register", r2, r1);				\
	check_eq(name " flags", f2 & (flags), f1 & (flags));		\
} while (0)

#define FL0	0x202ULL		/* IF and the reserved bit */
#define FL1	(0x202ULL | ARITH)	/* every arithmetic flag set */

static void mmio_forms(void)
{
	FORM("mov-store-8", u8, "movb %b[r], (%[p])", 0, 0x5a, FL0, 0);
	FORM("mov-store-16", u16, "movw %w[r], (%[p])", 0, 0xbeef, FL0, 0);
	FORM("mov-store-32", u32, "movl %k[r], 4(%[p])", 0, 0xdeadbeef, FL0, 0);
	FORM("mov-store-64", u64, "movq %[r], (%[p])", 0, 0x0123456789abcdefULL, FL0, 0);
	FORM("mov-store-imm32-sext", u64, "movq $-2, (%[p])", 0, 0, FL0, 0);
	FORM("mov-load-8", u8, "movb (%[p]), %b[r]", 0x81, ~0ULL, FL0, 0);
	FORM("mov-load-32-zero-extends", u32, "movl (%[p]), %k[r]", 0x87654321, ~0ULL, FL0, 0);
	FORM("movzbl", u8, "movzbl (%[p]), %k[r]", 0xf0, ~0ULL, FL0, 0);
	FORM("movswq", u16, "movswq (%[p]), %[r]", 0x8001, 0, FL0, 0);
	FORM("add-to-memory-32", u32, "addl %k[r], (%[p])", 0xffffffff, 1, FL0, ARITH);
	FORM("add-from-memory-64", u64, "addq (%[p]), %[r]", 0x7fffffffffffffffULL, 1, FL0,
	     ARITH);
	FORM("adc-imm8-with-carry", u32, "adcl $5, (%[p])", 0xfffffffa, 0, FL1, ARITH);
	FORM("sbb-16-with-borrow", u16, "sbbw %w[r], (%[p])", 0x8000, 0x7fff, FL1, ARITH);
	FORM("sub-imm32-64", u64, "subq $0x12345678, (%[p])", 0x12345678, 0, FL0, ARITH);
	FORM("sub-from-memory-8", u8, "subb (%[p]), %b[r]", 0x80, 0x7f, FL0, ARITH);
	FORM("and-imm8", u8, "andb $0x0f, (%[p])", 0xf5, 0, FL1, LOGIC);
	FORM("or-16", u16, "orw %w[r], (%[p])", 0x00ff, 0x8000, FL0, LOGIC);
	FORM("xor-from-memory-32", u32, "xorl (%[p]), %k[r]", 0xffff0000, 0xffffffff, FL0,
	     LOGIC);
	FORM("cmp-imm8-32", u32, "cmpl $7, (%[p])", 3, 0, FL0, ARITH);
	FORM("cmp-reg-first-64", u64, "cmpq (%[p]), %[r]", 1, 0, FL0, ARITH);
	FORM("test-imm-8", u8, "testb $0x80, (%[p])", 0x80, 0, FL0, LOGIC);
	FORM("test-reg-64", u64, "testq %[r], (%[p])", 0xff00, 0x00ff, FL1, LOGIC);
	FORM("not-32", u32, "notl (%[p])", 0x0f0f0f0f, 0, FL0, ARITH);
	FORM("neg-16", u16, "negw (%[p])", 0x8000, 0, FL0, ARITH);
	FORM("inc-8-overflow", u8, "incb (%[p])", 0x7f, 0, FL1, ARITH);
	FORM("dec-64", u64, "decq (%[p])", 0, 0, FL0, ARITH);
	FORM("lock-or", u32, "lock orl $0x100, (%[p])", 1, 0, FL0, LOGIC);
	FORM("xchg-32", u32, "xchgl %k[r], (%[p])", 0x11111111, 0x22222222, FL0, 0);
	FORM("xchg-8", u8, "xchgb %b[r], 1(%[p])", 0x33, 0x44, FL0, 0);
	FORM("bt-reg", u32, "btl %k[r], (%[p])", 0x10, 4, FL0, CF);
	FORM("bts-imm", u64, "btsq $63, (%[p])", 1, 0, FL0, CF);
	FORM("btr-reg-16", u16, "btrw %w[r], (%[p])", 0xffff, 3, FL0, CF);
	FORM("btc-imm", u32, "btcl $0, (%[p])", 1, 0, FL0, CF);
	FORM("lock-bts", u32, "lock btsl %k[r], (%[p])", 0, 5, FL0, CF);
}

/* AH..BH, the high byte registers: no REX, so the pointer is in RDI. */
static void mmio_high_byte(void)
{
	volatile u8 *dev = (volatile u8 *)(TESTDEV + 0x80);
	u64 rax = 0xa5c3;

	asm volatile("movb %%ah, (%1)" : : "a"(rax), "D"(dev) : "memory");
	check_eq("mov-store-ah", *dev, 0xa5);
	*dev = 0x3c;
	asm volatile("movb (%1), %%ah" : "+a"(rax) : "D"(dev) : "memory");
	check_eq("mov-load-ah", rax, 0x3cc3);
	asm volatile("addb %%ah, (%1)" : : "a"(rax), "D"(dev) : "memory");
	check_eq("add-ah-to-memory", *dev, 0x78);
}

/* The moffs forms: MOV between rAX and a 64-bit absolute address. */
static void mmio_moffs(void)
{
	u64 rax = 0x1122334455667788ULL;

	asm volatile("movabs %%rax, 0xfeb000c0" : : "a"(rax) : "memory");
	check_eq("mov-moffs-store-64", *(volatile u64 *)(TESTDEV + 0xc0), rax);
	asm volatile("xor %%eax, %%eax; movabs 0xfeb000c4, %%eax" : "=a"(rax) : : "memory");
	check_eq("mov-moffs-load-32", rax, 0x11223344);
}

/*
 * String moves: RAM to the window, the window to RAM and to itself, up
 * and down, with and without REP, then STOS and LODS.
 */
static void mmio_strings(void)
{
	volatile u8 *win = (volatile u8 *)(TESTDEV + 0x200);
	u8 *ram = (u8 *)ram_buf, *src, *dst;
	u64 rcx, i, sum = 0;

	for (i = 0; i < 64; i++) {
		ram[i] = 0x40 + i;
		ram[64 + i] = 0;
	}
	src = ram;
	dst = (u8 *)win;
	rcx = 61;
	asm volatile("cld; rep movsb" : "+S"(src), "+D"(dst), "+c"(rcx) : : "memory");
	check("rep-movsb-ram-to-mmio registers",
	      rcx == 0 && src == ram + 61 && dst == (u8 *)win + 61, rcx, 0);
	for (i = 0; i < 61; i++)
		sum += win[i] != 0x40 + i;
	check_eq("rep-movsb-ram-to-mmio bytes", sum, 0);

	src = (u8 *)win;
	dst = ram + 64;
	rcx = 7;
	asm volatile("cld; rep movsq" : "+S"(src), "+D"(dst), "+c"(rcx) : : "memory");
	check_eq("rep-movsq-mmio-to-ram", ((u64 *)(ram + 64))[6], ((u64 *)ram)[6]);

	src = (u8 *)win + 12;
	dst = (u8 *)win + 0x100 + 12;
	rcx = 4;
	asm volatile("std; rep movsl; cld" : "+S"(src), "+D"(dst), "+c"(rcx) : : "memory");
	check("rep-movsl-down-mmio-to-mmio registers",
	      rcx == 0 && src == (u8 *)win - 4 && dst == (u8 *)win + 0x100 - 4,
	      (u64)src, (u64)win - 4);
	check_eq("rep-movsl-down-mmio-to-mmio data", *(volatile u64 *)(win + 0x100 + 8),
		 *(volatile u64 *)(win + 8));

	src = ram;
	dst = (u8 *)win + 0x300;
	asm volatile("movsw" : "+S"(src), "+D"(dst) : : "memory");
	check_eq("movsw-single", *(volatile u16 *)(win + 0x300), 0x4140);

	dst = (u8 *)win + 0x400;
	rcx = 9;
	asm volatile("cld; rep stosl" : "+D"(dst), "+c"(rcx) : "a"(0xcafef00dULL) : "memory");
	check_eq("rep-stosl", *(volatile u32 *)(win + 0x400 + 32), 0xcafef00d);
	check_eq("rep-stosl stops", *(volatile u32 *)(win + 0x400 + 36), 0);
	rcx = 0;
	dst = (u8 *)win + 0x400;
	asm volatile("cld; rep stosb" : "+D"(dst), "+c"(rcx) : "a"(0ULL) : "memory");
	check_eq("rep-stosb-zero-count", *(volatile u8 *)(win + 0x400), 0x0d);

	src = (u8 *)win + 0x400;
	rcx = ~0ULL;
	asm volatile("lodsl" : "+a"(rcx), "+S"(src) : : "memory");
	check_eq("lodsl-zero-extends", rcx, 0xcafef00d);
}

/* mode_trip's MMIO in 32-bit, 16-bit protected and real mode. */
static void modes(void)
{
	volatile u32 *res = (volatile u32 *)TRIP_RESULTS;
	int i;

	for (i = 0; i < 10; i++)
		res[i] = 0;
	mode_trip();
	check_eq("mode-trip real-mode-stack", *(volatile u16 *)0x6000, 0x5678);
	check_eq("32-bit mov-imm add-imm mov-moffs", res[0], 0x12233445);
	check_eq("32-bit xchg", res[1], 0x12233445);
	check_eq("32-bit xchg memory", res[2], 0xa5a5a5a5);
	check_eq("16-bit pm movw addw", res[4] & 0xffff, 0x2345);
	check_eq("16-bit pm orb movzbw", res[5] & 0xffff, 0x00a3);
	check_eq("real-mode movw incw", res[6] & 0xffff, 0x4322);
	check_eq("real-mode rep stosb", res[7] & 0xffff, 0x9999);
	check_eq("real-mode rep insb", res[8], 0xffffffff);
	check_eq("real-mode rep insb di", res[9] & 0xffff, 0x6124);
}

int conform_main(void)
{
	install_idt();
	intercepted_instructions();
	mmio_forms();
	mmio_high_byte();
	mmio_moffs();
	mmio_strings();
	modes();
	puts_serial("conform: ");
	putdec(passed);
	puts_serial(" passed, ");
	putdec(failed);
	puts_serial(" failed\n");
	return failed ? 1 : 0;
}
