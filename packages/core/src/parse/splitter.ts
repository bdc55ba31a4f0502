/** A top-level JSON value cut out of a text stream, parsed or not. */
export type Piece = { ok: true; value: unknown; text: string; line: number } | { ok: false; reason: string; text: string; line: number };

const MAX_VALUE_CHARS = 64 * 1024 * 1024;

/**
 * Cuts a line-oriented stream into top-level JSON values. Handles JSON Lines,
 * pretty-printed values spanning lines, and Firehose-style concatenated objects
 * (`{...}{...}`), and recovers at the next line after a broken value so that one
 * truncated record never swallows its neighbours.
 */
export class JsonStreamSplitter {
  private parts: string[] = [];
  private size = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private startLine = 0;
  /** column where the unfinished value starts */
  private startColumn = 0;

  pushLine(line: string, lineNo: number): Piece[] {
    const out: Piece[] = [];
    if (this.depth === 0 && this.parts.length === 0) {
      const fast = tryWholeLine(line, lineNo);
      if (fast) {
        out.push(fast);
        return out;
      }
    } else if (this.parts.length > 0 && !this.inString && opensAtOrLeftOf(line, this.startColumn)) {
      // A new value opens no deeper than the unfinished one did: pretty-printed
      // JSON indents nested values, so the unfinished one was truncated.
      out.push(this.abandon('truncated JSON value'));
    }
    this.scan(line, lineNo, out);
    if (this.parts.length > 0) {
      if (this.inString) out.push(this.abandon('unterminated string (line break inside a JSON string)'));
      else this.append('\n');
    }
    return out;
  }

  end(): Piece[] {
    if (this.parts.length === 0) return [];
    const text = this.parts.join('');
    if (text.trim() === '') return [];
    return [this.abandon('truncated JSON value at end of input')];
  }

  private scan(line: string, lineNo: number, out: Piece[]): void {
    let segmentStart = -1;
    for (let i = 0; i < line.length; i++) {
      const ch = line.charCodeAt(i);
      if (this.parts.length === 0 && segmentStart < 0) {
        if (ch === 0x20 || ch === 0x09 || ch === 0x0d || ch === 0xfeff) continue;
        if (ch !== 0x7b && ch !== 0x5b) {
          // A scalar or garbage at top level: the rest of the line is one value.
          out.push(parseText(line.slice(i), lineNo));
          return;
        }
        segmentStart = i;
        this.startLine = lineNo;
        this.startColumn = i;
        this.depth = 0;
      } else if (segmentStart < 0) {
        segmentStart = i;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === 0x5c) this.escaped = true;
        else if (ch === 0x22) this.inString = false;
        continue;
      }
      if (ch === 0x22) this.inString = true;
      else if (ch === 0x7b || ch === 0x5b) this.depth++;
      else if (ch === 0x7d || ch === 0x5d) {
        this.depth--;
        if (this.depth === 0) {
          this.append(line.slice(segmentStart, i + 1));
          out.push(this.complete());
          segmentStart = -1;
        }
      }
    }
    if (segmentStart >= 0) this.append(line.slice(segmentStart));
  }

  private append(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > MAX_VALUE_CHARS) throw new SplitterOverflow(this.startLine);
  }

  private complete(): Piece {
    const text = this.parts.join('');
    const line = this.startLine;
    this.reset();
    return parseText(text, line);
  }

  private abandon(reason: string): Piece {
    const text = this.parts.join('');
    const line = this.startLine;
    this.reset();
    return { ok: false, reason, text, line };
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}

export class SplitterOverflow extends Error {
  constructor(readonly line: number) {
    super(`a JSON value starting at line ${line} is larger than ${MAX_VALUE_CHARS / 1024 / 1024} MB`);
  }
}

function tryWholeLine(line: string, lineNo: number): Piece | null {
  let s = 0;
  let e = line.length;
  while (s < e && isSpace(line.charCodeAt(s))) s++;
  while (e > s && isSpace(line.charCodeAt(e - 1))) e--;
  if (s === e) return { ok: true, value: undefined, text: '', line: lineNo }; // blank line
  const first = line.charCodeAt(s);
  const last = line.charCodeAt(e - 1);
  if (!((first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d))) return null;
  const text = s === 0 && e === line.length ? line : line.slice(s, e);
  try {
    return { ok: true, value: JSON.parse(text), text, line: lineNo };
  } catch {
    return null; // maybe concatenated objects on one line: let the scanner cut them
  }
}

function opensAtOrLeftOf(line: string, column: number): boolean {
  let i = 0;
  while (i < line.length && i <= column && isSpace(line.charCodeAt(i))) i++;
  const ch = line.charCodeAt(i);
  return i <= column && (ch === 0x7b || ch === 0x5b);
}

function isSpace(ch: number): boolean {
  return ch === 0x20 || ch === 0x09 || ch === 0x0d || ch === 0xfeff;
}

function parseText(text: string, line: number): Piece {
  try {
    return { ok: true, value: JSON.parse(text), text, line };
  } catch (err) {
    return { ok: false, reason: `not valid JSON (${(err as Error).message})`, text, line };
  }
}
