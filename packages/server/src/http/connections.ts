import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Requests in flight per connection, so shutdown can drop idle keep-alive connections at once.
 * Node's own closeIdleConnections() leaves some behind (seen after a client aborted an event
 * stream), and close() then waits for the client's keep-alive timeout.
 */
export class ConnectionTracker {
  private readonly inFlight = new Map<Socket, number>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.inFlight.set(socket, 0);
      socket.once('close', () => this.inFlight.delete(socket));
    });
    server.on('request', (req, res) => {
      const socket = req.socket;
      this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
      res.once('close', () => {
        const n = this.inFlight.get(socket);
        if (n !== undefined) this.inFlight.set(socket, n - 1);
      });
    });
  }

  /** Ends every connection with no request in flight. */
  closeIdle(): void {
    for (const [socket, n] of this.inFlight) if (n <= 0) socket.destroy();
  }
}
