/* zp-idle-monitor.h: "idle" after a number of minutes without input, without polling
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ZP_TYPE_IDLE_MONITOR (zp_idle_monitor_get_type ())

G_DECLARE_FINAL_TYPE (ZpIdleMonitor, zp_idle_monitor, ZP, IDLE_MONITOR, GObject)

/* Properties: "idle" (b), "idle-minutes" (u, 0 = off; watches exist only when > 0). */
ZpIdleMonitor *zp_idle_monitor_new              (GDBusConnection *session_bus);
gboolean       zp_idle_monitor_get_idle         (ZpIdleMonitor   *self);
guint          zp_idle_monitor_get_idle_minutes (ZpIdleMonitor   *self);
void           zp_idle_monitor_set_idle_minutes (ZpIdleMonitor   *self,
                                                 guint            minutes);

G_END_DECLS
