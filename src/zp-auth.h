/* zp-auth.h: who we are to Zoom, and a valid access token when asked
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "zp-token-store.h"

G_BEGIN_DECLS

#define ZP_AUTH_ERROR (zp_auth_error_quark ())

typedef enum
{
  ZP_AUTH_ERROR_SIGNED_OUT,      /* no token stored, or Zoom ended the sign-in (invalid_grant) */
  ZP_AUTH_ERROR_REJECTED,        /* Zoom refused the token and it cannot be renewed here */
  ZP_AUTH_ERROR_KEYRING,         /* the keyring could not be read or written */
  ZP_AUTH_ERROR_INVALID,         /* the token given is empty or malformed */
  ZP_AUTH_ERROR_NO_CLIENT_ID,    /* sign-in needs a client id and none is set */
  ZP_AUTH_ERROR_NEEDS_SECRET,    /* the chosen kind of sign-in needs the client secret */
  ZP_AUTH_ERROR_NEEDS_USER_ID,   /* server-to-server sign-in with user-id "me" */
  ZP_AUTH_ERROR_SIGN_IN_FAILED,  /* declined, wrong state, timed out, refused: nothing saved */
  ZP_AUTH_ERROR_NETWORK,         /* Zoom's sign-in service not reachable now: try again later */
} ZpAuthError;

typedef enum
{
  ZP_AUTH_STATE_LOADING,
  ZP_AUTH_STATE_SIGNED_OUT,
  ZP_AUTH_STATE_SIGNED_IN,
  ZP_AUTH_STATE_REJECTED,
  ZP_AUTH_STATE_KEYRING_ERROR,
} ZpAuthState;

/* How "Sign in" signs in: the GSettings key auth-mode (nicks are the key's values). */
typedef enum
{
  ZP_AUTH_MODE_PUBLIC_CLIENT,     /*< nick=public-client >*/
  ZP_AUTH_MODE_CLIENT_SECRET,     /*< nick=client-secret >*/
  ZP_AUTH_MODE_SERVER_TO_SERVER,  /*< nick=server-to-server >*/
} ZpAuthMode;

#define ZP_TYPE_AUTH (zp_auth_get_type ())

G_DECLARE_FINAL_TYPE (ZpAuth, zp_auth, ZP, AUTH, GObject)

GQuark        zp_auth_error_quark        (void);

/* Properties: "state" (ZpAuthState), "account-label" (string or NULL), "signing-in" (boolean);
 * all notify on change. settings is the application's GSettings (client-id, oauth-base-url,
 * auth-mode, account-id, user-id). */
ZpAuth       *zp_auth_new                (ZpTokenStore         *store,
                                          GSettings            *settings);
ZpAuthState   zp_auth_get_state          (ZpAuth               *self);
const GError *zp_auth_get_error          (ZpAuth               *self);
const char   *zp_auth_get_api_url        (ZpAuth               *self);
/* The user's name or email from GET {api}/users/me, or NULL when not known. */
const char   *zp_auth_get_account_label  (ZpAuth               *self);
gboolean      zp_auth_get_signing_in     (ZpAuth               *self);
/* Where GET /users/me goes: the API base the application uses. */
void          zp_auth_set_api_base_url   (ZpAuth               *self,
                                          const char           *api_base_url);

void          zp_auth_load_async         (ZpAuth               *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean      zp_auth_load_finish        (ZpAuth               *self,
                                          GAsyncResult         *result,
                                          GError              **error);

/* A valid access token; renewed first when it expires within five minutes. Concurrent callers
 * share one renewal, and a rotated refresh token is in the keyring before the new access token
 * is handed out. A ZP_AUTH_ERROR_NETWORK error is passing: try again later. */
void          zp_auth_get_token_async    (ZpAuth               *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
char         *zp_auth_get_token_finish   (ZpAuth               *self,
                                          GAsyncResult         *result,
                                          GError              **error);

/* Zoom answered 401 to access_token. When it can be renewed (and was not itself renewed
 * because of a 401 a moment ago), the state stays SIGNED_IN and the next get_token renews
 * first: retry the request ONCE with that token. A 401 to the retry makes the state REJECTED,
 * so it never loops. A late answer about a token already replaced changes nothing. */
void          zp_auth_token_rejected     (ZpAuth               *self,
                                          const char           *access_token);

/* Keeps a token given by hand (--set-token). */
void          zp_auth_set_token_async    (ZpAuth               *self,
                                          const char           *access_token,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean      zp_auth_set_token_finish   (ZpAuth               *self,
                                          GAsyncResult         *result,
                                          GError              **error);

/* Signs in the way auth-mode says: through the browser and a 127.0.0.1 redirect (PKCE S256),
 * or with account credentials. client_secret is needed for the client-secret and
 * server-to-server modes unless the keyring already holds one; it is kept only in the keyring.
 * A new sign-in cancels one still waiting for the browser. */
void          zp_auth_sign_in_async      (ZpAuth               *self,
                                          const char           *client_secret,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean      zp_auth_sign_in_finish     (ZpAuth               *self,
                                          GAsyncResult         *result,
                                          GError              **error);

/* Revokes the grant at {oauth-base-url}/oauth/revoke (a failure there is logged, not fatal),
 * then clears the keyring item; the state becomes SIGNED_OUT. */
void          zp_auth_sign_out_async     (ZpAuth               *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean      zp_auth_sign_out_finish    (ZpAuth               *self,
                                          GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
