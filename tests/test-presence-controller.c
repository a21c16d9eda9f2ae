/* test-presence-controller.c: the presence controller against the embedded Zoom test server
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real controller, client and auth (the token in the session's keyring) on the main
 * loop against tests/zoom-test-server with a one or two second pacing, and checks what the
 * server received: how many requests, when, and what Zoom ended on.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>
#include <libsoup/soup.h>

#include "zp-auth.h"
#include "zp-presence-controller-private.h"
#include "zp-test-server.h"
#include "zp-token-store.h"
#include "zp-zoom-client.h"

#define WAIT_SECONDS 20

typedef struct
{
  ZpTrouble  kind;
  char      *message;  /* NULL: the trouble is over */
} TroubleEvent;

typedef struct
{
  ZpTestServer         *server;
  GSettings            *settings;
  ZpTokenStore         *store;
  ZpAuth               *auth;
  ZpZoomClient         *client;
  ZpPresenceController *controller;
  char                 *state_dir;
  char                 *state_file;
  GArray               *troubles;
  guint                 confirmed;
  ZpChangeOrigin        confirmed_origin;
} Fixture;

typedef struct
{
  gboolean          done;
  ZpRequestOutcome  outcome;
  gint64            send_time;
  GError           *error;
} Outcome;

static void
trouble_event_clear (TroubleEvent *event)
{
  g_free (event->message);
}

/* Main loop helpers: run until a condition holds, never sleep. */

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
outcome_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->outcome = zp_presence_controller_request_finish (ZP_PRESENCE_CONTROLLER (object),
                                                            result, &outcome->send_time,
                                                            &outcome->error);
  outcome->done = TRUE;
}

static void
request (Fixture        *fixture,
         ZpStatus        status,
         guint           dnd_minutes,
         ZpChangeOrigin  origin,
         Outcome        *outcome)
{
  if (outcome == NULL)
    {
      zp_presence_controller_request (fixture->controller, status, dnd_minutes, origin);
      return;
    }

  memset (outcome, 0, sizeof *outcome);
  zp_presence_controller_request_async (fixture->controller, status, dnd_minutes, origin, NULL,
                                        outcome_cb, outcome);
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
refresh (Fixture *fixture)
{
  gboolean done = FALSE;

  zp_presence_controller_refresh_async (fixture->controller, NULL, refresh_cb, &done);
  WAIT_UNTIL (done);
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

/* The token goes into the session's keyring and auth reads it from there, as after a
 * "--set-token" in another process. */
static void
give_token (Fixture    *fixture,
            const char *token)
{
  g_autoptr(ZpTokenSet) token_set = zp_token_set_new (ZP_TOKEN_KIND_MANUAL, token);
  gboolean saved = FALSE;
  gboolean loaded = FALSE;

  zp_token_store_save_async (fixture->store, token_set, NULL, token_saved_cb, &saved);
  WAIT_UNTIL (saved);
  zp_auth_load_async (fixture->auth, NULL, auth_loaded_cb, &loaded);
  WAIT_UNTIL (loaded);
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_IN);
}

/* What the server saw */

static JsonArray *
requests_with_method (Fixture    *fixture,
                      const char *method)
{
  g_autoptr(JsonArray) all = zp_test_server_dup_requests (fixture->server);
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
count_requests (Fixture    *fixture,
                const char *method)
{
  g_autoptr(JsonArray) requests = requests_with_method (fixture, method);

  return json_array_get_length (requests);
}

static guint
count_status (Fixture *fixture,
              gint64   status)
{
  g_autoptr(JsonArray) all = zp_test_server_dup_requests (fixture->server);
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      JsonObject *request = json_array_get_object_element (all, i);

      if (!json_object_get_null_member (request, "status") &&
          json_object_get_int_member (request, "status") == status)
        count++;
    }

  return count;
}

static char *
zoom_status (Fixture *fixture)
{
  g_autoptr(JsonNode) reply = zp_test_server_call (fixture->server, "GET", "/_test/presence",
                                                   NULL);

  return g_strdup (json_object_get_string_member (json_node_get_object (reply), "status"));
}

static double
put_time (JsonArray *puts,
          guint      index)
{
  return json_object_get_double_member (json_array_get_object_element (puts, index), "time");
}

static double
put_wall (JsonArray *puts,
          guint      index)
{
  return json_object_get_double_member (json_array_get_object_element (puts, index), "wall");
}

static const char *
put_body_status (JsonArray *puts,
                 guint      index)
{
  JsonObject *request = json_array_get_object_element (puts, index);
  JsonNode *body = json_object_get_member (request, "json");

  return json_object_get_string_member (json_node_get_object (body), "status");
}

static void
add_fault (Fixture    *fixture,
           const char *fault)
{
  zp_test_server_add_fault (fixture->server, fault);
}

/* Troubles */

static void
trouble_cb (ZpPresenceController *controller,
            ZpTrouble             kind,
            const GError         *error,
            Fixture              *fixture)
{
  TroubleEvent event = { kind, error != NULL ? g_strdup (error->message) : NULL };

  g_test_message ("trouble %d: %s", kind, error != NULL ? error->message : "over");
  g_array_append_val (fixture->troubles, event);
}

static guint
count_troubles (Fixture   *fixture,
                ZpTrouble  kind,
                gboolean   raised)
{
  guint count = 0;

  for (guint i = 0; i < fixture->troubles->len; i++)
    {
      TroubleEvent *event = &g_array_index (fixture->troubles, TroubleEvent, i);

      if (event->kind == kind && (event->message != NULL) == raised)
        count++;
    }

  return count;
}

static const char *
last_trouble_message (Fixture   *fixture,
                      ZpTrouble  kind)
{
  for (guint i = fixture->troubles->len; i > 0; i--)
    {
      TroubleEvent *event = &g_array_index (fixture->troubles, TroubleEvent, i - 1);

      if (event->kind == kind && event->message != NULL)
        return event->message;
    }

  return NULL;
}

static void
confirmed_cb (ZpPresenceController *controller,
              ZpStatus              status,
              ZpChangeOrigin        origin,
              Fixture              *fixture)
{
  fixture->confirmed++;
  fixture->confirmed_origin = origin;
}

static gboolean
settled (Fixture *fixture)
{
  return !zp_presence_controller_get_pending (fixture->controller);
}

/* Fixture */

static void
make_controller (Fixture *fixture)
{
  fixture->controller = zp_presence_controller_new (fixture->client, fixture->auth,
                                                    fixture->settings);
  zp_presence_controller_set_state_file (fixture->controller, fixture->state_file);
  g_signal_connect (fixture->controller, "trouble", G_CALLBACK (trouble_cb), fixture);
  g_signal_connect (fixture->controller, "confirmed", G_CALLBACK (confirmed_cb), fixture);
}

static void
setup_with_interval (Fixture    *fixture,
                     const char *seconds)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autofree char *api_url = NULL;
  g_autoptr(GError) error = NULL;

  fixture->server = zp_test_server_start (seconds);
  zp_test_server_add_token (fixture->server, "token-1", "user");
  api_url = zp_test_server_dup_api_url (fixture->server);

  fixture->settings = g_settings_new_with_backend (APP_ID, backend);
  g_settings_set_uint (fixture->settings, "min-update-interval",
                       (guint) g_ascii_strtoull (seconds, NULL, 10));
  g_settings_set_string (fixture->settings, "api-base-url", api_url);
  g_settings_set_string (fixture->settings, "oauth-base-url",
                         zp_test_server_get_base_url (fixture->server));

  fixture->state_dir = g_dir_make_tmp ("zp-controller-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->state_file = g_build_filename (fixture->state_dir, "state", NULL);

  fixture->store = zp_token_store_new (zp_test_server_get_base_url (fixture->server));
  fixture->auth = zp_auth_new (fixture->store, fixture->settings);
  fixture->client = zp_zoom_client_new (api_url);
  fixture->troubles = g_array_new (FALSE, TRUE, sizeof (TroubleEvent));
  g_array_set_clear_func (fixture->troubles, (GDestroyNotify) trouble_event_clear);

  make_controller (fixture);
  give_token (fixture, "token-1");
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  setup_with_interval (fixture, "1");
}

static void
setup_slow (Fixture       *fixture,
            gconstpointer  data)
{
  setup_with_interval (fixture, "2");
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GFile) state_file = g_file_new_for_path (fixture->state_file);
  g_autoptr(GFile) state_dir = g_file_new_for_path (fixture->state_dir);

  g_clear_object (&fixture->controller);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->auth);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->server, zp_test_server_free);
  g_clear_pointer (&fixture->troubles, g_array_unref);

  g_file_delete (state_file, NULL, NULL);
  g_file_delete (state_dir, NULL, NULL);
  g_free (fixture->state_file);
  g_free (fixture->state_dir);
}

/* Storms */

typedef struct
{
  Fixture        *fixture;
  const ZpStatus *clicks;
  guint           n_clicks;
  guint           next;
} Storm;

static gboolean
click_cb (gpointer user_data)
{
  Storm *storm = user_data;

  request (storm->fixture, storm->clicks[storm->next], 0, ZP_CHANGE_ORIGIN_USER, NULL);
  storm->next++;

  return storm->next < storm->n_clicks ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Seven clicks, 150 ms apart, inside one two-second window. */
static void
test_storm_spaced (Fixture       *fixture,
                   gconstpointer  data)
{
  static const ZpStatus clicks[] = {
    ZP_STATUS_AWAY, ZP_STATUS_BUSY, ZP_STATUS_AVAILABLE, ZP_STATUS_DO_NOT_DISTURB,
    ZP_STATUS_AWAY, ZP_STATUS_BUSY, ZP_STATUS_OUT_OF_OFFICE,
  };
  Storm storm = { fixture, clicks, G_N_ELEMENTS (clicks), 0 };
  g_autofree char *status = NULL;
  g_autoptr(JsonArray) puts = NULL;

  g_timeout_add (150, click_cb, &storm);
  WAIT_UNTIL (storm.next == storm.n_clicks && settled (fixture));

  puts = requests_with_method (fixture, "PUT");
  status = zoom_status (fixture);
  g_test_message ("storm (7 clicks, 150 ms apart, 2 s window): %u PUT, %u 429",
                  json_array_get_length (puts), count_status (fixture, 429));
  g_printerr ("# storm-spaced: 7 clicks -> %u PUT requests, %u answered 429\n",
              json_array_get_length (puts), count_status (fixture, 429));

  g_assert_cmpuint (json_array_get_length (puts), <=, 2);
  g_assert_cmpuint (count_status (fixture, 429), ==, 0);
  g_assert_cmpstr (status, ==, "Out_of_Office");
  g_assert_cmpuint (zp_presence_controller_get_confirmed_status (fixture->controller), ==,
                    ZP_STATUS_OUT_OF_OFFICE);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
}

/* Seven clicks in one go, while the first is still on the wire. */
static void
test_storm_burst (Fixture       *fixture,
                  gconstpointer  data)
{
  static const ZpStatus clicks[] = {
    ZP_STATUS_BUSY, ZP_STATUS_AWAY, ZP_STATUS_IN_CALENDAR_EVENT, ZP_STATUS_AWAY,
    ZP_STATUS_OUT_OF_OFFICE, ZP_STATUS_BUSY, ZP_STATUS_AWAY,
  };
  Outcome outcomes[G_N_ELEMENTS (clicks)];
  g_autofree char *status = NULL;
  g_autoptr(JsonArray) puts = NULL;
  guint replaced = 0;

  for (guint i = 0; i < G_N_ELEMENTS (clicks); i++)
    request (fixture, clicks[i], 0, ZP_CHANGE_ORIGIN_USER, &outcomes[i]);

  WAIT_UNTIL (settled (fixture));
  for (guint i = 0; i < G_N_ELEMENTS (clicks); i++)
    {
      WAIT_UNTIL (outcomes[i].done);
      g_assert_no_error (outcomes[i].error);
      replaced += outcomes[i].outcome == ZP_REQUEST_OUTCOME_REPLACED;
    }

  puts = requests_with_method (fixture, "PUT");
  status = zoom_status (fixture);
  g_printerr ("# storm-burst: 7 clicks -> %u PUT requests, %u answered 429, %u replaced\n",
              json_array_get_length (puts), count_status (fixture, 429), replaced);

  g_assert_cmpuint (json_array_get_length (puts), <=, 2);
  g_assert_cmpuint (count_status (fixture, 429), ==, 0);
  g_assert_cmpstr (status, ==, "Away");
  g_assert_cmpstr (put_body_status (puts, json_array_get_length (puts) - 1), ==, "Away");
  g_assert_cmpint (outcomes[0].outcome, ==, ZP_REQUEST_OUTCOME_SENT);
  /* The sixth equals what was on the wire and shares its answer; the last waits its turn. */
  g_assert_cmpint (outcomes[5].outcome, ==, ZP_REQUEST_OUTCOME_SENT);
  g_assert_cmpint (outcomes[6].outcome, ==, ZP_REQUEST_OUTCOME_QUEUED);
  g_assert_cmpuint (replaced, >=, 4);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
}

/* Wishes that end where Zoom already is cost nothing. */
static void
test_back_to_confirmed (Fixture       *fixture,
                        gconstpointer  data)
{
  Outcome same, busy, away;

  refresh (fixture);
  g_assert_cmpint (zp_presence_controller_get_confirmed_status (fixture->controller), ==,
                   ZP_STATUS_AVAILABLE);

  request (fixture, ZP_STATUS_AVAILABLE, 0, ZP_CHANGE_ORIGIN_USER, &same);
  WAIT_UNTIL (same.done);
  g_assert_cmpint (same.outcome, ==, ZP_REQUEST_OUTCOME_UNCHANGED);
  g_assert_cmpuint (count_requests (fixture, "PUT"), ==, 0);

  /* Away goes out; Busy waits for the pacing; Away again makes Busy moot. */
  request (fixture, ZP_STATUS_AWAY, 0, ZP_CHANGE_ORIGIN_USER, NULL);
  WAIT_UNTIL (settled (fixture));
  request (fixture, ZP_STATUS_BUSY, 0, ZP_CHANGE_ORIGIN_USER, &busy);
  WAIT_UNTIL (busy.done);
  g_assert_cmpint (busy.outcome, ==, ZP_REQUEST_OUTCOME_QUEUED);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 1);
  request (fixture, ZP_STATUS_AWAY, 0, ZP_CHANGE_ORIGIN_USER, &away);
  WAIT_UNTIL (away.done);
  g_assert_cmpint (away.outcome, ==, ZP_REQUEST_OUTCOME_UNCHANGED);

  g_assert_false (zp_presence_controller_get_pending (fixture->controller));
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
  g_assert_cmpuint (count_requests (fixture, "PUT"), ==, 1);
}

/* Rate limits */

static void
check_rate_limited_once (Fixture *fixture,
                         double   min_gap,
                         double   not_before_wall)
{
  g_autofree char *status = NULL;
  g_autoptr(JsonArray) puts = NULL;
  Outcome outcome;

  request (fixture, ZP_STATUS_AWAY, 0, ZP_CHANGE_ORIGIN_USER, &outcome);
  WAIT_UNTIL (outcome.done);
  g_assert_no_error (outcome.error);
  g_assert_cmpint (outcome.outcome, ==, ZP_REQUEST_OUTCOME_QUEUED);
  g_assert_cmpint (outcome.send_time, >, g_get_real_time ());
  g_assert_cmpuint (count_troubles (fixture, ZP_TROUBLE_RATE_LIMIT, TRUE), ==, 1);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 1);
  g_assert_cmpint (zp_presence_controller_get_next_send_time (fixture->controller), >, 0);

  WAIT_UNTIL (fixture->confirmed == 1);

  puts = requests_with_method (fixture, "PUT");
  status = zoom_status (fixture);
  g_test_message ("re-sent %.3f s after the 429", put_time (puts, 1) - put_time (puts, 0));
  g_assert_cmpuint (json_array_get_length (puts), ==, 2);
  g_assert_cmpfloat (put_time (puts, 1) - put_time (puts, 0), >=, min_gap);
  g_assert_cmpfloat (put_wall (puts, 1), >=, not_before_wall);
  g_assert_cmpstr (status, ==, "Away");
  g_assert_cmpuint (count_troubles (fixture, ZP_TROUBLE_RATE_LIMIT, FALSE), ==, 1);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
}

static void
test_rate_limit_seconds (Fixture       *fixture,
                         gconstpointer  data)
{
  add_fault (fixture, "{\"kind\": \"rate-limit\", \"method\": \"PUT\", \"retry_after\": \"3\"}");
  check_rate_limited_once (fixture, 3.0, 0);
}

/* A whole second a few seconds ahead, for the date forms of Retry-After. */
static gint64
retry_second (void)
{
  return g_get_real_time () / G_USEC_PER_SEC + 4;
}

static void
test_rate_limit_http_date (Fixture       *fixture,
                           gconstpointer  data)
{
  static const char * const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char * const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                         "Aug", "Sep", "Oct", "Nov", "Dec" };
  gint64 second = retry_second ();
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (second);
  g_autofree char *fault = NULL;

  fault = g_strdup_printf ("{\"kind\": \"rate-limit\", \"method\": \"PUT\", "
                           "\"retry_after\": \"%s, %02d %s %d %02d:%02d:%02d GMT\"}",
                           days[g_date_time_get_day_of_week (time) - 1],
                           g_date_time_get_day_of_month (time),
                           months[g_date_time_get_month (time) - 1],
                           g_date_time_get_year (time), g_date_time_get_hour (time),
                           g_date_time_get_minute (time), g_date_time_get_second (time));
  add_fault (fixture, fault);
  check_rate_limited_once (fixture, 0, (double) second - 0.05);
}

static char *
iso_fault (gint64    second,
           gboolean  daily)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (second);
  g_autofree char *iso = g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");

  return g_strdup_printf ("{\"kind\": \"rate-limit\", \"method\": \"PUT\", "
                          "\"retry_after\": \"%s\", \"daily\": %s}",
                          iso, daily ? "true" : "false");
}

static void
test_rate_limit_iso8601 (Fixture       *fixture,
                         gconstpointer  data)
{
  gint64 second = retry_second ();
  g_autofree char *fault = iso_fault (second, FALSE);

  add_fault (fixture, fault);
  check_rate_limited_once (fixture, 0, (double) second - 0.05);
}

static void
test_rate_limit_no_header (Fixture       *fixture,
                           gconstpointer  data)
{
  /* Without Retry-After the controller backs off by one pacing interval (1 s) at first. */
  add_fault (fixture, "{\"kind\": \"rate-limit\", \"method\": \"PUT\", \"retry_after\": null}");
  check_rate_limited_once (fixture, 1.0, 0);
}

static void
test_rate_limit_daily (Fixture       *fixture,
                       gconstpointer  data)
{
  gint64 second = retry_second ();
  g_autofree char *fault = iso_fault (second, TRUE);
  const char *message;

  add_fault (fixture, fault);
  check_rate_limited_once (fixture, 0, (double) second - 0.05);

  message = last_trouble_message (fixture, ZP_TROUBLE_RATE_LIMIT);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "daily limit"));
  g_assert_nonnull (strstr (message, "“Away” will be sent at "));
}

/* Server errors, timeouts, no network */

static void
check_one_transient_failure (Fixture *fixture,
                             double   min_gap)
{
  g_autoptr(JsonArray) puts = NULL;
  g_autofree char *status = NULL;
  Outcome outcome;

  request (fixture, ZP_STATUS_BUSY, 0, ZP_CHANGE_ORIGIN_USER, &outcome);
  WAIT_UNTIL (outcome.done);
  g_assert_error (outcome.error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_SERVER);
  g_clear_error (&outcome.error);
  g_assert_true (zp_presence_controller_get_pending (fixture->controller));
  g_assert_cmpint (zp_presence_controller_get_wanted_status (fixture->controller), ==,
                   ZP_STATUS_BUSY);

  WAIT_UNTIL (fixture->confirmed == 1);
  puts = requests_with_method (fixture, "PUT");
  status = zoom_status (fixture);
  g_test_message ("re-sent %.3f s after the failure", put_time (puts, 1) - put_time (puts, 0));
  g_assert_cmpuint (json_array_get_length (puts), ==, 2);
  g_assert_cmpfloat (put_time (puts, 1) - put_time (puts, 0), >=, min_gap);
  g_assert_cmpstr (status, ==, "Busy");
  g_assert_cmpuint (count_troubles (fixture, ZP_TROUBLE_OFFLINE, TRUE), ==, 1);
  g_assert_cmpuint (count_troubles (fixture, ZP_TROUBLE_OFFLINE, FALSE), ==, 1);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
}

static void
test_server_error (Fixture       *fixture,
                   gconstpointer  data)
{
  add_fault (fixture, "{\"kind\": \"http\", \"method\": \"PUT\", \"http\": 503, "
                      "\"body\": \"upstream unavailable\"}");
  /* The first back-off is two seconds. */
  check_one_transient_failure (fixture, 2.0);
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonArray) puts = NULL;
  g_autofree char *status = NULL;
  Outcome outcome;

  zp_zoom_client_set_timeout (fixture->client, 1);
  add_fault (fixture, "{\"kind\": \"stall\", \"method\": \"PUT\"}");

  request (fixture, ZP_STATUS_BUSY, 0, ZP_CHANGE_ORIGIN_USER, &outcome);
  WAIT_UNTIL (outcome.done);
  g_assert_error (outcome.error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK);
  g_clear_error (&outcome.error);

  WAIT_UNTIL (fixture->confirmed == 1);
  puts = requests_with_method (fixture, "PUT");
  status = zoom_status (fixture);
  g_assert_cmpuint (json_array_get_length (puts), ==, 2);
  /* libsoup's timeout runs on a whole-second timer that GLib may fire early, so only the
   * back-off that follows it is a lower bound. */
  g_assert_cmpfloat (put_time (puts, 1) - put_time (puts, 0), >=, 2.0);
  g_assert_cmpstr (status, ==, "Busy");
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
}

/* The test server again on the same port, with nothing but what the test gives it. */
static GSubprocess *
restart_server_on (const char *base_url)
{
  const char *script = g_getenv ("ZP_TEST_SERVER");
  const char *port = strrchr (base_url, ':') + 1;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_nonnull (script);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, script,
                              "--port", port, "--rate-window", "1", "--token", "token-1", NULL);
  g_assert_no_error (error);

  /* One short line from a local child: reading it synchronously is bounded by its start. */
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line + strlen ("PORT "), ==, port);

  return g_steal_pointer (&process);
}

static JsonNode *
call_restarted (const char *base_url,
                const char *path)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data;

  reply = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);

  data = g_bytes_get_data (reply, &length);
  json_parser_load_from_data (parser, data, (gssize) length, &error);
  g_assert_no_error (error);

  return json_parser_steal_root (parser);
}

static void
test_offline_and_back (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *base_url = zp_test_server_get_base_url (fixture->server);
  g_autoptr(GSubprocess) again = NULL;
  g_autoptr(JsonNode) presence = NULL;
  g_autoptr(JsonNode) requests = NULL;
  Outcome outcome;

  zp_test_server_stop (fixture->server);

  request (fixture, ZP_STATUS_AWAY, 0, ZP_CHANGE_ORIGIN_USER, &outcome);
  WAIT_UNTIL (outcome.done);
  g_assert_error (outcome.error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK);
  g_clear_error (&outcome.error);
  g_assert_cmpuint (count_troubles (fixture, ZP_TROUBLE_OFFLINE, TRUE), ==, 1);
  g_assert_true (zp_presence_controller_get_pending (fixture->controller));
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 1);

  again = restart_server_on (base_url);
  WAIT_UNTIL (fixture->confirmed == 1);

  presence = call_restarted (base_url, "/_test/presence");
  requests = call_restarted (base_url, "/_test/requests");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (presence), "status"),
                   ==, "Away");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (requests)), ==, 1);
  g_assert_cmpuint (count_troubles (fixture, ZP_TROUBLE_OFFLINE, FALSE), ==, 1);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);

  g_subprocess_send_signal (again, SIGTERM);
  g_subprocess_wait (again, NULL, NULL);
}

/* Sign-in */

static void
test_token_expiry_in_queue (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(JsonArray) puts = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *status = NULL;
  Outcome busy;
  JsonObject *headers;

  request (fixture, ZP_STATUS_AWAY, 0, ZP_CHANGE_ORIGIN_USER, NULL);
  WAIT_UNTIL (fixture->confirmed == 1);

  request (fixture, ZP_STATUS_BUSY, 0, ZP_CHANGE_ORIGIN_USER, &busy);
  WAIT_UNTIL (busy.done);
  g_assert_cmpint (busy.outcome, ==, ZP_REQUEST_OUTCOME_QUEUED);

  reply = zp_test_server_call (fixture->server, "POST", "/_test/expire-token",
                               "{\"token\": \"token-1\"}");
  WAIT_UNTIL (count_troubles (fixture, ZP_TROUBLE_SIGN_IN, TRUE) == 1);

  /* The wish is kept, and nothing ticks while it waits for a token. */
  g_assert_true (zp_presence_controller_get_pending (fixture->controller));
  g_assert_cmpint (zp_presence_controller_get_wanted_status (fixture->controller), ==,
                   ZP_STATUS_BUSY);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
  g_assert_cmpint (zp_auth_get_state (fixture->auth), !=, ZP_AUTH_STATE_SIGNED_IN);
  g_assert_cmpuint (count_requests (fixture, "PUT"), ==, 2);

  zp_test_server_add_token (fixture->server, "token-2", "user");
  give_token (fixture, "token-2");
  WAIT_UNTIL (fixture->confirmed == 2);

  puts = requests_with_method (fixture, "PUT");
  status = zoom_status (fixture);
  g_assert_cmpuint (json_array_get_length (puts), ==, 3);
  headers = json_object_get_object_member (json_array_get_object_element (puts, 2), "headers");
  g_assert_cmpstr (json_object_get_string_member (headers, "Authorization"), ==,
                   "Bearer token-2");
  g_assert_cmpstr (status, ==, "Busy");
  g_assert_cmpuint (count_troubles (fixture, ZP_TROUBLE_SIGN_IN, FALSE), ==, 1);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
}

/* The lock's Away takes the place of the person's queued Busy; one request. */
static void
test_lock_during_pending (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JsonArray) puts = NULL;
  g_autofree char *status = NULL;
  Outcome busy, away;

  request (fixture, ZP_STATUS_AVAILABLE, 0, ZP_CHANGE_ORIGIN_USER, NULL);
  WAIT_UNTIL (fixture->confirmed == 1);

  request (fixture, ZP_STATUS_BUSY, 0, ZP_CHANGE_ORIGIN_USER, &busy);
  request (fixture, ZP_STATUS_AWAY, 0, ZP_CHANGE_ORIGIN_LOCK, &away);
  WAIT_UNTIL (busy.done);
  /* Busy was told it is queued before the lock came; the lock's wish now waits instead. */
  g_assert_cmpint (busy.outcome, ==, ZP_REQUEST_OUTCOME_QUEUED);
  g_assert_cmpint (zp_presence_controller_get_wanted_status (fixture->controller), ==,
                   ZP_STATUS_AWAY);
  g_assert_cmpint (zp_presence_controller_get_wanted_origin (fixture->controller), ==,
                   ZP_CHANGE_ORIGIN_LOCK);

  WAIT_UNTIL (fixture->confirmed == 2);
  g_assert_true (away.done);
  g_assert_cmpint (fixture->confirmed_origin, ==, ZP_CHANGE_ORIGIN_LOCK);

  puts = requests_with_method (fixture, "PUT");
  status = zoom_status (fixture);
  g_assert_cmpuint (json_array_get_length (puts), ==, 2);
  g_assert_cmpstr (put_body_status (puts, 1), ==, "Away");
  g_assert_cmpstr (status, ==, "Away");
  g_assert_cmpuint (count_status (fixture, 429), ==, 0);
}

/* Errors retrying cannot fix */

static void
test_refused_not_retried (Fixture       *fixture,
                          gconstpointer  data)
{
  Outcome outcome;

  add_fault (fixture, "{\"kind\": \"zoom-error\", \"method\": \"PUT\", \"http\": 400, "
                      "\"code\": 5301, \"message\": \"Request to update presence failed.\"}");

  request (fixture, ZP_STATUS_AWAY, 0, ZP_CHANGE_ORIGIN_USER, &outcome);
  WAIT_UNTIL (outcome.done);
  g_assert_error (outcome.error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UPDATE_FAILED);
  g_clear_error (&outcome.error);

  /* Dropped: nothing waits, nothing ticks, so nothing can be sent again. */
  g_assert_false (zp_presence_controller_get_pending (fixture->controller));
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
  g_assert_cmpuint (count_troubles (fixture, ZP_TROUBLE_REFUSED, TRUE), ==, 1);
  g_assert_nonnull (strstr (last_trouble_message (fixture, ZP_TROUBLE_REFUSED), "Zoom app"));
  g_assert_cmpuint (count_requests (fixture, "PUT"), ==, 1);

  /* The next change goes out (after the pacing) and clears the trouble. */
  request (fixture, ZP_STATUS_BUSY, 0, ZP_CHANGE_ORIGIN_USER, NULL);
  WAIT_UNTIL (fixture->confirmed == 1);
  g_assert_cmpuint (count_requests (fixture, "PUT"), ==, 2);
  g_assert_cmpuint (count_troubles (fixture, ZP_TROUBLE_REFUSED, FALSE), ==, 1);
}

static void
test_missing_scope_not_retried (Fixture       *fixture,
                                gconstpointer  data)
{
  Outcome outcome;

  add_fault (fixture, "{\"kind\": \"zoom-error\", \"method\": \"PUT\", \"http\": 400, "
                      "\"code\": 4711, \"message\": \"Invalid access token, does not "
                      "contain scopes.\"}");

  request (fixture, ZP_STATUS_AWAY, 0, ZP_CHANGE_ORIGIN_USER, &outcome);
  WAIT_UNTIL (outcome.done);
  g_assert_error (outcome.error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_MISSING_SCOPE);
  g_clear_error (&outcome.error);
  g_assert_false (zp_presence_controller_get_pending (fixture->controller));
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
  g_assert_cmpuint (count_troubles (fixture, ZP_TROUBLE_REFUSED, TRUE), ==, 1);
  g_assert_cmpuint (count_requests (fixture, "PUT"), ==, 1);
}

/* Do not disturb: one timer at its end, then one GET. */
static void
test_dnd_end (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonArray) gets = NULL;
  gint64 dnd_end;

  /* Three seconds of Do not disturb, set in "the Zoom app". */
  reply = zp_test_server_call (fixture->server, "POST", "/_test/presence",
                               "{\"status\": \"Do_Not_Disturb\", \"duration\": 0.05}");
  refresh (fixture);

  g_assert_cmpint (zp_presence_controller_get_confirmed_status (fixture->controller), ==,
                   ZP_STATUS_DO_NOT_DISTURB);
  dnd_end = zp_presence_controller_get_dnd_end_time (fixture->controller);
  g_assert_cmpint (dnd_end, >, g_get_real_time ());
  g_assert_cmpint (dnd_end, <=, g_get_real_time () + 4 * G_USEC_PER_SEC);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 1);
  g_assert_cmpuint (count_requests (fixture, "GET"), ==, 1);

  WAIT_UNTIL (zp_presence_controller_get_confirmed_status (fixture->controller) ==
              ZP_STATUS_AVAILABLE);

  gets = requests_with_method (fixture, "GET");
  g_assert_cmpuint (json_array_get_length (gets), ==, 2);
  g_assert_cmpfloat (put_wall (gets, 1), >=, (double) dnd_end / G_USEC_PER_SEC);
  g_assert_cmpuint (zp_presence_controller_count_timers (fixture->controller), ==, 0);
  g_assert_cmpint (zp_presence_controller_get_dnd_end_time (fixture->controller), ==, 0);
}

/* The pacing survives a restart: a second process within the window waits its turn. */
static void
test_pacing_remembered (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JsonArray) puts = NULL;
  Outcome busy;

  request (fixture, ZP_STATUS_AWAY, 0, ZP_CHANGE_ORIGIN_USER, NULL);
  WAIT_UNTIL (fixture->confirmed == 1);
  g_assert_true (g_file_test (fixture->state_file, G_FILE_TEST_EXISTS));

  g_clear_object (&fixture->controller);
  make_controller (fixture);

  request (fixture, ZP_STATUS_BUSY, 0, ZP_CHANGE_ORIGIN_USER, &busy);
  WAIT_UNTIL (busy.done);
  g_assert_cmpint (busy.outcome, ==, ZP_REQUEST_OUTCOME_QUEUED);
  WAIT_UNTIL (fixture->confirmed == 2);

  puts = requests_with_method (fixture, "PUT");
  g_assert_cmpuint (json_array_get_length (puts), ==, 2);
  g_assert_cmpfloat (put_time (puts, 1) - put_time (puts, 0), >=, 2.0 - 0.01);
  g_assert_cmpuint (count_status (fixture, 429), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, setup_func, test_func) \
  g_test_add ("/presence-controller/" path, Fixture, NULL, setup_func, test_func, teardown)

  ADD ("storm/spaced", setup_slow, test_storm_spaced);
  ADD ("storm/burst", setup_slow, test_storm_burst);
  ADD ("unchanged/back-to-confirmed", setup, test_back_to_confirmed);
  ADD ("rate-limited/retry-after-seconds", setup, test_rate_limit_seconds);
  ADD ("rate-limited/retry-after-http-date", setup, test_rate_limit_http_date);
  ADD ("rate-limited/retry-after-iso8601", setup, test_rate_limit_iso8601);
  ADD ("rate-limited/no-retry-after", setup, test_rate_limit_no_header);
  ADD ("rate-limited/daily", setup, test_rate_limit_daily);
  ADD ("transient/server-error", setup, test_server_error);
  ADD ("transient/timeout", setup, test_timeout);
  ADD ("transient/offline-and-back", setup, test_offline_and_back);
  ADD ("sign-in/token-expires-in-queue", setup, test_token_expiry_in_queue);
  ADD ("lock/during-pending-change", setup, test_lock_during_pending);
  ADD ("refused/update-failed", setup, test_refused_not_retried);
  ADD ("refused/missing-scope", setup, test_missing_scope_not_retried);
  ADD ("dnd/read-back-at-end", setup, test_dnd_end);
  ADD ("pacing/remembered", setup_slow, test_pacing_remembered);

#undef ADD

  return g_test_run ();
}
