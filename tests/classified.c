/* tests/classified.c: see classified.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "classified.h"

struct classifier *classified_rules(struct catalogue **cat, const char *yaml)
{
	struct load_error err;
	struct classifier *cl;

	memset(&err, 0, sizeof err);
	*cat = catalogue_new();
	assert_non_null(*cat);
	if (!catalogue_load_string(*cat, "rules.yaml", yaml, strlen(yaml), &err))
		fail_msg("catalogue: %s:%u:%u: %s", err.file, err.line, err.col,
			 err.msg);
	cl = classifier_new(*cat, NULL, &err);
	if (!cl)
		fail_msg("classifier: %s", err.msg);
	return cl;
}

struct flow classified_flow(const struct classifier *cls, uint16_t client,
			    uint16_t cport, uint8_t server, uint8_t proto,
			    uint16_t port)
{
	const uint8_t c[4] = { 10, 20, (uint8_t)(client >> 8), (uint8_t)client };
	const uint8_t s[4] = { 10, 10, 0, server };
	struct flow_class k;
	struct flow f;

	/* 10.10.x sorts before 10.20.x: the server is key endpoint 0 */
	memset(&f, 0, sizeof f);
	f.key.family = 4;
	f.key.proto = proto;
	memcpy(f.key.addr[0], s, 4);
	memcpy(f.key.addr[1], c, 4);
	f.key.port[0] = port;
	f.key.port[1] = cport;
	f.client = 1;
	f.oriented = 1;
	/* classify_flow takes the classifier to intern classes in */
	k = classify_flow((struct classifier *)cls, &f);
	f.class_id = k.class_id;
	f.client = k.client;
	return f;
}
