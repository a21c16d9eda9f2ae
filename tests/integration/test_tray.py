#!/usr/bin/python3
# test_tray.py: clicking the tray menu sets the presence on the test server.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later

import harness
from harness import ICON_PREFIX, STATUSES, AppletTestCase, summarize_ms
from waiting import spin

latencies = []


class TrayTest(AppletTestCase):
  """Tests run in name order; each starts from the state the one before left."""

  @classmethod
  def tearDownClass(cls):
    summarize_ms('click -> PUT on the wire', latencies)
    super().tearDownClass()

  def click_and_check(self, labels, body, icon_suffix, radio):
    h = self.h
    h.wait_until_paced()
    since = len(h.server.puts())
    _, sent = h.menu.click(*labels)
    put = h.wait_for_puts(1, since)[0]
    latencies.append(put['time'] - sent)
    self.assert_presence_put(put, body)
    self.assertEqual(put['status'], 204)
    h.wait_for_icon(icon_suffix)
    self.assert_icon_installed(ICON_PREFIX + icon_suffix)
    self.assert_radio(radio)
    return since

  def test_01_menu_layout(self):
    root = self.h.menu.layout()
    print(root.describe())
    for label in STATUSES:
      node = self.h.menu.find(label, root=root)
      self.assertEqual(node.toggle_type, 'radio', label)
      self.assertTrue(node.enabled, label)
    dnd = self.h.menu.find('Do not disturb', root=root)
    self.assertTrue(dnd.has_submenu)
    self.assertEqual([c.label for c in dnd.children if c.type != 'separator' and c.visible][:6],
                     ['20 minutes', '1 hour', '2 hours', '4 hours', '8 hours', '24 hours'])
    self.assertTrue(self.h.menu.find('Quit', root=root).enabled)
    self.assertNotIn('Not signed in', [n.label for n in root.walk()])

  def test_02_click_away_sends_exactly_one_put(self):
    since = self.click_and_check(('Away',), {'status': 'Away'}, 'away', 'Away')
    self.assertEqual(self.h.server.presence()['status'], 'Away')
    # Nothing else follows, not even after the pacing window has passed.
    spin(2.5)
    self.assertEqual(len(self.h.server.puts()) - since, 1, 'more than one PUT for one click')

  def test_03_dnd_one_hour_sends_duration_60(self):
    since = self.click_and_check(('Do not disturb', '1 hour'),
                                 {'status': 'Do_Not_Disturb', 'duration': 60},
                                 'do-not-disturb', 'Do not disturb')
    state = self.h.server.presence()
    self.assertEqual(state['status'], 'Do_Not_Disturb')
    self.assertGreater(state['remaining_time'], 3500)
    spin(2.5)
    self.assertEqual(len(self.h.server.puts()) - since, 1)

  def test_04_every_status_and_its_icon(self):
    for label, (api, icon) in STATUSES.items():
      if label == 'Do not disturb':
        continue
      with self.subTest(status=label):
        self.click_and_check((label,), {'status': api}, icon, label)
        self.assertEqual(self.h.server.presence()['status'], api)

  def test_05_every_dnd_duration(self):
    for label, minutes in (('20 minutes', 20), ('2 hours', 120), ('4 hours', 240),
                           ('8 hours', 480), ('24 hours', 1440)):
      with self.subTest(duration=label):
        # From another status each time, so every click is a change.
        self.click_and_check(('Available',), {'status': 'Available'}, 'available',
                             'Available')
        self.click_and_check(('Do not disturb', label),
                             {'status': 'Do_Not_Disturb', 'duration': minutes},
                             'do-not-disturb', 'Do not disturb')

  def test_06_clicking_the_current_status_sends_nothing(self):
    self.click_and_check(('Busy',), {'status': 'Busy'}, 'busy', 'Busy')
    self.h.wait_until_paced()
    since = len(self.h.server.puts())
    self.h.menu.click('Busy')
    spin(2.5)
    self.assertEqual(self.h.server.puts()[since:], [])
    self.h.check_alive()


if __name__ == '__main__':
  harness.main()
