// The naive design, for comparison only (never part of the app): read the whole upload with
// `request.formData()`, then re-POST it to the upstream and relay the answer.
import { createServer } from 'node:http';
import { Readable } from 'node:stream';

const { PORT, UPSTREAM_URL, UPSTREAM_KEY } = process.env;

createServer(async (req, res) => {
  try {
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers, body: Readable.toWeb(req), duplex: 'half' });
    const form = await request.formData();
    const upstreamForm = new FormData();
    upstreamForm.set('model', 'bench-model');
    upstreamForm.set('stream', 'true');
    upstreamForm.set('prompt', String(form.get('prompt') ?? ''));
    upstreamForm.set('file', form.get('file'), 'audio.mp3');
    const upstream = await fetch(`${UPSTREAM_URL}/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${UPSTREAM_KEY}` }, body: upstreamForm });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    for await (const chunk of upstream.body) res.write(chunk);
    res.end();
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
}).listen(Number(PORT), '127.0.0.1', () => console.log('ready'));
