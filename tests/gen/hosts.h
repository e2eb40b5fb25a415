/* hosts.h: the hosts of the generated captures, as rules/site.example.yaml
 * inventories them (and a few it does not). */
#ifndef LUCS_GEN_HOSTS_H
#define LUCS_GEN_HOSTS_H

#define LUCS01 "10.10.0.11"		/* lucs_server_01 */
#define LUCS02 "10.10.0.12"		/* lucs_server_02 */
#define LUCS01_V6 "2001:db8:10::11"
#define LUCS02_V6 "2001:db8:10::12"
#define SQL "10.10.0.20"		/* sql_server */
#define EXCHANGE "10.10.0.30"		/* exchange_server */
#define POOL_CMS "10.10.1.10"		/* sfb_fe_pool, sfb_cms, sfb_server */
#define POOL_B "10.10.1.11"		/* sfb_fe_pool, sfb_server */
#define POOL_C "10.10.1.12"		/* sfb_fe_pool, sfb_server */
#define EDGE "10.10.2.10"		/* sfb_edge */
#define LUCS_API "10.10.0.40"		/* lucs_api */
#define LIVE_REPORTING "10.10.0.41"	/* live_reporting */
/* Agents (agent_pc): any address in 10.20.0.0/16 or 2001:db8:20::/48. */

/* Not in the inventory */
#define DC "10.10.0.5"			/* a domain controller and DNS server */
#define DNS_V6 "2001:db8:10::53"
#define ADMIN_PC "10.10.5.50"		/* an administrator's workstation */
#define DOC_A "192.0.2.10"		/* RFC 5737 documentation hosts */
#define DOC_B "192.0.2.20"
#define FIREWALL "10.10.0.1"		/* a firewall between agents and servers */
#define FIREWALL_V6 "2001:db8:10::1"
#define ROUTER "10.10.0.254"		/* the servers' router */
#define ROUTER_V6 "2001:db8:10::fe"

/* 2024-03-12T09:00:00Z in nanoseconds: time zero of every capture */
#define T0 ((int64_t)1710234000 * 1000000000)

#endif
