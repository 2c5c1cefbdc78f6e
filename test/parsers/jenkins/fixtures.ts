/** The Jenkins/Groovy fixtures: whole files under valid/ and invalid/, and the small cases in snippets/. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/jenkins/', import.meta.url));

export interface GroovySource {
  /** Stable name: the path under test/fixtures/jenkins/, or `snippets/<file>#<n>`. */
  readonly name: string;
  readonly text: string;
  /** Where the fixture says it belongs: valid/, invalid/, or unknown for snippets. */
  readonly expect: 'valid' | 'invalid' | 'either';
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return filesUnder(path);
    return d.name === '.gitattributes' ? [] : [path];
  });
}

export function wholeFileFixtures(): GroovySource[] {
  return (['valid', 'invalid'] as const).flatMap((kind) =>
    filesUnder(join(FIXTURES, kind))
      .sort()
      .map((path) => ({ name: relative(FIXTURES, path), text: readFileSync(path, 'utf8'), expect: kind })),
  );
}

/** Cases are separated by lines of five dashes; the text before the first separator is a header. */
export function snippetCases(): GroovySource[] {
  const dir = join(FIXTURES, 'snippets');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cases'))
    .sort()
    .flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split(/^-----\n/m)
        .slice(1)
        .map((text, i) => ({ name: `snippets/${file}#${i + 1}`, text, expect: 'either' as const })),
    );
}

export function allGroovySources(): GroovySource[] {
  return [...wholeFileFixtures(), ...snippetCases()];
}

/** 1-based line of a UTF-16 offset; CRLF and lone CR count as one line break, as in Groovy. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) line++;
  }
  return line;
}
