'''mock-portal-desktop.py: org.freedesktop.portal.Desktop with what the sandboxed applet uses

Copyright 2026 The Zoom Presence authors
SPDX-License-Identifier: GPL-3.0-or-later

A dbusmock template, for running the applet outside a sandbox with GTK_USE_PORTAL=1:

- org.freedesktop.portal.Inhibit: CreateMonitor, QueryEndResponse, and the mock methods
  SetScreensaverActive(b) / EmitStateChanged(ob), from mock-inhibit-portal.py. CreateMonitor
  is ours: it also takes callers that send no handle_token (GTK 4's GtkApplication).
- org.freedesktop.portal.Background: RequestBackground and the mock methods SetAnswer(ub) /
  GetRequests(), from mock-background-portal.py.
- org.freedesktop.portal.Notification (version 1): AddNotification, RemoveNotification.
  Mock method GetNotificationsJson() returns, as JSON, the list of {"method", "id",
  "notification"} calls in order (the notification's a{sv} as plain JSON values).
- org.freedesktop.portal.OpenURI: OpenURI answers Response(0) on its request object and, with
  the parameter "browser" (an argv list), starts that program with the address as its last
  argument and the parameter "browser_env" (a dict) added to its environment: the browser
  the portal would open. Mock method GetOpenedJson() returns [{"uri", "options"}, ...].
- org.freedesktop.portal.NetworkMonitor (version 3) and org.freedesktop.portal.ProxyResolver:
  with GTK_USE_PORTAL=1 GLib asks these for the network state and for proxies before every
  connection, so they say "online, full connectivity" and "direct://".

Every call is also in dbusmock's own log (GetMethodCalls).
'''

import importlib.util
import json
import os
import subprocess

import dbus
from dbusmock import MOCK_IFACE
from gi.repository import GLib


def _sibling(name):
  path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + '.py')
  spec = importlib.util.spec_from_file_location(name.replace('-', '_'), path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


_inhibit = _sibling('mock-inhibit-portal')
_background = _sibling('mock-background-portal')

BUS_NAME = 'org.freedesktop.portal.Desktop'
MAIN_OBJ = '/org/freedesktop/portal/desktop'
MAIN_IFACE = 'org.freedesktop.portal.Notification'
SYSTEM_BUS = False

INHIBIT_IFACE = _inhibit.MAIN_IFACE
OPENURI_IFACE = 'org.freedesktop.portal.OpenURI'
NETWORK_IFACE = 'org.freedesktop.portal.NetworkMonitor'
PROXY_IFACE = 'org.freedesktop.portal.ProxyResolver'
REQUEST_IFACE = 'org.freedesktop.portal.Request'

CONNECTIVITY_FULL = 4

# The pieces reused as they are (dbusmock picks up the module's D-Bus methods by name).
QueryEndResponse = _inhibit.QueryEndResponse
SetScreensaverActive = _inhibit.SetScreensaverActive
EmitStateChanged = _inhibit.EmitStateChanged
RequestBackground = _background.RequestBackground
SetAnswer = _background.SetAnswer
GetRequests = _background.GetRequests


def load(mock, parameters):
  _inhibit.load(mock, parameters)
  _background.load(mock, parameters)
  mock.notification_calls = []
  mock.opened = []
  mock.request_serial = 0
  browser = parameters.get('browser')
  mock.browser = [str(arg) for arg in browser] if browser else None
  mock.browser_env = {str(k): str(v) for k, v in dict(parameters.get('browser_env', {})).items()}
  mock.AddProperty(MAIN_IFACE, 'version', dbus.UInt32(1))
  mock.AddProperty(OPENURI_IFACE, 'version', dbus.UInt32(4))
  mock.AddProperty(NETWORK_IFACE, 'version', dbus.UInt32(3))
  mock.AddProperty(PROXY_IFACE, 'version', dbus.UInt32(1))


def _plain(value):
  '''D-Bus values as JSON values.'''
  if isinstance(value, (dbus.Dictionary, dict)):
    return {str(k): _plain(v) for k, v in value.items()}
  if isinstance(value, (dbus.Array, dbus.Struct, list, tuple)):
    return [_plain(v) for v in value]
  if isinstance(value, dbus.Boolean):
    return bool(value)
  if isinstance(value, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64, dbus.UInt16, dbus.UInt32,
                        dbus.UInt64)):
    return int(value)
  if isinstance(value, dbus.Double):
    return float(value)
  return str(value)


def _request_path(mock, sender, options):
  '''Where xdg-desktop-portal puts the request object: the caller's unique name and token.'''
  token = options.get('handle_token')
  if not token:
    mock.request_serial += 1
    token = 'mock%d' % mock.request_serial
  escaped = sender[1:].replace('.', '_')
  return f'{MAIN_OBJ}/request/{escaped}/{token}'


def _respond(mock, path, sender, response):
  mock.EmitSignalDetailed(REQUEST_IFACE, 'Response', 'ua{sv}',
                          [dbus.UInt32(response), dbus.Dictionary({}, signature='sv')],
                          {'path': path, 'destination': sender})
  return False


# ---- Inhibit --------------------------------------------------------------------------------

@dbus.service.method(INHIBIT_IFACE, in_signature='sa{sv}', out_signature='o',
                     sender_keyword='sender')
def CreateMonitor(self, _window, options, sender=None):
  request = _request_path(self, sender, options)
  escaped = sender[1:].replace('.', '_')
  session = f'{MAIN_OBJ}/session/{escaped}/{options.get("session_handle_token", "mock")}'
  self.monitors.append((session, sender))
  GLib.idle_add(_respond, self, request, sender, 0)
  return dbus.ObjectPath(request)


# ---- Notification ---------------------------------------------------------------------------

@dbus.service.method(MAIN_IFACE, in_signature='sa{sv}', out_signature='')
def AddNotification(self, notification_id, notification):
  self.notification_calls.append({'method': 'AddNotification', 'id': str(notification_id),
                                  'notification': _plain(notification)})


@dbus.service.method(MAIN_IFACE, in_signature='s', out_signature='')
def RemoveNotification(self, notification_id):
  self.notification_calls.append({'method': 'RemoveNotification', 'id': str(notification_id)})


@dbus.service.method(MOCK_IFACE, in_signature='', out_signature='s')
def GetNotificationsJson(self):
  return json.dumps(self.notification_calls)


# ---- OpenURI --------------------------------------------------------------------------------

def _browser_exited(pid, status, mock):
  mock.log('browser (pid %d) exited with wait status %d' % (pid, status))
  GLib.spawn_close_pid(pid)


@dbus.service.method(OPENURI_IFACE, in_signature='ssa{sv}', out_signature='o',
                     sender_keyword='sender')
def OpenURI(self, _window, uri, options, sender=None):
  path = _request_path(self, sender, options)
  self.opened.append({'uri': str(uri), 'options': _plain(options)})
  if self.browser:
    env = dict(os.environ)
    env.update(self.browser_env)
    # The browser's output goes where the mock's does; it is reaped by the main loop.
    proc = subprocess.Popen(self.browser + [str(uri)], env=env)
    GLib.child_watch_add(GLib.PRIORITY_DEFAULT, proc.pid, _browser_exited, self)
  GLib.idle_add(_respond, self, path, sender, 0)
  return dbus.ObjectPath(path)


@dbus.service.method(MOCK_IFACE, in_signature='', out_signature='s')
def GetOpenedJson(self):
  return json.dumps(self.opened)


# ---- NetworkMonitor, ProxyResolver ----------------------------------------------------------

@dbus.service.method(NETWORK_IFACE, in_signature='', out_signature='b')
def GetAvailable(self):
  return True


@dbus.service.method(NETWORK_IFACE, in_signature='', out_signature='b')
def GetMetered(self):
  return False


@dbus.service.method(NETWORK_IFACE, in_signature='', out_signature='u')
def GetConnectivity(self):
  return dbus.UInt32(CONNECTIVITY_FULL)


@dbus.service.method(NETWORK_IFACE, in_signature='', out_signature='a{sv}')
def GetStatus(self):
  return dbus.Dictionary({'available': True, 'metered': False,
                          'connectivity': dbus.UInt32(CONNECTIVITY_FULL)}, signature='sv')


@dbus.service.method(NETWORK_IFACE, in_signature='sq', out_signature='b')
def CanReach(self, _hostname, _port):
  return True


@dbus.service.method(PROXY_IFACE, in_signature='s', out_signature='as')
def Lookup(self, _uri):
  return dbus.Array(['direct://'], signature='s')
