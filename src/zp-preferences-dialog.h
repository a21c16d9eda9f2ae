/* zp-preferences-dialog.h: the preferences window, bound to GSettings
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "zp-auth.h"

G_BEGIN_DECLS

#define ZP_TYPE_PREFERENCES_DIALOG (zp_preferences_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ZpPreferencesDialog, zp_preferences_dialog, ZP, PREFERENCES_DIALOG,
                      GtkDialog)

/* @auth: (nullable): shows whether we are signed in; the Sign in / Sign out buttons
 * activate app.sign-in and app.sign-out and are shown only when APPLICATION has them. */
ZpPreferencesDialog *zp_preferences_dialog_new (GtkApplication *application,
                                                GSettings      *settings,
                                                ZpAuth         *auth);

G_END_DECLS
