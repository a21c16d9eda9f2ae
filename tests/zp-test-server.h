/* zp-test-server.h: runs the embedded Zoom test server for GLib tests
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _ZpTestServer ZpTestServer;

/* Starts tests/zoom-test-server (the path comes from $ZP_TEST_SERVER, else the source tree) on
 * a free 127.0.0.1 port and waits for it to listen; aborts the test if it does not. */
ZpTestServer *zp_test_server_start         (const char   *rate_window);
const char   *zp_test_server_get_base_url  (ZpTestServer *self);
char         *zp_test_server_dup_api_url   (ZpTestServer *self);

/* A synchronous call to the server; aborts the test on anything but a 2xx reply. Returns the
 * parsed reply (a JSON null for an empty one). */
JsonNode     *zp_test_server_call          (ZpTestServer *self,
                                            const char   *method,
                                            const char   *path,
                                            const char   *json_body);
void          zp_test_server_add_token     (ZpTestServer *self,
                                            const char   *token,
                                            const char   *kind);
void          zp_test_server_add_fault     (ZpTestServer *self,
                                            const char   *fault_json_object);
JsonArray    *zp_test_server_dup_requests  (ZpTestServer *self);

/* Stops the server and reaps it; the address stays readable. Safe to call twice. */
void          zp_test_server_stop          (ZpTestServer *self);
void          zp_test_server_free          (ZpTestServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ZpTestServer, zp_test_server_free)

G_END_DECLS
