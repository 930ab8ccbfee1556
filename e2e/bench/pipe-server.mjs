// The floor for any proxy, for comparison only (never part of the app): one more hop that does
// nothing but copy the request to the upstream and the answer back, with Node's own backpressure.
// No auth, no parsing, no storage: what an extra process on the path costs on this machine.
import { createServer, request } from 'node:http';
import { pipeline } from 'node:stream/promises';

const { PORT, UPSTREAM_URL } = process.env;
const upstream = new URL(UPSTREAM_URL);

createServer((req, res) => {
  const forwarded = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: `${upstream.pathname}${req.url}`, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // Each event is written as it arrives, like the app's stream.
      pipeline(answer, res).catch(() => undefined);
    },
  );
  forwarded.on('error', () => res.headersSent || res.writeHead(502).end());
  pipeline(req, forwarded).catch(() => undefined);
}).listen(Number(PORT), '127.0.0.1', () => console.log('ready'));
