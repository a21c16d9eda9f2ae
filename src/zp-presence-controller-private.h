/* zp-presence-controller-private.h: what tests may see of the presence controller
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "zp-presence-controller.h"

G_BEGIN_DECLS

/* How many main-loop timers the controller owns right now (sending, Do not disturb end). */
guint zp_presence_controller_count_timers  (ZpPresenceController *self);

/* Where the pacing is remembered across restarts; NULL remembers nothing. Reads the file. */
void  zp_presence_controller_set_state_file (ZpPresenceController *self,
                                             const char           *path);

G_END_DECLS
