/** The nginx configuration pushbench runs nchan with, and the one line a machine without nchan gets. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnvironmentError, EXIT } from '../harness/errors.js';
import { findNchan, nchanConfig, NCHAN_PATHS } from '../harness/servers/nchan/server.js';

test('nchan config: daemon off, workers and descriptors from the plan, logs under the prefix, loopback only, every location', () => {
  const conf = nchanConfig({ prefix: '/x/p', module: '/m/ngx_nchan_module.so', host: '127.0.0.1', port: 8123, workers: 3, fds: 5000, messages: 600, longPollTimeoutS: 30, payloadBytes: 21 });
  assert.match(conf, /^load_module \/m\/ngx_nchan_module\.so;$/m);
  assert.match(conf, /^daemon off;$/m);
  assert.match(conf, /^worker_processes 3;$/m);
  assert.match(conf, /^worker_rlimit_nofile 5000;$/m);
  assert.match(conf, /worker_connections 10000;/);
  assert.match(conf, /^error_log \/x\/p\/error\.log warn;$/m);
  assert.match(conf, /^pid \/x\/p\/nginx\.pid;$/m);
  assert.match(conf, /listen 127\.0\.0\.1:8123 reuseport backlog=65535;/);
  assert.doesNotMatch(conf, /listen (?!127\.0\.0\.1)/);
  assert.match(conf, /nchan_message_buffer_length 610;/);
  assert.match(conf, /location = \/pub \{ nchan_publisher; \}/);
  for (const [sub, where] of [['intervalpoll', NCHAN_PATHS['short-polling']], ['longpoll', NCHAN_PATHS['long-polling']], ['eventsource', NCHAN_PATHS.sse], ['http-raw-stream', NCHAN_PATHS['http-streaming']], ['websocket', NCHAN_PATHS.websocket]]) {
    assert.match(conf, new RegExp(`location = ${where} \\{ nchan_subscriber ${sub};`));
  }
  assert.match(conf, /nchan_subscriber_timeout 30s;/);
  // Without a module file nchan is built in: nothing to load. One worker needs no reuseport.
  const one = nchanConfig({ prefix: '/x', module: null, host: '::1', port: 1, workers: 1, fds: 100, messages: 1, longPollTimeoutS: 1, payloadBytes: 21 });
  assert.doesNotMatch(one, /load_module/);
  assert.match(one, /listen \[::1\]:1 backlog=65535;/);
});

test('a machine without nginx or its nchan module gets one line naming the package, and exit 3', () => {
  assert.throws(
    () => findNchan(['/nonexistent/nginx']),
    (e: Error) => e instanceof EnvironmentError && e.exitCode === EXIT.environment && !e.message.includes('\n') && e.message.includes('apt-get install -y libnginx-mod-nchan'),
  );
});
