/* zp-preferences-dialog.c: the preferences window, bound to GSettings
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every change applies at once, as GNOME's preferences windows do. Plain switches and the
 * client id are bound with g_settings_bind(); numbers and addresses are checked first, and a
 * value that would be refused later (a plain-http address off this computer, a duration Zoom
 * does not take) is refused here, next to where it was typed, and never written.
 */

#define G_LOG_DOMAIN "zp-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "zp-autostart.h"
#include "zp-preferences-dialog.h"
#include "zp-url.h"

#define ERROR_CSS ".zp-error-label { color: @error_color; }"

typedef gboolean (*ValidateFunc) (const char *text, GError **error);

/* An entry whose text reaches its key only when it is acceptable. */
typedef struct
{
  const char   *key;
  GtkEntry     *entry;
  GtkLabel     *error_label;
  ValidateFunc  validate;
} CheckedEntry;

enum
{
  CHECKED_API_BASE_URL,
  CHECKED_OAUTH_BASE_URL,
  CHECKED_USER_ID,
  N_CHECKED_ENTRIES
};

struct _ZpPreferencesDialog
{
  GtkDialog      parent_instance;

  GSettings     *settings;
  ZpAuth        *auth;
  GCancellable  *cancellable;
  gboolean       reverting_autostart;
  CheckedEntry   checked[N_CHECKED_ENTRIES];

  GtkLabel      *account_state_label;
  GtkWidget     *sign_in_button;
  GtkWidget     *sign_out_button;
  GtkWidget     *auth_mode_row;
  GtkComboBoxText *auth_mode_combo;
  GtkWidget     *account_id_row;
  GtkEntry      *account_id_entry;
  GtkEntry      *client_id_entry;
  GtkSwitch     *away_on_lock_switch;
  GtkWidget     *restore_on_unlock_row;
  GtkSwitch     *restore_on_unlock_switch;
  GtkSpinButton *idle_spin;
  GtkLabel      *idle_error_label;
  GtkSpinButton *dnd_spin;
  GtkLabel      *dnd_error_label;
  GtkSwitch     *notify_errors_switch;
  GtkSwitch     *start_at_login_switch;
  GtkLabel      *start_at_login_error_label;
  GtkExpander   *advanced_expander;
  GtkEntry      *api_base_url_entry;
  GtkLabel      *api_base_url_error_label;
  GtkEntry      *oauth_base_url_entry;
  GtkLabel      *oauth_base_url_error_label;
  GtkEntry      *user_id_entry;
};

G_DEFINE_TYPE (ZpPreferencesDialog, zp_preferences_dialog, GTK_TYPE_DIALOG)

enum
{
  PROP_0,
  PROP_SETTINGS,
  PROP_AUTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_error (GtkWidget  *field,
            GtkLabel   *label,
            const char *message)
{
  GtkStyleContext *context = gtk_widget_get_style_context (field);

  if (message != NULL)
    gtk_style_context_add_class (context, GTK_STYLE_CLASS_ERROR);
  else
    gtk_style_context_remove_class (context, GTK_STYLE_CLASS_ERROR);

  if (label == NULL)
    return;

  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

/* Account */

/* @removed: an action being removed (it is still in the group while we are told) */
static void
update_account_without (ZpPreferencesDialog *self,
                        const char          *removed)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  ZpAuthState state = self->auth != NULL ? zp_auth_get_state (self->auth)
                                         : ZP_AUTH_STATE_SIGNED_OUT;
  gboolean can_sign_in = FALSE;
  gboolean can_sign_out = FALSE;
  g_autofree char *signed_in_as = NULL;
  const char *account_label = self->auth != NULL ? zp_auth_get_account_label (self->auth)
                                                 : NULL;
  const char *text;

  switch (state)
    {
    case ZP_AUTH_STATE_LOADING:
      text = _("Reading the keyring…");
      break;

    case ZP_AUTH_STATE_SIGNED_IN:
      if (account_label != NULL)
        /* Translators: %s is the Zoom user's name or email address */
        text = signed_in_as = g_strdup_printf (_("Signed in as %s"), account_label);
      else
        text = _("Signed in");
      break;

    case ZP_AUTH_STATE_REJECTED:
      text = _("Zoom refused the saved sign-in");
      break;

    case ZP_AUTH_STATE_KEYRING_ERROR:
      text = _("The keyring cannot be read");
      break;

    case ZP_AUTH_STATE_SIGNED_OUT:
    default:
      text = _("Not signed in");
      break;
    }

  if (self->auth != NULL && zp_auth_get_signing_in (self->auth))
    text = _("Waiting for the browser…");

  gtk_label_set_text (self->account_state_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->account_state_label), self->auth != NULL);

  if (application != NULL)
    {
      can_sign_in = g_action_group_has_action (G_ACTION_GROUP (application), "sign-in")
                    && g_strcmp0 (removed, "sign-in") != 0;
      can_sign_out = g_action_group_has_action (G_ACTION_GROUP (application), "sign-out")
                     && g_strcmp0 (removed, "sign-out") != 0;
    }

  /* Without knowing the state, both are offered; otherwise the one that makes sense. */
  gtk_widget_set_visible (self->sign_in_button,
                          can_sign_in && (self->auth == NULL
                                          || state != ZP_AUTH_STATE_SIGNED_IN));
  gtk_widget_set_visible (self->sign_out_button,
                          can_sign_out && (self->auth == NULL
                                           || state == ZP_AUTH_STATE_SIGNED_IN
                                           || state == ZP_AUTH_STATE_REJECTED));
}

static void
update_account (ZpPreferencesDialog *self)
{
  update_account_without (self, NULL);
}

static void
action_removed_cb (ZpPreferencesDialog *self,
                   const char          *action_name)
{
  update_account_without (self, action_name);
}

static const char *
describe_auth_mode (const char *nick)
{
  static const struct { const char *nick; const char *label; } labels[] = {
    { "public-client", N_("Browser sign-in") },
    { "client-secret", N_("Browser sign-in with a client secret") },
    { "server-to-server", N_("Server-to-server app (administrators)") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      if (g_strcmp0 (labels[i].nick, nick) == 0)
        return _(labels[i].label);
    }

  return nick;
}

static gboolean
schema_has_key (GSettings  *settings,
                const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);

  return schema != NULL && g_settings_schema_has_key (schema, key);
}

static void
update_auth_mode_rows (ZpPreferencesDialog *self)
{
  g_autofree char *mode = NULL;
  gboolean server_to_server;

  if (!schema_has_key (self->settings, "auth-mode"))
    return;

  mode = g_settings_get_string (self->settings, "auth-mode");
  server_to_server = g_strcmp0 (mode, "server-to-server") == 0;
  gtk_widget_set_visible (self->account_id_row,
                          server_to_server && schema_has_key (self->settings, "account-id"));
}

/* The sign-in method and the account id exist only once the schema has them. */
static void
setup_auth_mode (ZpPreferencesDialog *self)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GVariant) range = NULL;
  g_autoptr(GVariant) values = NULL;
  const char *kind;

  gtk_widget_hide (self->auth_mode_row);
  gtk_widget_hide (self->account_id_row);

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (schema == NULL || !g_settings_schema_has_key (schema, "auth-mode"))
    return;

  key = g_settings_schema_get_key (schema, "auth-mode");
  range = g_settings_schema_key_get_range (key);
  g_variant_get (range, "(&sv)", &kind, &values);
  if (!g_variant_type_equal (g_settings_schema_key_get_value_type (key), G_VARIANT_TYPE_STRING)
      || (g_strcmp0 (kind, "enum") != 0 && g_strcmp0 (kind, "choices") != 0))
    {
      g_debug ("auth-mode is not a list of choices; its row stays hidden");
      return;
    }

  for (gsize i = 0; i < g_variant_n_children (values); i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (values, i);
      const char *nick = g_variant_get_string (child, NULL);

      gtk_combo_box_text_append (self->auth_mode_combo, nick, describe_auth_mode (nick));
    }

  g_settings_bind (self->settings, "auth-mode", self->auth_mode_combo, "active-id",
                   G_SETTINGS_BIND_DEFAULT);
  gtk_widget_show (self->auth_mode_row);

  if (g_settings_schema_has_key (schema, "account-id"))
    g_settings_bind (self->settings, "account-id", self->account_id_entry, "text",
                     G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->settings, "changed::auth-mode",
                           G_CALLBACK (update_auth_mode_rows), self, G_CONNECT_SWAPPED);
  update_auth_mode_rows (self);
}

/* Minutes */

static int
spin_input_cb (GtkSpinButton *spin,
               double        *new_value,
               gpointer       user_data)
{
  GtkLabel *error_label = g_object_get_data (G_OBJECT (spin), "zp-error-label");
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (spin);
  guint64 lower = (guint64) gtk_adjustment_get_lower (adjustment);
  guint64 upper = (guint64) gtk_adjustment_get_upper (adjustment);
  g_autofree char *text = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (spin))));
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, lower, upper, &value, NULL))
    {
      g_autofree char *message = NULL;

      if (lower == 0)
        message = g_strdup_printf (_("Enter a number of minutes from 1 to %u, or 0 for never."),
                                   (guint) upper);
      else
        message = g_strdup_printf (_("Enter a number of minutes from %u to %u."),
                                   (guint) lower, (guint) upper);

      show_error (GTK_WIDGET (spin), error_label, message);

      /* With the "if-valid" policy the spin button keeps its value and shows it again. */
      return GTK_INPUT_ERROR;
    }

  show_error (GTK_WIDGET (spin), error_label, NULL);
  *new_value = (double) value;

  return TRUE;
}

static void
adjustment_changed_cb (GtkAdjustment *adjustment,
                       GtkSpinButton *spin)
{
  /* A value that did change (arrows, keys, the setting) is a valid one. */
  show_error (GTK_WIDGET (spin), g_object_get_data (G_OBJECT (spin), "zp-error-label"), NULL);
}

static void
setup_spin (ZpPreferencesDialog *self,
            GtkSpinButton       *spin,
            GtkLabel            *error_label,
            const char          *key)
{
  g_object_set_data (G_OBJECT (spin), "zp-error-label", error_label);
  g_signal_connect (spin, "input", G_CALLBACK (spin_input_cb), NULL);
  g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (gtk_spin_button_get_adjustment (spin), "value-changed",
                           G_CALLBACK (adjustment_changed_cb), spin, 0);
}

/* Addresses and the user */

static gboolean
validate_user_id (const char  *text,
                  GError     **error)
{
  /* Any user id or email Zoom knows; it is escaped into the request path. */
  return g_utf8_validate (text, -1, NULL);
}

static char *
dup_entry_value (CheckedEntry *checked)
{
  return g_strstrip (g_strdup (gtk_entry_get_text (checked->entry)));
}

static void
checked_entry_changed_cb (GtkEntry            *entry,
                          ZpPreferencesDialog *self)
{
  CheckedEntry *checked = g_object_get_data (G_OBJECT (entry), "zp-checked-entry");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) default_value = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *text = dup_entry_value (checked);

  /* Empty means the default, which the placeholder shows. */
  if (*text == '\0')
    {
      show_error (GTK_WIDGET (entry), checked->error_label, NULL);
      g_settings_reset (self->settings, checked->key);
      return;
    }

  if (!checked->validate (text, &error))
    {
      show_error (GTK_WIDGET (entry), checked->error_label, error->message);
      return;
    }

  show_error (GTK_WIDGET (entry), checked->error_label, NULL);

  /* Typing the default back is the same as leaving it: the address Zoom names at sign-in
   * then counts again. */
  default_value = g_settings_get_default_value (self->settings, checked->key);
  if (g_strcmp0 (g_variant_get_string (default_value, NULL), text) == 0)
    {
      g_settings_reset (self->settings, checked->key);
      return;
    }

  stored = g_settings_get_string (self->settings, checked->key);
  if (g_strcmp0 (stored, text) != 0)
    g_settings_set_string (self->settings, checked->key, text);
}

static void
checked_setting_changed_cb (GSettings           *settings,
                            const char          *key,
                            ZpPreferencesDialog *self)
{
  CheckedEntry *checked = NULL;
  g_autofree char *value = g_settings_get_string (settings, key);
  g_autofree char *text = NULL;
  g_autoptr(GVariant) user_value = g_settings_get_user_value (settings, key);

  for (guint i = 0; i < N_CHECKED_ENTRIES; i++)
    {
      if (g_strcmp0 (self->checked[i].key, key) == 0)
        checked = &self->checked[i];
    }
  g_assert (checked != NULL);
  text = dup_entry_value (checked);

  /* Nothing to show when the entry already says this (an empty entry says "default"). */
  if (g_strcmp0 (text, value) == 0 || (*text == '\0' && user_value == NULL))
    return;

  g_signal_handlers_block_by_func (checked->entry, checked_entry_changed_cb, self);
  gtk_entry_set_text (checked->entry, value);
  g_signal_handlers_unblock_by_func (checked->entry, checked_entry_changed_cb, self);
  show_error (GTK_WIDGET (checked->entry), checked->error_label, NULL);
}

static void
setup_checked_entry (ZpPreferencesDialog *self,
                     guint                index,
                     const char          *key,
                     GtkEntry            *entry,
                     GtkLabel            *error_label,
                     ValidateFunc         validate)
{
  CheckedEntry *checked = &self->checked[index];
  g_autoptr(GVariant) default_value = g_settings_get_default_value (self->settings, key);
  g_autofree char *detailed = g_strconcat ("changed::", key, NULL);
  g_autofree char *value = g_settings_get_string (self->settings, key);

  checked->key = key;
  checked->entry = entry;
  checked->error_label = error_label;
  checked->validate = validate;

  gtk_entry_set_placeholder_text (entry, g_variant_get_string (default_value, NULL));
  gtk_entry_set_text (entry, value);
  g_object_set_data (G_OBJECT (entry), "zp-checked-entry", checked);
  g_signal_connect (entry, "changed", G_CALLBACK (checked_entry_changed_cb), self);
  g_signal_connect_object (self->settings, detailed, G_CALLBACK (checked_setting_changed_cb),
                           self, 0);
}

/* Start at login */

static void
autostart_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ZpPreferencesDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean done = zp_autostart_set_enabled_finish (result, &error);
  gboolean wanted;

  /* The window is gone (its widgets with it): nothing to show. */
  if (self->cancellable == NULL)
    return;

  wanted = gtk_switch_get_active (self->start_at_login_switch);
  if (done)
    {
      gtk_switch_set_state (self->start_at_login_switch, wanted);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("Start at login not changed: %s", error->message);
  show_error (GTK_WIDGET (self->start_at_login_switch), self->start_at_login_error_label,
              error->message);

  self->reverting_autostart = TRUE;
  gtk_switch_set_active (self->start_at_login_switch, !wanted);
  gtk_switch_set_state (self->start_at_login_switch, !wanted);
  self->reverting_autostart = FALSE;
}

static gboolean
start_at_login_state_set_cb (GtkSwitch           *widget,
                             gboolean             state,
                             ZpPreferencesDialog *self)
{
  if (self->reverting_autostart)
    return FALSE;

  show_error (GTK_WIDGET (widget), self->start_at_login_error_label, NULL);
  zp_autostart_set_enabled_async (state, NULL, self->cancellable, autostart_done_cb,
                                  g_object_ref (self));

  /* The switch's state follows once the entry is written or the portal has answered. */
  return TRUE;
}

/* The object */

static void
zp_preferences_dialog_constructed (GObject *object)
{
  ZpPreferencesDialog *self = ZP_PREFERENCES_DIALOG (object);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GtkLabel *error_labels[] = {
    self->idle_error_label, self->dnd_error_label, self->start_at_login_error_label,
    self->api_base_url_error_label, self->oauth_base_url_error_label,
  };
  gboolean autostart = zp_autostart_get_enabled ();

  G_OBJECT_CLASS (zp_preferences_dialog_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));

  gtk_css_provider_load_from_data (css, ERROR_CSS, -1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (error_labels); i++)
    gtk_style_context_add_provider (gtk_widget_get_style_context (GTK_WIDGET (error_labels[i])),
                                    GTK_STYLE_PROVIDER (css),
                                    GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_settings_bind (self->settings, "client-id", self->client_id_entry, "text",
                   G_SETTINGS_BIND_DEFAULT);
  if (*ZP_DEFAULT_CLIENT_ID != '\0')
    gtk_entry_set_placeholder_text (self->client_id_entry, ZP_DEFAULT_CLIENT_ID);
  setup_auth_mode (self);

  g_settings_bind (self->settings, "away-on-lock", self->away_on_lock_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "restore-on-unlock", self->restore_on_unlock_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  /* Nothing to restore when locking changes nothing. */
  g_settings_bind (self->settings, "away-on-lock", self->restore_on_unlock_row, "sensitive",
                   G_SETTINGS_BIND_GET);
  setup_spin (self, self->idle_spin, self->idle_error_label, "away-on-idle-minutes");
  setup_spin (self, self->dnd_spin, self->dnd_error_label, "dnd-minutes");

  g_settings_bind (self->settings, "notify-errors", self->notify_errors_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  gtk_switch_set_active (self->start_at_login_switch, autostart);
  gtk_switch_set_state (self->start_at_login_switch, autostart);
  g_signal_connect (self->start_at_login_switch, "state-set",
                    G_CALLBACK (start_at_login_state_set_cb), self);

  setup_checked_entry (self, CHECKED_API_BASE_URL, "api-base-url", self->api_base_url_entry,
                       self->api_base_url_error_label, zp_url_is_acceptable_api_base);
  setup_checked_entry (self, CHECKED_OAUTH_BASE_URL, "oauth-base-url",
                       self->oauth_base_url_entry, self->oauth_base_url_error_label,
                       zp_url_is_acceptable_api_base);
  /* The user id needs no message of its own: any text is a user id or an email to Zoom. */
  setup_checked_entry (self, CHECKED_USER_ID, "user-id", self->user_id_entry, NULL,
                       validate_user_id);

  if (self->auth != NULL)
    g_signal_connect_object (self->auth, "notify", G_CALLBACK (update_account), self,
                             G_CONNECT_SWAPPED);
  update_account (self);
}

static void
application_changed_cb (ZpPreferencesDialog *self,
                        GParamSpec          *pspec,
                        gpointer             user_data)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (application != NULL)
    {
      g_signal_connect_object (application, "action-added", G_CALLBACK (update_account), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (application, "action-removed", G_CALLBACK (action_removed_cb),
                               self, G_CONNECT_SWAPPED);
    }

  update_account (self);
}

static void
zp_preferences_dialog_dispose (GObject *object)
{
  ZpPreferencesDialog *self = ZP_PREFERENCES_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->auth);

  G_OBJECT_CLASS (zp_preferences_dialog_parent_class)->dispose (object);
}

static void
zp_preferences_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ZpPreferencesDialog *self = ZP_PREFERENCES_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_AUTH:
      g_value_set_object (value, self->auth);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_preferences_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ZpPreferencesDialog *self = ZP_PREFERENCES_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_AUTH:
      self->auth = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
zp_preferences_dialog_class_init (ZpPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = zp_preferences_dialog_constructed;
  object_class->dispose = zp_preferences_dialog_dispose;
  object_class->get_property = zp_preferences_dialog_get_property;
  object_class->set_property = zp_preferences_dialog_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTH] =
    g_param_spec_object ("auth", NULL, NULL, ZP_TYPE_AUTH,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX
                                               "ui/zp-preferences-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ZpPreferencesDialog, name)
  BIND (account_state_label);
  BIND (sign_in_button);
  BIND (sign_out_button);
  BIND (auth_mode_row);
  BIND (auth_mode_combo);
  BIND (account_id_row);
  BIND (account_id_entry);
  BIND (client_id_entry);
  BIND (away_on_lock_switch);
  BIND (restore_on_unlock_row);
  BIND (restore_on_unlock_switch);
  BIND (idle_spin);
  BIND (idle_error_label);
  BIND (dnd_spin);
  BIND (dnd_error_label);
  BIND (notify_errors_switch);
  BIND (start_at_login_switch);
  BIND (start_at_login_error_label);
  BIND (advanced_expander);
  BIND (api_base_url_entry);
  BIND (api_base_url_error_label);
  BIND (oauth_base_url_entry);
  BIND (oauth_base_url_error_label);
  BIND (user_id_entry);
#undef BIND
}

static void
zp_preferences_dialog_init (ZpPreferencesDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::application", G_CALLBACK (application_changed_cb), NULL);
}

ZpPreferencesDialog *
zp_preferences_dialog_new (GtkApplication *application,
                           GSettings      *settings,
                           ZpAuth         *auth)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (auth == NULL || ZP_IS_AUTH (auth), NULL);

  return g_object_new (ZP_TYPE_PREFERENCES_DIALOG,
                       "use-header-bar", TRUE,
                       "application", application,
                       "settings", settings,
                       "auth", auth,
                       NULL);
}
