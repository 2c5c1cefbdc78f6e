import type { Edit } from '../engine/rule.js';
import {
  configRoot,
  isFlowCollection,
  isMapValue,
  layoutOf,
  ownEntries,
  patchMapEntries,
  patchSeqItems,
  replaceEntryValue,
  type YamlValue,
} from '../edit/yaml.js';
import { memoForGroup } from '../model/memo.js';
import type { Container, Job, ScriptStep, Variables } from '../model/pipeline.js';
import type { SourceFile } from '../model/source.js';
import { spanKey, type Span } from '../model/span.js';
import { getEntry, toPlain, type TEntry, type TMap, type TSeq, type Tree } from '../model/tree.js';
import { layersOf } from '../model/variables.js';
import { pushTo } from '../model/lists.js';
import type { Section } from './plan.js';
import type { JobTranslation } from './translation.js';

/**
 * Turns job translations into text edits of the files where the jobs are written.
 *
 * A value is edited where it is written (a template, an anchor, the global `variables:`) only when
 * every job that uses it is translated the same way; otherwise the translated job gets its own value
 * (`image:`, `services: []`, its own `script:`) and the shared text stays for the other jobs.
 */

export interface JobChange {
  job: Job;
  translation: JobTranslation;
  /** The dind services the job loses. */
  services: readonly Container[];
}

const SECTIONS: readonly Section[] = ['before_script', 'script', 'after_script'];
type Keyword = Section | 'image' | 'services' | 'variables';
const KEYWORDS: readonly Keyword[] = [...SECTIONS, 'image', 'services', 'variables'];

/* ---------- Where things are written ---------- */

interface Located<T> {
  map: TMap;
  entry: T;
}

interface RawIndex {
  root: TMap;
  entries: Map<string, Located<TEntry>>;
  items: Map<string, { seq: TSeq; index: number }>;
  /** Values written as an entry's value (collections and scalars), by their span: the entry and the mapping holding it. */
  owners: Map<string, Located<TEntry>>;
}

function within(inner: Span, outer: Span): boolean {
  return inner.file.path === outer.file.path && inner.start >= outer.start && inner.end <= outer.end;
}

const rawIndex = memoForGroup((file: SourceFile): RawIndex | undefined => {
  const root = configRoot(file);
  if (!root) return undefined;
  const index: RawIndex = { root, entries: new Map(), items: new Map(), owners: new Map() };
  const seen = new Set<Tree>();
  const visit = (t: Tree): void => {
    if (seen.has(t)) return;
    seen.add(t);
    if (t.kind === 'map') {
      for (const e of ownEntries(file, t)) {
        index.entries.set(spanKey(e.keySpan), { map: t, entry: e });
        if (within(e.value.span, t.span) && e.value.span.start >= e.keySpan.end) index.owners.set(spanKey(e.value.span), { map: t, entry: e });
        visit(e.value);
      }
    } else if (t.kind === 'seq') {
      t.items.forEach((item, i) => {
        if (within(item.span, t.span)) index.items.set(spanKey(item.span), { seq: t, index: i });
        visit(item);
      });
    }
  };
  visit(root);
  return index;
});

function locateEntry(span: Span): Located<TEntry> | undefined {
  return rawIndex(span.file)?.entries.get(spanKey(span));
}

/** The mapping a job is written as, in its own file. */
function ownMapping(job: Job): TMap | undefined {
  const loc = locateEntry(job.nameSpan);
  return loc && loc.map === rawIndex(job.nameSpan.file)?.root && loc.entry.value.kind === 'map' ? loc.entry.value : undefined;
}

function ownEntry(map: TMap, key: string): TEntry | undefined {
  return ownEntries(map.span.file, map).find((e) => e.key === key);
}

/* ---------- Collected changes ---------- */

interface Origin {
  job: Job;
  keyword: Keyword;
}

interface MapPatch {
  file: SourceFile;
  map: TMap;
  remove: Map<string, Origin[]>;
  replace: Map<string, { value: YamlValue; origins: Origin[] }>;
  add: Map<string, { value: YamlValue; origins: Origin[] }>;
}

interface SeqPatch {
  file: SourceFile;
  seq: TSeq;
  /** The entry the sequence is the value of, and the mapping holding it. */
  owner: Located<TEntry>;
  changes: Map<number, { values: YamlValue[]; origins: Origin[] }>;
}

class Conflict extends Error {
  constructor(readonly origins: Origin[]) {
    super('conflicting edits');
  }
}

const same = (a: YamlValue, b: YamlValue) => JSON.stringify(a) === JSON.stringify(b);

class Patches {
  readonly maps = new Map<string, MapPatch>();
  readonly seqs = new Map<string, SeqPatch>();

  private map(file: SourceFile, map: TMap): MapPatch {
    const key = spanKey(map.span);
    let p = this.maps.get(key);
    if (!p) this.maps.set(key, (p = { file, map, remove: new Map(), replace: new Map(), add: new Map() }));
    return p;
  }

  remove(file: SourceFile, map: TMap, key: string, origin: Origin): void {
    const p = this.map(file, map);
    const other = p.replace.get(key);
    if (other) throw new Conflict([origin, ...other.origins]);
    p.remove.set(key, [...(p.remove.get(key) ?? []), origin]);
  }

  replace(file: SourceFile, map: TMap, key: string, value: YamlValue, origin: Origin): void {
    const p = this.map(file, map);
    const prev = p.replace.get(key);
    if (prev && !same(prev.value, value)) throw new Conflict([origin, ...prev.origins]);
    if (p.remove.has(key)) throw new Conflict([origin, ...p.remove.get(key)!]);
    p.replace.set(key, { value, origins: [...(prev?.origins ?? []), origin] });
  }

  /** Adds an entry; adding `variables` maps to the same mapping merges them. */
  add(file: SourceFile, map: TMap, key: string, value: YamlValue, origin: Origin): void {
    const p = this.map(file, map);
    const prev = p.add.get(key);
    if (prev && !same(prev.value, value)) {
      const merged = mergeMaps(prev.value, value);
      if (!merged) throw new Conflict([origin, ...prev.origins]);
      p.add.set(key, { value: merged, origins: [...prev.origins, origin] });
      return;
    }
    p.add.set(key, { value, origins: [...(prev?.origins ?? []), origin] });
  }

  item(file: SourceFile, seq: TSeq, owner: Located<TEntry>, index: number, values: YamlValue[], origin: Origin): void {
    const key = spanKey(seq.span);
    let p = this.seqs.get(key);
    if (!p) this.seqs.set(key, (p = { file, seq, owner, changes: new Map() }));
    const prev = p.changes.get(index);
    if (prev && !same(prev.values, values)) throw new Conflict([origin, ...prev.origins]);
    p.changes.set(index, { values, origins: [...(prev?.origins ?? []), origin] });
  }
}

function mergeMaps(a: YamlValue, b: YamlValue): YamlValue | undefined {
  if (!isMapValue(a) || !isMapValue(b)) return undefined;
  for (const [k, v] of Object.entries(b)) if (k in a && !same(a[k], v)) return undefined;
  return { ...a, ...b };
}

/* ---------- From translations to patches ---------- */

export interface EditResult {
  edits: Edit[];
  /** Jobs that could not be edited, with why. */
  failed: Map<Job, string>;
}

/** Text edits for every change; `allJobs` are the jobs judged in the lint set (to tell shared text). */
export function jobEdits(changes: readonly JobChange[], allJobs: readonly Job[]): EditResult {
  const forced = new Set<string>();
  const failed = new Map<Job, string>();
  for (let attempt = 0; attempt < 8; attempt++) {
    const live = changes.filter((c) => !failed.has(c.job));
    const translated = new Set(live.map((c) => c.job));
    const ctx = new Context(allJobs, translated, forced);
    const patches = new Patches();
    try {
      for (const c of live) {
        const why = ctx.collect(c, patches);
        if (why) failed.set(c.job, why);
      }
      if (live.some((c) => failed.has(c.job))) continue;
      return { edits: render(patches, (e) => ctx.referenced(e.keySpan)), failed };
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
      // A value written once is wanted two ways: each job involved gets its own value instead.
      let progressed = false;
      const origins = e.origins.length > 0 ? e.origins : live.flatMap((c) => KEYWORDS.map((keyword) => ({ job: c.job, keyword })));
      for (const o of origins) {
        const key = `${spanKey(o.job.nameSpan)}\0${o.keyword}`;
        if (!forced.has(key)) {
          forced.add(key);
          progressed = true;
        }
      }
      if (!progressed) for (const o of origins) failed.set(o.job, 'its translation conflicts with another job written in the same place');
    }
  }
  for (const c of changes) if (!failed.has(c.job)) failed.set(c.job, 'cilint could not place its edits');
  return { edits: [], failed };
}

/** Which jobs take what from where, for one list of jobs. */
interface Users {
  /**
   * By `keyword\0span`: the jobs whose keyword comes from the entry written there, and those whose
   * keyword takes that entry's value (`!reference [.tmpl, services]`, an alias of an anchored value).
   */
  entries: Map<string, Job[]>;
  /** By `name\0span`: the jobs whose variable comes from the entry written there, or takes its value. */
  variables: Map<string, Job[]>;
  /**
   * The same for the variables of tables that jobs read through (`layersOf`), which are not listed per
   * job: 20 000 global variables listed for each of 2 000 jobs took a minute. By `name\0span`: the
   * jobs reading the table, less those that put a variable of that name over it.
   */
  tableVariables: Map<string, { readers: readonly Job[]; except: ReadonlySet<Job> | undefined }[]>;
  /** By the span of the mapping the jobs are read from (several when it is a YAML alias). */
  configs: Map<string, Job[]>;
  /**
   * The key spans of the entries whose value some job takes by reference or alias, not by `extends`,
   * as a variable or as any keyword: removing one would break the reference.
   */
  referenced: Set<string>;
}

/** Built once per list of jobs: every fix of a group of pipelines asks about the same jobs. */
const usersIndex = memoForGroup((jobs: readonly Job[]): Users => {
  const index: Users = { entries: new Map(), variables: new Map(), tableVariables: new Map(), configs: new Map(), referenced: new Set() };
  // An entry (or variable) written at `keySpan` (or a list item, without one) that takes the value of an
  // entry written elsewhere: the key of that entry. Its readers read that entry too: editing it changes
  // them, and removing it breaks the reference.
  const takenFrom = (keySpan: Span | undefined, value: Span): { key: string; span: string } | undefined => {
    const from = rawIndex(value.file)?.owners.get(spanKey(value))?.entry;
    if (!from || (keySpan && spanKey(from.keySpan) === spanKey(keySpan))) return undefined;
    const span = spanKey(from.keySpan);
    return { key: `${from.key}\0${span}`, span };
  };
  // Whether it does, and if so, `job` is one of those readers.
  const addReader = (map: Map<string, Job[]>, keySpan: Span | undefined, value: Span, job: Job): boolean => {
    const from = takenFrom(keySpan, value);
    if (!from) return false;
    pushTo(map, from.key, job);
    index.referenced.add(from.span);
    return true;
  };
  const tables = new Map<Variables, Job[]>();
  for (const j of jobs) {
    const { under, over } = layersOf(j.variables);
    for (const [name, v] of over) {
      pushTo(index.variables, `${name}\0${spanKey(v.nameSpan)}`, j);
      addReader(index.variables, v.nameSpan, v.span, j);
    }
    pushTo(tables, under, j);
    if (!j.config) continue;
    pushTo(index.configs, spanKey(j.config.span), j);
    for (const key of new Set(j.config.entries.map((e) => e.key))) {
      const e = getEntry(j.config, key)!;
      pushTo(index.entries, `${key}\0${spanKey(e.keySpan)}`, j);
      addReader(index.entries, e.keySpan, e.value.span, j);
      addNestedReaders(e.value, j);
    }
  }
  for (const [table, readers] of tables) {
    // Who reads a variable of the table: its readers, less those that put their own over it.
    const overriding = new Map<string, Set<Job>>();
    for (const j of readers) {
      for (const name of layersOf(j.variables).over.keys()) {
        if (!table.has(name)) continue;
        const set = overriding.get(name);
        if (set) set.add(j);
        else overriding.set(name, new Set([j]));
      }
    }
    for (const [name, v] of table) {
      const users = { readers, except: overriding.get(name) };
      pushTo(index.tableVariables, `${name}\0${spanKey(v.nameSpan)}`, users);
      const from = takenFrom(v.nameSpan, v.span);
      if (!from) continue;
      pushTo(index.tableVariables, from.key, users);
      if (readers.length > (users.except?.size ?? 0)) index.referenced.add(from.span);
    }
  }
  return index;

  /**
   * Values taken from elsewhere below a job's keywords (`rules: [{variables: !reference [.tmpl,
   * variables]}]`, an alias inside `cache:`): the job reads the entry that holds the value, and every
   * entry inside it, so a translation may neither remove nor change them for it.
   */
  function addNestedReaders(root: Tree, job: Job): void {
    // A shared subtree is walked again only if it is now met through a reference (at most twice).
    const seen = new Map<Tree, boolean>();
    const visit = (t: Tree, read: boolean): void => {
      const before = seen.get(t);
      if (before === true || (before === false && !read)) return;
      seen.set(t, read);
      if (t.kind === 'map') {
        for (const e of t.entries) {
          if (read) {
            pushTo(index.entries, `${e.key}\0${spanKey(e.keySpan)}`, job);
            pushTo(index.variables, `${e.key}\0${spanKey(e.keySpan)}`, job);
          }
          visit(e.value, read || addReader(index.entries, e.keySpan, e.value.span, job));
        }
      } else if (t.kind === 'seq') {
        for (const item of t.items) visit(item, read || addReader(index.entries, undefined, item.span, job));
      }
    };
    visit(root, false);
  }
});

class Context {
  private readonly users: Users;

  constructor(
    allJobs: readonly Job[],
    readonly translated: ReadonlySet<Job>,
    private readonly forced: ReadonlySet<string>,
  ) {
    this.users = usersIndex(allJobs);
  }

  /** Whether some job takes the value of the entry whose key is written at `span` by reference or alias. */
  referenced(span: Span): boolean {
    return this.users.referenced.has(spanKey(span));
  }

  /** Jobs whose `keyword` (or `$variable`) comes from the entry written at `span`. */
  usersOf(keyword: string, span: Span): readonly Job[] {
    const variable = keyword.startsWith('$');
    const key = `${variable ? keyword.slice(1) : keyword}\0${spanKey(span)}`;
    if (!variable) return this.users.entries.get(key) ?? [];
    const direct = this.users.variables.get(key) ?? [];
    const tables = this.users.tableVariables.get(key);
    if (!tables) return direct;
    const users = [...direct];
    for (const { readers, except } of tables) for (const j of readers) if (!except?.has(j)) users.push(j);
    return users;
  }

  private inPlace(job: Job, keyword: Keyword, keyword2: string, span: Span): boolean {
    if (this.forced.has(`${spanKey(job.nameSpan)}\0${keyword}`)) return false;
    return this.usersOf(keyword2, span).every((u) => this.translated.has(u));
  }

  /** Collects one job's patches; returns why it cannot be edited, if so. */
  collect(c: JobChange, patches: Patches): string | undefined {
    const { job, translation: t } = c;
    const own = ownMapping(job);
    const file = job.nameSpan.file;
    if (!own || isFlowCollection(file, own)) return 'it is not written as a block mapping cilint can edit';
    const sharers = job.config ? (this.users.configs.get(spanKey(job.config.span)) ?? []) : [];
    if (sharers.some((j) => !this.translated.has(j))) return `its definition is shared (a YAML alias) with job \`${sharers.find((j) => !this.translated.has(j))!.name}\``;
    const override = (keyword: Keyword, value: YamlValue) => {
      if (ownEntry(own, keyword)) patches.replace(file, own, keyword, value, { job, keyword });
      else patches.add(file, own, keyword, value, { job, keyword });
    };
    let home = own;

    // The image.
    if (t.image !== undefined) {
      const e = job.config && getEntry(job.config, 'image');
      const loc = e && locateEntry(e.keySpan);
      if (e && loc && this.inPlace(job, 'image', 'image', e.keySpan) && rawIndex(e.keySpan.file)) {
        patches.replace(e.keySpan.file, loc.map, 'image', t.image, { job, keyword: 'image' });
        const owner = rawIndex(e.keySpan.file)!.owners.get(spanKey(loc.map.span));
        if (owner && owner.map === rawIndex(e.keySpan.file)!.root && owner.entry.key !== 'default') home = loc.map;
      } else override('image', t.image);
    }

    // The dind services.
    if (c.services.length > 0) {
      const e = job.config && getEntry(job.config, 'services');
      if (!e) return 'cilint cannot tell where its services are written';
      const loc = locateEntry(e.keySpan);
      const raw = loc?.entry.value;
      const items = raw?.kind === 'seq' ? c.services.map((s) => rawIndex(e.keySpan.file)?.items.get(spanKey(s.span))) : [];
      const placeable = loc && raw?.kind === 'seq' && items.every((i) => i && i.seq === raw);
      if (placeable && this.inPlace(job, 'services', 'services', e.keySpan)) {
        const seq = raw as TSeq;
        const gone = new Set(items.map((i) => i!.index));
        if (gone.size === seq.items.length) this.emptyKey(patches, e.keySpan.file, loc, 'services', { job, keyword: 'services' });
        else for (const i of gone) patches.item(e.keySpan.file, seq, loc, i, [], { job, keyword: 'services' });
      } else {
        const remaining = serviceTrees(e.value).filter((s) => !c.services.some((d) => spanKey(d.span) === spanKey(s.span)));
        // A list inside `services` (a `!reference` to one) is no service GitLab takes; copied as its
        // resolved value it would add a mistake to the job rather than keep the one already written.
        if (remaining.some((s) => s.kind !== 'scalar' && s.kind !== 'map')) {
          return 'a service it keeps is neither an image name nor a mapping, so cilint cannot copy its services into the job';
        }
        override('services', remaining.map((s) => toPlain(s) as YamlValue));
      }
    }

    // The script sections.
    for (const section of SECTIONS) {
      const steps = job.scripts.filter((s) => s.section === section);
      if (!steps.some((s) => t.steps.has(s))) continue;
      const e = job.config && getEntry(job.config, section);
      if (!e) return `cilint cannot tell where its ${section} is written`;
      const origin: Origin = { job, keyword: section };
      const whole = steps.flatMap((s) => [...(t.steps.get(s) ?? [s.text])]);
      if (this.inPlace(job, section, section, e.keySpan) && this.sectionInPlace(patches, e, steps, t.steps, whole, origin)) continue;
      override(section, whole);
    }

    // Variables: the daemon's go where no other job needs them; the builder's are added.
    const variableAdds: [string, string][] = [];
    for (const name of t.removeVariables) {
      const v = job.variables.get(name);
      if (!v) continue;
      const loc = locateEntry(v.nameSpan);
      if (loc && this.inPlace(job, 'variables', `$${name}`, v.nameSpan) && !this.referenced(v.nameSpan)) {
        patches.remove(v.nameSpan.file, loc.map, name, { job, keyword: 'variables' });
        continue;
      }
      const override = t.overrideVariables.find(([n]) => n === name);
      if (override && v.value !== override[1]) variableAdds.push([name, override[1]]);
    }
    const toOwn: [string, string][] = [...variableAdds];
    for (const [name, value] of t.addVariables) {
      const v = job.variables.get(name);
      if (v?.value === value) continue;
      const loc = v && locateEntry(v.nameSpan);
      if (v && loc && this.inPlace(job, 'variables', `$${name}`, v.nameSpan)) patches.replace(v.nameSpan.file, loc.map, name, value, { job, keyword: 'variables' });
      else if (v) toOwn.push([name, value]);
      else if (home === own) toOwn.push([name, value]);
      else this.addVariables(patches, home.span.file, home, [[name, value]], { job, keyword: 'variables' });
    }
    if (toOwn.length > 0) {
      const taken = job.config && getEntry(job.config, 'variables')?.value;
      this.addVariables(patches, file, own, toOwn, { job, keyword: 'variables' }, { taken, drop: new Set(t.removeVariables) });
    }
    return undefined;
  }

  /**
   * Adds variables to a mapping's `variables:`. A job's own `variables:` that takes its value from
   * elsewhere (`!reference`, an alias) becomes the job's own copy of what it `taken`, without `drop`
   * and with the variables added.
   */
  private addVariables(
    patches: Patches,
    file: SourceFile,
    map: TMap,
    vars: readonly [string, string][],
    origin: Origin,
    copy?: { taken: Tree | undefined; drop: ReadonlySet<string> },
  ): void {
    const e = ownEntry(map, 'variables');
    if (e && e.value.kind === 'map' && within(e.value.span, map.span)) {
      for (const [n, v] of vars) patches.add(file, e.value, n, v, origin);
    } else if (!e) {
      patches.add(file, map, 'variables', Object.fromEntries(vars), origin);
    } else if (copy?.taken?.kind === 'map') {
      const kept = Object.entries(toPlain(copy.taken) as Record<string, YamlValue>).filter(([n]) => !copy.drop.has(n));
      patches.replace(file, map, 'variables', Object.fromEntries([...kept, ...vars]), origin);
    } else {
      throw new Conflict([origin]);
    }
  }

  /** Item edits for a section written at `e`; false when it is not written there item by item. */
  private sectionInPlace(
    patches: Patches,
    e: TEntry,
    steps: readonly ScriptStep[],
    texts: ReadonlyMap<ScriptStep, readonly string[]>,
    whole: readonly string[],
    origin: Origin,
  ): boolean {
    const loc = locateEntry(e.keySpan);
    const index = rawIndex(e.keySpan.file);
    if (!loc || !index) return false;
    const raw = loc.entry.value;
    const file = e.keySpan.file;
    if (raw.kind === 'scalar') {
      if (steps.length !== 1 || spanKey(steps[0].span) !== spanKey(raw.span)) return false;
      if (whole.length === 0) this.emptyKey(patches, file, loc, e.key, origin);
      else patches.replace(file, loc.map, e.key, whole.length === 1 ? whole[0] : [...whole], origin);
      return true;
    }
    if (raw.kind !== 'seq') return false;
    const changed = steps.filter((s) => texts.has(s));
    const places = changed.map((s) => index.items.get(spanKey(s.span)));
    if (places.some((p) => !p || p.seq !== raw)) return false;
    if (whole.length === 0 && steps.length === raw.items.length) {
      this.emptyKey(patches, file, loc, e.key, origin);
      return true;
    }
    changed.forEach((s, i) => patches.item(file, raw, loc, places[i]!.index, [...texts.get(s)!], origin));
    return true;
  }

  /**
   * A key whose list empties: removed when nothing else would then show through (no `extends`, no
   * `default:` for it, every user takes it from this mapping alone), else set to `[]`.
   */
  private emptyKey(patches: Patches, file: SourceFile, loc: Located<TEntry>, key: string, origin: Origin): void {
    if (this.removable(file, loc, key)) patches.remove(file, loc.map, key, origin);
    else patches.replace(file, loc.map, key, [], origin);
  }

  private removable(file: SourceFile, loc: Located<TEntry>, key: string): boolean {
    const index = rawIndex(file);
    if (!index) return false;
    const owner = index.owners.get(spanKey(loc.map.span));
    if (!owner || owner.map !== index.root) return false;
    if (ownEntry(loc.map, 'extends') || ownEntries(file, loc.map).length < loc.map.entries.length) return false;
    const defaults = getEntry(index.root, 'default')?.value;
    if (owner.entry.key !== 'default' && (getEntry(index.root, key) || (defaults?.kind === 'map' && getEntry(defaults, key)))) return false;
    // Each user is this mapping, or extends it alone (so nothing else it extends shows through).
    return this.usersOf(key, loc.entry.keySpan).every((u) => {
      if (u.config && spanKey(u.config.span) === spanKey(loc.map.span)) return true;
      const own = ownMapping(u);
      const ext = own && ownEntry(own, 'extends')?.value;
      const names = ext?.kind === 'scalar' ? [ext.text] : ext?.kind === 'seq' ? ext.items.map((i) => (i.kind === 'scalar' ? i.text : '')) : [];
      return names.length === 1 && names[0] === owner.entry.key;
    });
  }
}

function serviceTrees(t: Tree): Tree[] {
  return t.kind === 'seq' ? [...t.items] : [t];
}

/* ---------- From patches to edits ---------- */

/** `referenced`: whether a job takes the entry's value by reference, so the key must stay. */
function render(patches: Patches, referenced: (e: TEntry) => boolean): Edit[] {
  const edits: Edit[] = [];
  for (const p of patches.seqs.values()) {
    const changes = new Map([...p.changes].map(([i, c]) => [i, c.values]));
    const out = patchSeqItems(p.file, p.seq, changes, layoutOf(p.file));
    if (!out) throw new Conflict(p.changes.values().next().value!.origins);
    edits.push(...out);
  }
  const ownerOf = (p: MapPatch) => rawIndex(p.file)?.owners.get(spanKey(p.map.span));
  const empties = (p: MapPatch) => {
    const own = ownEntries(p.file, p.map);
    return p.add.size === 0 && p.replace.size === 0 && own.length > 0 && own.every((e) => p.remove.has(e.key));
  };
  // A variables mapping that loses every entry goes with its key, unless a `!reference` reads it: the
  // key's removal joins the edits of the mapping holding it, which may then be left empty too.
  const gone = new Set<MapPatch>();
  for (const p of [...patches.maps.values()]) {
    const owner = empties(p) ? ownerOf(p) : undefined;
    if (!owner || owner.entry.key !== 'variables' || referenced(owner.entry)) continue;
    const origins = [...p.remove.values()].flat();
    if (patches.maps.get(spanKey(owner.map.span))?.add.has('variables')) throw new Conflict(origins);
    for (const origin of origins) patches.remove(p.file, owner.map, 'variables', origin);
    gone.add(p);
  }
  for (const p of patches.maps.values()) {
    if (gone.has(p)) continue;
    // A mapping left with no entries is written `{}`: `key:` alone would be null, and a template the
    // translation emptied is still extended.
    const owner = empties(p) ? ownerOf(p) : undefined;
    if (owner) {
      const edit = replaceEntryValue(p.file, owner.entry, {}, layoutOf(p.file));
      if (!edit) throw new Conflict([...p.remove.values()].flat());
      edits.push(edit);
      continue;
    }
    const out = patchMapEntries(p.file, p.map, new Set(p.remove.keys()), [...p.add].map(([k, v]) => [k, v.value] as const), layoutOf(p.file));
    if (!out) throw new Conflict([...p.remove.values(), ...[...p.add.values()].map((a) => a.origins)].flat());
    edits.push(...out);
    for (const [key, r] of p.replace) {
      const e = ownEntry(p.map, key);
      const edit = e && replaceEntryValue(p.file, e, r.value, layoutOf(p.file));
      if (!edit) throw new Conflict(r.origins);
      edits.push(edit);
    }
  }
  return normalize(edits);
}

/** Drops duplicate edits; two edits of one range that differ are a conflict. */
function normalize(edits: readonly Edit[]): Edit[] {
  const seen = new Map<string, Edit>();
  for (const e of edits) seen.set(`${e.file.path}\0${e.start}\0${e.end}\0${e.text}`, e);
  const out = [...seen.values()].sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : a.start - b.start || a.end - b.end));
  for (let i = 1; i < out.length; i++) {
    const a = out[i - 1];
    const b = out[i];
    if (a.file.path === b.file.path && (b.start < a.end || (a.start === b.start && a.end === b.end))) throw new Conflict([]);
  }
  return out;
}
