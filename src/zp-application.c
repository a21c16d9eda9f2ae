/* zp-application.c: builds the parts, wires them, owns the command line and the actions
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One instance per session. A second invocation forwards its command line here; the answer is
 * printed by the invoking process and becomes its exit status. Without a running instance this
 * process handles the command itself and exits once it is done, without a tray icon.
 */

#define G_LOG_DOMAIN "zp-application"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "zp-application.h"
#include "zp-auth.h"
#include "zp-auto-away.h"
#include "zp-idle-monitor.h"
#include "zp-indicator.h"
#include "zp-lock-monitor.h"
#include "zp-notifier.h"
#include "zp-preferences-dialog.h"
#include "zp-presence-controller.h"
#include "zp-token-store.h"
#include "zp-zoom-client.h"

/* Exit statuses of the command line. */
#define EXIT_OK      0
#define EXIT_FAILED  1
#define EXIT_USAGE   2

/* More than any token Zoom issues; a longer line on standard input is refused. */
#define MAX_TOKEN_INPUT 16384

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

  int                   exit_status;
  gboolean              terminal_echo_off;
  struct termios        saved_terminal;
};

G_DEFINE_TYPE (ZpApplication, zp_application, GTK_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "status", 's', 0, G_OPTION_ARG_STRING, NULL,
    N_("Set the Zoom status (Available, Away, dnd, busy, ooo, …)"), N_("NAME") },
  { "duration", 'd', 0, G_OPTION_ARG_INT, NULL,
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

/* One command from the command line, answered when its work is done. */
typedef struct
{
  ZpApplication           *self;
  GApplicationCommandLine *command_line;
  ZpStatus                 status;
  gboolean                 watching_queue;
  gulong                   changed_handler;
} Command;

static Command *
command_new (ZpApplication           *self,
             GApplicationCommandLine *command_line)
{
  Command *command = g_new0 (Command, 1);

  command->self = g_object_ref (self);
  command->command_line = g_object_ref (command_line);

  /* Keeps this process alive while the command works, even when no tray icon runs. */
  g_application_hold (G_APPLICATION (self));

  return command;
}

/* Ends a command: the invoking process prints what it was told and exits with this status. */
static void
command_finish (Command *command,
                int      exit_status)
{
  ZpApplication *self = command->self;

  /* A queued change may outlive its command line, which has had its answer already. */
  if (command->command_line != NULL)
    {
      g_application_command_line_set_exit_status (command->command_line, exit_status);
      if (!g_application_command_line_get_is_remote (command->command_line))
        self->exit_status = exit_status;
    }

  if (command->changed_handler != 0)
    g_signal_handler_disconnect (self->controller, command->changed_handler);

  g_application_release (G_APPLICATION (self));
  g_clear_object (&command->command_line);
  g_object_unref (command->self);
  g_free (command);
}

static void
print_line (GApplicationCommandLine *command_line,
            const char              *text)
{
  g_application_command_line_print (command_line, "%s\n", text);
}

static void
print_error_line (GApplicationCommandLine *command_line,
                  const char              *text)
{
  g_application_command_line_printerr (command_line, "zoom-presence: %s\n", text);
}

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
  g_autoptr(ZpApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  /* A keyring failure is shown by the tray and told to whoever asks for a token. */
  if (!zp_auth_load_finish (ZP_AUTH (object), result, &error))
    g_debug ("Token not loaded: %s", error->message);
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

static void
start_lock_watching (ZpApplication *self)
{
  g_autoptr(GDBusConnection) session_bus = get_bus_or_null (G_BUS_TYPE_SESSION);
  g_autoptr(GDBusConnection) system_bus = get_bus_or_null (G_BUS_TYPE_SYSTEM);

  self->lock_monitor = zp_lock_monitor_new (session_bus, system_bus);
  self->idle_monitor = session_bus != NULL ? zp_idle_monitor_new (session_bus) : NULL;
  self->auto_away = zp_auto_away_new (self->controller, self->lock_monitor, self->idle_monitor,
                                      self->settings);
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

  start_lock_watching (self);

  if (zp_auth_get_state (self->auth) == ZP_AUTH_STATE_SIGNED_IN)
    zp_presence_controller_refresh (self->controller);
}

/* --status */

static char *
describe_send_time (gint64 send_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (send_time / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%H:%M:%S") : g_strdup ("?");
}

static void
queue_changed_cb (Command              *command,
                  ZpPresenceController *controller)
{
  /* A change that had to wait in a process without a tray: stay until it is out. */
  if (zp_presence_controller_get_pending (controller))
    return;

  command_finish (command, EXIT_OK);
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Command *command = user_data;
  ZpApplication *self = command->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *label = zp_status_get_label (command->status);
  gint64 send_time = 0;
  ZpRequestOutcome outcome;

  outcome = zp_presence_controller_request_finish (ZP_PRESENCE_CONTROLLER (object), result,
                                                   &send_time, &error);
  if (error != NULL)
    {
      gboolean transient = g_error_matches (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_NETWORK) ||
                           g_error_matches (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_SERVER);

      /* Without a tray nothing stays behind to retry: say plainly that it was not sent. */
      if (transient && self->indicator == NULL)
        {
          g_autofree char *line =
            /* Translators: %s is a status such as "Away" */
            g_strdup_printf (_("%s was not sent: Zoom could not be reached. Try again later, "
                               "or keep the applet running and it will retry by itself."),
                             label);

          print_error_line (command->command_line, line);
        }
      else
        {
          print_error_line (command->command_line, error->message);
        }

      command_finish (command, EXIT_FAILED);
      return;
    }

  switch (outcome)
    {
    case ZP_REQUEST_OUTCOME_SENT:
      /* Translators: %s is a status such as "Busy" */
      text = g_strdup_printf (_("%s: Zoom accepted the change."), label);
      break;

    case ZP_REQUEST_OUTCOME_UNCHANGED:
      text = g_strdup_printf (_("%s: Zoom already shows this status; nothing was sent."), label);
      break;

    case ZP_REQUEST_OUTCOME_QUEUED:
      {
        g_autofree char *when = describe_send_time (send_time);

        /* Translators: %s is a status, then a time of day */
        text = g_strdup_printf (_("%s: queued behind Zoom’s rate limit; it will be sent at "
                                  "%s."), label, when);
      }
      break;

    case ZP_REQUEST_OUTCOME_REPLACED:
    default:
      text = g_strdup_printf (_("%s: replaced by a newer change before it was sent."), label);
      break;
    }

  print_line (command->command_line, text);

  if (outcome == ZP_REQUEST_OUTCOME_QUEUED && self->indicator == NULL)
    {
      /* The invoking process has its answer; this one stays until the change is out. */
      g_application_command_line_set_exit_status (command->command_line, EXIT_OK);
      g_clear_object (&command->command_line);
      command->changed_handler =
        g_signal_connect_swapped (self->controller, "changed",
                                  G_CALLBACK (queue_changed_cb), command);
      return;
    }

  command_finish (command, EXIT_OK);
}

static int
handle_status_option (ZpApplication           *self,
                      GApplicationCommandLine *command_line,
                      const char              *name,
                      gboolean                 has_duration,
                      gint32                   duration)
{
  Command *command;
  ZpStatus status;

  if (!zp_status_parse_user_text (name, &status))
    {
      g_autofree char *aliases = zp_status_dup_aliases ();
      g_autofree char *text =
        /* Translators: %s is what was typed, then the list of known names */
        g_strdup_printf (_("Unknown status “%s”. Use one of: %s."), name, aliases);

      print_error_line (command_line, text);
      return EXIT_USAGE;
    }

  if (has_duration && status != ZP_STATUS_DO_NOT_DISTURB)
    {
      print_error_line (command_line, _("--duration goes only with Do not disturb."));
      return EXIT_USAGE;
    }

  if (has_duration && (duration < ZP_DND_MIN_MINUTES || duration > ZP_DND_MAX_MINUTES))
    {
      g_autofree char *text = g_strdup_printf (_("--duration must be from %d to %d minutes."),
                                               ZP_DND_MIN_MINUTES, ZP_DND_MAX_MINUTES);

      print_error_line (command_line, text);
      return EXIT_USAGE;
    }

  command = command_new (self, command_line);
  command->status = status;
  zp_presence_controller_request_async (self->controller, status,
                                        has_duration ? (guint) duration : 0,
                                        ZP_CHANGE_ORIGIN_USER, NULL, request_cb, command);

  return EXIT_OK;
}

/* --get-status */

static void
get_status_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Command *command = user_data;
  ZpPresenceController *controller = ZP_PRESENCE_CONTROLLER (object);
  g_autoptr(GError) error = NULL;
  ZpStatus status;
  gint64 dnd_end;

  if (!zp_presence_controller_refresh_finish (controller, result, &error))
    {
      print_error_line (command->command_line, error->message);
      command_finish (command, EXIT_FAILED);
      return;
    }

  status = zp_presence_controller_get_confirmed_status (controller);
  dnd_end = zp_presence_controller_get_dnd_end_time (controller);

  if (status == ZP_STATUS_DO_NOT_DISTURB && dnd_end > 0)
    {
      gint64 minutes = (dnd_end - g_get_real_time () + 59 * G_USEC_PER_SEC) /
                       (60 * G_USEC_PER_SEC);
      g_autofree char *text = NULL;

      minutes = MAX (minutes, 0);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           /* Translators: "Do not disturb (42 minutes left)" */
                                           "%s (%d minute left)", "%s (%d minutes left)",
                                           (gulong) minutes),
                              zp_status_get_label (status), (int) minutes);
      print_line (command->command_line, text);
    }
  else
    {
      print_line (command->command_line, zp_status_get_label (status));
    }

  command_finish (command, EXIT_OK);
}

/* --set-token */

static void
set_token_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;

  if (!zp_auth_set_token_finish (ZP_AUTH (object), result, &error))
    {
      print_error_line (command->command_line, error->message);
      command_finish (command, EXIT_FAILED);
      return;
    }

  print_line (command->command_line, _("The token is saved in the keyring."));
  command_finish (command, EXIT_OK);
}

static void
token_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Command *command = user_data;
  ZpApplication *self = command->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *line = NULL;
  const char *data;
  gsize length;
  gsize end = 0;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  g_input_stream_close (G_INPUT_STREAM (object), NULL, NULL);

  if (bytes == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not read standard input: %s"),
                                               error->message);

      print_error_line (command->command_line, text);
      command_finish (command, EXIT_FAILED);
      return;
    }

  data = g_bytes_get_data (bytes, &length);
  while (end < length && data[end] != '\n' && data[end] != '\r')
    end++;

  if (end == length && length >= MAX_TOKEN_INPUT)
    {
      print_error_line (command->command_line,
                        _("The token on standard input is too long."));
      command_finish (command, EXIT_FAILED);
      return;
    }

  line = g_strstrip (g_strndup (data, end));
  if (*line == '\0')
    {
      print_error_line (command->command_line,
                        _("No token on standard input. Pipe one line with the access token, "
                          "for example: zoom-presence --set-token < token.txt"));
      command_finish (command, EXIT_USAGE);
      return;
    }

  zp_auth_set_token_async (self->auth, line, NULL, set_token_cb, command);
  memset (line, 0, strlen (line));
}

static int
handle_set_token_option (ZpApplication           *self,
                         GApplicationCommandLine *command_line)
{
  g_autoptr(GInputStream) input = g_application_command_line_get_stdin (command_line);
  Command *command;

  if (input == NULL)
    {
      print_error_line (command_line, _("--set-token needs the token on standard input."));
      return EXIT_USAGE;
    }

  command = command_new (self, command_line);
  g_input_stream_read_bytes_async (input, MAX_TOKEN_INPUT, G_PRIORITY_DEFAULT, NULL,
                                   token_read_cb, command);

  return EXIT_OK;
}

/* --sign-in, --sign-out */

static gboolean
sign_in_needs_secret (GSettings *settings)
{
  return g_settings_get_enum (settings, "auth-mode") != ZP_AUTH_MODE_PUBLIC_CLIENT;
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;

  if (!zp_auth_sign_in_finish (ZP_AUTH (object), result, &error))
    {
      print_error_line (command->command_line, error->message);
      command_finish (command, EXIT_FAILED);
      return;
    }

  print_line (command->command_line, _("Signed in to Zoom. The sign-in is kept in the keyring."));
  command_finish (command, EXIT_OK);
}

static void
secret_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Command *command = user_data;
  ZpApplication *self = command->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *line = NULL;
  const char *data;
  gsize length = 0;
  gsize end = 0;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  g_input_stream_close (G_INPUT_STREAM (object), NULL, NULL);

  /* Nothing readable: the secret saved at the last sign-in is used, if there is one. */
  data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;
  while (data != NULL && end < length && data[end] != '\n' && data[end] != '\r')
    end++;
  line = g_strstrip (g_strndup (data != NULL ? data : "", end));

  zp_auth_sign_in_async (self->auth, *line != '\0' ? line : NULL, NULL, sign_in_cb, command);
  explicit_bzero (line, strlen (line));
}

static int
handle_sign_in_option (ZpApplication           *self,
                       GApplicationCommandLine *command_line)
{
  Command *command = command_new (self, command_line);
  g_autoptr(GInputStream) input = NULL;

  if (sign_in_needs_secret (self->settings))
    input = g_application_command_line_get_stdin (command_line);

  if (input != NULL)
    {
      g_input_stream_read_bytes_async (input, MAX_TOKEN_INPUT, G_PRIORITY_DEFAULT, NULL,
                                       secret_read_cb, command);
      return EXIT_OK;
    }

  if (g_settings_get_enum (self->settings, "auth-mode") != ZP_AUTH_MODE_SERVER_TO_SERVER)
    print_line (command_line, _("Opening your web browser to sign in to Zoom…"));
  zp_auth_sign_in_async (self->auth, NULL, NULL, sign_in_cb, command);

  return EXIT_OK;
}

static void
sign_out_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;

  if (!zp_auth_sign_out_finish (ZP_AUTH (object), result, &error))
    {
      print_error_line (command->command_line, error->message);
      command_finish (command, EXIT_FAILED);
      return;
    }

  print_line (command->command_line, _("Signed out of Zoom."));
  command_finish (command, EXIT_OK);
}

static int
zp_application_command_line (GApplication            *application,
                             GApplicationCommandLine *command_line)
{
  ZpApplication *self = ZP_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *status_name = NULL;
  gint32 duration = 0;
  gboolean has_duration;
  guint commands = 0;

  g_variant_dict_lookup (options, "status", "&s", &status_name);
  has_duration = g_variant_dict_lookup (options, "duration", "i", &duration);

  commands += status_name != NULL;
  commands += g_variant_dict_contains (options, "get-status");
  commands += g_variant_dict_contains (options, "set-token");
  commands += g_variant_dict_contains (options, "quit");
  commands += g_variant_dict_contains (options, "sign-in");
  commands += g_variant_dict_contains (options, "sign-out");

  if (commands > 1)
    {
      print_error_line (command_line, _("Give one of --status, --get-status, --set-token, "
                                        "--sign-in, --sign-out and --quit at a time."));
      return EXIT_USAGE;
    }

  if (has_duration && status_name == NULL)
    {
      print_error_line (command_line, _("--duration goes with --status=dnd."));
      return EXIT_USAGE;
    }

  if (status_name != NULL)
    return handle_status_option (self, command_line, status_name, has_duration, duration);

  if (g_variant_dict_contains (options, "get-status"))
    {
      Command *command = command_new (self, command_line);

      zp_presence_controller_refresh_async (self->controller, NULL, get_status_cb, command);
      return EXIT_OK;
    }

  if (g_variant_dict_contains (options, "set-token"))
    return handle_set_token_option (self, command_line);

  if (g_variant_dict_contains (options, "sign-in"))
    return handle_sign_in_option (self, command_line);

  if (g_variant_dict_contains (options, "sign-out"))
    {
      zp_auth_sign_out_async (self->auth, NULL, sign_out_cb, command_new (self, command_line));
      return EXIT_OK;
    }

  if (g_variant_dict_contains (options, "quit"))
    {
      g_application_quit (application);
      return EXIT_OK;
    }

  if (g_variant_dict_contains (options, "preferences"))
    {
      g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
      return EXIT_OK;
    }

  g_application_activate (application);

  return EXIT_OK;
}

static int
zp_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  ZpApplication *self = ZP_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("zoom-presence %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  /* A secret typed at a terminal should not be echoed there (the running instance reads it). */
  if (g_variant_dict_contains (options, "sign-in") && isatty (STDIN_FILENO))
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);

      if (sign_in_needs_secret (settings))
        {
          struct termios quiet;

          if (tcgetattr (STDIN_FILENO, &self->saved_terminal) == 0)
            {
              quiet = self->saved_terminal;
              quiet.c_lflag &= ~(tcflag_t) ECHO;
              if (tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0)
                self->terminal_echo_off = TRUE;
            }

          g_printerr ("%s", _("Paste the client secret of your Zoom app and press Enter "
                              "(just Enter uses the saved one): "));
        }
    }

  if (g_variant_dict_contains (options, "set-token") && isatty (STDIN_FILENO))
    {
      struct termios quiet;

      if (tcgetattr (STDIN_FILENO, &self->saved_terminal) == 0)
        {
          quiet = self->saved_terminal;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          if (tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0)
            self->terminal_echo_off = TRUE;
        }

      g_printerr ("%s", _("Paste the Zoom access token and press Enter: "));
    }

  return -1;
}

void
zp_application_restore_terminal (ZpApplication *self)
{
  g_return_if_fail (ZP_IS_APPLICATION (self));

  if (!self->terminal_echo_off)
    return;

  tcsetattr (STDIN_FILENO, TCSAFLUSH, &self->saved_terminal);
  self->terminal_echo_off = FALSE;
  g_printerr ("\n");
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

static void
zp_application_startup (GApplication *application)
{
  ZpApplication *self = ZP_APPLICATION (application);
  g_autofree char *account = NULL;

  G_APPLICATION_CLASS (zp_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), action_entries,
                                   G_N_ELEMENTS (action_entries), self);

  self->settings = g_settings_new (APP_ID);
  account = g_settings_get_string (self->settings, "oauth-base-url");
  self->token_store = zp_token_store_new (account);
  self->auth = zp_auth_new (self->token_store, self->settings);
  self->zoom_client = zp_zoom_client_new (NULL);
  self->controller = zp_presence_controller_new (self->zoom_client, self->auth, self->settings);
  self->notifier = zp_notifier_new (application, self->settings);
  zp_notifier_watch (self->notifier, self->controller);

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
  g_return_val_if_fail (ZP_IS_APPLICATION (self), EXIT_FAILED);

  return self->exit_status;
}
