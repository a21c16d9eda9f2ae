/* zp-mock-bus.h: private session and system buses with dbusmock services, for tests
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ZP_MOCK_INTERFACE "org.freedesktop.DBus.Mock"

typedef struct _ZpMockBus ZpMockBus;

/* Starts two throw-away dbus-daemons (tests/session-bus.conf: nothing is ever activated),
 * so every test case starts from empty buses whatever session it runs in. */
ZpMockBus       *zp_mock_bus_new            (void);
void             zp_mock_bus_free           (ZpMockBus  *bus);
GDBusConnection *zp_mock_bus_get_session    (ZpMockBus  *bus);
GDBusConnection *zp_mock_bus_get_system     (ZpMockBus  *bus);

/* Runs `python3 -m dbusmock ARGS...` on the system or session bus and returns once it
 * owns NAME. Arguments ending in ".py" that name a file in the test folder are replaced by
 * its full path (custom templates). Stopped by zp_mock_bus_free(). */
void             zp_mock_bus_spawn          (ZpMockBus  *bus,
                                             gboolean    system,
                                             const char *name,
                                             ...) G_GNUC_NULL_TERMINATED;

/* Calls a method and fails the test on error; returns the reply (never NULL). */
GVariant        *zp_mock_bus_call           (GDBusConnection *connection,
                                             const char      *name,
                                             const char      *path,
                                             const char      *interface,
                                             const char      *method,
                                             GVariant        *parameters);

/* Sends a call from the mock's object: org.freedesktop.DBus.Mock.EmitSignal. */
void             zp_mock_bus_emit           (GDBusConnection *connection,
                                             const char      *name,
                                             const char      *path,
                                             const char      *interface,
                                             const char      *signal,
                                             const char      *signature,
                                             GVariant        *args);

/* Number of calls of METHOD the mock object at PATH has logged. */
guint            zp_mock_bus_count_calls    (GDBusConnection *connection,
                                             const char      *name,
                                             const char      *path,
                                             const char      *method);

/* Waits until the mock logged a call of METHOD (at least COUNT in all); returns the
 * arguments of the latest one (caller frees). Fails the test after a timeout. */
GVariant        *zp_mock_bus_wait_for_call  (GDBusConnection *connection,
                                             const char      *name,
                                             const char      *path,
                                             const char      *method,
                                             guint            count);

/* A round trip through the bus daemon on CONNECTION: once it returns, every reply and
 * signal that arrived before has been dispatched. */
void             zp_mock_bus_sync           (GDBusConnection *connection);

gboolean         zp_mock_bus_timeout_cb     (gpointer         flag);

/* Iterates the main context until EXPR holds; fails the test if it still does not after
 * TIMEOUT_MS. Events only: nothing sleeps. */
#define ZP_MOCK_BUS_WAIT(expr, timeout_ms) \
  G_STMT_START { \
    gboolean zp_timed_out_ = FALSE; \
    guint zp_timeout_id_ = g_timeout_add ((timeout_ms), zp_mock_bus_timeout_cb, \
                                          &zp_timed_out_); \
    while (!(expr) && !zp_timed_out_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!zp_timed_out_) \
      g_source_remove (zp_timeout_id_); \
    if (!(expr)) \
      g_test_message ("Gave up after %u ms", (guint) (timeout_ms)); \
    g_assert_true (expr); \
  } G_STMT_END

/* Prints the median of the samples (microseconds) as a TAP comment. */
void             zp_mock_bus_report_median  (const char      *what,
                                             GArray          *samples_us);

G_END_DECLS
