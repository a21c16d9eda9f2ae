/* test-auth.c: sign-in, renewal and sign-out against the test server and a real keyring
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside tests/zp-session-run (unlocked gnome-keyring). Each test starts its own test
 * server, so the OAuth bookkeeping it reads back is that test's alone, and uses its own
 * keyring item. The "browser" follows the authorize address the way a browser would: it GETs
 * it, takes the 302 and GETs the 127.0.0.1 callback.
 */

#define G_LOG_DOMAIN "test-auth"

#include "config.h"

#include <string.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <libsoup/soup.h>

#include "zp-auth-private.h"
#include "zp-oauth-pkce.h"
#include "zp-test-server.h"

#define WAIT_SECONDS 20
#define PUBLIC_CLIENT "public-client-id"
#define SECRET_CLIENT "secret-client-id"
#define CLIENT_SECRET "very-secret-value"
#define S2S_CLIENT "s2s-client-id"

typedef struct
{
  ZpTestServer *server;
  GSettings    *settings;
  ZpTokenStore *store;
  ZpAuth       *auth;
  SoupSession  *browser;
  GMainLoop    *loop;

  char         *authorize_url;
  char         *callback_url;
  guint         callback_status;
} Fixture;

static gboolean
waited_too_long_cb (gpointer user_data)
{
  g_error ("No answer within %d s", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *done. */
static void
run_until (Fixture  *fixture,
           gboolean *done)
{
  guint timeout = g_timeout_add_seconds (WAIT_SECONDS, waited_too_long_cb, NULL);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout);
}

static void
oauth_config (Fixture    *fixture,
              const char *json)
{
  g_autoptr(JsonNode) reply = zp_test_server_call (fixture->server, "POST", "/_test/oauth",
                                                   json);
}

static JsonObject *
oauth_report (Fixture *fixture)
{
  g_autoptr(JsonNode) reply = zp_test_server_call (fixture->server, "GET", "/_test/oauth",
                                                   NULL);

  return json_object_ref (json_node_get_object (reply));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autofree char *account = NULL;

  fixture->server = zp_test_server_start ("0");
  fixture->settings = g_settings_new_with_backend (APP_ID, backend);
  g_settings_set_string (fixture->settings, "oauth-base-url",
                         zp_test_server_get_base_url (fixture->server));
  g_settings_set_string (fixture->settings, "client-id", PUBLIC_CLIENT);

  /* Its own keyring item: nothing carries over from another test. */
  account = g_strdup_printf ("%s%s", zp_test_server_get_base_url (fixture->server),
                             g_test_get_path ());
  fixture->store = zp_token_store_new (account);
  fixture->auth = zp_auth_new (fixture->store, fixture->settings);
  fixture->browser = soup_session_new ();

  oauth_config (fixture,
                "{\"clients\": ["
                "  {\"client_id\": \"" PUBLIC_CLIENT "\","
                "   \"redirect_uri\": \"http://127.0.0.1/callback\"},"
                "  {\"client_id\": \"" SECRET_CLIENT "\", \"secret\": \"" CLIENT_SECRET "\","
                "   \"redirect_uri\": \"http://127.0.0.1/callback\"},"
                "  {\"client_id\": \"" S2S_CLIENT "\", \"secret\": \"" CLIENT_SECRET "\"}]}");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_clear_object (&fixture->auth);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->browser);
  g_clear_pointer (&fixture->server, zp_test_server_free);
  g_clear_pointer (&fixture->authorize_url, g_free);
  g_clear_pointer (&fixture->callback_url, g_free);
}

/* The browser */

static void
callback_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  fixture->callback_status =
    soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (object),
                                                                    result));
}

static void
authorize_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) callback = NULL;
  SoupMessage *message;
  const char *location;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_assert_cmpuint (soup_message_get_status (message), ==, 302);

  location = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                           "Location");
  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, "http://127.0.0.1:"));
  fixture->callback_url = g_strdup (location);

  callback = soup_message_new (SOUP_METHOD_GET, location);
  soup_session_send_and_read_async (fixture->browser, callback, G_PRIORITY_DEFAULT, NULL,
                                    callback_done_cb, fixture);
}

static void
browser_cb (const char *uri,
            gpointer    user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, uri);

  g_assert_nonnull (message);
  fixture->authorize_url = g_strdup (uri);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (fixture->browser, message, G_PRIORITY_DEFAULT, NULL,
                                    authorize_done_cb, fixture);
}

/* Calls */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *token;
  GError   *error;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->token, g_free);
  g_clear_error (&result->error);
  result->done = FALSE;
  result->ok = FALSE;
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *outcome = user_data;

  outcome->ok = zp_auth_sign_in_finish (ZP_AUTH (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
sign_out_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Result *outcome = user_data;

  outcome->ok = zp_auth_sign_out_finish (ZP_AUTH (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
token_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Result *outcome = user_data;

  outcome->token = zp_auth_get_token_finish (ZP_AUTH (object), result, &outcome->error);
  outcome->ok = outcome->token != NULL;
  outcome->done = TRUE;
}

static void
set_token_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *outcome = user_data;

  outcome->ok = zp_auth_set_token_finish (ZP_AUTH (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *outcome = user_data;

  outcome->ok = zp_auth_load_finish (ZP_AUTH (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
store_load_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ZpTokenSet **token_set = user_data;
  g_autoptr(GError) error = NULL;

  *token_set = zp_token_store_load_finish (ZP_TOKEN_STORE (object), result, &error);
  g_assert_no_error (error);
  g_object_set_data (object, "test-done", GINT_TO_POINTER (TRUE));
}

/* What the keyring holds now, read through a store of its own. */
static ZpTokenSet *
keyring_contents (Fixture *fixture)
{
  g_autoptr(ZpTokenStore) store =
    zp_token_store_new (zp_token_store_get_account (fixture->store));
  ZpTokenSet *token_set = NULL;

  zp_token_store_load_async (store, NULL, store_load_cb, &token_set);
  while (!GPOINTER_TO_INT (g_object_get_data (G_OBJECT (store), "test-done")))
    g_main_context_iteration (NULL, TRUE);

  return token_set;
}

static void
load (Fixture *fixture)
{
  Result result = { 0, };

  zp_auth_load_async (fixture->auth, NULL, load_cb, &result);
  run_until (fixture, &result.done);
  g_assert_no_error (result.error);
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_OUT);
}

static void
sign_in (Fixture    *fixture,
         const char *secret,
         Result     *result)
{
  zp_auth_set_browser_func (fixture->auth, browser_cb, fixture);
  zp_auth_sign_in_async (fixture->auth, secret, NULL, sign_in_cb, result);
  run_until (fixture, &result->done);
}

static void
sign_in_ok (Fixture    *fixture,
            const char *secret)
{
  Result result = { 0, };

  sign_in (fixture, secret, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_IN);
}

static char *
get_token (Fixture *fixture,
           GError **error)
{
  Result result = { 0, };

  zp_auth_get_token_async (fixture->auth, NULL, token_cb, &result);
  run_until (fixture, &result.done);
  if (result.error != NULL)
    g_propagate_error (error, result.error);

  return result.token;
}

/* The token requests the server saw, oldest first. */
static GPtrArray *
token_requests (Fixture *fixture)
{
  g_autoptr(JsonArray) requests = zp_test_server_dup_requests (fixture->server);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);

      if (g_str_equal (json_object_get_string_member (request, "path"), "/oauth/token"))
        g_ptr_array_add (found, json_object_ref (request));
    }

  return found;
}

static const char *
request_header (JsonObject *request,
                const char *name)
{
  JsonObject *headers = json_object_get_object_member (request, "headers");
  GList *names = json_object_get_members (headers);
  const char *value = NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      if (g_ascii_strcasecmp (l->data, name) == 0)
        value = json_object_get_string_member (headers, l->data);
    }
  g_list_free (names);

  return value;
}

static char *
form_value (const char *form,
            const char *name)
{
  g_autoptr(GHashTable) fields = soup_form_decode (form);

  return g_strdup (g_hash_table_lookup (fields, name));
}

/* Sign-in */

static void
test_sign_in_public (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GUri) authorize = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(ZpTokenSet) stored = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *redirect = NULL;
  JsonObject *exchange;
  JsonObject *issued;

  load (fixture);
  sign_in_ok (fixture, NULL);

  /* What the browser was sent to. */
  authorize = g_uri_parse (fixture->authorize_url, G_URI_FLAGS_NONE, NULL);
  query = soup_form_decode (g_uri_get_query (authorize));
  g_assert_cmpstr (g_uri_get_path (authorize), ==, "/oauth/authorize");
  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (query, "client_id"), ==, PUBLIC_CLIENT);
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_cmpuint (strlen (g_hash_table_lookup (query, "code_challenge")), ==, 43);
  g_assert_cmpuint (strlen (g_hash_table_lookup (query, "state")), >=, 32);
  g_assert_true (g_str_has_prefix (g_hash_table_lookup (query, "redirect_uri"),
                                   "http://127.0.0.1:"));
  g_assert_cmpuint (fixture->callback_status, ==, 200);

  /* The exchange: a public client sends its id and verifier, and no Authorization. */
  requests = token_requests (fixture);
  g_assert_cmpuint (requests->len, ==, 1);
  exchange = g_ptr_array_index (requests, 0);
  g_assert_null (request_header (exchange, "Authorization"));
  verifier = form_value (json_object_get_string_member (exchange, "body"), "code_verifier");
  redirect = form_value (json_object_get_string_member (exchange, "body"), "redirect_uri");
  g_assert_true (zp_oauth_pkce_verifier_valid (verifier));
  g_assert_cmpstr (redirect, ==, g_hash_table_lookup (query, "redirect_uri"));

  /* The keyring has exactly what Zoom issued. */
  report = oauth_report (fixture);
  issued = json_array_get_object_element (json_object_get_array_member (report, "issued"), 0);
  stored = keyring_contents (fixture);
  g_assert_nonnull (stored);
  g_assert_cmpint (stored->kind, ==, ZP_TOKEN_KIND_OAUTH);
  g_assert_cmpstr (stored->access_token, ==,
                   json_object_get_string_member (issued, "access_token"));
  g_assert_cmpstr (stored->refresh_token, ==,
                   json_object_get_string_member (issued, "refresh_token"));
  g_assert_null (stored->client_secret);
  g_assert_cmpstr (stored->api_url, ==, zp_test_server_get_base_url (fixture->server));
  g_assert_cmpint (stored->expires_at, >, g_get_real_time ());
  g_assert_cmpstr (zp_auth_get_api_url (fixture->auth), ==,
                   zp_test_server_get_base_url (fixture->server));
  g_assert_false (zp_auth_get_signing_in (fixture->auth));
}

static void
test_sign_in_denied (Fixture       *fixture,
                     gconstpointer  user_data)
{
  Result result = { 0, };
  g_autoptr(ZpTokenSet) stored = NULL;

  load (fixture);
  oauth_config (fixture, "{\"deny\": true}");
  sign_in (fixture, NULL, &result);

  g_assert_error (result.error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGN_IN_FAILED);
  g_assert_nonnull (strstr (result.error->message, "not allowed"));
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_OUT);
  stored = keyring_contents (fixture);
  g_assert_null (stored);
  result_clear (&result);
}

static void
test_sign_in_code_expired (Fixture       *fixture,
                           gconstpointer  user_data)
{
  Result result = { 0, };
  g_autoptr(ZpTokenSet) stored = NULL;

  load (fixture);
  oauth_config (fixture, "{\"code_lifetime\": 0}");
  sign_in (fixture, NULL, &result);

  g_assert_error (result.error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGN_IN_FAILED);
  g_assert_nonnull (strstr (result.error->message, "expired"));
  stored = keyring_contents (fixture);
  g_assert_null (stored);
  result_clear (&result);
}

static void
test_sign_in_no_client_id (Fixture       *fixture,
                           gconstpointer  user_data)
{
  Result result = { 0, };

  load (fixture);
  g_settings_set_string (fixture->settings, "client-id", "");
  sign_in (fixture, NULL, &result);

  /* This build has no client id baked in (the meson option is empty). */
  if (*ZP_DEFAULT_CLIENT_ID != '\0')
    {
      g_test_skip ("built with a default client id");
      result_clear (&result);
      return;
    }

  g_assert_error (result.error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_NO_CLIENT_ID);
  g_assert_nonnull (strstr (result.error->message, "client-id"));
  g_assert_null (fixture->authorize_url);
  result_clear (&result);
}

static void
ignore_browser_cb (const char *uri,
                   gpointer    user_data)
{
  /* The person closed the tab: nothing comes back. */
  *(gboolean *) user_data = TRUE;
}

static void
test_sign_in_second_cancels_first (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ZpTokenSet) stored = NULL;
  gboolean opened = FALSE;
  Result first = { 0, };
  Result caller_cancelled = { 0, };

  load (fixture);

  zp_auth_set_browser_func (fixture->auth, ignore_browser_cb, &opened);
  zp_auth_sign_in_async (fixture->auth, NULL, NULL, sign_in_cb, &first);
  run_until (fixture, &opened);
  g_assert_true (zp_auth_get_signing_in (fixture->auth));

  /* Choosing "Sign in…" again starts over; the abandoned attempt ends. */
  sign_in_ok (fixture, NULL);
  run_until (fixture, &first.done);
  g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (zp_auth_get_signing_in (fixture->auth));
  stored = keyring_contents (fixture);
  g_assert_nonnull (stored);
  result_clear (&first);

  /* The caller's own cancellable stops the wait for the browser too. */
  opened = FALSE;
  zp_auth_set_browser_func (fixture->auth, ignore_browser_cb, &opened);
  zp_auth_sign_in_async (fixture->auth, NULL, cancellable, sign_in_cb, &caller_cancelled);
  run_until (fixture, &opened);
  g_cancellable_cancel (cancellable);
  run_until (fixture, &caller_cancelled.done);
  g_assert_error (caller_cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (zp_auth_get_signing_in (fixture->auth));
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_IN);
  result_clear (&caller_cancelled);
}

static void
test_sign_in_client_secret (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) stored = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *old_access = NULL;
  g_autofree char *token = NULL;
  JsonObject *exchange;
  Result result = { 0, };

  load (fixture);
  g_settings_set_string (fixture->settings, "client-id", SECRET_CLIENT);
  g_settings_set_enum (fixture->settings, "auth-mode", ZP_AUTH_MODE_CLIENT_SECRET);

  /* Without a secret there is nothing to sign in with. */
  sign_in (fixture, NULL, &result);
  g_assert_error (result.error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_NEEDS_SECRET);
  result_clear (&result);

  oauth_config (fixture, "{\"access_expires_in\": 60}");
  sign_in_ok (fixture, CLIENT_SECRET);

  encoded = g_base64_encode ((const guchar *) SECRET_CLIENT ":" CLIENT_SECRET,
                             strlen (SECRET_CLIENT ":" CLIENT_SECRET));
  expected = g_strconcat ("Basic ", encoded, NULL);
  requests = token_requests (fixture);
  exchange = g_ptr_array_index (requests, 0);
  g_assert_cmpstr (request_header (exchange, "Authorization"), ==, expected);

  /* The secret lives in the keyring's token set, and nowhere in the settings. */
  stored = keyring_contents (fixture);
  g_assert_cmpstr (stored->client_secret, ==, CLIENT_SECRET);
  for (guint i = 0; i < 4; i++)
    {
      static const char * const keys[] = { "client-id", "account-id", "oauth-base-url",
                                           "user-id" };
      g_autofree char *value = g_settings_get_string (fixture->settings, keys[i]);

      g_assert_null (strstr (value, CLIENT_SECRET));
    }

  /* The refresh authenticates the same way. */
  old_access = g_strdup (stored->access_token);
  token = get_token (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, !=, old_access);
  g_ptr_array_unref (requests);
  requests = token_requests (fixture);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_cmpstr (request_header (g_ptr_array_index (requests, 1), "Authorization"), ==,
                   expected);
}

/* Renewal */

static void
test_refresh_rotation (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) before = NULL;
  g_autoptr(ZpTokenSet) after = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  JsonArray *history;
  JsonObject *entry;

  /* Tokens that live less than the renewal margin are renewed on every use. */
  oauth_config (fixture, "{\"access_expires_in\": 60}");
  load (fixture);
  sign_in_ok (fixture, NULL);
  before = keyring_contents (fixture);

  token = get_token (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, !=, before->access_token);
  g_assert_cmpuint (zp_auth_get_renewal_count (fixture->auth), ==, 1);

  report = oauth_report (fixture);
  history = json_object_get_array_member (report, "refresh_history");
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  entry = json_array_get_object_element (history, 0);
  g_assert_true (json_object_get_boolean_member (entry, "ok"));
  g_assert_cmpstr (json_object_get_string_member (entry, "old"), ==, before->refresh_token);

  /* The keyring holds the rotated refresh token, and the access token handed out. */
  after = keyring_contents (fixture);
  g_assert_cmpstr (after->refresh_token, ==, json_object_get_string_member (entry, "new"));
  g_assert_cmpstr (after->refresh_token, !=, before->refresh_token);
  g_assert_cmpstr (after->access_token, ==, token);
}

static void
test_refresh_not_needed (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  load (fixture);
  sign_in_ok (fixture, NULL);
  stored = keyring_contents (fixture);

  token = get_token (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, stored->access_token);
  g_assert_cmpuint (zp_auth_get_renewal_count (fixture->auth), ==, 0);
}

static void
test_refresh_shared (Fixture       *fixture,
                     gconstpointer  user_data)
{
  Result results[5] = { { 0, }, };
  g_autoptr(JsonObject) report = NULL;

  oauth_config (fixture, "{\"access_expires_in\": 60}");
  load (fixture);
  sign_in_ok (fixture, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    zp_auth_get_token_async (fixture->auth, NULL, token_cb, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    run_until (fixture, &results[i].done);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_no_error (results[i].error);
      g_assert_cmpstr (results[i].token, ==, results[0].token);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    result_clear (&results[i]);

  g_assert_cmpuint (zp_auth_get_renewal_count (fixture->auth), ==, 1);
  report = oauth_report (fixture);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report,
                                                                         "refresh_history")),
                    ==, 1);
}

static void
test_refresh_after_401 (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  load (fixture);
  sign_in_ok (fixture, NULL);
  first = get_token (fixture, &error);
  g_assert_no_error (error);

  /* Zoom refuses the token: one renewal, and the caller retries with the new token. */
  zp_auth_token_rejected (fixture->auth, first);
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_IN);
  second = get_token (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second, !=, first);
  g_assert_cmpuint (zp_auth_get_renewal_count (fixture->auth), ==, 1);

  /* A late 401 for the old token changes nothing. */
  zp_auth_token_rejected (fixture->auth, first);
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_IN);

  /* The renewed token is refused as well: that stands, no second renewal, no loop. */
  zp_auth_token_rejected (fixture->auth, second);
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_REJECTED);
  third = get_token (fixture, &error);
  g_assert_null (third);
  g_assert_error (error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_REJECTED);
  g_assert_cmpuint (zp_auth_get_renewal_count (fixture->auth), ==, 1);
}

static void
set_token (Fixture    *fixture,
           const char *token)
{
  Result result = { 0, };

  zp_auth_set_token_async (fixture->auth, token, NULL, set_token_cb, &result);
  run_until (fixture, &result.done);
  g_assert_no_error (result.error);
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_IN);
}

static void
test_manual_token_rejected (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  load (fixture);
  set_token (fixture, "pasted-token");

  /* Nothing to renew it with: the first 401 stands. */
  zp_auth_token_rejected (fixture->auth, "pasted-token");
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_REJECTED);
  token = get_token (fixture, &error);
  g_assert_null (token);
  g_assert_error (error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_REJECTED);
  g_assert_cmpuint (zp_auth_get_renewal_count (fixture->auth), ==, 0);
}

static void
test_invalid_grant (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) stored = NULL;
  g_autoptr(ZpTokenSet) after = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *form = NULL;
  g_autofree char *token = NULL;

  load (fixture);
  sign_in_ok (fixture, NULL);
  stored = keyring_contents (fixture);

  /* Someone else uses the refresh token: Zoom rotates it and ours is dead. */
  url = g_strconcat (zp_test_server_get_base_url (fixture->server), "/oauth/token", NULL);
  form = soup_form_encode ("grant_type", "refresh_token", "refresh_token",
                           stored->refresh_token, "client_id", PUBLIC_CLIENT, NULL);
  message = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url,
                                                g_steal_pointer (&form));
  reply = soup_session_send_and_read (fixture->browser, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);

  zp_auth_token_rejected (fixture->auth, stored->access_token);
  token = get_token (fixture, &error);
  g_assert_null (token);
  g_assert_error (error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGNED_OUT);
  g_assert_nonnull (strstr (error->message, "Sign in again"));
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_OUT);
  g_assert_cmpstr (zp_auth_get_error (fixture->auth)->message, ==, error->message);
  g_clear_error (&error);

  /* The dead sign-in is gone from the keyring. */
  after = keyring_contents (fixture);
  g_assert_null (after);

  /* Later callers hear the same thing, without another request. */
  token = get_token (fixture, &error);
  g_assert_error (error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGNED_OUT);
  g_assert_cmpuint (zp_auth_get_renewal_count (fixture->auth), ==, 1);
}

/* Who is signed in */

typedef struct
{
  guint  requests;
  char  *authorization;
} UsersMe;

static void
users_me_cb (SoupServer        *server,
             SoupServerMessage *message,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  UsersMe *seen = user_data;
  static const char reply[] = "{\"id\": \"u-1\", \"display_name\": \"Sam Example\", "
                              "\"email\": \"someone@example.com\"}";

  seen->requests++;
  g_free (seen->authorization);
  seen->authorization =
    g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                            "Authorization"));
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, reply,
                                    strlen (reply));
}

static void
label_changed_cb (GObject    *object,
                  GParamSpec *pspec,
                  gboolean   *changed)
{
  *changed = TRUE;
}

static void
check_account_label (Fixture    *fixture,
                     const char *scope,
                     gboolean    expect_label)
{
  g_autoptr(SoupServer) api = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) stored = NULL;
  g_autofree char *config = g_strdup_printf ("{\"scope\": \"%s\"}", scope);
  g_autofree char *api_url = NULL;
  g_autofree char *expected = NULL;
  gboolean changed = FALSE;
  GSList *uris;
  UsersMe seen = { 0, };

  soup_server_add_handler (api, "/v2/users/me", users_me_cb, &seen, NULL);
  g_assert_true (soup_server_listen_local (api, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (api);
  api_url = g_strdup_printf ("http://127.0.0.1:%d/v2", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  oauth_config (fixture, config);
  load (fixture);
  g_signal_connect (fixture->auth, "notify::account-label", G_CALLBACK (label_changed_cb),
                    &changed);
  zp_auth_set_api_base_url (fixture->auth, api_url);
  sign_in_ok (fixture, NULL);

  if (expect_label)
    {
      run_until (fixture, &changed);
      g_assert_cmpstr (zp_auth_get_account_label (fixture->auth), ==, "Sam Example");
      stored = keyring_contents (fixture);
      expected = g_strconcat ("Bearer ", stored->access_token, NULL);
      g_assert_cmpstr (seen.authorization, ==, expected);
      g_assert_cmpuint (seen.requests, ==, 1);
    }
  else
    {
      /* Let any idle lookup run: it must not ask. */
      for (guint i = 0; i < 50; i++)
        g_main_context_iteration (NULL, FALSE);
      g_assert_cmpuint (seen.requests, ==, 0);
      g_assert_null (zp_auth_get_account_label (fixture->auth));
    }

  g_signal_handlers_disconnect_by_func (fixture->auth, label_changed_cb, &changed);
  g_free (seen.authorization);
}

static void
test_account_label (Fixture       *fixture,
                    gconstpointer  user_data)
{
  check_account_label (fixture, "user:read:user user:update:presence_status", TRUE);
}

static void
test_account_label_needs_scope (Fixture       *fixture,
                                gconstpointer  user_data)
{
  check_account_label (fixture, "user:read:presence_status user:update:presence_status",
                       FALSE);
}

/* Server-to-server */

static void
test_s2s_me_refused (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  Result result = { 0, };

  load (fixture);
  g_settings_set_enum (fixture->settings, "auth-mode", ZP_AUTH_MODE_SERVER_TO_SERVER);
  g_settings_set_string (fixture->settings, "client-id", S2S_CLIENT);
  g_settings_set_string (fixture->settings, "account-id", "acct-1");

  sign_in (fixture, CLIENT_SECRET, &result);
  g_assert_error (result.error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_NEEDS_USER_ID);
  g_assert_nonnull (strstr (result.error->message, "“me”"));
  result_clear (&result);

  g_settings_set_string (fixture->settings, "user-id", "someone@example.com");
  sign_in_ok (fixture, CLIENT_SECRET);
  g_assert_null (fixture->authorize_url);

  stored = keyring_contents (fixture);
  g_assert_cmpint (stored->kind, ==, ZP_TOKEN_KIND_SERVER_TO_SERVER);
  g_assert_null (stored->refresh_token);
  g_assert_cmpstr (stored->client_secret, ==, CLIENT_SECRET);

  token = get_token (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, stored->access_token);

  /* Switching back to "me" is refused with the same clear words. */
  g_clear_pointer (&token, g_free);
  g_settings_set_string (fixture->settings, "user-id", "me");
  token = get_token (fixture, &error);
  g_assert_null (token);
  g_assert_error (error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_NEEDS_USER_ID);
}

static void
test_s2s_fetched_again (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) stored = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  JsonArray *issued;

  load (fixture);
  oauth_config (fixture, "{\"access_expires_in\": 60}");
  g_settings_set_enum (fixture->settings, "auth-mode", ZP_AUTH_MODE_SERVER_TO_SERVER);
  g_settings_set_string (fixture->settings, "client-id", S2S_CLIENT);
  g_settings_set_string (fixture->settings, "account-id", "acct-1");
  g_settings_set_string (fixture->settings, "user-id", "u-1");
  sign_in_ok (fixture, CLIENT_SECRET);
  stored = keyring_contents (fixture);

  token = get_token (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, !=, stored->access_token);
  g_assert_cmpuint (zp_auth_get_renewal_count (fixture->auth), ==, 1);

  report = oauth_report (fixture);
  issued = json_object_get_array_member (report, "issued");
  g_assert_cmpuint (json_array_get_length (issued), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (issued, 1),
                                                  "kind"), ==, "account");
}

/* Sign-out */

static void
test_sign_out_revokes (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) stored = NULL;
  g_autoptr(ZpTokenSet) after = NULL;
  g_autoptr(JsonObject) report = NULL;
  Result result = { 0, };
  JsonArray *revoked;

  load (fixture);
  sign_in_ok (fixture, NULL);
  stored = keyring_contents (fixture);

  zp_auth_sign_out_async (fixture->auth, NULL, sign_out_cb, &result);
  run_until (fixture, &result.done);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);

  report = oauth_report (fixture);
  revoked = json_object_get_array_member (report, "revoked");
  g_assert_cmpuint (json_array_get_length (revoked), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (revoked, 0),
                                                  "token"), ==, stored->refresh_token);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (revoked, 0),
                                                  "client_id"), ==, PUBLIC_CLIENT);

  after = keyring_contents (fixture);
  g_assert_null (after);
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_OUT);
  g_assert_null (zp_auth_get_api_url (fixture->auth));
}

static void
test_sign_out_fresh_process (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) stored = NULL;
  g_autoptr(ZpAuth) other = NULL;
  g_autoptr(JsonObject) report = NULL;
  Result result = { 0, };

  /* Sign in with one instance; a second one that never loaded still revokes it. */
  load (fixture);
  sign_in_ok (fixture, NULL);
  stored = keyring_contents (fixture);

  other = zp_auth_new (fixture->store, fixture->settings);
  zp_auth_sign_out_async (other, NULL, sign_out_cb, &result);
  run_until (fixture, &result.done);
  g_assert_no_error (result.error);

  report = oauth_report (fixture);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "revoked")),
                    ==, 1);
}

static void
test_sign_out_manual (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) after = NULL;
  g_autoptr(JsonObject) report = NULL;
  Result result = { 0, };

  load (fixture);
  set_token (fixture, "pasted-token");

  zp_auth_sign_out_async (fixture->auth, NULL, sign_out_cb, &result);
  run_until (fixture, &result.done);
  g_assert_no_error (result.error);

  /* A pasted token is not Zoom's grant to us: nothing is revoked, the keyring is cleared. */
  report = oauth_report (fixture);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "revoked")),
                    ==, 0);
  after = keyring_contents (fixture);
  g_assert_null (after);
  g_assert_cmpint (zp_auth_get_state (fixture->auth), ==, ZP_AUTH_STATE_SIGNED_OUT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!g_str_equal (g_getenv ("ZP_SESSION_KEYRING") ?: "", "unlocked"))
    {
      g_test_message ("needs an unlocked keyring (run under tests/zp-session-run)");
      return 77;
    }

#define ADD(path, func) \
  g_test_add ("/auth/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("sign-in/public-pkce", test_sign_in_public);
  ADD ("sign-in/denied", test_sign_in_denied);
  ADD ("sign-in/code-expired", test_sign_in_code_expired);
  ADD ("sign-in/no-client-id", test_sign_in_no_client_id);
  ADD ("sign-in/client-secret", test_sign_in_client_secret);
  ADD ("sign-in/second-cancels-first", test_sign_in_second_cancels_first);
  ADD ("refresh/not-needed", test_refresh_not_needed);
  ADD ("refresh/rotation", test_refresh_rotation);
  ADD ("refresh/shared", test_refresh_shared);
  ADD ("refresh/after-401", test_refresh_after_401);
  ADD ("refresh/invalid-grant", test_invalid_grant);
  ADD ("refresh/manual-rejected", test_manual_token_rejected);
  ADD ("account-label/shown", test_account_label);
  ADD ("account-label/needs-scope", test_account_label_needs_scope);
  ADD ("s2s/me-refused", test_s2s_me_refused);
  ADD ("s2s/fetched-again", test_s2s_fetched_again);
  ADD ("sign-out/revokes", test_sign_out_revokes);
  ADD ("sign-out/fresh-process", test_sign_out_fresh_process);
  ADD ("sign-out/manual", test_sign_out_manual);

#undef ADD

  return g_test_run ();
}
