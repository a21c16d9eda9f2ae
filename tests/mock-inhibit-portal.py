'''mock-inhibit-portal.py: the Inhibit portal's session monitor, for dbusmock

Copyright 2026 The Zoom Presence authors
SPDX-License-Identifier: GPL-3.0-or-later

CreateMonitor names the request and session objects the way xdg-desktop-portal does (from
the caller's unique name and its tokens) and answers on the request with Response(0).
The mock method SetScreensaverActive(b) sends StateChanged to every monitor's owner;
EmitStateChanged(o, b) sends one for any session handle, to everyone.
'''

import dbus
from dbusmock import MOCK_IFACE
from gi.repository import GLib

BUS_NAME = 'org.freedesktop.portal.Desktop'
MAIN_OBJ = '/org/freedesktop/portal/desktop'
MAIN_IFACE = 'org.freedesktop.portal.Inhibit'
SYSTEM_BUS = False

SESSION_STATE_RUNNING = 1


def load(mock, _parameters):
    mock.monitors = []  # (session handle, owner)
    mock.AddProperty(MAIN_IFACE, 'version', dbus.UInt32(3))


def _respond(mock, request, sender):
    mock.EmitSignalDetailed('org.freedesktop.portal.Request', 'Response', 'ua{sv}',
                            [dbus.UInt32(0), dbus.Dictionary({}, signature='sv')],
                            {'path': request, 'destination': sender})
    return False


def _state(active):
    return dbus.Dictionary({'screensaver-active': dbus.Boolean(active),
                            'session-state': dbus.UInt32(SESSION_STATE_RUNNING)},
                           signature='sv')


@dbus.service.method(MAIN_IFACE, in_signature='sa{sv}', out_signature='o',
                     sender_keyword='sender')
def CreateMonitor(self, _window, options, sender=None):
    escaped = sender[1:].replace('.', '_')
    request = f'/org/freedesktop/portal/desktop/request/{escaped}/{options["handle_token"]}'
    session = (f'/org/freedesktop/portal/desktop/session/{escaped}/'
               f'{options["session_handle_token"]}')
    self.monitors.append((session, sender))
    GLib.idle_add(_respond, self, request, sender)
    return dbus.ObjectPath(request)


@dbus.service.method(MAIN_IFACE, in_signature='o', out_signature='')
def QueryEndResponse(self, _session):
    pass


@dbus.service.method(MOCK_IFACE, in_signature='b', out_signature='')
def SetScreensaverActive(self, active):
    for session, owner in self.monitors:
        self.EmitSignalDetailed(MAIN_IFACE, 'StateChanged', 'oa{sv}',
                                [dbus.ObjectPath(session), _state(active)],
                                {'destination': owner})


@dbus.service.method(MOCK_IFACE, in_signature='ob', out_signature='')
def EmitStateChanged(self, session, active):
    self.EmitSignal(MAIN_IFACE, 'StateChanged', 'oa{sv}',
                    [dbus.ObjectPath(session), _state(active)])
