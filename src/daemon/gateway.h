/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gateway.h - the inside of smsmatchd: the gateway that keeps every modem
 * busy with the outbox, supervises the modems and commits what they
 * receive.  Private to src/daemon/.
 *
 * One struct sm_gw lives in main() and owns everything: the configuration,
 * the store, the loop, one struct gw_modem per configured modem.  All of it
 * runs in the loop's thread; nothing here blocks on a modem.  The store is
 * written synchronously (short SQLite transactions with synchronous=FULL):
 * that is the durability the crash guarantees rest on.
 *
 * Sending, per modem, one message at a time:
 *   claim (store) -> sm_modem_send() -> for each part:
 *     part_writing hook: journal "about to write" -> AT+CMGS -> part_sent
 *     hook: journal the mr -> ... -> send callback: done, or failure
 *     classified (cms.h) into retry / give up / blame the modem.
 * Receiving: inbound SMS -> store (dedup, reassembly) -> ack to the modem
 * (AT+CMGD / AT+CNMA only now) -> STOP handling -> the dialogue later.
 */
#ifndef SMSMATCH_GATEWAY_H
#define SMSMATCH_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smsmatch/config.h"
#include "smsmatch/log.h"
#include "smsmatch/modem.h"
#include "smsmatch/store.h"

struct sm_loop;

/* Reopen backoff of a modem that went down: 1 s doubling to 60 s. */
#define GW_REOPEN_MIN_MS 1000
#define GW_REOPEN_MAX_MS 60000
/* How often the scheduler looks for due messages without a trigger. */
#define GW_POLL_MS 200
/* Housekeeping (expiry, incomplete inbound, modem rows) period. */
#define GW_HOUSEKEEP_MS 30000
/* Incomplete concatenated SMS are delivered as-is after this long. */
#define GW_INCOMPLETE_TIMEOUT_S (30 * 60)
/* Status reports match a part sent within this window (TP-MR wraps). */
#define GW_MR_WINDOW_S (7 * 24 * 3600)
#define GW_UNCONFIRMED_WINDOW_S (2 * 24 * 3600)
/* The retention purge (retention.days) runs at start-up, then this often. */
#define GW_RETENTION_MS (24 * 3600 * 1000ULL)
/* SIGTERM waits this long for sends in flight. */
#define GW_STOP_GRACE_MS 30000
/* Refresh answers (+CREG?, +CSQ) are recorded this long after asking. */
#define GW_PUBLISH_DELAY_MS 2000

struct sm_gw;
struct sm_script;
struct sm_store_inmsg;

/* Campaigns whose dialogue scripts are loaded at once, at most. */
#define GW_SCRIPTS_MAX 64
/* The dialogue pass (first contacts) runs this often; reminders and
 * expiry every GW_HOUSEKEEP_MS. */
#define GW_DIALOGUE_MS 2000

/* A campaign's dialogue script, loaded on first use. */
struct gw_script {
	int64_t campaign_id;	  /* whose script */
	struct sm_script *script; /* loaded and checked */
};

/* One configured modem at run time. */
struct gw_modem {
	struct sm_gw *gw;		/* owner */
	struct sm_config_modem cfg;	/* its configuration entry */
	struct sm_modem *modem;		/* the driver */
	bool ready;			/* state READY */
	bool removed;			/* dropped by a reload: free when idle */
	bool freeing;			/* inside gw_modem_free() */
	bool reg_lost;			/* registration loss already logged */
	bool settled;			/* its first sweep is over since READY:
					 * what it stored (a STOP...) is read */
	int reopen_timer;		/* loop timer id, 0 if none */
	unsigned backoff_ms;		/* next reopen delay */
	struct sm_store_outmsg *msg;	/* the message being sent, or NULL */
	uint64_t next_send_ms;		/* rate limit: earliest next claim */
	int day_key;			/* local day of sent_today */
	int sent_today;			/* parts sent on day_key */
	char device[SM_CONFIG_PATH_MAX];/* resolved device path */
};

struct sm_gw {
	struct sm_loop *loop;		  /* the event loop */
	struct sm_config cfg;		  /* current configuration */
	struct sm_store *store;		  /* the database */
	struct sm_log log;		  /* where lines go */
	struct gw_modem *modems[SM_CONFIG_MAX_MODEMS]; /* by config order */
	unsigned nmodems;		  /* entries used */
	int poll_timer;			  /* scheduler timer id */
	int housekeep_timer;		  /* housekeeping timer id */
	bool stopping;			  /* SIGTERM: no new sends */
	uint64_t stop_deadline;		  /* give up waiting then */
	bool done;			  /* the loop may stop */
	struct gw_script scripts[GW_SCRIPTS_MAX]; /* loaded scripts */
	size_t nscripts;		  /* how many */
	int dialogue_timer;		  /* first contacts timer id */
	int retention_timer;		  /* daily purge timer id */
	uint64_t last_ticks_ms;		  /* last reminders/expiry pass */
	uint64_t ticks_ms;		  /* their period: GW_HOUSEKEEP_MS,
					   * shorter for a script with
					   * durations in seconds */
	uint64_t publish_at_ms;		  /* record the modems' refreshed
					   * signal/registration then; 0: no */
	struct gw_llm *llm;		  /* the language model (gw_llm.c) */
	int64_t *paused;		  /* campaigns paused at the last
					   * reminders pass (gw_dialogue.c) */
	size_t npaused;			  /* how many */
};

/* src/daemon/gateway.c */
int sm_gw_start(struct sm_gw *gw, char *err, size_t errlen);
void sm_gw_stop(struct sm_gw *gw);
void sm_gw_free(struct sm_gw *gw);
int sm_gw_reload(struct sm_gw *gw, const struct sm_config *cfg);
void sm_gw_schedule(struct sm_gw *gw);
/*
 * Run the scheduler at the next turn of the loop.  Modem callbacks use
 * this, never sm_gw_schedule(): the scheduler may free a modem that a
 * reload removed, which must not happen inside that modem's callback.
 */
void sm_gw_kick(struct sm_gw *gw);
int64_t sm_gw_now(void);
/* Keep the heap instead of trimming it after each reply (main() calls it
 * once, before anything is allocated; so does the dialogue benchmark). */
void sm_gw_malloc_tune(void);

/* src/daemon/gw_modem.c */
struct gw_modem *gw_modem_new(struct sm_gw *gw,
			      const struct sm_config_modem *cfg);
void gw_modem_free(struct gw_modem *gm);
void gw_modem_open(struct gw_modem *gm);
/* A modem waiting to be reopened is tried now, its backoff reset (reload:
 * udev's hotplug rule sends SIGHUP when a modem appears). */
void gw_modem_wake(struct gw_modem *gm);
bool gw_modem_try_send(struct gw_modem *gm, int64_t now);
bool gw_modem_settled(struct gw_modem *gm);
void gw_modem_publish(struct gw_modem *gm, int64_t now);

/* src/daemon/gw_inbox.c */
void gw_inbound(struct sm_modem *m, const struct sm_modem_msg *msg,
		void *data);
void gw_inbox_housekeep(struct sm_gw *gw, int64_t now);
/* Handle complete inbound message @id (stored): STOP at once, else the
 * reply goes to its conversation's script, else it stays in the inbox. */
void gw_inbox_handle(struct sm_gw *gw, int64_t id, int64_t now);
/* Commit received part @p and, when it completes a message, handle it
 * (gw_inbox_handle()), in one transaction.  0, or a negative errno when
 * the part is not stored (then it stays on the modem).  The modem
 * callback calls it before the modem may delete the SMS;
 * bench/bench_dialogue.c times it. */
int gw_inbox_receive(struct sm_gw *gw, const struct sm_store_inpart *p,
		     int64_t now);

/* src/daemon/gw_dialogue.c */
void gw_dialogue_pass(struct sm_gw *gw, int64_t now, bool ticks);
bool gw_dialogue_reply(struct sm_gw *gw, const struct sm_store_inmsg *msg,
		       const char *phone, int64_t now);
/* The STOP confirmation of the script of @phone's open conversation
 * (stop_confirm, rendered) in @buf; false when there is none. */
bool gw_dialogue_stop_confirm(struct sm_gw *gw, const char *phone,
			      char *buf, size_t len);
void gw_dialogue_optout(struct sm_gw *gw, const char *phone, int64_t now);
void gw_dialogue_unreachable(struct sm_gw *gw, int64_t conversation_id,
			     int64_t now);
void gw_dialogue_forget_scripts(struct sm_gw *gw);
struct sm_script_override;
/*
 * Play @msg again after the language model (gw_llm.c): with @ov (NULL:
 * the rules alone), never parked; @advisor: the candidate's question gets
 * the script's advisor_answer (or GW_ADVISOR_ANSWER).  False when @phone
 * has no open conversation.
 */
bool gw_dialogue_resume(struct sm_gw *gw, const struct sm_store_inmsg *msg,
			const char *phone, const struct sm_script_override *ov,
			bool advisor, int64_t now);

/* src/daemon/gw_llm.c */
#define GW_ADVISOR_ANSWER                                                  \
	"Je transmets votre question à votre conseiller, qui vous "         \
	"répondra."
struct gw_llm;
struct sm_script_state;
struct sm_script_var;
struct sm_store_campaign;
struct sm_store_candidate;
struct sm_store_conversation;
int gw_llm_start(struct sm_gw *gw);
void gw_llm_reload(struct sm_gw *gw);
void gw_llm_free(struct sm_gw *gw);
/*
 * Play the replies left unhandled in the inbox: at start-up (@campaign_id
 * 0: those that waited for the model when smsmatchd stopped), and when a
 * paused campaign runs again (the replies that came during the pause).
 */
void gw_llm_recover(struct sm_gw *gw, int64_t campaign_id);
/*
 * Called with each reply before the script plays it: true when the reply
 * waits for the language model (or behind another reply of its
 * conversation that does); gw_dialogue_resume() follows.
 */
bool gw_llm_park(struct sm_gw *gw, const struct sm_store_conversation *conv,
		 const struct sm_store_inmsg *msg, const struct sm_script *s,
		 const struct sm_script_state *st,
		 const struct sm_script_var *vars, size_t nvars,
		 const struct sm_store_campaign *camp,
		 const struct sm_store_candidate *cand, int64_t now);

/* src/daemon/gw_privacy.c */
void gw_privacy_check_files(struct sm_gw *gw);
void gw_retention(struct sm_gw *gw, int64_t now);

#endif
