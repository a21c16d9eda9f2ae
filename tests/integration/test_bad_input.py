#!/usr/bin/python3
# test_bad_input.py: bad replies, broken networks and missing desktop parts, against the
# installed applet: each ends in its plain error, no crash, and no lost wish.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run with a class name to run one group (tests/meson.build does, once per kind of session):
#   ZoomSideTest       malformed, truncated, empty, huge, stalled, refused, TLS, 5xx replies
#   DesktopTest        no tray host, no lock services (the default private session)
#   LockedKeyringTest  a token stored, then the keyring locked
#   NoKeyringTest      in a session without a Secret Service (--no-keyring)
#
# Being offline is notified only after a minute's grace (by design): within it, the tests
# check that nothing was notified and that the wish goes through once the fault is gone.

import os
import re
import socket
import ssl
import subprocess
import threading

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

import harness  # noqa: E402
from harness import APP_ID, AppletTestCase, Harness  # noqa: E402
from waiting import Timeout, run_until, spin  # noqa: E402

# Raw reply text must never reach a person.
RAW = re.compile(r'[{}\[\]]|"status"|\\u|Service Unavailable|<html', re.I)
# A stalled request is given up after the client's 20 s, then retried after 2 s.
STALL_TIMEOUT = 60


def lines(text):
  return [line for line in text.splitlines() if line.strip()]


class TlsServer:
  """A TLS server on 127.0.0.1 with a freshly made self-signed certificate. It counts
  handshakes tried and HTTP requests that got through (there must be none)."""

  def __init__(self, directory):
    self.cert = os.path.join(directory, 'self-signed.pem')
    self.key = os.path.join(directory, 'self-signed.key')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
                    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
                    '-keyout', self.key, '-out', self.cert],
                   check=True, capture_output=True, timeout=60)
    self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    self.context.load_cert_chain(self.cert, self.key)
    self.sock = socket.socket()
    self.sock.bind(('127.0.0.1', 0))
    self.sock.listen(8)
    self.port = self.sock.getsockname()[1]
    self.connections = 0
    self.handshakes_done = 0
    self.requests = []
    self.lock = threading.Lock()
    self.thread = threading.Thread(target=self._serve, daemon=True)
    self.thread.start()

  def _serve(self):
    while True:
      try:
        conn, _ = self.sock.accept()
      except OSError:
        return
      with self.lock:
        self.connections += 1
      conn.settimeout(10)
      try:
        with self.context.wrap_socket(conn, server_side=True) as tls:
          with self.lock:
            self.handshakes_done += 1
          data = tls.recv(65536)
          with self.lock:
            self.requests.append(data.split(b'\r\n', 1)[0].decode(errors='replace'))
          tls.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'
                      b'Content-Length: 22\r\n\r\n{"status":"Available"}')
      except (OSError, ssl.SSLError):
        conn.close()

  def close(self):
    self.sock.close()


class ZoomSideTest(AppletTestCase):
  """What Zoom (the test server) or the network throws at the applet."""

  harness_args = {'settings': {'min-update-interval': '1'}}

  def fresh_applet(self):
    h = self.h
    # The applet keeps its pacing across a restart: let the last test's change age out
    # before the server forgets it.
    h.wait_until_paced(margin=1.0)
    h.quit_applet()
    h.server.reset()
    h.clear_notifications()
    h.start_applet()

  def click(self, label, **fault):
    h = self.h
    h.wait_until_paced()
    if fault:
      h.server.add_fault(method='PUT', **fault)
    h.menu.click(label)

  def wait_for_presence(self, status, timeout):
    h = self.h

    def check():
      h.applet.check_alive()
      return h.server.presence()['status'] == status
    run_until(check, timeout, 'the server to show %s' % status, wake=0.2)

  def assert_plain(self, text):
    self.assertTrue(text.strip(), 'an empty message')
    self.assertIsNone(RAW.search(text), 'raw reply text in %r' % text)
    self.assertNotIn(self.h.token, text)

  def assert_no_notification(self):
    notes = self.h.notifications()
    self.assertEqual(notes, [], 'notified within the offline grace: %r' % notes)

  def one_notification(self):
    note = self.h.wait_for_notification()[0]
    print('notification: %r / %r' % (note['summary'], note['body']))
    self.assert_plain(note['summary'])
    self.assert_plain(note['body'])
    return note

  def test_01_malformed_and_truncated_status_replies(self):
    self.fresh_applet()
    h = self.h
    for body in ('{"status": "Away"', '{"status":', '{', '', 'null', '{"status": 5}',
                 '{"status": null, "end_time": []}', '"Away"', '{"status": "Away"} trailing',
                 '[' * 5000):
      with self.subTest(body=body[:40]):
        h.server.add_fault(method='GET', kind='garbage', http=200, body=body)
        res = h.zp('--get-status')
        print(res)
        self.assertEqual(res.status, 1, res)
        self.assertEqual(len(lines(res.err)), 1, res)
        self.assert_plain(res.err)
        h.check_alive()
    # Once the replies are sane again, so is the answer.
    res = h.zp('--get-status')
    self.assertEqual((res.status, lines(res.out)), (0, ['Available']), res)

  def test_02_truncated_put_reply_is_retried(self):
    self.fresh_applet()
    self.click('Away', kind='garbage', http=200, body='{"status": "Aw')
    self.one_notification()
    self.wait_for_presence('Away', 30)
    self.h.wait_for_icon('away')
    for put in self.h.server.puts():
      self.assertEqual(put['json'], {'status': 'Away'})

  def test_03_empty_text_plain_error_replies(self):
    h = self.h
    # A 4xx without Zoom's JSON: refused, said plainly, and not retried (it cannot succeed).
    self.fresh_applet()
    self.click('Busy', kind='http', http=400, body='', content_type='text/plain')
    note = self.one_notification()
    self.assertRegex(note['body'], r'400')
    spin(3)
    self.assertEqual(len(h.server.puts()), 1, h.server.puts())
    h.check_alive()
    # A 5xx without a body: Zoom's trouble, said at once, and the wish goes through after.
    self.fresh_applet()
    self.click('Busy', kind='http', http=502, body='', content_type='text/plain', count=2)
    note = self.one_notification()
    self.assertRegex(note['body'], r'502')
    self.wait_for_presence('Busy', 30)
    self.h.wait_for_icon('busy')

  def test_04_ten_megabyte_reply(self):
    self.fresh_applet()
    self.click('Away', kind='huge', bytes=10 * 1024 * 1024)
    self.one_notification()
    self.wait_for_presence('Away', 30)
    self.h.check_alive()
    # And to a status read: refused unread, in one line.
    self.h.server.add_fault(method='GET', kind='huge', bytes=10 * 1024 * 1024)
    res = self.h.zp('--get-status')
    self.assertEqual(res.status, 1, res)
    self.assertEqual(len(lines(res.err)), 1, res)
    self.assert_plain(res.err)

  def test_05_server_errors_then_recovery(self):
    self.fresh_applet()
    self.click('Busy', kind='http', http=503, body='Service Unavailable',
               content_type='text/plain', count=3)
    note = self.one_notification()
    self.assertRegex(note['body'], r'503')
    self.wait_for_presence('Busy', 40)
    puts = self.h.server.puts()
    self.assertEqual([p['status'] for p in puts], [503, 503, 503, 204])
    self.h.wait_for_icon('busy')

  def test_06_stalled_server(self):
    self.fresh_applet()
    h = self.h
    self.click('Away', kind='stall')
    h.wait_for_puts(1)
    # The menu answers while the request hangs.
    for _ in range(3):
      h.check_alive()
    self.wait_for_presence('Away', STALL_TIMEOUT)
    h.wait_for_icon('away')
    # Under a minute offline: nobody was bothered.
    self.assert_no_notification()

  def restart_server(self, port):
    h = self.h
    proc = h.spawn('zoom-test-server', ['/usr/bin/python3', os.environ['ZP_TEST_SERVER'],
                                        '--port', str(port), '--rate-window', '0'])
    h.server_proc = proc

    def up():
      proc.check_alive()
      try:
        h.server.add_token(h.token)
        return True
      except (AssertionError, OSError):
        return False
    run_until(up, 20, 'the test server back on port %d' % port, wake=0.2)

  def test_07_connection_refused(self):
    self.fresh_applet()
    h = self.h
    port = h.server.port
    # Well past the pacing interval, so the command is sent at once (and fails), not queued.
    h.wait_until_paced(margin=2.0)
    h.server_proc.stop()
    h.procs.remove(h.server_proc)
    try:
      res = h.zp('--status=busy')
      print(res)
      self.assertEqual(res.status, 1, res)
      self.assertEqual(len(lines(res.err)), 1, res)
      self.assertRegex(res.err.lower(), r'reach|connect')
      self.assertIn('Busy', res.err, 'the message does not say the wish is kept')
      spin(3)
      h.check_alive()
      self.assert_no_notification()
    finally:
      # The server comes back on the same port: the wish goes out by itself.
      self.restart_server(port)
    self.wait_for_presence('Busy', 40)
    h.wait_for_icon('busy')
    self.assert_no_notification()

  def test_08_self_signed_tls_is_refused(self):
    self.fresh_applet()
    h = self.h
    tls = TlsServer(h.session_dir)
    try:
      h.gsettings_set('api-base-url', 'https://127.0.0.1:%d/v2' % tls.port)
      res = h.zp('--get-status')
      print(res)
      self.assertEqual(res.status, 1, res)
      self.assertEqual(len(lines(res.err)), 1, res)
      self.assertRegex(res.err.lower(), r'certificate|tls|secure')
      # A wish made meanwhile is kept, and the certificate never accepted.
      since = len(h.server.puts())
      self.click('Away')
      run_until(lambda: tls.connections >= 2, 20, 'the applet to try the TLS server')
      spin(2)
      self.assertEqual((tls.handshakes_done, tls.requests), (0, []),
                       'the self-signed certificate was accepted')
      self.assertEqual(h.server.puts()[since:], [])
      h.check_alive()
    finally:
      h.gsettings_set('api-base-url', h.server.api_url)
      tls.close()
    self.wait_for_presence('Away', 40)
    self.assert_no_notification()


class DesktopTest(AppletTestCase):
  """No tray host and no lock services: the applet runs and its command line works."""

  harness_args = {'settings': {'away-on-lock': 'true'}}
  start_applet = False

  def bus_has(self, name):
    reply = self.h.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                  'org.freedesktop.DBus', 'NameHasOwner',
                                  GLib.Variant('(s)', (name,)), None,
                                  Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()[0]

  def test_01_no_tray_host(self):
    h = self.h
    h.watcher.close()
    run_until(lambda: not self.bus_has('org.kde.StatusNotifierWatcher'), 10,
              'the watcher to leave the bus')
    applet = h.spawn('applet', [h.binary], env=h.zp_env)
    h.applet = applet
    run_until(lambda: applet.check_alive() or self.bus_has(APP_ID), harness.START_TIMEOUT,
              'the applet on the bus')
    spin(2)
    applet.check_alive()
    res = h.zp('--status=busy')
    print(res)
    self.assertEqual(res.status, 0, res)
    self.assertEqual(h.server.presence()['status'], 'Busy')
    res = h.zp('--get-status')
    self.assertEqual((res.status, lines(res.out)), (0, ['Busy']), res)
    applet.check_alive()
    res = h.zp('--quit')
    self.assertEqual(res.status, 0, res)
    run_until(lambda: not applet.alive, 15, 'the applet to quit')
    self.assertEqual(applet.exit_status, 0, applet.read_log()[-3000:])
    h.procs.remove(applet)
    h.applet = None

  def test_02_no_lock_services(self):
    h = self.h
    # The default private session has no screensaver and no logind: start as usual.
    for name in ('org.gnome.ScreenSaver', 'org.freedesktop.ScreenSaver',
                 'org.freedesktop.login1'):
      self.assertFalse(self.bus_has(name), name)
    if h.watcher._own_id == 0:
      h.watcher = harness.Watcher(h.conn, log=h.note)
    h.start_applet()
    h.menu.click('Busy')
    h.wait_for_icon('busy')
    h.check_alive()
    log = h.applet.read_log()
    self.assertNotIn('-WARNING', log, 'a warning for a desktop without lock services')
    # A screensaver that shows up later is heard (signals are matched by interface).
    h.wait_until_paced()
    since = len(h.server.puts())
    h.conn.emit_signal(None, '/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver',
                       'ActiveChanged', GLib.Variant('(b)', (True,)))
    puts = h.wait_for_puts(1, since)
    self.assertEqual(puts[0]['json'], {'status': 'Away'})
    h.wait_for_icon('away')


class KeyringTrouble:
  """Shared by the sessions whose keyring cannot be used."""

  start_applet = False
  expect = r'keyring'

  def test_01_set_token_fails_plainly(self):
    h = self.h
    token = harness.new_token()
    res = h.zp('--set-token', stdin=token + '\n')
    print(res)
    self.assertNotEqual(res.status, 0, res)
    self.assertEqual(len(lines(res.err)), 1, res)
    self.assertRegex(res.err.lower(), self.expect)
    self.assertNotIn(token, res.out + res.err)

  def test_02_command_line_fails_plainly(self):
    res = self.h.zp('--status=busy')
    print(res)
    self.assertEqual(res.status, 1, res)
    self.assertEqual(len(lines(res.err)), 1, res)
    self.assertRegex(res.err.lower(), self.expect)
    self.assertEqual(self.h.server.puts(), [])

  def test_03_applet_runs_and_says_why(self):
    h = self.h
    h.watcher.items = []
    h.applet = h.spawn('applet', [h.binary], env=h.zp_env)
    h.item = h.watcher.wait_for_item(harness.START_TIMEOUT, alive=h.applet.check_alive)
    h.menu = harness.Menu(h.conn, h.item.bus_name, h.item.menu_path, log=h.note)
    # Not signed in as far as it can tell: nothing to click.
    h.menu.wait_for(lambda r: not any(n.enabled for n in r.walk() if n.toggle_type == 'radio'),
                    harness.START_TIMEOUT, 'the status items disabled')
    res = h.zp('--status=busy')
    print(res)
    self.assertEqual(res.status, 1, res)
    self.assertEqual(len(lines(res.err)), 1, res)
    self.assertRegex(res.err.lower(), self.expect + r'|sign')
    self.assertEqual(h.server.puts(), [])
    h.check_alive()


class LockedKeyringTest(KeyringTrouble, AppletTestCase):
  """A token was stored, then the keyring was locked (nothing can prompt in the session)."""

  expect = r'keyring.*locked|locked.*keyring'

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.h.conn.call_sync('org.freedesktop.secrets', '/org/freedesktop/secrets',
                         'org.freedesktop.Secret.Service', 'Lock',
                         GLib.Variant('(ao)', (['/org/freedesktop/secrets/collection/login'],)),
                         None, Gio.DBusCallFlags.NONE, 10000, None)


class NoKeyringTest(KeyringTrouble, AppletTestCase):
  """No Secret Service on the bus at all (run with --no-keyring)."""

  harness_args = {'token': False}
  expect = r'keyring'


if __name__ == '__main__':
  harness.main()
