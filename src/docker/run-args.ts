import { flagValue, parseRunOptions, type CliOption } from './docker-cli.js';
import { parseVolumeSpec } from './runner.js';
import { assignmentOfWord, literalPrefix, parseShell, type ShellWord } from './shell.js';
import { lastIndexOutsideVariables } from './text.js';

/**
 * What a `docker run` argument string asks for, when the arguments are written apart from the command:
 * a Jenkins agent's `args '--privileged -v …'`, `docker.image(x).inside('…')`, `.withRun('…')`. Words are
 * split as the shell splits them and options read as `docker run` reads them (the same code that reads
 * docker commands in scripts); offsets index the argument string.
 */
export interface RunArgs {
  readonly options: readonly CliOption[];
  /** The `--privileged` option when the container runs privileged (the last one decides). */
  readonly privileged: CliOption | undefined;
  /** Host paths bound into the container: `-v /host:/ctr`, `--mount type=bind,source=…,target=…`. */
  readonly binds: readonly RunBind[];
  /** `-e NAME=value`, and `-e NAME`, which passes on the caller's value (unknown here). */
  readonly env: readonly RunEnv[];
  /** `--link target[:alias]`. */
  readonly links: readonly RunLink[];
  /** The last `--network`/`--net` value. */
  readonly network: ShellWord | undefined;
  /** Names under which containers on a shared user-defined network reach it: `--name`, `--network-alias`. */
  readonly names: readonly string[];
}

export interface RunBind {
  readonly hostPath: string;
  readonly containerPath: string | undefined;
  /** The option's value word (`/var/run/docker.sock:/var/run/docker.sock`). */
  readonly word: ShellWord;
}

export interface RunEnv {
  readonly name: string;
  /** Undefined when the value is passed on from the caller (`-e NAME`) or only known at run time. */
  readonly value: string | undefined;
  /** The option's value word (`NAME=value`). */
  readonly word: ShellWord;
  /** Offsets of the name, and of the value (empty for `NAME=`; undefined for `-e NAME`). */
  readonly nameRange: { start: number; end: number };
  readonly valueRange: { start: number; end: number } | undefined;
}

export interface RunLink {
  /** The linked container as written (a name, an id, an interpolated `${c.id}`). */
  readonly target: { text: string; start: number; end: number };
  /** The hostname the link adds; the target's name when no alias is given and the name is literal. */
  readonly alias: string | undefined;
  readonly word: ShellWord;
}

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function parseRunArgs(text: string): RunArgs {
  const options = parseRunOptions(argumentWords(text));
  const privilegedOption = options.filter((o) => o.canonical === 'privileged').at(-1);
  const binds: RunBind[] = [];
  const env: RunEnv[] = [];
  const links: RunLink[] = [];
  const names: string[] = [];
  let network: ShellWord | undefined;
  for (const option of options) {
    const value = option.value;
    if (!value) continue;
    switch (option.canonical) {
      case 'volume': {
        const bind = volumeBind(value);
        if (bind) binds.push(bind);
        break;
      }
      case 'mount': {
        const bind = mountBind(value);
        if (bind) binds.push(bind);
        break;
      }
      case 'env': {
        const e = envOf(value);
        if (e) env.push(e);
        break;
      }
      case 'link':
        links.push(linkOf(value));
        break;
      case 'network':
      case 'net':
        network = value;
        break;
      case 'name':
      case 'network-alias':
        if (value.value !== undefined && HOSTNAME.test(value.value)) names.push(value.value);
        break;
    }
  }
  const privileged = privilegedOption && flagValue(privilegedOption) === true ? privilegedOption : undefined;
  return { options, privileged, binds, env, links, network, names };
}

/** The words of the string, across line breaks (which only separate words for `docker run`). */
function argumentWords(text: string): ShellWord[] {
  const words: ShellWord[] = [];
  let end = -1;
  for (const command of parseShell(text).commands) {
    // Skip commands inside an earlier one: substitutions, and what a wrapper word would run.
    if (command.start < end) continue;
    end = command.end;
    if (command.name) words.push(command.name);
    words.push(...command.args);
  }
  return words;
}

/** `-v /host:/ctr[:mode]` binds a host path; `-v name:/ctr` is a named volume and `-v /ctr` an anonymous one. */
function volumeBind(word: ShellWord): RunBind | undefined {
  if (word.value === undefined) return undefined;
  const spec = parseVolumeSpec(word.value);
  if (spec.host === undefined || !spec.host.startsWith('/')) return undefined;
  return { hostPath: spec.host, containerPath: spec.container, word };
}

/** `--mount type=bind,source=/host,target=/ctr` (the default type is a volume, not a bind). */
function mountBind(word: ShellWord): RunBind | undefined {
  if (word.value === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const field of word.value.split(',')) {
    const eq = field.indexOf('=');
    fields.set((eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase(), eq < 0 ? 'true' : field.slice(eq + 1).trim());
  }
  const source = fields.get('source') ?? fields.get('src');
  if (fields.get('type') !== 'bind' || source === undefined) return undefined;
  return { hostPath: source, containerPath: fields.get('target') ?? fields.get('destination') ?? fields.get('dst'), word };
}

function envOf(word: ShellWord): RunEnv | undefined {
  const assignment = assignmentOfWord(word);
  // A quoted word (`"A=b"`) starts one character after its text.
  const nameStart = word.start + (word.text.startsWith('"') || word.text.startsWith("'") ? 1 : 0);
  if (assignment) {
    const valueWord = assignment.value!;
    return {
      name: assignment.name,
      value: valueWord.value,
      word,
      nameRange: { start: nameStart, end: nameStart + assignment.name.length },
      valueRange: { start: valueWord.start, end: valueWord.end },
    };
  }
  const name = literalPrefix(word);
  if (word.value === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  return { name, value: undefined, word, nameRange: { start: nameStart, end: nameStart + name.length }, valueRange: undefined };
}

function linkOf(word: ShellWord): RunLink {
  // Offsets are exact for a word written plainly or quoted whole; an escaped one keeps the word's range.
  const quoted = word.value === undefined && /^(["'])[^]*\1$/.test(word.text) && word.text.length >= 2;
  const text = quoted ? word.text.slice(1, -1) : (word.value ?? word.text);
  const base = quoted ? word.start + 1 : word.start;
  const exact = quoted || word.value === undefined || word.value === word.text;
  const colon = lastIndexOutsideVariables(text, ':');
  const targetText = colon < 0 ? text : text.slice(0, colon);
  const written = colon < 0 ? targetText : text.slice(colon + 1);
  const alias = HOSTNAME.test(written) ? written : undefined;
  const target = exact
    ? { text: targetText, start: base, end: base + targetText.length }
    : { text: targetText, start: word.start, end: word.end };
  return { target, alias, word };
}
