#!/usr/bin/python3
# test_soak.py: 10,000 lock/unlock cycles and 1,000 clicks on the installed applet; resident
# memory grows less than 1 MB and the last wish always reaches the server.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The lock comes as org.gnome.ScreenSaver's ActiveChanged, sent by this process (the applet
# listens by interface and member, from any sender), as fast as the bus takes it; the applet's
# auto-away and presence controller coalesce. ZP_SOAK_CYCLES and ZP_SOAK_CLICKS shrink the
# run for a quick look; the suite runs the full counts.

import os
import time

import gi

gi.require_version('GLib', '2.0')
from gi.repository import GLib  # noqa: E402

import harness  # noqa: E402
from harness import AppletTestCase, STATUSES  # noqa: E402
from waiting import run_until, spin  # noqa: E402

CYCLES = int(os.environ.get('ZP_SOAK_CYCLES', '10000'))
CLICKS = int(os.environ.get('ZP_SOAK_CLICKS', '1000'))
# Signals sent before the test lets the applet catch up (keeps the bus queue small).
BATCH = 250
RSS_GROWTH_LIMIT_KIB = 1024
# Ends on Available (clicks come in multiples of five): auto-away replaces only Available,
# Busy and In a calendar event.
CLICK_LABELS = ['Busy', 'Out of office', 'Away', 'In a calendar event', 'Available']


def sanitized(pid):
  """ASan keeps freed memory in quarantine: resident memory says nothing then."""
  with open('/proc/%d/maps' % pid) as f:
    return 'libasan' in f.read()


def vm_rss_kib(pid):
  with open('/proc/%d/status' % pid) as f:
    for line in f:
      if line.startswith('VmRSS:'):
        return int(line.split()[1])
  raise AssertionError('no VmRSS for pid %d' % pid)


class SoakTest(AppletTestCase):
  harness_args = {'settings': {'away-on-lock': 'true', 'restore-on-unlock': 'true',
                               'min-update-interval': '1'}}

  def active_changed(self, active):
    self.h.conn.emit_signal(None, '/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver',
                            'ActiveChanged', GLib.Variant('(b)', (active,)))

  def lock_cycles(self, count):
    h = self.h
    for i in range(count):
      self.active_changed(True)
      self.active_changed(False)
      if i % BATCH == BATCH - 1:
        h.conn.flush_sync(None)
        # Round trip through the applet: it has read everything sent before.
        h.menu.layout()
        h.applet.check_alive()
    h.conn.flush_sync(None)

  def click_ids(self):
    root = self.h.menu.layout()
    return [self.h.menu.find(label, root=root).id for label in CLICK_LABELS]

  def clicks(self, count, ids):
    menu = self.h.menu
    for i in range(count):
      menu.about_to_show(0)
      menu.event(0, 'opened')
      menu.event(ids[i % len(ids)], 'clicked')
      menu.event(0, 'closed')
    return CLICK_LABELS[(count - 1) % len(ids)]

  def wait_for_presence(self, status, timeout=30):
    h = self.h

    def check():
      h.applet.check_alive()
      return h.server.presence()['status'] == status
    run_until(check, timeout, 'the server to show %s' % status, wake=0.2)

  def settle_rss(self):
    # Let queued requests, timers and idle sources finish, then read.
    self.h.wait_until_paced(margin=1.0)
    spin(2)
    self.h.check_alive()
    return vm_rss_kib(self.h.applet.pid)

  def test_soak(self):
    h = self.h
    ids = self.click_ids()
    # Warm up every path once, so first-use allocations (caches, types, pools) are in the
    # baseline rather than counted as growth.
    self.lock_cycles(200)
    self.active_changed(True)
    self.wait_for_presence('Away')
    self.active_changed(False)
    self.clicks(len(ids) * 10, ids)
    self.wait_for_presence(STATUSES[CLICK_LABELS[-1]][0])
    before = self.settle_rss()

    started = time.monotonic()
    self.lock_cycles(CYCLES)
    cycles_s = time.monotonic() - started
    # End locked: the last wish is Away, and it reaches the server.
    self.active_changed(True)
    self.wait_for_presence('Away')
    self.active_changed(False)
    h.conn.flush_sync(None)
    h.menu.layout()

    started = time.monotonic()
    last = self.clicks(CLICKS, ids)
    clicks_s = time.monotonic() - started
    self.wait_for_presence(STATUSES[last][0])
    self.assert_radio(last)
    h.wait_for_icon(STATUSES[last][1])

    after = self.settle_rss()
    puts = h.server.puts()
    gets = h.server.requests('GET')
    print('soak: %d lock/unlock cycles in %.1f s, %d clicks in %.1f s; '
          '%d PUTs, %d GETs at the server; VmRSS %d -> %d KiB (%+d KiB)'
          % (CYCLES, cycles_s, CLICKS, clicks_s, len(puts), len(gets), before, after,
             after - before))
    for put in puts:
      self.assertIn(put['status'], (204, 429), put)
    if sanitized(h.applet.pid):
      print('soak: a sanitized applet; its resident memory is not compared')
      return
    self.assertLess(after - before, RSS_GROWTH_LIMIT_KIB,
                    'resident memory grew by %d KiB' % (after - before))


if __name__ == '__main__':
  harness.main()
