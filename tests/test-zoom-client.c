/* test-zoom-client.c: the presence client against the embedded Zoom test server
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include <libsoup/soup.h>

#include "zp-test-server.h"
#include "zp-zoom-client.h"
#include "zp-zoom-reply.h"

#define USER_TOKEN "tok-user-3f9a"
#define ACCOUNT_TOKEN "tok-account-77b1"
#define WAIT_SECONDS 20

/* One server for the whole run: each test starts from a reset. */
static ZpTestServer *server;

typedef struct
{
  ZpZoomClient *client;
  char         *api_url;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonNode) reset = zp_test_server_call (server, "POST", "/_test/reset", NULL);
  g_autoptr(JsonNode) config = zp_test_server_call (server, "POST", "/_test/config",
                                                    "{\"rate_window\": 0}");

  fixture->api_url = zp_test_server_dup_api_url (server);
  fixture->client = zp_zoom_client_new (fixture->api_url);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->client);
  g_free (fixture->api_url);
}

/* Async plumbing: run a main loop until the callback has a result, with a limit. */

static gboolean
waited_too_long_cb (gpointer user_data)
{
  g_error ("No answer within %d s", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out_result = user_data;

  g_assert_null (*out_result);
  *out_result = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  guint timeout_id = g_timeout_add_seconds (WAIT_SECONDS, waited_too_long_cb, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
  return *slot;
}

static gboolean
set_status (ZpZoomClient  *client,
            const char    *token,
            const char    *user_id,
            ZpStatus       status,
            guint          minutes,
            ZpRateLimit   *out_rate_limit,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  zp_zoom_client_set_status_async (client, token, user_id, status, minutes, NULL,
                                   store_result_cb, &result);
  g_assert_null (result);
  wait_for (&result);

  return zp_zoom_client_set_status_finish (client, result, out_rate_limit, error);
}

static ZpPresence *
get_status (ZpZoomClient  *client,
            const char    *token,
            const char    *user_id,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  zp_zoom_client_get_status_async (client, token, user_id, NULL, store_result_cb, &result);
  wait_for (&result);

  return zp_zoom_client_get_status_finish (client, result, NULL, error);
}

/* Server-side views */

static guint
count_requests (void)
{
  g_autoptr(JsonArray) requests = zp_test_server_dup_requests (server);

  return json_array_get_length (requests);
}

static JsonObject *
dup_only_request (void)
{
  g_autoptr(JsonArray) requests = zp_test_server_dup_requests (server);

  g_assert_cmpuint (json_array_get_length (requests), ==, 1);
  return json_object_ref (json_array_get_object_element (requests, 0));
}

static const char *
header (JsonObject *request,
        const char *name)
{
  JsonObject *headers = json_object_get_object_member (request, "headers");
  g_autoptr(GList) names = json_object_get_members (headers);
  const char *value = NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      if (g_ascii_strcasecmp (l->data, name) == 0)
        {
          g_assert_null (value);
          value = json_object_get_string_member (headers, l->data);
        }
    }

  return value;
}

static char *
server_status_of (const char *user)
{
  g_autofree char *path = g_strdup_printf ("/_test/presence?user=%s", user);
  g_autoptr(JsonNode) reply = zp_test_server_call (server, "GET", path, NULL);

  return g_strdup (json_object_get_string_member (json_node_get_object (reply), "status"));
}

static void
add_fault (const char *fault)
{
  zp_test_server_add_fault (server, fault);
}

/* Tests */

static void
test_defaults (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(ZpZoomClient) client = zp_zoom_client_new (NULL);

  g_assert_cmpstr (zp_zoom_client_get_api_base_url (client), ==, "https://api.zoom.us/v2");
  g_assert_cmpuint (zp_zoom_client_get_timeout (client), ==, 20);

  zp_zoom_client_set_timeout (client, 3);
  g_assert_cmpuint (zp_zoom_client_get_timeout (client), ==, 3);

  zp_zoom_client_set_api_base_url (client, "http://127.0.0.1:9/v2//");
  g_assert_cmpstr (zp_zoom_client_get_api_base_url (client), ==, "http://127.0.0.1:9/v2");
}

static void
test_set_away (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autofree char *status = NULL;
  ZpRateLimit rate_limit = { 1, TRUE };

  g_assert_true (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0,
                             &rate_limit, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rate_limit.retry_at, ==, 0);
  g_assert_false (rate_limit.daily);

  request = dup_only_request ();
  g_assert_cmpstr (json_object_get_string_member (request, "method"), ==, "PUT");
  g_assert_cmpstr (json_object_get_string_member (request, "path"), ==,
                   "/v2/users/me/presence_status");
  g_assert_cmpstr (json_object_get_string_member (request, "query"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (request, "body"), ==, "{\"status\":\"Away\"}");
  g_assert_cmpstr (header (request, "Content-Type"), ==, "application/json");
  g_assert_cmpstr (header (request, "Authorization"), ==, "Bearer " USER_TOKEN);
  g_assert_cmpstr (header (request, "Accept"), ==, "application/json");
  g_assert_cmpint (json_object_get_int_member (request, "status"), ==, 204);

  status = server_status_of ("u-1");
  g_assert_cmpstr (status, ==, "Away");
}

static void
test_set_dnd (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(ZpPresence) presence = NULL;
  gint64 expected_end = g_get_real_time () + (gint64) 60 * 60 * G_USEC_PER_SEC;

  g_assert_true (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_DO_NOT_DISTURB, 60,
                             NULL, &error));
  g_assert_no_error (error);

  request = dup_only_request ();
  g_assert_cmpstr (json_object_get_string_member (request, "body"), ==,
                   "{\"status\":\"Do_Not_Disturb\",\"duration\":60}");

  presence = get_status (fixture->client, USER_TOKEN, "me", &error);
  g_assert_no_error (error);
  g_assert_cmpint (presence->status, ==, ZP_STATUS_DO_NOT_DISTURB);
  g_assert_cmpstr (presence->api_name, ==, "Do_Not_Disturb");
  g_assert_cmpint (ABS (presence->dnd_end_time - expected_end), <, 5 * G_USEC_PER_SEC);
}

static void
test_set_every_settable (Fixture       *fixture,
                         gconstpointer  data)
{
  for (guint i = 0; zp_status_settable[i] != ZP_STATUS_UNKNOWN; i++)
    {
      ZpStatus status = zp_status_settable[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *on_server = NULL;
      g_autoptr(ZpPresence) presence = NULL;

      g_assert_true (set_status (fixture->client, USER_TOKEN, "me", status,
                                 ZP_DND_ZOOM_DEFAULT, NULL, &error));
      g_assert_no_error (error);

      on_server = server_status_of ("u-1");
      g_assert_cmpstr (on_server, ==, zp_status_to_api_name (status));

      presence = get_status (fixture->client, USER_TOKEN, "me", &error);
      g_assert_no_error (error);
      g_assert_cmpint (presence->status, ==, status);
    }
}

static void
test_set_invalid_input (Fixture       *fixture,
                        gconstpointer  data)
{
  static const struct
  {
    ZpStatus status;
    guint    minutes;
  } cases[] = {
    { ZP_STATUS_UNKNOWN, 0 },
    { ZP_STATUS_OFFLINE, 0 },
    { ZP_STATUS_MOBILE_SIGNED_IN, 0 },
    { ZP_STATUS_LAST, 0 },
    { ZP_STATUS_DO_NOT_DISTURB, 0 },
    { ZP_STATUS_DO_NOT_DISTURB, 1441 },
    { ZP_STATUS_DO_NOT_DISTURB, G_MAXUINT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (set_status (fixture->client, USER_TOKEN, "me", cases[i].status,
                                  cases[i].minutes, NULL, &error));
      g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT);
      g_assert_true (zp_zoom_error_is_permanent (error));
    }

  /* The edges are fine. */
  for (guint minutes = ZP_DND_MIN_MINUTES; minutes <= ZP_DND_MAX_MINUTES;
       minutes += ZP_DND_MAX_MINUTES - ZP_DND_MIN_MINUTES)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_DO_NOT_DISTURB,
                                 minutes, NULL, &error));
      g_assert_no_error (error);
    }

  g_assert_cmpuint (count_requests (), ==, 2);
}

static void
test_bad_token (Fixture       *fixture,
                gconstpointer  data)
{
  const char *tokens[] = { "", "abc\r\nX-Injected: yes", "two words", "caf\xc3\xa9" };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (set_status (fixture->client, tokens[i], "me", ZP_STATUS_AWAY, 0, NULL,
                                  &error));
      g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UNAUTHORIZED);
      g_assert_null (strstr (error->message, tokens[i][0] ? tokens[i] : "\x01"));
    }

  g_assert_cmpuint (count_requests (), ==, 0);
}

static void
test_user_id_escaped (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JsonNode) added2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) requests = NULL;
  g_autofree char *status = NULL;
  g_autoptr(ZpPresence) presence = NULL;

  added = zp_test_server_call (server, "POST", "/_test/users",
                               "{\"id\": \"u-2\", \"email\": \"a b@example.com\", "
                               "\"name\": \"Spacey\"}");
  added2 = zp_test_server_call (server, "POST", "/_test/users",
                                "{\"id\": \"../../x?y#z\", \"email\": \"odd@example.com\"}");

  g_assert_true (set_status (fixture->client, ACCOUNT_TOKEN, "a b@example.com",
                             ZP_STATUS_BUSY, 0, NULL, &error));
  g_assert_no_error (error);
  status = server_status_of ("u-2");
  g_assert_cmpstr (status, ==, "Busy");

  presence = get_status (fixture->client, ACCOUNT_TOKEN, "../../x?y#z", &error);
  g_assert_no_error (error);
  g_assert_cmpint (presence->status, ==, ZP_STATUS_AVAILABLE);

  requests = zp_test_server_dup_requests (server);
  g_assert_cmpuint (json_array_get_length (requests), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (requests, 0),
                                                  "path"),
                   ==, "/v2/users/a%20b%40example.com/presence_status");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (requests, 1),
                                                  "path"),
                   ==, "/v2/users/..%2F..%2Fx%3Fy%23z/presence_status");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (requests, 1),
                                                  "query"),
                   ==, "");
  g_assert_cmpstr (header (json_array_get_object_element (requests, 1), "Authorization"), ==,
                   "Bearer " ACCOUNT_TOKEN);
}

static void
test_get_states (Fixture       *fixture,
                 gconstpointer  data)
{
  static const struct
  {
    const char *set;
    ZpStatus    status;
  } cases[] = {
    { "Available", ZP_STATUS_AVAILABLE },
    { "In_A_Meeting", ZP_STATUS_IN_A_ZOOM_MEETING },
    { "Offline", ZP_STATUS_OFFLINE },
    { "Mobile_signed_in", ZP_STATUS_MOBILE_SIGNED_IN },
    { "Something_Zoom_Added_Later", ZP_STATUS_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"user\": \"u-1\", \"status\": \"%s\"}",
                                               cases[i].set);
      g_autoptr(JsonNode) reply = zp_test_server_call (server, "POST", "/_test/presence", body);
      g_autoptr(ZpPresence) presence = NULL;
      g_autoptr(GError) error = NULL;

      presence = get_status (fixture->client, USER_TOKEN, "me", &error);
      g_assert_no_error (error);
      g_assert_cmpint (presence->status, ==, cases[i].status);
      g_assert_cmpstr (presence->api_name, ==, cases[i].set);
      g_assert_cmpint (presence->dnd_end_time, ==, 0);
    }
}

static void
test_get_dnd_from_app (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(ZpPresence) presence = NULL;
  g_autoptr(GError) error = NULL;
  gint64 expected_end = g_get_real_time () + (gint64) 30 * 60 * G_USEC_PER_SEC;

  reply = zp_test_server_call (server, "POST", "/_test/presence",
                               "{\"user\": \"u-1\", \"status\": \"Do_Not_Disturb\", "
                               "\"duration\": 30}");
  presence = get_status (fixture->client, USER_TOKEN, "me", &error);
  g_assert_no_error (error);
  g_assert_cmpint (presence->status, ==, ZP_STATUS_DO_NOT_DISTURB);
  g_assert_cmpint (ABS (presence->dnd_end_time - expected_end), <, 5 * G_USEC_PER_SEC);
}

/* Zoom's documented refusals, each one injected and checked for its code and message. */
typedef struct
{
  const char  *fault;
  ZpZoomError  code;
  gboolean     permanent;
  const char  *says;
} FaultCase;

static const FaultCase zoom_faults[] = {
  { "{\"kind\": \"zoom-error\", \"http\": 400, \"code\": 5301, \"message\": "
    "\"Request to update presence status failed.\"}",
    ZP_ZOOM_ERROR_UPDATE_FAILED, TRUE, "Zoom app must be running" },
  { "{\"kind\": \"zoom-error\", \"http\": 400, \"code\": 5411, \"message\": \"No.\"}",
    ZP_ZOOM_ERROR_NOT_PERMITTED, TRUE, "“me”" },
  { "{\"kind\": \"zoom-error\", \"http\": 404, \"code\": 1001, \"message\": "
    "\"User does not exist.\"}", ZP_ZOOM_ERROR_USER_NOT_FOUND, TRUE, "“me”" },
  { "{\"kind\": \"zoom-error\", \"http\": 400, \"code\": 4700, \"message\": \"Scopes.\"}",
    ZP_ZOOM_ERROR_MISSING_SCOPE, TRUE, "user:update:presence_status" },
  { "{\"kind\": \"zoom-error\", \"http\": 400, \"code\": 4711, \"message\": \"Scopes.\", "
    "\"errors\": [{\"field\": \"scope\", \"message\": \"missing\"}]}",
    ZP_ZOOM_ERROR_MISSING_SCOPE, TRUE, "user:write" },
  { "{\"kind\": \"zoom-error\", \"http\": 401, \"code\": 124, \"message\": "
    "\"Invalid access token.\"}", ZP_ZOOM_ERROR_UNAUTHORIZED, FALSE, "expired" },
  { "{\"kind\": \"zoom-error\", \"http\": 403, \"code\": 200, \"message\": \"No access.\"}",
    ZP_ZOOM_ERROR_NOT_PERMITTED, TRUE, "has not granted" },
  { "{\"kind\": \"zoom-error\", \"http\": 400, \"code\": 31337, \"message\": "
    "\"A brand new refusal.\"}", ZP_ZOOM_ERROR_REFUSED, TRUE, "A brand new refusal." },
  { "{\"kind\": \"http\", \"http\": 503, \"body\": \"Service Unavailable\"}",
    ZP_ZOOM_ERROR_SERVER, FALSE, "503" },
  { "{\"kind\": \"http\", \"http\": 500, \"body\": \"\", \"content_type\": \"text/plain\"}",
    ZP_ZOOM_ERROR_SERVER, FALSE, "servers had a problem" },
  { "{\"kind\": \"http\", \"http\": 502, \"body\": \"<html>Bad gateway</html>\", "
    "\"content_type\": \"text/html\"}", ZP_ZOOM_ERROR_SERVER, FALSE, "502" },
  { "{\"kind\": \"http\", \"http\": 302, \"body\": \"\", \"headers\": "
    "[[\"Location\", \"http://127.0.0.1:1/elsewhere\"]]}",
    ZP_ZOOM_ERROR_BAD_REPLY, FALSE, "302" },
  { "{\"kind\": \"garbage\", \"http\": 200, \"body\": \"{not json\"}",
    ZP_ZOOM_ERROR_BAD_REPLY, FALSE, NULL },
  { "{\"kind\": \"rate-limit\", \"retry_after\": \"3\"}",
    ZP_ZOOM_ERROR_RATE_LIMITED, FALSE, "limiting" },
};

static void
run_fault_case (Fixture         *fixture,
                const FaultCase *c,
                gboolean         use_get)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) requests = NULL;
  g_autoptr(JsonNode) left = NULL;
  g_autoptr(JsonNode) reset = zp_test_server_call (server, "POST", "/_test/reset", NULL);
  gboolean ok;

  g_test_message ("%s: %s", use_get ? "GET" : "PUT", c->fault);
  add_fault (c->fault);

  if (use_get)
    {
      g_autoptr(ZpPresence) presence = get_status (fixture->client, USER_TOKEN, "me", &error);

      ok = presence != NULL;
    }
  else
    {
      ok = set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL, &error);
    }

  g_assert_false (ok);
  g_assert_error (error, ZP_ZOOM_ERROR, (gint) c->code);
  g_assert_cmpint (zp_zoom_error_is_permanent (error), ==, c->permanent);
  if (c->says != NULL && strstr (error->message, c->says) == NULL)
    g_error ("“%s” does not say “%s”", error->message, c->says);

  /* Exactly one request, and the fault was used up by it. */
  requests = zp_test_server_dup_requests (server);
  g_assert_cmpuint (json_array_get_length (requests), ==, 1);
  left = zp_test_server_call (server, "GET", "/_test/faults", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (left)), ==, 0);
}

static void
test_zoom_faults (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (zoom_faults); i++)
    {
      run_fault_case (fixture, &zoom_faults[i], FALSE);
      run_fault_case (fixture, &zoom_faults[i], TRUE);
    }
}

static void
test_put_garbage (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  /* A 200 with a page of junk is not Zoom's 204: the change is not taken as done. */
  add_fault ("{\"kind\": \"garbage\", \"http\": 200, \"body\": \"<html>Welcome to the "
             "hotel Wi-Fi</html>\", \"content_type\": \"text/html\"}");
  g_assert_false (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL,
                              &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY);
  g_clear_error (&error);

  /* An empty JSON object with a 200 is a success in all but name. */
  add_fault ("{\"kind\": \"garbage\", \"http\": 200, \"body\": \"{}\"}");
  g_assert_true (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL,
                             &error));
  g_assert_no_error (error);

  /* And a 204 carries no body at all. */
  add_fault ("{\"kind\": \"garbage\", \"http\": 204, \"body\": \"{not json\"}");
  g_assert_true (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL,
                             &error));
  g_assert_no_error (error);

  /* The faults stood in for Zoom: the server's own state never changed. */
  status = server_status_of ("u-1");
  g_assert_cmpstr (status, ==, "Available");
}

static void
test_unauthorized_real (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JsonNode) expired = NULL;
  g_autoptr(GError) error = NULL;

  /* A token the server never issued. */
  g_assert_false (set_status (fixture->client, "tok-unknown", "me", ZP_STATUS_AWAY, 0, NULL,
                              &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UNAUTHORIZED);
  g_assert_false (zp_zoom_error_is_permanent (error));
  g_clear_error (&error);

  /* A user-level token used for someone else. */
  g_assert_false (set_status (fixture->client, USER_TOKEN, "u-1", ZP_STATUS_AWAY, 0, NULL,
                              &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  /* A token that has expired. */
  added = zp_test_server_call (server, "POST", "/_test/tokens",
                               "{\"token\": \"tok-short\", \"expires_in\": 3600}");
  g_assert_true (set_status (fixture->client, "tok-short", "me", ZP_STATUS_AWAY, 0, NULL,
                             &error));
  g_assert_no_error (error);
  expired = zp_test_server_call (server, "POST", "/_test/expire-token",
                                 "{\"token\": \"tok-short\"}");
  g_assert_false (set_status (fixture->client, "tok-short", "me", ZP_STATUS_BUSY, 0, NULL,
                              &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UNAUTHORIZED);
}

static void
test_user_not_found_real (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (set_status (fixture->client, ACCOUNT_TOKEN, "nobody@example.com",
                              ZP_STATUS_AWAY, 0, NULL, &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_USER_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nobody@example.com"));
  g_clear_error (&error);

  /* An account-level app cannot say "me". */
  g_assert_false (set_status (fixture->client, ACCOUNT_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL,
                              &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_REFUSED);
  g_assert_true (zp_zoom_error_is_permanent (error));
}

static void
test_rate_limited_real (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) config = zp_test_server_call (server, "POST", "/_test/config",
                                                    "{\"rate_window\": 60}");
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  ZpRateLimit rate_limit = { 0, FALSE };
  gint64 before;

  g_assert_true (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0,
                             &rate_limit, &error));
  g_assert_no_error (error);

  before = g_get_real_time ();
  g_assert_false (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_BUSY, 0,
                              &rate_limit, &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_RATE_LIMITED);
  g_assert_false (zp_zoom_error_is_permanent (error));
  g_assert_false (rate_limit.daily);
  /* The server rounds the rest of its minute up to whole seconds. */
  g_assert_cmpint (rate_limit.retry_at, >=, before + 55 * G_USEC_PER_SEC);
  g_assert_cmpint (rate_limit.retry_at, <=, g_get_real_time () + 61 * G_USEC_PER_SEC);

  status = server_status_of ("u-1");
  g_assert_cmpstr (status, ==, "Away");
}

typedef struct
{
  const char *retry_after_json;  /* NULL: computed from now_offset in HTTP or ISO form */
  gint        offset_seconds;
  gboolean    iso;
  gboolean    daily;
  gboolean    expect_retry_at;
} RateLimitCase;

static void
run_rate_limit_case (Fixture             *fixture,
                     const RateLimitCase *c)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fault = NULL;
  g_autofree char *retry_after = NULL;
  ZpRateLimit rate_limit = { -1, !c->daily };
  gint64 before = g_get_real_time ();
  gint64 expected = before + (gint64) c->offset_seconds * G_USEC_PER_SEC;

  if (c->retry_after_json != NULL)
    {
      retry_after = g_strdup (c->retry_after_json);
    }
  else
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (expected / G_USEC_PER_SEC);
      g_autofree char *text = c->iso ? g_date_time_format_iso8601 (when)
                                     : soup_date_time_to_string (when, SOUP_DATE_HTTP);

      retry_after = g_strdup_printf ("\"%s\"", text);
    }

  fault = g_strdup_printf ("{\"kind\": \"rate-limit\", \"retry_after\": %s, \"daily\": %s}",
                           retry_after, c->daily ? "true" : "false");
  g_test_message ("fault: %s", fault);
  add_fault (fault);

  g_assert_false (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0,
                              &rate_limit, &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_RATE_LIMITED);
  g_assert_cmpint (rate_limit.daily, ==, c->daily);
  if (c->expect_retry_at)
    {
      /* Dates have whole seconds; the request itself takes a moment. */
      g_assert_cmpint (rate_limit.retry_at, >=, expected - 2 * G_USEC_PER_SEC);
      g_assert_cmpint (rate_limit.retry_at, <=, g_get_real_time ()
                       + (gint64) c->offset_seconds * G_USEC_PER_SEC + G_USEC_PER_SEC);
    }
  else
    {
      g_assert_cmpint (rate_limit.retry_at, ==, 0);
    }
}

static void
test_rate_limit_forms (Fixture       *fixture,
                       gconstpointer  data)
{
  static const RateLimitCase cases[] = {
    { "\"3\"", 3, FALSE, FALSE, TRUE },
    { "45", 45, FALSE, FALSE, TRUE },
    { NULL, 120, FALSE, FALSE, TRUE },                /* HTTP date */
    { NULL, 3 * 60 * 60, TRUE, TRUE, TRUE },          /* ISO 8601, daily limit */
    { "\"2020-05-31T00:00:00Z\"", 0, FALSE, TRUE, TRUE },  /* already past: now */
    { "null", 0, FALSE, FALSE, FALSE },               /* no header at all */
    { "null", 0, FALSE, TRUE, FALSE },
    { "\"soon\"", 0, FALSE, FALSE, FALSE },
    { "\"-10\"", 0, FALSE, FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    run_rate_limit_case (fixture, &cases[i]);

  g_assert_cmpuint (count_requests (), ==, G_N_ELEMENTS (cases));
}

static void
test_huge_reply (Fixture       *fixture,
                 gconstpointer  data)
{
  /* Each reply stops short and stalls: a client that tried to read it whole would time out
   * (a network error) instead of refusing it (a bad reply). */
  const char *faults[] = {
    "{\"kind\": \"huge\", \"bytes\": 10485760, \"stall_after\": 262144}",
    "{\"kind\": \"huge\", \"bytes\": 10485760, \"chunked\": true, "
    "\"stall_after\": 262144}",
    "{\"kind\": \"huge\", \"bytes\": 65537, \"chunked\": true}",
  };

  zp_zoom_client_set_timeout (fixture->client, 3);

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ZpPresence) presence = NULL;

      g_test_message ("fault: %s", faults[i]);
      add_fault (faults[i]);
      presence = get_status (fixture->client, USER_TOKEN, "me", &error);
      g_assert_null (presence);
      g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY);
    }

  /* And the client is still fine afterwards. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ZpPresence) presence = get_status (fixture->client, USER_TOKEN, "me", &error);

    g_assert_no_error (error);
    g_assert_cmpint (presence->status, ==, ZP_STATUS_AVAILABLE);
  }
}

static void
test_stall_times_out (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 started;
  gint64 elapsed;

  zp_zoom_client_set_timeout (fixture->client, 1);
  add_fault ("{\"kind\": \"stall\"}");

  started = g_get_monotonic_time ();
  g_assert_false (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL,
                              &error));
  elapsed = g_get_monotonic_time () - started;

  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK);
  g_assert_false (zp_zoom_error_is_permanent (error));
  g_assert_nonnull (strstr (error->message, "1 seconds"));
  /* libsoup's own I/O timeout may fire first, and its second-based timers are coarse. */
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
}

static void
test_delay_within_timeout (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  zp_zoom_client_set_timeout (fixture->client, 5);
  add_fault ("{\"kind\": \"delay\", \"seconds\": 0.5}");
  g_assert_true (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL,
                             &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, G_USEC_PER_SEC / 2);
}

static void
test_connection_closed (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpPresence) presence = NULL;

  /* On a fresh connection. */
  add_fault ("{\"kind\": \"close\"}");
  g_assert_false (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL,
                              &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK);
  g_assert_false (zp_zoom_error_is_permanent (error));
  g_clear_error (&error);

  /* On a kept-alive one, where a client might quietly send the change again. */
  presence = get_status (fixture->client, USER_TOKEN, "me", &error);
  g_assert_no_error (error);
  add_fault ("{\"kind\": \"close\"}");
  g_assert_false (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL,
                              &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK);
  g_assert_cmpuint (count_requests (), ==, 3);
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(ZpTestServer) gone = zp_test_server_start (NULL);
  g_autofree char *api_url = zp_test_server_dup_api_url (gone);
  g_autoptr(ZpZoomClient) client = zp_zoom_client_new (api_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpPresence) presence = NULL;

  zp_test_server_stop (gone);

  g_assert_false (set_status (client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL, &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK);
  g_assert_false (zp_zoom_error_is_permanent (error));
  g_clear_error (&error);

  presence = get_status (client, USER_TOKEN, "me", &error);
  g_assert_null (presence);
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK);
}

static void
test_api_base_refused (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *port = strrchr (zp_test_server_get_base_url (server), ':') + 1;
  g_autofree char *any_address = g_strdup_printf ("http://0.0.0.0:%s/v2", port);
  g_autofree char *by_name = g_strdup_printf ("http://localhost:%s/v2", port);
  g_autofree char *with_query = g_strdup_printf ("http://127.0.0.1:%s/v2?x=1", port);
  g_autofree char *with_user = g_strdup_printf ("http://me:pw@127.0.0.1:%s/v2", port);
  /* Every address here would reach the test server if it were let through. */
  const char *refused[] = {
    any_address, by_name, with_query, with_user,
    "ftp://127.0.0.1/v2", "file:///etc/passwd", "not an address", "https://", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ZpPresence) presence = NULL;

      g_test_message ("base: %s", refused[i]);
      zp_zoom_client_set_api_base_url (fixture->client, refused[i]);
      g_assert_false (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL,
                                  &error));
      g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT);
      g_clear_error (&error);

      presence = get_status (fixture->client, USER_TOKEN, "me", &error);
      g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT);
    }

  g_assert_cmpuint (count_requests (), ==, 0);
}

static void
test_api_base_https_allowed (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* https passes the check and then fails to connect: nothing listens on port 1 here. */
  zp_zoom_client_set_api_base_url (fixture->client, "https://127.0.0.1:1/v2");
  g_assert_false (set_status (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0, NULL,
                              &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK);
}

static void
test_empty_user (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (set_status (fixture->client, USER_TOKEN, "", ZP_STATUS_AWAY, 0, NULL,
                              &error));
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT);
  g_assert_cmpuint (count_requests (), ==, 0);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ZpRateLimit rate_limit = { 5, TRUE };

  add_fault ("{\"kind\": \"stall\"}");
  zp_zoom_client_set_status_async (fixture->client, USER_TOKEN, "me", ZP_STATUS_AWAY, 0,
                                   cancellable, store_result_cb, &result);
  g_timeout_add (300, cancel_cb, cancellable);
  wait_for (&result);

  g_assert_false (zp_zoom_client_set_status_finish (fixture->client, result, &rate_limit,
                                                    &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (rate_limit.retry_at, ==, 0);
  g_assert_false (rate_limit.daily);
  g_assert_cmpuint (count_requests (), ==, 1);
}

static void
test_cancel_before_start (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  zp_zoom_client_get_status_async (fixture->client, USER_TOKEN, "me", cancellable,
                                   store_result_cb, &result);
  wait_for (&result);

  g_assert_null (zp_zoom_client_get_status_finish (fixture->client, result, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
add (const char *path,
     void      (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_setup, test, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  server = zp_test_server_start ("0");
  zp_test_server_add_token (server, USER_TOKEN, "user");
  zp_test_server_add_token (server, ACCOUNT_TOKEN, "account");

  add ("/zoom-client/defaults", test_defaults);
  add ("/zoom-client/set-status/away", test_set_away);
  add ("/zoom-client/set-status/dnd-duration", test_set_dnd);
  add ("/zoom-client/set-status/every-settable", test_set_every_settable);
  add ("/zoom-client/set-status/invalid-input", test_set_invalid_input);
  add ("/zoom-client/set-status/bad-token", test_bad_token);
  add ("/zoom-client/set-status/empty-user", test_empty_user);
  add ("/zoom-client/set-status/rate-limited", test_rate_limited_real);
  add ("/zoom-client/set-status/rate-limit-forms", test_rate_limit_forms);
  add ("/zoom-client/set-status/garbage", test_put_garbage);
  add ("/zoom-client/user-id/escaped", test_user_id_escaped);
  add ("/zoom-client/get-status/states", test_get_states);
  add ("/zoom-client/get-status/dnd-from-app", test_get_dnd_from_app);
  add ("/zoom-client/fault/zoom-errors", test_zoom_faults);
  add ("/zoom-client/fault/unauthorized", test_unauthorized_real);
  add ("/zoom-client/fault/user-not-found", test_user_not_found_real);
  add ("/zoom-client/fault/huge-reply", test_huge_reply);
  add ("/zoom-client/fault/stall-times-out", test_stall_times_out);
  add ("/zoom-client/fault/delay", test_delay_within_timeout);
  add ("/zoom-client/fault/connection-closed", test_connection_closed);
  add ("/zoom-client/network/refused", test_connection_refused);
  add ("/zoom-client/api-base/refused", test_api_base_refused);
  add ("/zoom-client/api-base/https-allowed", test_api_base_https_allowed);
  add ("/zoom-client/cancel/in-flight", test_cancel);
  add ("/zoom-client/cancel/before-start", test_cancel_before_start);

  status = g_test_run ();

  zp_test_server_free (server);
  return status;
}
