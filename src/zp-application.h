/* zp-application.h: builds the parts, wires them, owns the command line and the actions
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ZP_TYPE_APPLICATION (zp_application_get_type ())

G_DECLARE_FINAL_TYPE (ZpApplication, zp_application, ZP, APPLICATION, GtkApplication)

ZpApplication *zp_application_new             (void);
/* The exit status of a command this process handled itself, to return from main(). */
int            zp_application_get_exit_status (ZpApplication *self);
void           zp_application_restore_terminal (ZpApplication *self);

G_END_DECLS
