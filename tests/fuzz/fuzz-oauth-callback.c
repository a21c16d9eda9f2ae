/* fuzz-oauth-callback.c: libFuzzer target for the OAuth redirect's query parser
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: the query string of a callback to http://127.0.0.1:PORT/callback, as the browser
 * sends it (URL-encoded, cut at the first NUL). A code comes out only for the expected state.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include <libsoup/soup.h>

#include "zp-oauth-loopback.h"
#include "zp-oauth-pkce.h"

#define EXPECTED_STATE "st-Fz9_x"

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
  g_autofree char *query = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_auto(ZpOAuthSecret) code = NULL;

  code = zp_oauth_loopback_parse_callback (query, EXPECTED_STATE, &error);
  if (code != NULL)
    {
      g_autoptr(GHashTable) form = soup_form_decode (query);

      g_assert_null (error);
      g_assert_true (*code != '\0');
      /* The state had to be there, exactly, and the code is the one sent. */
      g_assert_cmpstr (g_hash_table_lookup (form, "state"), ==, EXPECTED_STATE);
      g_assert_cmpstr (g_hash_table_lookup (form, "code"), ==, code);
      g_assert_null (g_hash_table_lookup (form, "error"));
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == ZP_OAUTH_LOOPBACK_ERROR);
      g_assert_true (error->code == ZP_OAUTH_LOOPBACK_ERROR_STATE_MISMATCH
                     || error->code == ZP_OAUTH_LOOPBACK_ERROR_DENIED
                     || error->code == ZP_OAUTH_LOOPBACK_ERROR_FAILED);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      /* Only plain error names are repeated: no markup, no line breaks from the browser. */
      g_assert_null (strpbrk (error->message, "<>\n\r"));
    }

  return 0;
}
