/* test-autostart.c: start at login through an XDG autostart entry or the Background portal
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file cases write into the private HOME of tests/zp-session-run. The portal cases
 * (ZP_FORCE_PORTAL=1) talk to a dbusmock org.freedesktop.portal.Desktop on a bus of their
 * own (tests/mock-background-portal.py), which answers the way xdg-desktop-portal does.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "zp-autostart.h"
#include "zp-mock-bus.h"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define WAIT_MS     5000

typedef struct
{
  gboolean  done;
  gboolean  result;
  GError   *error;
} Outcome;

static void
set_enabled_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->result = zp_autostart_set_enabled_finish (result, &outcome->error);
  outcome->done = TRUE;
}

static gboolean
set_enabled (gboolean          enabled,
             GDBusConnection  *connection,
             GError          **error)
{
  Outcome outcome = { 0 };

  zp_autostart_set_enabled_async (enabled, connection, NULL, set_enabled_cb, &outcome);
  /* Always answered from the main loop, never from inside the call. */
  g_assert_false (outcome.done);
  ZP_MOCK_BUS_WAIT (outcome.done, WAIT_MS);

  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);

  return outcome.result;
}

static void
forget_everything (void)
{
  g_autofree char *entry = zp_autostart_dup_entry_path ();
  g_autofree char *marker = g_build_filename (g_get_user_config_dir (), GETTEXT_PACKAGE,
                                              "autostart-granted", NULL);

  g_unlink (entry);
  g_unlink (marker);
}

/* Outside Flatpak */

static void
test_file (void)
{
  g_autofree char *path = zp_autostart_dup_entry_path ();
  g_autofree char *written = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exec = NULL;

  g_unsetenv ("ZP_FORCE_PORTAL");
  forget_everything ();
  g_assert_false (zp_autostart_uses_portal ());
  g_assert_false (zp_autostart_get_enabled ());

  g_assert_true (set_enabled (TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (zp_autostart_get_enabled ());

  /* A valid entry that starts the applet. */
  g_assert_true (g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  exec = g_key_file_get_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, "zoom-presence");

  /* Twice on is still on. */
  g_assert_true (set_enabled (TRUE, NULL, &error));
  g_assert_true (zp_autostart_get_enabled ());

  g_assert_true (set_enabled (FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (zp_autostart_get_enabled ());

  /* Removing what is not there is fine. */
  g_assert_true (set_enabled (FALSE, NULL, &error));
  g_assert_no_error (error);
}

static void
test_file_hidden (void)
{
  g_autofree char *path = zp_autostart_dup_entry_path ();
  g_autofree char *folder = g_path_get_dirname (path);

  g_unsetenv ("ZP_FORCE_PORTAL");
  forget_everything ();
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);

  g_assert_true (g_file_set_contents (path, "[Desktop Entry]\nType=Application\n"
                                      "Exec=zoom-presence\nHidden=true\n", -1, NULL));
  g_assert_false (zp_autostart_get_enabled ());

  g_assert_true (g_file_set_contents (path, "[Desktop Entry]\nType=Application\n"
                                      "Exec=zoom-presence\n", -1, NULL));
  g_assert_true (zp_autostart_get_enabled ());

  forget_everything ();
}

static void
test_file_no_template (void)
{
  g_autofree char *template = g_strdup (g_getenv ("ZP_AUTOSTART_TEMPLATE"));
  g_autofree char *path = zp_autostart_dup_entry_path ();
  g_autoptr(GError) error = NULL;

  g_unsetenv ("ZP_FORCE_PORTAL");
  forget_everything ();
  g_setenv ("ZP_AUTOSTART_TEMPLATE", "/nonexistent/autostart.desktop", TRUE);

  g_assert_false (set_enabled (TRUE, NULL, &error));
  g_assert_error (error, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_FAILED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_setenv ("ZP_AUTOSTART_TEMPLATE", template, TRUE);
}

/* Inside Flatpak */

static GVariant *
portal_requests (GDBusConnection *connection)
{
  g_autoptr(GVariant) reply = zp_mock_bus_call (connection, PORTAL_NAME, PORTAL_PATH,
                                                ZP_MOCK_INTERFACE, "GetRequests", NULL);

  return g_variant_get_child_value (reply, 0);
}

static void
test_portal (void)
{
  ZpMockBus *bus = zp_mock_bus_new ();
  GDBusConnection *connection = zp_mock_bus_get_session (bus);
  g_autofree char *entry = zp_autostart_dup_entry_path ();
  g_autoptr(GVariant) requests = NULL;
  g_autoptr(GVariant) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **commandline = NULL;
  gboolean autostart = FALSE;
  const char *reason = NULL;

  g_setenv ("ZP_FORCE_PORTAL", "1", TRUE);
  forget_everything ();
  zp_mock_bus_spawn (bus, FALSE, PORTAL_NAME, "--template", "mock-background-portal.py",
                     NULL);
  g_assert_true (zp_autostart_uses_portal ());
  g_assert_false (zp_autostart_get_enabled ());

  g_assert_true (set_enabled (TRUE, connection, &error));
  g_assert_no_error (error);
  g_assert_true (zp_autostart_get_enabled ());
  /* The sandbox cannot write the host's autostart folder; the portal does. */
  g_assert_false (g_file_test (entry, G_FILE_TEST_EXISTS));

  requests = portal_requests (connection);
  g_assert_cmpuint (g_variant_n_children (requests), ==, 1);
  options = g_variant_get_child_value (requests, 0);
  g_assert_true (g_variant_lookup (options, "autostart", "b", &autostart));
  g_assert_true (autostart);
  g_assert_true (g_variant_lookup (options, "commandline", "^a&s", &commandline));
  g_assert_cmpuint (g_strv_length ((char **) commandline), ==, 1);
  g_assert_cmpstr (commandline[0], ==, "zoom-presence");
  g_assert_true (g_variant_lookup (options, "reason", "&s", &reason));
  g_assert_cmpstr (reason, !=, "");
  g_assert_true (g_variant_lookup (options, "handle_token", "&s", &reason));

  g_clear_pointer (&options, g_variant_unref);
  g_clear_pointer (&requests, g_variant_unref);
  g_assert_true (set_enabled (FALSE, connection, &error));
  g_assert_no_error (error);
  g_assert_false (zp_autostart_get_enabled ());
  requests = portal_requests (connection);
  g_assert_cmpuint (g_variant_n_children (requests), ==, 2);
  options = g_variant_get_child_value (requests, 1);
  g_assert_true (g_variant_lookup (options, "autostart", "b", &autostart));
  g_assert_false (autostart);

  forget_everything ();
  zp_mock_bus_free (bus);
  g_unsetenv ("ZP_FORCE_PORTAL");
}

static void
test_portal_denied (void)
{
  ZpMockBus *bus = zp_mock_bus_new ();
  GDBusConnection *connection = zp_mock_bus_get_session (bus);
  g_autoptr(GError) error = NULL;

  g_setenv ("ZP_FORCE_PORTAL", "1", TRUE);
  forget_everything ();
  zp_mock_bus_spawn (bus, FALSE, PORTAL_NAME, "--template", "mock-background-portal.py",
                     NULL);

  /* The user said no in the portal's dialog. */
  g_variant_unref (zp_mock_bus_call (connection, PORTAL_NAME, PORTAL_PATH, ZP_MOCK_INTERFACE,
                                     "SetAnswer", g_variant_new ("(ub)", 1, FALSE)));
  g_assert_false (set_enabled (TRUE, connection, &error));
  g_assert_error (error, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_DENIED);
  g_assert_false (zp_autostart_get_enabled ());
  g_clear_error (&error);

  /* Answered, but autostart was not granted (the app's permission is off). */
  g_variant_unref (zp_mock_bus_call (connection, PORTAL_NAME, PORTAL_PATH, ZP_MOCK_INTERFACE,
                                     "SetAnswer", g_variant_new ("(ub)", 0, FALSE)));
  g_assert_false (set_enabled (TRUE, connection, &error));
  g_assert_error (error, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_DENIED);
  g_assert_false (zp_autostart_get_enabled ());
  g_clear_error (&error);

  /* The portal failed for its own reasons. */
  g_variant_unref (zp_mock_bus_call (connection, PORTAL_NAME, PORTAL_PATH, ZP_MOCK_INTERFACE,
                                     "SetAnswer", g_variant_new ("(ub)", 2, TRUE)));
  g_assert_false (set_enabled (TRUE, connection, &error));
  g_assert_error (error, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_PORTAL);
  g_assert_false (zp_autostart_get_enabled ());

  forget_everything ();
  zp_mock_bus_free (bus);
  g_unsetenv ("ZP_FORCE_PORTAL");
}

static void
test_portal_missing (void)
{
  ZpMockBus *bus = zp_mock_bus_new ();
  g_autoptr(GError) error = NULL;

  g_setenv ("ZP_FORCE_PORTAL", "1", TRUE);
  forget_everything ();

  /* Nothing owns org.freedesktop.portal.Desktop on this bus, and nothing is activated. */
  g_assert_false (set_enabled (TRUE, zp_mock_bus_get_session (bus), &error));
  g_assert_error (error, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_PORTAL);
  g_assert_false (zp_autostart_get_enabled ());

  zp_mock_bus_free (bus);
  g_unsetenv ("ZP_FORCE_PORTAL");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_setenv ("ZP_AUTOSTART_TEMPLATE", ZP_AUTOSTART_TEMPLATE_PATH, TRUE);

  g_test_add_func ("/autostart/file/on-off", test_file);
  g_test_add_func ("/autostart/file/switched-off-entry", test_file_hidden);
  g_test_add_func ("/autostart/file/no-template", test_file_no_template);
  g_test_add_func ("/autostart/portal/on-off", test_portal);
  g_test_add_func ("/autostart/portal/denied", test_portal_denied);
  g_test_add_func ("/autostart/portal/missing", test_portal_missing);

  return g_test_run ();
}
