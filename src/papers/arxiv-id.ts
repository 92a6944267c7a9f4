/**
 * arXiv's identifier grammar (https://info.arxiv.org/help/arxiv_identifier.html), and what makes an id
 * impossible, so that a mistyped id is answered at once instead of after a round of network retries.
 */

/** What one bare identifier (no `arXiv:` prefix, no link) reads as. */
export interface ArxivIdReading {
  /**
   * The versionless id in arXiv's canonical form (`2410.17243`, `hep-th/9901001`) when the text has an
   * id's shape, even an impossible one (feeds and stores keep reading such ids as before); else null.
   */
  id: string | null;
  /** Why no paper can have this id, as a clause (`month 99 does not exist`); null when one may. */
  problem: string | null;
}

/**
 * Archives of the old scheme (1991 to March 2007), whose ids are `archive/YYMMNNN`. Archives created
 * later (q-fin, stat, eess, econ) never had old-style ids.
 */
const OLD_ARCHIVES = new Set(
  (
    'acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph cmp-lg comp-gas ' +
    'cond-mat cs dg-ga funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph mtrl-th nlin nucl-ex ' +
    'nucl-th patt-sol physics plasm-ph q-alg q-bio quant-ph solv-int supr-con'
  ).split(' '),
);

/** `YYMM.NNNNN` with an optional version; a dangling `v` (a link cut short) is read as no version. */
const NEW_STYLE = /^(\d{2})(\d{2})\.(\d+)(?:v(\d*))?$/i;
/**
 * `archive[.Class]/YYMMNNN`. arXiv's own feeds keep a subject class some old ids carry
 * (`math.GT/0309136`), so it is kept, in arXiv's case: two-letter classes upper, longer ones lower.
 */
const OLD_STYLE = /^([a-z]+(?:-[a-z]+)?)(\.[a-z]+(?:-[a-z]+)*)?\/(\d+)(?:v(\d*))?$/i;

/**
 * Reads one bare identifier. `strict` (the text said it is an arXiv id: a prefix, a link) reads any
 * `YYMM.` digits and any archive name as an id to check; otherwise only text shaped like an id is one, so
 * a search for `2023.12` or `foo/1234567` stays a search. An id of a month still to come is not ruled
 * out: the clock of the machine asking may be wrong, and the services' answer is no worse than a guess.
 * Null: the text is no identifier.
 */
export function readArxivId(text: string, options: { strict?: boolean } = {}): ArxivIdReading | null {
  const s = text.trim();
  const fresh = NEW_STYLE.exec(s);
  if (fresh) return readNewStyle(fresh, options);
  const old = OLD_STYLE.exec(s);
  if (old) return readOldStyle(old, options.strict === true);
  return null;
}

function readNewStyle(m: RegExpExecArray, options: { strict?: boolean }): ArxivIdReading | null {
  const [, yy = '', mm = '', number = '', version] = m;
  const shaped = number.length === 4 || number.length === 5;
  if (!shaped && !options.strict) return null;
  const id = shaped ? `${yy}${mm}.${number}` : null;
  const problem = newStyleProblem(Number(yy), Number(mm), number) ?? versionProblem(version);
  return { id, problem };
}

function newStyleProblem(yy: number, mm: number, number: string): string | null {
  const yymm = yy * 100 + mm;
  if (mm < 1 || mm > 12) return `month ${String(mm).padStart(2, '0')} does not exist (ids begin YYMM)`;
  if (yymm < 704)
    return 'ids of this form begin in April 2007 (0704); older papers have ids like hep-th/9901001';
  const digits = yymm >= 1501 ? 5 : 4;
  if (number.length !== digits)
    return yymm >= 1501
      ? `ids from January 2015 on have 5 digits after the dot (like 2410.17243), not ${number.length}`
      : `ids from before 2015 have 4 digits after the dot (like 1412.6980), not ${number.length}`;
  if (/^0+$/.test(number)) return 'paper numbers start at 1';
  return null;
}

function readOldStyle(m: RegExpExecArray, strict: boolean): ArxivIdReading | null {
  const [, archiveTyped = '', classTyped = '', digits = '', version] = m;
  const archive = archiveTyped.toLowerCase();
  const known = OLD_ARCHIVES.has(archive);
  if (!strict && (!known || digits.length !== 7)) return null;
  const subject = classTyped.length === 3 ? classTyped.toUpperCase() : classTyped.toLowerCase();
  const id = digits.length === 7 ? `${archive}${subject}/${digits}` : null;
  return { id, problem: oldStyleProblem(archive, known, digits) ?? versionProblem(version) };
}

function oldStyleProblem(archive: string, known: boolean, digits: string): string | null {
  if (!known) return `${archive} is not an arXiv archive`;
  if (digits.length !== 7)
    return `old-style ids have 7 digits after the slash (YYMMNNN, like hep-th/9901001), not ${digits.length}`;
  const yy = Number(digits.slice(0, 2));
  const mm = Number(digits.slice(2, 4));
  if (mm < 1 || mm > 12) return `month ${digits.slice(2, 4)} does not exist (old-style ids are YYMMNNN)`;
  // The scheme ran from the first archive (hep-th, August 1991) to March 2007.
  const year = yy >= 91 ? 1900 + yy : 2000 + yy;
  if (year < 1991 || year > 2007 || (year === 2007 && mm > 3) || (year === 1991 && mm < 8))
    return 'old-style ids run from August 1991 to March 2007 (9108 to 0703)';
  if (digits.endsWith('000')) return 'paper numbers start at 001';
  return null;
}

function versionProblem(version: string | undefined): string | null {
  return version !== undefined && version !== '' && Number(version) === 0 ? 'versions start at v1' : null;
}
