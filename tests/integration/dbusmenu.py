# dbusmenu.py: read and click a com.canonical.dbusmenu menu the way a tray host does.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later

import re
import time

from gi.repository import Gio, GLib

from waiting import run_until

IFACE = 'com.canonical.dbusmenu'


def plain_label(label):
  """The label as shown: GTK mnemonics removed ("__" is a literal "_")."""
  return re.sub(r'_(.)', r'\1', label or '').rstrip('_')


class Node:
  """One menu item from GetLayout."""

  def __init__(self, item_id, props, children, parent=None):
    self.id = item_id
    self.props = props
    self.children = children
    self.parent = parent

  @property
  def label(self):
    return plain_label(self.props.get('label', ''))

  @property
  def enabled(self):
    return bool(self.props.get('enabled', True))

  @property
  def visible(self):
    return bool(self.props.get('visible', True))

  @property
  def type(self):
    return self.props.get('type', 'standard')

  @property
  def toggle_type(self):
    return self.props.get('toggle-type', '')

  @property
  def toggle_state(self):
    return self.props.get('toggle-state', -1)

  @property
  def has_submenu(self):
    return self.props.get('children-display', '') == 'submenu' or bool(self.children)

  def walk(self):
    yield self
    for child in self.children:
      yield from child.walk()

  def describe(self, depth=0):
    bits = [self.type if self.type != 'standard' else repr(self.label)]
    if self.toggle_type:
      bits.append('%s=%s' % (self.toggle_type, self.toggle_state))
    if not self.enabled:
      bits.append('disabled')
    if not self.visible:
      bits.append('hidden')
    lines = ['%s[%d] %s' % ('  ' * depth, self.id, ' '.join(bits))]
    for child in self.children:
      lines.append(child.describe(depth + 1))
    return '\n'.join(lines)

  def __repr__(self):
    return '<Node %d %r>' % (self.id, self.label)


def _build(value, parent=None):
  item_id, props, children = value
  node = Node(item_id, dict(props), [], parent)
  node.children = [_build(c, node) for c in children]
  return node


class Menu:
  """A remote dbusmenu (bus name + object path) with its change signals counted."""

  def __init__(self, conn, bus_name, path, log=print):
    self.conn = conn
    self.bus_name = bus_name
    self.path = path
    self.log = log
    self.layout_updates = 0
    self.property_updates = 0
    self.revision = None
    self._subs = [
      conn.signal_subscribe(bus_name, IFACE, name, path, None,
                            Gio.DBusSignalFlags.NONE, self._on_signal)
      for name in ('LayoutUpdated', 'ItemsPropertiesUpdated')]

  def _on_signal(self, conn, sender, path, iface, signal, params):
    if signal == 'LayoutUpdated':
      self.layout_updates += 1
    else:
      self.property_updates += 1

  @property
  def changes(self):
    return self.layout_updates + self.property_updates

  def _call(self, method, params, reply_type, timeout=5):
    return self.conn.call_sync(
      self.bus_name, self.path, IFACE, method, params,
      GLib.VariantType(reply_type) if reply_type else None,
      Gio.DBusCallFlags.NONE, int(timeout * 1000), None)

  def layout(self):
    reply = self._call('GetLayout', GLib.Variant('(iias)', (0, -1, [])), '(u(ia{sv}av))')
    revision, root = reply.unpack()
    self.revision = revision
    return _build(root)

  def find(self, *labels, root=None):
    """Find an item by its label path: find('Do not disturb', '1 hour')."""
    node = root or self.layout()
    for label in labels:
      matches = [c for c in node.walk() if c is not node and c.label == label
                 and c.type != 'separator']
      if not matches:
        raise LookupError('no menu item %r in:\n%s' % (label, node.describe()))
      node = matches[0]
    return node

  def about_to_show(self, item_id):
    return self._call('AboutToShow', GLib.Variant('(i)', (item_id,)), '(b)').unpack()[0]

  def event(self, item_id, event_id, data=None, timestamp=None):
    """Send one Event; returns time.monotonic() taken just before sending."""
    data = data if data is not None else GLib.Variant('i', 0)
    timestamp = int(time.time()) & 0xffffffff if timestamp is None else timestamp
    sent = time.monotonic()
    self._call('Event', GLib.Variant('(isvu)', (item_id, event_id, data, timestamp)), None)
    return sent

  def click(self, *labels):
    """Open the menus on the way like a host (AboutToShow, "opened") and
    click the last item. Returns (node, monotonic time the click was sent)."""
    root = self.layout()
    self.about_to_show(0)
    self.event(0, 'opened')
    parent = root
    node = None
    for i, label in enumerate(labels):
      node = self.find(label, root=parent)
      if i < len(labels) - 1:
        # A submenu: the host asks for it to be ready, then shows it.
        if self.about_to_show(node.id):
          node = self.find(*labels[:i + 1])
        self.event(node.id, 'opened')
        parent = self.find(*labels[:i + 1])
    if not node.enabled:
      raise AssertionError('menu item %r is disabled' % (labels,))
    sent = self.event(node.id, 'clicked')
    self.event(0, 'closed')
    return node, sent

  def wait_for_change(self, since, timeout=10):
    """Wait until LayoutUpdated/ItemsPropertiesUpdated arrived after `since`
    (a value of self.changes taken earlier)."""
    return run_until(lambda: self.changes > since, timeout, 'a dbusmenu update')

  def wait_for(self, predicate, timeout=10, what='a menu state'):
    """Wait until predicate(layout root) is true, re-reading on every menu signal."""
    seen = [-1, 0.0]
    result = [None]

    def check():
      # Re-read on every menu signal, and twice a second in case one was missed.
      if self.changes != seen[0] or time.monotonic() - seen[1] > 0.5:
        seen[0] = self.changes
        seen[1] = time.monotonic()
        root = self.layout()
        result[0] = root
        if predicate(root):
          return True
      return False
    run_until(check, timeout, what)
    return result[0]

  def close(self):
    for sub in self._subs:
      self.conn.signal_unsubscribe(sub)
    self._subs = []
