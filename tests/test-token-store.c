/* test-token-store.c: the token set's JSON form and its life in a real keyring
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside tests/zp-session-run, which says through ZP_SESSION_KEYRING what
 * kind of keyring the session has: "unlocked" (a gnome-keyring with an
 * unlocked login keyring), "locked" or "none". Tests that need another kind
 * skip themselves; tests/meson.build runs this program once per kind.
 */

#define G_LOG_DOMAIN "test-token-store"

#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include "zp-token-store.h"

/* The keyring answers in milliseconds; anything near this is a hang. */
#define KEYRING_TIMEOUT_SECONDS 10

/* What a locked keyring that cannot prompt must answer within. */
#define LOCKED_ANSWER_LIMIT_USEC (3 * G_USEC_PER_SEC)

#define ACCOUNT "https://zoom.test"
#define OTHER_ACCOUNT "https://zoomgov.test"

#define LOGIN_COLLECTION "/org/freedesktop/secrets/collection/login"
#define GNOME_KEYRING_INTERNAL_INTERFACE \
  "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"

/* The same schema the store uses, to write items it did not write. */
static const SecretSchema raw_schema = {
  "io.github.zoompresence.ZoomPresence.Token",
  SECRET_SCHEMA_NONE,
  {
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

typedef struct
{
  ZpTokenStore *store;
} Fixture;

static const char *
session_keyring (void)
{
  const char *keyring = g_getenv ("ZP_SESSION_KEYRING");

  return keyring != NULL ? keyring : "outside-session";
}

/* Skips unless the session's keyring is of the wanted kind. */
static gboolean
need_keyring (const char *wanted)
{
  if (g_str_equal (session_keyring (), wanted))
    return TRUE;

  g_test_skip_printf ("needs a session with keyring \"%s\", this one has \"%s\"",
                      wanted, session_keyring ());
  return FALSE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

/* Runs the main loop until the operation answers, failing after a bound. */
static GAsyncResult *
await_result (GAsyncResult **slot)
{
  gboolean timed_out = FALSE;
  guint timeout_id;

  timeout_id = g_timeout_add_seconds (KEYRING_TIMEOUT_SECONDS, timeout_cb, &timed_out);
  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("The keyring did not answer within %d s", KEYRING_TIMEOUT_SECONDS);

  g_source_remove (timeout_id);
  return g_steal_pointer (slot);
}

static ZpTokenSet *
load (ZpTokenStore  *store,
      GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  zp_token_store_load_async (store, NULL, store_result_cb, &slot);
  result = await_result (&slot);

  return zp_token_store_load_finish (store, result, error);
}

static gboolean
save (ZpTokenStore      *store,
      const ZpTokenSet  *token_set,
      GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  zp_token_store_save_async (store, token_set, NULL, store_result_cb, &slot);
  result = await_result (&slot);

  return zp_token_store_save_finish (store, result, error);
}

static gboolean
clear (ZpTokenStore  *store,
       GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  zp_token_store_clear_async (store, NULL, store_result_cb, &slot);
  result = await_result (&slot);

  return zp_token_store_clear_finish (store, result, error);
}

static ZpTokenSet *
full_token_set (const char *access_token)
{
  ZpTokenSet *token_set = zp_token_set_new (ZP_TOKEN_KIND_OAUTH, access_token);

  token_set->refresh_token = g_strdup_printf ("refresh-for-%s", access_token);
  token_set->expires_at = G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC;
  token_set->api_url = g_strdup ("https://api.zoom.test/v2");
  token_set->scope = g_strdup ("user:read:user user:update:presence_status");
  token_set->client_secret = g_strdup ("client secret with \"quotes\" and ünïcödé");

  return token_set;
}

static void
assert_token_sets_equal (const ZpTokenSet *a,
                         const ZpTokenSet *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpstr (a->access_token, ==, b->access_token);
  g_assert_cmpstr (a->refresh_token, ==, b->refresh_token);
  g_assert_cmpint (a->expires_at, ==, b->expires_at);
  g_assert_cmpstr (a->api_url, ==, b->api_url);
  g_assert_cmpstr (a->scope, ==, b->scope);
  g_assert_cmpstr (a->client_secret, ==, b->client_secret);
}

static guint
count_items (const char *account)
{
  g_autoptr(GError) error = NULL;
  GList *items;
  guint count;

  items = secret_password_search_sync (&raw_schema, SECRET_SEARCH_ALL, NULL, &error,
                                       "account", account, NULL);
  g_assert_no_error (error);
  count = g_list_length (items);
  g_list_free_full (items, g_object_unref);

  return count;
}

static void
store_raw (const char *account,
           const char *secret)
{
  g_autoptr(GError) error = NULL;

  secret_password_store_sync (&raw_schema, SECRET_COLLECTION_DEFAULT, "raw test item", secret,
                              NULL, &error, "account", account, NULL);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  fixture->store = zp_token_store_new (ACCOUNT);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  /* Leave nothing behind for the next test in this session. */
  if (g_str_equal (session_keyring (), "unlocked"))
    {
      g_autoptr(ZpTokenStore) other = zp_token_store_new (OTHER_ACCOUNT);

      clear (fixture->store, &error);
      g_assert_no_error (error);
      clear (other, &error);
      g_assert_no_error (error);
    }

  g_clear_object (&fixture->store);
}

/* JSON, no keyring needed. */

static void
test_json_round_trip (void)
{
  g_autoptr(ZpTokenSet) full = full_token_set ("access-1");
  g_autoptr(ZpTokenSet) minimal = zp_token_set_new (ZP_TOKEN_KIND_MANUAL, "access-2");
  g_autoptr(ZpTokenSet) s2s = zp_token_set_new (ZP_TOKEN_KIND_SERVER_TO_SERVER, "access-3");
  ZpTokenSet *originals[] = { full, minimal, s2s };

  for (guint i = 0; i < G_N_ELEMENTS (originals); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *json = zp_token_set_to_json (originals[i]);
      g_autoptr(ZpTokenSet) copy = NULL;
      g_autoptr(ZpTokenSet) parsed = NULL;

      g_assert_nonnull (strstr (json, "\"version\":1"));
      parsed = zp_token_set_from_json (json, &error);
      g_assert_no_error (error);
      assert_token_sets_equal (originals[i], parsed);

      copy = zp_token_set_copy (parsed);
      assert_token_sets_equal (originals[i], copy);
    }

  g_assert_null (minimal->refresh_token);
  g_assert_cmpint (minimal->expires_at, ==, 0);
}

static void
test_json_boxed (void)
{
  g_autoptr(ZpTokenSet) token_set = full_token_set ("boxed");
  ZpTokenSet *copy;

  g_assert_true (G_TYPE_IS_BOXED (ZP_TYPE_TOKEN_SET));
  copy = g_boxed_copy (ZP_TYPE_TOKEN_SET, token_set);
  g_assert_true (copy != token_set);
  assert_token_sets_equal (token_set, copy);
  g_boxed_free (ZP_TYPE_TOKEN_SET, copy);
}

static void
test_json_newer_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) token_set = NULL;

  token_set = zp_token_set_from_json ("{\"version\":2,\"kind\":\"oauth\","
                                      "\"access_token\":\"secret-from-the-future\"}", &error);
  g_assert_null (token_set);
  g_assert_error (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "newer version"));
  g_assert_null (strstr (error->message, "secret-from-the-future"));
}

static void
test_json_invalid (void)
{
  static const char *documents[] = {
    "",
    "secret-in-plain-text",
    "{\"version\":1,\"kind\":\"oauth\",\"access_token\":\"secret-truncated",
    "[\"secret-in-an-array\"]",
    "\"secret-as-a-string\"",
    "{\"kind\":\"oauth\",\"access_token\":\"secret-without-version\"}",
    "{\"version\":\"1\",\"kind\":\"oauth\",\"access_token\":\"secret-string-version\"}",
    "{\"version\":0,\"kind\":\"oauth\",\"access_token\":\"secret-version-zero\"}",
    "{\"version\":1.5,\"kind\":\"oauth\",\"access_token\":\"secret-float-version\"}",
    "{\"version\":1,\"kind\":\"magic\",\"access_token\":\"secret-unknown-kind\"}",
    "{\"version\":1,\"access_token\":\"secret-no-kind\"}",
    "{\"version\":1,\"kind\":\"oauth\"}",
    "{\"version\":1,\"kind\":\"oauth\",\"access_token\":\"\"}",
    "{\"version\":1,\"kind\":\"oauth\",\"access_token\":42}",
    "{\"version\":1,\"kind\":\"oauth\",\"access_token\":\"secret-a\",\"expires_at\":-5}",
    "{\"version\":1,\"kind\":\"oauth\",\"access_token\":\"secret-b\",\"expires_at\":\"soon\"}",
    "{\"version\":1,\"kind\":\"oauth\",\"access_token\":\"secret-c\",\"refresh_token\":7}",
    "{\"version\":1,\"kind\":\"oauth\",\"access_token\":\"secret-d\",\"scope\":[]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ZpTokenSet) token_set = NULL;

      g_test_message ("document %u: %s", i, documents[i]);
      token_set = zp_token_set_from_json (documents[i], &error);
      g_assert_null (token_set);
      g_assert_error (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_CORRUPT);
      g_assert_null (strstr (error->message, "secret"));
    }
}

static void
test_json_tolerant (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) token_set = NULL;

  /* Members this version does not know, and nulls, are not damage. */
  token_set = zp_token_set_from_json ("{\"version\":1,\"kind\":\"manual\",\"access_token\":\"a\","
                                      "\"refresh_token\":null,\"added_later\":{\"x\":1}}",
                                      &error);
  g_assert_no_error (error);
  g_assert_nonnull (token_set);
  g_assert_cmpint (token_set->kind, ==, ZP_TOKEN_KIND_MANUAL);
  g_assert_cmpstr (token_set->access_token, ==, "a");
  g_assert_null (token_set->refresh_token);
}

/* The keyring. */

static void
test_keyring_nothing_stored (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) loaded = NULL;

  if (!need_keyring ("unlocked"))
    return;

  loaded = load (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_null (loaded);

  /* Clearing nothing is not an error either. */
  g_assert_true (clear (fixture->store, &error));
  g_assert_no_error (error);
}

static void
test_keyring_round_trip (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) token_set = full_token_set ("round-trip");
  g_autoptr(ZpTokenSet) loaded = NULL;

  if (!need_keyring ("unlocked"))
    return;

  g_assert_cmpstr (zp_token_store_get_account (fixture->store), ==, ACCOUNT);
  g_assert_true (save (fixture->store, token_set, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (ACCOUNT), ==, 1);

  /* A second store reads what the first wrote: it is in the keyring. */
  g_clear_object (&fixture->store);
  fixture->store = zp_token_store_new (ACCOUNT);
  loaded = load (fixture->store, &error);
  g_assert_no_error (error);
  assert_token_sets_equal (token_set, loaded);
}

static void
test_keyring_overwrite (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) first = full_token_set ("first");
  g_autoptr(ZpTokenSet) second = zp_token_set_new (ZP_TOKEN_KIND_MANUAL, "second");
  g_autoptr(ZpTokenSet) loaded = NULL;

  if (!need_keyring ("unlocked"))
    return;

  g_assert_true (save (fixture->store, first, &error));
  g_assert_no_error (error);
  g_assert_true (save (fixture->store, second, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (count_items (ACCOUNT), ==, 1);
  loaded = load (fixture->store, &error);
  g_assert_no_error (error);
  assert_token_sets_equal (second, loaded);
}

static void
test_keyring_clear (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) token_set = full_token_set ("to-be-cleared");
  g_autoptr(ZpTokenSet) loaded = NULL;

  if (!need_keyring ("unlocked"))
    return;

  g_assert_true (save (fixture->store, token_set, &error));
  g_assert_no_error (error);
  g_assert_true (clear (fixture->store, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (count_items (ACCOUNT), ==, 0);
  loaded = load (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_null (loaded);
}

static void
test_keyring_accounts_apart (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenStore) other = zp_token_store_new (OTHER_ACCOUNT);
  g_autoptr(ZpTokenSet) ours = full_token_set ("ours");
  g_autoptr(ZpTokenSet) theirs = full_token_set ("theirs");
  g_autoptr(ZpTokenSet) loaded = NULL;
  g_autoptr(ZpTokenSet) loaded_other = NULL;

  if (!need_keyring ("unlocked"))
    return;

  g_assert_true (save (fixture->store, ours, &error));
  g_assert_no_error (error);
  g_assert_true (save (other, theirs, &error));
  g_assert_no_error (error);

  loaded = load (fixture->store, &error);
  g_assert_no_error (error);
  assert_token_sets_equal (ours, loaded);
  loaded_other = load (other, &error);
  g_assert_no_error (error);
  assert_token_sets_equal (theirs, loaded_other);

  /* Signing out of one leaves the other signed in. */
  g_assert_true (clear (fixture->store, &error));
  g_assert_no_error (error);
  g_clear_pointer (&loaded, zp_token_set_free);
  loaded = load (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_null (loaded);
  g_clear_pointer (&loaded_other, zp_token_set_free);
  loaded_other = load (other, &error);
  g_assert_no_error (error);
  assert_token_sets_equal (theirs, loaded_other);
}

static void
test_keyring_corrupt (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const char *secrets[] = {
    "not json, but a secret-looking-thing",
    "{\"version\":99,\"kind\":\"oauth\",\"access_token\":\"secret-from-the-future\"}",
  };
  g_autoptr(ZpTokenSet) replacement = full_token_set ("replacement");

  if (!need_keyring ("unlocked"))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ZpTokenSet) loaded = NULL;

      store_raw (ACCOUNT, secrets[i]);
      loaded = load (fixture->store, &error);
      g_assert_error (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_CORRUPT);
      g_assert_null (loaded);
      g_assert_null (strstr (error->message, "secret"));
    }

  /* Signing in again replaces the damaged item. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ZpTokenSet) loaded = NULL;

    g_assert_true (save (fixture->store, replacement, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count_items (ACCOUNT), ==, 1);
    loaded = load (fixture->store, &error);
    g_assert_no_error (error);
    assert_token_sets_equal (replacement, loaded);
  }
}

static void
test_keyring_cancelled (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) loaded = NULL;
  GAsyncResult *slot = NULL;

  if (!need_keyring ("unlocked"))
    return;

  g_cancellable_cancel (cancellable);
  zp_token_store_load_async (fixture->store, cancellable, store_result_cb, &slot);
  result = await_result (&slot);
  loaded = zp_token_store_load_finish (fixture->store, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (loaded);
}

/* Unlocks the login keyring without a prompt, through gnome-keyring's own
 * interface for that, so the tests after a locking test find it open. */
static void
unlock_login_keyring (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *password = g_getenv ("ZP_KEYRING_PASSWORD");
  const char *session = NULL;
  g_autoptr(GVariant) output = NULL;
  GVariant *secret;

  g_assert_nonnull (password);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "OpenSession",
                                       g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                       G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v&o)", &output, &session);

  secret = g_variant_new ("(o@ay@ays)", session,
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, password,
                                                     strlen (password), 1),
                          "text/plain");
  g_clear_pointer (&output, g_variant_unref);
  g_clear_pointer (&reply, g_variant_unref);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       GNOME_KEYRING_INTERNAL_INTERFACE,
                                       "UnlockWithMasterPassword",
                                       g_variant_new ("(o@(oayays))", LOGIN_COLLECTION, secret),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static void
lock_default_collection (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  GList *objects;
  gint locked;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);

  objects = g_list_append (NULL, collection);
  locked = secret_service_lock_sync (service, objects, NULL, NULL, &error);
  g_list_free (objects);
  g_assert_no_error (error);
  g_assert_cmpint (locked, ==, 1);
}

static void
assert_locked_quickly (gint64        started,
                       const GError *error)
{
  gint64 elapsed = g_get_monotonic_time () - started;

  g_assert_error (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_test_message ("locked answer after %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_cmpint (elapsed, <, LOCKED_ANSWER_LIMIT_USEC);
}

/* A keyring locked while the applet runs, with no prompter to unlock it. */
static void
test_keyring_locked (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) token_set = full_token_set ("behind-the-lock");
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) loaded = NULL;
  gint64 started;

  if (!need_keyring ("unlocked"))
    return;

  g_assert_true (save (fixture->store, token_set, &error));
  g_assert_no_error (error);
  lock_default_collection ();

  started = g_get_monotonic_time ();
  loaded = load (fixture->store, &error);
  g_assert_null (loaded);
  assert_locked_quickly (started, error);
  g_clear_error (&error);

  started = g_get_monotonic_time ();
  g_assert_false (save (fixture->store, token_set, &error));
  assert_locked_quickly (started, error);
  g_clear_error (&error);

  started = g_get_monotonic_time ();
  g_assert_false (clear (fixture->store, &error));
  assert_locked_quickly (started, error);
  g_clear_error (&error);

  unlock_login_keyring ();
  loaded = load (fixture->store, &error);
  g_assert_no_error (error);
  assert_token_sets_equal (token_set, loaded);
}

/* A session that starts with the keyring locked: nothing can be stored, and
 * nothing waits for a prompt that never comes. */
static void
test_keyring_locked_session (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) token_set = full_token_set ("never-stored");
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) loaded = NULL;
  gint64 started;

  if (!need_keyring ("locked"))
    return;

  started = g_get_monotonic_time ();
  g_assert_false (save (fixture->store, token_set, &error));
  assert_locked_quickly (started, error);
  g_clear_error (&error);

  /* Nothing matches, locked or not, so there is nothing to unlock. */
  loaded = load (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_null (loaded);
  g_assert_true (clear (fixture->store, &error));
  g_assert_no_error (error);
}

static void
test_keyring_no_service (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(ZpTokenSet) token_set = full_token_set ("nowhere-to-go");
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) loaded = NULL;

  if (!need_keyring ("none"))
    return;

  loaded = load (fixture->store, &error);
  g_assert_null (loaded);
  g_assert_error (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_NO_SERVICE);
  g_assert_nonnull (strstr (error->message, "No keyring service is running"));
  g_clear_error (&error);

  g_assert_false (save (fixture->store, token_set, &error));
  g_assert_error (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_NO_SERVICE);
  g_clear_error (&error);

  g_assert_false (clear (fixture->store, &error));
  g_assert_error (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_NO_SERVICE);
}

/* Secrets that must never reach a log line. */
#define LOG_ACCESS_TOKEN "LOGCHECK-ACCESS-7f3a9c"
#define LOG_REFRESH_TOKEN "LOGCHECK-REFRESH-51be0d"
#define LOG_CLIENT_SECRET "LOGCHECK-CLIENT-SECRET-e8d2"

static void
test_keyring_no_secrets_in_log (void)
{
  if (!need_keyring ("unlocked"))
    return;

  if (g_test_subprocess ())
    {
      g_autoptr(ZpTokenStore) store = zp_token_store_new (ACCOUNT);
      g_autoptr(ZpTokenSet) token_set = zp_token_set_new (ZP_TOKEN_KIND_OAUTH,
                                                          LOG_ACCESS_TOKEN);
      g_autoptr(ZpTokenSet) loaded = NULL;
      g_autoptr(GError) error = NULL;

      g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      token_set->refresh_token = g_strdup (LOG_REFRESH_TOKEN);
      token_set->client_secret = g_strdup (LOG_CLIENT_SECRET);

      g_assert_true (save (store, token_set, &error));
      g_assert_no_error (error);
      loaded = load (store, &error);
      g_assert_no_error (error);
      assert_token_sets_equal (token_set, loaded);
      g_clear_pointer (&loaded, zp_token_set_free);

      /* The error paths log the most. */
      store_raw (ACCOUNT, "{\"version\":1,\"kind\":\"oauth\",\"access_token\":\""
                 LOG_ACCESS_TOKEN "\",\"refresh_token\":{\"" LOG_REFRESH_TOKEN "\":1}}");
      loaded = load (store, &error);
      g_assert_error (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_CORRUPT);
      g_printerr ("error shown to the user: %s\n", error->message);
      g_clear_error (&error);
      store_raw (ACCOUNT, LOG_ACCESS_TOKEN " is not JSON");
      loaded = load (store, &error);
      g_assert_error (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_CORRUPT);
      g_printerr ("error shown to the user: %s\n", error->message);
      g_clear_error (&error);

      g_assert_true (clear (store, &error));
      g_assert_no_error (error);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  /* The log was on, and said something about each step ... */
  g_test_trap_assert_stdout ("*zp-token-store*Saved the token set*");
  g_test_trap_assert_stdout ("*zp-token-store*Loaded the token set*");
  g_test_trap_assert_stdout ("*zp-token-store*rejected*");
  g_test_trap_assert_stderr ("*error shown to the user*");

  /* ... but nothing secret. */
  g_test_trap_assert_stdout_unmatched ("*LOGCHECK*");
  g_test_trap_assert_stderr_unmatched ("*LOGCHECK*");
}

static void
add_keyring_test (const char *path,
                  void      (*test_func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_setup, test_func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token-store/json/round-trip", test_json_round_trip);
  g_test_add_func ("/token-store/json/boxed", test_json_boxed);
  g_test_add_func ("/token-store/json/newer-version", test_json_newer_version);
  g_test_add_func ("/token-store/json/invalid", test_json_invalid);
  g_test_add_func ("/token-store/json/tolerant", test_json_tolerant);

  add_keyring_test ("/token-store/keyring/nothing-stored", test_keyring_nothing_stored);
  add_keyring_test ("/token-store/keyring/round-trip", test_keyring_round_trip);
  add_keyring_test ("/token-store/keyring/overwrite", test_keyring_overwrite);
  add_keyring_test ("/token-store/keyring/clear", test_keyring_clear);
  add_keyring_test ("/token-store/keyring/accounts-apart", test_keyring_accounts_apart);
  add_keyring_test ("/token-store/keyring/corrupt", test_keyring_corrupt);
  add_keyring_test ("/token-store/keyring/cancelled", test_keyring_cancelled);
  add_keyring_test ("/token-store/keyring/locked", test_keyring_locked);
  add_keyring_test ("/token-store/keyring/locked-session", test_keyring_locked_session);
  add_keyring_test ("/token-store/keyring/no-service", test_keyring_no_service);
  g_test_add_func ("/token-store/keyring/no-secrets-in-log", test_keyring_no_secrets_in_log);

  return g_test_run ();
}
