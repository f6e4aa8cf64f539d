/** The help of `stackmedic signatures`, apart from its code so that the CLI's help loads nothing more. */

/** `stackmedic signatures propose`'s usage; its first line is the synopsis the global help lists. */
export const SIGNATURES_PROPOSE_USAGE = `stackmedic signatures propose --logs DIR --group N [--id ID] [--output FILE]

Drafts a signature file from unrecognised error group N, as \`stackmedic diagnose --logs DIR\`
numbers the groups (1 = the largest): patterns from the group's constant text, the log files it
was seen in, prefilter literals and a title. The draft is checked against the logs: it claims
group N. Put it into SIGNATURES_DIR after \`stackmedic signatures test\`.

  --logs DIR         the collected logs, laid out as DIR/<node>/<absolute log path>
  --group N          the group's number in diagnose's list
  --id ID            the signature's id (kebab-case; default: made from its title)
  --output FILE      write the file there (never over an existing one); default: print it
  --timezone ZONE    zone of log timestamps that carry none (default STACKMEDIC_LOG_TIMEZONE, UTC)
  -h, --help         this help

Exit codes: 0 drafted, 2 bad usage, no logs, no such group, or FILE exists.`;

/** `stackmedic signatures test`'s usage. */
export const SIGNATURES_TEST_USAGE = `stackmedic signatures test FILE --logs DIR [--json]

What the signatures of FILE would match in the logs (records, files, nodes, first and last time)
and which unrecognised groups they would recognise, before FILE goes into SIGNATURES_DIR. FILE is
loaded by the catalog's own loader, with the built-ins and SIGNATURES_DIR.

  --logs DIR         the collected logs, laid out as DIR/<node>/<absolute log path>
  --json             machine-readable output
  --timezone ZONE    zone of log timestamps that carry none (default STACKMEDIC_LOG_TIMEZONE, UTC)
  -h, --help         this help

Exit codes: 0 tested, 1 FILE is not a valid signature file (the loader's message), 2 bad usage.`;
