// SPDX-License-Identifier: GPL-2.0-only
/*
 * The i8042 keyboard controller, for one reason: on a PC, the way to
 * reset the machine is to pulse the controller's reset line (command
 * 0xFE on port 0x64), which is what Linux's reboot=k does.  We answer
 * that by asking the launcher to exit with status 0.
 *
 * The rest is just enough of a controller without keyboard or mouse that
 * Linux's i8042 driver, when built in, finishes its probe at once instead
 * of waiting half a second for each unanswered command: the self tests
 * pass, the configuration byte (CTR) reads back what was written, the
 * AUX port reports itself broken, and bytes for the keyboard are ignored
 * (a kernel that binds atkbd should get i8042.dumbkbd, as Firecracker
 * does).  No IRQs are raised: there is nothing to report.
 */
#include <pthread.h>
#include <string.h>

#include "bus.h"
#include "vm.h"
#include "legacy.h"

#define I8042_DATA		0x60
#define I8042_CMD		0x64

#define STR_OBF			0x01	/* output buffer full */
#define STR_SYS			0x04	/* self test passed */
#define STR_UNLOCKED		0x10	/* keyboard not inhibited by a keylock */

#define CTR_SYS			0x04
#define CTR_KBDDIS		0x10
#define CTR_AUXDIS		0x20

#define CMD_READ_CTR		0x20
#define CMD_WRITE_CTR		0x60
#define CMD_AUX_DISABLE		0xa7
#define CMD_AUX_ENABLE		0xa8
#define CMD_AUX_TEST		0xa9
#define CMD_SELF_TEST		0xaa
#define CMD_KBD_TEST		0xab
#define CMD_KBD_DISABLE		0xad
#define CMD_KBD_ENABLE		0xae
#define CMD_READ_OUTP		0xd0
#define CMD_WRITE_OUTP		0xd1
#define CMD_AUX_LOOP		0xd3
#define CMD_PULSE		0xf0	/* 0xf0..0xff: pulse output lines */

#define OUTP_RESET		0x01	/* active low: 0 resets the CPU */
#define OUTP_A20		0x02

static struct i8042 {
	pthread_mutex_t lock;
	uint8_t ctr, outp;
	uint8_t out;		/* the output buffer */
	bool out_full;
	uint8_t pending_cmd;	/* command waiting for its data byte */
} i8042 = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void i8042_reply(uint8_t val)
{
	i8042.out = val;
	i8042.out_full = true;
}

static void i8042_reset(void)
{
	vm_request_exit(0);
}

static void i8042_command(uint8_t cmd)
{
	i8042.pending_cmd = 0;

	switch (cmd) {
	case CMD_READ_CTR:
		i8042_reply(i8042.ctr);
		break;
	case CMD_WRITE_CTR:
	case CMD_WRITE_OUTP:
	case CMD_AUX_LOOP:
		i8042.pending_cmd = cmd;
		break;
	case CMD_SELF_TEST:
		i8042_reply(0x55);
		break;
	case CMD_KBD_TEST:
		i8042_reply(0x00);
		break;
	case CMD_AUX_TEST:
		i8042_reply(0x02);	/* "clock line stuck high": no AUX port */
		break;
	case CMD_KBD_DISABLE:
		i8042.ctr |= CTR_KBDDIS;
		break;
	case CMD_KBD_ENABLE:
		i8042.ctr &= ~CTR_KBDDIS;
		break;
	case CMD_AUX_DISABLE:
		i8042.ctr |= CTR_AUXDIS;
		break;
	case CMD_AUX_ENABLE:
		i8042.ctr &= ~CTR_AUXDIS;
		break;
	case CMD_READ_OUTP:
		i8042_reply(i8042.outp);
		break;
	default:
		/* Pulsing the output lines whose bits are clear; 0xFE = reset. */
		if (cmd >= CMD_PULSE && !(cmd & OUTP_RESET))
			i8042_reset();
		break;
	}
}

static void i8042_data(uint8_t val)
{
	uint8_t cmd = i8042.pending_cmd;

	i8042.pending_cmd = 0;
	switch (cmd) {
	case CMD_WRITE_CTR:
		i8042.ctr = val;
		break;
	case CMD_WRITE_OUTP:
		i8042.outp = val | OUTP_RESET;
		if (!(val & OUTP_RESET))
			i8042_reset();
		break;
	case CMD_AUX_LOOP:
		/*
		 * A loop through an AUX port we don't have: the answer
		 * comes back without the AUX flag, so Linux stops there.
		 */
		i8042_reply(0x00);
		break;
	default:
		break;		/* for the keyboard, which isn't there */
	}
}

static void i8042_io(void *opaque, uint64_t offset, void *data,
		     unsigned int size, bool is_write)
{
	uint16_t port = I8042_DATA + offset;
	uint8_t *p = data;

	pthread_mutex_lock(&i8042.lock);
	if (is_write) {
		if (port == I8042_CMD)
			i8042_command(p[0]);
		else
			i8042_data(p[0]);
	} else {
		memset(data, 0, size);
		if (port == I8042_CMD) {
			p[0] = STR_SYS | STR_UNLOCKED | (i8042.out_full ? STR_OBF : 0);
		} else {
			p[0] = i8042.out;
			i8042.out_full = false;
		}
	}
	pthread_mutex_unlock(&i8042.lock);
}

/* Port 0x60 and 0x64 only; 0x61 (port B) and the rest stay unclaimed. */
static void i8042_cmd_io(void *opaque, uint64_t offset, void *data,
			 unsigned int size, bool is_write)
{
	i8042_io(opaque, offset + I8042_CMD - I8042_DATA, data, size, is_write);
}

int i8042_init(void)
{
	int err;

	pthread_mutex_lock(&i8042.lock);
	i8042.ctr = CTR_SYS | CTR_KBDDIS | CTR_AUXDIS;
	i8042.outp = OUTP_RESET | OUTP_A20;
	i8042.out = 0;
	i8042.out_full = false;
	i8042.pending_cmd = 0;
	pthread_mutex_unlock(&i8042.lock);

	err = bus_register_pio(I8042_DATA, 1, i8042_io, NULL);
	if (err)
		return err;
	return bus_register_pio(I8042_CMD, 1, i8042_cmd_io, NULL);
}
