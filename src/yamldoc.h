/* yamldoc.h: a guarded YAML reader for the catalogue and site formats.
 *
 * libyaml 0.2.5 has no nesting limit, accepts undefined aliases, duplicate
 * keys and several documents, builds cycles from self-referencing aliases
 * and reports invalid UTF-8 at 1:1.  This reader consumes libyaml's event
 * stream and builds a small tree itself, refusing what our formats never
 * need: anchors, aliases, tags, duplicate keys, more than one document,
 * nesting deeper than LUCS_YAML_MAX_DEPTH, more than LUCS_YAML_MAX_NODES
 * nodes, files over LUCS_YAML_MAX_BYTES.  Positions are 1-based; where
 * libyaml has none, the reader computes them from the byte offset.
 * libyaml's syntax errors that people meet most (a tab indenting, an
 * unquoted ': ' in a value, an unclosed quote, list or mapping) are said
 * in a sentence that names the fix; the others keep libyaml's words after
 * "not valid YAML: ".
 */
#ifndef LUCS_YAMLDOC_H
#define LUCS_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>

enum ynode_type { Y_SCALAR, Y_SEQUENCE, Y_MAPPING };

struct ynode {
	enum ynode_type type;
	unsigned line, col;	/* 1-based */
	bool quoted;		/* a quoted scalar: never a bool or null */
	const char *text;	/* scalar value, NUL-terminated */
	struct ynode **items;	/* sequence items, or mapping key, value, ... */
	size_t n;		/* items (for a mapping: 2 * pairs) */
};

/* Where and why a file was refused: line 0 when there is no position. */
struct load_error {
	char file[256];
	unsigned line, col;
	char msg[512];		/* room for a hint (suggest.h) */
};

struct ydoc;

/* Parse text (len bytes) read from the file called name.  NULL with *err
 * filled when the text is not acceptable YAML; the root may be NULL for a
 * document that holds nothing. */
struct ydoc *ydoc_parse(const char *name, const char *text, size_t len,
			struct load_error *err);
/* Read a whole file into *text (malloc'd, *len bytes), with the same
 * guards as ydoc_load_file: a directory, a file over LUCS_YAML_MAX_BYTES
 * (refused before it is read when its size is known) and a read error
 * are refused.  For callers that need the bytes too (to hash them). */
bool ydoc_read_file(const char *path, char **text, size_t *len,
		    struct load_error *err);
/* Read and parse a file (size-limited before it is read). */
struct ydoc *ydoc_load_file(const char *path, struct load_error *err);
void ydoc_free(struct ydoc *d);

const struct ynode *ydoc_root(const struct ydoc *d);
/* No root, or only an empty plain scalar (a bare "---"). */
bool ydoc_empty(const struct ynode *root);
const char *ydoc_name(const struct ydoc *d);

/* Record an error at node n (or without position when n is NULL). */
void load_error_at(struct load_error *err, const char *file,
		   const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Record an error at a 1-based position (line 0: none). */
void load_error_pos(struct load_error *err, const char *file, unsigned line,
		    unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "FILE:LINE:COL: message" or "FILE: message". */
void load_error_format(const struct load_error *err, char *buf, size_t size);

/* Mapping lookups and typed reads; each returns false after recording an
 * error in err naming the node. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);
bool ynode_expect(const struct ynode *n, enum ynode_type t, const char *what,
		  const char *file, struct load_error *err);
bool ynode_bool(const struct ynode *n, bool *v, const char *file,
		struct load_error *err);
bool ynode_uint(const struct ynode *n, unsigned long min, unsigned long max,
		unsigned long *v, const char *file, struct load_error *err);
/* Check that every key of map is one of the NULL-terminated keys; the
 * error names the keys, and the one meant when it is close. */
bool ymap_check_keys(const struct ynode *map, const char *const *keys,
		     const char *file, struct load_error *err);

#endif
