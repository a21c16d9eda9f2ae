/* zp-notifier-private.h: what tests may change in the notifier
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "zp-notifier.h"

G_BEGIN_DECLS

/* How long being offline must last before it is told (a minute unless changed). */
void zp_notifier_set_offline_grace (ZpNotifier *self,
                                    guint       milliseconds);

G_END_DECLS
