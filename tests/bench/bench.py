#!/usr/bin/python3
# bench.py: measure the installed applet against the floor program in a private session
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run through tools/bench (which builds, installs and opens the private session), or inside
# tests/zp-session-run directly:
#   bench.py --prefix PREFIX --floor PATH [--quick] [--json] [--runs N] [--samples N]
#            [--idle SECONDS]
#
# In one invocation it measures, for the floor (tests/bench/floor.c: GtkApplication,
# AppIndicator, three-item menu, SoupSession) and the applet:
#   startup_ms             process start -> RegisterStatusNotifierItem at our watcher (median)
#   rss_kib                VmRSS once start-up has settled (median over the start-up runs)
#   idle_wakeups_per_min   voluntary + involuntary context switches of all threads
#                          (/proc/PID/task/*/status) over an idle window, per minute
# and for the applet only (medians):
#   click_to_put_ms        dbusmenu Event "clicked" sent -> PUT received by the test server
#   lock_to_put_ms         org.gnome.ScreenSaver ActiveChanged(true) emitted -> PUT received
# Both clocks are CLOCK_MONOTONIC (time.monotonic() here and in the server). Nothing is
# asserted: the figures are printed as a table, or as JSON with --json.

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE_ROOT, 'tests', 'integration'))

from dbusmenu import Menu  # noqa: E402
from waiting import Timeout, run_until, spin  # noqa: E402

APP_ID = 'io.github.zoompresence.ZoomPresence'
FLOOR_ID = APP_ID + '.BenchFloor'
PRESENCE_PATH = '/v2/users/me/presence_status'
WATCHER_NAME = 'org.kde.StatusNotifierWatcher'
WATCHER_PATH = '/StatusNotifierWatcher'
SCREENSAVER = 'org.gnome.ScreenSaver'
SCREENSAVER_PATH = '/org/gnome/ScreenSaver'
START_TIMEOUT = float(os.environ.get('ZP_START_TIMEOUT', '30'))
PACING = 1.0          # min-update-interval and the server's rate window, seconds
PACING_MARGIN = 0.3
QUIET = 0.25          # seconds the server is not queried after a click or a lock

TARGETS = {
  'startup_ms': ('ratio', 1.1, 'within 1.1x the floor'),
  'rss_kib': ('ratio', 1.1, 'within 1.1x the floor'),
  'idle_wakeups_per_min': ('floor', None, 'no more than the floor'),
  'click_to_put_ms': ('value', 5.0, 'median under 5 ms'),
  'lock_to_put_ms': ('value', 10.0, 'median under 10 ms'),
}

_WATCHER_XML = '''
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
  </interface>
</node>
'''

_SCREENSAVER_XML = '''
<node>
  <interface name="org.gnome.ScreenSaver">
    <method name="GetActive"><arg type="b" direction="out"/></method>
    <signal name="ActiveChanged"><arg type="b"/></signal>
  </interface>
</node>
'''


def say(*args):
  print(*args, file=sys.stderr, flush=True)


def own_name(conn, name):
  state = []
  owner = Gio.bus_own_name_on_connection(conn, name, Gio.BusNameOwnerFlags.DO_NOT_QUEUE,
                                         lambda *a: state.append(True),
                                         lambda *a: state.append(False))
  if not run_until(lambda: state, 10, 'the bus name ' + name) or not state[0]:
    raise RuntimeError('could not own %s' % name)
  return owner


def bus_call(conn, method, args, sig):
  reply = conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                         method, GLib.Variant(sig, args), None, Gio.DBusCallFlags.NONE, 5000,
                         None)
  return reply.unpack()[0]


class Registration:
  def __init__(self, when, sender, bus_name, path):
    self.time = when
    self.sender = sender
    self.bus_name = bus_name
    self.path = path
    self.pid = None


class Watcher:
  """A StatusNotifierWatcher that time-stamps every registration (CLOCK_MONOTONIC)."""

  def __init__(self, conn):
    self.conn = conn
    self.registrations = []
    info = Gio.DBusNodeInfo.new_for_xml(_WATCHER_XML).interfaces[0]
    self._reg = conn.register_object(WATCHER_PATH, info, self._on_call, self._on_get, None)
    self._own = own_name(conn, WATCHER_NAME)

  def _on_get(self, conn, sender, path, iface, prop):
    if prop == 'RegisteredStatusNotifierItems':
      return GLib.Variant('as', [r.bus_name + r.path for r in self.registrations])
    if prop == 'IsStatusNotifierHostRegistered':
      return GLib.Variant('b', True)
    if prop == 'ProtocolVersion':
      return GLib.Variant('i', 0)
    return None

  def _on_call(self, conn, sender, path, iface, method, params, invocation):
    now = time.monotonic()
    if method == 'RegisterStatusNotifierItem':
      service = params.unpack()[0]
      if service.startswith('/'):
        reg = Registration(now, sender, sender, service)
      else:
        reg = Registration(now, sender, service, '/StatusNotifierItem')
      self.registrations.append(reg)
      invocation.return_value(None)
      conn.emit_signal(None, WATCHER_PATH, WATCHER_NAME, 'StatusNotifierItemRegistered',
                       GLib.Variant('(s)', (reg.bus_name + reg.path,)))
    elif method == 'RegisterStatusNotifierHost':
      invocation.return_value(None)
    else:
      invocation.return_dbus_error('org.freedesktop.DBus.Error.UnknownMethod', method)

  def wait_for(self, pid, since, proc):
    """The first registration after index `since` made by process `pid`."""
    def check():
      if proc.poll() is not None:
        raise RuntimeError('pid %d exited with %s before registering its tray item'
                           % (pid, proc.returncode))
      for reg in self.registrations[since:]:
        if reg.pid is None:
          try:
            reg.pid = bus_call(self.conn, 'GetConnectionUnixProcessID', (reg.sender,), '(s)')
          except GLib.Error:
            reg.pid = -1
        if reg.pid == pid:
          return reg
      return None
    return run_until(check, START_TIMEOUT, 'a tray item from pid %d' % pid, wake=0.01)

  def item_property(self, reg, name):
    reply = self.conn.call_sync(reg.bus_name, reg.path, 'org.freedesktop.DBus.Properties', 'Get',
                                GLib.Variant('(ss)', ('org.kde.StatusNotifierItem', name)),
                                GLib.VariantType('(v)'), Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()[0]


class ScreenSaver:
  """org.gnome.ScreenSaver on the session bus: GetActive and the ActiveChanged signal."""

  def __init__(self, conn):
    self.conn = conn
    self.active = False
    info = Gio.DBusNodeInfo.new_for_xml(_SCREENSAVER_XML).interfaces[0]
    self._reg = conn.register_object(SCREENSAVER_PATH, info, self._on_call, None, None)
    self._own = own_name(conn, SCREENSAVER)

  def _on_call(self, conn, sender, path, iface, method, params, invocation):
    if method == 'GetActive':
      invocation.return_value(GLib.Variant('(b)', (self.active,)))
    else:
      invocation.return_dbus_error('org.freedesktop.DBus.Error.UnknownMethod', method)

  def set_active(self, active):
    """Emit ActiveChanged; returns time.monotonic() taken just before."""
    self.active = active
    sent = time.monotonic()
    self.conn.emit_signal(None, SCREENSAVER_PATH, SCREENSAVER, 'ActiveChanged',
                          GLib.Variant('(b)', (active,)))
    self.conn.flush_sync(None)
    return sent


class Server:
  def __init__(self, script, session_dir, log):
    port_file = os.path.join(session_dir, 'bench-server.port')
    self.proc = subprocess.Popen(['/usr/bin/python3', script, '--port', '0', '--port-file',
                                  port_file, '--rate-window', str(int(PACING))],
                                 stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def port():
      if self.proc.poll() is not None:
        raise RuntimeError('the test server exited with %s' % self.proc.returncode)
      try:
        with open(port_file) as f:
          text = f.read().strip()
        return int(text) if text else None
      except (OSError, ValueError):
        return None
    self.base_url = 'http://127.0.0.1:%d' % run_until(port, START_TIMEOUT, 'the server port')
    self.api_url = self.base_url + '/v2'

  def call(self, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                 headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=10) as reply:
      text = reply.read().decode()
    return json.loads(text) if text.strip() else None

  def puts(self):
    reqs = self.call('GET', '/_test/requests')
    if isinstance(reqs, dict):
      reqs = reqs.get('requests', [])
    return [r for r in reqs if r['method'] == 'PUT']

  def requests(self):
    reqs = self.call('GET', '/_test/requests')
    return reqs.get('requests', []) if isinstance(reqs, dict) else reqs

  def receive_overhead(self, samples):
    """How late the server stamps a request it is sent: one GET each, timed from just before
    the connection opens (the part of every latency below that is the server's own)."""
    out = []
    for _ in range(samples):
      before = len(self.requests())
      req = urllib.request.Request(self.api_url + PRESENCE_PATH[3:], method='GET',
                                   headers={'Authorization': 'Bearer bench-calibration'})
      sent = time.monotonic()
      try:
        urllib.request.urlopen(req, timeout=10).read()
      except urllib.error.HTTPError as e:
        e.read()
      stamped = self.requests()[before:]
      if stamped:
        out.append(stamped[0]['time'] - sent)
    return out

  def stop(self):
    if self.proc.poll() is None:
      self.proc.terminate()
      try:
        self.proc.wait(10)
      except subprocess.TimeoutExpired:
        self.proc.kill()
        self.proc.wait()


def read_rss_kib(pid):
  with open('/proc/%d/status' % pid) as f:
    for line in f:
      if line.startswith('VmRSS:'):
        return int(line.split()[1])
  return None


def read_rss_by_mapping(pid):
  """{mapped file or [anon]/[heap]/...: resident KiB} from /proc/PID/smaps."""
  out = {}
  name = None
  try:
    with open('/proc/%d/smaps' % pid) as f:
      for line in f:
        fields = line.split()
        if not fields:
          continue
        if not fields[0].endswith(':'):
          name = fields[5] if len(fields) > 5 else '[anon]'
        elif fields[0] == 'Rss:' and name is not None:
          out[name] = out.get(name, 0) + int(fields[1])
  except OSError:
    pass
  return out


def read_switches(pid):
  """{tid: (comm, voluntary + nonvoluntary context switches)} for every thread of pid."""
  out = {}
  try:
    tids = os.listdir('/proc/%d/task' % pid)
  except OSError:
    return out
  for tid in tids:
    base = '/proc/%d/task/%s/' % (pid, tid)
    try:
      with open(base + 'comm') as f:
        comm = f.read().strip()
      count = 0
      with open(base + 'status') as f:
        for line in f:
          if line.startswith(('voluntary_ctxt_switches:', 'nonvoluntary_ctxt_switches:')):
            count += int(line.split()[1])
      out[int(tid)] = (comm, count)
    except OSError:
      continue
  return out


class SwitchCounter:
  """Counts context switches of every thread of a process over a window. Threads that end in
  the window count up to their last sample; threads born in it count from zero."""

  def __init__(self, pid):
    self.pid = pid
    self.start = read_switches(pid)
    self.last = dict(self.start)
    self.started = time.monotonic()
    self.born = set()

  def sample(self):
    now = read_switches(self.pid)
    for tid, value in now.items():
      if tid not in self.start and tid not in self.born:
        self.born.add(tid)
      self.last[tid] = value

  def result(self):
    self.sample()
    elapsed = time.monotonic() - self.started
    per_thread = {}
    total = 0
    for tid, (comm, count) in self.last.items():
      base = self.start.get(tid, (comm, 0))[1]
      delta = count - base
      total += delta
      key = '%s[%d]' % (comm, tid)
      per_thread[key] = delta
    return total, elapsed, per_thread


class Bench:
  def __init__(self, args):
    self.args = args
    self.session_dir = os.environ['ZP_SESSION_DIR']
    self.log_dir = os.path.join(self.session_dir, 'bench-logs')
    os.makedirs(self.log_dir, exist_ok=True)
    self.prefix = os.path.abspath(args.prefix)
    self.binary = os.path.join(self.prefix, 'bin', 'zoom-presence')
    self.floor = os.path.abspath(args.floor)
    for path in (self.binary, self.floor):
      if not os.access(path, os.X_OK):
        raise SystemExit('bench: %s is missing (build and install first; tools/bench does)'
                         % path)
    schema_dir = os.path.join(self.prefix, 'share', 'glib-2.0', 'schemas')
    self.env = dict(os.environ)
    self.env.update({
      'GSETTINGS_SCHEMA_DIR': schema_dir,
      'GSETTINGS_BACKEND': 'keyfile',
      'XDG_DATA_DIRS': ':'.join([os.path.join(self.prefix, 'share'),
                                 os.environ.get('XDG_DATA_DIRS')
                                 or '/usr/local/share:/usr/share']),
    })
    # A benchmark of the product: no debug output, no fatal criticals.
    for name in ('G_MESSAGES_DEBUG', 'G_DEBUG', 'G_SLICE'):
      self.env.pop(name, None)
    self.conn = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    self.logs = {}
    self.server = None
    self.token = 'zpt-bench-' + os.urandom(12).hex()
    self.mappings = {}  # kind -> the last settled start's resident KiB per mapping

  def log(self, name):
    if name not in self.logs:
      self.logs[name] = open(os.path.join(self.log_dir, name + '.log'), 'a')
    return self.logs[name]

  def run_quiet(self, argv, stdin=None):
    res = subprocess.run(argv, input=stdin, env=self.env, capture_output=True, text=True,
                         timeout=60)
    if res.returncode != 0:
      raise RuntimeError('%s failed (%d): %s' % (' '.join(argv[:3]), res.returncode,
                                                 res.stderr.strip()))
    return res

  def setup(self):
    script = os.environ.get('ZP_TEST_SERVER') or os.path.join(SOURCE_ROOT, 'tests',
                                                            'zoom-test-server')
    self.server = Server(script, self.session_dir, self.log('zoom-test-server'))
    self.server.call('POST', '/_test/tokens', {'token': self.token, 'user': 'u-1',
                                               'kind': 'user', 'expires_in': None})
    self.watcher = Watcher(self.conn)
    self.screensaver = ScreenSaver(self.conn)
    settings = {
      'api-base-url': self.server.api_url,
      'min-update-interval': str(int(PACING)),
      'away-on-lock': 'true',
      'restore-on-unlock': 'true',
    }
    for key, value in settings.items():
      self.run_quiet(['gsettings', 'set', APP_ID, key, value])
    self.run_quiet([self.binary, '--set-token'], stdin=self.token + '\n')

  def teardown(self):
    if self.server:
      self.server.stop()
    for f in self.logs.values():
      f.close()

  # ---- one process ---------------------------------------------------------------------------

  def spawn(self, kind):
    argv = [self.binary] if kind == 'applet' else [self.floor]
    since = len(self.watcher.registrations)
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL,
                            stdout=self.log(kind), stderr=subprocess.STDOUT)
    reg = self.watcher.wait_for(proc.pid, since, proc)
    return proc, reg, started

  def act_as_host(self, reg):
    """What a tray host does when an item appears: read its properties and its menu."""
    for name in ('Id', 'Title', 'Status', 'IconName', 'IconThemePath'):
      self.watcher.item_property(reg, name)
    menu = Menu(self.conn, reg.bus_name, self.watcher.item_property(reg, 'Menu'),
                log=lambda *a: None)
    menu.layout()
    return menu

  def wait_ready(self, menu):
    """The applet has read the keyring and Zoom's status: the radio items are on."""
    def ready(root):
      radios = [n for n in root.walk() if n.toggle_type == 'radio']
      return radios and all(n.enabled for n in radios) and \
        any(n.toggle_state == 1 for n in radios)
    try:
      menu.wait_for(ready, START_TIMEOUT, 'the applet menu to be ready')
    except Timeout:
      raise RuntimeError('the applet did not get ready; its menu:\n%s'
                         % menu.layout().describe())

  def settle_rss(self, pid, still=1.0, limit=6.0):
    """VmRSS once it has not changed for `still` seconds (at most `limit` seconds)."""
    end = time.monotonic() + limit
    value = read_rss_kib(pid)
    since = time.monotonic()
    while time.monotonic() < end:
      spin(0.1)
      now = read_rss_kib(pid)
      if now != value:
        value, since = now, time.monotonic()
      elif time.monotonic() - since >= still:
        break
    return value

  def stop(self, proc, app_id):
    if proc.poll() is None:
      proc.send_signal(signal.SIGTERM)
      try:
        run_until(lambda: proc.poll() is not None, 10, 'pid %d to exit' % proc.pid)
      except Timeout:
        proc.kill()
        proc.wait()
    run_until(lambda: not bus_call(self.conn, 'NameHasOwner', (app_id,), '(s)'), 10,
              '%s to leave the bus' % app_id)

  def start_one(self, kind):
    """Start, register, be read by the host, settle; returns (proc, menu, figures)."""
    proc, reg, started = self.spawn(kind)
    figures = {'startup': reg.time - started}
    menu = self.act_as_host(reg)
    if kind == 'applet':
      self.wait_ready(menu)
      figures['ready'] = time.monotonic() - started
    figures['rss'] = self.settle_rss(proc.pid)
    self.mappings[kind] = read_rss_by_mapping(proc.pid)
    return proc, menu, figures

  # ---- the measurements ----------------------------------------------------------------------

  def measure_startup(self, runs):
    out = {'floor': {'startup': [], 'rss': []},
           'applet': {'startup': [], 'rss': [], 'ready': []}}
    # One discarded run each: the first start fills caches (fontconfig, icon theme, pages).
    order = ['floor', 'applet'] + ['floor', 'applet'] * runs
    for i, kind in enumerate(order):
      proc, menu, figures = self.start_one(kind)
      menu.close()
      self.stop(proc, APP_ID if kind == 'applet' else FLOOR_ID)
      if i >= 2:
        for key, value in figures.items():
          out[kind][key].append(value)
      say('  start-up %-6s run %2d: %.1f ms, %d KiB'
          % (kind, max(i // 2 - 1, 0) if i >= 2 else 0, figures['startup'] * 1000,
             figures['rss']) + (' (warm-up)' if i < 2 else ''))
    return out

  def measure_idle(self, seconds):
    """Floor and applet side by side, both idle for `seconds`."""
    floor, floor_menu, _ = self.start_one('floor')
    applet, applet_menu, _ = self.start_one('applet')
    floor_menu.close()
    spin(2.0)  # let the last start-up work (keyring, GET) finish
    counters = {'floor': SwitchCounter(floor.pid), 'applet': SwitchCounter(applet.pid)}
    perf = {}
    if self.args.perf and shutil.which('perf'):
      for kind, proc in (('floor', floor), ('applet', applet)):
        perf[kind] = subprocess.Popen(
          ['perf', 'stat', '-x', ',', '-e', 'context-switches', '-p', str(proc.pid), '--',
           'sleep', str(seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
      spin(min(2.0, max(end - time.monotonic(), 0.01)))
      for counter in counters.values():
        counter.sample()
    out = {}
    for kind, counter in counters.items():
      total, elapsed, per_thread = counter.result()
      out[kind] = {'switches': total, 'seconds': elapsed, 'per_min': total * 60.0 / elapsed,
                   'threads': per_thread,
                   'rss_end': read_rss_kib(counter.pid)}
    for kind, p in perf.items():
      _, err = p.communicate(timeout=seconds + 30)
      for line in err.splitlines():
        fields = line.split(',')
        if len(fields) > 2 and fields[2] == 'context-switches':
          # "<not counted>": no thread of it ran at all in the window.
          count = 0.0 if fields[0] == '<not counted>' else float(fields[0])
          out[kind]['perf_per_min'] = count * 60.0 / seconds
    self.stop(floor, FLOOR_ID)
    return applet, applet_menu, out

  def wait_paced(self):
    puts = self.server.puts()
    if puts:
      left = puts[-1]['time'] + PACING + PACING_MARGIN - time.monotonic()
      if left > 0:
        spin(left)

  def wait_put(self, since, applet):
    """The first PUT after the first `since`. The server is left alone for a moment first:
    a /_test/requests query in the same Python process while the PUT arrives would delay
    the PUT's time stamp (one interpreter lock for both) and be counted against the applet."""
    spin(QUIET)

    def check():
      if applet.poll() is not None:
        raise RuntimeError('the applet exited (%s)' % applet.returncode)
      puts = self.server.puts()[since:]
      return puts[0] if puts else None
    return run_until(check, 15, 'a PUT at the server', wake=0.05)

  def wait_radio(self, menu, label):
    def only(root):
      on = [n.label for n in root.walk() if n.toggle_type == 'radio' and n.toggle_state == 1]
      return on == [label]
    menu.wait_for(only, 10, 'radio %r on' % label)

  def click(self, menu, label):
    """Open the menu as a host does, let a person's moment pass, click `label`. Returns the
    time.monotonic() taken just before the Event "clicked" went out."""
    node = menu.find(label)
    if not node.enabled:
      raise RuntimeError('menu item %r is disabled' % label)
    menu.about_to_show(0)
    menu.event(0, 'opened')
    spin(0.1)
    sent = menu.event(node.id, 'clicked')
    menu.event(0, 'closed')
    return sent

  def measure_clicks(self, applet, menu, samples):
    out = []
    current = self.server.call('GET', '/_test/presence?user=u-1') or {}
    label = 'Busy' if current.get('status') != 'Busy' else 'Available'
    for i in range(samples):
      self.wait_paced()
      since = len(self.server.puts())
      sent = self.click(menu, label)
      put = self.wait_put(since, applet)
      if (put.get('json') or {}).get('status') != label or put.get('status') != 204:
        raise RuntimeError('unexpected PUT after clicking %s: %r %r'
                           % (label, put.get('json'), put.get('status')))
      out.append(put['time'] - sent)
      self.wait_radio(menu, label)
      say('  click %2d %-9s -> PUT %.2f ms' % (i, label, out[-1] * 1000))
      label = 'Available' if label == 'Busy' else 'Busy'
    return out

  def measure_locks(self, applet, menu, samples):
    out, unlock = [], []
    # Lock sets Away over Available; unlock restores it.
    if (self.server.call('GET', '/_test/presence?user=u-1') or {}).get('status') != 'Available':
      self.wait_paced()
      since = len(self.server.puts())
      self.click(menu, 'Available')
      self.wait_put(since, applet)
    self.wait_radio(menu, 'Available')
    for i in range(samples):
      self.wait_paced()
      since = len(self.server.puts())
      sent = self.screensaver.set_active(True)
      put = self.wait_put(since, applet)
      if (put.get('json') or {}).get('status') != 'Away':
        raise RuntimeError('lock sent %r, not Away' % put.get('json'))
      out.append(put['time'] - sent)
      self.wait_radio(menu, 'Away')
      self.wait_paced()
      since = len(self.server.puts())
      sent = self.screensaver.set_active(False)
      put = self.wait_put(since, applet)
      if (put.get('json') or {}).get('status') != 'Available':
        raise RuntimeError('unlock sent %r, not Available' % put.get('json'))
      unlock.append(put['time'] - sent)
      self.wait_radio(menu, 'Available')
      say('  lock %2d -> PUT %.2f ms; unlock -> PUT %.2f ms'
          % (i, out[-1] * 1000, unlock[-1] * 1000))
    return out, unlock


def stats(values, scale=1.0):
  if not values:
    return None
  v = sorted(x * scale for x in values)
  return {'n': len(v), 'median': statistics.median(v), 'min': v[0], 'max': v[-1],
          'p90': v[min(len(v) - 1, int(round(0.9 * (len(v) - 1))))]}


def mapping_difference(mappings, top=12):
  """Where the applet's resident memory exceeds the floor's, largest first:
  [[mapping, floor KiB, applet KiB], ...]."""
  floor, applet = mappings.get('floor', {}), mappings.get('applet', {})
  names = sorted(set(floor) | set(applet),
                 key=lambda n: floor.get(n, 0) - applet.get(n, 0))
  return [[os.path.basename(n) if n.startswith('/') else n, floor.get(n, 0), applet.get(n, 0)]
          for n in names[:top] if applet.get(n, 0) > floor.get(n, 0)]


def loadavg():
  try:
    with open('/proc/loadavg') as f:
      return f.read().split()[:3]
  except OSError:
    return None


def metric(value, floor, unit, digits):
  ratio = None
  if floor is not None and value is not None and floor > 0:
    ratio = round(value / floor, 3)
  return {'value': round(value, digits) if value is not None else None,
          'floor': round(floor, digits) if floor is not None else None,
          'ratio': ratio, 'unit': unit}


def judge(key, m):
  how, limit, _ = TARGETS[key]
  if m['value'] is None:
    return None
  if how == 'ratio':
    return m['ratio'] is not None and m['ratio'] <= limit
  if how == 'floor':
    return m['floor'] is not None and m['value'] <= m['floor']
  return m['value'] < limit


def machine():
  model = None
  try:
    with open('/proc/cpuinfo') as f:
      for line in f:
        if line.startswith('model name'):
          model = line.split(':', 1)[1].strip()
          break
  except OSError:
    pass
  return {'nproc': os.cpu_count(), 'cpu_model': model, 'kernel': os.uname().release}


def print_table(result, out):
  rows = [('start-up to tray item', 'startup_ms'), ('resident memory (VmRSS)', 'rss_kib'),
          ('idle wake-ups', 'idle_wakeups_per_min'), ('click -> PUT', 'click_to_put_ms'),
          ('lock -> PUT', 'lock_to_put_ms')]
  fmt = '%-25s %10s %10s %7s  %-10s %-24s %s'
  print(fmt % ('metric', 'applet', 'floor', 'ratio', 'unit', 'target', 'met'), file=out)
  for label, key in rows:
    m = result[key]
    met = result['targets'][key]['met']
    print(fmt % (label,
                 '-' if m['value'] is None else '%g' % m['value'],
                 '-' if m['floor'] is None else '%g' % m['floor'],
                 '-' if m['ratio'] is None else '%.3f' % m['ratio'],
                 m['unit'], TARGETS[key][2],
                 '-' if met is None else ('yes' if met else 'NO')), file=out)


def main():
  parser = argparse.ArgumentParser(description='Measure the applet against the floor.')
  parser.add_argument('--prefix', default=os.environ.get('ZP_PREFIX'),
                      help='install prefix of the applet (bin/zoom-presence)')
  parser.add_argument('--floor', default=os.environ.get('ZP_BENCH_FLOOR'),
                      help='the floor program built by meson')
  parser.add_argument('--quick', action='store_true', help='a short smoke run')
  parser.add_argument('--json', action='store_true', help='print JSON instead of a table')
  parser.add_argument('--runs', type=int, help='start-up runs of each program (default 21)')
  parser.add_argument('--samples', type=int, help='clicks and locks (default 21)')
  parser.add_argument('--idle', type=float, help='idle window in seconds (default 60)')
  parser.add_argument('--no-perf', dest='perf', action='store_false',
                      help='do not cross-check the idle count with perf stat')
  args = parser.parse_args()
  if not args.prefix or not args.floor:
    parser.error('--prefix and --floor are needed (or ZP_PREFIX and ZP_BENCH_FLOOR)')
  if not os.environ.get('ZP_SESSION_DIR'):
    parser.error('run inside tests/zp-session-run (tools/bench does)')
  runs = args.runs or (5 if args.quick else 21)
  samples = args.samples or (5 if args.quick else 21)
  idle = args.idle or (10.0 if args.quick else 60.0)

  bench = Bench(args)
  began = time.monotonic()
  load_start = loadavg()
  applet = None
  try:
    bench.setup()
    overhead = bench.server.receive_overhead(10)
    say('start-up: %d runs each' % runs)
    startup = bench.measure_startup(runs)
    rss_diff = mapping_difference(bench.mappings)
    say('idle: %.0f s, floor and applet side by side' % idle)
    applet, menu, idle_out = bench.measure_idle(idle)
    say('click -> PUT: %d samples' % samples)
    clicks = bench.measure_clicks(applet, menu, samples)
    say('lock -> PUT: %d samples' % samples)
    locks, unlocks = bench.measure_locks(applet, menu, samples)
    menu.close()
    bench.stop(applet, APP_ID)
  finally:
    if applet is not None and applet.poll() is None:
      applet.kill()
    bench.teardown()

  s = {kind: {k: stats(v, 1000.0 if k != 'rss' else 1.0) for k, v in fig.items()}
       for kind, fig in startup.items()}
  result = {
    'startup_ms': metric(s['applet']['startup']['median'], s['floor']['startup']['median'],
                         'ms', 1),
    'rss_kib': metric(s['applet']['rss']['median'], s['floor']['rss']['median'], 'KiB', 0),
    'idle_wakeups_per_min': metric(idle_out['applet']['per_min'], idle_out['floor']['per_min'],
                                   'per min', 1),
    'click_to_put_ms': metric(stats(clicks, 1000.0)['median'], None, 'ms', 2),
    'lock_to_put_ms': metric(stats(locks, 1000.0)['median'], None, 'ms', 2),
  }
  result['targets'] = {key: {'target': TARGETS[key][2], 'met': judge(key, result[key])}
                       for key in TARGETS}
  result['details'] = {
    'machine': machine(),
    'mode': 'quick' if args.quick else 'full',
    'seconds': round(time.monotonic() - began, 1),
    'wakeup_method': 'voluntary+nonvoluntary_ctxt_switches summed over /proc/PID/task/*/status',
    'startup_ms': s,
    'idle': {kind: {k: (round(v, 2) if isinstance(v, float) else v)
                    for k, v in d.items()} for kind, d in idle_out.items()},
    'click_to_put_ms': stats(clicks, 1000.0),
    'lock_to_put_ms': stats(locks, 1000.0),
    'unlock_to_put_ms': stats(unlocks, 1000.0),
    'server_receive_ms': stats(overhead, 1000.0),
    'rss_above_floor_kib': rss_diff,
    'loadavg': {'start': load_start, 'end': loadavg()},
  }
  if args.json:
    json.dump(result, sys.stdout, indent=2, sort_keys=False)
    print()
  else:
    print_table(result, sys.stdout)
    d = result['details']
    print('\nmachine: %d CPUs, %s' % (d['machine']['nproc'], d['machine']['cpu_model']))
    for name in ('click_to_put_ms', 'lock_to_put_ms', 'unlock_to_put_ms', 'server_receive_ms'):
      st = d[name]
      print('%-18s n=%d median %.2f  min %.2f  p90 %.2f  max %.2f ms'
            % (name, st['n'], st['median'], st['min'], st['p90'], st['max']))
    print('resident memory above the floor, by mapping (KiB floor -> applet): %s'
          % ', '.join('%s %d->%d' % tuple(r) for r in d['rss_above_floor_kib']))
    print('load average at start %s, at end %s'
          % (' '.join(d['loadavg']['start'] or []), ' '.join(d['loadavg']['end'] or [])))
    ready = d['startup_ms']['applet']['ready']
    print('applet ready (menu shows Zoom\'s status): median %.1f ms' % ready['median'])
    for kind in ('floor', 'applet'):
      i = d['idle'][kind]
      busy = sorted(i['threads'].items(), key=lambda kv: -kv[1])
      print('idle %-6s %d switches in %.1f s%s; by thread: %s'
            % (kind, i['switches'], i['seconds'],
               ', perf %.1f/min' % i['perf_per_min'] if i.get('perf_per_min') is not None
               else '', ', '.join('%s %d' % kv for kv in busy)))


if __name__ == '__main__':
  main()
