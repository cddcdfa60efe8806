#!/usr/bin/env node
// Loads one web page in headless Chromium and plays a few user steps on it.
//
//   node browse.mjs URL STEPS_JSON [--chromium /usr/bin/chromium]
//
// STEPS_JSON is a list of steps, each one of
//   {"waitText": [SELECTOR, TEXT]}   until the element's text contains TEXT
//   {"fill": [SELECTOR, VALUE]}      type VALUE into an input
//   {"select": [SELECTOR, VALUE]}    choose an <option> by value
//   {"click": SELECTOR}
//   {"text": SELECTOR}               report the element's text
//   {"attr": [SELECTOR, NAME]}       report an attribute (null when absent)
// stdout, one JSON object per line: {"step": N, "ok": true, "text": ...} per
// step, the page's console as {"console": ...}, and on failure
// {"step": N, "ok": false, "error": ..., "body": <the page's text>}. Exit 0
// when every step passed.

import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { chromium: { type: 'string', default: '/usr/bin/chromium' } },
});
const [url, stepsJson] = positionals;
const steps = JSON.parse(stepsJson);
const send = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const TIMEOUT_MS = 20000;

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: opts.chromium,
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
let code = 0;
try {
  const page = await browser.newPage();
  page.on('console', (msg) => send({ console: msg.text(), level: msg.type() }));
  page.on('pageerror', (err) => send({ console: String(err), level: 'pageerror' }));
  await page.goto(url);
  for (const [n, step] of steps.entries()) {
    try {
      let text;
      if (step.waitText) {
        const [selector, wanted] = step.waitText;
        await page.waitForFunction(
          ([s, w]) => (document.querySelector(s)?.textContent ?? '').includes(w),
          [selector, wanted],
          { timeout: TIMEOUT_MS },
        );
        text = await page.textContent(selector);
      } else if (step.fill) {
        await page.fill(step.fill[0], step.fill[1], { timeout: TIMEOUT_MS });
      } else if (step.select) {
        await page.selectOption(step.select[0], step.select[1], { timeout: TIMEOUT_MS });
      } else if (step.click) {
        await page.click(step.click, { timeout: TIMEOUT_MS });
      } else if (step.attr) {
        text = await page.getAttribute(step.attr[0], step.attr[1], { timeout: TIMEOUT_MS });
      } else if (step.text) {
        text = await page.textContent(step.text, { timeout: TIMEOUT_MS });
      } else {
        throw new Error(`unknown step ${JSON.stringify(step)}`);
      }
      send({ step: n, ok: true, text });
    } catch (err) {
      send({ step: n, ok: false, error: String(err), body: await page.innerText('body') });
      code = 1;
      break;
    }
  }
} finally {
  await browser.close();
}
process.exit(code);
