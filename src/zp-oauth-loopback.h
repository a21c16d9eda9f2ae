/* zp-oauth-loopback.h: the one-shot 127.0.0.1 listener that receives the OAuth redirect
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ZP_OAUTH_LOOPBACK_ERROR (zp_oauth_loopback_error_quark ())

typedef enum
{
  ZP_OAUTH_LOOPBACK_ERROR_LISTEN,          /* no port could be opened on 127.0.0.1 */
  ZP_OAUTH_LOOPBACK_ERROR_DENIED,          /* the person declined (error=access_denied) */
  ZP_OAUTH_LOOPBACK_ERROR_STATE_MISMATCH,  /* the callback is not for the sign-in we started */
  ZP_OAUTH_LOOPBACK_ERROR_FAILED,          /* Zoom reported another error, or sent no code */
  ZP_OAUTH_LOOPBACK_ERROR_TIMED_OUT,       /* nothing came back in time */
} ZpOAuthLoopbackError;

/* How long a sign-in waits for the browser by default: Zoom's codes live five minutes. */
#define ZP_OAUTH_LOOPBACK_DEFAULT_TIMEOUT 300

#define ZP_TYPE_OAUTH_LOOPBACK (zp_oauth_loopback_get_type ())

G_DECLARE_FINAL_TYPE (ZpOAuthLoopback, zp_oauth_loopback, ZP, OAUTH_LOOPBACK, GObject)

GQuark           zp_oauth_loopback_error_quark      (void);

/* Starts listening on 127.0.0.1, on a port the system picks, at once: the redirect address is
 * needed before the browser is opened. Only a callback carrying expected_state is accepted. */
ZpOAuthLoopback *zp_oauth_loopback_new              (const char           *expected_state,
                                                     GError              **error);
const char      *zp_oauth_loopback_get_redirect_uri (ZpOAuthLoopback      *self);

/* Waits for the one callback (or until timeout_seconds pass) and returns its code. Later
 * callbacks are answered with a page saying the sign-in is over and change nothing. */
void             zp_oauth_loopback_wait_async       (ZpOAuthLoopback      *self,
                                                     guint                 timeout_seconds,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
char            *zp_oauth_loopback_wait_finish      (ZpOAuthLoopback      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* What one callback's query string (still URL-encoded, or NULL) means, with no I/O: the code
 * when the callback answers the sign-in that expected_state belongs to, else NULL and a
 * ZP_OAUTH_LOOPBACK_ERROR (DENIED, STATE_MISMATCH or FAILED) whose message can be shown as is.
 * Free the code with zp_oauth_wipe_string(). */
char            *zp_oauth_loopback_parse_callback   (const char           *query,
                                                     const char           *expected_state,
                                                     GError              **error);

G_END_DECLS
