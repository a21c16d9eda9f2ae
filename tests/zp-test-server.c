/* zp-test-server.c: runs the embedded Zoom test server for GLib tests
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "zp-test-server"

#include "config.h"

#include <signal.h>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "zp-test-server.h"

#define START_TIMEOUT_SECONDS 15
#define STOP_TIMEOUT_SECONDS 5

struct _ZpTestServer
{
  GSubprocess *process;
  SoupSession *session;
  char        *base_url;
};

/* Runs a private main context until *done or the timeout; FALSE on timeout. */
typedef struct
{
  GMainContext *context;
  gboolean      done;
  gboolean      timed_out;
} Wait;

static gboolean
wait_timeout_cb (gpointer user_data)
{
  Wait *wait = user_data;

  wait->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_run (Wait  *wait,
          guint  seconds)
{
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (seconds);

  g_source_set_callback (timeout, wait_timeout_cb, wait, NULL);
  g_source_attach (timeout, wait->context);

  while (!wait->done && !wait->timed_out)
    g_main_context_iteration (wait->context, TRUE);

  g_source_destroy (timeout);
  return wait->done;
}

typedef struct
{
  Wait  wait;
  char *line;
} LineWait;

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineWait *line_wait = user_data;
  g_autoptr(GError) error = NULL;

  line_wait->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                               result, NULL, &error);
  if (error != NULL)
    g_test_message ("zoom-test-server stdout: %s", error->message);
  line_wait->wait.done = TRUE;
}

static char *
find_script (void)
{
  const char *path = g_getenv ("ZP_TEST_SERVER");

  if (path != NULL && *path != '\0')
    return g_strdup (path);

  return g_build_filename (ZP_TEST_SOURCE_DIR, "zoom-test-server", NULL);
}

ZpTestServer *
zp_test_server_start (const char *rate_window)
{
  g_autoptr(ZpTestServer) self = g_new0 (ZpTestServer, 1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  LineWait line_wait = { { context, FALSE, FALSE }, NULL };
  guint64 port = 0;

  g_ptr_array_add (argv, find_script ());
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup ("0"));
  /* Its stdin is a pipe only we hold: if this test dies, the server goes too. */
  g_ptr_array_add (argv, g_strdup ("--watch-stdin"));
  if (rate_window != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--rate-window"));
      g_ptr_array_add (argv, g_strdup (rate_window));
    }
  g_ptr_array_add (argv, NULL);

  self->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                     G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                     &error);
  if (self->process == NULL)
    g_error ("Could not start %s: %s", (char *) argv->pdata[0], error->message);

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));

  g_main_context_push_thread_default (context);
  g_data_input_stream_read_line_async (output, G_PRIORITY_DEFAULT, NULL, read_line_cb,
                                       &line_wait);
  wait_run (&line_wait.wait, START_TIMEOUT_SECONDS);
  g_main_context_pop_thread_default (context);

  if (line_wait.line == NULL || !g_str_has_prefix (line_wait.line, "PORT ")
      || !g_ascii_string_to_unsigned (line_wait.line + 5, 10, 1, 65535, &port, NULL))
    g_error ("zoom-test-server did not report its port within %d s (said: %s)",
             START_TIMEOUT_SECONDS, line_wait.line ? line_wait.line : "nothing");

  g_free (line_wait.line);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", (guint) port);
  self->session = soup_session_new_with_options ("timeout", 30, NULL);

  return g_steal_pointer (&self);
}

const char *
zp_test_server_get_base_url (ZpTestServer *self)
{
  g_assert_nonnull (self);

  return self->base_url;
}

char *
zp_test_server_dup_api_url (ZpTestServer *self)
{
  g_assert_nonnull (self);

  return g_strconcat (self->base_url, "/v2", NULL);
}

JsonNode *
zp_test_server_call (ZpTestServer *self,
                     const char   *method,
                     const char   *path,
                     const char   *json_body)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize length;
  guint status;

  g_assert_nonnull (self);
  g_assert_nonnull (self->process);

  url = g_strconcat (self->base_url, path, NULL);
  message = soup_message_new (method, url);
  g_assert_nonnull (message);
  if (json_body != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (message, "application/json", body);
    }

  reply = soup_session_send_and_read (self->session, message, NULL, &error);
  if (reply == NULL)
    g_error ("zoom-test-server %s %s: %s", method, path, error->message);

  data = g_bytes_get_data (reply, &length);
  status = soup_message_get_status (message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    g_error ("zoom-test-server %s %s: HTTP %u: %.*s", method, path, status, (int) length,
             data ? data : "");

  if (length == 0)
    return json_node_new (JSON_NODE_NULL);

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    g_error ("zoom-test-server %s %s: reply is not JSON: %s", method, path, error->message);

  return json_parser_steal_root (parser);
}

void
zp_test_server_add_token (ZpTestServer *self,
                          const char   *token,
                          const char   *kind)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind ? kind : "user");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  reply = zp_test_server_call (self, "POST", "/_test/tokens", text);
}

void
zp_test_server_add_fault (ZpTestServer *self,
                          const char   *fault_json_object)
{
  g_autofree char *text = g_strdup_printf ("{\"faults\": [%s]}", fault_json_object);
  g_autoptr(JsonNode) reply = zp_test_server_call (self, "POST", "/_test/faults", text);
}

JsonArray *
zp_test_server_dup_requests (ZpTestServer *self)
{
  g_autoptr(JsonNode) reply = zp_test_server_call (self, "GET", "/_test/requests", NULL);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (reply));
  return json_array_ref (json_node_get_array (reply));
}

static void
wait_exit_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  wait->done = TRUE;
}

void
zp_test_server_stop (ZpTestServer *self)
{
  g_autoptr(GMainContext) context = NULL;
  Wait wait = { NULL, FALSE, FALSE };

  g_assert_nonnull (self);

  if (self->process == NULL)
    return;

  context = g_main_context_new ();
  wait.context = context;

  g_subprocess_send_signal (self->process, SIGTERM);
  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (self->process, NULL, wait_exit_cb, &wait);
  if (!wait_run (&wait, STOP_TIMEOUT_SECONDS))
    {
      g_test_message ("zoom-test-server ignored SIGTERM; killing it");
      g_subprocess_force_exit (self->process);
      wait.timed_out = FALSE;
      wait_run (&wait, STOP_TIMEOUT_SECONDS);
    }
  g_main_context_pop_thread_default (context);

  g_clear_object (&self->process);
}

void
zp_test_server_free (ZpTestServer *self)
{
  if (self == NULL)
    return;

  zp_test_server_stop (self);
  g_clear_object (&self->session);
  g_free (self->base_url);
  g_free (self);
}
