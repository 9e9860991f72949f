/*
 * policy.c — the guardrail service's policies on one side (see policy.h).
 */
#include "service/policy.h"

#include "guard/hook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rg_svc_eval {
    rg_config_t *cfg;
    unsigned side;
    json_t *body;
    rg_check_io_t *io;
    rg_leaves_t *leaves;
    json_t *synth;      /* the synthetic request as the mask policies so far left it */
    size_t next;        /* next policy index */
    rg_phase_run_t *run; /* the policy in progress, or NULL */
    size_t running;     /* its index */
    void (*done_cb)(void *);
    void *arg;
    rg_svc_outcome_t out;
};

static json_t *synthetic(const rg_leaves_t *l)
{
    json_t *parts = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(parts, json_pack("{s:s, s:O}", "type", "text", "text", l->v[i]));
    return json_pack("{s:[{s:s, s:o}]}", "messages", "role", "user", "content", parts);
}

/* The parts of a synthetic request, or NULL when it does not have n string parts any more. */
static json_t *parts_of(json_t *synth, size_t n)
{
    json_t *msgs = json_object_get(synth, "messages");
    json_t *parts = json_object_get(json_array_get(msgs, json_array_size(msgs) - 1), "content");
    if (!json_is_array(parts) || json_array_size(parts) != n)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!json_is_string(json_object_get(json_array_get(parts, i), "text")))
            return NULL;
    return parts;
}

static const struct {
    const char *id, *reason;
} reasons[] = {
    {"railgate.promptInjection", "Prompt injection detected"},
    {"railgate.secrets", "Secret detected"},
    {"railgate.pii", "PII detected"},
    {"railgate.bannedTopics", "Banned topic detected"},
    {"railgate.gibberish", "Gibberish detected"},
    {"railgate.invisibleText", "Invisible text detected"},
};

/* The first check of a hook result that failed (or transformed, when none failed): its reason and id. */
static void why(json_t *hook_result, int failed, char *reason, size_t rsz, char *rule, size_t rusz)
{
    size_t i;
    json_t *c;
    snprintf(reason, rsz, "Guardrail check failed");
    rule[0] = '\0';
    json_array_foreach(json_object_get(hook_result, "checks"), i, c)
    {
        int verdict = json_is_true(json_object_get(c, "verdict"));
        int transformed = json_is_true(json_object_get(c, "transformed"));
        if (failed ? verdict : !transformed)
            continue;
        const char *id = json_string_value(json_object_get(c, "id"));
        const char *expl = json_string_value(json_object_get(json_object_get(c, "data"), "explanation"));
        const char *msg = json_string_value(json_object_get(json_object_get(c, "error"), "message"));
        snprintf(rule, rusz, "%s", id ? id : "check");
        for (size_t k = 0; id && k < sizeof(reasons) / sizeof(reasons[0]); k++)
            if (!strcmp(id, reasons[k].id)) {
                snprintf(reason, rsz, "%s", reasons[k].reason);
                return;
            }
        if (expl)
            snprintf(reason, rsz, "%s", expl);
        else if (msg)
            snprintf(reason, rsz, "%s", msg);
        else
            snprintf(reason, rsz, "%s failed", id ? id : "check");
        return;
    }
}

rg_svc_eval_t *rg_svc_eval_new(rg_config_t *cfg, unsigned side, json_t *body, rg_check_io_t *io)
{
    rg_svc_eval_t *e = calloc(1, sizeof(*e));
    if (e == NULL)
        return NULL;
    e->leaves = malloc(sizeof(*e->leaves));
    e->out.policies = json_array();
    if (e->leaves == NULL || e->out.policies == NULL) {
        json_decref(e->out.policies);
        free(e->leaves);
        free(e);
        return NULL;
    }
    e->cfg = rg_config_ref(cfg);
    e->side = side;
    e->body = json_incref(body);
    e->io = io;
    e->out.allowed = 1;
    rg_payload_leaves(body, e->leaves);
    e->synth = e->leaves->n ? synthetic(e->leaves) : NULL;
    return e;
}

static void record_violation(rg_svc_eval_t *e, const rg_svc_policy_t *p, int behaviour, json_t *hr, int failed)
{
    rg_svc_outcome_t *o = &e->out;
    if (!o->allowed && o->behaviour >= behaviour)
        return; /* an earlier violation at least as severe stays the reported one */
    o->allowed = 0;
    o->behaviour = behaviour;
    o->policy = e->cfg->guardrails[p->guardrail].name;
    o->severity = p->severity;
    why(hr, failed, o->reason, sizeof(o->reason), o->rule, sizeof(o->rule));
}

/* One policy's run finished: judge it. */
static void finish_one(rg_svc_eval_t *e)
{
    const rg_svc_policy_t *p = &e->cfg->svc->policies[e->running];
    rg_phase_run_t *r = e->run;
    e->run = NULL;
    const rg_phase_outcome_t *po = rg_phase_outcome(r);
    int verdict = rg_phase_hook_verdict(r, 0);
    json_t *hr = json_array_get(rg_phase_results(r), 0);
    json_t *body = rg_phase_body(r);
    json_array_append_new(e->out.policies,
                          json_pack("{s:s, s:s, s:b, s:b, s:O?}", "guardrail", e->cfg->guardrails[p->guardrail].name,
                                    "behaviour", rg_svc_behaviour_name(p->behaviour), "verdict", verdict,
                                    "transformed", po->transformed, "checks", json_object_get(hr, "checks")));
    if (!verdict)
        record_violation(e, p, p->behaviour == RG_SVC_MASK ? RG_SVC_BLOCK : (int)p->behaviour, hr, 1);
    else if (po->transformed && p->behaviour != RG_SVC_MASK)
        record_violation(e, p, p->behaviour, hr, 0);
    else if (po->transformed) {
        if (parts_of(body, e->leaves->n)) {
            json_decref(e->synth);
            e->synth = json_incref(body);
            e->out.modified = 1;
        } else { /* the check changed the shape: the redaction cannot be mapped back, so nothing may pass */
            record_violation(e, p, RG_SVC_BLOCK, hr, 0);
            snprintf(e->out.reason, sizeof(e->out.reason), "Masking could not be applied");
        }
    }
    rg_phase_free(r);
}

static void write_back(rg_svc_eval_t *e)
{
    if (!e->out.modified || !e->out.allowed)
        return;
    json_t *parts = parts_of(e->synth, e->leaves->n);
    for (size_t i = 0; parts && i < e->leaves->n; i++) {
        json_t *t = json_object_get(json_array_get(parts, i), "text");
        json_string_setn(e->leaves->v[i], json_string_value(t), json_string_length(t));
    }
}

static const char *no_header(void *ctx, const char *name, size_t *len)
{
    (void)ctx, (void)name, (void)len;
    return NULL;
}

static void resume(void *arg);

/* Runs policies until one waits on I/O (0) or all are done (1). */
static int step(rg_svc_eval_t *e)
{
    const rg_svc_config_t *s = e->cfg->svc;
    for (size_t i = 0; s && e->next == 0 && e->leaves->truncated && e->out.allowed && i < s->n_policies; i++) {
        const rg_svc_policy_t *p = &s->policies[i];
        if ((p->sides & e->side) && e->cfg->guardrails[p->guardrail].hooks.n) {
            e->out.allowed = 0; /* text past the bounds would pass unchecked */
            e->out.behaviour = RG_SVC_BLOCK;
            e->out.policy = e->cfg->guardrails[p->guardrail].name;
            e->out.severity = p->severity;
            snprintf(e->out.reason, sizeof(e->out.reason), "Payload has more text than can be checked");
            snprintf(e->out.rule, sizeof(e->out.rule), "payload_limits");
        }
    }
    if (e->synth == NULL || s == NULL) /* nothing to check */
        return 1;
    while (e->next < s->n_policies) {
        size_t i = e->next++;
        const rg_svc_policy_t *p = &s->policies[i];
        const rg_guardrail_t *g = &e->cfg->guardrails[p->guardrail];
        if (!(p->sides & e->side) || g->hooks.n == 0)
            continue;
        const rg_hook_t *h = &g->hooks.hooks[0];
        json_t *copy = json_deep_copy(e->synth);
        if (copy == NULL)
            continue;
        rg_phase_args_t a = {
            .hooks = &h,
            .n = 1,
            .phase = RG_PHASE_REQUEST,
            .type = RG_REQ_CHAT,
            .body = copy,
            .header = no_header,
            .provider = "openai",
            .io = e->io,
        };
        e->run = rg_phase_new(&a);
        json_decref(copy);
        if (e->run == NULL)
            continue;
        e->running = i;
        if (!rg_phase_go(e->run, resume, e))
            return 0;
        finish_one(e);
    }
    write_back(e);
    return 1;
}

static void resume(void *arg)
{
    rg_svc_eval_t *e = arg;
    finish_one(e);
    if (step(e) && e->done_cb)
        e->done_cb(e->arg);
}

int rg_svc_eval_go(rg_svc_eval_t *e, void (*done_cb)(void *), void *arg)
{
    e->done_cb = done_cb;
    e->arg = arg;
    return step(e);
}

const rg_svc_outcome_t *rg_svc_eval_outcome(const rg_svc_eval_t *e)
{
    return &e->out;
}

void rg_svc_eval_free(rg_svc_eval_t *e)
{
    if (e == NULL)
        return;
    if (e->run) {
        rg_phase_abort(e->run);
        rg_phase_free(e->run);
    }
    json_decref(e->synth);
    json_decref(e->body);
    json_decref(e->out.policies);
    rg_config_unref(e->cfg);
    free(e->leaves);
    free(e);
}

json_t *rg_svc_result_json(const rg_svc_outcome_t *o, const char *modified_payload)
{
    json_t *meta = json_object();
    if (!o->allowed)
        json_object_set_new(meta, "policy_name", json_string(o->policy ? o->policy : ""));
    if (!o->allowed)
        json_object_set_new(meta, "rule_violated", json_string(o->rule));
    if (!o->allowed)
        json_object_set_new(meta, "severity", json_string(o->severity ? o->severity : "HIGH"));
    return json_pack("{s:b, s:b, s:s, s:s, s:o, s:s}", "Allowed", o->allowed, "Modified", o->modified,
                     "ModifiedPayload", modified_payload ? modified_payload : "", "Reason",
                     o->allowed ? "" : o->reason, "Metadata", meta, "Behaviour",
                     o->allowed ? "" : rg_svc_behaviour_name((rg_svc_behaviour_t)o->behaviour));
}
