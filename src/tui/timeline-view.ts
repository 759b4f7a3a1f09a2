import type { ConnectionModel, TimelineEvent } from '../analysis/index.js';
import { eventCategory, eventFrame, eventText, FindingIndex, FOLDABLE, type EventCategory } from './events.js';

/** What `f` cycles through. */
export type TimelineFilter = 'all' | EventCategory | 'findings';
export const TIMELINE_FILTERS: readonly TimelineFilter[] = ['all', 'data', 'control', 'tcp', 'findings'];

/**
 * The rows the timeline shows: every event, or those the filter keeps; folded, runs of TCP chatter become one
 * row and a message sent as a single frame is one row, not two. A row covers events `first`..`last` (of which `count` are shown when unfolded). Rows are in event order,
 * so the row holding an event is found by binary search.
 */
export interface TimelineView {
  readonly length: number;
  first(row: number): number;
  last(row: number): number;
  count(row: number): number;
  /** The row that shows `event`, or the nearest row before it when the filter hides it. */
  rowOf(event: number): number;
}

/** All events, one per row: costs nothing to build, so a huge timeline opens at once. */
class IdentityView implements TimelineView {
  constructor(readonly length: number) {}
  first(row: number): number {
    return row;
  }
  last(row: number): number {
    return row;
  }
  count(): number {
    return 1;
  }
  rowOf(event: number): number {
    return Math.max(0, Math.min(event, this.length - 1));
  }
}

/** The view of a connection with no timeline (or no connection at all). */
export const EMPTY_VIEW: TimelineView = new IdentityView(0);

class RowsView implements TimelineView {
  constructor(
    readonly length: number,
    private readonly firsts: Int32Array,
    private readonly lasts: Int32Array,
    private readonly counts: Int32Array,
  ) {}
  first(row: number): number {
    return this.firsts[row];
  }
  last(row: number): number {
    return this.lasts[row];
  }
  count(row: number): number {
    return this.counts[row];
  }
  rowOf(event: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firsts[mid] <= event) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  }
}

/** A text or binary frame with FIN set and no fragment before it: the whole message (RFC 6455 §5.4). */
function isWholeMessage(connection: ConnectionModel, event: TimelineEvent): boolean {
  const frame = eventFrame(connection, event);
  return frame !== null && frame.fin && (frame.opcode === 1 || frame.opcode === 2);
}

/**
 * Builds the rows for a filter and folding: one pass over the events, no object per event. With no filter and
 * no folding it is the identity view and touches no event at all.
 */
export function buildTimelineView(
  connection: ConnectionModel,
  events: readonly TimelineEvent[],
  findings: FindingIndex,
  filter: TimelineFilter,
  fold: boolean,
): TimelineView {
  const n = events.length;
  if (filter === 'all' && !fold) return new IdentityView(n);
  const firsts = new Int32Array(n);
  const lasts = new Int32Array(n);
  const counts = new Int32Array(n);
  let rows = 0;
  let openFold = false;
  for (let i = 0; i < n; i++) {
    const event = events[i];
    if (filter === 'findings' ? findings.forEvent(event).length === 0 : filter !== 'all' && eventCategory(connection, event) !== filter) {
      continue;
    }
    // Folded, a message sent as one frame is one row: its ws-message row stands for the frame too.
    if (fold && event.type === 'ws-frame' && isWholeMessage(connection, event)) continue;
    const foldable = fold && FOLDABLE.has(event.type);
    if (foldable && openFold) {
      lasts[rows - 1] = i;
      counts[rows - 1]++;
      continue;
    }
    firsts[rows] = i;
    lasts[rows] = i;
    counts[rows] = 1;
    rows++;
    openFold = foldable;
  }
  return new RowsView(rows, firsts, lasts, counts);
}

/** True when the row stands for several folded events. */
export function isFolded(view: TimelineView, row: number): boolean {
  return view.count(row) > 1;
}

export interface SearchQuery {
  pattern: string;
  regex: boolean;
}

/** Compiles a query; a regex that does not compile is reported, not thrown. */
export function compileQuery(query: SearchQuery): RegExp | string {
  if (!query.regex) return new RegExp(query.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  try {
    return new RegExp(query.pattern, 'i');
  } catch (error) {
    return (error as Error).message;
  }
}

/** Rows (of unfolded events) whose payload matches, in order; n/N walk through them. */
export function searchRows(connection: ConnectionModel, events: readonly TimelineEvent[], view: TimelineView, pattern: RegExp): number[] {
  const rows: number[] = [];
  for (let row = 0; row < view.length; row++) {
    if (view.count(row) > 1) continue;
    if (pattern.test(eventText(connection, events[view.first(row)]))) rows.push(row);
  }
  return rows;
}

/** The next match after `row` (or before it, backwards), wrapping around; null when there is none. */
export function nextMatch(matches: readonly number[], row: number, backwards: boolean): number | null {
  if (matches.length === 0) return null;
  // Binary search for the first match past `row`: the match list of a huge timeline can be long.
  let lo = 0;
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (matches[mid] <= row) lo = mid + 1;
    else hi = mid;
  }
  if (!backwards) return lo < matches.length ? matches[lo] : matches[0];
  // matches[lo - 1] is the last match at or before `row`; skip it when it is `row` itself.
  const before = lo > 0 && matches[lo - 1] === row ? lo - 2 : lo - 1;
  return before >= 0 ? matches[before] : matches[matches.length - 1];
}
