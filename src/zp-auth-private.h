/* zp-auth-private.h: hooks for the tests of ZpAuth
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "zp-auth.h"

G_BEGIN_DECLS

/* Called instead of opening the desktop's browser with the authorize address. */
typedef void (*ZpAuthBrowserFunc) (const char *uri,
                                   gpointer    user_data);

void  zp_auth_set_browser_func     (ZpAuth            *self,
                                    ZpAuthBrowserFunc  func,
                                    gpointer           user_data);
void  zp_auth_set_sign_in_timeout  (ZpAuth            *self,
                                    guint              seconds);
/* How many token requests (refresh or account credentials) were sent. */
guint zp_auth_get_renewal_count    (ZpAuth            *self);

G_END_DECLS
