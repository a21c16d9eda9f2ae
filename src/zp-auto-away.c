/* zp-auto-away.c: Away when the screen locks, the machine sleeps or the person is idle
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The policy: going away replaces only Available, Busy or In a calendar event — never Do not
 * disturb, Out of office, a meeting, a call or presenting. Zoom sets some of those by itself
 * (a meeting starts, the phone rings) and nothing polls, so the status is read from Zoom
 * before deciding. Coming back puts the earlier status back only if Zoom still shows the Away
 * we set (read back first), and only if the person did not choose something else meanwhile.
 * Every change goes through the presence controller, so a lock and unlock that both fall
 * inside one pacing window cancel out and send nothing.
 */

#define G_LOG_DOMAIN "zp-auto-away"

#include "config.h"

#include "zp-auto-away.h"

typedef enum
{
  REASON_LOCK  = 1 << 0,
  REASON_SLEEP = 1 << 1,
  REASON_IDLE  = 1 << 2,
} AwayReason;

struct _ZpAutoAway
{
  GObject               parent_instance;

  ZpPresenceController *controller;
  ZpLockMonitor        *lock_monitor;
  ZpIdleMonitor        *idle_monitor;
  GSettings            *settings;
  GCancellable         *cancellable;

  AwayReason            reasons;        /* why we are away right now */
  gboolean              decided;        /* this away spell has been decided on */
  gboolean              deciding;       /* reading Zoom's status before deciding */
  gboolean              restoring;      /* reading Zoom's status before restoring */
  ZpStatus              saved_status;   /* what Away replaced; UNKNOWN when we set nothing */
  ZpChangeOrigin        away_origin;    /* why our Away was set */
  gboolean              holding_sleep;
};

G_DEFINE_TYPE (ZpAutoAway, zp_auto_away, G_TYPE_OBJECT)

static void reconsider (ZpAutoAway *self);

static gboolean
status_yields_to_away (ZpStatus status)
{
  return status == ZP_STATUS_AVAILABLE ||
         status == ZP_STATUS_BUSY ||
         status == ZP_STATUS_IN_CALENDAR_EVENT;
}

static ZpChangeOrigin
origin_for (AwayReason reasons)
{
  return (reasons & (REASON_LOCK | REASON_SLEEP)) != 0 ? ZP_CHANGE_ORIGIN_LOCK
                                                       : ZP_CHANGE_ORIGIN_IDLE;
}

static gboolean
wants_away (ZpAutoAway *self)
{
  AwayReason enabled = REASON_IDLE;

  if (g_settings_get_boolean (self->settings, "away-on-lock"))
    enabled |= REASON_LOCK | REASON_SLEEP;

  return (self->reasons & enabled) != 0;
}

static void
release_sleep_if_done (ZpAutoAway *self)
{
  if (!self->holding_sleep)
    return;

  /* The machine may sleep once the status has been read and nothing for Zoom is still on its
   * way; a change that waits for the pacing cannot leave before the suspend anyway. */
  if (self->deciding)
    return;
  if (zp_presence_controller_get_pending (self->controller) &&
      zp_presence_controller_get_next_send_time (self->controller) == 0)
    return;

  g_debug ("Letting the machine sleep");
  self->holding_sleep = FALSE;
  zp_lock_monitor_release_sleep (self->lock_monitor);
}

/* Decides with the status as the controller knows it now. */
static void
go_away (ZpAutoAway *self)
{
  ZpStatus current = zp_presence_controller_get_shown_status (self->controller);

  if (current == ZP_STATUS_UNKNOWN)
    {
      /* No token yet, or Zoom unreachable: decided once the status is known. */
      g_debug ("Status unknown while away; deciding once it is read");
      return;
    }

  self->decided = TRUE;

  if (!status_yields_to_away (current))
    {
      g_debug ("Leaving %s alone", zp_status_to_api_name (current));
      return;
    }

  g_debug ("Away over %s", zp_status_to_api_name (current));
  self->saved_status = current;
  self->away_origin = origin_for (self->reasons);
  zp_presence_controller_request (self->controller, ZP_STATUS_AWAY, 0, self->away_origin);
}

static void
decide_after_read_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ZpAutoAway) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!zp_presence_controller_refresh_finish (ZP_PRESENCE_CONTROLLER (object), result, &error))
    /* What the controller knew before still counts; unknown waits for the next reading. */
    g_debug ("Status not read before going away: %s", error->message);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->deciding = FALSE;

  /* Back already (a lock and unlock within one read): nothing to do at all. */
  if (wants_away (self) && !self->decided && self->saved_status == ZP_STATUS_UNKNOWN)
    go_away (self);

  release_sleep_if_done (self);
}

static void
start_going_away (ZpAutoAway *self)
{
  if (self->decided || self->deciding)
    return;

  /* Still away from before (locked again while the status was being read back). */
  if (self->saved_status != ZP_STATUS_UNKNOWN)
    {
      self->decided = TRUE;
      return;
    }

  /* Zoom may have put the person in a meeting or a call since we last asked. */
  self->deciding = TRUE;
  zp_presence_controller_refresh_async (self->controller, self->cancellable,
                                        decide_after_read_cb, g_object_ref (self));
}

static void
restore_after_read_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(ZpAutoAway) self = user_data;
  g_autoptr(GError) error = NULL;
  ZpStatus saved;

  if (!zp_presence_controller_refresh_finish (ZP_PRESENCE_CONTROLLER (object), result, &error))
    /* Without Zoom's word the controller's last knowledge decides: the Away was ours. */
    g_debug ("Status not read back before restoring: %s", error->message);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->restoring = FALSE;
  saved = self->saved_status;

  /* Away again while the read was out: the saved status waits for the next return. Or the
   * person chose a status meanwhile, which forgot it. */
  if (wants_away (self) || saved == ZP_STATUS_UNKNOWN)
    return;

  self->saved_status = ZP_STATUS_UNKNOWN;

  if (zp_presence_controller_get_shown_status (self->controller) != ZP_STATUS_AWAY)
    {
      g_debug ("Status changed elsewhere while away; not restoring");
      return;
    }

  g_debug ("Back: restoring %s", zp_status_to_api_name (saved));
  zp_presence_controller_request (self->controller, saved, 0, self->away_origin);
}

static void
come_back (ZpAutoAway *self)
{
  ZpStatus saved = self->saved_status;

  if (saved == ZP_STATUS_UNKNOWN || self->restoring)
    return;

  if (!g_settings_get_boolean (self->settings, "restore-on-unlock"))
    {
      g_debug ("Not restoring: restore-on-unlock is off");
      self->saved_status = ZP_STATUS_UNKNOWN;
      return;
    }

  /* Our Away never left: taking it back costs nothing, the controller drops both. */
  if (zp_presence_controller_get_wanted_status (self->controller) == ZP_STATUS_AWAY &&
      zp_presence_controller_get_wanted_origin (self->controller) != ZP_CHANGE_ORIGIN_USER &&
      zp_presence_controller_get_next_send_time (self->controller) != 0)
    {
      g_debug ("Away was still queued; restoring %s without a request",
               zp_status_to_api_name (saved));
      self->saved_status = ZP_STATUS_UNKNOWN;
      zp_presence_controller_request (self->controller, saved, 0, self->away_origin);
      return;
    }

  /* Zoom may have been changed from the Zoom app meanwhile: ask before overwriting. */
  self->restoring = TRUE;
  zp_presence_controller_refresh_async (self->controller, self->cancellable,
                                        restore_after_read_cb, g_object_ref (self));
}

static void
reconsider (ZpAutoAway *self)
{
  if (wants_away (self))
    {
      start_going_away (self);
      return;
    }

  self->decided = FALSE;
  come_back (self);
}

static void
set_reason (ZpAutoAway *self,
            AwayReason  reason,
            gboolean    active)
{
  AwayReason before = self->reasons;

  if (active)
    self->reasons |= reason;
  else
    self->reasons &= ~reason;

  if (before != self->reasons)
    reconsider (self);
}

static void
locked_changed_cb (ZpAutoAway    *self,
                   GParamSpec    *pspec,
                   ZpLockMonitor *lock_monitor)
{
  set_reason (self, REASON_LOCK, zp_lock_monitor_get_locked (lock_monitor));
}

static void
prepare_for_sleep_cb (ZpAutoAway    *self,
                      gboolean       start,
                      ZpLockMonitor *lock_monitor)
{
  if (start)
    {
      self->holding_sleep = TRUE;
      set_reason (self, REASON_SLEEP, TRUE);
      release_sleep_if_done (self);
      return;
    }

  /* Resumed: the world may have moved on while asleep. */
  self->holding_sleep = FALSE;
  set_reason (self, REASON_SLEEP, FALSE);
  if (self->saved_status == ZP_STATUS_UNKNOWN && !self->deciding)
    zp_presence_controller_refresh (self->controller);
}

static void
idle_changed_cb (ZpAutoAway    *self,
                 GParamSpec    *pspec,
                 ZpIdleMonitor *idle_monitor)
{
  set_reason (self, REASON_IDLE, zp_idle_monitor_get_idle (idle_monitor));
}

static void
controller_changed_cb (ZpAutoAway           *self,
                       ZpPresenceController *controller)
{
  /* A person who picks a status while away has decided: nothing is restored over it. */
  if (self->saved_status != ZP_STATUS_UNKNOWN &&
      zp_presence_controller_get_wanted_origin (controller) == ZP_CHANGE_ORIGIN_USER &&
      zp_presence_controller_get_pending (controller))
    {
      g_debug ("Person chose a status while away; forgetting %s",
               zp_status_to_api_name (self->saved_status));
      self->saved_status = ZP_STATUS_UNKNOWN;
      self->decided = TRUE;
    }

  /* An away spell that began before the status could be read is decided once it is. */
  if (wants_away (self) && !self->decided && !self->deciding &&
      self->saved_status == ZP_STATUS_UNKNOWN &&
      zp_presence_controller_get_shown_status (controller) != ZP_STATUS_UNKNOWN)
    go_away (self);

  release_sleep_if_done (self);
}

static void
settings_changed_cb (ZpAutoAway *self,
                     const char *key,
                     GSettings  *settings)
{
  if (g_strcmp0 (key, "away-on-idle-minutes") == 0 && self->idle_monitor != NULL)
    zp_idle_monitor_set_idle_minutes (self->idle_monitor,
                                      g_settings_get_uint (settings, "away-on-idle-minutes"));
  else if (g_strcmp0 (key, "away-on-lock") == 0)
    reconsider (self);
}

static void
zp_auto_away_dispose (GObject *object)
{
  ZpAutoAway *self = (ZpAutoAway *) object;

  g_cancellable_cancel (self->cancellable);

  if (self->holding_sleep && self->lock_monitor != NULL)
    zp_lock_monitor_release_sleep (self->lock_monitor);
  self->holding_sleep = FALSE;

  g_clear_object (&self->controller);
  g_clear_object (&self->lock_monitor);
  g_clear_object (&self->idle_monitor);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (zp_auto_away_parent_class)->dispose (object);
}

static void
zp_auto_away_finalize (GObject *object)
{
  ZpAutoAway *self = (ZpAutoAway *) object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (zp_auto_away_parent_class)->finalize (object);
}

static void
zp_auto_away_class_init (ZpAutoAwayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = zp_auto_away_dispose;
  object_class->finalize = zp_auto_away_finalize;
}

static void
zp_auto_away_init (ZpAutoAway *self)
{
  self->saved_status = ZP_STATUS_UNKNOWN;
  self->away_origin = ZP_CHANGE_ORIGIN_LOCK;
  self->cancellable = g_cancellable_new ();
}

ZpAutoAway *
zp_auto_away_new (ZpPresenceController *controller,
                  ZpLockMonitor        *lock_monitor,
                  ZpIdleMonitor        *idle_monitor,
                  GSettings            *settings)
{
  ZpAutoAway *self;

  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (controller), NULL);
  g_return_val_if_fail (ZP_IS_LOCK_MONITOR (lock_monitor), NULL);
  g_return_val_if_fail (idle_monitor == NULL || ZP_IS_IDLE_MONITOR (idle_monitor), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (ZP_TYPE_AUTO_AWAY, NULL);
  self->controller = g_object_ref (controller);
  self->lock_monitor = g_object_ref (lock_monitor);
  self->idle_monitor = idle_monitor != NULL ? g_object_ref (idle_monitor) : NULL;
  self->settings = g_object_ref (settings);

  g_signal_connect_object (lock_monitor, "notify::locked", G_CALLBACK (locked_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (lock_monitor, "prepare-for-sleep",
                           G_CALLBACK (prepare_for_sleep_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "changed", G_CALLBACK (controller_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);

  if (idle_monitor != NULL)
    {
      zp_idle_monitor_set_idle_minutes (idle_monitor,
                                        g_settings_get_uint (settings, "away-on-idle-minutes"));
      g_signal_connect_object (idle_monitor, "notify::idle", G_CALLBACK (idle_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }

  /* Started on a locked screen (autostart racing the locker, or a restart). */
  if (zp_lock_monitor_get_locked (lock_monitor))
    set_reason (self, REASON_LOCK, TRUE);

  return self;
}

ZpStatus
zp_auto_away_get_saved_status (ZpAutoAway *self)
{
  g_return_val_if_fail (ZP_IS_AUTO_AWAY (self), ZP_STATUS_UNKNOWN);

  return self->saved_status;
}
