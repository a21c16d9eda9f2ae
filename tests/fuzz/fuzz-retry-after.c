/* fuzz-retry-after.c: libFuzzer target for the Retry-After parser
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: a header value (cut at the first NUL, as a header would be). Whatever it says, an
 * understood value must give a retry time between now and a day from now.
 */

#include "config.h"

#include <stdint.h>

#include "zp-zoom-reply.h"

/* 2026-12-04 12:00:00 UTC, so dates compare the same on every run. */
#define FUZZ_NOW G_GINT64_CONSTANT (1796385600000000)
#define ONE_DAY (G_GINT64_CONSTANT (24 * 60 * 60) * G_USEC_PER_SEC)

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *value = g_strndup ((const char *) data, size);
  gint64 retry_at = -1;

  if (zp_zoom_parse_retry_after (value, FUZZ_NOW, &retry_at))
    {
      g_assert_cmpint (retry_at, >=, FUZZ_NOW);
      g_assert_cmpint (retry_at, <=, FUZZ_NOW + ONE_DAY);
    }
  else
    g_assert_cmpint (retry_at, ==, -1);

  return 0;
}
