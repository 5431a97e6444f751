/**
 * One port syntax for every place a person types a port: `wsflow run --port`, `wsflow studio
 * --port`, `PORT` in the environment of an exported service or an env file, the designer's run
 * port. Decimal digits only (no sign, exponent, fraction or `0x`), 0 to 65535; 0 asks for any
 * free port. Surrounding blanks are ignored.
 */
export const MAX_PORT = 65535;

/** The port `text` names, or undefined when it is not a decimal number from 0 to 65535. */
export function parsePort(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return undefined;
  const port = Number(trimmed);
  return port <= MAX_PORT ? port : undefined;
}
