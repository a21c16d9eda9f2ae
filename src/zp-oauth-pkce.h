/* zp-oauth-pkce.h: PKCE verifiers and challenges, and unguessable OAuth state values
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 7636 section 4.1: 43 to 128 characters from the unreserved set. */
#define ZP_OAUTH_PKCE_VERIFIER_MIN 43
#define ZP_OAUTH_PKCE_VERIFIER_MAX 128

/* length characters of [A-Za-z0-9-._~] from the kernel's random source. */
char     *zp_oauth_random_string       (gsize        length);

/* A fresh code verifier (64 characters). The caller wipes it when done. */
char     *zp_oauth_pkce_new_verifier   (void);

/* BASE64URL(SHA256(verifier)) without padding: the S256 code challenge. */
char     *zp_oauth_pkce_challenge      (const char  *verifier);

/* TRUE when verifier is well-formed per RFC 7636. */
gboolean  zp_oauth_pkce_verifier_valid (const char  *verifier);

/* Compares two secrets in time that does not depend on where they differ. */
gboolean  zp_oauth_secrets_equal       (const char  *a,
                                        const char  *b);

/* Overwrites and frees a string that held a secret. */
void      zp_oauth_wipe_string         (char        *secret);

/* g_auto(ZpOAuthSecret) wipes the string when it goes out of scope. */
typedef char *ZpOAuthSecret;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (ZpOAuthSecret, zp_oauth_wipe_string, NULL)

G_END_DECLS
