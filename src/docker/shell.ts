import { forEachChild, parse } from 'unbash';
import type {
  Assignment,
  Command,
  HereDoc,
  HereString,
  Script,
  SyntaxNode,
  Word,
  WordPart,
} from 'unbash';
import { simpleCommands, type SimpleCommand, type SimpleWord } from './simple-script.js';
import { basename } from './text.js';

export interface ShellWord {
  /** Source text of the word, quotes included. */
  text: string;
  /** Value after quote removal when the word is fully literal (no expansions); undefined when dynamic. */
  value?: string;
  /** Offsets into the script text: `script.slice(start, end) === text` unless `approximate`. */
  start: number;
  end: number;
  /**
   * The word was read from text the shell decodes first (an escaped `sh -c "…"` string, nested
   * backquotes), so its offsets are those of the enclosing word and do not slice back to `text`.
   */
  approximate?: boolean;
}

export interface ShellAssignment {
  name: string;
  value: ShellWord | undefined;
  start: number;
  end: number;
}

export interface ShellCommand {
  /** Command name word; undefined for bare assignments and redirect-only commands. */
  name?: ShellWord;
  /** Suffix words, redirects excluded. */
  args: ShellWord[];
  /** Prefix assignments (`FOO=bar cmd`), and for wrapped commands those passed through `env`/`sudo`. */
  assignments: ShellAssignment[];
  start: number;
  end: number;
  /** Runs asynchronously: the command or an enclosing list/group/subshell ends with `&`, or is a coproc. */
  background: boolean;
  /** See `ShellWord.approximate`. */
  approximate?: boolean;
}

export interface ParsedScript {
  commands: ShellCommand[];
  errors: { message: string; start: number }[];
}

/**
 * Every simple command in a script, in source order, wherever it is nested: lists, pipelines,
 * compound commands, functions and command/process substitutions. Wrapped commands (`sudo docker …`,
 * `env X=1 docker …`) are listed both as the wrapper and as the command they run, and commands in a
 * literal `sh -c '…'` string or a heredoc fed to a shell are listed with offsets into `text`.
 * Never throws: what could not be parsed is reported in `errors`. `fastPath: false` parses every line
 * fully, with no fast path for simple lines (simple-script.ts): the result is the same, slower.
 */
export function parseShell(text: string, options: { fastPath?: boolean } = {}): ParsedScript {
  const collector: Collector = { commands: [], errors: [], consumed: new Set(), fastPath: options.fastPath ?? true };
  collectScript(text, { offset: 0, depth: 0 }, false, collector);
  const commands = collector.commands;
  // Commands are found mostly in order; the sort is stable, so commands at one offset keep theirs.
  if (!inOrder(commands)) commands.sort((a, b) => a.start - b.start);
  return { commands, errors: collector.errors };
}

function inOrder(commands: readonly ShellCommand[]): boolean {
  for (let i = 1; i < commands.length; i++) if (commands[i].start < commands[i - 1].start) return false;
  return true;
}

/** How positions inside a parsed text map onto the top-level script. */
interface Frame {
  offset: number;
  /** Set when the parsed text is decoded from the source, so only this range is known. */
  approximate?: { start: number; end: number };
  depth: number;
}

interface Collector {
  commands: ShellCommand[];
  errors: { message: string; start: number }[];
  /** Top-level ranges (`start:end`) of words and heredocs already read as embedded scripts. */
  consumed: Set<string>;
  /** Whether simple lines are read by simple-script.ts. */
  fastPath: boolean;
}

// Embedded scripts and wrappers can nest (`sh -c "bash -c '…'"`, `sudo env nohup …`); the bounds
// keep hostile input finite.
const MAX_EMBEDDING_DEPTH = 8;
const MAX_WRAPPERS = 8;

function collectScript(source: string, frame: Frame, background: boolean, collector: Collector): void {
  const simple = collector.fastPath ? simpleCommands(source) : undefined;
  if (simple) {
    for (const command of simple) collectCommand(fromSimple(command, frame, background), undefined, frame, collector);
    return;
  }
  let script: Script & { errors?: readonly { message: string; pos: number }[] };
  try {
    script = parse(source);
  } catch (error) {
    collector.errors.push({ message: `shell parser failed: ${String(error)}`, start: mapPosition(0, frame) });
    return;
  }
  walk(script, frame, background, collector);
}

function mapPosition(pos: number, frame: Frame): number {
  return frame.approximate ? frame.approximate.start : frame.offset + pos;
}

function mapRange(pos: number, end: number, frame: Frame): { start: number; end: number } {
  return frame.approximate ?? { start: frame.offset + pos, end: frame.offset + end };
}

function rangeKey(range: { start: number; end: number }): string {
  return `${range.start}:${range.end}`;
}

interface Visit {
  node: SyntaxNode;
  frame: Frame;
  background: boolean;
}

/** Depth-first walk with an explicit stack: substitutions nest up to 256 deep, too deep for recursion. */
function walk(root: SyntaxNode, frame: Frame, background: boolean, collector: Collector): void {
  const pending: Visit[] = [{ node: root, frame, background }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const context = enter(item, collector);
    if (!context) continue;
    const children: SyntaxNode[] = [];
    // A word that cannot hold a substitution has nothing to visit (see `enter`): most words.
    forEachChild(item.node, (child) => {
      if (child.type !== 'Word' || mayHoldSubstitution(child.text)) children.push(child);
    });
    for (let i = children.length - 1; i >= 0; i--) pending.push({ node: children[i], frame: context.frame, background: context.background });
  }
}

/** Handles one node; returns the context its children are walked in, or undefined to skip them. */
function enter({ node, frame, background }: Visit, collector: Collector): Omit<Visit, 'node'> | undefined {
  switch (node.type) {
    case 'Script':
      for (const error of (node as { errors?: readonly { message: string; pos: number }[] }).errors ?? []) {
        collector.errors.push({ message: error.message, start: mapPosition(error.pos, frame) });
      }
      break;
    case 'Statement':
      return { frame, background: background || node.background === true };
    case 'Coproc':
      return { frame, background: true };
    case 'Command':
      collectCommand(toShellCommand(node, frame, background), stdinScriptOf(node, frame), frame, collector);
      break;
    case 'CommandExpansion':
    case 'ProcessSubstitution':
    case 'ArithmeticCommandExpansion':
      if (node.script?.source !== undefined) {
        // Nested backquotes are decoded before parsing; positions index the decoded text.
        return { frame: { offset: 0, approximate: mapRange(node.pos, node.end, frame), depth: frame.depth }, background };
      }
      break;
    case 'Word':
    case 'HereDoc':
      if (!frame.approximate && collector.consumed.size > 0 && collector.consumed.has(rangeKey(mapRange(node.pos, node.end, frame)))) return undefined;
      // Only substitutions hold commands; skipping other words spares resolving their parts.
      if (node.type === 'Word' && !mayHoldSubstitution(node.text)) return undefined;
      break;
    case 'HereDocBody':
      if (!mayHoldSubstitution(node.text)) return undefined;
      break;
  }
  return { frame, background };
}

function mayHoldSubstitution(text: string): boolean {
  return /\$\(|`|[<>]\(/.test(text);
}

/** A command with the wrappers it passes through and the scripts it runs (`sh -c`, a here-document to `sh`). */
function collectCommand(first: ShellCommand, stdin: EmbeddedScript | undefined, frame: Frame, collector: Collector): void {
  let command: ShellCommand | undefined = first;
  for (let hops = 0; command && hops < MAX_WRAPPERS; hops++) {
    collector.commands.push(command);
    collectEmbeddedScript(command, stdin, frame, collector);
    command = unwrapCommand(command);
  }
}

function collectEmbeddedScript(
  command: ShellCommand,
  stdin: EmbeddedScript | undefined,
  frame: Frame,
  collector: Collector,
): void {
  if (frame.depth >= MAX_EMBEDDING_DEPTH) return;
  const invocation = shellInvocation(command);
  if (!invocation) return;
  const fromStdin = invocation.readsStdin ? stdin : undefined;
  const embedded = invocation.commandString ? embeddedScriptOf(invocation.commandString) : fromStdin;
  if (!embedded) return;
  // The inner parse lists the string's substitutions too; the outer walk must not list them again.
  if (!frame.approximate) collector.consumed.add(embedded.consumedKey);
  collectScript(embedded.source, { ...embedded.frame, depth: frame.depth + 1 }, command.background, collector);
}

// These run for every command of every script line: plain loops, and no range objects spread.

function toShellCommand(node: Command, frame: Frame, background: boolean): ShellCommand {
  const args: ShellWord[] = [];
  for (const item of node.suffix) {
    if (item.type === 'Word') args.push(toShellWord(item, frame));
    else if (item.type === 'Assignment') args.push(assignmentAsWord(item, frame));
  }
  const assignments: ShellAssignment[] = [];
  for (const item of node.prefix) if (item.type === 'Assignment') assignments.push(toShellAssignment(item, frame));
  const command: ShellCommand = { args, assignments, start: mapPosition(node.pos, frame), end: endOf(node.end, frame), background };
  if (node.name) command.name = toShellWord(node.name, frame);
  if (frame.approximate) command.approximate = true;
  return command;
}

/** A command read by the fast path (simple-script.ts), as `toShellCommand` would have made it. */
function fromSimple(simple: SimpleCommand, frame: Frame, background: boolean): ShellCommand {
  const args: ShellWord[] = [];
  for (let i = 1; i < simple.words.length; i++) args.push(fromSimpleWord(simple.words[i], frame));
  const command: ShellCommand = { args, assignments: [], start: mapPosition(simple.start, frame), end: endOf(simple.end, frame), background };
  command.name = fromSimpleWord(simple.words[0], frame);
  if (frame.approximate) command.approximate = true;
  return command;
}

function fromSimpleWord(word: SimpleWord, frame: Frame): ShellWord {
  const shellWord: ShellWord = { text: word.text, start: mapPosition(word.start, frame), end: endOf(word.end, frame) };
  if (word.value !== undefined) shellWord.value = word.value;
  if (frame.approximate) shellWord.approximate = true;
  return shellWord;
}

function toShellWord(word: Word, frame: Frame): ShellWord {
  const shellWord: ShellWord = { text: word.text, start: mapPosition(word.pos, frame), end: endOf(word.end, frame) };
  if (isLiteralWord(word)) shellWord.value = word.value;
  if (frame.approximate) shellWord.approximate = true;
  return shellWord;
}

function toShellAssignment(assignment: Assignment, frame: Frame): ShellAssignment {
  const value = assignment.value.type === 'Word' ? toShellWord(assignment.value, frame) : undefined;
  return { name: assignment.name, value, start: mapPosition(assignment.pos, frame), end: endOf(assignment.end, frame) };
}

/** `mapRange(pos, end, frame).end`, without the object (`mapPosition` is its start). */
function endOf(end: number, frame: Frame): number {
  return frame.approximate ? frame.approximate.end : frame.offset + end;
}

/** `export A=1`: the assignment is an argument; keep it as one word covering `A=1`. */
function assignmentAsWord(assignment: Assignment, frame: Frame): ShellWord {
  const word: ShellWord = { text: assignment.text, start: mapPosition(assignment.pos, frame), end: endOf(assignment.end, frame) };
  const value = assignment.value;
  if (value.type === 'Word' && isLiteralWord(value) && assignment.index === undefined) {
    word.value = `${assignment.name}${assignment.append ? '+=' : '='}${value.value}`;
  }
  if (frame.approximate) word.approximate = true;
  return word;
}

/**
 * Glob characters count as literal: CI scripts use them in URLs and paths far more than for
 * filename expansion, and an unmatched pattern is passed on as written. Brace expansion and a
 * leading `~` produce other words, so they make a word dynamic.
 */
function isLiteralWord(word: Word): boolean {
  if (word.text.startsWith('~')) return false;
  // Without these characters a word can hold no expansion; checking first spares resolving parts.
  if (!/[$`{(]/.test(word.text)) return true;
  return (word.parts ?? []).every(isLiteralPart);
}

function isLiteralPart(part: WordPart): boolean {
  switch (part.type) {
    case 'Literal':
    case 'SingleQuoted':
    case 'AnsiCQuoted':
    case 'Glob':
    case 'ExtendedGlob':
      return true;
    case 'DoubleQuoted':
    case 'LocaleString':
      return part.parts.every(isLiteralPart);
    default:
      return false;
  }
}

/** Text a shell runs as a script, and where its positions land in the top-level text. */
interface EmbeddedScript {
  source: string;
  frame: Frame;
  /** Range of the word or heredoc it was read from, so the outer walk does not list its substitutions twice. */
  consumedKey: string;
}

function stdinScriptOf(node: Command, frame: Frame): EmbeddedScript | undefined {
  const input = lastStdinRedirect(node.suffix) ?? lastStdinRedirect(node.prefix);
  if (!input) return undefined;
  if (input.type === 'HereString') return input.target ? embeddedScriptOf(toShellWord(input.target, frame)) : undefined;
  // The body is parsed as written: expansions in an unquoted heredoc stay expansions for the inner shell.
  const body = input.body;
  return {
    source: body.text,
    frame: frame.approximate
      ? { offset: 0, approximate: frame.approximate, depth: frame.depth }
      : { offset: frame.offset + body.pos, depth: frame.depth },
    consumedKey: rangeKey(mapRange(input.pos, input.end, frame)),
  };
}

/** The last heredoc or here-string of `items` that feeds standard input. */
function lastStdinRedirect(items: Command['prefix'] | Command['suffix']): HereDoc | HereString | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item.type !== 'HereDoc' && item.type !== 'HereString') continue;
    if (item.descriptor === undefined || (item.descriptor.type === 'FileDescriptor' && item.descriptor.value === 0)) return item;
  }
  return undefined;
}

/** The script text inside a `-c` argument, with exact offsets when the quoting allows it. */
function embeddedScriptOf(word: ShellWord): EmbeddedScript | undefined {
  const range = { start: word.start, end: word.end };
  const consumedKey = rangeKey(range);
  const exact = (source: string, offset: number): EmbeddedScript => ({ source, frame: { offset, depth: 0 }, consumedKey });
  const approximate = (source: string): EmbeddedScript => ({
    source,
    frame: { offset: 0, approximate: range, depth: 0 },
    consumedKey,
  });
  const text = word.text;
  if (word.approximate) return word.value === undefined ? undefined : approximate(word.value);
  if (/^'[^']*'$/.test(text)) return exact(text.slice(1, -1), word.start + 1);
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    const content = text.slice(1, -1);
    return /[\\"]/.test(content) ? approximate(unescapeDoubleQuoted(content)) : exact(content, word.start + 1);
  }
  if (word.value === undefined) return undefined;
  return word.value === text ? exact(text, word.start) : approximate(word.value);
}

function unescapeDoubleQuoted(content: string): string {
  return content.replace(/\\([$`"\\\n])/g, (_, escaped: string) => (escaped === '\n' ? '' : escaped));
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh']);

/** What a shell invocation runs: a `-c` string, or a script from stdin. */
function shellInvocation(command: ShellCommand): { commandString?: ShellWord; readsStdin: boolean } | undefined {
  if (!SHELLS.has(commandBasename(command) ?? '')) return undefined;
  let runsString = false;
  let readsStdinFlag = false;
  let index = 0;
  for (; index < command.args.length; index++) {
    const value = command.args[index].value;
    if (value === undefined) break;
    if (value === '--' || value === '-') {
      index++;
      break;
    }
    if (value.startsWith('--')) {
      if (value === '--rcfile' || value === '--init-file') index++;
      continue;
    }
    if (!/^[-+]./.test(value)) break;
    const letters = value.slice(1);
    if (value.startsWith('-') && letters.includes('c')) runsString = true;
    if (letters.includes('s')) readsStdinFlag = true;
    if (letters.includes('o') || letters.includes('O')) index++;
  }
  const operand = command.args[index];
  if (runsString) return operand ? { commandString: operand, readsStdin: false } : undefined;
  return { readsStdin: operand === undefined || readsStdinFlag };
}

/** Basename of a literal command name (`/usr/bin/docker` → `docker`). */
export function commandBasename(command: ShellCommand): string | undefined {
  const name = command.name?.value;
  return name === undefined ? undefined : basename(name);
}

/**
 * The literal text a word starts with: its whole value when literal, else the text up to the
 * first expansion or quote change (`--tag=$X` → `--tag=`, `"--tag=$X"` → `--tag=`).
 */
export function literalPrefix(word: ShellWord): string {
  if (word.value !== undefined) return word.value;
  const match = /^(["']?)([^"'$`\\]*)/.exec(word.text);
  return match ? match[2] : '';
}

/**
 * The part of a word after its first `prefixLength` value characters, e.g. the value of
 * `--tag=x` (prefixLength 6). Offsets stay exact when the prefix is written plainly or the
 * whole word is one quoted string; otherwise the tail keeps the word's range and is approximate.
 */
export function wordTail(word: ShellWord, prefixLength: number): ShellWord {
  const prefix = literalPrefix(word).slice(0, prefixLength);
  const value = word.value?.slice(prefixLength);
  const withValue = (tail: ShellWord): ShellWord => (value === undefined ? tail : { ...tail, value });
  if (word.approximate) return withValue({ text: word.text, start: word.start, end: word.end, approximate: true });
  if (word.text.startsWith(prefix)) {
    return withValue({ text: word.text.slice(prefixLength), start: word.start + prefixLength, end: word.end });
  }
  const quote = word.text[0];
  const quotedWhole =
    (quote === '"' || quote === "'") &&
    word.text.length >= 2 &&
    word.text.endsWith(quote) &&
    !word.text.slice(1, -1).includes(quote) &&
    word.text.slice(1).startsWith(prefix);
  if (quotedWhole) {
    const start = word.start + 1 + prefixLength;
    return withValue({ text: word.text.slice(1 + prefixLength, -1), start, end: word.end - 1 });
  }
  return withValue({ text: word.text, start: word.start, end: word.end, approximate: true });
}

const ASSIGNMENT_WORD = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** `NAME=value` written as an argument (to `env`, `sudo`), split into name and value word. */
export function assignmentOfWord(word: ShellWord): ShellAssignment | undefined {
  const match = ASSIGNMENT_WORD.exec(literalPrefix(word));
  if (!match) return undefined;
  return { name: match[1], value: wordTail(word, match[0].length), start: word.start, end: word.end };
}

interface WrapperSpec {
  /** Short options that take a value (`-u root`). */
  shortWithValue: string;
  longWithValue: readonly string[];
  /** Options that make the wrapper do something other than run the command (`command -v`). */
  notRunning: readonly string[];
  /** Operands before the command (timeout's duration). */
  leadingOperands: number;
  acceptsAssignments: boolean;
  /** Whether the wrapped command sees the wrapper's prefix assignments. */
  passesEnvironment: (options: readonly string[]) => boolean;
}

const always = (): boolean => true;

function wrapper(spec: Partial<WrapperSpec>): WrapperSpec {
  const defaults: WrapperSpec = {
    shortWithValue: '',
    longWithValue: [],
    notRunning: [],
    leadingOperands: 0,
    acceptsAssignments: false,
    passesEnvironment: always,
  };
  return { ...defaults, ...spec };
}

const WRAPPERS: ReadonlyMap<string, WrapperSpec> = new Map([
  [
    'sudo',
    wrapper({
      shortWithValue: 'ugCDprtTUR',
      longWithValue: [
        '--user', '--group', '--close-from', '--chdir', '--prompt', '--role', '--type', '--command-timeout',
        '--other-user', '--chroot', '--host',
      ],
      notRunning: ['-e', '-l', '-v', '-V', '-K', '--edit', '--list', '--validate', '--version', '--help'],
      acceptsAssignments: true,
      // sudo resets the environment unless asked to keep it.
      passesEnvironment: (options) => options.some((o) => o === '-E' || o.startsWith('--preserve-env')),
    }),
  ],
  ['exec', wrapper({ shortWithValue: 'a' })],
  ['nohup', wrapper({})],
  ['time', wrapper({ shortWithValue: 'fo', longWithValue: ['--format', '--output'] })],
  ['command', wrapper({ notRunning: ['-v', '-V'] })],
  [
    'env',
    wrapper({
      shortWithValue: 'uC',
      longWithValue: ['--unset', '--chdir'],
      // -S splits a string into a new command line; not worth modelling.
      notRunning: ['-S', '--split-string', '--help', '--version'],
      acceptsAssignments: true,
      passesEnvironment: (options) => !options.some((o) => o === '-i' || o === '-' || o === '--ignore-environment'),
    }),
  ],
  ['timeout', wrapper({ shortWithValue: 'sk', longWithValue: ['--signal', '--kill-after'], leadingOperands: 1 })],
  ['nice', wrapper({ shortWithValue: 'n', longWithValue: ['--adjustment'] })],
]);

/**
 * The command a prefix wrapper runs: `sudo -E docker …` → `docker …`, `env A=1 docker …` →
 * `docker …` with assignment A. Undefined when `command` is not a wrapper or runs nothing.
 */
export function unwrapCommand(command: ShellCommand): ShellCommand | undefined {
  const spec = WRAPPERS.get(commandBasename(command) ?? '');
  if (!spec) return undefined;
  const options: string[] = [];
  const passed: ShellAssignment[] = [];
  let index = 0;
  let operandsToSkip = spec.leadingOperands;
  for (; index < command.args.length; index++) {
    const word = command.args[index];
    const value = word.value;
    if (value === '--') {
      index++;
      break;
    }
    if (value !== undefined && /^-./.test(value)) {
      if (spec.notRunning.some((o) => value === o || value.startsWith(`${o}=`))) return undefined;
      options.push(value);
      if (optionTakesNextWord(value, spec)) index++;
      continue;
    }
    const assignment = spec.acceptsAssignments ? assignmentOfWord(word) : undefined;
    if (assignment) {
      passed.push(assignment);
      continue;
    }
    if (operandsToSkip > 0) {
      operandsToSkip--;
      continue;
    }
    break;
  }
  for (; operandsToSkip > 0; operandsToSkip--) index++;
  const name = command.args[index];
  if (!name) return undefined;
  const inherited = spec.passesEnvironment(options) ? command.assignments : [];
  const wrapped: ShellCommand = {
    name,
    args: command.args.slice(index + 1),
    assignments: [...inherited, ...passed],
    start: name.start,
    end: command.end,
    background: command.background,
  };
  if (command.approximate) wrapped.approximate = true;
  return wrapped;
}

function optionTakesNextWord(option: string, spec: WrapperSpec): boolean {
  if (option.startsWith('--')) return spec.longWithValue.includes(option);
  // In a cluster (`-Eu root`) the first letter that takes a value consumes the rest or the next word.
  for (let i = 1; i < option.length; i++) {
    if (spec.shortWithValue.includes(option[i])) return i === option.length - 1;
  }
  return false;
}
