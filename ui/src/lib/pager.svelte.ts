// A cursor-paged list read a page at a time: the first on `load()`, the next appended on
// `more()`. For lists that can hold hundreds of thousands of rows (an app's accounts, a group's
// members): never read whole.
import type { Page } from './api.ts';
import { pageItems } from './api.ts';

export interface Pager<T> {
  rows: T[];
  /** The cursor of the page after the last one read; undefined when there is no more. */
  next: string | undefined;
  loading: boolean;
  error: unknown;
  /** Reads the first page again, replacing what was read. */
  load(): Promise<void>;
  /** Appends the next page. */
  more(): Promise<void>;
}

export function pager<T>(fetchPage: (cursor?: string) => Promise<Page<T>>): Pager<T> {
  async function read(cursor?: string): Promise<void> {
    state.loading = true;
    state.error = null;
    try {
      const page = await fetchPage(cursor);
      state.rows = cursor ? [...state.rows, ...pageItems(page)] : pageItems(page);
      state.next = page.next ?? page.nextCursor ?? undefined;
    } catch (error) {
      state.error = error;
    } finally {
      state.loading = false;
    }
  }
  const state: Pager<T> = $state<Pager<T>>({
    rows: [],
    next: undefined,
    loading: false,
    error: null,
    load: (): Promise<void> => read(),
    more: (): Promise<void> => (state.next ? read(state.next) : Promise.resolve()),
  });
  return state;
}
