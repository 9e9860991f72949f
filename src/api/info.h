/* info.h — Railgate's own GET routes: models, health, readiness, metrics. */
#ifndef RG_INFO_H
#define RG_INFO_H

#include "api/exchange.h"

void rg_info_models(rg_exchange_t *ex);
void rg_info_health(rg_exchange_t *ex);
void rg_info_readiness(rg_exchange_t *ex);
void rg_info_metrics(rg_exchange_t *ex);

#endif
