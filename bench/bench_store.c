/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_store.c - how many outbound messages per second the store takes
 * through enqueue, claim, "about to write" and "+CMGS" on a file with
 * synchronous=FULL (four fsync'd transactions each), and how fast status
 * reports are matched.  Prints figures only.  Built and run by
 * bench/store_bench.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smsmatch/store.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	int n = argc > 2 ? atoi(argv[2]) : 500;
	struct sm_store_match w = {7 * 86400, 2 * 86400};
	struct sm_store_outmsg m;
	struct sm_store *st;
	char path[256], err[256], p2[300];
	double t0, t1, t2;
	int64_t now = 1760000000;

	snprintf(path, sizeof(path), "%s/bench_store.%d.db", dir,
		 (int)getpid());
	if (sm_store_open(path, &st, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		char to[32];
		struct sm_store_enqueue e = {
			.recipient = to,
			.text = "Bonjour, une formation ...",
			.nparts = 1};

		snprintf(to, sizeof(to), "+336%08d", i % 1000);
		if (sm_store_enqueue(st, &e, now, NULL) ||
		    sm_store_claim(st, "m1", now, SM_KINDS_ALL, &m) ||
		    sm_store_part_writing(st, m.id, 1, "m1", now) ||
		    sm_store_part_sent(st, m.id, 1, i % 256, now)) {
			fprintf(stderr, "failed at %d: %s\n", i,
				sm_store_errmsg(st));
			return 1;
		}
	}
	t1 = now_s();
	for (int i = 0; i < n; i++) {
		char to[32];
		struct sm_store_report r = {.modem = "m1",
					    .recipient = to,
					    .mr = i % 256,
					    .received_at = now + 1};

		snprintf(to, sizeof(to), "+336%08d", i % 1000);
		if (sm_store_report_add(st, &r, &w, NULL))
			return 1;
	}
	t2 = now_s();
	printf("store: %d messages enqueued+claimed+written+sent in %.2f s: "
	       "%.0f msg/s (%.0f fsync'd transactions/s, synchronous=FULL, "
	       "WAL, %s)\n",
	       n, t1 - t0, n / (t1 - t0), 4 * n / (t1 - t0), dir);
	printf("store: %d status reports matched in %.2f s: %.0f reports/s\n",
	       n, t2 - t1, n / (t2 - t1));
	sm_store_close(st);
	unlink(path);
	snprintf(p2, sizeof(p2), "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof(p2), "%s-shm", path);
	unlink(p2);
	return 0;
}
