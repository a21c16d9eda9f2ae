/* zp-lock-monitor.c: one "locked" flag merged from every lock source the desktop offers
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "zp-lock-monitor"

#include "config.h"

#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <unistd.h>

#include "zp-lock-monitor.h"
#include "zp-lock-monitor-private.h"

/* How the sources are merged into one "locked"
 *
 * Every source keeps its own state, and a repeated value from a source (Cinnamon sends its
 * unlock twice, KDE emits on two object paths) changes nothing. Then:
 *
 * 1. A suspend in progress (logind's PrepareForSleep) counts as locked, on top of the
 *    rest. Resuming clears only that: a locker that locked before the suspend still says so.
 * 2. Otherwise the most recent transition wins. A source going to locked makes us locked;
 *    a source going from locked to unlocked ends the whole lock episode and clears every
 *    other source too. Desktops disagree on which sources they keep up to date, and some
 *    announce a lock on one channel and never take it back there; an unlock seen anywhere
 *    is taken as the truth, so such a stale source cannot keep us locked forever.
 * 3. logind's LockedHint is the real lock state where the desktop maintains it (GNOME Shell,
 *    KDE). While it says locked, an unlock from another source does not end the episode
 *    (GNOME's blanking can come and go on the lock screen); only that source is cleared.
 *
 * logind's Lock and Unlock signals on the session are requests to the locker, not facts,
 * so they are not a source at all.
 */

/* Stay below logind's default InhibitDelayMaxSec of five seconds. */
#define DEFAULT_SLEEP_TIMEOUT_MS 3000

#define LOGIND_NAME "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
#define LOGIND_SESSION "org.freedesktop.login1.Session"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_INHIBIT "org.freedesktop.portal.Inhibit"
#define PORTAL_SESSION_STATE_QUERY_END 3

typedef enum
{
  SOURCE_GNOME,
  SOURCE_FREEDESKTOP,
  SOURCE_CINNAMON,
  SOURCE_MATE,
  SOURCE_XFCE,
  N_SCREENSAVERS,
  SOURCE_LOGIND = N_SCREENSAVERS,
  SOURCE_PORTAL,
  N_SOURCES
} LockSource;

typedef struct
{
  const char *interface;
  const char *paths[3];  /* where GetActive lives, tried in order */
} ScreenSaverInfo;

static const ScreenSaverInfo screensavers[N_SCREENSAVERS] = {
  [SOURCE_GNOME] = { "org.gnome.ScreenSaver", { "/org/gnome/ScreenSaver", NULL } },
  [SOURCE_FREEDESKTOP] = { "org.freedesktop.ScreenSaver",
                           { "/org/freedesktop/ScreenSaver", "/ScreenSaver", NULL } },
  [SOURCE_CINNAMON] = { "org.cinnamon.ScreenSaver", { "/org/cinnamon/ScreenSaver", NULL } },
  [SOURCE_MATE] = { "org.mate.ScreenSaver", { "/org/mate/ScreenSaver", "/", NULL } },
  [SOURCE_XFCE] = { "org.xfce.ScreenSaver", { "/org/xfce/ScreenSaver", "/", NULL } },
};

static const char * const source_names[N_SOURCES] = {
  [SOURCE_GNOME] = "org.gnome.ScreenSaver",
  [SOURCE_FREEDESKTOP] = "org.freedesktop.ScreenSaver",
  [SOURCE_CINNAMON] = "org.cinnamon.ScreenSaver",
  [SOURCE_MATE] = "org.mate.ScreenSaver",
  [SOURCE_XFCE] = "org.xfce.ScreenSaver",
  [SOURCE_LOGIND] = "logind LockedHint",
  [SOURCE_PORTAL] = "portal screensaver-active",
};

struct _ZpLockMonitor
{
  GObject          parent_instance;

  GDBusConnection *session_bus;
  GDBusConnection *system_bus;
  GCancellable    *cancellable;

  gboolean         source_locked[N_SOURCES];
  /* A signal from the source arrived: a late answer to the first query is older news. */
  gboolean         source_heard[N_SOURCES];
  gboolean         locked;
  gboolean         sleeping;

  guint            screensaver_subscriptions[N_SCREENSAVERS];

  char            *session_path;
  guint            session_subscription;

  guint            sleep_subscription;
  int              sleep_inhibitor_fd;
  guint            sleep_timeout_ms;
  guint            sleep_timeout_id;
  gint64           sleep_started_us;

  char            *portal_session_handle;
  guint            portal_state_subscription;
  guint            portal_response_subscription;
};

G_DEFINE_FINAL_TYPE (ZpLockMonitor, zp_lock_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION_BUS,
  PROP_SYSTEM_BUS,
  PROP_LOCKED,
  PROP_SLEEPING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PREPARE_FOR_SLEEP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void take_sleep_inhibitor (ZpLockMonitor *self);
static void find_session         (ZpLockMonitor *self,
                                  const char    *session_id);

static void
unsubscribe (GDBusConnection *bus,
             guint           *subscription)
{
  if (*subscription != 0)
    g_dbus_connection_signal_unsubscribe (bus, *subscription);
  *subscription = 0;
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The name is not on the bus at all, as opposed to a name without this object. */
static gboolean
is_absent (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
         || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER);
}

static void
update_locked (ZpLockMonitor *self)
{
  gboolean locked = self->sleeping;

  for (guint i = 0; i < N_SOURCES; i++)
    locked = locked || self->source_locked[i];

  if (locked == self->locked)
    return;

  self->locked = locked;
  g_debug ("Session is now %s", locked ? "locked" : "unlocked");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
}

static void
set_source_locked (ZpLockMonitor *self,
                   LockSource     source,
                   gboolean       locked)
{
  if (self->source_locked[source] == locked)
    {
      g_debug ("%s: %s again, ignored", source_names[source], locked ? "locked" : "unlocked");
      return;
    }

  g_debug ("%s: %s", source_names[source], locked ? "locked" : "unlocked");
  self->source_locked[source] = locked;

  /* See the merge rules at the top of this file. */
  if (!locked && (source == SOURCE_LOGIND || !self->source_locked[SOURCE_LOGIND]))
    {
      for (guint i = 0; i < N_SOURCES; i++)
        {
          if (self->source_locked[i])
            g_debug ("%s: still said locked; the unlock from %s ends it",
                     source_names[i], source_names[source]);
          self->source_locked[i] = FALSE;
        }
    }

  update_locked (self);
}

/* ScreenSaver interfaces */

typedef struct
{
  ZpLockMonitor *self;
  LockSource     source;
  guint          path_index;
} ScreenSaverProbe;

static void probe_screensaver (ZpLockMonitor    *self,
                               ScreenSaverProbe *probe);

static void
get_active_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ScreenSaverProbe *probe = user_data;
  ZpLockMonitor *self = probe->self;
  const ScreenSaverInfo *info = &screensavers[probe->source];
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean active;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);

  if (reply == NULL)
    {
      if (is_cancelled (error))
        {
          g_free (probe);
          return;
        }

      if (!is_absent (error) && info->paths[probe->path_index + 1] != NULL)
        {
          probe->path_index++;
          probe_screensaver (self, probe);
          return;
        }

      /* An absent screensaver is the normal case on every other desktop. */
      g_debug ("%s: not found (%s)", info->interface, error->message);
      g_free (probe);
      return;
    }

  g_variant_get (reply, "(b)", &active);
  g_debug ("%s: found at %s, %s", info->interface, info->paths[probe->path_index],
           active ? "active" : "inactive");

  if (!self->source_heard[probe->source])
    set_source_locked (self, probe->source, active);

  g_free (probe);
}

static void
probe_screensaver (ZpLockMonitor    *self,
                   ScreenSaverProbe *probe)
{
  const ScreenSaverInfo *info = &screensavers[probe->source];

  /* No auto-start: asking must not launch a screensaver the desktop does not run. */
  g_dbus_connection_call (self->session_bus, info->interface, info->paths[probe->path_index],
                          info->interface, "GetActive", NULL, G_VARIANT_TYPE ("(b)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable,
                          get_active_cb, probe);
}

static void
active_changed_cb (GDBusConnection *connection,
                   const char      *sender_name,
                   const char      *object_path,
                   const char      *interface_name,
                   const char      *signal_name,
                   GVariant        *parameters,
                   gpointer         user_data)
{
  ZpLockMonitor *self = user_data;
  gboolean active;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;

  g_variant_get (parameters, "(b)", &active);

  for (guint i = 0; i < N_SCREENSAVERS; i++)
    {
      if (g_strcmp0 (interface_name, screensavers[i].interface) != 0)
        continue;

      self->source_heard[i] = TRUE;
      set_source_locked (self, i, active);
      return;
    }
}

static void
start_screensavers (ZpLockMonitor *self)
{
  for (guint i = 0; i < N_SCREENSAVERS; i++)
    {
      ScreenSaverProbe *probe = g_new0 (ScreenSaverProbe, 1);

      /* Sender and path left open: the paths differ by desktop and version, and the
       * name that sends may not be the well-known one. */
      self->screensaver_subscriptions[i] =
        g_dbus_connection_signal_subscribe (self->session_bus, NULL, screensavers[i].interface,
                                            "ActiveChanged", NULL, NULL,
                                            G_DBUS_SIGNAL_FLAGS_NONE, active_changed_cb, self,
                                            NULL);

      probe->self = self;
      probe->source = i;
      probe_screensaver (self, probe);
    }
}

/* logind's LockedHint */

static void
apply_locked_hint (ZpLockMonitor *self,
                   GVariant      *value)
{
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return;

  set_source_locked (self, SOURCE_LOGIND, g_variant_get_boolean (value));
}

typedef struct
{
  ZpLockMonitor *self;
  char          *session_id;  /* how the session was found, for the fallback */
  gboolean       refresh;     /* re-reading an invalidated property, not the first query */
} SessionQuery;

static void
session_query_free (SessionQuery *query)
{
  g_free (query->session_id);
  g_free (query);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SessionQuery, session_query_free)

static void read_locked_hint (ZpLockMonitor *self,
                              SessionQuery  *query);

static void
session_properties_changed_cb (GDBusConnection *connection,
                               const char      *sender_name,
                               const char      *object_path,
                               const char      *interface_name,
                               const char      *signal_name,
                               GVariant        *parameters,
                               gpointer         user_data)
{
  ZpLockMonitor *self = user_data;
  g_autoptr(GVariant) changed = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autofree const char **invalidated = NULL;
  const char *interface;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)")))
    return;

  g_variant_get (parameters, "(&s@a{sv}^a&s)", &interface, &changed, &invalidated);
  if (g_strcmp0 (interface, LOGIND_SESSION) != 0)
    return;

  value = g_variant_lookup_value (changed, "LockedHint", G_VARIANT_TYPE_BOOLEAN);
  if (value != NULL)
    {
      self->source_heard[SOURCE_LOGIND] = TRUE;
      apply_locked_hint (self, value);
    }
  else if (g_strv_contains (invalidated, "LockedHint"))
    {
      SessionQuery *query = g_new0 (SessionQuery, 1);

      query->self = self;
      query->refresh = TRUE;
      read_locked_hint (self, query);
    }
}

static void
unwatch_session (ZpLockMonitor *self)
{
  unsubscribe (self->system_bus, &self->session_subscription);
  g_clear_pointer (&self->session_path, g_free);
}

/* GetSession("auto") finds nothing for a process outside a session (started by a systemd user
 * unit, say); the id the session gave us at login may still work. */
static void
find_login_session (ZpLockMonitor *self,
                    const char    *failed_session_id)
{
  const char *session_id = g_getenv ("XDG_SESSION_ID");

  if (g_strcmp0 (failed_session_id, "auto") == 0 && session_id != NULL && *session_id != '\0')
    find_session (self, session_id);
}

static void
get_locked_hint_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SessionQuery) query = user_data;
  ZpLockMonitor *self = query->self;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      if (is_cancelled (error) || query->refresh)
        return;

      g_debug ("logind session %s: no LockedHint (%s)", query->session_id, error->message);
      unwatch_session (self);
      find_login_session (self, query->session_id);
      return;
    }

  g_variant_get (reply, "(v)", &value);

  if (!query->refresh)
    g_debug ("logind session %s: found at %s, LockedHint %s", query->session_id,
             self->session_path, g_variant_get_boolean (value) ? "true" : "false");

  if (query->refresh || !self->source_heard[SOURCE_LOGIND])
    apply_locked_hint (self, value);
}

static void
read_locked_hint (ZpLockMonitor *self,
                  SessionQuery  *query)
{
  g_dbus_connection_call (self->system_bus, LOGIND_NAME, self->session_path,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", LOGIND_SESSION, "LockedHint"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          self->cancellable, get_locked_hint_cb, query);
}

static void
get_session_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SessionQuery) query = user_data;
  ZpLockMonitor *self = query->self;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      if (is_cancelled (error))
        return;

      g_debug ("logind: no session \"%s\" (%s)", query->session_id, error->message);

      /* logind is not on the bus at all: another id would not be found either. */
      if (!is_absent (error))
        find_login_session (self, query->session_id);
      return;
    }

  g_variant_get (reply, "(o)", &self->session_path);

  /* Subscribe before reading, so no change falls between the two. */
  self->session_subscription =
    g_dbus_connection_signal_subscribe (self->system_bus, LOGIND_NAME,
                                        "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                        self->session_path, LOGIND_SESSION,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        session_properties_changed_cb, self, NULL);
  read_locked_hint (self, g_steal_pointer (&query));
}

static void
find_session (ZpLockMonitor *self,
              const char    *session_id)
{
  SessionQuery *query = g_new0 (SessionQuery, 1);

  query->self = self;
  query->session_id = g_strdup (session_id);
  g_dbus_connection_call (self->system_bus, LOGIND_NAME, LOGIND_PATH, LOGIND_MANAGER,
                          "GetSession", g_variant_new ("(s)", session_id),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          self->cancellable, get_session_cb, query);
}

/* logind's PrepareForSleep */

static void
close_sleep_inhibitor (ZpLockMonitor *self)
{
  if (self->sleep_inhibitor_fd < 0)
    return;

  /* Closing the descriptor is how an inhibitor is released. */
  close (self->sleep_inhibitor_fd);
  self->sleep_inhibitor_fd = -1;
}

static gboolean
sleep_timeout_cb (gpointer user_data)
{
  ZpLockMonitor *self = user_data;

  self->sleep_timeout_id = 0;
  g_debug ("Nobody released the sleep inhibitor within %u ms; letting the system sleep",
           self->sleep_timeout_ms);
  close_sleep_inhibitor (self);

  return G_SOURCE_REMOVE;
}

static void
inhibit_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ZpLockMonitor *self = user_data;
  g_autoptr(GUnixFDList) fd_list = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint32 fd_index;
  int fd;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (object),
                                                           &fd_list, result, &error);
  if (reply == NULL)
    {
      if (!is_cancelled (error))
        g_debug ("logind: no sleep inhibitor (%s)", error->message);
      return;
    }

  g_variant_get (reply, "(h)", &fd_index);
  fd = fd_list != NULL ? g_unix_fd_list_get (fd_list, fd_index, &error) : -1;
  if (fd < 0)
    {
      g_debug ("logind: Inhibit gave no file descriptor");
      return;
    }

  /* Already suspending: an inhibitor taken now would only hold up the next one's start.
   * A second answer (two requests in flight) replaces the first. */
  if (self->sleeping)
    {
      close (fd);
      return;
    }

  close_sleep_inhibitor (self);
  self->sleep_inhibitor_fd = fd;
  g_debug ("logind: sleep delay inhibitor taken");
}

static void
take_sleep_inhibitor (ZpLockMonitor *self)
{
  /* Translators: why suspend waits a moment, as "systemd-inhibit --list" shows it. */
  const char *reason = _("Setting the Zoom status to Away");

  g_dbus_connection_call_with_unix_fd_list (self->system_bus, LOGIND_NAME, LOGIND_PATH,
                                            LOGIND_MANAGER, "Inhibit",
                                            g_variant_new ("(ssss)", "sleep", "Zoom Presence",
                                                           reason, "delay"),
                                            G_VARIANT_TYPE ("(h)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                            NULL, self->cancellable, inhibit_cb, self);
}

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender_name,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *signal_name,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  ZpLockMonitor *self = user_data;
  gboolean start;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;

  g_variant_get (parameters, "(b)", &start);
  if (start == self->sleeping)
    return;

  g_debug ("logind: %s", start ? "preparing for sleep" : "resumed");
  self->sleeping = start;

  if (start)
    {
      self->sleep_started_us = g_get_monotonic_time ();
      /* Armed before the signal, whose handler may release at once. */
      if (self->sleep_inhibitor_fd >= 0)
        self->sleep_timeout_id = g_timeout_add (self->sleep_timeout_ms, sleep_timeout_cb, self);
    }
  else
    {
      g_clear_handle_id (&self->sleep_timeout_id, g_source_remove);
      close_sleep_inhibitor (self);
      take_sleep_inhibitor (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SLEEPING]);
  update_locked (self);
  g_signal_emit (self, signals[PREPARE_FOR_SLEEP], 0, start);
}

static void
start_logind (ZpLockMonitor *self)
{
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (self->system_bus, LOGIND_NAME, LOGIND_MANAGER,
                                        "PrepareForSleep", LOGIND_PATH, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, prepare_for_sleep_cb, self,
                                        NULL);
  take_sleep_inhibitor (self);
  find_session (self, "auto");
}

/* The Inhibit portal's monitor, inside Flatpak */

static void
portal_state_changed_cb (GDBusConnection *connection,
                         const char      *sender_name,
                         const char      *object_path,
                         const char      *interface_name,
                         const char      *signal_name,
                         GVariant        *parameters,
                         gpointer         user_data)
{
  ZpLockMonitor *self = user_data;
  g_autoptr(GVariant) state = NULL;
  const char *session_handle;
  gboolean active;
  guint32 session_state;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(oa{sv})")))
    return;

  g_variant_get (parameters, "(&o@a{sv})", &session_handle, &state);
  if (g_strcmp0 (session_handle, self->portal_session_handle) != 0)
    return;

  if (g_variant_lookup (state, "screensaver-active", "b", &active))
    {
      self->source_heard[SOURCE_PORTAL] = TRUE;
      set_source_locked (self, SOURCE_PORTAL, active);
    }

  /* The portal waits for every monitor to answer a logout query; we never object. */
  if (g_variant_lookup (state, "session-state", "u", &session_state)
      && session_state == PORTAL_SESSION_STATE_QUERY_END)
    g_dbus_connection_call (self->session_bus, PORTAL_NAME, PORTAL_PATH, PORTAL_INHIBIT,
                            "QueryEndResponse", g_variant_new ("(o)", session_handle), NULL,
                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

/* The monitor did not come about: nothing more will come from the portal. */
static void
forget_portal (ZpLockMonitor *self)
{
  unsubscribe (self->session_bus, &self->portal_state_subscription);
  unsubscribe (self->session_bus, &self->portal_response_subscription);
  g_clear_pointer (&self->portal_session_handle, g_free);
}

static void
portal_response_cb (GDBusConnection *connection,
                    const char      *sender_name,
                    const char      *object_path,
                    const char      *interface_name,
                    const char      *signal_name,
                    GVariant        *parameters,
                    gpointer         user_data)
{
  ZpLockMonitor *self = user_data;
  guint32 response = 2;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    g_variant_get (parameters, "(u@a{sv})", &response, NULL);

  unsubscribe (self->session_bus, &self->portal_response_subscription);

  if (response == 0)
    {
      g_debug ("portal: screensaver monitor created");
      return;
    }

  g_debug ("portal: no screensaver monitor (response %u)", response);
  forget_portal (self);
}

static void
create_monitor_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ZpLockMonitor *self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply != NULL || is_cancelled (error))
    return;

  g_debug ("portal: CreateMonitor failed (%s)", error->message);
  forget_portal (self);
}

static void
start_portal (ZpLockMonitor *self)
{
  const char *unique_name = g_dbus_connection_get_unique_name (self->session_bus);
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  g_autofree char *request_path = NULL;
  GVariantBuilder options;

  if (unique_name == NULL)
    return;

  /* The portal names the request and the session after our unique name and a token of ours,
   * so both paths are known, and subscribed to, before the call. */
  sender = g_strdelimit (g_strdup (unique_name + 1), ".", '_');
  token = g_strdup_printf ("zp_lock_%u", g_random_int ());
  request_path = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  self->portal_session_handle = g_strdup_printf (PORTAL_PATH "/session/%s/%s", sender, token);

  self->portal_response_subscription =
    g_dbus_connection_signal_subscribe (self->session_bus, PORTAL_NAME,
                                        "org.freedesktop.portal.Request", "Response",
                                        request_path, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        portal_response_cb, self, NULL);
  /* No arg0 match: GLib before 2.76 matches only strings there, and this is a path. */
  self->portal_state_subscription =
    g_dbus_connection_signal_subscribe (self->session_bus, PORTAL_NAME, PORTAL_INHIBIT,
                                        "StateChanged", PORTAL_PATH, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, portal_state_changed_cb, self,
                                        NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "session_handle_token", g_variant_new_string (token));
  g_dbus_connection_call (self->session_bus, PORTAL_NAME, PORTAL_PATH, PORTAL_INHIBIT,
                          "CreateMonitor", g_variant_new ("(sa{sv})", "", &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          self->cancellable, create_monitor_cb, self);
}

/* Inside Flatpak; outside it when GLib and GTK are told to use portals (GTK_USE_PORTAL=1,
 * read the way GLib reads it), or when tests force only our own portal paths
 * (ZP_FORCE_PORTAL=1). */
static gboolean
use_portal (void)
{
  const char *gtk_use_portal = g_getenv ("GTK_USE_PORTAL");

  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS)
         || (gtk_use_portal != NULL && gtk_use_portal[0] == '1')
         || g_strcmp0 (g_getenv ("ZP_FORCE_PORTAL"), "1") == 0;
}

/* GObject */

static void
zp_lock_monitor_constructed (GObject *object)
{
  ZpLockMonitor *self = ZP_LOCK_MONITOR (object);

  G_OBJECT_CLASS (zp_lock_monitor_parent_class)->constructed (object);

  g_debug ("Looking for lock sources on the%s%s bus",
           self->session_bus != NULL ? " session" : "",
           self->system_bus != NULL ? (self->session_bus != NULL ? " and system" : " system")
                                    : (self->session_bus != NULL ? "" : " (no)"));

  if (self->session_bus != NULL)
    {
      start_screensavers (self);
      if (use_portal ())
        start_portal (self);
    }

  if (self->system_bus != NULL)
    start_logind (self);
}

static void
zp_lock_monitor_dispose (GObject *object)
{
  ZpLockMonitor *self = ZP_LOCK_MONITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->sleep_timeout_id, g_source_remove);
  close_sleep_inhibitor (self);

  if (self->session_bus != NULL)
    {
      for (guint i = 0; i < N_SCREENSAVERS; i++)
        unsubscribe (self->session_bus, &self->screensaver_subscriptions[i]);
      unsubscribe (self->session_bus, &self->portal_state_subscription);
      unsubscribe (self->session_bus, &self->portal_response_subscription);
      if (self->portal_session_handle != NULL)
        g_dbus_connection_call (self->session_bus, PORTAL_NAME, self->portal_session_handle,
                                "org.freedesktop.portal.Session", "Close", NULL, NULL,
                                G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
    }

  if (self->system_bus != NULL)
    {
      unwatch_session (self);
      unsubscribe (self->system_bus, &self->sleep_subscription);
    }

  g_clear_pointer (&self->portal_session_handle, g_free);
  g_clear_object (&self->session_bus);
  g_clear_object (&self->system_bus);

  G_OBJECT_CLASS (zp_lock_monitor_parent_class)->dispose (object);
}

static void
zp_lock_monitor_finalize (GObject *object)
{
  ZpLockMonitor *self = ZP_LOCK_MONITOR (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (zp_lock_monitor_parent_class)->finalize (object);
}

static void
zp_lock_monitor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ZpLockMonitor *self = ZP_LOCK_MONITOR (object);

  switch (prop_id)
    {
    case PROP_SESSION_BUS:
      g_value_set_object (value, self->session_bus);
      break;

    case PROP_SYSTEM_BUS:
      g_value_set_object (value, self->system_bus);
      break;

    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;

    case PROP_SLEEPING:
      g_value_set_boolean (value, self->sleeping);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_lock_monitor_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ZpLockMonitor *self = ZP_LOCK_MONITOR (object);

  switch (prop_id)
    {
    case PROP_SESSION_BUS:
      self->session_bus = g_value_dup_object (value);
      break;

    case PROP_SYSTEM_BUS:
      self->system_bus = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_lock_monitor_class_init (ZpLockMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = zp_lock_monitor_constructed;
  object_class->dispose = zp_lock_monitor_dispose;
  object_class->finalize = zp_lock_monitor_finalize;
  object_class->get_property = zp_lock_monitor_get_property;
  object_class->set_property = zp_lock_monitor_set_property;

  properties[PROP_SESSION_BUS] =
    g_param_spec_object ("session-bus", NULL, NULL, G_TYPE_DBUS_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SYSTEM_BUS] =
    g_param_spec_object ("system-bus", NULL, NULL, G_TYPE_DBUS_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SLEEPING] =
    g_param_spec_boolean ("sleeping", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PREPARE_FOR_SLEEP] =
    g_signal_new ("prepare-for-sleep", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
zp_lock_monitor_init (ZpLockMonitor *self)
{
  self->cancellable = g_cancellable_new ();
  self->sleep_inhibitor_fd = -1;
  self->sleep_timeout_ms = DEFAULT_SLEEP_TIMEOUT_MS;
}

ZpLockMonitor *
zp_lock_monitor_new (GDBusConnection *session_bus,
                     GDBusConnection *system_bus)
{
  g_return_val_if_fail (session_bus == NULL || G_IS_DBUS_CONNECTION (session_bus), NULL);
  g_return_val_if_fail (system_bus == NULL || G_IS_DBUS_CONNECTION (system_bus), NULL);

  return g_object_new (ZP_TYPE_LOCK_MONITOR,
                       "session-bus", session_bus,
                       "system-bus", system_bus,
                       NULL);
}

gboolean
zp_lock_monitor_get_locked (ZpLockMonitor *self)
{
  g_return_val_if_fail (ZP_IS_LOCK_MONITOR (self), FALSE);

  return self->locked;
}

void
zp_lock_monitor_release_sleep (ZpLockMonitor *self)
{
  g_return_if_fail (ZP_IS_LOCK_MONITOR (self));

  if (!self->sleeping || self->sleep_inhibitor_fd < 0)
    return;

  g_debug ("Sleep inhibitor released after %" G_GINT64_FORMAT " ms",
           (g_get_monotonic_time () - self->sleep_started_us) / 1000);
  g_clear_handle_id (&self->sleep_timeout_id, g_source_remove);
  close_sleep_inhibitor (self);
}

void
zp_lock_monitor_set_sleep_timeout (ZpLockMonitor *self,
                                   guint          timeout_ms)
{
  g_return_if_fail (ZP_IS_LOCK_MONITOR (self));

  self->sleep_timeout_ms = timeout_ms;
}

gboolean
zp_lock_monitor_holds_sleep_inhibitor (ZpLockMonitor *self)
{
  g_return_val_if_fail (ZP_IS_LOCK_MONITOR (self), FALSE);

  return self->sleep_inhibitor_fd >= 0;
}
