/* zp-idle-monitor-private.h: knobs of the idle monitor that only tests turn
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "zp-idle-monitor.h"

G_BEGIN_DECLS

/* The length of one "minute" in milliseconds (60000), so tests can run the real timing
 * scheme quickly. Takes effect the next time the watches are set up. */
void zp_idle_monitor_set_minute_length (ZpIdleMonitor *self,
                                        guint          milliseconds);

G_END_DECLS
