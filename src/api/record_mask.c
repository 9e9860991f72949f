/* record_mask.c — credentials masked in recorded request bodies (see record_mask.h). */
#include "api/record_mask.h"

#include "core/buf.h"
#include "detect/secrets.h"
#include "guard/checks/entity_check.h"
#include "guard/text.h"

#include <pthread.h>
#include <stdlib.h>

static void *detector; /* every type, default parameters; compiled once, read-only afterwards */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void make_detector(void)
{
    char err[256];
    json_t *params = json_object();
    detector = rg_detector_secrets.compile(rg_detector_secrets.default_types, params, err, sizeof(err));
    json_decref(params);
}

/* Masks what the detector finds in the text of one request kind (every message, or prompt, or input). */
static int mask_kind(json_t *body, rg_req_type_t type)
{
    rg_guard_text_t text;
    if (rg_text_extract(body, RG_PHASE_REQUEST, type, 1, &text) != 0)
        return -1;
    int masked = 0;
    rg_entities_t e = {0};
    for (size_t i = 0; i < text.n; i++) {
        const char *s = text.parts[i].s;
        size_t len = text.parts[i].len;
        rg_entities_clear(&e);
        if (rg_detector_secrets.find(detector, s, len, &e) != 0) {
            masked = -1;
            break;
        }
        rg_entities_resolve(&e);
        if (e.n == 0)
            continue;
        rg_buf_t out;
        rg_buf_init(&out, len + 16);
        int rc = rg_ec_mask_spans(&out, s, len, &e) != 0 || rg_text_replace(&text, i, out.data, out.len) != 0;
        rg_buf_free(&out);
        if (rc) { /* a credential the check found would stay in the record */
            masked = -1;
            break;
        }
        masked += (int)e.n;
    }
    rg_entities_free(&e);
    rg_text_free(&text);
    return masked;
}

int rg_record_mask_secrets(json_t *body)
{
    pthread_once(&once, make_detector);
    if (detector == NULL)
        return -1;
    /* The check read the text of the route's kind, which the body's keys do not tell (a completions request
     * may carry "messages" too): every kind the body has is masked. */
    static const struct {
        const char *key;
        rg_req_type_t type;
    } kinds[] = {{"messages", RG_REQ_CHAT}, {"prompt", RG_REQ_COMPLETE}, {"input", RG_REQ_EMBED}, {"inputs", RG_REQ_TGI}};
    int masked = 0;
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        if (json_object_get(body, kinds[k].key) == NULL)
            continue;
        int n = mask_kind(body, kinds[k].type);
        if (n < 0)
            return -1;
        masked += n;
    }
    return masked;
}
