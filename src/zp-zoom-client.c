/* zp-zoom-client.c: Zoom's presence API over libsoup
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "zp-zoom-client"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "zp-zoom-client.h"
#include "zp-url.h"
#include "zp-zoom-reply.h"

#define DEFAULT_API_BASE_URL "https://api.zoom.us/v2"
#define DEFAULT_TIMEOUT_SECONDS 20
#define READ_CHUNK_BYTES 8192

struct _ZpZoomClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *api_base_url;
  guint        timeout;
};

enum {
  PROP_0,
  PROP_API_BASE_URL,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (ZpZoomClient, zp_zoom_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (zp-zoom-error-quark, zp_zoom_error)

/* One request in flight. The client's own cancellable is what libsoup sees: the caller's
 * cancellable and the deadline both cancel it, and the deadline flag tells them apart. */
typedef struct
{
  SoupMessage  *message;
  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong        caller_cancelled_id;
  GSource      *deadline;
  gboolean      timed_out;
  guint         timeout;
  GInputStream *stream;
  GByteArray   *body;
  char         *user_id;
  const char   *status_name;  /* for the log; NULL for GET */
  gint64        started;
  ZpRateLimit   rate_limit;
} Request;

static void request_done (Request *request);

static void
request_free (Request *request)
{
  request_done (request);

  g_clear_object (&request->caller_cancellable);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->message);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_free (request->user_id);
  g_free (request);
}

void
zp_presence_free (ZpPresence *presence)
{
  if (presence == NULL)
    return;

  g_free (presence->api_name);
  g_free (presence);
}

/**
 * zp_zoom_error_is_permanent:
 * @error: an error from this client
 *
 * Whether sending the same request again, unchanged, cannot succeed on its own. See the
 * header for which codes count.
 */
gboolean
zp_zoom_error_is_permanent (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != ZP_ZOOM_ERROR)
    return FALSE;

  switch ((ZpZoomError) error->code)
    {
    case ZP_ZOOM_ERROR_MISSING_SCOPE:
    case ZP_ZOOM_ERROR_NOT_PERMITTED:
    case ZP_ZOOM_ERROR_UPDATE_FAILED:
    case ZP_ZOOM_ERROR_USER_NOT_FOUND:
    case ZP_ZOOM_ERROR_REFUSED:
    case ZP_ZOOM_ERROR_INVALID_INPUT:
      return TRUE;

    case ZP_ZOOM_ERROR_UNAUTHORIZED:
    case ZP_ZOOM_ERROR_RATE_LIMITED:
    case ZP_ZOOM_ERROR_SERVER:
    case ZP_ZOOM_ERROR_NETWORK:
    case ZP_ZOOM_ERROR_BAD_REPLY:
    default:
      return FALSE;
    }
}

static void
zp_zoom_client_finalize (GObject *object)
{
  ZpZoomClient *self = ZP_ZOOM_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->api_base_url, g_free);

  G_OBJECT_CLASS (zp_zoom_client_parent_class)->finalize (object);
}

static void
zp_zoom_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ZpZoomClient *self = ZP_ZOOM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_API_BASE_URL:
      g_value_set_string (value, self->api_base_url);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_zoom_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ZpZoomClient *self = ZP_ZOOM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_API_BASE_URL:
      zp_zoom_client_set_api_base_url (self, g_value_get_string (value));
      break;

    case PROP_TIMEOUT:
      zp_zoom_client_set_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_zoom_client_class_init (ZpZoomClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = zp_zoom_client_finalize;
  object_class->get_property = zp_zoom_client_get_property;
  object_class->set_property = zp_zoom_client_set_property;

  properties[PROP_API_BASE_URL] =
    g_param_spec_string ("api-base-url", NULL, NULL,
                         DEFAULT_API_BASE_URL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       1, 600, DEFAULT_TIMEOUT_SECONDS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
zp_zoom_client_init (ZpZoomClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("zoom-presence/%s ", PACKAGE_VERSION);

  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  /* The trailing space makes libsoup add its own name and version. */
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", self->timeout,
                                                 NULL);
}

/**
 * zp_zoom_client_new:
 * @api_base_url: (nullable): e.g. `https://api.zoom.us/v2`; %NULL for Zoom's own
 *
 * The address is checked when a request is made, so a bad one reaches the user as an error.
 */
ZpZoomClient *
zp_zoom_client_new (const char *api_base_url)
{
  return g_object_new (ZP_TYPE_ZOOM_CLIENT,
                       "api-base-url", api_base_url ? api_base_url : DEFAULT_API_BASE_URL,
                       NULL);
}

const char *
zp_zoom_client_get_api_base_url (ZpZoomClient *self)
{
  g_return_val_if_fail (ZP_IS_ZOOM_CLIENT (self), NULL);

  return self->api_base_url;
}

void
zp_zoom_client_set_api_base_url (ZpZoomClient *self,
                                 const char   *api_base_url)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (ZP_IS_ZOOM_CLIENT (self));

  trimmed = g_strstrip (g_strdup (api_base_url ? api_base_url : DEFAULT_API_BASE_URL));
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';

  if (g_strcmp0 (trimmed, self->api_base_url) == 0)
    return;

  g_free (self->api_base_url);
  self->api_base_url = g_steal_pointer (&trimmed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_BASE_URL]);
}

guint
zp_zoom_client_get_timeout (ZpZoomClient *self)
{
  g_return_val_if_fail (ZP_IS_ZOOM_CLIENT (self), 0);

  return self->timeout;
}

/**
 * zp_zoom_client_set_timeout:
 * @seconds: the longest a whole request may take, 1 to 600
 */
void
zp_zoom_client_set_timeout (ZpZoomClient *self,
                            guint         seconds)
{
  g_return_if_fail (ZP_IS_ZOOM_CLIENT (self));
  g_return_if_fail (seconds >= 1 && seconds <= 600);

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  soup_session_set_timeout (self->session, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

static gboolean
token_is_acceptable (const char *token)
{
  /* Anything outside printable ASCII would corrupt the header or smuggle another one. */
  for (const char *p = token; *p != '\0'; p++)
    {
      if (*p <= ' ' || *p >= 0x7f)
        return FALSE;
    }

  return *token != '\0';
}

static GUri *
build_presence_uri (ZpZoomClient  *self,
                    const char    *user_id,
                    GError       **error)
{
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *text = NULL;

  /* One rule for every request that carries a token (zp-url): https anywhere, plain http
   * only to a loopback address written as one, so no name lookup can redirect it. */
  base = g_uri_parse (self->api_base_url, SOUP_HTTP_URI_FLAGS, NULL);
  if (base == NULL || !zp_url_is_acceptable_api_base (self->api_base_url, NULL))
    {
      g_set_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT,
                   _("The Zoom API address “%s” is not usable: it must start with https://, "
                     "or http:// for this computer’s own address."),
                   self->api_base_url);
      return NULL;
    }

  if (user_id == NULL || *user_id == '\0' || !g_utf8_validate (user_id, -1, NULL))
    {
      g_set_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT,
                   _("No Zoom user is set."));
      return NULL;
    }

  /* Everything but unreserved characters is escaped, so "@", "/" and spaces in an id or
   * address cannot change the path. */
  escaped = g_uri_escape_string (user_id, NULL, FALSE);
  text = g_strconcat (self->api_base_url, "/users/", escaped, "/presence_status", NULL);
  uri = g_uri_parse (text, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      g_set_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT,
                   _("The Zoom API address “%s” is not usable."), self->api_base_url);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     GCancellable *own_cancellable)
{
  g_cancellable_cancel (own_cancellable);
}

static gboolean
deadline_cb (gpointer user_data)
{
  Request *request = user_data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);

  return G_SOURCE_REMOVE;
}

/* Zoom's error code, for the log only; -1 when there is none. Error bodies are tiny, so
 * anything larger is not worth a second parse. */
static gint64
zoom_code_for_log (const char *body,
                   gsize       length)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (length == 0 || length > 4096 || !g_utf8_validate_len (body, length, NULL))
    return -1;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, body, (gssize) length, NULL))
    return -1;

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return -1;

  return json_object_get_int_member_with_default (json_node_get_object (root), "code", -1);
}

static void
log_outcome (GTask        *task,
             guint         http_status,
             const GError *error)
{
  Request *request = g_task_get_task_data (task);
  gint64 elapsed_ms = (g_get_monotonic_time () - request->started) / 1000;
  gint64 zoom_code = -1;

  if (error != NULL && request->body != NULL)
    zoom_code = zoom_code_for_log ((const char *) request->body->data, request->body->len);

  /* Method, status, outcome and timing only: the headers carry the token. */
  if (error == NULL)
    g_debug ("%s presence_status%s%s: HTTP %u, %" G_GINT64_FORMAT " ms",
             soup_message_get_method (request->message),
             request->status_name ? " " : "",
             request->status_name ? request->status_name : "",
             http_status,
             elapsed_ms);
  else
    g_debug ("%s presence_status%s%s: HTTP %u, Zoom code %" G_GINT64_FORMAT
             ", failed with %s %d, %" G_GINT64_FORMAT " ms",
             soup_message_get_method (request->message),
             request->status_name ? " " : "",
             request->status_name ? request->status_name : "",
             http_status,
             zoom_code,
             g_quark_to_string (error->domain),
             error->code,
             elapsed_ms);
}

/* The exchange is over: nothing may cancel it any more. */
static void
request_done (Request *request)
{
  if (request->deadline != NULL)
    {
      g_source_destroy (request->deadline);
      g_clear_pointer (&request->deadline, g_source_unref);
    }

  if (request->caller_cancelled_id != 0)
    {
      g_cancellable_disconnect (request->caller_cancellable, request->caller_cancelled_id);
      request->caller_cancelled_id = 0;
    }
}

static void
finish_with_error (GTask  *task,
                   guint   http_status,
                   GError *error)
{
  request_done (g_task_get_task_data (task));
  log_outcome (task, http_status, error);
  g_task_return_error (task, error);
}

/* The reply's body is all here (or there was none): decide. */
static void
complete (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  SoupMessage *message = request->message;
  guint http_status = soup_message_get_status (message);
  const char *body = (const char *) request->body->data;
  gsize length = request->body->len;

  if (http_status == 429)
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (message);
      const char *retry_after = soup_message_headers_get_one (headers, "Retry-After");
      const char *kind = soup_message_headers_get_one (headers, "X-RateLimit-Type");
      gint64 retry_at = 0;

      if (zp_zoom_parse_retry_after (retry_after, g_get_real_time (), &retry_at))
        request->rate_limit.retry_at = retry_at;
      request->rate_limit.daily = kind != NULL && g_ascii_strcasecmp (kind, "Daily-limit") == 0;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (http_status))
    {
      g_autoptr(GError) error = zp_zoom_error_from_reply (http_status, body, length,
                                                          request->user_id);

      finish_with_error (task, http_status, g_steal_pointer (&error));
      return;
    }

  if (g_task_get_source_tag (task) == zp_zoom_client_get_status_async)
    {
      GError *error = NULL;
      ZpPresence *presence = zp_zoom_parse_presence (body, length, g_get_real_time (), &error);

      if (presence == NULL)
        {
          finish_with_error (task, http_status, error);
          return;
        }

      request_done (request);
      log_outcome (task, http_status, NULL);
      g_task_return_pointer (task, presence, (GDestroyNotify) zp_presence_free);
      return;
    }

  /* Zoom answers a change with 204 and no body. Accept an empty JSON-ish 2xx too, but not
   * a page of something else: that is a proxy or portal, and the change did not happen. */
  if (http_status != SOUP_STATUS_NO_CONTENT && length > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      if (!g_utf8_validate_len (body, length, NULL)
          || !json_parser_load_from_data (parser, body, length, NULL)
          || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          finish_with_error (task, http_status,
                             g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY,
                                          _("Zoom sent an unexpected reply (HTTP %u)."),
                                          http_status));
          return;
        }
    }

  request_done (request);
  log_outcome (task, http_status, NULL);
  g_task_return_boolean (task, TRUE);
}

static GError *
transport_error (Request *request,
                 GError  *error)
{
  if (request->timed_out)
    return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK,
                        _("Zoom did not answer within %u seconds."), request->timeout);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK,
                        _("Zoom did not answer within %u seconds."), request->timeout);

  /* Translators: %s says why, e.g. "Connection refused". */
  return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK,
                      _("Could not reach Zoom: %s"), error->message);
}

static void read_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data);

static void
read_more (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  guint old_length = request->body->len;

  /* Room for one chunk; read_cb trims to what arrived. */
  g_byte_array_set_size (request->body, old_length + READ_CHUNK_BYTES);
  g_input_stream_read_async (request->stream,
                             request->body->data + old_length,
                             READ_CHUNK_BYTES,
                             G_PRIORITY_DEFAULT,
                             request->cancellable,
                             read_cb,
                             task);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize count;

  count = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  g_byte_array_set_size (request->body,
                         request->body->len - READ_CHUNK_BYTES + MAX (count, 0));

  if (count < 0)
    {
      finish_with_error (task, soup_message_get_status (request->message),
                         transport_error (request, error));
      return;
    }

  if (request->body->len > ZP_ZOOM_REPLY_MAX_BYTES)
    {
      finish_with_error (task, soup_message_get_status (request->message),
                         g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY,
                                      _("Zoom’s reply was larger than %u KiB and was "
                                        "not read."),
                                      ZP_ZOOM_REPLY_MAX_BYTES / 1024));
      return;
    }

  if (count == 0)
    {
      complete (task);
      return;
    }

  read_more (g_steal_pointer (&task));
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  goffset announced;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      finish_with_error (task, soup_message_get_status (request->message),
                         transport_error (request, error));
      return;
    }

  /* A reply that says up front it is too large is refused without reading any of it. */
  headers = soup_message_get_response_headers (request->message);
  announced = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && announced > ZP_ZOOM_REPLY_MAX_BYTES)
    {
      finish_with_error (task, soup_message_get_status (request->message),
                         g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY,
                                      _("Zoom’s reply was larger than %u KiB and was "
                                        "not read."),
                                      ZP_ZOOM_REPLY_MAX_BYTES / 1024));
      return;
    }

  read_more (g_steal_pointer (&task));
}

static void
start_request (ZpZoomClient        *self,
               GTask               *task,
               const char          *method,
               const char          *access_token,
               const char          *user_id,
               GBytes              *json_body,
               GCancellable        *cancellable)
{
  Request *request;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *authorization = NULL;
  SoupMessageHeaders *headers;
  GError *error = NULL;

  request = g_task_get_task_data (task);

  if (!token_is_acceptable (access_token))
    {
      g_task_return_new_error (task, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UNAUTHORIZED,
                               _("There is no usable Zoom access token. Sign in again."));
      return;
    }

  uri = build_presence_uri (self, user_id, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  request->message = soup_message_new_from_uri (method, uri);
  /* A redirect would carry the token somewhere nobody configured. */
  soup_message_add_flags (request->message, SOUP_MESSAGE_NO_REDIRECT);
  /* When a kept-alive connection drops before the reply, libsoup quietly sends a PUT again,
   * and (3.2) without its body: Zoom would see the change twice, the second time empty. A
   * fresh connection is never retried that way; changes are rare enough for the handshake. */
  if (json_body != NULL)
    soup_message_add_flags (request->message, SOUP_MESSAGE_NEW_CONNECTION);

  headers = soup_message_get_request_headers (request->message);
  authorization = g_strconcat ("Bearer ", access_token, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (json_body != NULL)
    soup_message_set_request_body_from_bytes (request->message, "application/json",
                                              json_body);

  request->user_id = g_strdup (user_id);
  request->timeout = self->timeout;
  request->body = g_byte_array_new ();
  request->started = g_get_monotonic_time ();
  request->cancellable = g_cancellable_new ();

  if (cancellable != NULL)
    {
      request->caller_cancellable = g_object_ref (cancellable);
      request->caller_cancelled_id =
        g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                               g_object_ref (request->cancellable), g_object_unref);
    }

  /* libsoup's own timeout covers each read and write; this covers the whole exchange, so a
   * server that trickles bytes cannot hold a request open for ever. */
  request->deadline = g_timeout_source_new (self->timeout * 1000);
  g_source_set_callback (request->deadline, deadline_cb, request, NULL);
  g_source_set_static_name (request->deadline, "[zp-zoom-client] deadline");
  g_source_attach (request->deadline, g_task_get_context (task));

  soup_session_send_async (self->session,
                           request->message,
                           G_PRIORITY_DEFAULT,
                           request->cancellable,
                           send_cb,
                           g_object_ref (task));
}

static GTask *
new_task (ZpZoomClient        *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_new0 (Request, 1), (GDestroyNotify) request_free);

  return task;
}

/**
 * zp_zoom_client_set_status_async:
 * @access_token: the bearer token
 * @user_id: `me`, or a user id or email for account-level apps
 * @status: a settable status
 * @dnd_minutes: with %ZP_STATUS_DO_NOT_DISTURB, its duration (1 to 1440); ignored otherwise
 *
 * PUTs the status. Statuses Zoom does not accept and out-of-range durations fail with
 * %ZP_ZOOM_ERROR_INVALID_INPUT before anything is sent.
 */
void
zp_zoom_client_set_status_async (ZpZoomClient        *self,
                                 const char          *access_token,
                                 const char          *user_id,
                                 ZpStatus             status,
                                 guint                dnd_minutes,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  Request *request;
  char *text;
  gsize length;

  g_return_if_fail (ZP_IS_ZOOM_CLIENT (self));
  g_return_if_fail (access_token != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, zp_zoom_client_set_status_async, cancellable, callback, user_data);
  request = g_task_get_task_data (task);

  if (!zp_status_is_settable (status))
    {
      g_task_return_new_error (task, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT,
                               _("The status “%s” cannot be set."),
                               zp_status_get_label (status));
      return;
    }

  if (status == ZP_STATUS_DO_NOT_DISTURB
      && (dnd_minutes < ZP_DND_MIN_MINUTES || dnd_minutes > ZP_DND_MAX_MINUTES))
    {
      g_task_return_new_error (task, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT,
                               _("Do not disturb can last from %d to %d minutes, not %u."),
                               ZP_DND_MIN_MINUTES, ZP_DND_MAX_MINUTES, dnd_minutes);
      return;
    }

  request->status_name = zp_status_to_api_name (status);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, zp_status_to_api_name (status));
  if (status == ZP_STATUS_DO_NOT_DISTURB)
    {
      json_builder_set_member_name (builder, "duration");
      json_builder_add_int_value (builder, dnd_minutes);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  body = g_bytes_new_take (text, length);

  start_request (self, task, SOUP_METHOD_PUT, access_token, user_id, body, cancellable);
}

gboolean
zp_zoom_client_set_status_finish (ZpZoomClient  *self,
                                  GAsyncResult  *result,
                                  ZpRateLimit   *out_rate_limit,
                                  GError       **error)
{
  Request *request;

  g_return_val_if_fail (ZP_IS_ZOOM_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, zp_zoom_client_set_status_async),
                        FALSE);

  request = g_task_get_task_data (G_TASK (result));
  if (out_rate_limit != NULL)
    *out_rate_limit = request->rate_limit;

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * zp_zoom_client_get_status_async:
 * @access_token: the bearer token
 * @user_id: `me`, or a user id or email for account-level apps
 *
 * GETs the status as Zoom sees it.
 */
void
zp_zoom_client_get_status_async (ZpZoomClient        *self,
                                 const char          *access_token,
                                 const char          *user_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ZP_IS_ZOOM_CLIENT (self));
  g_return_if_fail (access_token != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, zp_zoom_client_get_status_async, cancellable, callback, user_data);
  start_request (self, task, SOUP_METHOD_GET, access_token, user_id, NULL, cancellable);
}

ZpPresence *
zp_zoom_client_get_status_finish (ZpZoomClient  *self,
                                  GAsyncResult  *result,
                                  ZpRateLimit   *out_rate_limit,
                                  GError       **error)
{
  Request *request;

  g_return_val_if_fail (ZP_IS_ZOOM_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, zp_zoom_client_get_status_async),
                        NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (out_rate_limit != NULL)
    *out_rate_limit = request->rate_limit;

  return g_task_propagate_pointer (G_TASK (result), error);
}
