/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * profiles.c - the registry of modem profiles and how one is chosen: by
 * name when the config forces it, else by the first profile whose
 * manufacturer (and, when it lists some, model) substrings match what
 * +CGMI/+CGMM answered, ignoring case.  "generic" matches everything else.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "modem_priv.h"

const struct sm_modem_profile sm_profile_generic = {
	.name = "generic",
};

static const struct sm_modem_profile *const profiles[] = {
	&sm_profile_generic,
	&sm_profile_huawei,
	&sm_profile_quectel,
	&sm_profile_simcom,
	NULL,
};

const struct sm_modem_profile *const *sm_profile_all(void)
{
	return profiles;
}

const struct sm_modem_profile *sm_profile_by_name(const char *name)
{
	for (size_t i = 0; profiles[i]; i++)
		if (strcasecmp(profiles[i]->name, name) == 0)
			return profiles[i];
	return NULL;
}

static bool contains_any(const char *s, const char *const *subs)
{
	for (; subs && *subs; subs++)
		if (strcasestr(s, *subs))
			return true;
	return false;
}

const struct sm_modem_profile *sm_profile_match(const char *manufacturer,
						const char *model)
{
	for (size_t i = 1; profiles[i]; i++) {
		const struct sm_modem_profile *p = profiles[i];

		if (!contains_any(manufacturer ? manufacturer : "",
				  p->manufacturers))
			continue;
		if (p->models && !contains_any(model ? model : "", p->models))
			continue;
		return p;
	}
	return &sm_profile_generic;
}
