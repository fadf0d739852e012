/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sl-fixture.c - `sl-fixture DB`: write the shortlist fixture campaign
 * (tests/unit/lib/sl_fixture.c) into database DB through the store API and
 * print its campaign id.  For tests/integration/shortlist_cli.sh.
 */
#include <stdio.h>
#include <string.h>

#include "../unit/lib/sl_fixture.h"
#include "smsmatch/store.h"

int main(int argc, char **argv)
{
	struct sm_store *st = NULL;
	char err[256];
	int64_t id = 0;
	int rc;

	if (argc != 2) {
		fputs("usage: sl-fixture DB\n", stderr);
		return 2;
	}
	if (sm_store_open(argv[1], &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "sl-fixture: %s\n", err);
		return 1;
	}
	rc = sl_fixture_populate(st, &id);
	if (rc < 0) {
		fprintf(stderr, "sl-fixture: %s (%s)\n", strerror(-rc),
			sm_store_errmsg(st));
		sm_store_close(st);
		return 1;
	}
	sm_store_close(st);
	printf("%lld\n", (long long)id);
	return 0;
}
