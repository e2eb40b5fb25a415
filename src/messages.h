/* messages.h: what lucsaudit says to a person, on standard error, one line
 * each: "lucsaudit: FILE:LINE:COL: message". */
#ifndef LUCS_MESSAGES_H
#define LUCS_MESSAGES_H

#include <stdarg.h>

void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void complain_v(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

#endif
