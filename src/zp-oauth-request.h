/* zp-oauth-request.h: requests to Zoom's OAuth token and revoke endpoints
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "zp-token-store.h"

G_BEGIN_DECLS

#define ZP_OAUTH_ERROR (zp_oauth_error_quark ())

typedef enum
{
  ZP_OAUTH_ERROR_NETWORK,         /* not reached, or a 5xx: worth trying again later */
  ZP_OAUTH_ERROR_INVALID_GRANT,   /* the refresh token or code is dead (rotated, revoked) */
  ZP_OAUTH_ERROR_INVALID_CLIENT,  /* unknown client id or wrong secret (4702, 4704) */
  ZP_OAUTH_ERROR_CODE_EXPIRED,    /* 4733 */
  ZP_OAUTH_ERROR_REDIRECT,        /* 4709: redirect address does not match */
  ZP_OAUTH_ERROR_REFUSED,         /* any other refusal */
  ZP_OAUTH_ERROR_BAD_REPLY,       /* a success that could not be read */
  ZP_OAUTH_ERROR_BAD_ADDRESS,     /* the OAuth base address is not https (or loopback http) */
} ZpOAuthError;

/* Who asks. Without a secret the client is public: its id goes in the body and no
 * Authorization header is sent. With one, HTTP Basic authentication is used. */
typedef struct
{
  const char *base_url;
  const char *client_id;
  const char *client_secret;
} ZpOAuthClient;

GQuark      zp_oauth_error_quark            (void);

/* https, or http on a loopback address only. */
gboolean    zp_oauth_check_base_url         (const char           *base_url,
                                             GError              **error);

char       *zp_oauth_build_authorize_url    (const ZpOAuthClient  *client,
                                             const char           *redirect_uri,
                                             const char           *state,
                                             const char           *code_challenge);

/* POST {base}/oauth/token. fields are name/value pairs ending in NULL; query_fields, if not
 * NULL, go on the address instead (Zoom wants account_credentials there). The token set comes
 * back with kind ZP_TOKEN_KIND_OAUTH and expires_at computed from expires_in. */
void        zp_oauth_request_token_async    (SoupSession          *session,
                                             const ZpOAuthClient  *client,
                                             const char * const   *query_fields,
                                             const char * const   *fields,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
ZpTokenSet *zp_oauth_request_token_finish   (GAsyncResult         *result,
                                             GError              **error);

/* POST {base}/oauth/revoke with token=... */
void        zp_oauth_request_revoke_async   (SoupSession          *session,
                                             const ZpOAuthClient  *client,
                                             const char           *token,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean    zp_oauth_request_revoke_finish  (GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
