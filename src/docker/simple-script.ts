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

// A word is a run of these pieces: plain characters (letters, digits and `%+,-./:=@^_`), a double-quoted
// string of printable ASCII but `"`, `$`, `` ` ``, `\` and `!`, with `$NAME`/`${NAME}` expansions in it, a
// single-quoted string of printable ASCII, or an expansion.
const EXPANSION = String.raw`\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})`;
const WORD = String.raw`(?:[A-Za-z0-9%+,\-./:=@^_]|"(?:[\x20\x23\x25-\x5b\x5d-\x5f\x61-\x7e]|${EXPANSION})*"|'[\x20-\x26\x28-\x7e]*'|${EXPANSION})+`;
/** After blanks: a word (group 1), an operator (group 2), or the end of the line; nothing else is simple. */
const TOKEN = new RegExp(String.raw`[ \t]*(?:(${WORD})|(\|\||&&|\||;)|$)`, 'y');
/** The quoted strings and unquoted `$` of a word, for its value. */
const QUOTED_OR_DOLLAR = /"([^"]*)"|'([^']*)'|\$/g;

/** The commands of `text` if it is a line of simple commands (see above); undefined otherwise. */
export function simpleCommands(text: string): SimpleCommand[] | undefined {
  const commands: SimpleCommand[] = [];
  let words: SimpleWord[] = [];
  // After `|`, `||` or `&&` another command must follow; after `;` one may.
  let needCommand = false;
  TOKEN.lastIndex = 0;
  for (;;) {
    const token = TOKEN.exec(text);
    if (!token) return undefined;
    const [, word, operator] = token;
    if (word !== undefined) {
      if (words.length === 0 && (NOT_SIMPLE_NAMES.has(word) || word.includes('='))) return undefined;
      const end = TOKEN.lastIndex;
      words.push({ text: word, start: end - word.length, end, value: valueOf(word) });
      needCommand = false;
    } else if (operator !== undefined) {
      if (words.length === 0) return undefined;
      commands.push(commandOf(words));
      words = [];
      needCommand = operator !== ';';
    } else {
      // The end: `$` matched, after any blanks.
      if (needCommand) return undefined;
      if (words.length > 0) commands.push(commandOf(words));
      return commands;
    }
  }
}

/** A word's value after quote removal, or undefined when an expansion makes it dynamic. */
function valueOf(word: string): string | undefined {
  if (!/["'$]/.test(word)) return word;
  let literal = true;
  const value = word.replace(QUOTED_OR_DOLLAR, (match, double: string | undefined, single: string | undefined) => {
    if (double !== undefined) {
      if (double.includes('$')) literal = false;
      return double;
    }
    if (single !== undefined) return single;
    literal = false;
    return match;
  });
  return literal ? value : undefined;
}

function commandOf(words: SimpleWord[]): SimpleCommand {
  return { words, start: words[0].start, end: words[words.length - 1].end };
}
