/* test_yamldoc.c: the guarded YAML reader under the catalogue and site
 * formats: the tree it builds, every guard (depth, node count, size,
 * anchors, aliases, tags, duplicate keys, found in linear time, a second
 * document, encoding errors at their real line and column, NUL bytes,
 * empty input), syntax errors said for people, file loading, and the
 * typed readers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tunables.h"
#include "yamldoc.h"

/* --- fixture -------------------------------------------------------------- */

/* One parsed document per test; teardown frees it. */
struct fix {
	struct ydoc *doc;
	struct load_error err;
	char line[600];		/* the formatted error */
};

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);

	assert_non_null(f);
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	ydoc_free(f->doc);
	free(f);
	return 0;
}

/* Parse len bytes of text as the file "t.yaml". */
static struct ydoc *parse_len(struct fix *f, const char *text, size_t len)
{
	ydoc_free(f->doc);
	f->doc = ydoc_parse("t.yaml", text, len, &f->err);
	load_error_format(&f->err, f->line, sizeof f->line);
	return f->doc;
}

static struct ydoc *parse(struct fix *f, const char *text)
{
	return parse_len(f, text, strlen(text));
}

/* text must be refused with exactly this formatted error. */
static void refuse_len(struct fix *f, const char *text, size_t len,
		       const char *want)
{
	if (parse_len(f, text, len))
		fail_msg("accepted, expected \"%s\"", want);
	assert_string_equal(f->line, want);
}

static void refuse(struct fix *f, const char *text, const char *want)
{
	refuse_len(f, text, strlen(text), want);
}

/* The root of text, which must parse. */
static const struct ynode *root_of(struct fix *f, const char *text)
{
	if (!parse(f, text))
		fail_msg("refused: %s", f->line);
	return ydoc_root(f->doc);
}

/* n nested flow sequences: "[[[...]]]". */
static char *nested_flow(unsigned n)
{
	char *s = malloc(2 * (size_t)n + 2);

	assert_non_null(s);
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\n';
	s[2 * n + 1] = '\0';
	return s;
}

/* n nested block sequences on one line: "- - - x". */
static char *nested_block(unsigned n)
{
	char *s = malloc(2 * (size_t)n + 3);

	assert_non_null(s);
	for (unsigned i = 0; i < n; i++)
		memcpy(s + 2 * i, "- ", 2);
	memcpy(s + 2 * (size_t)n, "x\n", 3);
	return s;
}

/* --- the tree -------------------------------------------------------------- */

static void test_ydoc_parse_tree(void **state)
{
	struct fix *f = *state;
	const struct ynode *r = root_of(f,
		"a: 1\n"
		"b: [x, \"y\"]\n"
		"c:\n"
		"  d: 'e'\n");
	const struct ynode *b, *c;

	assert_non_null(r);
	assert_int_equal(r->type, Y_MAPPING);
	assert_int_equal(r->n, 6);
	assert_int_equal(r->line, 1);
	assert_int_equal(r->col, 1);
	assert_string_equal(r->items[0]->text, "a");
	assert_string_equal(r->items[1]->text, "1");
	assert_false(r->items[1]->quoted);
	assert_int_equal(r->items[1]->line, 1);
	assert_int_equal(r->items[1]->col, 4);
	b = ymap_get(r, "b");
	assert_non_null(b);
	assert_int_equal(b->type, Y_SEQUENCE);
	assert_int_equal(b->n, 2);
	assert_int_equal(b->line, 2);
	assert_int_equal(b->col, 4);
	assert_string_equal(b->items[0]->text, "x");
	assert_false(b->items[0]->quoted);
	assert_string_equal(b->items[1]->text, "y");
	assert_true(b->items[1]->quoted);
	assert_int_equal(b->items[1]->col, 8);
	c = ymap_get(r, "c");
	assert_non_null(c);
	assert_int_equal(c->type, Y_MAPPING);
	assert_int_equal(c->line, 4);
	assert_int_equal(c->col, 3);
	assert_string_equal(ymap_get(c, "d")->text, "e");
	assert_true(ymap_get(c, "d")->quoted);
	assert_string_equal(ydoc_name(f->doc), "t.yaml");
}

/* The reader keeps many items in order (the item arrays grow by doubling). */
static void test_ydoc_parse_long_list(void **state)
{
	struct fix *f = *state;
	char text[4096];
	size_t used = 0;
	const struct ynode *r;

	used += (size_t)snprintf(text, sizeof text, "[");
	for (unsigned i = 0; i < 300; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "%s%u",
					 i ? "," : "", i);
	snprintf(text + used, sizeof text - used, "]\n");
	r = root_of(f, text);
	assert_int_equal(r->type, Y_SEQUENCE);
	assert_int_equal(r->n, 300);
	for (unsigned i = 0; i < 300; i++) {
		char want[8];

		snprintf(want, sizeof want, "%u", i);
		assert_string_equal(r->items[i]->text, want);
	}
}

/* Empty input is a document that holds nothing: no root, no error. */
static void test_ydoc_parse_empty_input(void **state)
{
	struct fix *f = *state;

	assert_non_null(parse_len(f, "", 0));
	assert_null(ydoc_root(f->doc));
	assert_non_null(parse(f, "# only a comment\n\n"));
	assert_null(ydoc_root(f->doc));
	assert_non_null(parse(f, "   \n\n\n"));
	assert_null(ydoc_root(f->doc));
}

/* An explicit empty document ("---") holds one empty plain scalar, where
 * libyaml's null value stands. */
static void test_ydoc_parse_empty_document(void **state)
{
	struct fix *f = *state;
	const struct ynode *r = root_of(f, "---\n");

	assert_non_null(r);
	assert_int_equal(r->type, Y_SCALAR);
	assert_string_equal(r->text, "");
	assert_false(r->quoted);
}

/* One document ended by "..." is still one document. */
static void test_ydoc_parse_document_end_marker(void **state)
{
	struct fix *f = *state;
	const struct ynode *r = root_of(f, "---\na: 1\n...\n");

	assert_int_equal(r->type, Y_MAPPING);
	assert_string_equal(ymap_get(r, "a")->text, "1");
}

/* --- guards --------------------------------------------------------------- */

static void test_ydoc_guard_depth_at_limit(void **state)
{
	struct fix *f = *state;
	char *s = nested_flow(LUCS_YAML_MAX_DEPTH);
	const struct ynode *n = root_of(f, s);

	for (unsigned i = 1; i < LUCS_YAML_MAX_DEPTH; i++) {
		assert_int_equal(n->type, Y_SEQUENCE);
		assert_int_equal(n->n, 1);
		n = n->items[0];
	}
	assert_int_equal(n->type, Y_SEQUENCE);
	assert_int_equal(n->n, 0);
	free(s);
}

static void test_ydoc_guard_depth_over_limit(void **state)
{
	struct fix *f = *state;
	char *s = nested_flow(LUCS_YAML_MAX_DEPTH + 1);
	char want[80];

	snprintf(want, sizeof want, "t.yaml:1:%d: nested deeper than %d levels",
		 LUCS_YAML_MAX_DEPTH + 1, LUCS_YAML_MAX_DEPTH);
	refuse(f, s, want);
	free(s);
}

static void test_ydoc_guard_depth_flow_10000(void **state)
{
	struct fix *f = *state;
	char *s = nested_flow(10000);
	char want[80];

	snprintf(want, sizeof want, "t.yaml:1:%d: nested deeper than %d levels",
		 LUCS_YAML_MAX_DEPTH + 1, LUCS_YAML_MAX_DEPTH);
	refuse(f, s, want);
	free(s);
}

static void test_ydoc_guard_depth_block_10000(void **state)
{
	struct fix *f = *state;
	char *s = nested_block(10000);
	char want[80];

	/* The 17th "- " starts at column 2 * 16 + 1. */
	snprintf(want, sizeof want, "t.yaml:1:%d: nested deeper than %d levels",
		 2 * LUCS_YAML_MAX_DEPTH + 1, LUCS_YAML_MAX_DEPTH);
	refuse(f, s, want);
	free(s);
}

/* Block mappings, one level per line: the 17th opens on line 17. */
static void test_ydoc_guard_depth_block_mappings(void **state)
{
	struct fix *f = *state;
	char text[4096], want[80];
	size_t used = 0;

	for (unsigned i = 0; i < LUCS_YAML_MAX_DEPTH + 4; i++)
		used += (size_t)snprintf(text + used, sizeof text - used,
					 "%*sk%u:\n", (int)i, "", i);
	snprintf(want, sizeof want, "t.yaml:%d:%d: nested deeper than %d levels",
		 LUCS_YAML_MAX_DEPTH + 1, LUCS_YAML_MAX_DEPTH + 1,
		 LUCS_YAML_MAX_DEPTH);
	refuse(f, text, want);
}

static void test_ydoc_guard_node_limit(void **state)
{
	struct fix *f = *state;
	size_t items = LUCS_YAML_MAX_NODES, len = 2 * items + 2;
	char *s = malloc(len + 1);
	char want[120];

	/* "[1,1,...,1]": the sequence and LUCS_YAML_MAX_NODES - 1 items fit;
	 * the last item (at column 2 * items) is one node too many. */
	assert_non_null(s);
	s[0] = '[';
	for (size_t i = 0; i < items; i++) {
		s[1 + 2 * i] = '1';
		s[2 + 2 * i] = i + 1 < items ? ',' : ']';
	}
	s[len - 1] = '\n';
	s[len] = '\0';
	snprintf(want, sizeof want,
		 "t.yaml:1:%zu: more than %d values: not a catalogue or site file",
		 2 * items, LUCS_YAML_MAX_NODES);
	refuse(f, s, want);
	/* One item fewer fits. */
	s[2 * items - 1] = ']';
	s[2 * items] = '\n';
	s[2 * items + 1] = '\0';
	assert_non_null(parse(f, s));
	assert_int_equal(ydoc_root(f->doc)->n, items - 1);
	free(s);
}

static void test_ydoc_guard_size_limit(void **state)
{
	struct fix *f = *state;
	size_t len = LUCS_YAML_MAX_BYTES + 1;
	char *s = malloc(len);
	char want[120];

	assert_non_null(s);
	memset(s, '#', len);
	snprintf(want, sizeof want,
		 "t.yaml: larger than %d KiB: not a catalogue or site file",
		 LUCS_YAML_MAX_BYTES >> 10);
	refuse_len(f, s, len, want);
	/* The limit itself is allowed: a comment of exactly that size. */
	assert_non_null(parse_len(f, s, len - 1));
	assert_null(ydoc_root(f->doc));
	free(s);
}

static void test_ydoc_guard_anchor_scalar(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: 1\nb: &x 2\n", "t.yaml:2:4: anchors (&) are not allowed");
}

static void test_ydoc_guard_anchor_collection(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: &x [1]\n", "t.yaml:1:4: anchors (&) are not allowed");
	refuse(f, "a:\n  - &y {b: 1}\n",
	       "t.yaml:2:5: anchors (&) are not allowed");
}

/* An alias with no anchor: libyaml's parser passes it on, we refuse it. */
static void test_ydoc_guard_alias(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: 1\nb: *a\n", "t.yaml:2:4: aliases (*) are not allowed");
	refuse(f, "[1, *x]\n", "t.yaml:1:5: aliases (*) are not allowed");
}

/* A billion laughs stops at its first anchor, before any expansion. */
static void test_ydoc_guard_billion_laughs(void **state)
{
	struct fix *f = *state;

	refuse(f,
	       "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	       "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	       "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	       "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	       "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	       "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	       "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	       "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n",
	       "t.yaml:1:4: anchors (&) are not allowed");
}

static void test_ydoc_guard_self_alias(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: &a [*a]\n", "t.yaml:1:4: anchors (&) are not allowed");
	refuse(f, "&a [*a]\n", "t.yaml:1:1: anchors (&) are not allowed");
}

static void test_ydoc_guard_tag(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: !!str 1\n", "t.yaml:1:4: tags (!) are not allowed");
	refuse(f, "a: !!seq [1]\n", "t.yaml:1:4: tags (!) are not allowed");
	refuse(f, "--- !local\na: 1\n", "t.yaml:1:5: tags (!) are not allowed");
	refuse(f, "a: !x {b: 1}\n", "t.yaml:1:4: tags (!) are not allowed");
}

static void test_ydoc_guard_duplicate_key(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: 1\nb: 2\na: 3\n",
	       "t.yaml:3:1: duplicate key 'a' (first at line 1)");
	refuse(f, "m:\n  x: 1\n  y: 2\n  x: 3\n",
	       "t.yaml:4:3: duplicate key 'x' (first at line 2)");
	refuse(f, "{a: 1, a: 2}\n",
	       "t.yaml:1:8: duplicate key 'a' (first at line 1)");
	/* Quoting does not make a key another key. */
	refuse(f, "a: 1\n'a': 2\n",
	       "t.yaml:2:1: duplicate key 'a' (first at line 1)");
}

/* The same key in two mappings, and a key equal to a value, are fine;
 * keys after a nested mapping still meet the keys before it. */
static void test_ydoc_guard_duplicate_key_elsewhere(void **state)
{
	struct fix *f = *state;
	const struct ynode *r = root_of(f, "- a: a\n- a: 2\n");

	assert_int_equal(r->type, Y_SEQUENCE);
	assert_int_equal(r->n, 2);
	r = root_of(f, "a:\n  a: 1\n  b: {a: 2}\n");
	assert_string_equal(ymap_get(ymap_get(ymap_get(r, "a"), "b"), "a")->text,
			    "2");
	refuse(f, "a:\n  x: 1\nb: {a: 1, b: 2}\na: 3\n",
	       "t.yaml:4:1: duplicate key 'a' (first at line 1)");
}

#define MANY_KEYS ((LUCS_YAML_MAX_NODES - 2) / 2)	/* pairs that fit */
#define MANY_KEYS_BOUND 0.6	/* seconds: see below */

/* "k0: 0\nk1: 0\n..." for n keys, into s. */
static size_t write_keys(char *s, unsigned n)
{
	size_t used = 0;

	for (unsigned i = 0; i < n; i++)
		used += (size_t)sprintf(s + used, "k%u: 0\n", i);
	return used;
}

/* The most keys one mapping can hold, the last the first again: refused
 * there, in linear time.  On the development VM (2 vCPUs shared, gcc -O2)
 * it takes 0.03-0.05 s, 0.15 s with ASan and UBSan; comparing each key
 * with those before it took 1.25 s.  The bound, 0.6 s, is 20 times the
 * -O2 time, and it is CPU time: a machine loaded by others (0.714 s of
 * wall time seen at a load of 10 on 2 cores, with ASan) does not fail it.  Then 200 mappings
 * of the same 100 keys (each index grown, then cleared): no key is a
 * duplicate of another mapping's. */
static void test_ydoc_guard_duplicate_key_many(void **state)
{
	struct fix *f = *state;
	char *s = malloc((size_t)MANY_KEYS * 16 + 64), want[80];
	struct timespec t0, t1;
	size_t used = write_keys(s, MANY_KEYS - 1);
	double secs;

	assert_non_null(s);
	strcpy(s + used, "k0: 1\n");
	snprintf(want, sizeof want,
		 "t.yaml:%d:1: duplicate key 'k0' (first at line 1)", MANY_KEYS);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	refuse(f, s, want);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("%d keys: %.3f s\n", MANY_KEYS, secs);
	assert_true(secs < MANY_KEYS_BOUND);
	used = 0;
	for (int m = 0; m < 200; m++) {
		used += (size_t)sprintf(s + used, "- {");
		for (int k = 0; k < 100; k++)
			used += (size_t)sprintf(s + used, "%sk%d: 0",
						k ? ", " : "", k);
		used += (size_t)sprintf(s + used, "}\n");
	}
	assert_int_equal(root_of(f, s)->n, 200);
	free(s);
}

static void test_ydoc_guard_key_not_scalar(void **state)
{
	struct fix *f = *state;

	refuse(f, "? [a]\n: 1\n", "t.yaml:1:3: a key must be a plain word");
	refuse(f, "{{a: 1}: 2}\n", "t.yaml:1:2: a key must be a plain word");
}

static void test_ydoc_guard_second_document(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: 1\n---\nb: 2\n",
	       "t.yaml:2:1: a second document: one file holds one document");
	refuse(f, "--- a\n--- b\n",
	       "t.yaml:2:1: a second document: one file holds one document");
	refuse(f, "a: 1\n...\n---\n",
	       "t.yaml:3:1: a second document: one file holds one document");
}

/* libyaml reports encoding errors at 1:1; we give the real position. */
static void test_ydoc_guard_invalid_utf8_leading(void **state)
{
	struct fix *f = *state;

	refuse(f, "version: 1\nrules:\n  - id: \xff\n",
	       "t.yaml:3:9: not valid YAML: invalid leading UTF-8 octet");
}

static void test_ydoc_guard_invalid_utf8_trailing(void **state)
{
	struct fix *f = *state;

	/* The offending octet is the second of the sequence. */
	refuse(f, "a: 1\nb: caf\xc3\x28\n",
	       "t.yaml:2:8: not valid YAML: invalid trailing UTF-8 octet");
}

static void test_ydoc_guard_invalid_utf8_truncated(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: 1\nb: \xe2\x82",
	       "t.yaml:2:4: not valid YAML: incomplete UTF-8 octet sequence");
}

static void test_ydoc_guard_invalid_utf8_overlong(void **state)
{
	struct fix *f = *state;

	refuse(f, "a:\n  b: \xc0\xaf\n", "t.yaml:2:6: not valid YAML: invalid length of a UTF-8 sequence");
}

/* Binary after valid lines: the position is where the binary starts. */
static void test_ydoc_guard_binary(void **state)
{
	struct fix *f = *state;
	static const char text[] = "version: 1\nrules:\n\x89PNG\r\n\x1a\n\0\0";

	refuse_len(f, text, sizeof text - 1,
		   "t.yaml:3:1: not valid YAML: invalid leading UTF-8 octet");
}

static void test_ydoc_guard_nul_byte(void **state)
{
	struct fix *f = *state;
	static const char text[] = "a: 1\nb: x\0y\n";

	refuse_len(f, text, sizeof text - 1,
		   "t.yaml:2:5: not valid YAML: control characters are not allowed");
}

/* A NUL written as an escape reaches the value: refused there. */
static void test_ydoc_guard_nul_escape(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: 1\nb: \"x\\0y\"\n",
	       "t.yaml:2:4: a value holds a NUL character");
}

/* --- syntax errors, said for people ------------------------------------------ */

/* libyaml says a tab cannot start a token, or violates indentation. */
static void test_ydoc_syntax_tab(void **state)
{
	struct fix *f = *state;

	refuse(f, "a:\n\t- 1\n", "t.yaml:2:1: tabs cannot indent YAML; use spaces");
	refuse(f, "\ta: 1\n", "t.yaml:1:1: tabs cannot indent YAML; use spaces");
	refuse(f, "a: x\n\tb: y\n", "t.yaml:2:1: tabs cannot indent YAML; use spaces");
	refuse(f, "a:\n  - \xc3\xa9\n  -\t- x\n",
	       "t.yaml:3:4: tabs cannot indent YAML; use spaces");
}

/* The character libyaml points at is found by characters, not bytes:
 * after the two bytes of an e-acute, column 9 is the '@', not the tab. */
static void test_ydoc_syntax_not_a_tab(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: [\xc3\xa9, \t@]\n",
	       "t.yaml:1:9: not valid YAML: found character that cannot start "
	       "any token while scanning for the next token");
	refuse(f, "a: `x`\n",
	       "t.yaml:1:4: not valid YAML: found character that cannot start "
	       "any token while scanning for the next token");
}

/* A second ': ' on a line, or a key deeper than the keys above it. */
static void test_ydoc_syntax_mapping_value(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: b: c\n",
	       "t.yaml:1:5: unexpected ':': quote a value that holds ': ', or "
	       "align this key with the keys above it");
	refuse(f, "- id: x\n   from: y\n",
	       "t.yaml:2:8: unexpected ':': quote a value that holds ': ', or "
	       "align this key with the keys above it");
}

/* Said where the quote opens, not at the end of the file where libyaml
 * notices. */
static void test_ydoc_syntax_unclosed_quote(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: 1\nb: \"x\nc: 2\n\n",
	       "t.yaml:2:4: this quote is never closed");
	refuse(f, "a:\n  - id: 'x\n", "t.yaml:2:9: this quote is never closed");
}

static void test_ydoc_syntax_unclosed_flow(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: [1, 2\n",
	       "t.yaml:2:1: the list opened at line 1, column 4 needs a ',' or "
	       "a closing ']' here");
	refuse(f, "a: [1, 2\nb: [3]\n",
	       "t.yaml:2:2: the list opened at line 1, column 4 needs a ',' or "
	       "a closing ']' here");
	refuse(f, "a: {b: 1\n",
	       "t.yaml:2:1: the mapping opened at line 1, column 4 needs a ',' "
	       "or a closing '}' here");
	refuse(f, "a: {b: [1, 2}\n",
	       "t.yaml:1:13: the list opened at line 1, column 8 needs a ',' or "
	       "a closing ']' here");
	refuse(f, "a: [\n", "t.yaml:2:1: a value is missing here: a ',' too "
	       "many, or a '[' or '{' never closed");
	refuse(f, "a: [x, , y]\n", "t.yaml:1:8: a value is missing here: a ',' "
	       "too many, or a '[' or '{' never closed");
}

/* Other errors keep libyaml's words, said to be about YAML. */
static void test_ydoc_syntax_other(void **state)
{
	struct fix *f = *state;

	refuse(f, "a: [x]]\n", "t.yaml:1:7: not valid YAML: did not find "
	       "expected key while parsing a block mapping");
	refuse(f, "- a\nb: c\n", "t.yaml:2:1: not valid YAML: did not find "
	       "expected '-' indicator while parsing a block collection");
}

/* --- files ------------------------------------------------------------------ */

static void test_ydoc_load_file_reads(void **state)
{
	struct fix *f = *state;
	char path[] = "/tmp/test_yamldoc.XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "a:\n  - 1\n  - two\n";

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof text - 1), sizeof text - 1);
	close(fd);
	f->doc = ydoc_load_file(path, &f->err);
	unlink(path);
	assert_non_null(f->doc);
	assert_string_equal(ydoc_name(f->doc), path);
	assert_int_equal(ymap_get(ydoc_root(f->doc), "a")->n, 2);
	assert_int_equal(ymap_get(ydoc_root(f->doc), "a")->items[1]->line, 3);
}

static void test_ydoc_load_file_missing(void **state)
{
	struct fix *f = *state;

	f->doc = ydoc_load_file("/nonexistent/lucsaudit/site.yaml", &f->err);
	assert_null(f->doc);
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line,
			    "/nonexistent/lucsaudit/site.yaml: No such file or directory");
	assert_int_equal(f->err.line, 0);
}

static void test_ydoc_load_file_directory(void **state)
{
	struct fix *f = *state;

	f->doc = ydoc_load_file("/", &f->err);
	assert_null(f->doc);
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line, "/: is a directory");
}

/* A stream that never ends is cut at the size limit. */
static void test_ydoc_load_file_endless(void **state)
{
	struct fix *f = *state;
	char want[120];

	f->doc = ydoc_load_file("/dev/zero", &f->err);
	assert_null(f->doc);
	load_error_format(&f->err, f->line, sizeof f->line);
	snprintf(want, sizeof want,
		 "/dev/zero: larger than %d KiB: not a catalogue or site file",
		 LUCS_YAML_MAX_BYTES >> 10);
	assert_string_equal(f->line, want);
}

/* A large regular file is refused from its size, before it is read. */
static void test_ydoc_load_file_too_large(void **state)
{
	struct fix *f = *state;
	char path[] = "/tmp/test_yamldoc.XXXXXX";
	int fd = mkstemp(path);
	char want[120];

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 50L << 20), 0);
	close(fd);
	f->doc = ydoc_load_file(path, &f->err);
	unlink(path);
	assert_null(f->doc);
	load_error_format(&f->err, f->line, sizeof f->line);
	snprintf(want, sizeof want,
		 "%s: larger than %d KiB: not a catalogue or site file", path,
		 LUCS_YAML_MAX_BYTES >> 10);
	assert_string_equal(f->line, want);
}

/* --- errors ------------------------------------------------------------------ */

static void test_load_error_format(void **state)
{
	struct fix *f = *state;
	const struct ynode *r = root_of(f, "a: 1\nb:  x\n");

	load_error_at(&f->err, "s.yaml", ymap_get(r, "b"), "bad %s %d", "b", 2);
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line, "s.yaml:2:5: bad b 2");
	load_error_at(&f->err, "s.yaml", NULL, "no position");
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line, "s.yaml: no position");
	load_error_pos(&f->err, "p.yaml", 7, 3, "at %u", 7u);
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line, "p.yaml:7:3: at 7");
	load_error_pos(&f->err, "p.yaml", 0, 0, "none");
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line, "p.yaml: none");
}

/* --- typed readers ------------------------------------------------------------ */

/* The value of key in the mapping text (which must parse). */
static const struct ynode *value_of(struct fix *f, const char *text,
				    const char *key)
{
	const struct ynode *n = ymap_get(root_of(f, text), key);

	assert_non_null(n);
	return n;
}

static void formatted(struct fix *f)
{
	load_error_format(&f->err, f->line, sizeof f->line);
}

static void test_ynode_uint_valid(void **state)
{
	struct fix *f = *state;
	unsigned long v = 0;

	assert_true(ynode_uint(value_of(f, "n: 42\n", "n"), 0, 100, &v, "t.yaml",
			       &f->err));
	assert_int_equal(v, 42);
	assert_true(ynode_uint(value_of(f, "n: 1\n", "n"), 1, 65535, &v, "t.yaml",
			       &f->err));
	assert_int_equal(v, 1);
	assert_true(ynode_uint(value_of(f, "n: 65535\n", "n"), 1, 65535, &v,
			       "t.yaml", &f->err));
	assert_int_equal(v, 65535);
	assert_true(ynode_uint(value_of(f, "n: 4294967295\n", "n"), 0, 4294967295UL,
			       &v, "t.yaml", &f->err));
	assert_int_equal(v, 4294967295UL);
}

static void test_ynode_uint_out_of_range(void **state)
{
	struct fix *f = *state;
	unsigned long v = 7;

	assert_false(ynode_uint(value_of(f, "n: 0\n", "n"), 1, 65535, &v, "t.yaml",
				&f->err));
	formatted(f);
	assert_string_equal(f->line, "t.yaml:1:4: 0 is outside 1-65535");
	assert_false(ynode_uint(value_of(f, "x: 1\nn: 65536\n", "n"), 1, 65535, &v,
				"t.yaml", &f->err));
	formatted(f);
	assert_string_equal(f->line, "t.yaml:2:4: 65536 is outside 1-65535");
	assert_int_equal(v, 7);	/* untouched on error */
}

static void test_ynode_uint_not_a_number(void **state)
{
	struct fix *f = *state;
	unsigned long v;
	static const char *const bad[] = { "-1", "+1", "1x", "0x10", "1.5",
					   "99999999999999999999" };

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[64], want[120];

		snprintf(text, sizeof text, "n: %s\n", bad[i]);
		snprintf(want, sizeof want,
			 "t.yaml:1:4: '%s' is not a number from 0 to 10", bad[i]);
		assert_false(ynode_uint(value_of(f, text, "n"), 0, 10, &v,
					"t.yaml", &f->err));
		formatted(f);
		assert_string_equal(f->line, want);
	}
}

static void test_ynode_uint_not_a_scalar(void **state)
{
	struct fix *f = *state;
	unsigned long v;

	assert_false(ynode_uint(value_of(f, "n: [1]\n", "n"), 0, 10, &v, "t.yaml",
				&f->err));
	formatted(f);
	assert_string_equal(f->line, "t.yaml:1:4: expected a number from 0 to 10");
	/* An empty value is no number either. */
	assert_false(ynode_uint(value_of(f, "n:\nm: 1\n", "n"), 0, 10, &v,
				"t.yaml", &f->err));
	formatted(f);
	assert_string_equal(f->line, "t.yaml:1:3: expected a number from 0 to 10");
}

static void test_ynode_bool_valid(void **state)
{
	struct fix *f = *state;
	bool v = false;

	assert_true(ynode_bool(value_of(f, "b: true\n", "b"), &v, "t.yaml",
			       &f->err));
	assert_true(v);
	assert_true(ynode_bool(value_of(f, "b: false\n", "b"), &v, "t.yaml",
			       &f->err));
	assert_false(v);
}

/* Only the plain words true and false: no YAML 1.1 yes/on, no quotes. */
static void test_ynode_bool_invalid(void **state)
{
	struct fix *f = *state;
	static const char *const bad[] = { "yes", "no", "on", "True", "FALSE",
					   "1", "\"true\"", "'false'", "[true]" };

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[64];
		bool v = true;

		snprintf(text, sizeof text, "x: 1\nb: %s\n", bad[i]);
		assert_false(ynode_bool(value_of(f, text, "b"), &v, "t.yaml",
					&f->err));
		formatted(f);
		assert_string_equal(f->line, "t.yaml:2:4: expected true or false");
		assert_true(v);
	}
}

static void test_ynode_expect_types(void **state)
{
	struct fix *f = *state;
	const struct ynode *r = root_of(f, "s: x\nl: [1]\nm: {a: 1}\n");

	assert_true(ynode_expect(ymap_get(r, "s"), Y_SCALAR, "s", "t.yaml", &f->err));
	assert_true(ynode_expect(ymap_get(r, "l"), Y_SEQUENCE, "l", "t.yaml", &f->err));
	assert_true(ynode_expect(ymap_get(r, "m"), Y_MAPPING, "m", "t.yaml", &f->err));
	assert_false(ynode_expect(ymap_get(r, "s"), Y_SEQUENCE, "ports", "t.yaml",
				  &f->err));
	formatted(f);
	assert_string_equal(f->line, "t.yaml:1:4: ports must be a list, not a single value");
	assert_false(ynode_expect(ymap_get(r, "l"), Y_MAPPING, "roles", "t.yaml",
				  &f->err));
	formatted(f);
	assert_string_equal(f->line, "t.yaml:2:4: roles must be a mapping, not a list");
	assert_false(ynode_expect(ymap_get(r, "m"), Y_SCALAR, "an id", "t.yaml",
				  &f->err));
	formatted(f);
	assert_string_equal(f->line, "t.yaml:3:4: an id must be a single value, not a mapping");
}

static void test_ymap_check_keys_known(void **state)
{
	struct fix *f = *state;
	static const char *const keys[] = { "id", "from", "to", NULL };

	assert_true(ymap_check_keys(root_of(f, "id: 1\nto: 2\n"), keys, "t.yaml",
				    &f->err));
	assert_true(ymap_check_keys(root_of(f, "{}\n"), keys, "t.yaml", &f->err));
}

static void test_ymap_check_keys_unknown(void **state)
{
	struct fix *f = *state;
	static const char *const keys[] = { "id", "proto", NULL };

	assert_false(ymap_check_keys(root_of(f, "id: 1\n  \nprot: tcp\n"), keys,
				     "t.yaml", &f->err));
	formatted(f);
	assert_string_equal(f->line, "t.yaml:3:1: unknown key 'prot'; did you "
			    "mean 'proto'? (expected one of: id, proto)");
	/* Keys compare exactly: case matters (and the suggestion says so). */
	assert_false(ymap_check_keys(root_of(f, "{ID: 1}\n"), keys, "t.yaml",
				     &f->err));
	formatted(f);
	assert_string_equal(f->line, "t.yaml:1:2: unknown key 'ID'; did you mean "
			    "'id'? (expected one of: id, proto)");
}

static void test_ymap_get_lookups(void **state)
{
	struct fix *f = *state;
	const struct ynode *r = root_of(f, "a: 1\nb: 2\n");

	assert_string_equal(ymap_get(r, "b")->text, "2");
	assert_null(ymap_get(r, "c"));
	assert_null(ymap_get(r, "1"));	/* values are not keys */
	assert_null(ymap_get(NULL, "a"));
	assert_null(ymap_get(root_of(f, "[a, 1]\n"), "a"));
	assert_null(ymap_get(root_of(f, "a\n"), "a"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ydoc_parse_tree),
		T(test_ydoc_parse_long_list),
		T(test_ydoc_parse_empty_input),
		T(test_ydoc_parse_empty_document),
		T(test_ydoc_parse_document_end_marker),
		T(test_ydoc_guard_depth_at_limit),
		T(test_ydoc_guard_depth_over_limit),
		T(test_ydoc_guard_depth_flow_10000),
		T(test_ydoc_guard_depth_block_10000),
		T(test_ydoc_guard_depth_block_mappings),
		T(test_ydoc_guard_node_limit),
		T(test_ydoc_guard_size_limit),
		T(test_ydoc_guard_anchor_scalar),
		T(test_ydoc_guard_anchor_collection),
		T(test_ydoc_guard_alias),
		T(test_ydoc_guard_billion_laughs),
		T(test_ydoc_guard_self_alias),
		T(test_ydoc_guard_tag),
		T(test_ydoc_guard_duplicate_key),
		T(test_ydoc_guard_duplicate_key_elsewhere),
		T(test_ydoc_guard_duplicate_key_many),
		T(test_ydoc_guard_key_not_scalar),
		T(test_ydoc_guard_second_document),
		T(test_ydoc_guard_invalid_utf8_leading),
		T(test_ydoc_guard_invalid_utf8_trailing),
		T(test_ydoc_guard_invalid_utf8_truncated),
		T(test_ydoc_guard_invalid_utf8_overlong),
		T(test_ydoc_guard_binary),
		T(test_ydoc_guard_nul_byte),
		T(test_ydoc_guard_nul_escape),
		T(test_ydoc_syntax_tab),
		T(test_ydoc_syntax_not_a_tab),
		T(test_ydoc_syntax_mapping_value),
		T(test_ydoc_syntax_unclosed_quote),
		T(test_ydoc_syntax_unclosed_flow),
		T(test_ydoc_syntax_other),
		T(test_ydoc_load_file_reads),
		T(test_ydoc_load_file_missing),
		T(test_ydoc_load_file_directory),
		T(test_ydoc_load_file_endless),
		T(test_ydoc_load_file_too_large),
		T(test_load_error_format),
		T(test_ynode_uint_valid),
		T(test_ynode_uint_out_of_range),
		T(test_ynode_uint_not_a_number),
		T(test_ynode_uint_not_a_scalar),
		T(test_ynode_bool_valid),
		T(test_ynode_bool_invalid),
		T(test_ynode_expect_types),
		T(test_ymap_check_keys_known),
		T(test_ymap_check_keys_unknown),
		T(test_ymap_get_lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
