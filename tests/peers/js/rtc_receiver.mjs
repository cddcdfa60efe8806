#!/usr/bin/env node
// Chromium's WebRTC receive path as a measured peer: one RTCPeerConnection
// in headless Chromium answers an offer and records what it hears.
//
//   node rtc_receiver.mjs [--chromium /usr/bin/chromium]
//
// stdin, one JSON object per line; stdout, one reply per line:
//   {"cmd": "answer", "sdp": "..."}  -> {"ok": true, "sdp": "<answer>"}
//     with "send": {"pcm": "<base64 s16le>", "rate": 16000}, it also sends that audio, looped
//   {"cmd": "collect"}               -> {"ok": true, "rate": 48000, "pcm": "<base64 s16le>",
//                                        "block": 1024, "times": [<epoch ms of each block's first sample>]}
//   {"cmd": "close"}                 -> {"ok": true}   (closes the connection, keeps Chromium)
// The first line is {"ready": true}. Closing stdin exits.
//
// The audio is taken from a WebAudio graph on the remote track (with a muted
// <audio> element on it, without which Chromium's WebAudio gets silence):
// what NetEq hands out on the audio clock, as the user's speaker would get it.

import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

import { launchChromium } from './launch.mjs';

const { values: opts } = parseArgs({
  options: { chromium: { type: 'string', default: '/usr/bin/chromium' } },
});

const PAGE = `
window.rx = {
  pc: null, chunks: [], times: [],
  async answer(sdp, send) {
    if (this.pc) this.pc.close();
    this.chunks = []; this.times = [];
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    pc.ontrack = (ev) => {
      const stream = new MediaStream([ev.track]);
      this.element = new Audio(); this.element.muted = true; this.element.srcObject = stream;
      this.element.play().catch(() => {});
      const ctx = new AudioContext({ sampleRate: 48000 });
      this.ctx = ctx;
      const src = ctx.createMediaStreamSource(stream);
      const proc = ctx.createScriptProcessor(1024, 1, 1);
      proc.onaudioprocess = (e) => {
        const data = e.inputBuffer.getChannelData(0);
        this.times.push(performance.timeOrigin + performance.now() - 1000 * data.length / ctx.sampleRate);
        this.chunks.push(Float32Array.from(data));
      };
      src.connect(proc); proc.connect(ctx.destination);
    };
    await pc.setRemoteDescription({ type: 'offer', sdp });
    if (send) pc.addTrack(this.source(send));
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
      setTimeout(resolve, 3000);
    });
    return pc.localDescription.sdp;
  },
  source(send) {
    const raw = atob(send.pcm); const n = raw.length >> 1;
    const ctx = new AudioContext({ sampleRate: 48000 });
    this.sendCtx = ctx;
    const buffer = ctx.createBuffer(1, n, send.rate);
    const data = buffer.getChannelData(0);
    for (let i = 0; i < n; i++) {
      const v = raw.charCodeAt(2 * i) | (raw.charCodeAt(2 * i + 1) << 8);
      data[i] = (v > 32767 ? v - 65536 : v) / 32768;
    }
    const node = ctx.createBufferSource(); node.buffer = buffer; node.loop = true;
    const dest = ctx.createMediaStreamDestination();
    node.connect(dest); node.start();
    return dest.stream.getAudioTracks()[0];
  },
  collect() {
    let n = 0; for (const c of this.chunks) n += c.length;
    const out = new Int16Array(n); let i = 0;
    for (const c of this.chunks) for (const v of c) out[i++] = Math.max(-32768, Math.min(32767, Math.round(v * 32768)));
    let bin = ''; const bytes = new Uint8Array(out.buffer);
    for (let k = 0; k < bytes.length; k += 8192) bin += String.fromCharCode.apply(null, bytes.subarray(k, k + 8192));
    return { rate: this.ctx ? this.ctx.sampleRate : 48000, pcm: btoa(bin), times: this.times, block: 1024 };
  },
  close() {
    if (this.pc) this.pc.close(); this.pc = null;
    if (this.ctx) this.ctx.close(); this.ctx = null;
    if (this.sendCtx) this.sendCtx.close(); this.sendCtx = null;
  },
};`;

function send(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

const browser = await launchChromium(opts.chromium, [
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns', // real addresses: the relay forwards to them
]);
const page = await browser.newPage();
await page.setContent('<html><body></body></html>');
await page.addScriptTag({ content: PAGE });
send({ ready: true, version: browser.version() });

const rl = createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  if (!line.trim()) return;
  try {
    const msg = JSON.parse(line);
    if (msg.cmd === 'answer') {
      const sdp = await page.evaluate(([s, out]) => window.rx.answer(s, out), [msg.sdp, msg.send || null]);
      send({ ok: true, sdp });
    }
    else if (msg.cmd === 'collect') send({ ok: true, ...(await page.evaluate(() => window.rx.collect())) });
    else if (msg.cmd === 'close') { await page.evaluate(() => window.rx.close()); send({ ok: true }); }
    else send({ ok: false, error: `unknown command ${msg.cmd}` });
  } catch (e) {
    send({ ok: false, error: String(e) });
  }
});
rl.on('close', async () => {
  await browser.close().catch(() => {});
  process.exit(0);
});
