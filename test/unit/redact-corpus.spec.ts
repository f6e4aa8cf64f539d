import { describe, expect, it } from 'vitest';
import { redact, redactAndCut } from '../../src/redact.js';
import { asLogLines, benignLines, cutShapes, leaks, secretShapes } from '../support/secrets.js';

const shapes = secretShapes();

describe('the secret corpus', () => {
  it('holds at least 60 shapes, each with a secret', () => {
    expect(shapes.length).toBeGreaterThanOrEqual(60);
    expect(new Set(shapes.map((s) => s.id)).size).toBe(shapes.length);
    for (const s of shapes) {
      expect(s.secrets.length, s.id).toBeGreaterThan(0);
      for (const secret of s.secrets) expect(s.text, s.id).toContain(secret);
    }
  });
});

describe.each(shapes.map((s) => [s.id, s] as const))('redact on %s', (_id, shape) => {
  it('hides the secret and keeps the rest readable', () => {
    const out = redact(shape.text);
    expect(leaks(out, shape), out).toEqual([]);
    for (const kept of shape.keep) expect(out, out).toContain(kept);
  });

  it('is idempotent', () => {
    const once = redact(shape.text);
    expect(redact(once)).toBe(once);
  });

  if (!shape.file)
    it('hides it inside log lines too', () => {
      const out = redact(asLogLines(shape.text));
      expect(leaks(out, shape), out).toEqual([]);
    });

  it('hides it when the text is cut anywhere inside the secret', () => {
    for (const secret of shape.secrets) {
      const at = shape.text.indexOf(secret);
      for (let cut = at + 2; cut < at + secret.length; cut += 3) {
        const out = redact(shape.text.slice(0, cut), { cut: true });
        const shown = secret.slice(0, cut - at);
        expect(shown.length < 6 || !out.includes(shown.slice(0, 6)), `${shape.id} cut at ${cut}: ${out}`).toBe(true);
      }
    }
  });
});

describe('all shapes at once', () => {
  it.each([' | ', ' ', '; ', '\t'])('hides every secret when they share one line, joined by %j', (glue) => {
    const line = shapes
      .filter((s) => !s.text.includes('\n'))
      .map((s) => s.text)
      .join(glue);
    const out = redact(line);
    expect(shapes.flatMap((s) => (s.text.includes('\n') ? [] : leaks(out, s)))).toEqual([]);
    expect(redact(out)).toBe(out);
  });

  it('hides every secret when they follow each other line after line', () => {
    const out = redact(shapes.map((s) => s.text).join('\n'));
    expect(shapes.flatMap((s) => leaks(out, s))).toEqual([]);
  });
});

describe('cut outputs', () => {
  it.each(cutShapes().map((s) => [s.id, s] as const))('hides the half secret in %s', (_id, shape) => {
    const out = redact(shape.text, { cut: true });
    expect(leaks(out, shape), out).toEqual([]);
  });

  it('redacts before cutting, so a cut cannot halve a secret into something unrecognised', () => {
    const line = `${'x'.repeat(180)} aws key AKIAQ4NB7Z2XW5K3M8PD used`;
    const out = redactAndCut(line, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out).not.toMatch(/AKIAQ4/);
    expect(out.endsWith('...')).toBe(true);
  });
});

describe('lines that only look like secrets', () => {
  it.each(benignLines().map((l) => [l]))('leaves %j alone', (line) => {
    expect(redact(line)).toBe(line);
  });
});
