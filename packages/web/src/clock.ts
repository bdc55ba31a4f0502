/**
 * One ticker for the whole page. Live "time in state" labels are plain DOM
 * text nodes registered here and rewritten once a second without rendering
 * any component; components that must change at a given moment (an alert
 * threshold being crossed) register a deadline instead.
 */
import { formatDuration } from './time.js';

/** server time - browser time, learnt from the stream's `at` stamps */
let skewMs = 0;
/** event time vs wall clock when the server simulates faster than real time (ConfigView.clock) */
let eventClock: { wallAt: number; simulatedAt: number; speed: number } | null = null;

/** "Now" on the events' clock: the wall clock, or the simulated clock at --speed > 1. */
export const now = (): number => {
  const wall = Date.now() + skewMs;
  return eventClock ? eventClock.simulatedAt + (wall - eventClock.wallAt) * eventClock.speed : wall;
};

export function setEventClock(clock: { wallAt: string; simulatedAt: string; speed: number } | undefined): void {
  eventClock = clock ? { wallAt: Date.parse(clock.wallAt), simulatedAt: Date.parse(clock.simulatedAt), speed: clock.speed } : null;
}

export function setServerTime(iso: string | undefined): void {
  const t = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isFinite(t)) skewMs = t - Date.now();
}

interface TimerEntry {
  since: number;
  text: string;
}

const timers = new Map<HTMLElement, TimerEntry>();
const deadlines = new Map<number, { at: number; fn: () => void }>();
let nextDeadlineId = 1;

export const stats = { ticks: 0, lastTickMs: 0, maxTickMs: 0, timerWrites: 0, tileRenders: 0 };

export function timerText(since: number, t = now()): string {
  return formatDuration((t - since) / 1000);
}

export function registerTimer(el: HTMLElement, since: number): void {
  const text = timerText(since);
  if (el.textContent !== text) el.textContent = text;
  timers.set(el, { since, text });
}

export function unregisterTimer(el: HTMLElement): void {
  timers.delete(el);
}

/** Calls fn once the clock reaches `at` (ms). Returns a cancel function. */
export function atTime(at: number, fn: () => void): () => void {
  const id = nextDeadlineId++;
  deadlines.set(id, { at, fn });
  return () => deadlines.delete(id);
}

function tick(): void {
  const started = performance.now();
  const t = now();
  for (const [el, entry] of timers) {
    const text = timerText(entry.since, t);
    if (text !== entry.text) {
      entry.text = text;
      el.textContent = text;
      stats.timerWrites++;
    }
  }
  const due: Array<() => void> = [];
  for (const [id, d] of deadlines) {
    if (d.at <= t) {
      deadlines.delete(id);
      due.push(d.fn);
    }
  }
  for (const fn of due) fn();
  stats.ticks++;
  stats.lastTickMs = performance.now() - started;
  stats.maxTickMs = Math.max(stats.maxTickMs, stats.lastTickMs);
}

let started = false;

/** Ticks just after each whole second of the (server-aligned) clock. */
export function startClock(): void {
  if (started) return;
  started = true;
  const loop = () => {
    tick();
    setTimeout(loop, 1000 - (now() % 1000) + 5);
  };
  setTimeout(loop, 1000 - (now() % 1000) + 5);
}
