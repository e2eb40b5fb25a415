/* replay-main.c: runs a fuzz target's LLVMFuzzerTestOneInput over files,
 * without libFuzzer, so every build (not only --enable-fuzz) replays the
 * regression inputs: `make check` runs it through tests/fuzz/replay.sh.
 *
 * Usage: replay-TARGET FILE|DIR...  A directory stands for the files in
 * it (sorted, not recursive, dot files and README skipped).  Each input
 * is copied into a buffer of exactly its size, so that ASan builds catch
 * reads past its end as libFuzzer's do.  A crash is the target's: the
 * name of the input is printed before it runs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long replayed;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int err = 0;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *grown;

			cap = cap ? cap * 2 : 4096;
			grown = realloc(buf, cap);
			if (!grown) {
				err = ENOMEM;
				break;
			}
			buf = grown;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f))
				err = errno ? errno : EIO;
			break;
		}
	}
	fclose(f);
	if (err) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(err));
		free(buf);
		return 1;
	}
	/* Exactly len bytes: nothing after the input to read by mistake. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact) {
			fprintf(stderr, "replay: %s: out of memory\n", path);
			free(buf);
			return 1;
		}
		if (len)
			memcpy(exact, buf, len);
		free(buf);
		printf("%s\n", path);
		fflush(stdout);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	replayed++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int failed = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0)
			continue;
		if (n == cap) {
			char **grown;

			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof *names);
			if (!grown) {
				failed = 1;
				break;
			}
			names = grown;
		}
		names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!names[n]) {
			failed = 1;
			break;
		}
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		if (!failed)
			failed |= replay_file(names[i]);
		free(names[i]);
	}
	free(names);
	if (failed)
		fprintf(stderr, "replay: %s: could not read every input\n", dir);
	return failed;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			failed |= replay_dir(argv[i]);
		else
			failed |= replay_file(argv[i]);
	}
	printf("%lu inputs replayed\n", replayed);
	return failed;
}
