/* zp-token-store.h: the Zoom tokens, kept in the desktop keyring
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ZP_TOKEN_STORE_ERROR (zp_token_store_error_quark ())

typedef enum
{
  ZP_TOKEN_STORE_ERROR_LOCKED,      /* the keyring is locked and was not unlocked */
  ZP_TOKEN_STORE_ERROR_NO_SERVICE,  /* no Secret Service on the session bus */
  ZP_TOKEN_STORE_ERROR_CORRUPT,     /* the stored item is not a token set we understand */
  ZP_TOKEN_STORE_ERROR_FAILED,      /* anything else the keyring said */
} ZpTokenStoreError;

typedef enum
{
  ZP_TOKEN_KIND_MANUAL = 0,       /* pasted with --set-token */
  ZP_TOKEN_KIND_OAUTH,            /* user-level OAuth (public client or with a secret) */
  ZP_TOKEN_KIND_SERVER_TO_SERVER, /* account credentials */
} ZpTokenKind;

/* One account's secrets. Stored as one versioned JSON document per keyring item. */
typedef struct
{
  ZpTokenKind  kind;
  char        *access_token;
  char        *refresh_token;  /* NULL when there is none */
  gint64       expires_at;     /* g_get_real_time() µs; 0 when unknown */
  char        *api_url;        /* the API base Zoom named at sign-in, or NULL */
  char        *scope;          /* or NULL */
  char        *client_secret;  /* confidential and server-to-server apps only, or NULL */
} ZpTokenSet;

#define ZP_TYPE_TOKEN_SET (zp_token_set_get_type ())
GType       zp_token_set_get_type  (void) G_GNUC_CONST;
ZpTokenSet *zp_token_set_new       (ZpTokenKind        kind,
                                    const char        *access_token);
ZpTokenSet *zp_token_set_copy      (const ZpTokenSet  *token_set);
void        zp_token_set_free      (ZpTokenSet        *token_set);
char       *zp_token_set_to_json   (const ZpTokenSet  *token_set);
ZpTokenSet *zp_token_set_from_json (const char        *json,
                                    GError           **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ZpTokenSet, zp_token_set_free)

#define ZP_TYPE_TOKEN_STORE (zp_token_store_get_type ())

G_DECLARE_FINAL_TYPE (ZpTokenStore, zp_token_store, ZP, TOKEN_STORE, GObject)

GQuark        zp_token_store_error_quark (void);

/* account names the keyring item, e.g. the OAuth base address, so Zoom for Government differs. */
ZpTokenStore *zp_token_store_new         (const char           *account);
const char   *zp_token_store_get_account (ZpTokenStore         *self);

void          zp_token_store_load_async  (ZpTokenStore         *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
/* Returns NULL without an error when nothing is stored. */
ZpTokenSet   *zp_token_store_load_finish (ZpTokenStore         *self,
                                          GAsyncResult         *result,
                                          GError              **error);

void          zp_token_store_save_async  (ZpTokenStore         *self,
                                          const ZpTokenSet     *token_set,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean      zp_token_store_save_finish (ZpTokenStore         *self,
                                          GAsyncResult         *result,
                                          GError              **error);

void          zp_token_store_clear_async (ZpTokenStore         *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean      zp_token_store_clear_finish (ZpTokenStore        *self,
                                           GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
