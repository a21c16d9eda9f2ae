/* test-lock-monitor.c: the lock monitor against mocked screensavers, logind and the portal
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "zp-lock-monitor.h"
#include "zp-lock-monitor-private.h"
#include "zp-mock-bus.h"

#define WAIT_MS 5000

#define LOGIND_NAME "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
#define LOGIND_SESSION "org.freedesktop.login1.Session"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"

typedef struct
{
  ZpMockBus       *bus;
  GDBusConnection *session;
  GDBusConnection *system;
  ZpLockMonitor   *monitor;

  guint            n_locked_notifies;
  gint64           emitted_us;  /* when the signal under measurement was asked for */

  guint            n_sleep_signals;
  gboolean         last_sleep_start;
  gboolean         release_in_handler;

  char            *session_path;  /* the mocked logind session */
} Fixture;

/* Signal emission to notify::locked, in microseconds, over the whole run. */
static GArray *latencies;

/* Only when needed: changing the environment once threads run draws a warning. */
static void
clear_environment (void)
{
  if (g_getenv ("XDG_SESSION_ID") != NULL)
    g_unsetenv ("XDG_SESSION_ID");
  if (g_getenv ("ZP_FORCE_PORTAL") != NULL)
    g_unsetenv ("ZP_FORCE_PORTAL");
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  clear_environment ();

  f->bus = zp_mock_bus_new ();
  f->session = zp_mock_bus_get_session (f->bus);
  f->system = zp_mock_bus_get_system (f->bus);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->monitor);
  g_clear_pointer (&f->session_path, g_free);
  zp_mock_bus_free (f->bus);
  clear_environment ();
}

static void
locked_notify_cb (ZpLockMonitor *monitor,
                  GParamSpec    *pspec,
                  Fixture       *f)
{
  f->n_locked_notifies++;

  if (f->emitted_us != 0)
    {
      gint64 latency = g_get_monotonic_time () - f->emitted_us;

      g_array_append_val (latencies, latency);
      f->emitted_us = 0;
    }
}

static void
prepare_for_sleep_cb (ZpLockMonitor *monitor,
                      gboolean       start,
                      Fixture       *f)
{
  f->n_sleep_signals++;
  f->last_sleep_start = start;

  if (start && f->release_in_handler)
    zp_lock_monitor_release_sleep (monitor);
}

static void
start_monitor (Fixture  *f,
               gboolean  with_session_bus,
               gboolean  with_system_bus)
{
  f->monitor = zp_lock_monitor_new (with_session_bus ? f->session : NULL,
                                    with_system_bus ? f->system : NULL);
  g_signal_connect (f->monitor, "notify::locked", G_CALLBACK (locked_notify_cb), f);
  g_signal_connect (f->monitor, "prepare-for-sleep", G_CALLBACK (prepare_for_sleep_cb), f);
}

/* Dispatches what has already arrived: after a synchronous call to a mock returned,
 * the signals it emitted on the way are queued here. */
static void
flush (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Waits until the monitor asked NAME for METHOD and got its answer. */
static void
wait_answered (GDBusConnection *connection,
               const char      *name,
               const char      *path,
               const char      *method)
{
  g_autoptr(GVariant) args = NULL;
  g_autoptr(GVariant) calls = NULL;

  args = zp_mock_bus_wait_for_call (connection, name, path, method, 1);
  /* The mock answers in order: once this returns, so did the call we waited for. */
  calls = zp_mock_bus_call (connection, name, path, ZP_MOCK_INTERFACE, "GetCalls", NULL);
  flush ();
}

/* A screensaver with GetActive and a SetActive that emits ActiveChanged, at any path. */
static void
spawn_screensaver (Fixture    *f,
                   const char *interface,
                   const char *path)
{
  g_autoptr(GVariant) reply = NULL;

  zp_mock_bus_spawn (f->bus, FALSE, interface, interface, path, interface, NULL);
  reply = zp_mock_bus_call (f->session, interface, path, ZP_MOCK_INTERFACE, "AddMethods",
                            g_variant_new_parsed ("('', [('GetActive', '', 'b', "
                                                  "'ret = getattr(self, \"zp_active\", False)'),"
                                                  "('SetActive', 'b', '', 'self.zp_active = "
                                                  "args[0]; self.EmitSignal(\"\", "
                                                  "\"ActiveChanged\", \"b\", [args[0]])')])"));
}

static void
set_active (Fixture    *f,
            const char *interface,
            const char *path,
            gboolean    active,
            gboolean    measure)
{
  g_autoptr(GVariant) reply = NULL;

  f->emitted_us = measure ? g_get_monotonic_time () : 0;
  reply = zp_mock_bus_call (f->session, interface, path, interface, "SetActive",
                            g_variant_new ("(b)", active));
}

static void
emit_active_changed (Fixture    *f,
                     const char *interface,
                     const char *path,
                     gboolean    active)
{
  GVariant *arg = g_variant_new_variant (g_variant_new_boolean (active));

  zp_mock_bus_emit (f->session, interface, path, interface, "ActiveChanged", "b",
                    g_variant_new_array (G_VARIANT_TYPE_VARIANT, &arg, 1));
}

static void
spawn_logind (Fixture    *f,
              const char *session_id)
{
  g_autoptr(GVariant) reply = NULL;

  zp_mock_bus_spawn (f->bus, TRUE, LOGIND_NAME, "--template", "logind", NULL);
  reply = zp_mock_bus_call (f->system, LOGIND_NAME, LOGIND_PATH, ZP_MOCK_INTERFACE,
                            "AddSession",
                            g_variant_new ("(ssusb)", session_id, "seat0", 1000, "user", TRUE));
  g_variant_get (reply, "(s)", &f->session_path);
}

static void
set_locked_hint (Fixture  *f,
                 gboolean  locked,
                 gboolean  measure)
{
  g_autoptr(GVariant) reply = NULL;

  f->emitted_us = measure ? g_get_monotonic_time () : 0;
  reply = zp_mock_bus_call (f->system, LOGIND_NAME, f->session_path, LOGIND_SESSION,
                            "SetLockedHint", g_variant_new ("(b)", locked));
}

/* Once the monitor has followed LockedHint one way and back, it is subscribed for sure. */
static void
prove_locked_hint_followed (Fixture *f)
{
  guint before = f->n_locked_notifies;

  set_locked_hint (f, TRUE, FALSE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  set_locked_hint (f, FALSE, TRUE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, before + 2);
}

static void
emit_prepare_for_sleep (Fixture  *f,
                        gboolean  start)
{
  GVariant *arg = g_variant_new_variant (g_variant_new_boolean (start));

  zp_mock_bus_emit (f->system, LOGIND_NAME, LOGIND_PATH, LOGIND_MANAGER, "PrepareForSleep",
                    "b", g_variant_new_array (G_VARIANT_TYPE_VARIANT, &arg, 1));
}

static guint
count_inhibitors (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) list = NULL;
  GVariantIter iter;
  const char *what, *who, *why, *mode;
  guint n = 0;

  reply = zp_mock_bus_call (f->system, LOGIND_NAME, LOGIND_PATH, LOGIND_MANAGER,
                            "ListInhibitors", NULL);
  list = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, list);
  while (g_variant_iter_next (&iter, "(&s&s&s&suu)", &what, &who, &why, &mode, NULL, NULL))
    {
      g_assert_cmpstr (what, ==, "sleep");
      g_assert_cmpstr (who, ==, "Zoom Presence");
      g_assert_cmpstr (mode, ==, "delay");
      n++;
    }

  return n;
}

/* logind learns of a closed inhibitor when its pipe hangs up, which the mock handles in
 * its own time: ask again, a few milliseconds apart, until it has. */
static void
wait_inhibitors (Fixture *f,
                 guint    expected)
{
  gint64 start = g_get_monotonic_time ();
  guint n;

  while ((n = count_inhibitors (f)) != expected
         && g_get_monotonic_time () - start < WAIT_MS * 1000)
    {
      gboolean next = FALSE;

      g_timeout_add (5, zp_mock_bus_timeout_cb, &next);
      ZP_MOCK_BUS_WAIT (next, WAIT_MS);
    }

  g_test_message ("logind saw %u inhibitors after %.1f ms", n,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (n, ==, expected);
}

/* Nothing on either bus: no warnings, not locked, nothing held. */
static void
test_no_sources (Fixture       *f,
                 gconstpointer  data)
{
  start_monitor (f, TRUE, TRUE);

  /* Every probe ends in an error from the bus daemon itself, so two round trips to it
   * have seen all of them answered. */
  for (guint i = 0; i < 2; i++)
    {
      zp_mock_bus_sync (f->session);
      zp_mock_bus_sync (f->system);
    }

  g_assert_false (zp_lock_monitor_get_locked (f->monitor));
  g_assert_false (zp_lock_monitor_holds_sleep_inhibitor (f->monitor));
  g_assert_cmpuint (f->n_locked_notifies, ==, 0);

  /* Releasing with nothing held is harmless. */
  zp_lock_monitor_release_sleep (f->monitor);
}

static void
test_no_buses (Fixture       *f,
               gconstpointer  data)
{
  gboolean sleeping = TRUE;

  start_monitor (f, FALSE, FALSE);
  flush ();

  g_object_get (f->monitor, "sleeping", &sleeping, NULL);
  g_assert_false (sleeping);
  g_assert_false (zp_lock_monitor_get_locked (f->monitor));
  g_assert_cmpuint (f->n_locked_notifies, ==, 0);
}

static void
test_gnome_active_changed (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;

  zp_mock_bus_spawn (f->bus, FALSE, "org.gnome.ScreenSaver", "--template", "gnome_screensaver",
                     NULL);
  start_monitor (f, TRUE, TRUE);
  wait_answered (f->session, "org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "GetActive");
  g_assert_false (zp_lock_monitor_get_locked (f->monitor));

  for (guint i = 0; i < 3; i++)
    {
      set_active (f, "org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", TRUE, TRUE);
      ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
      set_active (f, "org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", FALSE, TRUE);
      ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
    }

  g_assert_cmpuint (f->n_locked_notifies, ==, 6);
}

/* Locked already when the applet starts. */
static void
test_gnome_initial_active (Fixture       *f,
                           gconstpointer  data)
{
  zp_mock_bus_spawn (f->bus, FALSE, "org.gnome.ScreenSaver", "--template", "gnome_screensaver",
                     NULL);
  set_active (f, "org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", TRUE, FALSE);

  start_monitor (f, TRUE, FALSE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, 1);

  set_active (f, "org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", FALSE, TRUE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, 2);
}

/* KDE serves org.freedesktop.ScreenSaver at /ScreenSaver: found by the second path tried,
 * and its signal heard whatever the path. */
static void
test_kde_screensaver_path (Fixture       *f,
                           gconstpointer  data)
{
  spawn_screensaver (f, "org.freedesktop.ScreenSaver", "/ScreenSaver");
  set_active (f, "org.freedesktop.ScreenSaver", "/ScreenSaver", TRUE, FALSE);

  start_monitor (f, TRUE, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (zp_mock_bus_count_calls (f->session, "org.freedesktop.ScreenSaver",
                                             "/ScreenSaver", "GetActive"), ==, 1);

  set_active (f, "org.freedesktop.ScreenSaver", "/ScreenSaver", FALSE, TRUE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  set_active (f, "org.freedesktop.ScreenSaver", "/ScreenSaver", TRUE, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, 3);
}

/* Cinnamon says "unlocked" twice; we say it once. */
static void
test_cinnamon_double_unlock (Fixture       *f,
                             gconstpointer  data)
{
  const char *name = "org.cinnamon.ScreenSaver";
  const char *path = "/org/cinnamon/ScreenSaver";

  spawn_screensaver (f, name, path);
  start_monitor (f, TRUE, FALSE);
  wait_answered (f->session, name, path, "GetActive");

  f->emitted_us = g_get_monotonic_time ();
  emit_active_changed (f, name, path, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, 1);

  f->emitted_us = g_get_monotonic_time ();
  emit_active_changed (f, name, path, FALSE);
  emit_active_changed (f, name, path, FALSE);
  flush ();
  g_assert_false (zp_lock_monitor_get_locked (f->monitor));
  g_assert_cmpuint (f->n_locked_notifies, ==, 2);

  /* The same holds for a repeated lock. */
  emit_active_changed (f, name, path, TRUE);
  emit_active_changed (f, name, path, TRUE);
  flush ();
  g_assert_true (zp_lock_monitor_get_locked (f->monitor));
  g_assert_cmpuint (f->n_locked_notifies, ==, 3);
}

static void
test_mate_xfce (Fixture       *f,
                gconstpointer  data)
{
  spawn_screensaver (f, "org.mate.ScreenSaver", "/org/mate/ScreenSaver");
  spawn_screensaver (f, "org.xfce.ScreenSaver", "/org/xfce/ScreenSaver");
  start_monitor (f, TRUE, FALSE);
  wait_answered (f->session, "org.mate.ScreenSaver", "/org/mate/ScreenSaver", "GetActive");
  wait_answered (f->session, "org.xfce.ScreenSaver", "/org/xfce/ScreenSaver", "GetActive");

  set_active (f, "org.mate.ScreenSaver", "/org/mate/ScreenSaver", TRUE, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  set_active (f, "org.mate.ScreenSaver", "/org/mate/ScreenSaver", FALSE, TRUE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);

  set_active (f, "org.xfce.ScreenSaver", "/org/xfce/ScreenSaver", TRUE, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  /* xfce4-screensaver also speaks org.freedesktop.ScreenSaver; both say it, one notify. */
  set_active (f, "org.mate.ScreenSaver", "/org/mate/ScreenSaver", TRUE, FALSE);
  flush ();
  set_active (f, "org.xfce.ScreenSaver", "/org/xfce/ScreenSaver", FALSE, TRUE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  set_active (f, "org.mate.ScreenSaver", "/org/mate/ScreenSaver", FALSE, FALSE);
  flush ();

  g_assert_false (zp_lock_monitor_get_locked (f->monitor));
  g_assert_cmpuint (f->n_locked_notifies, ==, 4);
}

/* GetSession("auto") leads nowhere (the mock has no such session), so the session is
 * found through $XDG_SESSION_ID. */
static void
test_logind_locked_hint (Fixture       *f,
                         gconstpointer  data)
{
  spawn_logind (f, "c1");
  g_setenv ("XDG_SESSION_ID", "c1", TRUE);
  start_monitor (f, FALSE, TRUE);

  prove_locked_hint_followed (f);
  set_locked_hint (f, TRUE, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  set_locked_hint (f, FALSE, TRUE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, 4);
}

/* GetSession("auto") answers, no $XDG_SESSION_ID, and the session is locked at start. */
static void
test_logind_session_auto (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;

  spawn_logind (f, "c7");
  reply = zp_mock_bus_call (f->system, LOGIND_NAME, LOGIND_PATH, ZP_MOCK_INTERFACE,
                            "AddMethod",
                            g_variant_new ("(sssss)", LOGIND_MANAGER, "GetSession", "s", "o",
                                           "ret = '/org/freedesktop/login1/session/' + "
                                           "('c7' if args[0] == 'auto' else args[0])"));
  set_locked_hint (f, TRUE, FALSE);

  start_monitor (f, FALSE, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);

  set_locked_hint (f, FALSE, TRUE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, 2);
}

/* GNOME blanks (ActiveChanged) a little before it locks (LockedHint). While LockedHint
 * holds, the screensaver's own "inactive" does not unlock us; LockedHint's unlock does. */
static void
test_logind_hint_authoritative (Fixture       *f,
                                gconstpointer  data)
{
  const char *gnome = "org.gnome.ScreenSaver";
  const char *gnome_path = "/org/gnome/ScreenSaver";

  zp_mock_bus_spawn (f->bus, FALSE, gnome, "--template", "gnome_screensaver", NULL);
  spawn_logind (f, "c1");
  g_setenv ("XDG_SESSION_ID", "c1", TRUE);
  start_monitor (f, TRUE, TRUE);
  wait_answered (f->session, gnome, gnome_path, "GetActive");
  prove_locked_hint_followed (f);

  set_active (f, gnome, gnome_path, TRUE, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, 3);

  set_locked_hint (f, TRUE, FALSE);
  set_active (f, gnome, gnome_path, FALSE, FALSE);
  flush ();
  g_assert_true (zp_lock_monitor_get_locked (f->monitor));
  g_assert_cmpuint (f->n_locked_notifies, ==, 3);

  set_locked_hint (f, FALSE, TRUE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, 4);
}

/* A desktop that announces the lock (logind's Lock signal, its screensaver's
 * ActiveChanged) but never takes it back there; only LockedHint goes false. */
static void
test_logind_lock_without_unlock (Fixture       *f,
                                 gconstpointer  data)
{
  const char *saver = "org.freedesktop.ScreenSaver";
  const char *saver_path = "/org/freedesktop/ScreenSaver";
  g_autoptr(GVariant) reply = NULL;

  spawn_screensaver (f, saver, saver_path);
  spawn_logind (f, "c1");
  g_setenv ("XDG_SESSION_ID", "c1", TRUE);
  start_monitor (f, TRUE, TRUE);
  wait_answered (f->session, saver, saver_path, "GetActive");
  prove_locked_hint_followed (f);

  /* The lock: a request to the locker (ignored), then the facts. */
  reply = zp_mock_bus_call (f->system, LOGIND_NAME, f->session_path, LOGIND_SESSION, "Lock",
                            NULL);
  set_active (f, saver, saver_path, TRUE, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  set_locked_hint (f, TRUE, FALSE);
  flush ();

  /* The unlock, on LockedHint only. */
  set_locked_hint (f, FALSE, TRUE);
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);

  /* The screensaver's stale "active" was dropped: its next lock counts as new. */
  set_active (f, saver, saver_path, TRUE, TRUE);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, 5);
}

/* The delay inhibitor is held while awake, kept through PrepareForSleep(true) until
 * released, and taken again on resume. */
static void
test_sleep_inhibitor (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GVariant) args = NULL;
  const char *what, *who, *why, *mode;
  gboolean sleeping;

  spawn_logind (f, "c1");
  start_monitor (f, FALSE, TRUE);

  args = zp_mock_bus_wait_for_call (f->system, LOGIND_NAME, LOGIND_PATH, "Inhibit", 1);
  g_variant_get (args, "(&s&s&s&s)", &what, &who, &why, &mode);
  g_assert_cmpstr (what, ==, "sleep");
  g_assert_cmpstr (who, ==, "Zoom Presence");
  g_assert_cmpstr (mode, ==, "delay");
  g_assert_cmpstr (why, !=, "");
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_holds_sleep_inhibitor (f->monitor), WAIT_MS);
  g_assert_cmpuint (count_inhibitors (f), ==, 1);

  f->emitted_us = g_get_monotonic_time ();
  emit_prepare_for_sleep (f, TRUE);
  ZP_MOCK_BUS_WAIT (f->n_sleep_signals == 1, WAIT_MS);
  g_assert_true (f->last_sleep_start);
  g_object_get (f->monitor, "sleeping", &sleeping, NULL);
  g_assert_true (sleeping);
  g_assert_true (zp_lock_monitor_get_locked (f->monitor));
  g_assert_true (zp_lock_monitor_holds_sleep_inhibitor (f->monitor));
  g_assert_cmpuint (count_inhibitors (f), ==, 1);

  zp_lock_monitor_release_sleep (f->monitor);
  g_assert_false (zp_lock_monitor_holds_sleep_inhibitor (f->monitor));
  wait_inhibitors (f, 0);

  /* A repeated announcement changes nothing. */
  emit_prepare_for_sleep (f, TRUE);
  flush ();
  g_assert_cmpuint (f->n_sleep_signals, ==, 1);

  f->emitted_us = g_get_monotonic_time ();
  emit_prepare_for_sleep (f, FALSE);
  ZP_MOCK_BUS_WAIT (f->n_sleep_signals == 2, WAIT_MS);
  g_assert_false (f->last_sleep_start);
  g_object_get (f->monitor, "sleeping", &sleeping, NULL);
  g_assert_false (sleeping);
  g_assert_false (zp_lock_monitor_get_locked (f->monitor));

  g_clear_pointer (&args, g_variant_unref);
  args = zp_mock_bus_wait_for_call (f->system, LOGIND_NAME, LOGIND_PATH, "Inhibit", 2);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_holds_sleep_inhibitor (f->monitor), WAIT_MS);
  g_assert_cmpuint (count_inhibitors (f), ==, 1);
  g_assert_cmpuint (f->n_locked_notifies, ==, 2);

  /* A handler that has nothing to send releases at once, inside the signal. */
  f->release_in_handler = TRUE;
  emit_prepare_for_sleep (f, TRUE);
  ZP_MOCK_BUS_WAIT (f->n_sleep_signals == 3, WAIT_MS);
  g_assert_false (zp_lock_monitor_holds_sleep_inhibitor (f->monitor));
  wait_inhibitors (f, 0);

  /* Dropping the monitor while awake releases the inhibitor too. */
  emit_prepare_for_sleep (f, FALSE);
  args = zp_mock_bus_wait_for_call (f->system, LOGIND_NAME, LOGIND_PATH, "Inhibit", 3);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_holds_sleep_inhibitor (f->monitor), WAIT_MS);
  g_clear_object (&f->monitor);
  wait_inhibitors (f, 0);
}

/* Nobody releases: the safety timeout lets the system sleep anyway. */
static void
test_sleep_safety_timeout (Fixture       *f,
                           gconstpointer  data)
{
  gint64 start;

  spawn_logind (f, "c1");
  start_monitor (f, FALSE, TRUE);
  zp_lock_monitor_set_sleep_timeout (f->monitor, 100);
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_holds_sleep_inhibitor (f->monitor), WAIT_MS);

  start = g_get_monotonic_time ();
  emit_prepare_for_sleep (f, TRUE);
  ZP_MOCK_BUS_WAIT (f->n_sleep_signals == 1, WAIT_MS);
  g_assert_true (zp_lock_monitor_holds_sleep_inhibitor (f->monitor));

  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_holds_sleep_inhibitor (f->monitor), WAIT_MS);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 100 * 1000);
  wait_inhibitors (f, 0);
  /* Still asleep as far as anyone knows, so still locked. */
  g_assert_true (zp_lock_monitor_get_locked (f->monitor));
}

/* Inside Flatpak (forced here) the Inhibit portal's monitor is one more source. */
static void
test_portal (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GVariant) args = NULL;
  g_autoptr(GVariant) options = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *token;

  zp_mock_bus_spawn (f->bus, FALSE, PORTAL_NAME, "--template", "mock-inhibit-portal.py", NULL);

  /* Outside Flatpak and not forced: the portal is left alone. */
  start_monitor (f, TRUE, FALSE);
  g_assert_cmpuint (zp_mock_bus_count_calls (f->session, PORTAL_NAME, PORTAL_PATH,
                                             "CreateMonitor"), ==, 0);
  g_clear_object (&f->monitor);

  g_setenv ("ZP_FORCE_PORTAL", "1", TRUE);
  start_monitor (f, TRUE, FALSE);
  args = zp_mock_bus_wait_for_call (f->session, PORTAL_NAME, PORTAL_PATH, "CreateMonitor", 1);
  options = g_variant_get_child_value (args, 1);
  g_assert_true (g_variant_lookup (options, "session_handle_token", "&s", &token));
  wait_answered (f->session, PORTAL_NAME, PORTAL_PATH, "CreateMonitor");

  f->emitted_us = g_get_monotonic_time ();
  reply = zp_mock_bus_call (f->session, PORTAL_NAME, PORTAL_PATH, ZP_MOCK_INTERFACE,
                            "SetScreensaverActive", g_variant_new ("(b)", TRUE));
  ZP_MOCK_BUS_WAIT (zp_lock_monitor_get_locked (f->monitor), WAIT_MS);

  /* Someone else's monitor is not ours. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = zp_mock_bus_call (f->session, PORTAL_NAME, PORTAL_PATH, ZP_MOCK_INTERFACE,
                            "EmitStateChanged",
                            g_variant_new ("(ob)", PORTAL_PATH "/session/1_99/other", FALSE));
  flush ();
  g_assert_true (zp_lock_monitor_get_locked (f->monitor));

  f->emitted_us = g_get_monotonic_time ();
  g_clear_pointer (&reply, g_variant_unref);
  reply = zp_mock_bus_call (f->session, PORTAL_NAME, PORTAL_PATH, ZP_MOCK_INTERFACE,
                            "SetScreensaverActive", g_variant_new ("(b)", FALSE));
  ZP_MOCK_BUS_WAIT (!zp_lock_monitor_get_locked (f->monitor), WAIT_MS);
  g_assert_cmpuint (f->n_locked_notifies, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  latencies = g_array_new (FALSE, FALSE, sizeof (gint64));

#define ADD(path, func) \
  g_test_add ("/lock-monitor/" path, Fixture, NULL, setup, func, teardown)

  ADD ("no-sources", test_no_sources);
  ADD ("no-buses", test_no_buses);
  ADD ("gnome/active-changed", test_gnome_active_changed);
  ADD ("gnome/initial-active", test_gnome_initial_active);
  ADD ("kde/screensaver-path", test_kde_screensaver_path);
  ADD ("cinnamon/double-unlock", test_cinnamon_double_unlock);
  ADD ("mate-xfce/active-changed", test_mate_xfce);
  ADD ("logind/locked-hint", test_logind_locked_hint);
  ADD ("logind/session-auto", test_logind_session_auto);
  ADD ("logind/hint-authoritative", test_logind_hint_authoritative);
  ADD ("logind/lock-without-unlock", test_logind_lock_without_unlock);
  ADD ("sleep/inhibitor", test_sleep_inhibitor);
  ADD ("sleep/safety-timeout", test_sleep_safety_timeout);
  ADD ("portal/state-changed", test_portal);

#undef ADD

  status = g_test_run ();
  zp_mock_bus_report_median ("lock signal to notify::locked", latencies);
  g_array_unref (latencies);

  return status;
}
