/* report-rules.h: the compiled catalogue for --check and --list-rules. */
#ifndef LUCS_REPORT_RULES_H
#define LUCS_REPORT_RULES_H

#include "classify.h"
#include "out.h"
#include "site.h"

/* One line per compiled rule, TM twins included. */
void report_list_rules(struct out *o, const struct classifier *cl);
/* A short summary: files, rules, twins, tags, ports, roles, settings. */
void report_check(struct out *o, const struct classifier *cl,
		  const struct site *site);

#endif
