/**
 * A fast path for the commonest script lines: one line of plain commands, joined by `|`, `||`, `&&`
 * or `;`, whose words are plain text, quoted strings and `$NAME`/`${NAME}` expansions, e.g.
 *
 *     docker build --pull -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .
 *     echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
 *
 * Such a line means the same to every shell, and its words can be read off the text. The full parser
 * (unbash, in shell.ts) pays a warm-up for each of its many functions before it runs fast; in a lint of
 * a few thousand files that warm-up was the biggest cost of the Docker analysis (BENCHMARKS.md).
 *
 * Anything else is declined (undefined), and shell.ts parses it fully: redirects, here-documents,
 * substitutions, escapes, globs, braces, comments, keywords, assignments before a command, `&`, several
 * lines, and any character outside printable ASCII. What this reads is what the full parse yields, word
 * for word and offset for offset: test/docker/simple-script.test.ts compares the two on generated lines.
 */

/** A word as read here: its text, its offsets in the line, and its value when it expands nothing. */
export interface SimpleWord {
  text: string;
  start: number;
  end: number;
  /** The word after quote removal; undefined when it holds an expansion. */
  value: string | undefined;
}

export interface SimpleCommand {
  words: SimpleWord[];
  start: number;
  end: number;
}

/**
 * Words at a command's start that the shell reads as keywords or as declarations (whose arguments are
 * assignments, parsed differently): the full parser handles those lines.
 */
const NOT_SIMPLE_NAMES = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', 'select',
  'function', 'time', 'coproc', 'export', 'local', 'readonly', 'declare', 'typeset', 'alias',
]);

const SPACE = 0x20;
const TAB = 0x09;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const DOLLAR = 0x24;
const PIPE = 0x7c;
const AMPERSAND = 0x26;
const SEMICOLON = 0x3b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Characters a word may hold unquoted and still mean themselves: letters, digits and `%+,-./:=@^_`. */
function isPlain(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x2b && c <= 0x3a) || // + , - . / 0-9 :
    c === 0x3d || // =
    c === 0x40 || // @
    c === 0x5f || // _
    c === 0x25 || // %
    c === 0x5e // ^
  );
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39);
}

/** Printable ASCII but for what changes meaning inside double quotes (`"`, `$`, `` ` ``, `\`, `!`). */
function isPlainInDoubleQuotes(c: number): boolean {
  return c >= SPACE && c <= 0x7e && c !== DOUBLE_QUOTE && c !== DOLLAR && c !== 0x60 && c !== 0x5c && c !== 0x21;
}

/**
 * The end of a `$NAME` or `${NAME}` expansion starting at `i` (the `$`), or -1 for any other use of `$`
 * (positional and special parameters, operators in braces, substitutions).
 */
function expansionEnd(text: string, i: number): number {
  let j = i + 1;
  const braced = text.charCodeAt(j) === OPEN_BRACE;
  if (braced) j++;
  if (!isNameStart(text.charCodeAt(j))) return -1;
  j++;
  while (isNameChar(text.charCodeAt(j))) j++;
  if (!braced) return j;
  return text.charCodeAt(j) === CLOSE_BRACE ? j + 1 : -1;
}

/** The commands of `text` if it is a line of simple commands (see above); undefined otherwise. */
export function simpleCommands(text: string): SimpleCommand[] | undefined {
  const commands: SimpleCommand[] = [];
  const n = text.length;
  let words: SimpleWord[] = [];
  // After `|`, `||` or `&&` another command must follow; after `;` one may.
  let needCommand = false;
  let i = 0;
  for (;;) {
    let c = text.charCodeAt(i);
    while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
    if (i >= n) break;
    if (c === PIPE || c === AMPERSAND || c === SEMICOLON) {
      if (words.length === 0) return undefined;
      commands.push(commandOf(words));
      words = [];
      const next = text.charCodeAt(i + 1);
      if (c === AMPERSAND && next !== AMPERSAND) return undefined;
      i += c === SEMICOLON || (c === PIPE && next !== PIPE) ? 1 : 2;
      needCommand = c !== SEMICOLON;
      continue;
    }
    const start = i;
    let value = '';
    let literal = true;
    let from = i;
    while (i < n) {
      c = text.charCodeAt(i);
      if (isPlain(c)) {
        i++;
      } else if (c === DOUBLE_QUOTE) {
        value += text.slice(from, i);
        from = ++i;
        for (;;) {
          c = text.charCodeAt(i);
          if (c === DOUBLE_QUOTE) break;
          if (c === DOLLAR) {
            const end = expansionEnd(text, i);
            if (end < 0) return undefined;
            literal = false;
            i = end;
          } else if (isPlainInDoubleQuotes(c)) {
            i++;
          } else {
            return undefined;
          }
        }
        value += text.slice(from, i);
        from = ++i;
      } else if (c === SINGLE_QUOTE) {
        value += text.slice(from, i);
        from = ++i;
        for (c = text.charCodeAt(i); c !== SINGLE_QUOTE; c = text.charCodeAt(++i)) {
          if (!(c >= SPACE && c <= 0x7e)) return undefined;
        }
        value += text.slice(from, i);
        from = ++i;
      } else if (c === DOLLAR) {
        const end = expansionEnd(text, i);
        if (end < 0) return undefined;
        literal = false;
        i = end;
      } else if (c === SPACE || c === TAB || c === PIPE || c === AMPERSAND || c === SEMICOLON) {
        break;
      } else {
        return undefined;
      }
    }
    const wordText = text.slice(start, i);
    if (words.length === 0 && (NOT_SIMPLE_NAMES.has(wordText) || wordText.includes('='))) return undefined;
    words.push({ text: wordText, start, end: i, value: literal ? value + text.slice(from, i) : undefined });
    needCommand = false;
  }
  if (needCommand) return undefined;
  if (words.length > 0) commands.push(commandOf(words));
  return commands;
}

function commandOf(words: SimpleWord[]): SimpleCommand {
  return { words, start: words[0].start, end: words[words.length - 1].end };
}
