// Takes the documentation's screenshots in Debian's headless Chromium. Run by scripts/screenshots.sh, which
// starts the API, adminer, Prometheus and a locust run first and passes their addresses.
import { chromium } from 'playwright-core';
import { join } from 'node:path';

const { API_URL, ADMINER_URL, LOCUST_URL, PROMETHEUS_URL, LOAD_STARTED_MS, LOAD_SECONDS, DB_SERVER, DB_NAME, OUT_DIR, Database__Schema } = process.env;
const shot = (name) => ({ path: join(OUT_DIR, name), fullPage: false });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--disable-quic'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

  // The interactive API docs (Scalar) at /docs
  await page.goto(`${API_URL}/docs/`, { waitUntil: 'networkidle' });
  await page.getByText('Create a note').first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(1000);
  await page.screenshot(shot('api-docs.png'));
  console.log('screenshots: api-docs.png');

  // adminer: log in as a user would, with the read-only login that sees every owner's notes, then open the Marten table
  await page.goto(`${ADMINER_URL}/`);
  await page.selectOption('select[name="auth[driver]"]', 'pgsql');
  await page.fill('input[name="auth[server]"]', DB_SERVER);
  await page.fill('input[name="auth[username]"]', 'notes_inspector');
  await page.fill('input[name="auth[password]"]', 'notes_inspector');
  await page.fill('input[name="auth[db]"]', DB_NAME);
  await Promise.all([page.waitForNavigation(), page.click('input[type="submit"][value="Login"]')]);
  const table = new URLSearchParams({ pgsql: DB_SERVER, username: 'notes_inspector', db: DB_NAME, ns: Database__Schema || 'public', select: 'mt_doc_note' });
  await page.goto(`${ADMINER_URL}/?${table}`);
  await page.getByText('Select: mt_doc_note').first().waitFor();
  await page.screenshot(shot('adminer.png'));
  console.log('screenshots: adminer.png');

  // locust's web UI while a run is under way
  await page.goto(`${LOCUST_URL}/`, { waitUntil: 'networkidle' });
  await page.locator('#status_text').filter({ hasText: 'RUNNING' }).waitFor({ timeout: 30000 });
  await page.waitForTimeout(20000); // let the statistics and charts fill in
  await page.screenshot(shot('locust-statistics.png'));
  await page.click('a.chart-tab-link');
  await page.waitForTimeout(3000);
  await page.screenshot(shot('locust-charts.png'));
  console.log('screenshots: locust-statistics.png, locust-charts.png');

  // Prometheus near the end of the same run: request rate and p99 latency per route, from the recording rules
  const untilNearEnd = Number(LOAD_STARTED_MS) + (Number(LOAD_SECONDS) - 8) * 1000 - Date.now();
  if (untilNearEnd > 0) await page.waitForTimeout(untilNearEnd);
  const notes = '{http_route=~"/notes.*"}';
  const graphs = new URLSearchParams({
    'g0.expr': `sum by (http_request_method, http_route) (route:http_server_requests:rate1m${notes})`,
    'g0.tab': '0', 'g0.range_input': '2m',
    'g1.expr': `route:http_server_request_duration_seconds:p99_1m${notes}`,
    'g1.tab': '0', 'g1.range_input': '2m',
  });
  const prometheus = await browser.newPage({ viewport: { width: 1280, height: 1560 } });
  await prometheus.goto(`${PROMETHEUS_URL}/graph?${graphs}`, { waitUntil: 'networkidle' });
  await prometheus.locator('.rickshaw_legend').nth(1).waitFor({ timeout: 30000 });
  await prometheus.waitForTimeout(1000);
  await prometheus.screenshot(shot('prometheus.png'));
  console.log('screenshots: prometheus.png');
} finally {
  await browser.close();
}
