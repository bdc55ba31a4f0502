/** Cost of one contact row: libphonenumber and Luxon are the suspects. */
import { formatLocal, localDate, nationalNumber, parseRecord, parseRules, projectContact, type ContactRecordPayload } from '../packages/core/src/index.js';
import { simulate } from '../packages/cli/src/simulator/index.js';

const rules = parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP' });
const ctrs: ContactRecordPayload[] = [];
for (const e of simulate({ agents: 100, hours: 24, seed: 3 })) {
  if (e.kind !== 'contact') continue;
  const p = parseRecord(e.payload, JSON.stringify(e.payload), { origin: 'b' });
  if (p.ok && p.contact) ctrs.push(p.contact);
}
const time = (name: string, fn: () => void) => {
  fn();
  const t = performance.now();
  fn();
  console.log(`${name.padEnd(20)} ${(((performance.now() - t) * 1000) / ctrs.length).toFixed(1)} us/record (${ctrs.length})`);
};
time('projectContact', () => ctrs.forEach((c) => projectContact(c, rules)));
time('nationalNumber', () => ctrs.forEach((c) => nationalNumber(c.CustomerEndpoint?.Address ?? '+81312345678', 'JP')));
time('formatLocal', () => ctrs.forEach((c) => formatLocal(Date.parse(c.InitiationTimestamp), 'Asia/Tokyo')));
time('localDate', () => ctrs.forEach((c) => localDate(Date.parse(c.InitiationTimestamp), 'Asia/Tokyo')));
