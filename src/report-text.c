/* report-text.c: aligned columns a person scans in a terminal, fitted to
 * its width; colour only when the sink says so (a terminal, and NO_COLOR
 * unset).  lucsaudit(1), Text, describes what it writes: the columns, the
 * order in which they go when the line is narrow, the flows whose
 * endpoints take a line of their own, the notes (what a role_mismatch
 * saw, the tunnels a flow came through), --sort and the colours.
 *
 * The report is ASCII, so a character is a column on any terminal. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunables.h"

#define W_PROTO 7
#define W_LABEL 16

#define TEXT_CELL_MAX 4608	/* a value: every rule id of a view, joined */
#define TEXT_LINE_MAX 10240	/* a flow's line(s), colour included */
#define TEXT_NOTE_MAX 512	/* a note: a tunnel path 4 layers deep */

_Static_assert(LUCS_MAX_TUNNEL_DEPTH * (sizeof ", erspan " - 1 +
					2 * 39 + sizeof ">" - 1 +
					sizeof " id 4294967295" - 1) +
		       sizeof "via " < TEXT_NOTE_MAX,
	       "a tunnel path, every layer IPv6 with an id, fits a note");
#define TEXT_CHUNK (256 << 10)	/* held lines are kept in chunks this big */

_Static_assert(sizeof ((struct flow_view *)0)->rules /
		       sizeof ((struct flow_view *)0)->rules[0] *
		       (CAT_MAX_ID + 1) < TEXT_CELL_MAX &&
	       CAT_MAX_TAGS * (CAT_MAX_TAG + 1) < TEXT_CELL_MAX,
	       "a view's rules and tags, joined, fit a cell whole");
/* 1024: the other values (64 characters at most each), the spaces
 * between them, colours, and the endpoints' own line; the notes twice:
 * folded, a note's lines take an indent each */
_Static_assert(64 * (CAT_MAX_ID + 1) + CAT_MAX_TAGS * (CAT_MAX_TAG + 1) +
		       1024 + 2 * (sizeof ((struct flow_view *)0)->mismatch +
				   TEXT_NOTE_MAX) < TEXT_LINE_MAX,
	       "a line holds every rule and tag of a view, and the rest");

#define COLOR_RESET "\033[0m"
#define COLOR_GREEN "\033[32m"
#define COLOR_YELLOW "\033[33m"
#define COLOR_RED "\033[31m"
#define COLOR_BOLD_RED "\033[1;31m"
#define COLOR_DIM "\033[2m"

static const char *const verdict_colors[VERDICT_COUNT] = {
	NULL, COLOR_GREEN, COLOR_YELLOW, COLOR_BOLD_RED, COLOR_DIM
};

static const char *verdict_color(enum verdict v)
{
	return (unsigned)v < VERDICT_COUNT ? verdict_colors[v] : NULL;
}

/* s padded to width, and at least one space after it: whatever its
 * length, it never touches what follows. */
static void cell(struct out *o, const char *s, int width)
{
	int n = (int)strlen(s);

	out_str_width(o, s, n < width ? width : n + 1);
}

/* v right-aligned in width, and at least one space before it. */
static void num(struct out *o, uint64_t v, int width)
{
	char digits[24];
	int n = (int)(put_u64(digits, v) - digits);

	out_u64_width(o, v, n < width ? width : n + 1);
}

static void colored(struct sink *sk, enum verdict v, const char *s, int width)
{
	struct out *o = sk->out;
	const char *color = verdict_color(v);
	int n = (int)strlen(s);

	if (sk->color && color) {
		out_str(o, color);
		out_str(o, s);
		out_str(o, COLOR_RESET);
		out_str_width(o, "", width == 0 ? 0 : n < width ? width - n : 1);
	} else if (width) {
		cell(o, s, width);
	} else {
		out_str(o, s);
	}
}

static size_t endpoint(char *buf, size_t size, const char *addr, bool v6,
		       bool has_port, uint16_t port)
{
	int n;

	if (!has_port)
		n = snprintf(buf, size, "%s", addr);
	else if (v6)
		n = snprintf(buf, size, "[%s]:%u", addr, port);
	else
		n = snprintf(buf, size, "%s:%u", addr, port);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* --- the flow table: its columns ---------------------------------------- */

enum align { ALIGN_LEFT, ALIGN_RIGHT };

/* How a value wider than its column is made to fit.  Only a fitted layout
 * (a width: a terminal, or COLUMNS) shortens values; without one a wide
 * value pushes the rest of its line right, a space after it, and the
 * columns after take up the shift where they have room. */
enum fit {
	FIT_CUT,	/* cut, its last three characters "..." */
	FIT_LIST,	/* whole comma-separated names, then ",+N" for N more */
	FIT_NUMBER,	/* the fraction dropped, then k, M, G... rounded down */
	FIT_APART,	/* in either layout: all FIT_APART columns of the flow
			 * go blank, and their values, joined by " -> ", take
			 * the next line, from where the first of them starts */
	FIT_WHOLE,	/* never shortened: a longer value pushes the columns
			 * after it, which take up the shift where they have
			 * room (a protocol's IANA name beside an address
			 * without a port) */
};

/* One column of the flow table, in the order of the line. */
struct text_column {
	const char *name;	/* its header */
	int width;		/* characters: the longest usual value; the
				 * last column shown takes what is left of
				 * the line, at least this */
	int gap;		/* spaces before it, at least */
	int drop;		/* a line too narrow for every column loses
				 * them by this, lowest first, equal ones
				 * together; 0: never (tens, so that a new
				 * column finds a place between two) */
	enum align align;
	enum fit fit;
	/* Its whole value for v into buf (size TEXT_CELL_MAX); the length. */
	size_t (*value)(const struct flow_view *v, char *buf, size_t size);
	/* Its colour for v, an ANSI sequence, or NULL. */
	const char *(*color)(const struct flow_view *v);
	/* Without a width, its value with the flow's notes in it, where
	 * they are said there (a role_mismatch's detail), or NULL. */
	size_t (*noted)(const struct flow_view *v, char *buf, size_t size);
};

static size_t value_text(char *buf, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return n;
}

static size_t value_u64(char *buf, uint64_t v)
{
	char *end = put_u64(buf, v);

	*end = '\0';
	return (size_t)(end - buf);
}

static size_t value_list(char *buf, size_t size, const char *const *names,
			 size_t n)
{
	if (!n)
		return value_text(buf, size, "-");
	names_join(buf, size, names, n, ',');
	return strlen(buf);
}

static size_t col_verdict(const struct flow_view *v, char *buf, size_t size)
{
	return value_text(buf, size, v->verdict ? v->verdict : "-");
}

static size_t col_proto(const struct flow_view *v, char *buf, size_t size)
{
	return value_text(buf, size, v->proto);
}

static size_t col_client(const struct flow_view *v, char *buf, size_t size)
{
	return endpoint(buf, size, v->client, v->family == 6, v->has_ports,
			v->client_port);
}

static size_t col_server(const struct flow_view *v, char *buf, size_t size)
{
	return endpoint(buf, size, v->server, v->family == 6, v->has_ports,
			v->server_port);
}

static size_t col_state(const struct flow_view *v, char *buf, size_t size)
{
	return value_text(buf, size, v->tcp_state ? v->tcp_state : "-");
}

static size_t col_outcome(const struct flow_view *v, char *buf, size_t size)
{
	return value_text(buf, size, v->outcome ? v->outcome : "-");
}

static size_t col_packets_c2s(const struct flow_view *v, char *buf,
			      size_t size)
{
	(void)size;
	return value_u64(buf, v->packets_c2s);
}

static size_t col_packets_s2c(const struct flow_view *v, char *buf,
			      size_t size)
{
	(void)size;
	return value_u64(buf, v->packets_s2c);
}

static size_t col_bytes_c2s(const struct flow_view *v, char *buf, size_t size)
{
	(void)size;
	return value_u64(buf, v->bytes_c2s);
}

static size_t col_bytes_s2c(const struct flow_view *v, char *buf, size_t size)
{
	(void)size;
	return value_u64(buf, v->bytes_s2c);
}

/* The first packet, to the second: whole seconds are enough here. */
static size_t col_first(const struct flow_view *v, char *buf, size_t size)
{
	int64_t sec = v->first_us / 1000000 - (v->first_us % 1000000 < 0);
	size_t n = format_date(buf, size - 1, sec);

	buf[n++] = 'Z';
	buf[n] = '\0';
	return n;
}

/* From the first packet to the last, to the millisecond. */
static size_t col_seconds(const struct flow_view *v, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%.3f",
			 (double)(v->last_us - v->first_us) / 1e6);

	return n < 0 ? 0 : (size_t)n;
}

static size_t col_tags(const struct flow_view *v, char *buf, size_t size)
{
	return value_list(buf, size, v->tags, v->ntags);
}

/* The rules the flow lists; an unexpected flow's reason instead. */
static size_t col_rules(const struct flow_view *v, char *buf, size_t size)
{
	int n;

	if (!v->reason)
		return value_list(buf, size, v->rules, v->nrules);
	n = snprintf(buf, size, "(%s)", v->reason);
	return n < 0 ? 0 : (size_t)n;
}

/* Without a width: "(role_mismatch: tcp/445 is documented from ...)". */
static size_t col_rules_noted(const struct flow_view *v, char *buf,
			      size_t size)
{
	int n;

	if (!v->reason || !v->mismatch[0])
		return col_rules(v, buf, size);
	n = snprintf(buf, size, "(%s: %s)", v->reason, v->mismatch);
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

/* A documented flow that failed is red, whatever its verdict's colour. */
static const char *color_verdict(const struct flow_view *v)
{
	if ((v->verdict_id == VERDICT_EXPECTED ||
	     v->verdict_id == VERDICT_DEBUG) && v->outcome &&
	    outcome_failed(v->outcome_id))
		return COLOR_RED;
	return verdict_color(v->verdict_id);
}

static const char *color_outcome(const struct flow_view *v)
{
	if (!v->outcome)
		return NULL;
	if (v->outcome_id == OUTCOME_SUCCEEDED)
		return COLOR_GREEN;
	return outcome_failed(v->outcome_id) ? COLOR_RED : COLOR_YELLOW;
}

/* The flow table, left to right.  A column is added here, and nowhere
 * else; lucsaudit(1), Text, lists them with their drop order, and
 * tests/text-width.sh reads each column's first line (keep its shape). */
static const struct text_column columns[] = {
	/* name              width gap drop align        fit
	 * value, color, noted */
	{ "verdict",            12, 0,  0, ALIGN_LEFT,  FIT_CUT,
	  col_verdict, color_verdict, NULL },
	{ "proto",               6, 1,  0, ALIGN_LEFT,  FIT_WHOLE,
	  col_proto, NULL, NULL },
	{ "client",             21, 1,  0, ALIGN_LEFT,  FIT_APART,
	  col_client, NULL, NULL },
	{ "server",             21, 2,  0, ALIGN_LEFT,  FIT_APART,
	  col_server, NULL, NULL },
	{ "state",              11, 2, 40, ALIGN_LEFT,  FIT_CUT,
	  col_state, NULL, NULL },
	{ "outcome",            12, 1,  0, ALIGN_LEFT,  FIT_CUT,
	  col_outcome, color_outcome, NULL },
	{ "pkts c>s",            8, 1, 50, ALIGN_RIGHT, FIT_NUMBER,
	  col_packets_c2s, NULL, NULL },
	{ "pkts s>c",            8, 1, 50, ALIGN_RIGHT, FIT_NUMBER,
	  col_packets_s2c, NULL, NULL },
	{ "bytes c>s",          10, 1, 30, ALIGN_RIGHT, FIT_NUMBER,
	  col_bytes_c2s, NULL, NULL },
	{ "bytes s>c",          10, 1, 30, ALIGN_RIGHT, FIT_NUMBER,
	  col_bytes_s2c, NULL, NULL },
	{ "first seen (UTC)",   20, 2, 60, ALIGN_LEFT,  FIT_CUT,
	  col_first, NULL, NULL },
	{ "seconds",             9, 1, 10, ALIGN_RIGHT, FIT_NUMBER,
	  col_seconds, NULL, NULL },
	{ "tags",                9, 2, 20, ALIGN_LEFT,  FIT_LIST,
	  col_tags, NULL, NULL },
	/* 19: "(undocumented_port)", the longest reason, whole */
	{ "rules",              19, 2, 70, ALIGN_LEFT,  FIT_LIST,
	  col_rules, NULL, col_rules_noted },
};

#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* --- the flow table: its layout ------------------------------------------ */

/* The columns a run's flow table shows, decided once, before the first
 * flow: records are written as flows end. */
struct layout {
	int width;		/* of the text, 0: no limit (every column) */
	size_t n;		/* columns shown, in the order of the line: */
	uint8_t col[NCOLUMNS];	/* index into columns[] */
	int start[NCOLUMNS];	/* where each starts on the line */
	int room[NCOLUMNS];	/* its width; fitted, the last one's is what
				 * is left of the line */
};

static int layout_need(const bool *shown)
{
	int need = 0;
	bool first = true;

	for (size_t i = 0; i < NCOLUMNS; i++) {
		if (!shown[i])
			continue;
		need += (first ? 0 : columns[i].gap) + columns[i].width;
		first = false;
	}
	return need;
}

/* Every column when the width allows (or there is none); else the
 * columns go by their drop order until the rest fit. */
static void layout_make(struct layout *l, int width)
{
	bool shown[NCOLUMNS];
	int at = 0;

	for (size_t i = 0; i < NCOLUMNS; i++)
		shown[i] = true;
	while (width && layout_need(shown) > width) {
		int low = 0;

		for (size_t i = 0; i < NCOLUMNS; i++)
			if (shown[i] && columns[i].drop &&
			    (!low || columns[i].drop < low))
				low = columns[i].drop;
		if (!low)
			break;
		for (size_t i = 0; i < NCOLUMNS; i++)
			if (columns[i].drop == low)
				shown[i] = false;
	}
	l->width = width;
	l->n = 0;
	for (size_t i = 0; i < NCOLUMNS; i++) {
		if (!shown[i])
			continue;
		at += l->n ? columns[i].gap : 0;
		l->col[l->n] = (uint8_t)i;
		l->start[l->n] = at;
		l->room[l->n] = columns[i].width;
		at += columns[i].width;
		l->n++;
	}
	if (width && l->n && width - l->start[l->n - 1] > l->room[l->n - 1])
		l->room[l->n - 1] = width - l->start[l->n - 1];
}

/* --- the flow table: values that fit ------------------------------------- */

/* s cut to room characters, the last three "..." when there is room. */
static size_t fit_cut(char *s, size_t n, size_t room)
{
	if (n <= room)
		return n;
	if (room > 3)
		memcpy(s + room - 3, "...", 3);
	s[room] = '\0';
	return room;
}

/* As many whole names of the list s as fit with ",+N" for the N left
 * out; when not even the first does, the first cut. */
static size_t fit_list(char *s, size_t n, size_t room)
{
	size_t names = 1, kept = 0, kept_len = 0, k = 0;
	char more[32];
	int m;

	if (n <= room)
		return n;
	for (size_t i = 0; i < n; i++)
		names += s[i] == ',';
	for (size_t i = 0; i < n && k + 1 < names; i++) {
		if (s[i] != ',')
			continue;
		k++;
		m = snprintf(more, sizeof more, ",+%zu", names - k);
		if (i + (size_t)m > room)
			break;
		kept = k;
		kept_len = i;
	}
	if (!kept) {
		char *comma = memchr(s, ',', n);
		size_t first = comma ? (size_t)(comma - s) : n;

		m = snprintf(more, sizeof more, ",+%zu", names - 1);
		if (names == 1 || room < (size_t)m + 4)
			return fit_cut(s, n, room);
		kept_len = fit_cut(s, first, room - (size_t)m);
		kept = 1;
	}
	m = snprintf(more, sizeof more, ",+%zu", names - kept);
	memcpy(s + kept_len, more, (size_t)m + 1);
	return kept_len + (size_t)m;
}

/* A count (or seconds) too wide: whole, then in thousands (k), millions
 * (M) and so on, rounded down. */
static size_t fit_number(char *s, size_t n, size_t room)
{
	static const char units[] = "kMGTPE";
	char *dot = memchr(s, '.', n);
	uint64_t v = 0;

	if (n <= room)
		return n;
	if (dot) {
		n = (size_t)(dot - s);
		s[n] = '\0';
		if (n <= room)
			return n;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fit_cut(s, n, room);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	for (size_t u = 0; units[u]; u++) {
		char *end;

		v /= 1000;
		end = put_u64(s, v);
		*end++ = units[u];
		*end = '\0';
		if ((size_t)(end - s) <= room)
			return (size_t)(end - s);
	}
	return fit_cut(s, strlen(s), room);
}

static size_t fit(enum fit how, char *s, size_t n, int room)
{
	size_t r = room > 0 ? (size_t)room : 0;

	switch (how) {
	case FIT_LIST:
		return fit_list(s, n, r);
	case FIT_NUMBER:
		return fit_number(s, n, r);
	case FIT_APART:
	case FIT_WHOLE:
		return n;
	default:
		return fit_cut(s, n, r);
	}
}

/* --- the flow table: lines ------------------------------------------------ */

/* A flow's text as it is built: its line, or lines. */
struct line {
	char buf[TEXT_LINE_MAX];
	size_t len;
	int col;		/* characters shown on its last line so far */
};

/* Bounded: a line never overruns (TEXT_LINE_MAX holds any flow's). */
static void line_put(struct line *ln, const char *s, size_t n, bool shown)
{
	if (n > sizeof ln->buf - ln->len)
		n = sizeof ln->buf - ln->len;
	memcpy(ln->buf + ln->len, s, n);
	ln->len += n;
	if (shown)
		ln->col += (int)n;
}

static void line_spaces(struct line *ln, int n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		int k = n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1;

		line_put(ln, spaces, (size_t)k, true);
		n -= k;
	}
}

static void line_end(struct line *ln)
{
	line_put(ln, "\n", 1, false);
	ln->col = 0;
}

/* s in the k-th column of l: aligned in it, and never closer to what the
 * line holds already than the column's gap. */
static void place(struct line *ln, const struct layout *l, size_t k,
		  const char *s, size_t n, const char *color)
{
	const struct text_column *c = &columns[l->col[k]];
	int at = l->start[k];
	int gap = k ? c->gap : 0;

	if (c->align == ALIGN_RIGHT)
		at += l->room[k] - (int)n;
	if (at < ln->col + gap)
		at = ln->col + gap;
	line_spaces(ln, at - ln->col);
	if (color)
		line_put(ln, color, strlen(color), false);
	line_put(ln, s, n, true);
	if (color)
		line_put(ln, COLOR_RESET, sizeof COLOR_RESET - 1, false);
}

static void header_line(const struct layout *l, struct line *ln)
{
	char name[64];

	for (size_t k = 0; k < l->n; k++) {
		size_t n = value_text(name, sizeof name, columns[l->col[k]].name);

		if (l->width)
			n = fit_cut(name, n, (size_t)l->room[k]);
		place(ln, l, k, name, n, NULL);
	}
	line_end(ln);
}

/* Does an endpoint of v not fit its column? */
static bool endpoints_apart(const struct layout *l, const struct flow_view *v)
{
	char buf[TEXT_CELL_MAX];

	for (size_t k = 0; k < l->n; k++) {
		const struct text_column *c = &columns[l->col[k]];

		if (c->fit == FIT_APART &&
		    c->value(v, buf, sizeof buf) > (size_t)l->room[k])
			return true;
	}
	return false;
}

/* The FIT_APART values on a line of their own, from where the first of
 * those columns starts; fitted, one that would pass the width starts a
 * line of its own. */
static void apart_line(const struct layout *l, const struct flow_view *v,
		       struct line *ln)
{
	char buf[TEXT_CELL_MAX];
	bool first = true;
	int at = 0;

	for (size_t k = 0; k < l->n; k++) {
		const struct text_column *c = &columns[l->col[k]];
		size_t n;

		if (c->fit != FIT_APART)
			continue;
		n = c->value(v, buf, sizeof buf);
		if (first) {
			at = l->start[k];
			line_spaces(ln, at);
		} else if (l->width && ln->col + 4 + (int)n > l->width) {
			line_put(ln, " ->", 3, true);
			line_end(ln);
			line_spaces(ln, at);
		} else {
			line_put(ln, " -> ", 4, true);
		}
		line_put(ln, buf, n, true);
		first = false;
	}
	line_end(ln);
}

/* "via vxlan 10.30.0.2>10.30.0.100 id 100": the tunnels the flow came
 * through, outermost first, into buf; the length. */
static size_t tunnel_text(char *buf, size_t size, const struct tunnel_path *t)
{
	char src[48], dst[48], id[24];
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < t->depth && used < size; i++) {
		const struct tunnel_layer *tl = &t->layer[i];
		int n;

		format_addr(src, sizeof src, tl->family, tl->src);
		format_addr(dst, sizeof dst, tl->family, tl->dst);
		id[0] = '\0';
		if (tl->has_id)
			snprintf(id, sizeof id, " id %lu", (unsigned long)tl->id);
		n = snprintf(buf + used, size - used, "%s%s %s>%s%s",
			     i ? ", " : "via ",
			     tunnel_type_name((enum tunnel_type)tl->type), src,
			     dst, id);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return used < size ? used : size - 1;
}

/* s on lines of their own from column at, folded at spaces to width; the
 * lines after the first start two further in, and a word longer than a
 * line is cut where the line ends. */
static void note_lines(struct line *ln, int at, int width, const char *s,
		       size_t n)
{
	int indent = at;

	while (n > 0) {
		size_t room = width > indent ? (size_t)(width - indent) : 1;
		size_t take = n;

		if (take > room) {
			take = room;
			while (take > 0 && s[take] != ' ')
				take--;
			if (!take)
				take = room;
		}
		line_spaces(ln, indent);
		line_put(ln, s, take, true);
		line_end(ln);
		for (s += take, n -= take; n > 0 && *s == ' '; n--)
			s++;
		indent = at + 2;
	}
}

/* Where the notes' lines start: at the client column. */
static int notes_start(const struct layout *l)
{
	for (size_t k = 0; k < l->n; k++)
		if (columns[l->col[k]].fit == FIT_APART)
			return l->start[k];
	return 0;
}

/* With a width, the notes take lines of their own under the flow: what a
 * role_mismatch saw ("tcp/445 is documented from sfb_cms to ...; seen
 * from agent_pc to ..."), then the tunnel path. */
static void notes_apart(const struct layout *l, const struct flow_view *v,
			struct line *ln)
{
	char note[TEXT_NOTE_MAX];
	int at = notes_start(l);

	if (v->reason && v->mismatch[0])
		note_lines(ln, at, l->width, v->mismatch, strlen(v->mismatch));
	if (v->tunnel)
		note_lines(ln, at, l->width, note,
			   tunnel_text(note, sizeof note, v->tunnel));
}

/* The room of the k-th column on ln: its own, or for the last one shown
 * what is left of the width after the values before it (one wider than
 * its column pushes it right). */
static int room_on(const struct layout *l, size_t k, const struct line *ln)
{
	int gap = k ? columns[l->col[k]].gap : 0;
	int at = l->start[k] > ln->col + gap ? l->start[k] : ln->col + gap;

	if (k + 1 < l->n || at + l->room[k] <= l->width)
		return l->room[k];
	return l->width - at;
}

static void flow_line(const struct layout *l, bool color,
		      const struct flow_view *v, struct line *ln)
{
	char buf[TEXT_CELL_MAX];
	bool apart = endpoints_apart(l, v);

	ln->len = 0;
	ln->col = 0;
	for (size_t k = 0; k < l->n; k++) {
		const struct text_column *c = &columns[l->col[k]];
		size_t n;

		if (apart && c->fit == FIT_APART)
			continue;
		n = (!l->width && c->noted ? c->noted : c->value)(v, buf,
								 sizeof buf);
		if (l->width)
			n = fit(c->fit, buf, n, room_on(l, k, ln));
		place(ln, l, k, buf, n, color && c->color ? c->color(v) : NULL);
	}
	if (!l->width && v->tunnel) {
		line_put(ln, "  ", 2, true);
		line_put(ln, buf, tunnel_text(buf, sizeof buf, v->tunnel), true);
	}
	line_end(ln);
	if (apart)
		apart_line(l, v, ln);
	if (l->width)
		notes_apart(l, v, ln);
}

/* --- the writer's state: the layout, and flows held for --sort ----------- */

/* A flow's text held for --sort, and where it goes. */
struct held {
	uint64_t key;		/* written in increasing order of key, */
	uint64_t seq;		/* then in the order the flows ended */
	const char *text;
	size_t len;
};

struct chunk {
	struct chunk *next;
	size_t used, size;
	char text[];
};

struct text_state {
	struct layout layout;
	struct held *held;
	size_t nheld, capheld;
	struct chunk *chunks;	/* the held text, the newest chunk first */
	uint64_t seq;		/* flows held so far */
	bool blocks;		/* interval blocks (or held flows) came out:
				 * held ones come after a blank line */
	bool unheld;		/* out of memory, flows are being written as
				 * they end, under a header of their own */
};

/* The layout of sk's table, made anew when the state could not be had. */
static const struct layout *layout_of(const struct sink *sk,
				      struct layout *spare)
{
	const struct text_state *st = sk->state;

	if (st)
		return &st->layout;
	layout_make(spare, sk->width);
	return spare;
}

static void write_header(struct sink *sk)
{
	struct layout spare;
	struct line ln;

	ln.len = 0;
	ln.col = 0;
	header_line(layout_of(sk, &spare), &ln);
	out_write(sk->out, ln.buf, ln.len);
	out_end_record(sk->out);
}

static void release_held(struct text_state *st)
{
	while (st->chunks) {
		struct chunk *c = st->chunks;

		st->chunks = c->next;
		free(c);
	}
	st->nheld = 0;
}

static int held_order(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The held flows, sorted, under a header; why, when they are written
 * before the end (then the next ones are sorted apart from them). */
static void write_held(struct sink *sk, struct text_state *st, const char *why)
{
	struct out *o = sk->out;

	qsort(st->held, st->nheld, sizeof *st->held, held_order);
	if (st->blocks)
		out_char(o, '\n');
	st->blocks = true;
	st->unheld = false;
	write_header(sk);
	for (size_t i = 0; i < st->nheld; i++) {
		out_write(o, st->held[i].text, st->held[i].len);
		out_end_record(o);
	}
	if (why) {
		out_str(o, "-- the flows above are sorted apart: ");
		out_str(o, why);
		out_char(o, '\n');
		out_end_record(o);
	}
	release_held(st);
}

static uint64_t sort_key(enum flow_sort how, const struct flow_view *v)
{
	switch (how) {
	case SORT_BYTES:
		return ~(v->bytes_c2s + v->bytes_s2c);
	case SORT_PACKETS:
		return ~(v->packets_c2s + v->packets_s2c);
	default:	/* earliest first: signed order, as unsigned */
		return (uint64_t)v->first_us ^ ((uint64_t)1 << 63);
	}
}

/* Room for n more bytes of held text, or NULL. */
static char *held_room(struct text_state *st, size_t n)
{
	struct chunk *c = st->chunks;

	if (!c || n > c->size - c->used) {
		size_t size = n > TEXT_CHUNK ? n : TEXT_CHUNK;

		if (!(c = malloc(sizeof *c + size)))
			return NULL;
		c->next = st->chunks;
		c->used = 0;
		c->size = size;
		st->chunks = c;
	}
	return c->text + c->used;
}

/* Keep ln's text for the end; false when there is no memory for it. */
static bool hold_one(struct text_state *st, enum flow_sort how,
		     const struct flow_view *v, const struct line *ln)
{
	struct held *h;
	char *text;

	if (st->nheld == st->capheld) {
		size_t cap = st->capheld ? st->capheld * 2 : 1024;
		struct held *grown = realloc(st->held, cap * sizeof *grown);

		if (!grown)
			return false;
		st->held = grown;
		st->capheld = cap;
	}
	if (!(text = held_room(st, ln->len)))
		return false;
	memcpy(text, ln->buf, ln->len);
	st->chunks->used += ln->len;
	h = &st->held[st->nheld++];
	h->key = sort_key(how, v);
	h->seq = st->seq++;
	h->text = text;
	h->len = ln->len;
	return true;
}

/* --sort: the flow is held; when the most --sort holds are, or memory
 * runs out, those held are written first, sorted, and holding starts
 * anew.  A flow that still cannot be held is written now, under a header
 * of its own, as are those after it until one can be held again. */
static void hold(struct sink *sk, struct text_state *st,
		 const struct flow_view *v, const struct line *ln)
{
	char why[80];

	if (st->nheld >= sk->sort_max) {
		snprintf(why, sizeof why, "--sort holds at most %lu flows",
			 (unsigned long)sk->sort_max);
		write_held(sk, st, why);
	}
	if (hold_one(st, sk->sort, v, ln))
		return;
	if (st->nheld) {
		write_held(sk, st, "no memory to hold more");
		if (hold_one(st, sk->sort, v, ln))
			return;
	}
	if (!st->unheld) {
		out_str(sk->out, st->blocks ? "\n-- no memory for --sort: "
					      "flows as they end\n"
				 : "-- no memory for --sort: flows as they end\n");
		st->blocks = true;
		st->unheld = true;
		write_header(sk);
	}
	out_write(sk->out, ln->buf, ln->len);
}

static void text_begin(struct sink *sk)
{
	struct text_state *st = calloc(1, sizeof *st);

	sk->state = st;
	if (st)
		layout_make(&st->layout, sk->width);
	if (!st || sk->sort == SORT_NONE)
		write_header(sk);
	if (!st && sk->sort != SORT_NONE) {
		out_str(sk->out, "-- no memory for --sort: flows as they end\n");
		out_end_record(sk->out);
	}
}

static void text_end(struct sink *sk)
{
	struct text_state *st = sk->state;

	if (!st)
		return;
	release_held(st);
	free(st->held);
	free(st);
	sk->state = NULL;
}

static void text_flow(struct sink *sk, const struct flow_view *v)
{
	struct text_state *st = sk->state;
	struct layout spare;
	struct line ln;

	flow_line(layout_of(sk, &spare), sk->color, v, &ln);
	if (st && sk->sort != SORT_NONE)
		hold(sk, st, v, &ln);
	else
		out_write(sk->out, ln.buf, ln.len);
}

/* --- intervals and the summary -------------------------------------------- */

/* Folding counts the characters a line shows: an ANSI escape (ESC '['
 * ... a final byte) shows none, a UTF-8 character (in a file name) one.
 * The bytes of the escape at s: */
static size_t escape_len(const char *s, size_t n)
{
	if (n < 2 || s[1] != '[')
		return 1;
	for (size_t i = 2; i < n; i++)
		if (s[i] >= '@' && s[i] <= '~')
			return i + 1;
	return n;
}

/* Does byte c start a character (it is no UTF-8 continuation byte)? */
static bool shows_char(char c)
{
	return ((unsigned char)c & 0xc0) != 0x80;
}

/* The part of s[0..n) that shows at most room characters, cut at its
 * last space when it must be cut (hard, when it has none past skip). */
static size_t fold_cut(const char *s, size_t n, int room, size_t skip,
		       bool *cut)
{
	size_t space = 0;
	int shown = 0;

	*cut = false;
	for (size_t i = 0; i < n;) {
		if (s[i] == '\033') {
			i += escape_len(s + i, n - i);
			continue;
		}
		if (shows_char(s[i])) {
			if (shown == room) {
				*cut = true;
				return space > skip ? space : i;
			}
			shown++;
		}
		if (s[i] == ' ' && i > skip)
			space = i;
		i++;
	}
	return n;
}

/* Where a folded line goes on: under its value, where its first run of
 * two spaces or more ends ("  packet time      VALUE"), when that is
 * within FOLD_VALUE_MAX columns; else 4 columns in from where it began. */
#define FOLD_VALUE_MAX 30

static int fold_indent(const char *s, size_t n, size_t lead)
{
	for (size_t i = lead; i + 1 < n; i++) {
		size_t j = i;

		if (s[i] != ' ' || s[i + 1] != ' ')
			continue;
		while (j < n && s[j] == ' ')
			j++;
		if (j < n && j <= FOLD_VALUE_MAX)
			return (int)j;
		break;
	}
	return (int)lead + 4;
}

/* One line, folded at spaces to width (fold_indent). */
static void fold_line(struct out *o, const char *s, size_t n, int width)
{
	size_t lead = 0;
	int indent;
	bool first = true, cut;

	while (lead < n && s[lead] == ' ')
		lead++;
	indent = fold_indent(s, n, lead);
	if (indent > width / 2)
		indent = width / 2;
	for (;;) {
		int room = first ? width : width - indent;
		size_t part = fold_cut(s, n, room, first ? lead : 0, &cut);
		size_t keep = part;

		while (keep > 0 && s[keep - 1] == ' ')
			keep--;
		if (!first)
			out_str_width(o, "", indent);
		out_write(o, s, keep);
		if (!cut)
			return;
		out_char(o, '\n');
		while (part < n && s[part] == ' ')
			part++;
		s += part;
		n -= part;
		first = false;
		if (!n)
			return;
	}
}

static bool too_wide(const char *s, size_t n, int width)
{
	int shown = 0;

	for (size_t i = 0; i < n;) {
		if (s[i] == '\n') {
			shown = 0;
		} else if (s[i] == '\033') {
			i += escape_len(s + i, n - i);
			continue;
		} else if (shows_char(s[i]) && ++shown > width) {
			return true;
		}
		i++;
	}
	return false;
}

/* With a width, the lines of the record under way that are longer are
 * folded (fold_line).  Without memory for it they stay long. */
static void fold_record(struct sink *sk)
{
	struct out *o = sk->out;
	size_t start = o->record, n = o->len - start;
	char *copy;

	if (!sk->width || o->error || !too_wide(o->buf + start, n, sk->width) ||
	    !(copy = malloc(n)))
		return;
	memcpy(copy, o->buf + start, n);
	out_commit(o, o->buf + start);
	for (const char *p = copy, *end = copy + n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		fold_line(o, p, (size_t)(eol - p), sk->width);
		if (nl)
			out_char(o, '\n');
		p = eol + (nl != NULL);
	}
	free(copy);
}

/* "label  flows N  packets N  bytes N" */
static void counts_line(struct sink *sk, const char *label, enum verdict v,
			const struct counts *c)
{
	struct out *o = sk->out;

	out_str(o, "  ");
	colored(sk, v, label, W_LABEL);
	num(o, c->flows, 9);
	num(o, c->packets, 12);
	num(o, c->bytes, 15);
	out_char(o, '\n');
}

static void totals(struct sink *sk, const struct counts *verdicts,
		   const struct counts *tags, const struct catalogue *cat)
{
	struct out *o = sk->out;

	out_str(o, "  ");
	out_str_width(o, "verdict", W_LABEL);
	out_str(o, "    flows     packets          bytes\n");
	for (int v = VERDICT_EXPECTED; v < VERDICT_COUNT; v++)
		counts_line(sk, verdict_name((enum verdict)v), (enum verdict)v,
			    &verdicts[v]);
	for (size_t t = 0; t < cat->ntags; t++) {
		char label[64];

		snprintf(label, sizeof label, "tag %s", cat->tags[t]);
		counts_line(sk, label, VERDICT_NONE, &tags[t]);
	}
}

static void capture_line(struct out *o, const struct capture_stats *c)
{
	if (!c)
		return;
	out_str(o, "  capture: ");
	out_u64(o, c->received);
	out_str(o, " received, ");
	out_u64(o, c->dropped);
	out_str(o, " dropped by the kernel, ");
	out_u64(o, c->if_dropped);
	out_str(o, " by the interface\n");
}

/* "expected 10 flows 1200 pkts 560000 B; unexpected ..." for the
 * non-zero entries only: an interval block stays a few lines. */
static void compact_counts(struct sink *sk, const char *label,
			   const struct counts *c, const char *const *names,
			   size_t n, const enum verdict *colors)
{
	struct out *o = sk->out;
	bool any = false;

	out_str(o, label);
	for (size_t i = 0; i < n; i++) {
		if (!c[i].flows)
			continue;
		out_str(o, any ? "; " : "");
		colored(sk, colors ? colors[i] : VERDICT_NONE, names[i], 0);
		out_char(o, ' ');
		out_u64(o, c[i].flows);
		out_str(o, " flows ");
		out_u64(o, c[i].packets);
		out_str(o, " pkts ");
		out_u64(o, c[i].bytes);
		out_str(o, " B");
		any = true;
	}
	out_str(o, any ? "\n" : "none\n");
}

/* Whole seconds are enough here. */
static void seconds_time(struct out *o, int64_t us)
{
	char when[40];
	int64_t sec = us / 1000000 - (us % 1000000 < 0);

	format_date(when, sizeof when, sec);
	out_str(o, when);
	out_char(o, 'Z');
}

static void text_interval(struct sink *sk, const struct interval_view *v)
{
	struct out *o = sk->out;
	const char *names[VERDICT_COUNT];
	enum verdict ids[VERDICT_COUNT];

	for (int i = 0; i < VERDICT_COUNT; i++) {
		names[i] = verdict_name((enum verdict)i);
		ids[i] = (enum verdict)i;
	}
	out_str(o, "\n-- interval ");
	seconds_time(o, v->start_us);
	out_str(o, " .. ");
	seconds_time(o, v->end_us);
	if (v->partial)
		out_str(o, " (partial)");
	out_str(o, ": ");
	out_u64(o, v->packets);
	out_str(o, " packets, ");
	out_u64(o, v->bytes);
	out_str(o, " bytes, ");
	out_u64(o, v->flows_active);
	out_str(o, " flows (");
	out_u64(o, v->flows_new);
	out_str(o, " new)\n");
	compact_counts(sk, "  verdicts: ", v->verdicts, names, VERDICT_COUNT, ids);
	compact_counts(sk, "  tags:     ", v->tags,
		       (const char *const *)v->cat->tags, v->cat->ntags, NULL);
	capture_line(o, v->capture);
	if (v->clock_step_us) {
		char step[64];

		snprintf(step, sizeof step, "%s by %.3f s",
			 v->clock_step_us > 0 ? "forward" : "back",
			 (double)(v->clock_step_us > 0 ? v->clock_step_us
						       : -v->clock_step_us) / 1e6);
		out_str(o, "  clock: the wall clock stepped ");
		out_str(o, step);
		out_str(o, "; the next interval starts from the new time\n");
	}
	for (size_t i = 0; i < v->nnew; i++) {
		const struct flow_view *f = &v->new_unexpected[i];
		char c[64], s[64];

		endpoint(c, sizeof c, f->client, f->family == 6, false, 0);
		endpoint(s, sizeof s, f->server, f->family == 6, f->has_ports,
			 f->server_port);
		out_str(o, i ? "                  " : "  new unexpected: ");
		cell(o, f->proto, W_PROTO);
		out_str(o, c);
		out_str(o, " -> ");
		out_str(o, s);
		if (f->reason) {
			out_str(o, " (");
			out_str(o, f->reason);
			out_char(o, ')');
		}
		out_char(o, '\n');
	}
	if (v->new_unexpected_more) {
		out_str(o, "                  and ");
		out_u64(o, v->new_unexpected_more);
		out_str(o, " more\n");
	}
	fold_record(sk);
	if (sk->state)
		((struct text_state *)sk->state)->blocks = true;
}

static void line_u64(struct out *o, const char *label, uint64_t v)
{
	out_str(o, "  ");
	cell(o, label, 28);
	num(o, v, 12);
	out_char(o, '\n');
}

/* The tunnels opened and the encapsulations only named, by type. */
static void tunnel_lines(struct out *o, const struct frame_counts *a)
{
	for (int t = TUNNEL_NONE + 1; t < TUNNEL_TYPE_COUNT; t++) {
		char label[40];

		if (!a->tunnels[t])
			continue;
		snprintf(label, sizeof label, "tunnel %s opened",
			 tunnel_type_name((enum tunnel_type)t));
		line_u64(o, label, a->tunnels[t]);
	}
	for (int u = UNOPENED_NONE + 1; u < UNOPENED_COUNT; u++) {
		char label[40];

		if (!a->unopened[u])
			continue;
		snprintf(label, sizeof label, "%s not opened",
			 tunnel_unopened_name((enum tunnel_unopened)u));
		line_u64(o, label, a->unopened[u]);
	}
	if (a->tunnel_paths_merged)
		line_u64(o, "tunnel paths merged", a->tunnel_paths_merged);
}

static void outcome_lines(struct out *o, const struct summary_view *s)
{
	const struct frame_counts *a = s->frames;

	tunnel_lines(o, a);
	line_u64(o, "ICMP errors on flows", a->icmp_matched);
	line_u64(o, "  quoting no known flow", a->icmp_unmatched);
	if (a->icmp_quote_damaged)
		line_u64(o, "  quote damaged", a->icmp_quote_damaged);
	out_str(o, "  ");
	cell(o, "flows by outcome", 28);
	for (int i = 0; i < OUTCOME_COUNT; i++) {
		out_str(o, i ? ", " : "");
		out_u64(o, s->tally->outcomes[i]);
		out_char(o, ' ');
		out_str(o, flow_outcome_name((enum flow_outcome)i));
	}
	out_char(o, '\n');
	line_u64(o, "documented, undetermined", s->tally->undetermined);
}

/* What the reading found of the inputs together: only what says
 * something. */
static void capture_notes_lines(struct out *o, const struct summary_view *s)
{
	if (s->notes && s->notes->dedup)
		line_u64(o, "duplicates dropped", s->notes->duplicates_dropped);
	if (s->notes && s->notes->inputs_overlap) {
		out_str(o, "  ");
		out_str_width(o, "inputs overlap in time", 28);
		out_str(o, "yes: an input starts before one read earlier ends "
			"(its packets count; the clock does not go back)\n");
	}
}

/* --ipfix: what reached the collectors, summed over them. */
static void ipfix_lines(struct out *o, const struct ipfix_stats *x)
{
	if (!x)
		return;
	line_u64(o, "IPFIX records sent", x->records_sent);
	line_u64(o, "IPFIX records dropped", x->records_dropped);
	line_u64(o, "IPFIX reconnects", x->reconnects);
	line_u64(o, "IPFIX send errors", x->send_errors);
}

static void overview(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;
	const struct frame_counts *a = s->frames;

	if (a->timed) {
		out_str(o, "  ");
		cell(o, "packet time", 28);
		out_time(o, &sk->times, a->first_us);
		out_str(o, " .. ");
		out_time(o, &sk->times, a->last_us);
		out_char(o, '\n');
	}
	line_u64(o, "packets read", a->packets_read);
	line_u64(o, "bytes read", a->bytes_read);
	line_u64(o, "packets in flows", s->packets);
	line_u64(o, "IP bytes in flows", s->bytes);
	line_u64(o, "flows", s->flows->created);
	for (int e = 0; e < FLOW_END_COUNT; e++) {
		char label[40];

		snprintf(label, sizeof label, "  ended %s",
			 flow_end_name((enum flow_end)e));
		line_u64(o, label, s->flows->ended[e]);
	}
	if (s->partial)
		line_u64(o, "  still active", s->flows->active);
	line_u64(o, "not decoded", s->decode_errors);
	for (int i = 1; i < DECODE_STATUS_COUNT; i++) {
		char label[40];

		if (!a->decode[i])
			continue;
		snprintf(label, sizeof label, "  %s",
			 decode_status_name((enum decode_status)i));
		line_u64(o, label, a->decode[i]);
	}
	outcome_lines(o, s);
	capture_line(o, s->capture);
	for (size_t i = 0; i < s->ninputs; i++) {
		out_str(o, "  input ");
		out_str(o, s->inputs[i].name);
		out_str(o, ": ");
		out_u64(o, s->inputs[i].packets);
		out_str(o, " packets");
		if (s->inputs[i].error) {
			out_str(o, " (");
			out_str(o, s->inputs[i].error);
			out_char(o, ')');
		}
		out_char(o, '\n');
	}
	capture_notes_lines(o, s);
	ipfix_lines(o, s->ipfix);
}

static void group_line(struct out *o, const struct group *g)
{
	char addr[48], ep[64], pbuf[4], where[80];
	bool estimate;
	uint64_t clients = client_count_value(&g->clients, &estimate);
	const char *proto = proto_text(g->proto, pbuf);

	format_addr(addr, sizeof addr, g->family, g->server);
	if (g->proto == IPPROTO_NUM_TCP || g->proto == IPPROTO_NUM_UDP)
		endpoint(ep, sizeof ep, addr, g->family == 6, true, g->port);
	else
		snprintf(ep, sizeof ep, "%s", addr);
	snprintf(where, sizeof where, "%s/%s", ep, proto);
	out_str(o, "  ");
	cell(o, where, 32);
	num(o, g->c.flows, 7);
	out_str(o, estimate ? "  ~" : "   ");
	out_u64_width(o, clients, 6);
	num(o, g->c.packets, 10);
	num(o, g->c.bytes, 13);
}

static void reasons(struct out *o, uint32_t mask)
{
	const char *names[REASON_COUNT];
	size_t n = 0;
	char buf[128];

	for (int r = 1; r < REASON_COUNT; r++)
		if (mask & (1u << r))
			names[n++] = reason_name((enum reason)r);
	names_join(buf, sizeof buf, names, n, ' ');
	out_str(o, buf);
}

/* The outcome, then on a line of its own what it likely means, who said
 * so, and the rules that document the connection. */
static void failed_lines(struct out *o, const struct group *g, bool versions)
{
	enum flow_outcome oc = (enum flow_outcome)g->outcome;
	char addr[48];

	out_str(o, "  ");
	out_str(o, flow_outcome_name(oc));
	out_str(o, "\n      likely: ");
	out_str(o, failure_cause(oc, g->proto, g->nreporters > 0, true));
	for (uint8_t i = 0; i < g->nreporters; i++) {
		format_addr(addr, sizeof addr, g->family, g->reporters[i]);
		out_str(o, i ? ", " : "; ICMP from ");
		out_str(o, addr);
		if (memcmp(g->reporters[i], g->server, sizeof g->server) == 0)
			out_str(o, " (the server)");
	}
	if (g->more_reporters)
		out_str(o, " and more");
	out_str(o, "\n      rules: ");
	out_str(o, g->rules);
	if (versions) {
		out_str(o, " (rules version ");
		out_u64(o, g->version);
		out_char(o, ')');
	}
	out_char(o, '\n');
}

/* Who an unexpected or debug group's clients are: their roles (site
 * mode) and the heaviest of them. */
static void clients_line(struct out *o, const struct summary_view *s,
			 const struct group *g)
{
	struct top_client top[GROUP_TOP_CLIENTS];
	size_t n = group_top_clients(g, top);
	char addr[48];

	out_str(o, "      clients:");
	if (classifier_has_site(s->cls)) {
		const char *names[CAT_MAX_ROLES];
		size_t nr = role_names(classifier_catalogue(s->cls),
				       g->client_roles, names);
		char buf[512];

		names_join(buf, sizeof buf, names, nr, ',');
		out_str(o, " roles ");
		out_str(o, nr ? buf : "none listed");
		out_char(o, ';');
	}
	out_str(o, " top");
	for (size_t i = 0; i < n; i++) {
		format_addr(addr, sizeof addr, g->family, top[i].addr);
		out_str(o, i ? ", " : " ");
		out_str(o, addr);
		out_str(o, " (");
		out_u64(o, top[i].flows);
		out_char(o, ')');
	}
	out_char(o, '\n');
}

static void group_section(struct out *o, const struct summary_view *s,
			  enum group_kind kind, const char *title)
{
	size_t n;
	const struct group *const *g = tally_sorted(s->tally, kind, &n);
	const struct counts *other = &s->tally->kinds[kind].other;

	out_str(o, "\n");
	out_str(o, title);
	if (n == 0) {
		out_str(o, ": none\n");
		return;
	}
	out_str(o, "\n  server:port/proto                  flows  clients   packets        bytes");
	out_str(o, kind == GROUP_FAILED ? "  outcome\n"
		   : kind == GROUP_UNEXPECTED ? "  reason\n" : "\n");
	for (size_t i = 0; g && i < n && i < LUCS_TEXT_GROUPS; i++) {
		group_line(o, g[i]);
		if (kind == GROUP_FAILED) {
			failed_lines(o, g[i], s->tally->version != 0);
			continue;
		} else if (kind == GROUP_UNEXPECTED) {
			out_str(o, "  ");
			reasons(o, g[i]->reasons);
		}
		out_char(o, '\n');
		clients_line(o, s, g[i]);
	}
	if (n > LUCS_TEXT_GROUPS) {
		out_str(o, "  ... and ");
		out_u64(o, n - LUCS_TEXT_GROUPS);
		out_str(o, " more (see -F json)\n");
	}
	if (other->flows) {
		out_str(o, "  and ");
		out_u64(o, other->flows);
		out_str(o, " flows beyond the group limit\n");
	}
}

/* This run's groups new since the baseline, as group_section writes
 * them. */
static void new_groups(struct out *o, const struct summary_view *s,
		       enum group_kind kind, const struct group *const *g,
		       size_t n, const char *title)
{
	out_str(o, "  ");
	out_str(o, title);
	if (n == 0) {
		out_str(o, ": none\n");
		return;
	}
	out_str(o, "\n  server:port/proto                  flows  clients"
		   "   packets        bytes");
	out_str(o, kind == GROUP_FAILED ? "  outcome\n" : "  reason\n");
	for (size_t i = 0; i < n && i < LUCS_TEXT_GROUPS; i++) {
		group_line(o, g[i]);
		if (kind == GROUP_FAILED) {
			failed_lines(o, g[i], s->tally->version != 0);
			continue;
		}
		out_str(o, "  ");
		reasons(o, g[i]->reasons);
		out_char(o, '\n');
		clients_line(o, s, g[i]);
	}
	if (n > LUCS_TEXT_GROUPS) {
		out_str(o, "  ... and ");
		out_u64(o, n - LUCS_TEXT_GROUPS);
		out_str(o, " more (see -F json)\n");
	}
}

/* What changed since the baseline: first in the summary, since a run
 * against a baseline is run to see it. */
static void baseline_section(struct out *o, const struct summary_view *s)
{
	const struct baseline_view *v = s->baseline;

	out_str(o, "\nsince the baseline ");
	out_str(o, v->b->file);
	out_char(o, '\n');
	new_groups(o, s, GROUP_UNEXPECTED, v->new_unexpected,
		   v->nnew_unexpected, "new unexpected flows");
	new_groups(o, s, GROUP_FAILED, v->new_failed, v->nnew_failed,
		   "new failed documented connections");
	out_str(o, v->nrecovered ? "  recovered (failed then, succeeded now)\n"
		   : "  recovered (failed then, succeeded now): none\n");
	for (size_t i = 0; i < v->nrecovered; i++) {
		const struct baseline_group *g = v->recovered[i];

		out_str(o, "    ");
		out_str(o, g->text);
		out_str(o, g->nrules ? "  rules: " : "");
		for (size_t k = 0; k < g->nrules; k++) {
			if (k)
				out_char(o, ',');
			out_str(o, g->rules[k]);
		}
		out_char(o, '\n');
	}
	out_str(o, v->nno_longer_seen ? "  rules seen then, not now:"
		   : "  rules seen then, not now: none");
	for (size_t i = 0; i < v->nno_longer_seen; i++) {
		out_char(o, i ? ',' : ' ');
		out_str(o, v->no_longer_seen[i]->id);
	}
	out_char(o, '\n');
}

/* A coverage row's width: a text narrower has its figures (or "not
 * seen") on a second line, under the rule. */
#define COVERAGE_ROW 118

static void coverage_line(struct out *o, const struct rule *r,
			  const struct rule_counts *rc,
			  enum coverage_status status, bool narrow)
{
	char pair[80], ports[128];
	const struct counts *c = &rc->c;

	snprintf(pair, sizeof pair, "%s -> %s", r->from_name, r->to_name);
	out_str(o, "  ");
	out_str_width(o, r->id, 25);
	out_char(o, ' ');
	if (narrow) {
		out_str(o, pair);
		out_str(o, "\n    ");
	} else {
		cell(o, pair, 36);
	}
	if (c->flows) {
		num(o, c->flows, 9);
		num(o, rc->succeeded, 10);
		num(o, rc->failed, 8);
		num(o, c->packets, 12);
		num(o, c->bytes, 15);
	} else {
		ports_format(r->ports, r->nports, ports, sizeof ports);
		out_str(o, "  ");
		out_str(o, status == COVERAGE_NOT_APPLICABLE ? "not applicable"
							     : "not seen");
		out_str(o, " (");
		out_str(o, r->l4 == PROTO_UDP ? "udp " : r->l4 == PROTO_TCP ? "tcp "
			   : r->l4 ? "tcp/udp " : "");
		out_str(o, r->nports ? ports : "no ports");
		out_char(o, ')');
	}
	out_char(o, '\n');
}

static void summed_line(struct out *o, size_t n, const char *what)
{
	if (!n)
		return;
	out_str(o, "  and ");
	out_u64(o, n);
	out_char(o, ' ');
	out_str(o, what);
	out_char(o, '\n');
}

/* Rules not seen that --coverage missing sums up in a line each. */
enum unseen_kind { UNSEEN_LISTED, UNSEEN_TWIN, UNSEEN_DEBUG, UNSEEN_NA,
		   UNSEEN_KIND_COUNT };

static enum unseen_kind unseen_kind(const struct rule *r,
				    enum coverage_status st)
{
	if (st == COVERAGE_NOT_APPLICABLE)
		return UNSEEN_NA;
	if (r->debug)
		return UNSEEN_DEBUG;
	return r->twin_of >= 0 ? UNSEEN_TWIN : UNSEEN_LISTED;
}

static const char *const coverage_titles[COVERAGE_STATUS_COUNT] = {
	"documented flows that succeeded",
	"documented flows that failed, never succeeding",
	"documented flows seen, outcome undetermined",
	"documented flows not seen",
	"documented flows not applicable (a role has no host in the site)",
};

static void coverage_status_section(struct out *o, const struct summary_view *s,
				    enum coverage_status want, bool narrow)
{
	size_t n, listed = 0, summed[UNSEEN_KIND_COUNT] = { 0 };
	const struct rule *rules = classifier_rules(s->cls, &n);
	bool all = s->coverage == COVERAGE_ALL;

	if (want == COVERAGE_NOT_APPLICABLE && !all)
		return;	/* summed up with the rules not seen */
	out_str(o, "\ncoverage: ");
	out_str(o, coverage_titles[want]);
	out_char(o, '\n');
	for (size_t i = 0; i < n; i++) {
		const struct rule_counts *rc = &s->tally->per_rule[i];
		enum coverage_status st = coverage_status(s->cls, i, rc);
		enum unseen_kind k = UNSEEN_LISTED;

		if (want == COVERAGE_NOT_SEEN && st == COVERAGE_NOT_APPLICABLE)
			k = UNSEEN_NA;
		else if (st != want)
			continue;
		else if (want == COVERAGE_NOT_SEEN)
			k = unseen_kind(&rules[i], st);
		if (!all && k != UNSEEN_LISTED) {
			summed[k]++;
			continue;
		}
		if (all && k == UNSEEN_NA)
			continue;	/* listed in a section of their own */
		if (!listed++ && want < COVERAGE_NOT_SEEN)
			out_str(o, narrow
				? "  rule                      from -> to\n"
				  "        flows succeeded  failed     packets          bytes\n"
				: "  rule                      from -> to                             flows succeeded  failed     packets          bytes\n");
		coverage_line(o, &rules[i], rc, st, narrow);
	}
	if (!listed && !summed[UNSEEN_TWIN] && !summed[UNSEEN_DEBUG] &&
	    !summed[UNSEEN_NA])
		out_str(o, want == COVERAGE_NOT_SEEN
				   ? "  none: every documented flow was seen\n"
				   : "  none\n");
	summed_line(o, summed[UNSEEN_TWIN], "TM twins (LUCS ports +2000) not seen");
	summed_line(o, summed[UNSEEN_DEBUG], "debug rules (troubleshooting only) not seen");
	summed_line(o, summed[UNSEEN_NA],
		    "rules not applicable: a role has no host in the site");
}

/* Succeeded, failed-only, undetermined and unseen rules apart: "which
 * documented flow never happened?" is the last list, and a blocked
 * attempt is never in the first. */
static void coverage(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;
	bool narrow = sk->width && sk->width < COVERAGE_ROW;

	if (s->coverage == COVERAGE_NONE)
		return;
	for (int st = 0; st < COVERAGE_STATUS_COUNT; st++)
		coverage_status_section(o, s, (enum coverage_status)st, narrow);
	if (s->coverage != COVERAGE_ALL)
		out_str(o, "  (--coverage all lists every rule)\n");
}

/* --- provenance and roles ------------------------------------------------ */

static void label(struct out *o, const char *name)
{
	out_str(o, "  ");
	out_str_width(o, name, 28);
}

static void source_line(struct out *o, const char *what,
			const struct rule_source_info *i)
{
	label(o, what);
	out_str(o, i->file);
	out_str(o, " (sha256 ");
	out_str(o, i->sha256);
	out_str(o, ")\n");
}

static void text_sources(struct out *o, const struct rulebook *b)
{
	for (size_t i = 0; i < b->nsources; i++)
		source_line(o, "rules", &b->sources[i]);
	if (b->has_site_info)
		source_line(o, "site", &b->site_info);
	else {
		label(o, "site");
		out_str(o, "none\n");
	}
}

/* What the report was made from: the header of the summary. */
static void provenance(struct out *o, const struct summary_view *s)
{
	const struct run_info *ri = s->run;

	label(o, "lucsaudit");
	out_str(o, ri->version);
	out_char(o, '\n');
	label(o, "mode");
	if (classifier_has_site(s->cls)) {
		out_str(o, "site: verdicts by the hosts' roles and ports\n");
	} else {
		size_t tcp, udp;

		classifier_documented_ports(s->cls, &tcp, &udp);
		out_str(o, "port only: verdicts rest on ports alone (");
		out_u64(o, tcp);
		out_str(o, " TCP and ");
		out_u64(o, udp);
		out_str(o, " UDP ports documented); --site judges by roles\n");
	}
	if (ri->book)
		text_sources(o, ri->book);
	label(o, "filter");
	out_str(o, ri->filter ? ri->filter : "none");
	out_char(o, '\n');
	for (size_t i = 0; i < ri->ninputs; i++) {
		label(o, "input");
		out_str(o, ri->inputs[i].name);
		if (ri->inputs[i].size >= 0) {
			out_str(o, ", ");
			out_u64(o, (uint64_t)ri->inputs[i].size);
			out_str(o, " bytes");
		}
		out_char(o, '\n');
	}
	label(o, "command");
	out_str(o, ri->program);
	for (int i = 0; i < ri->nargs; i++) {
		out_char(o, ' ');
		out_str(o, ri->args[i]);
	}
	out_char(o, '\n');
}

/* Each role the site lists hosts for: them, how many of its addresses
 * were seen, and the listed hosts never seen (a typo, a host down). */
static void roles_section(struct out *o, const struct summary_view *s)
{
	const struct catalogue *cat = classifier_catalogue(s->cls);
	char buf[1024];

	out_str(o, "\nroles in the site: addresses seen; hosts listed but never seen\n");
	for (size_t r = 0; r < cat->nroles; r++) {
		uint64_t seen = role_tally_hosts(&s->tally->roles, s->cls, r);

		out_str(o, "  ");
		out_str_width(o, cat->roles[r], 22);
		out_char(o, ' ');
		if (!role_prefixes_text(s, r, false, ", ", LUCS_TEXT_LISTED,
					buf, sizeof buf)) {
			out_str(o, "(none listed)\n");
			continue;
		}
		out_str(o, buf);
		out_str(o, "\n    seen: ");
		out_u64(o, seen);
		out_str(o, seen == 1 ? " address" : " addresses");
		out_str(o, "; never seen: ");
		out_str(o, role_prefixes_text(s, r, true, ", ", LUCS_TEXT_LISTED,
					      buf, sizeof buf) ? buf : "none");
		out_char(o, '\n');
	}
}

/* A role pairs row's width: a text narrower has each pair on a line of
 * its own, its figures on the next. */
#define ROLE_PAIRS_ROW 123

static void role_pair_figures(struct out *o, const struct role_pair *p,
			      bool narrow)
{
	num(o, p->c.flows, narrow ? 7 : 9);
	num(o, p->c.packets, narrow ? 11 : 12);
	num(o, p->c.bytes, narrow ? 14 : 15);
	num(o, p->verdicts[VERDICT_EXPECTED], 10);
	num(o, p->verdicts[VERDICT_DEBUG], 7);
	num(o, p->verdicts[VERDICT_UNEXPECTED], 12);
	num(o, p->verdicts[VERDICT_OUT_OF_SCOPE], 14);
	out_char(o, '\n');
}

/* "Who talks to whom": flows between client and server roles. */
static void role_pairs_section(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;
	const struct catalogue *cat = classifier_catalogue(s->cls);
	bool narrow = sk->width && sk->width < ROLE_PAIRS_ROW;
	size_t n;
	const struct role_pair *const *p = role_tally_sorted(&s->tally->roles,
							     &n);

	out_str(o, "\nwho talks to whom (client role -> server role)");
	if (!n) {
		out_str(o, ": none\n");
		return;
	}
	out_str(o, narrow
		? "\n  from -> to\n"
		  "    flows    packets         bytes  expected  debug  unexpected  out_of_scope\n"
		: "\n  from -> to                                   flows     packets          bytes  expected  debug  unexpected  out_of_scope\n");
	for (size_t i = 0; i < n && i < LUCS_TEXT_GROUPS; i++) {
		char pair[2 * CAT_MAX_ID + 8];

		snprintf(pair, sizeof pair, "%s -> %s",
			 p[i]->from < cat->nroles ? cat->roles[p[i]->from]
						  : "(no role)",
			 p[i]->to < cat->nroles ? cat->roles[p[i]->to]
						: "(no role)");
		out_str(o, "  ");
		if (narrow) {
			out_str(o, pair);
			out_str(o, "\n  ");
		} else {
			cell(o, pair, 42);
		}
		role_pair_figures(o, p[i], narrow);
	}
	if (n > LUCS_TEXT_GROUPS) {
		out_str(o, "  ... and ");
		out_u64(o, n - LUCS_TEXT_GROUPS);
		out_str(o, " more (see -F json)\n");
	}
}

/* The end of the run: the flows --sort held come first.  A summary
 * asked for mid-run (SIGUSR1) leaves them held. */
static void text_summary(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;
	struct text_state *st = sk->state;

	if (st && sk->sort != SORT_NONE && !s->partial &&
	    (st->nheld || !st->unheld))
		write_held(sk, st, NULL);
	if (s->baseline)
		baseline_section(o, s);
	out_str(o, s->partial ? "\nsummary so far\n" : "\nsummary\n");
	if (s->run)
		provenance(o, s);
	overview(sk, s);
	out_char(o, '\n');
	totals(sk, s->verdicts, s->tags, classifier_catalogue(s->cls));
	if (classifier_has_site(s->cls)) {
		roles_section(o, s);
		role_pairs_section(sk, s);
	}
	group_section(o, s, GROUP_FAILED, "failed documented connections");
	group_section(o, s, GROUP_UNEXPECTED, "unexpected flows by server (largest first)");
	group_section(o, s, GROUP_DEBUG, "debug-port flows");
	coverage(sk, s);
	fold_record(sk);
}

const struct report_writer report_writer_text = {
	.name = "text",
	.begin = text_begin,
	.flow = text_flow,
	.interval = text_interval,
	.summary = text_summary,
	.end = text_end,
};
