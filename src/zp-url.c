/* zp-url.c: which Zoom base addresses the applet accepts
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the preferences dialog, which refuses a bad address as it is typed, and by
 * whatever sends requests, which must never send a token in the clear over a network.
 */

#define G_LOG_DOMAIN "zp-url"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "zp-url.h"

G_DEFINE_QUARK (zp-url-error-quark, zp_url_error)

static gboolean
has_blank_or_control (const char *text)
{
  for (; *text != '\0'; text++)
    {
      if ((guchar) *text <= ' ' || *text == 0x7f)
        return TRUE;
    }

  return FALSE;
}

gboolean
zp_url_is_acceptable_api_base (const char  *url,
                               GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *scheme;
  const char *host;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (url == NULL || *url == '\0')
    {
      g_set_error_literal (error, ZP_URL_ERROR, ZP_URL_ERROR_EMPTY,
                           _("Enter an address."));
      return FALSE;
    }

  /* GUri lets spaces and control characters through; no address has them. */
  if (!has_blank_or_control (url))
    uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);

  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (uri == NULL || host == NULL || *host == '\0' || g_uri_get_userinfo (uri) != NULL
      || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, ZP_URL_ERROR, ZP_URL_ERROR_MALFORMED,
                           /* Translators: an address is a URL here */
                           _("This is not a complete address, such as "
                             "https://api.zoom.us/v2."));
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;

  if (g_ascii_strcasecmp (scheme, "http") != 0)
    {
      g_set_error_literal (error, ZP_URL_ERROR, ZP_URL_ERROR_SCHEME,
                           _("The address must start with https://."));
      return FALSE;
    }

  address = g_inet_address_new_from_string (host);
  if (address == NULL || !g_inet_address_get_is_loopback (address))
    {
      g_set_error_literal (error, ZP_URL_ERROR, ZP_URL_ERROR_INSECURE,
                           _("Plain http:// is allowed only for this computer’s own address "
                             "(127.0.0.1 or ::1); use https://."));
      return FALSE;
    }

  return TRUE;
}
