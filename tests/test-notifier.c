/* test-notifier.c: trouble notifications, seen from dbusmock's notification daemon
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case starts `python3 -m dbusmock --template notification_daemon` on the session's
 * private bus and registers a GApplication there, so GLib's freedesktop backend carries the
 * notifications; the mock's MethodCalled signals say what reached the server.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>

#include "zp-auth.h"
#include "zp-notifier-private.h"
#include "zp-presence-controller-private.h"
#include "zp-test-server.h"
#include "zp-token-store.h"
#include "zp-zoom-client.h"

#define WAIT_SECONDS 20
#define FDO_NAME "org.freedesktop.Notifications"
#define FDO_PATH "/org/freedesktop/Notifications"

static GPtrArray *finished_applications;

typedef struct
{
  GSubprocess     *daemon;
  GDBusConnection *bus;
  guint            subscription;
  GPtrArray       *calls;   /* GVariant (s name, av args) per call, in order */
  GApplication    *application;
  GSettings       *settings;
  ZpNotifier      *notifier;
} Fixture;

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_UNTIL(condition) \
  G_STMT_START { \
    gboolean timed_out_ = FALSE; \
    guint timeout_id_ = g_timeout_add_seconds (WAIT_SECONDS, timed_out_cb, &timed_out_); \
    while (!(condition) && !timed_out_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!timed_out_) \
      g_source_remove (timeout_id_); \
    if (!(condition)) \
      g_error ("Timed out waiting for %s", #condition); \
  } G_STMT_END

static void
method_called_cb (GDBusConnection *connection,
                  const char      *sender,
                  const char      *path,
                  const char      *interface,
                  const char      *signal,
                  GVariant        *parameters,
                  gpointer         user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->calls, g_variant_ref (parameters));
}

/* The index-th call of that method, or NULL. */
static GVariant *
nth_call (Fixture    *fixture,
          const char *method,
          guint       index)
{
  for (guint i = 0; i < fixture->calls->len; i++)
    {
      GVariant *call = g_ptr_array_index (fixture->calls, i);
      const char *name;

      g_variant_get_child (call, 0, "&s", &name);
      if (g_strcmp0 (name, method) == 0 && index-- == 0)
        return call;
    }

  return NULL;
}

static guint
count_calls (Fixture    *fixture,
             const char *method)
{
  guint count = 0;

  while (nth_call (fixture, method, count) != NULL)
    count++;

  return count;
}

/* Argument i of a call, unwrapped from its variant. */
static GVariant *
call_argument (GVariant *call,
               guint     i)
{
  g_autoptr(GVariant) arguments = g_variant_get_child_value (call, 1);
  g_autoptr(GVariant) boxed = g_variant_get_child_value (arguments, i);

  return g_variant_get_variant (boxed);
}

static char *
notify_string (GVariant *call,
               guint     i)
{
  g_autoptr(GVariant) value = call_argument (call, i);

  return g_variant_dup_string (value, NULL);
}

static guint32
notify_replaces_id (GVariant *call)
{
  g_autoptr(GVariant) value = call_argument (call, 1);

  return g_variant_get_uint32 (value);
}

static gboolean
notify_has_action_label (GVariant   *call,
                         const char *label)
{
  g_autoptr(GVariant) value = call_argument (call, 5);
  g_autofree const char **actions = g_variant_get_strv (value, NULL);

  /* Pairs of identifier and label. */
  for (guint i = 1; actions[i - 1] != NULL && actions[i] != NULL; i += 2)
    {
      if (g_strcmp0 (actions[i], label) == 0)
        return TRUE;
    }

  return FALSE;
}

static guint32
close_id (GVariant *call)
{
  g_autoptr(GVariant) value = call_argument (call, 0);

  return g_variant_get_uint32 (value);
}

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
start_daemon (Fixture    *fixture,
              const char *capabilities)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean appeared = FALSE;
  guint watch;

  g_ptr_array_add (argv, g_strdup ("/usr/bin/python3"));
  g_ptr_array_add (argv, g_strdup ("-m"));
  g_ptr_array_add (argv, g_strdup ("dbusmock"));
  g_ptr_array_add (argv, g_strdup ("--template"));
  g_ptr_array_add (argv, g_strdup ("notification_daemon"));
  if (capabilities != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("-p"));
      g_ptr_array_add (argv, g_strdup_printf ("{\"capabilities\": \"%s\"}", capabilities));
    }
  g_ptr_array_add (argv, NULL);

  fixture->daemon = g_subprocess_newv ((const char * const *) argv->pdata,
                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);

  watch = g_bus_watch_name_on_connection (fixture->bus, FDO_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          name_appeared_cb, NULL, &appeared, NULL);
  WAIT_UNTIL (appeared);
  g_bus_unwatch_name (watch);

  /* The template's CloseNotification takes an int; the specification (and GLib) say uint. */
  reply = g_dbus_connection_call_sync (fixture->bus, FDO_NAME, FDO_PATH,
                                       "org.freedesktop.DBus.Mock", "AddMethod",
                                       g_variant_new ("(sssss)", FDO_NAME, "CloseNotification",
                                                      "u", "", ""),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  fixture->subscription =
    g_dbus_connection_signal_subscribe (fixture->bus, NULL, "org.freedesktop.DBus.Mock",
                                        "MethodCalled", FDO_PATH, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, method_called_cb, fixture,
                                        NULL);
}

static void sync_with_daemon (Fixture *fixture);

/* Waits for the count-th Notify, and for GLib to have its answer (the notification id). */
static void
wait_for_notify (Fixture *fixture,
                 guint    count)
{
  WAIT_UNTIL (count_calls (fixture, "Notify") == count);
  sync_with_daemon (fixture);
}

static void
add_action (GApplication *application,
            const char   *name)
{
  g_autoptr(GSimpleAction) action = g_simple_action_new (name, NULL);

  g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (action));
}

static void
setup_with (Fixture    *fixture,
            const char *capabilities)
{
  static guint counter;
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *app_id = g_strdup_printf ("%s.NotifierTest%u", APP_ID, counter++);

  fixture->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  fixture->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  start_daemon (fixture, capabilities);

  fixture->application = g_application_new (app_id, G_APPLICATION_DEFAULT_FLAGS);
  add_action (fixture->application, "retry");
  add_action (fixture->application, "sign-in");
  g_assert_true (g_application_register (fixture->application, NULL, &error));
  g_assert_no_error (error);

  fixture->settings = g_settings_new_with_backend (APP_ID, backend);
  fixture->notifier = zp_notifier_new (fixture->application, fixture->settings);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  setup_with (fixture, NULL);
}

static void
setup_plain (Fixture       *fixture,
             gconstpointer  data)
{
  setup_with (fixture, "body actions");
}

static void
round_trip_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result,
                                                              NULL);

  *(gboolean *) user_data = TRUE;
}

/* One call to the daemon and back: answers to earlier calls have been handled by then. */
static void
sync_with_daemon (Fixture *fixture)
{
  gboolean answered = FALSE;

  g_dbus_connection_call (fixture->bus, FDO_NAME, FDO_PATH, FDO_NAME, "GetServerInformation",
                          NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, round_trip_cb,
                          &answered);
  WAIT_UNTIL (answered);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  /* GLib's notification backend must have its answers before the application goes: it does
   * not cancel its calls when it is finalized. */
  sync_with_daemon (fixture);

  g_clear_object (&fixture->notifier);
  /* Finalizing a registered GApplication that has sent notifications, while the session bus
   * lives on, overflows the stack a few main-loop turns later (GLib 2.74): the applications
   * are kept until the process ends, as a real application is. */
  g_ptr_array_add (finished_applications, g_steal_pointer (&fixture->application));
  g_clear_object (&fixture->settings);
  g_dbus_connection_signal_unsubscribe (fixture->bus, fixture->subscription);
  g_subprocess_send_signal (fixture->daemon, SIGTERM);
  g_subprocess_wait (fixture->daemon, NULL, NULL);
  g_clear_object (&fixture->daemon);
  g_clear_pointer (&fixture->calls, g_ptr_array_unref);
  g_clear_object (&fixture->bus);
}

static GError *
trouble (const char *message)
{
  return g_error_new_literal (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_REFUSED, message);
}

/* One id per kind: a second trouble of a kind replaces the first; over means closed. */
static void
test_replaced_and_withdrawn (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) first = trouble ("Wait a little.");
  g_autoptr(GError) second = trouble ("Wait a little longer.");
  g_autoptr(GError) sign_in = trouble ("Sign in again.");
  g_autofree char *body = NULL;
  guint32 id;

  zp_notifier_show (fixture->notifier, ZP_TROUBLE_RATE_LIMIT, first);
  wait_for_notify (fixture, 1);
  g_assert_cmpuint (notify_replaces_id (nth_call (fixture, "Notify", 0)), ==, 0);
  g_assert_true (notify_has_action_label (nth_call (fixture, "Notify", 0), "Retry now"));

  /* The daemon's first id is 1. Another kind gets its own notification. */
  zp_notifier_show (fixture->notifier, ZP_TROUBLE_SIGN_IN, sign_in);
  wait_for_notify (fixture, 2);
  g_assert_cmpuint (notify_replaces_id (nth_call (fixture, "Notify", 1)), ==, 0);
  g_assert_true (notify_has_action_label (nth_call (fixture, "Notify", 1), "Sign in"));
  id = 1;

  zp_notifier_show (fixture->notifier, ZP_TROUBLE_RATE_LIMIT, second);
  wait_for_notify (fixture, 3);
  g_assert_cmpuint (notify_replaces_id (nth_call (fixture, "Notify", 2)), ==, id);
  body = notify_string (nth_call (fixture, "Notify", 2), 4);
  g_assert_cmpstr (body, ==, "Wait a little longer.");

  zp_notifier_withdraw (fixture->notifier, ZP_TROUBLE_RATE_LIMIT);
  WAIT_UNTIL (count_calls (fixture, "CloseNotification") == 1);
  g_assert_cmpuint (close_id (nth_call (fixture, "CloseNotification", 0)), ==, id);

  /* Withdrawing what is not shown sends nothing; the sign-in marker proves the order. */
  zp_notifier_withdraw (fixture->notifier, ZP_TROUBLE_REFUSED);
  zp_notifier_withdraw (fixture->notifier, ZP_TROUBLE_SIGN_IN);
  WAIT_UNTIL (count_calls (fixture, "CloseNotification") == 2);
  g_assert_cmpuint (close_id (nth_call (fixture, "CloseNotification", 1)), ==, 2);
}

/* Buttons only for actions the application has. */
static void
test_buttons (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) refused = trouble ("No.");

  zp_notifier_show (fixture->notifier, ZP_TROUBLE_REFUSED, refused);
  wait_for_notify (fixture, 1);
  g_assert_false (notify_has_action_label (nth_call (fixture, "Notify", 0), "Preferences"));

  add_action (fixture->application, "preferences");
  zp_notifier_show (fixture->notifier, ZP_TROUBLE_REFUSED, refused);
  wait_for_notify (fixture, 2);
  g_assert_true (notify_has_action_label (nth_call (fixture, "Notify", 1), "Preferences"));
}

/* notify-errors off: only sign-in trouble is told, and what was shown is taken back. */
static void
test_errors_silenced (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = trouble ("Something.");
  g_autofree char *title = NULL;

  zp_notifier_set_offline_grace (fixture->notifier, 0);
  zp_notifier_show (fixture->notifier, ZP_TROUBLE_REFUSED, error);
  wait_for_notify (fixture, 1);

  g_settings_set_boolean (fixture->settings, "notify-errors", FALSE);
  WAIT_UNTIL (count_calls (fixture, "CloseNotification") == 1);

  zp_notifier_show (fixture->notifier, ZP_TROUBLE_RATE_LIMIT, error);
  zp_notifier_show (fixture->notifier, ZP_TROUBLE_REFUSED, error);
  zp_notifier_show (fixture->notifier, ZP_TROUBLE_OFFLINE, error);
  zp_notifier_show (fixture->notifier, ZP_TROUBLE_SIGN_IN, error);
  wait_for_notify (fixture, 2);

  /* The offline grace of 0 ms has passed once the sign-in one arrived after it. */
  zp_notifier_show (fixture->notifier, ZP_TROUBLE_SIGN_IN, error);
  wait_for_notify (fixture, 3);

  title = notify_string (nth_call (fixture, "Notify", 1), 3);
  g_assert_cmpstr (title, ==, "Sign in to Zoom again");
  g_assert_cmpuint (count_calls (fixture, "Notify"), ==, 3);
}

static void
mark_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Offline is told only when it lasts longer than the grace. */
static void
test_offline_grace (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) offline = trouble ("Could not reach Zoom.");
  g_autoptr(GError) marker = trouble ("Marker.");
  gboolean passed = FALSE;
  gint64 shown_at;
  g_autofree char *title = NULL;

  zp_notifier_set_offline_grace (fixture->notifier, 1500);

  /* A short outage: over before the grace. */
  zp_notifier_show (fixture->notifier, ZP_TROUBLE_OFFLINE, offline);
  g_timeout_add_once (300, mark_cb, &passed);
  WAIT_UNTIL (passed);
  zp_notifier_withdraw (fixture->notifier, ZP_TROUBLE_OFFLINE);
  passed = FALSE;
  g_timeout_add_once (1700, mark_cb, &passed);
  WAIT_UNTIL (passed);
  zp_notifier_show (fixture->notifier, ZP_TROUBLE_SIGN_IN, marker);
  wait_for_notify (fixture, 1);
  title = notify_string (nth_call (fixture, "Notify", 0), 3);
  g_assert_cmpstr (title, ==, "Sign in to Zoom again");

  /* A long one. */
  shown_at = g_get_monotonic_time ();
  zp_notifier_show (fixture->notifier, ZP_TROUBLE_OFFLINE, offline);
  wait_for_notify (fixture, 2);
  g_assert_cmpint (g_get_monotonic_time () - shown_at, >=, 1500 * 1000);
  g_clear_pointer (&title, g_free);
  title = notify_string (nth_call (fixture, "Notify", 1), 3);
  g_assert_cmpstr (title, ==, "Zoom cannot be reached");
  g_assert_true (notify_has_action_label (nth_call (fixture, "Notify", 1), "Retry now"));
}

/* Zoom's words, literally: escaped for a server that reads markup, unchanged otherwise. */
static void
check_body (Fixture    *fixture,
            const char *expected)
{
  g_autoptr(GError) refused = trouble ("Zoom refused the request: Use <b>Busy</b> & retry.");
  g_autofree char *body = NULL;

  zp_notifier_show (fixture->notifier, ZP_TROUBLE_REFUSED, refused);
  wait_for_notify (fixture, 1);
  body = notify_string (nth_call (fixture, "Notify", 0), 4);
  g_assert_cmpstr (body, ==, expected);
}

static void
test_literal_markup_server (Fixture       *fixture,
                            gconstpointer  data)
{
  check_body (fixture, "Zoom refused the request: Use &lt;b&gt;Busy&lt;/b&gt; &amp; retry.");
}

static void
test_literal_plain_server (Fixture       *fixture,
                           gconstpointer  data)
{
  check_body (fixture, "Zoom refused the request: Use <b>Busy</b> & retry.");
}

/* End to end: a 429 with Retry-After: 3 is told once and taken back after the success. */
static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (zp_token_store_save_finish (ZP_TOKEN_STORE (object), result, &error));
  *(gboolean *) user_data = TRUE;
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (zp_auth_load_finish (ZP_AUTH (object), result, &error));
  *(gboolean *) user_data = TRUE;
}

static void
confirmed_cb (ZpPresenceController *controller,
              ZpStatus              status,
              ZpChangeOrigin        origin,
              gboolean             *confirmed)
{
  *confirmed = TRUE;
}

static void
test_rate_limit_end_to_end (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ZpTestServer) server = zp_test_server_start ("1");
  g_autofree char *api_url = zp_test_server_dup_api_url (server);
  g_autoptr(ZpTokenStore) store = zp_token_store_new (zp_test_server_get_base_url (server));
  g_autoptr(ZpTokenSet) token_set = zp_token_set_new (ZP_TOKEN_KIND_MANUAL, "token-n");
  g_autoptr(ZpAuth) auth = NULL;
  g_autoptr(ZpZoomClient) client = zp_zoom_client_new (api_url);
  g_autoptr(ZpPresenceController) controller = NULL;
  gboolean saved = FALSE, loaded = FALSE, confirmed = FALSE;
  g_autofree char *title = NULL;

  g_settings_set_uint (fixture->settings, "min-update-interval", 1);
  zp_test_server_add_token (server, "token-n", "user");
  zp_test_server_add_fault (server, "{\"kind\": \"rate-limit\", \"method\": \"PUT\", "
                                    "\"retry_after\": \"3\"}");
  auth = zp_auth_new (store, fixture->settings);
  zp_token_store_save_async (store, token_set, NULL, save_cb, &saved);
  WAIT_UNTIL (saved);
  zp_auth_load_async (auth, NULL, load_cb, &loaded);
  WAIT_UNTIL (loaded);

  controller = zp_presence_controller_new (client, auth, fixture->settings);
  zp_presence_controller_set_state_file (controller, NULL);
  zp_notifier_watch (fixture->notifier, controller);
  g_signal_connect (controller, "confirmed", G_CALLBACK (confirmed_cb), &confirmed);

  zp_presence_controller_request (controller, ZP_STATUS_AWAY, 0, ZP_CHANGE_ORIGIN_USER);
  WAIT_UNTIL (confirmed);
  WAIT_UNTIL (count_calls (fixture, "CloseNotification") == 1);

  g_assert_cmpuint (count_calls (fixture, "Notify"), ==, 1);
  title = notify_string (nth_call (fixture, "Notify", 0), 3);
  g_assert_cmpstr (title, ==, "Zoom status change delayed");
  g_assert_cmpuint (close_id (nth_call (fixture, "CloseNotification", 0)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  /* The titles and labels are compared in English. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  finished_applications = g_ptr_array_new_with_free_func (g_object_unref);

#define ADD(path, setup_func, test_func) \
  g_test_add ("/notifier/" path, Fixture, NULL, setup_func, test_func, teardown)

  ADD ("replaced-and-withdrawn", setup, test_replaced_and_withdrawn);
  ADD ("buttons", setup, test_buttons);
  ADD ("notify-errors-off", setup, test_errors_silenced);
  ADD ("offline-grace", setup, test_offline_grace);
  ADD ("literal-body/markup-server", setup, test_literal_markup_server);
  ADD ("literal-body/plain-server", setup_plain, test_literal_plain_server);
  ADD ("rate-limit-told-and-withdrawn", setup, test_rate_limit_end_to_end);

#undef ADD

  return g_test_run ();
}
