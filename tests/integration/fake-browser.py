#!/usr/bin/python3
# fake-browser.py: the test session's web browser: follows an address like a browser would.
# Copyright 2026 The Zoom Presence authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Started by GIO as the default handler for http and https (mimeapps.list in the test HOME).
# GETs the address; on a redirect GETs the new address, and so on, a few times. Talks only to
# 127.0.0.1. Writes what it saw, as one JSON object per visit, to $ZP_BROWSER_RECORD: that file
# holds the authorization code and is read by the test, never printed.

import http.client
import json
import os
import sys
import urllib.parse

MAX_HOPS = 5


def get(url):
  parts = urllib.parse.urlsplit(url)
  if parts.scheme != 'http' or parts.hostname != '127.0.0.1':
    raise SystemExit('fake-browser: refusing to visit anything but http://127.0.0.1')
  conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
  path = parts.path + ('?' + parts.query if parts.query else '')
  conn.request('GET', path, headers={'User-Agent': 'zp-fake-browser'})
  reply = conn.getresponse()
  body = reply.read().decode('utf-8', 'replace')
  location = reply.getheader('Location')
  conn.close()
  return reply.status, location, body


def main():
  url = sys.argv[1]
  hops = []
  for _ in range(MAX_HOPS):
    status, location, body = get(url)
    hops.append({'url': url, 'status': status, 'location': location, 'body': body})
    if status not in (301, 302, 303, 307, 308) or not location:
      break
    url = urllib.parse.urljoin(url, location)
  with open(os.environ['ZP_BROWSER_RECORD'], 'a', encoding='utf-8') as record:
    record.write(json.dumps({'hops': hops}) + '\n')
  print('fake-browser: %d hop(s), last status %d' % (len(hops), hops[-1]['status']))


if __name__ == '__main__':
  main()
