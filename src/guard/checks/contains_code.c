/*
 * default.containsCode — fenced code blocks matching Portkey's
 * /```(\w+)\n[\s\S]*?\n```/g (a language tag is required; \w is ASCII);
 * each tag is lower-cased and mapped through Portkey's table (py → Python,
 * js/jsx → JavaScript, ts/tsx → TypeScript, sh → Shell, yml → YAML, ...;
 * unknown tags stay as written, lower-cased). verdict = `format` among them
 * (exact, case-sensitive) XOR not; no fenced block at all → verdict = not.
 * Empty text is an error.
 *
 * Portkey's table is a plain JS object, so a tag naming an
 * Object.prototype member resolves to it: "constructor" yields a function
 * (serialised as null in foundFormats) and "__proto__" the prototype
 * (serialised as {}). Reproduced.
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *format;
    int not;
} contains_code_t;

static const char *const lang_map[][2] = {
    {"sql", "SQL"},       {"py", "Python"},     {"python", "Python"},   {"gyp", "Python"},
    {"ts", "TypeScript"}, {"tsx", "TypeScript"}, {"typescript", "TypeScript"}, {"js", "JavaScript"},
    {"jsx", "JavaScript"}, {"javascript", "JavaScript"}, {"java", "Java"}, {"cs", "C#"},
    {"cpp", "C++"},       {"c", "C"},           {"rb", "Ruby"},         {"php", "PHP"},
    {"swift", "Swift"},   {"kt", "Kotlin"},     {"go", "Go"},           {"rs", "Rust"},
    {"scala", "Scala"},   {"r", "R"},           {"pl", "Perl"},         {"sh", "Shell"},
    {"html", "HTML"},     {"css", "CSS"},       {"xml", "XML"},         {"json", "JSON"},
    {"yml", "YAML"},      {"md", "Markdown"},   {"dockerfile", "Dockerfile"},
};

static void cc_free(void *p)
{
    contains_code_t *c = p;
    if (c) {
        free(c->format);
        free(c);
    }
}

static void *cc_compile(json_t *params, char *err, size_t errsz)
{
    json_t *f = json_object_get(params, "format");
    if (f == NULL || json_is_null(f) || (json_is_string(f) && json_string_length(f) == 0)) {
        snprintf(err, errsz, "Missing required parameter: format");
        return NULL;
    }
    if (!json_is_string(f)) {
        snprintf(err, errsz, "format must be a string");
        return NULL;
    }
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    contains_code_t *c = calloc(1, sizeof(*c));
    if (c == NULL || (c->format = strdup(json_string_value(f))) == NULL) {
        free(c);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->not = not;
    return c;
}

static int word_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* The mapped language of a lower-cased tag, as a JSON value. */
static json_t *language(const char *tag, int *is_format, const char *format)
{
    const char *name = tag;
    for (size_t i = 0; i < sizeof(lang_map) / sizeof(lang_map[0]); i++)
        if (strcmp(tag, lang_map[i][0]) == 0)
            name = lang_map[i][1];
    if (strcmp(tag, "constructor") == 0) {
        *is_format = 0;
        return json_null();
    }
    if (strcmp(tag, "__proto__") == 0) {
        *is_format = 0;
        return json_object();
    }
    *is_format = strcmp(name, format) == 0;
    return json_string(name);
}

static void cc_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const contains_code_t *c = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    res->data = json_object();
    if (len == 0) {
        rg_check_fail(res, "No text content to analyze");
        json_object_set_new(res->data, "explanation",
                            json_string("Error while checking for code blocks: No text content to analyze"));
        json_object_set_new(res->data, "searchedFormat", json_string(c->format));
        json_object_set_new(res->data, "not", json_boolean(c->not));
        json_object_set_new(res->data, "textExcerpt", json_string("No text available"));
        return;
    }

    json_t *found = json_array();
    int has = 0;
    for (size_t i = 0; i + 3 <= len;) {
        if (memcmp(text + i, "```", 3) != 0) {
            i++;
            continue;
        }
        size_t t = i + 3, te = t;
        while (te < len && word_char(text[te]))
            te++;
        if (te == t || te >= len || text[te] != '\n') {
            i++;
            continue;
        }
        const char *close = memmem(text + te + 1, len - te - 1, "\n```", 4);
        if (close == NULL)
            break; /* no closing fence after here: no later block can close either */
        char *tag = malloc(te - t + 1);
        if (tag == NULL)
            break;
        for (size_t k = 0; k < te - t; k++)
            tag[k] = (char)(text[t + k] >= 'A' && text[t + k] <= 'Z' ? text[t + k] + ('a' - 'A') : text[t + k]);
        tag[te - t] = '\0';
        int is_format;
        json_array_append_new(found, language(tag, &is_format, c->format));
        has |= is_format;
        free(tag);
        i = (size_t)(close - text) + 4;
    }

    json_t *excerpt = rg_check_excerpt(text, len);
    if (json_array_size(found) == 0) {
        res->verdict = c->not;
        json_object_set_new(res->data, "explanation", json_string("No code blocks found in the text"));
        json_object_set_new(res->data, "searchedFormat", json_string(c->format));
        json_object_set_new(res->data, "not", json_boolean(c->not));
        json_object_set_new(res->data, "foundFormats", found);
        json_object_set_new(res->data, "textExcerpt", excerpt);
        return;
    }
    int verdict = c->not ? !has : has;
    const char *fmt = verdict ? (c->not ? "No code blocks in %s format found as expected" : "Found code block(s) in %s format")
                              : (c->not ? "Found code block(s) in %s format when none were expected"
                                        : "No code blocks in %s format found");
    res->verdict = verdict;
    json_object_set_new(res->data, "explanation", json_sprintf(fmt, c->format));
    json_object_set_new(res->data, "searchedFormat", json_string(c->format));
    json_object_set_new(res->data, "not", json_boolean(c->not));
    json_object_set_new(res->data, "foundFormats", found);
    json_object_set_new(res->data, "textExcerpt", excerpt);
}

const rg_check_ops_t rg_check_contains_code = {
    .id = "default.containsCode",
    .compile = cc_compile,
    .run = cc_run,
    .free = cc_free,
};
