/* zp-application-private.h: the parts of the application the command-line commands work with
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "zp-application.h"
#include "zp-auth.h"
#include "zp-presence-controller.h"

G_BEGIN_DECLS

/* Valid from startup to shutdown. */
ZpPresenceController *zp_application_get_controller    (ZpApplication *self);
ZpAuth               *zp_application_get_auth          (ZpApplication *self);
GSettings            *zp_application_get_settings      (ZpApplication *self);

/* Whether the tray icon runs in this process, so something stays to retry and to send what
 * waits in the queue. */
gboolean              zp_application_get_tray_running  (ZpApplication *self);

/* The exit status of a command this process handled itself. */
void                  zp_application_set_exit_status   (ZpApplication *self,
                                                        int            exit_status);

G_END_DECLS
