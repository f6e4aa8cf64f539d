import { userInfo } from 'node:os';
import type { Actor } from '../router/types.js';

/** The local user, as the console's actor. */
export function consoleActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? 'unknown';
  }
  return { id: `console:${name}`, name, via: 'console', channel: 'console' };
}
