/* zp-indicator.c: the tray icon and its menu
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The menu is built once; state changes only relabel, toggle and (de)sensitize its items, in
 * one idle callback however many changes arrive together, so the dbusmenu exporter sends one
 * update to the tray host instead of a storm.
 */

#define G_LOG_DOMAIN "zp-indicator"

#include "config.h"

#include <glib/gi18n.h>
#include <libayatana-appindicator/app-indicator.h>

#include "zp-indicator.h"

#define SIGNED_OUT_ICON APP_ID "-signed-out"

static const guint dnd_choices[] = { 20, 60, 120, 240, 480, 1440 };

struct _ZpIndicator
{
  GObject               parent_instance;

  GApplication         *application;  /* not owned: the application owns us */
  ZpPresenceController *controller;
  ZpAuth               *auth;
  GSettings            *settings;

  AppIndicator         *app_indicator;
  GtkMenu              *menu;
  GtkWidget            *account_item;
  GtkWidget            *hint_item;
  GtkWidget            *status_items[ZP_STATUS_LAST];
  GtkWidget            *dnd_default_item;
  GtkWidget            *pending_item;
  GtkWidget            *refresh_item;
  GtkWidget            *sign_in_item;
  GtkWidget            *sign_out_item;
  gboolean              updating;
  guint                 update_source;
  guint                 countdown_source;
};

G_DEFINE_TYPE (ZpIndicator, zp_indicator, G_TYPE_OBJECT)

static void queue_update (ZpIndicator *self);

static char *
format_duration (guint minutes)
{
  if (minutes % 60 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", minutes / 60),
                            minutes / 60);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes", minutes),
                          minutes);
}

static char *
format_time_of_day (gint64 real_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (real_time / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%H:%M") : g_strdup ("?");
}

static void
status_item_activate_cb (GtkMenuItem *item,
                         ZpIndicator *self)
{
  ZpStatus status = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (item), "zp-status"));

  if (self->updating)
    return;

  /* The radio marks follow what the controller says, not the click itself. */
  queue_update (self);

  if (status == ZP_STATUS_DO_NOT_DISTURB)
    return;

  g_action_group_activate_action (G_ACTION_GROUP (self->application), "set-status",
                                  g_variant_new_string (zp_status_to_api_name (status)));
}

static void
dnd_item_activate_cb (GtkMenuItem *item,
                      ZpIndicator *self)
{
  guint minutes = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (item), "zp-minutes"));

  if (minutes == 0)
    minutes = g_settings_get_uint (self->settings, "dnd-minutes");

  g_action_group_activate_action (G_ACTION_GROUP (self->application), "set-dnd",
                                  g_variant_new_int32 ((gint32) minutes));
}

static void
action_item_activate_cb (GtkMenuItem *item,
                         ZpIndicator *self)
{
  const char *action = g_object_get_data (G_OBJECT (item), "zp-action");

  g_action_group_activate_action (G_ACTION_GROUP (self->application), action, NULL);
}

static GtkWidget *
append_action_item (ZpIndicator *self,
                    GtkMenu     *menu,
                    const char  *label,
                    const char  *action)
{
  GtkWidget *item = gtk_menu_item_new_with_label (label);

  g_object_set_data (G_OBJECT (item), "zp-action", (gpointer) action);
  g_signal_connect (item, "activate", G_CALLBACK (action_item_activate_cb), self);
  gtk_menu_shell_append (GTK_MENU_SHELL (menu), item);

  return item;
}

static GtkWidget *
append_info_item (GtkMenu *menu)
{
  GtkWidget *item = gtk_menu_item_new_with_label ("");

  gtk_widget_set_sensitive (item, FALSE);
  gtk_menu_shell_append (GTK_MENU_SHELL (menu), item);

  return item;
}

static GtkWidget *
build_dnd_submenu (ZpIndicator *self)
{
  GtkWidget *submenu = gtk_menu_new ();

  /* The configured default, shown only when it is not one of the fixed choices. */
  self->dnd_default_item = gtk_menu_item_new_with_label ("");
  g_signal_connect (self->dnd_default_item, "activate", G_CALLBACK (dnd_item_activate_cb), self);
  gtk_menu_shell_append (GTK_MENU_SHELL (submenu), self->dnd_default_item);

  for (guint i = 0; i < G_N_ELEMENTS (dnd_choices); i++)
    {
      g_autofree char *label = format_duration (dnd_choices[i]);
      GtkWidget *item = gtk_menu_item_new_with_label (label);

      g_object_set_data (G_OBJECT (item), "zp-minutes", GUINT_TO_POINTER (dnd_choices[i]));
      g_signal_connect (item, "activate", G_CALLBACK (dnd_item_activate_cb), self);
      gtk_menu_shell_append (GTK_MENU_SHELL (submenu), item);
    }

  gtk_widget_show_all (submenu);

  return submenu;
}

static void
build_menu (ZpIndicator *self)
{
  GSList *group = NULL;

  self->menu = GTK_MENU (gtk_menu_new ());
  g_object_ref_sink (self->menu);

  self->account_item = append_info_item (self->menu);
  self->hint_item = append_info_item (self->menu);
  gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), gtk_separator_menu_item_new ());

  for (guint i = 0; zp_status_settable[i] != ZP_STATUS_UNKNOWN; i++)
    {
      ZpStatus status = zp_status_settable[i];
      GtkWidget *item = gtk_radio_menu_item_new_with_label (group, zp_status_get_label (status));

      group = gtk_radio_menu_item_get_group (GTK_RADIO_MENU_ITEM (item));
      g_object_set_data (G_OBJECT (item), "zp-status", GUINT_TO_POINTER (status));
      g_signal_connect (item, "activate", G_CALLBACK (status_item_activate_cb), self);

      if (status == ZP_STATUS_DO_NOT_DISTURB)
        gtk_menu_item_set_submenu (GTK_MENU_ITEM (item), build_dnd_submenu (self));

      gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), item);
      self->status_items[status] = item;
    }

  /* A hidden member of the group lets "none of them" be shown while the status is unknown. */
  self->status_items[ZP_STATUS_UNKNOWN] = gtk_radio_menu_item_new (group);
  g_object_ref_sink (self->status_items[ZP_STATUS_UNKNOWN]);

  gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), gtk_separator_menu_item_new ());
  self->pending_item = append_info_item (self->menu);
  self->refresh_item = append_action_item (self, self->menu, _("Refresh"), "refresh");
  gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), gtk_separator_menu_item_new ());
  self->sign_in_item = append_action_item (self, self->menu, _("Sign in…"), "sign-in");
  self->sign_out_item = append_action_item (self, self->menu, _("Sign out"), "sign-out");
  append_action_item (self, self->menu, _("Preferences…"), "preferences");
  append_action_item (self, self->menu, _("Quit"), "quit");

  gtk_widget_show_all (GTK_WIDGET (self->menu));
}

static gboolean
countdown_cb (gpointer user_data)
{
  ZpIndicator *self = user_data;

  self->countdown_source = 0;
  queue_update (self);

  return G_SOURCE_REMOVE;
}

static char *
describe_pending (ZpIndicator *self,
                  guint       *out_refresh_seconds)
{
  ZpStatus wanted = zp_presence_controller_get_wanted_status (self->controller);
  gint64 send_time = zp_presence_controller_get_next_send_time (self->controller);
  gint64 last_change = zp_presence_controller_get_last_change_time (self->controller);
  gint64 dnd_end = zp_presence_controller_get_dnd_end_time (self->controller);

  *out_refresh_seconds = 0;

  if (wanted != ZP_STATUS_UNKNOWN && send_time > 0)
    {
      gint64 seconds = (send_time - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

      seconds = MAX (seconds, 0);

      /* Counting down costs one wake-up a second, but only while the menu shows a wait. */
      if (seconds <= 90)
        {
          *out_refresh_seconds = 1;
          /* Translators: "Away — will be sent in 40 s" */
          return g_strdup_printf (_("%s — will be sent in %d s"), zp_status_get_label (wanted),
                                  (int) seconds);
        }
      else
        {
          g_autofree char *clock = format_time_of_day (send_time);

          *out_refresh_seconds = 30;
          /* Translators: "Away — will be sent at 14:30" */
          return g_strdup_printf (_("%s — will be sent at %s"), zp_status_get_label (wanted),
                                  clock);
        }
    }

  if (wanted != ZP_STATUS_UNKNOWN && zp_auth_get_state (self->auth) != ZP_AUTH_STATE_SIGNED_IN)
    /* Translators: "Away — waiting for sign-in" */
    return g_strdup_printf (_("%s — waiting for sign-in"), zp_status_get_label (wanted));

  if (wanted != ZP_STATUS_UNKNOWN)
    /* Translators: "Away — sending…" */
    return g_strdup_printf (_("%s — sending…"), zp_status_get_label (wanted));

  if (dnd_end > 0)
    {
      g_autofree char *clock = format_time_of_day (dnd_end);

      return g_strdup_printf (_("Do not disturb until %s"), clock);
    }

  if (last_change > 0)
    {
      g_autofree char *clock = format_time_of_day (last_change);

      return g_strdup_printf (_("Last changed at %s"), clock);
    }

  return NULL;
}

static void
update_now (ZpIndicator *self)
{
  ZpAuthState auth_state = zp_auth_get_state (self->auth);
  gboolean signed_in = auth_state == ZP_AUTH_STATE_SIGNED_IN;
  ZpStatus shown = zp_presence_controller_get_shown_status (self->controller);
  guint dnd_default = g_settings_get_uint (self->settings, "dnd-minutes");
  g_autofree char *pending = NULL;
  const char *account_text;
  const char *hint_text = NULL;
  const char *account_label = zp_auth_get_account_label (self->auth);
  g_autofree char *signed_in_text = NULL;
  guint refresh_seconds = 0;

  self->updating = TRUE;

  switch (auth_state)
    {
    case ZP_AUTH_STATE_LOADING:
      account_text = _("Reading the keyring…");
      break;

    case ZP_AUTH_STATE_SIGNED_IN:
      if (account_label != NULL)
        /* Translators: %s is the Zoom user's name or email address */
        account_text = signed_in_text = g_strdup_printf (_("Signed in as %s"), account_label);
      else
        account_text = _("Signed in");
      break;

    case ZP_AUTH_STATE_REJECTED:
      account_text = _("Zoom refused the stored token");
      hint_text = _("Sign in again");
      break;

    case ZP_AUTH_STATE_KEYRING_ERROR:
      account_text = _("The keyring cannot be read");
      hint_text = _("Unlock the keyring, then choose Refresh");
      break;

    case ZP_AUTH_STATE_SIGNED_OUT:
    default:
      account_text = _("Not signed in");
      break;
    }

  if (zp_auth_get_signing_in (self->auth))
    hint_text = _("Waiting for the browser…");

  gtk_menu_item_set_label (GTK_MENU_ITEM (self->account_item), account_text);
  gtk_widget_set_visible (self->hint_item, hint_text != NULL);
  if (hint_text != NULL)
    gtk_menu_item_set_label (GTK_MENU_ITEM (self->hint_item), hint_text);

  for (guint i = 0; zp_status_settable[i] != ZP_STATUS_UNKNOWN; i++)
    gtk_widget_set_sensitive (self->status_items[zp_status_settable[i]], signed_in);

  if ((guint) shown >= ZP_STATUS_LAST || self->status_items[shown] == NULL)
    shown = ZP_STATUS_UNKNOWN;
  gtk_check_menu_item_set_active (GTK_CHECK_MENU_ITEM (self->status_items[shown]), TRUE);

  gtk_widget_set_visible (self->dnd_default_item, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (dnd_choices); i++)
    {
      if (dnd_choices[i] == dnd_default)
        gtk_widget_set_visible (self->dnd_default_item, FALSE);
    }
  if (gtk_widget_get_visible (self->dnd_default_item))
    {
      g_autofree char *duration = format_duration (dnd_default);
      g_autofree char *label = g_strdup_printf (_("%s (default)"), duration);

      gtk_menu_item_set_label (GTK_MENU_ITEM (self->dnd_default_item), label);
    }

  pending = describe_pending (self, &refresh_seconds);
  gtk_widget_set_visible (self->pending_item, pending != NULL);
  if (pending != NULL)
    gtk_menu_item_set_label (GTK_MENU_ITEM (self->pending_item), pending);
  gtk_widget_set_sensitive (self->refresh_item, signed_in);
  gtk_widget_set_visible (self->sign_in_item, auth_state != ZP_AUTH_STATE_SIGNED_IN &&
                                              auth_state != ZP_AUTH_STATE_LOADING);
  gtk_widget_set_visible (self->sign_out_item, auth_state == ZP_AUTH_STATE_SIGNED_IN ||
                                               auth_state == ZP_AUTH_STATE_REJECTED);

  app_indicator_set_icon_full (self->app_indicator,
                               zp_indicator_get_icon_name (self),
                               signed_in ? zp_status_get_label (shown) : account_text);

  g_clear_handle_id (&self->countdown_source, g_source_remove);
  if (refresh_seconds > 0)
    self->countdown_source = g_timeout_add_seconds (refresh_seconds, countdown_cb, self);

  self->updating = FALSE;
}

static gboolean
update_idle_cb (gpointer user_data)
{
  ZpIndicator *self = user_data;

  self->update_source = 0;
  update_now (self);

  return G_SOURCE_REMOVE;
}

static void
queue_update (ZpIndicator *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add (update_idle_cb, self);
}

const char *
zp_indicator_get_icon_name (ZpIndicator *self)
{
  g_return_val_if_fail (ZP_IS_INDICATOR (self), NULL);

  if (zp_auth_get_state (self->auth) != ZP_AUTH_STATE_SIGNED_IN)
    return SIGNED_OUT_ICON;

  return zp_status_get_icon_name (zp_presence_controller_get_shown_status (self->controller));
}

GtkMenu *
zp_indicator_get_menu (ZpIndicator *self)
{
  g_return_val_if_fail (ZP_IS_INDICATOR (self), NULL);

  return self->menu;
}

static void
zp_indicator_dispose (GObject *object)
{
  ZpIndicator *self = (ZpIndicator *) object;

  g_clear_handle_id (&self->update_source, g_source_remove);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  g_clear_object (&self->app_indicator);
  g_clear_object (&self->status_items[ZP_STATUS_UNKNOWN]);
  if (self->menu != NULL)
    gtk_widget_destroy (GTK_WIDGET (self->menu));
  g_clear_object (&self->menu);
  g_clear_object (&self->controller);
  g_clear_object (&self->auth);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (zp_indicator_parent_class)->dispose (object);
}

static void
zp_indicator_class_init (ZpIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = zp_indicator_dispose;
}

static void
zp_indicator_init (ZpIndicator *self)
{
}

ZpIndicator *
zp_indicator_new (GApplication         *application,
                  ZpPresenceController *controller,
                  ZpAuth               *auth,
                  GSettings            *settings)
{
  ZpIndicator *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (ZP_IS_PRESENCE_CONTROLLER (controller), NULL);
  g_return_val_if_fail (ZP_IS_AUTH (auth), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (ZP_TYPE_INDICATOR, NULL);
  self->application = application;
  self->controller = g_object_ref (controller);
  self->auth = g_object_ref (auth);
  self->settings = g_object_ref (settings);

  build_menu (self);

  self->app_indicator = app_indicator_new (APP_ID, SIGNED_OUT_ICON,
                                           APP_INDICATOR_CATEGORY_COMMUNICATIONS);
  app_indicator_set_title (self->app_indicator, _("Zoom Presence"));
  app_indicator_set_menu (self->app_indicator, self->menu);
  /* A host that does not search our prefix (a --prefix install under $HOME) is told where
   * the icons are. Inside Flatpak that path means nothing to the host, which finds the
   * exported, app-id-prefixed names by itself. */
  if (!g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    app_indicator_set_icon_theme_path (self->app_indicator, DATADIR "/icons");
  app_indicator_set_status (self->app_indicator, APP_INDICATOR_STATUS_ACTIVE);

  g_signal_connect_object (controller, "changed", G_CALLBACK (queue_update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (auth, "notify::state", G_CALLBACK (queue_update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (auth, "notify::account-label", G_CALLBACK (queue_update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (auth, "notify::signing-in", G_CALLBACK (queue_update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::dnd-minutes", G_CALLBACK (queue_update), self,
                           G_CONNECT_SWAPPED);

  update_now (self);

  return self;
}
