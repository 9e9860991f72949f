/*
 * railgate.secrets — credentials in the text (API keys and tokens of ~50
 * vendors, private keys, JWTs, credentials in URLs, password / secret /
 * token assignments, generic high-entropy strings), each as its own entity
 * type. Detector: detect/secrets.h; parameters, actions and data:
 * entity_check.h, plus entropy_threshold, min_length, refuse_sequences and
 * allow_published_examples.
 */
#include "detect/secrets.h"
#include "guard/checks/entity_check.h"

static void *compile(json_t *p, char *err, size_t n) { return rg_ec_compile(&rg_detector_secrets, p, err, n); }

const rg_check_ops_t rg_check_rg_secrets = {
    .id = "railgate.secrets", .compile = compile, .run = rg_ec_run, .free = rg_ec_free,
    .pending = rg_ec_pending};
