// SPDX-License-Identifier: GPL-2.0-only
/*
 * MSI-X (PCI 3.0, section 6.8.2): how a virtio-pci device interrupts.
 *
 * Each vector is a table entry the guest fills with a message address
 * (0xFEEx_xxxx, the destination APIC ID in bits 19..12) and data (the
 * vector in bits 7..0, the delivery mode in bits 10..8), and a mask bit.
 * A vector that fires while it, or the whole function, is masked (or
 * MSI-X is off) sets its pending bit instead; unmasking delivers it.
 * Entries start masked, as the spec says.  Fixed and lowest-priority
 * messages, to physical or logical destinations (Linux in xAPIC mode
 * sends logical ones), reach the module; others are dropped with one
 * line on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "vm.h"
#include "virtio/msix.h"

/* The table comes first in the BAR. */
_Static_assert(MSIX_TABLE_OFFSET == 0, "msix_bar_access() assumes it");

#define MSI_ADDR_BASE		0xfee00000u
#define MSI_ADDR_BASE_MASK	0xfff00000u
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_ADDR_LOGICAL	(1u << 2)
#define MSI_DATA_MODE_SHIFT	8
#define MSI_MODE_FIXED		0
#define MSI_MODE_LOWEST		1
#define MSIX_CTRL_MASKED	1u

void msix_init(struct msix *m, unsigned int nr)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->nr = nr < MSIX_MAX_VECTORS ? nr : MSIX_MAX_VECTORS;
	for (i = 0; i < m->nr; i++) {
		m->table[i].ctrl = MSIX_CTRL_MASKED;
		m->msi[i].fd = -1;
	}
}

static void msix_send(struct msix *m, unsigned int v)
{
	const struct msix_entry *e = &m->table[v];
	static bool warned;
	unsigned int mode = (e->data >> MSI_DATA_MODE_SHIFT) & 7;
	uint32_t vector = e->data & 0xff;

	if ((e->addr_lo & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE || e->addr_hi ||
	    (mode != MSI_MODE_FIXED && mode != MSI_MODE_LOWEST) || vector < 16) {
		if (!warned)
			fprintf(stderr, "lguest-launch: dropping an MSI-X message lguest does not deliver (address %#x:%08x, data %#x)\n",
				e->addr_hi, e->addr_lo, e->data);
		warned = true;
		return;
	}
	if (e->addr_lo & MSI_ADDR_LOGICAL)
		vector |= LG_INTERRUPT_LOGICAL;
	if (mode == MSI_MODE_LOWEST)
		vector |= LG_INTERRUPT_LOWEST;
	m->sent++;
	vm_msi(&m->msi[v], (e->addr_lo >> MSI_ADDR_DEST_SHIFT) & 0xff, vector);
}

static bool msix_masked(const struct msix *m, unsigned int v)
{
	return !m->enabled || m->masked || (m->table[v].ctrl & MSIX_CTRL_MASKED);
}

/* Delivers every pending vector that is no longer masked. */
static void msix_flush(struct msix *m)
{
	unsigned int v;

	for (v = 0; v < m->nr; v++) {
		if ((m->pba & (1ull << v)) && !msix_masked(m, v)) {
			m->pba &= ~(1ull << v);
			msix_send(m, v);
		}
	}
}

void msix_notify(struct msix *m, uint16_t vector)
{
	if (vector >= m->nr)
		return;		/* VIRTIO_MSI_NO_VECTOR, or never accepted */
	if (msix_masked(m, vector))
		m->pba |= 1ull << vector;
	else
		msix_send(m, vector);
}

void msix_set_control(struct msix *m, bool enabled, bool masked)
{
	m->enabled = enabled;
	m->masked = masked;
	msix_flush(m);
}

void msix_bar_access(struct msix *m, uint64_t off, void *data, unsigned int size,
		     bool is_write)
{
	uint32_t *words = (uint32_t *)m->table, v;
	unsigned int w;

	/* Dword (and qword) accesses to the table, as the spec allows. */
	if ((size != 4 && size != 8) || off & (size - 1))
		goto ignore;
	if (off + size <= MSIX_TABLE_OFFSET + 16 * m->nr) {
		w = (off - MSIX_TABLE_OFFSET) / 4;
		if (!is_write) {
			memcpy(data, &words[w], size);
			return;
		}
		for (; size; size -= 4, w++, data = (char *)data + 4) {
			memcpy(&v, data, 4);
			words[w] = w % 4 == 3 ? v & MSIX_CTRL_MASKED : v;
		}
		msix_flush(m);
		return;
	}
	if (off >= MSIX_PBA_OFFSET && off + size <= MSIX_PBA_OFFSET + 8) {
		if (!is_write) {
			uint64_t pba = m->pba >> (8 * (off - MSIX_PBA_OFFSET));

			memcpy(data, &pba, size);
		}
		return;		/* the PBA is read-only */
	}
ignore:
	if (!is_write)
		memset(data, 0, size);
}
