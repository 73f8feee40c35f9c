/** A server-sent event stream read over real HTTP, as EventSource would (no polling: each read waits on the socket). */
export interface SseReader {
  status: number;
  headers: Headers;
  /** Everything received so far. */
  text(): string;
  /** Waits until what arrived after `from` (an offset into text()) matches; returns the offset after the match. */
  waitFor(pattern: RegExp | string, from?: number, timeoutMs?: number): Promise<number>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  let buffer = '';
  const waiters = new Set<() => void>();
  const decoder = new TextDecoder();
  const ended = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (const w of [...waiters]) w();
      }
    } catch {
      // Aborted by close(): the stream ended for this reader.
    } finally {
      for (const w of [...waiters]) w();
    }
  })();
  let finished = false;
  void ended.then(() => (finished = true));
  return {
    status: res.status,
    headers: res.headers,
    text: () => buffer,
    ended,
    close: () => abort.abort(),
    waitFor(pattern, from = 0, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const rest = buffer.slice(from);
          const m = typeof pattern === 'string' ? (rest.includes(pattern) ? { index: rest.indexOf(pattern), 0: pattern } : null) : pattern.exec(rest);
          if (m) {
            done();
            resolve(from + m.index! + m[0]!.length);
          } else if (finished) {
            done();
            reject(new Error(`the stream ended before ${String(pattern)}; got ${JSON.stringify(rest)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; got ${JSON.stringify(buffer.slice(from))}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
