/* test-preferences.c: the preferences window writes what it shows, and refuses bad values
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/zp-session-run (Xvfb, private HOME). Each case builds the real dialog
 * from its GResource template over a memory settings backend and works its widgets the way
 * a click or a keystroke would.
 */

#include "config.h"

#include <locale.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "zp-autostart.h"
#include "zp-preferences-dialog.h"
#include "zp-status.h"

#define WAIT_MS 5000

typedef struct
{
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

static GtkWidget *
child (Fixture    *fixture,
       const char *name)
{
  GObject *widget = gtk_widget_get_template_child (GTK_WIDGET (fixture->dialog),
                                                   ZP_TYPE_PREFERENCES_DIALOG, name);

  g_assert_nonnull (widget);
  return GTK_WIDGET (widget);
}

static gboolean
has_error_class (GtkWidget *widget)
{
  return gtk_style_context_has_class (gtk_widget_get_style_context (widget),
                                      GTK_STYLE_CLASS_ERROR);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->backend = g_memory_settings_backend_new ();
  fixture->settings = g_settings_new_with_backend (APP_ID, fixture->backend);
  fixture->dialog = zp_preferences_dialog_new (NULL, fixture->settings, NULL);
  g_object_ref_sink (fixture->dialog);
  gtk_widget_show (GTK_WIDGET (fixture->dialog));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *entry = zp_autostart_dup_entry_path ();

  gtk_widget_destroy (GTK_WIDGET (fixture->dialog));
  g_clear_object (&fixture->dialog);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->backend);
  g_unlink (entry);
}

static void
test_title (Fixture       *fixture,
            gconstpointer  data)
{
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->dialog)), ==, "Preferences");
  g_assert_true (GTK_IS_HEADER_BAR (gtk_dialog_get_header_bar (GTK_DIALOG (fixture->dialog))));
}

static void
test_switches (Fixture       *fixture,
               gconstpointer  data)
{
  static const struct { const char *widget; const char *key; } switches[] = {
    { "away_on_lock_switch", "away-on-lock" },
    { "restore_on_unlock_switch", "restore-on-unlock" },
    { "notify_errors_switch", "notify-errors" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (switches); i++)
    {
      GtkSwitch *widget = GTK_SWITCH (child (fixture, switches[i].widget));
      gboolean before = g_settings_get_boolean (fixture->settings, switches[i].key);

      g_test_message ("%s -> %s", switches[i].widget, switches[i].key);
      g_assert_cmpint (gtk_switch_get_active (widget), ==, before);

      gtk_switch_set_active (widget, !before);
      g_assert_cmpint (g_settings_get_boolean (fixture->settings, switches[i].key), ==, !before);

      gtk_switch_set_active (widget, before);
      g_assert_cmpint (g_settings_get_boolean (fixture->settings, switches[i].key), ==, before);

      /* And the other way: a change made elsewhere shows at once. */
      g_settings_set_boolean (fixture->settings, switches[i].key, !before);
      g_assert_cmpint (gtk_switch_get_active (widget), ==, !before);
    }
}

static void
test_restore_follows_lock (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWidget *row = child (fixture, "restore_on_unlock_row");

  g_settings_set_boolean (fixture->settings, "away-on-lock", TRUE);
  g_assert_true (gtk_widget_get_sensitive (row));
  gtk_switch_set_active (GTK_SWITCH (child (fixture, "away_on_lock_switch")), FALSE);
  g_assert_false (gtk_widget_get_sensitive (row));
}

static void
type_into_spin (GtkSpinButton *spin,
                const char    *text)
{
  gtk_entry_set_text (GTK_ENTRY (spin), text);
  gtk_spin_button_update (spin);
}

static void
check_spin (Fixture    *fixture,
            const char *spin_name,
            const char *label_name,
            const char *key,
            guint       lowest)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (child (fixture, spin_name));
  GtkWidget *label = child (fixture, label_name);
  const char *refused[] = { "1441", "5000", "-3", "abc", "12 minutes", "" };

  gtk_spin_button_set_value (spin, 30);
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, key), ==, 30);

  type_into_spin (spin, "90");
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, key), ==, 90);
  g_assert_false (gtk_widget_get_visible (label));

  type_into_spin (spin, lowest == 0 ? "0" : "1");
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, key), ==, lowest);
  type_into_spin (spin, "1440");
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, key), ==, 1440);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_test_message ("%s: typing “%s”", key, refused[i]);
      type_into_spin (spin, refused[i]);
      g_assert_cmpuint (g_settings_get_uint (fixture->settings, key), ==, 1440);
      g_assert_true (gtk_widget_get_visible (label));
      g_assert_true (has_error_class (GTK_WIDGET (spin)));
      g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "1440"));
    }

  if (lowest == 1)
    {
      type_into_spin (spin, "0");
      g_assert_cmpuint (g_settings_get_uint (fixture->settings, key), ==, 1440);
      g_assert_true (gtk_widget_get_visible (label));
    }

  /* A good value clears the message. */
  type_into_spin (spin, "45");
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, key), ==, 45);
  g_assert_false (gtk_widget_get_visible (label));
  g_assert_false (has_error_class (GTK_WIDGET (spin)));

  g_settings_set_uint (fixture->settings, key, 120);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 120);
}

static void
test_idle_minutes (Fixture       *fixture,
                   gconstpointer  data)
{
  check_spin (fixture, "idle_spin", "idle_error_label", "away-on-idle-minutes", 0);
}

static void
test_dnd_minutes (Fixture       *fixture,
                  gconstpointer  data)
{
  check_spin (fixture, "dnd_spin", "dnd_error_label", "dnd-minutes", 1);
}

static gboolean
is_user_set (GSettings  *settings,
             const char *key)
{
  g_autoptr(GVariant) value = g_settings_get_user_value (settings, key);

  return value != NULL;
}

static void
check_url_entry (Fixture    *fixture,
                 const char *entry_name,
                 const char *label_name,
                 const char *key)
{
  GtkEntry *entry = GTK_ENTRY (child (fixture, entry_name));
  GtkWidget *label = child (fixture, label_name);
  g_autoptr(GVariant) default_value = g_settings_get_default_value (fixture->settings, key);
  const char *default_url = g_variant_get_string (default_value, NULL);
  const char *accepted[] = {
    "http://127.0.0.1:8080/v2", "https://api.zoomgov.com/v2", "http://[::1]:1/v2",
    "HTTPS://Example.org",
  };
  const char *refused[] = {
    "http://example.com/v2", "http://192.168.1.10/v2", "http://localhost:8080/v2",
    "ftp://127.0.0.1/", "file:///etc/passwd", "api.zoom.us/v2", "https://", "https://a b",
    "https://user:secret@example.com/v2", "https://example.com/v2?x=1",
  };

  /* Showing the default writes nothing: the sign-in's own API address still counts. */
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, default_url);
  g_assert_false (is_user_set (fixture->settings, key));

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autofree char *value = NULL;

      g_test_message ("%s: accepts %s", key, accepted[i]);
      gtk_entry_set_text (entry, accepted[i]);
      value = g_settings_get_string (fixture->settings, key);
      g_assert_cmpstr (value, ==, accepted[i]);
      g_assert_false (gtk_widget_get_visible (label));
      g_assert_false (has_error_class (GTK_WIDGET (entry)));
    }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *value = NULL;

      g_test_message ("%s: refuses %s", key, refused[i]);
      gtk_entry_set_text (entry, refused[i]);
      value = g_settings_get_string (fixture->settings, key);
      g_assert_cmpstr (value, ==, accepted[G_N_ELEMENTS (accepted) - 1]);
      g_assert_true (gtk_widget_get_visible (label));
      g_assert_true (has_error_class (GTK_WIDGET (entry)));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), !=, "");
    }

  /* The entry keeps what was typed, so it can be corrected. */
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, refused[G_N_ELEMENTS (refused) - 1]);

  /* Empty, or the default typed back, means "not set". */
  gtk_entry_set_text (entry, "");
  g_assert_false (is_user_set (fixture->settings, key));
  g_assert_false (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "");
  gtk_entry_set_text (entry, "https://example.net/v2");
  g_assert_true (is_user_set (fixture->settings, key));
  gtk_entry_set_text (entry, default_url);
  g_assert_false (is_user_set (fixture->settings, key));

  /* A change made elsewhere shows. */
  g_settings_set_string (fixture->settings, key, "https://elsewhere.example/v2");
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "https://elsewhere.example/v2");
}

static void
test_api_base_url (Fixture       *fixture,
                   gconstpointer  data)
{
  check_url_entry (fixture, "api_base_url_entry", "api_base_url_error_label", "api-base-url");
}

static void
test_oauth_base_url (Fixture       *fixture,
                     gconstpointer  data)
{
  check_url_entry (fixture, "oauth_base_url_entry", "oauth_base_url_error_label",
                   "oauth-base-url");
}

static void
test_text_entries (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkEntry *user = GTK_ENTRY (child (fixture, "user_id_entry"));
  GtkEntry *client = GTK_ENTRY (child (fixture, "client_id_entry"));
  g_autofree char *user_id = NULL;
  g_autofree char *client_id = NULL;

  gtk_entry_set_text (user, "someone@example.com");
  user_id = g_settings_get_string (fixture->settings, "user-id");
  g_assert_cmpstr (user_id, ==, "someone@example.com");

  gtk_entry_set_text (user, "");
  g_assert_false (is_user_set (fixture->settings, "user-id"));
  g_clear_pointer (&user_id, g_free);
  user_id = g_settings_get_string (fixture->settings, "user-id");
  g_assert_cmpstr (user_id, ==, "me");

  gtk_entry_set_text (client, "AbCdEf123");
  client_id = g_settings_get_string (fixture->settings, "client-id");
  g_assert_cmpstr (client_id, ==, "AbCdEf123");
}

static void
test_auth_mode (Fixture       *fixture,
                gconstpointer  data)
{
  GtkComboBox *combo = GTK_COMBO_BOX (child (fixture, "auth_mode_combo"));
  GtkWidget *account_row = child (fixture, "account_id_row");
  g_autofree char *account_id = NULL;

  g_assert_true (gtk_widget_get_visible (child (fixture, "auth_mode_row")));
  g_assert_cmpstr (gtk_combo_box_get_active_id (combo), ==, "public-client");
  g_assert_false (gtk_widget_get_visible (account_row));

  g_assert_true (gtk_combo_box_set_active_id (combo, "server-to-server"));
  g_assert_cmpint (g_settings_get_enum (fixture->settings, "auth-mode"), ==, 2);
  g_assert_true (gtk_widget_get_visible (account_row));

  gtk_entry_set_text (GTK_ENTRY (child (fixture, "account_id_entry")), "acct-42");
  account_id = g_settings_get_string (fixture->settings, "account-id");
  g_assert_cmpstr (account_id, ==, "acct-42");

  g_assert_true (gtk_combo_box_set_active_id (combo, "client-secret"));
  g_assert_cmpint (g_settings_get_enum (fixture->settings, "auth-mode"), ==, 1);
  g_assert_false (gtk_widget_get_visible (account_row));

  g_settings_set_string (fixture->settings, "auth-mode", "public-client");
  g_assert_cmpstr (gtk_combo_box_get_active_id (combo), ==, "public-client");
}

static void
test_advanced_collapsed (Fixture       *fixture,
                         gconstpointer  data)
{
  /* The addresses are for the few who need them. */
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (child (fixture,
                                                                  "advanced_expander"))));
}

/* Sign in / Sign out */

static void
count_cb (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  (*(guint *) user_data)++;
}

static void
test_account_buttons (void)
{
  g_autoptr(GtkApplication) application = NULL;
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = g_settings_new_with_backend (APP_ID, backend);
  g_autoptr(GSimpleAction) sign_in = g_simple_action_new ("sign-in", NULL);
  g_autoptr(GError) error = NULL;
  ZpPreferencesDialog *dialog;
  GtkWidget *sign_in_button;
  GtkWidget *sign_out_button;
  guint sign_ins = 0;

  application = gtk_application_new (APP_ID ".PreferencesTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);

  dialog = zp_preferences_dialog_new (application, settings, NULL);
  sign_in_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                              ZP_TYPE_PREFERENCES_DIALOG,
                                                              "sign_in_button"));
  sign_out_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                               ZP_TYPE_PREFERENCES_DIALOG,
                                                               "sign_out_button"));

  /* No such actions: no buttons. */
  g_assert_false (gtk_widget_get_visible (sign_in_button));
  g_assert_false (gtk_widget_get_visible (sign_out_button));

  g_signal_connect (sign_in, "activate", G_CALLBACK (count_cb), &sign_ins);
  g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (sign_in));
  g_assert_true (gtk_widget_get_visible (sign_in_button));
  g_assert_false (gtk_widget_get_visible (sign_out_button));

  gtk_widget_show (GTK_WIDGET (dialog));
  gtk_button_clicked (GTK_BUTTON (sign_in_button));
  g_assert_cmpuint (sign_ins, ==, 1);

  g_action_map_remove_action (G_ACTION_MAP (application), "sign-in");
  g_assert_false (gtk_widget_get_visible (sign_in_button));

  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* Start at login, outside Flatpak */

static void
test_start_at_login (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkSwitch *widget = GTK_SWITCH (child (fixture, "start_at_login_switch"));
  g_autofree char *path = zp_autostart_dup_entry_path ();
  g_autofree char *expected = NULL;
  g_autofree char *written = NULL;

  g_assert_true (g_str_has_prefix (path, g_get_home_dir ()));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (gtk_switch_get_active (widget));

  gtk_switch_set_active (widget, TRUE);
  WAIT_FOR (gtk_switch_get_state (widget));
  g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
  g_assert_true (g_file_get_contents (g_getenv ("ZP_AUTOSTART_TEMPLATE"), &expected, NULL,
                                      NULL));
  g_assert_cmpstr (written, ==, expected);
  g_assert_nonnull (strstr (written, "Exec=zoom-presence"));
  g_assert_true (zp_autostart_get_enabled ());

  gtk_switch_set_active (widget, FALSE);
  WAIT_FOR (!gtk_switch_get_state (widget));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (zp_autostart_get_enabled ());
}

static void
test_start_at_login_shown (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = g_settings_new_with_backend (APP_ID, backend);
  g_autofree char *path = zp_autostart_dup_entry_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  ZpPreferencesDialog *dialog;
  GObject *widget;

  /* An entry that exists but is switched off counts as off. */
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[Desktop Entry]\nType=Application\n"
                                      "Exec=zoom-presence\nX-GNOME-Autostart-enabled=false\n",
                                      -1, NULL));
  dialog = zp_preferences_dialog_new (NULL, settings, NULL);
  widget = gtk_widget_get_template_child (GTK_WIDGET (dialog), ZP_TYPE_PREFERENCES_DIALOG,
                                          "start_at_login_switch");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (widget)));
  gtk_widget_destroy (GTK_WIDGET (dialog));

  g_assert_true (g_file_set_contents (path, "[Desktop Entry]\nType=Application\n"
                                      "Exec=zoom-presence\n", -1, NULL));
  dialog = zp_preferences_dialog_new (NULL, settings, NULL);
  widget = gtk_widget_get_template_child (GTK_WIDGET (dialog), ZP_TYPE_PREFERENCES_DIALOG,
                                          "start_at_login_switch");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (widget)));
  gtk_widget_destroy (GTK_WIDGET (dialog));

  g_unlink (path);
}

static void
test_start_at_login_failure (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkSwitch *widget = GTK_SWITCH (child (fixture, "start_at_login_switch"));
  GtkWidget *label = child (fixture, "start_at_login_error_label");
  g_autofree char *template = g_strdup (g_getenv ("ZP_AUTOSTART_TEMPLATE"));
  g_autofree char *path = zp_autostart_dup_entry_path ();

  g_setenv ("ZP_AUTOSTART_TEMPLATE", "/nonexistent/zoom-presence-autostart.desktop", TRUE);
  gtk_switch_set_active (widget, TRUE);
  WAIT_FOR (!gtk_switch_get_active (widget));
  g_setenv ("ZP_AUTOSTART_TEMPLATE", template, TRUE);

  g_assert_false (gtk_switch_get_state (widget));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), !=, "");
}

/* Translations, from the .mo files built next to the tests */

static void
use_language (const char *language)
{
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");

  /* Setting the locale again makes gettext forget the catalogs it has looked up. */
  setlocale (LC_ALL, "");
}

static void
check_translated (const char *language,
                  const char *title,
                  const char *away,
                  const char *dnd,
                  const char *available)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = g_settings_new_with_backend (APP_ID, backend);
  ZpPreferencesDialog *dialog;

  use_language (language);

  dialog = zp_preferences_dialog_new (NULL, settings, NULL);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, title);
  gtk_widget_destroy (GTK_WIDGET (dialog));

  /* The tray menu's status items are these labels. */
  g_assert_cmpstr (zp_status_get_label (ZP_STATUS_AWAY), ==, away);
  g_assert_cmpstr (zp_status_get_label (ZP_STATUS_DO_NOT_DISTURB), ==, dnd);
  g_assert_cmpstr (zp_status_get_label (ZP_STATUS_AVAILABLE), ==, available);
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Preferences…"), !=, "Preferences…");
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Quit"), !=, "Quit");

  use_language (NULL);
}

static void
test_translated_de (void)
{
  check_translated ("de", "Einstellungen", "Abwesend", "Nicht stören", "Verfügbar");
}

static void
test_translated_fr (void)
{
  check_translated ("fr", "Préférences", "Absent", "Ne pas déranger", "Disponible");
}

int
main (int   argc,
      char *argv[])
{
  /* No textdomain(): GLib would then decide once, in the C locale, never to translate. */
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, ZP_BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_setenv ("ZP_AUTOSTART_TEMPLATE", ZP_AUTOSTART_TEMPLATE_PATH, TRUE);
  g_unsetenv ("ZP_FORCE_PORTAL");

  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)
  ADD ("/preferences/title", test_title);
  ADD ("/preferences/switches", test_switches);
  ADD ("/preferences/restore-follows-lock", test_restore_follows_lock);
  ADD ("/preferences/idle-minutes", test_idle_minutes);
  ADD ("/preferences/dnd-minutes", test_dnd_minutes);
  ADD ("/preferences/api-base-url", test_api_base_url);
  ADD ("/preferences/oauth-base-url", test_oauth_base_url);
  ADD ("/preferences/text-entries", test_text_entries);
  ADD ("/preferences/auth-mode", test_auth_mode);
  ADD ("/preferences/advanced-collapsed", test_advanced_collapsed);
  ADD ("/preferences/start-at-login/file", test_start_at_login);
  ADD ("/preferences/start-at-login/failure", test_start_at_login_failure);
#undef ADD
  g_test_add_func ("/preferences/start-at-login/shown", test_start_at_login_shown);
  g_test_add_func ("/preferences/account-buttons", test_account_buttons);
  g_test_add_func ("/preferences/translated/de", test_translated_de);
  g_test_add_func ("/preferences/translated/fr", test_translated_fr);

  return g_test_run ();
}
