import { describe, expect, it } from 'vitest';
import { readEnvOptions } from '../../../src/config/env.js';
import { ConfigError } from '../../../src/errors.js';

describe('STACKMEDIC_ALERT_MAX_AGE_HOURS', () => {
  it('keeps the 48 hours of before when unset or empty', () => {
    expect(readEnvOptions({}).alertMaxAgeHours).toBe(48);
    expect(readEnvOptions({ STACKMEDIC_ALERT_MAX_AGE_HOURS: '' }).alertMaxAgeHours).toBe(48);
  });

  it('takes a whole number of hours', () => {
    expect(readEnvOptions({ STACKMEDIC_ALERT_MAX_AGE_HOURS: '12' }).alertMaxAgeHours).toBe(12);
    expect(readEnvOptions({ STACKMEDIC_ALERT_MAX_AGE_HOURS: '168' }).alertMaxAgeHours).toBe(168);
  });

  it.each(['0', '-4', '2.5', '4h', 'two days', '8761'])('refuses %j, naming the variable and what it takes', (value) => {
    let error: unknown;
    try {
      readEnvOptions({ STACKMEDIC_ALERT_MAX_AGE_HOURS: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`environment: STACKMEDIC_ALERT_MAX_AGE_HOURS: a whole number from 1 to 8760 (got "${value}")`);
  });
});
