import type { ShellWord } from '../docker/shell.js';
import { lastIndexOutsideVariables } from '../docker/text.js';

/**
 * Shell words as the translations write them: copied as written, so that every variable reference
 * (`$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA`, `${TAG:-latest}`) reaches the new command unchanged.
 */

/**
 * The inside of a double-quoted string with the same value as `word`: `"$A:$B"` → `$A:$B`,
 * `'a b'` → `a b`, `$X/y` → `$X/y`. Undefined for what has no such form (`$'…'`, a leading `~`).
 */
export function dqFragment(word: ShellWord | string): string | undefined {
  const text = typeof word === 'string' ? word : word.text;
  if (text.startsWith('~')) return undefined;
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close === -1) return undefined;
      out += text.slice(i + 1, close).replace(/[$`"\\]/g, (m) => `\\${m}`);
      i = close + 1;
    } else if (c === '"') {
      const close = closingDoubleQuote(text, i + 1);
      if (close === -1) return undefined;
      out += text.slice(i + 1, close);
      i = close + 1;
    } else if (c === '$' && text[i + 1] === "'") {
      return undefined;
    } else if (c === '\\') {
      const next = text[i + 1] ?? '';
      out += /[$`"\\]/.test(next) ? `\\${next}` : next;
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function closingDoubleQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** `word` as one double-quoted shell word, or undefined (see `dqFragment`). */
export function dq(word: ShellWord | string): string | undefined {
  const f = dqFragment(word);
  return f === undefined ? undefined : `"${f}"`;
}

/** A literal string as a shell word: bare when it needs no quoting, else single-quoted. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * How two words naming images are compared: quotes removed, `${X}` read as `$X`, and `:latest`
 * added where no tag is written (`app` and `app:latest` are one image). Variables are compared by
 * name, never expanded.
 */
export function imageKey(word: ShellWord): string {
  const raw = word.value ?? dqFragment(word) ?? word.text;
  const text = raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, '$$$1');
  const slash = text.lastIndexOf('/');
  const last = text.slice(slash + 1);
  if (last.includes('@') || lastIndexOutsideVariables(last, ':') >= 0 || /\$[A-Za-z_][A-Za-z0-9_]*$|\}$/.test(last)) return text;
  return `${text}:latest`;
}

/**
 * The repository of an image reference written as a double-quote fragment, without tag or digest:
 * `$CI_REGISTRY_IMAGE:latest` → `$CI_REGISTRY_IMAGE`. Undefined when the tag cannot be told from
 * the name (`$IMAGE` may hold one).
 */
function repositoryOf(fragment: string): string | undefined {
  const at = fragment.lastIndexOf('@');
  const noDigest = at > fragment.lastIndexOf('/') ? fragment.slice(0, at) : fragment;
  const slash = noDigest.lastIndexOf('/');
  const last = noDigest.slice(slash + 1);
  const colon = lastIndexOutsideVariables(last, ':');
  if (colon >= 0) return noDigest.slice(0, slash + 1 + colon);
  if (/\$[A-Za-z_][A-Za-z0-9_]*$|\}$/.test(last)) return undefined;
  return noDigest;
}

/**
 * The registry cache for a build's `--cache-from`/`--cache-to` words: `<repository>/cache` for the
 * first one whose repository can be told, with a note for each one left out before it.
 */
export function cacheRepository(words: readonly ShellWord[]): { repo?: string; notes: string[] } {
  const notes: string[] = [];
  for (const w of words) {
    const f = dqFragment(w);
    if (f === undefined) continue;
    let ref = f;
    if (/^type=/.test(f)) {
      const fields = f.split(',');
      if (!fields.includes('type=registry')) {
        notes.push(`the cache \`${w.text}\` is not a registry cache and was left out`);
        continue;
      }
      ref = fields.find((x) => x.startsWith('ref='))?.slice(4) ?? '';
    }
    const repo = ref ? repositoryOf(ref) : undefined;
    if (repo) return { repo: `${repo}/cache`, notes };
    notes.push(`the cache \`${w.text}\` was left out: cilint cannot tell its repository from its tag`);
  }
  return { notes };
}

/** Text shortened for a message, on one line. */
export function shorten(text: string, max = 80): string {
  const one = text.replace(/\\\r?\n\s*/g, '').replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
