/**
 * Every advisory lock paperboy takes on PostgreSQL, in one place so that no two share a key. One-key locks
 * (a bigint) and two-key locks (two ints; the second is a hash) are separate spaces in PostgreSQL.
 */

/** One key: migrations at start-up, so that instances starting together apply them once. */
export const MIGRATION_LOCK = 7_203_114_001;
/**
 * One key: papers arriving (exclusive) against counting words and building search lists (shared), which
 * keep the lists exact only if no paper arrives between their reading of the papers and their writing.
 */
export const UPSERT_LOCK = 7_203_114_002;
/** Two keys, with hashtext of the owner: one person's watch delivery claims. */
export const CLAIM_LOCK = 7_203_115;
/** Two keys, with hashtext of the owner: adding one person's watch. */
export const ADD_WATCH_LOCK = 7_203_116;
/** Two keys, with hashtext of the list's key: one search list built (or one word counted) at a time. */
export const BUILD_LOCK = 7_203_117;
