/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem.c - `smsmatch modem probe|send|listen`: a technician's direct line
 * to one modem, without the daemon.  Each command opens the modem on a
 * private event loop, waits for the driver's init, does its job, closes.
 *
 * DEVICE is a path (/dev/ttyUSB2, a udev symlink, a pty link) or
 * usb:SERIALNUMBER.  Errors are one line naming the device; exit codes
 * as in cli.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "smsmatch/log.h"
#include "smsmatch/loop.h"
#include "smsmatch/modem.h"
#include "smsmatch/pdu.h"
#include "smsmatch/reasm.h"
#include "smsmatch/serial.h"

#include "cli.h"

#define PFX	  "smsmatch: modem: "
#define PORTS_MAX 64

enum job { JOB_PROBE, JOB_SEND, JOB_LISTEN };

struct cli {
	enum job job;	      /* what we are doing */
	const char *device;   /* as given */
	char path[256];	      /* resolved path */
	struct sm_loop *loop; /* private loop */
	struct sm_modem *m;   /* the modem */
	struct sm_log log;    /* to stderr */
	bool done;	      /* leave the loop */
	int rc;		      /* exit code */
	bool quiet;	      /* probe --all: no error lines */
	/* send */
	const char *to;			    /* --to */
	const char *text;		    /* TEXT */
	bool wait_report;		    /* --wait-report */
	struct sm_modem_send_result sent;   /* what the send did */
	bool have_sent;			    /* sent is filled */
	unsigned reports_left;		    /* reports still awaited */
	bool report_done[SM_PDU_PARTS_MAX]; /* per part */
	/* listen */
	bool json;		  /* --json */
	long count;		  /* --count, 0 none */
	long printed;		  /* messages and reports printed */
	struct sm_reasm *reasm;	  /* reassembly */
	struct sm_reasm_msg *msg; /* scratch output */
	/* probe */
	struct sm_modem_info info; /* copied when READY */
};

static void usage_probe(FILE *f)
{
	fprintf(f,
		"usage: smsmatch modem probe DEVICE [--pin-file FILE] "
		"[--timeout MS]\n"
		"       smsmatch modem probe --all [--timeout MS]\n"
		"Print the modem's identity, SIM, registration, operator, "
		"signal, SMSC,\nSMS modes, storages, CNMI support and matched "
		"profile.  --all lists the\nserial ports (USB vendor:product, "
		"serial number) and probes each briefly.\nDEVICE is a path or "
		"usb:SERIALNUMBER.  --timeout is per AT command\n(default "
		"3000 ms).\n");
}

static void usage_send(FILE *f)
{
	fprintf(f,
		"usage: smsmatch modem send DEVICE --to NUMBER [--wait-report] "
		"[--pin-file FILE]\n"
		"                           [--timeout SECONDS] TEXT\n"
		"Send one SMS straight through the modem and print its parts "
		"and message\nreferences; with --wait-report, wait (up to "
		"--timeout seconds, default 60)\nfor the status report of each "
		"part and print it.\n");
}

static void usage_listen(FILE *f)
{
	fprintf(f,
		"usage: smsmatch modem listen DEVICE [--json] [--count N] "
		"[--timeout SECONDS]\n"
		"                             [--pin-file FILE]\n"
		"Print what is stored on the modem, then each inbound SMS "
		"(reassembled) and\nstatus report as it arrives; each SMS is "
		"deleted from the modem once\nprinted.  --json prints one JSON "
		"object per line.  Stops after --count\nmessages or --timeout "
		"seconds (an error if --count was not reached).\n");
}

static void usage_modem(FILE *f)
{
	fprintf(f, "usage: smsmatch modem probe|send|listen ... (each with "
		   "--help)\n");
}

/* ---- output */

static void iso_time(time_t t, int tz_minutes, char *buf, size_t len)
{
	time_t local = t + (time_t)tz_minutes * 60;
	struct tm tm;
	int off = tz_minutes < 0 ? -tz_minutes : tz_minutes;
	size_t n;

	gmtime_r(&local, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, "%c%02d:%02d", tz_minutes < 0 ? '-' : '+',
		 off / 60, off % 60);
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	if (s) {
		printf("%s\n", s);
		free(s);
	}
	json_decref(o);
	fflush(stdout);
}

static void print_sms(struct cli *c, const struct sm_reasm_msg *msg)
{
	char ts[40] = "";

	if (msg->has_timestamp)
		iso_time(msg->timestamp, msg->tz_minutes, ts, sizeof(ts));
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "type", json_string("sms"));
		json_object_set_new(o, "from", json_string(msg->from));
		json_object_set_new(o, "text", json_string(msg->text));
		json_object_set_new(
			o, "encoding",
			json_string(sm_pdu_coding_name(msg->coding)));
		json_object_set_new(o, "parts", json_integer(msg->parts));
		json_object_set_new(o, "timestamp",
				    msg->has_timestamp ? json_string(ts)
						       : json_null());
		json_object_set_new(o, "incomplete",
				    json_boolean(msg->incomplete));
		print_json(o);
		return;
	}
	printf("SMS from %s at %s (%s, %u part%s%s)\n%s\n\n", msg->from,
	       ts[0] ? ts : "?", sm_pdu_coding_name(msg->coding), msg->parts,
	       msg->parts > 1 ? "s" : "", msg->incomplete ? ", INCOMPLETE" : "",
	       msg->text);
	fflush(stdout);
}

/* 23.040 9.2.3.15: 0x00-0x1F completed (0 = delivered). */
static void print_report(struct cli *c, const struct sm_sms *sms)
{
	bool delivered = sms->status >= 0 && sms->status < 0x20;

	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "type", json_string("report"));
		json_object_set_new(o, "to", json_string(sms->number));
		json_object_set_new(o, "mr", json_integer(sms->mr));
		json_object_set_new(o, "status", json_integer(sms->status));
		json_object_set_new(o, "delivered", json_boolean(delivered));
		print_json(o);
		return;
	}
	printf("report: to %s mr %d status %d (0x%02X) %s\n", sms->number,
	       sms->mr, sms->status, (unsigned)(sms->status & 0xff),
	       delivered ? "delivered" : "NOT delivered");
	fflush(stdout);
}

static void print_info(const struct cli *c, const struct sm_modem_info *i)
{
	printf("device:        %s\n", c->path);
	printf("profile:       %s\n", i->profile);
	printf("manufacturer:  %s\n", i->manufacturer);
	printf("model:         %s\n", i->model);
	printf("firmware:      %s\n", i->revision);
	printf("IMEI:          %s\n", i->imei);
	printf("IMSI:          %s\n", i->imsi);
	printf("ICCID:         %s\n", i->iccid[0] ? i->iccid : "-");
	printf("SIM:           %s\n", sm_sim_state_name(i->sim));
	printf("registration:  CS %s (%d), EPS %s (%d)\n",
	       sm_modem_reg_name(i->creg), i->creg,
	       i->cereg >= 0 ? sm_modem_reg_name(i->cereg) : "unsupported",
	       i->cereg);
	printf("operator:      %s%s\n",
	       i->operator_name[0] ? i->operator_name : "-",
	       i->act == 7   ? " (LTE)"
	       : i->act >= 2 ? " (3G)"
	       : i->act >= 0 ? " (2G)"
			     : "");
	if (i->rssi == 99 || i->rssi < 0)
		printf("signal:        unknown (rssi 99)\n");
	else
		printf("signal:        %d dBm, %d/4 bars (rssi %d)\n", i->dbm,
		       i->bars, i->rssi);
	printf("SMSC:          %s\n", i->smsc[0] ? i->smsc : "-");
	printf("SMS modes:     %s%s\n", i->pdu_mode ? "PDU " : "",
	       i->text_mode ? "text" : "");
	printf("storage:       %s", i->mem);
	if (i->mem_total >= 0)
		printf(" (%d/%d used)", i->mem_used, i->mem_total);
	printf(", available: %s\n", i->storages[0] ? i->storages : "?");
	printf("CNMI:          supported %s, set %s\n",
	       i->cnmi_ranges[0] ? i->cnmi_ranges : "?",
	       i->cnmi[0] ? i->cnmi : "-");
	printf("SMS service:   %s\n",
	       i->csms1 ? "phase 2+ (+CSMS=1)" : "phase 2");
	fflush(stdout);
}

/* ---- modem callbacks */

static void finish(struct cli *c, int rc)
{
	c->rc = rc;
	c->done = true;
}

static void send_cb(struct sm_modem *m, const struct sm_modem_send_result *r,
		    void *data)
{
	struct cli *c = data;
	char e[128];

	c->sent = *r;
	c->have_sent = true;
	for (unsigned i = 0; i < r->sent; i++)
		printf("part %u/%u: mr %d\n", i + 1, r->parts, r->mr[i]);
	fflush(stdout);
	if (r->err.kind != SM_ERR_NONE) {
		fprintf(stderr, PFX "%s: send failed at part %u/%u: %s\n",
			c->path, r->failed_part, r->parts,
			sm_error_str(&r->err, e, sizeof(e)));
		finish(c, SM_EXIT_ERROR);
		return;
	}
	printf("sent: %u part%s, %s\n", r->parts, r->parts > 1 ? "s" : "",
	       sm_pdu_coding_name(r->coding));
	fflush(stdout);
	if (!c->wait_report) {
		finish(c, SM_EXIT_OK);
		return;
	}
	c->reports_left = 0;
	for (unsigned i = 0; i < r->sent; i++)
		if (r->mr[i] >= 0)
			c->reports_left++;
	if (!c->reports_left)
		finish(c, SM_EXIT_OK);
	(void)m;
}

static void state_cb(struct sm_modem *m, enum sm_modem_state state,
		     const struct sm_error *err, void *data)
{
	struct cli *c = data;
	int rc;

	(void)err;
	switch (state) {
	case SM_MODEM_READY:
		break;
	case SM_MODEM_DOWN:
		if (!c->quiet)
			fprintf(stderr, PFX "%s\n",
				sm_modem_info(m)->down_reason);
		finish(c, SM_EXIT_ERROR);
		return;
	case SM_MODEM_CLOSED:
	case SM_MODEM_INIT:
		return;
	}
	switch (c->job) {
	case JOB_PROBE:
		c->info = *sm_modem_info(m);
		finish(c, SM_EXIT_OK);
		return;
	case JOB_SEND:
		rc = sm_modem_send(m, c->to, c->text,
				   &(struct sm_modem_send_opts){
					   .mode = SM_TEXT_AUTO,
					   .status_report = c->wait_report,
					   .validity_minutes = -1},
				   send_cb, c);
		if (rc < 0) {
			fprintf(stderr, PFX "%s: cannot send: %s\n", c->path,
				strerror(-rc));
			finish(c, SM_EXIT_ERROR);
		}
		return;
	case JOB_LISTEN:
		return;
	}
}

static void counted(struct cli *c)
{
	c->printed++;
	if (c->count && c->printed >= c->count)
		finish(c, SM_EXIT_OK);
}

static void ack_all(struct cli *c, const struct sm_reasm_msg *msg)
{
	for (unsigned i = 0; i < msg->ntags; i++)
		sm_modem_ack(c->m, (unsigned)msg->tags[i]);
}

static void listen_sms(struct cli *c, const struct sm_modem_msg *in)
{
	uint64_t now = sm_clock_ms();
	int rc = sm_reasm_add(c->reasm, in->sms, in->id, now, c->msg);

	if (rc == -ENOSPC && sm_reasm_evict_oldest(c->reasm, c->msg) == 1) {
		print_sms(c, c->msg);
		ack_all(c, c->msg);
		counted(c);
		rc = sm_reasm_add(c->reasm, in->sms, in->id, now, c->msg);
	}
	if (rc == 1) {
		print_sms(c, c->msg);
		ack_all(c, c->msg);
		counted(c);
	} else if (rc == -EEXIST) {
		sm_modem_ack(c->m, in->id); /* a copy of a part we hold */
	} else if (rc < 0) {
		fprintf(stderr, PFX "%s: SMS part from %s dropped: %s\n",
			c->path, in->sms->number, strerror(-rc));
	}
}

static void inbound_cb(struct sm_modem *m, const struct sm_modem_msg *in,
		       void *data)
{
	struct cli *c = data;
	const struct sm_sms *sms = in->sms;

	(void)m;
	if (c->done)
		return;
	if (c->job == JOB_LISTEN) {
		if (sms->type == SM_PDU_STATUS_REPORT) {
			print_report(c, sms);
			sm_modem_ack(c->m, in->id);
			counted(c);
		} else {
			listen_sms(c, in);
		}
		return;
	}
	if (c->job != JOB_SEND || !c->have_sent || !c->reports_left ||
	    sms->type != SM_PDU_STATUS_REPORT)
		return; /* not ours: left on the modem */
	for (unsigned i = 0; i < c->sent.sent; i++) {
		if (c->sent.mr[i] != sms->mr || c->report_done[i])
			continue;
		c->report_done[i] = true;
		print_report(c, sms);
		sm_modem_ack(c->m, in->id);
		if (--c->reports_left == 0)
			finish(c,
			       sms->status < 0x20 ? SM_EXIT_OK : SM_EXIT_ERROR);
		return;
	}
}

/* ---- running */

/*
 * Open the modem and run the loop until the job is done or @limit_ms
 * passes (0: no limit).  Returns the exit code.
 */
static int run(struct cli *c, const struct sm_modem_config *base,
	       uint64_t limit_ms, const char *timeout_msg)
{
	struct sm_modem_ops ops = {.state = state_cb, .inbound = inbound_cb};
	struct sm_modem_config cfg = *base;
	uint64_t end = limit_ms ? sm_clock_ms() + limit_ms : UINT64_MAX;
	char err[256];
	int rc;

	cfg.device = c->path;
	cfg.log = &c->log;
	c->loop = sm_loop_new();
	c->m = c->loop ? sm_modem_new(&cfg, c->loop, &ops, c) : NULL;
	if (!c->m) {
		fprintf(stderr, PFX "%s: out of memory\n", c->path);
		sm_loop_free(c->loop);
		return SM_EXIT_ERROR;
	}
	c->done = false;
	c->rc = SM_EXIT_ERROR;
	rc = sm_modem_open(c->m, err, sizeof(err));
	if (rc < 0) {
		if (!c->quiet)
			fprintf(stderr, PFX "%s\n", err);
		goto out;
	}
	while (!c->done) {
		uint64_t now = sm_clock_ms();
		int wait = 200;

		if (now >= end) {
			if (!c->quiet)
				fprintf(stderr, PFX "%s: %s\n", c->path,
					timeout_msg);
			c->rc = SM_EXIT_ERROR;
			if (c->job == JOB_LISTEN && !c->count)
				c->rc = SM_EXIT_OK;
			break;
		}
		if (end - now < (uint64_t)wait)
			wait = (int)(end - now);
		if (sm_loop_run_once(c->loop, wait) < 0)
			break;
		while (c->reasm && !c->done &&
		       sm_reasm_expire(c->reasm, sm_clock_ms(), c->msg) == 1) {
			print_sms(c, c->msg);
			ack_all(c, c->msg);
			counted(c);
		}
	}
	/* let queued deletions (acks) reach the modem before closing */
	end = sm_clock_ms() + 3000;
	while (c->m && sm_modem_busy(c->m) &&
	       sm_modem_info(c->m)->state == SM_MODEM_READY &&
	       sm_clock_ms() < end)
		if (sm_loop_run_once(c->loop, 100) < 0)
			break;
	rc = c->rc;
out:
	if (rc < 0)
		rc = SM_EXIT_ERROR;
	sm_modem_free(c->m);
	c->m = NULL;
	sm_loop_free(c->loop);
	c->loop = NULL;
	return rc;
}

/* Parse "--name VALUE" or "--name=VALUE" at argv[*i]. */
static bool opt_value(int argc, char **argv, int *i, const char *name,
		      const char **val)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return false;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return true;
	}
	if (argv[*i][n] != '\0')
		return false;
	*val = *i + 1 < argc ? argv[++*i] : NULL;
	return true;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* DEVICE: a path, usb:SERIAL or usb:SERIAL:INDEX (the modem's n-th port). */
static int resolve(struct cli *c)
{
	char serial[128];
	const char *colon;
	long index = 0;

	if (strncmp(c->device, "usb:", 4) != 0) {
		snprintf(c->path, sizeof(c->path), "%s", c->device);
		return 0;
	}
	snprintf(serial, sizeof(serial), "%s", c->device + 4);
	colon = strrchr(serial, ':');
	if (colon && parse_long(colon + 1, 0, 64, &index))
		serial[colon - serial] = '\0';
	else
		index = 0;
	if (!serial[0] ||
	    sm_serial_find_by_usb_serial(serial, (unsigned)index, c->path,
					 sizeof(c->path)) < 0) {
		fprintf(stderr,
			PFX "%s: no serial port with USB serial number "
			    "\"%s\" (index %ld)\n",
			c->device, serial, index);
		return -ENOENT;
	}
	return 0;
}

static int probe_all(struct cli *c, const struct sm_modem_config *cfg)
{
	struct sm_serial_info *ports = calloc(PORTS_MAX, sizeof(*ports));
	int n;

	if (!ports)
		return SM_EXIT_ERROR;
	n = sm_serial_list(ports, PORTS_MAX);
	if (n < 0) {
		fprintf(stderr, PFX "cannot list serial ports: %s\n",
			strerror(-n));
		free(ports);
		return SM_EXIT_ERROR;
	}
	if (n == 0)
		printf("no serial ports found\n");
	if (n > PORTS_MAX)
		n = PORTS_MAX;
	for (int i = 0; i < n; i++) {
		const struct sm_serial_info *p = &ports[i];
		struct sm_modem_config one = *cfg;
		const struct sm_modem_info *info;

		if (p->usb_vid >= 0)
			printf("%s  usb %04x:%04x  serial %s  %s\n", p->path,
			       p->usb_vid, p->usb_pid,
			       p->serial[0] ? p->serial : "-", p->description);
		else
			printf("%s  (not USB)  %s\n", p->path, p->description);
		fflush(stdout);
		snprintf(c->path, sizeof(c->path), "%s", p->path);
		c->quiet = true;
		one.cmd_timeout_ms = cfg->cmd_timeout_ms;
		/* run() frees the modem; keep what we print before that */
		{
			struct sm_modem_ops ops = {.state = state_cb,
						   .inbound = inbound_cb};
			char err[256];
			int rc;

			one.device = c->path;
			one.log = &c->log;
			c->loop = sm_loop_new();
			c->m = c->loop ? sm_modem_new(&one, c->loop, &ops, c)
				       : NULL;
			if (!c->m) {
				sm_loop_free(c->loop);
				free(ports);
				return SM_EXIT_ERROR;
			}
			c->done = false;
			rc = sm_modem_open(c->m, err, sizeof(err));
			while (rc == 0 && !c->done)
				if (sm_loop_run_once(c->loop, 200) < 0)
					break;
			info = sm_modem_info(c->m);
			if (rc < 0)
				printf("    -> %s\n", err);
			else if (info->state == SM_MODEM_READY)
				printf("    -> %s %s (firmware %s), profile "
				       "%s, SIM %s, signal %d dBm\n",
				       info->manufacturer, info->model,
				       info->revision, info->profile,
				       sm_sim_state_name(info->sim), info->dbm);
			else
				printf("    -> not usable: %s\n",
				       info->down_reason);
			fflush(stdout);
			sm_modem_free(c->m);
			c->m = NULL;
			sm_loop_free(c->loop);
			c->loop = NULL;
		}
	}
	free(ports);
	return SM_EXIT_OK;
}

int sm_cli_modem(int argc, char **argv, const struct sm_cli_globals *g)
{
	struct sm_modem_config cfg = {.no_sweep = true};
	struct cli c = {.rc = SM_EXIT_ERROR};
	const char *sub, *val = NULL;
	const char *timeout_s = NULL, *count_s = NULL;
	long timeout = -1, count = 0;
	bool all = false, dashdash = false;
	int npos = 0, rc;
	const char *pos[2] = {NULL, NULL};
	void (*usage)(FILE *);

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage_modem(argc < 2 ? stderr : stdout);
		return argc < 2 ? SM_EXIT_USAGE : SM_EXIT_OK;
	}
	sub = argv[1];
	if (strcmp(sub, "probe") == 0) {
		c.job = JOB_PROBE;
		usage = usage_probe;
	} else if (strcmp(sub, "send") == 0) {
		c.job = JOB_SEND;
		usage = usage_send;
	} else if (strcmp(sub, "listen") == 0) {
		c.job = JOB_LISTEN;
		usage = usage_listen;
	} else {
		fprintf(stderr, PFX "unknown command \"%s\"\n", sub);
		usage_modem(stderr);
		return SM_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] != '-' || dashdash) {
			if (npos >= 2) {
				fprintf(stderr, PFX "%s: too many arguments\n",
					sub);
				usage(stderr);
				return SM_EXIT_USAGE;
			}
			pos[npos++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = true;
		} else if (strcmp(a, "--help") == 0) {
			usage(stdout);
			return SM_EXIT_OK;
		} else if (opt_value(argc, argv, &i, "--pin-file", &val)) {
			cfg.pin_file = val;
		} else if (opt_value(argc, argv, &i, "--timeout", &val)) {
			timeout_s = val;
		} else if (c.job == JOB_PROBE && strcmp(a, "--all") == 0) {
			all = true;
		} else if (c.job == JOB_SEND &&
			   opt_value(argc, argv, &i, "--to", &val)) {
			c.to = val;
		} else if (c.job == JOB_SEND &&
			   strcmp(a, "--wait-report") == 0) {
			c.wait_report = true;
		} else if (c.job == JOB_LISTEN && strcmp(a, "--json") == 0) {
			c.json = true;
		} else if (c.job == JOB_LISTEN &&
			   opt_value(argc, argv, &i, "--count", &val)) {
			count_s = val;
		} else {
			fprintf(stderr, PFX "%s: unknown option %s\n", sub, a);
			usage(stderr);
			return SM_EXIT_USAGE;
		}
		if (val == NULL && strcmp(a, "--") != 0 &&
		    strchr(a, '=') == NULL &&
		    (strcmp(a, "--pin-file") == 0 ||
		     strcmp(a, "--timeout") == 0 || strcmp(a, "--to") == 0 ||
		     strcmp(a, "--count") == 0)) {
			fprintf(stderr, PFX "%s: %s needs a value\n", sub, a);
			usage(stderr);
			return SM_EXIT_USAGE;
		}
		val = NULL;
	}
	if (timeout_s &&
	    !parse_long(timeout_s, 1, c.job == JOB_PROBE ? 600000 : 86400,
			&timeout)) {
		fprintf(stderr, PFX "%s: bad --timeout \"%s\"\n", sub,
			timeout_s);
		return SM_EXIT_USAGE;
	}
	if (count_s && !parse_long(count_s, 1, 1000000, &count)) {
		fprintf(stderr, PFX "%s: bad --count \"%s\"\n", sub, count_s);
		return SM_EXIT_USAGE;
	}
	c.count = count;
	c.log.level = g && g->verbose >= 2   ? SM_LOG_DEBUG
		      : g && g->verbose == 1 ? SM_LOG_INFO
					     : SM_LOG_ERR;
	c.log.stream = stderr;
	c.log.ident = "smsmatch";
	if (c.job == JOB_PROBE && all) {
		if (npos) {
			fprintf(stderr, PFX "probe: --all takes no DEVICE\n");
			return SM_EXIT_USAGE;
		}
		cfg.cmd_timeout_ms = timeout > 0 ? (unsigned)timeout : 1000;
		return probe_all(&c, &cfg);
	}
	if (npos < 1 || (c.job == JOB_SEND && npos < 2) ||
	    (c.job != JOB_SEND && npos > 1)) {
		fprintf(stderr, PFX "%s: %s\n", sub,
			npos < 1			? "missing DEVICE"
			: npos < 2 && c.job == JOB_SEND ? "missing TEXT"
							: "too many arguments");
		usage(stderr);
		return SM_EXIT_USAGE;
	}
	c.device = pos[0];
	c.text = pos[1];
	if (c.job == JOB_SEND && !c.to) {
		fprintf(stderr, PFX "send: missing --to NUMBER\n");
		usage_send(stderr);
		return SM_EXIT_USAGE;
	}
	if (resolve(&c) < 0)
		return SM_EXIT_ERROR;
	switch (c.job) {
	case JOB_PROBE:
		cfg.cmd_timeout_ms = timeout > 0 ? (unsigned)timeout : 3000;
		rc = run(&c, &cfg, 0, "probe timed out");
		if (rc == SM_EXIT_OK)
			print_info(&c, &c.info);
		return rc;
	case JOB_SEND: {
		struct sm_pdu_part *parts =
			calloc(SM_PDU_PARTS_MAX, sizeof(*parts));
		struct sm_pdu_submit_opts o = {.validity_minutes = -1};
		char err[128];
		int n;

		/* check the number and text before touching the modem */
		n = parts ? sm_pdu_encode_submit(c.to, c.text, &o, parts,
						 SM_PDU_PARTS_MAX, NULL, err,
						 sizeof(err))
			  : -ENOMEM;
		free(parts);
		if (n < 0) {
			fprintf(stderr, PFX "send: cannot send to \"%s\": %s\n",
				c.to, n == -E2BIG ? "text too long" : err);
			return SM_EXIT_ERROR;
		}
		cfg.cmd_timeout_ms = 5000;
		return run(&c, &cfg,
			   (uint64_t)(timeout > 0 ? timeout : 60) * 1000 +
				   (c.wait_report ? 0 : 60000),
			   c.wait_report ? "no status report in time"
					 : "send timed out");
	}
	case JOB_LISTEN:
		c.reasm = sm_reasm_new(64, 120000);
		c.msg = malloc(sizeof(*c.msg));
		if (!c.reasm || !c.msg) {
			sm_reasm_free(c.reasm);
			free(c.msg);
			return SM_EXIT_ERROR;
		}
		cfg.no_sweep = false;
		cfg.sweep_interval_ms = 60000;
		rc = run(&c, &cfg, timeout > 0 ? (uint64_t)timeout * 1000 : 0,
			 "timed out waiting for messages");
		if (rc != SM_EXIT_OK && count && c.printed < count &&
		    c.rc == SM_EXIT_ERROR && timeout > 0)
			fprintf(stderr,
				PFX "%s: %ld of %ld message(s) "
				    "received\n",
				c.path, c.printed, count);
		sm_reasm_free(c.reasm);
		free(c.msg);
		return rc;
	}
	return SM_EXIT_ERROR;
}
