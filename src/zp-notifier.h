/* zp-notifier.h: desktop notifications for trouble, one per kind, replaced not stacked
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "zp-presence-controller.h"

G_BEGIN_DECLS

#define ZP_TYPE_NOTIFIER (zp_notifier_get_type ())

G_DECLARE_FINAL_TYPE (ZpNotifier, zp_notifier, ZP, NOTIFIER, GObject)

ZpNotifier *zp_notifier_new      (GApplication         *application,
                                  GSettings            *settings);
void        zp_notifier_watch    (ZpNotifier           *self,
                                  ZpPresenceController *controller);
void        zp_notifier_show     (ZpNotifier           *self,
                                  ZpTrouble             kind,
                                  const GError         *error);
void        zp_notifier_withdraw (ZpNotifier           *self,
                                  ZpTrouble             kind);

G_END_DECLS
