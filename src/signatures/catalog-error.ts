import { ConfigError, type ErrorCode } from '../errors.js';

/** What kind of mistake a catalog file holds; stable, for tests and for operators' tooling. */
export type CatalogErrorReason = 'io' | 'yaml' | 'empty' | 'schema' | 'regex' | 'literal' | 'glob' | 'placeholder' | 'duplicate' | 'reference';

/**
 * A signature file is invalid. It is a `ConfigError` (the CLI refuses to start, exit code 2) whose
 * message names the file, the signature (id and position), the field and what is expected.
 */
export class CatalogError extends ConfigError {
  /** Stable code of catalog problems, next to `ConfigError`'s generic `stackmedic_config`. */
  readonly catalogCode: ErrorCode = 'stackmedic_catalog_invalid';
  constructor(
    file: string,
    field: string,
    expected: string,
    readonly reason: CatalogErrorReason,
  ) {
    super(file, field, expected);
  }
}
