/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_dialogue.c - how long smsmatchd takes from a candidate's reply to
 * the next question queued: the daemon's own gw_inbox_receive(), which the
 * modem callback calls before AT+CMGD (the SMS committed, the STOP check,
 * the conversation found, the script played, the answers stored, the next
 * question queued, in one transaction).  No modem, no
 * LLM.  A campaign of N candidates on conf/scripts/aide-soignant.conf,
 * every first contact queued, then three rounds of replies (consent,
 * interest, availability): 3 N replies, each timed (wall clock and the
 * process's CPU time).  Prints p50, p90, p99 and the worst, and checks
 * that each reply queued its next question.  Built and run by
 * bench/dialogue_latency.sh.
 *
 *   bench_dialogue DIR SCRIPT [N]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smsmatch/config.h"
#include "smsmatch/store.h"
#include "smsmatch/store_campaign.h"

#include "../src/daemon/gateway.h"

#define ROUNDS 3

static double mono_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void figures(const char *what, double *v, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += v[i];
	qsort(v, n, sizeof(*v), cmp_double);
	printf("  %-5s  p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  "
	       "max %7.3f ms  mean %7.3f ms\n",
	       what, v[n / 2] / 1e3, v[n * 90 / 100] / 1e3,
	       v[n * 99 / 100] / 1e3, v[n - 1] / 1e3, sum / n / 1e3);
}

int main(int argc, char **argv)
{
	static const char *const replies[ROUNDS] = {
		"oui", "oui ça m'intéresse", "oui je suis disponible"};
	const char *dir, *script;
	struct sm_store_campaign c = {0};
	struct sm_store_candidate *rows;
	struct sm_store_import_report rep;
	struct sm_store_queue_stats qs;
	struct sm_gw *gw;
	char path[512], conf[1024], err[512];
	double *wall, *cpu, t0;
	int64_t now = (int64_t)time(NULL), camp;
	size_t n, k = 0;
	int rc;

	sm_gw_malloc_tune(); /* as smsmatchd's main() */
	if (argc < 3) {
		fprintf(stderr, "usage: bench_dialogue DIR SCRIPT [N]\n");
		return 2;
	}
	dir = argv[1];
	script = argv[2];
	n = argc > 3 ? (size_t)atoi(argv[3]) : 400;
	if (n < 1 || n > 100000)
		return 2;
	gw = calloc(1, sizeof(*gw));
	rows = calloc(n, sizeof(*rows));
	wall = calloc(n * ROUNDS, sizeof(*wall));
	cpu = calloc(n * ROUNDS, sizeof(*cpu));
	if (!gw || !rows || !wall || !cpu)
		return 1;

	snprintf(path, sizeof(path), "%s/bench_dialogue.%d.db", dir,
		 (int)getpid());
	snprintf(conf, sizeof(conf),
		 "database = \"%s\";\n"
		 "agency = { name = \"Agence de test\"; };\n"
		 "sending = { hours = \"00:00-24:00\"; days = \"mon-sun\";"
		 " holidays = \"none\"; };\n",
		 path);
	if (sm_config_parse_string(conf, "bench", &gw->cfg, err,
				   sizeof(err)) < 0 ||
	    sm_store_open(path, &gw->store, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_dialogue: %s\n", err);
		return 1;
	}
	gw->log = (struct sm_log){SM_LOG_WARN, false, stderr, "bench"};

	snprintf(c.name, sizeof(c.name), "bench");
	snprintf(c.script, sizeof(c.script), "%s", script);
	snprintf(c.trade, sizeof(c.trade), "aide-soignant");
	snprintf(c.start_date, sizeof(c.start_date), "2027-03-01");
	snprintf(c.end_date, sizeof(c.end_date), "2027-09-30");
	snprintf(c.place, sizeof(c.place), "IFSI Metz");
	c.seats = 12;
	for (size_t i = 0; i < n; i++) {
		snprintf(rows[i].first_name, sizeof(rows[i].first_name),
			 "Prenom%zu", i);
		snprintf(rows[i].last_name, sizeof(rows[i].last_name), "Nom");
		snprintf(rows[i].phone, sizeof(rows[i].phone), "+336%08zu",
			 i + 1);
		snprintf(rows[i].vars, sizeof(rows[i].vars), "{}");
		rows[i].line = (int)i + 2;
	}
	if ((rc = sm_store_campaign_add(gw->store, &c, now, &camp)) < 0 ||
	    (rc = sm_store_candidates_import(gw->store, camp, rows, n, now,
					     &rep)) < 0 ||
	    (rc = sm_store_campaign_set_state(gw->store, camp,
					      SM_CAMPAIGN_RUNNING, now)) < 0) {
		fprintf(stderr, "bench_dialogue: campaign: %s\n",
			strerror(-rc));
		return 1;
	}
	/* Every first contact (the daemon queues 50 a pass). */
	for (size_t i = 0; i < n / 50 + 2; i++)
		gw_dialogue_pass(gw, now, false);

	for (int r = 0; r < ROUNDS; r++) {
		for (size_t i = 0; i < n; i++) {
			struct sm_store_inpart p = {
				.modem = "m1",
				.sender = rows[i].phone,
				.scts = now + r,
				.text = replies[r],
				.text_len = strlen(replies[r]),
				.encoding = "gsm7",
				.pdu_hex = "",
				.received_at = now + r,
			};
			double c0 = mono_us(CLOCK_PROCESS_CPUTIME_ID);

			t0 = mono_us(CLOCK_MONOTONIC);
			if (gw_inbox_receive(gw, &p, now + r) < 0) {
				fprintf(stderr, "bench_dialogue: inbox: %s\n",
					sm_store_errmsg(gw->store));
				return 1;
			}
			wall[k] = mono_us(CLOCK_MONOTONIC) - t0;
			cpu[k++] = mono_us(CLOCK_PROCESS_CPUTIME_ID) - c0;
		}
	}
	sm_store_queue_stats(gw->store, &qs);
	printf("  %zu replies from %zu candidates; %d messages queued "
	       "(%zu first contacts + one next question per reply: %s)\n",
	       k, n, qs.count[SM_OUT_QUEUED], n,
	       (size_t)qs.count[SM_OUT_QUEUED] == n + k ? "ok" : "MISSING");
	figures("wall", wall, k);
	figures("CPU", cpu, k);
	gw_dialogue_forget_scripts(gw);
	sm_store_close(gw->store);
	unlink(path);
	snprintf(conf, sizeof(conf), "%s-wal", path);
	unlink(conf);
	snprintf(conf, sizeof(conf), "%s-shm", path);
	unlink(conf);
	free(gw);
	free(rows);
	free(wall);
	free(cpu);
	return (size_t)qs.count[SM_OUT_QUEUED] == n + k ? 0 : 1;
}
