/* zp-url.h: which Zoom base addresses the applet accepts
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ZP_URL_ERROR (zp_url_error_quark ())

typedef enum
{
  ZP_URL_ERROR_EMPTY,      /* nothing given */
  ZP_URL_ERROR_MALFORMED,  /* not an absolute address with a host, or has extra parts */
  ZP_URL_ERROR_SCHEME,     /* neither http nor https */
  ZP_URL_ERROR_INSECURE,   /* plain http to a host that is not a loopback address */
} ZpUrlError;

GQuark   zp_url_error_quark             (void);

/* For api-base-url and oauth-base-url alike: https anywhere; plain http only to a loopback
 * address written as one (127.0.0.0/8, ::1), never a name that a lookup could redirect. */
gboolean zp_url_is_acceptable_api_base  (const char  *url,
                                         GError     **error);

G_END_DECLS
