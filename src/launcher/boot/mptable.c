// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Intel MultiProcessor Specification 1.4 table: how a guest booted
 * with acpi=off learns its CPUs, the IOAPIC and how ISA interrupts reach
 * it.  Linux looks for the floating pointer in the last KiB of base
 * memory (0x9fc00); the configuration table sits below it, in the
 * 3 KiB from 0x9f000, which holds 64 CPUs and then some.
 *
 * Laid out as kvmtool and Firecracker do: one processor entry per vCPU
 * (the BSP first), bus 0 PCI and bus 1 ISA, one IOAPIC whose id follows
 * the last CPU, ISA IRQs 0-15 identity-mapped to IOAPIC pins 0-15, edge
 * and active high (IRQ 2, the PIC cascade on a PC, is left out: no device
 * uses it), and LINT0 as ExtINT, LINT1 as NMI.  The PCI bus gets no
 * interrupt entries: virtio-pci uses MSI-X.
 *
 * The structures are the spec's; Linux keeps its copy in a kernel-only
 * header (asm/mpspec_def.h), so they are spelled out here.
 */
#include <string.h>

#include "boot.h"
#include "layout.h"
#include "mptable.h"

static uint8_t mp_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return (uint8_t)-sum;
}

size_t mptable_size(unsigned int ncpus)
{
	return sizeof(struct mpc_table) +
	       ncpus * sizeof(struct mpc_cpu) + 2 * sizeof(struct mpc_bus) +
	       sizeof(struct mpc_ioapic) +
	       MP_ISA_IRQS * sizeof(struct mpc_intsrc) +
	       2 * sizeof(struct mpc_lintsrc);
}

/* Appends one entry at *@pos and counts it. */
static void mp_put(uint8_t **pos, struct mpc_table *mpc, const void *e,
		   size_t len)
{
	memcpy(*pos, e, len);
	*pos += len;
	mpc->oemcount++;
}

static void mp_put_buses(uint8_t **pos, struct mpc_table *mpc)
{
	struct mpc_bus pci = { .type = MP_BUS, .busid = MP_PCI_BUS };
	struct mpc_bus isa = { .type = MP_BUS, .busid = MP_ISA_BUS };

	memcpy(pci.bustype, "PCI   ", 6);
	memcpy(isa.bustype, "ISA   ", 6);
	mp_put(pos, mpc, &pci, sizeof(pci));
	mp_put(pos, mpc, &isa, sizeof(isa));
}

static void mp_put_interrupts(uint8_t **pos, struct mpc_table *mpc,
			      uint8_t ioapic_id)
{
	struct mpc_lintsrc lint;
	unsigned int irq;

	for (irq = 0; irq < 16; irq++) {
		struct mpc_intsrc src = {
			.type = MP_INTSRC,
			.irqtype = MP_INT,
			.irqflag = MP_IRQPOL_ACTIVE_HIGH | MP_IRQTRIG_EDGE,
			.srcbus = MP_ISA_BUS,
			.srcbusirq = irq,
			.dstapic = ioapic_id,
			.dstirq = irq,
		};

		if (irq == 2)
			continue;
		mp_put(pos, mpc, &src, sizeof(src));
	}

	lint = (struct mpc_lintsrc){
		.type = MP_LINTSRC, .irqtype = MP_EXTINT,
		.srcbusid = MP_ISA_BUS, .destapic = MP_APIC_ALL,
		.destapiclint = 0,
	};
	mp_put(pos, mpc, &lint, sizeof(lint));
	lint.irqtype = MP_NMI;
	lint.destapiclint = 1;
	mp_put(pos, mpc, &lint, sizeof(lint));
}

int mptable_setup(const struct guest_ram *ram, unsigned int ncpus)
{
	struct mpf_intel *mpf = (struct mpf_intel *)(ram->base + LAYOUT_MPF);
	struct mpc_table *mpc = (struct mpc_table *)(ram->base + LAYOUT_MPTABLE);
	uint8_t *pos = (uint8_t *)(mpc + 1);
	uint8_t ioapic_id = ncpus;
	struct mpc_ioapic ioapic = {
		.type = MP_IOAPIC, .apicid = ioapic_id, .apicver = 0x11,
		.flags = MPC_APIC_USABLE, .apicaddr = (uint32_t)LAYOUT_IOAPIC,
	};
	unsigned int i;

	if (ram->low_size < LAYOUT_MPF + sizeof(*mpf))
		return boot_fail("guest RAM too small for the MP table");
	if (ncpus == 0 || ncpus > MPTABLE_MAX_CPUS ||
	    mptable_size(ncpus) > LAYOUT_MPTABLE_MAX)
		return boot_fail("%u vCPUs do not fit in the MP table", ncpus);
	memset(mpc, 0, LAYOUT_MPTABLE_MAX);
	memset(mpf, 0, sizeof(*mpf));

	memcpy(mpc->signature, "PCMP", 4);
	mpc->spec = 4;
	memcpy(mpc->oem, "LGUEST  ", 8);
	memcpy(mpc->productid, "LGUEST-LAUNC", 12);
	mpc->lapic = (uint32_t)LAYOUT_LAPIC;

	for (i = 0; i < ncpus; i++) {
		struct mpc_cpu cpu = {
			.type = MP_PROCESSOR,
			.apicid = i,
			.apicver = 0x14,	/* an integrated local APIC */
			.cpuflag = CPU_ENABLED | (i == 0 ? CPU_BOOTPROCESSOR : 0),
			.cpufeature = 0x600,	/* family 6 */
			.featureflag = (1 << 0) | (1 << 9),	/* FPU, APIC */
		};

		mp_put(&pos, mpc, &cpu, sizeof(cpu));
	}
	mp_put_buses(&pos, mpc);
	mp_put(&pos, mpc, &ioapic, sizeof(ioapic));
	mp_put_interrupts(&pos, mpc, ioapic_id);
	mpc->length = pos - (uint8_t *)mpc;
	mpc->checksum = mp_checksum(mpc, mpc->length);

	memcpy(mpf->signature, "_MP_", 4);
	mpf->physptr = (uint32_t)LAYOUT_MPTABLE;
	mpf->length = 1;		/* in 16-byte paragraphs */
	mpf->specification = 4;
	mpf->checksum = mp_checksum(mpf, sizeof(*mpf));
	return 0;
}
