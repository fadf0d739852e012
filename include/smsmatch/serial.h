/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serial.h - open a modem's serial port and hand the event loop a file
 * descriptor.
 *
 * Real devices (ttyUSB, ttyACM, and udev symlinks to them) are opened and
 * configured with libserialport.  Debian's libserialport 0.1.1 refuses
 * pseudo-terminals ("Device name not recognized": a pty has no sysfs
 * entry), so ptys - the simulator, a socat/ser2net bridge - are opened with
 * open(2) and termios behind the same interface.  Either way the port is
 * non-blocking, raw, 8N1, with no flow control.
 *
 * Writes go through a bounded output buffer: sm_serial_write() sends what
 * the port takes at once and keeps the rest; sm_serial_flush() continues
 * when the loop reports the fd writable.
 */
#ifndef SMSMATCH_SERIAL_H
#define SMSMATCH_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sm_serial;

/* Bytes the output buffer holds at most. */
#define SM_SERIAL_OUT_MAX 8192

/*
 * Open @device at @baud (0: 115200).  On failure returns a negative errno
 * and writes a sentence naming the device into @err (@errlen bytes):
 * "/dev/ttyUSB9: no such device", "/dev/null: not a serial port".
 */
int sm_serial_open(const char *device, int baud, struct sm_serial **out,
		   char *err, size_t errlen);
/* Close and free; NULL allowed. */
void sm_serial_close(struct sm_serial *s);
/* The file descriptor to watch. */
int sm_serial_fd(const struct sm_serial *s);
/* The path it was opened with. */
const char *sm_serial_name(const struct sm_serial *s);

/*
 * Read what is available.  Returns bytes read (> 0), 0 if nothing is there
 * now, or a negative errno (-EIO/-ENODEV when the device went away, -EPIPE
 * at end of file, e.g. a pty whose other side closed).
 */
ssize_t sm_serial_read(struct sm_serial *s, void *buf, size_t len);
/*
 * Queue @len bytes and write what the port takes now.  Returns 0, -ENOBUFS
 * if the output buffer would overflow, or a negative errno from write(2).
 */
int sm_serial_write(struct sm_serial *s, const void *buf, size_t len);
/* Continue writing the buffer.  Returns bytes still pending or -errno. */
ssize_t sm_serial_flush(struct sm_serial *s);
/* Bytes still waiting in the output buffer. */
size_t sm_serial_pending(const struct sm_serial *s);

/* A serial port as libserialport lists it. */
struct sm_serial_info {
	char path[256];	       /* /dev/ttyUSB2 */
	char description[128]; /* product description, may be "" */
	char manufacturer[64]; /* USB manufacturer, may be "" */
	char serial[64];       /* USB serial number, may be "" */
	int usb_vid;	       /* USB vendor id, -1 if not USB */
	int usb_pid;	       /* USB product id, -1 if not USB */
};

/*
 * List the serial ports of the machine into @out (room for @max).  Returns
 * the number found (may exceed @max: only @max are written) or a negative
 * errno.
 */
int sm_serial_list(struct sm_serial_info *out, size_t max);

/*
 * Find the port whose USB serial number is @usb_serial and write its path
 * into @path (@len bytes).  A modem exposes several ports (interfaces) with
 * the same serial number: @index picks one, counting in name order
 * (ttyUSB0 before ttyUSB1).  DEVICE strings "usb:SERIAL" and
 * "usb:SERIAL:INDEX" use it.  Returns 0, -ENOENT if none, -EIO if the
 * ports cannot be listed.
 */
int sm_serial_find_by_usb_serial(const char *usb_serial, unsigned index,
				 char *path, size_t len);

#endif
