/**
 * Remembers the result for the last arguments only (compared with Object.is). The UI asks for the same
 * derived data (sorted list, timeline view, detail lines) for every key and every redraw of the same state;
 * one entry is enough, and nothing grows.
 */
export function memoLast<A extends unknown[], R>(compute: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | null = null;
  let last: R;
  return (...args: A): R => {
    if (lastArgs !== null && args.length === lastArgs.length && args.every((arg, i) => Object.is(arg, lastArgs![i]))) return last;
    last = compute(...args);
    lastArgs = args;
    return last;
  };
}
