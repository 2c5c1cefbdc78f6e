/** Structural checks on node spans, shared by the span property test and the fuzz test. */
import type { Node } from '../../../src/parsers/jenkins/groovy/ast.js';
import { parseGroovy } from '../../../src/parsers/jenkins/groovy/parser.js';
import { children, walk } from '../../../src/parsers/jenkins/groovy/visit.js';

const CLOSERS: Record<string, string> = { "'": "'", '"': '"', "'''": "'''", '"""': '"""', '/': '/', '$/': '/$' };

/**
 * What the slice of each kind of node must look like; returns a complaint or null. Closing brackets are
 * only required in files without syntax errors (an unclosed `[` at the end of a file has none).
 */
function checkSlice(node: Node, slice: string, closed: boolean): string | null {
  const escaped = slice.includes('\\u');
  switch (node.type) {
    case 'Script':
    case 'StringSegment':
      return null;
    case 'Identifier':
      return escaped || slice === node.name ? null : `identifier ${node.name}`;
    case 'NumberLiteral':
      return slice === node.raw ? null : 'number';
    case 'BooleanLiteral':
      return slice === String(node.value) ? null : 'boolean';
    case 'NullLiteral':
      return slice === 'null' ? null : 'null';
    case 'StringLiteral': {
      if (escaped) return null;
      if (!slice.startsWith(node.quote)) return 'string opening delimiter';
      if (!node.terminated) return null;
      const closer = CLOSERS[node.quote]!;
      if (!slice.endsWith(closer) || slice.length < node.quote.length + closer.length) return 'string closing delimiter';
      return node.contentStart === node.start + node.quote.length && node.contentEnd === node.end - closer.length ? null : 'string content span';
    }
    case 'Interpolation':
      if (!slice.startsWith('$')) return 'interpolation starts with $';
      return closed && node.form === 'block' && !slice.endsWith('}') ? 'interpolation block ends with }' : null;
    case 'Block':
    case 'MapLiteral':
    case 'ListLiteral':
    case 'Parenthesized': {
      const [open, close] = node.type === 'Block' ? ['{', '}'] : node.type === 'Parenthesized' ? ['(', ')'] : ['[', ']'];
      return slice.startsWith(open!) && (!closed || slice.endsWith(close!)) ? null : `${node.type} brackets`;
    }
    case 'Closure':
      // A closure written inside `${ a -> ... }` has no braces of its own.
      return !slice.startsWith('{') || !closed || slice.endsWith('}') ? null : 'closure braces';
    case 'Annotation':
      return slice.startsWith('@') ? null : 'annotation @';
    case 'MethodCall':
      if (node.method?.type === 'Identifier' && node.name !== node.method.name) return 'call name';
      if (node.argsSpan && (node.argsSpan.start < node.start || node.argsSpan.end > node.end)) return 'args span outside call';
      return null;
    case 'TypeRef':
      return escaped || slice.replace(/\s+/g, '').startsWith(node.name) ? null : `type ${node.name}`;
    case 'If':
    case 'For':
    case 'ForIn':
    case 'While':
    case 'Switch':
    case 'Try':
    case 'Return':
    case 'Throw':
    case 'Assert':
    case 'Import': {
      const keyword = { ForIn: 'for', Try: 'try', Import: '' }[node.type as string] ?? node.type.toLowerCase();
      return slice.includes(keyword) ? null : `${node.type} keyword`;
    }
    default:
      return null;
  }
}

/** Every complaint about the spans of the tree parsed from `text`; empty when all is well. */
export function checkSpans(text: string): string[] {
  const { ast, errors } = parseGroovy(text);
  const problems: string[] = [];
  walk(ast, (node) => {
    const where = `${node.type}@${node.start}-${node.end}`;
    if (!(node.start >= 0 && node.start <= node.end && node.end <= text.length)) {
      problems.push(`${where}: span out of the text`);
      return false;
    }
    const slice = text.slice(node.start, node.end);
    if (node.type !== 'Script' && node.type !== 'StringSegment') {
      if (slice.length === 0 && node.type !== 'Opaque') problems.push(`${where}: empty`);
      if (slice !== slice.trim()) problems.push(`${where}: surrounded by blanks ${JSON.stringify(slice)}`);
    }
    const complaint = checkSlice(node, slice, errors.length === 0);
    if (complaint) problems.push(`${where}: ${complaint}: ${JSON.stringify(slice.slice(0, 80))}`);
    let previousEnd = node.start;
    for (const child of children(node)) {
      if (child.start < previousEnd || child.end > node.end) {
        problems.push(`${where}: child ${child.type}@${child.start}-${child.end} out of order or outside`);
      }
      previousEnd = Math.max(previousEnd, child.end);
    }
    return true;
  });
  return problems;
}
