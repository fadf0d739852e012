/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem_priv.h - the inside of the generic modem driver, shared by
 * drivers/at/modem*.c, drivers/at/profiles.c and the vendor profiles
 * (drivers/<vendor>/<vendor>.c), and by the driver's unit tests.
 *
 * Init is a list of declarative steps (struct sm_modem_step): a command or
 * a builder, the expected prefixes, optional or required, a timeout, a
 * fallback command, and a processor that says next / fail / retry.  A
 * profile (struct sm_modem_profile) is data: match strings, quirk bits,
 * extra init steps, URC prefixes to swallow, preferred storage and
 * <ds>.  The generic code reads these fields; it never switches on the
 * vendor.
 */
#ifndef SMSMATCH_MODEM_PRIV_H
#define SMSMATCH_MODEM_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smsmatch/at.h"
#include "smsmatch/modem.h"

struct sm_modem;
struct sm_serial;

enum sm_step_verdict {
	SM_STEP_NEXT,  /* go on with the next step */
	SM_STEP_FAIL,  /* init failed; m->fail_err says why */
	SM_STEP_RETRY, /* run this step again after SM_STEP_RETRY_MS */
};

#define SM_STEP_RETRY_MS    1000
#define SM_STEP_RETRIES_MAX 10

/* Step flags. */
enum {
	SM_STEP_OPTIONAL = 1 << 0, /* an error result is not fatal */
	SM_STEP_SECRET = 1 << 1,   /* never log the command (AT+CPIN="...") */
};

struct sm_modem_step {
	const char *name; /* for messages: "PDU mode" */
	const char *cmd;  /* fixed command, or NULL: build() */
	/*
	 * Write the command into @buf (@len bytes).  Returns > 0 to send
	 * it, 0 to skip the step, or a negative errno to fail init (with
	 * m->fail_err set).
	 */
	int (*build)(struct sm_modem *m, char *buf, size_t len);
	const char *const *prefixes; /* NULL: take every line */
	unsigned flags;		     /* SM_STEP_* */
	unsigned timeout_ms;	     /* 0: the config's cmd_timeout_ms */
	const char *fallback;	     /* tried once when @cmd gets an error */
	/*
	 * Look at the response (OK or an error result; timeouts never get
	 * here).  NULL: OK goes on, an error fails unless OPTIONAL.
	 */
	enum sm_step_verdict (*process)(struct sm_modem *m,
					const struct sm_at_response *res);
};

/* Quirk bits of a profile. */
enum {
	/*
	 * +CDSI: "SM",<n> announces a report that is really stored in "SR"
	 * (Quectel EC25/EG25 with AT+CNMI=2,1,0,2,0).
	 */
	SM_QUIRK_CDSI_SM_IS_SR = 1 << 0,
};

struct sm_modem_profile {
	const char *name;		       /* "huawei" */
	const char *const *manufacturers;      /* +CGMI substrings, any case */
	const char *const *models;	       /* +CGMM substrings, or NULL */
	unsigned quirks;		       /* SM_QUIRK_* */
	const struct sm_modem_step *init;      /* extra steps after identity */
	size_t ninit;			       /* how many */
	const char *const *ignored_urcs;       /* prefixes swallowed silently */
	const char *const *preferred_storages; /* NULL: ME then SM */
	int preferred_ds;		       /* CNMI <ds> first choice, 0:
						* generic (2 then 1) */
};

/* The registry (drivers/at/profiles.c). */
extern const struct sm_modem_profile sm_profile_generic;
extern const struct sm_modem_profile sm_profile_huawei;
extern const struct sm_modem_profile sm_profile_quectel;
extern const struct sm_modem_profile sm_profile_simcom;

/* The profile named @name ("generic", "huawei"...), NULL if none. */
const struct sm_modem_profile *sm_profile_by_name(const char *name);
/* The profile matching the identity strings; generic if none does. */
const struct sm_modem_profile *sm_profile_match(const char *manufacturer,
						const char *model);
/* NULL-terminated list of every profile, generic first. */
const struct sm_modem_profile *const *sm_profile_all(void);

/* An inbound message handed to the owner and not acknowledged yet. */
struct sm_modem_pending {
	unsigned id;   /* 0: free slot */
	char mem[4];   /* storage, "" for +CMT/+CDS */
	int index;     /* index in @mem, -1 */
	bool cnma;     /* acknowledge with AT+CNMA */
	bool deleting; /* AT+CMGD queued */
};

#define SM_MODEM_PENDING_MAX 64
#define SM_MODEM_PLAN_MAX    64
#define SM_MODEM_URCS_MAX    48
#define SM_MODEM_READING_MAX 16

struct sm_modem_sendreq;

struct sm_modem {
	/* configuration (strings owned) */
	struct sm_modem_config cfg;
	char *name;		 /* owned copy of cfg.name or cfg.device */
	struct sm_loop *loop;	 /* NULL in attach mode */
	struct sm_modem_ops ops; /* owner's callbacks */
	void *data;		 /* their argument */
	/* transport */
	struct sm_serial *serial;    /* loop mode */
	int fd_watch;		     /* loop watch id, 0 none */
	unsigned fd_events;	     /* events it asks for */
	int timer;		     /* loop timer id, 0 none */
	struct sm_modem_io io;	     /* where bytes go, what time it is */
	void *io_data;		     /* their argument */
	struct sm_at *at;	     /* NULL when closed */
	int urcs[SM_MODEM_URCS_MAX]; /* registrations to drop on close */
	size_t nurcs;
	/* what we know */
	struct sm_modem_info info;
	const struct sm_modem_profile *profile;
	int cnmi_ds; /* <ds> chosen, 0 none */
	/* init */
	const struct sm_modem_step *plan[SM_MODEM_PLAN_MAX];
	size_t nplan;	    /* steps in the plan */
	size_t step;	    /* the one running */
	bool fallback_used; /* the step's fallback was sent */
	unsigned retries;   /* of the current step */
	uint64_t retry_at;  /* when to run it again, 0 none */
	char pin[16];	    /* read from pin_file when needed */
	bool pin_sent;	    /* AT+CPIN="..." was sent */
	/* failure, handled when the outermost entry point returns */
	int depth;		  /* nesting of public entry points */
	bool failing;		  /* go DOWN on the way out */
	bool closing;		  /* tearing down: callbacks do nothing */
	struct sm_error fail_err; /* why */
	char fail_text[160];	  /* that, as a sentence */
	/* sending */
	struct sm_modem_sendreq *sendq; /* head is the one running */
	size_t nsend;
	unsigned concat_ref; /* next concatenation reference */
	/* receiving */
	struct sm_modem_pending pending[SM_MODEM_PENDING_MAX];
	struct {
		char mem[4]; /* storage */
		int index;   /* index being read (AT+CMGR queued) */
	} reading[SM_MODEM_READING_MAX];
	size_t nreading;
	bool sweep_soon; /* a +CMTI was dropped (reads full): sweep after */
	unsigned next_id;
	uint64_t sweep_at; /* next periodic sweep, 0 none */
};

/* modem.c */
void sm_modem_fail(struct sm_modem *m, const struct sm_error *err,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool sm_modem_check_fatal(struct sm_modem *m, const struct sm_at_response *r,
			  const char *what);
void sm_modem_logf(const struct sm_modem *m, enum sm_log_level level,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
uint64_t sm_modem_now(const struct sm_modem *m);
void sm_modem_set_ready(struct sm_modem *m);
const char *sm_modem_dev(const struct sm_modem *m);
void sm_modem_enter(struct sm_modem *m);
void sm_modem_leave(struct sm_modem *m);

/* modem_init.c */
void sm_modem_init_start(struct sm_modem *m);
void sm_modem_init_resume(struct sm_modem *m);

/* modem_sms.c */
void sm_modem_sms_register(struct sm_modem *m);
void sm_modem_noop_urc(const char *line, const char *pdu, void *data);
void sm_modem_sms_cancel(struct sm_modem *m, enum sm_err_kind kind,
			 const char *reason);
void sm_modem_sms_tick(struct sm_modem *m);
int sm_modem_queue_sweep(struct sm_modem *m);

/* modem_parse.c: I/O-free parsers, each unit tested */

/* Bitmasks of the values +CNMI=? allows for <mode>,<mt>,<bm>,<ds>,<bfr>. */
struct sm_cnmi_ranges {
	unsigned mask[5];
};
/*
 * Parse range groups "+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)" (or "(0,1)" of
 * +CMGF=?).  Returns the number of groups (1..5) or -EINVAL.
 */
int sm_parse_cnmi_ranges(const char *line, struct sm_cnmi_ranges *out);
/*
 * Choose AT+CNMI parameters from @r: mode 2 (else 1, 3), mt 1 (stored,
 * +CMTI), bm 0, ds @pref_ds first (then 2, 1, 0), bfr 0.  Writes
 * "2,1,0,2,0" into @buf and the <ds> into @ds.  -ENOTSUP when mt=1 is
 * not offered.
 */
int sm_choose_cnmi(const struct sm_cnmi_ranges *r, int pref_ds, char *buf,
		   size_t len, int *ds);
/*
 * The storages in the first list of "+CPMS: ("ME","MT","SM","SR"),...":
 * written comma-separated into @buf ("ME,MT,SM,SR").  0 or -EINVAL.
 */
int sm_parse_cpms_list(const char *line, char *buf, size_t len);
/* Does comma-separated @list contain @mem? */
bool sm_mem_in_list(const char *list, const char *mem);
/* <stat> of a +CREG:/+CEREG: line, query or URC form; -1 if none. */
int sm_parse_reg(const char *line, const char *prefix);
/* +CMGL:/+CMGR: header: index (CMGL only, else -1), stat, length. */
struct sm_msg_header {
	int index;  /* -1 when absent (+CMGR) */
	int stat;   /* 0 unread, 1 read, 2 unsent, 3 sent, -1 unknown */
	int length; /* TPDU octets, -1 unknown */
};
int sm_parse_msg_header(const char *line, const char *prefix,
			struct sm_msg_header *out);
/* +CMTI:/+CDSI: "SM",3 -> mem and index.  0 or -EINVAL. */
int sm_parse_mem_index(const char *line, const char *prefix, char *mem,
		       size_t memlen, int *index);
/* Mask phone numbers and PDUs in an AT line for logs into @buf. */
const char *sm_modem_mask_line(const char *line, size_t len, char *buf,
			       size_t buflen);

#endif
