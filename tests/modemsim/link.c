/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * link.c - the simulator's pseudo-terminal and the --link symlink to it.
 *
 * The master side is ours (raw, non-blocking); the client opens the slave
 * through the symlink and sets its termios.  We create the slave raw once
 * (open, cfmakeraw, close) so that a client which does not touch termios
 * still gets bytes unchanged; the settings live as long as the master.
 *
 * While no client has the slave open, Linux reports POLLHUP on the master
 * forever and read() fails with EIO.  Rather than keep a slave fd of our
 * own (which would swallow what we write and hide disconnects), we stop
 * watching the master and look again every SIM_LINK_PROBE_MS with a zero
 * poll(): no busy loop, and a client that opens the port is seen within
 * that time (its first bytes wait in the pty meanwhile).  A client that
 * closes is seen at once (EIO/POLLHUP) and reported as detached.
 *
 * A client killed and another opening the port at once may leave no
 * moment without a slave, so no EIO: the master is in packet mode
 * (TIOCPKT) and the flush every client does when it opens and configures
 * the port (tcsetattr TCSAFLUSH, tcflush) starts a new session, dropping
 * a half-typed command or PDU of the previous one.
 *
 * Unplug closes the master (the client's reads then fail as with a USB
 * modem pulled out) and removes the symlink; replug makes a new pty and
 * points the same symlink at it, atomically (symlink + rename).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "sim.h"

#define SIM_LINK_PROBE_MS 10	 /* look for a client this often */
#define SIM_LINK_OUT_MAX  262144 /* bytes queued for a slow client */

struct sim_link {
	struct sm_loop *loop;	 /* not owned */
	char *path;		 /* the symlink */
	struct sim_link_ops ops; /* owner's callbacks */
	void *data;		 /* their argument */
	int master;		 /* pty master, -1 when unplugged */
	int watch;		 /* fd watch id, 0 when none */
	int probe;		 /* probe timer id, 0 when none */
	bool attached;		 /* a client has the slave open */
	char *out;		 /* bytes the pty did not take yet */
	size_t out_len;		 /* their count */
};

static void link_io(struct sm_loop *loop, int fd, unsigned events, void *data);

/* No client any more: stop watching, probe instead. */
static void detach(struct sim_link *l)
{
	if (l->watch)
		sm_loop_del_fd(l->loop, l->watch);
	l->watch = 0;
	l->out_len = 0;
	if (l->attached) {
		l->attached = false;
		l->ops.attach(l->data, false);
	}
	if (l->master >= 0)
		sm_loop_set_timer(l->loop, l->probe,
				  sm_clock_ms() + SIM_LINK_PROBE_MS);
}

static void probe(struct sm_loop *loop, void *data)
{
	struct sim_link *l = data;
	struct pollfd p = {.fd = l->master, .events = POLLIN};
	int w;

	if (l->master < 0 || l->attached)
		return;
	if (poll(&p, 1, 0) < 0 || (p.revents & (POLLHUP | POLLERR))) {
		sm_loop_set_timer(loop, l->probe,
				  sm_clock_ms() + SIM_LINK_PROBE_MS);
		return;
	}
	w = sm_loop_add_fd(loop, l->master, SM_LOOP_READ, link_io, l);
	if (w < 0) {
		sm_loop_set_timer(loop, l->probe,
				  sm_clock_ms() + SIM_LINK_PROBE_MS);
		return;
	}
	l->watch = w;
	l->attached = true;
	l->ops.attach(l->data, true);
}

static void flush_out(struct sim_link *l)
{
	while (l->out_len) {
		ssize_t n = write(l->master, l->out, l->out_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			l->out_len = 0;
			break;
		}
		memmove(l->out, l->out + n, l->out_len - (size_t)n);
		l->out_len -= (size_t)n;
	}
	if (l->watch)
		sm_loop_mod_fd(l->loop, l->watch,
			       SM_LOOP_READ | (l->out_len ? SM_LOOP_WRITE : 0));
}

static void link_io(struct sm_loop *loop, int fd, unsigned events, void *data)
{
	struct sim_link *l = data;
	char buf[4096];

	if (events & SM_LOOP_WRITE)
		flush_out(l);
	if (events & (SM_LOOP_READ | SM_LOOP_ERROR)) {
		for (;;) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n > 0 && buf[0] != TIOCPKT_DATA) {
				/* a status byte: a (new) client flushed the
				 * port, as it does when it opens it */
				if (buf[0] & (TIOCPKT_FLUSHREAD |
					      TIOCPKT_FLUSHWRITE)) {
					l->ops.attach(l->data, false);
					l->ops.attach(l->data, true);
				}
				continue;
			}
			if (n > 1) {
				l->ops.input(l->data, buf + 1, (size_t)n - 1);
				/* the callback may have unplugged us */
				if (l->master != fd || !l->attached)
					return;
				continue;
			}
			if (n == 1 || (n < 0 && errno == EINTR))
				continue;
			if (n < 0 && errno == EAGAIN)
				break;
			/* EIO: the client closed the slave */
			detach(l);
			return;
		}
	}
}

static int open_pty(struct sim_link *l, char *err, size_t errlen)
{
	struct termios t;
	char tmp[4096];
	const char *slave;
	int m, s, one = 1;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
	    !(slave = ptsname(m))) {
		snprintf(err, errlen, "pseudo-terminal: %s", strerror(errno));
		if (m >= 0)
			close(m);
		return -errno;
	}
	/* the master raw too: no echo or CR/LF mapping on our side */
	if (tcgetattr(m, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(m, TCSANOW, &t);
	}
	s = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s >= 0) {
		if (tcgetattr(s, &t) == 0) {
			cfmakeraw(&t);
			cfsetspeed(&t, B115200);
			tcsetattr(s, TCSANOW, &t);
		}
		close(s);
	}
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	/* packet mode: reads say when the client flushes the port */
	ioctl(m, TIOCPKT, &one);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", l->path, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", l->path);
		close(m);
		return -ENAMETOOLONG;
	}
	unlink(tmp);
	if (symlink(slave, tmp) < 0 || rename(tmp, l->path) < 0) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", l->path, strerror(e));
		unlink(tmp);
		close(m);
		return -e;
	}
	l->master = m;
	l->attached = false;
	sm_loop_set_timer(l->loop, l->probe, sm_clock_ms());
	return 0;
}

int sim_link_new(struct sm_loop *loop, const char *path,
		 const struct sim_link_ops *ops, void *data,
		 struct sim_link **out, char *err, size_t errlen)
{
	struct sim_link *l = calloc(1, sizeof(*l));
	int rc;

	if (!l || !(l->path = strdup(path)) ||
	    !(l->out = malloc(SIM_LINK_OUT_MAX))) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto fail;
	}
	l->loop = loop;
	l->ops = *ops;
	l->data = data;
	l->master = -1;
	l->probe = sm_loop_add_timer(loop, UINT64_MAX, probe, l);
	if (l->probe < 0) {
		snprintf(err, errlen, "out of memory");
		rc = l->probe;
		goto fail;
	}
	/* not armed until a pty exists */
	sm_loop_disarm_timer(loop, l->probe);
	rc = open_pty(l, err, errlen);
	if (rc < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	if (l && l->probe > 0)
		sm_loop_del_timer(loop, l->probe);
	if (l) {
		free(l->out);
		free(l->path);
	}
	free(l);
	return rc;
}

void sim_link_unplug(struct sim_link *l)
{
	if (l->master < 0)
		return;
	detach(l);
	sm_loop_disarm_timer(l->loop, l->probe);
	close(l->master);
	l->master = -1;
	unlink(l->path);
}

int sim_link_replug(struct sim_link *l, char *err, size_t errlen)
{
	if (l->master >= 0)
		return 0;
	return open_pty(l, err, errlen);
}

bool sim_link_plugged(const struct sim_link *l)
{
	return l->master >= 0;
}

void sim_link_write(struct sim_link *l, const char *buf, size_t len)
{
	if (l->master < 0 || !l->attached)
		return;
	if (l->out_len + len > SIM_LINK_OUT_MAX)
		return; /* a client that never reads: drop, as a UART would */
	memcpy(l->out + l->out_len, buf, len);
	l->out_len += len;
	flush_out(l);
}

void sim_link_free(struct sim_link *l)
{
	if (!l)
		return;
	sim_link_unplug(l);
	sm_loop_del_timer(l->loop, l->probe);
	free(l->out);
	free(l->path);
	free(l);
}
