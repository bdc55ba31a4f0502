import type { SettingsStore } from '../ports.js';
import type { MetaTable } from './meta.js';

/** Settings of the local runtime (e.g. Kinesis checkpoints), in the meta table under `setting.`. */
export class SqliteSettings implements SettingsStore {
  constructor(private readonly meta: MetaTable) {}

  settingsWithPrefix(prefix: string): Map<string, string> {
    return this.meta.withPrefix(`setting.${prefix}`);
  }

  setSetting(key: string, value: string): void {
    this.meta.set(`setting.${key}`, value);
  }
}
