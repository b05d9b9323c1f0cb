// Checks built HTML pages in Chromium at a laptop and a phone width: axe-core violations, console
// errors, requests leaving the build folder and horizontal scrolling. Exit 1 on any finding, 2 when
// the tools are missing.
//
//   node tools/a11y.mjs [BUILD_DIR] [--shots DIR]
//
// BUILD_DIR (default build) holds zh/ and en/ with the pages (every *.html there is checked).
// A11Y_TOOLS names the folder where `npm i axe-core puppeteer-core` was run (default: module
// resolution from this file); CHROMIUM the browser (default /usr/bin/chromium).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const WIDTHS = [
  { name: "laptop", width: 1280, height: 800, isMobile: false },
  { name: "phone", width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
];
// The machine may be offline: nothing in Chromium should try to reach a server.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function parseArgs(argv) {
  const options = { build: "build", shots: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--shots") options.shots = argv[++i];
    else options.build = argv[i];
  }
  return options;
}

function loadTools() {
  const from = process.env.A11Y_TOOLS
    ? join(resolve(process.env.A11Y_TOOLS), "package.json")
    : import.meta.url;
  const require = createRequire(from);
  try {
    return { axe: require("axe-core"), puppeteer: require("puppeteer-core") };
  } catch (error) {
    console.error(
      `a11y: ${error.message.split("\n")[0]}\n` +
        "Install the tools in a folder of your own (`npm i axe-core puppeteer-core`) and set " +
        "A11Y_TOOLS to it.",
    );
    process.exit(2);
  }
}

function pages(build) {
  const found = [];
  for (const lang of ["zh", "en"]) {
    const dir = join(build, lang);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith(".html")) found.push(join(lang, name));
    }
  }
  return found;
}

async function check(browser, axe, file, view, shots) {
  const page = await browser.newPage();
  const url = pathToFileURL(file).href;
  const consoleErrors = [];
  const outside = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const where = message.location()?.url;
    consoleErrors.push(where ? `${message.text()} (${where})` : message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const target = request.url();
    if (target.startsWith("file:") || target.startsWith("data:")) {
      request.continue();
    } else {
      outside.push(target);
      request.abort();
    }
  });
  const { name, ...viewport } = view;
  await page.setViewport(viewport);
  await page.goto(url, { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready);
  const errors = [...consoleErrors];
  const size = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    innerWidth: window.innerWidth,
    // A table that scrolls sideways inside the page is horizontal scrolling too. A chart's own
    // frame may scroll (WCAG 1.4.10 exempts charts, whose layout carries their meaning) when a
    // keyboard can reach it.
    scrollers: [...document.body.querySelectorAll("*")]
      .filter((e) => e.scrollWidth > e.clientWidth + 1)
      .filter((e) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX))
      .filter((e) => !(e.matches("figure.chart .plot") && e.tabIndex >= 0))
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}.${e.className}`),
  }));
  if (shots) {
    const base = file.split("/").slice(-2).join("-").replace(/\.html$/, "");
    await page.screenshot({ path: join(shots, `${base}-${view.width}.png`), fullPage: true });
  }
  await page.evaluate(axe.source);
  // Target size (WCAG 2.2 AA, EN 301 549 v4) is off in axe by default; public bodies need it.
  const result = await page.evaluate(() =>
    axe.run(document, { rules: { "target-size": { enabled: true } } }),
  );
  await page.close();
  return { name, errors, outside, size, violations: result.violations };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const { axe, puppeteer } = loadTools();
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    console.error(`a11y: no browser at ${executablePath} (install chromium or set CHROMIUM)`);
    process.exit(2);
  }
  const build = resolve(options.build);
  const found = pages(build);
  if (found.length === 0) {
    console.error(`a11y: no HTML pages in ${build}/zh or ${build}/en (run \`brief build\` first)`);
    process.exit(2);
  }
  if (options.shots) mkdirSync(options.shots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "a11y-chromium-"));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    userDataDir: profile,
    args: FLAGS,
  });
  let problems = 0;
  try {
    for (const relative of found) {
      for (const view of WIDTHS) {
        const r = await check(browser, axe, join(build, relative), view, options.shots);
        // clientWidth, not innerWidth: a phone widens its layout viewport (and innerWidth) to
        // fit content that is too wide, so innerWidth would hide the overflow.
        const scrolls = r.size.scrollWidth > r.size.clientWidth;
        problems +=
          r.violations.length +
          r.errors.length +
          r.outside.length +
          r.size.scrollers.length +
          (scrolls ? 1 : 0);
        console.log(
          `${relative} @${view.width}px: ${r.violations.length} axe violations, ` +
            `${r.errors.length} console errors, scrollWidth ${r.size.scrollWidth} ` +
            `(clientWidth ${r.size.clientWidth}, innerWidth ${r.size.innerWidth})` +
            (scrolls ? " SCROLLS HORIZONTALLY" : ""),
        );
        for (const v of r.violations) {
          console.log(`  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} elements)`);
          for (const node of v.nodes.slice(0, 5)) {
            const summary = (node.failureSummary ?? "").split("\n").slice(1, 2).join(" ").trim();
            console.log(`    ${node.target.join(" ")}${summary ? ` — ${summary}` : ""}`);
          }
        }
        for (const error of r.errors) console.log(`  console error: ${error}`);
        for (const target of r.outside) console.log(`  request outside the build: ${target}`);
        for (const element of r.size.scrollers) console.log(`  scrolls sideways: ${element}`);
      }
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(problems === 0 ? "a11y: no findings" : `a11y: ${problems} findings`);
  process.exit(problems === 0 ? 0 : 1);
}

await main();
