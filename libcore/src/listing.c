/* listing.c - sendevent/listing.h: the providers, their operations and the
 * options of their clients, read from the provider modules (sei_providers[],
 * their ops[] and option rows, sei_common_options[]). The public structs are
 * views of those rows made once per process: their strings are the rows' own. */
#include <pthread.h>
#include <string.h>

#include "provider.h"
#include "sendevent/listing.h"

#define SEI_MAX_LISTED_PROVIDERS 16
#define SEI_MAX_LISTED_ALIASES 8
#define SEI_MAX_LISTED_OPTIONS (O_COMMON_COUNT + SEI_MAX_PROVIDER_OPTIONS + SEI_MAX_LISTED_ALIASES)

typedef struct sei_listed {
    se_provider_info info;
    se_operation_info ops[SEI_MAX_OPERATIONS];
    size_t n_ops;
    se_option_info opts[SEI_MAX_LISTED_OPTIONS];
    size_t n_opts;
} sei_listed;

static sei_listed listed[SEI_MAX_LISTED_PROVIDERS];
static size_t n_listed;
static se_option_info common[O_COMMON_COUNT];
static pthread_once_t listing_once = PTHREAD_ONCE_INIT;

static const char *const kind_words[] = {
    [SEI_OPT_STR] = "string",      [SEI_OPT_SECRET] = "secret", [SEI_OPT_URL] = "url",
    [SEI_OPT_SECONDS] = "seconds", [SEI_OPT_INT] = "integer",   [SEI_OPT_BOOL] = "boolean",
    [SEI_OPT_ENUM] = "enum",       [SEI_OPT_NUMBER] = "number",
};

static se_option_info option_view(const sei_option *o, const char *provider) {
    bool ranged = o->kind == SEI_OPT_SECONDS || o->kind == SEI_OPT_INT || o->kind == SEI_OPT_NUMBER;
    return (se_option_info){.key = o->key,
                            .kind = kind_words[o->kind],
                            .secret = o->kind == SEI_OPT_SECRET,
                            .def = o->def,
                            .values = o->values,
                            .has_range = ranged,
                            .min = ranged ? o->min : 0,
                            .max = ranged ? o->max : 0,
                            .provider = provider,
                            .help = o->help};
}

/* The client's options in slot order (option.h), then the aliases. */
static void list_options(sei_listed *l, const sei_provider *p) {
    for (size_t i = 0; i < O_COMMON_COUNT; i++)
        l->opts[l->n_opts++] = common[i];
    for (size_t i = 0; i < p->n_options && i < SEI_MAX_PROVIDER_OPTIONS; i++)
        l->opts[l->n_opts++] = option_view(&p->options[i], p->name);
    size_t slots = l->n_opts;
    for (const sei_option_alias *a = p->aliases; a && a->key; a++) {
        if (a->slot >= slots || l->n_opts == SEI_MAX_LISTED_OPTIONS)
            break;
        se_option_info alias = l->opts[a->slot];
        alias.alias_of = alias.key;
        alias.key = a->key;
        l->opts[l->n_opts++] = alias;
    }
}

static void build_listing(void) {
    for (size_t i = 0; i < O_COMMON_COUNT; i++)
        common[i] = option_view(&sei_common_options[i], NULL);
    for (const sei_provider *const *pp = sei_providers; *pp; pp++) {
        if (n_listed == SEI_MAX_LISTED_PROVIDERS)
            break;
        const sei_provider *p = *pp;
        sei_listed *l = &listed[n_listed++];
        l->info = (se_provider_info){.name = p->name, .title = p->title};
        for (size_t i = 0; i < p->n_ops && i < SEI_MAX_OPERATIONS; i++) {
            const sei_operation *op = &p->ops[i];
            l->ops[l->n_ops++] = (se_operation_info){.name = op->name,
                                                     .provider = p->name,
                                                     .route = op->route,
                                                     .help = op->help,
                                                     .example = op->example};
        }
        list_options(l, p);
    }
}

static const sei_listed *find_listed(const char *provider) {
    pthread_once(&listing_once, build_listing);
    for (size_t i = 0; provider && i < n_listed; i++)
        if (!strcmp(listed[i].info.name, provider))
            return &listed[i];
    return NULL;
}

const se_provider_info *se_provider_next(const se_provider_info *prev) {
    pthread_once(&listing_once, build_listing);
    if (!prev)
        return n_listed ? &listed[0].info : NULL;
    for (size_t i = 0; i < n_listed; i++)
        if (prev == &listed[i].info)
            return i + 1 < n_listed ? &listed[i + 1].info : NULL;
    return NULL;
}

const se_operation_info *se_operation_next(const char *provider, const se_operation_info *prev) {
    const sei_listed *l = find_listed(provider);
    if (!l || !l->n_ops)
        return NULL;
    if (!prev)
        return &l->ops[0];
    for (size_t i = 0; i < l->n_ops; i++)
        if (prev == &l->ops[i])
            return i + 1 < l->n_ops ? &l->ops[i + 1] : NULL;
    return NULL;
}

/* The options of a provider's client, or the common ones (provider NULL). */
static const se_option_info *options_of(const char *provider, size_t *n) {
    const sei_listed *l = find_listed(provider);
    if (!provider) {
        *n = O_COMMON_COUNT;
        return common;
    }
    *n = l ? l->n_opts : 0;
    return l ? l->opts : NULL;
}

const se_option_info *se_option_next(const char *provider, const se_option_info *prev) {
    size_t n;
    const se_option_info *opts = options_of(provider, &n);
    if (!n)
        return NULL;
    if (!prev)
        return &opts[0];
    for (size_t i = 0; i < n; i++)
        if (prev == &opts[i])
            return i + 1 < n ? &opts[i + 1] : NULL;
    return NULL;
}

const se_option_info *se_option_find(const char *provider, const char *key) {
    size_t n;
    const se_option_info *opts = options_of(provider, &n);
    for (size_t i = 0; key && i < n; i++)
        if (!strcmp(opts[i].key, key))
            return &opts[i];
    return NULL;
}
