/* test-url.c: which Zoom base addresses are accepted
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "zp-url.h"

static void
test_accepted (void)
{
  const char *urls[] = {
    "https://api.zoom.us/v2", "https://api.zoomgov.com/v2", "https://zoom.us",
    "HTTPS://API.ZOOM.US/v2", "https://example.org:8443/base/", "http://127.0.0.1:8080/v2",
    "http://127.1.2.3/v2", "http://[::1]:9/v2", "HTTP://127.0.0.1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", urls[i]);
      g_assert_true (zp_url_is_acceptable_api_base (urls[i], &error));
      g_assert_no_error (error);
    }
}

static void
test_refused (void)
{
  static const struct { const char *url; ZpUrlError code; } cases[] = {
    { "", ZP_URL_ERROR_EMPTY },
    { NULL, ZP_URL_ERROR_EMPTY },
    { "api.zoom.us/v2", ZP_URL_ERROR_MALFORMED },
    { "https://", ZP_URL_ERROR_MALFORMED },
    { "https://a b/v2", ZP_URL_ERROR_MALFORMED },
    { "https://user:secret@api.zoom.us/v2", ZP_URL_ERROR_MALFORMED },
    { "https://api.zoom.us/v2?x=1", ZP_URL_ERROR_MALFORMED },
    { "https://api.zoom.us/v2#top", ZP_URL_ERROR_MALFORMED },
    { "ftp://127.0.0.1/v2", ZP_URL_ERROR_SCHEME },
    { "file:///etc/passwd", ZP_URL_ERROR_MALFORMED },
    { "javascript://127.0.0.1/", ZP_URL_ERROR_SCHEME },
    { "http://api.zoom.us/v2", ZP_URL_ERROR_INSECURE },
    { "http://localhost:8080/v2", ZP_URL_ERROR_INSECURE },
    { "http://192.168.1.10/v2", ZP_URL_ERROR_INSECURE },
    { "http://10.0.0.1/v2", ZP_URL_ERROR_INSECURE },
    { "http://[fe80::1]/v2", ZP_URL_ERROR_INSECURE },
    { "http://0.0.0.0/v2", ZP_URL_ERROR_INSECURE },
    { "http://127.0.0.1.example.com/v2", ZP_URL_ERROR_INSECURE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].url != NULL ? cases[i].url : "(null)");
      g_assert_false (zp_url_is_acceptable_api_base (cases[i].url, &error));
      g_assert_error (error, ZP_URL_ERROR, (int) cases[i].code);
      g_assert_cmpstr (error->message, !=, "");
    }

  /* A caller that only wants the answer. */
  g_assert_false (zp_url_is_acceptable_api_base ("http://example.com", NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/url/api-base/accepted", test_accepted);
  g_test_add_func ("/url/api-base/refused", test_refused);

  return g_test_run ();
}
