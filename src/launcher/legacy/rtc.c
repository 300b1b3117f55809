// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CMOS real-time clock (MC146818) at 0x70/0x71: where a PC guest
 * reads the wall-clock time at boot.  pvclock gives Linux a fast, stable
 * clock, but only the RTC tells it what day it is.
 *
 * Port 0x70 selects one of 128 bytes (bit 7, NMI disable, is ignored);
 * port 0x71 reads or writes it.  The clock bytes are computed from the
 * host's UTC time on every read, so the clock never drifts and never
 * needs a timer.  It never shows an update in progress (UIP is clear in
 * status A); Linux rereads the seconds to catch a tick between reads.
 * Status B is 24-hour mode always and BCD unless the guest picks binary
 * (DM); the guest's choice is honoured for reads.  Status D reports a
 * valid battery.  No alarm, periodic or update interrupts are raised.
 *
 * Writes to the clock bytes are ignored: the guest cannot set the time
 * (hwclock --systohc is harmless, and the next read shows host time
 * again).  The remaining bytes are plain CMOS RAM.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "legacy.h"

#define RTC_PORT		0x70
#define CMOS_SIZE		128

#define RTC_SECONDS		0x00
#define RTC_MINUTES		0x02
#define RTC_HOURS		0x04
#define RTC_DAY_OF_WEEK		0x06
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
#define RTC_CENTURY		0x32

#define RTC_A_UIP		0x80
#define RTC_B_24H		0x02
#define RTC_B_DM_BINARY		0x04
#define RTC_D_VRT		0x80

static time_t rtc_host_time(void)
{
	return time(NULL);
}

static struct rtc {
	pthread_mutex_t lock;
	uint8_t index;
	uint8_t ram[CMOS_SIZE];
	time_t (*now)(void);
} rtc = { .lock = PTHREAD_MUTEX_INITIALIZER, .now = rtc_host_time };

#ifdef LG_UNIT_TEST
void rtc_set_time_source(time_t (*now)(void))
{
	rtc.now = now ? now : rtc_host_time;
}
#endif

static uint8_t rtc_encode(unsigned int v)
{
	if (rtc.ram[RTC_REG_B] & RTC_B_DM_BINARY)
		return v;
	return (v / 10) << 4 | v % 10;
}

/* A clock byte, or -1 if @reg isn't one. */
static int rtc_clock(uint8_t reg)
{
	time_t t = rtc.now();
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));

	switch (reg) {
	case RTC_SECONDS:
		return rtc_encode(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	case RTC_MINUTES:
		return rtc_encode(tm.tm_min);
	case RTC_HOURS:
		return rtc_encode(tm.tm_hour);
	case RTC_DAY_OF_WEEK:
		return rtc_encode(tm.tm_wday + 1);
	case RTC_DAY_OF_MONTH:
		return rtc_encode(tm.tm_mday);
	case RTC_MONTH:
		return rtc_encode(tm.tm_mon + 1);
	case RTC_YEAR:
		return rtc_encode((tm.tm_year + 1900) % 100);
	case RTC_CENTURY:
		return rtc_encode((tm.tm_year + 1900) / 100);
	}
	return -1;
}

static uint8_t rtc_read(uint8_t reg)
{
	int v = rtc_clock(reg);

	if (v >= 0)
		return v;
	switch (reg) {
	case RTC_REG_A:
		return rtc.ram[reg] & ~RTC_A_UIP;
	case RTC_REG_C:
		return 0;		/* no interrupt flags, ever */
	case RTC_REG_D:
		return RTC_D_VRT;
	}
	return rtc.ram[reg];
}

static void rtc_write(uint8_t reg, uint8_t val)
{
	if (rtc_clock(reg) >= 0)
		return;
	switch (reg) {
	case RTC_REG_A:
		rtc.ram[reg] = val & ~RTC_A_UIP;
		break;
	case RTC_REG_B:
		rtc.ram[reg] = val | RTC_B_24H;
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;			/* read-only */
	default:
		rtc.ram[reg] = val;
	}
}

static void rtc_io(void *opaque, uint64_t offset, void *data,
		   unsigned int size, bool is_write)
{
	uint8_t *p = data;

	pthread_mutex_lock(&rtc.lock);
	if (is_write) {
		if (offset == 0)
			rtc.index = p[0] & 0x7f;
		else
			rtc_write(rtc.index, p[0]);
	} else {
		memset(data, 0, size);
		p[0] = offset == 0 ? 0xff : rtc_read(rtc.index);
	}
	pthread_mutex_unlock(&rtc.lock);
}

int rtc_init(void)
{
	pthread_mutex_lock(&rtc.lock);
	memset(rtc.ram, 0, sizeof(rtc.ram));
	rtc.index = 0;
	rtc.ram[RTC_REG_A] = 0x26;	/* 32.768 kHz time base, 1024 Hz rate */
	rtc.ram[RTC_REG_B] = RTC_B_24H;
	pthread_mutex_unlock(&rtc.lock);
	return bus_register_pio(RTC_PORT, 2, rtc_io, NULL);
}
