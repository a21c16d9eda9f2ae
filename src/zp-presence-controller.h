/* zp-presence-controller.h: the single path every presence change takes
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "zp-auth.h"
#include "zp-status.h"
#include "zp-zoom-client.h"

G_BEGIN_DECLS

/* Why a status is wanted. */
typedef enum
{
  ZP_CHANGE_ORIGIN_USER,
  ZP_CHANGE_ORIGIN_LOCK,
  ZP_CHANGE_ORIGIN_IDLE,
  ZP_CHANGE_ORIGIN_SYNC,
} ZpChangeOrigin;

/* How a request ended, when it did not fail. */
typedef enum
{
  ZP_REQUEST_OUTCOME_SENT,       /* Zoom accepted it */
  ZP_REQUEST_OUTCOME_UNCHANGED,  /* Zoom already had that status: nothing was sent */
  ZP_REQUEST_OUTCOME_QUEUED,     /* waiting for the rate limit; goes out at the time given */
  ZP_REQUEST_OUTCOME_REPLACED,   /* a newer wish took its place before it was sent */
} ZpRequestOutcome;

/* The kinds of trouble worth telling a person about; each has one notification. */
typedef enum
{
  ZP_TROUBLE_RATE_LIMIT,
  ZP_TROUBLE_SIGN_IN,
  ZP_TROUBLE_REFUSED,
  ZP_TROUBLE_OFFLINE,
  ZP_TROUBLE_LAST
} ZpTrouble;

#define ZP_TYPE_PRESENCE_CONTROLLER (zp_presence_controller_get_type ())

G_DECLARE_FINAL_TYPE (ZpPresenceController, zp_presence_controller,
                      ZP, PRESENCE_CONTROLLER, GObject)

/* Signals:
 *   "changed"  (): anything the tray shows changed.
 *   "trouble"  (ZpTrouble kind, GError *error): error NULL means that trouble is over.
 *   "confirmed" (ZpStatus status, ZpChangeOrigin origin): Zoom accepted a change. */
ZpPresenceController *zp_presence_controller_new  (ZpZoomClient   *client,
                                                   ZpAuth         *auth,
                                                   GSettings      *settings);

ZpStatus   zp_presence_controller_get_confirmed_status (ZpPresenceController *self);
ZpStatus   zp_presence_controller_get_wanted_status    (ZpPresenceController *self);
ZpChangeOrigin zp_presence_controller_get_wanted_origin (ZpPresenceController *self);
ZpStatus   zp_presence_controller_get_shown_status     (ZpPresenceController *self);
gboolean   zp_presence_controller_get_pending          (ZpPresenceController *self);
gint64     zp_presence_controller_get_next_send_time   (ZpPresenceController *self);
gint64     zp_presence_controller_get_last_change_time (ZpPresenceController *self);
gint64     zp_presence_controller_get_dnd_end_time     (ZpPresenceController *self);
guint      zp_presence_controller_get_request_count    (ZpPresenceController *self);
const GError *zp_presence_controller_get_trouble       (ZpPresenceController *self,
                                                        ZpTrouble             kind);

void       zp_presence_controller_request_async  (ZpPresenceController *self,
                                                  ZpStatus              status,
                                                  guint                 dnd_minutes,
                                                  ZpChangeOrigin        origin,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
ZpRequestOutcome zp_presence_controller_request_finish (ZpPresenceController *self,
                                                        GAsyncResult         *result,
                                                        gint64               *out_send_time,
                                                        GError              **error);
void       zp_presence_controller_request        (ZpPresenceController *self,
                                                  ZpStatus              status,
                                                  guint                 dnd_minutes,
                                                  ZpChangeOrigin        origin);

/* Reads the status back from Zoom (at start, after unlock or resume, on "Refresh"). */
void       zp_presence_controller_refresh_async  (ZpPresenceController *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean   zp_presence_controller_refresh_finish (ZpPresenceController *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void       zp_presence_controller_refresh        (ZpPresenceController *self);

/* Sends a waiting wish now if the rate limit allows, instead of at its planned time. */
void       zp_presence_controller_retry          (ZpPresenceController *self);

G_END_DECLS
