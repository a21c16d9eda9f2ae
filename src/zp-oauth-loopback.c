/* zp-oauth-loopback.c: the one-shot 127.0.0.1 listener that receives the OAuth redirect
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The browser comes back to http://127.0.0.1:PORT/callback?code=...&state=... The first
 * request on that path decides the outcome, whatever it carries; anything after it gets a page
 * saying the sign-in is over. Other paths (a browser asks for /favicon.ico) get a plain 404 and
 * decide nothing. Codes and states never reach a log line.
 */

#define G_LOG_DOMAIN "zp-oauth"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "zp-oauth-loopback.h"
#include "zp-oauth-pkce.h"

#define CALLBACK_PATH "/callback"

struct _ZpOAuthLoopback
{
  GObject      parent_instance;

  SoupServer  *server;
  char        *expected_state;
  char        *redirect_uri;

  /* The outcome, once the first callback (or the timeout) decided it. */
  gboolean     decided;
  char        *code;
  GError      *error;

  GTask       *task;
  guint        timeout_seconds;
  GSource     *timeout_source;
  GSource     *cancel_source;
};

G_DEFINE_TYPE (ZpOAuthLoopback, zp_oauth_loopback, G_TYPE_OBJECT)
G_DEFINE_QUARK (zp-oauth-loopback-error-quark, zp_oauth_loopback_error)

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Hands the decided outcome to the waiting caller, if there is one yet. */
static void
answer_waiter (ZpOAuthLoopback *self)
{
  g_autoptr(GTask) task = NULL;

  if (!self->decided || self->task == NULL)
    return;

  clear_source (&self->timeout_source);
  clear_source (&self->cancel_source);
  task = g_steal_pointer (&self->task);

  if (self->error != NULL)
    g_task_return_error (task, g_error_copy (self->error));
  else
    g_task_return_pointer (task, g_strdup (self->code), (GDestroyNotify) zp_oauth_wipe_string);
}

static void
decide (ZpOAuthLoopback *self,
        const char      *code,
        GError          *error)
{
  g_assert (!self->decided);

  self->decided = TRUE;
  self->code = g_strdup (code);
  self->error = error;

  if (error != NULL)
    g_debug ("Sign-in callback refused: %s", error->message);
  else
    g_debug ("Sign-in callback accepted");
}

static void
respond_page (SoupServerMessage *message,
              guint              status,
              const char        *heading,
              const char        *text)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  char *body;

  body = g_markup_printf_escaped ("<!DOCTYPE html>\n"
                                  "<html><head><meta charset=\"utf-8\">"
                                  "<title>%s</title></head>\n"
                                  "<body style=\"font-family: sans-serif; margin: 3em\">"
                                  "<h1>%s</h1>\n<p>%s</p></body></html>\n",
                                  _("Zoom Presence"), heading, text);

  /* The address of this page holds the code: keep it out of caches and referrers. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'");
  soup_message_headers_replace (headers, "Connection", "close");
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    body, strlen (body));
}

/* Only Zoom's plain error names are repeated to the person; anything else is left out. */
static gboolean
is_plain_error_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 64)
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_')
        return FALSE;
    }

  return TRUE;
}

static gboolean
answer_idle_cb (gpointer user_data)
{
  answer_waiter (ZP_OAUTH_LOOPBACK (user_data));

  return G_SOURCE_REMOVE;
}

/* Answers the waiter only once the page has gone out, and from an idle: the waiter may drop
 * the listener, which must not happen while the server is still inside this signal. */
static void
message_finished_cb (SoupServerMessage *message,
                     ZpOAuthLoopback   *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, answer_idle_cb, g_object_ref (self),
                   g_object_unref);
}

char *
zp_oauth_loopback_parse_callback (const char  *query,
                                  const char  *expected_state,
                                  GError     **error)
{
  g_autoptr(GHashTable) form = NULL;
  const char *state = NULL;
  const char *code = NULL;
  const char *error_name = NULL;

  g_return_val_if_fail (expected_state != NULL && *expected_state != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (query != NULL)
    {
      form = soup_form_decode (query);
      state = g_hash_table_lookup (form, "state");
      code = g_hash_table_lookup (form, "code");
      error_name = g_hash_table_lookup (form, "error");
    }

  if (!zp_oauth_secrets_equal (state, expected_state))
    {
      g_set_error_literal (error, ZP_OAUTH_LOOPBACK_ERROR,
                           ZP_OAUTH_LOOPBACK_ERROR_STATE_MISMATCH,
                           _("The browser came back with an answer that does not "
                             "belong to this sign-in, so it was refused and nothing "
                             "was saved. Sign in again."));
      return NULL;
    }

  if (g_strcmp0 (error_name, "access_denied") == 0)
    {
      g_set_error_literal (error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_DENIED,
                           _("Zoom Presence was not allowed to use your Zoom account. "
                             "Nothing was saved."));
      return NULL;
    }

  if (error_name != NULL || code == NULL || *code == '\0')
    {
      if (is_plain_error_name (error_name))
        /* Translators: %s is an OAuth error name such as "server_error" */
        g_set_error (error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_FAILED,
                     _("Zoom did not complete the sign-in (%s). Nothing was saved. "
                       "Sign in again."), error_name);
      else
        g_set_error_literal (error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_FAILED,
                             _("Zoom did not complete the sign-in. Nothing was saved. "
                               "Sign in again."));
      return NULL;
    }

  return g_strdup (code);
}

static void
callback_cb (SoupServer        *server,
             SoupServerMessage *message,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  ZpOAuthLoopback *self = user_data;
  GUri *uri = soup_server_message_get_uri (message);
  g_auto(ZpOAuthSecret) code = NULL;
  GError *error = NULL;

  if (g_strcmp0 (soup_server_message_get_method (message), SOUP_METHOD_GET) != 0)
    {
      soup_server_message_set_status (message, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  if (self->decided)
    {
      g_debug ("A further sign-in callback arrived and was turned away");
      respond_page (message, SOUP_STATUS_GONE, _("This sign-in is over"),
                    _("Zoom Presence has already had its answer for this sign-in. "
                      "You can close this tab."));
      return;
    }

  code = zp_oauth_loopback_parse_callback (g_uri_get_query (uri), self->expected_state, &error);

  if (code != NULL)
    respond_page (message, SOUP_STATUS_OK, _("Signed in"),
                  _("Zoom Presence is finishing the sign-in. You can close this tab."));
  else if (g_error_matches (error, ZP_OAUTH_LOOPBACK_ERROR,
                            ZP_OAUTH_LOOPBACK_ERROR_STATE_MISMATCH))
    respond_page (message, SOUP_STATUS_BAD_REQUEST, _("Sign-in refused"),
                  _("This answer does not belong to the sign-in Zoom Presence started. "
                    "Nothing was saved. You can close this tab and sign in again."));
  else if (g_error_matches (error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_DENIED))
    respond_page (message, SOUP_STATUS_OK, _("Sign-in cancelled"),
                  _("Zoom Presence was not allowed to use your Zoom account. "
                    "You can close this tab."));
  else
    respond_page (message, SOUP_STATUS_BAD_REQUEST, _("Sign-in failed"), error->message);

  /* Takes the error. */
  decide (self, code, error);

  g_signal_connect_object (message, "finished", G_CALLBACK (message_finished_cb), self, 0);
}

static void
other_path_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
zp_oauth_loopback_dispose (GObject *object)
{
  ZpOAuthLoopback *self = (ZpOAuthLoopback *) object;

  clear_source (&self->timeout_source);
  clear_source (&self->cancel_source);

  if (self->task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->task);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The sign-in listener was closed");
    }

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (zp_oauth_loopback_parent_class)->dispose (object);
}

static void
zp_oauth_loopback_finalize (GObject *object)
{
  ZpOAuthLoopback *self = (ZpOAuthLoopback *) object;

  g_clear_pointer (&self->expected_state, zp_oauth_wipe_string);
  g_clear_pointer (&self->code, zp_oauth_wipe_string);
  g_clear_pointer (&self->redirect_uri, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (zp_oauth_loopback_parent_class)->finalize (object);
}

static void
zp_oauth_loopback_class_init (ZpOAuthLoopbackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = zp_oauth_loopback_dispose;
  object_class->finalize = zp_oauth_loopback_finalize;
}

static void
zp_oauth_loopback_init (ZpOAuthLoopback *self)
{
}

ZpOAuthLoopback *
zp_oauth_loopback_new (const char  *expected_state,
                       GError     **error)
{
  g_autoptr(ZpOAuthLoopback) self = NULL;
  g_autoptr(GError) listen_error = NULL;
  GSList *uris;
  guint port = 0;

  g_return_val_if_fail (expected_state != NULL && *expected_state != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (ZP_TYPE_OAUTH_LOOPBACK, NULL);
  self->expected_state = g_strdup (expected_state);
  self->server = soup_server_new ("server-header", "zoom-presence", NULL);
  soup_server_add_handler (self->server, CALLBACK_PATH, callback_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, other_path_cb, self, NULL);

  /* Loopback only, IPv4 only: Zoom accepts http://127.0.0.1 redirects, not localhost. */
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &listen_error))
    {
      g_debug ("No loopback port: %s", listen_error->message);
      g_set_error (error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_LISTEN,
                   _("Could not wait for the browser on 127.0.0.1: %s"),
                   listen_error->message);
      return NULL;
    }

  uris = soup_server_get_uris (self->server);
  if (uris != NULL)
    port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  if (port == 0)
    {
      g_set_error_literal (error, ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_LISTEN,
                           _("Could not wait for the browser on 127.0.0.1."));
      return NULL;
    }

  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u" CALLBACK_PATH, port);
  g_debug ("Waiting for the browser on port %u", port);

  return g_steal_pointer (&self);
}

const char *
zp_oauth_loopback_get_redirect_uri (ZpOAuthLoopback *self)
{
  g_return_val_if_fail (ZP_IS_OAUTH_LOOPBACK (self), NULL);

  return self->redirect_uri;
}

static gboolean
timeout_cb (gpointer user_data)
{
  ZpOAuthLoopback *self = user_data;
  guint minutes = self->timeout_seconds / 60;

  g_clear_pointer (&self->timeout_source, g_source_unref);

  if (minutes > 0)
    decide (self, NULL,
            g_error_new (ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_TIMED_OUT,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The browser did not come back within %u minute. "
                                      "Sign in again.",
                                      "The browser did not come back within %u minutes. "
                                      "Sign in again.", minutes),
                         minutes));
  else
    decide (self, NULL,
            g_error_new_literal (ZP_OAUTH_LOOPBACK_ERROR, ZP_OAUTH_LOOPBACK_ERROR_TIMED_OUT,
                                 _("The browser did not come back in time. Sign in again.")));

  /* Nothing more is awaited: later callbacks find the port closed. */
  soup_server_disconnect (self->server);
  answer_waiter (self);

  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  ZpOAuthLoopback *self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_clear_pointer (&self->cancel_source, g_source_unref);
  clear_source (&self->timeout_source);

  if (task != NULL)
    g_task_return_error_if_cancelled (task);

  return G_SOURCE_REMOVE;
}

void
zp_oauth_loopback_wait_async (ZpOAuthLoopback     *self,
                              guint                timeout_seconds,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ZP_IS_OAUTH_LOOPBACK (self));
  g_return_if_fail (timeout_seconds > 0);
  g_return_if_fail (self->task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_oauth_loopback_wait_async);
  self->task = g_steal_pointer (&task);

  if (self->decided)
    {
      answer_waiter (self);
      return;
    }

  self->timeout_seconds = timeout_seconds;
  self->timeout_source = g_timeout_source_new_seconds (timeout_seconds);
  g_source_set_callback (self->timeout_source, timeout_cb, self, NULL);
  g_source_attach (self->timeout_source, NULL);

  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (cancelled_cb), self, NULL);
      g_source_attach (self->cancel_source, NULL);
    }
}

char *
zp_oauth_loopback_wait_finish (ZpOAuthLoopback  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (ZP_IS_OAUTH_LOOPBACK (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == zp_oauth_loopback_wait_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
