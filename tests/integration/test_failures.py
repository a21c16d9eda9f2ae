#!/usr/bin/python3
# test_failures.py: every documented Zoom failure gives one plain notification, and no crash.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later

import re

import harness
from harness import AppletTestCase
from waiting import Timeout, spin

# name, fault for the next PUT, what the message must talk about (case-insensitive regex)
FAULTS = [
  ('5301-zoom-app-not-running',
   {'kind': 'zoom-error', 'http': 400, 'code': 5301, 'message': 'Request failed.'},
   r'zoom (app|client|desktop)|signed in|running'),
  ('5411-not-permitted',
   {'kind': 'zoom-error', 'http': 400, 'code': 5411, 'message': 'Not allowed.'},
   r'permi|allow'),
  ('1001-user-not-found',
   {'kind': 'zoom-error', 'http': 404, 'code': 1001, 'message': 'User does not exist: me.'},
   r'\bme\b|user'),
  ('4700-missing-scope',
   {'kind': 'zoom-error', 'http': 400, 'code': 4700,
    'message': 'Invalid access token, does not contain scopes:[user:update:presence_status].'},
   r'scope|permission|user:(write|update)'),
  ('4711-missing-scope',
   {'kind': 'zoom-error', 'http': 400, 'code': 4711,
    'message': 'Invalid access token, does not contain scopes:[user:update:presence_status].'},
   r'scope|permission|user:(write|update)'),
  ('401-124-invalid-token',
   {'kind': 'zoom-error', 'http': 401, 'code': 124, 'message': 'Invalid access token.'},
   r'sign|token|expired|log ?in'),
  ('429-rate-limited',
   {'kind': 'rate-limit', 'retry_after': '2'},
   r'rate|too many|limit|minute|retry|later|wait|second'),
  # Down for a while, not a blip: quiet retries of a single 503 would be fine,
  # but after half a minute of them the person must hear about it.
  ('503-server-error',
   {'kind': 'http', 'http': 503, 'body': 'Service Unavailable', 'content_type': 'text/plain',
    'count': 50},
   r'server|zoom|unavailable|later'),
  ('garbage-error-body',
   {'kind': 'garbage', 'http': 400, 'body': '{not json'},
   r'repl|respon|understand|unexpected|invalid|zoom'),
  ('huge-reply',
   {'kind': 'huge', 'bytes': 10 * 1024 * 1024, 'count': 50},
   r'repl|respon|large|big|unexpected|invalid|zoom'),
]

# Zoom's own errors are told at once; allow for slow machines.
NOTIFY_TIMEOUT = 40

RAW = re.compile(r'[{}]|"code"|\b(5301|5411|1001|4700|4711)\b\s*$')


class FailureTest(AppletTestCase):

  def fresh_applet(self):
    h = self.h
    h.quit_applet()
    h.server.reset()
    h.clear_notifications()
    h.start_applet()

  def provoke(self, fault, label='Away', api='Away'):
    h = self.h
    h.wait_until_paced()
    since = len(h.server.puts())
    h.server.add_fault(method='PUT', **fault)
    h.menu.click(label)
    put = h.wait_for_puts(1, since)[0]
    self.assert_presence_put(put, {'status': api})
    return since

  def check_message(self, note, pattern):
    text = '%s\n%s' % (note['summary'], note['body'])
    print('notification: summary=%r body=%r' % (note['summary'], note['body']))
    self.assertTrue(note['summary'].strip(), 'empty summary')
    self.assertTrue(note['body'].strip(), 'empty body')
    self.assertIsNone(RAW.search(note['body']), 'raw reply in the message: %r' % text)
    self.assertRegex(text.lower(), pattern)
    self.assertNotIn(self.h.token, text)

  def test_faults(self):
    for name, fault, pattern in FAULTS:
      with self.subTest(fault=name):
        print('\n=== %s' % name)
        self.fresh_applet()
        self.provoke(fault)
        try:
          notes = self.h.wait_for_notification(timeout=NOTIFY_TIMEOUT)
        finally:
          # Retries, if any, carry the same request (a re-sent PUT must not lose its body).
          for put in self.h.server.puts():
            self.assert_presence_put(put, {'status': 'Away'})
        self.check_message(notes[0], pattern)
        # One failure, one notification (give a second one time to show up).
        spin(1.5)
        notes = self.h.notifications()
        self.assertEqual(len([n for n in notes if n['replaces_id'] == 0]), 1, notes)
        self.h.check_alive()
        if name.startswith('429'):
          # Queued, then sent again once Retry-After (2 s) has passed.
          puts = self.h.wait_for_puts(2, timeout=15)
          self.assertGreaterEqual(puts[1]['time'] - puts[0]['time'], 1.9)
          self.assertEqual(puts[1]['json'], {'status': 'Away'})
          self.assertEqual(puts[1]['status'], 204)
          self.h.wait_for_icon('away')

  def test_same_trouble_replaces_its_notification(self):
    self.fresh_applet()
    fault = FAULTS[0][1]
    self.provoke(fault)
    first = self.h.wait_for_notification()
    self.provoke(fault, 'Busy', 'Busy')
    notes = self.h.wait_for_notification(since=len(first))
    self.check_message(notes[0], FAULTS[0][2])
    self.assertNotEqual(notes[0]['replaces_id'], 0, 'stacked, not replaced: %r' % notes)
    self.h.check_alive()

  def test_dropped_connection_is_retried_with_its_body(self):
    self.fresh_applet()
    self.provoke({'kind': 'close'})
    # The tray shows the wish at once; the retry follows the network back-off.
    self.h.wait_for_icon('away', timeout=NOTIFY_TIMEOUT)
    puts = self.h.wait_for_puts(2, timeout=NOTIFY_TIMEOUT)
    print('\n'.join('%s %s %r' % (p['method'], p['status'], p['body']) for p in puts))
    for put in puts:
      self.assert_presence_put(put, {'status': 'Away'})
    self.assertEqual(self.h.server.presence()['status'], 'Away')

  def test_network_loss_is_quiet_then_retried(self):
    # A network that drops for a few seconds is normal on a laptop: no notification (that
    # waits a minute), and the change gets through once the connection works again.
    self.fresh_applet()
    self.provoke({'kind': 'close', 'count': 2})
    self.h.wait_for_icon('away', timeout=NOTIFY_TIMEOUT)
    self.h.wait_for_puts(3, timeout=NOTIFY_TIMEOUT)
    self.assertEqual(self.h.server.presence()['status'], 'Away')
    self.assertEqual(self.h.notifications(), [])
    self.h.check_alive()

  def test_slow_reply_is_not_a_failure(self):
    self.fresh_applet()
    self.provoke({'kind': 'delay', 'seconds': 2.5})
    self.h.wait_for_icon('away', timeout=15)
    self.assertEqual(self.h.notifications(), [])

  def test_stalled_request_does_not_freeze_the_menu(self):
    self.fresh_applet()
    self.provoke({'kind': 'stall'})
    # The menu still answers while the request hangs.
    for _ in range(3):
      self.h.check_alive()
      self.h.menu.about_to_show(0)

  def test_bad_replies_to_get_status(self):
    self.fresh_applet()
    for fault in ({'kind': 'garbage', 'http': 200, 'body': '{not json'},
                  {'kind': 'garbage', 'http': 200, 'body': '["Away"]'},
                  {'kind': 'http', 'http': 502, 'body': '', 'content_type': 'text/plain'},
                  {'kind': 'huge', 'bytes': 10 * 1024 * 1024}):
      with self.subTest(fault=fault):
        self.h.server.add_fault(method='GET', **fault)
        res = self.h.zp('--get-status')
        print(res)
        self.assertEqual(res.status, 1, res)
        self.assertEqual(len([l for l in res.err.splitlines() if l.strip()]), 1, res)
        self.assertNotIn('{not json', res.err)
        self.h.check_alive()


if __name__ == '__main__':
  harness.main()
