/* zp-zoom-reply.h: pure parsers for what Zoom sends back (no I/O, fuzzable)
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "zp-zoom-client.h"

G_BEGIN_DECLS

/* Replies larger than this are refused unread. */
#define ZP_ZOOM_REPLY_MAX_BYTES (64 * 1024)

gboolean    zp_zoom_parse_retry_after    (const char   *value,
                                          gint64        now,
                                          gint64       *out_retry_at);

ZpPresence *zp_zoom_parse_presence       (const char   *body,
                                          gsize         length,
                                          gint64        now,
                                          GError      **error);

/* Turns a failed reply into one ZP_ZOOM_ERROR with a message a person understands. */
GError     *zp_zoom_error_from_reply     (guint         http_status,
                                          const char   *body,
                                          gsize         length,
                                          const char   *user_id);

G_END_DECLS
