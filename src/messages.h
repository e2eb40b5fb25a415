/* messages.h: what lucsaudit says to a person, on standard error, one line
 * each: "lucsaudit: FILE:LINE:COL: message"; and the appending that
 * modules build such a line with, in a caller's buffer. */
#ifndef LUCS_MESSAGES_H
#define LUCS_MESSAGES_H

#include <stdarg.h>
#include <stddef.h>

void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void complain_v(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/* Add to the string in buf (size bytes): cut, and still terminated, when
 * it is full. */
void msg_append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
