/* zp-auto-away.h: Away when the screen locks, the machine sleeps or the person is idle
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "zp-idle-monitor.h"
#include "zp-lock-monitor.h"
#include "zp-presence-controller.h"

G_BEGIN_DECLS

#define ZP_TYPE_AUTO_AWAY (zp_auto_away_get_type ())

G_DECLARE_FINAL_TYPE (ZpAutoAway, zp_auto_away, ZP, AUTO_AWAY, GObject)

/* idle_monitor may be NULL. Settings used: away-on-lock, restore-on-unlock,
 * away-on-idle-minutes, all followed live. */
ZpAutoAway *zp_auto_away_new             (ZpPresenceController *controller,
                                          ZpLockMonitor        *lock_monitor,
                                          ZpIdleMonitor        *idle_monitor,
                                          GSettings            *settings);
/* The status Away replaced and will be restored, or ZP_STATUS_UNKNOWN. */
ZpStatus    zp_auto_away_get_saved_status (ZpAutoAway          *self);

G_END_DECLS
