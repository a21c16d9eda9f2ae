/* zp-notifier.c: desktop notifications for trouble, one per kind, replaced not stacked
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Zoom's own words reach the body of a notification, so they must be shown literally. Through
 * the portal and org.gtk.Notifications the body is plain text. GLib's fallback talks to
 * org.freedesktop.Notifications and passes the body unchanged, and a server that advertises
 * "body-markup" reads it as markup: for that one case & < > are escaped. Until the server has
 * said what it reads, notifications wait.
 */

#define G_LOG_DOMAIN "zp-notifier"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "zp-notifier-private.h"

/* Being offline for a moment is normal on a laptop; only a longer outage is told. */
#define OFFLINE_GRACE_MS       (60 * 1000)
#define CAPABILITIES_TIMEOUT_MS 5000

typedef enum
{
  BODY_UNKNOWN,   /* still asking the notification server */
  BODY_PLAIN,
  BODY_MARKUP,    /* the body is read as markup: escape it */
} BodyKind;

struct _ZpNotifier
{
  GObject       parent_instance;

  GApplication *application;  /* not owned: the application owns us */
  GSettings    *settings;
  GCancellable *cancellable;

  BodyKind      body_kind;
  GError       *current[ZP_TROUBLE_LAST];  /* the trouble as last told by the controller */
  gboolean      shown[ZP_TROUBLE_LAST];
  gboolean      waiting[ZP_TROUBLE_LAST];  /* to be sent once the body kind is known */
  guint         offline_grace_ms;
  guint         offline_source;
};

G_DEFINE_TYPE (ZpNotifier, zp_notifier, G_TYPE_OBJECT)

static const char * const notification_ids[ZP_TROUBLE_LAST] = {
  [ZP_TROUBLE_RATE_LIMIT] = "rate-limit",
  [ZP_TROUBLE_SIGN_IN] = "sign-in",
  [ZP_TROUBLE_REFUSED] = "refused",
  [ZP_TROUBLE_OFFLINE] = "offline",
};

static void deliver (ZpNotifier *self,
                     ZpTrouble   kind);

/* Zoom answered, but badly: worth telling at once, unlike a network that comes and goes. */
static gboolean
is_server_trouble (const GError *error)
{
  return g_error_matches (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_SERVER) ||
         g_error_matches (error, ZP_ZOOM_ERROR, ZP_ZOOM_ERROR_BAD_REPLY);
}

static const char *
title_for (ZpTrouble     kind,
           const GError *error)
{
  switch (kind)
    {
    case ZP_TROUBLE_RATE_LIMIT:
      return _("Zoom status change delayed");
    case ZP_TROUBLE_SIGN_IN:
      return _("Sign in to Zoom again");
    case ZP_TROUBLE_OFFLINE:
      return is_server_trouble (error) ? _("Zoom is having trouble")
                                       : _("Zoom cannot be reached");
    case ZP_TROUBLE_REFUSED:
    case ZP_TROUBLE_LAST:
    default:
      return _("Zoom did not change the status");
    }
}

/* Only & < > have a meaning in the markup notification servers read. */
static char *
escape_body (const char *text)
{
  GString *escaped = g_string_sized_new (strlen (text) + 16);

  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '&':
          g_string_append (escaped, "&amp;");
          break;
        case '<':
          g_string_append (escaped, "&lt;");
          break;
        case '>':
          g_string_append (escaped, "&gt;");
          break;
        default:
          g_string_append_c (escaped, *p);
          break;
        }
    }

  return g_string_free (escaped, FALSE);
}

static gboolean
silenced (ZpNotifier *self,
          ZpTrouble   kind)
{
  /* Sign-in trouble stops everything, so it is told even when errors are silenced. */
  return kind != ZP_TROUBLE_SIGN_IN && !g_settings_get_boolean (self->settings, "notify-errors");
}

/* A button is only offered for what this build of the application can actually do. */
static void
add_button (ZpNotifier    *self,
            GNotification *notification,
            const char    *label,
            const char    *action)
{
  g_autofree char *detailed = NULL;

  if (!g_action_group_has_action (G_ACTION_GROUP (self->application), action))
    return;

  detailed = g_strconcat ("app.", action, NULL);
  g_notification_add_button (notification, label, detailed);
}

static void
flush_waiting (ZpNotifier *self)
{
  for (guint kind = 0; kind < ZP_TROUBLE_LAST; kind++)
    {
      if (self->waiting[kind])
        deliver (self, kind);
    }
}

static void
capabilities_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ZpNotifier *self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **capabilities = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->body_kind = BODY_PLAIN;
  if (reply == NULL)
    {
      /* GLib will fail to send through this server too, and say so once. */
      g_debug ("Notification server not asked for its capabilities: %s", error->message);
    }
  else
    {
      g_variant_get (reply, "(^a&s)", &capabilities);
      if (g_strv_contains (capabilities, "body-markup"))
        self->body_kind = BODY_MARKUP;
    }

  g_debug ("Notification bodies are %s",
           self->body_kind == BODY_MARKUP ? "markup: escaping them" : "plain text");
  flush_waiting (self);
}

static void
gtk_notifications_owner_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  ZpNotifier *self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);

  if (owned)
    {
      /* GLib prefers org.gtk.Notifications, whose body is plain text. */
      self->body_kind = BODY_PLAIN;
      flush_waiting (self);
      return;
    }

  g_dbus_connection_call (G_DBUS_CONNECTION (object), "org.freedesktop.Notifications",
                          "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                          "GetCapabilities", NULL, G_VARIANT_TYPE ("(as)"),
                          G_DBUS_CALL_FLAGS_NONE, CAPABILITIES_TIMEOUT_MS, self->cancellable,
                          capabilities_cb, self);
}

/* Whether GLib's portal notification backend is the one in use. */
static gboolean
use_portal (void)
{
  const char *gtk_use_portal = g_getenv ("GTK_USE_PORTAL");

  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS)
         || (gtk_use_portal != NULL && gtk_use_portal[0] == '1');
}

/* Works out which notification path GLib takes, the same way GLib does. */
static void
find_body_kind (ZpNotifier *self)
{
  GDBusConnection *connection = g_application_get_dbus_connection (self->application);

  if (self->body_kind != BODY_UNKNOWN)
    return;

  /* GLib uses the portal, whose body is plain text, in a sandbox and wherever GTK_USE_PORTAL
   * starts with '1' (GLib 2.74's own test; ZP_FORCE_PORTAL does not change GLib's choice).
   * Without a bus, nothing is shown at all. */
  if (connection == NULL || use_portal ())
    {
      self->body_kind = BODY_PLAIN;
      return;
    }

  g_dbus_connection_call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", "org.gtk.Notifications"),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                          CAPABILITIES_TIMEOUT_MS, self->cancellable,
                          gtk_notifications_owner_cb, self);
}

static void
deliver (ZpNotifier *self,
         ZpTrouble   kind)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  const GError *error = self->current[kind];

  self->waiting[kind] = FALSE;

  if (error == NULL)
    return;

  if (silenced (self, kind))
    {
      g_debug ("Not telling %s: notifications for errors are off", notification_ids[kind]);
      return;
    }

  find_body_kind (self);
  if (self->body_kind == BODY_UNKNOWN)
    {
      self->waiting[kind] = TRUE;
      return;
    }

  notification = g_notification_new (title_for (kind, error));
  body = self->body_kind == BODY_MARKUP ? escape_body (error->message)
                                        : g_strdup (error->message);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification,
                               kind == ZP_TROUBLE_SIGN_IN ? G_NOTIFICATION_PRIORITY_HIGH
                                                          : G_NOTIFICATION_PRIORITY_NORMAL);

  switch (kind)
    {
    case ZP_TROUBLE_RATE_LIMIT:
    case ZP_TROUBLE_OFFLINE:
      add_button (self, notification, _("Retry now"), "retry");
      break;

    case ZP_TROUBLE_SIGN_IN:
      add_button (self, notification, _("Sign in"), "sign-in");
      break;

    case ZP_TROUBLE_REFUSED:
      add_button (self, notification, _("Preferences"), "preferences");
      break;

    case ZP_TROUBLE_LAST:
    default:
      break;
    }

  g_debug ("Telling %s", notification_ids[kind]);
  g_application_send_notification (self->application, notification_ids[kind], notification);
  self->shown[kind] = TRUE;
}

static void
take_back (ZpNotifier *self,
           ZpTrouble   kind)
{
  self->waiting[kind] = FALSE;

  if (!self->shown[kind])
    return;

  g_debug ("Withdrawing %s", notification_ids[kind]);
  g_application_withdraw_notification (self->application, notification_ids[kind]);
  self->shown[kind] = FALSE;
}

static gboolean
offline_grace_cb (gpointer user_data)
{
  ZpNotifier *self = user_data;

  self->offline_source = 0;
  deliver (self, ZP_TROUBLE_OFFLINE);

  return G_SOURCE_REMOVE;
}

void
zp_notifier_show (ZpNotifier   *self,
                  ZpTrouble     kind,
                  const GError *error)
{
  g_return_if_fail (ZP_IS_NOTIFIER (self));
  g_return_if_fail (kind < ZP_TROUBLE_LAST);
  g_return_if_fail (error != NULL);

  g_clear_error (&self->current[kind]);
  self->current[kind] = g_error_copy (error);

  /* Once told, being offline is updated at once; before that, it has to last. */
  if (kind == ZP_TROUBLE_OFFLINE && !self->shown[kind] && !is_server_trouble (error))
    {
      if (self->offline_source == 0)
        self->offline_source = g_timeout_add (self->offline_grace_ms, offline_grace_cb, self);
      return;
    }

  deliver (self, kind);
}

void
zp_notifier_withdraw (ZpNotifier *self,
                      ZpTrouble   kind)
{
  g_return_if_fail (ZP_IS_NOTIFIER (self));
  g_return_if_fail (kind < ZP_TROUBLE_LAST);

  if (kind == ZP_TROUBLE_OFFLINE)
    g_clear_handle_id (&self->offline_source, g_source_remove);

  g_clear_error (&self->current[kind]);
  take_back (self, kind);
}

void
zp_notifier_set_offline_grace (ZpNotifier *self,
                               guint       milliseconds)
{
  g_return_if_fail (ZP_IS_NOTIFIER (self));

  self->offline_grace_ms = milliseconds;
}

static void
trouble_cb (ZpNotifier           *self,
            ZpTrouble             kind,
            const GError         *error,
            ZpPresenceController *controller)
{
  if (error != NULL)
    zp_notifier_show (self, kind, error);
  else
    zp_notifier_withdraw (self, kind);
}

void
zp_notifier_watch (ZpNotifier           *self,
                   ZpPresenceController *controller)
{
  g_return_if_fail (ZP_IS_NOTIFIER (self));
  g_return_if_fail (ZP_IS_PRESENCE_CONTROLLER (controller));

  g_signal_connect_object (controller, "trouble", G_CALLBACK (trouble_cb), self,
                           G_CONNECT_SWAPPED);
}

/* Turning errors off takes back what is shown; turning them on shows what still holds. */
static void
notify_errors_changed_cb (ZpNotifier *self,
                          const char *key,
                          GSettings  *settings)
{
  for (guint kind = 0; kind < ZP_TROUBLE_LAST; kind++)
    {
      if (silenced (self, kind))
        take_back (self, kind);
      else if (!self->shown[kind] && self->current[kind] != NULL &&
               !(kind == ZP_TROUBLE_OFFLINE && self->offline_source != 0))
        deliver (self, kind);
    }
}

static void
zp_notifier_dispose (GObject *object)
{
  ZpNotifier *self = (ZpNotifier *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->offline_source, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (zp_notifier_parent_class)->dispose (object);
}

static void
zp_notifier_finalize (GObject *object)
{
  ZpNotifier *self = (ZpNotifier *) object;

  for (guint kind = 0; kind < ZP_TROUBLE_LAST; kind++)
    g_clear_error (&self->current[kind]);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (zp_notifier_parent_class)->finalize (object);
}

static void
zp_notifier_class_init (ZpNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = zp_notifier_dispose;
  object_class->finalize = zp_notifier_finalize;
}

static void
zp_notifier_init (ZpNotifier *self)
{
  self->cancellable = g_cancellable_new ();
  self->offline_grace_ms = OFFLINE_GRACE_MS;
}

ZpNotifier *
zp_notifier_new (GApplication *application,
                 GSettings    *settings)
{
  ZpNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (ZP_TYPE_NOTIFIER, NULL);
  self->application = application;
  self->settings = g_object_ref (settings);

  g_signal_connect_swapped (settings, "changed::notify-errors",
                            G_CALLBACK (notify_errors_changed_cb), self);
  find_body_kind (self);

  return self;
}
