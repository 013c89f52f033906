// render.mjs renders Mermaid diagrams with the real mermaid package in
// Debian's headless Chromium, so that kombugen's tests fail on a diagram
// that GitHub (which runs the same library) would show as a syntax error.
//
//	node render.mjs IN.mmd OUT.svg [IN2.mmd OUT2.png ...]
//
// Each IN is parsed with mermaid.parse, then rendered with mermaid.render;
// OUT gets the SVG, or a PNG screenshot of it when OUT ends in .png. On a
// parse or render error it prints "IN: error" to stderr, goes on with the
// other diagrams and exits 1 at the end. One browser serves all diagrams:
// starting Chromium is most of the cost.
//
// Nothing comes from the network: a local page loads mermaid from
// node_modules, and every other request the page makes is refused.
//
// Environment: CHROMIUM overrides the browser (default /usr/bin/chromium).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "node_modules", "mermaid", "dist");
const mermaidJS = join(dist, "mermaid.esm.min.mjs");

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2 !== 0) {
  console.error("usage: node render.mjs IN.mmd OUT.svg|OUT.png [IN OUT ...]");
  process.exit(2);
}

// A fresh profile each run: nothing left over from another run (or from a
// person's own browser) can change what is rendered.
const profile = await mkdtemp(join(tmpdir(), "kombugen-mermaid-"));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  pipe: true, // no debugging port to open or collide on
  userDataDir: profile,
  args: [
    "--headless",
    "--no-sandbox", // root in CI, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // ES modules from file:// URLs, which Chromium refuses by default.
    "--allow-file-access-from-files",
  ],
});

let failed = false;
try {
  // A local page importing the local mermaid's ES module build, which
  // loads only the parts a flowchart needs: a fraction of the 3.5 MB of the
  // whole bundle, whose compiling is most of a run's time.
  const html = join(profile, "render.html");
  await writeFile(html, `<!doctype html><html><head><meta charset=utf-8><script type=module>
import(${JSON.stringify(pathToFileURL(mermaidJS).href)}).then(
  (m) => { window.mermaid = m.default; },
  (e) => { window.loadError = String(e); });
</script></head><body></body></html>`);
  const page = await browser.newPage();
  await page.setRequestInterception(true);
  const distURL = pathToFileURL(dist).href + "/";
  page.on("request", (req) => {
    const url = req.url();
    if (url === pathToFileURL(html).href || url.startsWith(distURL)) {
      req.continue();
    } else {
      req.abort();
    }
  });
  await page.goto(pathToFileURL(html).href);
  await page.waitForFunction(() => window.mermaid || window.loadError, { timeout: 120000 });
  const loadError = await page.evaluate(() => window.loadError);
  if (loadError) {
    throw new Error(`loading ${mermaidJS}: ${loadError}`);
  }
  await page.evaluate(() => {
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      // Otherwise the defaults, as GitHub renders a mermaid block.
      deterministicIds: true,
    });
  });

  for (let i = 0; i < args.length; i += 2) {
    const [input, output] = [args[i], args[i + 1]];
    const source = await readFile(input, "utf8");
    const result = await page.evaluate(async (src) => {
      try {
        // parse throws on a syntax error; render alone would draw an
        // error picture instead.
        await window.mermaid.parse(src);
        const { svg } = await window.mermaid.render("diagram", src);
        return { svg };
      } catch (e) {
        return { error: String((e && e.message) || e) };
      }
    }, source);
    if (result.error) {
      console.error(`${input}: ${result.error}`);
      failed = true;
      continue;
    }
    if (output.endsWith(".png")) {
      await writeFile(output, await screenshot(page, result.svg));
    } else {
      await writeFile(output, result.svg + "\n");
    }
  }
} finally {
  await browser.close();
  await rm(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

// screenshot returns a PNG of svg, drawn on a white page at twice the
// pixel density so that text stays sharp.
async function screenshot(page, svg) {
  const shot = await page.browser().newPage();
  try {
    await shot.setViewport({ width: 800, height: 600, deviceScaleFactor: 2 });
    await shot.setContent(`<!doctype html><html><body style="margin:16px;background:#fff">${svg}</body></html>`);
    const el = await shot.$("svg");
    return await el.screenshot({ omitBackground: false });
  } finally {
    await shot.close();
  }
}
