/* zp-mock-bus.c: private session and system buses with dbusmock services, for tests
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>

#include "zp-mock-bus.h"

#define START_TIMEOUT_MS 15000
#define CALL_TIMEOUT_MS 5000

typedef struct
{
  GSubprocess     *daemon;
  char            *address;
  GDBusConnection *connection;
} PrivateBus;

struct _ZpMockBus
{
  PrivateBus  session;
  PrivateBus  system;
  GPtrArray  *mocks;  /* GSubprocess */
};

gboolean
zp_mock_bus_timeout_cb (gpointer flag)
{
  *(gboolean *) flag = TRUE;

  return G_SOURCE_REMOVE;
}

/* A test that aborts takes its daemons and mocks with it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
private_bus_start (PrivateBus *bus)
{
  g_autofree char *config = g_test_build_filename (G_TEST_DIST, "session-bus.conf", NULL);
  g_autofree char *config_arg = g_strconcat ("--config-file=", config, NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;

  /* Its stderr only ever says it may not raise its file limit. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  bus->daemon = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--nofork",
                                             config_arg, "--print-address=1", NULL);
  g_assert_no_error (error);

  /* The daemon prints its address once it listens. */
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus->daemon));
  bus->address = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bus->address);

  bus->connection =
    g_dbus_connection_new_for_address_sync (bus->address,
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                            | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (bus->connection, FALSE);
}

static void
private_bus_stop (PrivateBus *bus)
{
  if (bus->connection != NULL)
    g_dbus_connection_close_sync (bus->connection, NULL, NULL);
  g_clear_object (&bus->connection);

  if (bus->daemon != NULL)
    {
      g_subprocess_send_signal (bus->daemon, SIGTERM);
      g_subprocess_wait (bus->daemon, NULL, NULL);
    }
  g_clear_object (&bus->daemon);
  g_clear_pointer (&bus->address, g_free);
}

ZpMockBus *
zp_mock_bus_new (void)
{
  ZpMockBus *bus = g_new0 (ZpMockBus, 1);

  private_bus_start (&bus->session);
  private_bus_start (&bus->system);
  bus->mocks = g_ptr_array_new_with_free_func (g_object_unref);

  return bus;
}

void
zp_mock_bus_free (ZpMockBus *bus)
{
  for (guint i = 0; i < bus->mocks->len; i++)
    {
      GSubprocess *mock = g_ptr_array_index (bus->mocks, i);

      g_subprocess_send_signal (mock, SIGTERM);
      g_subprocess_wait (mock, NULL, NULL);
    }
  g_ptr_array_unref (bus->mocks);

  private_bus_stop (&bus->session);
  private_bus_stop (&bus->system);

  /* Replies to calls cancelled on the way out are still queued; let them go now rather
   * than inside the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_free (bus);
}

GDBusConnection *
zp_mock_bus_get_session (ZpMockBus *bus)
{
  return bus->session.connection;
}

GDBusConnection *
zp_mock_bus_get_system (ZpMockBus *bus)
{
  return bus->system.connection;
}

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *name_owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
mock_exited_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

void
zp_mock_bus_spawn (ZpMockBus  *bus,
                   gboolean    system,
                   const char *name,
                   ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) mock = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection = system ? bus->system.connection : bus->session.connection;
  gboolean appeared = FALSE;
  gboolean exited = FALSE;
  const char *arg;
  guint watch;
  va_list args;

  g_ptr_array_add (argv, g_strdup ("/usr/bin/python3"));
  g_ptr_array_add (argv, g_strdup ("-m"));
  g_ptr_array_add (argv, g_strdup ("dbusmock"));
  g_ptr_array_add (argv, g_strdup (system ? "--system" : "--session"));

  va_start (args, name);
  while ((arg = va_arg (args, const char *)) != NULL)
    {
      g_autofree char *template = NULL;

      if (g_str_has_suffix (arg, ".py"))
        template = g_test_build_filename (G_TEST_DIST, arg, NULL);
      g_ptr_array_add (argv, template != NULL && g_file_test (template, G_FILE_TEST_EXISTS)
                             ? g_steal_pointer (&template) : g_strdup (arg));
    }
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus->session.address,
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS", bus->system.address,
                                TRUE);
  mock = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  watch = g_bus_watch_name_on_connection (connection, name, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          name_appeared_cb, NULL, &appeared, NULL);
  g_subprocess_wait_async (mock, cancellable, mock_exited_cb, &exited);

  ZP_MOCK_BUS_WAIT (appeared || exited, START_TIMEOUT_MS);

  g_bus_unwatch_name (watch);
  g_cancellable_cancel (cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (!appeared)
    g_error ("dbusmock for %s exited before it owned the name", name);

  g_ptr_array_add (bus->mocks, g_steal_pointer (&mock));
}

GVariant *
zp_mock_bus_call (GDBusConnection *connection,
                  const char      *name,
                  const char      *path,
                  const char      *interface,
                  const char      *method,
                  GVariant        *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (connection, name, path, interface, method, parameters,
                                       NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS,
                                       NULL, &error);
  g_assert_no_error (error);

  return reply;
}

void
zp_mock_bus_emit (GDBusConnection *connection,
                  const char      *name,
                  const char      *path,
                  const char      *interface,
                  const char      *signal,
                  const char      *signature,
                  GVariant        *args)
{
  g_autoptr(GVariant) reply = NULL;

  reply = zp_mock_bus_call (connection, name, path, ZP_MOCK_INTERFACE, "EmitSignal",
                            g_variant_new ("(sss@av)", interface, signal, signature, args));
}

static GVariant *
get_method_calls (GDBusConnection *connection,
                  const char      *name,
                  const char      *path,
                  const char      *method)
{
  g_autoptr(GVariant) reply = NULL;

  reply = zp_mock_bus_call (connection, name, path, ZP_MOCK_INTERFACE, "GetMethodCalls",
                            g_variant_new ("(s)", method));

  return g_variant_get_child_value (reply, 0);
}

guint
zp_mock_bus_count_calls (GDBusConnection *connection,
                         const char      *name,
                         const char      *path,
                         const char      *method)
{
  g_autoptr(GVariant) calls = get_method_calls (connection, name, path, method);

  return g_variant_n_children (calls);
}

typedef struct
{
  const char *method;
  guint       seen;
} CallWatch;

/* The mock logs a call as (timestamp, [<arg>, ...]); make it the plain tuple it was. */
static GVariant *
unbox_arguments (GVariant *logged_call)
{
  g_autoptr(GVariant) boxed = g_variant_get_child_value (logged_call, 1);
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  GVariantIter iter;
  GVariant *value;

  g_variant_iter_init (&iter, boxed);
  while (g_variant_iter_next (&iter, "v", &value))
    g_ptr_array_add (values, value);

  return g_variant_ref_sink (g_variant_new_tuple ((GVariant **) values->pdata, values->len));
}

static void
method_called_cb (GDBusConnection *connection,
                  const char      *sender_name,
                  const char      *object_path,
                  const char      *interface_name,
                  const char      *signal_name,
                  GVariant        *parameters,
                  gpointer         user_data)
{
  CallWatch *watch = user_data;
  const char *method;

  g_variant_get_child (parameters, 0, "&s", &method);
  if (g_strcmp0 (method, watch->method) == 0)
    watch->seen++;
}

GVariant *
zp_mock_bus_wait_for_call (GDBusConnection *connection,
                           const char      *name,
                           const char      *path,
                           const char      *method,
                           guint            count)
{
  g_autoptr(GVariant) calls = NULL;
  g_autoptr(GVariant) latest = NULL;
  CallWatch watch = { method, 0 };
  guint subscription;

  /* Subscribed first, counted second: no call can slip between the two. */
  subscription = g_dbus_connection_signal_subscribe (connection, name, ZP_MOCK_INTERFACE,
                                                     "MethodCalled", path, NULL,
                                                     G_DBUS_SIGNAL_FLAGS_NONE,
                                                     method_called_cb, &watch, NULL);
  zp_mock_bus_sync (connection);
  watch.seen = zp_mock_bus_count_calls (connection, name, path, method);

  ZP_MOCK_BUS_WAIT (watch.seen >= count, CALL_TIMEOUT_MS);
  g_dbus_connection_signal_unsubscribe (connection, subscription);

  calls = get_method_calls (connection, name, path, method);
  g_assert_cmpuint (g_variant_n_children (calls), >=, count);
  latest = g_variant_get_child_value (calls, g_variant_n_children (calls) - 1);

  return unbox_arguments (latest);
}

static void
sync_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

void
zp_mock_bus_sync (GDBusConnection *connection)
{
  gboolean done = FALSE;

  g_dbus_connection_call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetId", NULL, G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, NULL, sync_cb, &done);
  ZP_MOCK_BUS_WAIT (done, CALL_TIMEOUT_MS);
}

static int
compare_samples (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

void
zp_mock_bus_report_median (const char *what,
                           GArray     *samples_us)
{
  gint64 median;

  if (samples_us->len == 0)
    return;

  g_array_sort (samples_us, compare_samples);
  median = g_array_index (samples_us, gint64, samples_us->len / 2);
  g_print ("# %s: median %.2f ms over %u samples (min %.2f, max %.2f)\n", what,
           median / 1000.0, samples_us->len, g_array_index (samples_us, gint64, 0) / 1000.0,
           g_array_index (samples_us, gint64, samples_us->len - 1) / 1000.0);
}
