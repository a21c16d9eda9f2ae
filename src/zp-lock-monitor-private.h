/* zp-lock-monitor-private.h: knobs of the lock monitor that only tests turn
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "zp-lock-monitor.h"

G_BEGIN_DECLS

/* How long the sleep inhibitor is held at most once logind announced a suspend (default a
 * few seconds, below logind's own InhibitDelayMaxSec). */
void     zp_lock_monitor_set_sleep_timeout        (ZpLockMonitor *self,
                                                   guint          timeout_ms);

/* Whether a sleep delay inhibitor is held right now. */
gboolean zp_lock_monitor_holds_sleep_inhibitor    (ZpLockMonitor *self);

G_END_DECLS
