/* suggest-rules.c: rules documenting what a run saw and the catalogue
 * did not (suggest-rules.h), as a catalogue file for --rules. */
#include "suggest-rules.h"

#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "proto.h"

#define OBSERVED_TAG "observed"
#define HOST_ROLE_PREFIX "host_"

/* One rule to write: a client role, a server role, a protocol and port,
 * and the groups it covers. */
struct suggestion {
	int from;		/* role index, -1: any (clients in no role) */
	int to;			/* role index, -1: a host role of its own */
	uint8_t proto;
	uint16_t port;
	const struct seen_group *host;	/* to == -1: the server */
	const struct seen_group **groups;
	size_t ngroups;
	uint64_t flows, packets, bytes;
	int64_t first_us, last_us;
	char id[CAT_MAX_ID + 1];	/* assign_ids' */
};

struct plan {
	struct suggestion *s;
	size_t n;
};

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP;
}

static int first_role(uint64_t mask)
{
	for (int i = 0; i < CAT_MAX_ROLES; i++)
		if (mask & ((uint64_t)1 << i))
			return i;
	return -1;
}

/* The role a server in no role gets: host_10_10_0_5, host_2001_db8__5. */
static void host_role(const struct seen_group *g, char *buf, size_t size)
{
	char addr[48];
	size_t n;

	format_addr(addr, sizeof addr, g->family, g->server);
	n = (size_t)snprintf(buf, size, HOST_ROLE_PREFIX "%s", addr);
	for (size_t i = 0; i < n && i < size; i++)
		if (buf[i] == '.' || buf[i] == ':')
			buf[i] = '_';
}

static bool same_server(const struct seen_group *a, const struct seen_group *b)
{
	return a->family == b->family &&
	       memcmp(a->server, b->server, a->family == 4 ? 4 : 16) == 0;
}

static struct suggestion *find(struct plan *p, int from, int to,
			       const struct seen_group *g)
{
	for (size_t i = 0; i < p->n; i++) {
		struct suggestion *s = &p->s[i];

		if (s->from == from && s->to == to && s->proto == g->proto &&
		    s->port == g->port && (to >= 0 || same_server(s->host, g)))
			return s;
	}
	return NULL;
}

static bool add(struct plan *p, int from, int to, const struct seen_group *g)
{
	struct suggestion *s = find(p, from, to, g);
	const struct seen_group **grown;

	if (!s) {
		struct suggestion *more =
			realloc(p->s, (p->n + 1) * sizeof *more);

		if (!more)
			return false;
		p->s = more;
		s = &p->s[p->n++];
		*s = (struct suggestion){ .from = from, .to = to,
					  .proto = g->proto, .port = g->port,
					  .host = g, .first_us = g->first_us,
					  .last_us = g->last_us };
	}
	grown = realloc(s->groups, (s->ngroups + 1) * sizeof *grown);
	if (!grown)
		return false;
	s->groups = grown;
	s->groups[s->ngroups++] = g;
	s->flows += g->flows;
	s->packets += g->packets;
	s->bytes += g->bytes;
	if (g->first_us < s->first_us)
		s->first_us = g->first_us;
	if (g->last_us > s->last_us)
		s->last_us = g->last_us;
	return true;
}

/* One suggestion per client role of each group (any when none). */
static bool plan_groups(struct plan *p, const struct seen_group *groups,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct seen_group *g = &groups[i];
		int to = g->server_roles ? first_role(g->server_roles) : -1;

		if (g->debug_port)
			continue;
		if (!g->client_roles && !add(p, -1, to, g))
			return false;
		for (int r = 0; r < CAT_MAX_ROLES; r++)
			if ((g->client_roles & ((uint64_t)1 << r)) &&
			    !add(p, r, to, g))
				return false;
	}
	return true;
}

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->s[i].groups);
	free(p->s);
}

/* --- writing -------------------------------------------------------------- */

static void write_header(FILE *fp)
{
	fputs("# Rules suggested by lucsaudit --suggest-rules for the "
	      "unexpected flows of a run.\n#\n"
	      "# REVIEW EVERY RULE BEFORE USING THIS FILE.  These suggestions "
	      "may be inaccurate:\n"
	      "# a capture window misses nightly jobs and monthly reports, "
	      "and a flow that was\n"
	      "# seen is not a flow that is needed (it may be the very thing "
	      "an audit looks\n"
	      "# for).  Debug ports are never suggested.  Keep a rule only "
	      "when the owner of\n"
	      "# the system says the connection is wanted, then load the "
	      "file with --rules FILE.\n", fp);
}

/* Hosts in no role get a role each; the site must give it to them. */
static size_t write_host_roles(FILE *fp, const struct plan *p,
			       const struct catalogue *cat, bool declare)
{
	char name[80], addr[48];
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct suggestion *s = &p->s[i];
		bool again = false;

		if (s->to >= 0)
			continue;
		for (size_t k = 0; k < i && !again; k++)
			again = p->s[k].to < 0 && same_server(p->s[k].host,
							      s->host);
		host_role(s->host, name, sizeof name);
		if (again || catalogue_role(cat, name) >= 0)
			continue;
		format_addr(addr, sizeof addr, s->host->family,
			    s->host->server);
		if (declare)
			fprintf(fp, "%s%s", n ? ", " : "roles: [", name);
		else
			fprintf(fp, "#   %s: \"%s\"\n", name, addr);
		n++;
	}
	if (declare && n)
		fputs("]\n", fp);
	return n;
}

static void write_site_note(FILE *fp, const struct plan *p,
			    const struct catalogue *cat)
{
	bool any = false;

	for (size_t i = 0; i < p->n && !any; i++)
		any = p->s[i].to < 0;
	if (!any)
		return;
	fputs("#\n# Servers in no role of the site get a role of their own, "
	      "declared below.  For\n# their rules to apply, add them to "
	      "the site file's roles:\n", fp);
	if (!write_host_roles(fp, p, cat, false))
		fputs("#   (done: the catalogue already declares them)\n", fp);
}

static void write_seen(FILE *fp, const struct suggestion *s)
{
	char t1[40], t2[40], addr[48];

	format_time(t1, sizeof t1, s->first_us);
	format_time(t2, sizeof t2, s->last_us);
	fprintf(fp, "  # seen: %llu flows, %llu packets, %llu bytes, "
		"from %s to %s\n", (unsigned long long)s->flows,
		(unsigned long long)s->packets, (unsigned long long)s->bytes,
		t1, t2);
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct seen_group *g = s->groups[i];

		format_addr(addr, sizeof addr, g->family, g->server);
		fprintf(fp, "  # server %s, %llu clients:", addr,
			(unsigned long long)g->clients);
		for (size_t k = 0; k < g->ntop; k++) {
			format_addr(addr, sizeof addr, g->family,
				    g->top[k].addr);
			fprintf(fp, " %s (%llu)", addr,
				(unsigned long long)g->top[k].flows);
		}
		fputc('\n', fp);
	}
}

static bool id_taken(const struct catalogue *cat, const struct plan *p,
		     size_t before, const char *id)
{
	if (catalogue_rule(cat, id))
		return true;
	for (size_t k = 0; k < before; k++)
		if (strcmp(p->s[k].id, id) == 0)
			return true;
	return false;
}

/* Rule ids neither a catalogue loaded nor an earlier suggestion has:
 * observed-tcp-3389, then observed-tcp-3389-2... */
static void assign_ids(const struct catalogue *cat, struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct suggestion *s = &p->s[i];
		char pb[4];
		int len = has_ports(s->proto)
			  ? snprintf(s->id, sizeof s->id, "observed-%s-%u",
				     proto_text(s->proto, pb), s->port)
			  : snprintf(s->id, sizeof s->id, "observed-%s",
				     proto_text(s->proto, pb));

		for (unsigned n = 2; id_taken(cat, p, i, s->id); n++)
			snprintf(s->id + len, sizeof s->id - (size_t)len,
				 "-%u", n);
	}
}

static void write_rule(FILE *fp, const struct catalogue *cat,
		       const struct plan *p, size_t i)
{
	const struct suggestion *s = &p->s[i];
	char to[80], pb[4];

	write_seen(fp, s);
	if (s->from < 0)
		fputs("  # clients in no role: from any host; list them in "
		      "the site to narrow it\n", fp);
	if (s->to >= 0)
		snprintf(to, sizeof to, "%s", cat->roles[s->to]);
	else
		host_role(s->host, to, sizeof to);
	fprintf(fp, "  - id: %s\n    from: %s\n    to: %s\n    proto: %s\n",
		s->id, s->from < 0 ? "any" : cat->roles[s->from], to,
		proto_text(s->proto, pb));
	if (has_ports(s->proto))
		fprintf(fp, "    ports: %u\n", s->port);
	fprintf(fp, "    tag: " OBSERVED_TAG "\n    comment: \"seen by "
		"lucsaudit, not documented: review before keeping\"\n");
}

/* Debug ports are named, never suggested. */
static void write_debug_skipped(FILE *fp, const struct seen_group *groups,
				size_t n)
{
	char addr[48], pb[4];

	for (size_t i = 0; i < n; i++) {
		if (!groups[i].debug_port)
			continue;
		format_addr(addr, sizeof addr, groups[i].family,
			    groups[i].server);
		fprintf(fp, "# not suggested: %s %s:%u is a debug port "
			"(troubleshooting only)\n",
			proto_text(groups[i].proto, pb), addr, groups[i].port);
	}
}

bool suggest_rules_write(FILE *fp, const struct catalogue *cat,
			 const struct seen_group *groups, size_t n)
{
	struct plan p = { 0 };

	if (!plan_groups(&p, groups, n)) {
		plan_free(&p);
		return false;
	}
	assign_ids(cat, &p);
	write_header(fp);
	write_site_note(fp, &p, cat);
	write_debug_skipped(fp, groups, n);
	fputs("\nversion: 1\n", fp);
	write_host_roles(fp, &p, cat, true);
	if (catalogue_tag(cat, OBSERVED_TAG) < 0)
		fputs("tags: [" OBSERVED_TAG "]\n", fp);
	fputs(p.n ? "rules:\n" : "rules: []\n", fp);
	for (size_t i = 0; i < p.n; i++)
		write_rule(fp, cat, &p, i);
	plan_free(&p);
	return !ferror(fp);
}
