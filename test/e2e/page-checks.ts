// What every screen of the admin UI must get right, read from the page as a user meets it:
// each control has a name, nothing runs past the right edge of the screen, and nothing the
// page needs is refused by its Content-Security-Policy.
import type { BrowserContext, Page } from 'playwright-core';

/**
 * Collects every Content-Security-Policy violation on the pages of `context` and their workers,
 * as it happens: the browser's own console report, and each `securitypolicyviolation` event
 * (reported to the console too, so one listener sees both). A suite asserts the list empty.
 */
export async function watchCsp(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.addInitScript(reportViolations);
  // A worker has a policy of its own (its script's response headers) and its violations fire on
  // it, not on the page: the report is added as it starts, before it is sent any work.
  const watchWorkers = (page: Page) => page.on('worker', (worker) => void worker.evaluate(reportViolations).catch(() => undefined));
  context.pages().forEach(watchWorkers);
  context.on('page', watchWorkers);
  context.on('console', (message) => {
    if (/content.security.policy/i.test(message.text())) violations.push(`${message.worker()?.url() ?? message.page()?.url() ?? ''}: ${message.text()}`);
  });
  return violations;
}

/** Runs in the page or worker: each violation to the console, which the browser may not do itself. */
function reportViolations(): void {
  globalThis.addEventListener('securitypolicyviolation', (e) => {
    console.error(`Content Security Policy violation: ${e.effectiveDirective} refused ${e.blockedURI || 'inline code'} at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
  });
}

/** Controls a keyboard or screen-reader user could not name: inputs without labels, empty buttons. */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href]'))) {
      if (el.offsetParent === null && el.getAttribute('type') !== 'radio') continue;
      const aria = el.getAttribute('aria-label') ?? el.getAttribute('aria-labelledby') ?? el.getAttribute('title');
      const labelled = 'labels' in el && (el as HTMLInputElement).labels !== null && (el as HTMLInputElement).labels!.length > 0;
      const text = el.tagName === 'BUTTON' || el.tagName === 'A' ? (el.textContent ?? '').trim() : '';
      if (!aria && !labelled && text === '') out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
}

/** Elements of the screen that reach past its right edge (cut off, or only seen by scrolling sideways). */
export async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const main = document.querySelector('main');
    if (!main) return ['no <main>'];
    const edge = main.getBoundingClientRect().right;
    const out: string[] = [];
    // Anything at all that makes the window scroll sideways, even what is hidden from sight.
    const page = document.documentElement;
    if (page.scrollWidth > page.clientWidth) out.push(`the page scrolls sideways: ${page.scrollWidth} px wide in a ${page.clientWidth} px window`);
    for (const el of Array.from(main.querySelectorAll<HTMLElement>('*'))) {
      const box = el.getBoundingClientRect();
      // Past the edge, and not inside something that scrolls on purpose (a code view) or is only for screen readers.
      if (box.width === 0 || box.right <= edge + 1 || el.closest('pre, textarea, .scroll, .visually-hidden')) continue;
      out.push(`${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}: ${(el.textContent ?? '').slice(0, 60)}`);
      if (out.length >= 5) break;
    }
    return out;
  });
}
