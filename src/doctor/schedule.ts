/** The schedule check: STACKMEDIC_SCHEDULE parses as the scheduler's cron reads it, and when it runs next. */
import { CronTime } from 'cron';
import { checksOf, type Check } from './types.js';

const { pass, fail } = checksOf('schedule', true);

/** The next `count` run times of a cron expression after `from`, as the scheduler (local time) computes them. */
export function nextRuns(expression: string, from: Date, count: number): Date[] {
  const time = new CronTime(expression);
  const runs: Date[] = [];
  let at = from;
  for (let i = 0; i < count; i++) {
    at = time.getNextDateFrom(at).toJSDate();
    runs.push(at);
  }
  return runs;
}

/** "2026-03-01 10:02" in the process's time zone, as the scheduler fires. */
function localMinute(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const seconds = d.getSeconds() ? `:${pad(d.getSeconds())}` : '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}${seconds}`;
}

/** The schedule check; the expression's validity is configuration (exit code 2). */
export function checkSchedule(expression: string, options: { readonly now: Date; readonly incidentChannel: string | undefined }): Check {
  const valid = CronTime.validateCronExpression(expression);
  if (!valid.valid) {
    return fail(
      'STACKMEDIC_SCHEDULE',
      `"${expression}" is not a valid cron expression: ${valid.error?.message ?? 'unreadable'}`,
      'fix STACKMEDIC_SCHEDULE, e.g. */2 * * * * (every two minutes)',
    );
  }
  const runs = nextRuns(expression, options.now, 3).map(localMinute);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const when = options.incidentChannel ? '' : ' (the scheduler runs only with STACKMEDIC_INCIDENT_CHANNEL set)';
  return pass('STACKMEDIC_SCHEDULE', `"${expression}": next runs ${runs.join(', ')} (${zone})${when}`);
}
