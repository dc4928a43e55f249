/* test_providers.c - the provider table (providers/table.c) and what every
 * provider module must hold to plug into the core: its operations, its
 * options in their slots, its aliases and its hooks. Also pins the texts the
 * core builds from the tables (provider names, known options). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "sendevent/sendevent.h"

/* An option key of the client: a common one, or one of provider p. */
static int key_count(const sei_provider *p, const char *key) {
    int n = 0;
    for (size_t i = 0; i < O_COMMON_COUNT; i++)
        n += !strcmp(sei_common_options[i].key, key);
    for (size_t i = 0; i < p->n_options; i++)
        n += !strcmp(p->options[i].key, key);
    for (const sei_option_alias *a = p->aliases; a && a->key; a++)
        n += !strcmp(a->key, key);
    return n;
}

static void check_option(const sei_option *o) {
    CHECK(o->key && o->key[0]);
    CHECK(o->help && o->help[0]);
    CHECK(o->max_len > 0);
    CHECK(o->kind != SEI_OPT_ENUM || o->values);
    CHECK(o->kind != SEI_OPT_INT || o->min <= o->max);
    CHECK(o->kind != SEI_OPT_SECONDS || o->min <= o->max);
}

static void test_table(void) {
    size_t n = 0;
    for (const sei_provider *const *pp = sei_providers; *pp; pp++, n++) {
        const sei_provider *p = *pp;
        CHECK(sei_provider_find(p->name) == p);
        CHECK(p->title && p->title[0]);
        CHECK(p->n_ops > 0 && p->n_ops <= SEI_MAX_OPERATIONS);
        for (size_t i = 0; i < p->n_ops; i++) {
            CHECK(p->ops[i].name && p->ops[i].route && p->ops[i].check);
            CHECK(p->ops[i].help && p->ops[i].help[0] && p->ops[i].example); /* listing.h */
            CHECK(sei_find_operation(p, p->ops[i].name) == &p->ops[i]);      /* names are unique */
        }
        CHECK(p->check_config && p->url && p->build && p->parse_error && p->id_fields);
        /* a provider that fetches credentials does the whole round */
        CHECK(!p->authorize == !p->token_request && !p->authorize == !p->token_answer);
        CHECK(p->n_options <= SEI_MAX_PROVIDER_OPTIONS);
        for (size_t i = 0; i < p->n_options; i++) {
            check_option(&p->options[i]);
            CHECK_INT(key_count(p, p->options[i].key), 1);
        }
        for (const sei_option_alias *a = p->aliases; a && a->key; a++) {
            CHECK_INT(key_count(p, a->key), 1);
            CHECK(a->slot < O_COMMON_COUNT + p->n_options);
        }
    }
    CHECK_INT(n, 3);
    CHECK(sei_provider_find("nope") == NULL);
    for (size_t i = 0; i < O_COMMON_COUNT; i++)
        check_option(&sei_common_options[i]);
}

/* The texts built from the tables, as they were when the core held them. */
static void test_texts(void) {
    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, "nope"), SE_E_INVALID);
    CHECK_STR(se_last_error(), "provider: must be one of sinch, zapi, connect, got \"nope\"");
    static const char *const known[][2] = {
        {"sinch", "project_id key_id key_secret region auth auth_url access_token)"},
        {"zapi", "rate_limit_fallback instance_id token client_token)"},
        {"connect", "rate_limit_fallback region fips)"},
    };
    for (int i = 0; i < 3; i++) {
        CHECK_INT(se_client_new(&c, known[i][0]), SE_OK);
        CHECK_INT(se_client_set(c, "nope", "1"), SE_E_INVALID);
        CHECK_HAS(se_client_errmsg(c), "nope: unknown option for the ");
        CHECK_HAS(se_client_errmsg(c), "(known: base_url timeout connect_timeout");
        CHECK_HAS(se_client_errmsg(c), known[i][1]);
        /* one provider's options are unknown to the others */
        CHECK_INT(se_client_set(c, "endpoint_url", "http://127.0.0.1:1"),
                  strcmp(known[i][0], "connect") ? SE_E_INVALID : SE_OK);
        se_client_free(c);
    }
    /* the region rule is the provider's */
    CHECK_INT(se_client_new(&c, "sinch"), SE_OK);
    CHECK_INT(se_client_set(c, "region", "us-east-1"), SE_E_INVALID);
    CHECK_STR(se_client_errmsg(c),
              "region: must be one of us, eu, br for sinch, got \"us-east-1\"");
    CHECK_INT(se_client_set(c, "region", "eu"), SE_OK);
    se_client_free(c);
    CHECK_INT(se_client_new(&c, "connect"), SE_OK);
    CHECK_INT(se_client_set(c, "region", "eu"), SE_E_INVALID);
    CHECK_STR(se_client_errmsg(c), "region: not an AWS region name (like us-east-1), got \"eu\"");
    CHECK_INT(se_client_set(c, "region", "us-gov-west-1"), SE_OK);
    CHECK_STR(se_client_get(c, "endpoint_url"), NULL); /* unset: no default */
    CHECK_INT(se_client_set(c, "endpoint_url", "http://127.0.0.1:9"), SE_OK);
    CHECK_STR(se_client_get(c, "base_url"), "http://127.0.0.1:9");
    se_client_free(c);
}

int main(void) {
    test_table();
    test_texts();
    return se_test_summary("providers");
}
