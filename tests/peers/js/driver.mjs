#!/usr/bin/env node
// Drives one JsSIP peer in headless Chromium, speaking JSON lines.
//
//   node driver.mjs --wav tone.wav [--chromium /usr/bin/chromium]
//                   [--auto-answer] [--answer-delay-ms N] [--debug]
//
// stdin, one JSON object per line:   {"id": 1, "cmd": "register", "args": {...}}
// stdout, one JSON object per line:
//   replies  {"id": 1, "ok": true, "result": ...} | {"id": 1, "ok": false, "error": "..."}
//   events   {"event": "registered", "t": <ms epoch>, ...}
// The first line is {"event": "ready", "chromium_ms": ...} once the page runs.
// Closing stdin (or {"cmd": "quit"}) closes Chromium and exits.
//
// Commands are the methods `cmd_*` of window.peer in entry.js; they run
// concurrently (a `measure` does not hold up a `hangup`).

import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, 'dist', 'peer.bundle.js');

const { values: opts } = parseArgs({
  options: {
    wav: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    'auto-answer': { type: 'boolean', default: false },
    'answer-delay-ms': { type: 'string', default: '0' },
    debug: { type: 'boolean', default: false },
  },
});

function send(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

function log(msg) {
  process.stderr.write(`[driver ${new Date().toISOString()}] ${msg}\n`);
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

// Build the browser bundle when missing or older than its sources. Written
// to a temp name first: peers started in parallel never load half a file.
async function ensureBundle() {
  const sources = [join(here, 'entry.js'), join(here, 'package-lock.json')];
  if (mtime(bundle) > Math.max(...sources.map(mtime))) return;
  const esbuild = await import('esbuild');
  mkdirSync(dirname(bundle), { recursive: true });
  const tmp = `${bundle}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [join(here, 'entry.js')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    outfile: tmp,
    logLevel: 'warning',
  });
  renameSync(tmp, bundle);
  log(`built ${bundle}`);
}

async function main() {
  await ensureBundle();
  const { chromium } = await import('playwright-core');
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
    '--allow-loopback-in-peer-connection',
  ];
  if (opts.wav) args.push(`--use-file-for-fake-audio-capture=${opts.wav}`);
  const began = Date.now();
  // launch() gives every browser a fresh temporary profile (user-data-dir).
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args,
  });
  const page = await browser.newPage();
  let closing = false;
  page.on('console', (msg) => send({ event: 'console', t: Date.now(), level: msg.type(), text: msg.text() }));
  page.on('pageerror', (err) => send({ event: 'pageerror', t: Date.now(), error: String(err) }));
  page.on('crash', () => send({ event: 'pageerror', t: Date.now(), error: 'page crashed' }));
  browser.on('disconnected', () => {
    if (!closing) {
      send({ event: 'pageerror', t: Date.now(), error: 'browser disconnected' });
      process.exit(3);
    }
  });
  await page.exposeFunction('__peerEmit', (ev) => send(ev));
  await page.goto(pathToFileURL(join(here, 'page.html')).href);
  await page.waitForFunction(() => window.peer !== undefined);
  await page.evaluate(
    (o) => window.peer.handle('set', o),
    { auto_answer: opts['auto-answer'], answer_delay_ms: Number(opts['answer-delay-ms']), debug: opts.debug },
  );
  send({ event: 'ready', t: Date.now(), chromium_ms: Date.now() - began, version: browser.version() });

  const quit = async () => {
    if (closing) return;
    closing = true;
    try {
      await page.evaluate(() => window.peer.handle('stop', {}));
      await new Promise((r) => setTimeout(r, 100)); // let un-REGISTER/BYE leave
    } catch (e) {
      // page already gone
    }
    await browser.close().catch(() => {});
    process.exit(0);
  };

  const rl = createInterface({ input: process.stdin });
  rl.on('line', async (line) => {
    if (!line.trim()) return;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (e) {
      send({ event: 'driver_error', t: Date.now(), error: `bad JSON: ${line}` });
      return;
    }
    if (msg.cmd === 'quit') {
      send({ id: msg.id, ok: true, result: null });
      await quit();
      return;
    }
    try {
      const result = await page.evaluate(([c, a]) => window.peer.handle(c, a), [msg.cmd, msg.args || {}]);
      send({ id: msg.id, ok: true, result });
    } catch (e) {
      send({ id: msg.id, ok: false, error: String(e && e.message ? e.message : e) });
    }
  });
  rl.on('close', quit);
}

main().catch((e) => {
  log(`fatal: ${e && e.stack ? e.stack : e}`);
  send({ event: 'driver_error', t: Date.now(), error: String(e && e.message ? e.message : e) });
  process.exit(2);
});
