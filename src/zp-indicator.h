/* zp-indicator.h: the tray icon and its menu
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "zp-auth.h"
#include "zp-presence-controller.h"

G_BEGIN_DECLS

#define ZP_TYPE_INDICATOR (zp_indicator_get_type ())

G_DECLARE_FINAL_TYPE (ZpIndicator, zp_indicator, ZP, INDICATOR, GObject)

/* Menu items activate the application's actions (app.set-status, app.set-dnd, app.quit, ...). */
ZpIndicator *zp_indicator_new           (GApplication         *application,
                                         ZpPresenceController *controller,
                                         ZpAuth               *auth,
                                         GSettings            *settings);
const char  *zp_indicator_get_icon_name (ZpIndicator          *self);
GtkMenu     *zp_indicator_get_menu      (ZpIndicator          *self);

G_END_DECLS
