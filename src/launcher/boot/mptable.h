/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Intel MP Specification 1.4 structures, for mptable.c and for the
 * unit test that parses the table back.  Linux has them only in a
 * kernel-internal header (arch/x86/include/asm/mpspec_def.h); the names
 * follow it.
 */
#ifndef LG_BOOT_MPTABLE_H
#define LG_BOOT_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

struct mpf_intel {		/* floating pointer structure */
	char signature[4];	/* "_MP_" */
	uint32_t physptr;	/* configuration table */
	uint8_t length;		/* 1: 16 bytes */
	uint8_t specification;	/* 4: version 1.4 */
	uint8_t checksum;
	uint8_t feature1;	/* 0: a configuration table follows */
	uint8_t feature2;	/* bit 7: IMCR present (PIC mode); 0 */
	uint8_t feature3, feature4, feature5;
} __attribute__((packed));

struct mpc_table {		/* configuration table header */
	char signature[4];	/* "PCMP" */
	uint16_t length;	/* header and entries */
	uint8_t spec;
	uint8_t checksum;
	char oem[8];
	char productid[12];
	uint32_t oemptr;
	uint16_t oemsize;
	uint16_t oemcount;	/* number of entries */
	uint32_t lapic;		/* local APIC address */
	uint32_t reserved;
} __attribute__((packed));

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };

#define CPU_ENABLED		1
#define CPU_BOOTPROCESSOR	2
#define MPC_APIC_USABLE		1
#define MP_IRQPOL_ACTIVE_HIGH	0x1
#define MP_IRQTRIG_EDGE		0x4
#define MP_APIC_ALL		0xff

#define MP_PCI_BUS		0
#define MP_ISA_BUS		1
#define MP_ISA_IRQS		15	/* 0-15 without 2 */

struct mpc_cpu {
	uint8_t type;
	uint8_t apicid;
	uint8_t apicver;
	uint8_t cpuflag;
	uint32_t cpufeature;	/* CPUID signature */
	uint32_t featureflag;	/* CPUID.1:EDX */
	uint32_t reserved[2];
} __attribute__((packed));

struct mpc_bus {
	uint8_t type;
	uint8_t busid;
	char bustype[6];	/* space padded */
} __attribute__((packed));

struct mpc_ioapic {
	uint8_t type;
	uint8_t apicid;
	uint8_t apicver;
	uint8_t flags;
	uint32_t apicaddr;
} __attribute__((packed));

struct mpc_intsrc {
	uint8_t type;
	uint8_t irqtype;
	uint16_t irqflag;
	uint8_t srcbus;
	uint8_t srcbusirq;
	uint8_t dstapic;
	uint8_t dstirq;
} __attribute__((packed));

struct mpc_lintsrc {
	uint8_t type;
	uint8_t irqtype;
	uint16_t irqflag;
	uint8_t srcbusid;
	uint8_t srcbusirq;
	uint8_t destapic;
	uint8_t destapiclint;
} __attribute__((packed));

_Static_assert(sizeof(struct mpf_intel) == 16, "MP floating pointer");
_Static_assert(sizeof(struct mpc_table) == 44, "MP table header");
_Static_assert(sizeof(struct mpc_cpu) == 20, "MP processor entry");

size_t mptable_size(unsigned int ncpus);

#endif /* LG_BOOT_MPTABLE_H */
