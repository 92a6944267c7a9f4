/**
 * Term ids of ASCII tokens looked up straight from the text they are cut from, for a build that counts
 * every paper of the archive (listed-counts.ts `countAscii`). Cutting each column with a regular
 * expression made a string of every token, hashed it, and looked it up in a Map: a quarter of the counting
 * thread's time at a million papers. Here the caller hashes a token's characters as it scans them
 * ({@link tokenHash}), and the table compares a stored token with the text in place; only a token seen for
 * the first time (since the table was last cleared) is cut out, lowercased and resolved.
 */

/** A character of a token in ASCII text: unicode61 keeps runs of [A-Za-z0-9] (folded to lower case). */
export function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
}

/** The hash of a token so far (start from TOKEN_HASH_SEED), given its next character, folded to lower case. */
export function tokenHash(h: number, c: number): number {
  return Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 16777619);
}

/** FNV-1a's offset basis. */
export const TOKEN_HASH_SEED = 0x811c9dc5 | 0;

/** Whether `token` (lower case) is text[start, end) folded to lower case. */
function sameToken(token: string, text: string, start: number, end: number): boolean {
  if (token.length !== end - start) return false;
  for (let j = 0; j < token.length; j++) {
    const c = text.charCodeAt(start + j);
    if (token.charCodeAt(j) !== (c >= 65 && c <= 90 ? c + 32 : c)) return false;
  }
  return true;
}

export class AsciiTokenIds {
  private keys: (string | undefined)[] = [];
  private hashes = new Int32Array(0);
  private ids = new Int32Array(0);
  private size = 0;

  /**
   * `resolve` gives a token's (lower case) term id, 0 when its term is not listed. At most `limit` tokens
   * are kept, then the table starts again empty, so an archive of endless distinct tokens (numbers, ids)
   * cannot grow it without bound; it starts small and doubles, so a connection that counts a few papers
   * (the lists' upkeep) keeps a small one.
   */
  constructor(
    private readonly resolve: (token: string) => number,
    private readonly limit = 200_000,
  ) {
    this.allocate(1 << 12);
  }

  /** The term id of text[start, end), a token whose {@link tokenHash} is `h`. */
  get(text: string, start: number, end: number, h: number): number {
    const mask = this.hashes.length - 1;
    let i = h & mask;
    for (let k = this.keys[i]; k !== undefined; k = this.keys[i]) {
      if (this.hashes[i] === h && sameToken(k, text, start, end)) return this.ids[i] as number;
      i = (i + 1) & mask;
    }
    const token = text.slice(start, end).toLowerCase();
    const id = this.resolve(token);
    if (this.size >= this.limit) this.allocate(this.hashes.length);
    else if (2 * (this.size + 1) > this.hashes.length) this.grow();
    else {
      this.put(i, token, h, id);
      return id;
    }
    this.insert(token, h, id);
    return id;
  }

  private allocate(capacity: number): void {
    this.keys = new Array(capacity).fill(undefined);
    this.hashes = new Int32Array(capacity);
    this.ids = new Int32Array(capacity);
    this.size = 0;
  }

  private grow(): void {
    const { keys, hashes, ids } = this;
    this.allocate(hashes.length * 2);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== undefined) this.insert(k, hashes[i] as number, ids[i] as number);
    }
  }

  private insert(token: string, h: number, id: number): void {
    const mask = this.hashes.length - 1;
    let i = h & mask;
    while (this.keys[i] !== undefined) i = (i + 1) & mask;
    this.put(i, token, h, id);
  }

  private put(i: number, token: string, h: number, id: number): void {
    this.keys[i] = token;
    this.hashes[i] = h;
    this.ids[i] = id;
    this.size++;
  }
}
