/* zp-idle-monitor.c: "idle" after a number of minutes without input, without polling
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "zp-idle-monitor"

#include "config.h"

#include "zp-idle-monitor.h"
#include "zp-idle-monitor-private.h"

/* Two ways to learn about idleness, chosen by whether Mutter's idle monitor is on the bus
 * (and switched when it comes or goes, as when GNOME Shell restarts on X11):
 *
 * - org.gnome.Mutter.IdleMonitor: an idle watch for the threshold fires when the user has
 *   been idle that long; a user-active watch, added only while idle, fires once at the next
 *   input. Nothing wakes us up in between.
 *
 * - Otherwise org.freedesktop.ScreenSaver's GetSessionIdleTime (milliseconds, as KDE
 *   answers it). No signal tells when input resumes, so this polls, but as little as the
 *   question allows. While active, the earliest moment the threshold can be reached is
 *   "threshold - idle time" from now (if no input comes in between), so we ask exactly then:
 *   at most one wake-up per threshold while the user works, and the one that finds the
 *   threshold reached says so at once. While idle, the return can only be seen by asking,
 *   so we ask once a minute; a minute is never longer than the threshold, so any input since
 *   the last question shows as an idle time below the threshold.
 */

#define MUTTER_NAME "org.gnome.Mutter.IdleMonitor"
#define MUTTER_PATH "/org/gnome/Mutter/IdleMonitor/Core"
#define MUTTER_INTERFACE "org.gnome.Mutter.IdleMonitor"

#define SCREENSAVER_NAME "org.freedesktop.ScreenSaver"

#define DEFAULT_MINUTE_MS 60000

static const char * const screensaver_paths[] = {
  "/org/freedesktop/ScreenSaver",
  "/ScreenSaver",
};

struct _ZpIdleMonitor
{
  GObject          parent_instance;

  GDBusConnection *session_bus;
  GCancellable    *cancellable;  /* replaced each time the watches are torn down */

  gboolean         idle;
  guint            idle_minutes;
  guint            minute_ms;

  guint            mutter_name_watch;
  guint            watch_fired_subscription;
  guint            idle_watch;    /* Mutter's watch ids, 0 when none */
  guint            active_watch;
  gboolean         active_watch_pending;

  guint            screensaver_path_index;
  guint            poll_source;
};

G_DEFINE_FINAL_TYPE (ZpIdleMonitor, zp_idle_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION_BUS,
  PROP_IDLE,
  PROP_IDLE_MINUTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void poll_idle_time (ZpIdleMonitor *self);

static guint64
threshold_ms (ZpIdleMonitor *self)
{
  return (guint64) self->idle_minutes * self->minute_ms;
}

static void
set_idle (ZpIdleMonitor *self,
          gboolean       idle)
{
  if (self->idle == idle)
    return;

  self->idle = idle;
  g_debug ("User is %s", idle ? "idle" : "active again");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE]);
}

/* Mutter */

static void
add_user_active_watch_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  ZpIdleMonitor *self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_debug ("Mutter: AddUserActiveWatch failed (%s)", error->message);
      self->active_watch_pending = FALSE;
      return;
    }

  self->active_watch_pending = FALSE;
  g_variant_get (reply, "(u)", &self->active_watch);
}

static void
add_user_active_watch (ZpIdleMonitor *self)
{
  if (self->active_watch != 0 || self->active_watch_pending)
    return;

  self->active_watch_pending = TRUE;
  g_dbus_connection_call (self->session_bus, MUTTER_NAME, MUTTER_PATH, MUTTER_INTERFACE,
                          "AddUserActiveWatch", NULL, G_VARIANT_TYPE ("(u)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable,
                          add_user_active_watch_cb, self);
}

static void
add_idle_watch_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ZpIdleMonitor *self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Mutter: AddIdleWatch failed (%s)", error->message);
      return;
    }

  g_variant_get (reply, "(u)", &self->idle_watch);
  g_debug ("Mutter: watching for %u min of idleness", self->idle_minutes);
}

static void
watch_fired_cb (GDBusConnection *connection,
                const char      *sender_name,
                const char      *object_path,
                const char      *interface_name,
                const char      *signal_name,
                GVariant        *parameters,
                gpointer         user_data)
{
  ZpIdleMonitor *self = user_data;
  guint32 id;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(u)")))
    return;

  g_variant_get (parameters, "(u)", &id);

  if (id != 0 && id == self->idle_watch)
    {
      set_idle (self, TRUE);
      add_user_active_watch (self);
    }
  else if (id != 0 && id == self->active_watch)
    {
      /* User-active watches fire once and are gone. */
      self->active_watch = 0;
      set_idle (self, FALSE);
    }
}

static void
stop_polling (ZpIdleMonitor *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
}

static void
forget_mutter_watches (ZpIdleMonitor *self)
{
  if (self->watch_fired_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->session_bus, self->watch_fired_subscription);
  self->watch_fired_subscription = 0;
  self->idle_watch = 0;
  self->active_watch = 0;
  self->active_watch_pending = FALSE;
}

static void
mutter_appeared_cb (GDBusConnection *connection,
                    const char      *name,
                    const char      *name_owner,
                    gpointer         user_data)
{
  ZpIdleMonitor *self = user_data;

  g_debug ("Mutter's idle monitor found");
  stop_polling (self);
  forget_mutter_watches (self);

  self->watch_fired_subscription =
    g_dbus_connection_signal_subscribe (self->session_bus, MUTTER_NAME, MUTTER_INTERFACE,
                                        "WatchFired", MUTTER_PATH, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, watch_fired_cb, self, NULL);

  g_dbus_connection_call (self->session_bus, MUTTER_NAME, MUTTER_PATH, MUTTER_INTERFACE,
                          "AddIdleWatch", g_variant_new ("(t)", threshold_ms (self)),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          self->cancellable, add_idle_watch_cb, self);

  /* Idle already (the threshold changed, or Mutter came back): wait for the return. */
  if (self->idle)
    add_user_active_watch (self);
}

static void
mutter_vanished_cb (GDBusConnection *connection,
                    const char      *name,
                    gpointer         user_data)
{
  ZpIdleMonitor *self = user_data;

  g_debug ("Mutter's idle monitor is not on the bus; asking org.freedesktop.ScreenSaver");
  forget_mutter_watches (self);

  self->screensaver_path_index = 0;
  if (self->poll_source == 0)
    poll_idle_time (self);
}

/* org.freedesktop.ScreenSaver, polled at the threshold's boundary */

static gboolean
poll_cb (gpointer user_data)
{
  ZpIdleMonitor *self = user_data;

  self->poll_source = 0;
  poll_idle_time (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_poll (ZpIdleMonitor *self,
               guint64        delay_ms)
{
  g_assert (self->poll_source == 0);

  /* Long waits go through the seconds clock, which the system may batch with others. */
  if (delay_ms >= 10000)
    self->poll_source = g_timeout_add_seconds ((delay_ms + 999) / 1000, poll_cb, self);
  else
    self->poll_source = g_timeout_add (MAX (delay_ms, 1), poll_cb, self);
}

static void
get_session_idle_time_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  ZpIdleMonitor *self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint64 threshold;
  guint32 idle_ms;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      if ((g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)
           || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
          && self->screensaver_path_index + 1 < G_N_ELEMENTS (screensaver_paths))
        {
          self->screensaver_path_index++;
          poll_idle_time (self);
          return;
        }

      /* Nothing else to ask; idleness simply never comes. */
      g_debug ("No idle time from org.freedesktop.ScreenSaver either (%s)", error->message);
      return;
    }

  g_variant_get (reply, "(u)", &idle_ms);
  threshold = threshold_ms (self);

  if (idle_ms >= threshold)
    {
      set_idle (self, TRUE);
      schedule_poll (self, self->minute_ms);
    }
  else
    {
      set_idle (self, FALSE);
      schedule_poll (self, threshold - idle_ms);
    }
}

static void
poll_idle_time (ZpIdleMonitor *self)
{
  g_dbus_connection_call (self->session_bus, SCREENSAVER_NAME,
                          screensaver_paths[self->screensaver_path_index],
                          "org.freedesktop.ScreenSaver", "GetSessionIdleTime", NULL,
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          self->cancellable, get_session_idle_time_cb, self);
}

/* Watches */

static void
stop_watches (ZpIdleMonitor *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_clear_handle_id (&self->mutter_name_watch, g_bus_unwatch_name);
  stop_polling (self);

  if (self->session_bus == NULL)
    return;

  /* Mutter drops a client's watches when it leaves the bus, not when we stop caring. */
  if (self->idle_watch != 0)
    g_dbus_connection_call (self->session_bus, MUTTER_NAME, MUTTER_PATH, MUTTER_INTERFACE,
                            "RemoveWatch", g_variant_new ("(u)", self->idle_watch), NULL,
                            G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
  if (self->active_watch != 0)
    g_dbus_connection_call (self->session_bus, MUTTER_NAME, MUTTER_PATH, MUTTER_INTERFACE,
                            "RemoveWatch", g_variant_new ("(u)", self->active_watch), NULL,
                            G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
  forget_mutter_watches (self);
}

static void
start_watches (ZpIdleMonitor *self)
{
  if (self->session_bus == NULL || self->idle_minutes == 0)
    return;

  self->mutter_name_watch =
    g_bus_watch_name_on_connection (self->session_bus, MUTTER_NAME,
                                    G_BUS_NAME_WATCHER_FLAGS_NONE, mutter_appeared_cb,
                                    mutter_vanished_cb, self, NULL);
}

/* GObject */

static void
zp_idle_monitor_dispose (GObject *object)
{
  ZpIdleMonitor *self = ZP_IDLE_MONITOR (object);

  stop_watches (self);
  g_clear_object (&self->session_bus);

  G_OBJECT_CLASS (zp_idle_monitor_parent_class)->dispose (object);
}

static void
zp_idle_monitor_finalize (GObject *object)
{
  ZpIdleMonitor *self = ZP_IDLE_MONITOR (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (zp_idle_monitor_parent_class)->finalize (object);
}

static void
zp_idle_monitor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ZpIdleMonitor *self = ZP_IDLE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_SESSION_BUS:
      g_value_set_object (value, self->session_bus);
      break;

    case PROP_IDLE:
      g_value_set_boolean (value, self->idle);
      break;

    case PROP_IDLE_MINUTES:
      g_value_set_uint (value, self->idle_minutes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_idle_monitor_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ZpIdleMonitor *self = ZP_IDLE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_SESSION_BUS:
      self->session_bus = g_value_dup_object (value);
      break;

    case PROP_IDLE_MINUTES:
      zp_idle_monitor_set_idle_minutes (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_idle_monitor_class_init (ZpIdleMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = zp_idle_monitor_dispose;
  object_class->finalize = zp_idle_monitor_finalize;
  object_class->get_property = zp_idle_monitor_get_property;
  object_class->set_property = zp_idle_monitor_set_property;

  properties[PROP_SESSION_BUS] =
    g_param_spec_object ("session-bus", NULL, NULL, G_TYPE_DBUS_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_IDLE] =
    g_param_spec_boolean ("idle", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* The GSettings key allows up to a day. */
  properties[PROP_IDLE_MINUTES] =
    g_param_spec_uint ("idle-minutes", NULL, NULL, 0, 24 * 60, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
zp_idle_monitor_init (ZpIdleMonitor *self)
{
  self->cancellable = g_cancellable_new ();
  self->minute_ms = DEFAULT_MINUTE_MS;
}

ZpIdleMonitor *
zp_idle_monitor_new (GDBusConnection *session_bus)
{
  g_return_val_if_fail (session_bus == NULL || G_IS_DBUS_CONNECTION (session_bus), NULL);

  return g_object_new (ZP_TYPE_IDLE_MONITOR, "session-bus", session_bus, NULL);
}

gboolean
zp_idle_monitor_get_idle (ZpIdleMonitor *self)
{
  g_return_val_if_fail (ZP_IS_IDLE_MONITOR (self), FALSE);

  return self->idle;
}

guint
zp_idle_monitor_get_idle_minutes (ZpIdleMonitor *self)
{
  g_return_val_if_fail (ZP_IS_IDLE_MONITOR (self), 0);

  return self->idle_minutes;
}

void
zp_idle_monitor_set_idle_minutes (ZpIdleMonitor *self,
                                  guint          minutes)
{
  g_return_if_fail (ZP_IS_IDLE_MONITOR (self));

  minutes = MIN (minutes, 24 * 60);
  if (minutes == self->idle_minutes)
    return;

  stop_watches (self);
  self->idle_minutes = minutes;
  if (minutes == 0)
    set_idle (self, FALSE);
  start_watches (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_MINUTES]);
}

void
zp_idle_monitor_set_minute_length (ZpIdleMonitor *self,
                                   guint          milliseconds)
{
  g_return_if_fail (ZP_IS_IDLE_MONITOR (self));
  g_return_if_fail (milliseconds > 0);

  self->minute_ms = milliseconds;
}
