/* test-idle-monitor.c: the idle monitor against a mocked Mutter and ScreenSaver
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "zp-idle-monitor.h"
#include "zp-idle-monitor-private.h"
#include "zp-mock-bus.h"

#define WAIT_MS 5000

/* Tests shrink a minute to this, so the real timing scheme runs in a blink. */
#define MINUTE_MS 100

#define MUTTER_NAME "org.gnome.Mutter.IdleMonitor"
#define MUTTER_PATH "/org/gnome/Mutter/IdleMonitor/Core"

#define SAVER_NAME "org.freedesktop.ScreenSaver"
#define SAVER_PATH "/ScreenSaver"

typedef struct
{
  ZpMockBus       *bus;
  GDBusConnection *session;
  ZpIdleMonitor   *monitor;

  guint            n_idle_notifies;
  gint64           changed_us;  /* when the last notify::idle came */
} Fixture;

static GArray *mutter_latencies;
static GArray *poll_latencies;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->bus = zp_mock_bus_new ();
  f->session = zp_mock_bus_get_session (f->bus);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->monitor);
  zp_mock_bus_free (f->bus);
}

static void
idle_notify_cb (ZpIdleMonitor *monitor,
                GParamSpec    *pspec,
                Fixture       *f)
{
  f->n_idle_notifies++;
  f->changed_us = g_get_monotonic_time ();
}

static void
start_monitor (Fixture         *f,
               GDBusConnection *connection)
{
  f->monitor = zp_idle_monitor_new (connection);
  zp_idle_monitor_set_minute_length (f->monitor, MINUTE_MS);
  g_signal_connect (f->monitor, "notify::idle", G_CALLBACK (idle_notify_cb), f);
}

/* org.freedesktop.ScreenSaver that counts idle time from its last simulated input. */
static void
spawn_screensaver (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;

  zp_mock_bus_spawn (f->bus, FALSE, SAVER_NAME, SAVER_NAME, SAVER_PATH, SAVER_NAME, NULL);
  reply = zp_mock_bus_call (f->session, SAVER_NAME, SAVER_PATH, ZP_MOCK_INTERFACE,
                            "AddMethods",
                            g_variant_new_parsed ("('', [('GetSessionIdleTime', '', 'u', "
                                                  "'ret = dbus.UInt32(int((time.monotonic() - "
                                                  "self.zp_input) * 1000))'),"
                                                  "('SimulateUserActivity', '', '', "
                                                  "'self.zp_input = time.monotonic()')])"));
}

static void
screensaver_activity (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;

  reply = zp_mock_bus_call (f->session, SAVER_NAME, SAVER_PATH, SAVER_NAME,
                            "SimulateUserActivity", NULL);
}

static void
mutter_activity (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;

  reply = zp_mock_bus_call (f->session, MUTTER_NAME, MUTTER_PATH, ZP_MOCK_INTERFACE,
                            "SimulateActivity", NULL);
}

static void
record_since (GArray *samples,
              gint64  start_us,
              gint64  end_us)
{
  gint64 latency = end_us - start_us;

  g_array_append_val (samples, latency);
}

/* 0 minutes: no watch at all. Turning it on and off adds and removes Mutter's watch. */
static void
test_off_and_on (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GVariant) args = NULL;
  g_autoptr(GVariant) removed = NULL;
  guint64 interval;
  guint32 id;

  zp_mock_bus_spawn (f->bus, FALSE, MUTTER_NAME, "--template", "mock-mutter-idle-monitor.py",
                     NULL);
  f->monitor = zp_idle_monitor_new (f->session);
  g_signal_connect (f->monitor, "notify::idle", G_CALLBACK (idle_notify_cb), f);
  g_assert_cmpuint (zp_idle_monitor_get_idle_minutes (f->monitor), ==, 0);

  zp_mock_bus_sync (f->session);
  g_assert_cmpuint (zp_mock_bus_count_calls (f->session, MUTTER_NAME, MUTTER_PATH,
                                             "AddIdleWatch"), ==, 0);

  /* Real minutes here: the watch asks for exactly the threshold. */
  g_object_set (f->monitor, "idle-minutes", 5, NULL);
  args = zp_mock_bus_wait_for_call (f->session, MUTTER_NAME, MUTTER_PATH, "AddIdleWatch", 1);
  g_variant_get (args, "(t)", &interval);
  g_assert_cmpuint (interval, ==, 5 * 60 * 1000);

  /* Wait for the answer (the id), then turn it off: that watch is removed again. */
  g_clear_pointer (&args, g_variant_unref);
  args = zp_mock_bus_call (f->session, MUTTER_NAME, MUTTER_PATH, ZP_MOCK_INTERFACE, "GetCalls",
                           NULL);
  zp_mock_bus_sync (f->session);
  zp_idle_monitor_set_idle_minutes (f->monitor, 0);
  removed = zp_mock_bus_wait_for_call (f->session, MUTTER_NAME, MUTTER_PATH, "RemoveWatch", 1);
  g_variant_get (removed, "(u)", &id);
  g_assert_cmpuint (id, ==, 1);

  g_assert_false (zp_idle_monitor_get_idle (f->monitor));
  g_assert_cmpuint (f->n_idle_notifies, ==, 0);
  g_assert_cmpuint (zp_mock_bus_count_calls (f->session, MUTTER_NAME, MUTTER_PATH,
                                             "AddIdleWatch"), ==, 1);
}

/* Mutter's watches: idle after the threshold, active at the next input, idle again; the
 * ScreenSaver fallback on the same bus is never asked. */
static void
test_mutter (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GVariant) args = NULL;
  gint64 start, activity;

  zp_mock_bus_spawn (f->bus, FALSE, MUTTER_NAME, "--template", "mock-mutter-idle-monitor.py",
                     NULL);
  spawn_screensaver (f);
  start_monitor (f, f->session);

  start = g_get_monotonic_time ();
  mutter_activity (f);
  zp_idle_monitor_set_idle_minutes (f->monitor, 2);
  ZP_MOCK_BUS_WAIT (zp_idle_monitor_get_idle (f->monitor), WAIT_MS);
  g_assert_cmpint (f->changed_us - start, >=, 2 * MINUTE_MS * 1000);
  g_test_message ("Idle after %.1f ms (threshold %u ms)", (f->changed_us - start) / 1000.0,
                  2 * MINUTE_MS);

  /* The way back is watched only once idle. */
  args = zp_mock_bus_wait_for_call (f->session, MUTTER_NAME, MUTTER_PATH,
                                    "AddUserActiveWatch", 1);
  g_clear_pointer (&args, g_variant_unref);
  args = zp_mock_bus_call (f->session, MUTTER_NAME, MUTTER_PATH, ZP_MOCK_INTERFACE, "GetCalls",
                           NULL);
  zp_mock_bus_sync (f->session);

  for (guint i = 0; i < 3; i++)
    {
      activity = g_get_monotonic_time ();
      mutter_activity (f);
      ZP_MOCK_BUS_WAIT (!zp_idle_monitor_get_idle (f->monitor), WAIT_MS);
      record_since (mutter_latencies, activity, f->changed_us);

      ZP_MOCK_BUS_WAIT (zp_idle_monitor_get_idle (f->monitor), WAIT_MS);
      g_assert_cmpint (f->changed_us - activity, >=, 2 * MINUTE_MS * 1000);
      g_clear_pointer (&args, g_variant_unref);
      args = zp_mock_bus_wait_for_call (f->session, MUTTER_NAME, MUTTER_PATH,
                                        "AddUserActiveWatch", i + 2);
    }

  g_assert_cmpuint (f->n_idle_notifies, ==, 7);
  g_assert_cmpuint (zp_mock_bus_count_calls (f->session, MUTTER_NAME, MUTTER_PATH,
                                             "AddIdleWatch"), ==, 1);
  g_assert_cmpuint (zp_mock_bus_count_calls (f->session, MUTTER_NAME, MUTTER_PATH,
                                             "GetIdletime"), ==, 0);
  g_assert_cmpuint (zp_mock_bus_count_calls (f->session, SAVER_NAME, SAVER_PATH,
                                             "GetSessionIdleTime"), ==, 0);
}

/* Without Mutter: asked at the threshold's boundary while active, once a minute while idle. */
static void
test_screensaver_fallback (Fixture       *f,
                           gconstpointer  data)
{
  gint64 start, activity;
  guint n_calls;

  spawn_screensaver (f);
  start_monitor (f, f->session);

  start = g_get_monotonic_time ();
  screensaver_activity (f);
  zp_idle_monitor_set_idle_minutes (f->monitor, 3);
  ZP_MOCK_BUS_WAIT (zp_idle_monitor_get_idle (f->monitor), WAIT_MS);
  g_assert_cmpint (f->changed_us - start, >=, 3 * MINUTE_MS * 1000);
  g_test_message ("Idle after %.1f ms (threshold %u ms)", (f->changed_us - start) / 1000.0,
                  3 * MINUTE_MS);

  /* Once at the start and once at the boundary; a third only if the timer beat the
   * mock's clock by a fraction of a millisecond. */
  n_calls = zp_mock_bus_count_calls (f->session, SAVER_NAME, SAVER_PATH, "GetSessionIdleTime");
  g_assert_cmpuint (n_calls, >=, 2);
  g_assert_cmpuint (n_calls, <=, 3);

  for (guint i = 0; i < 3; i++)
    {
      activity = g_get_monotonic_time ();
      screensaver_activity (f);
      ZP_MOCK_BUS_WAIT (!zp_idle_monitor_get_idle (f->monitor), WAIT_MS);
      record_since (poll_latencies, activity, f->changed_us);
      /* Seen by the next once-a-minute question at the latest. */
      g_assert_cmpint (f->changed_us - activity, <=, 3 * MINUTE_MS * 1000);

      ZP_MOCK_BUS_WAIT (zp_idle_monitor_get_idle (f->monitor), WAIT_MS);
      g_assert_cmpint (f->changed_us - activity, >=, 3 * MINUTE_MS * 1000);
    }

  g_assert_cmpuint (f->n_idle_notifies, ==, 7);

  /* Off: idle no more at once. */
  zp_idle_monitor_set_idle_minutes (f->monitor, 0);
  g_assert_false (zp_idle_monitor_get_idle (f->monitor));
  g_assert_cmpuint (f->n_idle_notifies, ==, 8);
}

/* Neither service: never idle, no warnings. Without a bus at all, the same. */
static void
test_no_source (Fixture       *f,
                gconstpointer  data)
{
  start_monitor (f, f->session);
  zp_idle_monitor_set_idle_minutes (f->monitor, 1);
  for (guint i = 0; i < 3; i++)
    zp_mock_bus_sync (f->session);
  g_assert_false (zp_idle_monitor_get_idle (f->monitor));
  g_clear_object (&f->monitor);

  start_monitor (f, NULL);
  zp_idle_monitor_set_idle_minutes (f->monitor, 1);
  g_assert_cmpuint (zp_idle_monitor_get_idle_minutes (f->monitor), ==, 1);
  g_assert_false (zp_idle_monitor_get_idle (f->monitor));
  g_assert_cmpuint (f->n_idle_notifies, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  mutter_latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  poll_latencies = g_array_new (FALSE, FALSE, sizeof (gint64));

#define ADD(path, func) \
  g_test_add ("/idle-monitor/" path, Fixture, NULL, setup, func, teardown)

  ADD ("off-and-on", test_off_and_on);
  ADD ("mutter/watches", test_mutter);
  ADD ("screensaver/boundary-polling", test_screensaver_fallback);
  ADD ("no-source", test_no_source);

#undef ADD

  status = g_test_run ();
  zp_mock_bus_report_median ("Mutter input to notify::idle", mutter_latencies);
  zp_mock_bus_report_median ("ScreenSaver input to notify::idle (polled once a 100 ms minute)",
                             poll_latencies);
  g_array_unref (mutter_latencies);
  g_array_unref (poll_latencies);

  return status;
}
