/** Reaction emoji the soak sends: two upvote emoji and one that is not an upvote and must never count. */
export const REACTION_EMOJI = ['+1', 'fire', 'eyes'] as const;
/** The bits of {@link REACTION_EMOJI} that are upvotes. */
const UPVOTE_BITS = 0b011;

/** A message the bot posted for one paper, and each voter's reactions on it as a bit mask. */
export interface Target {
  channel: string;
  ts: string;
  paperId: string;
  masks: Uint8Array;
  /** A reaction for this voter is in flight (or just acked): the next one waits, so order is known. */
  busy: Uint8Array;
  /** A reaction for this voter failed in transit, so whether it counted is unknown. */
  uncertain: Uint8Array;
}

/** One reaction to send. */
export interface Choice {
  target: Target;
  voter: number;
  emoji: (typeof REACTION_EMOJI)[number];
  added: boolean;
}

/**
 * What the soak sent, as the state Slack itself would hold: for every (message, voter, emoji), whether the
 * reaction is on. A paper's expected vote count is its voters with any upvote emoji on. Redeliveries (an add
 * of a reaction already on) and removals of one never added are sent on purpose: they must change nothing.
 */
export class VoteLedger {
  readonly targets: Target[] = [];
  readonly sent = { added: 0, removed: 0, redelivered: 0, removedAbsent: 0, notUpvote: 0 };
  readonly #voters: number;

  constructor(voters: number) {
    this.#voters = voters;
  }

  track(channel: string, ts: string, paperId: string): void {
    const n = this.#voters;
    this.targets.push({
      channel,
      ts,
      paperId,
      masks: new Uint8Array(n),
      busy: new Uint8Array(n),
      uncertain: new Uint8Array(n),
    });
  }

  /** The next reaction: a free (message, voter) pair; null when a few tries find only busy pairs. */
  next(random: () => number): Choice | null {
    if (this.targets.length === 0) return null;
    for (let attempt = 0; attempt < 8; attempt++) {
      const target = this.targets[Math.floor(random() * this.targets.length)]!;
      const voter = Math.floor(random() * this.#voters);
      if (target.busy[voter]) continue;
      const r = random();
      const index = r < 0.45 ? 0 : r < 0.9 ? 1 : 2;
      const on = (target.masks[voter]! & (1 << index)) !== 0;
      const added = on ? random() < 0.15 : random() < 0.9;
      if (index === 2) this.sent.notUpvote++;
      else if (on && added) this.sent.redelivered++;
      else if (!on && !added) this.sent.removedAbsent++;
      else if (added) this.sent.added++;
      else this.sent.removed++;
      target.busy[voter] = 1;
      return { target, voter, emoji: REACTION_EMOJI[index]!, added };
    }
    return null;
  }

  /** Records how a reaction ended: acked (Slack would now show it) or lost in transit (unknown). */
  settle(choice: Choice, acked: boolean): void {
    const { target, voter } = choice;
    const bit = 1 << REACTION_EMOJI.indexOf(choice.emoji);
    if (!acked) target.uncertain[voter] = 1;
    else if (choice.added) target.masks[voter]! |= bit;
    else target.masks[voter]! &= ~bit;
  }

  /** The vote count the store should hold for the target's paper. */
  expected(target: Target): number {
    return target.masks.reduce((n, m) => n + ((m & UPVOTE_BITS) !== 0 ? 1 : 0), 0);
  }
}
