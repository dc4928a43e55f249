/* listing_fields.c - se_field_next (sendevent/listing.h): the fields of each
 * operation's request, read from the rule tables the library validates with
 * (validate/rules.h, reached through each operation's `spec`). The rows and
 * their paths are made once per process, in static storage. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "provider.h"
#include "sendevent/listing.h"
#include "validate/rules.h"

#define SEI_MAX_LISTED_FIELDS 1024
#define SEI_FIELD_TEXT 65536 /* bytes of paths and value lists */
#define SEI_MAX_LISTED_OPS 64
#define SEI_FIELD_DEPTH 16

typedef struct sei_field_span {
    const char *provider, *operation;
    size_t first, n;
} sei_field_span;

static se_field_info rows[SEI_MAX_LISTED_FIELDS];
static size_t n_rows;
static char text[SEI_FIELD_TEXT];
static size_t text_used;
static sei_field_span spans[SEI_MAX_LISTED_OPS];
static size_t n_spans;
static pthread_once_t fields_once = PTHREAD_ONCE_INIT;

static const char *const type_words[] = {
    [SEI_V_ANY] = "any",      [SEI_V_STRING] = "string", [SEI_V_NUMBER] = "number",
    [SEI_V_BOOL] = "boolean", [SEI_V_OBJECT] = "object", [SEI_V_ARRAY] = "array",
};

/* a, sep and b joined, kept in `text`; NULL when it is full */
static const char *keep(const char *a, const char *sep, const char *b) {
    size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
    if (text_used + na + ns + nb + 1 > sizeof text)
        return NULL;
    char *out = text + text_used;
    memcpy(out, a, na);
    memcpy(out + na, sep, ns);
    memcpy(out + na + ns, b, nb + 1);
    text_used += na + ns + nb + 1;
    return out;
}

/* The enum's values space separated, made once per enum. */
static const char *enum_words(const sei_enum *en) {
    static struct enum_made {
        const sei_enum *en;
        const char *words;
    } made[64];
    static size_t n_made;
    if (!en)
        return NULL;
    for (size_t i = 0; i < n_made; i++)
        if (made[i].en == en)
            return made[i].words;
    const char *words = keep("", "", "");
    for (const char *const *v = en->values; words && *v; v++)
        words = v == en->values ? keep(*v, "", "") : keep(words, " ", *v);
    if (words && n_made < sizeof made / sizeof made[0])
        made[n_made++] = (struct enum_made){en, words};
    return words;
}

static void add_rule(const sei_field_span *s, const char *path, const sei_rule *r, int depth);

static void add_spec(const sei_field_span *s, const char *parent, const sei_spec *spec, int depth) {
    for (const sei_rule *r = spec->fields; r->name; r++)
        add_rule(s, parent ? keep(parent, ".", r->name) : keep(r->name, "", ""), r, depth);
}

/* The row of the value at `path` checked by `r`, then the rows below it. */
static void add_rule(const sei_field_span *s, const char *path, const sei_rule *r, int depth) {
    if (!path || n_rows == SEI_MAX_LISTED_FIELDS || depth > SEI_FIELD_DEPTH)
        return;
    rows[n_rows++] = (se_field_info){.path = path,
                                     .provider = s->provider,
                                     .operation = s->operation,
                                     .type = type_words[r->type],
                                     .required = r->required,
                                     .values = enum_words(r->en),
                                     .open = r->en && r->en->noun,
                                     .min = r->min,
                                     .max = r->max};
    const sei_rule *shape = r->list_as ? r->list_as : r;
    if (shape->check == sei_v_spec)
        add_spec(s, path, shape->arg, depth + 1);
    else if (shape->check == sei_v_each)
        add_rule(s, keep(path, "", "[]"), shape->arg, depth + 1);
    else if (shape->check == sei_v_map || shape->check == sei_v_channel_map)
        add_rule(s, keep(path, ".", "*"), shape->arg, depth + 1);
}

static void build_fields(void) {
    for (const sei_provider *const *pp = sei_providers; *pp; pp++) {
        for (size_t i = 0; i < (*pp)->n_ops && n_spans < SEI_MAX_LISTED_OPS; i++) {
            const sei_operation *op = &(*pp)->ops[i];
            sei_field_span *s = &spans[n_spans++];
            *s = (sei_field_span){.provider = (*pp)->name, .operation = op->name, .first = n_rows};
            if (op->spec)
                add_spec(s, NULL, op->spec, 0);
            s->n = n_rows - s->first;
        }
    }
}

const se_field_info *se_field_next(const char *provider, const char *operation,
                                   const se_field_info *prev) {
    pthread_once(&fields_once, build_fields);
    for (size_t i = 0; provider && operation && i < n_spans; i++) {
        const sei_field_span *s = &spans[i];
        if (strcmp(s->provider, provider) || strcmp(s->operation, operation))
            continue;
        if (!s->n)
            return NULL;
        if (!prev)
            return &rows[s->first];
        uintptr_t at = (uintptr_t)prev, lo = (uintptr_t)&rows[s->first];
        if (at < lo || at >= lo + s->n * sizeof rows[0] || (at - lo) % sizeof rows[0])
            return NULL; /* not one of this operation's rows */
        size_t next = (at - lo) / sizeof rows[0] + 1;
        return next < s->n ? &rows[s->first + next] : NULL;
    }
    return NULL;
}
