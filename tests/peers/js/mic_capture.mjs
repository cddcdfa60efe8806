#!/usr/bin/env node
// Chromium's microphone path, measured: headless Chromium captures a WAV
// file as its fake microphone through getUserMedia with its default voice
// processing (echo cancellation, noise suppression, auto gain: what a
// WebRTC page like the browser softphone gets), and records the processed
// track with WebAudio.
//
//   node mic_capture.mjs --wav speech.wav --seconds 20 [--raw] [--chromium /usr/bin/chromium]
//
// Prints one JSON line: {"rate": 48000, "pcm": "<base64 s16le mono>"}.
// --raw turns the three processing constraints off (the reference).

import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { launchChromium } from './launch.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const { values: opts } = parseArgs({
  options: {
    wav: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    raw: { type: 'boolean', default: false },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});

const browser = await launchChromium(opts.chromium, [
  `--use-file-for-fake-audio-capture=${opts.wav}`,
]);
try {
  const page = await browser.newPage();
  // getUserMedia needs a secure context: a file: page is one, about:blank is not.
  await page.goto(pathToFileURL(join(here, 'blank.html')).href);
  const result = await page.evaluate(async ({ seconds, raw }) => {
    const on = !raw;
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: on, noiseSuppression: on, autoGainControl: on },
    });
    const ctx = new AudioContext({ sampleRate: 48000 });
    const src = ctx.createMediaStreamSource(stream);
    const proc = ctx.createScriptProcessor(1024, 1, 1);
    const chunks = [];
    proc.onaudioprocess = (e) => chunks.push(Float32Array.from(e.inputBuffer.getChannelData(0)));
    src.connect(proc);
    proc.connect(ctx.destination);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    let n = 0;
    for (const c of chunks) n += c.length;
    const out = new Int16Array(n);
    let i = 0;
    for (const c of chunks) for (const v of c) out[i++] = Math.max(-32768, Math.min(32767, Math.round(v * 32768)));
    let bin = '';
    const bytes = new Uint8Array(out.buffer);
    for (let k = 0; k < bytes.length; k += 8192) bin += String.fromCharCode.apply(null, bytes.subarray(k, k + 8192));
    return { rate: ctx.sampleRate, pcm: btoa(bin) };
  }, { seconds: Number(opts.seconds), raw: opts.raw });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser.close();
}
