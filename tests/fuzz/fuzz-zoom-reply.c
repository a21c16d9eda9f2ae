/* fuzz-zoom-reply.c: libFuzzer target for the presence parser and the error mapping
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: two bytes of HTTP status (big-endian), then the reply body. The body goes through
 * zp_zoom_parse_presence() as a 200 reply and through zp_zoom_error_from_reply() with the
 * status, and each answer is checked for what the callers rely on.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "zp-zoom-reply.h"

/* 2026-12-04 12:00:00 UTC, so dates compare the same on every run. */
#define FUZZ_NOW G_GINT64_CONSTANT (1796385600000000)

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A critical or warning from a parser is a bug the fuzzer must report. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  return 0;
}

static void
check_message (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == ZP_ZOOM_ERROR);
  g_assert_nonnull (error->message);
  g_assert_true (*error->message != '\0');
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  /* Shown in one notification line: Zoom's own text is cut and kept on one line. */
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strchr (error->message, '\r'));
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 600);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ZpPresence) presence = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reply_error = NULL;
  const char *body;
  gsize length;
  guint status;

  if (size < 2)
    return 0;

  status = (guint) data[0] << 8 | data[1];
  body = (const char *) data + 2;
  length = size - 2;

  presence = zp_zoom_parse_presence (length > 0 ? body : NULL, length, FUZZ_NOW, &error);
  if (presence != NULL)
    {
      g_assert_null (error);
      g_assert_nonnull (presence->api_name);
      g_assert_true (g_utf8_validate (presence->api_name, -1, NULL));
      g_assert_true (presence->dnd_end_time == 0
                     || presence->status == ZP_STATUS_DO_NOT_DISTURB);
    }
  else
    {
      check_message (error);
      g_assert_cmpint (error->code, ==, ZP_ZOOM_ERROR_BAD_REPLY);
    }

  reply_error = zp_zoom_error_from_reply (status, length > 0 ? body : NULL, length, "me");
  check_message (reply_error);
  if (status == 429)
    g_assert_cmpint (reply_error->code, ==, ZP_ZOOM_ERROR_RATE_LIMITED);

  return 0;
}
