/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sl_fixture.h - a campaign with eleven candidates in every situation a
 * shortlist meets (compatible, needs aid, partial, incomplete, declined,
 * opted out, unreachable, no answer, not contacted, hostile and long
 * replies), written through the store API, for test_shortlist and the
 * shortlist_cli integration test (build/tests/tools/sl-fixture).
 */
#ifndef SMSMATCH_SL_FIXTURE_H
#define SMSMATCH_SL_FIXTURE_H

#include <stdint.h>

#include "smsmatch/store.h"

/* Start of the fixture's conversations: 2026-03-02 09:00:00 UTC. */
#define SL_FIXTURE_T0 INT64_C(1772442000)

/* The last names of the fixture's candidates in their expected rank
 * order, NULL-terminated. */
extern const char *const sl_fixture_ranked[];

/*
 * Write the fixture campaign into @st; *@campaign_id gets its id.
 * Returns 0 or the first negative errno of the store.
 */
int sl_fixture_populate(struct sm_store *st, int64_t *campaign_id);

#endif
