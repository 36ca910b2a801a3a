/** Per-key debouncing with a hand-driven clock. */
import { strict as assert } from 'assert';
import { test } from 'node:test';
import { KeyedDebouncer, Timers } from '../../src/debounce';

/** A manual clock: timers fire only when the test advances time. */
class FakeClock implements Timers<number> {
  now = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): number {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(id: number): void {
    this.timers.delete(id);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.timers].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.now && this.timers.delete(id)) {
        t.fn();
      }
    }
  }
  get pending(): number {
    return this.timers.size;
  }
}

test('a burst of schedules runs once, after the last one plus the delay', () => {
  const clock = new FakeClock();
  const d = new KeyedDebouncer<string, number>(100, clock);
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    d.schedule('a', () => runs.push(i));
    clock.advance(60);
  }
  assert.deepEqual(runs, []);
  assert.equal(d.isPending('a'), true);
  clock.advance(39);
  assert.deepEqual(runs, []);
  clock.advance(1);
  assert.deepEqual(runs, [4]);
  assert.equal(d.isPending('a'), false);
  assert.equal(clock.pending, 0);
});

test('keys are independent', () => {
  const clock = new FakeClock();
  const d = new KeyedDebouncer<string, number>(50, clock);
  const runs: string[] = [];
  d.schedule('a', () => runs.push('a'));
  clock.advance(30);
  d.schedule('b', () => runs.push('b'));
  clock.advance(20);
  assert.deepEqual(runs, ['a']);
  clock.advance(30);
  assert.deepEqual(runs, ['a', 'b']);
});

test('cancel, dispose and a changed delay', () => {
  const clock = new FakeClock();
  const d = new KeyedDebouncer<string, number>(50, clock);
  const runs: string[] = [];
  d.schedule('a', () => runs.push('a'));
  d.cancel('a');
  d.cancel('never-scheduled');
  clock.advance(100);
  assert.equal(runs.length, 0);

  d.setDelay(10);
  d.schedule('b', () => runs.push('b'));
  d.schedule('c', () => runs.push('c'));
  d.dispose();
  clock.advance(100);
  assert.equal(runs.length, 0);
  assert.equal(clock.pending, 0);

  d.schedule('d', () => runs.push('d'));
  clock.advance(10);
  assert.deepEqual(runs, ['d']);
});

test('the real timers are used by default', async () => {
  const d = new KeyedDebouncer<string>(1);
  await new Promise<void>((resolve) => d.schedule('x', resolve));
});
