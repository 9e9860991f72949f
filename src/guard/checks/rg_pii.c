/*
 * rg_pii.c — railgate.pii: personal data in the text (detect/pii.c finds it; the entity check driver,
 * entity_check.h, detects, redacts or masks it).
 */
#include "detect/pii.h"
#include "guard/checks/entity_check.h"

static void *pii_check_compile(json_t *params, char *err, size_t errsz)
{
    return rg_ec_compile(&rg_detector_pii, params, err, errsz);
}

const rg_check_ops_t rg_check_rg_pii = {
    .id = "railgate.pii",
    .compile = pii_check_compile,
    .run = rg_ec_run,
    .free = rg_ec_free,
    .pending = rg_ec_pending,
};
