// Lighthouse's accessibility category over the page types of a site served on loopback, in ONE
// Chromium (Debian's, offline): tools/audit.py runs it and tests/test_audit.py asserts the scores.
//
//   node tools/lighthouse/audit.mjs BASE_URL CHROMIUM PAGES_JSON
//
// PAGES_JSON: [[label, path, action], ...]: a path under BASE_URL (or a data: URL, for a control
// page); action "search" types a query in the search dialog first. Prints one JSON line per page:
// {label, score (0-100), failing: [{id, title, nodes}], ms}; nothing else goes to stdout.
import {snapshot} from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [base, chromium, pagesJson] = process.argv.slice(2);
const pages = JSON.parse(pagesJson);
const flags = {
  onlyCategories: ['accessibility'],
  logLevel: 'error',
  output: 'json',
  // A static site on loopback: no waiting for network or CPU quiet, no throttling, no screenshots
  // (the accessibility audits read the loaded DOM; the defaults add seconds per page).
  throttlingMethod: 'provided',
  pauseAfterFcpMs: 0,
  pauseAfterLoadMs: 0,
  networkQuietThresholdMs: 0,
  cpuQuietThresholdMs: 0,
  disableFullPageScreenshot: true,
  skipAboutBlank: true,
};

function summary(label, result) {
  const category = result.lhr.categories.accessibility;
  const failing = category.auditRefs
    .map((ref) => result.lhr.audits[ref.id])
    .filter((a) => a.scoreDisplayMode === 'binary' && a.score !== null && a.score < 1)
    .map((a) => ({id: a.id, title: a.title, nodes: (a.details?.items || []).slice(0, 3).map((i) => i.node?.selector || '')}));
  return {label, score: Math.round(category.score * 100), failing};
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  for (const [label, path, action] of pages) {
    const t0 = Date.now();
    const page = await browser.newPage();
    // Lighthouse's own phone (a Moto G Power); a snapshot of the loaded page, as a navigation run
    // audits it, without the navigation's trace and waits (several seconds a page on a busy machine).
    await page.setViewport({width: 412, height: 823, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true});
    await page.goto(/^(data|https?):/.test(path) ? path : base + path, {waitUntil: 'load'});
    if (action === 'search') {
      await page.waitForSelector('button.p365-search-open');
      await page.click('button.p365-search-open');
      await page.type('dialog.p365-search input[type="search"]', '桃源村');
      await page.waitForSelector('.p365-search-results li', {timeout: 20000});
    }
    const result = await snapshot(page, {flags});
    process.stdout.write(JSON.stringify({...summary(label, result), ms: Date.now() - t0}) + '\n');
    await page.close();
  }
} finally {
  await browser.close();
}
