/* zp-oauth-request.c: requests to Zoom's OAuth token and revoke endpoints
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything sent or received here is secret except the grant type and the HTTP status, which
 * are all that reaches the debug log.
 */

#define G_LOG_DOMAIN "zp-oauth"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "zp-oauth-pkce.h"
#include "zp-oauth-request.h"
#include "zp-url.h"

/* A token reply is a few hundred bytes. */
#define MAX_REPLY_BYTES (64 * 1024)
/* Zoom's own words in an error are shown only when short. */
#define MAX_REASON_LENGTH 200
/* Without expires_in, assume Zoom's usual hour. */
#define DEFAULT_EXPIRES_IN 3600

G_DEFINE_QUARK (zp-oauth-error-quark, zp_oauth_error)

typedef struct
{
  char *grant_type;  /* for the log only */
  char *what;        /* "token" or "revoke" */
} RequestData;

static void
request_data_free (RequestData *data)
{
  g_free (data->grant_type);
  g_free (data->what);
  g_free (data);
}

gboolean
zp_oauth_check_base_url (const char  *base_url,
                         GError     **error)
{
  g_autoptr(GError) url_error = NULL;

  if (zp_url_is_acceptable_api_base (base_url, &url_error))
    return TRUE;

  g_set_error_literal (error, ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_BAD_ADDRESS, url_error->message);
  return FALSE;
}

static char *
endpoint_url (const char *base_url,
              const char *path)
{
  gsize length = strlen (base_url);

  while (length > 0 && base_url[length - 1] == '/')
    length--;

  return g_strdup_printf ("%.*s%s", (int) length, base_url, path);
}

/* application/x-www-form-urlencoded from name/value pairs; the caller wipes the result. */
static char *
encode_form (const char * const *fields)
{
  GString *form = g_string_new (NULL);

  for (guint i = 0; fields != NULL && fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    {
      g_autofree char *name = g_uri_escape_string (fields[i], NULL, FALSE);
      g_auto(ZpOAuthSecret) value = g_uri_escape_string (fields[i + 1], NULL, FALSE);

      if (form->len > 0)
        g_string_append_c (form, '&');
      g_string_append_printf (form, "%s=%s", name, value);
    }

  return g_string_free (form, FALSE);
}

char *
zp_oauth_build_authorize_url (const ZpOAuthClient *client,
                              const char          *redirect_uri,
                              const char          *state,
                              const char          *code_challenge)
{
  const char *fields[] = {
    "response_type", "code",
    "client_id", client->client_id,
    "redirect_uri", redirect_uri,
    "state", state,
    "code_challenge", code_challenge,
    "code_challenge_method", "S256",
    NULL,
  };
  g_autofree char *url = endpoint_url (client->base_url, "/oauth/authorize");
  g_auto(ZpOAuthSecret) query = encode_form (fields);

  return g_strconcat (url, "?", query, NULL);
}

static const char *
find_field (const char * const *fields,
            const char         *name)
{
  for (guint i = 0; fields != NULL && fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    {
      if (g_str_equal (fields[i], name))
        return fields[i + 1];
    }

  return NULL;
}

static SoupMessage *
new_form_message (const ZpOAuthClient *client,
                  const char          *path,
                  const char * const  *query_fields,
                  const char * const  *fields)
{
  g_autofree char *url = endpoint_url (client->base_url, path);
  g_autoptr(GPtrArray) body_fields = g_ptr_array_new ();
  g_auto(ZpOAuthSecret) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *owned_body;
  SoupMessageHeaders *headers;
  SoupMessage *message;

  if (query_fields != NULL)
    {
      g_auto(ZpOAuthSecret) query = encode_form (query_fields);
      g_autofree char *full_url = g_strconcat (url, "?", query, NULL);

      message = soup_message_new (SOUP_METHOD_POST, full_url);
    }
  else
    {
      message = soup_message_new (SOUP_METHOD_POST, url);
    }

  if (message == NULL)
    return NULL;

  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    g_ptr_array_add (body_fields, (gpointer) fields[i]);

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");

  if (client->client_secret != NULL)
    {
      g_auto(ZpOAuthSecret) pair = g_strconcat (client->client_id, ":",
                                                client->client_secret, NULL);
      g_auto(ZpOAuthSecret) encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_auto(ZpOAuthSecret) value = g_strconcat ("Basic ", encoded, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  else
    {
      /* A public client names itself in the body and proves nothing else (PKCE does). */
      g_ptr_array_add (body_fields, (gpointer) "client_id");
      g_ptr_array_add (body_fields, (gpointer) client->client_id);
    }

  g_ptr_array_add (body_fields, NULL);
  body = encode_form ((const char * const *) body_fields->pdata);
  /* The body holds secrets: it is wiped when libsoup lets go of it. */
  owned_body = g_steal_pointer (&body);
  bytes = g_bytes_new_with_free_func (owned_body, strlen (owned_body),
                                      (GDestroyNotify) zp_oauth_wipe_string, owned_body);
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", bytes);

  return message;
}

/* Zoom's error reply: {"reason": "...", "error": "...", "code": N}; any part may be missing. */
static void
parse_error_reply (GBytes  *body,
                   char   **out_error,
                   char   **out_reason,
                   gint64  *out_code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *data;
  gsize length = 0;
  JsonObject *object;
  JsonNode *root;

  *out_error = NULL;
  *out_reason = NULL;
  *out_code = 0;

  data = body != NULL ? g_bytes_get_data (body, &length) : NULL;
  if (data == NULL || length == 0 || length > MAX_REPLY_BYTES ||
      !json_parser_load_from_data (parser, data, length, NULL))
    return;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  object = json_node_get_object (root);
  *out_error = g_strdup (json_object_get_string_member_with_default (object, "error", NULL));
  *out_reason = g_strdup (json_object_get_string_member_with_default (object, "reason", NULL));
  if (*out_reason == NULL)
    *out_reason = g_strdup (json_object_get_string_member_with_default (object, "message",
                                                                        NULL));
  *out_code = json_object_get_int_member_with_default (object, "code", 0);
}

static GError *
error_from_reply (guint   status,
                  GBytes *body)
{
  g_autofree char *error_name = NULL;
  g_autofree char *reason = NULL;
  gint64 code;

  parse_error_reply (body, &error_name, &reason, &code);
  g_debug ("Zoom's OAuth error: HTTP %u, error %s, code %" G_GINT64_FORMAT,
           status, error_name != NULL && strlen (error_name) < 40 ? error_name : "-", code);

  if (status >= 500)
    return g_error_new (ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_NETWORK,
                        _("Zoom’s sign-in service is having trouble (HTTP %u). "
                          "Try again later."), status);

  if (code == 4733)
    return g_error_new_literal (ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_CODE_EXPIRED,
                                _("The sign-in took too long and Zoom’s code expired. "
                                  "Sign in again."));

  if (code == 4709)
    return g_error_new_literal (ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_REDIRECT,
                                _("Zoom refused the redirect address. In the Zoom "
                                  "Marketplace app, set the redirect URL (and the allow "
                                  "list) to http://127.0.0.1/callback"));

  if (g_strcmp0 (error_name, "invalid_grant") == 0 || code == 4734 || code == 4735 ||
      code == 4741)
    return g_error_new_literal (ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_INVALID_GRANT,
                                _("Zoom no longer accepts this sign-in: it was revoked, "
                                  "replaced or has expired. Sign in again."));

  if (g_strcmp0 (error_name, "invalid_client") == 0 || code == 4702 || code == 4704 ||
      status == 401)
    return g_error_new_literal (ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_INVALID_CLIENT,
                                _("Zoom does not accept this client id or client secret. "
                                  "Check them in Preferences."));

  if (reason != NULL && *reason != '\0' && g_utf8_validate (reason, -1, NULL) &&
      g_utf8_strlen (reason, -1) <= MAX_REASON_LENGTH)
    return g_error_new (ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_REFUSED,
                        /* Translators: %s is Zoom's own explanation */
                        _("Zoom refused the sign-in: %s"), reason);

  return g_error_new (ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_REFUSED,
                      _("Zoom refused the sign-in (HTTP %u)."), status);
}

static GError *
bad_reply (const char *why)
{
  g_debug ("Unreadable token reply: %s", why);
  return g_error_new_literal (ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_BAD_REPLY,
                              _("Zoom’s sign-in service sent a reply that could not be read. "
                                "Try again later."));
}

static gboolean
api_url_acceptable (const char *url)
{
  g_autoptr(GError) error = NULL;

  return url != NULL && *url != '\0' && zp_oauth_check_base_url (url, &error);
}

static ZpTokenSet *
parse_token_reply (GBytes  *body,
                   GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ZpTokenSet) token_set = NULL;
  const char *data;
  gsize length = 0;
  JsonObject *object;
  JsonNode *root;
  const char *access_token;
  const char *token_type;
  const char *api_url;
  gint64 expires_in;

  data = g_bytes_get_data (body, &length);
  if (data == NULL || length == 0 || length > MAX_REPLY_BYTES)
    {
      g_propagate_error (error, bad_reply ("empty or too large"));
      return NULL;
    }

  /* The parser's own message could quote the reply, which holds tokens. */
  if (!json_parser_load_from_data (parser, data, length, NULL))
    {
      g_propagate_error (error, bad_reply ("not JSON"));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, bad_reply ("not an object"));
      return NULL;
    }

  object = json_node_get_object (root);
  access_token = json_object_get_string_member_with_default (object, "access_token", NULL);
  if (access_token == NULL || *access_token == '\0' || strlen (access_token) > 8192 ||
      strpbrk (access_token, " \t\r\n") != NULL)
    {
      g_propagate_error (error, bad_reply ("no usable access_token"));
      return NULL;
    }

  token_type = json_object_get_string_member_with_default (object, "token_type", "bearer");
  if (g_ascii_strcasecmp (token_type, "bearer") != 0)
    {
      g_propagate_error (error, bad_reply ("token_type is not bearer"));
      return NULL;
    }

  token_set = zp_token_set_new (ZP_TOKEN_KIND_OAUTH, access_token);
  token_set->refresh_token =
    g_strdup (json_object_get_string_member_with_default (object, "refresh_token", NULL));
  if (token_set->refresh_token != NULL && *token_set->refresh_token == '\0')
    g_clear_pointer (&token_set->refresh_token, zp_oauth_wipe_string);
  token_set->scope =
    g_strdup (json_object_get_string_member_with_default (object, "scope", NULL));

  api_url = json_object_get_string_member_with_default (object, "api_url", NULL);
  if (api_url_acceptable (api_url))
    token_set->api_url = g_strdup (api_url);
  else if (api_url != NULL)
    g_debug ("Ignoring an api_url that is neither https nor loopback");

  expires_in = json_object_get_int_member_with_default (object, "expires_in",
                                                        DEFAULT_EXPIRES_IN);
  if (expires_in <= 0 || expires_in > 366 * 24 * 3600)
    expires_in = DEFAULT_EXPIRES_IN;
  token_set->expires_at = g_get_real_time () + expires_in * G_USEC_PER_SEC;

  return g_steal_pointer (&token_set);
}

static void
token_reply_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestData *data = g_task_get_task_data (task);
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *message;
  ZpTokenSet *token_set;
  guint status;

  body = soup_session_send_and_read_finish (session, result, &error);
  message = soup_session_get_async_result_message (session, result);

  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_debug ("OAuth %s (%s) not sent: %s", data->what, data->grant_type, error->message);
      g_task_return_new_error (task, ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_NETWORK,
                               /* Translators: %s says why, e.g. "Connection refused" */
                               _("Could not reach Zoom’s sign-in service: %s"),
                               error->message);
      return;
    }

  status = soup_message_get_status (message);
  g_debug ("OAuth %s (%s): HTTP %u", data->what, data->grant_type, status);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, error_from_reply (status, body));
      return;
    }

  if (g_str_equal (data->what, "revoke"))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  token_set = parse_token_reply (body, &error);
  if (token_set == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, token_set, (GDestroyNotify) zp_token_set_free);
}

static void
send_form (SoupSession         *session,
           const ZpOAuthClient *client,
           const char          *what,
           const char          *path,
           const char * const  *query_fields,
           const char * const  *fields,
           GCancellable        *cancellable,
           gpointer             source_tag,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  RequestData *data;
  const char *grant_type;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  grant_type = find_field (fields, "grant_type");
  if (grant_type == NULL)
    grant_type = find_field (query_fields, "grant_type");

  data = g_new0 (RequestData, 1);
  data->what = g_strdup (what);
  data->grant_type = g_strdup (grant_type != NULL ? grant_type : "-");
  g_task_set_task_data (task, data, (GDestroyNotify) request_data_free);

  if (!zp_oauth_check_base_url (client->base_url, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  message = new_form_message (client, path, query_fields, fields);
  if (message == NULL)
    {
      g_task_return_new_error (task, ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_BAD_ADDRESS,
                               _("The Zoom sign-in address “%s” is not valid."),
                               client->base_url);
      return;
    }

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, cancellable,
                                    token_reply_cb, g_steal_pointer (&task));
}

void
zp_oauth_request_token_async (SoupSession         *session,
                              const ZpOAuthClient *client,
                              const char * const  *query_fields,
                              const char * const  *fields,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (client != NULL && client->base_url != NULL && client->client_id != NULL);

  send_form (session, client, "token", "/oauth/token", query_fields, fields, cancellable,
             zp_oauth_request_token_async, callback, user_data);
}

ZpTokenSet *
zp_oauth_request_token_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        zp_oauth_request_token_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
zp_oauth_request_revoke_async (SoupSession         *session,
                               const ZpOAuthClient *client,
                               const char          *token,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  const char *fields[] = { "token", token, NULL };

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (client != NULL && client->base_url != NULL && client->client_id != NULL);
  g_return_if_fail (token != NULL);

  send_form (session, client, "revoke", "/oauth/revoke", NULL, fields, cancellable,
             zp_oauth_request_revoke_async, callback, user_data);
}

gboolean
zp_oauth_request_revoke_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        zp_oauth_request_revoke_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
