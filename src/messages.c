/* messages.c: one line on standard error per message. */
#include "messages.h"

#include <stdio.h>
#include <string.h>

void complain_v(const char *fmt, va_list ap)
{
	fputs("lucsaudit: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void complain(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	complain_v(fmt, ap);
	va_end(ap);
}

void msg_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strnlen(buf, size);
	va_list ap;

	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}
