/*
 * internal.h - every private header at once, for the C tests and fuzz
 * targets that reach inside the library. No file of the library includes
 * it: each includes the headers of the modules it uses.
 */
#ifndef SEI_INTERNAL_H
#define SEI_INTERNAL_H

#include "batch_internal.h"
#include "block.h"
#include "callback.h"
#include "client_state.h"
#include "crypto.h"
#include "diag.h"
#include "fork.h"
#include "http_request.h"
#include "json.h"
#include "json_path.h"
#include "limiter.h"
#include "logging.h"
#include "nonce_cache.h"
#include "option.h"
#include "options.h"
#include "provider.h"
#include "response_internal.h"
#include "send.h"
#include "sendevent/sendevent.h"
#include "signature.h"
#include "summary.h"
#include "transport.h"
#include "util.h"
#include "waker.h"

#endif
