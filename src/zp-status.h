/* zp-status.h: the presence statuses Zoom knows, their names, labels and icons
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Shortest and longest "Do not disturb" Zoom accepts, in minutes, and its own default. */
#define ZP_DND_MIN_MINUTES     1
#define ZP_DND_MAX_MINUTES     1440
#define ZP_DND_ZOOM_DEFAULT    20

typedef enum
{
  ZP_STATUS_UNKNOWN = 0,
  ZP_STATUS_AVAILABLE,
  ZP_STATUS_AWAY,
  ZP_STATUS_DO_NOT_DISTURB,
  ZP_STATUS_BUSY,
  ZP_STATUS_OUT_OF_OFFICE,
  ZP_STATUS_IN_CALENDAR_EVENT,
  ZP_STATUS_PRESENTING,
  ZP_STATUS_IN_A_ZOOM_MEETING,
  ZP_STATUS_ON_A_CALL,
  /* Only ever read from Zoom, never sent. */
  ZP_STATUS_OFFLINE,
  ZP_STATUS_MOBILE_SIGNED_IN,
  ZP_STATUS_LAST
} ZpStatus;

/* The settable statuses, in menu order; ends with ZP_STATUS_UNKNOWN. */
extern const ZpStatus zp_status_settable[];

const char *zp_status_to_api_name     (ZpStatus      status);
ZpStatus    zp_status_from_api_name   (const char   *name);
gboolean    zp_status_parse_user_text (const char   *text,
                                       ZpStatus     *out_status);
const char *zp_status_get_label       (ZpStatus      status);
const char *zp_status_get_icon_name   (ZpStatus      status);
gboolean    zp_status_is_settable     (ZpStatus      status);
char       *zp_status_dup_aliases     (void);

G_END_DECLS
