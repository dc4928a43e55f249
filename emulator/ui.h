/* ui.h - the inbox page, served under /_emulator/ui (ui.c). */
#ifndef SE_EMULATOR_UI_H
#define SE_EMULATOR_UI_H

#include <stdbool.h>

#include "reply.h"

/* Fills rp with the asset at rest ("", "/" or "/app.js" after /_emulator/ui); false when there
 * is none. */
bool ui_serve(const char *rest, struct reply *rp);

#endif
