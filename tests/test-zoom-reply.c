/* test-zoom-reply.c: the parsers for Zoom's replies, case by case
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "zp-zoom-reply.h"

/* 2026-12-04T12:00:00Z, the "now" of every case below. */
#define NOW ((gint64) 1796385600 * G_USEC_PER_SEC)
#define SECONDS(n) ((gint64) (n) * G_USEC_PER_SEC)
#define DAY SECONDS (24 * 60 * 60)

typedef struct
{
  const char *value;
  gboolean    understood;
  gint64      retry_at;
} RetryAfterCase;

static const RetryAfterCase retry_after_cases[] = {
  /* delay-seconds */
  { "3", TRUE, NOW + SECONDS (3) },
  { " 120 ", TRUE, NOW + SECONDS (120) },
  { "0", TRUE, NOW },
  { "00060", TRUE, NOW + SECONDS (60) },
  { "86400", TRUE, NOW + DAY },
  { "86401", TRUE, NOW + DAY },
  { "99999999999999999999999999", TRUE, NOW + DAY },
  { "-5", FALSE, 0 },
  { "+5", FALSE, 0 },
  { "3.5", FALSE, 0 },
  { "3 4", FALSE, 0 },
  { "0x10", FALSE, 0 },
  /* HTTP dates, all three forms */
  { "Fri, 04 Dec 2026 12:00:30 GMT", TRUE, NOW + SECONDS (30) },
  { "Friday, 04-Dec-26 12:00:30 GMT", TRUE, NOW + SECONDS (30) },
  { "Fri Dec  4 12:00:30 2026", TRUE, NOW + SECONDS (30) },
  { "Sun, 06 Nov 1994 08:49:37 GMT", TRUE, NOW },
  { "Sat, 01 Jan 2050 00:00:00 GMT", TRUE, NOW + DAY },
  /* ISO 8601, Zoom's daily-limit form */
  { "2026-12-05T00:00:00Z", TRUE, NOW + SECONDS (12 * 60 * 60) },
  { "2026-12-04T12:01:00Z", TRUE, NOW + SECONDS (60) },
  { "2026-12-04T12:00:10", TRUE, NOW + SECONDS (10) },
  { "2026-12-04T13:00:30+01:00", TRUE, NOW + SECONDS (30) },
  { "2026-12-04T12:00:00.500Z", TRUE, NOW + 500000 },
  { "2020-05-31T00:00:00Z", TRUE, NOW },
  { "2999-01-01T00:00:00Z", TRUE, NOW + DAY },
  /* junk */
  { NULL, FALSE, 0 },
  { "", FALSE, 0 },
  { "   ", FALSE, 0 },
  { "soon", FALSE, 0 },
  { "2026-13-01T00:00:00Z", FALSE, 0 },
  { "2026-12-32T00:00:00Z", FALSE, 0 },
  { "2026-12-04T25:00:00Z", FALSE, 0 },
  { "Fri, 04 Foo 2026 12:00:30 GMT", FALSE, 0 },
  { "12:00:30", FALSE, 0 },
  { "{\"retry\": 3}", FALSE, 0 },
};

static void
test_retry_after (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (retry_after_cases); i++)
    {
      const RetryAfterCase *c = &retry_after_cases[i];
      gint64 retry_at = -1;
      gboolean understood;

      g_test_message ("Retry-After: %s", c->value ? c->value : "(none)");
      understood = zp_zoom_parse_retry_after (c->value, NOW, &retry_at);
      g_assert_cmpint (understood, ==, c->understood);
      if (understood)
        g_assert_cmpint (retry_at, ==, c->retry_at);
      else
        g_assert_cmpint (retry_at, ==, -1);
    }
}

typedef struct
{
  const char *body;
  ZpStatus    status;
  const char *api_name;
  gint64      dnd_end_time;
} PresenceCase;

static const PresenceCase presence_cases[] = {
  { "{\"status\": \"Available\"}", ZP_STATUS_AVAILABLE, "Available", 0 },
  { "{\"status\": \"Away\", \"extra\": {\"nested\": [1, 2, 3]}}", ZP_STATUS_AWAY, "Away", 0 },
  { "{\"status\": \"Do_Not_Disturb\", \"end_time\": \"2026-12-04T12:30:00Z\", "
    "\"remaining_time\": 1800}", ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb",
    NOW + SECONDS (1800) },
  /* remaining_time wins over a skewed clock in end_time */
  { "{\"status\": \"Do_Not_Disturb\", \"end_time\": \"2026-12-04T12:31:00Z\", "
    "\"remaining_time\": 1800}", ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb",
    NOW + SECONDS (1800) },
  { "{\"status\": \"Do_Not_Disturb\", \"end_time\": \"2026-12-04T12:30:00Z\"}",
    ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb", NOW + SECONDS (1800) },
  { "{\"status\": \"Do_Not_Disturb\", \"remaining_time\": 90.5}",
    ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb", NOW + SECONDS (90) + 500000 },
  /* wrong types and silly values in the optional fields are ignored, one by one */
  { "{\"status\": \"Do_Not_Disturb\", \"remaining_time\": \"1800\", "
    "\"end_time\": \"2026-12-04T12:10:00Z\"}", ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb",
    NOW + SECONDS (600) },
  { "{\"status\": \"Do_Not_Disturb\", \"remaining_time\": -5, "
    "\"end_time\": \"2026-12-04T12:10:00Z\"}", ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb",
    NOW + SECONDS (600) },
  { "{\"status\": \"Do_Not_Disturb\", \"remaining_time\": 1e300}",
    ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb", 0 },
  { "{\"status\": \"Do_Not_Disturb\", \"remaining_time\": null, \"end_time\": 5}",
    ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb", 0 },
  { "{\"status\": \"Do_Not_Disturb\", \"end_time\": \"tomorrow\"}",
    ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb", 0 },
  { "{\"status\": \"Do_Not_Disturb\", \"remaining_time\": [1800]}",
    ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb", 0 },
  { "{\"status\": \"Do_Not_Disturb\"}", ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb", 0 },
  /* only Do not disturb has an end */
  { "{\"status\": \"Busy\", \"remaining_time\": 1800}", ZP_STATUS_BUSY, "Busy", 0 },
  /* the other spellings Zoom's readers use, and names nobody knows yet */
  { "{\"status\": \"In_A_Meeting\"}", ZP_STATUS_IN_A_ZOOM_MEETING, "In_A_Meeting", 0 },
  { "{\"status\": \"In_A_Call\"}", ZP_STATUS_ON_A_CALL, "In_A_Call", 0 },
  { "{\"status\": \"In_A_Calendar_Event\"}", ZP_STATUS_IN_CALENDAR_EVENT,
    "In_A_Calendar_Event", 0 },
  { "{\"status\": \"Offline\"}", ZP_STATUS_OFFLINE, "Offline", 0 },
  { "{\"status\": \"Mobile_signed_in\"}", ZP_STATUS_MOBILE_SIGNED_IN, "Mobile_signed_in", 0 },
  { "{\"status\": \"Do_No_Disturb\"}", ZP_STATUS_DO_NOT_DISTURB, "Do_No_Disturb", 0 },
  { "{\"status\": \"Hovering_Over_The_Desk\"}", ZP_STATUS_UNKNOWN, "Hovering_Over_The_Desk", 0 },
  { "{\"status\": \"\"}", ZP_STATUS_UNKNOWN, "", 0 },
  { "{\"status\": \"Caf\xc3\xa9\"}", ZP_STATUS_UNKNOWN, "Caf\xc3\xa9", 0 },
  /* brackets inside a string are text, not nesting */
  { "{\"status\": \"Away\", \"note\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}",
    ZP_STATUS_AWAY, "Away", 0 },
  { "  \n{\"status\":\"Away\"}\n  ", ZP_STATUS_AWAY, "Away", 0 },
};

static void
test_presence (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (presence_cases); i++)
    {
      const PresenceCase *c = &presence_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(ZpPresence) presence = NULL;

      g_test_message ("presence: %s", c->body);
      presence = zp_zoom_parse_presence (c->body, strlen (c->body), NOW, &error);
      g_assert_no_error (error);
      g_assert_nonnull (presence);
      g_assert_cmpint (presence->status, ==, c->status);
      g_assert_cmpstr (presence->api_name, ==, c->api_name);
      g_assert_cmpint (presence->dnd_end_time, ==, c->dnd_end_time);
    }
}

static const char *bad_presence_bodies[] = {
  "",
  " ",
  "{not json",
  "{\"status\": \"Away\"",
  "{\"status\": \"Away\"} trailing",
  "null",
  "true",
  "42",
  "\"Available\"",
  "[]",
  "[{\"status\": \"Away\"}]",
  "{}",
  "{\"Status\": \"Away\"}",
  "{\"status\": null}",
  "{\"status\": 5}",
  "{\"status\": true}",
  "{\"status\": [\"Away\"]}",
  "{\"status\": {\"name\": \"Away\"}}",
  "<html><body>502 Bad Gateway</body></html>",
  "{\"status\": \"Caf\xc3\"}",
  "\xff\xfe{\"status\": \"Away\"}",
};

static void
assert_bad_presence (const char *body,
                     gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpPresence) presence = NULL;

  presence = zp_zoom_parse_presence (body, length, NOW, &error);
  g_assert_null (presence);
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_presence_bad (void)
{
  static const char with_nul[] = "{\"status\": \"Away\"}\0{\"status\": \"Busy\"}";

  for (guint i = 0; i < G_N_ELEMENTS (bad_presence_bodies); i++)
    {
      g_test_message ("bad presence: %s", bad_presence_bodies[i]);
      assert_bad_presence (bad_presence_bodies[i], strlen (bad_presence_bodies[i]));
    }

  assert_bad_presence (with_nul, sizeof with_nul - 1);
}

static GString *
nested (guint       depth,
        const char *inner)
{
  GString *text = g_string_new ("{\"status\": \"Away\", \"x\": ");

  for (guint i = 0; i < depth; i++)
    g_string_append (text, i % 2 ? "{\"a\": " : "[");
  g_string_append (text, inner);
  for (guint i = depth; i > 0; i--)
    g_string_append (text, (i - 1) % 2 ? "}" : "]");
  g_string_append (text, "}");

  return text;
}

static void
test_presence_deep (void)
{
  g_autoptr(GString) shallow = nested (8, "1");
  g_autoptr(GString) deep = nested (40, "1");
  g_autoptr(GString) very_deep = g_string_new (NULL);
  g_autoptr(ZpPresence) presence = NULL;
  g_autoptr(GError) error = NULL;

  presence = zp_zoom_parse_presence (shallow->str, shallow->len, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presence->status, ==, ZP_STATUS_AWAY);

  assert_bad_presence (deep->str, deep->len);

  /* As deep as fits under the size cap: refused without recursing through it. */
  g_string_append_c (very_deep, '{');
  while (very_deep->len < ZP_ZOOM_REPLY_MAX_BYTES / 2)
    g_string_append_c (very_deep, '[');
  while (very_deep->len < ZP_ZOOM_REPLY_MAX_BYTES - 1)
    g_string_append_c (very_deep, ']');
  g_string_append_c (very_deep, '}');
  g_assert_cmpuint (very_deep->len, ==, ZP_ZOOM_REPLY_MAX_BYTES);
  assert_bad_presence (very_deep->str, very_deep->len);
}

static void
test_presence_size (void)
{
  g_autoptr(GString) at_cap = g_string_new ("{\"status\": \"Busy\", \"pad\": \"");
  g_autoptr(GString) over_cap = NULL;
  g_autoptr(ZpPresence) presence = NULL;
  g_autoptr(GError) error = NULL;

  while (at_cap->len < ZP_ZOOM_REPLY_MAX_BYTES - 2)
    g_string_append_c (at_cap, 'x');
  g_string_append (at_cap, "\"}");
  g_assert_cmpuint (at_cap->len, ==, ZP_ZOOM_REPLY_MAX_BYTES);

  presence = zp_zoom_parse_presence (at_cap->str, at_cap->len, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presence->status, ==, ZP_STATUS_BUSY);

  over_cap = g_string_new_len (at_cap->str, at_cap->len - 2);
  g_string_append (over_cap, "x\"}");
  g_assert_cmpuint (over_cap->len, ==, ZP_ZOOM_REPLY_MAX_BYTES + 1);
  assert_bad_presence (over_cap->str, over_cap->len);
}

typedef struct
{
  guint        http_status;
  const char  *body;
  const char  *user_id;
  ZpZoomError  code;
  const char  *says[3];
} ErrorCase;

#define LONG_MESSAGE \
  "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
  "Bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
  "Cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" \
  "Dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"

static const ErrorCase error_cases[] = {
  { 400, "{\"code\": 5301, \"message\": \"Request to update presence status failed.\"}", "me",
    ZP_ZOOM_ERROR_UPDATE_FAILED, { "Zoom app must be running", "signed in" } },
  { 400, "{\"code\": 5411, \"message\": \"Not permitted.\"}", "a@example.com",
    ZP_ZOOM_ERROR_NOT_PERMITTED, { "a@example.com" } },
  { 404, "{\"code\": 1001, \"message\": \"User does not exist: x.\"}", "a b@example.com",
    ZP_ZOOM_ERROR_USER_NOT_FOUND, { "a b@example.com" } },
  { 404, "", NULL, ZP_ZOOM_ERROR_USER_NOT_FOUND, { "“me”" } },
  { 400, "{\"code\": 4700, \"message\": \"Invalid access token, does not contain scopes.\"}",
    "me", ZP_ZOOM_ERROR_MISSING_SCOPE, { "user:update:presence_status", "user:write" } },
  { 400, "{\"code\": 4711, \"message\": \"Invalid access token, does not contain scopes.\"}",
    "me", ZP_ZOOM_ERROR_MISSING_SCOPE, { "user:update:presence_status", "user:write" } },
  { 401, "{\"code\": 124, \"message\": \"Invalid access token.\"}", "me",
    ZP_ZOOM_ERROR_UNAUTHORIZED, { "expired", "invalid" } },
  { 400, "{\"code\": 124, \"message\": \"Invalid access token.\"}", "me",
    ZP_ZOOM_ERROR_UNAUTHORIZED, { "Sign in" } },
  { 401, "", "me", ZP_ZOOM_ERROR_UNAUTHORIZED, { "expired" } },
  { 401, "<html>Unauthorized</html>", "me", ZP_ZOOM_ERROR_UNAUTHORIZED, { "expired" } },
  { 403, "", "u-9", ZP_ZOOM_ERROR_NOT_PERMITTED, { "u-9" } },
  { 429, "{\"code\": 429, \"message\": \"Too many requests.\"}", "me",
    ZP_ZOOM_ERROR_RATE_LIMITED, { "limiting" } },
  { 429, "", "me", ZP_ZOOM_ERROR_RATE_LIMITED, { "limiting" } },
  { 429, "{\"code\": 5301}", "me", ZP_ZOOM_ERROR_RATE_LIMITED, { "limiting" } },
  { 500, "", "me", ZP_ZOOM_ERROR_SERVER, { "servers had a problem", "500" } },
  { 502, "<html><body>Bad Gateway</body></html>", "me", ZP_ZOOM_ERROR_SERVER, { "502" } },
  { 503, "{\"code\": 503, \"message\": \"Service unavailable\"}", "me", ZP_ZOOM_ERROR_SERVER,
    { "servers had a problem" } },
  { 400, "{\"code\": 300, \"message\": \"Validation Failed.\", \"errors\": "
    "[{\"field\": \"status\", \"message\": \"Invalid field.\"}]}", "me",
    ZP_ZOOM_ERROR_REFUSED, { "Validation Failed." } },
  { 400, "{\"code\": 98765, \"message\": \"Something new went wrong.\"}", "me",
    ZP_ZOOM_ERROR_REFUSED, { "Something new went wrong." } },
  { 400, "{\"code\": \"5301\", \"message\": 7}", "me", ZP_ZOOM_ERROR_REFUSED, { "HTTP 400" } },
  { 400, "{\"message\": [\"x\"]}", "me", ZP_ZOOM_ERROR_REFUSED, { "HTTP 400" } },
  { 400, "{not json", "me", ZP_ZOOM_ERROR_REFUSED, { "HTTP 400" } },
  { 400, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]",
    "me", ZP_ZOOM_ERROR_REFUSED, { "HTTP 400" } },
  { 418, "", "me", ZP_ZOOM_ERROR_REFUSED, { "418" } },
  { 302, "", "me", ZP_ZOOM_ERROR_BAD_REPLY, { "302" } },
  { 0, "", "me", ZP_ZOOM_ERROR_BAD_REPLY, { "HTTP 0" } },
};

static void
test_error_mapping (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      g_autoptr(GError) error = NULL;

      g_test_message ("error: HTTP %u %s", c->http_status, c->body);
      error = zp_zoom_error_from_reply (c->http_status, c->body, strlen (c->body), c->user_id);
      g_assert_error (error, ZP_ZOOM_ERROR, (gint) c->code);
      for (guint j = 0; j < G_N_ELEMENTS (c->says) && c->says[j] != NULL; j++)
        {
          if (strstr (error->message, c->says[j]) == NULL)
            g_error ("“%s” does not say “%s”", error->message, c->says[j]);
        }
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (strchr (error->message, '\n'));
    }
}

static void
test_error_message_cleaned (void)
{
  const char *body = "{\"code\": 777, \"message\": \"line one\\nline two\\r\\t" LONG_MESSAGE
                     LONG_MESSAGE "\"}";
  g_autoptr(GError) error = zp_zoom_error_from_reply (400, body, strlen (body), "me");

  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "line one line two"));
  g_assert_null (strpbrk (error->message, "\r\n\t"));
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 300);
  g_assert_true (g_str_has_suffix (error->message, "…"));
}

static void
test_error_huge_body (void)
{
  g_autoptr(GString) body = g_string_new ("{\"code\": 5301, \"message\": \"");
  g_autoptr(GError) error = NULL;

  /* Over the cap, the body is not read and the HTTP status decides. */
  while (body->len <= ZP_ZOOM_REPLY_MAX_BYTES)
    g_string_append_c (body, 'x');
  g_string_append (body, "\"}");

  error = zp_zoom_error_from_reply (400, body->str, body->len, "me");
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_REFUSED);

  g_clear_error (&error);
  error = zp_zoom_error_from_reply (400, NULL, 0, NULL);
  g_assert_error (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_REFUSED);
}

static void
test_permanent (void)
{
  static const struct
  {
    ZpZoomError code;
    gboolean    permanent;
  } cases[] = {
    { ZP_ZOOM_ERROR_UNAUTHORIZED, FALSE },
    { ZP_ZOOM_ERROR_MISSING_SCOPE, TRUE },
    { ZP_ZOOM_ERROR_NOT_PERMITTED, TRUE },
    { ZP_ZOOM_ERROR_UPDATE_FAILED, TRUE },
    { ZP_ZOOM_ERROR_USER_NOT_FOUND, TRUE },
    { ZP_ZOOM_ERROR_RATE_LIMITED, FALSE },
    { ZP_ZOOM_ERROR_REFUSED, TRUE },
    { ZP_ZOOM_ERROR_SERVER, FALSE },
    { ZP_ZOOM_ERROR_NETWORK, FALSE },
    { ZP_ZOOM_ERROR_BAD_REPLY, FALSE },
    { ZP_ZOOM_ERROR_INVALID_INPUT, TRUE },
  };
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (ZP_ZOOM_ERROR, cases[i].code, "x");

      g_assert_cmpint (zp_zoom_error_is_permanent (error), ==, cases[i].permanent);
    }

  g_assert_false (zp_zoom_error_is_permanent (cancelled));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("TZ", "Pacific/Chatham", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zoom-reply/retry-after", test_retry_after);
  g_test_add_func ("/zoom-reply/presence/good", test_presence);
  g_test_add_func ("/zoom-reply/presence/bad", test_presence_bad);
  g_test_add_func ("/zoom-reply/presence/deep", test_presence_deep);
  g_test_add_func ("/zoom-reply/presence/size", test_presence_size);
  g_test_add_func ("/zoom-reply/error/mapping", test_error_mapping);
  g_test_add_func ("/zoom-reply/error/message-cleaned", test_error_message_cleaned);
  g_test_add_func ("/zoom-reply/error/huge-body", test_error_huge_body);
  g_test_add_func ("/zoom-reply/error/permanent", test_permanent);

  return g_test_run ();
}
