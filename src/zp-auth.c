/* zp-auth.c: who we are to Zoom, and a valid access token when asked
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Holds the token set loaded from the keyring and keeps it valid. Renewals (refresh grant, or
 * account credentials for server-to-server apps) are shared by every caller that arrives while
 * one runs, and their result is written to the keyring before anyone gets the new access token:
 * Zoom's refresh tokens rotate, so a new one that only lived in memory would be lost with the
 * process. Whatever replaces the token set (sign-in, sign-out, a pasted token, a reload) bumps
 * a generation number, and late answers of older generations are thrown away.
 */

#define G_LOG_DOMAIN "zp-auth"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "zp-auth-private.h"
#include "zp-enums.h"
#include "zp-oauth-loopback.h"
#include "zp-oauth-pkce.h"
#include "zp-oauth-request.h"
#include "zp-url.h"

/* Zoom's tokens are a few hundred characters; anything far beyond is not a token. */
#define MAX_TOKEN_LENGTH 8192
/* Renew this long before the access token expires. */
#define RENEW_MARGIN_SECONDS 300
/* The sign-in service answers in well under a second; this is a hang. */
#define HTTP_TIMEOUT_SECONDS 30
/* A token renewed because Zoom refused the last one, and refused within this time as well,
 * means renewing does not help: the second refusal stands. */
#define FORCED_RENEWAL_WINDOW_SECONDS 600
/* The state parameter: 32 characters of 66 is about 190 bits. */
#define STATE_LENGTH 32
#define MAX_USER_REPLY_BYTES (256 * 1024)

struct _ZpAuth
{
  GObject            parent_instance;

  ZpTokenStore      *store;
  GSettings         *settings;
  SoupSession       *session;
  GCancellable      *cancellable;

  ZpTokenSet        *token_set;
  guint              generation;
  gboolean           unsaved;       /* token_set is newer than the keyring's copy */
  ZpAuthState        state;
  GError            *error;

  /* Callers of get_token that arrived while the keyring was still being read. */
  GPtrArray         *waiting_tasks;
  gboolean           loading;
  /* Callers waiting for the renewal (or keyring write) in progress; NULL when none runs. */
  GPtrArray         *renew_tasks;
  guint              renewal_count;
  gboolean           must_renew;           /* Zoom refused the current access token */
  gboolean           renewal_forced;       /* the renewal running was caused by a refusal */
  gint64             forced_renewal_time;  /* monotonic µs of the last such renewal, or 0 */

  GCancellable      *sign_in_cancellable;
  guint              sign_in_timeout;
  ZpAuthBrowserFunc  browser_func;
  gpointer           browser_data;

  char              *api_base_url;
  char              *account_label;
  guint              account_generation;  /* the generation the label belongs to */
  guint              account_source;
};

G_DEFINE_TYPE (ZpAuth, zp_auth, G_TYPE_OBJECT)
G_DEFINE_QUARK (zp-auth-error-quark, zp_auth_error)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ACCOUNT_LABEL,
  PROP_SIGNING_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_save (ZpAuth *self);
static void queue_account_lookup (ZpAuth *self);

static void
set_state (ZpAuth       *self,
           ZpAuthState   state,
           const GError *error)
{
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);

  if (self->state == state)
    return;

  g_debug ("State %d -> %d", self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_account_label (ZpAuth     *self,
                   const char *label)
{
  if (g_strcmp0 (self->account_label, label) == 0)
    return;

  g_free (self->account_label);
  self->account_label = g_strdup (label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_LABEL]);
}

/* Replaces the token set; NULL signs out. Older answers in flight are ignored from now on. */
static void
replace_token_set (ZpAuth     *self,
                   ZpTokenSet *token_set)
{
  g_clear_pointer (&self->token_set, zp_token_set_free);
  self->token_set = token_set;
  self->unsaved = FALSE;
  self->must_renew = FALSE;
  self->forced_renewal_time = 0;
  self->generation++;
  set_account_label (self, NULL);
}

static gboolean
is_signing_in (ZpAuth *self)
{
  return self->sign_in_cancellable != NULL;
}

static char *
dup_client_id (ZpAuth *self)
{
  g_autofree char *client_id = g_settings_get_string (self->settings, "client-id");

  g_strstrip (client_id);
  if (*client_id != '\0')
    return g_steal_pointer (&client_id);

  return g_strdup (ZP_DEFAULT_CLIENT_ID);
}

static char *
dup_setting (ZpAuth     *self,
             const char *key)
{
  char *value = g_settings_get_string (self->settings, key);

  return g_strstrip (value);
}

static gboolean
user_id_is_me (ZpAuth *self)
{
  g_autofree char *user_id = dup_setting (self, "user-id");

  return *user_id == '\0' || g_ascii_strcasecmp (user_id, "me") == 0;
}

static GError *
needs_user_id_error (void)
{
  return g_error_new_literal (ZP_AUTH_ERROR, ZP_AUTH_ERROR_NEEDS_USER_ID,
                              _("A server-to-server Zoom app cannot use “me”. Set the Zoom "
                                "user (the user-id setting) to the email address or id of "
                                "the person whose status this applet sets."));
}

static gboolean
can_renew (const ZpTokenSet *token_set)
{
  if (token_set == NULL)
    return FALSE;

  switch (token_set->kind)
    {
    case ZP_TOKEN_KIND_OAUTH:
      return token_set->refresh_token != NULL;

    case ZP_TOKEN_KIND_SERVER_TO_SERVER:
      return token_set->client_secret != NULL;

    case ZP_TOKEN_KIND_MANUAL:
    default:
      return FALSE;
    }
}

static gboolean
expires_soon (const ZpTokenSet *token_set)
{
  if (token_set->expires_at == 0)
    return FALSE;

  return g_get_real_time () + (gint64) RENEW_MARGIN_SECONDS * G_USEC_PER_SEC >=
         token_set->expires_at;
}

/* Hands the current token, or the reason there is none, to one waiting caller. */
static void
answer_task (ZpAuth *self,
             GTask  *task)
{
  switch (self->state)
    {
    case ZP_AUTH_STATE_SIGNED_IN:
      if (self->token_set->kind == ZP_TOKEN_KIND_SERVER_TO_SERVER && user_id_is_me (self))
        g_task_return_error (task, needs_user_id_error ());
      else
        g_task_return_pointer (task, g_strdup (self->token_set->access_token),
                               (GDestroyNotify) zp_oauth_wipe_string);
      break;

    case ZP_AUTH_STATE_REJECTED:
      if (self->token_set != NULL && self->token_set->kind == ZP_TOKEN_KIND_MANUAL)
        g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_REJECTED,
                                 _("Zoom no longer accepts the stored token. Sign in "
                                   "again."));
      else
        g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_REJECTED,
                                 _("Zoom refused even a freshly renewed token. Sign in "
                                   "again."));
      break;

    case ZP_AUTH_STATE_KEYRING_ERROR:
      g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_KEYRING, "%s",
                               self->error != NULL ? self->error->message
                                                   : _("The keyring could not be read."));
      break;

    case ZP_AUTH_STATE_SIGNED_OUT:
    case ZP_AUTH_STATE_LOADING:
    default:
      if (self->error != NULL && self->error->domain == ZP_AUTH_ERROR)
        g_task_return_error (task, g_error_copy (self->error));
      else
        g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGNED_OUT,
                                 _("Not signed in to Zoom. Choose “Sign in…” in the menu, "
                                   "or run “zoom-presence --sign-in”."));
      break;
    }
}

static void
answer_tasks (ZpAuth     *self,
              GPtrArray **tasks_location)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (tasks_location);

  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    answer_task (self, g_ptr_array_index (tasks, i));
}

static void
fail_tasks (GPtrArray    **tasks_location,
            const GError  *error)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (tasks_location);

  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    g_task_return_error (g_ptr_array_index (tasks, i), g_error_copy (error));
}

static void
answer_waiting_tasks (ZpAuth *self)
{
  answer_tasks (self, &self->waiting_tasks);
  self->waiting_tasks = g_ptr_array_new_with_free_func (g_object_unref);
}

/* The keyring holds @token_set now (NULL: none): it replaces ours, and everyone waiting for a
 * token is answered with it. */
static void
adopt_token_set (ZpAuth     *self,
                 ZpTokenSet *token_set)
{
  replace_token_set (self, token_set);
  set_state (self, token_set != NULL ? ZP_AUTH_STATE_SIGNED_IN : ZP_AUTH_STATE_SIGNED_OUT,
             NULL);
  answer_waiting_tasks (self);
  answer_tasks (self, &self->renew_tasks);
  queue_account_lookup (self);
}

static ZpOAuthClient
oauth_client (ZpAuth     *self,
              const char *base_url,
              const char *client_id,
              const char *client_secret)
{
  ZpOAuthClient client = { base_url, client_id, client_secret };

  return client;
}

/* Renewal */

typedef struct
{
  ZpAuth *self;
  guint   generation;
} RenewData;

static RenewData *
renew_data_new (ZpAuth *self)
{
  RenewData *data = g_new0 (RenewData, 1);

  data->self = g_object_ref (self);
  data->generation = self->generation;

  return data;
}

static void
renew_data_free (RenewData *data)
{
  g_object_unref (data->self);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RenewData, renew_data_free)

typedef struct
{
  ZpAuth *self;
  guint   generation;
  GError *error;
} EndedData;

/* The dead sign-in is out of the keyring: now everyone is told. */
static void
cleared_after_failure_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  EndedData *data = user_data;
  g_autoptr(ZpAuth) self = data->self;
  g_autoptr(GError) auth_error = data->error;
  g_autoptr(GError) error = NULL;
  guint data_generation = data->generation;

  g_free (data);

  /* Worth a note only: a dead sign-in left in the keyring fails the same way next time. */
  if (!zp_token_store_clear_finish (ZP_TOKEN_STORE (object), result, &error))
    g_debug ("The dead sign-in stays in the keyring: %s", error->message);

  /* A sign-in that came in meanwhile stands. */
  if (data_generation != self->generation)
    return;

  set_state (self, ZP_AUTH_STATE_SIGNED_OUT, auth_error);
  fail_tasks (&self->renew_tasks, auth_error);
}

static void
renew_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RenewData) data = user_data;
  ZpAuth *self = data->self;
  g_autoptr(GError) error = NULL;
  gboolean saved;

  saved = zp_token_store_save_finish (ZP_TOKEN_STORE (object), result, &error);

  /* Signed out or in anew meanwhile: whoever replaced the set has answered the callers. */
  if (data->generation != self->generation)
    return;

  if (!saved)
    {
      g_autoptr(GError) keyring_error = NULL;

      /* The new set stays in memory (the old refresh token is dead already) and is written
       * again on the next request; until then nobody gets the new access token. */
      g_debug ("Renewed token set not written: %s", error->message);
      keyring_error = g_error_new (ZP_AUTH_ERROR, ZP_AUTH_ERROR_KEYRING, "%s", error->message);
      set_state (self, ZP_AUTH_STATE_KEYRING_ERROR, error);
      fail_tasks (&self->renew_tasks, keyring_error);
      return;
    }

  self->unsaved = FALSE;
  set_state (self, ZP_AUTH_STATE_SIGNED_IN, NULL);
  answer_tasks (self, &self->renew_tasks);
  queue_account_lookup (self);
}

static void
start_save (ZpAuth *self)
{
  g_assert (self->token_set != NULL);

  zp_token_store_save_async (self->store, self->token_set, self->cancellable, renew_saved_cb,
                             renew_data_new (self));
}

static void
renew_reply_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RenewData) data = user_data;
  ZpAuth *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpTokenSet) token_set = NULL;
  guint generation = data->generation;

  token_set = zp_oauth_request_token_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Signed out or in anew meanwhile: whoever replaced the set has answered the callers. */
  if (generation != self->generation)
    {
      g_debug ("Renewal answer for an older sign-in ignored");
      return;
    }

  if (token_set == NULL)
    {
      g_autoptr(GError) auth_error = NULL;
      EndedData *ended;

      if (g_error_matches (error, ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_NETWORK) ||
          g_error_matches (error, ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_BAD_REPLY))
        {
          /* Passing trouble: the current token may still work, and the next call tries
           * again. */
          auth_error = g_error_new (ZP_AUTH_ERROR, ZP_AUTH_ERROR_NETWORK, "%s",
                                    error->message);
          self->must_renew = self->renewal_forced;
          fail_tasks (&self->renew_tasks, auth_error);
          return;
        }

      /* Zoom ended this sign-in (rotated or revoked refresh token, removed app): only a new
       * sign-in helps, so say that once and forget the dead tokens. */
      g_debug ("Renewal refused: %s", error->message);
      ended = g_new0 (EndedData, 1);
      ended->self = g_object_ref (self);
      ended->error = g_error_new (ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGNED_OUT, "%s",
                                  error->message);
      replace_token_set (self, NULL);
      ended->generation = self->generation;
      zp_token_store_clear_async (self->store, NULL, cleared_after_failure_cb, ended);
      return;
    }

  /* The rotated set replaces the old one at once (the old refresh token is dead) and is
   * written to the keyring before its access token goes to anyone. */
  token_set->kind = self->token_set->kind;
  token_set->client_secret = g_strdup (self->token_set->client_secret);
  if (token_set->refresh_token == NULL && self->token_set->kind == ZP_TOKEN_KIND_OAUTH)
    token_set->refresh_token = g_strdup (self->token_set->refresh_token);
  if (token_set->api_url == NULL)
    token_set->api_url = g_strdup (self->token_set->api_url);

  g_clear_pointer (&self->token_set, zp_token_set_free);
  self->token_set = g_steal_pointer (&token_set);
  self->unsaved = TRUE;
  self->forced_renewal_time = self->renewal_forced ? g_get_monotonic_time () : 0;
  start_save (self);
}

static void
start_renewal (ZpAuth *self)
{
  g_autofree char *base_url = dup_setting (self, "oauth-base-url");
  g_autofree char *client_id = dup_client_id (self);
  ZpOAuthClient client;
  RenewData *data;

  g_assert (self->renew_tasks != NULL);
  g_assert (can_renew (self->token_set));

  self->renewal_count++;
  self->renewal_forced = self->must_renew;
  self->must_renew = FALSE;
  data = renew_data_new (self);

  client = oauth_client (self, base_url, client_id, self->token_set->client_secret);

  if (self->token_set->kind == ZP_TOKEN_KIND_SERVER_TO_SERVER)
    {
      g_autofree char *account_id = dup_setting (self, "account-id");
      const char *query[] = {
        "grant_type", "account_credentials",
        "account_id", account_id,
        NULL,
      };

      g_debug ("Fetching a new server-to-server token");
      zp_oauth_request_token_async (self->session, &client, query, NULL, self->cancellable,
                                    renew_reply_cb, data);
    }
  else
    {
      const char *fields[] = {
        "grant_type", "refresh_token",
        "refresh_token", self->token_set->refresh_token,
        NULL,
      };

      g_debug ("Refreshing the access token");
      zp_oauth_request_token_async (self->session, &client, NULL, fields, self->cancellable,
                                    renew_reply_cb, data);
    }
}

/* Joins the renewal in progress, or starts one. */
static void
join_renewal (ZpAuth *self,
              GTask  *task)
{
  gboolean running = self->renew_tasks != NULL;

  if (!running)
    self->renew_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->renew_tasks, task);

  if (running)
    return;

  /* A renewed set the keyring refused earlier goes there first, before anything else. */
  if (self->unsaved)
    start_save (self);
  else
    start_renewal (self);
}

/* Loading */

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ZpAuth *self = g_task_get_source_object (task);
  g_autoptr(ZpTokenSet) token_set = NULL;
  g_autoptr(GError) error = NULL;

  self->loading = FALSE;
  token_set = zp_token_store_load_finish (ZP_TOKEN_STORE (object), result, &error);

  if (error != NULL)
    {
      g_debug ("Keyring not read: %s", error->message);
      set_state (self, ZP_AUTH_STATE_KEYRING_ERROR, error);
      answer_waiting_tasks (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  adopt_token_set (self, g_steal_pointer (&token_set));
  g_task_return_boolean (task, TRUE);
}

static void
load_saved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ZpAuth *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  self->loading = FALSE;

  if (!zp_token_store_save_finish (ZP_TOKEN_STORE (object), result, &error))
    {
      set_state (self, ZP_AUTH_STATE_KEYRING_ERROR, error);
      answer_waiting_tasks (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->unsaved = FALSE;
  set_state (self, ZP_AUTH_STATE_SIGNED_IN, NULL);
  answer_waiting_tasks (self);
  g_task_return_boolean (task, TRUE);
}

void
zp_auth_load_async (ZpAuth              *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ZP_IS_AUTH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_auth_load_async);

  self->loading = TRUE;

  /* Reading the keyring back would lose a renewed set it refused to take: write that first. */
  if (self->unsaved && self->token_set != NULL)
    {
      zp_token_store_save_async (self->store, self->token_set, cancellable, load_saved_cb,
                                 g_steal_pointer (&task));
      return;
    }

  zp_token_store_load_async (self->store, cancellable, load_cb, g_steal_pointer (&task));
}

gboolean
zp_auth_load_finish (ZpAuth        *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == zp_auth_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Tokens */

void
zp_auth_get_token_async (ZpAuth              *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ZP_IS_AUTH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_auth_get_token_async);

  if (self->loading || self->state == ZP_AUTH_STATE_LOADING)
    {
      g_ptr_array_add (self->waiting_tasks, g_steal_pointer (&task));
      return;
    }

  if (self->renew_tasks != NULL ||
      (self->unsaved && self->token_set != NULL) ||
      (self->state == ZP_AUTH_STATE_SIGNED_IN && can_renew (self->token_set) &&
       (self->must_renew || expires_soon (self->token_set))))
    {
      join_renewal (self, g_steal_pointer (&task));
      return;
    }

  answer_task (self, task);
}

char *
zp_auth_get_token_finish (ZpAuth        *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == zp_auth_get_token_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
zp_auth_token_rejected (ZpAuth     *self,
                        const char *access_token)
{
  gboolean just_renewed;

  g_return_if_fail (ZP_IS_AUTH (self));

  /* A late answer about a token that has since been replaced says nothing about the new one. */
  if (self->token_set == NULL || access_token == NULL ||
      !zp_oauth_secrets_equal (self->token_set->access_token, access_token))
    return;

  just_renewed = self->forced_renewal_time != 0 &&
                 g_get_monotonic_time () - self->forced_renewal_time <
                 (gint64) FORCED_RENEWAL_WINDOW_SECONDS * G_USEC_PER_SEC;

  if (can_renew (self->token_set) && !just_renewed)
    {
      /* One renewal, then one retry: the caller asks for a token again. */
      g_debug ("Zoom refused the access token; the next request renews it first");
      self->must_renew = TRUE;
      return;
    }

  /* Nothing to renew, or the renewed token was refused as well. The token stays in the
   * keyring: nothing is lost if Zoom's answer was a passing fault. */
  g_debug ("Zoom refused the access token%s", just_renewed ? " again after renewing it" : "");
  set_state (self, ZP_AUTH_STATE_REJECTED, NULL);
}

static void
set_token_saved_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ZpAuth *self = g_task_get_source_object (task);
  ZpTokenSet *token_set = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!zp_token_store_save_finish (ZP_TOKEN_STORE (object), result, &error))
    {
      g_debug ("Keyring not written: %s", error->message);
      g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_KEYRING, "%s",
                               error->message);
      return;
    }

  adopt_token_set (self, zp_token_set_copy (token_set));
  g_task_return_boolean (task, TRUE);
}

static gboolean
token_is_plausible (const char *token)
{
  gsize length = strlen (token);

  if (length == 0 || length > MAX_TOKEN_LENGTH)
    return FALSE;

  /* Bearer tokens are printable ASCII without spaces (RFC 6750's b64token and then some). */
  for (const char *p = token; *p != '\0'; p++)
    {
      if (!g_ascii_isgraph (*p))
        return FALSE;
    }

  return TRUE;
}

void
zp_auth_set_token_async (ZpAuth              *self,
                         const char          *access_token,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ZpTokenSet *token_set;

  g_return_if_fail (ZP_IS_AUTH (self));
  g_return_if_fail (access_token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_auth_set_token_async);

  if (!token_is_plausible (access_token))
    {
      g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_INVALID,
                               _("That does not look like a Zoom access token: it must be "
                                 "one line of printable characters without spaces."));
      return;
    }

  token_set = zp_token_set_new (ZP_TOKEN_KIND_MANUAL, access_token);
  g_task_set_task_data (task, token_set, (GDestroyNotify) zp_token_set_free);
  /* Not g_task_get_task_data () in the call: g_steal_pointer () may run first. */
  zp_token_store_save_async (self->store, token_set, cancellable, set_token_saved_cb,
                             g_steal_pointer (&task));
}

gboolean
zp_auth_set_token_finish (ZpAuth        *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == zp_auth_set_token_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sign-in */

typedef struct
{
  ZpAuthMode       mode;
  char            *base_url;
  char            *client_id;
  char            *client_secret;
  char            *verifier;
  ZpOAuthLoopback *loopback;
  ZpTokenSet      *token_set;    /* Zoom's answer, on its way to the keyring */
  GCancellable    *cancellable;  /* this sign-in's own: a newer sign-in or sign-out cancels it */
  GCancellable    *caller_cancellable;
  gulong           caller_handler;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->base_url);
  g_free (sign_in->client_id);
  zp_oauth_wipe_string (sign_in->client_secret);
  zp_oauth_wipe_string (sign_in->verifier);
  g_clear_object (&sign_in->loopback);
  g_clear_pointer (&sign_in->token_set, zp_token_set_free);
  if (sign_in->caller_handler != 0)
    g_cancellable_disconnect (sign_in->caller_cancellable, sign_in->caller_handler);
  g_clear_object (&sign_in->caller_cancellable);
  g_clear_object (&sign_in->cancellable);
  g_free (sign_in);
}

static void
cancel_sign_in (ZpAuth *self)
{
  g_autoptr(GCancellable) cancellable = g_steal_pointer (&self->sign_in_cancellable);

  if (cancellable == NULL)
    return;

  g_debug ("Cancelling the sign-in in progress");
  g_cancellable_cancel (cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNING_IN]);
}

/* Ends a sign-in with an error (converted to ours) or with success (error NULL). */
static void
sign_in_done (GTask  *task,
              GError *error)
{
  ZpAuth *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr(GError) owned_error = error;

  /* A newer sign-in has taken over the "signing-in" flag already. */
  if (self->sign_in_cancellable == sign_in->cancellable)
    {
      g_clear_object (&self->sign_in_cancellable);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNING_IN]);
    }

  /* The port closes now, not when the last reference to the task goes. */
  g_clear_object (&sign_in->loopback);

  if (error == NULL)
    {
      g_debug ("Signed in");
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_debug ("Sign-in failed: %s", error->message);

  if (error->domain == ZP_AUTH_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&owned_error));
  else if (g_error_matches (error, ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_NETWORK))
    g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_NETWORK, "%s",
                             error->message);
  else if (g_error_matches (error, ZP_OAUTH_ERROR, ZP_OAUTH_ERROR_INVALID_GRANT))
    g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGN_IN_FAILED,
                             _("Zoom refused the sign-in code. Nothing was saved. Sign in "
                               "again."));
  else
    g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGN_IN_FAILED, "%s",
                             error->message);
}

static void
sign_in_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ZpAuth *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!zp_token_store_save_finish (ZP_TOKEN_STORE (object), result, &error))
    {
      sign_in_done (task, g_error_new (ZP_AUTH_ERROR, ZP_AUTH_ERROR_KEYRING,
                                       _("Zoom accepted the sign-in, but the keyring did "
                                         "not save it: %s"), error->message));
      return;
    }

  adopt_token_set (self, g_steal_pointer (&sign_in->token_set));
  sign_in_done (g_steal_pointer (&task), NULL);
}

static void
sign_in_token_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ZpAuth *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  ZpTokenSet *token_set;

  token_set = zp_oauth_request_token_finish (result, &error);
  if (token_set == NULL)
    {
      sign_in_done (g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }

  if (sign_in->mode == ZP_AUTH_MODE_SERVER_TO_SERVER)
    {
      token_set->kind = ZP_TOKEN_KIND_SERVER_TO_SERVER;
      g_clear_pointer (&token_set->refresh_token, zp_oauth_wipe_string);
    }
  token_set->client_secret = g_strdup (sign_in->client_secret);

  sign_in->token_set = token_set;
  zp_token_store_save_async (self->store, token_set, sign_in->cancellable, sign_in_saved_cb,
                             g_steal_pointer (&task));
}

static void
sign_in_code_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ZpAuth *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_auto(ZpOAuthSecret) code = NULL;
  ZpOAuthClient client;

  code = zp_oauth_loopback_wait_finish (ZP_OAUTH_LOOPBACK (object), result, &error);
  if (code == NULL)
    {
      sign_in_done (g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }

  {
    const char *fields[] = {
      "grant_type", "authorization_code",
      "code", code,
      "redirect_uri", zp_oauth_loopback_get_redirect_uri (sign_in->loopback),
      "code_verifier", sign_in->verifier,
      NULL,
    };

    client = oauth_client (self, sign_in->base_url, sign_in->client_id, sign_in->client_secret);
    zp_oauth_request_token_async (self->session, &client, NULL, fields, sign_in->cancellable,
                                  sign_in_token_cb, g_steal_pointer (&task));
  }
}

static void
wait_for_browser (GTask *task)
{
  ZpAuth *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);

  zp_oauth_loopback_wait_async (sign_in->loopback, self->sign_in_timeout, sign_in->cancellable,
                                sign_in_code_cb, task);
}

static void
browser_launched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          sign_in_done (g_steal_pointer (&task), g_steal_pointer (&error));
          return;
        }

      sign_in_done (g_steal_pointer (&task),
                    g_error_new (ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGN_IN_FAILED,
                                 _("Could not open a web browser for the sign-in: %s"),
                                 error->message));
      return;
    }

  g_debug ("Browser opened; waiting for it to come back");
  wait_for_browser (g_steal_pointer (&task));
}

static void
start_browser_sign_in (ZpAuth *self,
                       GTask  *task)
{
  SignIn *sign_in = g_task_get_task_data (task);
  g_auto(ZpOAuthSecret) state = zp_oauth_random_string (STATE_LENGTH);
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  ZpOAuthClient client;

  sign_in->verifier = zp_oauth_pkce_new_verifier ();
  challenge = zp_oauth_pkce_challenge (sign_in->verifier);

  sign_in->loopback = zp_oauth_loopback_new (state, &error);
  if (sign_in->loopback == NULL)
    {
      sign_in_done (task, g_steal_pointer (&error));
      return;
    }

  client = oauth_client (self, sign_in->base_url, sign_in->client_id, sign_in->client_secret);
  url = zp_oauth_build_authorize_url (&client,
                                      zp_oauth_loopback_get_redirect_uri (sign_in->loopback),
                                      state, challenge);

  if (self->browser_func != NULL)
    {
      self->browser_func (url, self->browser_data);
      wait_for_browser (task);
      return;
    }

  /* Inside Flatpak, GIO goes through the OpenURI portal by itself. */
  g_debug ("Opening the browser for the sign-in");
  g_app_info_launch_default_for_uri_async (url, NULL, sign_in->cancellable,
                                           browser_launched_cb, task);
}

static void
start_account_sign_in (ZpAuth *self,
                       GTask  *task)
{
  SignIn *sign_in = g_task_get_task_data (task);
  g_autofree char *account_id = dup_setting (self, "account-id");
  const char *query[] = {
    "grant_type", "account_credentials",
    "account_id", account_id,
    NULL,
  };
  ZpOAuthClient client;

  if (*account_id == '\0')
    {
      sign_in_done (task, g_error_new_literal (ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGN_IN_FAILED,
                                               _("A server-to-server sign-in needs the Zoom "
                                                 "account id (the account-id setting).")));
      return;
    }

  client = oauth_client (self, sign_in->base_url, sign_in->client_id, sign_in->client_secret);
  zp_oauth_request_token_async (self->session, &client, query, NULL, sign_in->cancellable,
                                sign_in_token_cb, task);
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     GCancellable *sign_in_cancellable)
{
  g_cancellable_cancel (sign_in_cancellable);
}

void
zp_auth_sign_in_async (ZpAuth              *self,
                       const char          *client_secret,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SignIn *sign_in;

  g_return_if_fail (ZP_IS_AUTH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_auth_sign_in_async);

  cancel_sign_in (self);

  sign_in = g_new0 (SignIn, 1);
  sign_in->mode = g_settings_get_enum (self->settings, "auth-mode");
  sign_in->base_url = dup_setting (self, "oauth-base-url");
  sign_in->client_id = dup_client_id (self);
  sign_in->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);

  if (*sign_in->client_id == '\0')
    {
      g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_NO_CLIENT_ID,
                               _("No Zoom client id is set. Put the client id of your Zoom "
                                 "Marketplace app in Preferences (the client-id setting)."));
      return;
    }

  if (!zp_oauth_check_base_url (sign_in->base_url, &error))
    {
      g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGN_IN_FAILED, "%s",
                               error->message);
      return;
    }

  if (sign_in->mode != ZP_AUTH_MODE_PUBLIC_CLIENT)
    {
      if (client_secret != NULL && *client_secret != '\0')
        sign_in->client_secret = g_strdup (client_secret);
      else if (self->token_set != NULL && self->token_set->client_secret != NULL)
        sign_in->client_secret = g_strdup (self->token_set->client_secret);

      if (sign_in->client_secret == NULL)
        {
          g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_NEEDS_SECRET,
                                   _("This kind of sign-in needs the client secret of your "
                                     "Zoom app. Give it on standard input: "
                                     "zoom-presence --sign-in < secret.txt"));
          return;
        }
    }

  if (sign_in->mode == ZP_AUTH_MODE_SERVER_TO_SERVER && user_id_is_me (self))
    {
      g_task_return_error (task, needs_user_id_error ());
      return;
    }

  self->sign_in_cancellable = g_object_ref (sign_in->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNING_IN]);

  /* The caller's cancellable stops the sign-in itself, not only the wait for its answer. */
  if (cancellable != NULL)
    {
      sign_in->caller_cancellable = g_object_ref (cancellable);
      sign_in->caller_handler = g_cancellable_connect (cancellable,
                                                       G_CALLBACK (caller_cancelled_cb),
                                                       g_object_ref (sign_in->cancellable),
                                                       g_object_unref);
    }

  if (sign_in->mode == ZP_AUTH_MODE_SERVER_TO_SERVER)
    start_account_sign_in (self, g_steal_pointer (&task));
  else
    start_browser_sign_in (self, g_steal_pointer (&task));
}

gboolean
zp_auth_sign_in_finish (ZpAuth        *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == zp_auth_sign_in_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sign-out */

static void
sign_out_cleared_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ZpAuth *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* Signed out here whatever the keyring says: the grant is revoked already. */
  replace_token_set (self, NULL);
  set_state (self, ZP_AUTH_STATE_SIGNED_OUT, NULL);
  answer_tasks (self, &self->renew_tasks);

  if (!zp_token_store_clear_finish (ZP_TOKEN_STORE (object), result, &error))
    {
      g_task_return_new_error (task, ZP_AUTH_ERROR, ZP_AUTH_ERROR_KEYRING, "%s",
                               error->message);
      return;
    }

  g_debug ("Signed out");
  g_task_return_boolean (task, TRUE);
}

static void
revoked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ZpAuth *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  /* The keyring is cleared either way; the grant then simply expires on Zoom's side. */
  if (!zp_oauth_request_revoke_finish (result, &error))
    g_warning ("Zoom was not told about the sign-out: %s", error->message);
  else
    g_debug ("Zoom revoked the sign-in");

  cancellable = g_task_get_cancellable (task);
  zp_token_store_clear_async (self->store, cancellable, sign_out_cleared_cb,
                              g_steal_pointer (&task));
}

static void
revoke_and_clear (ZpAuth *self,
                  GTask  *task)
{
  ZpTokenSet *token_set = g_task_get_task_data (task);

  if (token_set != NULL && token_set->kind != ZP_TOKEN_KIND_MANUAL)
    {
      g_autofree char *base_url = dup_setting (self, "oauth-base-url");
      g_autofree char *client_id = dup_client_id (self);
      ZpOAuthClient client = oauth_client (self, base_url, client_id,
                                           token_set->client_secret);
      /* The refresh token is the lasting part of the grant; revoking it ends the grant. */
      const char *token = token_set->refresh_token != NULL ? token_set->refresh_token
                                                           : token_set->access_token;

      zp_oauth_request_revoke_async (self->session, &client, token,
                                     g_task_get_cancellable (task), revoked_cb, task);
      return;
    }

  zp_token_store_clear_async (self->store, g_task_get_cancellable (task), sign_out_cleared_cb,
                              task);
}

static void
sign_out_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  ZpAuth *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  ZpTokenSet *token_set;

  /* An unreadable keyring still gets cleared; what is in memory is revoked instead. */
  token_set = zp_token_store_load_finish (ZP_TOKEN_STORE (object), result, &error);
  if (token_set == NULL && self->token_set != NULL)
    token_set = zp_token_set_copy (self->token_set);
  if (error != NULL)
    g_debug ("Keyring not read before signing out: %s", error->message);

  g_task_set_task_data (task, token_set, (GDestroyNotify) zp_token_set_free);
  revoke_and_clear (self, task);
}

void
zp_auth_sign_out_async (ZpAuth              *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ZP_IS_AUTH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_auth_sign_out_async);

  cancel_sign_in (self);

  /* What is in memory may be newer than the keyring (a renewal it refused to take); a process
   * that has only just started may not have read the keyring yet. */
  if (self->token_set != NULL && (self->unsaved || !self->loading))
    {
      g_task_set_task_data (task, zp_token_set_copy (self->token_set),
                            (GDestroyNotify) zp_token_set_free);
      revoke_and_clear (self, g_steal_pointer (&task));
      return;
    }

  zp_token_store_load_async (self->store, cancellable, sign_out_loaded_cb,
                             g_steal_pointer (&task));
}

gboolean
zp_auth_sign_out_finish (ZpAuth        *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == zp_auth_sign_out_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Who is signed in */

static gboolean
scope_allows_user_read (const char *scope)
{
  static const char * const readers[] = {
    "user:read", "user:read:admin", "user:read:user", "user:read:user:admin", NULL,
  };
  g_auto(GStrv) scopes = NULL;

  /* Without a word on the scopes, asking would most likely earn a refusal. */
  if (scope == NULL)
    return FALSE;

  scopes = g_strsplit_set (scope, " ,", -1);
  for (guint i = 0; scopes[i] != NULL; i++)
    {
      if (g_strv_contains (readers, scopes[i]))
        return TRUE;
    }

  return FALSE;
}

static char *
label_from_user (JsonObject *user)
{
  const char *display_name = json_object_get_string_member_with_default (user, "display_name",
                                                                         NULL);
  const char *first = json_object_get_string_member_with_default (user, "first_name", NULL);
  const char *last = json_object_get_string_member_with_default (user, "last_name", NULL);
  const char *email = json_object_get_string_member_with_default (user, "email", NULL);
  g_autofree char *name = NULL;

  if (display_name != NULL && *display_name != '\0')
    name = g_strdup (display_name);
  else if (first != NULL && *first != '\0')
    name = last != NULL && *last != '\0' ? g_strdup_printf ("%s %s", first, last)
                                         : g_strdup (first);
  else if (email != NULL && *email != '\0')
    name = g_strdup (email);

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;

  /* A label for a menu, not a document. */
  if (g_utf8_strlen (name, -1) > 80)
    {
      char *end = g_utf8_offset_to_pointer (name, 80);

      *end = '\0';
    }

  return g_steal_pointer (&name);
}

typedef struct
{
  ZpAuth *self;
  guint   generation;
} LookupData;

static void
user_reply_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  LookupData *data = user_data;
  g_autoptr(ZpAuth) self = data->self;
  guint generation = data->generation;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *label = NULL;
  SoupMessage *message;
  JsonNode *root;
  const char *bytes;
  gsize length = 0;
  guint status;

  g_free (data);

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  message = soup_session_get_async_result_message (SOUP_SESSION (object), result);

  if (body == NULL)
    {
      g_debug ("Who is signed in not known: %s", error->message);
      return;
    }

  status = soup_message_get_status (message);
  g_debug ("GET /users/me: HTTP %u", status);
  if (status != SOUP_STATUS_OK || generation != self->generation)
    return;

  bytes = g_bytes_get_data (body, &length);
  if (bytes == NULL || length > MAX_USER_REPLY_BYTES ||
      !json_parser_load_from_data (parser, bytes, length, NULL))
    return;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  label = label_from_user (json_node_get_object (root));
  self->account_generation = generation;
  set_account_label (self, label);
}

static gboolean
account_lookup_cb (gpointer user_data)
{
  ZpAuth *self = user_data;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;
  g_auto(ZpOAuthSecret) authorization = NULL;
  LookupData *data;
  gsize length;

  self->account_source = 0;

  if (self->state != ZP_AUTH_STATE_SIGNED_IN || self->token_set == NULL ||
      self->token_set->kind != ZP_TOKEN_KIND_OAUTH ||
      self->api_base_url == NULL || !scope_allows_user_read (self->token_set->scope) ||
      (self->account_label != NULL && self->account_generation == self->generation))
    return G_SOURCE_REMOVE;

  /* The token goes only where presence requests may go: never in clear text off this
   * computer, whatever the settings say. */
  if (!zp_url_is_acceptable_api_base (self->api_base_url, NULL))
    {
      g_debug ("Not asking who is signed in: the API address is not acceptable");
      return G_SOURCE_REMOVE;
    }

  length = strlen (self->api_base_url);
  while (length > 0 && self->api_base_url[length - 1] == '/')
    length--;
  url = g_strdup_printf ("%.*s/users/me", (int) length, self->api_base_url);

  message = soup_message_new (SOUP_METHOD_GET, url);
  if (message == NULL)
    return G_SOURCE_REMOVE;

  authorization = g_strconcat ("Bearer ", self->token_set->access_token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                authorization);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                "application/json");

  data = g_new0 (LookupData, 1);
  data->self = g_object_ref (self);
  data->generation = self->generation;
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_LOW, self->cancellable,
                                    user_reply_cb, data);

  return G_SOURCE_REMOVE;
}

/* In an idle: the application updates the API address on the same state change. */
static void
queue_account_lookup (ZpAuth *self)
{
  if (self->account_source == 0)
    self->account_source = g_idle_add (account_lookup_cb, self);
}

/* GObject */

static void
zp_auth_dispose (GObject *object)
{
  ZpAuth *self = (ZpAuth *) object;

  cancel_sign_in (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->account_source, g_source_remove);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (zp_auth_parent_class)->dispose (object);
}

static void
zp_auth_finalize (GObject *object)
{
  ZpAuth *self = (ZpAuth *) object;

  g_clear_pointer (&self->token_set, zp_token_set_free);
  g_clear_pointer (&self->waiting_tasks, g_ptr_array_unref);
  g_clear_pointer (&self->renew_tasks, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_clear_pointer (&self->api_base_url, g_free);
  g_clear_pointer (&self->account_label, g_free);

  G_OBJECT_CLASS (zp_auth_parent_class)->finalize (object);
}

static void
zp_auth_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  ZpAuth *self = ZP_AUTH (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_ACCOUNT_LABEL:
      g_value_set_string (value, self->account_label);
      break;

    case PROP_SIGNING_IN:
      g_value_set_boolean (value, is_signing_in (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_auth_class_init (ZpAuthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = zp_auth_dispose;
  object_class->finalize = zp_auth_finalize;
  object_class->get_property = zp_auth_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       ZP_TYPE_AUTH_STATE,
                       ZP_AUTH_STATE_LOADING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ACCOUNT_LABEL] =
    g_param_spec_string ("account-label", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SIGNING_IN] =
    g_param_spec_boolean ("signing-in", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
zp_auth_init (ZpAuth *self)
{
  self->state = ZP_AUTH_STATE_LOADING;
  self->waiting_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->sign_in_timeout = ZP_OAUTH_LOOPBACK_DEFAULT_TIMEOUT;
  self->session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_SECONDS,
                                                 "user-agent", "zoom-presence/" PACKAGE_VERSION,
                                                 NULL);
}

ZpAuth *
zp_auth_new (ZpTokenStore *store,
             GSettings    *settings)
{
  ZpAuth *self;

  g_return_val_if_fail (ZP_IS_TOKEN_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (ZP_TYPE_AUTH, NULL);
  self->store = g_object_ref (store);
  self->settings = g_object_ref (settings);

  return self;
}

ZpAuthState
zp_auth_get_state (ZpAuth *self)
{
  g_return_val_if_fail (ZP_IS_AUTH (self), ZP_AUTH_STATE_LOADING);

  return self->state;
}

const GError *
zp_auth_get_error (ZpAuth *self)
{
  g_return_val_if_fail (ZP_IS_AUTH (self), NULL);

  return self->error;
}

const char *
zp_auth_get_api_url (ZpAuth *self)
{
  g_return_val_if_fail (ZP_IS_AUTH (self), NULL);

  return self->token_set != NULL ? self->token_set->api_url : NULL;
}

const char *
zp_auth_get_account_label (ZpAuth *self)
{
  g_return_val_if_fail (ZP_IS_AUTH (self), NULL);

  return self->account_label;
}

gboolean
zp_auth_get_signing_in (ZpAuth *self)
{
  g_return_val_if_fail (ZP_IS_AUTH (self), FALSE);

  return is_signing_in (self);
}

void
zp_auth_set_api_base_url (ZpAuth     *self,
                          const char *api_base_url)
{
  g_return_if_fail (ZP_IS_AUTH (self));

  if (g_strcmp0 (self->api_base_url, api_base_url) == 0)
    return;

  g_free (self->api_base_url);
  self->api_base_url = g_strdup (api_base_url);
  self->account_generation = 0;
  queue_account_lookup (self);
}

void
zp_auth_set_browser_func (ZpAuth            *self,
                          ZpAuthBrowserFunc  func,
                          gpointer           user_data)
{
  g_return_if_fail (ZP_IS_AUTH (self));

  self->browser_func = func;
  self->browser_data = user_data;
}

void
zp_auth_set_sign_in_timeout (ZpAuth *self,
                             guint   seconds)
{
  g_return_if_fail (ZP_IS_AUTH (self));
  g_return_if_fail (seconds > 0);

  self->sign_in_timeout = seconds;
}

guint
zp_auth_get_renewal_count (ZpAuth *self)
{
  g_return_val_if_fail (ZP_IS_AUTH (self), 0);

  return self->renewal_count;
}
