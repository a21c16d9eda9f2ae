/* zp-zoom-client.h: Zoom's presence API over libsoup
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "zp-status.h"

G_BEGIN_DECLS

#define ZP_ZOOM_ERROR (zp_zoom_error_quark ())

typedef enum
{
  ZP_ZOOM_ERROR_UNAUTHORIZED,   /* 401, code 124: token invalid or expired */
  ZP_ZOOM_ERROR_MISSING_SCOPE,  /* 4700, 4711: token lacks the presence scope */
  ZP_ZOOM_ERROR_NOT_PERMITTED,  /* 403, 5411 */
  ZP_ZOOM_ERROR_UPDATE_FAILED,  /* 5301: usually the Zoom app is not running or signed in */
  ZP_ZOOM_ERROR_USER_NOT_FOUND, /* 404, 1001 */
  ZP_ZOOM_ERROR_RATE_LIMITED,   /* 429 */
  ZP_ZOOM_ERROR_REFUSED,        /* any other 4xx: Zoom's own message is shown */
  ZP_ZOOM_ERROR_SERVER,         /* 5xx */
  ZP_ZOOM_ERROR_NETWORK,        /* no connection, DNS, TLS, timeout */
  ZP_ZOOM_ERROR_BAD_REPLY,      /* not JSON, wrong shape, too large */
  ZP_ZOOM_ERROR_INVALID_INPUT,  /* refused before sending: bad status, duration, address */
} ZpZoomError;

/* What a 429 said about when to try again. */
typedef struct
{
  gint64   retry_at;  /* g_get_real_time() µs when Zoom allows a retry; 0 when it did not say */
  gboolean daily;     /* the account's daily limit, not the per-second one */
} ZpRateLimit;

/* What a GET of the presence returned. */
typedef struct
{
  ZpStatus  status;
  char     *api_name;       /* the name exactly as Zoom sent it */
  gint64    dnd_end_time;   /* g_get_real_time() µs when Do not disturb ends; 0 when unknown */
} ZpPresence;

void        zp_presence_free (ZpPresence *presence);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ZpPresence, zp_presence_free)

#define ZP_TYPE_ZOOM_CLIENT (zp_zoom_client_get_type ())

G_DECLARE_FINAL_TYPE (ZpZoomClient, zp_zoom_client, ZP, ZOOM_CLIENT, GObject)

/* zp_zoom_error_is_permanent() answers "will sending the same request again, unchanged,
 * fail the same way?". TRUE for UPDATE_FAILED (5301: someone must start or sign in to the
 * Zoom app), NOT_PERMITTED (5411, 403), USER_NOT_FOUND (1001), MISSING_SCOPE (4700, 4711),
 * REFUSED and INVALID_INPUT: show them, do not retry them. FALSE for NETWORK, SERVER,
 * RATE_LIMITED and BAD_REPLY, which pass with time. UNAUTHORIZED is FALSE as well, but not
 * because time fixes it: it needs a token refresh or a new sign-in first, so callers check for
 * it by code before asking this. Errors from other domains (such as G_IO_ERROR_CANCELLED)
 * are FALSE. */
GQuark        zp_zoom_error_quark              (void);
gboolean      zp_zoom_error_is_permanent       (const GError         *error);

ZpZoomClient *zp_zoom_client_new               (const char           *api_base_url);
const char   *zp_zoom_client_get_api_base_url  (ZpZoomClient         *self);
void          zp_zoom_client_set_api_base_url  (ZpZoomClient         *self,
                                                const char           *api_base_url);
guint         zp_zoom_client_get_timeout       (ZpZoomClient         *self);
void          zp_zoom_client_set_timeout       (ZpZoomClient         *self,
                                                guint                 seconds);

void          zp_zoom_client_set_status_async  (ZpZoomClient         *self,
                                                const char           *access_token,
                                                const char           *user_id,
                                                ZpStatus              status,
                                                guint                 dnd_minutes,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean      zp_zoom_client_set_status_finish (ZpZoomClient         *self,
                                                GAsyncResult         *result,
                                                ZpRateLimit          *out_rate_limit,
                                                GError              **error);

void          zp_zoom_client_get_status_async  (ZpZoomClient         *self,
                                                const char           *access_token,
                                                const char           *user_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
ZpPresence   *zp_zoom_client_get_status_finish (ZpZoomClient         *self,
                                                GAsyncResult         *result,
                                                ZpRateLimit          *out_rate_limit,
                                                GError              **error);

G_END_DECLS
