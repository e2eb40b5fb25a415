/* json.c: a strict, bounded JSON reader (RFC 8259; json.h). */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const unsigned char *p;
	size_t len, at;
	size_t values;
	char *err;
	size_t size;
	bool failed;
};

static bool fail(struct parser *ps, const char *why)
{
	if (!ps->failed)
		snprintf(ps->err, ps->size, "byte %zu: %s", ps->at, why);
	ps->failed = true;
	return false;
}

static void skip_space(struct parser *ps)
{
	while (ps->at < ps->len && (ps->p[ps->at] == ' ' ||
				    ps->p[ps->at] == '\t' ||
				    ps->p[ps->at] == '\n' ||
				    ps->p[ps->at] == '\r'))
		ps->at++;
}

static bool literal(struct parser *ps, const char *word, enum json_type t,
		    struct json *out)
{
	size_t n = strlen(word);

	if (n > ps->len - ps->at || memcmp(ps->p + ps->at, word, n) != 0)
		return fail(ps, "not a JSON value");
	ps->at += n;
	out->type = t;
	return true;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number(struct parser *ps, struct json *out)
{
	size_t at = ps->at, digits_from;
	bool integer = true;
	uint64_t v = 0;

	if (at < ps->len && ps->p[at] == '-') {
		at++;
		integer = false;	/* negative: no u64 */
	}
	digits_from = at;
	if (at >= ps->len || !is_digit(ps->p[at]))
		return fail(ps, "a number needs digits");
	if (ps->p[at] == '0' && at + 1 < ps->len && is_digit(ps->p[at + 1]))
		return fail(ps, "a number with a leading zero");
	while (at < ps->len && is_digit(ps->p[at])) {
		unsigned d = ps->p[at] - '0';

		if (v > (UINT64_MAX - d) / 10)
			integer = false;	/* too large: a number still */
		else
			v = v * 10 + d;
		at++;
	}
	if (at < ps->len && ps->p[at] == '.') {
		integer = false;
		if (++at >= ps->len || !is_digit(ps->p[at]))
			return fail(ps, "a fraction needs digits");
		while (at < ps->len && is_digit(ps->p[at]))
			at++;
	}
	if (at < ps->len && (ps->p[at] == 'e' || ps->p[at] == 'E')) {
		integer = false;
		if (++at < ps->len && (ps->p[at] == '+' || ps->p[at] == '-'))
			at++;
		if (at >= ps->len || !is_digit(ps->p[at]))
			return fail(ps, "an exponent needs digits");
		while (at < ps->len && is_digit(ps->p[at]))
			at++;
	}
	(void)digits_from;
	out->type = JSON_NUMBER;
	out->is_u64 = integer;
	out->u64 = integer ? v : 0;
	ps->at = at;
	return true;
}

static int hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool hex4(struct parser *ps, unsigned *cp)
{
	*cp = 0;
	if (4 > ps->len - ps->at)
		return fail(ps, "\\u needs four hex digits");
	for (int i = 0; i < 4; i++) {
		int h = hex(ps->p[ps->at + (size_t)i]);

		if (h < 0)
			return fail(ps, "\\u needs four hex digits");
		*cp = *cp << 4 | (unsigned)h;
	}
	ps->at += 4;
	return true;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A \uXXXX escape (and its low surrogate) as a code point. */
static bool escape_u(struct parser *ps, unsigned *cp)
{
	unsigned lo;

	if (!hex4(ps, cp))
		return false;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return fail(ps, "a lone low surrogate");
	if (*cp < 0xd800 || *cp > 0xdbff)
		return *cp ? true : fail(ps, "\\u0000: no NUL in a string");
	if (2 > ps->len - ps->at || ps->p[ps->at] != '\\' ||
	    ps->p[ps->at + 1] != 'u')
		return fail(ps, "a high surrogate without its low one");
	ps->at += 2;
	if (!hex4(ps, &lo))
		return false;
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail(ps, "a high surrogate without its low one");
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return true;
}

/* The length of the valid UTF-8 sequence at p (at most n bytes), or 0
 * (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
static size_t utf8_valid(const unsigned char *p, size_t n)
{
	size_t len;
	unsigned cp, min;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2, cp = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3, cp = p[0] & 0x0f, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4, cp = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static bool string_escape(struct parser *ps, char *o, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned cp;

	if (++ps->at >= ps->len)
		return fail(ps, "a string cut short");
	if (ps->p[ps->at] == 'u') {
		ps->at++;
		if (!escape_u(ps, &cp))
			return false;
		*n += put_utf8(o + *n, cp);
		return true;
	}
	e = ps->p[ps->at] ? strchr(from, ps->p[ps->at]) : NULL;
	if (!e)
		return fail(ps, "an unknown escape in a string");
	o[(*n)++] = to[e - from];
	ps->at++;
	return true;
}

/* A string from its opening quote; decoded into a new C string.  Decoded
 * text is never longer than its JSON form. */
static bool string(struct parser *ps, char **out)
{
	size_t start = ++ps->at, n = 0, end = start;
	char *o;

	while (end < ps->len && ps->p[end] != '"')
		end += ps->p[end] == '\\' && end + 1 < ps->len ? 2 : 1;
	if (end >= ps->len)
		return fail(ps, "a string cut short");
	o = malloc(end - start + 1);
	if (!o)
		return fail(ps, "out of memory");
	while (ps->at < end) {
		unsigned char c = ps->p[ps->at];
		size_t k;

		if (c == '\\') {
			if (!string_escape(ps, o, &n))
				goto bad;
			continue;
		}
		if (c < 0x20) {
			fail(ps, "a control character in a string");
			goto bad;
		}
		k = utf8_valid(ps->p + ps->at, end - ps->at);
		if (!k) {
			fail(ps, "bytes that are not UTF-8 in a string");
			goto bad;
		}
		memcpy(o + n, ps->p + ps->at, k);
		n += k;
		ps->at += k;
	}
	if (ps->at != end) {	/* an escape ran past the closing quote */
		fail(ps, "a string cut short");
		goto bad;
	}
	ps->at++;
	o[n] = '\0';
	*out = o;
	return true;
bad:
	free(o);
	return false;
}

static bool value(struct parser *ps, struct json *out, unsigned depth);

/* Room for one more item in a container. */
static struct json *grow(struct parser *ps, struct json *c, size_t *cap,
			 bool keys)
{
	if (c->n == *cap) {
		size_t want = *cap ? *cap * 2 : 4;
		struct json *items = realloc(c->items, want * sizeof *items);
		char **k;

		if (!items)
			return fail(ps, "out of memory"), NULL;
		c->items = items;
		if (keys) {
			k = realloc(c->keys, want * sizeof *k);
			if (!k)
				return fail(ps, "out of memory"), NULL;
			c->keys = k;
		}
		*cap = want;
	}
	memset(&c->items[c->n], 0, sizeof c->items[c->n]);
	if (keys)
		c->keys[c->n] = NULL;
	return &c->items[c->n];
}

static bool member(struct parser *ps, struct json *obj, size_t *cap,
		   unsigned depth)
{
	struct json *v;
	char *key = NULL;

	skip_space(ps);
	if (ps->at >= ps->len || ps->p[ps->at] != '"')
		return fail(ps, "an object key must be a string");
	if (!string(ps, &key))
		return false;
	v = grow(ps, obj, cap, true);
	if (!v) {
		free(key);
		return false;
	}
	obj->keys[obj->n] = key;
	obj->n++;	/* counted at once: json_free frees it */
	skip_space(ps);
	if (ps->at >= ps->len || ps->p[ps->at] != ':')
		return fail(ps, "a ':' must follow an object key");
	ps->at++;
	return value(ps, v, depth);
}

static bool container(struct parser *ps, struct json *out, unsigned depth)
{
	bool object = ps->p[ps->at] == '{';
	char close = object ? '}' : ']';
	size_t cap = 0;

	if (depth >= JSON_MAX_DEPTH)
		return fail(ps, "nested too deep");
	out->type = object ? JSON_OBJECT : JSON_ARRAY;
	ps->at++;
	skip_space(ps);
	if (ps->at < ps->len && ps->p[ps->at] == close) {
		ps->at++;
		return true;
	}
	for (;;) {
		if (object) {
			if (!member(ps, out, &cap, depth + 1))
				return false;
		} else {
			struct json *v = grow(ps, out, &cap, false);

			if (!v)
				return false;
			out->n++;
			if (!value(ps, v, depth + 1))
				return false;
		}
		skip_space(ps);
		if (ps->at >= ps->len)
			return fail(ps, "cut short");
		if (ps->p[ps->at] == close) {
			ps->at++;
			return true;
		}
		if (ps->p[ps->at] != ',')
			return fail(ps, object ? "expected ',' or '}'"
					       : "expected ',' or ']'");
		ps->at++;
	}
}

static bool value(struct parser *ps, struct json *out, unsigned depth)
{
	bool ok;

	skip_space(ps);
	if (++ps->values > JSON_MAX_VALUES)
		return fail(ps, "too many values");
	if (ps->at >= ps->len)
		return fail(ps, "cut short: a value is missing");
	out->start = ps->at;
	switch (ps->p[ps->at]) {
	case '{':
	case '[':
		ok = container(ps, out, depth);
		break;
	case '"':
		out->type = JSON_STRING;
		ok = string(ps, &out->str);
		break;
	case 't':
		ok = literal(ps, "true", JSON_TRUE, out);
		break;
	case 'f':
		ok = literal(ps, "false", JSON_FALSE, out);
		break;
	case 'n':
		ok = literal(ps, "null", JSON_NULL, out);
		break;
	default:
		ok = number(ps, out);
		break;
	}
	out->end = ps->at;
	return ok;
}

bool json_parse(const char *text, size_t len, struct json *out, char *err,
		size_t size)
{
	struct parser ps = {
		.p = (const unsigned char *)text, .len = len, .err = err,
		.size = size,
	};

	memset(out, 0, sizeof *out);
	if (value(&ps, out, 0)) {
		skip_space(&ps);
		if (ps.at == ps.len)
			return true;
		fail(&ps, "more after the value");
	}
	json_free(out);
	return false;
}

void json_free(struct json *j)
{
	for (size_t i = 0; i < j->n; i++) {
		json_free(&j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->str);
	memset(j, 0, sizeof *j);
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}

const char *json_get_str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	return v && v->type == JSON_STRING ? v->str : NULL;
}
