/* deployment.h: pcaps/lucs-deployment.pcap, ten minutes of a two-server
 * LUCS deployment (see deployment.c). */
#ifndef LUCS_GEN_DEPLOYMENT_H
#define LUCS_GEN_DEPLOYMENT_H

#include <stdbool.h>

bool make_lucs_deployment(const char *path);

#endif
