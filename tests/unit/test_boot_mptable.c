// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MP table parsed back the way Linux's mpparse.c reads it: the
 * floating pointer where Linux scans, both checksums, and the entries
 * for CPUs, buses, the IOAPIC and the ISA interrupt routing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/boot.h"
#include "boot/layout.h"
#include "boot/mptable.h"

#define RAM_SIZE	(1ULL << 20)

struct parsed {
	unsigned int cpus, bsps, buses, ioapics, intsrcs, lints;
	struct mpc_ioapic ioapic;
	uint8_t irq_seen[16];
	uint8_t isa_bus;
};

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static void parse(const uint8_t *ram, struct parsed *out)
{
	struct mpf_intel mpf;
	struct mpc_table mpc;
	const uint8_t *p, *end;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->isa_bus = 0xff;
	memcpy(&mpf, ram + LAYOUT_MPF, sizeof(mpf));
	assert_memory_equal(mpf.signature, "_MP_", 4);
	assert_int_equal(mpf.length, 1);
	assert_int_equal(mpf.specification, 4);
	assert_int_equal(sum(ram + LAYOUT_MPF, 16), 0);
	assert_int_equal(mpf.feature1, 0);
	assert_true(mpf.physptr >= LAYOUT_MPTABLE &&
		    mpf.physptr < LAYOUT_MPTABLE + LAYOUT_MPTABLE_MAX);

	memcpy(&mpc, ram + mpf.physptr, sizeof(mpc));
	assert_memory_equal(mpc.signature, "PCMP", 4);
	assert_int_equal(mpc.spec, 4);
	assert_int_equal(mpc.lapic, 0xfee00000);
	assert_true(mpf.physptr + mpc.length <= LAYOUT_MPTABLE + LAYOUT_MPTABLE_MAX);
	assert_int_equal(sum(ram + mpf.physptr, mpc.length), 0);

	p = ram + mpf.physptr + sizeof(mpc);
	end = ram + mpf.physptr + mpc.length;
	for (i = 0; i < mpc.oemcount; i++) {
		assert_true(p < end);
		switch (*p) {
		case MP_PROCESSOR: {
			struct mpc_cpu c;

			memcpy(&c, p, sizeof(c));
			assert_true(c.cpuflag & CPU_ENABLED);
			assert_int_equal(c.apicid, out->cpus);
			assert_int_not_equal(c.apicver, 0);
			out->bsps += !!(c.cpuflag & CPU_BOOTPROCESSOR);
			if (c.cpuflag & CPU_BOOTPROCESSOR)
				assert_int_equal(c.apicid, 0);
			out->cpus++;
			p += sizeof(c);
			break;
		}
		case MP_BUS: {
			struct mpc_bus b;

			memcpy(&b, p, sizeof(b));
			if (!memcmp(b.bustype, "ISA   ", 6))
				out->isa_bus = b.busid;
			out->buses++;
			p += sizeof(b);
			break;
		}
		case MP_IOAPIC:
			memcpy(&out->ioapic, p, sizeof(out->ioapic));
			out->ioapics++;
			p += 8;
			break;
		case MP_INTSRC: {
			struct mpc_intsrc s;

			memcpy(&s, p, sizeof(s));
			assert_int_equal(s.srcbus, out->isa_bus);
			assert_int_equal(s.dstapic, out->ioapic.apicid);
			assert_int_equal(s.srcbusirq, s.dstirq);
			assert_int_equal(s.irqtype, MP_INT);
			assert_int_equal(s.irqflag, MP_IRQPOL_ACTIVE_HIGH | MP_IRQTRIG_EDGE);
			assert_true(s.srcbusirq < 16);
			out->irq_seen[s.srcbusirq]++;
			out->intsrcs++;
			p += sizeof(s);
			break;
		}
		case MP_LINTSRC: {
			struct mpc_lintsrc l;

			memcpy(&l, p, sizeof(l));
			if (l.destapiclint == 0)
				assert_int_equal(l.irqtype, MP_EXTINT);
			else
				assert_int_equal(l.irqtype, MP_NMI);
			out->lints++;
			p += sizeof(l);
			break;
		}
		default:
			fail_msg("unknown MP entry type %u", *p);
		}
	}
	assert_ptr_equal(p, end);
}

static void one_cpu_table_has_valid_checksums_and_entries(void **state)
{
	struct guest_ram ram = { .base = calloc(1, RAM_SIZE), .low_size = RAM_SIZE };
	struct parsed t;
	unsigned int irq;

	assert_int_equal(mptable_setup(&ram, 1), 0);
	parse(ram.base, &t);
	assert_int_equal(t.cpus, 1);
	assert_int_equal(t.bsps, 1);
	assert_int_equal(t.buses, 2);
	assert_int_equal(t.isa_bus, MP_ISA_BUS);
	assert_int_equal(t.ioapics, 1);
	assert_int_equal(t.ioapic.apicid, 1);
	assert_int_equal(t.ioapic.apicver, 0x11);
	assert_int_equal(t.ioapic.flags & MPC_APIC_USABLE, MPC_APIC_USABLE);
	assert_int_equal(t.ioapic.apicaddr, 0xfec00000);
	assert_int_equal(t.intsrcs, 15);
	for (irq = 0; irq < 16; irq++)
		assert_int_equal(t.irq_seen[irq], irq == 2 ? 0 : 1);
	assert_int_equal(t.lints, 2);
	free(ram.base);
}

static void ioapic_id_follows_the_last_cpu(void **state)
{
	struct guest_ram ram = { .base = calloc(1, RAM_SIZE), .low_size = RAM_SIZE };
	struct parsed t;

	assert_int_equal(mptable_setup(&ram, 4), 0);
	parse(ram.base, &t);
	assert_int_equal(t.cpus, 4);
	assert_int_equal(t.bsps, 1);
	assert_int_equal(t.ioapic.apicid, 4);
	free(ram.base);
}

static void largest_table_fits_below_640K(void **state)
{
	struct guest_ram ram = { .base = calloc(1, RAM_SIZE), .low_size = RAM_SIZE };
	struct parsed t;

	assert_true(mptable_size(MPTABLE_MAX_CPUS) <= LAYOUT_MPTABLE_MAX);
	assert_int_equal(mptable_setup(&ram, MPTABLE_MAX_CPUS), 0);
	parse(ram.base, &t);
	assert_int_equal(t.cpus, MPTABLE_MAX_CPUS);
	assert_int_equal(mptable_setup(&ram, MPTABLE_MAX_CPUS + 1), -1);
	assert_int_equal(mptable_setup(&ram, 0), -1);
	free(ram.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_cpu_table_has_valid_checksums_and_entries),
		cmocka_unit_test(ioapic_id_follows_the_last_cpu),
		cmocka_unit_test(largest_table_fits_below_640K),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
