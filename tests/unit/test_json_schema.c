/*
 * test_json_schema.c — the JSON Schema validator (guard/json_schema.h) and
 * the JavaScript helpers it relies on (guard/json_js.h).
 *
 * The table pins, for each supported keyword passing and failing, the whole
 * error list (keyword, instance path, message, in order) that
 * @cfworker/json-schema 4.1.6 — the validator of the Portkey 1.15.2 peer —
 * reports for the same schema and instance with draft "2020-12" and every
 * error (its instanceLocation "#/a/0" is our path "/a/0"). The two rows
 * marked differ on purpose: Railgate does not assert "format".
 * Then: schemas refused at compile (with the place named), $ref cycles and
 * the work budget, deep instances, concurrent use, the JS helpers.
 */
#include "guard/js_value.h"
#include "guard/json_js.h"
#include "guard/json_schema.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *kw, *path, *msg;
} exp_err_t;

typedef struct {
    const char *name, *schema, *instance;
    int valid;
    size_t n;
    exp_err_t e[12];
} case_t;

static const case_t cases[] = {
    {"type string ok", "{\"type\":\"string\"}", "\"x\"", 1, 0, {{.kw = NULL}}},
    {"type string bad", "{\"type\":\"string\"}", "1", 0, 1, {
      {"type", "", "Instance type \"number\" is invalid. Expected \"string\"."},
    }},
    {"type integer ok 1.0", "{\"type\":\"integer\"}", "1.0", 1, 0, {{.kw = NULL}}},
    {"type integer bad 1.5", "{\"type\":\"integer\"}", "1.5", 0, 1, {
      {"type", "", "Instance type \"number\" is invalid. Expected \"integer\"."},
    }},
    {"type number ok int", "{\"type\":\"number\"}", "7", 1, 0, {{.kw = NULL}}},
    {"type null bad", "{\"type\":\"null\"}", "false", 0, 1, {
      {"type", "", "Instance type \"boolean\" is invalid. Expected \"null\"."},
    }},
    {"type boolean ok", "{\"type\":\"boolean\"}", "true", 1, 0, {{.kw = NULL}}},
    {"type array of types ok", "{\"type\":[\"string\",\"null\"]}", "null", 1, 0, {{.kw = NULL}}},
    {"type array of types bad", "{\"type\":[\"integer\",\"object\"]}", "2.5", 0, 1, {
      {"type", "", "Instance type \"number\" is invalid. Expected \"integer\", \"object\"."},
    }},
    {"type array bad on array", "{\"type\":\"object\"}", "[]", 0, 1, {
      {"type", "", "Instance type \"array\" is invalid. Expected \"object\"."},
    }},
    {"enum ok", "{\"enum\":[\"light\",\"dark\",1]}", "1.0", 1, 0, {{.kw = NULL}}},
    {"enum bad", "{\"enum\":[\"light\",\"dark\"]}", "\"dim\"", 0, 1, {
      {"enum", "", "Instance does not match any of [\"light\",\"dark\"]."},
    }},
    {"enum object deep ok", "{\"enum\":[{\"a\":[1,{\"b\":null}]}]}", "{\"a\":[1,{\"b\":null}]}", 1, 0, {{.kw = NULL}}},
    {"enum object bad", "{\"enum\":[{\"a\":1},[1,2],0.1,1e+21]}", "{\"a\":2}", 0, 1, {
      {"enum", "", "Instance does not match any of [{\"a\":1},[1,2],0.1,1e+21]."},
    }},
    {"const ok key order", "{\"const\":{\"a\":1,\"b\":[true]}}", "{\"b\":[true],\"a\":1}", 1, 0, {{.kw = NULL}}},
    {"const bad", "{\"const\":{\"b\":1,\"2\":\"x\\n\"}}", "{\"b\":1}", 0, 1, {
      {"const", "", "Instance does not match {\"2\":\"x\\n\",\"b\":1}."},
    }},
    {"const null bad", "{\"const\":null}", "0", 0, 1, {
      {"const", "", "Instance does not match null."},
    }},
    {"properties ok", "{\"properties\":{\"a\":{\"type\":\"string\"}}}", "{\"a\":\"x\",\"b\":1}", 1, 0, {{.kw = NULL}}},
    {"properties bad", "{\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"minimum\":3}}}", "{\"a\":1,\"b\":2}", 0, 4, {
      {"properties", "", "Property \"a\" does not match schema."},
      {"type", "/a", "Instance type \"number\" is invalid. Expected \"string\"."},
      {"properties", "", "Property \"b\" does not match schema."},
      {"minimum", "/b", "2 is less than 3."},
    }},
    {"required bad", "{\"required\":[\"answer\",\"why\"]}", "{\"why\":1}", 0, 1, {
      {"required", "", "Instance does not have required property \"answer\"."},
    }},
    {"required non-object ignored", "{\"required\":[\"a\"]}", "\"text\"", 1, 0, {{.kw = NULL}}},
    {"additionalProperties false", "{\"properties\":{\"a\":{}},\"additionalProperties\":false}", "{\"a\":1,\"x\":2,\"y/z\":3}", 0, 4, {
      {"additionalProperties", "", "Property \"x\" does not match additional properties schema."},
      {"false", "/x", "False boolean schema."},
      {"additionalProperties", "", "Property \"y/z\" does not match additional properties schema."},
      {"false", "/y~1z", "False boolean schema."},
    }},
    {"additionalProperties schema", "{\"properties\":{\"a\":{}},\"additionalProperties\":{\"type\":\"integer\"}}", "{\"a\":\"s\",\"x\":2,\"y\":\"no\"}", 0, 2, {
      {"additionalProperties", "", "Property \"y\" does not match additional properties schema."},
      {"type", "/y", "Instance type \"string\" is invalid. Expected \"integer\"."},
    }},
    {"additionalProperties with failing property", "{\"properties\":{\"a\":{\"type\":\"string\"}},\"additionalProperties\":false}", "{\"a\":1}", 0, 2, {
      {"properties", "", "Property \"a\" does not match schema."},
      {"type", "/a", "Instance type \"number\" is invalid. Expected \"string\"."},
    }},
    {"patternProperties", "{\"patternProperties\":{\"^x_\":{\"type\":\"integer\"},\"\\\\d$\":{\"maximum\":5}},\"additionalProperties\":false}", "{\"x_1\":9,\"x_a\":\"s\",\"k\":1}", 0, 6, {
      {"patternProperties", "", "Property \"x_a\" matches pattern \"^x_\" but does not match associated schema."},
      {"type", "/x_a", "Instance type \"string\" is invalid. Expected \"integer\"."},
      {"patternProperties", "", "Property \"x_1\" matches pattern \"\\d$\" but does not match associated schema."},
      {"maximum", "/x_1", "9 is greater than 5."},
      {"additionalProperties", "", "Property \"k\" does not match additional properties schema."},
      {"false", "/k", "False boolean schema."},
    }},
    {"items schema", "{\"items\":{\"type\":\"integer\"}}", "[1,\"a\",3,null]", 0, 4, {
      {"items", "", "Items did not match schema."},
      {"type", "/1", "Instance type \"string\" is invalid. Expected \"integer\"."},
      {"items", "", "Items did not match schema."},
      {"type", "/3", "Instance type \"null\" is invalid. Expected \"integer\"."},
    }},
    {"prefixItems and items", "{\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"boolean\"}],\"items\":{\"type\":\"integer\"}}", "[\"a\",1,2,\"b\"]", 0, 4, {
      {"prefixItems", "", "Items did not match schema."},
      {"type", "/1", "Instance type \"number\" is invalid. Expected \"boolean\"."},
      {"items", "", "Items did not match schema."},
      {"type", "/3", "Instance type \"string\" is invalid. Expected \"integer\"."},
    }},
    {"items tuple and additionalItems", "{\"items\":[{\"type\":\"string\"}],\"additionalItems\":false}", "[\"a\",1]", 0, 2, {
      {"additionalItems", "", "Items did not match additional items schema."},
      {"false", "/1", "False boolean schema."},
    }},
    {"minItems maxItems", "{\"minItems\":2,\"maxItems\":3}", "[1]", 0, 1, {
      {"minItems", "", "Array has too few items (1 < 2)."},
    }},
    {"maxItems bad", "{\"maxItems\":1}", "[1,2,3]", 0, 1, {
      {"maxItems", "", "Array has too many items (3 > 1)."},
    }},
    {"uniqueItems ok", "{\"uniqueItems\":true}", "[1,\"1\",[1],{\"a\":1}]", 1, 0, {{.kw = NULL}}},
    {"uniqueItems bad numbers", "{\"uniqueItems\":true}", "[0,1,2,1.0,2]", 0, 1, {
      {"uniqueItems", "", "Duplicate items at indexes 1 and 3."},
    }},
    {"uniqueItems bad objects", "{\"uniqueItems\":true}", "[{\"a\":1,\"b\":2},3,{\"b\":2,\"a\":1}]", 0, 1, {
      {"uniqueItems", "", "Duplicate items at indexes 0 and 2."},
    }},
    {"minLength code points ok", "{\"minLength\":2,\"maxLength\":2}", "\"😀😀\"", 1, 0, {{.kw = NULL}}},
    {"maxLength bad", "{\"maxLength\":3}", "\"héllo\"", 0, 1, {
      {"maxLength", "", "String is too long (5 > 3)."},
    }},
    {"minLength bad", "{\"minLength\":4}", "\"abc\"", 0, 1, {
      {"minLength", "", "String is too short (3 < 4)."},
    }},
    {"pattern ok unanchored", "{\"pattern\":\"\\\\d{3}\"}", "\"ab123cd\"", 1, 0, {{.kw = NULL}}},
    {"pattern bad", "{\"pattern\":\"^[a-z]+$\"}", "\"abc1\"", 0, 1, {
      {"pattern", "", "String does not match pattern."},
    }},
    {"pattern unicode space", "{\"pattern\":\"^\\\\S+\\\\s\\\\S+$\"}", "\"a b\"", 1, 0, {{.kw = NULL}}},
    {"pattern dollar end only", "{\"pattern\":\"^a$\"}", "\"a\\n\"", 0, 1, {
      {"pattern", "", "String does not match pattern."},
    }},
    {"pattern dot not newline", "{\"pattern\":\"^a.b$\"}", "\"a\\nb\"", 0, 1, {
      {"pattern", "", "String does not match pattern."},
    }},
    {"minimum maximum", "{\"minimum\":1,\"maximum\":10}", "0.5", 0, 1, {
      {"minimum", "", "0.5 is less than 1."},
    }},
    {"maximum bad", "{\"maximum\":10}", "1e21", 0, 1, {
      {"maximum", "", "1e+21 is greater than 10."},
    }},
    {"exclusive bounds", "{\"exclusiveMinimum\":0,\"exclusiveMaximum\":1}", "1", 0, 1, {
      {"exclusiveMaximum", "", "1 is greater than or equal to 1."},
    }},
    {"exclusiveMinimum bad", "{\"exclusiveMinimum\":0}", "0", 0, 1, {
      {"exclusiveMinimum", "", "0 is less than 0."},
    }},
    {"multipleOf decimal ok", "{\"multipleOf\":0.1}", "0.3", 1, 0, {{.kw = NULL}}},
    {"multipleOf bad", "{\"multipleOf\":0.1}", "0.35", 0, 1, {
      {"multipleOf", "", "0.35 is not a multiple of 0.1."},
    }},
    {"multipleOf integer bad", "{\"multipleOf\":3}", "10", 0, 1, {
      {"multipleOf", "", "10 is not a multiple of 3."},
    }},
    {"minProperties", "{\"minProperties\":2}", "{\"a\":1}", 0, 1, {
      {"minProperties", "", "Instance does not have at least 2 properties."},
    }},
    {"maxProperties (sic message)", "{\"maxProperties\":1}", "{\"a\":1,\"b\":2}", 0, 1, {
      {"maxProperties", "", "Instance does not have at least 1 properties."},
    }},
    {"allOf bad", "{\"allOf\":[{\"type\":\"object\"},{\"required\":[\"a\"]},{\"minProperties\":0}]}", "[]", 0, 2, {
      {"allOf", "", "Instance does not match every subschema."},
      {"type", "", "Instance type \"array\" is invalid. Expected \"object\"."},
    }},
    {"anyOf ok", "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "3", 1, 0, {{.kw = NULL}}},
    {"anyOf bad", "{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":5}]}", "3", 0, 3, {
      {"anyOf", "", "Instance does not match any subschemas."},
      {"type", "", "Instance type \"number\" is invalid. Expected \"string\"."},
      {"minimum", "", "3 is less than 5."},
    }},
    {"oneOf two match", "{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}", "3", 0, 1, {
      {"oneOf", "", "Instance does not match exactly one subschema (2 matches)."},
    }},
    {"oneOf none", "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}", "3", 0, 3, {
      {"oneOf", "", "Instance does not match exactly one subschema (0 matches)."},
      {"type", "", "Instance type \"number\" is invalid. Expected \"string\"."},
      {"type", "", "Instance type \"number\" is invalid. Expected \"null\"."},
    }},
    {"oneOf exactly one", "{\"oneOf\":[{\"type\":\"string\"},{\"minimum\":0}]}", "3", 1, 0, {{.kw = NULL}}},
    {"not ok", "{\"not\":{\"type\":\"string\"}}", "3", 1, 0, {{.kw = NULL}}},
    {"not bad", "{\"not\":{\"type\":\"string\"}}", "\"s\"", 0, 1, {
      {"not", "", "Instance matched \"not\" schema."},
    }},
    {"nested combinators", "{\"anyOf\":[{\"allOf\":[{\"type\":\"object\"},{\"required\":[\"a\"]}]},{\"not\":{\"anyOf\":[{\"type\":\"object\"},{\"type\":\"array\"}]}}]}", "{\"b\":1}", 0, 4, {
      {"anyOf", "", "Instance does not match any subschemas."},
      {"allOf", "", "Instance does not match every subschema."},
      {"required", "", "Instance does not have required property \"a\"."},
      {"not", "", "Instance matched \"not\" schema."},
    }},
    {"ref defs", "{\"$defs\":{\"pos\":{\"type\":\"integer\",\"minimum\":1}},\"properties\":{\"n\":{\"$ref\":\"#/$defs/pos\"}}}", "{\"n\":0}", 0, 3, {
      {"properties", "", "Property \"n\" does not match schema."},
      {"$ref", "/n", "A subschema had errors."},
      {"minimum", "/n", "0 is less than 1."},
    }},
    {"ref definitions", "{\"definitions\":{\"s\":{\"type\":\"string\"}},\"items\":{\"$ref\":\"#/definitions/s\"}}", "[\"a\",2]", 0, 3, {
      {"items", "", "Items did not match schema."},
      {"$ref", "/1", "A subschema had errors."},
      {"type", "/1", "Instance type \"number\" is invalid. Expected \"string\"."},
    }},
    {"ref with siblings", "{\"$defs\":{\"o\":{\"type\":\"object\"}},\"$ref\":\"#/$defs/o\",\"required\":[\"a\"]}", "{}", 0, 1, {
      {"required", "", "Instance does not have required property \"a\"."},
    }},
    {"ref recursive tree ok", "{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}}}", "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[]},{\"v\":3}]}", 1, 0, {{.kw = NULL}}},
    {"ref recursive tree bad", "{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}}}", "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[{\"v\":\"x\"}]}]}", 0, 8, {
      {"properties", "", "Property \"kids\" does not match schema."},
      {"items", "/kids", "Items did not match schema."},
      {"$ref", "/kids/0", "A subschema had errors."},
      {"properties", "/kids/0", "Property \"kids\" does not match schema."},
      {"items", "/kids/0/kids", "Items did not match schema."},
      {"$ref", "/kids/0/kids/0", "A subschema had errors."},
      {"properties", "/kids/0/kids/0", "Property \"v\" does not match schema."},
      {"type", "/kids/0/kids/0/v", "Instance type \"string\" is invalid. Expected \"integer\"."},
    }},
    {"ref escaped pointer", "{\"$defs\":{\"a/b\":{\"type\":\"string\"},\"t~\":{\"type\":\"integer\"},\"sp ace\":{\"const\":1}},\"properties\":{\"x\":{\"$ref\":\"#/$defs/a~1b\"},\"y\":{\"$ref\":\"#/$defs/t~0\"},\"z\":{\"$ref\":\"#/$defs/sp%20ace\"}}}", "{\"x\":1,\"y\":\"s\",\"z\":2}", 0, 9, {
      {"properties", "", "Property \"x\" does not match schema."},
      {"$ref", "/x", "A subschema had errors."},
      {"type", "/x", "Instance type \"number\" is invalid. Expected \"string\"."},
      {"properties", "", "Property \"y\" does not match schema."},
      {"$ref", "/y", "A subschema had errors."},
      {"type", "/y", "Instance type \"string\" is invalid. Expected \"integer\"."},
      {"properties", "", "Property \"z\" does not match schema."},
      {"$ref", "/z", "A subschema had errors."},
      {"const", "/z", "Instance does not match 1."},
    }},
    {"if then", "{\"if\":{\"properties\":{\"kind\":{\"const\":\"a\"}}},\"then\":{\"required\":[\"x\"]},\"else\":{\"required\":[\"y\"]}}", "{\"kind\":\"a\"}", 0, 2, {
      {"if", "", "Instance does not match \"then\" schema."},
      {"required", "", "Instance does not have required property \"x\"."},
    }},
    {"if else", "{\"if\":{\"properties\":{\"kind\":{\"const\":\"a\"}}},\"then\":{\"required\":[\"x\"]},\"else\":{\"required\":[\"y\"]}}", "{\"kind\":\"b\"}", 0, 2, {
      {"if", "", "Instance does not match \"else\" schema."},
      {"required", "", "Instance does not have required property \"y\"."},
    }},
    {"dependentRequired", "{\"dependentRequired\":{\"card\":[\"cvv\",\"exp\"]}}", "{\"card\":1,\"exp\":2}", 0, 1, {
      {"dependentRequired", "", "Instance has \"card\" but does not have \"cvv\"."},
    }},
    {"dependentSchemas", "{\"dependentSchemas\":{\"card\":{\"required\":[\"cvv\"]}}}", "{\"card\":1}", 0, 2, {
      {"dependentSchemas", "", "Instance has \"card\" but does not match dependant schema."},
      {"required", "", "Instance does not have required property \"cvv\"."},
    }},
    {"propertyNames", "{\"propertyNames\":{\"maxLength\":3}}", "{\"abc\":1,\"abcd\":2}", 0, 2, {
      {"propertyNames", "", "Property name \"abcd\" does not match schema."},
      {"maxLength", "/abcd", "String is too long (4 > 3)."},
    }},
    {"contains bad", "{\"contains\":{\"type\":\"integer\"}}", "[\"a\",\"b\"]", 0, 1, {
      {"contains", "", "Array does not contain item matching schema."},
    }},
    {"contains empty", "{\"contains\":{\"type\":\"integer\"}}", "[]", 0, 1, {
      {"contains", "", "Array is empty. It must contain at least one item matching the schema."},
    }},
    {"minContains maxContains", "{\"contains\":{\"type\":\"integer\"},\"minContains\":2,\"maxContains\":3}", "[1,\"a\"]", 0, 2, {
      {"type", "/1", "Instance type \"string\" is invalid. Expected \"integer\"."},
      {"minContains", "", "Array must contain at least 2 items matching schema. Only 1 items were found."},
    }},
    {"maxContains bad", "{\"contains\":{\"type\":\"integer\"},\"maxContains\":1}", "[1,2]", 0, 1, {
      {"maxContains", "", "Array may contain at most 1 items matching schema. 2 items were found."},
    }},
    {"unevaluatedProperties", "{\"allOf\":[{\"properties\":{\"a\":true}}],\"properties\":{\"b\":true},\"unevaluatedProperties\":false}", "{\"a\":1,\"b\":2,\"c\":3}", 0, 2, {
      {"unevaluatedProperties", "", "Property \"c\" does not match unevaluated properties schema."},
      {"false", "/c", "False boolean schema."},
    }},
    {"unevaluatedItems", "{\"prefixItems\":[{\"type\":\"integer\"}],\"unevaluatedItems\":false}", "[1,2]", 0, 2, {
      {"unevaluatedItems", "", "Items did not match unevaluated items schema."},
      {"false", "/1", "False boolean schema."},
    }},
    /* @cfworker/json-schema also reports format "email" here: Railgate does not assert format */
    {"format ignored", "{\"type\":\"string\",\"format\":\"email\"}", "\"not-an-email\"", 1, 0, {{.kw = NULL}}},
    {"unknown keywords ignored", "{\"x-extra\":{\"type\":\"string\"},\"title\":\"t\",\"examples\":[1]}", "5", 1, 0, {{.kw = NULL}}},
    {"true schema", "true", "{\"a\":1}", 1, 0, {{.kw = NULL}}},
    {"false schema", "false", "1", 0, 1, {
      {"false", "", "False boolean schema."},
    }},
    {"false subschema path", "{\"properties\":{\"a\":{\"properties\":{\"b\":false}}}}", "{\"a\":{\"b\":1}}", 0, 3, {
      {"properties", "", "Property \"a\" does not match schema."},
      {"properties", "/a", "Property \"b\" does not match schema."},
      {"false", "/a/b", "False boolean schema."},
    }},
    {"error paths", "{\"properties\":{\"list\":{\"items\":{\"properties\":{\"x/y\":{\"type\":\"string\"},\"t~\":{\"type\":\"string\"}}}}}}", "{\"list\":[{},{\"x/y\":1,\"t~\":2}]}", 0, 6, {
      {"properties", "", "Property \"list\" does not match schema."},
      {"items", "/list", "Items did not match schema."},
      {"properties", "/list/1", "Property \"x/y\" does not match schema."},
      {"type", "/list/1/x~1y", "Instance type \"number\" is invalid. Expected \"string\"."},
      {"properties", "/list/1", "Property \"t~\" does not match schema."},
      {"type", "/list/1/t~0", "Instance type \"number\" is invalid. Expected \"string\"."},
    }},
    {"numeric keys in JS order", "{\"additionalProperties\":{\"type\":\"string\"}}", "{\"b\":1,\"2\":2,\"1\":3}", 0, 6, {
      {"additionalProperties", "", "Property \"1\" does not match additional properties schema."},
      {"type", "/1", "Instance type \"number\" is invalid. Expected \"string\"."},
      {"additionalProperties", "", "Property \"2\" does not match additional properties schema."},
      {"type", "/2", "Instance type \"number\" is invalid. Expected \"string\"."},
      {"additionalProperties", "", "Property \"b\" does not match additional properties schema."},
      {"type", "/b", "Instance type \"number\" is invalid. Expected \"string\"."},
    }},
    /* @cfworker/json-schema also reports format "email" here: Railgate does not assert format */
    {"portkey nested example", "{\"type\":\"object\",\"properties\":{\"user\":{\"type\":\"object\",\"required\":[\"name\",\"contact\",\"preferences\"],\"properties\":{\"name\":{\"type\":\"string\"},\"contact\":{\"type\":\"object\",\"required\":[\"email\",\"phone\"],\"properties\":{\"email\":{\"type\":\"string\",\"format\":\"email\"},\"phone\":{\"type\":\"object\",\"required\":[\"country\",\"number\"],\"properties\":{\"country\":{\"type\":\"string\"},\"number\":{\"type\":\"string\"}}}}},\"preferences\":{\"type\":\"object\",\"required\":[\"theme\",\"notifications\"],\"properties\":{\"theme\":{\"type\":\"string\",\"enum\":[\"light\",\"dark\"]},\"notifications\":{\"type\":\"boolean\"}}}}}},\"required\":[\"user\"]}", "{\"user\":{\"name\":\"John Doe\",\"contact\":{\"email\":\"invalid-email\",\"phone\":{\"country\":\"+1\"}},\"preferences\":{\"theme\":\"invalid-theme\",\"notifications\":\"not-a-boolean\"}}}", 0, 9, {
      {"properties", "", "Property \"user\" does not match schema."},
      {"properties", "/user", "Property \"contact\" does not match schema."},
      {"properties", "/user/contact", "Property \"phone\" does not match schema."},
      {"required", "/user/contact/phone", "Instance does not have required property \"number\"."},
      {"properties", "/user", "Property \"preferences\" does not match schema."},
      {"properties", "/user/preferences", "Property \"theme\" does not match schema."},
      {"enum", "/user/preferences/theme", "Instance does not match any of [\"light\",\"dark\"]."},
      {"properties", "/user/preferences", "Property \"notifications\" does not match schema."},
      {"type", "/user/preferences/notifications", "Instance type \"string\" is invalid. Expected \"boolean\"."},
    }},
};

static json_t *load(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
    if (j == NULL)
        fail_msg("bad test JSON %s: %s", s, e.text);
    return j;
}

static rg_jschema_t *compile_ok(const char *schema)
{
    json_t *j = load(schema);
    char err[256];
    rg_jschema_t *s = rg_jschema_compile(j, err, sizeof(err));
    json_decref(j);
    if (s == NULL)
        fail_msg("schema %s refused: %s", schema, err);
    return s;
}

static int run(const char *schema, const char *instance, rg_jschema_errors_t *errs)
{
    rg_jschema_t *s = compile_ok(schema);
    json_t *inst = rg_js_parse(instance, strlen(instance));
    assert_non_null(inst);
    int r = rg_jschema_validate(s, inst, errs);
    json_decref(inst);
    rg_jschema_free(s);
    return r;
}

static void test_keyword_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const case_t *c = &cases[i];
        rg_jschema_t *s = compile_ok(c->schema);
        json_t *inst = rg_js_parse(c->instance, strlen(c->instance));
        if (inst == NULL)
            fail_msg("%s: instance does not parse", c->name);
        rg_jschema_errors_t errs = {0};
        int r = rg_jschema_validate(s, inst, &errs);
        int quiet = rg_jschema_validate(s, inst, NULL);
        if (r != c->valid || quiet != r || errs.n != c->n) {
            for (size_t k = 0; k < errs.n; k++)
                print_error("  got %s %s %s\n", errs.v[k].keyword, errs.v[k].path, errs.v[k].message);
            fail_msg("%s: valid %d (without errors %d), %zu errors; want valid %d, %zu errors", c->name, r, quiet,
                     errs.n, c->valid, c->n);
        }
        for (size_t k = 0; k < errs.n; k++) {
            const exp_err_t *x = &c->e[k];
            if (strcmp(errs.v[k].keyword, x->kw) || strcmp(errs.v[k].path, x->path) ||
                strcmp(errs.v[k].message, x->msg))
                fail_msg("%s: error %zu is {%s, %s, %s}, want {%s, %s, %s}", c->name, k, errs.v[k].keyword,
                         errs.v[k].path, errs.v[k].message, x->kw, x->path, x->msg);
        }
        rg_jschema_errors_free(&errs);
        json_decref(inst);
        rg_jschema_free(s);
    }
}

static void test_invalid_schemas_refused(void **state)
{
    (void)state;
    static const struct {
        const char *schema, *want;
    } bad[] = {
        {"5", "a schema must be an object or a boolean"},
        {"{\"type\":\"strin\"}", "at #: \"type\": \"strin\" is not one of"},
        {"{\"type\":5}", "\"type\" must be a type name"},
        {"{\"type\":[]}", "\"type\" must be a type name or a non-empty array"},
        {"{\"type\":[\"string\",1]}", "is not one of"},
        {"{\"properties\":{\"a\":{\"minLength\":\"3\"}}}", "at #/properties/a: \"minLength\" must be a non-negative integer"},
        {"{\"minLength\":-1}", "\"minLength\" must be a non-negative integer"},
        {"{\"maxItems\":1.5}", "\"maxItems\" must be a non-negative integer"},
        {"{\"minimum\":\"1\"}", "\"minimum\" must be a number"},
        {"{\"exclusiveMaximum\":true}", "\"exclusiveMaximum\" must be a number"},
        {"{\"multipleOf\":0}", "\"multipleOf\" must be greater than 0"},
        {"{\"required\":\"a\"}", "\"required\" must be an array of strings"},
        {"{\"required\":[1]}", "\"required\" must be an array of strings"},
        {"{\"enum\":{}}", "\"enum\" must be an array"},
        {"{\"properties\":[]}", "\"properties\" must be an object whose values are schemas"},
        {"{\"properties\":{\"a\":1}}", "at #/properties/a: \"properties\" values must be schemas"},
        {"{\"items\":5}", "\"items\" must be a schema"},
        {"{\"prefixItems\":[]}", "\"prefixItems\" must be a non-empty array of schemas"},
        {"{\"allOf\":[]}", "\"allOf\" must be a non-empty array of schemas"},
        {"{\"anyOf\":{}}", "\"anyOf\" must be a non-empty array of schemas"},
        {"{\"oneOf\":[{},3]}", "at #/oneOf/1: \"oneOf\" must be an array of schemas"},
        {"{\"not\":1}", "\"not\" must be a schema"},
        {"{\"additionalProperties\":\"no\"}", "\"additionalProperties\" must be a schema"},
        {"{\"uniqueItems\":\"yes\"}", "\"uniqueItems\" must be a boolean"},
        {"{\"pattern\":\"(\"}", "\"pattern\": invalid regular expression \"(\""},
        {"{\"pattern\":7}", "\"pattern\" must be a string"},
        {"{\"patternProperties\":{\"[\":{}}}", "at #/patternProperties/[: \"patternProperties\": invalid regular expression"},
        {"{\"$ref\":\"#/$defs/missing\"}", "\"$ref\" \"#/$defs/missing\" does not resolve"},
        {"{\"$ref\":\"https://example.com/s.json\"}", "only references inside this schema"},
        {"{\"$ref\":\"#anchor\"}", "anchors are not supported"},
        {"{\"$ref\":1}", "\"$ref\" must be a string"},
        {"{\"enum\":[1],\"$ref\":\"#/enum\"}", "does not point to a schema"},
        {"{\"$defs\":{\"a\":1}}", "at #/$defs/a: \"$defs\" values must be schemas"},
        {"{\"dependentRequired\":{\"a\":\"b\"}}", "\"dependentRequired\" must be an object whose values are arrays"},
        {"{\"dependencies\":{\"a\":5}}", "\"dependencies\" values must be arrays of strings or schemas"},
        {"{\"format\":1}", "\"format\" must be a string"},
        {"{\"allOf\":[{\"properties\":{\"x\":{\"items\":{\"type\":\"nope\"}}}}]}", "at #/allOf/0/properties/x/items:"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *j = load(bad[i].schema);
        char err[256] = "";
        rg_jschema_t *s = rg_jschema_compile(j, err, sizeof(err));
        json_decref(j);
        if (s != NULL)
            fail_msg("schema %s compiled", bad[i].schema);
        if (strstr(err, bad[i].want) == NULL)
            fail_msg("schema %s: message \"%s\" lacks \"%s\"", bad[i].schema, err, bad[i].want);
        assert_true(strncmp(err, "invalid JSON schema", 19) == 0);
        assert_true(err[strlen(err) - 1] != '.');
    }
    char err[64];
    assert_null(rg_jschema_compile(NULL, err, sizeof(err)));
}

static void test_ref_cycles_are_too_deep(void **state)
{
    (void)state;
    assert_int_equal(run("{\"$ref\":\"#\"}", "1", NULL), RG_JSCHEMA_TOO_DEEP);
    rg_jschema_errors_t errs = {0};
    assert_int_equal(run("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"allOf\":[{\"$ref\":\"#/$defs/a\"}]}},"
                         "\"properties\":{\"x\":{\"$ref\":\"#/$defs/a\"}}}",
                         "{\"x\":1}", &errs),
                     RG_JSCHEMA_TOO_DEEP);
    assert_int_equal(errs.n, 0); /* nothing left behind */
    rg_jschema_errors_free(&errs);
    /* the cycle is only a problem when reached */
    assert_int_equal(run("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"properties\":{\"x\":{\"$ref\":\"#/$defs/a\"}}}",
                         "{\"y\":1}", NULL),
                     1);
}

static void test_recursive_schema_on_deep_instance(void **state)
{
    (void)state;
    /* 300 levels of {"c": ...} against a schema that refers to itself per level */
    char *inst = malloc(300 * 6 + 16);
    char *p = inst;
    for (int i = 0; i < 300; i++)
        p += sprintf(p, "{\"c\":");
    p += sprintf(p, "1");
    for (int i = 0; i < 300; i++)
        *p++ = '}';
    *p = '\0';
    rg_jschema_errors_t errs = {0};
    assert_int_equal(run("{\"type\":\"object\",\"properties\":{\"c\":{\"anyOf\":[{\"$ref\":\"#\"},{\"type\":\"string\"}]}}}",
                         inst, &errs),
                     0);
    /* the leaf 1 is neither an object nor a string: 300 levels of wrappers */
    assert_true(errs.n > 600);
    assert_string_equal(errs.v[0].path, "");
    rg_jschema_errors_free(&errs);
    assert_int_equal(run("{\"type\":\"object\",\"properties\":{\"c\":{\"anyOf\":[{\"$ref\":\"#\"},{\"type\":\"integer\"}]}}}",
                         inst, NULL),
                     1);
    free(inst);
}

static void test_work_budget(void **state)
{
    (void)state;
    /* every level tries two copies of the next: 2^26 evaluations of one instance */
    char schema[4096];
    char *p = schema;
    p += sprintf(p, "{\"$ref\":\"#/$defs/d0\",\"$defs\":{");
    for (int i = 0; i < 26; i++)
        p += sprintf(p, "\"d%d\":{\"anyOf\":[{\"$ref\":\"#/$defs/d%d\"},{\"$ref\":\"#/$defs/d%d\"}]},", i, i + 1, i + 1);
    p += sprintf(p, "\"d26\":false}}");
    assert_int_equal(run(schema, "1", NULL), RG_JSCHEMA_TOO_COSTLY);
}

static void test_compile_keeps_its_own_copy(void **state)
{
    (void)state;
    json_t *j = load("{\"properties\":{\"a\":{\"enum\":[\"x\"]}},\"required\":[\"a\"]}");
    char err[128];
    rg_jschema_t *s = rg_jschema_compile(j, err, sizeof(err));
    assert_non_null(s);
    json_object_clear(j); /* the caller's schema may change or go away */
    json_decref(j);
    json_t *inst = load("{\"a\":\"y\"}");
    rg_jschema_errors_t errs = {0};
    assert_int_equal(rg_jschema_validate(s, inst, &errs), 0);
    assert_int_equal(errs.n, 2);
    assert_string_equal(errs.v[1].message, "Instance does not match any of [\"x\"].");
    rg_jschema_errors_free(&errs);
    /* errors are appended to what the caller already has */
    json_t *ok = load("{\"a\":\"x\"}");
    assert_int_equal(rg_jschema_validate(s, ok, &errs), 1);
    assert_int_equal(errs.n, 0);
    json_decref(ok);
    json_decref(inst);
    rg_jschema_free(s);
}

typedef struct {
    const rg_jschema_t *s;
    int bad;
} thread_arg_t;

static void *worker(void *p)
{
    thread_arg_t *a = p;
    json_t *good = load("{\"name\":\"n\",\"tags\":[\"a\",\"b\"],\"n\":3}");
    json_t *bad = load("{\"name\":5,\"tags\":[\"a\",\"a\"],\"n\":-1,\"zz\":1}");
    for (int i = 0; i < 300; i++) {
        rg_jschema_errors_t errs = {0};
        if (rg_jschema_validate(a->s, good, NULL) != 1)
            a->bad++;
        if (rg_jschema_validate(a->s, bad, &errs) != 0 || errs.n != 8)
            a->bad++;
        rg_jschema_errors_free(&errs);
    }
    json_decref(good);
    json_decref(bad);
    return NULL;
}

static void test_concurrent_validation(void **state)
{
    (void)state;
    rg_jschema_t *s = compile_ok("{\"properties\":{\"name\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"},"
                                 "\"tags\":{\"uniqueItems\":true},\"n\":{\"minimum\":0}},"
                                 "\"patternProperties\":{\"^z\":false},\"additionalProperties\":false}");
    pthread_t t[4];
    thread_arg_t a[4] = {{s, 0}, {s, 0}, {s, 0}, {s, 0}};
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, &a[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(a[i].bad, 0);
    }
    rg_jschema_free(s);
}

static void test_js_number(void **state)
{
    (void)state;
    static const struct {
        double x;
        const char *s;
    } v[] = {
        {0, "0"},           {-0.0, "0"},         {1, "1"},          {-1.5, "-1.5"},
        {0.1, "0.1"},       {0.1 + 0.2, "0.30000000000000004"}, {100, "100"},
        {1e20, "100000000000000000000"}, {1e21, "1e+21"}, {1.5e300, "1.5e+300"},
        {1e-6, "0.000001"}, {1e-7, "1e-7"},      {1.25e-7, "1.25e-7"}, {123456789012.5, "123456789012.5"},
        {5e-324, "5e-324"}, {9007199254740993.0, "9007199254740992"},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char b[RG_JS_NUMBER_MAX];
        rg_js_number(v[i].x, b);
        if (strcmp(b, v[i].s) != 0)
            fail_msg("%.17g prints %s, want %s", v[i].x, b, v[i].s);
    }
}

static void test_js_parse_and_stringify(void **state)
{
    (void)state;
    /* JavaScript property order: array-index keys first, ascending; 1.0 is 1; last duplicate wins */
    const char *t = "{\"b\":1.0,\"10\":[2.50,-0.0],\"1\":\"\\u0001\\\"/\",\"01\":null,\"b\":{\"2\":1,\"x\":2,\"0\":3}}";
    json_t *v = rg_js_parse(t, strlen(t));
    assert_non_null(v);
    char *s = rg_js_stringify(v);
    assert_string_equal(s, "{\"1\":\"\\u0001\\\"/\",\"10\":[2.5,0],\"b\":{\"0\":3,\"2\":1,\"x\":2},\"01\":null}");
    free(s);
    json_decref(v);
    /* what JSON.parse refuses */
    static const char *const no[] = {"", "{", "{} x", "{'a':1}", "[1,]", "{\"a\":1}\x00", "01", "\"\\x\""};
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        assert_null(rg_js_parse(no[i], strlen(no[i]) + (i == 5)));
    /* scalars are values too; huge integers become doubles */
    v = rg_js_parse("12345678901234567890", 20);
    assert_true(json_is_real(v));
    json_decref(v);
    v = rg_js_parse(" \"x\" ", 5);
    assert_string_equal(json_string_value(v), "x");
    json_decref(v);
    /* \u0000 is an ordinary character to JSON.parse (the fast loader refuses it; jansson's reading takes it) */
    v = rg_js_parse("{\"a\":\"x\\u0000y\"}", 16);
    assert_non_null(v);
    assert_int_equal(json_string_length(json_object_get(v, "a")), 3);
    json_decref(v);
    /* the same tree whichever loader read it: an object the fast loader takes, and one only jansson takes */
    const char *once = "{\"k\":[1,2.5,\"s\",true,null],\"n\":{\"m\":-7}}";
    const char *twice = "{\"k\":0,\"k\":[1,2.5,\"s\",true,null],\"n\":{\"m\":-7}}";
    json_t *fast = rg_js_parse(once, strlen(once)), *slow = rg_js_parse(twice, strlen(twice));
    assert_non_null(fast);
    assert_non_null(slow);
    assert_true(json_equal(fast, slow));
    json_decref(fast);
    json_decref(slow);
    assert_int_equal(rg_js_utf16_length("a\xc3\xa9\xf0\x9f\x98\x80", 7), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyword_table),
        cmocka_unit_test(test_invalid_schemas_refused),
        cmocka_unit_test(test_ref_cycles_are_too_deep),
        cmocka_unit_test(test_recursive_schema_on_deep_instance),
        cmocka_unit_test(test_work_budget),
        cmocka_unit_test(test_compile_keeps_its_own_copy),
        cmocka_unit_test(test_concurrent_validation),
        cmocka_unit_test(test_js_number),
        cmocka_unit_test(test_js_parse_and_stringify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
