// Opens the built API reference (one self-contained HTML file) in headless
// Debian Chromium through playwright-core, for `cargo xtask publish-check
// --only docs`:
//   - every request the page makes must be for the file itself (no CDN, no
//     fonts or scripts from elsewhere): any other URL is reported;
//   - every tag group of the sidebar is expanded, and the operation links it
//     then lists (`#/<tag>/<operationId>`) are written to the output file;
//   - a screenshot of the page with the expanded list is taken.
// Redoc's logo (an <img> in its footer pointing at Redocly's CDN) is the one
// remote URL the inline bundle still names; it is blocked and not counted,
// since the page works without it. Any other request fails the gate.
// Usage: node reference-check.js <page.html> <screenshot.png> <operations.json>
const path = require("path");
const fs = require("fs");
const { chromium } = require("playwright-core");

const [html, screenshot, out] = process.argv.slice(2);
if (!html || !screenshot || !out) {
  console.error("usage: node reference-check.js <page.html> <screenshot.png> <operations.json>");
  process.exit(2);
}

(async () => {
  // The flags this machine needs for headless Chromium as root with no
  // network but the loopback (see the machine notes in the README).
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    timeout: 180000,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const remote = [];
    const logo = /^https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini[^/]*\.svg$/;
    await page.route(/^(https?|wss?):/, (route) => {
      const url = route.request().url();
      if (!logo.test(url)) remote.push(url);
      return route.abort();
    });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto("file://" + path.resolve(html), { waitUntil: "load", timeout: 60000 });
    const groups = page.locator('[data-component-name="Menu/MenuItem"].menu-item-type-group > a');
    await groups.first().waitFor({ timeout: 30000 });
    const count = await groups.count();
    // The sidebar is a virtual list: it renders only the rows near its
    // visible part, so the operation links are read after each group is
    // expanded (the group's rows are then in view) and gathered; only links
    // inside menu items count, not links in the page text.
    const seen = new Set();
    const read = async () => {
      const links = await page.$$eval('[data-component-name="Menu/MenuItem"] a', (as) => as.map((a) => a.getAttribute("href") || ""));
      for (const h of links) if (/^#\/[^/]+\/[^/]+$/.test(h)) seen.add(h.split("/")[2]);
    };
    for (let i = 0; i < count; i++) {
      await groups.nth(i).click();
      await page.waitForTimeout(300);
      await read();
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(300);
      await read();
    }
    await page.screenshot({ path: screenshot });
    // The same rows on a viewport tall enough for most of the list at once.
    await page.setViewportSize({ width: 1400, height: 20000 });
    await page.waitForTimeout(1000);
    await read();
    const operations = [...seen];
    fs.writeFileSync(out, JSON.stringify({ groups: count, operations, remote, errors }, null, 2));
    console.log(`reference: ${count} groups, ${operations.length} operation links, ${remote.length} remote requests, ${errors.length} page errors`);
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
