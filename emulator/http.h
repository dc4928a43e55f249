/* http.h - the libmicrohttpd glue: routes, faults, suspended connections (http.c). */
#ifndef SE_EMULATOR_HTTP_H
#define SE_EMULATOR_HTTP_H

#include <stdbool.h>

void http_release_hung(void); /* close every hung connection (reset) */
bool http_start(void);        /* listen as cfg says, fill cfg.url; false with a message */
void http_stop(void);         /* close waiting connections, stop the daemon */

#endif
