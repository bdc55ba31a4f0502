/** Toolbar fields shared by the views. */
import { addDays, isDate } from '../time.js';
import { BUCKETS, type Bucket } from '../types.js';

/** ◀ date ▶: a local date with buttons for the day before and after; an invalid date picks null. */
export function DayPicker({ id, date, zone, onPick }: { id: string; date: string; zone: string; onPick: (date: string | null) => void }) {
  return (
    <>
      <button type="button" onClick={() => onPick(addDays(date, -1))} aria-label="Previous day">
        ◀
      </button>
      <span class="field">
        <label for={id}>Date ({zone})</label>
        <input id={id} type="date" value={date} onChange={(e) => onPick(isDate((e.target as HTMLInputElement).value) ? (e.target as HTMLInputElement).value : null)} />
      </span>
      <button type="button" onClick={() => onPick(addDays(date, 1))} aria-label="Next day">
        ▶
      </button>
    </>
  );
}

export function BucketSelect({ id, bucket, onChange }: { id: string; bucket: Bucket; onChange: (bucket: Bucket) => void }) {
  return (
    <span class="field">
      <label for={id}>Bucket</label>
      <select id={id} value={bucket} onChange={(e) => onChange((e.target as HTMLSelectElement).value as Bucket)}>
        {BUCKETS.map((b) => (
          <option key={b} value={b}>
            {b}
          </option>
        ))}
      </select>
    </span>
  );
}
