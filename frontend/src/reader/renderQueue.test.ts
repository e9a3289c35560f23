import { describe, expect, it } from 'vitest';
import { createRenderQueue } from './renderQueue';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createRenderQueue', () => {
  it('runs two jobs at a time, the page nearest the current one first', async () => {
    const started: number[] = [];
    const jobs = new Map<number, ReturnType<typeof deferred>>();
    const queue = createRenderQueue(() => 10);
    for (const page of [1, 9, 30, 11]) {
      jobs.set(page, deferred());
      queue.schedule(page, () => {
        started.push(page);
        return jobs.get(page)!.promise;
      });
    }
    await tick();
    expect(started).toEqual([9, 11]);

    jobs.get(11)!.resolve();
    await tick();
    expect(started).toEqual([9, 11, 1]);
  });

  it('drops a job cancelled before it started', async () => {
    const started: number[] = [];
    const queue = createRenderQueue(() => 1, 1);
    const first = deferred();
    queue.schedule(1, () => {
      started.push(1);
      return first.promise;
    });
    const second = queue.schedule(2, async () => {
      started.push(2);
    });
    await tick();
    second.cancel();
    first.resolve();
    await tick();
    expect(started).toEqual([1]);
  });
});
