#!/usr/bin/python3
# test_signed_out.py: the applet without a stored token, and a token given while it runs.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later

import harness
from harness import STATUSES, AppletTestCase, new_token
from waiting import spin


class SignedOutTest(AppletTestCase):
  harness_args = {'token': False}

  def test_01_menu_says_not_signed_in(self):
    root = self.h.menu.wait_for(
      lambda r: any(n.label == 'Not signed in' for n in r.walk()), 10, '"Not signed in"')
    print(root.describe())
    self.assertFalse(self.h.menu.find('Not signed in', root=root).enabled)
    for label in STATUSES:
      self.assertFalse(self.h.menu.find(label, root=root).enabled, label)
    self.assertTrue(self.h.menu.find('Quit', root=root).enabled)
    self.h.wait_for_icon('signed-out')

  def test_02_status_from_the_command_line_fails_clearly(self):
    res = self.h.zp('--status=busy')
    print(res)
    self.assertNotEqual(res.status, 0, res)
    self.assertEqual(len([l for l in res.err.splitlines() if l.strip()]), 1, res)
    spin(1)
    self.assertEqual(self.h.server.puts(), [])
    self.h.check_alive()

  def test_03_token_given_while_running_is_used(self):
    h = self.h
    h.token = new_token()
    h.server.add_token(h.token)
    h.set_token(h.token)
    res = h.zp('--status=away')
    print(res)
    self.assertEqual(res.status, 0, res)
    puts = h.wait_for_puts(1)
    # test_02's --status=busy failed with an error; it must not come back now.
    self.assertNotIn({'status': 'Busy'}, [p['json'] for p in puts],
                     'the refused --status=busy was sent once a token was there')
    self.assert_presence_put(puts[0], {'status': 'Away'})
    h.wait_for_icon('away')
    h.menu.wait_for(lambda r: not any(n.label == 'Not signed in' for n in r.walk()), 10,
                    '"Not signed in" to go away')
    self.assertTrue(h.menu.find('Busy').enabled)


if __name__ == '__main__':
  harness.main()
