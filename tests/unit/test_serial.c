/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_serial.c - the serial module on a real pseudo-terminal pair, and its
 * error messages for paths that are not modems.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "smsmatch/serial.h"

static int open_master(char *slave, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	assert_int_equal(ptsname_r(m, slave, len), 0);
	return m;
}

/* Read from @fd until @want bytes came or ~1 s passed. */
static size_t read_some(int fd, char *buf, size_t want)
{
	size_t got = 0;

	for (int i = 0; i < 100 && got < want; i++) {
		ssize_t n = read(fd, buf + got, want - got);

		if (n > 0)
			got += (size_t)n;
		else
			usleep(10000);
	}
	return got;
}

static void test_pty_roundtrip(void **state)
{
	char slave[128], err[256], buf[64];
	struct sm_serial *s;
	int m = open_master(slave, sizeof(slave));
	ssize_t n = 0;

	assert_int_equal(sm_serial_open(slave, 0, &s, err, sizeof(err)), 0);
	assert_string_equal(sm_serial_name(s), slave);
	assert_true(sm_serial_fd(s) >= 0);
	/* Nothing to read yet: 0, not an error. */
	assert_int_equal(sm_serial_read(s, buf, sizeof(buf)), 0);

	assert_int_equal(sm_serial_write(s, "AT\r", 3), 0);
	assert_int_equal(sm_serial_pending(s), 0);
	assert_int_equal(read_some(m, buf, 3), 3);
	assert_memory_equal(buf, "AT\r", 3);

	assert_int_equal(write(m, "\r\nOK\r\n", 6), 6);
	for (int i = 0; i < 100 && n == 0; i++) {
		n = sm_serial_read(s, buf, sizeof(buf));
		if (n == 0)
			usleep(10000);
	}
	assert_int_equal(n, 6);
	assert_memory_equal(buf, "\r\nOK\r\n", 6);

	/* A second opener is refused while the first holds the port. */
	{
		struct sm_serial *s2;

		assert_int_equal(sm_serial_open(slave, 0, &s2, err,
						sizeof(err)),
				 -EBUSY);
		assert_non_null(strstr(err, "in use"));
	}

	/* The other end vanishes (modem unplugged): an error, not 0. */
	close(m);
	n = sm_serial_read(s, buf, sizeof(buf));
	assert_true(n < 0);
	sm_serial_close(s);
}

static void test_output_bound(void **state)
{
	char slave[128], err[256];
	static char big[SM_SERIAL_OUT_MAX + 1];
	struct sm_serial *s;
	int m = open_master(slave, sizeof(slave));

	assert_int_equal(sm_serial_open(slave, 9600, &s, err, sizeof(err)), 0);
	memset(big, 'A', sizeof(big));
	/* More than the buffer can ever hold is refused, not truncated. */
	assert_int_equal(sm_serial_write(s, big, sizeof(big)), -ENOBUFS);
	sm_serial_close(s);
	close(m);
}

static void test_not_modems(void **state)
{
	char err[256], path[] = "/tmp/smsmatch-serial-XXXXXX";
	struct sm_serial *s = (void *)1;
	int fd;

	assert_int_equal(sm_serial_open("/dev/ttyUSB99-nope", 0, &s, err,
					sizeof(err)),
			 -ENOENT);
	assert_null(s);
	assert_string_equal(err, "/dev/ttyUSB99-nope: no such device");

	assert_int_equal(sm_serial_open("/dev/null", 0, &s, err, sizeof(err)),
			 -ENOTTY);
	assert_string_equal(err, "/dev/null: not a serial port");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sm_serial_open(path, 0, &s, err, sizeof(err)),
			 -ENOTTY);
	assert_non_null(strstr(err, "not a serial port"));
	unlink(path);

	assert_int_equal(sm_serial_open("", 0, &s, err, sizeof(err)),
			 -EINVAL);
}

static void test_list(void **state)
{
	struct sm_serial_info info[16];
	char path[64];
	int n = sm_serial_list(info, 16);

	/* A build machine may have no serial ports; the call must work. */
	assert_true(n >= 0);
	for (int i = 0; i < n && i < 16; i++)
		assert_true(info[i].path[0] == '/');
	assert_int_equal(sm_serial_find_by_usb_serial("no-such-serial", 0,
						      path, sizeof(path)),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pty_roundtrip),
		cmocka_unit_test(test_output_bound),
		cmocka_unit_test(test_not_modems),
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
