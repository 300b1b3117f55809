// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 16550A UART at 0x3F8 on IRQ 4: the guest's ttyS0, where its boot
 * messages appear (console=ttyS0) and where a test can talk to a shell.
 *
 * Transmission is instant: THR and the shift register are always empty,
 * so LSR always says THRE|TEMT and bytes go straight into a small output
 * buffer.  That buffer reaches out_fd at a newline, when it is full, and
 * whenever the guest touches any register other than THR and LSR: the
 * printk console writes LSR,THR,LSR,THR,... and then restores IER, the
 * tty path reads IIR between bursts, so output is never held back for
 * longer than one burst.  serial_flush() empties it; it also runs from
 * atexit(), so even a launcher that dies loses nothing.
 *
 * Reception: a reader thread moves bytes from in_fd into the receive
 * FIFO, but only while the guest has the receive interrupt enabled and
 * the FIFO has room.  So input typed (or piped) before the guest opens
 * ttyS0 waits in the pipe instead of being thrown away by the driver's
 * start-up FIFO clear, and a throttled tty (which disables IER.RDI)
 * pushes back on the sender.  At EOF or a read error the thread ends.
 *
 * Interrupts: IIR reports the highest pending source (line status, then
 * received data, then THR empty, then modem status).  THR-empty becomes
 * pending when IER.THRI is switched on and after each THR write, and
 * reading IIR clears it when it is the source reported, as on the real
 * chip; Linux's start-up test and its interrupt-driven tty writes rely on
 * exactly that.  The IOAPIC pin is edge-triggered, so we raise an edge
 * each time a source becomes pending that was not before; Linux's handler
 * reads IIR until nothing is pending, which catches the rest.
 *
 * Loopback (MCR.LOOP) feeds THR into the receive FIFO and MCR into MSR,
 * which is what Linux's autoconfig checks before calling it a 16550A.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "legacy.h"

/* Register offsets. */
#define UART_RBR	0	/* THR on write, DLL with DLAB */
#define UART_IER	1	/* DLM with DLAB */
#define UART_IIR	2	/* FCR on write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define IER_RDI		0x01
#define IER_THRI	0x02
#define IER_RLSI	0x04
#define IER_MSI		0x08

#define IIR_NO_INT	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_FIFO	0xc0

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_KEEP	0xc9	/* enable, DMA mode, trigger level */

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_DCTS	0x01
#define MSR_DDSR	0x02
#define MSR_TERI	0x04
#define MSR_DDCD	0x08
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

/* Pending interrupt sources, as bits, so that new ones can be spotted. */
#define PEND_LS		0x1
#define PEND_RX		0x2
#define PEND_TX		0x4
#define PEND_MS		0x8

#define RX_SIZE		256
#define OUT_SIZE	4096

static struct serial {
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* the reader waits for IER.RDI and room */
	int in_fd, out_fd;

	/* The chip: from ier up to out, zero after reset. */
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	uint8_t lsr_err;	/* overrun, cleared by reading LSR */
	uint8_t msr_delta;	/* cleared by reading MSR */
	bool thri;		/* THR-empty interrupt latched */
	unsigned int pending;	/* PEND_* as last seen, for edges */

	uint8_t rx[RX_SIZE];
	unsigned int rx_head, rx_count;

	char out[OUT_SIZE];
	size_t out_len;

	pthread_t reader;
	bool reader_started, stop, input_done;
	int stop_pipe[2];
} serial = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.in_fd = -1, .out_fd = -1, .stop_pipe = { -1, -1 },
};

static void write_all(int fd, const char *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n > 0) {
			buf += n;
			len -= n;
		} else if (n < 0 && errno == EAGAIN) {
			poll(&pfd, 1, -1);
		} else if (n < 0 && errno != EINTR) {
			return;		/* output gone: the guest can't care */
		}
	}
}

static void serial_flush_locked(void)
{
	if (serial.out_len && serial.out_fd >= 0)
		write_all(serial.out_fd, serial.out, serial.out_len);
	serial.out_len = 0;
}

void serial_flush(void)
{
	pthread_mutex_lock(&serial.lock);
	serial_flush_locked();
	pthread_mutex_unlock(&serial.lock);
}

static void serial_output(uint8_t c)
{
	serial.out[serial.out_len++] = c;
	if (c == '\n' || serial.out_len == OUT_SIZE)
		serial_flush_locked();
}

static unsigned int serial_pending(void)
{
	unsigned int p = 0;

	if ((serial.ier & IER_RLSI) && serial.lsr_err)
		p |= PEND_LS;
	if ((serial.ier & IER_RDI) && serial.rx_count)
		p |= PEND_RX;
	if ((serial.ier & IER_THRI) && serial.thri)
		p |= PEND_TX;
	if ((serial.ier & IER_MSI) && serial.msr_delta)
		p |= PEND_MS;
	return p;
}

/* Note what is pending now; true if a source appeared that wasn't. */
static bool serial_update(void)
{
	unsigned int p = serial_pending();
	bool edge = p & ~serial.pending;

	serial.pending = p;
	return edge;
}

static uint8_t serial_iir(void)
{
	uint8_t fifo = serial.fcr & FCR_ENABLE ? IIR_FIFO : 0;
	unsigned int p = serial_pending();

	if (p & PEND_LS)
		return fifo | IIR_RLSI;
	if (p & PEND_RX)
		return fifo | IIR_RDI;
	if (p & PEND_TX)
		return fifo | IIR_THRI;
	if (p & PEND_MS)
		return fifo | IIR_MSI;
	return fifo | IIR_NO_INT;
}

/* Modem status lines: always connected, or wired to MCR in loopback. */
static uint8_t serial_msr_lines(void)
{
	uint8_t m = serial.mcr;

	if (!(m & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	return (m & MCR_DTR ? MSR_DSR : 0) | (m & MCR_RTS ? MSR_CTS : 0) |
	       (m & MCR_OUT1 ? MSR_RI : 0) | (m & MCR_OUT2 ? MSR_DCD : 0);
}

static void serial_set_mcr(uint8_t mcr)
{
	uint8_t old = serial_msr_lines(), now, diff;

	serial.mcr = mcr & 0x1f;
	now = serial_msr_lines();
	diff = old ^ now;
	if (diff & MSR_CTS)
		serial.msr_delta |= MSR_DCTS;
	if (diff & MSR_DSR)
		serial.msr_delta |= MSR_DDSR;
	if (diff & MSR_DCD)
		serial.msr_delta |= MSR_DDCD;
	if ((old & MSR_RI) && !(now & MSR_RI))
		serial.msr_delta |= MSR_TERI;
}

static bool serial_rx_push(uint8_t c)
{
	if (serial.rx_count == RX_SIZE) {
		serial.lsr_err |= LSR_OE;
		return false;
	}
	serial.rx[(serial.rx_head + serial.rx_count++) % RX_SIZE] = c;
	return true;
}

static uint8_t serial_rx_pop(void)
{
	uint8_t c;

	if (!serial.rx_count)
		return 0;
	c = serial.rx[serial.rx_head];
	serial.rx_head = (serial.rx_head + 1) % RX_SIZE;
	serial.rx_count--;
	pthread_cond_signal(&serial.cond);
	return c;
}

static void serial_write(unsigned int reg, uint8_t val)
{
	bool dlab = serial.lcr & LCR_DLAB;
	uint8_t old;

	switch (reg) {
	case UART_RBR:
		if (dlab) {
			serial.dll = val;
			break;
		}
		/* The byte leaves at once; THR is empty again: a new THRI. */
		serial.thri = false;
		serial_update();
		if (serial.mcr & MCR_LOOP)
			serial_rx_push(val);
		else
			serial_output(val);
		serial.thri = true;
		break;
	case UART_IER:
		if (dlab) {
			serial.dlm = val;
			break;
		}
		old = serial.ier;
		serial.ier = val & 0x0f;
		if ((serial.ier ^ old) & IER_THRI)
			serial.thri = serial.ier & IER_THRI;
		if ((serial.ier ^ old) & IER_RDI)
			pthread_cond_signal(&serial.cond);
		break;
	case UART_IIR:
		if ((val ^ serial.fcr) & FCR_ENABLE)
			val |= FCR_CLEAR_RX;	/* toggling the FIFOs clears them */
		if (val & FCR_CLEAR_RX) {
			serial.rx_head = 0;
			serial.rx_count = 0;
			pthread_cond_signal(&serial.cond);
		}
		serial.fcr = val & FCR_KEEP;
		break;
	case UART_LCR:
		serial.lcr = val;
		break;
	case UART_MCR:
		serial_set_mcr(val);
		break;
	case UART_SCR:
		serial.scr = val;
		break;
	}
}

static uint8_t serial_read(unsigned int reg)
{
	bool dlab = serial.lcr & LCR_DLAB;
	uint8_t val = 0;

	switch (reg) {
	case UART_RBR:
		val = dlab ? serial.dll : serial_rx_pop();
		break;
	case UART_IER:
		val = dlab ? serial.dlm : serial.ier;
		break;
	case UART_IIR:
		val = serial_iir();
		if ((val & 0x0f) == IIR_THRI)
			serial.thri = false;
		break;
	case UART_LCR:
		val = serial.lcr;
		break;
	case UART_MCR:
		val = serial.mcr;
		break;
	case UART_LSR:
		val = LSR_THRE | LSR_TEMT | serial.lsr_err |
		      (serial.rx_count ? LSR_DR : 0);
		serial.lsr_err = 0;
		break;
	case UART_MSR:
		val = serial_msr_lines() | serial.msr_delta;
		serial.msr_delta = 0;
		break;
	case UART_SCR:
		val = serial.scr;
		break;
	}
	return val;
}

static void serial_io(void *opaque, uint64_t offset, void *data,
		      unsigned int size, bool is_write)
{
	uint8_t *p = data;
	bool edge;

	pthread_mutex_lock(&serial.lock);
	if (!(offset == UART_LSR && !is_write) &&
	    !(offset == UART_RBR && is_write && !(serial.lcr & LCR_DLAB)))
		serial_flush_locked();
	/* An 8-bit device: a wider access touches its low byte only. */
	if (is_write) {
		serial_write(offset, p[0]);
	} else {
		memset(data, 0, size);
		p[0] = serial_read(offset);
	}
	edge = serial_update();
	pthread_mutex_unlock(&serial.lock);

	if (edge)
		ioapic_raise(SERIAL_IRQ);
}

static void *serial_reader(void *arg)
{
	struct pollfd pfd[2] = {
		{ .fd = serial.in_fd, .events = POLLIN },
		{ .fd = serial.stop_pipe[0], .events = POLLIN },
	};
	uint8_t buf[RX_SIZE];
	bool edge, stop;
	size_t room;
	ssize_t n, i;

	for (;;) {
		pthread_mutex_lock(&serial.lock);
		while (!serial.stop && (!(serial.ier & IER_RDI) || serial.rx_count == RX_SIZE))
			pthread_cond_wait(&serial.cond, &serial.lock);
		room = RX_SIZE - serial.rx_count;
		stop = serial.stop;
		pthread_mutex_unlock(&serial.lock);
		if (stop)
			break;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		n = read(serial.in_fd, buf, room);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;		/* EOF or a dead fd: no more input */

		pthread_mutex_lock(&serial.lock);
		for (i = 0; i < n; i++)
			serial_rx_push(buf[i]);
		edge = serial_update();
		pthread_mutex_unlock(&serial.lock);
		if (edge)
			ioapic_raise(SERIAL_IRQ);
	}

	pthread_mutex_lock(&serial.lock);
	serial.input_done = true;
	pthread_mutex_unlock(&serial.lock);
	return NULL;
}

static void serial_close_stop_pipe(void)
{
	close(serial.stop_pipe[0]);
	close(serial.stop_pipe[1]);
	serial.stop_pipe[0] = -1;
	serial.stop_pipe[1] = -1;
}

int serial_start(void)
{
	sigset_t all, old;
	int err;

	if (serial.in_fd < 0 || serial.reader_started)
		return 0;
	if (pipe(serial.stop_pipe) < 0)
		return -errno;

	/* Signals are for the vCPU threads, to break them out of LG_RUN. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&serial.reader, NULL, serial_reader, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		serial_close_stop_pipe();
		return -err;
	}
	serial.reader_started = true;
	return 0;
}

void serial_exit(void)
{
	if (serial.reader_started) {
		pthread_mutex_lock(&serial.lock);
		serial.stop = true;
		pthread_cond_signal(&serial.cond);
		pthread_mutex_unlock(&serial.lock);
		if (write(serial.stop_pipe[1], "", 1) < 0)
			perror("lguest: serial");
		pthread_join(serial.reader, NULL);
		serial_close_stop_pipe();
		serial.reader_started = false;
	}
	serial_flush();
}

#ifdef LG_UNIT_TEST
bool serial_input_done(void)
{
	bool done;

	pthread_mutex_lock(&serial.lock);
	done = serial.input_done;
	pthread_mutex_unlock(&serial.lock);
	return done;
}
#endif

int serial_init(int in_fd, int out_fd)
{
	static bool flush_at_exit;

	/* Whatever way the launcher ends, what the guest wrote gets out. */
	if (!flush_at_exit && !atexit(serial_flush))
		flush_at_exit = true;

	pthread_mutex_lock(&serial.lock);
	serial.in_fd = in_fd;
	serial.out_fd = out_fd;
	memset(&serial.ier, 0, offsetof(struct serial, out) - offsetof(struct serial, ier));
	serial.lcr = 0x03;		/* 8N1, what firmware leaves behind */
	serial.dll = 0x0c;		/* 9600 baud */
	serial.out_len = 0;
	serial.stop = false;
	serial.input_done = false;
	pthread_mutex_unlock(&serial.lock);
	return bus_register_pio(SERIAL_PORT, 8, serial_io, NULL);
}
