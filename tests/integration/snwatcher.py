# snwatcher.py: a minimal org.kde.StatusNotifierWatcher for the integration tests.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later

from gi.repository import Gio, GLib

from waiting import run_until

WATCHER_NAME = 'org.kde.StatusNotifierWatcher'
WATCHER_PATH = '/StatusNotifierWatcher'
ITEM_IFACE = 'org.kde.StatusNotifierItem'

_XML = '''
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem">
      <arg name="service" type="s" direction="in"/>
    </method>
    <method name="RegisterStatusNotifierHost">
      <arg name="service" type="s" direction="in"/>
    </method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
    <signal name="StatusNotifierHostUnregistered"/>
  </interface>
</node>
'''


class Item:
  """One registered StatusNotifierItem: its bus name and object path."""

  def __init__(self, conn, bus_name, path):
    self.conn = conn
    self.bus_name = bus_name
    self.path = path

  @property
  def service(self):
    return self.bus_name + self.path

  def get_property(self, name, timeout=5):
    reply = self.conn.call_sync(
      self.bus_name, self.path, 'org.freedesktop.DBus.Properties', 'Get',
      GLib.Variant('(ss)', (ITEM_IFACE, name)), GLib.VariantType('(v)'),
      Gio.DBusCallFlags.NONE, int(timeout * 1000), None)
    return reply.unpack()[0]

  @property
  def icon_name(self):
    return self.get_property('IconName')

  @property
  def menu_path(self):
    return self.get_property('Menu')

  def __repr__(self):
    return '<Item %s>' % self.service


class Watcher:
  """Owns org.kde.StatusNotifierWatcher on `conn` and records registrations.

  A host is always "registered", so libayatana-appindicator uses the
  StatusNotifierItem path and not its XEmbed fallback.
  """

  def __init__(self, conn, log=print):
    self.conn = conn
    self.log = log
    self.items = []
    self.events = []
    self._name_state = None
    self._watches = {}
    info = Gio.DBusNodeInfo.new_for_xml(_XML).interfaces[0]
    self._reg_id = conn.register_object(
      WATCHER_PATH, info, self._on_call, self._on_get_property, None)
    self._own_id = Gio.bus_own_name_on_connection(
      conn, WATCHER_NAME, Gio.BusNameOwnerFlags.DO_NOT_QUEUE,
      lambda *a: self._set_name_state('acquired'),
      lambda *a: self._set_name_state('lost'))
    state = run_until(lambda: self._name_state, 10, 'the watcher bus name')
    if state != 'acquired':
      raise RuntimeError('could not own %s (another watcher on this bus?)' % WATCHER_NAME)

  def _set_name_state(self, state):
    self._name_state = state

  def _emit(self, signal, params):
    self.conn.emit_signal(None, WATCHER_PATH, WATCHER_NAME, signal, params)

  def _on_get_property(self, conn, sender, path, iface, prop):
    if prop == 'RegisteredStatusNotifierItems':
      return GLib.Variant('as', [i.service for i in self.items])
    if prop == 'IsStatusNotifierHostRegistered':
      return GLib.Variant('b', True)
    if prop == 'ProtocolVersion':
      return GLib.Variant('i', 0)
    return None

  def _on_call(self, conn, sender, path, iface, method, params, invocation):
    if method == 'RegisterStatusNotifierItem':
      service = params.unpack()[0]
      # The spec allows a bus name or an object path (then the sender is the name).
      if service.startswith('/'):
        bus_name, obj = sender, service
      else:
        bus_name, obj = service, '/StatusNotifierItem'
      item = Item(conn, bus_name, obj)
      self.items = [i for i in self.items if i.service != item.service]
      self.items.append(item)
      self.events.append(('registered', item.service))
      self.log('watcher: item registered: %s (sender %s)' % (item.service, sender))
      if bus_name not in self._watches:
        self._watches[bus_name] = Gio.bus_watch_name_on_connection(
          conn, bus_name, Gio.BusNameWatcherFlags.NONE, None, self._on_vanished)
      invocation.return_value(None)
      self._emit('StatusNotifierItemRegistered', GLib.Variant('(s)', (item.service,)))
    elif method == 'RegisterStatusNotifierHost':
      invocation.return_value(None)
    else:
      invocation.return_dbus_error('org.freedesktop.DBus.Error.UnknownMethod', method)

  def _on_vanished(self, conn, name):
    gone = [i for i in self.items if i.bus_name == name]
    self.items = [i for i in self.items if i.bus_name != name]
    watch = self._watches.pop(name, None)
    if watch is not None:
      Gio.bus_unwatch_name(watch)
    for item in gone:
      self.events.append(('unregistered', item.service))
      self.log('watcher: item gone: %s' % item.service)
      self._emit('StatusNotifierItemUnregistered', GLib.Variant('(s)', (item.service,)))

  def wait_for_item(self, timeout=20, alive=None):
    """Wait for a registration; `alive` (optional) raises if the applet died."""
    def check():
      if alive is not None:
        alive()
      return self.items[-1] if self.items else None
    return run_until(check, timeout, 'a StatusNotifierItem registration')

  def close(self):
    for watch in self._watches.values():
      Gio.bus_unwatch_name(watch)
    self._watches = {}
    if self._own_id:
      Gio.bus_unown_name(self._own_id)
      self._own_id = 0
    if self._reg_id:
      self.conn.unregister_object(self._reg_id)
      self._reg_id = 0
