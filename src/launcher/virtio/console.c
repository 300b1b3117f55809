// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-console (virtio 1.x, section 5.3): the guest's interactive
 * console, hvc0, on the launcher's stdin and stdout.  The 8250 keeps the
 * kernel's boot messages; with this device it gets no input, so every
 * key goes to hvc0.
 *
 * One port, no multiport: queue 0 receives, queue 1 transmits.  Input is
 * read from stdin straight into the guest's receive buffers when poll()
 * says it is readable and the guest has posted a buffer; while it has
 * none, stdin is left alone (the terminal buffers).  Nor is it read
 * before the guest has first written to hvc0: Linux drops what arrives
 * while nobody has the console open, and the first output (a shell's
 * prompt, a login banner) is the sign that somebody has, so commands
 * piped in are not lost while the guest boots.  At the end of a
 * stdin that is not a terminal (a pipe or file) the guest gets one EOT
 * (Ctrl-D), so a shell fed a script ends as it would on a terminal.  It
 * goes once hvc0 has been quiet for a second: sent with the rest of the
 * input, it would reach the tty before the shell reads its first line,
 * and a tty turns an early Ctrl-D into nothing a shell sees.
 * With VIRTIO_CONSOLE_F_SIZE the console's size is the terminal's, and
 * follows it on SIGWINCH (the handler only signals an eventfd).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "virtio/devices.h"
#include "virtio/virtio.h"

#define RX_QUEUE	0
#define TX_QUEUE	1
#define FD_IN		0
#define FD_WINCH	1
#define FD_EOT		2	/* a timer: quiet long enough for the EOT */
#define EOT		0x04
#define EOT_QUIET_MS	1000

static struct {
	struct virtio_dev dev;
	int in_fd, out_fd;
	bool in_tty;
	bool guest_spoke;	/* has written to hvc0: input may flow */
	enum { IN_OPEN, IN_EOT, IN_DONE } in_state;	/* EOT: owed since EOF */
	int winch_fd;
	int eot_timer;
	struct virtq_elem rx;
} con;

static void console_winch(int sig)
{
	uint64_t one = 1;
	int saved = errno;
	ssize_t n = write(con.winch_fd, &one, sizeof(one));

	(void)n;	/* nothing to do about a failure in a handler */
	errno = saved;
}

/* The terminal's size into config space; true if it changed. */
static bool console_read_size(void)
{
	struct virtio_console_config *cfg = (void *)con.dev.config;
	struct winsize ws;

	if (ioctl(con.out_fd, TIOCGWINSZ, &ws) && ioctl(con.in_fd, TIOCGWINSZ, &ws))
		return false;
	if (cfg->cols == ws.ws_col && cfg->rows == ws.ws_row)
		return false;
	cfg->cols = ws.ws_col;
	cfg->rows = ws.ws_row;
	return true;
}

static void eot_arm(unsigned int ms)
{
	struct itimerspec t = { .it_value = { ms / 1000, (ms % 1000) * 1000000L } };

	timerfd_settime(con.eot_timer, 0, &t, NULL);
}

/* Pops a receive buffer: 1 with con.rx, 0 if the guest posted none. */
static int console_rx_buffer(struct virtio_dev *dev)
{
	struct virtqueue *vq = &dev->vq[RX_QUEUE];
	const char *why;
	int ret;

	if (!virtio_dev_running(dev) || !vq->enabled)
		return 0;
	ret = vq_pop(vq, &con.rx, &why);
	if (ret < 0) {
		virtio_dev_broken(dev, "queue %u: %s", RX_QUEUE, why);
		return 0;
	}
	return ret;
}

static void console_rx_done(struct virtio_dev *dev, uint32_t len)
{
	vq_push(&dev->vq[RX_QUEUE], &con.rx, len);
	virtio_queue_interrupt(dev, RX_QUEUE);
}

/* Reads what stdin has into the guest's next receive buffer. */
static void console_rx(struct virtio_dev *dev)
{
	ssize_t n = 0;

	if (!console_rx_buffer(dev)) {
		/* No room: leave stdin until the guest posts a buffer (a kick). */
		if (!vq_wait_for_kicks(&dev->vq[RX_QUEUE]))
			dev->fds[FD_IN].events = 0;
		return;
	}
	if (con.rx.in_num) {
		do
			n = readv(con.in_fd, con.rx.in, con.rx.in_num);
		while (n < 0 && errno == EINTR);
	}
	if (n <= 0 && con.rx.in_num) {
		/* EOF (or an error): no more input; a pipe gets its EOT. */
		n = 0;
		dev->fds[FD_IN].events = 0;
		con.in_state = IN_DONE;
		if (!con.in_tty) {
			con.in_state = IN_EOT;
			dev->fds[FD_EOT].events = POLLIN;
			eot_arm(EOT_QUIET_MS);
		}
	}
	console_rx_done(dev, n);
}

/* hvc0 has been quiet: the EOT, if there is a buffer for it. */
static void console_eot(struct virtio_dev *dev)
{
	uint64_t expirations;

	if (read(con.eot_timer, &expirations, sizeof(expirations)) <= 0)
		return;
	if (!console_rx_buffer(dev)) {
		eot_arm(100);
		return;
	}
	if (!con.rx.in_num) {
		console_rx_done(dev, 0);
		eot_arm(100);
		return;
	}
	*(char *)con.rx.in[0].iov_base = EOT;
	con.in_state = IN_DONE;
	dev->fds[FD_EOT].events = 0;
	console_rx_done(dev, 1);
}

/* New receive buffers, or the guest's first words: read stdin again. */
static void console_want_input(struct virtio_dev *dev)
{
	if (con.in_fd >= 0 && con.in_state == IN_OPEN && con.guest_spoke)
		dev->fds[FD_IN].events = POLLIN;
}

static uint32_t console_tx(struct virtio_dev *dev, struct virtq_elem *elem)
{
	unsigned int i;
	ssize_t n;

	for (i = 0; i < elem->out_num; i++) {
		char *p = elem->out[i].iov_base;
		size_t left = elem->out[i].iov_len;

		while (left) {
			n = write(con.out_fd, p, left);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return 0;	/* stdout is gone: drop the output */
			p += n;
			left -= n;
		}
	}
	if (elem->out_num && !con.guest_spoke) {
		con.guest_spoke = true;
		console_want_input(dev);
	}
	if (elem->out_num && con.in_state == IN_EOT)
		eot_arm(EOT_QUIET_MS);	/* not quiet yet */
	return 0;
}

static void console_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	if (q == TX_QUEUE)
		virtio_serve(dev, q, console_tx);
	else
		console_want_input(dev);
}

static void console_fd_ready(struct virtio_dev *dev, unsigned int i, short revents)
{
	uint64_t n;

	if (i == FD_IN) {
		console_rx(dev);
		return;
	}
	if (i == FD_EOT) {
		console_eot(dev);
		return;
	}
	if (read(con.winch_fd, &n, sizeof(n)) > 0 && console_read_size())
		virtio_config_changed(dev);
}

static void console_reset(struct virtio_dev *dev)
{
	con.guest_spoke = false;
	dev->fds[FD_IN].events = 0;
}

/* Linux reads the size only on a config change: give it one at once. */
static void console_start(struct virtio_dev *dev)
{
	if (dev->driver_features & (1ull << VIRTIO_CONSOLE_F_SIZE))
		virtio_config_changed(dev);
}

static const struct virtio_dev_ops console_ops = {
	.start = console_start,
	.queue_notify = console_queue_notify,
	.fd_ready = console_fd_ready,
	.reset = console_reset,
};

int virtio_console_init(unsigned int slot, int in_fd, int out_fd)
{
	struct sigaction sa = { .sa_handler = console_winch, .sa_flags = SA_RESTART };

	con.in_fd = in_fd;
	con.out_fd = out_fd;
	con.in_tty = in_fd >= 0 && isatty(in_fd);
	con.winch_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	con.eot_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (con.winch_fd < 0 || con.eot_timer < 0)
		return -errno;
	con.dev.name = "virtio-console hvc0";
	con.dev.device_id = VIRTIO_ID_CONSOLE;
	con.dev.pci_class = 0x078000;
	con.dev.num_queues = 2;
	con.dev.config_len = sizeof(struct virtio_console_config);
	con.dev.ops = &console_ops;
	con.dev.priv = &con;
	if (console_read_size())
		con.dev.features |= 1ull << VIRTIO_CONSOLE_F_SIZE;
	con.dev.fds[FD_IN].fd = in_fd;	/* polled once the guest spoke */
	con.dev.fds[FD_WINCH] = (struct pollfd){ .fd = con.winch_fd, .events = POLLIN };
	con.dev.fds[FD_EOT].fd = con.eot_timer;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	return virtio_pci_add(&con.dev, slot);
}
