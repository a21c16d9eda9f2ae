/* zp-presence-controller.c: the single path every presence change takes
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Holds what Zoom confirmed, what the person (or the lock) wants, and why; sends at most one
 * change per min-update-interval, lets a newer wish replace a queued one, and waits out rate
 * limits, network loss and sign-in trouble without ever dropping the last wish. No timer runs
 * unless something is waiting.
 *
 * The time of the last request and any wait Zoom asked for are kept in a small key file in
 * $XDG_STATE_HOME, so that a command-line change followed by the tray starting (two processes
 * inside one minute) still keeps Zoom's pace. Nothing secret goes there.
 */

#define G_LOG_DOMAIN "zp-presence-controller"

#include "config.h"

#include <errno.h>

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "zp-enums.h"
#include "zp-presence-controller-private.h"

/* Back-off for network and server trouble: first wait, and the ceiling. */
#define BACKOFF_FIRST_SECONDS   2
#define BACKOFF_MAX_SECONDS     300
/* A 429 without Retry-After: wait this many pacing intervals, doubling up to the ceiling. */
#define RATE_LIMIT_MAX_SECONDS  900
/* Longest wait a Retry-After is believed for; anything later is a clock or server fault. */
#define RETRY_AFTER_MAX_SECONDS (2 * 24 * 3600)
/* Read the status back a little after Do not disturb should have ended: Zoom's end time has
 * whole seconds. */
#define DND_END_GRACE_MS        1000

#define STATE_GROUP             "pacing"

typedef struct
{
  ZpStatus        status;
  guint           dnd_minutes;
  ZpChangeOrigin  origin;
  GPtrArray      *tasks;  /* GTask waiting for the outcome of this wish */
} Wish;

struct _ZpPresenceController
{
  GObject          parent_instance;

  ZpZoomClient    *client;
  ZpAuth          *auth;
  GSettings       *settings;
  GNetworkMonitor *network_monitor;
  char            *state_file;          /* NULL: the pacing is not remembered */

  ZpStatus         confirmed_status;
  gint64           confirmed_dnd_end;   /* real time µs, 0 when unknown or not in DND */
  gint64           last_change_time;    /* real time µs of the last change Zoom accepted */
  gint64           last_put_monotonic;  /* monotonic µs of the last PUT sent, for pacing */
  gboolean         has_last_put;

  Wish            *wish;                /* waiting to be sent */
  Wish            *in_flight;           /* sent, no answer yet */
  char            *in_flight_token;
  char            *rejected_token;      /* the last token Zoom refused: never sent again */
  GCancellable    *cancellable;

  gint64           not_before;          /* monotonic µs before which nothing is sent */
  guint            send_source;
  guint            dnd_source;
  guint            backoff_attempts;
  gboolean         waiting_for_network;
  gboolean         waiting_for_auth;

  GPtrArray       *refresh_tasks;
  guint            change_generation;   /* bumped by every accepted change */
  guint            request_count;

  GError          *trouble[ZP_TROUBLE_LAST];
};

G_DEFINE_TYPE (ZpPresenceController, zp_presence_controller, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  SIGNAL_TROUBLE,
  SIGNAL_CONFIRMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule (ZpPresenceController *self);

static Wish *
wish_new (ZpStatus       status,
          guint          dnd_minutes,
          ZpChangeOrigin origin)
{
  Wish *wish = g_new0 (Wish, 1);

  wish->status = status;
  wish->dnd_minutes = dnd_minutes;
  wish->origin = origin;
  wish->tasks = g_ptr_array_new_with_free_func (g_object_unref);

  return wish;
}

static void
wish_free (Wish *wish)
{
  g_ptr_array_unref (wish->tasks);
  g_free (wish);
}

static gboolean
wish_same_change (const Wish *wish,
                  ZpStatus    status,
                  guint       dnd_minutes)
{
  return wish != NULL && wish->status == status && wish->dnd_minutes == dnd_minutes;
}

typedef struct
{
  ZpRequestOutcome outcome;
  gint64           send_time;
} RequestResult;

static GPtrArray *
steal_tasks (Wish *wish)
{
  GPtrArray *tasks = g_steal_pointer (&wish->tasks);

  wish->tasks = g_ptr_array_new_with_free_func (g_object_unref);

  return tasks;
}

static void
complete_tasks (Wish             *wish,
                ZpRequestOutcome  outcome,
                gint64            send_time)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (wish == NULL || wish->tasks->len == 0)
    return;

  tasks = steal_tasks (wish);

  for (guint i = 0; i < tasks->len; i++)
    {
      RequestResult *result = g_new0 (RequestResult, 1);

      result->outcome = outcome;
      result->send_time = send_time;
      g_task_return_pointer (g_ptr_array_index (tasks, i), result, g_free);
    }
}

static void
fail_tasks (Wish         *wish,
            const GError *error)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (wish == NULL || wish->tasks->len == 0)
    return;

  tasks = steal_tasks (wish);

  for (guint i = 0; i < tasks->len; i++)
    g_task_return_error (g_ptr_array_index (tasks, i), g_error_copy (error));
}

/* A newer wish has taken this one's place: whoever asked for it is told so. */
static void
wish_replaced (Wish *wish)
{
  complete_tasks (wish, ZP_REQUEST_OUTCOME_REPLACED, 0);
  wish_free (wish);
}

static void
emit_changed (ZpPresenceController *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
set_trouble (ZpPresenceController *self,
             ZpTrouble             kind,
             const GError         *error)
{
  if (error == NULL && self->trouble[kind] == NULL)
    return;

  g_clear_error (&self->trouble[kind]);
  if (error != NULL)
    self->trouble[kind] = g_error_copy (error);

  g_signal_emit (self, signals[SIGNAL_TROUBLE], 0, kind, error);
}

static guint
update_interval_seconds (ZpPresenceController *self)
{
  return MAX (1, g_settings_get_uint (self->settings, "min-update-interval"));
}

static gint64
monotonic_to_real (gint64 monotonic)
{
  return g_get_real_time () + (monotonic - g_get_monotonic_time ());
}

static gint64
real_to_monotonic (gint64 real)
{
  return g_get_monotonic_time () + (real - g_get_real_time ());
}

/* The queued wish, else the one on the wire; NULL when nothing is asked for. */
static const Wish *
newest_wish (ZpPresenceController *self)
{
  return self->wish != NULL ? self->wish : self->in_flight;
}

/* The status Zoom will have once what is on the wire has been answered. */
static ZpStatus
expected_status (ZpPresenceController *self)
{
  if (self->in_flight != NULL)
    return self->in_flight->status;

  return self->confirmed_status;
}

/* Remembering the pacing */

static void
save_state (ZpPresenceController *self)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *user_id = NULL;
  gint64 now = g_get_monotonic_time ();

  if (self->state_file == NULL)
    return;

  key_file = g_key_file_new ();
  user_id = g_settings_get_string (self->settings, "user-id");
  g_key_file_set_string (key_file, STATE_GROUP, "user-id", user_id);
  if (self->has_last_put)
    g_key_file_set_int64 (key_file, STATE_GROUP, "last-request",
                          monotonic_to_real (self->last_put_monotonic));
  if (self->not_before > now)
    g_key_file_set_int64 (key_file, STATE_GROUP, "not-before",
                          monotonic_to_real (self->not_before));

  directory = g_path_get_dirname (self->state_file);
  if (g_mkdir_with_parents (directory, 0700) != 0 ||
      !g_key_file_save_to_file (key_file, self->state_file, &error))
    /* Only pacing across restarts is lost; Zoom's own 429 still guards it. */
    g_debug ("Pacing not remembered in %s: %s", self->state_file,
             error != NULL ? error->message : g_strerror (errno));
}

static void
load_state (ZpPresenceController *self)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *saved_user = NULL;
  g_autofree char *user_id = NULL;
  gint64 now_real = g_get_real_time ();
  gint64 last_request;
  gint64 not_before;

  if (self->state_file == NULL)
    return;

  if (!g_key_file_load_from_file (key_file, self->state_file, G_KEY_FILE_NONE, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("Pacing not read from %s: %s", self->state_file, error->message);
      return;
    }

  /* Zoom paces each user on its own. */
  saved_user = g_key_file_get_string (key_file, STATE_GROUP, "user-id", NULL);
  user_id = g_settings_get_string (self->settings, "user-id");
  if (g_strcmp0 (saved_user, user_id) != 0)
    return;

  last_request = g_key_file_get_int64 (key_file, STATE_GROUP, "last-request", NULL);
  if (last_request > 0 && now_real - last_request < (gint64) 3600 * G_USEC_PER_SEC)
    {
      /* A time in the future means the clock went back: count the request as just made. */
      self->last_put_monotonic = real_to_monotonic (MIN (last_request, now_real));
      self->has_last_put = TRUE;
    }

  not_before = g_key_file_get_int64 (key_file, STATE_GROUP, "not-before", NULL);
  if (not_before > now_real)
    {
      not_before = MIN (not_before, now_real + (gint64) RETRY_AFTER_MAX_SECONDS * G_USEC_PER_SEC);
      self->not_before = real_to_monotonic (not_before);
    }
}

/* Sending */

static gint64
earliest_send_time (ZpPresenceController *self)
{
  gint64 earliest = self->not_before;

  if (self->has_last_put)
    {
      gint64 interval = (gint64) update_interval_seconds (self) * G_USEC_PER_SEC;
      /* Zoom times its minute from when a request arrives, we from when ours left: a
       * little slack keeps a faster second request from landing inside the minute. */
      gint64 slack = MIN (interval / 50, G_USEC_PER_SEC);
      gint64 paced = self->last_put_monotonic + interval + slack;

      earliest = MAX (earliest, paced);
    }

  return earliest;
}

static void
clear_send_timer (ZpPresenceController *self)
{
  g_clear_handle_id (&self->send_source, g_source_remove);
}

static gboolean
send_timer_cb (gpointer user_data)
{
  ZpPresenceController *self = user_data;

  self->send_source = 0;
  schedule (self);

  return G_SOURCE_REMOVE;
}

static void refresh_dnd_timer (ZpPresenceController *self);

static void put_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data);

/* No usable token: the wish waits for a sign-in; whoever asked is told now. */
static void
wait_for_sign_in (ZpPresenceController *self,
                  const GError         *error)
{
  self->waiting_for_auth = TRUE;
  set_trouble (self, ZP_TROUBLE_SIGN_IN, error);
  fail_tasks (self->wish, error);
}

/* Puts an unanswered wish back in the queue, unless a newer one has taken its place. */
static void
requeue (ZpPresenceController *self,
         Wish                 *wish)
{
  if (self->wish == NULL)
    {
      self->wish = wish;
      return;
    }

  wish_replaced (wish);
}

static void handle_transient (ZpPresenceController *self,
                              Wish                 *wish,
                              const GError         *error);

/* A token Zoom has refused once is not tried again: that would be a loop. */
static void
forget_rejected_token (ZpPresenceController  *self,
                       char                 **token,
                       GError               **error)
{
  if (*token == NULL || g_strcmp0 (*token, self->rejected_token) != 0)
    return;

  g_clear_pointer (token, g_free);
  g_set_error_literal (error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_REJECTED,
                       _("Zoom no longer accepts the stored token. Sign in again."));
}

static void
put_token_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ZpPresenceController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *user_id = NULL;

  token = zp_auth_get_token_finish (ZP_AUTH (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->in_flight == NULL)
    return;

  forget_rejected_token (self, &token, &error);

  /* Renewing the token needs Zoom as well: that waits for the network like any request. */
  if (g_error_matches (error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_NETWORK))
    {
      Wish *wish = g_steal_pointer (&self->in_flight);

      handle_transient (self, wish, error);
      requeue (self, wish);
      schedule (self);
      emit_changed (self);
      return;
    }

  /* Never signed in, or signed out: nothing will send this wish by itself later, and a
   * person who was told it failed must not see it happen after a later sign-in. */
  if (g_error_matches (error, ZP_AUTH_ERROR, ZP_AUTH_ERROR_SIGNED_OUT))
    {
      Wish *wish = g_steal_pointer (&self->in_flight);

      g_debug ("Signed out: dropping %s", zp_status_to_api_name (wish->status));
      /* A lock or idle change is the applet's own idea: no reason to nag about sign-in. */
      if (wish->origin == ZP_CHANGE_ORIGIN_USER)
        set_trouble (self, ZP_TROUBLE_SIGN_IN, error);
      fail_tasks (wish, error);
      wish_free (wish);
      schedule (self);
      emit_changed (self);
      return;
    }

  if (token == NULL)
    {
      g_debug ("No token for %s: %s", zp_status_to_api_name (self->in_flight->status),
               error->message);
      requeue (self, g_steal_pointer (&self->in_flight));
      wait_for_sign_in (self, error);
      emit_changed (self);
      return;
    }

  user_id = g_settings_get_string (self->settings, "user-id");
  self->in_flight_token = g_steal_pointer (&token);
  self->request_count++;

  /* Every request counts for the pacing, whatever its answer: Zoom may have seen it. */
  self->last_put_monotonic = g_get_monotonic_time ();
  self->has_last_put = TRUE;

  g_debug ("Sending %s (origin %d)", zp_status_to_api_name (self->in_flight->status),
           self->in_flight->origin);
  zp_zoom_client_set_status_async (self->client, self->in_flight_token, user_id,
                                   self->in_flight->status, self->in_flight->dnd_minutes,
                                   self->cancellable, put_cb, g_object_ref (self));
}

static void
send_now (ZpPresenceController *self)
{
  g_assert (self->wish != NULL);
  g_assert (self->in_flight == NULL);

  self->in_flight = g_steal_pointer (&self->wish);
  emit_changed (self);

  zp_auth_get_token_async (self->auth, self->cancellable, put_token_cb, g_object_ref (self));
}

static void
schedule (ZpPresenceController *self)
{
  gint64 now;
  gint64 earliest;

  clear_send_timer (self);

  if (self->wish == NULL || self->in_flight != NULL)
    return;

  /* Zoom already has this status. */
  if (self->wish->status != ZP_STATUS_DO_NOT_DISTURB &&
      self->wish->status == self->confirmed_status)
    {
      Wish *wish = g_steal_pointer (&self->wish);

      complete_tasks (wish, ZP_REQUEST_OUTCOME_UNCHANGED, 0);
      wish_free (wish);
      emit_changed (self);
      return;
    }

  /* Kept for when a token comes; nothing ticks meanwhile. */
  if (self->waiting_for_auth)
    {
      if (self->trouble[ZP_TROUBLE_SIGN_IN] != NULL)
        fail_tasks (self->wish, self->trouble[ZP_TROUBLE_SIGN_IN]);
      return;
    }

  now = g_get_monotonic_time ();
  earliest = earliest_send_time (self);

  if (earliest <= now)
    {
      send_now (self);
      return;
    }

  g_debug ("%s waits %" G_GINT64_FORMAT " ms", zp_status_to_api_name (self->wish->status),
           (earliest - now) / 1000);
  self->send_source = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                          (guint) MIN ((earliest - now + 999) / 1000,
                                                       G_MAXUINT),
                                          send_timer_cb, self, NULL);
  complete_tasks (self->wish, ZP_REQUEST_OUTCOME_QUEUED, monotonic_to_real (earliest));
}

static char *
format_clock_time (gint64 real_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (real_time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (time == NULL || now == NULL)
    return g_strdup ("?");

  if (g_date_time_get_day_of_year (time) != g_date_time_get_day_of_year (now) ||
      g_date_time_get_year (time) != g_date_time_get_year (now))
    /* Translators: a day and a time of day, see the strftime() manual */
    return g_date_time_format (time, _("%A at %H:%M"));

  /* Translators: a time of day, see the strftime() manual */
  return g_date_time_format (time, _("at %H:%M:%S"));
}

/* Zoom resets its daily limits at midnight UTC. */
static gint64
next_utc_midnight (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) today = g_date_time_new_utc (g_date_time_get_year (now),
                                                    g_date_time_get_month (now),
                                                    g_date_time_get_day_of_month (now),
                                                    0, 0, 0);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (today, 1);

  return g_date_time_to_unix (tomorrow) * G_USEC_PER_SEC;
}

static void
handle_rate_limit (ZpPresenceController *self,
                   Wish                 *wish,
                   const ZpRateLimit    *rate_limit)
{
  g_autoptr(GError) trouble = NULL;
  g_autofree char *when = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 retry_at = rate_limit->retry_at;
  gint64 wait;

  if (retry_at <= 0 && rate_limit->daily)
    retry_at = next_utc_midnight ();

  if (retry_at > 0)
    {
      wait = retry_at - g_get_real_time ();
      wait = CLAMP (wait, 0, (gint64) RETRY_AFTER_MAX_SECONDS * G_USEC_PER_SEC);
    }
  else
    {
      guint seconds = update_interval_seconds (self) << MIN (self->backoff_attempts, 5);

      wait = (gint64) MIN (seconds, RATE_LIMIT_MAX_SECONDS) * G_USEC_PER_SEC;
      self->backoff_attempts++;
    }

  self->not_before = now + wait;
  save_state (self);
  when = format_clock_time (monotonic_to_real (earliest_send_time (self)));

  if (rate_limit->daily)
    trouble = g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_RATE_LIMITED,
                           /* Translators: %s is a status, then "at 14:30" or "Tuesday at
                            * 00:00" */
                           _("Zoom’s daily limit of requests for this account is used up. "
                             "“%s” will be sent %s."),
                           zp_status_get_label (wish->status), when);
  else
    trouble = g_error_new (ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_RATE_LIMITED,
                           /* Translators: %s is a status, then "at 14:30:05" */
                           _("Zoom is limiting how often the status can change. “%s” will "
                             "be sent %s."),
                           zp_status_get_label (wish->status), when);

  set_trouble (self, ZP_TROUBLE_RATE_LIMIT, trouble);
  complete_tasks (wish, ZP_REQUEST_OUTCOME_QUEUED, monotonic_to_real (earliest_send_time (self)));
}

/* libsoup's and Zoom's messages do not always end their sentence. */
static char *
as_sentence (const char *message)
{
  gsize length = strlen (message);

  if (length > 0 && strchr (".!?", message[length - 1]) != NULL)
    return g_strdup (message);

  return g_strconcat (message, ".", NULL);
}

static void
handle_transient (ZpPresenceController *self,
                  Wish                 *wish,
                  const GError         *error)
{
  g_autoptr(GError) trouble = NULL;
  g_autofree char *reason = as_sentence (error->message);
  guint seconds = BACKOFF_FIRST_SECONDS << MIN (self->backoff_attempts, 8);

  seconds = MIN (seconds, BACKOFF_MAX_SECONDS);
  self->backoff_attempts++;
  self->not_before = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  self->waiting_for_network = TRUE;

  g_debug ("Trying again in %u s (network %s)", seconds,
           g_network_monitor_get_network_available (self->network_monitor) ? "up" : "down");

  trouble = g_error_new (error->domain, error->code,
                         /* Translators: the first %s is an error message, the second a
                          * status */
                         _("%s “%s” will be sent when Zoom can be reached again."),
                         reason, zp_status_get_label (wish->status));
  set_trouble (self, ZP_TROUBLE_OFFLINE, trouble);
  fail_tasks (wish, trouble);
}

/* Zoom refused a token. One that auth has since replaced is simply not used again; otherwise
 * everything waits for a sign-in. */
static void
handle_unauthorized (ZpPresenceController *self,
                     const char           *token,
                     const GError         *error)
{
  g_free (self->rejected_token);
  self->rejected_token = g_strdup (token);
  zp_auth_token_rejected (self->auth, token);

  if (zp_auth_get_state (self->auth) != ZP_AUTH_STATE_SIGNED_IN)
    {
      self->waiting_for_auth = TRUE;
      set_trouble (self, ZP_TROUBLE_SIGN_IN, error);
    }
}

/* Zoom answered something: whatever waited for the network may go now. */
static void
network_is_back (ZpPresenceController *self)
{
  if (!self->waiting_for_network)
    return;

  self->waiting_for_network = FALSE;
  self->not_before = 0;
  self->backoff_attempts = 0;
  set_trouble (self, ZP_TROUBLE_OFFLINE, NULL);
}

static void
put_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(ZpPresenceController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  ZpRateLimit rate_limit = { 0, };
  Wish *wish;

  /* The time of the request is written only now: the write syncs to disk, and doing that
   * before sending put it between every click and its request. */
  save_state (self);

  if (!zp_zoom_client_set_status_finish (ZP_ZOOM_CLIENT (object), result, &rate_limit, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  wish = g_steal_pointer (&self->in_flight);
  token = g_steal_pointer (&self->in_flight_token);

  if (error == NULL)
    {
      g_debug ("Zoom accepted %s", zp_status_to_api_name (wish->status));

      self->confirmed_status = wish->status;
      self->confirmed_dnd_end = wish->status == ZP_STATUS_DO_NOT_DISTURB
                                ? g_get_real_time () +
                                  (gint64) wish->dnd_minutes * 60 * G_USEC_PER_SEC
                                : 0;
      self->last_change_time = g_get_real_time ();
      self->not_before = 0;
      self->backoff_attempts = 0;
      self->waiting_for_network = FALSE;
      self->change_generation++;

      set_trouble (self, ZP_TROUBLE_RATE_LIMIT, NULL);
      set_trouble (self, ZP_TROUBLE_OFFLINE, NULL);
      set_trouble (self, ZP_TROUBLE_REFUSED, NULL);
      set_trouble (self, ZP_TROUBLE_SIGN_IN, NULL);

      complete_tasks (wish, ZP_REQUEST_OUTCOME_SENT, 0);
      g_signal_emit (self, signals[SIGNAL_CONFIRMED], 0, wish->status, wish->origin);
      wish_free (wish);
      refresh_dnd_timer (self);
    }
  else if (g_error_matches (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_RATE_LIMITED))
    {
      g_debug ("Rate limited; Zoom gave %s", rate_limit.retry_at > 0 ? "a time" : "no time");
      handle_rate_limit (self, wish, &rate_limit);
      requeue (self, wish);
    }
  else if (g_error_matches (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UNAUTHORIZED))
    {
      g_debug ("Token refused");
      handle_unauthorized (self, token, error);
      requeue (self, wish);
      if (self->waiting_for_auth)
        fail_tasks (self->wish, error);
    }
  else if (zp_zoom_error_is_permanent (error))
    {
      /* Retrying cannot fix these: the wish is told and dropped. */
      g_debug ("Zoom refused %s: %s", zp_status_to_api_name (wish->status), error->message);
      set_trouble (self, ZP_TROUBLE_REFUSED, error);
      fail_tasks (wish, error);
      wish_free (wish);
    }
  else
    {
      g_debug ("Transient failure: %s", error->message);
      handle_transient (self, wish, error);
      requeue (self, wish);
    }

  schedule (self);
  emit_changed (self);
}

void
zp_presence_controller_request_async (ZpPresenceController *self,
                                      ZpStatus              status,
                                      guint                 dnd_minutes,
                                      ZpChangeOrigin        origin,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ZP_IS_PRESENCE_CONTROLLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_presence_controller_request_async);

  if (!zp_status_is_settable (status))
    {
      g_task_return_new_error (task, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT,
                               _("“%s” cannot be set; Zoom sets it by itself."),
                               zp_status_get_label (status));
      return;
    }

  if (status == ZP_STATUS_DO_NOT_DISTURB)
    {
      if (dnd_minutes == 0)
        dnd_minutes = g_settings_get_uint (self->settings, "dnd-minutes");

      if (dnd_minutes < ZP_DND_MIN_MINUTES || dnd_minutes > ZP_DND_MAX_MINUTES)
        {
          g_task_return_new_error (task, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_INVALID_INPUT,
                                   _("Do not disturb lasts from %d to %d minutes."),
                                   ZP_DND_MIN_MINUTES, ZP_DND_MAX_MINUTES);
          return;
        }
    }
  else
    {
      dnd_minutes = 0;
    }

  g_debug ("Wish: %s (origin %d)", zp_status_to_api_name (status), origin);

  /* The newest wish is already what Zoom has, or will have once the wire answers: anything
   * queued in between is moot. */
  if (status != ZP_STATUS_DO_NOT_DISTURB && status == expected_status (self))
    {
      if (self->wish != NULL)
        {
          wish_replaced (g_steal_pointer (&self->wish));
          clear_send_timer (self);
        }

      if (self->in_flight != NULL)
        {
          self->in_flight->origin = origin;
          g_ptr_array_add (self->in_flight->tasks, g_steal_pointer (&task));
        }
      else
        {
          RequestResult *result = g_new0 (RequestResult, 1);

          result->outcome = ZP_REQUEST_OUTCOME_UNCHANGED;
          g_task_return_pointer (task, result, g_free);
        }

      emit_changed (self);
      return;
    }

  if (wish_same_change (self->wish, status, dnd_minutes))
    {
      self->wish->origin = origin;
    }
  else
    {
      if (self->wish != NULL)
        wish_replaced (g_steal_pointer (&self->wish));

      self->wish = wish_new (status, dnd_minutes, origin);
    }

  g_ptr_array_add (self->wish->tasks, g_steal_pointer (&task));

  schedule (self);
  emit_changed (self);
}

ZpRequestOutcome
zp_presence_controller_request_finish (ZpPresenceController  *self,
                                       GAsyncResult          *result,
                                       gint64                *out_send_time,
                                       GError               **error)
{
  g_autofree RequestResult *request_result = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), ZP_REQUEST_OUTCOME_SENT);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        zp_presence_controller_request_async, ZP_REQUEST_OUTCOME_SENT);

  if (out_send_time != NULL)
    *out_send_time = 0;

  request_result = g_task_propagate_pointer (G_TASK (result), error);
  if (request_result == NULL)
    return ZP_REQUEST_OUTCOME_SENT;

  if (out_send_time != NULL)
    *out_send_time = request_result->send_time;

  return request_result->outcome;
}

static void
request_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Whatever went wrong has already been raised as trouble for the notifier. */
  zp_presence_controller_request_finish (ZP_PRESENCE_CONTROLLER (object), result, NULL, &error);
  if (error != NULL)
    g_debug ("Request ended: %s", error->message);
}

void
zp_presence_controller_request (ZpPresenceController *self,
                                ZpStatus              status,
                                guint                 dnd_minutes,
                                ZpChangeOrigin        origin)
{
  zp_presence_controller_request_async (self, status, dnd_minutes, origin, NULL,
                                        request_done_cb, NULL);
}

static gboolean
dnd_end_cb (gpointer user_data)
{
  ZpPresenceController *self = user_data;

  self->dnd_source = 0;
  g_debug ("Do not disturb should have ended; reading the status back");
  zp_presence_controller_refresh (self);

  return G_SOURCE_REMOVE;
}

/* One timer at the end of Do not disturb, so the tray never shows one Zoom has dropped. */
static void
refresh_dnd_timer (ZpPresenceController *self)
{
  gint64 wait_ms;

  g_clear_handle_id (&self->dnd_source, g_source_remove);

  if (self->confirmed_status != ZP_STATUS_DO_NOT_DISTURB || self->confirmed_dnd_end == 0)
    return;

  /* Already over and read back: asking again would be polling. */
  if (self->confirmed_dnd_end <= g_get_real_time ())
    return;

  wait_ms = (self->confirmed_dnd_end - g_get_real_time ()) / 1000 + DND_END_GRACE_MS;
  self->dnd_source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MIN (wait_ms, G_MAXUINT),
                                         dnd_end_cb, self, NULL);
}

typedef struct
{
  ZpPresenceController *self;
  char                 *token;
  guint                 generation;
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_object_unref (data->self);
  g_free (data->token);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RefreshData, refresh_data_free)

static void
finish_refreshes (ZpPresenceController *self,
                  const GError         *error)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&self->refresh_tasks);

  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
get_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(RefreshData) data = user_data;
  ZpPresenceController *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(ZpPresence) presence = NULL;

  presence = zp_zoom_client_get_status_finish (ZP_ZOOM_CLIENT (object), result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish_refreshes (self, error);
      return;
    }

  if (presence == NULL)
    {
      g_debug ("Reading the status failed: %s", error->message);

      if (g_error_matches (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_UNAUTHORIZED))
        handle_unauthorized (self, data->token, error);

      finish_refreshes (self, error);
      emit_changed (self);
      return;
    }

  network_is_back (self);

  /* A change accepted while the GET was out is newer than what the GET saw. */
  if (data->generation == self->change_generation && self->in_flight == NULL)
    {
      g_debug ("Zoom reports %s", presence->api_name != NULL ? presence->api_name : "nothing");

      self->confirmed_status = presence->status;
      self->confirmed_dnd_end = presence->status == ZP_STATUS_DO_NOT_DISTURB
                                ? presence->dnd_end_time : 0;
      set_trouble (self, ZP_TROUBLE_SIGN_IN, NULL);
      refresh_dnd_timer (self);
    }

  schedule (self);
  finish_refreshes (self, NULL);
  emit_changed (self);
}

static void
refresh_token_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ZpPresenceController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *user_id = NULL;
  RefreshData *data;

  token = zp_auth_get_token_finish (ZP_AUTH (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Shutting down: whoever waits is told, so nothing keeps a reference forever. */
      finish_refreshes (self, error);
      return;
    }

  forget_rejected_token (self, &token, &error);

  if (token == NULL)
    {
      finish_refreshes (self, error);
      return;
    }

  data = g_new0 (RefreshData, 1);
  data->self = g_object_ref (self);
  data->token = g_steal_pointer (&token);
  data->generation = self->change_generation;

  user_id = g_settings_get_string (self->settings, "user-id");
  self->request_count++;
  zp_zoom_client_get_status_async (self->client, data->token, user_id, self->cancellable,
                                   get_cb, data);
}

void
zp_presence_controller_refresh_async (ZpPresenceController *self,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  gboolean already_reading;

  g_return_if_fail (ZP_IS_PRESENCE_CONTROLLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_presence_controller_refresh_async);

  /* Callers that ask while a read is out share its answer. */
  already_reading = self->refresh_tasks != NULL;
  if (!already_reading)
    self->refresh_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->refresh_tasks, g_steal_pointer (&task));

  if (!already_reading)
    zp_auth_get_token_async (self->auth, self->cancellable, refresh_token_cb,
                             g_object_ref (self));
}

gboolean
zp_presence_controller_refresh_finish (ZpPresenceController  *self,
                                       GAsyncResult          *result,
                                       GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        zp_presence_controller_refresh_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
refresh_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* A failed read leaves the last known status in place; sign-in trouble is raised already. */
  if (!zp_presence_controller_refresh_finish (ZP_PRESENCE_CONTROLLER (object), result, &error))
    g_debug ("Status not read back: %s", error->message);
}

void
zp_presence_controller_refresh (ZpPresenceController *self)
{
  zp_presence_controller_refresh_async (self, NULL, refresh_done_cb, NULL);
}

void
zp_presence_controller_retry (ZpPresenceController *self)
{
  g_return_if_fail (ZP_IS_PRESENCE_CONTROLLER (self));

  /* A person asking to retry overrides back-off, never Zoom's own pacing rule, and never a
   * Retry-After that Zoom gave. */
  if (self->waiting_for_network)
    {
      self->not_before = 0;
      self->backoff_attempts = 0;
    }
  self->waiting_for_auth = zp_auth_get_state (self->auth) != ZP_AUTH_STATE_SIGNED_IN &&
                           zp_auth_get_state (self->auth) != ZP_AUTH_STATE_LOADING;
  schedule (self);
  emit_changed (self);
}

static void
auth_state_changed_cb (ZpPresenceController *self,
                       GParamSpec           *pspec,
                       ZpAuth               *auth)
{
  ZpAuthState state = zp_auth_get_state (auth);

  if (state != ZP_AUTH_STATE_SIGNED_IN)
    {
      emit_changed (self);
      return;
    }

  /* A new token: whatever was waiting for one may go. */
  g_debug ("Signed in; sending what waits");
  set_trouble (self, ZP_TROUBLE_SIGN_IN, NULL);
  self->waiting_for_auth = FALSE;
  schedule (self);
  emit_changed (self);
}

static void
network_changed_cb (ZpPresenceController *self,
                    gboolean              available,
                    GNetworkMonitor      *monitor)
{
  if (!available || !self->waiting_for_network)
    return;

  /* The pacing still holds; only the back-off is cut short. */
  g_debug ("Network is back; sending what waits");
  self->not_before = 0;
  self->backoff_attempts = 0;
  schedule (self);
  emit_changed (self);
}

static void
zp_presence_controller_dispose (GObject *object)
{
  ZpPresenceController *self = (ZpPresenceController *) object;

  g_cancellable_cancel (self->cancellable);
  clear_send_timer (self);
  g_clear_handle_id (&self->dnd_source, g_source_remove);

  if (self->network_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->network_monitor, self);

  g_clear_object (&self->client);
  g_clear_object (&self->auth);
  g_clear_object (&self->settings);
  g_clear_object (&self->network_monitor);

  G_OBJECT_CLASS (zp_presence_controller_parent_class)->dispose (object);
}

static void
zp_presence_controller_finalize (GObject *object)
{
  ZpPresenceController *self = (ZpPresenceController *) object;

  g_clear_pointer (&self->wish, wish_free);
  g_clear_pointer (&self->in_flight, wish_free);
  g_clear_pointer (&self->in_flight_token, g_free);
  g_clear_pointer (&self->rejected_token, g_free);
  g_clear_pointer (&self->state_file, g_free);
  g_clear_pointer (&self->refresh_tasks, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  for (guint i = 0; i < ZP_TROUBLE_LAST; i++)
    g_clear_error (&self->trouble[i]);

  G_OBJECT_CLASS (zp_presence_controller_parent_class)->finalize (object);
}

static void
zp_presence_controller_class_init (ZpPresenceControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = zp_presence_controller_dispose;
  object_class->finalize = zp_presence_controller_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  signals[SIGNAL_TROUBLE] =
    g_signal_new ("trouble", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  ZP_TYPE_TROUBLE, G_TYPE_ERROR);

  signals[SIGNAL_CONFIRMED] =
    g_signal_new ("confirmed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  ZP_TYPE_STATUS, ZP_TYPE_CHANGE_ORIGIN);
}

static void
zp_presence_controller_init (ZpPresenceController *self)
{
  self->confirmed_status = ZP_STATUS_UNKNOWN;
  self->cancellable = g_cancellable_new ();
}

ZpPresenceController *
zp_presence_controller_new (ZpZoomClient *client,
                            ZpAuth       *auth,
                            GSettings    *settings)
{
  ZpPresenceController *self;

  g_return_val_if_fail (ZP_IS_ZOOM_CLIENT (client), NULL);
  g_return_val_if_fail (ZP_IS_AUTH (auth), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (ZP_TYPE_PRESENCE_CONTROLLER, NULL);
  self->client = g_object_ref (client);
  self->auth = g_object_ref (auth);
  self->settings = g_object_ref (settings);
  self->network_monitor = g_object_ref (g_network_monitor_get_default ());
  self->waiting_for_auth = zp_auth_get_state (auth) != ZP_AUTH_STATE_SIGNED_IN &&
                           zp_auth_get_state (auth) != ZP_AUTH_STATE_LOADING;
  self->state_file = g_build_filename (g_get_user_state_dir (), "zoom-presence", "state", NULL);
  load_state (self);

  g_signal_connect_object (auth, "notify::state", G_CALLBACK (auth_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->network_monitor, "network-changed",
                           G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);

  return self;
}

guint
zp_presence_controller_count_timers (ZpPresenceController *self)
{
  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (self), 0);

  return (self->send_source != 0) + (self->dnd_source != 0);
}

void
zp_presence_controller_set_state_file (ZpPresenceController *self,
                                       const char           *path)
{
  g_return_if_fail (ZP_IS_PRESENCE_CONTROLLER (self));

  g_free (self->state_file);
  self->state_file = g_strdup (path);
  self->has_last_put = FALSE;
  self->last_put_monotonic = 0;
  self->not_before = 0;
  load_state (self);
  schedule (self);
}

ZpStatus
zp_presence_controller_get_confirmed_status (ZpPresenceController *self)
{
  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (self), ZP_STATUS_UNKNOWN);

  return self->confirmed_status;
}

ZpStatus
zp_presence_controller_get_wanted_status (ZpPresenceController *self)
{
  const Wish *wish;

  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (self), ZP_STATUS_UNKNOWN);

  wish = newest_wish (self);

  return wish != NULL ? wish->status : ZP_STATUS_UNKNOWN;
}

ZpChangeOrigin
zp_presence_controller_get_wanted_origin (ZpPresenceController *self)
{
  const Wish *wish;

  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (self), ZP_CHANGE_ORIGIN_USER);

  wish = newest_wish (self);

  return wish != NULL ? wish->origin : ZP_CHANGE_ORIGIN_SYNC;
}

ZpStatus
zp_presence_controller_get_shown_status (ZpPresenceController *self)
{
  ZpStatus wanted = zp_presence_controller_get_wanted_status (self);

  return wanted != ZP_STATUS_UNKNOWN ? wanted : self->confirmed_status;
}

gboolean
zp_presence_controller_get_pending (ZpPresenceController *self)
{
  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (self), FALSE);

  return self->wish != NULL || self->in_flight != NULL;
}

gint64
zp_presence_controller_get_next_send_time (ZpPresenceController *self)
{
  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (self), 0);

  if (self->wish == NULL || self->send_source == 0)
    return 0;

  return monotonic_to_real (earliest_send_time (self));
}

gint64
zp_presence_controller_get_last_change_time (ZpPresenceController *self)
{
  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (self), 0);

  return self->last_change_time;
}

gint64
zp_presence_controller_get_dnd_end_time (ZpPresenceController *self)
{
  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (self), 0);

  return self->confirmed_status == ZP_STATUS_DO_NOT_DISTURB ? self->confirmed_dnd_end : 0;
}

guint
zp_presence_controller_get_request_count (ZpPresenceController *self)
{
  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (self), 0);

  return self->request_count;
}

const GError *
zp_presence_controller_get_trouble (ZpPresenceController *self,
                                    ZpTrouble             kind)
{
  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (self), NULL);
  g_return_val_if_fail (kind < ZP_TROUBLE_LAST, NULL);

  return self->trouble[kind];
}
