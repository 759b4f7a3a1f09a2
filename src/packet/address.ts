/** Text forms of IP addresses read straight from packet bytes (the caller has checked the bounds). */

export function formatIPv4(data: Buffer, at: number): string {
  return `${data[at]}.${data[at + 1]}.${data[at + 2]}.${data[at + 3]}`;
}

/** RFC 5952 text form of the 16-byte IPv6 address at `at`. */
export function formatIPv6(data: Buffer, at: number): string {
  // RFC 5952 §5: an IPv4-mapped address (RFC 4291 §2.5.5.2) keeps its IPv4 part in dotted-quad form.
  if (
    data.readUInt32BE(at) === 0 &&
    data.readUInt32BE(at + 4) === 0 &&
    data.readUInt32BE(at + 8) === 0x0000ffff
  ) {
    return '::ffff:' + formatIPv4(data, at + 12);
  }
  // RFC 5952 §4.2: '::' replaces the longest run of zero groups (§4.2.3), only if it is at least two
  // groups long (§4.2.2), and the first such run when two are equally long (§4.2.3).
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  for (let group = 0; group < 8; group++) {
    if (data.readUInt16BE(at + 2 * group) !== 0) {
      runStart = -1;
      continue;
    }
    if (runStart < 0) runStart = group;
    if (group - runStart + 1 > bestLength) {
      bestStart = runStart;
      bestLength = group - runStart + 1;
    }
  }
  // RFC 5952 §4.1 (no leading zeros) and §4.3 (lowercase) are what toString(16) gives.
  let text = '';
  let group = 0;
  while (group < 8) {
    if (group === bestStart) {
      text += '::';
      group += bestLength;
      continue;
    }
    if (group > 0 && group !== bestStart + bestLength) text += ':';
    text += data.readUInt16BE(at + 2 * group).toString(16);
    group++;
  }
  return text;
}
