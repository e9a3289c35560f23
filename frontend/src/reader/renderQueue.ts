/**
 * Draws at most a few pages at a time, nearest the page being read first. Zooming out or
 * jumping far brings many pages near the viewport at once; drawing them all together would make
 * the page the reader looks at wait behind the others.
 */
export interface RenderQueue {
  /** Runs `job` when a slot is free; `cancel()` drops it if it has not started. */
  schedule(pageNumber: number, job: () => Promise<void>): { cancel(): void };
}

export function createRenderQueue(currentPage: () => number, concurrency = 2): RenderQueue {
  const waiting: { pageNumber: number; job: () => Promise<void> }[] = [];
  let running = 0;

  function next() {
    while (running < concurrency && waiting.length > 0) {
      const page = currentPage();
      let nearest = 0;
      for (let i = 1; i < waiting.length; i += 1) {
        if (Math.abs(waiting[i].pageNumber - page) < Math.abs(waiting[nearest].pageNumber - page))
          nearest = i;
      }
      const [entry] = waiting.splice(nearest, 1);
      running += 1;
      void entry
        .job()
        .catch(() => {}) // each job reports its own errors
        .finally(() => {
          running -= 1;
          next();
        });
    }
  }

  return {
    schedule(pageNumber, job) {
      const entry = { pageNumber, job };
      waiting.push(entry);
      queueMicrotask(next);
      return {
        cancel() {
          const index = waiting.indexOf(entry);
          if (index !== -1) waiting.splice(index, 1);
        },
      };
    },
  };
}
