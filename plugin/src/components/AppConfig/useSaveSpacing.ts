import { useCallback, useRef } from 'react';

// Grafana stores a settings row's `Updated` in whole seconds, caches the
// decrypted key while `Updated` is unchanged, and the plugin SDK rebuilds the
// backend instance only when it changes. Two saves within one second of
// Grafana's clock can therefore leave the first key in use. Grafana stamps
// `Updated` before it answers, so one second after its answer has arrived
// its clock has left that second, whatever the offset between the clocks:
// a save waits until then (docs/DESIGN.md, "Decisions").
export const SAVE_SPACING_MS = 1000;

/** `answered()` after each successful save; `await ready()` before the next one. */
export function useSaveSpacing(now: () => number = Date.now, sleep: (ms: number) => Promise<void> = defaultSleep) {
  const nextAllowedAt = useRef(0);
  const answered = useCallback(() => {
    nextAllowedAt.current = now() + SAVE_SPACING_MS;
  }, [now]);
  const ready = useCallback(async () => {
    const wait = nextAllowedAt.current - now();
    if (wait > 0) {
      await sleep(wait);
    }
  }, [now, sleep]);
  return { answered, ready };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
