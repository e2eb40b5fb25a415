/* json.h: a strict JSON reader (RFC 8259) for what lucsaudit reads back:
 * its own reports (--baseline).  The text is untrusted: nesting is
 * bounded (JSON_MAX_DEPTH), so are the values (JSON_MAX_VALUES); strings
 * must be valid UTF-8 and hold no NUL (\u0000 is refused), so that they
 * are C strings; numbers keep their exact value when they are integers
 * from 0 to 2^64-1. */
#ifndef LUCS_JSON_H
#define LUCS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64	/* arrays and objects nested */
#define JSON_MAX_VALUES 4000000	/* values in one text */

enum json_type {
	JSON_NULL = 0, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING,
	JSON_ARRAY, JSON_OBJECT
};

struct json {
	enum json_type type;
	size_t start, end;	/* the value's bytes: text[start, end) */
	char *str;		/* JSON_STRING: decoded, NUL-terminated */
	bool is_u64;		/* JSON_NUMBER: an integer that fits u64 */
	uint64_t u64;
	struct json *items;	/* JSON_ARRAY, JSON_OBJECT: the values */
	char **keys;		/* JSON_OBJECT: the keys, as items */
	size_t n;
};

/* Parse one value, with nothing but white space around it.  false with
 * why and the byte offset in err. */
bool json_parse(const char *text, size_t len, struct json *out, char *err,
		size_t size);
void json_free(struct json *j);

/* The value of key in an object (the first one), or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* The string at key, or NULL when absent or not a string. */
const char *json_get_str(const struct json *obj, const char *key);

#endif
