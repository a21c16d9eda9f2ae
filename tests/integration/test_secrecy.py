#!/usr/bin/python3
# test_secrecy.py: the token shows up nowhere but the keyring and the Authorization header.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import stat

import harness
from harness import AppletTestCase, header


def readable_pids():
  return [p for p in os.listdir('/proc') if p.isdigit()]


def proc_read(pid, what):
  try:
    with open('/proc/%s/%s' % (pid, what), 'rb') as f:
      return f.read()
  except OSError:
    return b''


class SecrecyTest(AppletTestCase):
  """With G_MESSAGES_DEBUG=all (the harness sets it for the applet and
  these commands), use the token in every way, then look for it."""

  def needles(self):
    token = self.h.token.encode()
    # The whole token, and its two halves in case something prints a part.
    half = len(token) // 2
    return [token, token[:half], token[half:]]

  def test_token_is_secret(self):
    h = self.h
    h.menu.click('Away')
    put = h.wait_for_puts(1)[0]
    # The token really is used, so not finding it below means something.
    self.assertTrue(header(put, 'Authorization') == 'Bearer ' + h.token)
    h.wait_for_icon('away')
    h.wait_until_paced()
    res = h.zp('--status=busy', debug=True)
    self.assertEqual(res.status, 0, res)
    h.wait_for_puts(2)
    res = h.zp('--get-status', debug=True)
    self.assertEqual(res.status, 0, res)
    h.wait_until_paced()
    h.server.add_fault(method='PUT', kind='zoom-error', http=401, code=124,
                       message='Invalid access token.')
    h.menu.click('Available')
    h.wait_for_puts(3)
    h.wait_for_notification()
    # The token again, given to the running applet.
    h.set_token(h.token)

    with open(os.path.join(h.log_dir, 'applet.log'), errors='replace') as f:
      self.assertIn('-DEBUG', f.read(), 'the applet did not run with debug messages on')

    # Every process's argv and environment, while everything still runs.
    leaks = []
    for pid in readable_pids():
      for what in ('cmdline', 'environ'):
        data = proc_read(pid, what)
        if any(n in data for n in self.needles()):
          leaks.append('/proc/%s/%s (%s)' % (pid, what, proc_read(pid, 'comm').strip()))
    self.assertEqual(leaks, [], 'the token is in a process\'s argv or environment')

    h.quit_applet()

    # GSettings keeps its keys in the keyfile backend's file: it exists, it is not there.
    keyfile = os.path.join(os.environ['XDG_CONFIG_HOME'], 'glib-2.0', 'settings', 'keyfile')
    with open(keyfile, 'rb') as f:
      settings = f.read()
    self.assertIn(b'api-base-url', settings)

    # Every file of the session (HOME, XDG folders, logs of every process),
    # except the keyring's own files.
    keyrings = os.path.join(os.environ['XDG_DATA_HOME'], 'keyrings')
    scanned = 0
    for root, dirs, files in os.walk(h.session_dir):
      if os.path.abspath(root).startswith(os.path.abspath(keyrings)):
        continue
      for name in files:
        path = os.path.join(root, name)
        try:
          if not stat.S_ISREG(os.lstat(path).st_mode):
            continue
          with open(path, 'rb') as f:
            data = f.read()
        except OSError:
          continue
        scanned += 1
        if any(n in data for n in self.needles()):
          leaks.append(path)
    print('scanned %d files' % scanned)
    self.assertGreater(scanned, 5)
    self.assertEqual(leaks, [], 'the token is in these files')
    self.assertTrue(os.path.isdir(keyrings), 'no keyring folder: where did the token go?')


if __name__ == '__main__':
  harness.main()
