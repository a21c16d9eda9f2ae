#!/usr/bin/python3
# test_portals.py: the installed applet's sandboxed code paths, forced with GTK_USE_PORTAL=1.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Outside Flatpak, GTK_USE_PORTAL=1 makes GLib and GTK use the portals as they do inside the
# sandbox, and the applet follows (its lock monitor, autostart and notifier honour it too). A
# dbusmock org.freedesktop.portal.Desktop (tests/mock-portal-desktop.py) stands in for
# xdg-desktop-portal on the private session bus:
# - lock: the Inhibit portal's monitor (CreateMonitor, then StateChanged screensaver-active)
#   is the only lock source on the bus; it turns Available into Away and back, one PUT each;
# - notifications: a Zoom refusal goes to the Notification portal's AddNotification, with a
#   plain-text body (nothing reaches org.freedesktop.Notifications, which is also running and
#   would read markup), and the success that ends it calls RemoveNotification;
# - sign-in: `zoom-presence --sign-in` opens the authorize address through OpenURI (no browser
#   is installed in the session, as in the sandbox); the mock then plays the browser
#   (tests/integration/fake-browser.py), the redirect reaches the applet on 127.0.0.1, and the
#   sign-in completes.
# The Background portal (start at login) is driven from the preferences window; there is no
# command line for it, so tests/test-portal-preferences.c covers it with the real dialog.

import json
import os
import subprocess
import unittest
import urllib.parse

import harness
from gi.repository import Gio, GLib
from harness import AppletTestCase, header
from waiting import run_until, spin

MOCK_IFACE = 'org.freedesktop.DBus.Mock'
PORTAL = 'org.freedesktop.portal.Desktop'
PORTAL_PATH = '/org/freedesktop/portal/desktop'
PYTHON = '/usr/bin/python3'
HERE = os.path.dirname(os.path.abspath(__file__))
MOCK_TEMPLATE = os.path.join(harness.SOURCE_ROOT, 'tests', 'mock-portal-desktop.py')
CLIENT_ID = 'zp-portal-public-client'
# zp-zoom-reply.c's message for Zoom's 5301, in the C locale.
REFUSED_5301 = ('Zoom could not change the status. The Zoom app must be running and signed in '
                'on this computer.')
NOTIFY_TIMEOUT = 30


def call(conn, method, args=None, signature=None, iface=MOCK_IFACE):
  params = GLib.Variant(signature, args) if signature else None
  return conn.call_sync(PORTAL, PORTAL_PATH, iface, method, params, None,
                        Gio.DBusCallFlags.NONE, 5000, None).unpack()


def method_calls(conn, method):
  """dbusmock's log of METHOD on the portal: a list of argument lists."""
  return [args for _, args in call(conn, 'GetMethodCalls', (method,), '(s)')[0]]


def keyring_item(account):
  res = subprocess.run(['secret-tool', 'lookup', 'account', account],
                       capture_output=True, text=True, timeout=20)
  return json.loads(res.stdout) if res.returncode == 0 and res.stdout.strip() else None


class PortalTestCase(AppletTestCase):
  """A Harness whose applet runs with GTK_USE_PORTAL=1 next to the mocked portal."""

  start_applet = False
  browser_record = None

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    h = cls.h
    try:
      h.zp_env['GTK_USE_PORTAL'] = '1'
      h.zp_env.pop('ZP_FORCE_PORTAL', None)  # GTK_USE_PORTAL alone must be enough
      cls.prepare()
      cls.start_portal()
      h.start_applet()
    except BaseException:
      h.stop()
      raise

  @classmethod
  def prepare(cls):
    pass

  @classmethod
  def start_portal(cls):
    h = cls.h
    params = {}
    if cls.browser_record:
      params = {'browser': [PYTHON, os.path.join(HERE, 'fake-browser.py')],
                'browser_env': {'ZP_BROWSER_RECORD': cls.browser_record}}
    proc = h.spawn('mock-portal', [PYTHON, '-m', 'dbusmock', '--template', MOCK_TEMPLATE,
                                   '-p', json.dumps(params)])

    def owned():
      proc.check_alive()
      return h.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                              'org.freedesktop.DBus', 'NameHasOwner',
                              GLib.Variant('(s)', (PORTAL,)), None, Gio.DBusCallFlags.NONE,
                              5000, None).unpack()[0]
    run_until(owned, harness.START_TIMEOUT, 'the mocked portal')

  def portal_notifications(self, method=None):
    calls = json.loads(call(self.h.conn, 'GetNotificationsJson')[0])
    return [c for c in calls if method is None or c['method'] == method]

  def wait_for_portal_notification(self, method, since=0, timeout=NOTIFY_TIMEOUT):
    def check():
      self.h.applet.check_alive()
      calls = self.portal_notifications(method)[since:]
      return calls or None
    return run_until(check, timeout, 'a %s call at the portal' % method, wake=0.1)


class PortalPathsTest(PortalTestCase):
  """Lock through the Inhibit monitor, notifications through the portal. Name order."""

  harness_args = {
    'settings': {'away-on-lock': 'true', 'restore-on-unlock': 'true',
                 'min-update-interval': '1'},
    # As in test_lock: the pacing less the skew between the two clocks.
    'rate_window': 0.95,
  }

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    h = cls.h
    try:
      # The applet's lock monitor asked for a monitor (its tokens start with zp_lock_; GTK
      # 3.24 asks for none, a GTK 4 one would ask without a handle token).
      def asked():
        h.applet.check_alive()
        return [args for args in method_calls(h.conn, 'CreateMonitor')
                if str(args[1].get('handle_token', '')).startswith('zp_lock_')]
      cls.monitors = run_until(asked, harness.START_TIMEOUT,
                               'the applet to create an Inhibit portal monitor')
    except BaseException:
      h.stop()
      raise

  def screensaver(self, active):
    call(self.h.conn, 'SetScreensaverActive', (active,), '(b)')

  def test_01_one_inhibit_monitor(self):
    self.assertEqual(len(self.monitors), 1, self.monitors)
    options = self.monitors[0][1]
    self.assertEqual(options['session_handle_token'], options['handle_token'])

  def test_02_lock_and_unlock_through_the_inhibit_monitor(self):
    h = self.h
    self.assertEqual(h.server.presence()['status'], 'Available')
    h.wait_until_paced()
    since = len(h.server.puts())

    self.screensaver(True)
    put = h.wait_for_puts(1, since)[0]
    self.assert_presence_put(put, {'status': 'Away'})
    self.assertEqual(put['status'], 204)
    h.wait_for_icon('away')

    self.screensaver(False)
    puts = h.wait_for_puts(2, since)
    self.assert_presence_put(puts[1], {'status': 'Available'})
    self.assertEqual(puts[1]['status'], 204)
    h.wait_for_icon('available')

    spin(2)
    self.assertEqual(len(h.server.puts()) - since, 2,
                     [p['json'] for p in h.server.puts()[since:]])
    h.check_alive()

  def refuse_next_put(self, label, api, **fault):
    h = self.h
    h.wait_until_paced()
    since = len(h.server.puts())
    adds = len(self.portal_notifications('AddNotification'))
    h.server.add_fault(method='PUT', kind='zoom-error', http=400, **fault)
    h.menu.click(label)
    put = h.wait_for_puts(1, since)[0]
    self.assert_presence_put(put, {'status': api})
    self.assertEqual(put['status'], 400)
    return self.wait_for_portal_notification('AddNotification', adds)[0]

  def succeed_and_withdraw(self, label, api, notification_id):
    h = self.h
    h.wait_until_paced()
    since = len(h.server.puts())
    removes = len(self.portal_notifications('RemoveNotification'))
    h.menu.click(label)
    put = h.wait_for_puts(1, since)[0]
    self.assert_presence_put(put, {'status': api})
    self.assertEqual(put['status'], 204)
    removed = self.wait_for_portal_notification('RemoveNotification', removes)
    self.assertEqual([c['id'] for c in removed], [notification_id])

  def test_03_refusal_is_told_through_the_portal_and_withdrawn(self):
    h = self.h
    add = self.refuse_next_put('Busy', 'Busy', code=5301, message='Request failed.')
    note = add['notification']
    print('portal notification: %r' % add)
    self.assertTrue(note['title'].strip())
    self.assertEqual(note['body'], REFUSED_5301)
    # A button the portal turns back into an application action, as GLib serializes it.
    for button in note.get('buttons', []):
      self.assertTrue(button['action'].startswith('app.'), button)

    # Withdrawn by the success that ends the trouble (asking again, as a person would).
    self.succeed_and_withdraw('Busy', 'Busy', add['id'])

    # Nothing went the other way: GLib used the portal only.
    self.assertEqual(h.notifications(), [])

  def test_04_zoom_words_stay_literal(self):
    # The fdo daemon on this bus reads markup; the portal does not. The notifier must know
    # which one GLib uses, or & < > arrive escaped.
    h = self.h
    words = 'Ask R&D <support> about "presence"'
    add = self.refuse_next_put('Away', 'Away', code=3999, message=words)
    print('portal notification: %r' % add)
    self.assertEqual(add['notification']['body'], 'Zoom refused the request: ' + words)
    self.succeed_and_withdraw('Away', 'Away', add['id'])
    self.assertEqual(h.notifications(), [])

  def test_05_http_went_through_the_portals_proxy_resolver(self):
    # GLib asks the ProxyResolver portal before each connection; the mock says direct://.
    self.assertTrue(method_calls(self.h.conn, 'Lookup'))

  def test_06_status_icons_are_installed_for_the_host(self):
    # The host finds the tray icon by name in the hicolor theme, and a Flatpak exports only
    # icons whose names start with the app id. tests/test-status-icons.c checks every name
    # zp_status_get_icon_name gives against data/icons; here each is installed.
    source = os.path.join(harness.SOURCE_ROOT, 'data', 'icons', 'hicolor')
    shipped = {os.path.splitext(name)[0] for _, _, files in os.walk(source) for name in files}
    wanted = {harness.ICON_PREFIX + suffix for _, suffix in harness.STATUSES.values()}
    wanted.add(harness.ICON_PREFIX + 'signed-out')
    wanted.add(self.h.item.icon_name)
    self.assertLessEqual(wanted, shipped)
    for name in sorted(shipped):
      with self.subTest(icon=name):
        self.assertTrue(name == harness.APP_ID or name.startswith(harness.APP_ID + '-'), name)
        self.assert_icon_installed(name)
    # Informational: where the host is told to look besides its own theme path.
    print('IconThemePath: %r' % self.h.item.get_property('IconThemePath'))


class SignInThroughOpenURITest(PortalTestCase):
  """`zoom-presence --sign-in` through the OpenURI portal, the mock acting as the browser."""

  harness_args = {'token': False}

  @classmethod
  def prepare(cls):
    h = cls.h
    cls.browser_record = os.path.join(h.session_dir, 'portal-browser-record.jsonl')
    cls.hide_local_browsers()
    h.gsettings_set('oauth-base-url', h.server.base_url)
    h.gsettings_set('client-id', CLIENT_ID)
    h.server.call('POST', '/_test/oauth', {'clients': [
      {'client_id': CLIENT_ID, 'redirect_uri': 'http://127.0.0.1/callback'}]})

  @classmethod
  def local_browsers(cls):
    """The http(s) handlers GIO could start itself, asked in a fresh process."""
    script = ('from gi.repository import Gio\n'
              'for s in ("http", "https"):\n'
              '  apps = Gio.AppInfo.get_all_for_type("x-scheme-handler/" + s)\n'
              '  default = Gio.AppInfo.get_default_for_uri_scheme(s)\n'
              '  print(*sorted({a.get_id() for a in apps + ([default] if default else [])}))\n')
    res = cls.h.run([PYTHON, '-c', script], log_name='local-browsers')
    if res.status != 0:
      raise AssertionError('could not list the local browsers: %r' % res)
    return sorted(set(res.out.split()))

  @classmethod
  def hide_local_browsers(cls):
    """GLib 2.74 starts a browser it finds itself before it asks the portal. Inside the
    sandbox there is none; here, hide whatever this machine has installed."""
    handlers = cls.local_browsers()
    if handlers:
      config = os.environ.get('XDG_CONFIG_HOME') or os.path.expanduser('~/.config')
      os.makedirs(config, exist_ok=True)
      listed = ';'.join(handlers) + ';'
      with open(os.path.join(config, 'mimeapps.list'), 'a') as f:
        f.write('[Removed Associations]\nx-scheme-handler/http=%s\nx-scheme-handler/https=%s\n'
                % (listed, listed))
      left = cls.local_browsers()
      if left:
        # A default set in a mimeapps.list this cannot override.
        raise unittest.SkipTest('GLib would start the local browser %s, not the portal'
                                % ' '.join(left))

  def visits(self):
    if not os.path.exists(self.browser_record):
      return []
    with open(self.browser_record) as f:
      return [json.loads(line) for line in f if line.strip()]

  def test_sign_in(self):
    h = self.h
    self.assertEqual(json.loads(call(h.conn, 'GetOpenedJson')[0]), [])
    res = h.zp('--sign-in', timeout=60)
    print(res)
    self.assertEqual(res.status, 0, res)

    # The address went to the portal, and only there.
    opened = json.loads(call(h.conn, 'GetOpenedJson')[0])
    self.assertEqual(len(opened), 1, opened)
    authorize = urllib.parse.urlsplit(opened[0]['uri'])
    query = dict(urllib.parse.parse_qsl(authorize.query))
    self.assertEqual('%s://%s' % (authorize.scheme, authorize.netloc), h.server.base_url)
    self.assertEqual(authorize.path, '/oauth/authorize')
    self.assertEqual(query['response_type'], 'code')
    self.assertEqual(query['client_id'], CLIENT_ID)
    self.assertEqual(query['code_challenge_method'], 'S256')
    self.assertTrue(query['code_challenge'] and query['state'])
    self.assertTrue(query['redirect_uri'].startswith('http://127.0.0.1:'), query)
    self.assertIn('handle_token', opened[0]['options'])

    # The "browser" the portal started followed Zoom's redirect back to the applet.
    visits = self.visits()
    self.assertEqual(len(visits), 1, visits)
    hops = visits[0]['hops']
    self.assertEqual(hops[0]['url'], opened[0]['uri'])
    self.assertEqual(hops[0]['status'], 302)
    self.assertTrue(hops[0]['location'].startswith(query['redirect_uri']), hops[0]['location'])
    self.assertEqual(hops[-1]['status'], 200)
    self.assertIn('close this tab', hops[-1]['body'])

    # Signed in: the token Zoom issued is in the keyring and used.
    issued = self.h.server.call('GET', '/_test/oauth')['issued']
    self.assertEqual(len(issued), 1)
    stored = keyring_item(h.server.base_url)
    self.assertIsNotNone(stored, 'nothing in the keyring')
    self.assertTrue(stored['access_token'] == issued[0]['access_token'])
    h.menu.wait_for(lambda r: any(n.label == 'Sign out' and n.visible for n in r.walk()), 10,
                    '"Sign out" in the menu')
    h.menu.wait_for(lambda r: h.menu.find('Busy', root=r).enabled, 10, 'Busy enabled')
    h.menu.click('Busy')
    put = h.wait_for_puts(1)[-1]
    self.assertEqual(put['json'], {'status': 'Busy'})
    self.assertTrue(header(put, 'Authorization') == 'Bearer ' + issued[0]['access_token'])


if __name__ == '__main__':
  harness.main()
