/* test-auto-away.c: the auto-away policy with the real controller, lock and idle monitors
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs ZpAutoAway over the real presence controller (client and auth against the embedded
 * Zoom test server, the token in the session's keyring) and a real ZpLockMonitor or
 * ZpIdleMonitor on private buses with dbusmock services, and checks what the server received.
 * "Changed in the Zoom app" is the server's control call that changes the status without the
 * applet knowing.
 */

#include "config.h"

#include <string.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>

#include "zp-auth.h"
#include "zp-auto-away.h"
#include "zp-idle-monitor-private.h"
#include "zp-lock-monitor-private.h"
#include "zp-mock-bus.h"
#include "zp-presence-controller-private.h"
#include "zp-test-server.h"
#include "zp-token-store.h"
#include "zp-zoom-client.h"

#define WAIT_MS 10000
#define TOKEN "token-auto-away"

#define LOGIND_NAME "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
#define LOGIND_SESSION "org.freedesktop.login1.Session"

#define GNOME_SAVER "org.gnome.ScreenSaver"
#define GNOME_SAVER_PATH "/org/gnome/ScreenSaver"
#define FDO_SAVER "org.freedesktop.ScreenSaver"
#define FDO_SAVER_PATH "/org/freedesktop/ScreenSaver"
#define KDE_SAVER_PATH "/ScreenSaver"
#define CINNAMON_SAVER "org.cinnamon.ScreenSaver"
#define CINNAMON_SAVER_PATH "/org/cinnamon/ScreenSaver"

#define MUTTER_NAME "org.gnome.Mutter.IdleMonitor"
#define MUTTER_PATH "/org/gnome/Mutter/IdleMonitor/Core"

typedef struct
{
  ZpMockBus            *bus;
  GDBusConnection      *session;
  GDBusConnection      *system;

  ZpTestServer         *server;
  GSettings            *settings;
  ZpTokenStore         *store;
  ZpAuth               *auth;
  ZpZoomClient         *client;
  ZpPresenceController *controller;
  char                 *state_dir;
  char                 *state_file;
  guint                 interval;      /* min-update-interval and the server's window, s */

  ZpLockMonitor        *lock_monitor;
  ZpIdleMonitor        *idle_monitor;
  ZpAutoAway           *auto_away;

  char                 *logind_session;
  GArray               *confirmed;     /* ZpStatus, each change Zoom accepted */
} Fixture;

/* Lock signal emission to the PUT at the server, in microseconds. */
static GArray *lock_to_put;

/* Waiting */

/* Runs the main loop for a while: only to prove that nothing more happens. */
static void
run_for (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, zp_mock_bus_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Dispatches what has already arrived. */
static void
flush (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The server */

static JsonArray *
requests_with_method (Fixture    *f,
                      const char *method)
{
  g_autoptr(JsonArray) all = zp_test_server_dup_requests (f->server);
  JsonArray *matching = json_array_new ();

  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      JsonObject *request = json_array_get_object_element (all, i);

      if (g_strcmp0 (json_object_get_string_member (request, "method"), method) == 0)
        json_array_add_object_element (matching, json_object_ref (request));
    }

  return matching;
}

static guint
count_requests (Fixture    *f,
                const char *method)
{
  g_autoptr(JsonArray) requests = requests_with_method (f, method);

  return json_array_get_length (requests);
}

/* The statuses of the PUTs the server received, from the INDEX-th on, as "A,B,C". */
static char *
put_statuses (Fixture *f,
              guint    index)
{
  g_autoptr(JsonArray) puts = requests_with_method (f, "PUT");
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = index; i < json_array_get_length (puts); i++)
    {
      JsonObject *request = json_array_get_object_element (puts, i);
      JsonNode *body = json_object_get_member (request, "json");

      if (text->len > 0)
        g_string_append_c (text, ',');
      g_string_append (text, json_object_get_string_member (json_node_get_object (body),
                                                            "status"));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
zoom_status (Fixture *f)
{
  g_autoptr(JsonNode) reply = zp_test_server_call (f->server, "GET", "/_test/presence", NULL);

  return g_strdup (json_object_get_string_member (json_node_get_object (reply), "status"));
}

/* A change made in the Zoom app: the applet is not told. */
static void
set_in_zoom_app (Fixture    *f,
                 const char *status)
{
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) reply = NULL;

  if (g_strcmp0 (status, "Do_Not_Disturb") == 0)
    body = g_strdup_printf ("{\"user\": \"u-1\", \"status\": \"%s\", \"duration\": 60}",
                            status);
  else
    body = g_strdup_printf ("{\"user\": \"u-1\", \"status\": \"%s\"}", status);
  reply = zp_test_server_call (f->server, "POST", "/_test/presence", body);
}

#define assert_puts(f, index, expected) \
  G_STMT_START { \
    g_autofree char *puts_ = put_statuses ((f), (index)); \
    g_assert_cmpstr (puts_, ==, (expected)); \
  } G_STMT_END

#define assert_zoom_status(f, expected) \
  G_STMT_START { \
    g_autofree char *status_ = zoom_status (f); \
    g_assert_cmpstr (status_, ==, (expected)); \
  } G_STMT_END

/* The controller */

static void
confirmed_cb (ZpPresenceController *controller,
              ZpStatus              status,
              ZpChangeOrigin        origin,
              Fixture              *f)
{
  g_array_append_val (f->confirmed, status);
}

static gboolean
settled (Fixture *f)
{
  return !zp_presence_controller_get_pending (f->controller);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (zp_presence_controller_refresh_finish (ZP_PRESENCE_CONTROLLER (object), result,
                                                        &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
refresh (Fixture *f)
{
  gboolean done = FALSE;

  zp_presence_controller_refresh_async (f->controller, NULL, refresh_cb, &done);
  ZP_MOCK_BUS_WAIT (done, WAIT_MS);
}

/* Waits until Zoom has accepted COUNT changes in all. */
static void
wait_confirmed (Fixture *f,
                guint    count)
{
  ZP_MOCK_BUS_WAIT (f->confirmed->len >= count && settled (f), WAIT_MS);
  g_assert_cmpuint (f->confirmed->len, ==, count);
}

/* Waits until the pacing window of the last request has passed with nothing sent, and
 * nothing waits: proof that a change that was not made will not be made late. */
static void
wait_window_passed (Fixture *f)
{
  ZP_MOCK_BUS_WAIT (settled (f), WAIT_MS);
  run_for (f->interval * 1000 + 300);
  g_assert_true (settled (f));
}

static void
token_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (zp_token_store_save_finish (ZP_TOKEN_STORE (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
auth_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (zp_auth_load_finish (ZP_AUTH (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
save_token (Fixture *f)
{
  g_autoptr(ZpTokenSet) token_set = zp_token_set_new (ZP_TOKEN_KIND_MANUAL, TOKEN);
  gboolean saved = FALSE;

  zp_token_store_save_async (f->store, token_set, NULL, token_saved_cb, &saved);
  ZP_MOCK_BUS_WAIT (saved, WAIT_MS);
}

static void
load_token (Fixture *f)
{
  gboolean loaded = FALSE;

  zp_auth_load_async (f->auth, NULL, auth_loaded_cb, &loaded);
  ZP_MOCK_BUS_WAIT (loaded, WAIT_MS);
  g_assert_cmpint (zp_auth_get_state (f->auth), ==, ZP_AUTH_STATE_SIGNED_IN);
}

/* Fixture */

static void
setup_with_interval (Fixture  *f,
                     guint     interval,
                     gboolean  load)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autofree char *window = NULL;
  g_autofree char *api_url = NULL;
  g_autoptr(GError) error = NULL;

  f->bus = zp_mock_bus_new ();
  f->session = zp_mock_bus_get_session (f->bus);
  f->system = zp_mock_bus_get_system (f->bus);

  /* The server's window is the pacing, less a little: the controller counts from the moment
   * it sends, the server from the moment it has read the request, and a matched window turns
   * a millisecond of jitter into a 429. */
  window = g_strdup_printf ("%u.95", interval - 1);
  f->interval = interval;
  f->server = zp_test_server_start (window);
  zp_test_server_add_token (f->server, TOKEN, "user");
  api_url = zp_test_server_dup_api_url (f->server);

  f->settings = g_settings_new_with_backend (APP_ID, backend);
  g_settings_set_uint (f->settings, "min-update-interval", interval);
  g_settings_set_string (f->settings, "api-base-url", api_url);
  g_settings_set_boolean (f->settings, "away-on-lock", TRUE);
  g_settings_set_boolean (f->settings, "restore-on-unlock", TRUE);

  f->state_dir = g_dir_make_tmp ("zp-auto-away-XXXXXX", &error);
  g_assert_no_error (error);
  f->state_file = g_build_filename (f->state_dir, "state", NULL);

  f->store = zp_token_store_new (zp_test_server_get_base_url (f->server));
  f->auth = zp_auth_new (f->store, f->settings);
  f->client = zp_zoom_client_new (api_url);
  f->controller = zp_presence_controller_new (f->client, f->auth, f->settings);
  zp_presence_controller_set_state_file (f->controller, f->state_file);
  f->confirmed = g_array_new (FALSE, FALSE, sizeof (ZpStatus));
  g_signal_connect (f->controller, "confirmed", G_CALLBACK (confirmed_cb), f);

  save_token (f);
  if (load)
    {
      load_token (f);
      refresh (f);
    }
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  setup_with_interval (f, 1, TRUE);
}

/* A pacing window wide enough for a lock and unlock to fit in it. */
static void
setup_slow (Fixture       *f,
            gconstpointer  data)
{
  setup_with_interval (f, 3, TRUE);
}

/* The token is in the keyring but not read yet, as just after the applet started. */
static void
setup_unloaded (Fixture       *f,
                gconstpointer  data)
{
  setup_with_interval (f, 1, FALSE);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GFile) state_file = g_file_new_for_path (f->state_file);
  g_autoptr(GFile) state_dir = g_file_new_for_path (f->state_dir);

  g_clear_object (&f->auto_away);
  g_clear_object (&f->lock_monitor);
  g_clear_object (&f->idle_monitor);
  g_clear_object (&f->controller);
  g_clear_object (&f->client);
  g_clear_object (&f->auth);
  g_clear_object (&f->store);
  g_clear_object (&f->settings);
  g_clear_pointer (&f->server, zp_test_server_free);
  g_clear_pointer (&f->confirmed, g_array_unref);
  g_clear_pointer (&f->logind_session, g_free);
  zp_mock_bus_free (f->bus);

  g_file_delete (state_file, NULL, NULL);
  g_file_delete (state_dir, NULL, NULL);
  g_free (f->state_file);
  g_free (f->state_dir);
}

/* The lock side */

static void
start_auto_away (Fixture *f)
{
  f->lock_monitor = zp_lock_monitor_new (f->session, f->system);
  f->auto_away = zp_auto_away_new (f->controller, f->lock_monitor, f->idle_monitor,
                                   f->settings);
}

/* Waits until the lock monitor asked NAME for its state and had its answer. */
static void
wait_answered (Fixture    *f,
               const char *name,
               const char *path)
{
  g_autoptr(GVariant) args = NULL;
  g_autoptr(GVariant) calls = NULL;

  args = zp_mock_bus_wait_for_call (f->session, name, path, "GetActive", 1);
  calls = zp_mock_bus_call (f->session, name, path, ZP_MOCK_INTERFACE, "GetCalls", NULL);
  flush ();
}

/* A screensaver with GetActive and a SetActive that emits ActiveChanged, at any path. */
static void
spawn_screensaver (Fixture    *f,
                   const char *interface,
                   const char *path)
{
  g_autoptr(GVariant) reply = NULL;

  zp_mock_bus_spawn (f->bus, FALSE, interface, interface, path, interface, NULL);
  reply = zp_mock_bus_call (f->session, interface, path, ZP_MOCK_INTERFACE, "AddMethods",
                            g_variant_new_parsed ("('', [('GetActive', '', 'b', "
                                                  "'ret = getattr(self, \"zp_active\", False)'),"
                                                  "('SetActive', 'b', '', 'self.zp_active = "
                                                  "args[0]; self.EmitSignal(\"\", "
                                                  "\"ActiveChanged\", \"b\", [args[0]])')])"));
}

static void
spawn_gnome_screensaver (Fixture *f)
{
  zp_mock_bus_spawn (f->bus, FALSE, GNOME_SAVER, "--template", "gnome_screensaver", NULL);
}

/* Returns the real time just before the signal was asked for. */
static gint64
set_active (Fixture    *f,
            const char *interface,
            const char *path,
            gboolean    active)
{
  g_autoptr(GVariant) reply = NULL;
  gint64 now = g_get_real_time ();

  reply = zp_mock_bus_call (f->session, interface, path, interface, "SetActive",
                            g_variant_new ("(b)", active));
  return now;
}

static void
emit_active_changed (Fixture    *f,
                     const char *interface,
                     const char *path,
                     gboolean    active)
{
  GVariant *arg = g_variant_new_variant (g_variant_new_boolean (active));

  zp_mock_bus_emit (f->session, interface, path, interface, "ActiveChanged", "b",
                    g_variant_new_array (G_VARIANT_TYPE_VARIANT, &arg, 1));
}

/* logind with our session "c1", found through GetSession("auto"). */
static void
spawn_logind (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) added = NULL;

  zp_mock_bus_spawn (f->bus, TRUE, LOGIND_NAME, "--template", "logind", NULL);
  reply = zp_mock_bus_call (f->system, LOGIND_NAME, LOGIND_PATH, ZP_MOCK_INTERFACE,
                            "AddSession",
                            g_variant_new ("(ssusb)", "c1", "seat0", 1000, "user", TRUE));
  g_variant_get (reply, "(s)", &f->logind_session);
  added = zp_mock_bus_call (f->system, LOGIND_NAME, LOGIND_PATH, ZP_MOCK_INTERFACE,
                            "AddMethod",
                            g_variant_new ("(sssss)", LOGIND_MANAGER, "GetSession", "s", "o",
                                           "ret = '/org/freedesktop/login1/session/' + "
                                           "('c1' if args[0] == 'auto' else args[0])"));
}

static gint64
set_locked_hint (Fixture  *f,
                 gboolean  locked)
{
  g_autoptr(GVariant) reply = NULL;
  gint64 now = g_get_real_time ();

  reply = zp_mock_bus_call (f->system, LOGIND_NAME, f->logind_session, LOGIND_SESSION,
                            "SetLockedHint", g_variant_new ("(b)", locked));
  return now;
}

/* Once the lock monitor has followed LockedHint, it is subscribed for sure. Done with
 * away-on-lock off, so that nothing is sent. */
static void
wait_locked_hint_followed (Fixture *f)
{
  g_settings_set_boolean (f->settings, "away-on-lock", FALSE);
  set_locked_hint (f, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->lock_monitor), WAIT_MS);
  set_locked_hint (f, FALSE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->lock_monitor), WAIT_MS);
  g_settings_set_boolean (f->settings, "away-on-lock", TRUE);
}

static void
emit_prepare_for_sleep (Fixture  *f,
                        gboolean  start)
{
  GVariant *arg = g_variant_new_variant (g_variant_new_boolean (start));

  zp_mock_bus_emit (f->system, LOGIND_NAME, LOGIND_PATH, LOGIND_MANAGER, "PrepareForSleep",
                    "b", g_variant_new_array (G_VARIANT_TYPE_VARIANT, &arg, 1));
}

static guint
count_inhibitors (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) list = NULL;

  reply = zp_mock_bus_call (f->system, LOGIND_NAME, LOGIND_PATH, LOGIND_MANAGER,
                            "ListInhibitors", NULL);
  list = g_variant_get_child_value (reply, 0);

  return (guint) g_variant_n_children (list);
}

/* logind notices a closed inhibitor in its own time: ask a few milliseconds apart. */
static void
wait_inhibitors (Fixture *f,
                 guint    expected)
{
  gint64 start = g_get_monotonic_time ();

  while (count_inhibitors (f) != expected && g_get_monotonic_time () - start < WAIT_MS * 1000)
    run_for (5);

  g_assert_cmpuint (count_inhibitors (f), ==, expected);
}

/* The policy over one lock source: the GNOME screensaver */

static void
lock_gnome (Fixture  *f,
            gboolean  locked)
{
  set_active (f, GNOME_SAVER, GNOME_SAVER_PATH, locked);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->lock_monitor) == locked, WAIT_MS);
}

static void
start_with_gnome (Fixture *f)
{
  spawn_gnome_screensaver (f);
  start_auto_away (f);
  wait_answered (f, GNOME_SAVER, GNOME_SAVER_PATH);
}

/* Available, Busy and In a calendar event give way to Away and come back on unlock, one PUT
 * each way, each PUT after a fresh GET. */
static void
test_yields (Fixture       *f,
             gconstpointer  data)
{
  const char *statuses[] = { "Available", "Busy", "In_Calendar_Event" };
  guint confirmed = 0;

  start_with_gnome (f);

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *expected = g_strdup_printf ("Away,%s", statuses[i]);
      guint puts = count_requests (f, "PUT");
      guint gets;

      g_test_message ("Lock over %s", statuses[i]);
      set_in_zoom_app (f, statuses[i]);
      gets = count_requests (f, "GET");

      lock_gnome (f, TRUE);
      wait_confirmed (f, ++confirmed);
      g_assert_cmpint (zp_presence_controller_get_confirmed_status (f->controller), ==,
                       ZP_STATUS_AWAY);
      g_assert_cmpint (zp_auto_away_get_saved_status (f->auto_away), ==,
                       zp_status_from_api_name (statuses[i]));
      /* Read first: Zoom may have moved on since the applet last asked. */
      g_assert_cmpuint (count_requests (f, "GET"), ==, gets + 1);
      assert_zoom_status (f, "Away");

      lock_gnome (f, FALSE);
      wait_confirmed (f, ++confirmed);
      g_assert_cmpuint (count_requests (f, "GET"), ==, gets + 2);
      assert_puts (f, puts, expected);
      assert_zoom_status (f, statuses[i]);
      g_assert_cmpint (zp_auto_away_get_saved_status (f->auto_away), ==, ZP_STATUS_UNKNOWN);
    }

  wait_window_passed (f);
  g_assert_cmpuint (count_requests (f, "PUT"), ==, 2 * G_N_ELEMENTS (statuses));
}

/* Do not disturb, Out of office, a meeting, a call, presenting and an Away of the person's
 * own survive a lock untouched, also when only Zoom knows about them; nothing is restored. */
static void
test_never_over (Fixture       *f,
                 gconstpointer  data)
{
  const char *statuses[] = { "Do_Not_Disturb", "Out_of_Office", "In_A_Zoom_Meeting",
                             "On_A_Call", "Presenting", "Away" };

  start_with_gnome (f);

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      ZpStatus status = zp_status_from_api_name (statuses[i]);

      g_test_message ("Lock over %s set in the Zoom app", statuses[i]);
      set_in_zoom_app (f, statuses[i]);
      g_assert_cmpint (zp_presence_controller_get_confirmed_status (f->controller), !=, status);

      lock_gnome (f, TRUE);
      /* The decision follows the read at once. */
      ZP_MOCK_BUS_WAIT (zp_presence_controller_get_confirmed_status (f->controller) == status,
                        WAIT_MS);
      g_assert_false (zp_presence_controller_get_pending (f->controller));
      g_assert_cmpint (zp_auto_away_get_saved_status (f->auto_away), ==, ZP_STATUS_UNKNOWN);

      lock_gnome (f, FALSE);
      flush ();
      g_assert_false (zp_presence_controller_get_pending (f->controller));
      assert_zoom_status (f, statuses[i]);

      /* Back to Available in between, as the Zoom app would, so each case starts alike. */
      set_in_zoom_app (f, "Available");
      refresh (f);
    }

  wait_window_passed (f);
  g_assert_cmpuint (count_requests (f, "PUT"), ==, 0);

  /* The same for Do not disturb set through the applet itself. */
  zp_presence_controller_request (f->controller, ZP_STATUS_DO_NOT_DISTURB, 30,
                                  ZP_CHANGE_ORIGIN_USER);
  wait_confirmed (f, 1);
  lock_gnome (f, TRUE);
  lock_gnome (f, FALSE);
  wait_window_passed (f);
  assert_puts (f, 0, "Do_Not_Disturb");
  assert_zoom_status (f, "Do_Not_Disturb");
}

/* Changed in the Zoom app while locked: the unlock reads it and restores nothing. */
static void
test_changed_in_zoom_app (Fixture       *f,
                          gconstpointer  data)
{
  start_with_gnome (f);

  lock_gnome (f, TRUE);
  wait_confirmed (f, 1);
  set_in_zoom_app (f, "Busy");

  lock_gnome (f, FALSE);
  ZP_MOCK_BUS_WAIT (zp_presence_controller_get_confirmed_status (f->controller) ==
                    ZP_STATUS_BUSY, WAIT_MS);
  wait_window_passed (f);
  assert_puts (f, 0, "Away");
  assert_zoom_status (f, "Busy");
  g_assert_cmpint (zp_auto_away_get_saved_status (f->auto_away), ==, ZP_STATUS_UNKNOWN);
}

/* The person picks a status in the applet (the command line) while locked: it goes out, and
 * the unlock does not overwrite it. */
static void
test_user_changed_while_locked (Fixture       *f,
                                gconstpointer  data)
{
  start_with_gnome (f);

  lock_gnome (f, TRUE);
  wait_confirmed (f, 1);

  zp_presence_controller_request (f->controller, ZP_STATUS_DO_NOT_DISTURB, 45,
                                  ZP_CHANGE_ORIGIN_USER);
  g_assert_cmpint (zp_auto_away_get_saved_status (f->auto_away), ==, ZP_STATUS_UNKNOWN);
  wait_confirmed (f, 2);

  lock_gnome (f, FALSE);
  wait_window_passed (f);
  assert_puts (f, 0, "Away,Do_Not_Disturb");
  assert_zoom_status (f, "Do_Not_Disturb");

  /* Also while the person's choice still waits for the pacing at unlock. */
  lock_gnome (f, TRUE);
  flush ();
  zp_presence_controller_request (f->controller, ZP_STATUS_BUSY, 0, ZP_CHANGE_ORIGIN_USER);
  lock_gnome (f, FALSE);
  wait_confirmed (f, 3);
  wait_window_passed (f);
  assert_puts (f, 0, "Away,Do_Not_Disturb,Busy");
  assert_zoom_status (f, "Busy");
}

/* A lock and an unlock inside one pacing window send nothing at all: the Away waits for the
 * window and the unlock takes it back. */
static void
test_inside_one_window (Fixture       *f,
                        gconstpointer  data)
{
  start_with_gnome (f);

  /* The person's own change opens a window. */
  zp_presence_controller_request (f->controller, ZP_STATUS_BUSY, 0, ZP_CHANGE_ORIGIN_USER);
  wait_confirmed (f, 1);

  lock_gnome (f, TRUE);
  ZP_MOCK_BUS_WAIT (zp_presence_controller_get_next_send_time (f->controller) != 0, WAIT_MS);
  g_assert_cmpint (zp_presence_controller_get_wanted_status (f->controller), ==,
                   ZP_STATUS_AWAY);
  lock_gnome (f, FALSE);
  g_assert_false (zp_presence_controller_get_pending (f->controller));

  wait_window_passed (f);
  assert_puts (f, 0, "Busy");
  assert_zoom_status (f, "Busy");
  g_assert_cmpuint (zp_presence_controller_count_timers (f->controller), ==, 0);
}

/* Locked and unlocked again before Zoom answered the read: nothing is sent either. */
static void
test_back_before_read (Fixture       *f,
                       gconstpointer  data)
{
  guint gets;

  start_with_gnome (f);
  zp_test_server_add_fault (f->server, "{\"kind\": \"delay\", \"seconds\": 0.5, "
                                       "\"method\": \"GET\"}");
  gets = count_requests (f, "GET");

  lock_gnome (f, TRUE);
  lock_gnome (f, FALSE);
  /* The read is out (or answered); either way the window that follows sees it decided. */
  ZP_MOCK_BUS_WAIT (count_requests (f, "GET") == gets + 1 && settled (f), WAIT_MS);
  wait_window_passed (f);
  g_assert_cmpuint (count_requests (f, "PUT"), ==, 0);
  assert_zoom_status (f, "Available");
}

/* away-on-lock and restore-on-unlock are read when they matter. */
static void
test_settings_live (Fixture       *f,
                    gconstpointer  data)
{
  guint requests;

  start_with_gnome (f);

  /* Off: a lock does not even read the status. */
  g_settings_set_boolean (f->settings, "away-on-lock", FALSE);
  requests = zp_presence_controller_get_request_count (f->controller);
  lock_gnome (f, TRUE);
  run_for (300);
  g_assert_cmpuint (zp_presence_controller_get_request_count (f->controller), ==, requests);

  /* Turned on while locked: Away now. */
  g_settings_set_boolean (f->settings, "away-on-lock", TRUE);
  wait_confirmed (f, 1);
  lock_gnome (f, FALSE);
  wait_confirmed (f, 2);
  assert_puts (f, 0, "Away,Available");

  /* restore-on-unlock off: the Away stays. */
  g_settings_set_boolean (f->settings, "restore-on-unlock", FALSE);
  lock_gnome (f, TRUE);
  wait_confirmed (f, 3);
  lock_gnome (f, FALSE);
  wait_window_passed (f);
  assert_puts (f, 0, "Away,Available,Away");
  assert_zoom_status (f, "Away");

  /* And on again: the next spell is restored (the person went back to Available first). */
  g_settings_set_boolean (f->settings, "restore-on-unlock", TRUE);
  zp_presence_controller_request (f->controller, ZP_STATUS_AVAILABLE, 0,
                                  ZP_CHANGE_ORIGIN_USER);
  wait_confirmed (f, 4);
  lock_gnome (f, TRUE);
  wait_confirmed (f, 5);
  lock_gnome (f, FALSE);
  wait_confirmed (f, 6);
  assert_puts (f, 0, "Away,Available,Away,Available,Away,Available");
}

/* Desktops */

/* GNOME blanks first (ActiveChanged), locks a little later (LockedHint), and the blanking may
 * end while still locked: one Away, one restore, at the real unlock. */
static void
test_gnome_blank_before_lock (Fixture       *f,
                              gconstpointer  data)
{
  spawn_gnome_screensaver (f);
  spawn_logind (f);
  start_auto_away (f);
  wait_answered (f, GNOME_SAVER, GNOME_SAVER_PATH);
  wait_locked_hint_followed (f);

  lock_gnome (f, TRUE);
  wait_confirmed (f, 1);
  set_locked_hint (f, TRUE);
  set_active (f, GNOME_SAVER, GNOME_SAVER_PATH, FALSE);
  zp_mock_bus_sync (f->system);
  zp_mock_bus_sync (f->session);
  flush ();
  g_assert_true (zp_lock_monitor_get_locked (f->lock_monitor));

  set_locked_hint (f, FALSE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->lock_monitor), WAIT_MS);
  wait_confirmed (f, 2);
  wait_window_passed (f);
  assert_puts (f, 0, "Away,Available");
}

/* KDE: org.freedesktop.ScreenSaver at /ScreenSaver. */
static void
test_kde (Fixture       *f,
          gconstpointer  data)
{
  spawn_screensaver (f, FDO_SAVER, KDE_SAVER_PATH);
  start_auto_away (f);
  wait_answered (f, FDO_SAVER, KDE_SAVER_PATH);

  set_active (f, FDO_SAVER, KDE_SAVER_PATH, TRUE);
  wait_confirmed (f, 1);
  set_active (f, FDO_SAVER, KDE_SAVER_PATH, FALSE);
  wait_confirmed (f, 2);
  wait_window_passed (f);
  assert_puts (f, 0, "Away,Available");
}

/* Cinnamon says "unlocked" twice: one restore. */
static void
test_cinnamon_double_unlock (Fixture       *f,
                             gconstpointer  data)
{
  spawn_screensaver (f, CINNAMON_SAVER, CINNAMON_SAVER_PATH);
  start_auto_away (f);
  wait_answered (f, CINNAMON_SAVER, CINNAMON_SAVER_PATH);

  emit_active_changed (f, CINNAMON_SAVER, CINNAMON_SAVER_PATH, TRUE);
  wait_confirmed (f, 1);
  emit_active_changed (f, CINNAMON_SAVER, CINNAMON_SAVER_PATH, FALSE);
  emit_active_changed (f, CINNAMON_SAVER, CINNAMON_SAVER_PATH, FALSE);
  wait_confirmed (f, 2);
  wait_window_passed (f);
  assert_puts (f, 0, "Away,Available");
  g_assert_cmpuint (count_requests (f, "GET"), ==, 3);
}

/* A desktop that announces the lock (logind's Lock, its screensaver) and never takes it back
 * there: LockedHint going false is the unlock. */
static void
test_lock_without_unlock (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;

  spawn_screensaver (f, FDO_SAVER, FDO_SAVER_PATH);
  spawn_logind (f);
  start_auto_away (f);
  wait_answered (f, FDO_SAVER, FDO_SAVER_PATH);
  wait_locked_hint_followed (f);

  reply = zp_mock_bus_call (f->system, LOGIND_NAME, f->logind_session, LOGIND_SESSION, "Lock",
                            NULL);
  set_active (f, FDO_SAVER, FDO_SAVER_PATH, TRUE);
  set_locked_hint (f, TRUE);
  wait_confirmed (f, 1);

  set_locked_hint (f, FALSE);
  wait_confirmed (f, 2);
  wait_window_passed (f);
  assert_puts (f, 0, "Away,Available");

  /* The stale "active" was dropped: the next lock is a new one. */
  set_active (f, FDO_SAVER, FDO_SAVER_PATH, TRUE);
  wait_confirmed (f, 3);
  assert_puts (f, 0, "Away,Available,Away");
}

/* Suspend: the delay inhibitor is held until Zoom has answered the Away, then released. */
static void
test_suspend (Fixture       *f,
              gconstpointer  data)
{
  gint64 start;
  gint64 held_us;

  spawn_logind (f);
  start_auto_away (f);
  zp_lock_monitor_set_sleep_timeout (f->lock_monitor, 4000);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_holds_sleep_inhibitor (f->lock_monitor), WAIT_MS);
  wait_inhibitors (f, 1);

  /* Zoom takes its time: the suspend waits for it. */
  zp_test_server_add_fault (f->server, "{\"kind\": \"delay\", \"seconds\": 0.5, "
                                       "\"method\": \"PUT\"}");
  start = g_get_monotonic_time ();
  emit_prepare_for_sleep (f, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->lock_monitor), WAIT_MS);
  g_assert_true (zp_lock_monitor_holds_sleep_inhibitor (f->lock_monitor));

  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_holds_sleep_inhibitor (f->lock_monitor), WAIT_MS);
  held_us = g_get_monotonic_time () - start;
  g_test_message ("Sleep held for %.1f ms", held_us / 1000.0);
  /* Released because the Away is out and answered, not by the safety timeout. */
  g_assert_cmpint (f->confirmed->len, ==, 1);
  g_assert_cmpint (g_array_index (f->confirmed, ZpStatus, 0), ==, ZP_STATUS_AWAY);
  assert_puts (f, 0, "Away");
  g_assert_cmpint (held_us, >=, 500 * 1000);
  g_assert_cmpint (held_us, <, 4000 * 1000);
  wait_inhibitors (f, 0);

  /* The server counts its window from the end of the delay: let it pass, or the restore
   * would meet a 429 that only the delay caused. */
  run_for (f->interval * 1000);

  /* Resumed: back, and a new inhibitor for the next suspend. */
  emit_prepare_for_sleep (f, FALSE);
  wait_confirmed (f, 2);
  assert_puts (f, 0, "Away,Available");
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_holds_sleep_inhibitor (f->lock_monitor), WAIT_MS);
  wait_inhibitors (f, 1);

  /* Nothing to send (Do not disturb): the suspend is let go at once. */
  set_in_zoom_app (f, "Do_Not_Disturb");
  emit_prepare_for_sleep (f, TRUE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_holds_sleep_inhibitor (f->lock_monitor), WAIT_MS);
  wait_inhibitors (f, 0);
  g_assert_cmpint (zp_presence_controller_get_confirmed_status (f->controller), ==,
                   ZP_STATUS_DO_NOT_DISTURB);
  emit_prepare_for_sleep (f, FALSE);
  wait_window_passed (f);
  assert_puts (f, 0, "Away,Available");
}

/* Locked before the token was read from the keyring: decided once it is. */
static void
test_before_token_loaded (Fixture       *f,
                          gconstpointer  data)
{
  start_with_gnome (f);
  g_assert_cmpint (zp_auth_get_state (f->auth), ==, ZP_AUTH_STATE_LOADING);

  lock_gnome (f, TRUE);
  flush ();
  g_assert_cmpuint (count_requests (f, "GET") + count_requests (f, "PUT"), ==, 0);

  load_token (f);
  wait_confirmed (f, 1);
  assert_puts (f, 0, "Away");

  lock_gnome (f, FALSE);
  wait_confirmed (f, 2);
  assert_puts (f, 0, "Away,Available");
}

/* The same when there is no token at all until the person signs in (here: the token is read
 * only later), and the lock came first: no Away over a status nobody knows. */
static void
test_before_status_known_unlocked (Fixture       *f,
                                   gconstpointer  data)
{
  start_with_gnome (f);

  lock_gnome (f, TRUE);
  lock_gnome (f, FALSE);
  load_token (f);
  refresh (f);
  wait_window_passed (f);
  g_assert_cmpuint (count_requests (f, "PUT"), ==, 0);
}

/* Idle (Mutter's idle monitor): Away after the idle time, back at the first input. */
static void
test_idle (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;

  zp_mock_bus_spawn (f->bus, FALSE, MUTTER_NAME, "--template", "mock-mutter-idle-monitor.py",
                     NULL);
  f->idle_monitor = zp_idle_monitor_new (f->session);
  /* A "minute" of 2.5 s: longer than the pacing, so each restore is out before the next idle
   * spell begins. */
  zp_idle_monitor_set_minute_length (f->idle_monitor, 2500);
  g_settings_set_uint (f->settings, "away-on-idle-minutes", 1);
  /* Locks do not matter here. */
  g_settings_set_boolean (f->settings, "away-on-lock", FALSE);
  start_auto_away (f);

  ZP_MOCK_BUS_WAIT (zp_idle_monitor_get_idle (f->idle_monitor), WAIT_MS);
  wait_confirmed (f, 1);
  assert_puts (f, 0, "Away");

  reply = zp_mock_bus_call (f->session, MUTTER_NAME, MUTTER_PATH, ZP_MOCK_INTERFACE,
                            "SimulateActivity", NULL);
  ZP_MOCK_BUS_WAIT (!zp_idle_monitor_get_idle (f->idle_monitor), WAIT_MS);
  wait_confirmed (f, 2);
  assert_puts (f, 0, "Away,Available");

  /* Idle over Do not disturb: nothing. */
  set_in_zoom_app (f, "Do_Not_Disturb");
  ZP_MOCK_BUS_WAIT (zp_idle_monitor_get_idle (f->idle_monitor), WAIT_MS);
  ZP_MOCK_BUS_WAIT (zp_presence_controller_get_confirmed_status (f->controller) ==
                    ZP_STATUS_DO_NOT_DISTURB, WAIT_MS);
  g_clear_pointer (&reply, g_variant_unref);
  reply = zp_mock_bus_call (f->session, MUTTER_NAME, MUTTER_PATH, ZP_MOCK_INTERFACE,
                            "SimulateActivity", NULL);
  ZP_MOCK_BUS_WAIT (!zp_idle_monitor_get_idle (f->idle_monitor), WAIT_MS);
  wait_window_passed (f);
  assert_puts (f, 0, "Away,Available");
}

/* Lock signal to PUT at the server, over many lock cycles (measured, not asserted). */
static void
test_timing (Fixture       *f,
             gconstpointer  data)
{
  const guint cycles = 20;

  start_with_gnome (f);

  for (guint i = 0; i < cycles; i++)
    {
      g_autoptr(JsonArray) puts = NULL;
      JsonObject *put;
      gint64 emitted;
      gint64 arrived;
      gint64 latency;

      /* Away goes out at once only when the last change is a window behind. */
      run_for (f->interval * 1000 + 100);

      emitted = set_active (f, GNOME_SAVER, GNOME_SAVER_PATH, TRUE);
      wait_confirmed (f, 2 * i + 1);
      puts = requests_with_method (f, "PUT");
      put = json_array_get_object_element (puts, 2 * i);
      arrived = (gint64) (json_object_get_double_member (put, "wall") * G_USEC_PER_SEC);
      latency = arrived - emitted;
      g_array_append_val (lock_to_put, latency);

      set_active (f, GNOME_SAVER, GNOME_SAVER_PATH, FALSE);
      wait_confirmed (f, 2 * i + 2);
    }

  g_assert_cmpuint (count_requests (f, "PUT"), ==, 2 * cycles);
}

static void
report (const char *what,
        GArray     *samples_us)
{
  gint64 total = 0;

  if (samples_us->len == 0)
    return;

  for (guint i = 0; i < samples_us->len; i++)
    total += g_array_index (samples_us, gint64, i);

  zp_mock_bus_report_median (what, samples_us);
  g_print ("# %s: mean %.2f ms\n", what, total / 1000.0 / samples_us->len);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  lock_to_put = g_array_new (FALSE, FALSE, sizeof (gint64));

#define ADD(path, setup_func, func) \
  g_test_add ("/auto-away/" path, Fixture, NULL, setup_func, func, teardown)

  ADD ("policy/yields", setup, test_yields);
  ADD ("policy/never-over", setup, test_never_over);
  ADD ("restore/changed-in-zoom-app", setup, test_changed_in_zoom_app);
  ADD ("restore/user-changed-while-locked", setup, test_user_changed_while_locked);
  ADD ("pacing/inside-one-window", setup_slow, test_inside_one_window);
  ADD ("pacing/back-before-read", setup, test_back_before_read);
  ADD ("settings/live", setup, test_settings_live);
  ADD ("gnome/blank-before-lock", setup, test_gnome_blank_before_lock);
  ADD ("kde/screensaver-path", setup, test_kde);
  ADD ("cinnamon/double-unlock", setup, test_cinnamon_double_unlock);
  ADD ("logind/lock-without-unlock", setup, test_lock_without_unlock);
  ADD ("logind/suspend", setup, test_suspend);
  ADD ("start-up/lock-before-token", setup_unloaded, test_before_token_loaded);
  ADD ("start-up/lock-and-unlock-before-token", setup_unloaded,
       test_before_status_known_unlocked);
  ADD ("idle/away-and-back", setup, test_idle);
  ADD ("timing/lock-to-put", setup, test_timing);

#undef ADD

  status = g_test_run ();
  report ("lock signal to PUT at the server", lock_to_put);
  g_array_unref (lock_to_put);

  return status;
}
