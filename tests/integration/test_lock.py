#!/usr/bin/python3
# test_lock.py: the installed applet turns Available into Away on lock and back on unlock.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Three lock sources, each mocked with dbusmock in the private session: GNOME's
# org.gnome.ScreenSaver (ActiveChanged), KDE's org.freedesktop.ScreenSaver at /ScreenSaver, and
# logind's LockedHint on a session of a mocked logind on the private system bus. Each lock and
# unlock must cost exactly one PUT each way; Do not disturb survives a lock untouched.

import os
import time

import harness
from harness import AppletTestCase, summarize_ms
from waiting import run_until, spin

from gi.repository import Gio, GLib

MOCK_IFACE = 'org.freedesktop.DBus.Mock'
GNOME = ('org.gnome.ScreenSaver', '/org/gnome/ScreenSaver')
KDE = ('org.freedesktop.ScreenSaver', '/ScreenSaver')
LOGIND = 'org.freedesktop.login1'
LOGIND_PATH = '/org/freedesktop/login1'
LOGIND_MANAGER = 'org.freedesktop.login1.Manager'
LOGIND_SESSION = 'org.freedesktop.login1.Session'
PYTHON = '/usr/bin/python3'

latencies = []


def call(conn, name, path, iface, method, args=None, signature=None):
  params = GLib.Variant(signature, args) if signature else None
  return conn.call_sync(name, path, iface, method, params, None, Gio.DBusCallFlags.NONE,
                        5000, None).unpack()


def has_owner(conn, name):
  return call(conn, 'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
              'NameHasOwner', (name,), '(s)')[0]


def count_calls(conn, name, path, method):
  return len(call(conn, name, path, MOCK_IFACE, 'GetMethodCalls', (method,), '(s)')[0])


class LockTest(AppletTestCase):
  """Tests run in name order against one applet."""

  harness_args = {
    'settings': {'away-on-lock': 'true', 'restore-on-unlock': 'true',
                 'min-update-interval': '1'},
    # The pacing, less the skew between the applet's clock (at sending) and the server's (at
    # reading): a matched window would turn a millisecond of jitter into a 429.
    'rate_window': 0.95,
  }
  start_applet = False

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    h = cls.h
    try:
      cls.system = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
      cls.start_mocks()
      h.start_applet()
      cls.wait_sources_found()
    except BaseException:
      h.stop()
      raise

  @classmethod
  def tearDownClass(cls):
    summarize_ms('lock signal -> PUT Away on the wire', latencies)
    super().tearDownClass()

  @classmethod
  def spawn_mock(cls, name, conn, argv, log_name):
    proc = cls.h.spawn(log_name, [PYTHON, '-m', 'dbusmock'] + argv)

    def owned():
      proc.check_alive()
      return has_owner(conn, name)
    run_until(owned, harness.START_TIMEOUT, 'the mock %s' % name)

  @classmethod
  def start_mocks(cls):
    h = cls.h
    cls.spawn_mock(GNOME[0], h.conn, ['--template', 'gnome_screensaver'], 'mock-gnome-screensaver')

    # KDE's locker: org.freedesktop.ScreenSaver at /ScreenSaver, not at the usual path.
    cls.spawn_mock(KDE[0], h.conn, [KDE[0], KDE[1], KDE[0]], 'mock-kde-screensaver')
    call(h.conn, KDE[0], KDE[1], MOCK_IFACE, 'AddMethods',
         ('', [('GetActive', '', 'b', 'ret = getattr(self, "zp_active", False)'),
               ('SetActive', 'b', '',
                'self.zp_active = args[0]; self.EmitSignal("", "ActiveChanged", "b", '
                '[args[0]])')]),
         '(sa(ssss))')

    # logind on the private system bus, with our session found by GetSession("auto").
    cls.logind_log = os.path.join(h.log_dir, 'mock-logind-calls.log')
    cls.spawn_mock(LOGIND, cls.system, ['--system', '--template', 'logind',
                                        '-l', cls.logind_log], 'mock-logind')
    cls.session_path = call(cls.system, LOGIND, LOGIND_PATH, MOCK_IFACE, 'AddSession',
                            ('c1', 'seat0', 1000, 'user', True), '(ssusb)')[0]
    call(cls.system, LOGIND, LOGIND_PATH, MOCK_IFACE, 'AddMethod',
         (LOGIND_MANAGER, 'GetSession', 's', 'o',
          "ret = '/org/freedesktop/login1/session/' + ('c1' if args[0] == 'auto' "
          "else args[0])"),
         '(sssss)')

  @classmethod
  def wait_sources_found(cls):
    """The applet subscribes before it asks, so once it asked each source for its state, its
    signals reach the applet."""
    h = cls.h

    def asked():
      h.applet.check_alive()
      try:
        with open(cls.logind_log) as f:
          hint_read = 'LockedHint' in f.read()
      except OSError:
        hint_read = False
      return (hint_read and count_calls(h.conn, GNOME[0], GNOME[1], 'GetActive') > 0
              and count_calls(h.conn, KDE[0], KDE[1], 'GetActive') > 0)
    run_until(asked, harness.START_TIMEOUT, 'the applet to look at every lock source')

  # ---- the sources ---------------------------------------------------------------------------

  def gnome(self, active):
    call(self.h.conn, GNOME[0], GNOME[1], GNOME[0], 'SetActive', (active,), '(b)')

  def kde(self, active):
    call(self.h.conn, KDE[0], KDE[1], KDE[0], 'SetActive', (active,), '(b)')

  def locked_hint(self, locked):
    call(self.system, LOGIND, self.session_path, LOGIND_SESSION, 'SetLockedHint', (locked,),
         '(b)')

  # ---- checks --------------------------------------------------------------------------------

  def lock_cycle(self, set_locked):
    """Lock, wait for Away, unlock, wait for Available: one PUT each way, nothing more."""
    h = self.h
    self.assertEqual(h.server.presence()['status'], 'Available')
    h.wait_until_paced()
    since = len(h.server.puts())

    sent = time.monotonic()
    set_locked(True)
    put = h.wait_for_puts(1, since)[0]
    latencies.append(put['time'] - sent)
    self.assert_presence_put(put, {'status': 'Away'})
    self.assertEqual(put['status'], 204)
    h.wait_for_icon('away')

    set_locked(False)
    puts = h.wait_for_puts(2, since)
    self.assert_presence_put(puts[1], {'status': 'Available'})
    self.assertEqual(puts[1]['status'], 204)
    h.wait_for_icon('available')
    self.assertEqual(h.server.presence()['status'], 'Available')

    # Nothing follows once the pacing window has passed either.
    spin(2)
    self.assertEqual(len(h.server.puts()) - since, 2,
                     'expected one PUT each way, got %r'
                     % [p['json'] for p in h.server.puts()[since:]])
    h.check_alive()

  def lock_leaves_alone(self, set_locked, status):
    """A lock and unlock over STATUS: the applet reads Zoom's status, and sends nothing."""
    h = self.h
    h.wait_until_paced()
    puts = len(h.server.puts())
    gets = len(h.server.requests('GET'))

    set_locked(True)
    # It asked Zoom before deciding.
    run_until(lambda: len(h.server.requests('GET')) > gets, harness.REQUEST_TIMEOUT,
              'the applet to read the status at lock')
    spin(1.5)
    set_locked(False)
    spin(2)
    self.assertEqual(h.server.puts()[puts:], [])
    self.assertEqual(h.server.presence()['status'], status)
    h.check_alive()

  # ---- tests ---------------------------------------------------------------------------------

  def test_01_gnome_active_changed(self):
    self.lock_cycle(self.gnome)

  def test_02_freedesktop_at_slash_screensaver(self):
    self.lock_cycle(self.kde)

  def test_03_logind_locked_hint(self):
    self.lock_cycle(self.locked_hint)

  def test_04_dnd_from_the_tray_survives_a_lock(self):
    h = self.h
    h.wait_until_paced()
    since = len(h.server.puts())
    h.menu.click('Do not disturb', '1 hour')
    self.assert_presence_put(h.wait_for_puts(1, since)[0],
                             {'status': 'Do_Not_Disturb', 'duration': 60})
    h.wait_for_icon('do-not-disturb')
    for set_locked in (self.gnome, self.kde, self.locked_hint):
      with self.subTest(source=set_locked.__name__):
        self.lock_leaves_alone(set_locked, 'Do_Not_Disturb')
    h.wait_for_icon('do-not-disturb')

  def test_05_dnd_from_the_zoom_app_survives_a_lock(self):
    # Set in the Zoom app after the applet last looked: only a read at lock time knows.
    h = self.h
    h.server.set_presence('Available')
    h.zp('--get-status')
    h.server.set_presence('Do_Not_Disturb', duration=30)
    self.lock_leaves_alone(self.locked_hint, 'Do_Not_Disturb')
    h.wait_for_icon('do-not-disturb')


if __name__ == '__main__':
  harness.main()
