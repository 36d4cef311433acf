/**
 * The contract every server kind must meet, for real at about 100 clients: every message delivered exactly once, and
 * every byte counted at the clients' sockets equal to the dialect's wire model. nchan is skipped, with the reason,
 * only where nginx with the module is missing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findNchan, NCHAN_INSTALL } from '../harness/servers/nchan/server.js';
import { KIND_TRANSPORTS } from '../harness/servers/kinds.js';
import { execFileSync } from 'node:child_process';
import { assertDelivered, runKind } from './servers-helpers.js';

let nchanMissing: string | false = false;
try {
  findNchan();
} catch {
  nchanMissing = `nginx with the nchan module is not installed (${NCHAN_INSTALL})`;
}

for (const transport of KIND_TRANSPORTS.nchan) {
  test(`nchan ${transport}: every message once, bytes equal the model, nginx measured by PID`, { skip: nchanMissing }, async () => {
    const run = await runKind('nchan', transport);
    assertDelivered(run, 'nchan');
    assert.ok(run.server.maxRssBytes > 1e6, 'nginx memory read from /proc');
    assert.equal(run.wire.clientsMatchServer, undefined, 'nginx counts no bytes of ours');
    // nginx is gone with the run: no process still runs from the generated configuration's prefix.
    assert.equal(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes('pushbench-nchan-'), false, 'nginx stopped');
  });
}

for (const transport of KIND_TRANSPORTS.socketio) {
  test(`socketio ${transport}: every message once, bytes equal the model, both ends count the same bytes`, async () => {
    const run = await runKind('socketio', transport);
    assertDelivered(run, 'socketio');
    assert.equal(run.wire.clientsMatchServer, true, 'the Socket.IO server counted the bytes the clients did');
    // A feed event `42["m","BODY"]` costs 10 bytes of Socket.IO over the body; over WebSocket 2 more of frame header.
    if (transport === 'websocket') assert.equal(run.wire.perMessage.s2cOverheadBytes, 12);
    assert.ok(run.server.cpuSeconds > 0);
  });
}
