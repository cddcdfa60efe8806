// Browser side of the JsSIP test peer, bundled by esbuild into an IIFE
// (dist/peer.bundle.js) and loaded by page.html inside headless Chromium.
//
// It exposes window.JsSIP and window.peer. driver.mjs calls
// `peer.handle(cmd, args)` for each command and receives events through the
// `__peerEmit` binding. Everything a test checks goes through here, so every
// event carries plain JSON (no JsSIP objects).
//
// Audio content: the remote track feeds a ScriptProcessorNode that keeps the
// last seconds of samples in a ring buffer (for `measure`) and runs a DTMF
// detector on each block. Chromium's NetEq plays received RFC 4733
// telephone-events out as DTMF tones, so digits sent that way are *heard*
// here and reported as `dtmf_tone` events.

import JsSIP from 'jssip';

window.JsSIP = JsSIP;

const RING_SECONDS = 10;
const DTMF_LOW = [697, 770, 852, 941];
const DTMF_HIGH = [1209, 1336, 1477, 1633];
const DTMF_KEYS = ['123A', '456B', '789C', '*0#D'];

function emit(event, fields = {}) {
  const ev = { event, t: Date.now(), ...fields };
  if (window.__peerEmit) {
    window.__peerEmit(ev);
  } else {
    console.log('event (no binding):', JSON.stringify(ev));
  }
}

function causeOf(data) {
  const out = { originator: data.originator, cause: data.cause };
  if (data.message && data.message.status_code) {
    out.status_code = data.message.status_code;
    out.reason_phrase = data.message.reason_phrase;
  }
  return out;
}

// Goertzel amplitude of `freq` in x[0..n): ~ the sine amplitude for a pure tone.
function goertzel(x, n, freq, rate) {
  const w = (2 * Math.PI * freq) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = x[i] + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return (2 * Math.sqrt(Math.max(power, 0))) / n;
}

// dBFS of a sine amplitude / RMS value; silence is -200 rather than -Infinity,
// which JSON cannot carry.
function dbfs(amplitude) {
  return amplitude > 1e-10 ? 20 * Math.log10(amplitude) : -200;
}

// In-place radix-2 FFT; returns the magnitude spectrum of a Hann-windowed x.
function spectrum(x) {
  const n = x.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = x[i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  }
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const ar = re[i + k + len / 2] * cr - im[i + k + len / 2] * ci;
        const ai = re[i + k + len / 2] * ci + im[i + k + len / 2] * cr;
        re[i + k + len / 2] = re[i + k] - ar;
        im[i + k + len / 2] = im[i + k] - ai;
        re[i + k] += ar;
        im[i + k] += ai;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
  const mag = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) mag[k] = Math.hypot(re[k], im[k]);
  return mag;
}

// DTMF from audio. Hann-windowed Goertzel over ~45 ms (2048 samples at
// 44.1/48 kHz), hopping by 256 samples: one frequency per group (rows,
// columns) must stand 8 dB above the group's other three, and the pair must
// carry a fair share of the energy. A digit is reported once two successive
// windows agree, and again only after two windows without it. Received
// RFC 4733 events come out of Chromium as ~60-100 ms of tone: several windows.
//
// Limit: NetEq overdubs the digit on the still-decoding far-end audio, so
// that audio must keep out of the DTMF band. A 440 Hz tone or silence is
// fine; a 1 kHz tone is not (its Opus coding noise puts ~-25 dBFS into the
// 941 Hz bin and digits of that row go missing).
const DTMF_WINDOW = 2048;
const MIN_LEVEL_DBFS = -36;
const MIN_GROUP_MARGIN_DB = 8;
const MAX_TWIST_DB = 10;
// the pair's share of the energy: the far-end audio under the digit can be
// ~5 dB louder than the digit itself
const MIN_TONE_SHARE = 0.2;
// windows without the digit before it counts as released (~35 ms): Chromium
// plays some digits with short drop-outs, which must not double them
const RELEASE_WINDOWS = 6;

class DtmfDetector {
  constructor(rate, onDigit) {
    this.rate = rate;
    this.onDigit = onDigit;
    this.window = DTMF_WINDOW;
    this.hop = 256;
    this.buf = new Float32Array(this.window);
    this.weighted = new Float32Array(this.window);
    this.hann = new Float32Array(this.window);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < this.window; i++) {
      this.hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (this.window - 1));
      sum += this.hann[i];
      sumSq += this.hann[i] ** 2;
    }
    this.ampScale = this.window / sum; // goertzel() divides by n; undo the window's gain
    this.powerScale = 1 / sumSq;
    this.fill = 0;
    this.fed = 0;
    this.candidate = null;
    this.hits = 0;
    this.misses = 0;
    this.current = null;
    this.trace = [];
  }

  feed(block) {
    for (let i = 0; i < block.length; i++) {
      this.buf[this.fill++] = block[i];
      if (this.fill === this.window) {
        this.fed += this.hop;
        // The first half second holds the far side's onset clicks and
        // codec ramp-up, broadband enough to pass for a digit now and then.
        if (this.fed >= this.rate / 2) this.decide(this.classify(this.buf));
        this.buf.copyWithin(0, this.hop);
        this.fill = this.window - this.hop;
      }
    }
  }

  classify(x) {
    const n = x.length;
    const y = this.weighted;
    let energy = 0;
    for (let i = 0; i < n; i++) {
      y[i] = x[i] * this.hann[i];
      energy += y[i] * y[i];
    }
    const meanSquare = energy * this.powerScale;
    const amps = [...DTMF_LOW, ...DTMF_HIGH].map(
      (f) => goertzel(y, n, f, this.rate) * this.ampScale,
    );
    const levels = amps.map(dbfs);
    const pick = (offset) => {
      const group = levels.slice(offset, offset + 4);
      const best = group.indexOf(Math.max(...group));
      const clear = group.every((l, i) => i === best || l <= group[best] - MIN_GROUP_MARGIN_DB);
      return clear && group[best] >= MIN_LEVEL_DBFS ? best : -1;
    };
    const li = pick(0);
    const hi = pick(4);
    let digit = null;
    if (meanSquare > 1e-6 && li >= 0 && hi >= 0) {
      const tonePower = (amps[li] ** 2 + amps[4 + hi] ** 2) / 2;
      const twist = Math.abs(levels[li] - levels[4 + hi]);
      if (tonePower >= MIN_TONE_SHARE * meanSquare && twist <= MAX_TWIST_DB) {
        digit = DTMF_KEYS[li][hi];
      }
    }
    // the last windows, for `dtmf_trace` when a detection is doubted
    const rms = Math.round(dbfs(Math.sqrt(meanSquare)));
    this.trace.push({ rms, levels: levels.map(Math.round), digit });
    if (this.trace.length > 1000) this.trace.shift();
    return digit;
  }

  decide(d) {
    if (d === null) {
      this.candidate = null;
      this.hits = 0;
    } else if (d === this.candidate) {
      this.hits += 1;
    } else {
      this.candidate = d;
      this.hits = 1;
    }
    if (this.current !== null) {
      if (d === this.current) {
        this.misses = 0;
      } else if (++this.misses >= RELEASE_WINDOWS) {
        this.current = null;
      }
    }
    if (this.current === null && this.candidate !== null && this.hits >= 2) {
      this.current = this.candidate;
      this.misses = 0;
      this.onDigit(this.current);
    }
  }
}

// Taps one remote MediaStream: ring buffer for measurements + DTMF detector.
class RemoteAudio {
  constructor(stream, sessionId) {
    this.sessionId = sessionId;
    // Chromium renders a remote WebRTC track into WebAudio only while a media
    // element plays it too; keep a muted <audio> on it.
    this.element = new Audio();
    this.element.muted = true;
    this.element.srcObject = stream;
    this.element.play().catch((e) => console.log('audio element play():', String(e)));
    this.ctx = new AudioContext();
    this.rate = this.ctx.sampleRate;
    this.ring = new Float32Array(Math.round(this.rate * RING_SECONDS));
    this.written = 0; // total samples ever written
    this.source = this.ctx.createMediaStreamSource(stream);
    this.proc = this.ctx.createScriptProcessor(1024, 1, 1);
    this.sink = this.ctx.createGain();
    this.sink.gain.value = 0;
    this.dtmf = new DtmfDetector(this.rate, (digit) =>
      emit('dtmf_tone', { session: sessionId, digit }),
    );
    this.proc.onaudioprocess = (e) => {
      const block = e.inputBuffer.getChannelData(0);
      const len = this.ring.length;
      for (let i = 0; i < block.length; i++) {
        this.ring[(this.written + i) % len] = block[i];
      }
      this.written += block.length;
      this.dtmf.feed(block);
    };
    this.source.connect(this.proc);
    this.proc.connect(this.sink);
    this.sink.connect(this.ctx.destination);
    this.ctx.resume().catch(() => {});
  }

  samplesSince(start) {
    const count = Math.min(this.written - start, this.ring.length);
    const out = new Float32Array(Math.max(count, 0));
    const first = this.written - count;
    for (let i = 0; i < count; i++) out[i] = this.ring[(first + i) % this.ring.length];
    return out;
  }

  analyse(x, freqs) {
    const result = {
      sample_rate: this.rate,
      samples: x.length,
      rms: 0,
      rms_dbfs: -200,
      dominant_hz: null,
      dominant_dbfs: null,
      levels_dbfs: {},
      context_state: this.ctx.state,
    };
    if (x.length === 0) return result;
    let energy = 0;
    for (let i = 0; i < x.length; i++) energy += x[i] * x[i];
    result.rms = Math.sqrt(energy / x.length);
    result.rms_dbfs = dbfs(result.rms);
    let n = 1;
    while (n * 2 <= Math.min(x.length, 65536)) n *= 2;
    const seg = x.subarray(x.length - n);
    if (n >= 256 && result.rms > 1e-5) {
      const mag = spectrum(seg);
      let k = 1;
      for (let i = 2; i < mag.length - 1; i++) if (mag[i] > mag[k]) k = i;
      // parabolic interpolation between neighbouring bins
      const a = mag[k - 1];
      const b = mag[k];
      const c = mag[k + 1];
      const denom = a - 2 * b + c;
      const offset = denom !== 0 ? (0.5 * (a - c)) / denom : 0;
      result.dominant_hz = ((k + offset) * this.rate) / n;
      result.dominant_dbfs = dbfs((4 * b) / n); // Hann window: coherent gain 1/2
    }
    for (const f of freqs) {
      result.levels_dbfs[String(f)] = dbfs(goertzel(x, x.length, f, this.rate));
    }
    return result;
  }

  close() {
    this.proc.onaudioprocess = null;
    try {
      this.source.disconnect();
      this.proc.disconnect();
    } catch (e) {
      // already disconnected
    }
    this.ctx.close().catch(() => {});
    this.element.srcObject = null;
  }
}

class Peer {
  constructor() {
    this.ua = null;
    this.sessions = new Map(); // id -> {session, audio}
    this.nextId = 1;
    this.autoAnswer = false;
    this.answerDelayMs = 0;
    this.audioProcessing = false;
    this.pcConfig = { iceServers: [] };
  }

  mediaConstraints() {
    const p = this.audioProcessing;
    return {
      audio: { echoCancellation: p, noiseSuppression: p, autoGainControl: p },
      video: false,
    };
  }

  async handle(cmd, args) {
    const fn = this[`cmd_${cmd}`];
    if (typeof fn !== 'function') throw new Error(`unknown command: ${cmd}`);
    return (await fn.call(this, args || {})) ?? null;
  }

  entry(args) {
    if (args.session) {
      const e = this.sessions.get(args.session);
      if (!e) throw new Error(`no session ${args.session}`);
      return e;
    }
    const all = [...this.sessions.values()];
    const live = all.filter((e) => !e.session.isEnded());
    const pick = live.length ? live[live.length - 1] : all[all.length - 1];
    if (!pick) throw new Error('no session');
    return pick;
  }

  // ------------------------------------------------------------- commands
  cmd_set(args) {
    if ('auto_answer' in args) this.autoAnswer = !!args.auto_answer;
    if ('answer_delay_ms' in args) this.answerDelayMs = Number(args.answer_delay_ms);
    if ('audio_processing' in args) this.audioProcessing = !!args.audio_processing;
    if (args.debug) JsSIP.debug.enable('JsSIP:*');
    return { auto_answer: this.autoAnswer, answer_delay_ms: this.answerDelayMs };
  }

  cmd_register(args) {
    if (this.ua) {
      this.ua.stop();
      this.ua = null;
    }
    const socket = new JsSIP.WebSocketInterface(args.ws_url);
    const config = {
      sockets: [socket],
      uri: args.uri,
      password: args.password,
      register: true,
      register_expires: args.register_expires ?? 600,
      session_timers: args.session_timers ?? true,
      connection_recovery_min_interval: args.recovery_min_s ?? 2,
      connection_recovery_max_interval: args.recovery_max_s ?? 30,
      ...(args.display_name ? { display_name: args.display_name } : {}),
      ...(args.authorization_user ? { authorization_user: args.authorization_user } : {}),
      ...(args.extra || {}),
    };
    const ua = new JsSIP.UA(config);
    this.ua = ua;
    ua.on('connecting', () => emit('connecting'));
    ua.on('connected', () => emit('connected'));
    ua.on('disconnected', (e) => emit('disconnected', { error: !!(e && e.error) }));
    ua.on('registered', (e) => emit('registered', { status_code: e.response.status_code }));
    ua.on('unregistered', (e) =>
      emit('unregistered', { status_code: e && e.response ? e.response.status_code : null }),
    );
    ua.on('registrationFailed', (e) =>
      emit('registration_failed', {
        cause: e.cause,
        status_code: e.response ? e.response.status_code : null,
      }),
    );
    ua.on('newRTCSession', (e) => this.onNewSession(e));
    ua.on('newMessage', (e) =>
      emit('message', {
        originator: e.originator,
        body: e.request ? e.request.body : null,
      }),
    );
    ua.start();
    return { uri: args.uri };
  }

  cmd_unregister(args) {
    if (!this.ua) throw new Error('not registered');
    this.ua.unregister({ all: !!args.all });
  }

  cmd_call(args) {
    if (!this.ua) throw new Error('register first');
    const session = this.ua.call(args.target, {
      mediaConstraints: this.mediaConstraints(),
      pcConfig: this.pcConfig,
      extraHeaders: args.extra_headers || [],
    });
    return { session: session.__peerId };
  }

  cmd_answer(args) {
    const { session } = this.entry(args);
    session.answer({ mediaConstraints: this.mediaConstraints(), pcConfig: this.pcConfig });
    return { session: session.__peerId };
  }

  cmd_hangup(args) {
    const { session } = this.entry(args);
    const options = {};
    if (args.status_code) options.status_code = args.status_code;
    if (!session.isEnded()) session.terminate(options);
    return { session: session.__peerId };
  }

  // hold/unhold resolve once the re-INVITE was answered. JsSIP refuses a new
  // offer while one is pending, so wait for that first rather than fail.
  async reoffer(session, method) {
    const deadline = Date.now() + 5000;
    while (!session.isReadyToReOffer()) {
      if (session.isEnded()) throw new Error(`${method}: the call has ended`);
      if (Date.now() > deadline) throw new Error(`${method}: a re-INVITE is still pending`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: re-INVITE unanswered`)), 10000);
      const sent = session[method]({}, () => {
        clearTimeout(timer);
        resolve({ sent: true });
      });
      if (!sent) {
        clearTimeout(timer);
        resolve({ sent: false }); // already (un)held, or not in a call
      }
    });
  }

  cmd_hold(args) {
    return this.reoffer(this.entry(args).session, 'hold');
  }

  cmd_unhold(args) {
    return this.reoffer(this.entry(args).session, 'unhold');
  }

  cmd_dtmf(args) {
    const { session } = this.entry(args);
    session.sendDTMF(String(args.digits), {
      transportType: args.method || 'INFO',
      duration: args.duration_ms || 100,
      interToneGap: args.gap_ms || 200,
    });
    return { digits: String(args.digits) };
  }

  cmd_info(args) {
    const { session } = this.entry(args);
    session.sendInfo(args.content_type, args.body ?? '');
  }

  cmd_dtmf_trace(args) {
    const entry = this.entry(args);
    return entry.audio ? entry.audio.dtmf.trace : [];
  }

  cmd_state(args) {
    const { session } = this.entry(args);
    return {
      session: session.__peerId,
      status: session.status,
      established: session.isEstablished(),
      ended: session.isEnded(),
      on_hold: session.isOnHold(),
      direction: session.direction,
    };
  }

  async cmd_measure(args) {
    const entry = this.entry(args);
    if (!entry.audio) throw new Error('no remote audio yet');
    const ms = Number(args.ms ?? 1000);
    const start = entry.audio.written;
    await new Promise((r) => setTimeout(r, ms));
    const x = entry.audio.samplesSince(start);
    const result = entry.audio.analyse(x, args.freqs || []);
    result.session = entry.session.__peerId;
    result.codec = await this.codecOf(entry.session);
    return result;
  }

  async cmd_stats(args) {
    const { session } = this.entry(args);
    const pc = session.connection;
    if (!pc) throw new Error('no peer connection');
    const report = await pc.getStats();
    const out = { inbound: null, outbound: null, codec: null, candidate_pair: null };
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.inbound = {
          packets_received: s.packetsReceived,
          bytes_received: s.bytesReceived,
          packets_lost: s.packetsLost,
          jitter: s.jitter,
          total_audio_energy: s.totalAudioEnergy,
          codec_id: s.codecId,
        };
      }
      if (s.type === 'outbound-rtp' && s.kind === 'audio') {
        out.outbound = { packets_sent: s.packetsSent, bytes_sent: s.bytesSent };
      }
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
        out.candidate_pair = { rtt: s.currentRoundTripTime };
      }
    });
    out.codec = await this.codecOf(session, report);
    return out;
  }

  cmd_stop() {
    if (this.ua) this.ua.stop();
    for (const e of this.sessions.values()) if (e.audio) e.audio.close();
  }

  // ------------------------------------------------------------- internals
  async codecOf(session, report = null) {
    const pc = session.connection;
    if (!pc) return null;
    const stats = report || (await pc.getStats());
    let codecId = null;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') codecId = s.codecId;
    });
    if (!codecId) {
      stats.forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'audio') codecId = s.codecId;
      });
    }
    const c = codecId ? stats.get(codecId) : null;
    if (!c) return null;
    return {
      mime_type: c.mimeType,
      name: c.mimeType.split('/')[1],
      clock_rate: c.clockRate,
      channels: c.channels ?? 1,
      payload_type: c.payloadType,
    };
  }

  onNewSession(e) {
    const session = e.session;
    const id = `s${this.nextId++}`;
    session.__peerId = id;
    const entry = { session, audio: null };
    this.sessions.set(id, entry);
    const base = { session: id };

    const hookPc = (pc) => {
      if (pc.__peerHooked) return;
      pc.__peerHooked = true;
      pc.addEventListener('track', (ev) => {
        if (ev.track.kind !== 'audio') return;
        const stream = ev.streams && ev.streams[0] ? ev.streams[0] : new MediaStream([ev.track]);
        if (entry.audio) entry.audio.close();
        entry.audio = new RemoteAudio(stream, id);
        emit('remote_track', base);
      });
      pc.addEventListener('iceconnectionstatechange', () =>
        emit('ice', { ...base, state: pc.iceConnectionState }),
      );
    };
    // For outgoing calls JsSIP creates the RTCPeerConnection before this
    // event; for incoming ones it fires 'peerconnection' on answer().
    if (session.connection) hookPc(session.connection);
    session.on('peerconnection', (d) => hookPc(d.peerconnection));

    session.on('progress', (d) =>
      emit('progress', {
        ...base,
        originator: d.originator,
        status_code: d.response ? d.response.status_code : null,
      }),
    );
    session.on('accepted', (d) => emit('accepted', { ...base, originator: d.originator }));
    session.on('confirmed', (d) => emit('confirmed', { ...base, originator: d.originator }));
    session.on('ended', (d) => {
      emit('ended', { ...base, ...causeOf(d) });
      if (entry.audio) entry.audio.close();
    });
    session.on('failed', (d) => {
      emit('failed', { ...base, ...causeOf(d) });
      if (entry.audio) entry.audio.close();
    });
    session.on('hold', (d) => emit('hold', { ...base, originator: d.originator }));
    session.on('unhold', (d) => emit('unhold', { ...base, originator: d.originator }));
    session.on('newDTMF', (d) =>
      emit('newDTMF', {
        ...base,
        originator: d.originator,
        digit: d.dtmf.tone,
        duration: d.dtmf.duration,
      }),
    );
    session.on('newInfo', (d) =>
      emit('newInfo', {
        ...base,
        originator: d.originator,
        content_type: d.info.contentType,
        body: d.info.body,
      }),
    );
    session.on('reinvite', () => emit('reinvite', base));
    session.on('update', () => emit('update', base));
    session.on('sdp', (d) => emit('sdp', { ...base, originator: d.originator, type: d.type, sdp: d.sdp }));
    session.on('getusermediafailed', (err) =>
      emit('getusermediafailed', { ...base, error: String(err) }),
    );

    if (e.originator === 'remote') {
      const from = e.request.from;
      emit('incoming', {
        ...base,
        caller: from.uri.user,
        caller_uri: from.uri.toString(),
        display_name: from.display_name || null,
        request_uri: e.request.ruri.toString(),
      });
      if (this.autoAnswer) {
        setTimeout(() => {
          if (!session.isEnded()) {
            session.answer({ mediaConstraints: this.mediaConstraints(), pcConfig: this.pcConfig });
          }
        }, this.answerDelayMs);
      }
    } else {
      emit('outgoing', { ...base, target: e.request.ruri.toString() });
    }
  }
}

window.peer = new Peer();
