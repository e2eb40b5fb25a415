/* netpeer.c: real TCP connections and UDP exchanges for the live-capture
 * tests (tests/live.sh), IPv4, one side per network namespace.
 *
 *   netpeer serve tcp PORT... [udp PORT...]
 *       listen on every port (any address) until killed; print "ready"
 *       once all are bound.  A TCP peer's bytes are read to its FIN, then
 *       as many bytes go back and the server closes; a UDP datagram is
 *       echoed to its sender.
 *   netpeer [-s ADDR] [-p PORT] connect tcp ADDR PORT [BYTES]
 *       send BYTES (default 1000), close the sending half, read the echo
 *       to the server's FIN.  Exit 0 when the echo is complete.
 *   netpeer [-s ADDR] [-p PORT] send udp ADDR PORT COUNT [SIZE]
 *       COUNT datagrams of SIZE bytes (default 100), each waiting for its
 *       echo.  Exit 0 when every echo came back.
 *   netpeer [-s ADDR] [-p PORT] refused tcp ADDR PORT
 *       a connection to a closed port: exit 0 when it is refused (RST).
 *
 * -s and -p choose the local address and port.  A client prints one line,
 * "PROTO LOCAL_ADDR LOCAL_PORT PEER_ADDR PEER_PORT sent N received M" (N
 * and M: payload bytes) or "... refused", which the tests match against
 * lucsaudit's flow records.
 * Exit status: 0 as above, 1 the exchange went otherwise, 2 usage or
 * socket error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_SERVED 32
#define TIMEOUT_S 5		/* longest wait for a peer, seconds */
#define CHUNK 4096

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "netpeer: %s: %s\n", what, strerror(errno));
	exit(2);
}

static _Noreturn void usage(void)
{
	fputs("usage: netpeer serve tcp|udp PORT... [tcp|udp PORT...]\n"
	      "       netpeer [-s ADDR] [-p PORT] connect tcp ADDR PORT [BYTES]\n"
	      "       netpeer [-s ADDR] [-p PORT] send udp ADDR PORT COUNT [SIZE]\n"
	      "       netpeer [-s ADDR] [-p PORT] refused tcp ADDR PORT\n",
	      stderr);
	exit(2);
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max) {
		fprintf(stderr, "netpeer: '%s' is not a number up to %lu\n", s,
			max);
		exit(2);
	}
	return v;
}

static struct sockaddr_in address(const char *addr, const char *port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)number(port, 65535));
	if (!addr)
		sa.sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "netpeer: '%s' is not an IPv4 address\n", addr);
		exit(2);
	}
	return sa;
}

static void set_timeouts(int fd)
{
	struct timeval tv = { TIMEOUT_S, 0 };

	/* SO_SNDTIMEO bounds connect() too. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
		die("setsockopt");
}

static bool write_all(int fd, size_t n)
{
	char buf[CHUNK];

	memset(buf, 'x', sizeof buf);
	while (n) {
		ssize_t w = write(fd, buf, n < sizeof buf ? n : sizeof buf);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		n -= (size_t)w;
	}
	return true;
}

/* Bytes read until the peer's FIN; false on an error or a timeout. */
static bool read_to_eof(int fd, size_t *n)
{
	char buf[CHUNK];

	*n = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		if (r == 0)
			return true;
		*n += (size_t)r;
	}
}

/* --- server --------------------------------------------------------------- */

static void serve_tcp(int listener)
{
	int fd = accept(listener, NULL, NULL);
	size_t n;

	if (fd < 0)
		return;
	set_timeouts(fd);
	if (read_to_eof(fd, &n))
		write_all(fd, n);
	close(fd);
}

static void serve_udp(int fd)
{
	char buf[65536];
	struct sockaddr_in from;
	socklen_t len = sizeof from;
	ssize_t r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from,
			     &len);

	if (r >= 0)
		sendto(fd, buf, (size_t)r, 0, (struct sockaddr *)&from, len);
}

static _Noreturn void serve(int argc, char **argv)
{
	struct pollfd pfd[MAX_SERVED];
	int type[MAX_SERVED];
	int n = 0, cur = 0, one = 1;

	for (int i = 0; i < argc; i++) {
		struct sockaddr_in sa;

		if (strcmp(argv[i], "tcp") == 0) {
			cur = SOCK_STREAM;
			continue;
		}
		if (strcmp(argv[i], "udp") == 0) {
			cur = SOCK_DGRAM;
			continue;
		}
		if (!cur || n == MAX_SERVED)
			usage();
		sa = address(NULL, argv[i]);
		pfd[n].fd = socket(AF_INET, cur, 0);
		pfd[n].events = POLLIN;
		type[n] = cur;
		if (pfd[n].fd < 0)
			die("socket");
		if (setsockopt(pfd[n].fd, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof one) != 0)
			die("setsockopt");
		if (bind(pfd[n].fd, (struct sockaddr *)&sa, sizeof sa) != 0)
			die(argv[i]);
		if (cur == SOCK_STREAM && listen(pfd[n].fd, 16) != 0)
			die("listen");
		n++;
	}
	if (n == 0)
		usage();
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (int i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (type[i] == SOCK_STREAM)
				serve_tcp(pfd[i].fd);
			else
				serve_udp(pfd[i].fd);
		}
	}
}

/* --- clients -------------------------------------------------------------- */

/* A socket bound to the local address and port (any, when not given), so
 * that its port is known before connect, even when connect fails. */
static int bound_socket(int type, const char *src, const char *sport)
{
	struct sockaddr_in sa = address(src, sport ? sport : "0");
	int fd = socket(AF_INET, type, 0);

	if (fd < 0)
		die("socket");
	set_timeouts(fd);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		die("bind");
	return fd;
}

static void print_ends(const char *proto, int fd, const char *dst,
		       const char *dport)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	char addr[INET_ADDRSTRLEN];

	if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		die("getsockname");
	inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof addr);
	printf("%s %s %u %s %lu", proto, addr, (unsigned)ntohs(sa.sin_port), dst,
	       number(dport, 65535));
}

static int tcp_connect(const char *src, const char *sport, char **argv,
		       int argc)
{
	struct sockaddr_in to;
	size_t bytes, got = 0;
	int fd, ok;

	if (argc < 2 || argc > 3)
		usage();
	to = address(argv[0], argv[1]);
	bytes = argc == 3 ? number(argv[2], 1UL << 30) : 1000;
	fd = bound_socket(SOCK_STREAM, src, sport);
	if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0)
		die("connect");
	ok = write_all(fd, bytes) && shutdown(fd, SHUT_WR) == 0 &&
	     read_to_eof(fd, &got) && got == bytes;
	print_ends("tcp", fd, argv[0], argv[1]);
	printf(" sent %zu received %zu\n", bytes, got);
	close(fd);
	return ok ? 0 : 1;
}

static int tcp_refused(const char *src, const char *sport, char **argv,
		       int argc)
{
	struct sockaddr_in to;
	int fd, err;

	if (argc != 2)
		usage();
	to = address(argv[0], argv[1]);
	fd = bound_socket(SOCK_STREAM, src, sport);
	err = connect(fd, (struct sockaddr *)&to, sizeof to) == 0 ? 0 : errno;
	print_ends("tcp", fd, argv[0], argv[1]);
	printf(" %s\n", err == ECONNREFUSED ? "refused"
		     : err ? strerror(err) : "connected");
	close(fd);
	return err == ECONNREFUSED ? 0 : 1;
}

static int udp_send(const char *src, const char *sport, char **argv, int argc)
{
	struct sockaddr_in to;
	unsigned long count, size, got = 0;
	char *buf;
	int fd;

	if (argc < 3 || argc > 4)
		usage();
	to = address(argv[0], argv[1]);
	count = number(argv[2], 1000000);
	size = argc == 4 ? number(argv[3], 65507) : 100;
	buf = calloc(1, size + 1);
	if (!buf)
		die("calloc");
	fd = bound_socket(SOCK_DGRAM, src, sport);
	/* Connected: replies only from the peer, ICMP errors reported. */
	if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0)
		die("connect");
	for (unsigned long i = 0; i < count; i++) {
		memset(buf, 'a' + (int)(i % 26), size);
		if (send(fd, buf, size, 0) != (ssize_t)size)
			break;
		/* One byte more than sent: a longer echo would show. */
		if (recv(fd, buf, size + 1, 0) == (ssize_t)size)
			got++;
	}
	print_ends("udp", fd, argv[0], argv[1]);
	printf(" sent %lu received %lu\n", count * size, got * size);
	close(fd);
	free(buf);
	return got == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *src = NULL, *sport = NULL;
	int c;

	while ((c = getopt(argc, argv, "+s:p:")) != -1) {
		if (c == 's')
			src = optarg;
		else if (c == 'p')
			sport = optarg;
		else
			usage();
	}
	argc -= optind;
	argv += optind;
	if (argc >= 1 && strcmp(argv[0], "serve") == 0)
		serve(argc - 1, argv + 1);
	if (argc < 2)
		usage();
	if (strcmp(argv[0], "connect") == 0 && strcmp(argv[1], "tcp") == 0)
		return tcp_connect(src, sport, argv + 2, argc - 2);
	if (strcmp(argv[0], "refused") == 0 && strcmp(argv[1], "tcp") == 0)
		return tcp_refused(src, sport, argv + 2, argc - 2);
	if (strcmp(argv[0], "send") == 0 && strcmp(argv[1], "udp") == 0)
		return udp_send(src, sport, argv + 2, argc - 2);
	usage();
}
