import net from 'node:net';

/** A TCP proxy on 127.0.0.1 whose link to the upstream a test can cut and restore. */
export interface TcpProxy {
  readonly port: number;
  /** Refuses new connections and resets every open one: the database is gone. */
  cut(): Promise<void>;
  /**
   * Keeps accepting connections but forwards nothing either way: the database hangs (a
   * network partition, a frozen host). Open connections stall too.
   */
  blackhole(): void;
  /** Forwards again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) forwarding to `upstreamHost:upstreamPort`. */
export async function startTcpProxy(upstreamHost: string, upstreamPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let mode: 'open' | 'blackhole' = 'open';
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === 'blackhole') {
      client.pause();
      return;
    }
    const upstream = net.connect(upstreamPort, upstreamHost);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const stopListening = () =>
    new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const resetAll = () => {
    for (const s of sockets) s.resetAndDestroy();
  };
  return {
    port,
    cut: async () => {
      const closed = stopListening();
      resetAll();
      await closed;
    },
    blackhole: () => {
      mode = 'blackhole';
      for (const s of sockets) {
        s.unpipe();
        s.pause();
      }
    },
    restore: async () => {
      if (mode === 'blackhole') resetAll();
      mode = 'open';
      if (!server.listening) await listen(port);
    },
    close: async () => {
      const closed = stopListening();
      resetAll();
      await closed;
    },
  };
}
