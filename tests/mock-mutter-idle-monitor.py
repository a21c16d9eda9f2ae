'''mock-mutter-idle-monitor.py: Mutter's idle monitor with real timers, for dbusmock

Copyright 2026 The Zoom Presence authors
SPDX-License-Identifier: GPL-3.0-or-later

Idle watches fire once the mock has seen no "input" for their interval, and again after
the next input; user-active watches fire once at the next input and are gone. Input is
simulated with the mock method SimulateActivity().
'''

import time

import dbus
from dbusmock import MOCK_IFACE
from gi.repository import GLib

BUS_NAME = 'org.gnome.Mutter.IdleMonitor'
MAIN_OBJ = '/org/gnome/Mutter/IdleMonitor/Core'
MAIN_IFACE = 'org.gnome.Mutter.IdleMonitor'
SYSTEM_BUS = False


def load(mock, _parameters):
    mock.last_input = time.monotonic()
    mock.next_watch_id = 1
    mock.idle_watches = {}  # id -> [interval in ms, GLib source or 0]
    mock.active_watches = set()


def _idle_ms(mock):
    return int((time.monotonic() - mock.last_input) * 1000)


def _fire_idle(mock, watch_id):
    watch = mock.idle_watches.get(watch_id)
    if watch is not None:
        watch[1] = 0
        mock.EmitSignal(MAIN_IFACE, 'WatchFired', 'u', [dbus.UInt32(watch_id)])
    return False


def _arm(mock, watch_id):
    watch = mock.idle_watches[watch_id]
    if watch[1]:
        GLib.source_remove(watch[1])
    watch[1] = GLib.timeout_add(max(0, watch[0] - _idle_ms(mock)), _fire_idle, mock, watch_id)


@dbus.service.method(MAIN_IFACE, in_signature='', out_signature='t')
def GetIdletime(self):
    return dbus.UInt64(_idle_ms(self))


@dbus.service.method(MAIN_IFACE, in_signature='t', out_signature='u')
def AddIdleWatch(self, interval):
    watch_id = self.next_watch_id
    self.next_watch_id += 1
    self.idle_watches[watch_id] = [int(interval), 0]
    _arm(self, watch_id)
    return dbus.UInt32(watch_id)


@dbus.service.method(MAIN_IFACE, in_signature='', out_signature='u')
def AddUserActiveWatch(self):
    watch_id = self.next_watch_id
    self.next_watch_id += 1
    self.active_watches.add(watch_id)
    return dbus.UInt32(watch_id)


@dbus.service.method(MAIN_IFACE, in_signature='u', out_signature='')
def RemoveWatch(self, watch_id):
    watch = self.idle_watches.pop(watch_id, None)
    if watch is not None and watch[1]:
        GLib.source_remove(watch[1])
    self.active_watches.discard(watch_id)


@dbus.service.method(MOCK_IFACE, in_signature='', out_signature='')
def SimulateActivity(self):
    self.last_input = time.monotonic()
    fired = sorted(self.active_watches)
    self.active_watches.clear()
    for watch_id in fired:
        self.EmitSignal(MAIN_IFACE, 'WatchFired', 'u', [dbus.UInt32(watch_id)])
    for watch_id in list(self.idle_watches):
        _arm(self, watch_id)
