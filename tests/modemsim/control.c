/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control.c - the simulator's control socket (--control): a unix stream
 * socket, any number of clients, one command per line and one answer line
 * per command ("OK ..." or "ERROR <reason>").  What the commands do is the
 * owner's business (main.c); this file only frames lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim.h"

#define SIM_CONTROL_LINE_MAX 8192 /* bytes of one command line */

/* One connected client. */
struct sim_conn {
	struct sim_conn *next;	       /* list */
	struct sim_control *c;	       /* owner */
	int fd;			       /* socket */
	int watch;		       /* loop watch id */
	char in[SIM_CONTROL_LINE_MAX]; /* partial line */
	size_t in_len;		       /* its length */
};

struct sim_control {
	struct sm_loop *loop;	/* not owned */
	char *path;		/* socket file */
	int fd;			/* listening socket */
	int watch;		/* its watch */
	sim_control_fn fn;	/* command handler */
	void *data;		/* its argument */
	struct sim_conn *conns; /* clients */
};

static void conn_close(struct sim_conn *k)
{
	struct sim_control *c = k->c;
	struct sim_conn **pp;

	for (pp = &c->conns; *pp; pp = &(*pp)->next) {
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	}
	sm_loop_del_fd(c->loop, k->watch);
	close(k->fd);
	free(k);
}

/* Send the whole answer (they are short; the socket buffer takes them). */
static void send_line(int fd, const char *s)
{
	size_t n = strlen(s), o = 0;

	while (o < n) {
		ssize_t w = send(fd, s + o, n - o, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		o += (size_t)w;
	}
}

static void conn_io(struct sm_loop *loop, int fd, unsigned events, void *data)
{
	struct sim_conn *k = data;
	ssize_t n;

	n = recv(fd, k->in + k->in_len, sizeof(k->in) - k->in_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(k);
		return;
	}
	k->in_len += (size_t)n;
	for (;;) {
		char *nl = memchr(k->in, '\n', k->in_len);
		char ans[1024];
		size_t len;

		if (!nl) {
			if (k->in_len == sizeof(k->in)) {
				send_line(fd, "ERROR line too long\n");
				conn_close(k);
			}
			return;
		}
		*nl = '\0';
		len = (size_t)(nl - k->in) + 1;
		if (nl > k->in && nl[-1] == '\r')
			nl[-1] = '\0';
		ans[0] = '\0';
		k->c->fn(k->c->data, k->in, ans, sizeof(ans) - 1);
		strcat(ans, "\n");
		send_line(fd, ans);
		memmove(k->in, k->in + len, k->in_len - len);
		k->in_len -= len;
	}
}

static void accept_io(struct sm_loop *loop, int fd, unsigned events, void *data)
{
	struct sim_control *c = data;
	struct sim_conn *k;
	int s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (s < 0)
		return;
	k = calloc(1, sizeof(*k));
	if (!k) {
		close(s);
		return;
	}
	k->c = c;
	k->fd = s;
	k->watch = sm_loop_add_fd(loop, s, SM_LOOP_READ, conn_io, k);
	if (k->watch < 0) {
		close(s);
		free(k);
		return;
	}
	k->next = c->conns;
	c->conns = k;
}

int sim_control_new(struct sm_loop *loop, const char *path, sim_control_fn fn,
		    void *data, struct sim_control **out, char *err,
		    size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct sim_control *c;
	int rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: path too long for a socket", path);
		return -ENAMETOOLONG;
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->path = strdup(path))) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->loop = loop;
	c->fn = fn;
	c->data = data;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	unlink(path); /* a socket left by a simulator that was killed */
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(c->fd, 16) < 0)
		goto fail;
	c->watch = sm_loop_add_fd(loop, c->fd, SM_LOOP_READ, accept_io, c);
	if (c->watch < 0) {
		errno = -c->watch;
		goto fail;
	}
	*out = c;
	return 0;
fail:
	rc = -errno;
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (c->fd >= 0)
		close(c->fd);
	free(c->path);
	free(c);
	return rc;
}

void sim_control_free(struct sim_control *c)
{
	if (!c)
		return;
	while (c->conns)
		conn_close(c->conns);
	sm_loop_del_fd(c->loop, c->watch);
	close(c->fd);
	unlink(c->path);
	free(c->path);
	free(c);
}
