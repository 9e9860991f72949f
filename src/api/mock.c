/*
 * mock.c — the built-in `mock` provider: answers in-process, deterministically.
 *
 * The reply is the model's `mock_response`, or a fixed sentence that quotes
 * the start of the last user message. Streams are cut into `mock_chunks`
 * events that pass through the same output guardrails as a real upstream's
 * (rg_exchange_stream_event); what may go out is sent one batch per h2o
 * proceed (so back-pressure is real), with an optional `mock_delay` before
 * the first byte and `mock_chunk_delay` between events. Used for the
 * offline quickstart, demos and tests.
 */
#include "api/exchange.h"
#include "api/guard.h"

#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTE_MAX 200

static const char *last_user_text(json_t *body, rg_route_t route)
{
    if (route == RG_ROUTE_COMPLETIONS) {
        json_t *p = json_object_get(body, "prompt");
        if (json_is_array(p))
            p = json_array_get(p, 0);
        return json_is_string(p) ? json_string_value(p) : "";
    }
    json_t *msgs = json_object_get(body, "messages");
    for (size_t i = json_array_size(msgs); i-- > 0;) {
        json_t *m = json_array_get(msgs, i);
        if (strcmp(json_string_value(json_object_get(m, "role")), "user") != 0)
            continue;
        json_t *c = json_object_get(m, "content");
        if (json_is_string(c))
            return json_string_value(c);
        if (json_is_array(c)) { /* content parts: first text part */
            size_t k;
            json_t *part;
            json_array_foreach(c, k, part)
            {
                json_t *t = json_object_get(part, "text");
                if (json_is_string(t))
                    return json_string_value(t);
            }
        }
        return "";
    }
    return "";
}

/* Copies at most max bytes of s without splitting a UTF-8 sequence. */
static size_t utf8_prefix(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static char *reply_text(rg_exchange_t *ex)
{
    if (ex->model->mock_response)
        return strdup(ex->model->mock_response);
    const char *q = last_user_text(ex->body, ex->route);
    size_t n = utf8_prefix(q, QUOTE_MAX);
    char *s = malloc(n + 96);
    if (s)
        snprintf(s, n + 96, "Hello from Railgate's mock model. You said: %.*s", (int)n, q);
    return s;
}

static json_t *usage(const char *prompt_src, const char *text)
{
    int pt = (int)(strlen(prompt_src) / 4) + 1, ct = (int)(strlen(text) / 4) + 1;
    return json_pack("{s:i, s:i, s:i}", "prompt_tokens", pt, "completion_tokens", ct, "total_tokens", pt + ct);
}

static void send_json(rg_exchange_t *ex, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(7));
    json_decref(j);
    if (s == NULL) {
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return;
    }
    h2o_iovec_t body = h2o_strdup(&ex->req->pool, s, strlen(s));
    free(s);
    ex->t_up1 = rg_now_us();
    if (ex->guard)
        rg_guard_respond(ex, 200, body.base, body.len);
    else
        rg_exchange_send(ex, 200, "application/json", body);
}

static void embeddings(rg_exchange_t *ex)
{
    json_t *input = json_object_get(ex->body, "input");
    json_t *data = json_array();
    size_t n = json_is_array(input) ? json_array_size(input) : 1;
    for (size_t i = 0; i < n && i < 2048; i++) {
        json_t *x = json_is_array(input) ? json_array_get(input, i) : input;
        char *s = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
        uint64_t h = 1469598103934665603ULL; /* FNV-1a of the input: same text, same vector */
        for (const char *p = s ? s : ""; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        free(s);
        json_t *vec = json_array();
        for (int d = 0; d < 16; d++) {
            h ^= h >> 29, h *= 0xbf58476d1ce4e5b9ULL, h ^= h >> 32;
            json_array_append_new(vec, json_real((double)(int64_t)(h % 2000001) / 1000000.0 - 1.0));
        }
        json_array_append_new(data, json_pack("{s:s, s:I, s:o}", "object", "embedding", "index", (json_int_t)i,
                                              "embedding", vec));
    }
    send_json(ex, json_pack("{s:s, s:o, s:s, s:{s:i, s:i}}", "object", "list", "data", data, "model",
                            ex->model->name, "usage", "prompt_tokens", (int)n, "total_tokens", (int)n));
}

static void complete(rg_exchange_t *ex)
{
    const char *text = ex->mock_text;
    const char *prompt = last_user_text(ex->body, ex->route);
    if (ex->route == RG_ROUTE_COMPLETIONS)
        send_json(ex, json_pack("{s:s, s:s, s:i, s:s, s:[{s:s, s:i, s:n, s:s}], s:o}", "id", "cmpl-railgate-mock",
                                "object", "text_completion", "created", 1700000000, "model", ex->model->name,
                                "choices", "text", text, "index", 0, "logprobs", "finish_reason", "stop", "usage",
                                usage(prompt, text)));
    else
        send_json(ex, json_pack("{s:s, s:s, s:i, s:s, s:[{s:i, s:{s:s, s:s}, s:n, s:s}], s:o}", "id",
                                "chatcmpl-railgate-mock", "object", "chat.completion", "created", 1700000000, "model",
                                ex->model->name, "choices", "index", 0, "message", "role", "assistant", "content",
                                text, "logprobs", "finish_reason", "stop", "usage", usage(prompt, text)));
}

/* Writes event number `step` of the stream into b; returns 0 when there are no more. */
static int stream_event(rg_exchange_t *ex, int step, rg_buf_t *b)
{
    const char *text = ex->mock_text;
    size_t len = strlen(text);
    int chunks = (int)ex->model->mock_chunks;
    if (step > chunks + 1)
        return 0;
    if (step == chunks + 1) {
        rg_buf_append(b, "data: [DONE]\n\n", 14);
        return 1;
    }
    json_t *choice;
    if (step == chunks) {
        choice = ex->route == RG_ROUTE_COMPLETIONS
                     ? json_pack("{s:i, s:s, s:s}", "index", 0, "text", "", "finish_reason", "stop")
                     : json_pack("{s:i, s:{}, s:s}", "index", 0, "delta", "finish_reason", "stop");
    } else {
        /* piece `step` of `chunks`, cut on UTF-8 boundaries */
        size_t a = len * (size_t)step / (size_t)chunks, e = len * (size_t)(step + 1) / (size_t)chunks;
        while (a < len && a > 0 && ((unsigned char)text[a] & 0xC0) == 0x80)
            a++;
        while (e < len && ((unsigned char)text[e] & 0xC0) == 0x80)
            e++;
        json_t *piece = json_stringn(text + a, e > a ? e - a : 0);
        if (ex->route == RG_ROUTE_COMPLETIONS)
            choice = json_pack("{s:i, s:o, s:n}", "index", 0, "text", piece, "finish_reason");
        else if (step == 0)
            choice = json_pack("{s:i, s:{s:s, s:o}, s:n}", "index", 0, "delta", "role", "assistant", "content",
                               piece, "finish_reason");
        else
            choice = json_pack("{s:i, s:{s:o}, s:n}", "index", 0, "delta", "content", piece, "finish_reason");
    }
    json_t *ev = json_pack("{s:s, s:s, s:i, s:s, s:[o]}", "id", "chatcmpl-railgate-mock", "object",
                           ex->route == RG_ROUTE_COMPLETIONS ? "text_completion" : "chat.completion.chunk", "created",
                           1700000000, "model", ex->model->name, "choices", choice);
    char *s = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    if (s) {
        rg_sse_frame(b, s, strlen(s));
        free(s);
    }
    return 1;
}

static void stream_pump(rg_exchange_t *ex);

static void on_timer(uv_timer_t *t)
{
    stream_pump(t->data);
}

static int stream_over(rg_exchange_t *ex)
{
    return ex->finished || ex->client_gone || ex->upstream_done || ex->guard_wait || ex->guard_cut;
}

/*
 * Makes events until something is queued for the client, then hands it to
 * h2o and waits for proceed (back-pressure); events the output guardrails
 * hold are followed by the next one at once (or after mock_chunk_delay).
 */
static void stream_pump(rg_exchange_t *ex)
{
    rg_buf_t b;
    rg_buf_init(&b, strlen(ex->mock_text) + 65536);
    while (!stream_over(ex) && !ex->sending) {
        rg_buf_reset(&b);
        int more = stream_event(ex, ex->mock_step++, &b) && b.len >= 8; /* "data: " payload "\n\n" */
        rg_sse_event_t ev = {.raw = b.data,
                             .raw_len = b.len,
                             .data = more ? b.data + 6 : "",
                             .data_len = more ? b.len - 8 : 0,
                             .event = "",
                             .has_data = 1};
        if (!more || rg_exchange_stream_event(ex, &ev) != 0) {
            ex->t_up1 = rg_now_us();
            rg_exchange_stream_end(ex); /* the output guardrails' verdict, then the end */
            break;
        }
        if (ex->resp.len > 0) {
            rg_exchange_flush(ex);
            break;
        }
        if (ex->model->mock_chunk_delay_ms && ex->timer) {
            uv_timer_start(ex->timer, on_timer, ex->model->mock_chunk_delay_ms, 0);
            break;
        }
    }
    rg_buf_free(&b);
}

static void stream_proceed(h2o_generator_t *gen, h2o_req_t *req)
{
    (void)req;
    rg_exchange_t *ex = (rg_exchange_t *)gen;
    ex->sending = 0;
    rg_buf_reset(&ex->out);
    int last = ex->mock_step > (int)ex->model->mock_chunks + 1;
    if (stream_over(ex) || ex->resp.len > 0)
        rg_exchange_flush(ex); /* what the guardrails' final verdict queued, and the end */
    else if (ex->model->mock_chunk_delay_ms && ex->timer && !last)
        uv_timer_start(ex->timer, on_timer, ex->model->mock_chunk_delay_ms, 0);
    else
        stream_pump(ex);
}

static void on_first_byte(uv_timer_t *t)
{
    rg_exchange_t *ex = t->data;
    if (ex->stream) {
        ex->streaming = 1;
        ex->gen.proceed = stream_proceed;
        rg_exchange_stream_init(ex);
        rg_exchange_start_stream(ex);
        stream_pump(ex);
    } else if (ex->route == RG_ROUTE_EMBEDDINGS) {
        embeddings(ex);
    } else {
        complete(ex);
    }
}

void rg_mock_start(rg_exchange_t *ex)
{
    ex->t_up0 = rg_now_us();
    if (ex->route != RG_ROUTE_EMBEDDINGS && (ex->mock_text = reply_text(ex)) == NULL) {
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return;
    }
    int need_timer = ex->model->mock_delay_ms || (ex->stream && ex->model->mock_chunk_delay_ms);
    if (need_timer) {
        ex->timer = malloc(sizeof(uv_timer_t));
        if (ex->timer == NULL) {
            rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
            return;
        }
        uv_timer_init(&ex->w->loop, ex->timer);
        ex->timer->data = ex;
    }
    if (ex->model->mock_delay_ms) {
        uv_timer_start(ex->timer, on_first_byte, ex->model->mock_delay_ms, 0);
        return;
    }
    uv_timer_t fake = {.data = ex};
    on_first_byte(&fake);
}
