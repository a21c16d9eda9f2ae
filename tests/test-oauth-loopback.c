/* test-oauth-loopback.c: PKCE values and the 127.0.0.1 redirect listener
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-oauth-loopback"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "zp-oauth-loopback.h"
#include "zp-oauth-pkce.h"

/* Everything here is local and answers in milliseconds. */
#define TEST_TIMEOUT_SECONDS 10

#define STATE "state-0123456789abcdefghijklmnopqrstuv"

/* PKCE */

static void
test_verifier (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 200; i++)
    {
      char *verifier = zp_oauth_pkce_new_verifier ();
      gsize length = strlen (verifier);

      g_assert_cmpuint (length, >=, ZP_OAUTH_PKCE_VERIFIER_MIN);
      g_assert_cmpuint (length, <=, ZP_OAUTH_PKCE_VERIFIER_MAX);
      g_assert_cmpuint (strspn (verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "abcdefghijklmnopqrstuvwxyz0123456789-._~"),
                        ==, length);
      g_assert_true (zp_oauth_pkce_verifier_valid (verifier));
      g_assert_false (g_hash_table_contains (seen, verifier));
      g_hash_table_add (seen, verifier);
    }
}

static void
test_verifier_validity (void)
{
  g_autofree char *short_one = g_strnfill (42, 'a');
  g_autofree char *shortest = g_strnfill (43, 'a');
  g_autofree char *longest = g_strnfill (128, 'a');
  g_autofree char *long_one = g_strnfill (129, 'a');
  g_autofree char *with_plus = g_strconcat (shortest, "+", NULL);

  g_assert_false (zp_oauth_pkce_verifier_valid (NULL));
  g_assert_false (zp_oauth_pkce_verifier_valid (short_one));
  g_assert_true (zp_oauth_pkce_verifier_valid (shortest));
  g_assert_true (zp_oauth_pkce_verifier_valid (longest));
  g_assert_false (zp_oauth_pkce_verifier_valid (long_one));
  g_assert_false (zp_oauth_pkce_verifier_valid (with_plus));
}

static void
test_random_alphabet_spread (void)
{
  g_autofree char *text = zp_oauth_random_string (20000);
  guint counts[256] = { 0, };

  for (const char *p = text; *p != '\0'; p++)
    counts[(guchar) *p]++;

  /* 66 characters, about 303 each: a missing or heavily favoured one means a biased mapping. */
  for (const char *p = "Aa0-._~zZ9"; *p != '\0'; p++)
    {
      g_assert_cmpuint (counts[(guchar) *p], >, 150);
      g_assert_cmpuint (counts[(guchar) *p], <, 500);
    }
}

static void
test_challenge_rfc7636 (void)
{
  /* RFC 7636, appendix B. */
  g_autofree char *challenge =
    zp_oauth_pkce_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_challenge_alphabet (void)
{
  for (guint i = 0; i < 50; i++)
    {
      g_auto(ZpOAuthSecret) verifier = zp_oauth_pkce_new_verifier ();
      g_autofree char *challenge = zp_oauth_pkce_challenge (verifier);

      /* SHA-256 is 32 bytes: 43 base64url characters, no padding. */
      g_assert_cmpuint (strlen (challenge), ==, 43);
      g_assert_cmpuint (strspn (challenge, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "abcdefghijklmnopqrstuvwxyz0123456789-_"),
                        ==, 43);
    }
}

static void
test_state_compare (void)
{
  g_assert_true (zp_oauth_secrets_equal (STATE, STATE));
  g_assert_false (zp_oauth_secrets_equal (STATE, STATE "x"));
  g_assert_false (zp_oauth_secrets_equal (STATE "x", STATE));
  g_assert_false (zp_oauth_secrets_equal ("abc", "abd"));
  g_assert_false (zp_oauth_secrets_equal ("", "a"));
  g_assert_false (zp_oauth_secrets_equal (NULL, STATE));
  g_assert_false (zp_oauth_secrets_equal (STATE, NULL));
  g_assert_false (zp_oauth_secrets_equal (NULL, NULL));
}

/* The listener */

typedef struct
{
  GMainLoop       *loop;
  SoupSession     *session;
  ZpOAuthLoopback *loopback;
  guint            timeout_id;

  gboolean         waited;
  char            *code;
  GError          *error;

  guint            pending_requests;
  guint            statuses[4];
  char            *bodies[4];
  guint            request_count;
} Fixture;

static gboolean
test_timeout_cb (gpointer user_data)
{
  g_error ("Test timed out");
  return G_SOURCE_REMOVE;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->loop = g_main_loop_new (NULL, FALSE);
  fixture->session = soup_session_new ();
  fixture->loopback = zp_oauth_loopback_new (STATE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->loopback);
  fixture->timeout_id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, test_timeout_cb, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_clear_object (&fixture->loopback);
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->loop, g_main_loop_unref);
  g_clear_handle_id (&fixture->timeout_id, g_source_remove);
  g_clear_pointer (&fixture->code, g_free);
  g_clear_error (&fixture->error);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->bodies); i++)
    g_clear_pointer (&fixture->bodies[i], g_free);
}

static void
quit_when_done (Fixture *fixture)
{
  if (fixture->waited && fixture->pending_requests == 0)
    g_main_loop_quit (fixture->loop);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->code = zp_oauth_loopback_wait_finish (ZP_OAUTH_LOOPBACK (object), result,
                                                 &fixture->error);
  fixture->waited = TRUE;
  quit_when_done (fixture);
}

typedef struct
{
  Fixture *fixture;
  guint    index;
} RequestData;

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RequestData *data = user_data;
  Fixture *fixture = data->fixture;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *message;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  fixture->statuses[data->index] = soup_message_get_status (message);
  fixture->bodies[data->index] = g_strndup (g_bytes_get_data (body, NULL),
                                            g_bytes_get_size (body));
  fixture->pending_requests--;
  g_free (data);
  quit_when_done (fixture);
}

/* GETs redirect_uri + query. */
static void
send_callback (Fixture    *fixture,
               const char *path_and_query)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;
  const char *redirect_uri = zp_oauth_loopback_get_redirect_uri (fixture->loopback);
  RequestData *data = g_new0 (RequestData, 1);

  g_assert_cmpuint (fixture->request_count, <, G_N_ELEMENTS (fixture->statuses));

  if (path_and_query[0] == '/')
    {
      /* Another path on the same port. */
      g_autoptr(GUri) uri = g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL);

      url = g_strdup_printf ("http://127.0.0.1:%d%s", g_uri_get_port (uri), path_and_query);
    }
  else
    {
      url = g_strconcat (redirect_uri, path_and_query, NULL);
    }

  message = soup_message_new (SOUP_METHOD_GET, url);
  data->fixture = fixture;
  data->index = fixture->request_count++;
  fixture->pending_requests++;
  soup_session_send_and_read_async (fixture->session, message, G_PRIORITY_DEFAULT, NULL,
                                    request_cb, data);
}

static void
test_redirect_uri (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const char *uri = zp_oauth_loopback_get_redirect_uri (fixture->loopback);
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (parsed);
  g_assert_cmpstr (g_uri_get_scheme (parsed), ==, "http");
  g_assert_cmpstr (g_uri_get_host (parsed), ==, "127.0.0.1");
  g_assert_cmpint (g_uri_get_port (parsed), >, 0);
  g_assert_cmpstr (g_uri_get_path (parsed), ==, "/callback");
}

static void
test_success (Fixture       *fixture,
              gconstpointer  user_data)
{
  zp_oauth_loopback_wait_async (fixture->loopback, 60, NULL, wait_cb, fixture);
  send_callback (fixture, "?code=the-code&state=" STATE);
  g_main_loop_run (fixture->loop);

  g_assert_no_error (fixture->error);
  g_assert_cmpstr (fixture->code, ==, "the-code");
  g_assert_cmpuint (fixture->statuses[0], ==, 200);
  g_assert_nonnull (strstr (fixture->bodies[0], "close this tab"));
  /* The page does not echo the code back. */
  g_assert_null (strstr (fixture->bodies[0], "the-code"));
}

static void
test_callback_before_wait (Fixture       *fixture,
                           gconstpointer  user_data)
{
  /* The browser can be faster than the caller: the outcome waits for it. */
  send_callback (fixture, "?code=early&state=" STATE);
  fixture->waited = TRUE;
  g_main_loop_run (fixture->loop);
  fixture->waited = FALSE;

  zp_oauth_loopback_wait_async (fixture->loopback, 60, NULL, wait_cb, fixture);
  g_main_loop_run (fixture->loop);

  g_assert_no_error (fixture->error);
  g_assert_cmpstr (fixture->code, ==, "early");
}

static void
test_wrong_state (Fixture       *fixture,
                  gconstpointer  user_data)
{
  zp_oauth_loopback_wait_async (fixture->loopback, 60, NULL, wait_cb, fixture);
  send_callback (fixture, "?code=the-code&state=someone-elses-state");
  g_main_loop_run (fixture->loop);

  g_assert_error (fixture->error, ZP_OAUTH_LOOPBACK_ERROR,
                  ZP_OAUTH_LOOPBACK_ERROR_STATE_MISMATCH);
  g_assert_nonnull (strstr (fixture->error->message, "nothing was saved"));
  g_assert_null (fixture->code);
  g_assert_cmpuint (fixture->statuses[0], ==, 400);
}

static void
test_missing_state (Fixture       *fixture,
                    gconstpointer  user_data)
{
  zp_oauth_loopback_wait_async (fixture->loopback, 60, NULL, wait_cb, fixture);
  send_callback (fixture, "?code=the-code");
  g_main_loop_run (fixture->loop);

  g_assert_error (fixture->error, ZP_OAUTH_LOOPBACK_ERROR,
                  ZP_OAUTH_LOOPBACK_ERROR_STATE_MISMATCH);
  g_assert_null (fixture->code);
}

static void
test_access_denied (Fixture       *fixture,
                    gconstpointer  user_data)
{
  zp_oauth_loopback_wait_async (fixture->loopback, 60, NULL, wait_cb, fixture);
  send_callback (fixture, "?error=access_denied&state=" STATE);
  g_main_loop_run (fixture->loop);

  g_assert_error (fixture->error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_DENIED);
  g_assert_null (fixture->code);
  g_assert_cmpuint (fixture->statuses[0], ==, 200);
  g_assert_nonnull (strstr (fixture->bodies[0], "close this tab"));
}

static void
test_other_error (Fixture       *fixture,
                  gconstpointer  user_data)
{
  zp_oauth_loopback_wait_async (fixture->loopback, 60, NULL, wait_cb, fixture);
  send_callback (fixture, "?error=server_error&state=" STATE);
  g_main_loop_run (fixture->loop);

  g_assert_error (fixture->error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_FAILED);
  g_assert_nonnull (strstr (fixture->error->message, "server_error"));
}

static void
test_markup_error_not_echoed (Fixture       *fixture,
                              gconstpointer  user_data)
{
  zp_oauth_loopback_wait_async (fixture->loopback, 60, NULL, wait_cb, fixture);
  send_callback (fixture, "?error=%3Cscript%3Ealert(1)%3C/script%3E&state=" STATE);
  g_main_loop_run (fixture->loop);

  g_assert_error (fixture->error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_FAILED);
  g_assert_null (strstr (fixture->error->message, "script"));
  g_assert_null (strstr (fixture->bodies[0], "<script"));
}

static void
test_double_callback (Fixture       *fixture,
                      gconstpointer  user_data)
{
  zp_oauth_loopback_wait_async (fixture->loopback, 60, NULL, wait_cb, fixture);
  send_callback (fixture, "?code=first&state=" STATE);
  g_main_loop_run (fixture->loop);
  g_assert_cmpstr (fixture->code, ==, "first");

  /* A replay, even a well-formed one, changes nothing. */
  send_callback (fixture, "?code=second&state=" STATE);
  g_main_loop_run (fixture->loop);

  g_assert_cmpuint (fixture->statuses[1], ==, 410);
  g_assert_nonnull (strstr (fixture->bodies[1], "already"));
  g_assert_cmpstr (fixture->code, ==, "first");
}

static void
test_other_paths_decide_nothing (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  /* A browser asks for the icon first; that must not use up the one callback. */
  send_callback (fixture, "/favicon.ico");
  send_callback (fixture, "/?code=x&state=" STATE);
  fixture->waited = TRUE;
  g_main_loop_run (fixture->loop);
  fixture->waited = FALSE;
  g_assert_cmpuint (fixture->statuses[0], ==, 404);
  g_assert_cmpuint (fixture->statuses[1], ==, 404);

  zp_oauth_loopback_wait_async (fixture->loopback, 60, NULL, wait_cb, fixture);
  send_callback (fixture, "?code=real&state=" STATE);
  g_main_loop_run (fixture->loop);

  g_assert_no_error (fixture->error);
  g_assert_cmpstr (fixture->code, ==, "real");
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  user_data)
{
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  zp_oauth_loopback_wait_async (fixture->loopback, 1, NULL, wait_cb, fixture);
  g_main_loop_run (fixture->loop);
  elapsed = g_get_monotonic_time () - start;

  g_assert_error (fixture->error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_TIMED_OUT);
  g_assert_null (fixture->code);
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
}

static void
test_timeout_closes_port (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;

  zp_oauth_loopback_wait_async (fixture->loopback, 1, NULL, wait_cb, fixture);
  g_main_loop_run (fixture->loop);
  g_assert_error (fixture->error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_TIMED_OUT);

  url = g_strconcat (zp_oauth_loopback_get_redirect_uri (fixture->loopback),
                     "?code=late&state=" STATE, NULL);
  message = soup_message_new (SOUP_METHOD_GET, url);
  body = soup_session_send_and_read (fixture->session, message, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  zp_oauth_loopback_wait_async (fixture->loopback, 60, cancellable, wait_cb, fixture);
  g_cancellable_cancel (cancellable);
  g_main_loop_run (fixture->loop);

  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth/pkce/verifier", test_verifier);
  g_test_add_func ("/oauth/pkce/verifier-validity", test_verifier_validity);
  g_test_add_func ("/oauth/pkce/random-spread", test_random_alphabet_spread);
  g_test_add_func ("/oauth/pkce/challenge-rfc7636", test_challenge_rfc7636);
  g_test_add_func ("/oauth/pkce/challenge-alphabet", test_challenge_alphabet);
  g_test_add_func ("/oauth/state/compare", test_state_compare);

#define ADD(path, func) \
  g_test_add ("/oauth/loopback/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("redirect-uri", test_redirect_uri);
  ADD ("success", test_success);
  ADD ("callback-before-wait", test_callback_before_wait);
  ADD ("wrong-state", test_wrong_state);
  ADD ("missing-state", test_missing_state);
  ADD ("access-denied", test_access_denied);
  ADD ("other-error", test_other_error);
  ADD ("markup-error", test_markup_error_not_echoed);
  ADD ("double-callback", test_double_callback);
  ADD ("other-paths", test_other_paths_decide_nothing);
  ADD ("timeout", test_timeout);
  ADD ("timeout-closes-port", test_timeout_closes_port);
  ADD ("cancel", test_cancel);

#undef ADD

  return g_test_run ();
}
