/* zp-oauth-pkce.c: PKCE verifiers and challenges, and unguessable OAuth state values
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "zp-oauth"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "zp-oauth-pkce.h"

#define VERIFIER_LENGTH 64

/* RFC 3986 unreserved characters: the verifier's alphabet, also safe in a query unescaped. */
static const char unreserved[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

static void
fill_random (guint8 *buffer,
             gsize   length)
{
  gsize filled = 0;

  while (filled < length)
    {
      ssize_t got = getrandom (buffer + filled, length - filled, 0);

      if (got < 0 && errno == EINTR)
        continue;

      /* Without the kernel's random source no secret can be made; going on would be worse. */
      if (got < 0)
        g_error ("getrandom() failed: %s", g_strerror (errno));

      filled += (gsize) got;
    }
}

char *
zp_oauth_random_string (gsize length)
{
  const guint alphabet = sizeof unreserved - 1;
  /* Bytes at or above this are thrown away, so every character is equally likely. */
  const guint limit = 256 - 256 % alphabet;
  char *text = g_malloc (length + 1);
  gsize written = 0;

  while (written < length)
    {
      guint8 pool[64];

      fill_random (pool, sizeof pool);
      for (gsize i = 0; i < sizeof pool && written < length; i++)
        {
          if (pool[i] < limit)
            text[written++] = unreserved[pool[i] % alphabet];
        }
      explicit_bzero (pool, sizeof pool);
    }

  text[length] = '\0';
  return text;
}

char *
zp_oauth_pkce_new_verifier (void)
{
  return zp_oauth_random_string (VERIFIER_LENGTH);
}

gboolean
zp_oauth_pkce_verifier_valid (const char *verifier)
{
  gsize length;

  if (verifier == NULL)
    return FALSE;

  length = strlen (verifier);
  if (length < ZP_OAUTH_PKCE_VERIFIER_MIN || length > ZP_OAUTH_PKCE_VERIFIER_MAX)
    return FALSE;

  return strspn (verifier, unreserved) == length;
}

char *
zp_oauth_pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  char *challenge;
  gsize end;

  g_return_val_if_fail (verifier != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_length);

  challenge = g_base64_encode (digest, digest_length);
  explicit_bzero (digest, sizeof digest);

  /* base64url (RFC 4648 section 5) without the padding. */
  g_strdelimit (challenge, "+", '-');
  g_strdelimit (challenge, "/", '_');
  end = strcspn (challenge, "=");
  challenge[end] = '\0';

  return challenge;
}

gboolean
zp_oauth_secrets_equal (const char *a,
                        const char *b)
{
  gsize length_a;
  gsize length_b;
  guint8 difference = 0;

  if (a == NULL || b == NULL)
    return FALSE;

  length_a = strlen (a);
  length_b = strlen (b);
  if (length_a != length_b)
    return FALSE;

  for (gsize i = 0; i < length_a; i++)
    difference |= (guint8) a[i] ^ (guint8) b[i];

  return difference == 0;
}

void
zp_oauth_wipe_string (char *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
