/* test-status-icons.c: every status names a themed icon that data/icons ships
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

#include "zp-status.h"

static char *
status_icon_path (const char *icon_name)
{
  g_autofree char *file = g_strconcat (icon_name, ".svg", NULL);

  return g_build_filename (ZP_ICON_DIR, "hicolor", "scalable", "status", file, NULL);
}

static void
test_every_status_has_icon (void)
{
  for (ZpStatus status = ZP_STATUS_UNKNOWN; status < ZP_STATUS_LAST; status++)
    {
      const char *icon_name = zp_status_get_icon_name (status);
      g_autofree char *path = NULL;

      g_test_message ("status %d (%s): icon %s", status,
                      zp_status_to_api_name (status), icon_name);
      g_assert_nonnull (icon_name);
      /* A Flatpak exports only icons named after the application id. */
      g_assert_true (g_str_has_prefix (icon_name, APP_ID "-"));

      path = status_icon_path (icon_name);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
}

static void
test_signed_out_icon (void)
{
  g_autofree char *path = status_icon_path (APP_ID "-signed-out");

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/status/icons/every-status", test_every_status_has_icon);
  g_test_add_func ("/status/icons/signed-out", test_signed_out_icon);

  return g_test_run ();
}
