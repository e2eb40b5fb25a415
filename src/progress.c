/* progress.c: a one-line progress report on standard error; it owns the
 * line's state. */
#include "progress.h"

#include <stdio.h>
#include <time.h>

#define PROGRESS_HZ 4

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, bool on)
{
	p->on = on;
	p->shown = false;
	p->start = p->last = on ? now() : 0;
}

/* 1234567 -> "1.2 MB" */
static void human(char *buf, size_t size, double v, const char *unit)
{
	static const char *const prefix[] = { "", "k", "M", "G", "T" };
	int i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, size, i ? "%.1f %s%s" : "%.0f %s%s", v, prefix[i], unit);
}

void progress_update(struct progress *p, uint64_t done, uint64_t total,
		     uint64_t packets, uint64_t flows)
{
	double t;
	char read[32], size[32], rate[32];

	if (!p->on)
		return;
	t = now();
	if (t - p->last < 1.0 / PROGRESS_HZ)
		return;
	p->last = t;
	human(read, sizeof read, (double)done, "B");
	human(rate, sizeof rate, (double)packets / (t - p->start), "pkt/s");
	if (total && done > total) {	/* written to while it is read */
		human(size, sizeof size, (double)total, "B");
		fprintf(stderr, "\r\033[Klucsaudit: %s read (the input has grown "
			"past the %s it had), %s, %llu flows", read, size, rate,
			(unsigned long long)flows);
	} else if (total) {
		human(size, sizeof size, (double)total, "B");
		fprintf(stderr, "\r\033[Klucsaudit: %3.0f%% (%s of %s), %s, %llu flows",
			100.0 * (double)done / (double)total, read, size, rate,
			(unsigned long long)flows);
	} else {
		fprintf(stderr, "\r\033[Klucsaudit: %s read, %s, %llu flows", read,
			rate, (unsigned long long)flows);
	}
	fflush(stderr);
	p->shown = true;
}

void progress_clear(struct progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = false;
}
