/* sendevent/version.h - library version; the three forms always agree. */
#ifndef SENDEVENT_VERSION_H
#define SENDEVENT_VERSION_H

#include "common.h"

#define SE_VERSION_MAJOR 0
#define SE_VERSION_MINOR 1
#define SE_VERSION_PATCH 0
/** "0.1.0" */
#define SE_VERSION "0.1.0"
/** MAJOR * 10000 + MINOR * 100 + PATCH: 100 for 0.1.0. */
#define SE_VERSION_NUM (SE_VERSION_MAJOR * 10000 + SE_VERSION_MINOR * 100 + SE_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the loaded library, e.g. "0.1.0". Ownership: static. */
SE_API const char *se_version(void);

/** Version of the loaded library as SE_VERSION_NUM computes it. */
SE_API int se_version_num(void);

#ifdef __cplusplus
}
#endif
#endif
