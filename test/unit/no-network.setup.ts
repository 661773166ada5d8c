/**
 * Setup file of the `unit` project: unit tests cannot open sockets.
 *
 * A unit test that reached the network (a real JWKS endpoint, a DynamoDB endpoint from the
 * environment, a server of its own) would pass or fail with the machine it runs on, and would
 * belong in `integration`, which starts real servers on 127.0.0.1 on purpose. So every way out
 * throws here, before any byte leaves: an outbound connection by `net`, `tls`, `http`, `https` or
 * `fetch` (all of them connect through `net.Socket`), and a server's `listen`. Patched on the
 * prototypes, so a socket a library creates is refused as well as one a test creates.
 */
import dgram from 'node:dgram';
import net from 'node:net';

const PATCHED = Symbol.for('tollbooth.unit.networkRefused');

/** Thrown by every refused attempt; the message names the test suite the attempt belongs in. */
export class NetworkRefusedError extends Error {
  constructor(what: string) {
    super(`unit tests cannot use the network (${what}): pass a double through deps, or move the test to test/integration`);
    this.name = 'NetworkRefusedError';
  }
}

function refuse(what: string): never {
  throw new NetworkRefusedError(what);
}

const marker = globalThis as { [PATCHED]?: true };
if (!marker[PATCHED]) {
  marker[PATCHED] = true;
  net.Socket.prototype.connect = function connect(): never {
    return refuse('outbound connection');
  };
  net.Server.prototype.listen = function listen(): never {
    return refuse('server listen');
  };
  dgram.Socket.prototype.bind = function bind(): never {
    return refuse('UDP bind');
  };
  dgram.Socket.prototype.send = function send(): never {
    return refuse('UDP send');
  };
}
