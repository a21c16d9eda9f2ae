/* zp-autostart.c: start the applet at login, with or without a Flatpak sandbox
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Outside Flatpak the XDG autostart entry installed under PKGDATADIR is copied into
 * ~/.config/autostart, and removed again. Inside, the sandbox cannot write there: the
 * Background portal does it for us, and since it cannot be asked what it did, the answer
 * it gave is remembered in the applet's own configuration folder.
 */

#define G_LOG_DOMAIN "zp-autostart"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "zp-autostart.h"

#define PORTAL_BUS_NAME     "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH  "/org/freedesktop/portal/desktop"
#define BACKGROUND_IFACE    "org.freedesktop.portal.Background"
#define REQUEST_IFACE       "org.freedesktop.portal.Request"

/* Response codes of org.freedesktop.portal.Request. */
#define RESPONSE_SUCCESS    0
#define RESPONSE_CANCELLED  1

G_DEFINE_QUARK (zp-autostart-error-quark, zp_autostart_error)

gboolean
zp_autostart_uses_portal (void)
{
  const char *gtk_use_portal = g_getenv ("GTK_USE_PORTAL");

  /* GTK_USE_PORTAL is read the way GLib reads it: a leading '1'. */
  return g_strcmp0 (g_getenv ("ZP_FORCE_PORTAL"), "1") == 0
         || (gtk_use_portal != NULL && gtk_use_portal[0] == '1')
         || g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

char *
zp_autostart_dup_entry_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

/* Inside the sandbox: exists while the portal has autostart on for us. */
static char *
dup_portal_marker_path (void)
{
  return g_build_filename (g_get_user_config_dir (), GETTEXT_PACKAGE, "autostart-granted",
                           NULL);
}

static char *
dup_template_path (void)
{
  const char *path = g_getenv ("ZP_AUTOSTART_TEMPLATE");

  if (path != NULL && *path != '\0')
    return g_strdup (path);

  return g_build_filename (PKGDATADIR, APP_ID "-autostart.desktop", NULL);
}

gboolean
zp_autostart_get_enabled (void)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *path = NULL;

  if (zp_autostart_uses_portal ())
    {
      g_autofree char *marker = dup_portal_marker_path ();

      return g_file_test (marker, G_FILE_TEST_EXISTS);
    }

  path = zp_autostart_dup_entry_path ();
  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, NULL))
    return FALSE;

  /* The two ways desktops let a user keep an entry but switch it off. */
  if (g_key_file_get_boolean (key_file, G_KEY_FILE_DESKTOP_GROUP,
                              G_KEY_FILE_DESKTOP_KEY_HIDDEN, NULL))
    return FALSE;

  if (g_key_file_has_key (key_file, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", NULL)
      && !g_key_file_get_boolean (key_file, G_KEY_FILE_DESKTOP_GROUP,
                                  "X-GNOME-Autostart-enabled", NULL))
    return FALSE;

  return TRUE;
}

static gboolean
write_entry (GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *template = dup_template_path ();
  g_autofree char *path = zp_autostart_dup_entry_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (template, &contents, &length, &local_error))
    {
      g_set_error (error, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_FAILED,
                   _("The autostart entry of Zoom Presence is missing (%s). Reinstalling the "
                     "applet should bring it back."), local_error->message);
      return FALSE;
    }

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_FAILED,
                   _("Could not create the folder %s: %s"), folder,
                   g_strerror (saved_errno));
      return FALSE;
    }

  if (!g_file_set_contents (path, contents, length, &local_error))
    {
      g_set_error (error, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_FAILED,
                   _("Could not write the autostart entry: %s"), local_error->message);
      return FALSE;
    }

  g_debug ("Wrote %s", path);
  return TRUE;
}

static gboolean
remove_file (const char  *path,
             GError     **error)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_FAILED,
                   _("Could not remove %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  g_debug ("Removed %s", path);
  return TRUE;
}

/* The portal path */

typedef struct
{
  gboolean         enabled;
  GDBusConnection *connection;
  char            *request_path;
  guint            response_id;
  gulong           cancelled_id;
} PortalRequest;

static void
portal_request_free (PortalRequest *request)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
  g_clear_object (&request->connection);
  g_free (request->request_path);
  g_free (request);
}

static gboolean
remember_grant (gboolean   enabled,
                GError   **error)
{
  g_autofree char *marker = dup_portal_marker_path ();
  g_autofree char *folder = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!enabled)
    return remove_file (marker, error);

  folder = g_path_get_dirname (marker);
  g_mkdir_with_parents (folder, 0700);
  if (!g_file_set_contents (marker, "", 0, &local_error))
    {
      g_set_error (error, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_FAILED,
                   _("Could not write %s: %s"), marker, local_error->message);
      return FALSE;
    }

  return TRUE;
}

static void
response_cb (GDBusConnection *connection,
             const char      *sender_name,
             const char      *object_path,
             const char      *interface_name,
             const char      *signal_name,
             GVariant        *parameters,
             gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;
  PortalRequest *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  g_autoptr(GError) error = NULL;
  gboolean autostart = FALSE;
  guint32 response;

  if (g_strcmp0 (object_path, request->request_path) != 0)
    {
      /* Not ours (a reused subscription): keep waiting with our reference. */
      g_steal_pointer (&task);
      return;
    }

  g_dbus_connection_signal_unsubscribe (connection, request->response_id);
  request->response_id = 0;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    {
      g_task_return_new_error (task, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_PORTAL,
                               _("The background portal gave an answer this applet does "
                                 "not understand."));
      return;
    }

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "autostart", "b", &autostart);
  g_debug ("Background portal answered %u, autostart %s", response,
           autostart ? "on" : "off");

  if (response == RESPONSE_CANCELLED
      || (response == RESPONSE_SUCCESS && request->enabled && !autostart))
    {
      g_task_return_new_error (task, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_DENIED,
                               _("Starting at login was not allowed. It can be allowed in "
                                 "the system settings for applications."));
      return;
    }

  if (response != RESPONSE_SUCCESS)
    {
      g_task_return_new_error (task, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_PORTAL,
                               _("The background portal could not change starting at "
                                 "login."));
      return;
    }

  if (!remember_grant (request->enabled, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
subscribe_response (GTask      *task,
                    const char *path)
{
  PortalRequest *request = g_task_get_task_data (task);

  if (request->response_id != 0)
    {
      g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
      /* The reference the old subscription held. */
      g_object_unref (task);
    }

  g_free (request->request_path);
  request->request_path = g_strdup (path);
  request->response_id =
    g_dbus_connection_signal_subscribe (request->connection, PORTAL_BUS_NAME, REQUEST_IFACE,
                                        "Response", path, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, response_cb,
                                        g_object_ref (task), NULL);
}

static void
request_background_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortalRequest *request = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_debug ("RequestBackground failed: %s", error->message);
      if (request->response_id != 0)
        {
          g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
          request->response_id = 0;
          g_object_unref (task);
        }
      g_task_return_new_error (task, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_PORTAL,
                               _("The background portal is not available, so starting at "
                                 "login cannot be changed from inside the sandbox."));
      return;
    }

  /* Portals older than version 0.9 choose another path than the one we predicted. */
  g_variant_get (reply, "(&o)", &path);
  if (g_strcmp0 (path, request->request_path) != 0)
    subscribe_response (task, path);
}

static void
start_portal_request (GTask *task)
{
  PortalRequest *request = g_task_get_task_data (task);
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  GVariantBuilder options;
  const char *commandline[] = { "zoom-presence", NULL };

  /* The request object's path is predictable; subscribing first closes the race with a
   * portal that answers before its reply reaches us. */
  sender = g_strdup (g_dbus_connection_get_unique_name (request->connection) + 1);
  g_strdelimit (sender, ".", '_');
  token = g_strdup_printf ("zp%u", g_random_int ());
  path = g_strdup_printf (PORTAL_OBJECT_PATH "/request/%s/%s", sender, token);
  subscribe_response (task, path);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Keep your Zoom status in step with your "
                                                 "desktop from the moment you log in.")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (request->enabled));
  g_variant_builder_add (&options, "{sv}", "commandline",
                         g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  g_dbus_connection_call (request->connection, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          BACKGROUND_IFACE, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task),
                          request_background_cb, g_object_ref (task));
}

static void
bus_get_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortalRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  request->connection = g_bus_get_finish (result, &error);
  if (request->connection == NULL)
    {
      g_task_return_new_error (task, ZP_AUTOSTART_ERROR, ZP_AUTOSTART_ERROR_PORTAL,
                               _("The session bus is not available: %s"), error->message);
      return;
    }

  start_portal_request (task);
}

void
zp_autostart_set_enabled_async (gboolean             enabled,
                                GDBusConnection     *connection,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  PortalRequest *request;

  g_return_if_fail (connection == NULL || G_IS_DBUS_CONNECTION (connection));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, zp_autostart_set_enabled_async);

  if (!zp_autostart_uses_portal ())
    {
      g_autofree char *path = zp_autostart_dup_entry_path ();
      gboolean done = enabled ? write_entry (&error) : remove_file (path, &error);

      if (done)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  request = g_new0 (PortalRequest, 1);
  request->enabled = enabled;
  g_task_set_task_data (task, request, (GDestroyNotify) portal_request_free);

  if (connection != NULL)
    {
      request->connection = g_object_ref (connection);
      start_portal_request (task);
    }
  else
    {
      g_bus_get (G_BUS_TYPE_SESSION, cancellable, bus_get_cb, g_object_ref (task));
    }
}

gboolean
zp_autostart_set_enabled_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        zp_autostart_set_enabled_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
