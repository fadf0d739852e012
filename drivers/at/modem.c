/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem.c - the life of a struct sm_modem: create, open a serial port on
 * the event loop (or attach a caller's transport), feed the AT engine,
 * keep the loop timer on the earliest deadline, and go DOWN cleanly on a
 * timeout or an I/O error.
 *
 * Failures found inside AT callbacks are not handled there (the engine is
 * still on the stack): sm_modem_fail() records them, and the outermost
 * public entry point tears the port down on its way out (leave()).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/at.h"
#include "smsmatch/log.h"
#include "smsmatch/loop.h"
#include "smsmatch/modem.h"
#include "smsmatch/serial.h"

#include "modem_priv.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct sm_modem *sm_modem_new(const struct sm_modem_config *cfg,
			      struct sm_loop *loop,
			      const struct sm_modem_ops *ops, void *data)
{
	struct sm_modem *m = calloc(1, sizeof(*m));
	const char *name = cfg->name ? cfg->name : cfg->device;

	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->cfg.name = NULL;
	m->cfg.device = dup_or_null(cfg->device);
	m->cfg.pin_file = dup_or_null(cfg->pin_file);
	m->cfg.profile = dup_or_null(cfg->profile);
	m->name = strdup(name ? name : "modem");
	if ((cfg->device && !m->cfg.device) ||
	    (cfg->pin_file && !m->cfg.pin_file) ||
	    (cfg->profile && !m->cfg.profile) || !m->name) {
		sm_modem_free(m);
		return NULL;
	}
	if (!m->cfg.cmd_timeout_ms)
		m->cfg.cmd_timeout_ms = 5000;
	if (!m->cfg.send_timeout_ms)
		m->cfg.send_timeout_ms = 60000;
	if (!m->cfg.sweep_interval_ms)
		m->cfg.sweep_interval_ms = 300000;
	m->loop = loop;
	if (ops)
		m->ops = *ops;
	m->data = data;
	m->info.state = SM_MODEM_CLOSED;
	m->info.profile = sm_profile_generic.name;
	m->info.creg = m->info.cereg = -1;
	m->info.act = -1;
	m->info.rssi = 99;
	m->info.mem_used = m->info.mem_total = -1;
	m->next_id = 1;
	/* start concatenation references somewhere a restart changes */
	m->concat_ref = (unsigned)(sm_clock_ms() & 0xff);
	return m;
}

void sm_modem_free(struct sm_modem *m)
{
	if (!m)
		return;
	sm_modem_close(m);
	free((char *)m->cfg.device);
	free((char *)m->cfg.pin_file);
	free((char *)m->cfg.profile);
	free(m->name);
	explicit_bzero(m->pin, sizeof(m->pin));
	free(m);
}

const struct sm_modem_info *sm_modem_info(const struct sm_modem *m)
{
	return &m->info;
}

size_t sm_modem_busy(const struct sm_modem *m)
{
	return m->at ? sm_at_pending(m->at) : 0;
}

const char *sm_modem_name(const struct sm_modem *m)
{
	return m->name;
}

const char *sm_modem_dev(const struct sm_modem *m)
{
	return m->cfg.device ? m->cfg.device : m->name;
}

void sm_modem_logf(const struct sm_modem *m, enum sm_log_level level,
		   const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (m->cfg.log && level > m->cfg.log->level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sm_logf(m->cfg.log, level, "%s: %s", m->name, line);
}

uint64_t sm_modem_now(const struct sm_modem *m)
{
	return m->io.now ? m->io.now(m->io_data) : sm_clock_ms();
}

/* ---- transport glue */

static int serial_write(void *data, const void *buf, size_t len)
{
	struct sm_modem *m = data;
	int rc = sm_serial_write(m->serial, buf, len);

	if (rc == 0 && sm_serial_pending(m->serial) && m->fd_watch &&
	    !(m->fd_events & SM_LOOP_WRITE)) {
		m->fd_events |= SM_LOOP_WRITE;
		sm_loop_mod_fd(m->loop, m->fd_watch, m->fd_events);
	}
	return rc;
}

static uint64_t serial_now(void *data)
{
	(void)data;
	return sm_clock_ms();
}

static int at_write(void *data, const void *buf, size_t len)
{
	struct sm_modem *m = data;

	return m->io.write(m->io_data, buf, len);
}

static uint64_t at_now(void *data)
{
	struct sm_modem *m = data;

	return m->io.now(m->io_data);
}

static void at_trace(void *data, enum sm_at_trace_kind kind, const char *line,
		     size_t len)
{
	struct sm_modem *m = data;
	char masked[256];
	const char *dir = "";

	if (m->cfg.log && m->cfg.log->level < SM_LOG_DEBUG)
		return;
	if (!m->cfg.log)
		return;
	switch (kind) {
	case SM_AT_TRACE_TX:
		dir = "> ";
		break;
	case SM_AT_TRACE_RX:
		dir = "< ";
		break;
	case SM_AT_TRACE_STRAY:
		dir = "< (stray) ";
		break;
	case SM_AT_TRACE_OVERLONG:
		dir = "< (overlong) ";
		break;
	}
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	sm_modem_mask_line(line, len, masked, sizeof(masked));
	sm_modem_logf(m, SM_LOG_DEBUG, "%s%s", dir, masked);
}

/* ---- entry and exit of public functions */

static void go_down(struct sm_modem *m);
static void rearm(struct sm_modem *m);

static void enter(struct sm_modem *m)
{
	m->depth++;
}

static void leave(struct sm_modem *m)
{
	if (--m->depth > 0)
		return;
	if (m->failing && m->at)
		go_down(m);
	m->failing = false;
	rearm(m);
}

uint64_t sm_modem_deadline(const struct sm_modem *m)
{
	uint64_t d = UINT64_MAX;

	if (!m->at)
		return d;
	d = sm_at_deadline(m->at);
	if (m->retry_at && m->retry_at < d)
		d = m->retry_at;
	if (m->sweep_at && m->sweep_at < d)
		d = m->sweep_at;
	return d;
}

/* Keep the loop timer on the earliest deadline. */
static void rearm(struct sm_modem *m)
{
	uint64_t d;

	if (!m->loop || !m->at)
		return;
	d = sm_modem_deadline(m);
	if (d == UINT64_MAX)
		d = sm_clock_ms() + 3600 * 1000;
	if (m->timer)
		sm_loop_set_timer(m->loop, m->timer, d);
}

void sm_modem_fail(struct sm_modem *m, const struct sm_error *err,
		   const char *fmt, ...)
{
	va_list ap;

	if (m->failing || m->closing)
		return;
	m->failing = true;
	m->fail_err = *err;
	va_start(ap, fmt);
	vsnprintf(m->fail_text, sizeof(m->fail_text), fmt, ap);
	va_end(ap);
}

/*
 * A timeout or an I/O error means the modem is gone or wedged: fail (the
 * port is closed on the way out).  Returns true when that happened.
 */
bool sm_modem_check_fatal(struct sm_modem *m, const struct sm_at_response *r,
			  const char *what)
{
	switch (r->err.kind) {
	case SM_ERR_TIMEOUT:
		m->info.timeouts++;
		m->info.consecutive_failures++;
		sm_modem_fail(m, &r->err,
			      "%s: no answer from the modem (%s "
			      "timed out)",
			      sm_modem_dev(m), what);
		return true;
	case SM_ERR_IO:
		m->info.consecutive_failures++;
		sm_modem_fail(m, &r->err, "%s: I/O error during %s: %s",
			      sm_modem_dev(m), what, r->err.text);
		return true;
	case SM_ERR_CANCELLED:
		return true;
	case SM_ERR_NONE:
		m->info.consecutive_failures = 0;
		return false;
	case SM_ERR_FAILURE:
	case SM_ERR_CME:
	case SM_ERR_CMS:
		m->info.consecutive_failures++;
		return false;
	}
	return false;
}

/* Stop watching the port and close it. */
static void release_port(struct sm_modem *m)
{
	if (m->fd_watch)
		sm_loop_del_fd(m->loop, m->fd_watch);
	if (m->timer)
		sm_loop_del_timer(m->loop, m->timer);
	m->fd_watch = m->timer = 0;
	sm_serial_close(m->serial);
	m->serial = NULL;
}

static void teardown(struct sm_modem *m, enum sm_err_kind kind,
		     const char *reason)
{
	struct sm_at *at = m->at;

	if (!at)
		return;
	m->closing = true;
	/* the owner's send callbacks run here and see the modem not READY */
	sm_modem_sms_cancel(m, kind, reason);
	sm_at_flush(at, kind, reason);
	for (size_t i = 0; i < m->nurcs; i++)
		sm_at_unregister(at, m->urcs[i]);
	m->nurcs = 0;
	m->at = NULL;
	sm_at_free(at);
	release_port(m);
	m->retry_at = m->sweep_at = 0;
	memset(m->pending, 0, sizeof(m->pending));
	m->nreading = 0;
	m->sweep_soon = false;
	explicit_bzero(m->pin, sizeof(m->pin));
	m->closing = false;
}

static void go_down(struct sm_modem *m)
{
	struct sm_error err = m->fail_err;

	m->info.state = SM_MODEM_DOWN;
	m->info.last_error = err;
	snprintf(m->info.down_reason, sizeof(m->info.down_reason), "%s",
		 m->fail_text);
	sm_modem_logf(m, SM_LOG_WARN, "down: %s", m->fail_text);
	teardown(m, SM_ERR_IO, m->fail_text);
	m->failing = false;
	if (m->ops.state)
		m->ops.state(m, SM_MODEM_DOWN, &err, m->data);
}

void sm_modem_close(struct sm_modem *m)
{
	if (!m->at) {
		m->info.state = SM_MODEM_CLOSED;
		return;
	}
	m->depth++;
	m->info.state = SM_MODEM_CLOSED;
	teardown(m, SM_ERR_CANCELLED, "modem closed");
	m->depth--;
	m->failing = false;
}

void sm_modem_set_ready(struct sm_modem *m)
{
	m->info.state = SM_MODEM_READY;
	sm_modem_logf(m, SM_LOG_INFO, "ready (%s %s, profile %s)",
		      m->info.manufacturer, m->info.model, m->info.profile);
	/*
	 * The sweep is queued before the owner hears READY, so that an
	 * owner waiting for the modem to be idle (smsmatchd, before its
	 * first send) waits for what the modem stored to be read.
	 */
	if (!m->cfg.no_sweep)
		sm_modem_queue_sweep(m);
	if (m->ops.state)
		m->ops.state(m, SM_MODEM_READY, NULL, m->data);
}

/* Create the engine over m->io and start the init sequence. */
static int start(struct sm_modem *m)
{
	struct sm_at_io aio = {
		.write = at_write,
		.now = at_now,
		.trace = at_trace,
	};

	m->at = sm_at_new(&aio, m);
	if (!m->at)
		return -ENOMEM;
	memset(m->pending, 0, sizeof(m->pending));
	m->info.state = SM_MODEM_INIT;
	m->failing = false;
	m->profile = NULL;
	m->info.profile = sm_profile_generic.name;
	sm_modem_sms_register(m);
	enter(m);
	sm_modem_init_start(m);
	leave(m);
	return 0;
}

int sm_modem_attach(struct sm_modem *m, const struct sm_modem_io *io,
		    void *io_data)
{
	if (m->at)
		return -EALREADY;
	m->io = *io;
	m->io_data = io_data;
	return start(m);
}

int sm_modem_feed(struct sm_modem *m, const void *buf, size_t len)
{
	if (!m->at)
		return 0;
	enter(m);
	if (sm_at_feed(m->at, buf, len) < 0 && !m->failing) {
		struct sm_error e;

		sm_error_set(&e, SM_ERR_IO, -1, "write failed");
		sm_modem_fail(m, &e, "%s: write to the modem failed",
			      sm_modem_dev(m));
	}
	leave(m);
	return 0;
}

void sm_modem_tick(struct sm_modem *m)
{
	uint64_t now;

	if (!m->at)
		return;
	enter(m);
	now = sm_modem_now(m);
	sm_at_tick(m->at);
	if (m->at && !m->failing && m->retry_at && now >= m->retry_at) {
		m->retry_at = 0;
		sm_modem_init_resume(m);
	}
	if (m->at && !m->failing)
		sm_modem_sms_tick(m);
	leave(m);
}

/* ---- loop mode */

static void on_fd(struct sm_loop *loop, int fd, unsigned events, void *data)
{
	struct sm_modem *m = data;
	unsigned char buf[1024];

	(void)loop;
	(void)fd;
	if (!m->serial)
		return;
	enter(m);
	if (events & SM_LOOP_WRITE) {
		ssize_t left = sm_serial_flush(m->serial);

		if (left == 0 && (m->fd_events & SM_LOOP_WRITE)) {
			m->fd_events &= ~(unsigned)SM_LOOP_WRITE;
			sm_loop_mod_fd(m->loop, m->fd_watch, m->fd_events);
		}
	}
	if (events & (SM_LOOP_READ | SM_LOOP_ERROR)) {
		for (int i = 0; i < 16 && m->at && !m->failing; i++) {
			ssize_t n = sm_serial_read(m->serial, buf, sizeof(buf));

			if (n > 0) {
				if (sm_at_feed(m->at, buf, (size_t)n) < 0) {
					struct sm_error e;

					sm_error_set(&e, SM_ERR_IO, -1,
						     "write failed");
					sm_modem_fail(m, &e, "%s: write failed",
						      m->cfg.device);
				}
				continue;
			}
			if (n < 0) {
				struct sm_error e;

				sm_error_set(&e, SM_ERR_IO, (int)-n,
					     strerror((int)-n));
				sm_modem_fail(m, &e,
					      "%s: the device went away (%s)",
					      m->cfg.device, strerror((int)-n));
			}
			break;
		}
	}
	leave(m);
}

static void on_timer(struct sm_loop *loop, void *data)
{
	struct sm_modem *m = data;

	(void)loop;
	sm_modem_tick(m);
	if (m->at)
		rearm(m);
}

int sm_modem_open(struct sm_modem *m, char *err, size_t errlen)
{
	int rc;

	if (m->at)
		return -EALREADY;
	if (!m->loop || !m->cfg.device) {
		snprintf(err, errlen, "%s: no loop or no device", m->name);
		return -EINVAL;
	}
	rc = sm_serial_open(m->cfg.device, m->cfg.baud, &m->serial, err,
			    errlen);
	if (rc < 0)
		return rc;
	/*
	 * Drop what the port holds from before: answers to a previous
	 * session's last commands would be taken for ours.
	 */
	for (int i = 0; i < 64; i++) {
		char junk[256];

		if (sm_serial_read(m->serial, junk, sizeof(junk)) <= 0)
			break;
	}
	m->io.write = serial_write;
	m->io.now = serial_now;
	m->io_data = m;
	m->fd_events = SM_LOOP_READ;
	rc = sm_loop_add_fd(m->loop, sm_serial_fd(m->serial), m->fd_events,
			    on_fd, m);
	if (rc < 0)
		goto fail;
	m->fd_watch = rc;
	rc = sm_loop_add_timer(m->loop, sm_clock_ms() + 3600 * 1000, on_timer,
			       m);
	if (rc < 0)
		goto fail;
	m->timer = rc;
	rc = start(m);
	if (rc < 0)
		goto fail;
	m->info.opens++;
	return 0;
fail:
	release_port(m);
	snprintf(err, errlen, "%s: %s", m->cfg.device, strerror(-rc));
	return rc;
}

/* Public entry points used by modem_sms.c wrap themselves too. */
void sm_modem_enter(struct sm_modem *m)
{
	enter(m);
}

void sm_modem_leave(struct sm_modem *m)
{
	leave(m);
}
