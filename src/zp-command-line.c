/* zp-command-line.c: the commands given on the command line, each answered when its work is done
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A command runs in the primary instance; what it prints goes to the invoking process, whose
 * exit status it sets. Secrets come on that process's standard input, read once as one line.
 */

#define G_LOG_DOMAIN "zp-command-line"

#include "config.h"

#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "zp-application-private.h"
#include "zp-command-line.h"

/* More than any token Zoom issues; a longer line on standard input is refused. */
#define MAX_TOKEN_INPUT 16384

/* Standard input belongs to the process, and so does what was changed about its terminal. */
static struct
{
  gboolean       echo_off;
  struct termios saved;
} terminal;

/* One command from the command line, answered when its work is done. */
typedef struct
{
  ZpApplication           *application;
  GApplicationCommandLine *command_line;
  ZpStatus                 status;
  gulong                   changed_handler;
} Command;

static Command *
command_new (ZpApplication           *application,
             GApplicationCommandLine *command_line)
{
  Command *command = g_new0 (Command, 1);

  command->application = g_object_ref (application);
  command->command_line = g_object_ref (command_line);

  /* Keeps this process alive while the command works, even when no tray icon runs. */
  g_application_hold (G_APPLICATION (application));

  return command;
}

/* Ends a command: the invoking process prints what it was told and exits with this status. */
static void
command_finish (Command *command,
                int      exit_status)
{
  ZpApplication *application = command->application;

  /* A queued change may outlive its command line, which has had its answer already. */
  if (command->command_line != NULL)
    {
      g_application_command_line_set_exit_status (command->command_line, exit_status);
      if (!g_application_command_line_get_is_remote (command->command_line))
        zp_application_set_exit_status (application, exit_status);
    }

  if (command->changed_handler != 0)
    g_signal_handler_disconnect (zp_application_get_controller (application),
                                 command->changed_handler);

  g_application_release (G_APPLICATION (application));
  g_clear_object (&command->command_line);
  g_object_unref (command->application);
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

/* Ends a command with the error of its last step, or with its success line. */
static void
command_finish_with (Command      *command,
                     const GError *error,
                     const char   *success_text)
{
  if (error != NULL)
    {
      print_error_line (command->command_line, error->message);
      command_finish (command, ZP_EXIT_FAILED);
      return;
    }

  print_line (command->command_line, success_text);
  command_finish (command, ZP_EXIT_OK);
}

/* Standard input */

/* The first line of what the command line's standard input gave, without the blanks around
 * it; NULL with @error when nothing could be read. @out_too_long tells whether the read
 * filled the whole buffer without reaching the end of the line. */
static char *
read_line_finish (GInputStream  *input,
                  GAsyncResult  *result,
                  gboolean      *out_too_long,
                  GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize length = 0;
  gsize end = 0;

  bytes = g_input_stream_read_bytes_finish (input, result, error);
  g_input_stream_close (input, NULL, NULL);

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  while (data != NULL && end < length && data[end] != '\n' && data[end] != '\r')
    end++;

  *out_too_long = end == length && length >= MAX_TOKEN_INPUT;

  return g_strstrip (g_strndup (data != NULL ? data : "", end));
}

static void
read_line_async (GInputStream        *input,
                 GAsyncReadyCallback  callback,
                 Command             *command)
{
  g_input_stream_read_bytes_async (input, MAX_TOKEN_INPUT, G_PRIORITY_DEFAULT, NULL,
                                   callback, command);
}

/* A secret typed at the terminal should not be echoed there (the running instance reads it). */
static void
prompt_without_echo (const char *prompt)
{
  struct termios quiet;

  /* Saving an already quiet terminal would leave it quiet after exit. */
  if (!terminal.echo_off && tcgetattr (STDIN_FILENO, &terminal.saved) == 0)
    {
      quiet = terminal.saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      if (tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0)
        terminal.echo_off = TRUE;
    }

  g_printerr ("%s", prompt);
}

static gboolean
sign_in_needs_secret (GSettings *settings)
{
  return g_settings_get_enum (settings, "auth-mode") != ZP_AUTH_MODE_PUBLIC_CLIENT;
}

void
zp_command_line_prepare_terminal (GVariantDict *options)
{
  if (g_variant_dict_contains (options, "sign-in") && isatty (STDIN_FILENO))
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);

      if (sign_in_needs_secret (settings))
        prompt_without_echo (_("Paste the client secret of your Zoom app and press Enter "
                               "(just Enter uses the saved one): "));
    }
  else if (g_variant_dict_contains (options, "set-token") && isatty (STDIN_FILENO))
    prompt_without_echo (_("Paste the Zoom access token and press Enter: "));
}

void
zp_command_line_restore_terminal (void)
{
  if (!terminal.echo_off)
    return;

  tcsetattr (STDIN_FILENO, TCSAFLUSH, &terminal.saved);
  terminal.echo_off = FALSE;
  g_printerr ("\n");
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

  command_finish (command, ZP_EXIT_OK);
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Command *command = user_data;
  ZpApplication *application = command->application;
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
      if (transient && !zp_application_get_tray_running (application))
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

      command_finish (command, ZP_EXIT_FAILED);
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
        text = g_strdup_printf (_("%s: queued to respect Zoom’s limit on changes; it will be "
                                  "sent at %s."), label, when);
      }
      break;

    case ZP_REQUEST_OUTCOME_REPLACED:
    default:
      text = g_strdup_printf (_("%s: replaced by a newer change before it was sent."), label);
      break;
    }

  print_line (command->command_line, text);

  if (outcome == ZP_REQUEST_OUTCOME_QUEUED && !zp_application_get_tray_running (application))
    {
      /* The invoking process has its answer; this one stays until the change is out. */
      g_application_command_line_set_exit_status (command->command_line, ZP_EXIT_OK);
      g_clear_object (&command->command_line);
      command->changed_handler =
        g_signal_connect_swapped (zp_application_get_controller (application), "changed",
                                  G_CALLBACK (queue_changed_cb), command);
      return;
    }

  command_finish (command, ZP_EXIT_OK);
}

static int
run_status (ZpApplication           *application,
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
      return ZP_EXIT_USAGE;
    }

  if (has_duration && status != ZP_STATUS_DO_NOT_DISTURB)
    {
      print_error_line (command_line, _("--duration goes only with Do not disturb."));
      return ZP_EXIT_USAGE;
    }

  if (has_duration && (duration < ZP_DND_MIN_MINUTES || duration > ZP_DND_MAX_MINUTES))
    {
      g_autofree char *text = g_strdup_printf (_("--duration must be from %d to %d minutes."),
                                               ZP_DND_MIN_MINUTES, ZP_DND_MAX_MINUTES);

      print_error_line (command_line, text);
      return ZP_EXIT_USAGE;
    }

  command = command_new (application, command_line);
  command->status = status;
  zp_presence_controller_request_async (zp_application_get_controller (application), status,
                                        has_duration ? (guint) duration : 0,
                                        ZP_CHANGE_ORIGIN_USER, NULL, request_cb, command);

  return ZP_EXIT_OK;
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
      command_finish_with (command, error, NULL);
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
      command_finish_with (command, NULL, text);
    }
  else
    {
      command_finish_with (command, NULL, zp_status_get_label (status));
    }
}

static int
run_get_status (ZpApplication           *application,
                GApplicationCommandLine *command_line)
{
  Command *command = command_new (application, command_line);

  zp_presence_controller_refresh_async (zp_application_get_controller (application), NULL,
                                        get_status_cb, command);

  return ZP_EXIT_OK;
}

/* --set-token */

static void
set_token_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;

  zp_auth_set_token_finish (ZP_AUTH (object), result, &error);
  command_finish_with (command, error, _("The token is saved in the keyring."));
}

static void
token_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gboolean too_long = FALSE;

  line = read_line_finish (G_INPUT_STREAM (object), result, &too_long, &error);

  if (line == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not read standard input: %s"),
                                               error->message);

      print_error_line (command->command_line, text);
      command_finish (command, ZP_EXIT_FAILED);
      return;
    }

  if (too_long)
    {
      print_error_line (command->command_line,
                        _("The token on standard input is too long."));
      command_finish (command, ZP_EXIT_FAILED);
      return;
    }

  if (*line == '\0')
    {
      print_error_line (command->command_line,
                        _("No token on standard input. Pipe one line with the access token, "
                          "for example: zoom-presence --set-token < token.txt"));
      command_finish (command, ZP_EXIT_USAGE);
      return;
    }

  zp_auth_set_token_async (zp_application_get_auth (command->application), line, NULL,
                           set_token_cb, command);
  explicit_bzero (line, strlen (line));
}

static int
run_set_token (ZpApplication           *application,
               GApplicationCommandLine *command_line)
{
  g_autoptr(GInputStream) input = g_application_command_line_get_stdin (command_line);

  if (input == NULL)
    {
      print_error_line (command_line, _("--set-token needs the token on standard input."));
      return ZP_EXIT_USAGE;
    }

  read_line_async (input, token_read_cb, command_new (application, command_line));

  return ZP_EXIT_OK;
}

/* --sign-in, --sign-out */

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;

  zp_auth_sign_in_finish (ZP_AUTH (object), result, &error);
  command_finish_with (command, error,
                       _("Signed in to Zoom. The sign-in is kept in the keyring."));
}

static void
secret_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gboolean too_long = FALSE;

  /* Nothing readable: the secret saved at the last sign-in is used, if there is one. A line
   * longer than the buffer is taken as far as it was read. */
  line = read_line_finish (G_INPUT_STREAM (object), result, &too_long, &error);
  if (line == NULL)
    line = g_strdup ("");

  zp_auth_sign_in_async (zp_application_get_auth (command->application),
                         *line != '\0' ? line : NULL, NULL, sign_in_cb, command);
  explicit_bzero (line, strlen (line));
}

static int
run_sign_in (ZpApplication           *application,
             GApplicationCommandLine *command_line)
{
  GSettings *settings = zp_application_get_settings (application);
  Command *command = command_new (application, command_line);
  g_autoptr(GInputStream) input = NULL;

  if (sign_in_needs_secret (settings))
    input = g_application_command_line_get_stdin (command_line);

  if (input != NULL)
    {
      read_line_async (input, secret_read_cb, command);
      return ZP_EXIT_OK;
    }

  if (g_settings_get_enum (settings, "auth-mode") != ZP_AUTH_MODE_SERVER_TO_SERVER)
    print_line (command_line, _("Opening your web browser to sign in to Zoom…"));
  zp_auth_sign_in_async (zp_application_get_auth (application), NULL, NULL, sign_in_cb,
                         command);

  return ZP_EXIT_OK;
}

static void
sign_out_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(GError) error = NULL;

  zp_auth_sign_out_finish (ZP_AUTH (object), result, &error);
  command_finish_with (command, error, _("Signed out of Zoom."));
}

static int
run_sign_out (ZpApplication           *application,
              GApplicationCommandLine *command_line)
{
  zp_auth_sign_out_async (zp_application_get_auth (application), NULL, sign_out_cb,
                          command_new (application, command_line));

  return ZP_EXIT_OK;
}

int
zp_command_line_run (ZpApplication           *application,
                     GApplicationCommandLine *command_line)
{
  GVariantDict *options;
  const char *status_name = NULL;
  const char *duration_text = NULL;
  gint32 duration = 0;
  gboolean has_duration;
  guint commands = 0;

  g_return_val_if_fail (ZP_IS_APPLICATION (application), ZP_EXIT_FAILED);
  g_return_val_if_fail (G_IS_APPLICATION_COMMAND_LINE (command_line), ZP_EXIT_FAILED);

  options = g_application_command_line_get_options_dict (command_line);
  g_variant_dict_lookup (options, "status", "&s", &status_name);
  /* A string option: GApplication leaves an integer option of 0 out of the dictionary, so
   * --duration=0 would silently mean "the default". */
  has_duration = g_variant_dict_lookup (options, "duration", "&s", &duration_text);
  if (has_duration)
    {
      gint64 value;

      if (!g_ascii_string_to_signed (duration_text, 10, G_MININT32, G_MAXINT32, &value, NULL))
        {
          g_autofree char *text =
            /* Translators: %s is what was typed after --duration= */
            g_strdup_printf (_("--duration takes a number of minutes, not “%s”."),
                             duration_text);

          print_error_line (command_line, text);
          return ZP_EXIT_USAGE;
        }

      duration = (gint32) value;
    }

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
      return ZP_EXIT_USAGE;
    }

  if (has_duration && status_name == NULL)
    {
      print_error_line (command_line, _("--duration goes with --status=dnd."));
      return ZP_EXIT_USAGE;
    }

  if (status_name != NULL)
    return run_status (application, command_line, status_name, has_duration, duration);

  if (g_variant_dict_contains (options, "get-status"))
    return run_get_status (application, command_line);

  if (g_variant_dict_contains (options, "set-token"))
    return run_set_token (application, command_line);

  if (g_variant_dict_contains (options, "sign-in"))
    return run_sign_in (application, command_line);

  if (g_variant_dict_contains (options, "sign-out"))
    return run_sign_out (application, command_line);

  return -1;
}
