/* yamldoc.c: libyaml's event stream into a small, guarded tree, which it
 * owns until ydoc_free. */
#include "yamldoc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "hash.h"
#include "suggest.h"
#include "tunables.h"

struct ydoc {
	char name[256];
	struct ynode *root;
	struct ynode **all;	/* every node, for freeing */
	size_t nall, capall;
};

void load_error_at(struct load_error *err, const char *file,
		   const struct ynode *n, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof err->file, "%s", file);
	err->line = n ? n->line : 0;
	err->col = n ? n->col : 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

void load_error_pos(struct load_error *err, const char *file, unsigned line,
		    unsigned col, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof err->file, "%s", file);
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

#define TOO_LARGE "larger than %d KiB: not a catalogue or site file"

void load_error_format(const struct load_error *err, char *buf, size_t size)
{
	if (err->line)
		snprintf(buf, size, "%s:%u:%u: %s", err->file, err->line,
			 err->col, err->msg);
	else
		snprintf(buf, size, "%s: %s", err->file, err->msg);
}

void ydoc_free(struct ydoc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nall; i++) {
		free(d->all[i]->items);
		free((char *)d->all[i]->text);
		free(d->all[i]);
	}
	free(d->all);
	free(d);
}

const struct ynode *ydoc_root(const struct ydoc *d)
{
	return d->root;
}

bool ydoc_empty(const struct ynode *root)
{
	return !root || (root->type == Y_SCALAR && !root->quoted &&
			 (root->text[0] == '\0' || strcmp(root->text, "~") == 0 ||
			  strcmp(root->text, "null") == 0));
}

const char *ydoc_name(const struct ydoc *d)
{
	return d->name;
}

/* --- building ------------------------------------------------------------ */

struct builder {
	struct ydoc *doc;
	const char *text;
	size_t len;
	struct ynode *stack[LUCS_YAML_MAX_DEPTH];
	/* For a mapping on the stack: its keys, to find a duplicate in one
	 * look-up (comparing each key with those before it was quadratic). */
	struct hash_index keys[LUCS_YAML_MAX_DEPTH];
	unsigned depth;
	unsigned documents;
	struct load_error *err;
};

static struct ynode *node_new(struct builder *b, enum ynode_type t,
			      const yaml_mark_t *m)
{
	struct ydoc *d = b->doc;
	struct ynode *n;

	if (d->nall == LUCS_YAML_MAX_NODES) {
		load_error_pos(b->err, d->name, (unsigned)m->line + 1,
			  (unsigned)m->column + 1,
			  "more than %d values: not a catalogue or site file",
			  LUCS_YAML_MAX_NODES);
		return NULL;
	}
	if (d->nall == d->capall) {
		size_t cap = d->capall ? d->capall * 2 : 64;
		struct ynode **all = realloc(d->all, cap * sizeof *all);

		if (!all)
			goto nomem;
		d->all = all;
		d->capall = cap;
	}
	n = calloc(1, sizeof *n);
	if (!n)
		goto nomem;
	n->type = t;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	d->all[d->nall++] = n;
	return n;
nomem:
	load_error_pos(b->err, d->name, 0, 0, "out of memory");
	return NULL;
}

static bool attach(struct builder *b, struct ynode *n)
{
	struct ynode *parent;

	if (b->depth == 0) {
		b->doc->root = n;
		return true;
	}
	parent = b->stack[b->depth - 1];
	if (parent->type == Y_MAPPING && parent->n % 2 == 0) {
		long first;

		if (n->type != Y_SCALAR) {
			load_error_at(b->err, b->doc->name, n,
				      "a key must be a plain word");
			return false;
		}
		first = hash_index_add(&b->keys[b->depth - 1], n->text,
				       strlen(n->text), (uint32_t)parent->n);
		if (first < 0) {
			load_error_pos(b->err, b->doc->name, 0, 0, "out of memory");
			return false;
		}
		if ((size_t)first != parent->n) {
			load_error_at(b->err, b->doc->name, n,
				      "duplicate key '%s' (first at line %u)",
				      n->text, parent->items[first]->line);
			return false;
		}
	}
	if ((parent->n & (parent->n - 1)) == 0) {	/* 0, 1, 2, 4, ... */
		size_t cap = parent->n ? parent->n * 2 : 4;
		struct ynode **items =
			realloc(parent->items, cap * sizeof *items);

		if (!items) {
			load_error_pos(b->err, b->doc->name, 0, 0, "out of memory");
			return false;
		}
		parent->items = items;
	}
	parent->items[parent->n++] = n;
	return true;
}

/* Anchors, aliases and tags: our formats need none, and aliases are how a
 * few lines of YAML become a billion nodes. */
static bool plain_node(struct builder *b, const yaml_event_t *e,
		       const yaml_char_t *anchor, const yaml_char_t *tag)
{
	const char *what = anchor ? "anchors (&) are not allowed"
		     : tag ? "tags (!) are not allowed" : NULL;

	if (!what)
		return true;
	load_error_pos(b->err, b->doc->name, (unsigned)e->start_mark.line + 1,
		  (unsigned)e->start_mark.column + 1, "%s", what);
	return false;
}

static bool on_scalar(struct builder *b, const yaml_event_t *e)
{
	struct ynode *n;

	if (!plain_node(b, e, e->data.scalar.anchor, e->data.scalar.tag))
		return false;
	n = node_new(b, Y_SCALAR, &e->start_mark);
	if (!n)
		return false;
	n->quoted = e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	n->text = strndup((const char *)e->data.scalar.value,
			  e->data.scalar.length);
	if (!n->text) {
		load_error_pos(b->err, b->doc->name, 0, 0, "out of memory");
		return false;
	}
	if (strlen(n->text) != e->data.scalar.length) {
		load_error_at(b->err, b->doc->name, n,
			      "a value holds a NUL character");
		return false;
	}
	return attach(b, n);
}

static bool on_start(struct builder *b, const yaml_event_t *e,
		     enum ynode_type t, const yaml_char_t *anchor,
		     const yaml_char_t *tag)
{
	struct ynode *n;

	if (!plain_node(b, e, anchor, tag))
		return false;
	if (b->depth == LUCS_YAML_MAX_DEPTH) {
		load_error_pos(b->err, b->doc->name, (unsigned)e->start_mark.line + 1,
			  (unsigned)e->start_mark.column + 1,
			  "nested deeper than %d levels", LUCS_YAML_MAX_DEPTH);
		return false;
	}
	n = node_new(b, t, &e->start_mark);
	if (!n || !attach(b, n))
		return false;
	b->stack[b->depth++] = n;
	return true;
}

static bool on_event(struct builder *b, const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1) {
			load_error_pos(b->err, b->doc->name,
				  (unsigned)e->start_mark.line + 1,
				  (unsigned)e->start_mark.column + 1,
				  "a second document: one file holds one document");
			return false;
		}
		return true;
	case YAML_ALIAS_EVENT:
		load_error_pos(b->err, b->doc->name, (unsigned)e->start_mark.line + 1,
			  (unsigned)e->start_mark.column + 1,
			  "aliases (*) are not allowed");
		return false;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, e);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, e, Y_SEQUENCE, e->data.sequence_start.anchor,
				e->data.sequence_start.tag);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, e, Y_MAPPING, e->data.mapping_start.anchor,
				e->data.mapping_start.tag);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		hash_index_clear(&b->keys[--b->depth]);
		return true;
	default:
		return true;
	}
}

/* libyaml reports encoding errors at 1:1 with the byte offset apart; the
 * column counts characters, as libyaml's other positions do (UTF-8
 * continuation bytes are not characters). */
static void offset_position(const char *text, size_t len, size_t off,
			    unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

/* The character at a 1-based line and column (counted in characters, as
 * libyaml counts them), or -1 beyond the text. */
static int char_at(const char *text, size_t len, unsigned line, unsigned col)
{
	size_t i = 0;

	for (unsigned l = 1; l < line; l++) {
		const char *nl = memchr(text + i, '\n', len - i);

		if (!nl)
			return -1;
		i = (size_t)(nl - text) + 1;
	}
	for (unsigned c = 0; i < len && text[i] != '\n'; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80 && ++c == col)
			return (unsigned char)text[i];
	return -1;
}

static bool said(const char *s, const char *text)
{
	return s && strcmp(s, text) == 0;
}

/* The syntax errors people make most, each in a sentence that names the
 * fix, at the place to fix: an unclosed quote at its opening, where
 * libyaml finds the end of the file.  False for the others. */
static bool rephrase(const struct builder *b, const yaml_parser_t *p,
		     char *msg, size_t size, unsigned *line, unsigned *col)
{
	const char *problem = p->problem, *context = p->context;
	unsigned from_line = (unsigned)p->context_mark.line + 1;
	unsigned from_col = (unsigned)p->context_mark.column + 1;

	if ((problem && strstr(problem, "tab character")) ||
	    (said(problem, "found character that cannot start any token") &&
	     char_at(b->text, b->len, *line, *col) == '\t')) {
		snprintf(msg, size, "tabs cannot indent YAML; use spaces");
	} else if (said(problem,
			"mapping values are not allowed in this context")) {
		snprintf(msg, size, "unexpected ':': quote a value that holds "
			 "': ', or align this key with the keys above it");
	} else if (said(problem, "found unexpected end of stream") &&
		   said(context, "while scanning a quoted scalar")) {
		*line = from_line;
		*col = from_col;
		snprintf(msg, size, "this quote is never closed");
	} else if (said(problem, "did not find expected ',' or ']'") ||
		   said(problem, "did not find expected ',' or '}'")) {
		bool list = problem[strlen(problem) - 2] == ']';

		snprintf(msg, size, "the %s opened at line %u, column %u needs "
			 "a ',' or a closing '%c' here",
			 list ? "list" : "mapping", from_line, from_col,
			 list ? ']' : '}');
	} else if (said(problem, "did not find expected node content") &&
		   said(context, "while parsing a flow node")) {
		snprintf(msg, size, "a value is missing here: a ',' too many, "
			 "or a '[' or '{' never closed");
	} else {
		return false;
	}
	return true;
}

/* libyaml's other words keep their place, said to be about YAML. */
static void parser_error(struct builder *b, const yaml_parser_t *p)
{
	char msg[256];
	unsigned line, col;

	if (p->error == YAML_READER_ERROR) {
		offset_position(b->text, b->len, p->problem_offset, &line, &col);
	} else {
		line = (unsigned)p->problem_mark.line + 1;
		col = (unsigned)p->problem_mark.column + 1;
	}
	if (!rephrase(b, p, msg, sizeof msg, &line, &col))
		snprintf(msg, sizeof msg, "not valid YAML%s%s%s%s",
			 p->problem ? ": " : "", p->problem ? p->problem : "",
			 p->problem && p->context ? " " : "",
			 p->problem && p->context ? p->context : "");
	load_error_pos(b->err, b->doc->name, line, col, "%s", msg);
}

struct ydoc *ydoc_parse(const char *name, const char *text, size_t len,
			struct load_error *err)
{
	yaml_parser_t parser;
	struct builder b = { .text = text, .len = len, .err = err };
	bool ok = true, done = false;

	memset(err, 0, sizeof *err);
	b.doc = calloc(1, sizeof *b.doc);
	if (!b.doc) {
		load_error_pos(err, name, 0, 0, "out of memory");
		return NULL;
	}
	snprintf(b.doc->name, sizeof b.doc->name, "%s", name);
	if (len > LUCS_YAML_MAX_BYTES) {
		load_error_pos(err, name, 0, 0, TOO_LARGE, LUCS_YAML_MAX_BYTES >> 10);
		ydoc_free(b.doc);
		return NULL;
	}
	if (!yaml_parser_initialize(&parser)) {
		load_error_pos(err, name, 0, 0, "out of memory");
		ydoc_free(b.doc);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (ok && !done) {
		yaml_event_t e;

		if (!yaml_parser_parse(&parser, &e)) {
			parser_error(&b, &parser);
			ok = false;
			break;
		}
		ok = on_event(&b, &e);
		done = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&parser);
	for (unsigned i = 0; i < LUCS_YAML_MAX_DEPTH; i++)
		hash_index_free(&b.keys[i]);
	if (!ok) {
		ydoc_free(b.doc);
		return NULL;
	}
	return b.doc;
}

bool ydoc_read_file(const char *path, char **text, size_t *len,
		    struct load_error *err)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(err, 0, sizeof *err);
	*text = NULL;
	*len = 0;
	if (fd < 0 || fstat(fd, &st) != 0) {
		load_error_pos(err, path, 0, 0, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		load_error_pos(err, path, 0, 0, "is a directory");
		close(fd);
		return false;
	}
	if (S_ISREG(st.st_mode) && st.st_size > LUCS_YAML_MAX_BYTES) {
		load_error_pos(err, path, 0, 0, TOO_LARGE, LUCS_YAML_MAX_BYTES >> 10);
		close(fd);
		return false;
	}
	*text = malloc(LUCS_YAML_MAX_BYTES + 1);
	if (!*text) {
		load_error_pos(err, path, 0, 0, "out of memory");
		close(fd);
		return false;
	}
	while ((n = read(fd, *text + *len, LUCS_YAML_MAX_BYTES + 1 - *len)) > 0 &&
	       *len + (size_t)n <= LUCS_YAML_MAX_BYTES)
		*len += (size_t)n;
	if (n < 0)
		load_error_pos(err, path, 0, 0, "%s", strerror(errno));
	else if (n > 0)
		load_error_pos(err, path, 0, 0, TOO_LARGE, LUCS_YAML_MAX_BYTES >> 10);
	close(fd);
	if (n != 0) {
		free(*text);
		*text = NULL;
		*len = 0;
	}
	return n == 0;
}

struct ydoc *ydoc_load_file(const char *path, struct load_error *err)
{
	char *text;
	size_t len;
	struct ydoc *d;

	if (!ydoc_read_file(path, &text, &len, err))
		return NULL;
	d = ydoc_parse(path, text, len, err);
	free(text);
	return d;
}

/* --- typed reads --------------------------------------------------------- */

const struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	if (!map || map->type != Y_MAPPING)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->items[i]->text, key) == 0)
			return map->items[i + 1];
	return NULL;
}

static const char *type_name(enum ynode_type t)
{
	return t == Y_SCALAR ? "a single value"
	     : t == Y_SEQUENCE ? "a list" : "a mapping";
}

bool ynode_expect(const struct ynode *n, enum ynode_type t, const char *what,
		  const char *file, struct load_error *err)
{
	if (n->type == t)
		return true;
	load_error_at(err, file, n, "%s must be %s, not %s", what, type_name(t),
		      type_name(n->type));
	return false;
}

bool ynode_bool(const struct ynode *n, bool *v, const char *file,
		struct load_error *err)
{
	if (n->type == Y_SCALAR && !n->quoted) {
		if (strcmp(n->text, "true") == 0) {
			*v = true;
			return true;
		}
		if (strcmp(n->text, "false") == 0) {
			*v = false;
			return true;
		}
	}
	load_error_at(err, file, n, "expected true or false");
	return false;
}

bool ynode_uint(const struct ynode *n, unsigned long min, unsigned long max,
		unsigned long *v, const char *file, struct load_error *err)
{
	const char *s = n->type == Y_SCALAR ? n->text : "";
	unsigned long long x = 0;

	if (n->type != Y_SCALAR || !*s) {
		load_error_at(err, file, n, "expected a number from %lu to %lu",
			      min, max);
		return false;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > UINT32_MAX) {
			load_error_at(err, file, n,
				      "'%s' is not a number from %lu to %lu",
				      n->text, min, max);
			return false;
		}
		x = x * 10 + (unsigned)(*s - '0');
	}
	if (x < min || x > max) {
		load_error_at(err, file, n, "%llu is outside %lu-%lu", x, min,
			      max);
		return false;
	}
	*v = (unsigned long)x;
	return true;
}

bool ymap_check_keys(const struct ynode *map, const char *const *keys,
		     const char *file, struct load_error *err)
{
	for (size_t i = 0; i < map->n; i += 2) {
		const char *k = map->items[i]->text;
		size_t j;

		for (j = 0; keys[j]; j++)
			if (strcmp(keys[j], k) == 0)
				break;
		if (!keys[j]) {
			char hint[SUGGEST_HINT_SIZE];

			load_error_at(err, file, map->items[i],
				      "unknown key '%s'%s", k,
				      suggest_among(k, keys, hint,
						    sizeof hint));
			return false;
		}
	}
	return true;
}
