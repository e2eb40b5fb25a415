/* suggest.c: the known name nearest to an unknown word, and the list of
 * the known names, said for messages (suggest.h). */
#include "suggest.h"

#include <limits.h>
#include <string.h>

#include "messages.h"
#include "tunables.h"

static unsigned char fold(char c)
{
	return (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

/* Row by row, keeping three: a swap looks back two rows. */
unsigned suggest_distance(const char *a, const char *b)
{
	unsigned rows[3][LUCS_SUGGEST_MAX_LEN + 1];
	size_t na = strlen(a), nb = strlen(b);

	if (na > LUCS_SUGGEST_MAX_LEN || nb > LUCS_SUGGEST_MAX_LEN)
		return UINT_MAX;
	for (size_t j = 0; j <= nb; j++)
		rows[0][j] = (unsigned)j;
	for (size_t i = 1; i <= na; i++) {
		unsigned *cur = rows[i % 3], *up = rows[(i - 1) % 3];
		unsigned *up2 = rows[(i + 1) % 3];	/* row i - 2 */

		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= nb; j++) {
			unsigned same = fold(a[i - 1]) == fold(b[j - 1]);
			bool swap = i > 1 && j > 1 &&
				    fold(a[i - 1]) == fold(b[j - 2]) &&
				    fold(a[i - 2]) == fold(b[j - 1]);

			cur[j] = min3(up[j] + 1, cur[j - 1] + 1,
				      up[j - 1] + !same);
			if (swap && up2[j - 2] + 1 < cur[j])
				cur[j] = up2[j - 2] + 1;
		}
	}
	return rows[na % 3][nb];
}

void suggest_start(struct suggest *s, const char *word, const char *prefix)
{
	memset(s, 0, sizeof *s);
	s->word = word;
	s->prefix = prefix;
	s->distance = UINT_MAX;
}

void suggest_offer(struct suggest *s, const char *name)
{
	unsigned d = suggest_distance(s->word, name);

	if (s->n < SUGGEST_LIST_NAMES)
		s->names[s->n] = name;
	s->width += (s->n ? 2 : 0) + strlen(s->prefix) + strlen(name);
	s->n++;
	if (d < s->distance) {
		s->nearest = name;
		s->distance = d;
		s->tie = false;
	} else if (d == s->distance && d != UINT_MAX) {
		s->tie = true;
	}
}

const char *suggest_close(const struct suggest *s)
{
	size_t third = strlen(s->word) / 3;

	if (!s->nearest || s->tie)
		return NULL;
	return s->distance <= (third > 1 ? third : 1) ? s->nearest : NULL;
}

/* A list of the one name suggested says nothing more. */
static bool listable(const struct suggest *s, const char *close)
{
	return s->n > (close ? 1u : 0u) && s->n <= SUGGEST_LIST_NAMES &&
	       s->width <= LUCS_SUGGEST_LIST_WIDTH;
}

const char *suggest_hint(const struct suggest *s, const char *or_else,
			 char *buf, size_t size)
{
	const char *close = suggest_close(s);

	if (size)
		buf[0] = '\0';
	if (close)
		msg_append(buf, size, "; did you mean '%s%s'?", s->prefix,
			   close);
	if (listable(s, close)) {
		msg_append(buf, size, " (expected one of: ");
		for (size_t i = 0; i < s->n; i++)
			msg_append(buf, size, "%s%s%s", i ? ", " : "",
				   s->prefix, s->names[i]);
		if (or_else)
			msg_append(buf, size, "; or %s", or_else);
		msg_append(buf, size, ")");
	} else if (or_else) {
		msg_append(buf, size, " (%s)", or_else);
	}
	return buf;
}

const char *suggest_among(const char *word, const char *const *names,
			  char *buf, size_t size)
{
	struct suggest s;

	suggest_start(&s, word, "");
	for (; *names; names++)
		suggest_offer(&s, *names);
	return suggest_hint(&s, NULL, buf, size);
}
