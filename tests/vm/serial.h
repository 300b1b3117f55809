/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The serial port (COM1, 0x3F8) for the freestanding test guests
 * (multiboot/mbtest.c, hostile/conform.c): no libc there, so these few
 * lines are what they print with.  A character goes out once the UART's
 * transmitter can take it, as on real hardware.
 */
#ifndef LG_TEST_SERIAL_H
#define LG_TEST_SERIAL_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void putc_serial(char c)
{
	while (!(inb(0x3fd) & 0x20))	/* transmitter holding register empty */
		;
	outb(0x3f8, c);
}

static inline void puts_serial(const char *s)
{
	while (*s)
		putc_serial(*s++);
}

/* @v in hex, 0x and no leading zeros. */
static inline void put_hex(uint64_t v)
{
	int i;

	puts_serial("0x");
	for (i = 60; i >= 0; i -= 4)
		if (v >> i || i == 0)
			putc_serial("0123456789abcdef"[(v >> i) & 15]);
}

#endif /* LG_TEST_SERIAL_H */
