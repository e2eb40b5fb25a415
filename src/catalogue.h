/* catalogue.h: the port catalogue (rules/lucs.yaml and site rule files)
 * loaded into plain structs; the format is lucsaudit-rules(5).
 *
 * Everything is validated here, at load time, with file, line and column
 * for every complaint; nothing downstream looks at YAML again.
 */
#ifndef LUCS_CATALOGUE_H
#define LUCS_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "yamldoc.h"

#define CAT_MAX_ROLES 64	/* role sets are 64-bit masks */
#define CAT_MAX_TAGS 32		/* tag sets are 32-bit masks */
#define CAT_MAX_ID 64		/* characters in a rule id */
#define CAT_MAX_TAG 32		/* characters in a tag */
#define ROLES_ANY 0		/* the role mask that matches every host */

/* Tags every catalogue knows; files may add their own. */
enum { TAG_LUCS = 0, TAG_SFB, TAG_TM };

enum { PROTO_TCP = 1, PROTO_UDP = 2 };	/* rule.l4 bits */

struct port_range {
	uint16_t lo, hi;
};

struct rule {
	char *id;
	char *comment;		/* the seed's comment, or the file's */
	char *note;		/* our remark on the row, if any */
	char *source;		/* how the seed names the source, if given */
	char *setting;		/* configurable: the setting naming the ports */
	char *from_name;	/* role names as written */
	char *to_name;
	const char *file;	/* where the rule was written */
	unsigned line, col;
	uint64_t from, to;	/* role masks; ROLES_ANY matches every host */
	uint8_t l4;		/* PROTO_TCP | PROTO_UDP */
	bool has_ip_proto;	/* a protocol without ports (ICMP, GRE...) */
	uint8_t ip_proto;
	struct port_range *ports;
	size_t nports;
	unsigned tag;		/* index into catalogue.tags */
	bool optional;		/* the seed's optional connectors */
	bool debug;		/* troubleshooting only */
	bool tm;		/* gets a TM twin */
	int twin_of;		/* for a TM twin: the rule it mirrors, else -1 */
};

struct catalogue {
	struct rule *rules;
	size_t nrules, cap;
	char *roles[CAT_MAX_ROLES];
	size_t nroles;
	char *tags[CAT_MAX_TAGS];
	size_t ntags;
	unsigned tm_offset;
	char **files;		/* names of the files loaded, for rule.file */
	size_t nfiles;
	struct hash_index ids;		/* rule id -> rule index */
	struct hash_index settings;	/* setting -> first rule naming it */
};

struct catalogue *catalogue_new(void);
void catalogue_free(struct catalogue *c);

/* Add the rules of one file (later files add to earlier ones). */
bool catalogue_load_file(struct catalogue *c, const char *path,
			 struct load_error *err);
bool catalogue_load_string(struct catalogue *c, const char *name,
			   const char *text, size_t len,
			   struct load_error *err);
/* The catalogue built into the binary from rules/lucs.yaml. */
bool catalogue_load_default(struct catalogue *c, struct load_error *err);
/* Its text, as compiled in (len bytes). */
const char *catalogue_default_text(size_t *len);

/* Role index by id, or -1; "lucs_server" and "any" are not roles but
 * names for sets of them (see catalogue_role_mask). */
int catalogue_role(const struct catalogue *c, const char *name);
/* The mask a rule or site file means by name; false if unknown. */
bool catalogue_role_mask(const struct catalogue *c, const char *name,
			 uint64_t *mask);
int catalogue_tag(const struct catalogue *c, const char *name);
/* The rule with this id, or NULL. */
const struct rule *catalogue_rule(const struct catalogue *c, const char *id);
/* The ports of setting name, from the first rule naming it, or NULL. */
const struct rule *catalogue_setting(const struct catalogue *c,
				     const char *name);

/* Parse a port list: a number, "LO-HI", or a list of those. */
bool ports_parse(const struct ynode *n, const char *file,
		 struct port_range **out, size_t *count,
		 struct load_error *err);
bool ports_equal(const struct port_range *a, size_t na,
		 const struct port_range *b, size_t nb);
/* "443", "5060,5061", "49152-57500" */
void ports_format(const struct port_range *p, size_t n, char *buf,
		  size_t size);

#endif
