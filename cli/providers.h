/* providers.h - the library's providers and operations, looked up by name (providers.c). */
#ifndef SENDEVENT_CLI_PROVIDERS_H
#define SENDEVENT_CLI_PROVIDERS_H

#include <sendevent/sendevent.h>
#include <stdbool.h>

/* The listed provider called `name`, or NULL. */
const se_provider_info *find_provider(const char *name);
/* Whether provider p lists operation `op`. */
bool provider_has_op(const se_provider_info *p, const char *op);

/* The arguments of a command for `provider` that runs as printed against a local
 * sendevent-emulator started with its defaults (PORT: its port), lines continued with " \\"; or
 * NULL. */
struct emulator_example {
    const char *provider, *command;
};
const char *emulator_example(const char *provider);

#endif
