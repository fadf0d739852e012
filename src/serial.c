/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serial.c - modem serial ports: libserialport for real devices, termios for
 * pseudo-terminals, one non-blocking file descriptor either way.
 *
 * libserialport 0.1.1 (Debian 12) looks a port up in sysfs, so it refuses a
 * pty ("Device name not recognized"): ptys - smsmatch-modemsim, a socat or
 * ser2net bridge - are opened with open(2) and configured with termios.
 * Both paths take an advisory flock(2) so that two programs never talk to
 * the same modem at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "smsmatch/serial.h"

struct sm_serial {
	int fd;				/* non-blocking, raw */
	struct sp_port *port;		/* libserialport handle, or NULL */
	char name[PATH_MAX];		/* the path as given */
	unsigned char out[SM_SERIAL_OUT_MAX]; /* bytes not yet written */
	size_t out_len;			/* how many */
};

static speed_t termios_speed(int baud)
{
	switch (baud) {
	case 9600:
		return B9600;
	case 19200:
		return B19200;
	case 38400:
		return B38400;
	case 57600:
		return B57600;
	case 230400:
		return B230400;
	case 460800:
		return B460800;
	case 921600:
		return B921600;
	default:
		return B115200;
	}
}

/* Raw 8N1 without flow control, on a pty or any tty libserialport skips. */
static int open_tty(struct sm_serial *s, const char *real, int baud, char *err,
		    size_t errlen)
{
	struct termios tio;

	s->fd = open(real, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;

		snprintf(err, errlen, "%s: cannot open: %s", s->name,
			 strerror(e));
		return -e;
	}
	if (!isatty(s->fd) || tcgetattr(s->fd, &tio) != 0) {
		snprintf(err, errlen, "%s: not a serial port", s->name);
		return -ENOTTY;
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cflag &= ~(tcflag_t)CRTSCTS;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, termios_speed(baud));
	cfsetospeed(&tio, termios_speed(baud));
	if (tcsetattr(s->fd, TCSANOW, &tio) != 0) {
		int e = errno;

		snprintf(err, errlen, "%s: cannot configure: %s", s->name,
			 strerror(e));
		return -e;
	}
	return 0;
}

static int open_sp(struct sm_serial *s, const char *real, int baud, char *err,
		   size_t errlen)
{
	enum sp_return r;
	int flags;

	if (sp_get_port_by_name(real, &s->port) != SP_OK) {
		s->port = NULL;
		snprintf(err, errlen, "%s: not a serial port", s->name);
		return -ENOTTY;
	}
	r = sp_open(s->port, SP_MODE_READ_WRITE);
	if (r != SP_OK) {
		char *msg = sp_last_error_message();

		snprintf(err, errlen, "%s: cannot open: %s", s->name,
			 msg ? msg : "unknown error");
		sp_free_error_message(msg);
		return -EIO;
	}
	if (sp_set_baudrate(s->port, baud) != SP_OK ||
	    sp_set_bits(s->port, 8) != SP_OK ||
	    sp_set_parity(s->port, SP_PARITY_NONE) != SP_OK ||
	    sp_set_stopbits(s->port, 1) != SP_OK ||
	    sp_set_flowcontrol(s->port, SP_FLOWCONTROL_NONE) != SP_OK ||
	    sp_get_port_handle(s->port, &s->fd) != SP_OK) {
		snprintf(err, errlen, "%s: cannot configure the port",
			 s->name);
		s->fd = -1;
		return -EIO;
	}
	flags = fcntl(s->fd, F_GETFL);
	if (flags < 0 || fcntl(s->fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
	    fcntl(s->fd, F_SETFD, FD_CLOEXEC) < 0) {
		snprintf(err, errlen, "%s: cannot configure: %s", s->name,
			 strerror(errno));
		return -EIO;
	}
	return 0;
}

int sm_serial_open(const char *device, int baud, struct sm_serial **out,
		   char *err, size_t errlen)
{
	char real[PATH_MAX];
	struct sm_serial *s;
	struct stat st;
	char dummy[8];
	int rc;

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	*out = NULL;
	if (!device || !*device) {
		snprintf(err, errlen, "no device given");
		return -EINVAL;
	}
	if (strlen(device) >= PATH_MAX) {
		snprintf(err, errlen, "device name too long");
		return -ENAMETOOLONG;
	}
	if (!realpath(device, real) || stat(real, &st) != 0) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", device,
			 e == ENOENT ? "no such device" : strerror(e));
		return -e;
	}
	if (!S_ISCHR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a serial port", device);
		return -ENOTTY;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", device);
		return -ENOMEM;
	}
	s->fd = -1;
	snprintf(s->name, sizeof(s->name), "%s", device);
	if (baud <= 0)
		baud = 115200;

	if (strncmp(real, "/dev/pts/", 9) == 0)
		rc = open_tty(s, real, baud, err, errlen);
	else
		rc = open_sp(s, real, baud, err, errlen);
	if (rc == 0 && flock(s->fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen, "%s: in use by another program",
			 device);
		rc = -EBUSY;
	}
	if (rc < 0) {
		sm_serial_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void sm_serial_close(struct sm_serial *s)
{
	if (!s)
		return;
	if (s->port) {
		/* sp_close() closes the fd that sp_get_port_handle() gave. */
		sp_close(s->port);
		sp_free_port(s->port);
	} else if (s->fd >= 0) {
		close(s->fd);
	}
	free(s);
}

int sm_serial_fd(const struct sm_serial *s)
{
	return s->fd;
}

const char *sm_serial_name(const struct sm_serial *s)
{
	return s->name;
}

ssize_t sm_serial_read(struct sm_serial *s, void *buf, size_t len)
{
	ssize_t n = read(s->fd, buf, len);

	if (n > 0)
		return n;
	if (n == 0)
		return -EPIPE;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return -errno;
}

ssize_t sm_serial_flush(struct sm_serial *s)
{
	while (s->out_len) {
		ssize_t n = write(s->fd, s->out, s->out_len);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		memmove(s->out, s->out + n, s->out_len - (size_t)n);
		s->out_len -= (size_t)n;
	}
	return (ssize_t)s->out_len;
}

int sm_serial_write(struct sm_serial *s, const void *buf, size_t len)
{
	ssize_t rc;

	if (len > sizeof(s->out) - s->out_len)
		return -ENOBUFS;
	memcpy(s->out + s->out_len, buf, len);
	s->out_len += len;
	rc = sm_serial_flush(s);
	return rc < 0 ? (int)rc : 0;
}

size_t sm_serial_pending(const struct sm_serial *s)
{
	return s->out_len;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

int sm_serial_list(struct sm_serial_info *out, size_t max)
{
	struct sp_port **ports = NULL;
	int count = 0;

	if (sp_list_ports(&ports) != SP_OK)
		return -EIO;
	for (size_t i = 0; ports[i]; i++, count++) {
		struct sm_serial_info *info;
		int vid = -1, pid = -1;

		if ((size_t)count >= max)
			continue;
		info = &out[count];
		memset(info, 0, sizeof(*info));
		copy_str(info->path, sizeof(info->path),
			 sp_get_port_name(ports[i]));
		copy_str(info->description, sizeof(info->description),
			 sp_get_port_description(ports[i]));
		if (sp_get_port_transport(ports[i]) == SP_TRANSPORT_USB) {
			copy_str(info->manufacturer,
				 sizeof(info->manufacturer),
				 sp_get_port_usb_manufacturer(ports[i]));
			copy_str(info->serial, sizeof(info->serial),
				 sp_get_port_usb_serial(ports[i]));
			sp_get_port_usb_vid_pid(ports[i], &vid, &pid);
		}
		info->usb_vid = vid;
		info->usb_pid = pid;
	}
	sp_free_port_list(ports);
	return count;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int sm_serial_find_by_usb_serial(const char *usb_serial, unsigned index,
				 char *path, size_t len)
{
	struct sp_port **ports = NULL;
	const char *names[64];
	size_t n = 0;
	int rc = -ENOENT;

	if (sp_list_ports(&ports) != SP_OK)
		return -EIO;
	for (size_t i = 0; ports[i] && n < 64; i++) {
		const char *sn;

		if (sp_get_port_transport(ports[i]) != SP_TRANSPORT_USB)
			continue;
		sn = sp_get_port_usb_serial(ports[i]);
		if (sn && strcmp(sn, usb_serial) == 0)
			names[n++] = sp_get_port_name(ports[i]);
	}
	/* A modem has several ports with one serial number: by name order. */
	qsort(names, n, sizeof(names[0]), cmp_str);
	if (index < n) {
		copy_str(path, len, names[index]);
		rc = 0;
	}
	sp_free_port_list(ports);
	return rc;
}
