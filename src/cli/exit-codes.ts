/** Exit codes, documented in the README. */
export const ExitCode = {
  OK: 0,
  /** The input is damaged or truncated; everything before the damage was still reported. */
  DAMAGED: 1,
  /** The command line is wrong. */
  USAGE: 2,
  /** A file cannot be read, or is not a capture. */
  NOT_A_CAPTURE: 3,
  /** A bug in wsdissect; the message asks for a report. */
  INTERNAL: 4,
} as const;
