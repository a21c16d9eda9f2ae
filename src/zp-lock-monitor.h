/* zp-lock-monitor.h: one "locked" flag merged from every lock source the desktop offers
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ZP_TYPE_LOCK_MONITOR (zp_lock_monitor_get_type ())

G_DECLARE_FINAL_TYPE (ZpLockMonitor, zp_lock_monitor, ZP, LOCK_MONITOR, GObject)

/* Properties: "locked" (b, notify on change only), "sleeping" (b).
 * Signal "prepare-for-sleep" (gboolean start): emitted while a delay inhibitor is held;
 * call zp_lock_monitor_release_sleep() once the work that had to leave before sleep is out
 * (the inhibitor is also dropped after a short safety timeout). */
ZpLockMonitor *zp_lock_monitor_new           (GDBusConnection *session_bus,
                                              GDBusConnection *system_bus);
gboolean       zp_lock_monitor_get_locked    (ZpLockMonitor   *self);
void           zp_lock_monitor_release_sleep (ZpLockMonitor   *self);

G_END_DECLS
