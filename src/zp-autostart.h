/* zp-autostart.h: start the applet at login, with or without a Flatpak sandbox
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ZP_AUTOSTART_ERROR (zp_autostart_error_quark ())

typedef enum
{
  ZP_AUTOSTART_ERROR_FAILED,   /* the entry could not be written or removed */
  ZP_AUTOSTART_ERROR_DENIED,   /* the Background portal (or the user) said no */
  ZP_AUTOSTART_ERROR_PORTAL,   /* no Background portal, or it failed */
} ZpAutostartError;

GQuark    zp_autostart_error_quark          (void);

/* Inside Flatpak (or with GTK_USE_PORTAL=1 or ZP_FORCE_PORTAL=1) autostart goes through the
 * Background portal. */
gboolean  zp_autostart_uses_portal          (void);

/* ~/.config/autostart/APP_ID.desktop, the file written outside Flatpak. */
char     *zp_autostart_dup_entry_path       (void);

/* Whether the applet starts at login. Outside Flatpak: the autostart entry exists and is
 * not switched off. Inside: what the portal last granted, as remembered by this applet. */
gboolean  zp_autostart_get_enabled          (void);

/* @connection: (nullable): the session bus to reach the portal on; %NULL for the default */
void      zp_autostart_set_enabled_async    (gboolean              enabled,
                                             GDBusConnection      *connection,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean  zp_autostart_set_enabled_finish   (GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
