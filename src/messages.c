/* messages.c: one line on standard error per message. */
#include "messages.h"

#include <stdio.h>

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
