/* providers.h - provider facts used by the help and the option sources (providers.c). */
#ifndef SENDEVENT_CLI_PROVIDERS_H
#define SENDEVENT_CLI_PROVIDERS_H

#include <sendevent/sendevent.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

struct op_info {
    const char *name, *summary, *example;
};
struct opt_info {
    const char *key, *summary;
    bool secret;
};
struct provider_info {
    const char *name, *title;
    const struct op_info *ops;
    const struct opt_info *opts; /* provider-specific options */
};
extern const struct provider_info providers[]; /* terminated by name == NULL */
extern const struct opt_info common_options[]; /* terminated by key == NULL */
const struct provider_info *find_provider(const char *name);
bool provider_has_op(const struct provider_info *p, const char *op);

#endif
