#!/usr/bin/python3
# test_cli.py: the command line against the running applet, and without one.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import signal
import subprocess

import harness
from harness import AppletTestCase
from waiting import spin


def lines(text):
  return [line for line in text.splitlines() if line.strip()]


class CommandLineTest(AppletTestCase):

  def set_status(self, *args):
    h = self.h
    h.wait_until_paced()
    since = len(h.server.puts())
    res = h.zp(*args)
    print(res)
    self.assertEqual(res.status, 0, res)
    self.assertEqual(len(lines(res.out)), 1, 'one confirmation line: %r' % res)
    puts = h.wait_for_puts(1, since)
    return res, puts[0]

  def test_01_status_busy_is_forwarded_to_the_applet(self):
    res, put = self.set_status('--status=busy')
    self.assert_presence_put(put, {'status': 'Busy'})
    # The running applet sent it: its tray follows.
    self.h.wait_for_icon('busy')
    self.assert_radio('Busy')
    spin(2)
    self.assertEqual(len(self.h.server.puts()), 1)

  def test_02_status_api_name_and_dnd_duration(self):
    _, put = self.set_status('--status=Do_Not_Disturb', '--duration=45')
    self.assert_presence_put(put, {'status': 'Do_Not_Disturb', 'duration': 45})
    self.h.wait_for_icon('do-not-disturb')
    _, put = self.set_status('--status=ooo')
    self.assert_presence_put(put, {'status': 'Out_of_Office'})
    self.h.wait_for_icon('out-of-office')

  def test_03_get_status_prints_what_the_server_holds(self):
    h = self.h
    for api, label in (('Busy', 'Busy'), ('Presenting', 'Presenting'),
                       ('On_A_Call', 'On a call'), ('Available', 'Available')):
      with self.subTest(status=api):
        h.server.set_presence(api)
        res = h.zp('--get-status')
        print(res)
        self.assertEqual(res.status, 0, res)
        self.assertEqual(lines(res.out), [label], res)
    h.server.set_presence('Do_Not_Disturb', duration=42)
    res = h.zp('--get-status')
    print(res)
    self.assertEqual(res.status, 0, res)
    self.assertTrue(res.out.startswith('Do not disturb'), res)
    minutes = re.search(r'(\d+) minutes? left', res.out)
    self.assertTrue(minutes, res)
    self.assertIn(int(minutes.group(1)), (41, 42), res)

  def test_04_bad_status_is_a_usage_error(self):
    since = len(self.h.server.puts())
    res = self.h.zp('--status=napping')
    print(res)
    self.assertEqual(res.status, 2, res)
    self.assertEqual(len(lines(res.err)), 1, res)
    res = self.h.zp('--status=dnd', '--duration=5000')
    print(res)
    self.assertEqual(res.status, 2, res)
    self.assertEqual(len(lines(res.err)), 1, res)
    spin(1)
    self.assertEqual(self.h.server.puts()[since:], [])
    self.h.check_alive()

  def test_05_version(self):
    res = self.h.zp('--version')
    self.assertEqual(res.status, 0, res)
    self.assertRegex(res.out, r'\d+\.\d+')

  def test_06_more_usage_errors(self):
    h = self.h
    since = len(h.server.puts())
    # GApplication drops an integer option of 0: it must not mean "the default duration".
    for args in (('--status=dnd', '--duration=0'), ('--status=dnd', '--duration=soon'),
                 ('--status=away', 'extra-argument')):
      with self.subTest(args=args):
        res = h.zp(*args)
        print(res)
        self.assertEqual(res.status, 2, res)
        self.assertEqual(len(lines(res.err)), 1, res)
    # Standard input closed, not just empty: the same plain answer, no hang.
    res = subprocess.run([h.binary, '--set-token'], env=h.zp_env, capture_output=True,
                         text=True, timeout=20, preexec_fn=lambda: os.close(0))
    print(res)
    self.assertEqual(res.returncode, 2, res)
    self.assertIn('standard input', res.stderr)
    spin(1)
    self.assertEqual(h.server.puts()[since:], [])
    h.check_alive()

  def test_07_sigterm_sends_the_queued_change_first(self):
    h = self.h
    h.gsettings_set('min-update-interval', '3')
    try:
      self.set_status('--status=busy')
      since = len(h.server.puts())
      res = h.zp('--status=away')
      print(res)
      self.assertEqual(res.status, 0, res)
      self.assertIn('queued', res.out)
      # Logging out: the change the person was promised still goes out, then the applet ends.
      h.applet.proc.send_signal(signal.SIGTERM)
      # Not wait_for_puts: it checks that the applet is alive, and here it may already be gone.
      puts = harness.run_until(lambda: h.server.puts()[since:] or None, 15,
                               'the queued PUT at the test server')
      self.assert_presence_put(puts[0], {'status': 'Away'})
      harness.run_until(lambda: not h.applet.alive, 10, 'the applet to exit')
    finally:
      h.gsettings_set('min-update-interval', '1')
      if not h.applet.alive:
        h.start_applet()

  def test_10_without_a_running_applet(self):
    h = self.h
    h.quit_applet()
    events = len(h.watcher.events)
    h.wait_until_paced()
    since = len(h.server.puts())
    res = h.zp('--status=away')
    print(res)
    self.assertEqual(res.status, 0, res)
    puts = h.server.puts()[since:]
    # Handled in-process: the request is out when the command returns.
    self.assertEqual(len(puts), 1, puts)
    self.assert_presence_put(puts[0], {'status': 'Away'})
    res = h.zp('--get-status')
    print(res)
    self.assertEqual(res.status, 0, res)
    self.assertEqual(lines(res.out), ['Away'])
    # Neither command put up a tray icon or stayed.
    self.assertEqual(h.watcher.events[events:], [])
    self.assertEqual(h.watcher.items, [])


if __name__ == '__main__':
  harness.main()
