/**
 * Helpers for strings that may contain CI/shell variable references (`$VAR`, `${VAR}`,
 * `${VAR:-default}`). Separators written inside `${…}` belong to the variable, not to the
 * surrounding value, so searches skip over braced references.
 */

const VARIABLE_REFERENCE = /\$(?:\{[^}]*\}?|[A-Za-z_][A-Za-z0-9_]*)/;

export function containsVariable(text: string): boolean {
  return VARIABLE_REFERENCE.test(text);
}

/** Offsets in `text` that lie inside a `${…}` reference, as a predicate. */
function insideBracedVariable(text: string): (index: number) => boolean {
  const inside = new Uint8Array(text.length);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      inside[i] = 1;
      inside[i + 1] = 1;
      i++;
      continue;
    }
    if (depth > 0) {
      inside[i] = 1;
      if (text[i] === '}') depth--;
    }
  }
  return (index) => inside[index] === 1;
}

export function indexOutsideVariables(text: string, char: string): number {
  const inside = insideBracedVariable(text);
  for (let i = 0; i < text.length; i++) if (text[i] === char && !inside(i)) return i;
  return -1;
}

export function lastIndexOutsideVariables(text: string, char: string): number {
  const inside = insideBracedVariable(text);
  for (let i = text.length - 1; i >= 0; i--) if (text[i] === char && !inside(i)) return i;
  return -1;
}

export function splitOutsideVariables(text: string, char: string): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let at = indexOutsideVariables(rest, char); at >= 0; at = indexOutsideVariables(rest, char)) {
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
