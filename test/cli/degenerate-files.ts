import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Degenerate inputs no feed holds but a careless file or a broken download can: each is `head` followed by
 * `unit` repeated to `bytes` bytes, then `tail`.
 */
export interface DegenerateShape {
  name: string;
  head: string;
  unit: string;
  tail: string;
  format?: 'hf-json' | 'hf-text' | 'arxiv-atom';
}

export const DEGENERATE_SHAPES: readonly DegenerateShape[] = [
  { name: 'only line breaks', head: '', unit: '\n', tail: '' },
  { name: 'only line breaks, read as page text', head: '', unit: '\n', tail: '', format: 'hf-text' },
  { name: 'a word, then line breaks', head: 'Title\n', unit: '\n', tail: '' },
  { name: 'CRLF blank lines around a word', head: '', unit: '\r\n', tail: 'x\r\n' },
  { name: 'millions of one-letter lines', head: '', unit: 'a\n', tail: '' },
  { name: 'millions of one-letter paragraphs', head: '', unit: 'a\n\n', tail: '' },
  { name: 'millions of lone meta anchors', head: '', unit: '·\n\n', tail: '' },
  { name: 'millions of tiny cards', head: '', unit: 'T\n\nA\n·\n\n', tail: '' },
  { name: 'one enormous line', head: '', unit: 'x', tail: '' },
  { name: 'spaces and tabs', head: '', unit: ' \t', tail: '' },
  { name: 'JSON: whitespace in an array', head: '[', unit: '\n', tail: ']' },
  { name: 'JSON: millions of zeros', head: '[', unit: '0,', tail: '0]' },
  { name: 'JSON: millions of empty objects', head: '[', unit: '{},', tail: '{}]' },
  { name: 'JSON: one enormous string', head: '"', unit: 'x', tail: '"' },
  { name: 'JSON: deep nesting', head: '', unit: '[', tail: '' },
  { name: 'Atom: line breaks in a feed', head: '<feed>', unit: '\n', tail: '</feed>' },
  { name: 'Atom: millions of empty entries', head: '<feed>', unit: '<entry/>', tail: '</feed>' },
  { name: 'Atom: deep nesting', head: '<feed>', unit: '<a>', tail: '</feed>' },
];

/** Writes the shape at about `bytes` bytes, a megabyte at a time, so the writer never holds the whole file. */
export function writeDegenerate(path: string, shape: DegenerateShape, bytes: number): void {
  const unitBytes = Buffer.byteLength(shape.unit);
  const perChunk = Math.max(1, Math.floor((1 << 20) / unitBytes));
  const chunk = Buffer.from(shape.unit.repeat(perChunk));
  let units = Math.max(1, Math.floor(bytes / unitBytes));
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, shape.head);
    while (units > 0) {
      const n = Math.min(units, perChunk);
      writeSync(fd, chunk, 0, n * unitBytes);
      units -= n;
    }
    writeSync(fd, shape.tail);
  } finally {
    closeSync(fd);
  }
}
