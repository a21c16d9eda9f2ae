# waiting.py: wait for a condition by running the GLib main loop, with a deadline.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later

import time

from gi.repository import GLib


class Timeout(AssertionError):
  """A condition did not come true in time."""


def run_until(predicate, timeout, what, wake=0.05):
  """Iterate the default main context until predicate() returns a true value.

  D-Bus calls and signals arrive through the main context; `wake` also
  re-checks the predicate that often, for conditions that live in other
  processes (the test server's request log). Returns the predicate's value,
  raises Timeout with `what` after `timeout` seconds.
  """
  ctx = GLib.MainContext.default()
  deadline = time.monotonic() + timeout
  ticker = GLib.timeout_add(max(1, int(wake * 1000)), lambda: True)
  try:
    while True:
      value = predicate()
      if value:
        return value
      if time.monotonic() >= deadline:
        raise Timeout('timed out after %.1f s waiting for %s' % (timeout, what))
      ctx.iteration(True)
  finally:
    GLib.source_remove(ticker)


def spin(seconds):
  """Run the main loop for a fixed time (only to let a rate window pass)."""
  end = time.monotonic() + seconds
  run_until(lambda: time.monotonic() >= end, seconds + 5, 'the clock')
