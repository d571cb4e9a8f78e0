/**
 * A cluster's endpoint: the TCP port DescribeCluster and the kubeconfig name, open from the
 * moment the cluster is provisioned, in front of a control plane that is brought up when first
 * used. An idle cluster then costs one listening socket instead of an API server, ~17
 * controllers and a data plane (~150 ms of CPU to start and several MB to keep), which is what
 * lets hundreds of clusters be created per second; the first connection waits for the bring-up
 * (tens of ms), as a client of a just-created EKS cluster could never tell.
 *
 * Connections are accepted paused and handed, still unread, to the control plane's HTTPS server
 * ({@link acceptHandedOff}), which does TLS and HTTP as if it had accepted them itself.
 */
import net, { type Socket } from 'node:net';
import type https from 'node:https';
import type { Logger } from '../lib/logger.js';

export interface ClusterEndpointOptions {
  host: string;
  /** The port to take; 0 for any. A recorded port found taken falls back to any (logged). */
  port: number;
  log: Logger;
  /** Gets each new connection, paused; must hand it on or destroy it. */
  onConnection(socket: Socket): void;
}

export class ClusterEndpoint {
  private constructor(private readonly server: net.Server) {}

  static async open(opts: ClusterEndpointOptions): Promise<ClusterEndpoint> {
    const server = net.createServer({ pauseOnConnect: true }, (socket) => {
      // Until the control plane takes it, a reset by the client must not be an unhandled error.
      socket.on('error', () => socket.destroy());
      opts.onConnection(socket);
    });
    await listen(server, opts.port, opts.host).catch(async (err: NodeJS.ErrnoException) => {
      // The recorded port was taken while we were down: take another (the endpoint changes).
      if (err.code !== 'EADDRINUSE' || opts.port === 0) throw err;
      opts.log.warn({ port: opts.port }, 'recorded port in use; the endpoint changes');
      await listen(server, 0, opts.host);
    });
    return new ClusterEndpoint(server);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** Stops accepting (connections already handed on are their server's to close). */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Makes `server`, which never listens itself, serve the connections given to the returned
 * function. Node starts tracking an HTTP server's connections (what `closeAllConnections` closes,
 * and the headers/request timeout checks run over) on its 'listening' event, so it is emitted
 * here once.
 */
export function acceptHandedOff(server: https.Server): (socket: Socket) => void {
  server.emit('listening');
  return (socket) => {
    socket.removeAllListeners('error');
    server.emit('connection', socket);
  };
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
