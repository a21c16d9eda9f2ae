#!/usr/bin/python3
# test_preferences.py: every way into the preferences window, and the applet in German and French.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs the INSTALLED applet (its .mo files come from the install prefix). Windows are found
# by title with xwininfo, on the session's own Xvfb.

import os
import re
import shutil
import subprocess
import unittest

import harness
from dbusmenu import Menu
from harness import Harness
from waiting import run_until

WINDOW_TIMEOUT = 15

# What the installed translations must show (tray menu labels, window title, --help).
LANGUAGES = {
  'de': {
    'statuses': ['Verfügbar', 'Abwesend', 'Nicht stören', 'Beschäftigt', 'Nicht im Büro',
                 'In einem Kalendertermin', 'Präsentiert', 'In einem Zoom-Meeting',
                 'Im Gespräch'],
    'durations': ['20 Minuten', '1 Stunde', '2 Stunden', '4 Stunden', '8 Stunden',
                  '24 Stunden'],
    'items': ['Einstellungen…', 'Beenden'],
    'title': 'Einstellungen',
    'help': ['Den Zoom-Status setzen', 'Das Einstellungsfenster öffnen'],
  },
  'fr': {
    'statuses': ['Disponible', 'Absent', 'Ne pas déranger', 'Occupé', 'Absent du bureau',
                 'Dans un événement du calendrier', 'En présentation', 'En réunion Zoom',
                 'En communication'],
    'durations': ['20 minutes', '1 heure', '2 heures', '4 heures', '8 heures', '24 heures'],
    'items': ['Préférences…', 'Quitter'],
    'title': 'Préférences',
    'help': ['Définir le statut Zoom', 'Ouvrir la fenêtre des préférences'],
  },
}


def window_titles():
  """Titles of the mapped windows on this session's display."""
  out = subprocess.run(['xwininfo', '-root', '-tree'], capture_output=True, text=True).stdout
  return re.findall(r'^\s*0x[0-9a-f]+ "(.*?)":', out, re.M)


def wait_for_window(title, applet):
  def check():
    applet.check_alive()
    return title in window_titles()
  run_until(check, WINDOW_TIMEOUT, 'a window titled %r' % title, wake=0.1)


def new_harness():
  """A Harness per test, in one session: the last one's server port file must go first."""
  h = Harness()
  try:
    os.unlink(os.path.join(h.session_dir, 'server.port'))
  except FileNotFoundError:
    pass
  return h


def visible_labels(node):
  return [c.label for c in node.children if c.type != 'separator' and c.visible]


@unittest.skipUnless(shutil.which('xwininfo'), 'xwininfo (Debian package x11-utils) is missing')
class PreferencesWindowTest(unittest.TestCase):
  """The three ways in: the tray menu, --preferences, and starting the applet again."""

  def setUp(self):
    self.h = new_harness()
    self.h.start()

  def tearDown(self):
    self.h.stop()

  def test_menu_item_opens_window(self):
    self.assertNotIn('Preferences', window_titles())
    self.h.menu.click('Preferences…')
    wait_for_window('Preferences', self.h.applet)

  def test_command_line_opens_window(self):
    res = self.h.zp('--preferences')
    self.assertEqual(res.status, 0, res)
    wait_for_window('Preferences', self.h.applet)
    # Asked again, the same window comes forward: still one.
    res = self.h.zp('--preferences')
    self.assertEqual(res.status, 0, res)
    self.h.check_alive()
    self.assertEqual(window_titles().count('Preferences'), 1)

  def test_second_start_opens_window(self):
    # What the launcher's desktop file runs.
    res = self.h.zp()
    self.assertEqual(res.status, 0, res)
    wait_for_window('Preferences', self.h.applet)
    # Still one applet, still one tray item.
    self.assertEqual(len(self.h.watcher.items), 1)


class TranslationTest(unittest.TestCase):
  """The installed applet under LANGUAGE=de and LANGUAGE=fr."""

  def check_language(self, language):
    want = LANGUAGES[language]
    h = new_harness()
    try:
      h.zp_env['LANGUAGE'] = language
      h.start(applet=False)
      h.applet = h.spawn('applet', [h.binary], env=h.zp_env)
      h.item = h.watcher.wait_for_item(harness.START_TIMEOUT, alive=h.applet.check_alive)
      h.menu = Menu(h.conn, h.item.bus_name, h.item.menu_path, log=h.note)
      root = h.menu.wait_for(lambda r: any(n.label == want['statuses'][1] for n in r.walk()),
                             harness.START_TIMEOUT, 'the %s tray menu' % language)
      root = h.menu.layout()
      print(root.describe())
      labels = visible_labels(root)
      for label in want['statuses'] + want['items']:
        self.assertIn(label, labels)
      dnd = h.menu.find(want['statuses'][2], root=root)
      self.assertEqual(visible_labels(dnd)[:6], want['durations'])

      helped = h.zp('--help')
      self.assertEqual(helped.status, 0, helped)
      for text in want['help']:
        self.assertIn(text, helped.out)

      if shutil.which('xwininfo'):
        res = h.zp('--preferences')
        self.assertEqual(res.status, 0, res)
        wait_for_window(want['title'], h.applet)
    finally:
      h.stop()

  def test_german(self):
    self.check_language('de')

  def test_french(self):
    self.check_language('fr')


if __name__ == '__main__':
  harness.main()
