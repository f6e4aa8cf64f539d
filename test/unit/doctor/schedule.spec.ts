import { describe, expect, it } from 'vitest';
import { checkSchedule, nextRuns } from '../../../src/doctor/schedule.js';

describe('doctor: schedule', () => {
  it('computes the next three runs as the scheduler would', () => {
    const from = new Date(2026, 2, 1, 10, 1, 30);
    expect(nextRuns('*/2 * * * *', from, 3)).toEqual([new Date(2026, 2, 1, 10, 2), new Date(2026, 2, 1, 10, 4), new Date(2026, 2, 1, 10, 6)]);
    expect(nextRuns('0 3 * * 1', from, 2)).toEqual([new Date(2026, 2, 2, 3, 0), new Date(2026, 2, 9, 3, 0)]);
  });

  it('prints them, and that nothing runs without an incident channel', () => {
    const c = checkSchedule('*/5 * * * *', { now: new Date(2026, 2, 1, 10, 1), incidentChannel: undefined });
    expect(c.status).toBe('pass');
    expect(c.detail).toMatch(
      /^"\*\/5 \* \* \* \*": next runs 2026-03-01 10:05, 2026-03-01 10:10, 2026-03-01 10:15 \(.+\) \(the scheduler runs only with STACKMEDIC_INCIDENT_CHANNEL set\)$/,
    );
    expect(checkSchedule('*/5 * * * *', { now: new Date(), incidentChannel: 'C0OPS' }).detail).not.toMatch(/runs only with/);
  });

  it('fails an expression cron cannot read, as bad configuration', () => {
    const c = checkSchedule('61 * * * *', { now: new Date(), incidentChannel: undefined });
    expect(c).toMatchObject({ status: 'fail', configuration: true });
    expect(c.detail).toMatch(/^"61 \* \* \* \*" is not a valid cron expression: /);
  });
});
