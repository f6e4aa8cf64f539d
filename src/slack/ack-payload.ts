import type { RespondArguments } from '@slack/bolt';
import type { SlackBlock } from '../router/types.js';
import { redactDeep } from '../redact.js';
import { echoCommand } from './context.js';
import { fitMessage } from './limit.js';

/** An ack's payload through the same redaction and the same limiter as every post. */
export function limitAck(payload: RespondArguments): RespondArguments {
  const safe = redactDeep(payload) as RespondArguments & { text?: string; blocks?: readonly SlackBlock[] };
  // An ack has no thread to move the rest to: cut it (the asker can run the command again for all).
  const { message } = fitMessage({ text: safe.text ?? '', blocks: safe.blocks ?? [] });
  return { ...safe, text: message.text, ...(safe.blocks ? { blocks: [...message.blocks] } : {}) } as RespondArguments;
}

/**
 * The ack of a command whose answer follows (`running /cluster status…`), as the main thread sends
 * it and as the Slack ingress thread sends it when the main thread is too busy to ack in time:
 * one function, so the two are the same bytes (both pass it through `limitAck` once) and the late
 * one can be recognised and dropped.
 */
export function runningAck(commandText: string): RespondArguments {
  return { response_type: 'ephemeral', text: `running ${echoCommand(commandText)}…` };
}
