/* zp-token-store.c: the Zoom tokens, kept in the desktop keyring
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "zp-token-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>

#include "zp-token-store.h"

/* The format of the JSON document kept in the keyring. Raise it when a change
 * would make older versions misread the document; they then refuse it plainly
 * instead of guessing. */
#define TOKEN_SET_FORMAT_VERSION 1

/* Token sets are a few hundred bytes; anything far larger is not ours. */
#define TOKEN_SET_MAX_BYTES (64 * 1024)

struct _ZpTokenStore
{
  GObject  parent_instance;

  char    *account;
};

G_DEFINE_TYPE (ZpTokenStore, zp_token_store, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (ZpTokenSet, zp_token_set, zp_token_set_copy, zp_token_set_free)

G_DEFINE_QUARK (zp-token-store-error-quark, zp_token_store_error)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Only "account" identifies the item: the format version lives inside the
 * document, so an item written by a newer version is still found, and then
 * refused with a clear message rather than silently ignored. */
static const SecretSchema token_schema = {
  "io.github.zoompresence.ZoomPresence.Token",
  SECRET_SCHEMA_NONE,
  {
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static const struct
{
  ZpTokenKind  kind;
  const char  *name;
} kind_names[] = {
  { ZP_TOKEN_KIND_MANUAL, "manual" },
  { ZP_TOKEN_KIND_OAUTH, "oauth" },
  { ZP_TOKEN_KIND_SERVER_TO_SERVER, "server-to-server" },
};

/* Overwrites a secret before its memory goes back to the allocator. */
static void
wipe_string (char *string)
{
  if (string != NULL)
    explicit_bzero (string, strlen (string));
}

static void
wipe_and_free (gpointer string)
{
  wipe_string (string);
  g_free (string);
}

ZpTokenSet *
zp_token_set_new (ZpTokenKind  kind,
                  const char  *access_token)
{
  ZpTokenSet *token_set;

  g_return_val_if_fail (access_token != NULL, NULL);

  token_set = g_new0 (ZpTokenSet, 1);
  token_set->kind = kind;
  token_set->access_token = g_strdup (access_token);

  return token_set;
}

ZpTokenSet *
zp_token_set_copy (const ZpTokenSet *token_set)
{
  ZpTokenSet *copy;

  g_return_val_if_fail (token_set != NULL, NULL);

  copy = zp_token_set_new (token_set->kind, token_set->access_token);
  copy->refresh_token = g_strdup (token_set->refresh_token);
  copy->expires_at = token_set->expires_at;
  copy->api_url = g_strdup (token_set->api_url);
  copy->scope = g_strdup (token_set->scope);
  copy->client_secret = g_strdup (token_set->client_secret);

  return copy;
}

void
zp_token_set_free (ZpTokenSet *token_set)
{
  if (token_set == NULL)
    return;

  wipe_and_free (token_set->access_token);
  wipe_and_free (token_set->refresh_token);
  wipe_and_free (token_set->client_secret);
  g_free (token_set->api_url);
  g_free (token_set->scope);
  g_free (token_set);
}

static const char *
kind_to_name (ZpTokenKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (kind_names[i].kind == kind)
        return kind_names[i].name;
    }

  return NULL;
}

static gboolean
kind_from_name (const char  *name,
                ZpTokenKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_strcmp0 (kind_names[i].name, name) == 0)
        {
          *kind = kind_names[i].kind;
          return TRUE;
        }
    }

  return FALSE;
}

static void
add_optional_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* The caller owns the result and should wipe it (it holds the tokens). */
char *
zp_token_set_to_json (const ZpTokenSet *token_set)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *kind_name;

  g_return_val_if_fail (token_set != NULL, NULL);
  g_return_val_if_fail (token_set->access_token != NULL, NULL);

  kind_name = kind_to_name (token_set->kind);
  g_return_val_if_fail (kind_name != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, TOKEN_SET_FORMAT_VERSION);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind_name);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, token_set->access_token);
  add_optional_string (builder, "refresh_token", token_set->refresh_token);
  if (token_set->expires_at != 0)
    {
      json_builder_set_member_name (builder, "expires_at");
      json_builder_add_int_value (builder, token_set->expires_at);
    }
  add_optional_string (builder, "api_url", token_set->api_url);
  add_optional_string (builder, "scope", token_set->scope);
  add_optional_string (builder, "client_secret", token_set->client_secret);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

/* Always returns NULL, for the parser's many ways out. */
static ZpTokenSet *
set_corrupt (GError     **error,
             const char  *reason)
{
  /* The reason names a member, never a value: values may be secrets. */
  g_debug ("Stored token set rejected: %s", reason);
  g_set_error_literal (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_CORRUPT,
                       _("The saved Zoom sign-in cannot be read. Sign in again to replace it."));
  return NULL;
}

/* Reads an optional string member into *value; FALSE if it has another type. */
static gboolean
read_optional_string (JsonObject  *object,
                      const char  *name,
                      char       **value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  *value = json_node_dup_string (node);
  return TRUE;
}

static gboolean
member_is_int (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL
         && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_INT64;
}

static ZpTokenSet *
token_set_from_data (const char  *data,
                     gssize       length,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(ZpTokenSet) token_set = NULL;
  JsonNode *root;
  JsonObject *object;
  gint64 version;
  ZpTokenKind kind;
  JsonNode *access_token;

  if (length < 0)
    length = strlen (data);

  if (length > TOKEN_SET_MAX_BYTES)
    return set_corrupt (error, "too large");

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      /* The parser's message can quote the text around the fault. */
      g_debug ("Stored token set is not JSON (error %d)", parse_error->code);
      return set_corrupt (error, "not JSON");
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return set_corrupt (error, "not a JSON object");

  object = json_node_get_object (root);
  if (!member_is_int (object, "version"))
    return set_corrupt (error, "no \"version\"");

  version = json_object_get_int_member (object, "version");
  if (version > TOKEN_SET_FORMAT_VERSION)
    {
      g_debug ("Stored token set has format %" G_GINT64_FORMAT ", this build reads up to %d",
               version, TOKEN_SET_FORMAT_VERSION);
      g_set_error (error, ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_CORRUPT,
                   /* Translators: %d is the number of a file format, e.g. 2 */
                   _("The saved Zoom sign-in was written by a newer version of Zoom Presence "
                     "(format %d). Update Zoom Presence, or sign in again to replace it."),
                   (int) CLAMP (version, 0, G_MAXINT));
      return NULL;
    }
  if (version < 1)
    return set_corrupt (error, "bad \"version\"");

  if (!kind_from_name (json_object_get_string_member_with_default (object, "kind", NULL),
                       &kind))
    return set_corrupt (error, "unknown \"kind\"");

  access_token = json_object_get_member (object, "access_token");
  if (access_token == NULL
      || !JSON_NODE_HOLDS_VALUE (access_token)
      || json_node_get_value_type (access_token) != G_TYPE_STRING
      || *json_node_get_string (access_token) == '\0')
    return set_corrupt (error, "no \"access_token\"");

  token_set = zp_token_set_new (kind, json_node_get_string (access_token));

  if (json_object_has_member (object, "expires_at"))
    {
      if (!member_is_int (object, "expires_at")
          || json_object_get_int_member (object, "expires_at") < 0)
        return set_corrupt (error, "bad \"expires_at\"");
      token_set->expires_at = json_object_get_int_member (object, "expires_at");
    }

  if (!read_optional_string (object, "refresh_token", &token_set->refresh_token))
    return set_corrupt (error, "bad \"refresh_token\"");
  if (!read_optional_string (object, "api_url", &token_set->api_url))
    return set_corrupt (error, "bad \"api_url\"");
  if (!read_optional_string (object, "scope", &token_set->scope))
    return set_corrupt (error, "bad \"scope\"");
  if (!read_optional_string (object, "client_secret", &token_set->client_secret))
    return set_corrupt (error, "bad \"client_secret\"");

  return g_steal_pointer (&token_set);
}

ZpTokenSet *
zp_token_set_from_json (const char  *json,
                        GError     **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return token_set_from_data (json, -1, error);
}

static gboolean
is_missing_service (const GError *error)
{
  if (error->domain != G_DBUS_ERROR)
    return FALSE;

  switch (error->code)
    {
    case G_DBUS_ERROR_SERVICE_UNKNOWN:
    case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
    case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
    case G_DBUS_ERROR_SPAWN_FORK_FAILED:
    case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
    case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
    case G_DBUS_ERROR_SPAWN_FAILED:
    case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
    case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
    case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
    case G_DBUS_ERROR_SPAWN_FILE_INVALID:
    case G_DBUS_ERROR_SPAWN_NO_MEMORY:
      return TRUE;

    default:
      return FALSE;
    }
}

static GError *
locked_error (void)
{
  return g_error_new_literal (ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_LOCKED,
                              _("The keyring is locked. Unlock it when it asks for your "
                                "password (or with the Passwords and Keys app), then try "
                                "again."));
}

/* Turns what libsecret said into one of our errors. The keyring's own words
 * go to the debug log; the user gets a sentence that says what to do.
 * what_failed is the sentence for errors we have no better words for. */
static GError *
translate_keyring_error (const GError *error,
                         const char   *what_failed)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  g_debug ("Keyring error (%s %d): %s",
           g_quark_to_string (error->domain), error->code, error->message);

  if (is_missing_service (error))
    return g_error_new_literal (ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_NO_SERVICE,
                                _("No keyring service is running. Install and start GNOME "
                                  "Keyring or KWallet (or another Secret Service), then try "
                                  "again."));

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return locked_error ();

  return g_error_new_literal (ZP_TOKEN_STORE_ERROR, ZP_TOKEN_STORE_ERROR_FAILED, what_failed);
}

static GHashTable *
item_attributes (ZpTokenStore *self)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "account", self->account);

  return attributes;
}

static void
retrieve_secret_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value = NULL;
  ZpTokenStore *self = g_task_get_source_object (task);
  ZpTokenSet *token_set;
  const char *data;
  gsize length = 0;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, translate_keyring_error (error,
        _("Could not read the Zoom sign-in from the keyring.")));
      return;
    }

  if (value == NULL)
    {
      set_corrupt (&error, "no secret in the item");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = secret_value_get (value, &length);
  token_set = token_set_from_data (data, length, &error);
  if (token_set == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Loaded the token set for %s (%s)", self->account, kind_to_name (token_set->kind));
  g_task_return_pointer (task, token_set, (GDestroyNotify) zp_token_set_free);
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  ZpTokenStore *self = g_task_get_source_object (task);
  GCancellable *cancellable;
  GList *items;
  SecretRetrievable *item;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, translate_keyring_error (error,
        _("Could not read the Zoom sign-in from the keyring.")));
      return;
    }

  if (items == NULL)
    {
      g_debug ("No token set stored for %s", self->account);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if (items->next != NULL)
    g_debug ("%u keyring items for %s; reading the first", g_list_length (items), self->account);

  item = g_object_ref (items->data);
  g_list_free_full (items, g_object_unref);

  /* The search already asked the keyring to unlock. An item still locked
   * means the user dismissed that, or nothing could ask them. */
  if (SECRET_IS_ITEM (item) && secret_item_get_locked (SECRET_ITEM (item)))
    {
      g_debug ("Keyring item for %s is still locked after the unlock request", self->account);
      g_object_unref (item);
      g_task_return_error (task, locked_error ());
      return;
    }

  cancellable = g_task_get_cancellable (task);
  secret_retrievable_retrieve_secret (item, cancellable, retrieve_secret_cb,
                                      g_steal_pointer (&task));
  g_object_unref (item);
}

void
zp_token_store_load_async (ZpTokenStore        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (ZP_IS_TOKEN_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_token_store_load_async);

  attributes = item_attributes (self);
  secret_password_searchv (&token_schema, attributes, SECRET_SEARCH_UNLOCK, cancellable,
                           search_cb, g_steal_pointer (&task));
}

ZpTokenSet *
zp_token_store_load_finish (ZpTokenStore  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (ZP_IS_TOKEN_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == zp_token_store_load_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  ZpTokenStore *self = g_task_get_source_object (task);

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, translate_keyring_error (error,
        _("Could not save the Zoom sign-in in the keyring.")));
      return;
    }

  g_debug ("Saved the token set for %s", self->account);
  g_task_return_boolean (task, TRUE);
}

void
zp_token_store_save_async (ZpTokenStore        *self,
                           const ZpTokenSet    *token_set,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  char *json;

  g_return_if_fail (ZP_IS_TOKEN_STORE (self));
  g_return_if_fail (token_set != NULL);
  g_return_if_fail (token_set->access_token != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_token_store_save_async);

  json = zp_token_set_to_json (token_set);
  /* The value takes the document and wipes it when libsecret is done. */
  value = secret_value_new_full (json, -1, "text/plain", wipe_and_free);

  attributes = item_attributes (self);
  /* Storing with the same attributes replaces the earlier item. */
  secret_password_storev_binary (&token_schema, attributes, SECRET_COLLECTION_DEFAULT,
                                 _("Zoom Presence sign-in"), value, cancellable,
                                 store_cb, g_steal_pointer (&task));
}

gboolean
zp_token_store_save_finish (ZpTokenStore  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (ZP_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == zp_token_store_save_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  ZpTokenStore *self = g_task_get_source_object (task);
  gboolean removed;

  /* FALSE without an error: the items went away meanwhile, which is fine. */
  removed = secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, translate_keyring_error (error,
        _("Could not remove the Zoom sign-in from the keyring.")));
      return;
    }

  g_debug ("Cleared the token set for %s (%s)", self->account,
           removed ? "removed" : "nothing stored");
  g_task_return_boolean (task, TRUE);
}

static gboolean
any_locked (GList *items)
{
  for (GList *l = items; l != NULL; l = l->next)
    {
      if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (SECRET_ITEM (l->data)))
        return TRUE;
    }

  return FALSE;
}

/* libsecret's clear skips locked items and still reports success, which would
 * leave a signed-out user's tokens behind. So find them first, unlocking as
 * needed, and refuse while any stays locked. */
static void
clear_search_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  ZpTokenStore *self = g_task_get_source_object (task);
  GCancellable *cancellable;
  GList *items;
  gboolean locked;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, translate_keyring_error (error,
        _("Could not remove the Zoom sign-in from the keyring.")));
      return;
    }

  if (items == NULL)
    {
      g_debug ("Nothing to clear for %s", self->account);
      g_task_return_boolean (task, TRUE);
      return;
    }

  locked = any_locked (items);
  g_list_free_full (items, g_object_unref);
  if (locked)
    {
      g_debug ("Keyring item for %s is still locked after the unlock request", self->account);
      g_task_return_error (task, locked_error ());
      return;
    }

  cancellable = g_task_get_cancellable (task);
  attributes = item_attributes (self);
  secret_password_clearv (&token_schema, attributes, cancellable,
                          clear_cb, g_steal_pointer (&task));
}

void
zp_token_store_clear_async (ZpTokenStore        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (ZP_IS_TOKEN_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_token_store_clear_async);

  attributes = item_attributes (self);
  secret_password_searchv (&token_schema, attributes, SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK,
                           cancellable, clear_search_cb, g_steal_pointer (&task));
}

gboolean
zp_token_store_clear_finish (ZpTokenStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (ZP_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == zp_token_store_clear_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

ZpTokenStore *
zp_token_store_new (const char *account)
{
  g_return_val_if_fail (account != NULL && *account != '\0', NULL);

  return g_object_new (ZP_TYPE_TOKEN_STORE, "account", account, NULL);
}

const char *
zp_token_store_get_account (ZpTokenStore *self)
{
  g_return_val_if_fail (ZP_IS_TOKEN_STORE (self), NULL);

  return self->account;
}

static void
zp_token_store_finalize (GObject *object)
{
  ZpTokenStore *self = (ZpTokenStore *) object;

  g_clear_pointer (&self->account, g_free);

  G_OBJECT_CLASS (zp_token_store_parent_class)->finalize (object);
}

static void
zp_token_store_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ZpTokenStore *self = ZP_TOKEN_STORE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_token_store_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ZpTokenStore *self = ZP_TOKEN_STORE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_token_store_class_init (ZpTokenStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = zp_token_store_finalize;
  object_class->get_property = zp_token_store_get_property;
  object_class->set_property = zp_token_store_set_property;

  /**
   * ZpTokenStore:account:
   *
   * Names the keyring item, e.g. the OAuth base address, so that tokens for
   * Zoom and for Zoom for Government are kept apart.
   */
  properties[PROP_ACCOUNT] =
    g_param_spec_string ("account", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
zp_token_store_init (ZpTokenStore *self)
{
}
