/** `16:02`: the UTC hour and minute of an instant, as stackmedic states when something was read. */
export function utcHourMinute(at: Date | string): string {
  return (typeof at === 'string' ? at : at.toISOString()).slice(11, 16);
}
