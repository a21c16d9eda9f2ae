/* floor.c: the bare stack the applet stands on, as a yardstick for tools/bench
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkApplication with an AppIndicator, a three-item menu and a SoupSession, started the way
 * the applet starts (unique on the session bus, the tray item made on activate) and doing
 * nothing else: what the libraries cost before any of our code runs. Never installed.
 */

#define G_LOG_DOMAIN "zp-bench-floor"

#include <gtk/gtk.h>
#include <libayatana-appindicator/app-indicator.h>
#include <libsoup/soup.h>

#define FLOOR_APP_ID "io.github.zoompresence.ZoomPresence.BenchFloor"
#define FLOOR_ICON "io.github.zoompresence.ZoomPresence-signed-out"

typedef struct
{
  AppIndicator *indicator;
  GtkWidget    *menu;
  SoupSession  *session;
} Floor;

static void
quit_activate_cb (GtkMenuItem *item,
                  gpointer     user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
activate_cb (GApplication *application,
             gpointer      user_data)
{
  Floor *floor = user_data;
  const char *labels[] = { "Available", "Away", "Quit" };

  if (floor->indicator != NULL)
    return;

  floor->session = soup_session_new ();

  floor->menu = gtk_menu_new ();
  g_object_ref_sink (floor->menu);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      GtkWidget *item = gtk_menu_item_new_with_label (labels[i]);

      if (i == G_N_ELEMENTS (labels) - 1)
        g_signal_connect (item, "activate", G_CALLBACK (quit_activate_cb), application);
      gtk_menu_shell_append (GTK_MENU_SHELL (floor->menu), item);
    }
  gtk_widget_show_all (floor->menu);

  floor->indicator = app_indicator_new (FLOOR_APP_ID, FLOOR_ICON,
                                        APP_INDICATOR_CATEGORY_COMMUNICATIONS);
  app_indicator_set_title (floor->indicator, "Floor");
  app_indicator_set_menu (floor->indicator, GTK_MENU (floor->menu));
  app_indicator_set_status (floor->indicator, APP_INDICATOR_STATUS_ACTIVE);

  /* Like the applet: the tray icon keeps the application running. */
  g_application_hold (application);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkApplication) application = NULL;
  Floor floor = { NULL, NULL, NULL };
  int status;

  application = gtk_application_new (FLOOR_APP_ID, G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), &floor);
  status = g_application_run (G_APPLICATION (application), argc, argv);

  g_clear_object (&floor.indicator);
  if (floor.menu != NULL)
    gtk_widget_destroy (floor.menu);
  g_clear_object (&floor.menu);
  g_clear_object (&floor.session);

  return status;
}
