/* agent_cfg.h — config-internal: the `railgate_settings.agent_proxy` section (agent_cfg.c). */
#ifndef RG_AGENT_CFG_H
#define RG_AGENT_CFG_H

#include "config/walk.h"

void rg_cfg_agent_proxy(rg_walk_t *w, yaml_node_t *map);

#endif
