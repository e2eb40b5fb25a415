/* check.h: the --check and --list-rules printer. */
#ifndef LUCS_CHECK_H
#define LUCS_CHECK_H

#include "classify.h"
#include "out.h"
#include "site.h"

/* One line per compiled rule, TM twins included. */
void check_list_rules(struct out *o, const struct classifier *cl);
/* A short summary: files, rules, twins, tags, ports, roles, settings. */
void check_print(struct out *o, const struct classifier *cl,
		  const struct site *site);

#endif
