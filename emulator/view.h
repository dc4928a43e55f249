/* view.h - the request log as the inbox page is shown it (view.c). */
#ifndef SE_EMULATOR_VIEW_H
#define SE_EMULATOR_VIEW_H

#include <cjson/cJSON.h>

/* In a {"requests": [...]} document: every secret redacted the way libsendevent's dry run shows
 * it, and each Connect record labelled with the conversation (connection) it belongs to. */
void view_redact_requests(cJSON *doc);

#endif
