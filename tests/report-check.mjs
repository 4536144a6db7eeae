// Opens an "ovs-flowlog report --html" page in Debian's Chromium, headless,
// through the DevTools protocol (puppeteer-core, from tests/node_modules:
// "npm ci --prefix tests"), and prints what the page shows as JSON:
//
//   node report-check.mjs PAGE.html SCREENSHOT.png
//
// Fails (exit 1, saying why) on any console error, page error or network
// request other than the page itself: the report must be self-contained.
// Prints one JSON object: each section's table as an array of objects
// (data-field -> data-value, numbers as numbers; denied's ports as
// objects of protocol, dst_port, records), "summary" and "totals", and
// the number of chart bars.  Saves a full-page screenshot.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const [page_file, screenshot] = process.argv.slice(2);
if (!page_file || !screenshot) {
    console.error('usage: report-check.mjs PAGE.html SCREENSHOT.png');
    process.exit(2);
}

const url = 'file://' + path.resolve(page_file);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'report-check-'));
const problems = [];
let browser;
try {
    browser = await puppeteer.launch({
        executablePath: '/usr/bin/chromium',
        headless: true,
        userDataDir: profile,
        args: [
            '--no-sandbox', '--headless',
            '--disable-background-networking', '--disable-component-update',
            '--disable-sync', '--no-first-run', '--disable-gpu',
            '--disable-dev-shm-usage',
        ],
    });
    const page = await browser.newPage();
    page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warn') {
            problems.push(`console ${msg.type()}: ${msg.text()}`);
        }
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err}`));
    page.on('request', (req) => {
        if (req.url() !== url) {
            problems.push(`network request: ${req.url()}`);
        }
    });
    page.on('requestfailed', (req) => {
        problems.push(`request failed: ${req.url()}`);
    });
    await page.setViewport({ width: 1040, height: 800 });
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response || !response.ok()) {
        problems.push(`loading ${url} failed`);
    }

    const shown = await page.evaluate(() => {
        const num = (v) => (/^-?[0-9]+$/.test(v) ? Number(v) : v);
        const out = {};
        for (const section of document.querySelectorAll('section[data-section]')) {
            const rows = [];
            for (const tr of section.querySelectorAll('tr[data-row]')) {
                const obj = {};
                for (const td of tr.querySelectorAll('td[data-field]')) {
                    const field = td.dataset.field;
                    const ports = td.querySelectorAll('span.port');
                    if (field === 'ports') {
                        obj.ports = [...ports].map((s) => ({
                            protocol: num(s.dataset.protocol),
                            dst_port: num(s.dataset.port),
                            records: num(s.dataset.value),
                        }));
                    } else {
                        obj[field] = td.dataset.value === undefined
                            ? null : num(td.dataset.value);
                    }
                }
                if (section.dataset.section === 'totals') {
                    obj.name = tr.dataset.row;
                }
                rows.push(obj);
            }
            out[section.dataset.section] = rows;
        }
        const summary = {};
        for (const el of document.querySelectorAll('[data-section=summary] [data-field]')) {
            summary[el.dataset.field] = num(el.dataset.value);
        }
        out.summary = summary;
        out.bars = document.querySelectorAll('svg rect[data-value]').length;
        out.charts = document.querySelectorAll('figure[data-chart]').length;
        return out;
    });
    await page.screenshot({ path: screenshot, fullPage: true });
    if (problems.length) {
        console.error(problems.join('\n'));
        process.exitCode = 1;
    }
    console.log(JSON.stringify(shown));
} catch (e) {
    console.error(`report-check: ${e.stack || e}`);
    process.exitCode = 1;
} finally {
    if (browser) {
        await browser.close();
    }
    fs.rmSync(profile, { recursive: true, force: true });
}
