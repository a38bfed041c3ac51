// Checks the interactive docs (/docs) under the API's Content-Security-Policy in Debian's headless Chromium: the page
// renders the operations, its client sends a request to the API ("Test Request", then "Send") and gets 200, and the
// browser reports no policy violation. One report is expected and allowed: Scalar bundles Zod, which probes once
// whether eval is allowed (Function('')) and works without it when it is not.
// Run by scripts/docs-csp-check.sh, which starts the API and passes its address.
import { chromium } from 'playwright-core';

const { API_URL, SCREENSHOT } = process.env;
const fail = (message) => { console.error(`docs-csp: FAILED: ${message}`); process.exitCode = 1; };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--disable-quic'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const violations = [];
  const failedRequests = [];
  await page.exposeFunction('reportViolation', (violation) => violations.push(violation));
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) =>
    window.reportViolation({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile })));
  page.on('requestfailed', (request) => failedRequests.push(`${request.url()} (${request.failure()?.errorText})`));

  const response = await page.goto(`${API_URL}/docs/`, { waitUntil: 'networkidle' });
  const policy = response.headers()['content-security-policy'] ?? '';
  console.log(`docs-csp: the page's policy: ${policy}`);
  const scripts = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
  if (!scripts.includes("'sha256-") || scripts.includes('unsafe')) fail(`script-src is not 'self' plus hashes: ${scripts}`);

  await page.getByText('Create a note').first().waitFor({ timeout: 30000 });
  console.log('docs-csp: the operations are rendered');

  await page.getByRole('button', { name: /test request/i }).first().click();
  const sent = page.waitForResponse((r) => r.url() === `${API_URL}/notes` && r.request().method() === 'POST', { timeout: 15000 });
  await page.getByRole('button', { name: /^send/i }).first().click();
  const answer = await sent;
  console.log(`docs-csp: the docs' client sent POST /notes and got ${answer.status()}`);
  if (answer.status() !== 200) fail(`POST /notes from the docs answered ${answer.status()}`);
  await page.waitForTimeout(1000);
  if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT });

  const unexpected = violations.filter((v) => !(v.directive === 'script-src' && v.blocked === 'eval'));
  console.log(`docs-csp: ${violations.length} policy report(s), ${violations.length - unexpected.length} of them the eval probe`);
  for (const v of unexpected) fail(`blocked ${v.blocked} (${v.directive}) from ${v.source}`);
  for (const r of failedRequests) fail(`request failed: ${r}`);
} finally {
  await browser.close();
}
if (!process.exitCode) console.log('docs-csp: /docs works under its Content-Security-Policy');
