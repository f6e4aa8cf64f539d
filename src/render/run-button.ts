/**
 * A "run this command" button in a reply (an incident's recommended runbook). Built here, beside the
 * other reply rendering, so that domain modules can offer actions without knowing Slack; the Slack
 * adapter (src/slack/run-button.ts) handles the press.
 */
import type { SlackBlock } from '../router/types.js';

/** Action id of a run button. */
export const RUN_ACTION = 'stackmedic_run';

/** Slack's limit on a button's value: the command it carries. */
const BUTTON_VALUE_LIMIT = 2000;

/**
 * A button that runs `command` as the person who presses it, e.g. in an incident summary:
 * `{ type: 'actions', elements: [runButton('/compute fix-libvirt node-18')] }`. The press goes
 * through the router like a typed command: role check, confirmation for dangerous commands, audit.
 */
export function runButton(command: string, label: string = command): SlackBlock {
  if (command.length > BUTTON_VALUE_LIMIT) throw new RangeError(`a button command is limited to ${BUTTON_VALUE_LIMIT} characters`);
  return {
    type: 'button',
    action_id: RUN_ACTION,
    value: command,
    text: { type: 'plain_text', text: label.length > 75 ? `${label.slice(0, 74)}…` : label, emoji: true },
  };
}
