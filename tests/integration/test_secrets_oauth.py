#!/usr/bin/python3
# test_secrets_oauth.py: after an OAuth sign-in with a client secret, a refresh and a failure,
# no access token, refresh token, authorization code or client secret is in any output,
# notification, argv or environment, or file outside the keyring.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Everything runs with G_MESSAGES_DEBUG=all. The test server's own log and the fake
# browser's record are not the applet's: they are left out of the file scan (the browser's
# record holds the redirect with the code, as a browser's history would).

import json
import os
import secrets
import stat
import urllib.parse

import harness
from harness import AppletTestCase, header
from test_sign_in import install_browser, keyring_item

CLIENT_ID = 'zp-secrets-confidential-client'
NOT_THE_APPLETS = ('zoom-test-server.log', 'browser-record.jsonl')


def proc_read(pid, what):
  try:
    with open('/proc/%s/%s' % (pid, what), 'rb') as f:
      return f.read()
  except OSError:
    return b''


class SecretsOAuthTest(AppletTestCase):
  harness_args = {'token': False}
  start_applet = False

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    h = cls.h
    cls.client_secret = 'cs-' + secrets.token_urlsafe(24)
    cls.record_path = os.path.join(h.session_dir, 'browser-record.jsonl')
    install_browser(cls.record_path)
    h.gsettings_set('oauth-base-url', h.server.base_url)
    h.gsettings_set('client-id', CLIENT_ID)
    h.gsettings_set('auth-mode', 'client-secret')
    h.server.call('POST', '/_test/oauth', {'clients': [
      {'client_id': CLIENT_ID, 'secret': cls.client_secret,
       'redirect_uri': 'http://127.0.0.1/callback'}]})
    h.start_applet()

  def secrets(self):
    found = {'client secret': self.client_secret}
    oauth = self.h.server.call('GET', '/_test/oauth')
    for i, item in enumerate(oauth['issued']):
      found['access token %d' % i] = item['access_token']
      if item.get('refresh_token'):
        found['refresh token %d' % i] = item['refresh_token']
    if os.path.exists(self.record_path):
      with open(self.record_path) as f:
        for n, line in enumerate(f):
          for hop in json.loads(line)['hops']:
            query = urllib.parse.urlsplit(hop.get('location') or '').query
            code = dict(urllib.parse.parse_qsl(query)).get('code')
            if code:
              found['code %d' % n] = code
    return found

  def assert_nowhere(self, found, places):
    """places: name -> bytes. Names only in the failure message, never a secret."""
    leaks = sorted('%s in %s' % (what, where)
                   for where, data in places.items()
                   for what, value in found.items()
                   if value.encode() in data)
    self.assertEqual(leaks, [])

  def test_secrets_stay_in_the_keyring(self):
    h = self.h
    res = h.zp('--sign-in', stdin=self.client_secret + '\n', timeout=60, debug=True)
    self.assertEqual(res.status, 0, res)

    # Use the access token, have it refreshed, and provoke a notification.
    h.menu.wait_for(lambda r: h.menu.find('Busy', root=r).enabled, 15, 'Busy enabled')
    h.menu.click('Busy')
    put = h.wait_for_puts(1)[-1]
    stored = keyring_item(h.server.base_url)
    self.assertIsNotNone(stored, 'nothing in the keyring')
    self.assertTrue(header(put, 'Authorization') == 'Bearer ' + stored['access_token'])
    h.wait_until_paced()
    h.server.call('POST', '/_test/expire-token', {'token': stored['access_token']})
    h.menu.click('Away')
    puts = h.wait_for_puts(3, timeout=30)
    self.assertEqual([p['status'] for p in puts[1:3]], [401, 204])
    refreshed = h.server.call('GET', '/_test/oauth')['refresh_history']
    self.assertTrue(refreshed and refreshed[0]['ok'], refreshed)
    h.wait_until_paced()
    h.server.add_fault(method='PUT', kind='zoom-error', http=401, code=124,
                       message='Invalid access token.')
    h.server.add_fault(method='POST', path='/oauth/token', kind='zoom-error', http=400,
                       code=4733, message='Invalid Token!')
    h.menu.click('Available')
    h.wait_for_notification(timeout=30)
    res = h.zp('--get-status', debug=True)

    found = self.secrets()
    self.assertGreaterEqual(len(found), 6, sorted(found))  # secret, 2 access, 2 refresh, code

    # Notifications: every field of every one.
    notes = {'notification %d' % i: repr(n).encode() for i, n in enumerate(h.notifications())}
    self.assertTrue(notes)
    self.assert_nowhere(found, notes)

    # argv and environment of every process, while everything still runs.
    procs = {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
      comm = proc_read(pid, 'comm').strip().decode(errors='replace')
      for what in ('cmdline', 'environ'):
        procs['/proc/%s/%s (%s)' % (pid, what, comm)] = proc_read(pid, what)
    self.assertGreater(len(procs), 10)
    self.assert_nowhere(found, procs)

    h.quit_applet()
    with open(os.path.join(h.log_dir, 'applet.log'), errors='replace') as f:
      self.assertIn('-DEBUG', f.read(), 'the applet did not run with debug messages on')

    # Every file of the session: HOME, the XDG folders, every process's output.
    keyrings = os.path.abspath(os.path.join(os.environ['XDG_DATA_HOME'], 'keyrings'))
    files = {}
    for root, _, names in os.walk(h.session_dir):
      if os.path.abspath(root).startswith(keyrings):
        continue
      for name in names:
        path = os.path.join(root, name)
        if name in NOT_THE_APPLETS or not stat.S_ISREG(os.lstat(path).st_mode):
          continue
        with open(path, 'rb') as f:
          files[path] = f.read()
    print('scanned %d files, %d processes, %d notifications for %d secrets'
          % (len(files), len(procs) // 2, len(notes), len(found)))
    self.assertTrue(any(p.endswith('applet.log') for p in files))
    self.assert_nowhere(found, files)


if __name__ == '__main__':
  harness.main()
