import type { Pane } from './keys.js';

/** Where each pane goes for a terminal size. Rows counts exclude each pane's title line. */
export interface Layout {
  width: number;
  height: number;
  /** Timeline and detail side by side (wide terminals); otherwise the detail takes the body when focused. */
  sideBySide: boolean;
  connectionRows: number;
  timelineRows: number;
  timelineWidth: number;
  detailRows: number;
  detailWidth: number;
  showTimeline: boolean;
  showDetail: boolean;
}

/** Terminals at least this wide show the detail next to the timeline. */
const SIDE_BY_SIDE_WIDTH = 120;
export const MIN_WIDTH = 40;
export const MIN_HEIGHT = 12;

export function computeLayout(width: number, height: number, connections: number, focus: Pane): Layout {
  const w = Math.max(MIN_WIDTH, width);
  const h = Math.max(MIN_HEIGHT, height);
  // Header and footer take a line each.
  const body = h - 2;
  const sideBySide = w >= SIDE_BY_SIDE_WIDTH;
  if (!sideBySide && focus === 'detail') {
    return { width: w, height: h, sideBySide, connectionRows: 0, timelineRows: 0, timelineWidth: w, detailRows: body - 1, detailWidth: w, showTimeline: false, showDetail: true };
  }
  // The connection list takes up to a quarter of the body, the activity strip a line, the timeline the rest.
  const connectionRows = Math.max(1, Math.min(connections, Math.max(3, Math.floor(body / 4))));
  const lower = body - (connectionRows + 1) - 1;
  const timelineWidth = sideBySide ? Math.floor(w * 0.55) : w;
  return {
    width: w,
    height: h,
    sideBySide,
    connectionRows,
    timelineRows: lower - 1,
    timelineWidth,
    detailRows: lower - 1,
    detailWidth: sideBySide ? w - timelineWidth - 1 : w,
    showTimeline: true,
    showDetail: sideBySide,
  };
}
