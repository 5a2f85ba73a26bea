// A value fetched for a screen: loading, the data, or the error to show in its place.
export interface Loaded<T> {
  loading: boolean;
  data: T | undefined;
  error: unknown;
  reload(): Promise<void>;
}

export function loader<T>(fetcher: () => Promise<T>): Loaded<T> {
  const state = $state<Loaded<T>>({
    loading: true,
    data: undefined,
    error: null,
    async reload() {
      state.loading = true;
      state.error = null;
      try {
        state.data = await fetcher();
      } catch (error) {
        state.error = error;
      } finally {
        state.loading = false;
      }
    },
  });
  void state.reload();
  return state;
}
