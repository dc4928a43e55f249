/* ui_assets.h - the inbox page's files, embedded at build time (emulator/embed.cmake writes
 * ui_assets.c from emulator/ui/). */
#ifndef SE_EMULATOR_UI_ASSETS_H
#define SE_EMULATOR_UI_ASSETS_H

#include <stddef.h>

struct ui_asset {
    const char *name; /* file name under emulator/ui/ */
    const char *content_type;
    const unsigned char *data;
    size_t size;
};
extern const struct ui_asset ui_assets[]; /* ends with a NULL name */

#endif
