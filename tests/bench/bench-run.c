/* bench-run.c: run one command and measure it: wall-clock seconds, CPU
 * seconds (user and system) and peak resident memory, for bench.sh.
 *
 * The measurements come from the kernel: wall time from CLOCK_MONOTONIC
 * around fork and wait, CPU time and peak RSS from getrusage
 * (RUSAGE_CHILDREN), which covers the command and every descendant it
 * waited for (pmacctd's plugins, for example); ru_maxrss is the largest
 * single process, in KiB.  The command runs in its own process group, so
 * that -t can end it with everything it started.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	if (child > 0)
		kill(-child, SIGKILL);
}

static double seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static void usage(FILE *out)
{
	fputs("Usage: bench-run [-o FILE] [-t SECONDS] [--] COMMAND [ARG]...\n"
	      "Run COMMAND; print one line on standard error, or append it to\n"
	      "FILE with -o:\n"
	      "  wall=SECONDS user=SECONDS sys=SECONDS maxrss_kib=KIB status=N\n"
	      "status is the command's exit status, 128+N if signal N ended it,\n"
	      "or 124 if -t SECONDS ran out (the command's process group is\n"
	      "killed).  bench-run exits with the same status.\n", out);
}

int main(int argc, char **argv)
{
	const char *stats = NULL;
	unsigned timeout = 0;
	struct timespec t0, t1;
	struct rusage ru;
	struct sigaction sa;
	int c, wstatus, status;
	FILE *out;

	while ((c = getopt(argc, argv, "+o:t:h")) != -1) {
		switch (c) {
		case 'o':
			stats = optarg;
			break;
		case 't':
			timeout = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	child = fork();
	if (child < 0) {
		perror("bench-run: fork");
		return 2;
	}
	if (child == 0) {
		setpgid(0, 0);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "bench-run: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	setpgid(child, child);
	if (timeout)
		alarm(timeout);
	while (waitpid(child, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			perror("bench-run: waitpid");
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	getrusage(RUSAGE_CHILDREN, &ru);
	if (timed_out)
		status = 124;
	else if (WIFEXITED(wstatus))
		status = WEXITSTATUS(wstatus);
	else
		status = 128 + WTERMSIG(wstatus);

	out = stats ? fopen(stats, "a") : stderr;
	if (!out) {
		fprintf(stderr, "bench-run: %s: %s\n", stats, strerror(errno));
		return 2;
	}
	fprintf(out, "wall=%.6f user=%.6f sys=%.6f maxrss_kib=%ld status=%d\n",
		(double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		seconds(&ru.ru_utime), seconds(&ru.ru_stime), ru.ru_maxrss,
		status);
	if (out != stderr && fclose(out) != 0) {
		fprintf(stderr, "bench-run: %s: %s\n", stats, strerror(errno));
		return 2;
	}
	return status;
}
