/* ui.c - the inbox page (ui.h): its embedded files (emulator/ui/), served with headers that let a
 * browser run only them. Everything the page shows comes from requests, so it is untrusted: the
 * policy forbids inline scripts and every other origin, as a second line behind the page's own rule
 * of rendering text only. */
#include "ui.h"

#include "ui_assets.h"

#include <stdlib.h>
#include <string.h>

static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                          "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                          "form-action 'none'; frame-ancestors 'none'";

bool ui_serve(const char *rest, struct reply *rp) {
    const char *name = !*rest || strcmp(rest, "/") == 0 ? "index.html" : rest + 1;
    const struct ui_asset *a = ui_assets;
    while (a->name && strcmp(a->name, name) != 0)
        a++;
    if (!a->name)
        return false;
    char *body = malloc(a->size + 1);
    if (!body)
        abort();
    memcpy(body, a->data, a->size);
    body[a->size] = '\0';
    reply_set_body(rp, 200, body);
    rp->body_len = a->size;
    reply_header(rp, "Content-Type", a->content_type);
    reply_header(rp, "Content-Security-Policy", csp);
    reply_header(rp, "X-Content-Type-Options", "nosniff");
    reply_header(rp, "Referrer-Policy", "no-referrer");
    reply_header(rp, "Cache-Control", "no-store");
    return true;
}
