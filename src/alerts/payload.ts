import { z } from 'zod';

/**
 * Alertmanager's webhook payload, version 4 (the only version Alertmanager has sent since 0.x):
 * one notification for one alert group, with the group's labels and every alert in it.
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */

const labelSet = z.record(z.string(), z.string());

/** One alert of a notification. */
export const webhookAlertSchema = z.object({
  // Alertmanager always sends it; hand-written test payloads often leave it to the group's.
  status: z.enum(['firing', 'resolved']).optional(),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

/** The whole notification. */
export const webhookPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().default(''),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(webhookAlertSchema).max(10_000),
});

/** One alert as Alertmanager sends it, its status filled in. */
export type WebhookAlert = z.infer<typeof webhookAlertSchema> & { readonly status: 'firing' | 'resolved' };
/** One notification as Alertmanager sends it. */
export type WebhookPayload = Omit<z.infer<typeof webhookPayloadSchema>, 'alerts'> & { readonly alerts: readonly WebhookAlert[] };

/** A payload read, or why it could not be. */
export type PayloadReading = { readonly ok: true; readonly payload: WebhookPayload } | { readonly ok: false; readonly problem: string };

/** Reads a webhook body: malformed JSON and payloads that are not version 4 come back as a problem, never thrown. */
export function readWebhookPayload(body: string): PayloadReading {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, problem: `malformed JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = webhookPayloadSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'the body';
    return { ok: false, problem: `not an Alertmanager webhook payload (version 4): ${where}: ${issue?.message ?? 'invalid'}` };
  }
  const payload = parsed.data;
  return { ok: true, payload: { ...payload, alerts: payload.alerts.map((a) => ({ ...a, status: a.status ?? payload.status })) } };
}
