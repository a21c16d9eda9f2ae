#!/usr/bin/python3
# test_sign_in.py: sign in through the default browser, refresh, sign out, keep secrets secret.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The session's default handler for http and https is tests/integration/fake-browser.py, set
# the way a desktop does it (mimeapps.list and a .desktop file in the test HOME), so
# `zoom-presence --sign-in` goes through the real launch path of GIO.

import json
import os
import subprocess
import urllib.parse
import urllib.request

import harness
from gi.repository import Gio, GLib
from harness import AppletTestCase, header
from waiting import run_until, spin

CLIENT_ID = 'zp-integration-public-client'
BROWSER_DESKTOP_ID = 'zp-test-browser.desktop'


def install_browser(record_path):
  here = os.path.dirname(os.path.abspath(__file__))
  data_home = os.environ.get('XDG_DATA_HOME') or os.path.expanduser('~/.local/share')
  config_home = os.environ.get('XDG_CONFIG_HOME') or os.path.expanduser('~/.config')
  apps = os.path.join(data_home, 'applications')
  os.makedirs(apps, exist_ok=True)
  os.makedirs(config_home, exist_ok=True)
  with open(os.path.join(apps, BROWSER_DESKTOP_ID), 'w') as f:
    f.write('[Desktop Entry]\nType=Application\nName=Test browser\n'
            'Exec=env ZP_BROWSER_RECORD=%s /usr/bin/python3 %s %%u\n'
            'MimeType=x-scheme-handler/http;x-scheme-handler/https;\nNoDisplay=true\n'
            % (record_path, os.path.join(here, 'fake-browser.py')))
  with open(os.path.join(config_home, 'mimeapps.list'), 'w') as f:
    f.write('[Default Applications]\nx-scheme-handler/http=%s\nx-scheme-handler/https=%s\n'
            % (BROWSER_DESKTOP_ID, BROWSER_DESKTOP_ID))


def keyring_item(account):
  """The applet's token set as the keyring has it, or None."""
  res = subprocess.run(['secret-tool', 'lookup', 'account', account],
                       capture_output=True, text=True, timeout=20)
  return json.loads(res.stdout) if res.returncode == 0 and res.stdout.strip() else None


class SignInTest(AppletTestCase):
  harness_args = {'token': False}
  start_applet = False

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    h = cls.h
    cls.record_path = os.path.join(h.session_dir, 'browser-record.jsonl')
    install_browser(cls.record_path)
    h.gsettings_set('oauth-base-url', h.server.base_url)
    h.gsettings_set('client-id', CLIENT_ID)
    h.server.call('POST', '/_test/oauth', {'clients': [
      {'client_id': CLIENT_ID, 'redirect_uri': 'http://127.0.0.1/callback'}]})
    h.start_applet()

  def visits(self):
    if not os.path.exists(self.record_path):
      return []
    with open(self.record_path) as f:
      return [json.loads(line) for line in f if line.strip()]

  def oauth(self):
    return self.h.server.call('GET', '/_test/oauth')

  def test_01_signed_out_menu_offers_sign_in(self):
    root = self.h.menu.wait_for(
      lambda r: any(n.label == 'Sign in…' and n.visible for n in r.walk()), 10,
      '"Sign in…" in the menu')
    self.assertFalse(any(n.label == 'Sign out' and n.visible for n in root.walk()))

  def test_02_sign_in_through_the_browser(self):
    h = self.h
    res = h.zp('--sign-in', timeout=60)
    print(res)
    self.assertEqual(res.status, 0, res)

    visits = self.visits()
    self.assertEqual(len(visits), 1, visits)
    hops = visits[0]['hops']
    authorize = urllib.parse.urlsplit(hops[0]['url'])
    query = dict(urllib.parse.parse_qsl(authorize.query))
    self.assertEqual(authorize.path, '/oauth/authorize')
    self.assertEqual(query['code_challenge_method'], 'S256')
    self.assertEqual(query['client_id'], CLIENT_ID)
    self.assertTrue(query['redirect_uri'].startswith('http://127.0.0.1:'), query)
    self.assertEqual(hops[0]['status'], 302)
    self.assertTrue(hops[0]['location'].startswith('http://127.0.0.1:'), hops[0]['location'])
    self.assertEqual(hops[1]['status'], 200)
    self.assertIn('close this tab', hops[1]['body'])

    issued = self.oauth()['issued']
    self.assertEqual(len(issued), 1)
    stored = keyring_item(h.server.base_url)
    self.assertIsNotNone(stored, 'nothing in the keyring')
    self.assertTrue(stored['access_token'] == issued[0]['access_token'])
    self.assertTrue(stored['refresh_token'] == issued[0]['refresh_token'])

    # The menu follows, and a click uses the new token.
    root = h.menu.wait_for(lambda r: any(n.label == 'Sign out' and n.visible
                                         for n in r.walk()), 10, '"Sign out" in the menu')
    self.assertTrue(any(n.label.startswith('Signed in') for n in root.walk()),
                    root.describe())
    h.menu.wait_for(lambda r: h.menu.find('Busy', root=r).enabled, 10, 'Busy enabled')
    h.menu.click('Busy')
    put = h.wait_for_puts(1)[-1]
    self.assertEqual(put['json'], {'status': 'Busy'})
    self.assertTrue(header(put, 'Authorization') == 'Bearer ' + issued[0]['access_token'])

  def test_03_expired_token_is_refreshed_once(self):
    h = self.h
    before = keyring_item(h.server.base_url)
    h.wait_until_paced()
    h.server.call('POST', '/_test/expire-token', {'token': before['access_token']})
    since = len(h.server.puts())
    h.menu.click('Away')
    puts = h.wait_for_puts(2, since=since, timeout=30)
    self.assertEqual([p['status'] for p in puts[:2]], [401, 204])

    history = self.oauth()['refresh_history']
    self.assertEqual(len(history), 1, history)
    self.assertTrue(history[0]['ok'])
    self.assertTrue(history[0]['old'] == before['refresh_token'])
    after = keyring_item(h.server.base_url)
    self.assertTrue(after['refresh_token'] == history[0]['new'],
                    'the keyring does not hold the rotated refresh token')
    self.assertTrue(header(puts[1], 'Authorization') == 'Bearer ' + after['access_token'])
    self.assertEqual(h.server.presence()['status'], 'Away')

  def test_04_sign_out_revokes_and_clears(self):
    h = self.h
    before = keyring_item(h.server.base_url)
    res = h.zp('--sign-out')
    print(res)
    self.assertEqual(res.status, 0, res)
    revoked = self.oauth()['revoked']
    self.assertEqual(len(revoked), 1)
    self.assertTrue(revoked[0]['token'] == before['refresh_token'])
    self.assertIsNone(keyring_item(h.server.base_url))
    h.menu.wait_for(lambda r: any(n.label == 'Sign in…' and n.visible for n in r.walk()), 10,
                    '"Sign in…" after signing out')
    h.wait_for_icon('signed-out')

  def test_05_dead_refresh_token_asks_to_sign_in_once(self):
    h = self.h
    res = h.zp('--sign-in', timeout=60)
    self.assertEqual(res.status, 0, res)
    stored = keyring_item(h.server.base_url)
    h.menu.wait_for(lambda r: h.menu.find('Busy', root=r).enabled, 10, 'Busy enabled')

    # The refresh token gets used elsewhere (Zoom rotates it: ours dies), and the access
    # token expires.
    form = urllib.parse.urlencode({'grant_type': 'refresh_token', 'client_id': CLIENT_ID,
                                   'refresh_token': stored['refresh_token']}).encode()
    req = urllib.request.Request(h.server.base_url + '/oauth/token', data=form, method='POST')
    with urllib.request.urlopen(req, timeout=10) as reply:
      self.assertEqual(reply.status, 200)
    h.server.call('POST', '/_test/expire-token', {'token': stored['access_token']})
    h.wait_until_paced()
    # The daemon numbers every new notification, also those cleared from its call list.
    earlier = sum(1 for c in h.notifications() if c['replaces_id'] == 0)
    h.clear_notifications()

    h.menu.click('Busy')
    calls = h.wait_for_notification(timeout=30)
    spin(1.5)
    calls = [c for c in h.notifications() if c['summary'] == 'Sign in to Zoom again']
    self.assertEqual(len(calls), 1, h.notifications())
    self.assertIn('Sign in again', calls[0]['body'])
    self.assertIn('app.sign-in', calls[0]['actions'])
    h.menu.wait_for(lambda r: any(n.label == 'Sign in…' and n.visible for n in r.walk()), 10,
                    '"Sign in…" after Zoom ended the sign-in')
    h.wait_for_icon('signed-out')
    self.assertIsNone(keyring_item(h.server.base_url))

    # The notification's button signs in again, and the tray works again.
    all_calls = h.notifications()
    notify_id = sum(1 for c in all_calls[:all_calls.index(calls[0]) + 1]
                    if c['replaces_id'] == 0) + earlier
    visits = len(self.visits())
    h.conn.call_sync('org.freedesktop.Notifications', '/org/freedesktop/Notifications',
                     'org.freedesktop.DBus.Mock', 'EmitSignal',
                     GLib.Variant('(sssav)', ('org.freedesktop.Notifications',
                                              'ActionInvoked', 'us',
                                              [GLib.Variant('u', notify_id),
                                               GLib.Variant('s', 'app.sign-in')])),
                     None, Gio.DBusCallFlags.NONE, 5000, None)
    run_until(lambda: len(self.visits()) > visits, 20, 'the browser to open again')
    h.menu.wait_for(lambda r: any(n.label == 'Sign out' and n.visible for n in r.walk()), 20,
                    '"Sign out" after signing in from the notification')
    self.assertIsNotNone(keyring_item(h.server.base_url))
    h.wait_until_paced()
    h.menu.wait_for(lambda r: h.menu.find('Busy', root=r).enabled, 10, 'Busy enabled')
    h.menu.click('Busy')
    run_until(lambda: h.server.presence()['status'] == 'Busy', 20, 'Busy at the server')

  def test_06_no_secret_in_any_log(self):
    h = self.h
    oauth = self.oauth()
    secrets = set()
    for item in oauth['issued']:
      secrets.update(v for v in (item['access_token'], item['refresh_token']) if v)
    for visit in self.visits():
      for hop in visit['hops']:
        location = hop.get('location') or ''
        code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)).get('code')
        if code:
          secrets.add(code)
    self.assertGreaterEqual(len(secrets), 8)  # access and refresh tokens, codes
    for name in os.listdir(h.log_dir):
      with open(os.path.join(h.log_dir, name), errors='replace') as f:
        text = f.read()
      for secret in secrets:
        # Compared, never printed.
        self.assertFalse(secret in text, 'a token or code is in %s' % name)


if __name__ == '__main__':
  harness.main()
