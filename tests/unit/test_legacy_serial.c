// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 8250 UART, driven through the bus the way Linux's 8250 driver
 * drives it: the autoconfig probe must find a 16550A, output must reach
 * the host, IIR must name the right source, and interrupts must reach
 * the local APIC through the real IOAPIC (pin 4, vector 0x24).
 */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_legacy_vm.h"
#include "legacy/legacy.h"

#define RBR	(SERIAL_PORT + 0)
#define THR	(SERIAL_PORT + 0)
#define DLL	(SERIAL_PORT + 0)
#define IER	(SERIAL_PORT + 1)
#define DLM	(SERIAL_PORT + 1)
#define IIR	(SERIAL_PORT + 2)
#define FCR	(SERIAL_PORT + 2)
#define LCR	(SERIAL_PORT + 3)
#define MCR	(SERIAL_PORT + 4)
#define LSR	(SERIAL_PORT + 5)
#define MSR	(SERIAL_PORT + 6)
#define SCR	(SERIAL_PORT + 7)

#define VECTOR	0x24

struct fixture {
	int in[2];	/* host -> guest */
	int out[2];	/* guest -> host */
};

static struct fixture fx;

static int setup(void **state)
{
	bus_reset();
	test_vm_reset();
	assert_int_equal(pipe(fx.in), 0);
	assert_int_equal(pipe(fx.out), 0);
	fcntl(fx.out[0], F_SETFL, O_NONBLOCK);
	assert_int_equal(ioapic_init(1), 0);
	assert_int_equal(serial_init(fx.in[0], fx.out[1]), 0);
	/* Program pin 4 as Linux does: edge, fixed, physical, CPU 0. */
	test_mmio_write(IOAPIC_BASE, 4, 0x18);
	test_mmio_write(IOAPIC_BASE + 0x10, 4, VECTOR);
	return 0;
}

static int teardown(void **state)
{
	serial_exit();
	close(fx.in[0]);
	if (fx.in[1] >= 0)
		close(fx.in[1]);
	close(fx.out[0]);
	close(fx.out[1]);
	return 0;
}

static size_t host_read(char *buf, size_t len)
{
	ssize_t n = read(fx.out[0], buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? n : 0;
}

static void put_string(const char *s)
{
	while (*s)
		test_out(THR, 1, *s++);
}

/* Wait up to two seconds for the reader thread to do something. */
static bool wait_for(bool (*cond)(void))
{
	struct timespec ms = { 0, 1000000 };
	int i;

	for (i = 0; i < 2000; i++) {
		if (cond())
			return true;
		nanosleep(&ms, NULL);
	}
	return cond();
}

static bool data_ready(void)
{
	return test_in(LSR, 1) & 0x01;
}

static bool input_done(void)
{
	return serial_input_done();
}

/* drivers/tty/serial/8250/8250_port.c: autoconfig() and friends. */
static void test_linux_probe_finds_16550a(void **state)
{
	uint8_t save_mcr, save_lcr, status1, status2, iersave;
	char buf[8];

	/* IER holds exactly its low four bits. */
	test_out(IER, 1, 0);
	assert_int_equal(test_in(IER, 1) & 0x0f, 0);
	test_out(IER, 1, 0x0f);
	assert_int_equal(test_in(IER, 1) & 0x0f, 0x0f);
	test_out(IER, 1, 0);

	/* Scratch register. */
	test_out(SCR, 1, 0xa5);
	assert_int_equal(test_in(SCR, 1), 0xa5);
	test_out(SCR, 1, 0x5a);
	assert_int_equal(test_in(SCR, 1), 0x5a);

	/* Loopback: RTS|OUT2 must come back as CTS|DCD. */
	save_mcr = test_in(MCR, 1);
	save_lcr = test_in(LCR, 1);
	test_out(MCR, 1, 0x10 | 0x0a);
	assert_int_equal(test_in(MSR, 1) & 0xf0, 0x90);
	test_out(MCR, 1, save_mcr);

	/* FIFO: IIR bits 7:6 = 3 means 16550A. */
	test_out(LCR, 1, 0xbf);
	test_out(FCR, 1, 0);		/* EFR on a 16650 */
	test_out(LCR, 1, 0);
	test_out(FCR, 1, 0x01);
	assert_int_equal(test_in(IIR, 1) >> 6, 3);

	/* autoconfig_16550a(): no EFR with DLAB or with 0xBF... */
	test_out(LCR, 1, 0x80);
	assert_int_not_equal(test_in(IIR, 1), 0);
	test_out(LCR, 1, 0xbf);
	assert_int_not_equal(test_in(IIR, 1), 0);

	/* ...not a National SuperIO... */
	test_out(LCR, 1, 0);
	status1 = test_in(MCR, 1);
	test_out(LCR, 1, 0xe0);
	status2 = test_in(IIR, 1);
	assert_int_equal((status1 ^ status2) & 0x10, 0);
	test_out(LCR, 1, 0);
	test_out(MCR, 1, status1 ^ 0x10);
	test_out(LCR, 1, 0xe0);
	status2 = test_in(IIR, 1);
	test_out(LCR, 1, 0);
	test_out(MCR, 1, status1);
	assert_int_equal((status1 ^ status2) & 0x10, 0x10 & status1);

	/* ...not a TI16750... */
	test_out(FCR, 1, 0x01 | 0x20);
	status1 = test_in(IIR, 1) >> 5;
	test_out(FCR, 1, 0x01);
	test_out(LCR, 1, 0x80);
	test_out(FCR, 1, 0x01 | 0x20);
	status2 = test_in(IIR, 1) >> 5;
	test_out(FCR, 1, 0x01);
	test_out(LCR, 1, 0);
	assert_false(status1 == 6 && status2 == 7);
	assert_int_equal(status1, 6);

	/* ...and not an XScale (IER bit 6 does not stick). */
	iersave = test_in(IER, 1);
	test_out(IER, 1, iersave | 0x40);
	assert_int_equal(test_in(IER, 1) & 0x40, 0);

	test_out(LCR, 1, save_lcr);
	/* serial8250_startup(): LSR must not read 0xff. */
	assert_int_not_equal(test_in(LSR, 1), 0xff);
	assert_int_equal(test_in(LSR, 1) & 0x60, 0x60);
	/* Nothing of all this went out to the host. */
	serial_flush();
	assert_int_equal(host_read(buf, sizeof(buf)), 0);
}

static void test_output_reaches_host(void **state)
{
	char buf[64];

	put_string("hello\n");
	host_read(buf, sizeof(buf));
	assert_string_equal(buf, "hello\n");

	/* A prompt without newline: out once the guest does anything else. */
	put_string("login: ");
	test_in(LSR, 1);
	test_out(IER, 1, 0);
	host_read(buf, sizeof(buf));
	assert_string_equal(buf, "login: ");

	/* Or when the launcher flushes at exit. */
	put_string("bye");
	serial_flush();
	host_read(buf, sizeof(buf));
	assert_string_equal(buf, "bye");

	/* Loopback output stays inside the UART. */
	test_out(MCR, 1, 0x10);
	put_string("x");
	test_out(MCR, 1, 0);
	assert_int_equal(host_read(buf, sizeof(buf)), 0);
	assert_int_equal(test_in(RBR, 1), 'x');
}

static void test_dlab(void **state)
{
	char buf[8];

	test_out(LCR, 1, 0x83);
	test_out(DLL, 1, 0x01);
	test_out(DLM, 1, 0x02);
	assert_int_equal(test_in(DLL, 1), 0x01);
	assert_int_equal(test_in(DLM, 1), 0x02);
	assert_int_equal(test_in(LCR, 1), 0x83);
	test_out(LCR, 1, 0x03);
	/* Back to THR and IER: the divisor writes were neither. */
	assert_int_equal(test_in(IER, 1), 0);
	serial_flush();
	assert_int_equal(host_read(buf, sizeof(buf)), 0);
	test_out(IER, 1, 0x05);
	test_out(LCR, 1, 0x83);
	assert_int_equal(test_in(DLM, 1), 0x02);
	test_out(LCR, 1, 0x03);
	assert_int_equal(test_in(IER, 1), 0x05);
}

static void test_iir_priorities(void **state)
{
	int i;

	test_out(FCR, 1, 0x01);
	test_out(IER, 1, 0x0f);
	/* THR is empty: THRI. */
	assert_int_equal(test_in(IIR, 1), 0xc2);
	/* Reading IIR cleared it. */
	assert_int_equal(test_in(IIR, 1), 0xc1);

	/* Loopback byte: both RX data and THRI pending, RX wins. */
	test_out(MCR, 1, 0x10);
	assert_int_equal(test_in(MSR, 1), 0x0b);	/* the lines dropped */
	test_out(THR, 1, 'a');
	assert_int_equal(test_in(IIR, 1), 0xc4);
	assert_int_equal(test_in(IIR, 1), 0xc4);	/* THRI not cleared */
	assert_int_equal(test_in(RBR, 1), 'a');
	assert_int_equal(test_in(IIR, 1), 0xc2);
	assert_int_equal(test_in(IIR, 1), 0xc1);

	/* Overrun: line status beats everything, reading LSR clears it. */
	for (i = 0; i < 300; i++)
		test_out(THR, 1, 'b');
	assert_int_equal(test_in(IIR, 1), 0xc6);
	assert_int_equal(test_in(LSR, 1) & 0x03, 0x03);
	assert_int_equal(test_in(IIR, 1), 0xc4);
	test_out(FCR, 1, 0x03);		/* clear the RX FIFO */
	assert_int_equal(test_in(LSR, 1) & 0x01, 0);
	assert_int_equal(test_in(IIR, 1), 0xc2);
	assert_int_equal(test_in(IIR, 1), 0xc1);

	/* Modem status, lowest: a loopback RTS change is a CTS delta. */
	test_out(MCR, 1, 0x10 | 0x02);
	assert_int_equal(test_in(IIR, 1), 0xc0);
	assert_int_equal(test_in(MSR, 1), 0x10 | 0x01);
	assert_int_equal(test_in(IIR, 1), 0xc1);
	test_out(MCR, 1, 0);
	assert_int_equal(test_in(MSR, 1), 0xb0 | 0x0a);

	/* Without FIFOs, bits 7:6 are clear. */
	test_out(FCR, 1, 0);
	assert_int_equal(test_in(IIR, 1), 0x01);
}

static void test_thri_interrupts(void **state)
{
	struct test_irq irq;
	unsigned int n;

	/* Enabling THRI with THR empty raises an interrupt. */
	test_out(IER, 1, 0x02);
	assert_int_equal(test_irq_count(), 1);
	irq = test_irq_get(0);
	assert_int_equal(irq.dest, 0);
	assert_int_equal(irq.vector, VECTOR);
	assert_int_equal(test_in(IIR, 1) & 0x0f, 0x02);
	assert_int_equal(test_in(IIR, 1) & 0x0f, 0x01);

	/* Each THR write while THRI is enabled raises another. */
	n = test_irq_count();
	test_out(THR, 1, 'a');
	assert_int_equal(test_irq_count(), n + 1);
	test_out(THR, 1, 'b');
	assert_int_equal(test_irq_count(), n + 2);
	assert_int_equal(test_in(IIR, 1) & 0x0f, 0x02);

	/* serial8250_startup()'s THRE re-assertion test. */
	test_out(IER, 1, 0x02);
	test_in(IIR, 1);
	test_out(IER, 1, 0);
	test_out(IER, 1, 0x02);
	assert_int_equal(test_in(IIR, 1) & 0x0f, 0x02);

	/* Polled console output with IER = 0: no interrupts at all. */
	test_out(IER, 1, 0);
	n = test_irq_count();
	put_string("quiet\n");
	assert_int_equal(test_irq_count(), n);
	assert_int_equal(test_in(IIR, 1) & 0x0f, 0x01);
}

static void test_rx_interrupt(void **state)
{
	struct test_irq irq;

	assert_int_equal(serial_start(), 0);
	test_out(IER, 1, 0x01);
	assert_int_equal(write(fx.in[1], "ab", 2), 2);
	assert_true(wait_for(data_ready));
	assert_true(test_irq_count() >= 1);
	irq = test_irq_get(0);
	assert_int_equal(irq.vector, VECTOR);
	assert_int_equal(test_in(IIR, 1) & 0x0f, 0x04);
	assert_int_equal(test_in(RBR, 1), 'a');
	if (!(test_in(LSR, 1) & 0x01))
		assert_true(wait_for(data_ready));
	assert_int_equal(test_in(RBR, 1), 'b');
	assert_int_equal(test_in(LSR, 1) & 0x01, 0);
	assert_int_equal(test_in(IIR, 1) & 0x0f, 0x01);
}

static void test_rx_waits_for_guest(void **state)
{
	struct timespec t = { 0, 50000000 };

	/* Input waits in the pipe until the guest enables RX interrupts. */
	assert_int_equal(serial_start(), 0);
	assert_int_equal(write(fx.in[1], "z", 1), 1);
	nanosleep(&t, NULL);
	assert_int_equal(test_in(LSR, 1) & 0x01, 0);
	test_out(FCR, 1, 0x07);		/* the driver's start-up clear */
	test_out(IER, 1, 0x01);
	assert_true(wait_for(data_ready));
	assert_int_equal(test_in(RBR, 1), 'z');
}

static void test_input_eof(void **state)
{
	assert_int_equal(serial_start(), 0);
	test_out(IER, 1, 0x01);
	assert_int_equal(write(fx.in[1], "q", 1), 1);
	close(fx.in[1]);
	fx.in[1] = -1;
	assert_true(wait_for(input_done));
	/* The byte before EOF still arrives, and the UART keeps working. */
	assert_true(data_ready());
	assert_int_equal(test_in(RBR, 1), 'q');
	assert_int_equal(test_in(LSR, 1) & 0x01, 0);
	test_out(SCR, 1, 0x42);
	assert_int_equal(test_in(SCR, 1), 0x42);
}

static void test_no_input(void **state)
{
	serial_exit();
	bus_reset();
	assert_int_equal(ioapic_init(1), 0);
	assert_int_equal(serial_init(-1, fx.out[1]), 0);
	assert_int_equal(serial_start(), 0);
	test_out(IER, 1, 0x01);
	assert_int_equal(test_in(LSR, 1) & 0x01, 0);
	assert_int_equal(test_in(RBR, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_linux_probe_finds_16550a, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_reaches_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dlab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iir_priorities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thri_interrupts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_waits_for_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_input, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
