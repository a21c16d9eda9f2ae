'''mock-background-portal.py: the Background portal's RequestBackground, for dbusmock

Copyright 2026 The Zoom Presence authors
SPDX-License-Identifier: GPL-3.0-or-later

RequestBackground names its request object the way xdg-desktop-portal does (from the
caller's unique name and its handle_token), exports it, returns its path and then answers
on it with Response. Mock methods: SetAnswer(u response, b grant) chooses the next answers
(default 0, true); GetRequests() returns the options of every request so far.
'''

import dbus
from dbusmock import MOCK_IFACE
from gi.repository import GLib

BUS_NAME = 'org.freedesktop.portal.Desktop'
MAIN_OBJ = '/org/freedesktop/portal/desktop'
MAIN_IFACE = 'org.freedesktop.portal.Background'
SYSTEM_BUS = False

REQUEST_IFACE = 'org.freedesktop.portal.Request'


def load(mock, _parameters):
    mock.answer = (0, True)
    mock.requests = []
    mock.AddProperty(MAIN_IFACE, 'version', dbus.UInt32(2))


def _respond(mock, path, sender, response, results):
    mock.EmitSignalDetailed(REQUEST_IFACE, 'Response', 'ua{sv}',
                            [dbus.UInt32(response), results],
                            {'path': path, 'destination': sender})
    return False


@dbus.service.method(MAIN_IFACE, in_signature='sa{sv}', out_signature='o',
                     sender_keyword='sender')
def RequestBackground(self, _window, options, sender=None):
    escaped = sender[1:].replace('.', '_')
    path = f'/org/freedesktop/portal/desktop/request/{escaped}/{options["handle_token"]}'
    self.requests.append(dbus.Dictionary(options, signature='sv'))
    self.AddObject(path, REQUEST_IFACE, {}, [('Close', '', '', '')])
    response, grant = self.answer
    results = dbus.Dictionary({
        'background': dbus.Boolean(grant),
        'autostart': dbus.Boolean(grant and bool(options.get('autostart', False))),
    }, signature='sv')
    GLib.idle_add(_respond, self, path, sender, response, results)
    return dbus.ObjectPath(path)


@dbus.service.method(MOCK_IFACE, in_signature='ub', out_signature='')
def SetAnswer(self, response, grant):
    self.answer = (int(response), bool(grant))


@dbus.service.method(MOCK_IFACE, in_signature='', out_signature='aa{sv}')
def GetRequests(self):
    return dbus.Array(self.requests, signature='a{sv}')
