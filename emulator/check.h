/* JSON validation helpers. Every helper looks up `key` in `obj` (whose own path is `path`, "" at
 * the top), returns true when the value is fine (or absent and optional), and otherwise writes
 * "<path>.<key>: <rule>" into e and returns false. JSON null counts as absent. */
#ifndef SE_EMULATOR_CHECK_H
#define SE_EMULATOR_CHECK_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct verr {
    char msg[640];
};

bool vfail(struct verr *e, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *vpath(char *buf, size_t n, const char *path, const char *key);
const cJSON *vget(const cJSON *obj, const char *key); /* NULL when absent or null */

/* max 0 = no upper bound. Lengths count Unicode code points, as the providers document them. */
bool v_str(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required,
           size_t min, size_t max, const char **out);
bool v_obj(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required,
           const cJSON **out);
bool v_arr(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required,
           size_t min, size_t max, const cJSON **out);
bool v_bool(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required);
bool v_num(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required,
           double lo, double hi);
bool v_enum(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required,
            const char *const *values);
/* Every member of obj is in `allowed` (NULL-terminated). */
bool v_known(struct verr *e, const cJSON *obj, const char *path, const char *const *allowed);
/* Exactly one of `kinds` is present; *which receives its name. */
bool v_one_of(struct verr *e, const cJSON *obj, const char *path, const char *const *kinds,
              const char **which);
/* An object whose every value is a string of at most max chars (0 = unbounded). */
bool v_str_map(struct verr *e, const cJSON *obj, const char *path, const char *key, size_t max);
/* An array whose every item is a non-empty string. */
bool v_str_list(struct verr *e, const cJSON *obj, const char *path, const char *key);

#endif
