/**
 * arXiv's identifier grammar (https://info.arxiv.org/help/arxiv_identifier.html): new-style
 * `YYMM.NNNNN` ids and the old scheme's `archive/YYMMNNN`.
 */

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
const NEW_STYLE = /^(\d{4})\.(\d{4,5})(?:v\d*)?$/i;
/**
 * `archive[.Class]/YYMMNNN`. arXiv's own feeds keep a subject class some old ids carry
 * (`math.GT/0309136`), so it is kept, in arXiv's case: two-letter classes upper, longer ones lower.
 */
const OLD_STYLE = /^([a-z]+(?:-[a-z]+)?)(\.[a-z]+(?:-[a-z]+)*)?\/(\d{7})(?:v\d*)?$/i;

/**
 * The versionless id in arXiv's canonical form (`2410.17243`, `hep-th/9901001`) that one bare identifier
 * (no `arXiv:` prefix, no link) holds, or null. `strict` (the text said it is an arXiv id: a prefix, a
 * link) reads any archive name; otherwise only arXiv's archives, so a search for `foo/1234567` stays a
 * search.
 */
export function readArxivId(text: string, options: { strict?: boolean } = {}): string | null {
  const s = text.trim();
  const fresh = NEW_STYLE.exec(s);
  if (fresh) return `${fresh[1]}.${fresh[2]}`;
  const old = OLD_STYLE.exec(s);
  if (!old) return null;
  const [, archiveTyped = '', classTyped = '', digits = ''] = old;
  const archive = archiveTyped.toLowerCase();
  if (!options.strict && !OLD_ARCHIVES.has(archive)) return null;
  const subject = classTyped.length === 3 ? classTyped.toUpperCase() : classTyped.toLowerCase();
  return `${archive}${subject}/${digits}`;
}
