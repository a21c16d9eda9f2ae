/* test-portal-preferences.c: "Start at login" in the preferences window, sandboxed
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/zp-session-run (Xvfb, private HOME and session bus) with GTK_USE_PORTAL=1,
 * the way the integration tests force the sandboxed code paths. The real dialog's switch
 * talks to the Background portal of tests/mock-portal-desktop.py (dbusmock) on the session
 * bus: the switch has no command line, so this is where that path is driven end to end.
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "zp-autostart.h"
#include "zp-preferences-dialog.h"

#define WAIT_MS 10000
#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define MOCK_IFACE "org.freedesktop.DBus.Mock"

typedef struct
{
  GSubprocess         *portal;
  GDBusConnection     *bus;
  GSettingsBackend    *backend;
  GSettings           *settings;
  ZpPreferencesDialog *dialog;
} Fixture;

static gboolean
timeout_cb (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until EXPR holds, or fails after WAIT_MS. */
#define WAIT_FOR(expr) \
  G_STMT_START { \
    gboolean timed_out_ = FALSE; \
    guint id_ = g_timeout_add (WAIT_MS, timeout_cb, &timed_out_); \
    while (!(expr) && !timed_out_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!timed_out_) \
      g_source_remove (id_); \
    g_assert_true (expr); \
  } G_STMT_END

static GVariant *
mock_call (Fixture    *fixture,
           const char *method,
           GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (fixture->bus, PORTAL_NAME, PORTAL_PATH,
                                                 MOCK_IFACE, method, parameters, NULL,
                                                 G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
                                                 &error);

  g_assert_no_error (error);
  return reply;
}

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         flag)
{
  *(gboolean *) flag = TRUE;
}

static GtkWidget *
child (Fixture    *fixture,
       const char *name)
{
  GObject *widget = gtk_widget_get_template_child (GTK_WIDGET (fixture->dialog),
                                                   ZP_TYPE_PREFERENCES_DIALOG, name);

  g_assert_nonnull (widget);
  return GTK_WIDGET (widget);
}

static void
close_dialog (Fixture *fixture)
{
  if (fixture->dialog != NULL)
    gtk_widget_destroy (GTK_WIDGET (fixture->dialog));
  fixture->dialog = NULL;
}

static void
open_dialog (Fixture *fixture)
{
  close_dialog (fixture);
  fixture->dialog = zp_preferences_dialog_new (NULL, fixture->settings, NULL);
  gtk_widget_show (GTK_WIDGET (fixture->dialog));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *template = g_test_build_filename (G_TEST_DIST, "mock-portal-desktop.py",
                                                     NULL);
  g_autofree char *marker = g_build_filename (g_get_user_config_dir (), GETTEXT_PACKAGE,
                                              "autostart-granted", NULL);
  g_autoptr(GError) error = NULL;
  gboolean appeared = FALSE;
  guint watch;

  g_unlink (marker);
  fixture->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  fixture->portal = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "/usr/bin/python3",
                                      "-m", "dbusmock", "--template", template, NULL);
  g_assert_no_error (error);
  watch = g_bus_watch_name_on_connection (fixture->bus, PORTAL_NAME,
                                          G_BUS_NAME_WATCHER_FLAGS_NONE, name_appeared_cb,
                                          NULL, &appeared, NULL);
  WAIT_FOR (appeared);
  g_bus_unwatch_name (watch);

  fixture->backend = g_memory_settings_backend_new ();
  fixture->settings = g_settings_new_with_backend (APP_ID, fixture->backend);
  open_dialog (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *marker = g_build_filename (g_get_user_config_dir (), GETTEXT_PACKAGE,
                                              "autostart-granted", NULL);

  close_dialog (fixture);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->backend);
  g_subprocess_force_exit (fixture->portal);
  g_subprocess_wait (fixture->portal, NULL, NULL);
  g_clear_object (&fixture->portal);
  g_clear_object (&fixture->bus);
  g_unlink (marker);
}

static GVariant *
request (Fixture *fixture,
         guint    index)
{
  g_autoptr(GVariant) reply = mock_call (fixture, "GetRequests", NULL);
  g_autoptr(GVariant) requests = g_variant_get_child_value (reply, 0);

  g_assert_cmpuint (g_variant_n_children (requests), >, index);
  return g_variant_get_child_value (requests, index);
}

static guint
n_requests (Fixture *fixture)
{
  g_autoptr(GVariant) reply = mock_call (fixture, "GetRequests", NULL);
  g_autoptr(GVariant) requests = g_variant_get_child_value (reply, 0);

  return g_variant_n_children (requests);
}

static void
test_switch_asks_the_portal (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkSwitch *widget = GTK_SWITCH (child (fixture, "start_at_login_switch"));
  g_autofree char *entry = zp_autostart_dup_entry_path ();
  g_autofree const char **commandline = NULL;
  g_autoptr(GVariant) options = NULL;
  gboolean autostart = FALSE;
  gboolean dbus_activatable = TRUE;

  g_assert_true (zp_autostart_uses_portal ());
  g_assert_false (gtk_switch_get_active (widget));

  gtk_switch_set_active (widget, TRUE);
  WAIT_FOR (gtk_switch_get_state (widget));
  g_assert_cmpuint (n_requests (fixture), ==, 1);
  options = request (fixture, 0);
  g_assert_true (g_variant_lookup (options, "autostart", "b", &autostart));
  g_assert_true (autostart);
  g_assert_true (g_variant_lookup (options, "commandline", "^a&s", &commandline));
  g_assert_cmpuint (g_strv_length ((char **) commandline), ==, 1);
  g_assert_cmpstr (commandline[0], ==, "zoom-presence");
  g_assert_true (g_variant_lookup (options, "dbus-activatable", "b", &dbus_activatable));
  g_assert_false (dbus_activatable);
  g_assert_true (zp_autostart_get_enabled ());
  /* The portal writes the host's autostart entry, not the sandboxed applet. */
  g_assert_false (g_file_test (entry, G_FILE_TEST_EXISTS));

  /* A new window shows what the portal granted. */
  open_dialog (fixture);
  widget = GTK_SWITCH (child (fixture, "start_at_login_switch"));
  g_assert_true (gtk_switch_get_active (widget));

  gtk_switch_set_active (widget, FALSE);
  WAIT_FOR (!gtk_switch_get_state (widget));
  g_assert_cmpuint (n_requests (fixture), ==, 2);
  g_clear_pointer (&options, g_variant_unref);
  options = request (fixture, 1);
  g_assert_true (g_variant_lookup (options, "autostart", "b", &autostart));
  g_assert_false (autostart);
  g_assert_false (zp_autostart_get_enabled ());
}

static void
test_switch_denied (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkSwitch *widget = GTK_SWITCH (child (fixture, "start_at_login_switch"));
  GtkLabel *label = GTK_LABEL (child (fixture, "start_at_login_error_label"));

  /* The person said no in the portal's dialog. */
  g_variant_unref (mock_call (fixture, "SetAnswer", g_variant_new ("(ub)", 1, FALSE)));
  gtk_switch_set_active (widget, TRUE);
  WAIT_FOR (!gtk_switch_get_active (widget));
  g_assert_cmpuint (n_requests (fixture), ==, 1);
  g_assert_false (gtk_switch_get_state (widget));
  g_assert_false (zp_autostart_get_enabled ());
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (label)));
  g_assert_cmpstr (gtk_label_get_text (label), !=, "");
}

int
main (int   argc,
      char *argv[])
{
  /* Before GTK and GLib read it; ZP_FORCE_PORTAL must not be what makes this work. */
  g_setenv ("GTK_USE_PORTAL", "1", TRUE);
  g_unsetenv ("ZP_FORCE_PORTAL");

  gtk_test_init (&argc, &argv, NULL);

  g_test_add ("/portal-preferences/start-at-login/background-portal", Fixture, NULL,
              fixture_set_up, test_switch_asks_the_portal, fixture_tear_down);
  g_test_add ("/portal-preferences/start-at-login/denied", Fixture, NULL,
              fixture_set_up, test_switch_denied, fixture_tear_down);

  return g_test_run ();
}
