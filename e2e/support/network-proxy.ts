import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of an app instance that counts what clients send and can cut every
 * connection, as a lost network (a closed laptop, a dead train Wi-Fi) would: `cutAfter` once
 * clients sent so many bytes, `down` at once and until `up` (new connections are dropped).
 */
export async function startNetworkProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  let sent = 0;
  let onSent: (() => void) | undefined;
  let isDown = false;
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  const server: Server = createServer((client) => {
    if (isDown) {
      client.destroy();
      return;
    }
    const app = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(app);
    client.on('data', (data: Buffer) => {
      sent += data.byteLength;
      onSent?.();
    });
    client.pipe(app).pipe(client);
    const close = () => {
      client.destroy();
      app.destroy();
      sockets.delete(client);
      sockets.delete(app);
    };
    client.on('error', close).on('close', close);
    app.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    get sent() {
      return sent;
    },
    /** Destroys every connection once clients have sent `bytes`. */
    cutAfter(bytes: number) {
      return new Promise<void>((resolve) => {
        onSent = () => {
          if (sent < bytes) return;
          onSent = undefined;
          cutAll();
          resolve();
        };
      });
    },
    down() {
      isDown = true;
      cutAll();
    },
    up() {
      isDown = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}
