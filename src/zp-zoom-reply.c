/* zp-zoom-reply.c: pure parsers for what Zoom sends back (no I/O, fuzzable)
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "zp-zoom-reply"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "zp-zoom-reply.h"

/* Zoom's daily limit resets within a day; a longer wait is a broken header, not advice. */
#define RETRY_AFTER_MAX_SECONDS (24 * 60 * 60)

/* Presence replies are two levels deep; anything far deeper is junk, and json-glib's
 * parser recurses, so refuse it before parsing. */
#define JSON_MAX_DEPTH 32

/* Zoom's own Do not disturb lasts at most a day; allow scheduled ones up to a year. */
#define DND_REMAINING_MAX_SECONDS (366 * 24 * 60 * 60)

static gboolean
is_all_digits (const char *text)
{
  if (*text == '\0')
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return TRUE;
}

static GDateTime *
parse_date (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *date;

  /* ISO 8601 first: Zoom's daily limit uses it; without a zone it is UTC. */
  date = g_date_time_new_from_iso8601 (text, utc);
  if (date != NULL)
    return date;

  /* Only letters start an HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT" and the two
   * obsolete forms); this keeps libsoup's lenient parser away from other junk. */
  if (!g_ascii_isalpha (text[0]))
    return NULL;

  return soup_date_time_new_from_http_string (text);
}

/**
 * zp_zoom_parse_retry_after:
 * @value: a Retry-After header value, or %NULL
 * @now: the current g_get_real_time()
 * @out_retry_at: (out): when a retry is allowed, in g_get_real_time() microseconds
 *
 * Reads delay-seconds, an HTTP date or an ISO 8601 time. Dates in the past mean "now";
 * waits longer than a day are cut to a day.
 *
 * Returns: %TRUE if @value was understood
 */
gboolean
zp_zoom_parse_retry_after (const char *value,
                           gint64      now,
                           gint64     *out_retry_at)
{
  g_autofree char *text = NULL;
  const gint64 max_wait = (gint64) RETRY_AFTER_MAX_SECONDS * G_USEC_PER_SEC;
  gint64 retry_at;

  g_return_val_if_fail (out_retry_at != NULL, FALSE);

  if (value == NULL)
    return FALSE;

  text = g_strstrip (g_strdup (value));

  if (is_all_digits (text))
    {
      guint64 seconds = 0;

      /* Too many digits to fit is still "a very long time": cut it like any long wait. */
      if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &seconds, NULL))
        seconds = G_MAXUINT64;

      seconds = MIN (seconds, RETRY_AFTER_MAX_SECONDS);
      *out_retry_at = now + (gint64) seconds * G_USEC_PER_SEC;
      return TRUE;
    }
  else
    {
      g_autoptr(GDateTime) date = parse_date (text);

      if (date == NULL)
        return FALSE;

      retry_at = g_date_time_to_unix (date) * G_USEC_PER_SEC
                 + g_date_time_get_microsecond (date);
      *out_retry_at = CLAMP (retry_at, now, now + max_wait);
      return TRUE;
    }
}

/* The deepest nesting of arrays and objects in @body, counting only outside strings.
 * Stops counting once @limit is passed. */
static guint
json_depth (const char *body,
            gsize       length,
            guint       limit)
{
  guint depth = 0;
  guint deepest = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length && deepest <= limit; i++)
    {
      char c = body[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        deepest = MAX (deepest, ++depth);
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return deepest;
}

/* Parses @body as JSON with the checks every reply gets; %NULL (and no error) if it is not
 * well-formed, bounded JSON. */
static JsonNode *
parse_json (const char *body,
            gsize       length)
{
  g_autoptr(JsonParser) parser = NULL;

  if (body == NULL || length == 0 || length > ZP_ZOOM_REPLY_MAX_BYTES)
    return NULL;

  if (!g_utf8_validate_len (body, length, NULL))
    return NULL;

  if (json_depth (body, length, JSON_MAX_DEPTH) > JSON_MAX_DEPTH)
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, body, (gssize) length, NULL))
    return NULL;

  return json_parser_steal_root (parser);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
member_number (JsonObject *object,
               const char *name,
               double     *out_value)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out_value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out_value = json_node_get_double (node);
  else
    return FALSE;

  return TRUE;
}

/* When Do not disturb ends, from whichever of the two fields is usable; 0 if neither.
 * remaining_time is preferred: it does not depend on Zoom's clock agreeing with ours. */
static gint64
dnd_end_time (JsonObject *object,
              gint64      now)
{
  const char *end_time;
  double remaining;

  if (member_number (object, "remaining_time", &remaining)
      && remaining >= 0 && remaining <= DND_REMAINING_MAX_SECONDS)
    return now + (gint64) (remaining * G_USEC_PER_SEC);

  end_time = member_string (object, "end_time");
  if (end_time != NULL)
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GDateTime) date = g_date_time_new_from_iso8601 (end_time, utc);

      if (date != NULL)
        return g_date_time_to_unix (date) * G_USEC_PER_SEC
               + g_date_time_get_microsecond (date);
    }

  return 0;
}

/**
 * zp_zoom_parse_presence:
 * @body: the body of a 200 reply to GET presence_status
 * @length: its length in bytes
 * @now: the current g_get_real_time()
 * @error: a #ZP_ZOOM_ERROR_BAD_REPLY when the reply makes no sense
 *
 * Unknown status names are kept (as %ZP_STATUS_UNKNOWN with the name) rather than refused.
 *
 * Returns: (transfer full): the presence, or %NULL with @error set
 */
ZpPresence *
zp_zoom_parse_presence (const char  *body,
                        gsize        length,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(ZpPresence) presence = NULL;
  JsonObject *object;
  const char *name;

  g_return_val_if_fail (body != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > ZP_ZOOM_REPLY_MAX_BYTES)
    {
      g_set_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY,
                   _("Zoom’s reply was too large to be a presence status."));
      return NULL;
    }

  root = parse_json (body, length);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY,
                   _("Zoom’s reply could not be understood."));
      return NULL;
    }

  object = json_node_get_object (root);
  name = member_string (object, "status");
  if (name == NULL)
    {
      g_set_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY,
                   _("Zoom’s reply did not include a presence status."));
      return NULL;
    }

  presence = g_new0 (ZpPresence, 1);
  /* json-glib's scanner takes octal escapes ("\204") that are not UTF-8: keep the name,
   * which may reach a log line or a label, valid. */
  presence->api_name = g_utf8_make_valid (name, -1);
  presence->status = zp_status_from_api_name (name);
  if (presence->status == ZP_STATUS_UNKNOWN)
    g_debug ("Zoom reported a status this version does not know: %s", presence->api_name);

  if (presence->status == ZP_STATUS_DO_NOT_DISTURB)
    presence->dnd_end_time = dnd_end_time (object, now);

  return g_steal_pointer (&presence);
}

/* Zoom's code and message from an error body, when it has them. */
static void
read_zoom_error (const char  *body,
                 gsize        length,
                 gint64      *out_code,
                 char       **out_message)
{
  g_autoptr(JsonNode) root = parse_json (body, length);
  JsonObject *object;
  JsonNode *code;
  const char *message;

  *out_code = -1;
  *out_message = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  object = json_node_get_object (root);
  code = json_object_get_member (object, "code");
  if (code != NULL && JSON_NODE_HOLDS_VALUE (code)
      && json_node_get_value_type (code) == G_TYPE_INT64)
    *out_code = json_node_get_int (code);

  message = member_string (object, "message");
  if (message != NULL)
    {
      /* Shown to people as is: keep it to one reasonably short line. */
      g_autofree char *line = g_utf8_make_valid (message, -1);

      g_strdelimit (line, "\r\n\t", ' ');
      g_strstrip (line);
      if (g_utf8_strlen (line, -1) > 200)
        {
          g_autofree char *cut = g_utf8_substring (line, 0, 200);

          g_free (line);
          line = g_strconcat (cut, "…", NULL);
        }
      if (*line != '\0')
        *out_message = g_steal_pointer (&line);
    }
}

/**
 * zp_zoom_error_from_reply:
 * @http_status: the HTTP status of a failed request
 * @body: (nullable): its body
 * @length: the body's length in bytes
 * @user_id: (nullable): the user the request was about, for the message
 *
 * Zoom's own code decides when it has one this knows; otherwise the HTTP status does, so
 * empty or non-JSON bodies map too.
 *
 * Returns: (transfer full): a #ZP_ZOOM_ERROR
 */
GError *
zp_zoom_error_from_reply (guint       http_status,
                          const char *body,
                          gsize       length,
                          const char *user_id)
{
  g_autofree char *message = NULL;
  gint64 code = -1;

  g_return_val_if_fail (body != NULL || length == 0, NULL);

  read_zoom_error (body, length, &code, &message);

  if (user_id == NULL || *user_id == '\0')
    user_id = "me";

  if (http_status == 429)
    return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_RATE_LIMITED,
                        _("Zoom is limiting how often the status can change. "
                          "It will be possible again later."));

  switch (code)
    {
    case 124:
      return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UNAUTHORIZED,
                          _("The Zoom sign-in has expired or the access token is invalid. "
                            "Sign in again."));
    case 4700:
    case 4711:
      /* Translators: the two names are Zoom permission scopes; keep them as they are. */
      return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_MISSING_SCOPE,
                          _("The Zoom sign-in does not allow changing the presence status: "
                            "it lacks the scope %s or %s."),
                          "user:update:presence_status", "user:write");
    case 5301:
      return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UPDATE_FAILED,
                          _("Zoom could not change the status. The Zoom app must be running "
                            "and signed in on this computer."));
    case 5411:
      return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NOT_PERMITTED,
                          _("Zoom does not permit changing the presence status of “%s”."),
                          user_id);
    case 1001:
      return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_USER_NOT_FOUND,
                          _("Zoom has no user “%s”."), user_id);
    default:
      break;
    }

  if (http_status == 401)
    return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UNAUTHORIZED,
                        _("The Zoom sign-in has expired or the access token is invalid. "
                          "Sign in again."));

  if (http_status == 403)
    return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NOT_PERMITTED,
                        _("The Zoom account has not granted access to the user “%s”."),
                        user_id);

  if (http_status == 404)
    return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_USER_NOT_FOUND,
                        _("Zoom has no user “%s”."), user_id);

  if (http_status >= 500 && http_status <= 599)
    return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_SERVER,
                        _("Zoom’s servers had a problem (HTTP %u). Try again later."),
                        http_status);

  if (http_status >= 400 && http_status <= 499)
    {
      if (message != NULL)
        /* Translators: %s is Zoom's own explanation, in English. */
        return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_REFUSED,
                            _("Zoom refused the request: %s"), message);

      return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_REFUSED,
                          _("Zoom refused the request (HTTP %u)."), http_status);
    }

  return g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY,
                      _("Zoom sent an unexpected reply (HTTP %u)."), http_status);
}
