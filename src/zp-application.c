/* zp-application.c: builds the parts, wires them, owns the command line and the actions
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One instance per session. A second invocation forwards its command line here; the answer is
 * printed by the invoking process and becomes its exit status. Without a running instance this
 * process handles the command itself and exits once it is done, without a tray icon. The
 * commands themselves are in zp-command-line.c.
 */

#define G_LOG_DOMAIN "zp-application"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "zp-application.h"
#include "zp-application-private.h"
#include "zp-auth.h"
#include "zp-auto-away.h"
#include "zp-command-line.h"
#include "zp-idle-monitor.h"
#include "zp-indicator.h"
#include "zp-lock-monitor.h"
#include "zp-notifier.h"
#include "zp-preferences-dialog.h"
#include "zp-presence-controller.h"
#include "zp-token-store.h"
#include "zp-zoom-client.h"

struct _ZpApplication
{
  GtkApplication        parent_instance;

  GSettings            *settings;
  ZpTokenStore         *token_store;
  ZpAuth               *auth;
  ZpZoomClient         *zoom_client;
  ZpPresenceController *controller;
  ZpNotifier           *notifier;
  ZpIndicator          *indicator;
  ZpLockMonitor        *lock_monitor;
  ZpIdleMonitor        *idle_monitor;
  ZpAutoAway           *auto_away;
  guint                 lock_watching_source;
  guint                 signal_sources[3];
  guint                 drain_timeout_source;
  gulong                drain_handler;

  int                   exit_status;
};

G_DEFINE_TYPE (ZpApplication, zp_application, GTK_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "status", 's', 0, G_OPTION_ARG_STRING, NULL,
    N_("Set the Zoom status (Available, Away, dnd, busy, ooo, …)"), N_("NAME") },
  { "duration", 'd', 0, G_OPTION_ARG_STRING, NULL,
    N_("How long Do not disturb lasts, in minutes (1–1440)"), N_("MINUTES") },
  { "get-status", 'g', 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the status Zoom reports"), NULL },
  { "set-token", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Read a Zoom access token from standard input and keep it in the keyring"), NULL },
  { "sign-in", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Sign in to Zoom through the web browser (or with the account credentials)"), NULL },
  { "sign-out", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Sign out of Zoom and remove the sign-in from the keyring"), NULL },
  { "quit", 'q', 0, G_OPTION_ARG_NONE, NULL,
    N_("Quit the running applet"), NULL },
  { "preferences", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open the preferences window"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static void
update_api_base_url (ZpApplication *self)
{
  g_autoptr(GVariant) user_value = g_settings_get_user_value (self->settings, "api-base-url");
  const char *token_api_url = zp_auth_get_api_url (self->auth);
  g_autofree char *url = NULL;

  /* The user's own setting wins; then the API host Zoom named at sign-in; then the default. */
  if (user_value == NULL && token_api_url != NULL && *token_api_url != '\0')
    url = g_str_has_suffix (token_api_url, "/v2") ? g_strdup (token_api_url)
                                                  : g_strconcat (token_api_url, "/v2", NULL);
  else
    url = g_settings_get_string (self->settings, "api-base-url");

  zp_zoom_client_set_api_base_url (self->zoom_client, url);
  zp_auth_set_api_base_url (self->auth, url);
}

static void
settings_changed_cb (ZpApplication *self,
                     const char    *key,
                     GSettings     *settings)
{
  if (g_strcmp0 (key, "api-base-url") == 0)
    update_api_base_url (self);
}

static void
auth_state_changed_cb (ZpApplication *self,
                       GParamSpec    *pspec,
                       ZpAuth        *auth)
{
  update_api_base_url (self);

  /* The tray should show what Zoom has as soon as we can ask. */
  if (self->indicator != NULL && zp_auth_get_state (auth) == ZP_AUTH_STATE_SIGNED_IN)
    zp_presence_controller_refresh (self->controller);
}

static void
auth_load_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ZpApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  /* A keyring failure is shown by the tray and told to whoever asks for a token. */
  if (!zp_auth_load_finish (ZP_AUTH (object), result, &error))
    g_debug ("Token not loaded: %s", error->message);

  g_object_unref (self);
}

static GDBusConnection *
get_bus_or_null (GBusType bus_type)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_sync (bus_type, NULL, &error);

  /* No system bus (a container, a minimal session): the sources on it are skipped. */
  if (bus == NULL)
    g_debug ("No %s bus: %s", bus_type == G_BUS_TYPE_SYSTEM ? "system" : "session",
             error->message);

  return bus;
}

static gboolean
start_lock_watching_cb (gpointer user_data)
{
  ZpApplication *self = user_data;
  g_autoptr(GDBusConnection) session_bus = get_bus_or_null (G_BUS_TYPE_SESSION);
  g_autoptr(GDBusConnection) system_bus = get_bus_or_null (G_BUS_TYPE_SYSTEM);

  self->lock_watching_source = 0;
  self->lock_monitor = zp_lock_monitor_new (session_bus, system_bus);
  self->idle_monitor = session_bus != NULL ? zp_idle_monitor_new (session_bus) : NULL;
  self->auto_away = zp_auto_away_new (self->controller, self->lock_monitor, self->idle_monitor,
                                      self->settings);

  return G_SOURCE_REMOVE;
}

/* After the tray item is on its way: connecting to the system bus and asking every lock
 * source for its state need not delay the icon. A screen locked meanwhile is read then. */
static void
start_lock_watching (ZpApplication *self)
{
  self->lock_watching_source = g_idle_add_full (G_PRIORITY_LOW, start_lock_watching_cb,
                                                self, NULL);
}

static void
start_tray (ZpApplication *self)
{
  if (self->indicator != NULL)
    return;

  g_debug ("Starting the tray icon");
  self->indicator = zp_indicator_new (G_APPLICATION (self), self->controller, self->auth,
                                      self->settings);
  /* The tray icon is the application's window: it lives until Quit. */
  g_application_hold (G_APPLICATION (self));

  /* Only a running applet notifies: a one-shot command says what went wrong on stderr. */
  zp_notifier_watch (self->notifier, self->controller);

  start_lock_watching (self);

  if (zp_auth_get_state (self->auth) == ZP_AUTH_STATE_SIGNED_IN)
    zp_presence_controller_refresh (self->controller);
}

static int
zp_application_command_line (GApplication            *application,
                             GApplicationCommandLine *command_line)
{
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_auto(GStrv) arguments = NULL;
  int exit_status;

  /* Options are taken out of the arguments; anything left over is a mistake, not a wish
   * to start the tray. */
  arguments = g_application_command_line_get_arguments (command_line, NULL);
  if (arguments[0] != NULL && arguments[1] != NULL)
    {
      g_application_command_line_printerr (command_line,
                                           /* Translators: %s is what was typed */
                                           _("zoom-presence: unexpected argument “%s”; see "
                                             "zoom-presence --help.\n"),
                                           arguments[1]);
      return ZP_EXIT_USAGE;
    }

  exit_status = zp_command_line_run (ZP_APPLICATION (application), command_line);
  if (exit_status >= 0)
    return exit_status;

  if (g_variant_dict_contains (options, "quit"))
    {
      g_application_quit (application);
      return ZP_EXIT_OK;
    }

  if (g_variant_dict_contains (options, "preferences"))
    {
      g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
      return ZP_EXIT_OK;
    }

  g_application_activate (application);

  return ZP_EXIT_OK;
}

static int
zp_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("zoom-presence %s\n", PACKAGE_VERSION);
      return ZP_EXIT_OK;
    }

  zp_command_line_prepare_terminal (options);

  return -1;
}

void
zp_application_restore_terminal (ZpApplication *self)
{
  g_return_if_fail (ZP_IS_APPLICATION (self));

  zp_command_line_restore_terminal ();
}

/* Actions */

static void
set_status_action_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  ZpApplication *self = user_data;
  ZpStatus status;

  if (!zp_status_parse_user_text (g_variant_get_string (parameter, NULL), &status))
    {
      g_warning ("Unknown status “%s” asked for", g_variant_get_string (parameter, NULL));
      return;
    }

  zp_presence_controller_request (self->controller, status, 0, ZP_CHANGE_ORIGIN_USER);
}

static void
set_dnd_action_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ZpApplication *self = user_data;
  gint32 minutes = g_variant_get_int32 (parameter);

  if (minutes < ZP_DND_MIN_MINUTES || minutes > ZP_DND_MAX_MINUTES)
    {
      g_warning ("Do not disturb for %d minutes asked for; Zoom takes %d to %d",
                 minutes, ZP_DND_MIN_MINUTES, ZP_DND_MAX_MINUTES);
      return;
    }

  zp_presence_controller_request (self->controller, ZP_STATUS_DO_NOT_DISTURB, (guint) minutes,
                                  ZP_CHANGE_ORIGIN_USER);
}

static void
retry_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  ZpApplication *self = user_data;

  zp_presence_controller_retry (self->controller);
}

static void
refresh_action_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ZpApplication *self = user_data;

  /* After a keyring error, Refresh reads the keyring again before asking Zoom. */
  if (zp_auth_get_state (self->auth) == ZP_AUTH_STATE_KEYRING_ERROR)
    zp_auth_load_async (self->auth, NULL, auth_load_cb, g_object_ref (self));
  else
    zp_presence_controller_refresh (self->controller);
}

/* One preferences window per session, brought forward when asked for again. */
static void
show_preferences (ZpApplication *self)
{
  GtkWindow *dialog = NULL;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (ZP_IS_PREFERENCES_DIALOG (l->data))
        dialog = l->data;
    }

  if (dialog == NULL)
    dialog = GTK_WINDOW (zp_preferences_dialog_new (GTK_APPLICATION (self), self->settings,
                                                    self->auth));

  gtk_window_present (dialog);
}

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  show_preferences (ZP_APPLICATION (user_data));
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
sign_in_action_done_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(ZpApplication) self = user_data;
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GError) error = NULL;

  if (zp_auth_sign_in_finish (ZP_AUTH (object), result, &error))
    {
      g_application_withdraw_notification (G_APPLICATION (self), "sign-in-failed");
      return;
    }

  /* A newer sign-in or a sign-out took over: nothing to tell. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  notification = g_notification_new (_("Zoom sign-in failed"));
  g_notification_set_body (notification, error->message);
  if (g_error_matches (error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_NO_CLIENT_ID) ||
      g_error_matches (error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_NEEDS_USER_ID))
    g_notification_add_button (notification, _("Preferences"), "app.preferences");
  else
    g_notification_add_button (notification, _("Try again"), "app.sign-in");
  g_application_send_notification (G_APPLICATION (self), "sign-in-failed", notification);
}

static void
sign_in_action_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ZpApplication *self = user_data;

  g_application_withdraw_notification (G_APPLICATION (self), "sign-in-failed");
  zp_auth_sign_in_async (self->auth, NULL, NULL, sign_in_action_done_cb, g_object_ref (self));
}

static void
sign_out_action_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!zp_auth_sign_out_finish (ZP_AUTH (object), result, &error))
    g_warning ("Sign-out incomplete: %s", error->message);
}

static void
sign_out_action_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ZpApplication *self = user_data;

  zp_auth_sign_out_async (self->auth, NULL, sign_out_action_done_cb, NULL);
}

static const GActionEntry action_entries[] = {
  { "set-status", set_status_action_cb, "s" },
  { "set-dnd", set_dnd_action_cb, "i" },
  { "retry", retry_action_cb },
  { "refresh", refresh_action_cb },
  { "preferences", preferences_action_cb },
  { "sign-in", sign_in_action_cb },
  { "sign-out", sign_out_action_cb },
  { "quit", quit_action_cb },
};

/* Asked to stop (log-out, systemctl, Ctrl+C) with a change still waiting for Zoom's minute:
 * stay until it is out, as long as a session manager usually waits, then go anyway. */
#define DRAIN_MAX_SECONDS 65

static void
drained_cb (ZpApplication        *self,
            ZpPresenceController *controller)
{
  if (zp_presence_controller_get_pending (controller))
    return;

  g_debug ("Nothing left for Zoom; quitting");
  g_application_quit (G_APPLICATION (self));
}

static gboolean
drain_timeout_cb (gpointer user_data)
{
  ZpApplication *self = user_data;

  self->drain_timeout_source = 0;
  g_warning ("Quitting with a status change that Zoom has not received yet");
  g_application_quit (G_APPLICATION (self));

  return G_SOURCE_REMOVE;
}

static gboolean
quit_signal_cb (gpointer user_data)
{
  ZpApplication *self = user_data;

  if (self->controller == NULL || !zp_presence_controller_get_pending (self->controller) ||
      self->drain_timeout_source != 0)
    {
      g_application_quit (G_APPLICATION (self));
      return G_SOURCE_CONTINUE;
    }

  g_debug ("Asked to quit; first sending the change that waits");
  self->drain_handler = g_signal_connect_swapped (self->controller, "changed",
                                                  G_CALLBACK (drained_cb), self);
  self->drain_timeout_source = g_timeout_add_seconds (DRAIN_MAX_SECONDS, drain_timeout_cb,
                                                      self);

  return G_SOURCE_CONTINUE;
}

static void
zp_application_startup (GApplication *application)
{
  ZpApplication *self = ZP_APPLICATION (application);
  g_autofree char *account = NULL;

  G_APPLICATION_CLASS (zp_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), action_entries,
                                   G_N_ELEMENTS (action_entries), self);

  self->signal_sources[0] = g_unix_signal_add (SIGTERM, quit_signal_cb, self);
  self->signal_sources[1] = g_unix_signal_add (SIGINT, quit_signal_cb, self);
  self->signal_sources[2] = g_unix_signal_add (SIGHUP, quit_signal_cb, self);

  self->settings = g_settings_new (APP_ID);
  account = g_settings_get_string (self->settings, "oauth-base-url");
  self->token_store = zp_token_store_new (account);
  self->auth = zp_auth_new (self->token_store, self->settings);
  self->zoom_client = zp_zoom_client_new (NULL);
  self->controller = zp_presence_controller_new (self->zoom_client, self->auth, self->settings);
  self->notifier = zp_notifier_new (application, self->settings);

  update_api_base_url (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->auth, "notify::state", G_CALLBACK (auth_state_changed_cb),
                           self, G_CONNECT_SWAPPED);

  zp_auth_load_async (self->auth, NULL, auth_load_cb, g_object_ref (self));
}

static void
zp_application_activate (GApplication *application)
{
  ZpApplication *self = ZP_APPLICATION (application);

  /* The first start shows the tray icon; starting it again (the launcher, say) is the way
   * into the preferences for desktops with no tray. */
  if (self->indicator != NULL)
    show_preferences (self);
  else
    start_tray (self);
}

static void
zp_application_shutdown (GApplication *application)
{
  ZpApplication *self = ZP_APPLICATION (application);

  g_clear_handle_id (&self->lock_watching_source, g_source_remove);
  g_clear_handle_id (&self->drain_timeout_source, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (self->signal_sources); i++)
    g_clear_handle_id (&self->signal_sources[i], g_source_remove);
  if (self->drain_handler != 0)
    g_clear_signal_handler (&self->drain_handler, self->controller);
  g_clear_object (&self->auto_away);
  g_clear_object (&self->idle_monitor);
  g_clear_object (&self->lock_monitor);
  g_clear_object (&self->indicator);
  g_clear_object (&self->notifier);
  g_clear_object (&self->controller);
  g_clear_object (&self->zoom_client);
  g_clear_object (&self->auth);
  g_clear_object (&self->token_store);
  g_clear_object (&self->settings);

  G_APPLICATION_CLASS (zp_application_parent_class)->shutdown (application);
}

static void
zp_application_class_init (ZpApplicationClass *klass)
{
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  application_class->startup = zp_application_startup;
  application_class->activate = zp_application_activate;
  application_class->command_line = zp_application_command_line;
  application_class->handle_local_options = zp_application_handle_local_options;
  application_class->shutdown = zp_application_shutdown;
}

static void
zp_application_init (ZpApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Set your Zoom presence from the system tray."));
}

ZpApplication *
zp_application_new (void)
{
  return g_object_new (ZP_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}

int
zp_application_get_exit_status (ZpApplication *self)
{
  g_return_val_if_fail (ZP_IS_APPLICATION (self), ZP_EXIT_FAILED);

  return self->exit_status;
}

void
zp_application_set_exit_status (ZpApplication *self,
                                int            exit_status)
{
  g_return_if_fail (ZP_IS_APPLICATION (self));

  self->exit_status = exit_status;
}

ZpPresenceController *
zp_application_get_controller (ZpApplication *self)
{
  g_return_val_if_fail (ZP_IS_APPLICATION (self), NULL);

  return self->controller;
}

ZpAuth *
zp_application_get_auth (ZpApplication *self)
{
  g_return_val_if_fail (ZP_IS_APPLICATION (self), NULL);

  return self->auth;
}

GSettings *
zp_application_get_settings (ZpApplication *self)
{
  g_return_val_if_fail (ZP_IS_APPLICATION (self), NULL);

  return self->settings;
}

gboolean
zp_application_get_tray_running (ZpApplication *self)
{
  g_return_val_if_fail (ZP_IS_APPLICATION (self), FALSE);

  return self->indicator != NULL;
}
