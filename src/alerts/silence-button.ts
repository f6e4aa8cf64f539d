/**
 * The Silence buttons of an alert group in its incident thread: one per duration, each carrying
 * the incident, the group and the matchers of the silence (what the group was grouped by). Built
 * here, free of Slack; the Slack adapter (src/slack/silence-button.ts) handles the press.
 */
import { z } from 'zod';
import type { SlackBlock } from '../router/types.js';
import type { SilenceMatcher } from './alertmanager-api.js';
import type { AlertGroup } from './book.js';

/** Action ids of the Silence buttons start with this; the duration follows (`stackmedic_silence_4h`). */
export const SILENCE_ACTION_PREFIX = 'stackmedic_silence_';

/** The durations offered, in ms. */
export const SILENCE_DURATIONS = { '1h': 3_600_000, '4h': 4 * 3_600_000, '24h': 24 * 3_600_000 } as const;
/** One of the offered durations. */
export type SilenceDuration = keyof typeof SILENCE_DURATIONS;

/** What a Silence button carries. */
export interface SilencePress {
  readonly incidentId: number;
  readonly groupId: string;
  readonly matchers: readonly SilenceMatcher[];
  readonly duration: SilenceDuration;
}

const BUTTON_VALUE_LIMIT = 2000;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const valueSchema = z
  .object({
    i: z.number().int().positive(),
    g: z.string().regex(/^alert-[0-9a-f]{12}$/),
    m: z
      .array(z.tuple([z.string().regex(LABEL_NAME), z.string().min(1).max(500)]))
      .min(1)
      .max(30),
    d: z.enum(Object.keys(SILENCE_DURATIONS) as [SilenceDuration, ...SilenceDuration[]]),
  })
  .strict();

/**
 * The matchers of a group's silence: its group labels (exactly what Alertmanager grouped by), or
 * the labels its alerts share when the route groups by nothing. `null` when there is nothing to
 * match on: a silence without matchers would silence everything, and Alertmanager refuses it.
 */
export function silenceMatchers(group: AlertGroup): SilenceMatcher[] | null {
  const labels = Object.keys(group.labels).length > 0 ? group.labels : group.commonLabels;
  const matchers = Object.entries(labels)
    .filter(([name, value]) => LABEL_NAME.test(name) && value !== '' && value.length <= 500)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  return matchers.length > 0 && matchers.length <= 30 ? matchers : null;
}

/** The actions block with one Silence button per duration, or `null` when the group cannot be silenced from here. */
export function silenceButtons(incidentId: number, group: AlertGroup): SlackBlock | null {
  const matchers = silenceMatchers(group);
  if (!matchers) return null;
  const elements = (Object.keys(SILENCE_DURATIONS) as SilenceDuration[]).map((d) => ({
    type: 'button',
    action_id: `${SILENCE_ACTION_PREFIX}${d}`,
    value: JSON.stringify({ i: incidentId, g: group.id, m: matchers.map((m) => [m.name, m.value]), d }),
    text: { type: 'plain_text', text: `Silence ${d}`, emoji: true },
  }));
  if (elements.some((e) => e.value.length > BUTTON_VALUE_LIMIT)) return null;
  return { type: 'actions', block_id: `stackmedic_silence_${incidentId}_${group.id}`, elements };
}

/** Reads a pressed Silence button's value; `null` when it is not one this code wrote. */
export function readSilencePress(value: string): SilencePress | null {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = valueSchema.safeParse(json);
  if (!parsed.success) return null;
  const { i, g, m, d } = parsed.data;
  return { incidentId: i, groupId: g, matchers: m.map(([name, value]) => ({ name, value })), duration: d };
}

/** `alertname="RabbitmqDiskAlarm", cluster="prod"`, as Alertmanager writes matchers. */
export function matchersText(matchers: readonly SilenceMatcher[]): string {
  return matchers.map((m) => `${m.name}="${m.value.replace(/["\\]/g, '\\$&')}"`).join(', ');
}
