# harness.py: run the installed applet against the test server in a private session.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A Harness starts, in the private session that tests/zp-session-run made:
# the embedded Zoom test server, a StatusNotifierWatcher (in this process), a
# dbusmock notification daemon, the settings, a token stored with
# `zoom-presence --set-token`, and the installed applet; then waits for the
# applet's tray item. Every process writes into its own log file under
# $ZP_SESSION_DIR/logs; the logs are printed into the test log at the end.

import json
import os
import secrets
import signal
import statistics
import sys
import time
import unittest
import urllib.error
import urllib.request

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

from dbusmenu import Menu  # noqa: E402
from snwatcher import Watcher  # noqa: E402
from waiting import Timeout, run_until, spin  # noqa: E402

APP_ID = 'io.github.zoompresence.ZoomPresence'
ICON_PREFIX = APP_ID + '-'
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.get('ZP_SOURCE_ROOT') or os.path.dirname(os.path.dirname(HERE))
NOTIFY_NAME = 'org.freedesktop.Notifications'
NOTIFY_PATH = '/org/freedesktop/Notifications'
MOCK_IFACE = 'org.freedesktop.DBus.Mock'

# Start-up of a GTK program on a busy 2-core CI machine can be slow.
START_TIMEOUT = float(os.environ.get('ZP_START_TIMEOUT', '30'))
REQUEST_TIMEOUT = 15


def say(*args):
  print(*args, flush=True)


def ensure_session():
  """Re-run this script inside tests/zp-session-run when started outside one."""
  if os.environ.get('ZP_SESSION_DIR'):
    return
  wrapper = os.path.join(SOURCE_ROOT, 'tests', 'zp-session-run')
  say('not in a private session: re-running inside %s' % wrapper)
  os.execv(wrapper, [wrapper, '--', sys.executable] + sys.argv)


def new_token():
  return 'zpt-' + secrets.token_hex(20)


class Proc:
  """A long-running child with stdout and stderr in one log file."""

  def __init__(self, name, argv, env, log_dir, stdin_pipe=False):
    self.name = name
    self.argv = argv
    self.log_path = os.path.join(log_dir, name + '.log')
    self.exit_status = None
    launcher = Gio.SubprocessLauncher.new(
      Gio.SubprocessFlags.STDERR_MERGE
      | (Gio.SubprocessFlags.STDIN_PIPE if stdin_pipe else Gio.SubprocessFlags.NONE))
    launcher.set_environ(['%s=%s' % kv for kv in env.items()])
    # Append: a restarted applet keeps the earlier run's log.
    with open(self.log_path, 'a') as log:
      log.write('==== %s: %s\n' % (name, ' '.join(argv)))
    fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND)
    launcher.take_stdout_fd(fd)
    self.proc = launcher.spawnv(argv)
    self.pid = int(self.proc.get_identifier())
    self.proc.wait_async(None, self._on_exit)

  def _on_exit(self, proc, result):
    try:
      proc.wait_finish(result)
    except GLib.Error:
      pass
    self.exit_status = proc.get_status()

  @property
  def alive(self):
    return self.exit_status is None

  def check_alive(self):
    if not self.alive:
      raise AssertionError('%s exited (wait status %d); its log:\n%s'
                           % (self.name, self.exit_status, self.read_log()))

  def read_log(self):
    try:
      with open(self.log_path, errors='replace') as f:
        return f.read()
    except OSError:
      return ''

  def stop(self, timeout=5):
    if not self.alive:
      return
    self.proc.send_signal(signal.SIGTERM)
    try:
      run_until(lambda: not self.alive, timeout, '%s to exit' % self.name)
    except Timeout:
      say('%s ignored SIGTERM, killing it' % self.name)
      self.proc.force_exit()
      run_until(lambda: not self.alive, timeout, '%s to die' % self.name)


class Result:
  def __init__(self, argv, status, out, err):
    self.argv = argv
    self.status = status
    self.out = out
    self.err = err

  def __repr__(self):
    return ('%s -> exit %d\n  stdout: %r\n  stderr: %r'
            % (' '.join(self.argv), self.status, self.out, self.err))


class Server:
  """The control side of tests/zoom-test-server."""

  def __init__(self, port):
    self.port = port
    self.base_url = 'http://127.0.0.1:%d' % port
    self.api_url = self.base_url + '/v2'

  def call(self, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                 headers={'Content-Type': 'application/json'})
    try:
      with urllib.request.urlopen(req, timeout=10) as reply:
        text = reply.read().decode()
    except urllib.error.HTTPError as e:
      raise AssertionError('test server refused %s %s: %d %s'
                           % (method, path, e.code, e.read().decode(errors='replace')))
    return json.loads(text) if text.strip() else None

  def reset(self):
    self.call('POST', '/_test/reset', {})

  def add_token(self, token, kind='user', user='u-1'):
    self.call('POST', '/_test/tokens', {'token': token, 'user': user, 'kind': kind,
                                        'expires_in': None})

  def set_presence(self, status, duration=None, user='u-1'):
    body = {'user': user, 'status': status}
    if duration is not None:
      body['duration'] = duration
    self.call('POST', '/_test/presence', body)

  def presence(self, user='u-1'):
    return self.call('GET', '/_test/presence?user=' + user)

  def add_fault(self, **fault):
    self.call('POST', '/_test/faults', {'faults': [fault]})

  def config(self, **config):
    self.call('POST', '/_test/config', config)

  def requests(self, method=None):
    reqs = self.call('GET', '/_test/requests')
    if isinstance(reqs, dict):
      reqs = reqs.get('requests', [])
    return [r for r in reqs if method is None or r['method'] == method]

  def puts(self):
    return self.requests('PUT')


def header(request, name):
  for key, value in request['headers'].items():
    if key.lower() == name.lower():
      return value
  return None


class Harness:
  """Everything one integration test needs. Use start() / stop(), or `with`."""

  servers_started = 0

  def __init__(self, token=True, settings=None, rate_window=0, dump_logs=True):
    ensure_session()
    self.dump_logs_at_stop = dump_logs
    self.session_dir = os.environ['ZP_SESSION_DIR']
    self.token = new_token() if token else None
    self.settings = {
      'min-update-interval': '1',
      'notify-errors': 'true',
      'away-on-lock': 'false',
    }
    self.settings.update(settings or {})
    self.rate_window = rate_window
    self.procs = []
    self.applet = None
    self.watcher = None
    self.menu = None
    self.item = None
    self.server = None
    self.commands = 0
    prefix = os.environ.get('ZP_PREFIX', '')
    self.binary = os.path.join(prefix, 'bin', 'zoom-presence')
    if not prefix or not os.access(self.binary, os.X_OK):
      raise RuntimeError(
        'the installed applet %s is missing (ZP_PREFIX=%r): run meson install first '
        '(tools/test does)' % (self.binary, prefix))
    self.schema_dir = os.path.join(prefix, 'share', 'glib-2.0', 'schemas')
    if not os.path.exists(os.path.join(self.schema_dir, 'gschemas.compiled')):
      raise RuntimeError('no compiled schemas in %s: run meson install first (tools/test does)'
                         % self.schema_dir)
    self.log_dir = os.path.join(self.session_dir, 'logs')
    os.makedirs(self.log_dir, exist_ok=True)
    self.env = dict(os.environ)
    self.env.update({
      'GSETTINGS_SCHEMA_DIR': self.schema_dir,
      'GSETTINGS_BACKEND': 'keyfile',
      'XDG_DATA_DIRS': ':'.join([os.path.join(prefix, 'share'),
                                 os.environ.get('XDG_DATA_DIRS') or '/usr/local/share:/usr/share']),
      'G_MESSAGES_DEBUG': 'all',
      'PYTHONUNBUFFERED': '1',
    })
    # Only the applet's own processes run with criticals made fatal
    # (ZP_FATAL_CRITICALS=0 turns that off while hunting a bug).
    self.zp_env = dict(self.env)
    if os.environ.get('ZP_FATAL_CRITICALS', '1') != '0':
      self.zp_env['G_DEBUG'] = 'fatal-criticals'
    os.environ.update({k: self.env[k] for k in ('GSETTINGS_SCHEMA_DIR', 'XDG_DATA_DIRS')})
    self.conn = Gio.bus_get_sync(Gio.BusType.SESSION, None)

  # ---- lifetime ------------------------------------------------------------------------------

  def __enter__(self):
    self.start()
    return self

  def __exit__(self, *exc):
    self.stop()

  def start(self, applet=True):
    self.start_server()
    self.start_notification_daemon()
    self.watcher = Watcher(self.conn, log=self.note)
    for key, value in self.settings.items():
      self.gsettings_set(key, value)
    self.gsettings_set('api-base-url', self.server.api_url)
    if self.token:
      self.server.add_token(self.token)
      self.set_token(self.token)
    if applet:
      self.start_applet()

  def stop(self):
    if self.menu:
      self.menu.close()
      self.menu = None
    for proc in reversed(self.procs):
      try:
        proc.stop()
      except Exception as e:  # keep stopping the others
        say('could not stop %s: %s' % (proc.name, e))
    if self.watcher:
      self.watcher.close()
    if self.dump_logs_at_stop:
      self.dump_logs()

  def note(self, text):
    with open(os.path.join(self.log_dir, 'harness.log'), 'a') as f:
      f.write('%.3f %s\n' % (time.monotonic(), text))

  def dump_logs(self):
    for name in sorted(os.listdir(self.log_dir)):
      with open(os.path.join(self.log_dir, name), errors='replace') as f:
        text = f.read()
      say('\n---------- log: %s (%d bytes) ----------' % (name, len(text)))
      # The applet at G_MESSAGES_DEBUG=all can be chatty; keep the test log readable.
      lines = text.splitlines()
      if len(lines) > 1500:
        say("[... %d earlier lines left out ...]" % (len(lines) - 1500))
        lines = lines[-1500:]
      say('\n'.join(lines))

  def spawn(self, name, argv, env=None, **kw):
    proc = Proc(name, argv, env or self.env, self.log_dir, **kw)
    self.procs.append(proc)
    self.note('started %s (pid %d): %s' % (name, proc.pid, ' '.join(argv)))
    return proc

  # ---- the parts -----------------------------------------------------------------------------

  def start_server(self):
    path = os.environ.get('ZP_TEST_SERVER') or os.path.join(SOURCE_ROOT, 'tests',
                                                            'zoom-test-server')
    # Several harnesses may share one session: each its own port file.
    Harness.servers_started += 1
    port_file = os.path.join(self.session_dir, 'server-%d-%d.port'
                             % (os.getpid(), Harness.servers_started))
    proc = self.spawn('zoom-test-server', ['/usr/bin/python3', path, '--port', '0',
                                           '--port-file', port_file,
                                           '--rate-window', str(self.rate_window)])

    def port():
      proc.check_alive()
      try:
        with open(port_file) as f:
          text = f.read().strip()
        return int(text) if text else None
      except (OSError, ValueError):
        return None
    self.server = Server(run_until(port, START_TIMEOUT, 'the test server port'))
    self.server_proc = proc

  def start_notification_daemon(self):
    proc = self.spawn('notification-daemon', ['/usr/bin/python3', '-m', 'dbusmock',
                                              '--template', 'notification_daemon'])

    def owned():
      proc.check_alive()
      reply = self.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                  'org.freedesktop.DBus', 'NameHasOwner',
                                  GLib.Variant('(s)', (NOTIFY_NAME,)), None,
                                  Gio.DBusCallFlags.NONE, 5000, None)
      return reply.unpack()[0]
    run_until(owned, START_TIMEOUT, 'the dbusmock notification daemon')

  def gsettings_set(self, key, value):
    env = dict(self.env)
    env.pop('G_MESSAGES_DEBUG', None)
    res = self.run(['gsettings', 'set', APP_ID, key, value], log_name='gsettings', env=env)
    if res.status != 0:
      raise AssertionError('gsettings set %s failed: %r' % (key, res))

  def set_token(self, token):
    res = self.zp('--set-token', stdin=token + '\n', debug=True)
    if res.status != 0:
      raise AssertionError('zoom-presence --set-token failed: %r' % res)
    return res

  def start_applet(self):
    # The watcher keeps only live items; a restarted applet registers anew.
    self.watcher.items = []
    self.applet = self.spawn('applet', [self.binary], env=self.zp_env)
    self.item = self.watcher.wait_for_item(START_TIMEOUT, alive=self.applet.check_alive)
    self.menu = Menu(self.conn, self.item.bus_name, self.item.menu_path, log=self.note)
    # Ready once it read the keyring: signed in, the status items are enabled
    # and the status Zoom reported is on; signed out, the menu says so.
    # (Language-independent: tests in other languages use this too.)
    def ready(root):
      radios = [n for n in root.walk() if n.toggle_type == 'radio']
      if not radios:
        return False
      if not self.token:
        return not any(n.enabled for n in radios) and \
          self.item.icon_name == ICON_PREFIX + 'signed-out'
      return all(n.enabled for n in radios) and any(n.toggle_state == 1 for n in radios)
    try:
      self.menu.wait_for(ready, START_TIMEOUT, 'the tray menu to be ready')
    except Timeout:
      self.applet.check_alive()
      raise AssertionError('the applet did not get ready; its menu:\n%s'
                           % self.menu.layout().describe())
    return self.applet

  def restart_applet(self):
    self.quit_applet()
    return self.start_applet()

  def quit_applet(self):
    if self.menu:
      self.menu.close()
      self.menu = None
    if self.applet and self.applet.alive:
      res = self.zp('--quit')
      self.note('--quit: %r' % res)
      try:
        run_until(lambda: not self.applet.alive, 10, 'the applet to quit')
      except Timeout:
        self.applet.stop()
    self.procs = [p for p in self.procs if p is not self.applet]
    self.applet = None
    run_until(lambda: not self.watcher.items, 10, 'the tray item to go away')

  # ---- commands ------------------------------------------------------------------------------

  def run(self, argv, stdin=None, timeout=REQUEST_TIMEOUT + 10, log_name='command', env=None):
    """Run a short command with the main loop running; returns a Result."""
    flags = Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE
    flags |= Gio.SubprocessFlags.STDIN_PIPE if stdin is not None else Gio.SubprocessFlags.NONE
    launcher = Gio.SubprocessLauncher.new(flags)
    launcher.set_environ(['%s=%s' % kv for kv in (env or self.env).items()])
    proc = launcher.spawnv(argv)
    self.commands += 1
    done = []

    def finished(p, result):
      try:
        _, out, err = p.communicate_utf8_finish(result)
        done.append((out or '', err or ''))
      except GLib.Error as e:
        done.append(('', 'communicate failed: %s' % e.message))
    proc.communicate_utf8_async(stdin, None, finished)
    try:
      run_until(lambda: done, timeout, ' '.join(argv))
    except Timeout:
      proc.force_exit()
      raise
    proc.wait()
    out, err = done[0]
    # A signal shows as its negative number, like subprocess does.
    status = proc.get_exit_status() if proc.get_if_exited() else -proc.get_term_sig()
    res = Result(argv, status, out, err)
    # The input is never logged: it may be a token.
    with open(os.path.join(self.log_dir, log_name + '.log'), 'a') as log:
      log.write('%r\n' % res)
    return res

  def zp(self, *args, stdin=None, timeout=REQUEST_TIMEOUT + 10, debug=False):
    """Run the installed zoom-presence. GLib prints debug messages on stdout,
    so only runs whose output is not parsed have debug=True."""
    env = dict(self.zp_env)
    if not debug:
      env.pop('G_MESSAGES_DEBUG', None)
    return self.run([self.binary] + list(args), stdin=stdin, timeout=timeout,
                    log_name='zoom-presence-cli', env=env)

  # ---- observing -----------------------------------------------------------------------------

  def check_alive(self):
    self.applet.check_alive()
    # Not only alive: still answering its menu over D-Bus.
    self.menu.layout()

  def wait_for_puts(self, count, since=0, timeout=REQUEST_TIMEOUT):
    """Wait until the server received `count` PUTs after the first `since` ones."""
    def check():
      if self.applet:
        self.applet.check_alive()
      puts = self.server.puts()[since:]
      return puts if len(puts) >= count else None
    return run_until(check, timeout, '%d PUT request(s) at the test server' % count)

  def wait_for_icon(self, suffix, timeout=10):
    want = ICON_PREFIX + suffix
    seen = []

    def check():
      self.applet.check_alive()
      seen.append(self.item.icon_name)
      return seen[-1] == want
    try:
      run_until(check, timeout, 'IconName %s' % want, wake=0.1)
    except Timeout:
      raise AssertionError('IconName is %r, expected %r' % (seen[-1] if seen else None, want))

  def notifications(self):
    """Notify calls the mock daemon received: list of dicts."""
    reply = self.conn.call_sync(NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE, 'GetMethodCalls',
                                GLib.Variant('(s)', ('Notify',)), None,
                                Gio.DBusCallFlags.NONE, 5000, None)
    calls = []
    for stamp, args in reply.unpack()[0]:
      app, replaces, icon, summary, body, actions, hints, expire = args
      calls.append({'time': stamp, 'app_name': app, 'replaces_id': replaces, 'icon': icon,
                    'summary': summary, 'body': body, 'actions': actions, 'hints': hints})
    return calls

  def clear_notifications(self):
    self.conn.call_sync(NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE, 'ClearCalls', None, None,
                        Gio.DBusCallFlags.NONE, 5000, None)

  def wait_for_notification(self, since=0, timeout=REQUEST_TIMEOUT):
    def check():
      self.applet.check_alive()
      calls = self.notifications()[since:]
      return calls if calls else None
    return run_until(check, timeout, 'a notification', wake=0.1)

  def wait_until_paced(self, interval=1.0, margin=0.3):
    """Let the applet's min-update-interval pass since the last PUT, so the
    next change goes out at once (only used by the latency measurement)."""
    puts = self.server.puts()
    if puts:
      left = puts[-1]['time'] + interval + margin - time.monotonic()
      if left > 0:
        spin(left)


def summarize_ms(name, samples):
  """Print a latency series as numbers (measured, never asserted)."""
  if not samples:
    return
  ms = [s * 1000 for s in samples]
  say('%s: n=%d median=%.1f ms min=%.1f ms max=%.1f ms (all: %s)'
      % (name, len(ms), statistics.median(ms), min(ms), max(ms),
         ', '.join('%.1f' % m for m in ms)))


def main():
  """Run this file's unittest cases inside a private session."""
  ensure_session()
  sys.stdout.reconfigure(line_buffering=True)
  program = unittest.main(module='__main__', verbosity=2, exit=False)
  result = program.result
  ok = result.wasSuccessful()
  if ok and result.testsRun and len(result.skipped) == result.testsRun:
    sys.exit(77)  # everything skipped: meson's SKIP
  sys.exit(0 if ok else 1)


# ---- test case support ---------------------------------------------------------------------

# Menu label -> (Zoom API name, icon name suffix), as the design and zp-status say.
STATUSES = {
  'Available': ('Available', 'available'),
  'Away': ('Away', 'away'),
  'Do not disturb': ('Do_Not_Disturb', 'do-not-disturb'),
  'Busy': ('Busy', 'busy'),
  'Out of office': ('Out_of_Office', 'out-of-office'),
  'In a calendar event': ('In_Calendar_Event', 'in-calendar-event'),
  'Presenting': ('Presenting', 'presenting'),
  'In a Zoom meeting': ('In_A_Zoom_Meeting', 'in-meeting'),
  'On a call': ('On_A_Call', 'on-a-call'),
}
PRESENCE_PATH = '/v2/users/me/presence_status'


class AppletTestCase(unittest.TestCase):
  """One Harness (server, watcher, notification daemon, applet) per test class."""

  harness_args = {}
  start_applet = True

  @classmethod
  def setUpClass(cls):
    cls.h = Harness(**cls.harness_args)
    try:
      cls.h.start(applet=cls.start_applet)
    except BaseException:
      cls.h.stop()
      raise

  @classmethod
  def tearDownClass(cls):
    cls.h.stop()

  # Assertions shared by the test files.

  def assert_presence_put(self, request, body):
    """One PUT as the issue wants it: path, exact JSON, content type, bearer token."""
    self.assertEqual(request['method'], 'PUT')
    self.assertEqual(request['path'], PRESENCE_PATH)
    self.assertEqual(request['json'], body, 'body was %r' % request['body'])
    ctype = header(request, 'Content-Type') or ''
    self.assertEqual(ctype.split(';')[0].strip().lower(), 'application/json')
    # Compared, never printed: a failure message must not carry the token.
    self.assertTrue(header(request, 'Authorization') == 'Bearer ' + self.h.token,
                    'the Authorization header is not "Bearer <the stored token>"')

  def assert_radio(self, label):
    """Exactly the radio item `label` is on (waits for the menu to catch up)."""
    def only(root):
      on = [n.label for n in root.walk() if n.toggle_type == 'radio' and n.toggle_state == 1]
      return on == [label]
    try:
      self.h.menu.wait_for(only, 10, 'radio %r on' % label)
    except Timeout:
      self.fail('radio %r is not the only one on:\n%s' % (label, self.h.menu.layout().describe()))

  def assert_icon_installed(self, icon_name):
    base = os.path.join(os.environ['ZP_PREFIX'], 'share', 'icons', 'hicolor')
    found = []
    for root, _, files in os.walk(base):
      found += [f for f in files if os.path.splitext(f)[0] == icon_name]
    self.assertTrue(found, 'icon %s is not installed under %s' % (icon_name, base))
